"""The demo data loads twice without change, and the dashboard figures and the loan statistics report read
the loans as a manager expects."""

import datetime
import io
from decimal import Decimal

import pytest

from entrepreneurship import indicators
from entrepreneurship.demo import seed_demo
from entrepreneurship.exports import loan_statistics_queryset
from entrepreneurship.models import CityLoanFigure, CreditLine, Loan, LoanApplication, LoanStatus
from entrepreneurship.selectors import credit_line_list_for
from entrepreneurship.services import figures
from monitoring.indicators import IndicatorQuery
from tests.entrepreneurship.conftest import act
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    users = {"applicant": make_user("applicant_person"), "intake": make_user("intake"),
             "reviewer": make_user("reviewer"), "approver": make_user("approver"), "manager": make_user("manager")}
    out = io.StringIO()
    seed_demo(users=users, password="Demo-Password-2026!", stdout=out)
    seed_demo(users=users, password="Demo-Password-2026!", stdout=out)
    assert LoanApplication.objects.count() == 3
    loan = Loan.objects.get(person=users["applicant"].person)
    assert loan.status == LoanStatus.REPAYING and loan.outstanding == Decimal("130000.00")
    assert {"bank_rcb", "bank_psbc", "guarantee", "loan_applicant"} <= set(users)
    # The credit village's line with the walk-in borrower's loan drawn on it: 500,000 - 100,000 remain.
    line = CreditLine.objects.get(code="zhaohua-xinlu")
    drawn = Loan.objects.get(credit_line=line)
    assert drawn.borrower_name == "王建国" and drawn.application.case.created_by == users["intake"]
    assert drawn.application.case.details["filed_at_counter"] is True
    assert credit_line_list_for(user=users["bank_rcb"]).get().remaining == Decimal("400000.00")
    # The 2020 headline as the report words it: 3,444 loans, 439 million yuan, first of the cities entered.
    headline = figures.headline(2020)
    assert (headline.loans, headline.amount, headline.rank, headline.cities) == (3444, Decimal("439000000.00"), 1, 5)
    assert CityLoanFigure.objects.count() == 5


def test_indicators_and_statistics(crew):
    first = crew.disbursed_loan()  # 150,000 on 2025-06-15
    second = crew.disbursed_loan(contract_no="GY-2", principal="100000", amount="100000",
                                 applicant=make_user("applicant_person"))
    act(second, "repay", crew.banker, paid_on="2025-07-01", principal="40000", bank_reference="R1")
    act(first, "mark_overdue", crew.banker, since="2025-09-01")
    year = IndicatorQuery(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))
    assert indicators.loans_count(year) == 2
    assert indicators.loans_amount(year) == Decimal("250000.00")
    assert indicators.outstanding(year) == Decimal("210000.00")
    assert indicators.overdue_rate(year) == Decimal("50.00")
    assert indicators.loans_count(IndicatorQuery(start=year.start, end=year.end, region="510821")) == 0
    rows = list(loan_statistics_queryset(crew.reviewer, {"year": 2025, "by": "bank"}))
    assert rows == [{"key": "gyrcb", "loans": 2, "amount": Decimal("250000.00"), "outstanding": Decimal("210000.00"),
                     "overdue": 1, "payouts": Decimal("0"), "recovered": Decimal("0")}]
    # A bank's officer gets only their bank's loans in a report.
    assert list(loan_statistics_queryset(crew.other_banker, {"year": 2025, "by": "bank"})) == []
