"""免申即享: the firm confirms its refund (amount and bank account) and the case is submitted in its name; a refund
left unconfirmed past its date lapses and the firm is told."""

import datetime

import pytest
from rest_framework.test import APIClient

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.registry.models import Enterprise
from subsidies.models import StablePostRefundDetail
from subsidies.tasks import roster_refunds_lapse
from tests.factories import make_user
from tests.subsidies.roster.conftest import code, row, xlsx_bytes

pytestmark = pytest.mark.django_db

ACCOUNT = "6228480012345678901"
FORM = {"bank_name": "中国农业银行广元分行", "account_name": "广元测试1有限公司", "account": ACCOUNT, "confirm": "on"}


@pytest.fixture
def refunds(entry, run_import, commit):
    """Three firms with a refund waiting; firm 1 has a user and a contact phone."""
    commit(entry, run_import(entry, xlsx_bytes([row(1), row(2), row(3)])))
    Enterprise.objects.filter(credit_code=code(1)).update(contact_phone="13900002222")
    return {n: StablePostRefundDetail.objects.select_related("case").get(enterprise__credit_code=code(n))
            for n in (1, 2, 3)}


@pytest.fixture
def firm(refunds):
    return make_user("applicant_enterprise", enterprise=refunds[1].enterprise)


def test_the_firm_confirms_and_its_case_is_submitted(client, refunds, firm):
    detail = refunds[1]
    client.force_login(firm)
    listing = client.get("/subsidies/refunds/").content.decode()
    assert detail.case.ref in listing and refunds[2].case.ref not in listing
    page = client.get(f"/subsidies/refunds/{detail.case.ref}/confirm/").content.decode()
    assert "60000.00" in page and "60%" in page
    response = client.post(f"/subsidies/refunds/{detail.case.ref}/confirm/", FORM)
    assert response.status_code == 302 and response["Location"] == f"/cases/{detail.case.ref}/"
    detail.refresh_from_db()
    detail.case.refresh_from_db()
    assert detail.confirmed_at is not None
    assert detail.case.status == CaseStatus.SUBMITTED and detail.case.submitted_by == firm
    enterprise = Enterprise.objects.get(pk=detail.enterprise_id)
    assert enterprise.bank_account == ACCOUNT and enterprise.bank_account_masked == "622848*********8901"
    event = AuditEvent.objects.get(event_type="subsidies.refund_confirmed")
    assert event.details["bank_account"] == enterprise.bank_account_masked and ACCOUNT not in str(event.details)
    again = client.get(f"/subsidies/refunds/{detail.case.ref}/confirm/").content.decode()
    assert "不再等待您确认" in again


def test_a_bad_account_number_is_explained_and_changes_nothing(client, refunds, firm):
    client.force_login(firm)
    response = client.post(f"/subsidies/refunds/{refunds[1].case.ref}/confirm/", {**FORM, "account": "12AB"})
    assert response.status_code == 400
    refunds[1].refresh_from_db()
    refunds[1].case.refresh_from_db()
    assert refunds[1].confirmed_at is None and refunds[1].case.status == CaseStatus.DRAFT
    assert not Enterprise.objects.get(pk=refunds[1].enterprise_id).bank_account_masked


def test_another_firm_cannot_see_or_confirm_the_refund(client, refunds, firm):
    other = make_user("applicant_enterprise", enterprise=refunds[2].enterprise)
    client.force_login(other)
    assert client.get(f"/subsidies/refunds/{refunds[1].case.ref}/confirm/").status_code == 404
    assert client.post(f"/subsidies/refunds/{refunds[1].case.ref}/confirm/", FORM).status_code == 404
    client.force_login(make_user("reviewer"))
    assert client.get(f"/subsidies/refunds/{refunds[1].case.ref}/confirm/").status_code == 403


def test_confirmation_after_the_due_date_is_refused(client, refunds, firm):
    StablePostRefundDetail.objects.filter(pk=refunds[1].pk).update(
        confirmation_due=datetime.date.today() - datetime.timedelta(days=1))
    client.force_login(firm)
    response = client.post(f"/subsidies/refunds/{refunds[1].case.ref}/confirm/", FORM)
    assert response.status_code == 400
    refunds[1].case.refresh_from_db()
    assert refunds[1].case.status == CaseStatus.DRAFT


def test_unconfirmed_refunds_past_their_date_lapse_and_the_firm_is_told(client, refunds, firm, sms_outbox,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(firm)
    client.post(f"/subsidies/refunds/{refunds[2].case.ref}/confirm/", FORM)  # not its firm: nothing happens
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    StablePostRefundDetail.objects.filter(pk__in=[refunds[1].pk, refunds[2].pk]).update(confirmation_due=yesterday)
    with django_capture_on_commit_callbacks(execute=True):
        assert roster_refunds_lapse.delay().get() == 2
    for n, status in ((1, CaseStatus.LAPSED), (2, CaseStatus.LAPSED), (3, CaseStatus.DRAFT)):
        refunds[n].case.refresh_from_db()
        assert refunds[n].case.status == status
    lapsed = refunds[1].case
    assert "视为放弃" in lapsed.decision_reason
    assert lapsed.transitions.filter(action="lapse", actor__isnull=True).exists()
    assert AuditEvent.objects.filter(event_type="case.lapse", object_id=lapsed.ref).exists()
    assert StablePostRefundDetail.objects.get(pk=refunds[1].pk).voided
    assert [m.phone for m in sms_outbox] == ["13900002222"] and lapsed.ref in sms_outbox[0].text
    assert roster_refunds_lapse.delay().get() == 0


def test_a_confirmed_refund_never_lapses(client, refunds, firm):
    client.force_login(firm)
    client.post(f"/subsidies/refunds/{refunds[1].case.ref}/confirm/", FORM)
    StablePostRefundDetail.objects.filter(pk=refunds[1].pk).update(
        confirmation_due=datetime.date.today() - datetime.timedelta(days=3))
    roster_refunds_lapse.delay()
    refunds[1].case.refresh_from_db()
    assert refunds[1].case.status == CaseStatus.SUBMITTED


def test_the_firm_confirms_through_the_api(refunds, firm):
    api = APIClient()
    api.force_authenticate(firm)
    listed = api.get("/api/v1/subsidies/refunds/").json()
    assert listed["count"] == 1 and listed["results"][0]["waiting"] is True
    ref = listed["results"][0]["ref"]
    assert api.post(f"/api/v1/subsidies/refunds/{ref}/confirm/", {**FORM, "confirm": False},
                    format="json").status_code == 400
    response = api.post(f"/api/v1/subsidies/refunds/{ref}/confirm/", {**FORM, "confirm": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert api.post(f"/api/v1/subsidies/refunds/{refunds[2].case.ref}/confirm/", {**FORM, "confirm": True},
                    format="json").status_code == 404


def test_the_case_page_sends_the_firm_to_the_confirmation_instead_of_a_plain_submit(client, refunds, firm):
    detail = refunds[1]
    client.force_login(firm)
    page = client.get(f"/cases/{detail.case.ref}/").content.decode()
    confirm_url = f"/subsidies/refunds/{detail.case.ref}/confirm/"
    assert f'href="{confirm_url}"' in page and 'data-testid="action-submit"' in page
    assert 'name="action" value="submit"' not in page
    # A plain submit posted anyway (an old page, a script) is refused and changes nothing.
    response = client.post(f"/cases/{detail.case.ref}/transition/",
                           {"action": "submit", "version": detail.case.version})
    assert response.status_code in (400, 409) and "确认" in response.content.decode()
    detail.case.refresh_from_db()
    assert detail.case.status == CaseStatus.DRAFT
    # Confirmed, the case is submitted; the page no longer points to the confirmation.
    client.post(confirm_url, FORM)
    assert confirm_url not in client.get(f"/cases/{detail.case.ref}/").content.decode()


def test_the_api_refuses_a_plain_submit_of_an_unconfirmed_refund(refunds, firm):
    api = APIClient()
    api.force_authenticate(firm)
    case = refunds[1].case
    response = api.post(f"/api/v1/cases/{case.ref}/transitions/", {"action": "submit", "version": case.version},
                        format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "confirmation_required"
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
