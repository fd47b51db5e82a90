"""The bank's quarterly interest file: bad rows reported with their reasons and not counted, mismatches
counted at the contract's figure and flagged, one confirmed file per quarter, and the quarterly claim to
finance whose amount matches figures worked by hand; then paid through casework."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from entrepreneurship.models import SubsidyClaim, SubsidyUpload
from entrepreneurship.services.subsidy import subsidy_claim_create, subsidy_upload_confirm, subsidy_upload_start
from guangyuan_jobs.casework.models import CaseStatus, Payment
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.core.xlsx import XlsxRefused
from tests.entrepreneurship.conftest import D, act, move
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HEADER = ["合同编号", "借款人", "本季利息", "季末本金余额", "申请贴息金额"]


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "2025Q3.xlsx"
    return out


@pytest.fixture
def three_loans(crew):
    """Three loans of the bank, each contracted 2025-06-15 at 3.50 % with the LPR at 3.00 %: subsidy 2.00 %."""
    plain = crew.disbursed_loan(contract_no="GY-A", principal="150000")
    prepaid = crew.disbursed_loan(contract_no="GY-B", principal="200000", amount="200000",
                                  applicant=make_user("applicant_person"))
    act(prepaid, "repay", crew.banker, paid_on="2025-08-16", principal="50000", bank_reference="B-1")
    overdue = crew.disbursed_loan(contract_no="GY-C", principal="150000", applicant=make_user("applicant_person"))
    act(overdue, "mark_overdue", crew.banker, since="2025-08-01")
    act(overdue, "cure", crew.banker, cured_on="2025-09-01")
    return plain, prepaid, overdue


def upload(crew, rows, django_capture_on_commit_callbacks, *, year=2025, quarter=3):
    with django_capture_on_commit_callbacks(execute=True):
        started = subsidy_upload_start(file=workbook(rows), year=year, quarter=quarter, actor=crew.banker)
    return SubsidyUpload.objects.get(pk=started.pk)


def test_quarter_file_with_bad_rows_and_the_claim_worked_by_hand(crew, three_loans, django_capture_on_commit_callbacks):
    plain, prepaid, overdue = three_loans
    checked = upload(crew, [
        ["GY-A", plain.borrower_name, 1341.67, 150000, 766.67],   # 150,000 × 2 % × 92/360 = 766.67: matches
        ["GY-B", prepaid.borrower_name, 1500, 150000, 1022.22],   # the bank forgot the prepayment
        ["GY-C", overdue.borrower_name, 900, 150000, 508.33],     # 61 days: 508.33: matches
        ["GY-X", "张三", 100, 1000, 10],                           # no such contract at this bank
        ["GY-A", plain.borrower_name, 1, 1, 1],                   # the same contract twice
        ["GY-D", "李四", 100, 1000, "=1+1"],                       # a formula is refused
    ], django_capture_on_commit_callbacks)
    assert checked.status == SubsidyUpload.Status.CHECKED
    assert (checked.rows_total, checked.rows_good, checked.rows_bad, checked.rows_mismatch) == (6, 3, 3, 1)
    # 766.67 + (200,000 × 2 % × 46/360 = 511.11… + 150,000 × 2 % × 46/360 = 383.33…, i.e. 894.44) + 508.33
    assert checked.subsidy_total == Decimal("2169.44")
    rows = {r.row_number: r for r in checked.rows.all()}
    assert rows[3].computed_subsidy == Decimal("894.44") and rows[3].mismatches
    assert rows[4].computed_subsidy == Decimal("508.33") and not rows[4].mismatches
    assert rows[5].errors and rows[6].errors and rows[7].errors
    assert not (rows[2].errors or rows[2].mismatches)

    # Nothing is counted before the bank confirms; the Center cannot claim it yet.
    with pytest.raises(ConflictError):
        subsidy_claim_create(upload=checked, actor=crew.entry)
    with pytest.raises(ForbiddenError):
        subsidy_upload_confirm(upload=checked, actor=crew.other_banker)
    confirmed = subsidy_upload_confirm(upload=checked, actor=crew.banker)
    assert confirmed.status == SubsidyUpload.Status.CONFIRMED
    assert subsidy_upload_confirm(upload=checked, actor=crew.banker).status == SubsidyUpload.Status.CONFIRMED

    case = subsidy_claim_create(upload=confirmed, actor=crew.entry)
    assert case.kind == "CDDKTX" and case.status == CaseStatus.SUBMITTED
    assert case.requested_amount == Decimal("2169.44")
    assert case.applicant_enterprise == crew.bank.enterprise
    assert subsidy_claim_create(upload=confirmed, actor=crew.entry).pk == case.pk  # a double click
    claim = SubsidyClaim.objects.get(case=case)
    assert (claim.loans, claim.mismatches) == (3, 1)

    move(case, "accept", crew.intake)
    move(case, "review", crew.reviewer)
    move(case, "approve", crew.approver)
    move(case, "pay", crew.finance)
    payment = Payment.objects.get(case=case)
    assert payment.amount == Decimal("2169.44") and payment.status == Payment.Status.PAID


def test_a_second_file_for_a_confirmed_quarter_is_refused(crew, three_loans, django_capture_on_commit_callbacks):
    first = upload(crew, [["GY-A", "", 1, 150000, 766.67]], django_capture_on_commit_callbacks)
    subsidy_upload_confirm(upload=first, actor=crew.banker)
    with pytest.raises(ConflictError):
        upload(crew, [["GY-A", "", 1, 150000, 766.67]], django_capture_on_commit_callbacks)


def test_only_a_banks_staff_upload_and_only_for_ended_quarters(crew, django_capture_on_commit_callbacks):
    with pytest.raises(ForbiddenError):
        subsidy_upload_start(file=workbook([]), year=2025, quarter=3, actor=crew.reviewer)
    with pytest.raises(ApplicationError) as exc:
        subsidy_upload_start(file=workbook([]), year=2099, quarter=1, actor=crew.banker)
    assert exc.value.code == "quarter_not_ended"


def test_a_file_that_is_not_a_workbook_is_refused_before_anything_is_stored(crew):
    fake = io.BytesIO(b"not a workbook at all")
    fake.name = "q.xlsx"
    with pytest.raises(XlsxRefused):
        subsidy_upload_start(file=fake, year=2025, quarter=3, actor=crew.banker)
    assert not SubsidyUpload.objects.exists()


def test_a_file_missing_columns_fails_visibly(crew, three_loans, django_capture_on_commit_callbacks):
    book = Workbook()
    book.active.append(["合同编号", "金额"])
    book.active.append(["GY-A", 1])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        started = subsidy_upload_start(file=out, year=2025, quarter=3, actor=crew.banker)
    failed = SubsidyUpload.objects.get(pk=started.pk)
    assert failed.status == SubsidyUpload.Status.FAILED and "借款人" in failed.error


def test_the_subsidy_stops_at_the_end_of_term(crew):
    # 12 months from 2024-10-25: matures 2025-10-25. Subsidy 2.00 % (LPR 3.10 % since 2024-10-21, rate 3.60 %):
    # 2025 Q4 counts 1–24 October, 24 days: 100,000 × 2 % × 24 / 360 = 133.333… -> 133.33.
    loan = crew.disbursed_loan(contract_date=D(2024, 10, 25), principal="100000", rate="3.60", term="12",
                               contract_no="GY-E")
    assert loan.subsidy_end == D(2025, 10, 25) and loan.subsidy_rate == Decimal("2.0000")
    from entrepreneurship.services.subsidy import loan_quarter_subsidy

    assert loan_quarter_subsidy(loan, year=2025, quarter=4).amount == Decimal("133.33")
    assert loan_quarter_subsidy(loan, year=2026, quarter=1).amount == Decimal("0.00")
