"""Collective credit lines: a bank grants one to a credit village; loans drawn against it lower what remains,
and a draw beyond it, outside its district or its period, is refused with nothing changed."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from entrepreneurship.models import LoanStatus
from entrepreneurship.selectors import credit_line_list_for
from entrepreneurship.services.credit_lines import credit_line_create
from guangyuan_jobs.core.errors import ForbiddenError
from tests.entrepreneurship.conftest import act
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def line_data(**overrides):
    data = {"code": "zhaohua-xinlu", "name": "昭化区新路村信用村整村授信", "holder": "village", "region": "510802",
            "amount": "250000", "valid_from": "2025-01-01", "valid_to": "2026-12-31"}
    data.update(overrides)
    return data


def guaranteed(crew, **data):
    loan = crew.approved_loan(make_user("applicant_person"), **data)
    act(loan, "bank_approve", crew.banker)
    return act(loan, "guarantee_approve", crew.guarantee)


def disburse(crew, loan, principal, line="zhaohua-xinlu", contract_no="C1", date="2025-06-15"):
    return act(loan, "disburse", crew.banker, contract_no=contract_no, contract_date=date, disbursed_on=date,
               principal=principal, annual_rate="3.50", term_months="24", credit_line=line)


def test_loans_drawn_against_a_line_and_what_remains(crew):
    line = credit_line_create(data=line_data(), actor=crew.banker)
    first = disburse(crew, guaranteed(crew), "150000")
    assert first.credit_line == line and first.status == LoanStatus.REPAYING
    second = guaranteed(crew)
    with pytest.raises(ValidationError) as exc:
        disburse(crew, second, "100000.01", contract_no="C2")
    assert "100000.00" in exc.value.message_dict["credit_line"][0]
    second.refresh_from_db()
    assert second.status == LoanStatus.GUARANTEED
    disburse(crew, second, "100000", contract_no="C2")
    listed = credit_line_list_for(user=crew.banker).get()
    assert (listed.drawn, listed.remaining) == (Decimal("250000.00"), Decimal("0.00"))
    assert not credit_line_list_for(user=crew.other_banker).exists()
    page = Client()
    page.force_login(crew.guarantee)
    assert "新路村" in page.get("/entrepreneurship/credit-lines/").content.decode()


def test_a_line_outside_its_period_or_district_is_refused(crew):
    credit_line_create(data=line_data(region="510821"), actor=crew.banker)
    with pytest.raises(ValidationError):
        disburse(crew, guaranteed(crew), "10000")  # the borrower lives in 利州 510802
    credit_line_create(data=line_data(code="lizhou-2026", valid_from="2026-01-01"), actor=crew.banker)
    with pytest.raises(ValidationError):
        disburse(crew, guaranteed(crew), "10000", line="lizhou-2026")  # contract 2025-06-15


def test_only_a_banks_staff_grant_lines_and_bad_input_says_why(crew):
    with pytest.raises(ForbiddenError):
        credit_line_create(data=line_data(), actor=crew.reviewer)
    with pytest.raises(ValidationError) as exc:
        credit_line_create(data=line_data(amount="-1", valid_to="2024-01-01", region="110101"), actor=crew.banker)
    assert {"amount", "valid_to", "region"} <= set(exc.value.message_dict)
