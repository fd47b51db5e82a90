"""Policy pushes: a documented rule picks who may qualify, the officer previews the count, a Celery task sends
through the pluggable gateway, each recipient is recorded with a masked phone, and the push is audited."""

import logging

import pytest
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from guangyuan_jobs.accounts.sms import SmsGateway
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from subsidies.models import PolicyPush, PolicyPushRecipient, StablePostRefundDetail
from subsidies.selectors_outreach import push_candidates, push_preview
from subsidies.services.outreach import policy_push_send, policy_push_start
from tests.factories import EnterpriseFactory, PersonFactory, make_user
from tests.factories import region as region_of
from tests.subsidies.outreach.conftest import hand_case

pytestmark = pytest.mark.django_db

NEW = "/subsidies/pushes/new/"
LIZHOU, CANGXI = "510802", "510824"


def person(phone, region=LIZHOU, name=None):
    return PersonFactory(phone=phone, region=region_of(region), **({"name": name} if name else {}))


def committed():
    """The test runs in one transaction: run what the code schedules for after commit (the push's task)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def start(officer, *, kind="JNTS", target="no_claim", region="", channel="sms", message="政策来了"):
    with committed():
        return policy_push_start(kind=kind, target=target, channel=channel, message=message, region=region,
                                 actor=officer)


class FailingGateway(SmsGateway):
    """A carrier that refuses numbers ending in 4."""

    sent: list = []

    def send(self, message):
        if message.phone.endswith("4"):
            raise ConnectionError(f"carrier refused {message.phone}")
        type(self).sent.append(message)


def test_a_push_reaches_exactly_the_people_the_rule_picks(sms_outbox, caplog):
    caplog.set_level(logging.DEBUG)
    never = person("13800000001", name="张三")
    elsewhere = person("13800000002", region=CANGXI)
    claimed = person("13800000003")
    hand_case(kind="JNTS", person=claimed, status=CaseStatus.REFUSED)
    other_kind = person("13800000004")
    hand_case(kind="SBBT", person=other_kind, status=CaseStatus.SUBMITTED)
    person("")  # no phone on file: picked, but cannot be reached
    officer = make_user("policy")

    assert push_preview(user=officer, kind_code="JNTS", target="no_claim").matched == 4
    assert push_preview(user=officer, kind_code="JNTS", target="no_claim").reachable == 3
    push = start(officer)

    assert sorted(m.phone for m in sms_outbox) == ["13800000001", "13800000002", "13800000004"]
    assert {m.text for m in sms_outbox} == {"政策来了"}
    push.refresh_from_db()
    assert (push.status, push.total, push.sent_count, push.failed_count) == ("completed", 3, 3, 0)
    rows = {r.person_id: r for r in PolicyPushRecipient.objects.filter(push=push)}
    assert set(rows) == {never.pk, elsewhere.pk, other_kind.pk}
    assert rows[never.pk].phone_masked == "138****0001" and rows[never.pk].status == "sent"
    for record in caplog.records:
        assert "13800000001" not in record.getMessage()
    started = AuditEvent.objects.get(event_type="subsidies.policy_push_started")
    completed = AuditEvent.objects.get(event_type="subsidies.policy_push_completed")
    assert started.actor == officer and started.details["recipients"] == 3
    assert completed.object_id == str(push.pk) and completed.details["reached"] == 3
    assert "13800000001" not in str(started.details) + str(completed.details)


def test_a_district_officer_reaches_only_their_district(sms_outbox):
    person("13800000011")
    person("13800000012", region=CANGXI)
    officer = make_user("policy", region_code=CANGXI)
    push = start(officer)
    assert [m.phone for m in sms_outbox] == ["13800000012"]
    assert push.region_id == CANGXI
    with pytest.raises(ForbiddenError):
        start(officer, region=LIZHOU)
    assert PolicyPush.objects.count() == 1


def test_a_region_filter_narrows_the_whole_city_officer(sms_outbox):
    person("13800000021")
    person("13800000022", region=CANGXI)
    start(make_user("policy"), region=CANGXI)
    assert [m.phone for m in sms_outbox] == ["13800000022"]


def test_unfinished_picks_only_those_whose_claims_all_lapsed_or_were_withdrawn():
    lapsed = person("13800000031")
    hand_case(kind="SYBZJ", person=lapsed, status=CaseStatus.LAPSED)
    withdrawn = person("13800000032")
    hand_case(kind="SYBZJ", person=withdrawn, status=CaseStatus.WITHDRAWN)
    lapsed_then_paid = person("13800000033")
    hand_case(kind="SYBZJ", person=lapsed_then_paid, status=CaseStatus.LAPSED)
    hand_case(kind="SYBZJ", person=lapsed_then_paid, status=CaseStatus.PAID)
    refused = person("13800000034")
    hand_case(kind="SYBZJ", person=refused, status=CaseStatus.REFUSED)
    hand_case(kind="SYBZJ", person=refused, status=CaseStatus.LAPSED)
    person("13800000035")  # never claimed
    picked = push_candidates(user=make_user("policy"), kind_code="SYBZJ", target="unfinished")
    assert set(picked) == {lapsed, withdrawn}


def test_stable_post_refund_targets_firms_without_a_case_for_the_premium_year(sms_outbox):
    premium_year = timezone.localdate().year - 1
    refunded = EnterpriseFactory(contact_phone="13800000041")
    _refund_case(refunded, premium_year)
    older = EnterpriseFactory(contact_phone="13800000042")
    _refund_case(older, premium_year - 1)
    never = EnterpriseFactory(contact_phone="13800000043")
    picked = set(push_candidates(user=make_user("policy"), kind_code="WGFH", target="no_claim"))
    assert picked == {older, never}
    push = start(make_user("policy"), kind="WGFH")
    assert sorted(m.phone for m in sms_outbox) == ["13800000042", "13800000043"]
    assert push.criteria["premium_year"] == premium_year
    assert set(PolicyPushRecipient.objects.values_list("enterprise_id", flat=True)) == {older.pk, never.pk}


def _refund_case(enterprise, year):
    case = hand_case(kind="WGFH", enterprise=enterprise, status=CaseStatus.PAID)
    StablePostRefundDetail.objects.create(
        case=case, enterprise=enterprise, premium_year=year, size_class="sme", average_insured_staff=20,
        new_ui_claimants=0, prior_year_premiums="10000.00", contribution_months=24, channel="direct")


def test_failures_are_recorded_per_recipient_and_do_not_stop_the_push(settings):
    settings.SMS_GATEWAY = "tests.subsidies.outreach.test_pushes.FailingGateway"
    FailingGateway.sent = []
    person("13800000051")
    person("13800000054")
    push = start(make_user("policy"))
    push.refresh_from_db()
    assert (push.status, push.sent_count, push.failed_count) == ("completed", 1, 1)
    failed = PolicyPushRecipient.objects.get(push=push, status="failed")
    assert failed.phone_masked == "138****0054" and failed.error == "ConnectionError"
    assert "13800000054" not in failed.error
    assert [m.phone for m in FailingGateway.sent] == ["13800000051"]


def test_running_the_task_again_sends_nothing_twice(sms_outbox):
    person("13800000061")
    person("13800000062")
    push = start(make_user("policy"))
    assert len(sms_outbox) == 2
    policy_push_send(push_id=push.pk)  # the same task delivered again
    assert len(sms_outbox) == 2
    assert AuditEvent.objects.filter(event_type="subsidies.policy_push_completed").count() == 1
    # A worker killed mid-push leaves its recipients waiting: the retry sends to those alone.
    PolicyPushRecipient.objects.filter(push=push, person__phone="13800000062").update(status="pending")
    PolicyPush.objects.filter(pk=push.pk).update(status="running")
    policy_push_send(push_id=push.pk)
    assert [m.phone for m in sms_outbox][2:] == ["13800000062"]
    push.refresh_from_db()
    assert (push.status, push.sent_count) == ("completed", 2)


def test_phones_are_masked_in_the_gateway_log_and_in_failure_logs(settings, caplog):
    caplog.set_level(logging.INFO)
    # seed_demo quiets the SMS logger for the whole process; this test needs its lines.
    caplog.set_level(logging.INFO, logger="guangyuan_jobs.accounts.sms")
    settings.SMS_GATEWAY = "guangyuan_jobs.accounts.sms.ConsoleSmsGateway"
    person("13800000065")
    start(make_user("policy"))
    settings.SMS_GATEWAY = "tests.subsidies.outreach.test_pushes.FailingGateway"
    person("13800000064")
    start(make_user("policy"), target="no_claim", kind="SBBT")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "138****0065" in logged and "138****0064" in logged
    assert "13800000065" not in logged and "13800000064" not in logged


def test_wechat_is_a_stub_on_the_same_gateway(sms_outbox):
    person("13800000071")
    push = start(make_user("policy"), channel="wechat")
    assert [m.phone for m in sms_outbox] == ["13800000071"]
    assert PolicyPushRecipient.objects.get(push=push).status == "sent"


def test_nobody_to_reach_is_refused_and_leaves_nothing():
    person("")
    with pytest.raises(ApplicationError):
        start(make_user("policy"))
    assert not PolicyPush.objects.exists() and not AuditEvent.objects.filter(
        event_type="subsidies.policy_push_started").exists()


def test_the_pages_preview_then_send_then_show_progress(client, sms_outbox):
    person("13800000081", name="李四光")
    person("13800000082")
    officer = make_user("policy")
    client.force_login(officer)
    assert client.get(NEW).status_code == 200
    preview = client.post(NEW, {"kind": "JNTS", "target": "no_claim", "channel": "sms", "region": "",
                                "message": "", "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="push-preview"' in html
    assert "其中 2 个留有手机号" in html and "/subsidies/guides/JNTS/" in html  # the default message links the guide
    assert not PolicyPush.objects.exists() and not sms_outbox  # a preview sends nothing
    with committed():
        sent = client.post(NEW, {"kind": "JNTS", "target": "no_claim", "channel": "sms", "region": "",
                                 "message": "", "send": "1"})
    push = PolicyPush.objects.get()
    assert sent.status_code == 302 and sent.url == f"/subsidies/pushes/{push.pk}/"
    assert len(sms_outbox) == 2 and "技能提升补贴" in sms_outbox[0].text
    detail = client.get(sent.url).content.decode()
    assert "138****0081" in detail and "李*光" in detail
    assert "13800000081" not in detail and "李四光" not in detail
    assert "共 2 个对象：已送达 2" in detail
    progress = client.get(f"/subsidies/pushes/{push.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    listing = client.get("/subsidies/pushes/", {"kind": "JNTS"}).content.decode()
    assert f"/subsidies/pushes/{push.pk}/" in listing
    assert f"/subsidies/pushes/{push.pk}/" not in client.get("/subsidies/pushes/", {"kind": "WGFH"}).content.decode()


def test_a_push_outside_the_officers_district_is_not_found(client):
    person("13800000091")
    push = start(make_user("policy"))
    client.force_login(make_user("policy", region_code=CANGXI))
    assert client.get(f"/subsidies/pushes/{push.pk}/").status_code == 404
    assert f"/subsidies/pushes/{push.pk}/" not in client.get("/subsidies/pushes/").content.decode()


@pytest.mark.parametrize("role", ["reviewer", "intake", "approver", "applicant_person"])
def test_other_roles_may_not_push(client, role, sms_outbox):
    person("13800000101")
    push = start(make_user("policy"))
    sms_outbox.clear()
    user = make_user(role)
    client.force_login(user)
    for url in ("/subsidies/pushes/", NEW, f"/subsidies/pushes/{push.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post(NEW, {"kind": "JNTS", "target": "no_claim", "channel": "sms", "send": "1"}).status_code == 403
    api = APIClient()
    api.force_authenticate(user=user)
    assert api.post("/api/v1/subsidies/pushes/", {"kind": "JNTS", "target": "no_claim"}, format="json"
                    ).status_code == 403
    assert api.get(f"/api/v1/subsidies/pushes/{push.pk}/").status_code == 403
    with pytest.raises(ForbiddenError):
        start(user)
    assert not sms_outbox and PolicyPush.objects.count() == 1


def test_the_api_previews_sends_and_reports_the_push(sms_outbox):
    person("13800000111")
    officer = make_user("policy")
    api = APIClient()
    api.force_authenticate(user=officer)
    preview = api.post("/api/v1/subsidies/pushes/preview/", {"kind": "JNTS", "target": "no_claim"}, format="json")
    assert preview.status_code == 200 and preview.json() == {"matched": 1, "reachable": 1}
    with committed():
        created = api.post("/api/v1/subsidies/pushes/", {"kind": "JNTS", "target": "no_claim"}, format="json")
    assert created.status_code == 201, created.content
    body = api.get(f"/api/v1/subsidies/pushes/{created.json()['id']}/").json()
    assert body["status"] == "completed" and body["sent_count"] == 1 and body["progress"]["sent"] == 1
    recipients = api.get(f"/api/v1/subsidies/pushes/{body['id']}/recipients/").json()
    assert recipients["results"][0]["phone_masked"] == "138****0111"
    assert "13800000111" not in str(recipients)
    unknown = api.post("/api/v1/subsidies/pushes/", {"kind": "NOPE", "target": "no_claim"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "kind_unknown"
    assert len(sms_outbox) == 1


def test_the_schema_documents_the_outreach_endpoints():
    api = APIClient()
    api.force_authenticate(user=make_user("policy"))
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"/api/v1/subsidies/guides/", "/api/v1/subsidies/guides/{code}/", "/api/v1/subsidies/briefings/",
            "/api/v1/subsidies/pushes/", "/api/v1/subsidies/pushes/preview/", "/api/v1/subsidies/pushes/{id}/",
            "/api/v1/subsidies/pushes/{id}/recipients/"} <= set(paths)
