"""The loans API: filing, moving a loan as its bank, the subsidy of a quarter, and who sees what."""

import pytest

from entrepreneurship.models import Loan, LoanStatus
from tests.entrepreneurship.conftest import api, application_data

pytestmark = pytest.mark.django_db
BASE = "/api/v1/entrepreneurship/"


def test_file_an_application(crew):
    response = api(crew.applicant).post(f"{BASE}applications/", {
        "loan_type": "individual", "data": application_data(crew.bank, amount="200000")}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["counter_guarantee_required"] is True
    assert "150,000.00" in body["counter_guarantee_explanation"]


def test_bad_application_is_a_400_naming_the_fields(crew):
    response = api(crew.applicant).post(f"{BASE}applications/", {
        "loan_type": "individual", "data": application_data(crew.bank, amount="0", term_months="x")}, format="json")
    assert response.status_code == 400
    assert {"amount", "term_months"} <= set(response.json()["error"]["fields"])


def test_staff_cannot_file_for_themselves(crew):
    response = api(crew.reviewer).post(f"{BASE}applications/", {
        "loan_type": "individual", "data": application_data(crew.bank)}, format="json")
    assert response.status_code == 403


def test_bank_moves_its_loan_and_reads_a_quarters_subsidy(crew):
    loan = crew.disbursed_loan()
    assert api(crew.other_banker).get(f"{BASE}loans/{loan.ref}/").status_code == 404
    assert api(crew.other_banker).get(f"{BASE}loans/").json()["count"] == 0
    listed = api(crew.banker).get(f"{BASE}loans/").json()
    assert listed["count"] == 1 and listed["results"][0]["ref"] == loan.ref
    subsidy = api(crew.banker).get(f"{BASE}loans/{loan.ref}/subsidy/", {"year": 2025, "quarter": 3}).json()
    # 150,000 × 2 % × 92 / 360 = 766.666… -> 766.67
    assert subsidy["amount"] == "766.67" and subsidy["days"] == 92
    moved = api(crew.banker).post(f"{BASE}loans/{loan.ref}/actions/", {
        "action": "repay", "version": loan.version,
        "data": {"paid_on": "2025-12-01", "principal": "150000", "bank_reference": "T9"}}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "settled"
    stale = api(crew.banker).post(f"{BASE}loans/{loan.ref}/actions/", {
        "action": "repay", "version": loan.version, "data": {}}, format="json")
    assert stale.status_code == 409
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.SETTLED


def test_a_bad_filter_is_a_400(crew):
    assert api(crew.reviewer).get(f"{BASE}loans/", {"status": "nonsense"}).status_code == 400
