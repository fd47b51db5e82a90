"""Pages and API: the ledger lists with filters and scope, the verifier's decision, recoveries with their
balance, the auditor reads everything and changes nothing, applicants see nothing."""

from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from guangyuan_jobs.casework.models import CaseStatus
from integrity.models import Finding, RecordKind, Recovery
from integrity.services.screening import cases_screen
from tests.factories import PersonFactory, make_user, region
from tests.integrity.conftest import D, add_record, make_case


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def found(crew, *, district="510802", status=CaseStatus.SUBMITTED, amount=Decimal("800.00")) -> Finding:
    person = PersonFactory(region=region(district))
    case = make_case(crew, kind="SBBT", person=person, status=status, amount=amount, region=region(district))
    add_record(RecordKind.DEATH, person=person, start=D(2020, 1, 1))
    cases_screen(case_ids=[case.pk], trigger=Finding.Trigger.NIGHTLY)
    finding = Finding.objects.get(case=case)
    Finding.objects.filter(pk=finding.pk).update(verifier=crew.verifier)
    finding.refresh_from_db()
    return finding


@pytest.fixture
def two_districts(crew):
    return found(crew, district="510802"), found(crew, district="510821")


def test_the_auditor_lists_every_finding_and_a_district_verifier_its_own(crew, two_districts):
    lizhou, wangcang = two_districts
    page = client_for(crew.auditor).get("/integrity/")
    assert page.status_code == 200
    body = page.content.decode()
    assert lizhou.ref in body and wangcang.ref in body and "疑点" in body
    district = make_user("verifier", region_code="510821")
    body = client_for(district).get("/integrity/").content.decode()
    assert wangcang.ref in body and lizhou.ref not in body
    assert client_for(district).get(f"/integrity/findings/{lizhou.ref}/").status_code == 404


def test_filters_narrow_the_list(crew, two_districts):
    lizhou, wangcang = two_districts
    body = client_for(crew.auditor).get("/integrity/", {"region": "510821", "status": "open"}).content.decode()
    assert wangcang.ref in body and lizhou.ref not in body
    body = client_for(crew.auditor).get("/integrity/", {"severity": "low"}).content.decode()
    assert wangcang.ref not in body


def test_applicants_and_staff_without_the_role_see_nothing(crew, two_districts):
    applicant = make_user("applicant_person")
    assert client_for(applicant).get("/integrity/").status_code == 403
    assert client_for(make_user("intake")).get("/integrity/recoveries/").status_code == 403
    assert api_for(applicant).get("/api/v1/integrity/findings/").status_code == 403


def test_the_verifier_verifies_on_the_page_and_a_paid_case_opens_a_recovery(crew):
    finding = found(crew, status=CaseStatus.PAID, amount=Decimal("1200.00"))
    client = client_for(crew.verifier)
    page = client.get(f"/integrity/findings/{finding.ref}/")
    assert page.status_code == 200 and 'data-testid="decision-form"' in page.content.decode()
    response = client.post(f"/integrity/findings/{finding.ref}/", {"decision": "verify", "reason": "死亡后发放，属实"})
    assert response.status_code == 302
    recovery = Recovery.objects.get(finding=finding)
    body = client_for(crew.auditor).get("/integrity/recoveries/").content.decode()
    assert recovery.ref in body and "1200.00" in body
    detail = client_for(crew.finance).post(f"/integrity/recoveries/{recovery.ref}/", {
        "kind": "repayment", "amount": "200.00", "received_on": "2026-01-05", "reference": "SJ-9"})
    assert detail.status_code == 302
    recovery.refresh_from_db()
    assert recovery.balance == Decimal("1000.00")


def test_a_decision_without_a_reason_is_refused_with_a_message(crew):
    finding = found(crew)
    response = client_for(crew.verifier).post(f"/integrity/findings/{finding.ref}/", {"decision": "dismiss",
                                                                                       "reason": ""})
    assert response.status_code == 400
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


def test_the_auditor_reads_but_cannot_decide(crew):
    finding = found(crew)
    assert client_for(crew.auditor).post(f"/integrity/findings/{finding.ref}/", {
        "decision": "dismiss", "reason": "不成立"}).status_code == 403
    response = api_for(crew.auditor).post(f"/api/v1/integrity/findings/{finding.ref}/decision/",
                                          {"decision": "dismiss", "reason": "不成立"}, format="json")
    assert response.status_code == 403


def test_api_lists_and_decides(crew, two_districts):
    lizhou, _wangcang = two_districts
    listing = api_for(crew.auditor).get("/api/v1/integrity/findings/", {"status": "open"})
    assert listing.status_code == 200 and listing.json()["count"] == 2
    assert api_for(crew.auditor).get("/api/v1/integrity/findings/", {"status": "nonsense"}).status_code == 400
    response = api_for(crew.verifier).post(f"/api/v1/integrity/findings/{lizhou.ref}/decision/",
                                           {"decision": "dismiss", "reason": "数据有误"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "dismissed"
    again = api_for(crew.verifier).post(f"/api/v1/integrity/findings/{lizhou.ref}/decision/",
                                        {"decision": "verify", "reason": "属实"}, format="json")
    assert again.status_code == 409


def test_api_recoveries_with_balance_and_receipts(crew):
    finding = found(crew, status=CaseStatus.PAID, amount=Decimal("600.00"))
    api_for(crew.verifier).post(f"/api/v1/integrity/findings/{finding.ref}/decision/",
                                {"decision": "verify", "reason": "属实", "amount": "500.00"}, format="json")
    recovery = Recovery.objects.get(finding=finding)
    response = api_for(crew.finance).post(f"/api/v1/integrity/recoveries/{recovery.ref}/receipts/",
                                          {"kind": "repayment", "amount": "600.00", "received_on": "2026-01-05",
                                           "reference": "SJ-1"}, format="json")
    assert response.status_code == 400  # more than the balance of 500
    response = api_for(crew.finance).post(f"/api/v1/integrity/recoveries/{recovery.ref}/receipts/",
                                          {"kind": "repayment", "amount": "500.00", "received_on": "2026-01-05",
                                           "reference": "SJ-1"}, format="json")
    assert response.status_code == 201
    data = api_for(crew.auditor).get("/api/v1/integrity/recoveries/").json()["results"][0]
    assert (data["balance"], data["status"]) == ("0.00", "closed")


def test_rules_imports_pages_render_for_their_roles(crew):
    assert "风险规则" in client_for(crew.manager).get("/integrity/rules/").content.decode()
    rule_page = client_for(crew.manager).get("/integrity/rules/paid-after-death/")
    assert rule_page.status_code == 200
    entry = make_user("entry")
    assert client_for(entry).get("/integrity/imports/new/").status_code == 200
    assert client_for(entry).get("/integrity/imports/").status_code == 200
    template = client_for(entry).get("/integrity/imports/template/police_death.xlsx")
    assert template.status_code == 200
    assert client_for(crew.auditor).get("/integrity/imports/new/").status_code == 403


def test_a_manager_changes_a_rule_on_its_page(crew):
    from integrity.models import RiskRule

    rule = RiskRule.objects.get(code="repeat-payment")
    response = client_for(crew.manager).post("/integrity/rules/repeat-payment/", {
        "name": rule.name, "description": rule.description, "severity": "medium", "active": "on",
        "version": rule.version})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.severity, rule.version) == ("medium", 2)
