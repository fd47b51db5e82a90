"""A loan from application to settlement or payout through the services: the casework review, the bank, the
guarantee fund, the contract's rates fixed on the contract date, repayments, overdue, payout and recovery;
and who may do what."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from entrepreneurship.models import Loan, LoanApplication, LoanStatus, OverduePeriod, Repayment
from entrepreneurship.services.applications import loan_application_file
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case, CaseStatus, Payment
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from tests.entrepreneurship.conftest import D, act, application_data, move
from tests.factories import make_id_number, make_user

pytestmark = pytest.mark.django_db


def test_filing_computes_the_counter_guarantee_with_guangyuans_150k_waiver(crew):
    case = loan_application_file(actor=crew.applicant, loan_type="individual",
                                 data=application_data(crew.bank, amount="150000"), submit=True)
    assert case.kind == "CDDK" and case.status == CaseStatus.SUBMITTED and case.requested_amount is None
    application = LoanApplication.objects.get(case=case)
    assert not application.counter_guarantee_required
    assert "150,000.00" in application.counter_guarantee_explanation
    assert case.details["eligibility_issues"] == []

    other = loan_application_file(actor=crew.firm, loan_type="enterprise", data=application_data(
        crew.bank, amount="500000", current_staff="20", new_hires="1"), submit=True)
    detail = LoanApplication.objects.get(case=other)
    assert detail.counter_guarantee_required
    assert other.details["eligibility_issues"]  # 1 of 20 staff is below the new-hire share


def test_bad_input_changes_nothing_and_says_why_in_chinese(crew):
    with pytest.raises(ValidationError) as exc:
        loan_application_file(actor=crew.applicant, loan_type="individual", data=application_data(
            crew.bank, amount="-5", bank="nope", business_started_on="2099-01-01", guarantor_id_number="123"))
    errors = exc.value.message_dict
    assert set(errors) == {"amount", "bank", "business_started_on", "guarantor_id_number"}
    assert "大于零" in errors["amount"][0] or "金额" in errors["amount"][0]
    assert Case.objects.count() == 0


def test_approval_opens_the_loan_without_a_payment_order(crew):
    loan = crew.approved_loan()
    assert loan.status == LoanStatus.DUE_DILIGENCE and loan.bank == crew.bank
    assert loan.approved_amount == Decimal("150000") and not loan.counter_guarantee_required
    assert not Payment.objects.filter(case__ref=loan.ref).exists()


def test_an_ineligible_application_cannot_be_approved(crew):
    case = loan_application_file(actor=crew.applicant, loan_type="individual",
                                 data=application_data(crew.bank, amount="300000.01"), submit=True)
    assert case.details["eligibility_issues"]
    move(case, "accept", crew.intake)
    move(case, "review", crew.reviewer)
    with pytest.raises(ApplicationError) as exc:
        move(case, "approve", crew.approver)
    assert exc.value.code == "not_eligible"
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED and not Loan.objects.exists()


def test_a_guarantor_backs_one_open_loan_only(crew):
    guarantor = {"guarantor_id_number": make_id_number(), "guarantor_name": "王建国"}
    crew.approved_loan(**guarantor)
    second = loan_application_file(actor=make_user("applicant_person"), loan_type="individual",
                                   data=application_data(crew.bank, **guarantor), submit=True)
    assert any("担保" in issue for issue in second.details["eligibility_issues"])


def test_contract_fixes_rates_on_the_contract_date_lpr(crew):
    # LPR on 2025-06-15 is 3.00 %: the borrower pays up to 1.50 %, the subsidy is 3.50 − 1.50 = 2.00 %.
    loan = crew.disbursed_loan(contract_date=D(2025, 6, 15), rate="3.50", term="24")
    assert loan.status == LoanStatus.REPAYING
    assert (loan.lpr_on_contract, loan.borrower_rate, loan.subsidy_rate) == (
        Decimal("3.0000"), Decimal("1.5000"), Decimal("2.0000"))
    assert loan.maturity_date == D(2027, 6, 15) and loan.subsidy_end == D(2027, 6, 15)
    assert loan.outstanding == Decimal("150000.00")
    # Contracted on 2024-08-01 the LPR was 3.35 %: borrower 1.85 %, subsidy 1.65 % on the same rate.
    older = crew.disbursed_loan(contract_date=D(2024, 8, 1), rate="3.50", contract_no="GY-2024-009",
                                applicant=make_user("applicant_person"))
    assert (older.lpr_on_contract, older.borrower_rate, older.subsidy_rate) == (
        Decimal("3.3500"), Decimal("1.8500"), Decimal("1.6500"))


def test_repayments_settle_the_loan_and_a_repeat_is_refused(crew):
    loan = crew.disbursed_loan()
    act(loan, "repay", crew.banker, paid_on="2025-09-01", principal="50000", interest="600", bank_reference="T1")
    with pytest.raises(ConflictError):
        act(loan, "repay", crew.banker, paid_on="2025-09-01", principal="50000", bank_reference="T1")
    with pytest.raises(ValidationError) as exc:
        act(loan, "repay", crew.banker, paid_on="2025-10-01", principal="100000.01", bank_reference="T2")
    assert "principal" in exc.value.message_dict
    loan = act(loan, "repay", crew.banker, paid_on="2025-10-01", principal="100000", bank_reference="T3")
    assert loan.status == LoanStatus.SETTLED and loan.outstanding == 0 and loan.settled_on == D(2025, 10, 1)
    assert Repayment.objects.filter(loan=loan).count() == 2


def test_overdue_payout_and_recovery(crew):
    loan = crew.disbursed_loan()
    act(loan, "mark_overdue", crew.banker, since="2025-08-01")
    assert OverduePeriod.objects.get(loan=loan).end is None
    with pytest.raises(ForbiddenError):
        act(loan, "payout", crew.banker, amount="150000", paid_on="2025-11-01")
    loan = act(loan, "payout", crew.guarantee, amount="151200.50", paid_on="2025-11-01")
    assert loan.status == LoanStatus.PAID_OUT and loan.payout_amount == Decimal("151200.50")
    loan = act(loan, "recover", crew.guarantee, amount="100000", recovered_on="2025-12-01", note="处置抵押物")
    assert loan.status == LoanStatus.PAID_OUT and loan.recovered_amount == Decimal("100000")
    loan = act(loan, "recover", crew.guarantee, amount="51200.50", recovered_on="2026-01-05")
    assert loan.status == LoanStatus.RECOVERED
    events = AuditEvent.objects.filter(object_id=loan.ref, event_type__startswith="entrepreneurship.loan.")
    assert events.filter(event_type="entrepreneurship.loan.payout").count() == 1


def test_a_stale_or_double_click_moves_the_loan_once(crew):
    loan = crew.approved_loan()
    seen = loan.version
    act(loan, "bank_approve", crew.banker)
    from entrepreneurship.services.loans import loan_act

    with pytest.raises(ConflictError):
        loan_act(loan=loan, action="bank_approve", actor=crew.banker, version=seen)
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.GUARANTEE_REVIEW


def test_decline_needs_a_reason(crew):
    loan = crew.approved_loan()
    with pytest.raises(ValidationError):
        act(loan, "bank_decline", crew.banker)
    loan = act(loan, "bank_decline", crew.banker, comment="经营流水不足以覆盖还款")
    assert loan.status == LoanStatus.DECLINED and loan.decision_reason == "经营流水不足以覆盖还款"


def test_a_bank_sees_and_acts_on_its_own_loans_only(crew):
    loan = crew.approved_loan()
    from entrepreneurship.selectors import loan_list_for

    assert list(loan_list_for(user=crew.banker)) == [loan]
    assert list(loan_list_for(user=crew.other_banker)) == []
    with pytest.raises(NotFoundError):
        act(loan, "bank_approve", crew.other_banker)
    # The Center's staff and the guarantee fund see it; they cannot act for the bank.
    assert list(loan_list_for(user=crew.reviewer)) == [loan]
    with pytest.raises(ForbiddenError):
        act(loan, "bank_approve", crew.guarantee)
    # The applicant sees their own loan; another applicant does not.
    assert list(loan_list_for(user=crew.applicant)) == [loan]
    assert list(loan_list_for(user=crew.firm)) == []


def test_district_staff_see_their_district_only(crew):
    from entrepreneurship.selectors import loan_list_for
    loan = crew.approved_loan()  # the applicant lives in 利州 510802
    assert list(loan_list_for(user=make_user("reviewer", region_code="510802"))) == [loan]
    assert list(loan_list_for(user=make_user("reviewer", region_code="510821"))) == []


def test_earlier_loans_here_and_declared_count_toward_the_limit(crew):
    # Filed on earlier days: one open application per applicant, kind and day.
    declined = crew.approved_loan()
    act(declined, "bank_decline", crew.banker, comment="测试")
    Case.objects.filter(ref=declined.ref).update(period_start=D(2025, 1, 1))
    taken = crew.approved_loan()
    Case.objects.filter(ref=taken.ref).update(period_start=D(2025, 2, 1))
    # One loan here (the declined one does not count) and one declared elsewhere: a third is allowed.
    third = loan_application_file(actor=crew.applicant, loan_type="individual",
                                  data=application_data(crew.bank, earlier_loans="1"), submit=True)
    assert third.details["eligibility_issues"] == []
    move(third, "withdraw", crew.applicant)  # closed: the same day is free again
    # Declaring two elsewhere makes this the fourth: refused.
    fourth = loan_application_file(actor=crew.applicant, loan_type="individual",
                                   data=application_data(crew.bank, earlier_loans="2"), submit=True)
    assert any("3" in issue for issue in fourth.details["eligibility_issues"])
