"""The browser pages in Chinese: applying, the loan register a bank sees, a loan's page with the bank's actions,
and the quarterly file's page."""

import pytest
from django.test import Client

from entrepreneurship.models import Loan, LoanStatus
from tests.entrepreneurship.conftest import application_data
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_applicant_applies_and_sees_the_counter_guarantee_explained(crew):
    client = client_for(crew.applicant)
    page = client.get("/entrepreneurship/apply/")
    assert page.status_code == 200 and "创业担保贷款" in page.content.decode()
    response = client.post("/entrepreneurship/apply/", {**application_data(crew.bank), "loan_type": "individual"})
    assert response.status_code == 302
    case_page = client.get(response["Location"]).content.decode()
    assert "无需反担保" in case_page and "150,000.00" in case_page


def test_bad_input_is_shown_on_the_form_and_nothing_is_filed(crew):
    client = client_for(crew.applicant)
    response = client.post("/entrepreneurship/apply/", {**application_data(crew.bank, amount="abc"),
                                                        "loan_type": "individual"})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Loan.objects.exists()


def test_a_bank_sees_its_loans_only_and_moves_them_on_the_page(crew):
    loan = crew.approved_loan()
    mine = client_for(crew.banker).get("/entrepreneurship/").content.decode()
    assert loan.ref in mine
    assert loan.ref not in client_for(crew.other_banker).get("/entrepreneurship/").content.decode()
    assert client_for(crew.other_banker).get(f"/entrepreneurship/loans/{loan.ref}/").status_code == 404

    client = client_for(crew.banker)
    page = client.get(f"/entrepreneurship/loans/{loan.ref}/").content.decode()
    assert "银行尽职调查" in page and "loan-do-bank_approve" in page
    response = client.post(f"/entrepreneurship/loans/{loan.ref}/act/",
                           {"action": "bank_approve", "version": loan.version})
    assert response.status_code == 302
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.GUARANTEE_REVIEW
    # The same click again: refused as stale, nothing moves twice.
    again = client.post(f"/entrepreneurship/loans/{loan.ref}/act/", {"action": "bank_approve",
                                                                     "version": loan.version})
    assert again.status_code == 409


def test_disbursement_with_bad_data_says_which_fields(crew):
    loan = crew.approved_loan()
    from tests.entrepreneurship.conftest import act

    act(loan, "bank_approve", crew.banker)
    act(loan, "guarantee_approve", crew.guarantee)
    loan.refresh_from_db()
    response = client_for(crew.banker).post(f"/entrepreneurship/loans/{loan.ref}/act/", {
        "action": "disburse", "version": loan.version, "contract_no": "", "contract_date": "2025-13-01",
        "disbursed_on": "", "principal": "-1", "annual_rate": "x", "term_months": "999"})
    assert response.status_code == 400
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.GUARANTEED


def test_pages_need_a_login(crew):
    assert Client().get("/entrepreneurship/").status_code == 302
    assert PASSWORD
