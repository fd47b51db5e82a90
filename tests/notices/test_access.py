"""Who may read and issue notices, and who sees which messages: applicants their own, staff their area."""

import pytest

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.notices.models import Notice, NoticeKind, Notification
from tests.factories import make_user
from tests.notices.conftest import move, new_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(crew, commit):
    with commit():
        case = new_case(crew.applicant)  # 利州区 510802
        case = move(case, "accept", crew.intake)
    return case


def _acceptance(case) -> Notice:
    return Notice.objects.get(case=case, kind=NoticeKind.ACCEPTANCE)


def test_the_applicant_downloads_their_own_notice(client, crew, accepted):
    client.force_login(crew.applicant)
    response = client.get(f"/notices/{_acceptance(accepted).number}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_another_applicant_gets_not_found(client, accepted):
    client.force_login(make_user("applicant_person"))
    assert client.get(f"/notices/{_acceptance(accepted).number}/").status_code == 404
    assert client.get(f"/api/v1/notices/{_acceptance(accepted).number}/pdf/").status_code == 404
    assert client.get("/api/v1/notices/").json()["count"] == 0


def test_staff_of_the_district_download_and_it_is_audited(client, accepted):
    clerk = make_user("reviewer", region_code="510802")
    client.force_login(clerk)
    number = _acceptance(accepted).number
    assert client.get(f"/notices/{number}/").status_code == 200
    assert AuditEvent.objects.filter(event_type="notices.notice.download", actor=clerk,
                                     details__number=number).exists()


def test_staff_of_another_district_get_not_found(client, accepted):
    client.force_login(make_user("reviewer", region_code="510821"))  # 旺苍县
    assert client.get(f"/notices/{_acceptance(accepted).number}/").status_code == 404
    assert accepted.ref not in client.get("/notices/").content.decode()


def test_the_notice_list_is_scoped_and_filtered(client, crew, accepted):
    client.force_login(crew.reviewer)
    page = client.get("/notices/").content.decode()
    assert _acceptance(accepted).number in page and "受理通知书" in page
    filtered = client.get("/notices/?kind=receipt").content.decode()
    assert _acceptance(accepted).number not in filtered
    assert client.get("/notices/?issued_from=not-a-date").status_code == 200  # a bad filter filters nothing


def test_the_api_lists_and_issues_on_demand(client, crew, accepted):
    Notice.objects.filter(case=accepted, kind=NoticeKind.ACCEPTANCE).delete()
    client.force_login(crew.intake)
    created = client.post("/api/v1/notices/", {"case": accepted.ref, "kind": "acceptance"},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["kind"] == "acceptance"
    again = client.post("/api/v1/notices/", {"case": accepted.ref, "kind": "acceptance"},
                        content_type="application/json")
    assert again.status_code == 200 and again.json()["number"] == created.json()["number"]
    wrong = client.post("/api/v1/notices/", {"case": accepted.ref, "kind": "approval"},
                        content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "notice_not_applicable"
    listed = client.get(f"/api/v1/notices/?q={accepted.ref}").json()
    assert {row["kind"] for row in listed["results"]} == {"receipt", "acceptance"}


def test_a_role_without_the_permission_cannot_issue(client, accepted):
    client.force_login(make_user("finance"))
    response = client.post("/api/v1/notices/", {"case": accepted.ref, "kind": "acceptance"},
                           content_type="application/json")
    assert response.status_code == 403


def test_issue_on_demand_from_the_case_page(client, crew, accepted):
    Notice.objects.filter(case=accepted, kind=NoticeKind.ACCEPTANCE).delete()
    client.force_login(crew.reviewer)
    page = client.get(f"/cases/{accepted.ref}/").content.decode()
    assert 'data-testid="notice-issue-form"' in page
    response = client.post(f"/notices/cases/{accepted.ref}/issue/", {"kind": "acceptance"}, follow=True)
    assert response.status_code == 200 and _acceptance(accepted).number in response.content.decode()


def test_without_a_font_the_page_says_so_instead_of_failing(client, crew, accepted, no_font):
    Notice.objects.filter(case=accepted, kind=NoticeKind.ACCEPTANCE).delete()
    client.force_login(crew.reviewer)
    response = client.post(f"/notices/cases/{accepted.ref}/issue/", {"kind": "acceptance"}, follow=True)
    assert response.status_code == 200 and "fonts-wqy-zenhei" in response.content.decode()
    api = client.post("/api/v1/notices/", {"case": accepted.ref, "kind": "acceptance"},
                      content_type="application/json")
    assert api.status_code == 503 and api.json()["error"]["code"] == "notice_font_missing"


def test_the_inbox_shows_only_ones_own_messages_and_counts_unread(client, crew, accepted):
    other = make_user("applicant_person")
    client.force_login(other)
    page = client.get("/notices/inbox/").content.decode()
    assert accepted.ref not in page

    client.force_login(crew.applicant)
    page = client.get(f"/cases/{accepted.ref}/").content.decode()
    assert 'data-testid="inbox-badge"' in page and '<span class="badge text-bg-danger">2</span>' in page
    inbox = client.get("/notices/inbox/").content.decode()
    assert "申请已受理" in inbox and "申请已收到" in inbox and "2 条未读" in inbox
    one = Notification.objects.filter(user=crew.applicant, event="accept").get()
    client.post("/notices/inbox/read/", {"id": one.pk})
    assert client.get("/api/v1/notices/inbox/?unread=1").json()["count"] == 1
    # Marking another person's message does nothing.
    client.force_login(other)
    client.post("/notices/inbox/read/", {})
    assert Notification.objects.filter(user=crew.applicant, read_at__isnull=True).count() == 1
    client.force_login(crew.applicant)
    assert client.post("/api/v1/notices/inbox/read/", {}, content_type="application/json").json() == {
        "marked": 1, "unread": 0}


def test_staff_see_delivery_status_in_their_area(client, accepted):
    client.force_login(make_user("intake", region_code="510802"))
    page = client.get("/notices/messages/?channel=sms").content.decode()
    assert accepted.ref in page and "已发送" in page
    client.force_login(make_user("intake", region_code="510821"))
    assert accepted.ref not in client.get("/notices/messages/").content.decode()
    client.force_login(make_user("applicant_person"))
    assert client.get("/notices/messages/").status_code == 403
