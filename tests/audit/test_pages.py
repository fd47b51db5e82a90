import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.audit.services import audit_log
from tests.factories import make_id_number

LIST = reverse("audit:event_list")


@pytest.fixture
def auditor(staff):
    return staff("auditor")


@pytest.fixture
def trail(staff):
    clerk = staff("intake", username="clerk1")
    other = staff("reviewer", username="rev1")
    audit_log(actor=clerk, event_type="casework.accept", object_type="casework.case", object_id="WGFH-2026-000001",
              details={"comment": "ok"})
    audit_log(actor=other, event_type="casework.review", object_type="casework.case", object_id="WGFH-2026-000001",
              outcome=AuditEvent.Outcome.DENIED, details={"reason": "maker-checker"})
    audit_log(actor=clerk, event_type="registry.person_created", object_type="registry.person", object_id="7")
    # Written directly with an old time: the trail itself can never be changed afterwards.
    AuditEvent.objects.create(occurred_at=timezone.now() - datetime.timedelta(days=40), actor=clerk,
                              actor_username=clerk.username, event_type="casework.accept",
                              object_type="casework.case", object_id="WGFH-2025-000009")
    return clerk, other


def _object_ids(response):
    return [e.object_id for e, _details in response.context["rows"]]


def test_auditor_sees_events_and_filters_narrow_them(client, auditor, trail):
    client.force_login(auditor)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "审计" in response.content.decode()

    assert set(_object_ids(client.get(LIST, {"event_type": "casework."}))) == {
        "WGFH-2026-000001", "WGFH-2025-000009"}
    assert _object_ids(client.get(LIST, {"actor": "rev1"})) == ["WGFH-2026-000001"]
    assert _object_ids(client.get(LIST, {"outcome": "denied"})) == ["WGFH-2026-000001"]
    assert _object_ids(client.get(LIST, {"object_type": "registry.person", "object_id": "7"})) == ["7"]
    today = timezone.localdate()
    recent = _object_ids(client.get(LIST, {"event_type": "casework.", "date_from": today - datetime.timedelta(days=7),
                                           "date_to": today}))
    assert recent == ["WGFH-2026-000001", "WGFH-2026-000001"]


def test_bad_date_range_is_a_message_not_an_error(client, auditor, trail):
    client.force_login(auditor)
    response = client.get(LIST, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert "开始日期晚于结束日期" in response.content.decode()
    assert response.context["rows"] == []
    assert client.get(LIST, {"date_from": "not-a-date"}).status_code == 200


def test_list_is_paginated(client, auditor):
    for i in range(60):
        audit_log(actor=None, event_type="test.bulk", object_id=str(i))
    client.force_login(auditor)
    first = client.get(LIST, {"event_type": "test.bulk"})
    second = client.get(LIST, {"event_type": "test.bulk", "page": 2})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 10
    assert "event_type=test.bulk&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("role", ["reviewer", "approver", "intake", "manager", "finance", "admin"])
def test_roles_without_the_audit_permission_get_403(client, staff, role):
    event = audit_log(actor=None, event_type="test.secret")
    client.force_login(staff(role))
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("audit:event_detail", args=[event.id])).status_code == 403


def test_security_admin_may_read_the_trail(client, staff):
    client.force_login(staff("security"))
    assert client.get(LIST).status_code == 200


def test_detail_shows_the_event_and_never_a_full_id_number(client, auditor):
    number = make_id_number()
    # A careless writer put a full number in the details; the page still shows it masked.
    event = audit_log(actor=None, event_type="registry.reveal", object_type="registry.person", object_id="3",
                      details={"reason": "银行退票核对", "note": f"号码 {number}"})
    client.force_login(auditor)
    response = client.get(reverse("audit:event_detail", args=[event.id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "registry.reveal" in body and "银行退票核对" in body
    assert number not in body
    assert number[:6] + "********" + number[-4:] in body
    assert "尚未封存" in body
    list_body = client.get(LIST).content.decode()
    assert number not in list_body
    assert client.get(reverse("audit:event_detail", args=[event.id + 1000])).status_code == 404
