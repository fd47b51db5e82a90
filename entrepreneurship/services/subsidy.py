"""The interest subsidy (贴息): each loan's share for a quarter from its contract (rules.quarter_subsidy), the
bank's quarterly interest file checked against it, and the quarterly claim to finance built from a confirmed
file.

The file is checked by a Celery task (a dry run: nothing counted until the bank confirms), with progress the
page polls. Each row is one loan: a row that cannot be read, names no loan of this bank, repeats a contract
or names a loan not yet disbursed is bad and not counted, with its reason; a row whose figures differ from
ours (subsidy, balance, borrower) is counted at OUR figure and flagged for the reviewer. A bank confirms one
file per quarter (a database constraint), so no loan's quarter is claimed twice.
"""

import datetime
import hashlib
import logging
import os
from decimal import Decimal

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurship import rules
from entrepreneurship.kinds import SUBSIDY_CLAIM_KIND
from entrepreneurship.models import Loan, LoanStatus, SubsidyClaim, SubsidyUpload, SubsidyUploadRow
from entrepreneurship.selectors import bank_of
from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.casework.services.cases import case_create_draft, case_submit
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from guangyuan_jobs.core.xlsx import (
    XlsxLimits,
    XlsxRefused,
    read_decimal,
    read_text,
    xlsx_check,
    xlsx_columns,
    xlsx_rows,
)
from guangyuan_jobs.policy.selectors import policy_value
from guangyuan_jobs.registry.models import Region

logger = logging.getLogger(__name__)

UPLOAD_LIMITS = XlsxLimits(max_rows=20_000, max_columns=16)
CHUNK_ROWS = 200
TOLERANCE = Decimal("0.01")
COLUMNS = {
    "contract_no": ("合同编号", "贷款合同编号", "contract number"),
    "borrower": ("借款人", "借款人姓名", "borrower"),
    "interest": ("本季利息", "本季应收利息", "interest"),
    "balance": ("季末本金余额", "本金余额", "balance"),
    "subsidy": ("申请贴息金额", "贴息金额", "subsidy"),
}
EARLIEST_YEAR = 2019


def loan_quarter_subsidy(loan: Loan, *, year: int, quarter: int) -> rules.QuarterSubsidy:
    """The subsidy of a disbursed loan for a quarter, from its contract, repayments and overdue periods."""
    return rules.quarter_subsidy(
        subsidy_contract(loan),
        repayments=list(loan.repayments.values_list("paid_on", "principal")),
        overdue=list(loan.overdue_periods.values_list("start", "end")), year=year, quarter=quarter)


def subsidy_contract(loan: Loan) -> rules.SubsidyContract:
    on, region = loan.contract_date, loan.region_id
    return rules.SubsidyContract(
        disbursed_on=loan.disbursed_on, principal=loan.principal, subsidy_rate=loan.subsidy_rate,
        subsidy_end=loan.subsidy_end, day_count_basis=policy_value(rules.BASIS_KEY, on=on, region=region),
        subsidise_overdue=not policy_value(rules.NO_SUBSIDY_OVERDUE_KEY, on=on, region=region))


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def _clean_quarter(year, quarter) -> tuple[int, int]:
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise ApplicationError(_("Choose the year and quarter."), code="quarter") from None
    if quarter not in (1, 2, 3, 4) or year < EARLIEST_YEAR:
        raise ApplicationError(_("Choose the year and quarter."), code="quarter")
    if rules.quarter_span(year, quarter)[1] > timezone.localdate():
        raise ApplicationError(_("The quarter has not ended yet."), code="quarter_not_ended")
    return year, quarter


def subsidy_upload_start(*, file, year, quarter, actor) -> SubsidyUpload:
    """Store a bank's quarterly file and queue its check. Only a bank's staff upload, for their own bank."""
    bank = bank_of(actor)
    if bank is None or not actor.has_perm("entrepreneurship.upload_subsidy_file"):
        raise ForbiddenError(_("Only a cooperating bank's staff upload its quarterly interest file."))
    year, quarter = _clean_quarter(year, quarter)
    if SubsidyUpload.objects.filter(bank=bank, year=year, quarter=quarter,
                                    status=SubsidyUpload.Status.CONFIRMED).exists():
        raise ConflictError(_("The file for this quarter is already confirmed."), code="quarter_confirmed")
    xlsx_check(file, limits=UPLOAD_LIMITS)
    name = os.path.basename(getattr(file, "name", "") or "")[:200] or "interest.xlsx"
    digest = _sha256(file)
    with transaction.atomic():
        upload = SubsidyUpload(bank=bank, year=year, quarter=quarter, original_name=name, sha256=digest,
                               created_by=actor)
        upload.file.save(f"{upload.id.hex}.xlsx", File(file), save=False)
        upload.save()
        audit_log(actor=actor, event_type="entrepreneurship.subsidy_upload.start", obj=upload,
                  details={"bank": bank.code, "year": year, "quarter": quarter, "sha256": digest})
        transaction.on_commit(lambda: _enqueue(upload.pk))
    return upload


def _enqueue(upload_id) -> None:
    from entrepreneurship.tasks import subsidy_upload_check

    subsidy_upload_check.delay(str(upload_id))


def _read_row(row, columns) -> dict:
    values, errors = {}, []
    for field, reader in (("contract_no", lambda v: read_text(v, max_length=64)),
                          ("borrower", lambda v: read_text(v, max_length=128, required=False)),
                          ("interest", lambda v: read_decimal(v, minimum=Decimal(0))),
                          ("balance", lambda v: read_decimal(v, minimum=Decimal(0))),
                          ("subsidy", lambda v: read_decimal(v, minimum=Decimal(0)))):
        try:
            values[field] = reader(row.value(columns[field]))
        except ValueError as exc:
            errors.append(f"{COLUMNS[field][0]}: {exc}")
    return {"values": values, "errors": errors}


def subsidy_upload_check(*, upload_id) -> SubsidyUpload | None:
    """Check every row of the file (the task's body). Safe to run again: the rows are rebuilt from the top."""
    started = SubsidyUpload.objects.filter(
        pk=upload_id, status__in=(SubsidyUpload.Status.PENDING, SubsidyUpload.Status.RUNNING)).update(
        status=SubsidyUpload.Status.RUNNING, rows_processed=0)
    if not started:
        return None
    upload = SubsidyUpload.objects.select_related("bank").get(pk=upload_id)
    try:
        with upload.file.open("rb") as stored:
            rows = list(xlsx_rows(stored, limits=UPLOAD_LIMITS))
        if not rows:
            raise XlsxRefused(_("The sheet is empty."), code="xlsx_empty")
        columns = xlsx_columns(rows[0], COLUMNS)
        data_rows = rows[1:]
        SubsidyUploadRow.objects.filter(upload=upload).delete()
        SubsidyUpload.objects.filter(pk=upload.pk).update(rows_total=len(data_rows))
        seen: set[str] = set()
        loans = {loan.contract_no: loan for loan in Loan.objects.filter(bank=upload.bank).exclude(contract_no="")}
        for start in range(0, len(data_rows), CHUNK_ROWS):
            chunk = data_rows[start:start + CHUNK_ROWS]
            with transaction.atomic():
                SubsidyUploadRow.objects.bulk_create(
                    [_check_row(upload, row, columns, loans, seen) for row in chunk])
                SubsidyUpload.objects.filter(pk=upload.pk).update(rows_processed=F("rows_processed") + len(chunk))
    except (XlsxRefused, ApplicationError) as exc:
        SubsidyUpload.objects.filter(pk=upload.pk).update(status=SubsidyUpload.Status.FAILED, error=str(exc.message))
        return SubsidyUpload.objects.get(pk=upload.pk)
    except Exception as exc:
        logger.exception("Subsidy upload %s failed", upload.pk)
        SubsidyUpload.objects.filter(pk=upload.pk).update(status=SubsidyUpload.Status.FAILED,
                                                          error=f"{exc.__class__.__name__}")
        raise
    return _upload_summarise(upload)


def _check_row(upload: SubsidyUpload, row, columns, loans: dict, seen: set) -> SubsidyUploadRow:
    read = _read_row(row, columns)
    values, errors = read["values"], read["errors"]
    record = SubsidyUploadRow(upload=upload, row_number=row.number, contract_no=values.get("contract_no", ""),
                              bank_interest=values.get("interest"), bank_balance=values.get("balance"),
                              bank_subsidy=values.get("subsidy"))
    contract_no = values.get("contract_no")
    loan = loans.get(contract_no) if contract_no else None
    if contract_no and contract_no in seen:
        errors.append(_("contract %(no)s appears twice in the file") % {"no": contract_no})
    elif contract_no and loan is None:
        errors.append(_("no loan of this bank has contract number %(no)s") % {"no": contract_no})
    elif loan is not None and loan.disbursed_on is None:
        errors.append(_("the loan %(ref)s is not disbursed") % {"ref": loan.ref})
    if contract_no:
        seen.add(contract_no)
    if errors or loan is None:
        record.errors = errors
        return record
    record.loan = loan
    result = loan_quarter_subsidy(loan, year=upload.year, quarter=upload.quarter)
    record.computed_subsidy, record.computed_balance = result.amount, result.balance_at_end
    record.explanation = result.explanation(subsidy_contract(loan))
    mismatches = []
    if abs(values["subsidy"] - result.amount) >= TOLERANCE:
        mismatches.append(_("the bank claims %(bank)s yuan, the contract gives %(ours)s yuan")
                          % {"bank": values["subsidy"], "ours": result.amount})
    if values["balance"] != result.balance_at_end:
        mismatches.append(_("the bank's balance %(bank)s yuan differs from the recorded %(ours)s yuan")
                          % {"bank": values["balance"], "ours": result.balance_at_end})
    if values.get("borrower") and values["borrower"] != loan.borrower_name:
        mismatches.append(_("the borrower's name differs from the loan's"))
    record.mismatches = mismatches
    return record


def _upload_summarise(upload: SubsidyUpload) -> SubsidyUpload:
    rows = list(SubsidyUploadRow.objects.filter(upload=upload).values_list("errors", "mismatches",
                                                                           "computed_subsidy", "bank_subsidy"))
    good = [r for r in rows if not r[0]]
    SubsidyUpload.objects.filter(pk=upload.pk, status=SubsidyUpload.Status.RUNNING).update(
        status=SubsidyUpload.Status.CHECKED, rows_good=len(good), rows_bad=len(rows) - len(good),
        rows_mismatch=sum(1 for r in good if r[1]),
        subsidy_total=sum((r[2] for r in good), Decimal("0.00")),
        bank_total=sum((r[3] for r in good if r[3] is not None), Decimal("0.00")))
    return SubsidyUpload.objects.get(pk=upload.pk)


def subsidy_upload_fail(*, upload_id, error: str) -> None:
    SubsidyUpload.objects.filter(pk=upload_id).exclude(status__in=(SubsidyUpload.Status.CONFIRMED,)).update(
        status=SubsidyUpload.Status.FAILED, error=error[:2000])


@transaction.atomic
def subsidy_upload_confirm(*, upload: SubsidyUpload, actor) -> SubsidyUpload:
    """The bank confirms a checked file: its good rows become the quarter's subsidy. Idempotent."""
    bank = bank_of(actor)
    if bank is None or bank.pk != upload.bank_id or not actor.has_perm("entrepreneurship.upload_subsidy_file"):
        raise ForbiddenError(_("Only the bank's own staff confirm its file."))
    current = SubsidyUpload.objects.select_for_update().get(pk=upload.pk)
    if current.status == SubsidyUpload.Status.CONFIRMED:
        return current
    if current.status != SubsidyUpload.Status.CHECKED:
        raise ConflictError(_("Only a checked file can be confirmed."), code="not_checked")
    if current.rows_good == 0:
        raise ApplicationError(_("The file has no good row to confirm."), code="nothing_to_confirm")
    try:
        with transaction.atomic():
            SubsidyUpload.objects.filter(pk=current.pk).update(status=SubsidyUpload.Status.CONFIRMED,
                                                               confirmed_by=actor, confirmed_at=timezone.now())
    except IntegrityError as exc:
        raise ConflictError(_("The file for this quarter is already confirmed."), code="quarter_confirmed") from exc
    audit_log(actor=actor, event_type="entrepreneurship.subsidy_upload.confirm", obj=current,
              details={"total": str(current.subsidy_total), "rows": current.rows_good,
                       "mismatches": current.rows_mismatch})
    return SubsidyUpload.objects.get(pk=current.pk)


@transaction.atomic
def subsidy_claim_create(*, upload: SubsidyUpload, actor) -> Case:
    """The quarterly claim to finance (a CDDKTX case, filed and submitted by the Center's clerk for the bank)
    from a confirmed file. One claim per file (a one-to-one column) and one open claim per bank and quarter."""
    if not actor.has_perm("entrepreneurship.claim_subsidy") or bank_of(actor) is not None:
        raise ForbiddenError(_("You may not build subsidy claims."))
    current = SubsidyUpload.objects.select_for_update().select_related("bank").get(pk=upload.pk)
    existing = SubsidyClaim.objects.filter(upload=current).select_related("case").first()
    if existing is not None:
        return existing.case
    if current.status != SubsidyUpload.Status.CONFIRMED:
        raise ConflictError(_("The bank has not confirmed this file yet."), code="not_confirmed")
    if current.bank.enterprise_id is None:
        raise ApplicationError(_("Record the bank's registered enterprise (credit code) first."),
                               code="bank_enterprise_missing")
    start, end = rules.quarter_span(current.year, current.quarter)
    case = case_create_draft(kind=SUBSIDY_CLAIM_KIND, actor=actor, applicant_enterprise=current.bank.enterprise,
                             region=Region.objects.get(pk=CITY_CODE), period_start=start,
                             period_end=end - datetime.timedelta(days=1),
                             details={"bank": current.bank.code, "year": current.year, "quarter": current.quarter})
    SubsidyClaim.objects.create(case=case, upload=current, bank=current.bank, year=current.year,
                                quarter=current.quarter, loans=current.rows_good, total=current.subsidy_total,
                                mismatches=current.rows_mismatch)
    audit_log(actor=actor, event_type="entrepreneurship.subsidy_claim.create", obj=case,
              details={"upload": str(current.pk), "total": str(current.subsidy_total)})
    return case_submit(case=case, actor=actor)


def disbursed_loans(*, bank, year: int, quarter: int):
    """The bank's loans that may carry subsidy in the quarter: for the file template and the demo."""
    start, end = rules.quarter_span(year, quarter)
    return (Loan.objects.filter(bank=bank, disbursed_on__lt=end, subsidy_end__gt=start)
            .exclude(status=LoanStatus.DECLINED).order_by("contract_no"))
