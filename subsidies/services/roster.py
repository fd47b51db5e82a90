"""免申即享 stable-post refunds: the social-insurance agency's roster imported, each eligible firm given a
refund case waiting for its online confirmation, confirmed by the firm (amount and bank account), or lapsed
when the firm lets the confirmation period pass (DOMAIN.md §2.4, the 直返 channel).

An import is a row (RosterImport) run by a Celery task in chunks, with progress the page polls. It first runs
as a preview (dry run: nothing written but the counts and the reasons), then for real on the same stored file.
Each rejected row is reported with its spreadsheet row number and reason, in the preview and in a file of
rejected rows. Re-importing changes nothing: a firm's refund is keyed on (credit code, premium year), and a
row whose firm already has one for the year counts as unchanged. A run killed midway is started again from
the top by the redelivered task: rows done by this same import count as created again, not as unchanged.
"""

import datetime
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.accounts.sms import send_sms
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import AmountQuote
from guangyuan_jobs.casework.models import Case, CaseStatus, CaseTransition
from guangyuan_jobs.casework.services.cases import case_create_draft, case_submit
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.identifiers import parse_credit_code
from guangyuan_jobs.core.masking import mask_id_numbers_in_text
from guangyuan_jobs.core.xlsx import (
    Formula,
    XlsxLimits,
    XlsxRefused,
    XlsxRow,
    read_choice,
    read_decimal,
    read_int,
    read_text,
    xlsx_check,
    xlsx_columns,
    xlsx_rows,
)
from guangyuan_jobs.policy.selectors import ParameterValue, policy_parameter, working_days_add
from guangyuan_jobs.registry.models import Enterprise, Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, enterprise_set_bank_account
from guangyuan_jobs.reports.rules import cell_text as safe_cell_text
from subsidies import rules
from subsidies.models import RosterImport, StablePostRefundDetail

logger = logging.getLogger(__name__)

KIND = "WGFH"
# Rows per transaction: a chunk commits its cases together, and the progress bar moves once per chunk.
CHUNK_ROWS = 200
# The page shows every problem row up to this many (the file of rejected rows has them all), and the first
# rows that go through, as a sample.
PREVIEW_PROBLEMS_MAX = 2000
PREVIEW_SAMPLE_MAX = 50
CONFIRMATION_DAYS_KEY = "wgfh.direct.confirmation_working_days"
# A guard against typos only: which years can be refunded is decided by the policy parameters in force.
EARLIEST_PREMIUM_YEAR = 2000
MONEY_MAX = Decimal("999999999999.99")  # the detail's column: 14 digits, 2 decimals
COUNT_MAX = 10_000_000
ROSTER_LIMITS = XlsxLimits(max_rows=100_000, max_columns=32)

# Accepted titles of each column in the roster's first row: the agency's Chinese titles and English ones.
COLUMNS = {
    "credit_code": ("统一社会信用代码", "信用代码", "credit code"),
    "name": ("单位名称", "企业名称", "name"),
    "size_class": ("企业规模", "规模", "size class"),
    "average_insured_staff": ("上年度参保职工月平均人数", "参保职工平均人数", "average insured staff"),
    "new_ui_claimants": ("上年度新增领取失业保险金人数", "新增领取失业保险金人数", "new UI claimants"),
    "prior_year_premiums": ("上年度实际缴纳失业保险费", "上年度失业保险费", "prior-year premiums"),
    "contribution_months": ("足额缴纳失业保险费月数", "缴费月数", "contribution months"),
    "dishonest": ("是否严重失信", "严重失信", "dishonesty flag"),
}
SIZE_CLASSES = {"大型": "large", "大型企业": "large", "large": "large",
                "中小微": "sme", "中小微企业": "sme", "中小微型企业": "sme", "sme": "sme"}
YES_NO = {"是": True, "否": False, "yes": True, "no": False, "Y": True, "N": False}

OUTCOME_REJECTED, OUTCOME_INELIGIBLE = "rejected", "ineligible"
OUTCOME_ELIGIBLE, OUTCOME_CREATED, OUTCOME_UNCHANGED = "eligible", "created", "unchanged"
OUTCOME_LABELS = {
    OUTCOME_REJECTED: gettext_lazy("Bad data"),
    OUTCOME_INELIGIBLE: gettext_lazy("Not eligible"),
    OUTCOME_ELIGIBLE: gettext_lazy("Eligible"),
    OUTCOME_CREATED: gettext_lazy("Refund created"),
    OUTCOME_UNCHANGED: gettext_lazy("Already imported"),
}


@dataclass(frozen=True)
class RosterRow:
    """One roster row with its values checked."""

    number: int
    credit_code: str
    name: str
    size_class: str
    average_insured_staff: int
    new_ui_claimants: int
    prior_year_premiums: Decimal
    contribution_months: int
    dishonest: bool


@dataclass(frozen=True)
class RefundAssessment:
    issues: tuple[str, ...]  # why the firm is not eligible; empty: eligible
    quote: AmountQuote | None


class RowRejected(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class _Superseded(Exception):
    """A later run of the same import started (a redelivered task): this one stops."""


def _require(actor, permission: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and not actor.is_applicant
            and actor.has_perm(permission)):
        raise ForbiddenError(_("You may not import rosters."))


# --- starting an import ---------------------------------------------------------------------------------------


def _clean_premium_year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"premium_year": [_("Enter the premium year, e.g. 2024.")]}) from None
    this_year = timezone.localdate().year
    if not EARLIEST_PREMIUM_YEAR <= year < this_year:
        raise ValidationError({"premium_year": [
            _("The premium year is a past year from %(first)d to %(last)d.") % {"first": EARLIEST_PREMIUM_YEAR,
                                                                                "last": this_year - 1}]})
    return year


def _check_parameters(year: int) -> None:
    """The refund's parameters for the year, and the confirmation period today: checked before an import
    starts, so a year nobody entered fails at once with the missing key named (PolicyParameterMissing)."""
    on = rules.wgfh_reference_date(year)
    for key in (*rules.WGFH_SIZE_KEYS.values(), *rules.WGFH_KEYS):
        policy_parameter(key, on=on, region=CITY_CODE)
    policy_parameter(CONFIRMATION_DAYS_KEY, on=timezone.localdate(), region=CITY_CODE)


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def roster_import_start(*, file, premium_year, dry_run: bool, actor) -> RosterImport:
    """Store the uploaded roster and queue its processing. Refuses (changing nothing) a user without the
    permission, a bad year, a year without refund parameters, and any file `core.xlsx` refuses."""
    _require(actor, "subsidies.add_rosterimport")
    year = _clean_premium_year(premium_year)
    _check_parameters(year)
    xlsx_check(file, limits=ROSTER_LIMITS)
    original_name = os.path.basename(getattr(file, "name", "") or "")[:200] or "roster.xlsx"
    digest = _sha256(file)
    with transaction.atomic():
        roster = RosterImport(premium_year=year, original_name=original_name, sha256=digest, dry_run=bool(dry_run),
                              created_by=actor)
        roster.file.save(f"{roster.id.hex}.xlsx", File(file), save=False)
        roster.save()
        _audit_started(roster, actor)
    return roster


def roster_import_commit(*, preview: RosterImport, actor) -> RosterImport:
    """Import for real the file of a finished preview. Idempotent: a second click returns the same import."""
    _require(actor, "subsidies.add_rosterimport")
    with transaction.atomic():
        preview = RosterImport.objects.select_for_update().get(pk=preview.pk)
        if not preview.dry_run or preview.status != RosterImport.Status.PREVIEWED:
            raise ConflictError(_("Only a finished preview can be imported."), code="not_previewed")
        existing = preview.imports.exclude(status=RosterImport.Status.FAILED).first()
        if existing is not None:
            return existing
        _check_parameters(preview.premium_year)
        roster = RosterImport.objects.create(
            premium_year=preview.premium_year, file=preview.file.name, original_name=preview.original_name,
            sha256=preview.sha256, dry_run=False, preview_of=preview, created_by=actor)
        _audit_started(roster, actor)
    return roster


def _audit_started(roster: RosterImport, actor) -> None:
    from subsidies.tasks import roster_import_run

    audit_log(actor=actor, event_type="subsidies.roster_import_started", obj=roster,
              details={"premium_year": roster.premium_year, "dry_run": roster.dry_run, "sha256": roster.sha256,
                       "file": roster.original_name,
                       "preview_of": str(roster.preview_of_id) if roster.preview_of_id else None})
    roster_id = str(roster.id)
    transaction.on_commit(lambda: roster_import_run.delay(roster_id))


# --- reading and judging rows ---------------------------------------------------------------------------------


def _titles() -> dict[str, str]:
    return {"credit_code": _("Unified social credit code"), "name": _("Enterprise name"), "size_class": _("Size class"),
            "average_insured_staff": _("Average insured staff"), "new_ui_claimants": _("New UI claimants"),
            "prior_year_premiums": _("Prior-year premiums"), "contribution_months": _("Contribution months"),
            "dishonest": _("Dishonesty flag")}


def roster_row_parse(row: XlsxRow, columns: dict[str, int]) -> RosterRow:
    """The row's values checked one by one; RowRejected lists every bad cell with its column and reason."""
    titles = _titles()
    reasons: list[str] = []
    values: dict = {}

    def take(name, convert):
        try:
            values[name] = convert(row.value(columns[name]))
        except ValueError as exc:
            reasons.append(f"{titles[name]}: {exc}")
        except ValidationError as exc:
            reasons.append(f"{titles[name]}: {' '.join(exc.messages)}")

    take("credit_code", lambda v: parse_credit_code(read_text(v, max_length=40)).code)
    take("name", lambda v: read_text(v, max_length=128))
    take("size_class", lambda v: read_choice(v, SIZE_CLASSES))
    take("average_insured_staff", lambda v: read_int(v, minimum=0, maximum=COUNT_MAX))
    take("new_ui_claimants", lambda v: read_int(v, minimum=0, maximum=COUNT_MAX))
    take("prior_year_premiums", lambda v: read_decimal(v, minimum=Decimal(0), maximum=MONEY_MAX))
    take("contribution_months", lambda v: read_int(v, minimum=0, maximum=1200))
    take("dishonest", lambda v: read_choice(v, YES_NO))
    if reasons:
        raise RowRejected(reasons)
    return RosterRow(number=row.number, **values)


class _Policy:
    """Parameters read once per (key, day, region) for the whole import."""

    def __init__(self):
        self._cache: dict = {}

    def get(self, key: str, *, on: datetime.date, region: str) -> ParameterValue:
        if (key, on, region) not in self._cache:
            self._cache[key, on, region] = policy_parameter(key, on=on, region=region)
        return self._cache[key, on, region]


def refund_assess(row: RosterRow, *, year: int, region: str, policy: _Policy | None = None) -> RefundAssessment:
    """Eligibility and amount of one roster row by the stable-post refund rules (subsidies.rules), with the
    parameters in force in the premium year for the firm's region."""
    policy = policy or _Policy()
    on = rules.wgfh_reference_date(year)
    params = {key: policy.get(key, on=on, region=region) for key in (*rules.WGFH_SIZE_KEYS.values(), *rules.WGFH_KEYS)}
    facts = rules.RefundFacts(
        premium_year=year, size_class=row.size_class, average_insured_staff=row.average_insured_staff,
        new_ui_claimants=row.new_ui_claimants, prior_year_premiums=row.prior_year_premiums,
        contribution_months=row.contribution_months, dishonest=row.dishonest)
    findings = rules.wgfh_eligibility(facts, params)
    return RefundAssessment(issues=tuple(str(f.message) for f in findings), quote=rules.wgfh_amount(facts, params))


# --- running an import ----------------------------------------------------------------------------------------


@dataclass
class _Tally:
    total: int = 0
    processed: int = 0
    eligible: int = 0
    ineligible: int = 0
    rejected: int = 0
    created: int = 0
    unchanged: int = 0
    preview: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # (row number, cell values, outcome, reasons) for the file
    samples: int = 0

    def record(self, *, number: int, values: tuple, outcome: str, reasons=(), credit_code="", name="",
               amount: Decimal | None = None, case_ref: str = "") -> None:
        self.processed += 1
        counter = {OUTCOME_REJECTED: "rejected", OUTCOME_INELIGIBLE: "ineligible", OUTCOME_CREATED: "created",
                   OUTCOME_UNCHANGED: "unchanged", OUTCOME_ELIGIBLE: "eligible"}[outcome]
        setattr(self, counter, getattr(self, counter) + 1)
        if outcome == OUTCOME_CREATED:
            self.eligible += 1
        problem = outcome in (OUTCOME_REJECTED, OUTCOME_INELIGIBLE)
        if problem:
            self.problems.append((number, values, outcome, list(reasons)))
        if (problem and len(self.problems) <= PREVIEW_PROBLEMS_MAX) or (
                not problem and self.samples < PREVIEW_SAMPLE_MAX):
            self.samples += not problem
            self.preview.append({"row": number, "credit_code": credit_code, "name": name, "outcome": outcome,
                                 "reasons": [mask_id_numbers_in_text(str(r)) for r in reasons],
                                 "amount": str(amount) if amount is not None else None, "case": case_ref})

    def counters(self) -> dict:
        return {"rows_total": self.total, "rows_processed": self.processed, "rows_eligible": self.eligible,
                "rows_ineligible": self.ineligible, "rows_rejected": self.rejected, "rows_created": self.created,
                "rows_unchanged": self.unchanged}


def _display(value) -> str:
    if value is None:
        return ""
    return str(value)[:200]


def _row_identity(row: XlsxRow, columns: dict[str, int]) -> tuple[str, str]:
    def text(name):
        value = row.value(columns[name])
        return "" if value is None or isinstance(value, Formula) else str(value).strip()[:128]
    return text("credit_code")[:40], text("name")


def roster_import_run(*, import_id) -> None:
    """Process one import. A finished import is left alone; a running one (its worker died, or the task was
    delivered twice) starts again from the top, and the earlier run stops at its next chunk."""
    started = timezone.now()
    claimed = RosterImport.objects.filter(
        pk=import_id, status__in=(RosterImport.Status.PENDING, RosterImport.Status.RUNNING),
    ).update(status=RosterImport.Status.RUNNING, started_at=started, error="", preview=[], finished_at=None,
             rows_total=0, rows_processed=0, rows_eligible=0, rows_ineligible=0, rows_rejected=0, rows_created=0,
             rows_unchanged=0)
    if not claimed:
        return
    this_run = RosterImport.objects.filter(pk=import_id, status=RosterImport.Status.RUNNING, started_at=started)
    roster = RosterImport.objects.select_related("created_by").get(pk=import_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            tally, header = _process(roster, this_run)
            rejected_name = _write_rejected_file(roster, header, tally.problems) if tally.problems else ""
        status = RosterImport.Status.PREVIEWED if roster.dry_run else RosterImport.Status.COMPLETED
        with transaction.atomic():
            done = this_run.update(status=status, preview=tally.preview, rejected_file=rejected_name,
                                   finished_at=timezone.now(), **tally.counters())
            if done:
                audit_log(actor=roster.created_by, event_type="subsidies.roster_import_finished", obj=roster,
                          details={"dry_run": roster.dry_run, **tally.counters()})
        if not done and rejected_name:
            default_storage.delete(rejected_name)
    except _Superseded:
        return
    except Exception as exc:  # noqa: BLE001 - any failure must end in a visible failed state, never a silent loop
        if not isinstance(exc, ApplicationError):
            logger.exception("roster import %s failed", import_id)
        message = exc.message if isinstance(exc, ApplicationError) else f"{exc.__class__.__name__}: {exc}"
        with transaction.atomic():
            if this_run.update(status=RosterImport.Status.FAILED, error=mask_id_numbers_in_text(str(message))[:2000],
                               finished_at=timezone.now()):
                audit_log(actor=roster.created_by, event_type="subsidies.roster_import_failed", obj=roster,
                          outcome="failure", details={"error": mask_id_numbers_in_text(str(message))[:200]})


def _open_rows(roster: RosterImport) -> Iterator[XlsxRow]:
    with roster.file.open("rb") as handle:
        yield from xlsx_rows(handle, limits=ROSTER_LIMITS)


def _process(roster: RosterImport, this_run) -> tuple[_Tally, XlsxRow]:
    tally = _Tally()
    # A first pass counts the rows, so the progress bar has its 100 %; the file is already known to be sane.
    rows = _open_rows(roster)
    header = next(rows, None)
    if header is None:
        raise XlsxRefused(_("The sheet is empty."), code="xlsx_empty")
    columns = xlsx_columns(header, COLUMNS)
    tally.total = sum(1 for _row in rows)
    if not this_run.update(rows_total=tally.total):
        raise _Superseded
    context = _RunContext(roster=roster)
    chunk: list[XlsxRow] = []
    rows = _open_rows(roster)
    next(rows)
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            _process_chunk(chunk, columns, context, tally, this_run)
            chunk = []
    if chunk:
        _process_chunk(chunk, columns, context, tally, this_run)
    return tally, header


@dataclass
class _RunContext:
    roster: RosterImport
    policy: _Policy = field(default_factory=_Policy)
    seen: dict = field(default_factory=dict)  # credit code -> first row number in this file
    regions: dict = field(default_factory=lambda: Region.objects.in_bulk())
    due_dates: dict = field(default_factory=dict)


def _process_chunk(chunk: list[XlsxRow], columns, context: _RunContext, tally: _Tally, this_run) -> None:
    parsed: list[tuple[XlsxRow, RosterRow | None, list[str]]] = []
    for row in chunk:
        try:
            item = roster_row_parse(row, columns)
        except RowRejected as exc:
            parsed.append((row, None, exc.reasons))
            continue
        first = context.seen.setdefault(item.credit_code, row.number)
        if first != row.number:
            parsed.append((row, None, [_("The same credit code is already on row %(row)d of this file.")
                                       % {"row": first}]))
            continue
        parsed.append((row, item, []))
    codes = [item.credit_code for _row, item, _r in parsed if item is not None]
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    existing = {code: (import_id, ref) for code, import_id, ref in StablePostRefundDetail.objects.filter(
        enterprise__credit_code__in=codes, premium_year=context.roster.premium_year,
    ).values_list("enterprise__credit_code", "roster_import_id", "case__ref")}
    created_ids: list[int] = []
    with transaction.atomic():
        for row, item, reasons in parsed:
            _process_row(row, item, reasons, columns=columns, context=context, tally=tally,
                         enterprise=enterprises.get(item.credit_code) if item else None,
                         existing=existing.get(item.credit_code) if item else None, created_ids=created_ids)
        # Progress and the chunk's cases commit together; a superseded run rolls its chunk back.
        if not this_run.update(**{k: v for k, v in tally.counters().items() if k != "rows_total"}):
            raise _Superseded
        if created_ids:
            transaction.on_commit(lambda: _notify_later(created_ids, "created"))


def _region_code(item: RosterRow, enterprise: Enterprise | None, context: _RunContext) -> str:
    """Where the case is handled: the firm's district in Guangyuan, else the city itself (市本级)."""
    code = enterprise.region_id if enterprise is not None and enterprise.region_id else item.credit_code[2:8]
    if code.startswith(CITY_CODE[:4]) and code in context.regions:
        return code
    return CITY_CODE


def _process_row(row: XlsxRow, item: RosterRow | None, reasons: list[str], *, columns, context: _RunContext,
                 tally: _Tally, enterprise: Enterprise | None, existing, created_ids: list[int]) -> None:
    roster = context.roster
    code, name = (item.credit_code, item.name) if item else _row_identity(row, columns)
    values = tuple(_display(v) for v in row.values)
    if item is None:
        tally.record(number=row.number, values=values, outcome=OUTCOME_REJECTED, reasons=reasons, credit_code=code,
                     name=name)
        return
    if existing is not None:
        import_id, ref = existing
        # Done by this same import in an earlier, interrupted run: it counts as created.
        outcome = OUTCOME_CREATED if import_id == roster.pk else OUTCOME_UNCHANGED
        tally.record(number=row.number, values=values, outcome=outcome, credit_code=code, name=name, case_ref=ref)
        return
    region = _region_code(item, enterprise, context)
    assessment = refund_assess(item, year=roster.premium_year, region=region, policy=context.policy)
    amount = assessment.quote.amount if assessment.quote else None
    if assessment.issues:
        tally.record(number=row.number, values=values, outcome=OUTCOME_INELIGIBLE, reasons=assessment.issues,
                     credit_code=code, name=name)
        return
    if roster.dry_run:
        tally.record(number=row.number, values=values, outcome=OUTCOME_ELIGIBLE, credit_code=code, name=name,
                     amount=amount)
        return
    try:
        with transaction.atomic():
            case = _refund_create(item, region=region, quote=assessment.quote, context=context)
    except IntegrityError:
        # Created by another import between our look-up and insert: the database keeps one per firm and year.
        tally.record(number=row.number, values=values, outcome=OUTCOME_UNCHANGED, credit_code=code, name=name)
        return
    except (ApplicationError, ValidationError) as exc:
        message = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
        tally.record(number=row.number, values=values, outcome=OUTCOME_REJECTED, reasons=[str(message)],
                     credit_code=code, name=name)
        return
    created_ids.append(case.pk)
    tally.record(number=row.number, values=values, outcome=OUTCOME_CREATED, credit_code=code, name=name,
                 amount=amount, case_ref=case.ref)


def _confirmation_due(context: _RunContext, region: str) -> datetime.date:
    if region not in context.due_dates:
        today = timezone.localdate()
        days = context.policy.get(CONFIRMATION_DAYS_KEY, on=today, region=region).value
        context.due_dates[region] = working_days_add(today, int(days)).date
    return context.due_dates[region]


def _refund_create(item: RosterRow, *, region: str, quote: AmountQuote, context: _RunContext) -> Case:
    """The firm (registered if new) and its refund case, a draft waiting for the firm's confirmation."""
    roster = context.roster
    actor = roster.created_by
    year = roster.premium_year
    enterprise = enterprise_get_or_create(credit_code=item.credit_code, name=item.name, actor=actor)
    case = case_create_draft(
        kind=KIND, actor=actor, applicant_enterprise=enterprise, region=context.regions[region],
        requested_amount=quote.amount, period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
        details={"channel": StablePostRefundDetail.Channel.DIRECT, "roster_import": str(roster.pk),
                 "roster_row": item.number,
                 "quote": {"amount": str(quote.amount), "explanation": str(quote.explanation),
                           "parameters": list(quote.parameters)}},
    )
    StablePostRefundDetail.objects.create(
        case=case, enterprise=enterprise, premium_year=year, size_class=item.size_class,
        average_insured_staff=item.average_insured_staff, new_ui_claimants=item.new_ui_claimants,
        prior_year_premiums=item.prior_year_premiums, contribution_months=item.contribution_months,
        dishonest=item.dishonest, channel=StablePostRefundDetail.Channel.DIRECT, roster_import=roster,
        confirmation_due=_confirmation_due(context, region),
    )
    return case


def _write_rejected_file(roster: RosterImport, header: XlsxRow, problems: list) -> str:
    """Every rejected and ineligible row, with its row number and reasons, in a workbook no cell of which can
    start a formula (a roster cell "=1+1" comes back as text)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rejected rows"))
    titles = [safe_cell_text(_display(v)) for v in header.values]
    sheet.append([_("Row"), *titles, _("Result"), _("Reasons")])
    width = len(titles)
    for number, values, outcome, reasons in problems:
        cells = [safe_cell_text(v) for v in values[:width]] + [""] * (width - min(len(values), width))
        sheet.append([number, *cells, str(OUTCOME_LABELS[outcome]),
                      safe_cell_text("；".join(str(r) for r in reasons))])
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="roster-rejected-")
    os.close(handle)
    try:
        book.save(path)
        with open(path, "rb") as stored:
            return default_storage.save(f"rosters/rejected/{roster.pk.hex}.xlsx", File(stored))
    finally:
        os.unlink(path)


def roster_rejected_file_open(*, roster: RosterImport, actor):
    """The file of rejected rows, opened for reading; the download is audited."""
    _require_view(actor)
    if not roster.rejected_file:
        raise NotFoundError()
    handle = roster.rejected_file.open("rb")
    audit_log(actor=actor, event_type="subsidies.roster_rejected_downloaded", obj=roster,
              details={"rows": roster.rows_rejected + roster.rows_ineligible})
    return handle


def _require_view(actor) -> None:
    if not (actor and actor.is_authenticated and not actor.is_applicant
            and actor.has_perm("subsidies.view_rosterimport")):
        raise ForbiddenError(_("You may not see roster imports."))


# --- the firm's confirmation, and the lapse of unconfirmed refunds ------------------------------------------


def _refund_detail_for(case: Case) -> StablePostRefundDetail:
    detail = StablePostRefundDetail.objects.select_for_update().filter(
        case=case, channel=StablePostRefundDetail.Channel.DIRECT).first()
    if detail is None:
        raise NotFoundError()
    return detail


@transaction.atomic
def refund_confirm(*, case: Case, bank_name: str, account_name: str, account: str, actor) -> Case:
    """The firm confirms its refund and gives the account to pay it to; the case is then submitted in its
    name. A second confirmation of a case this firm already submitted returns it unchanged."""
    if not (actor and actor.is_authenticated and actor.is_applicant and actor.enterprise_id
            and actor.enterprise_id == case.applicant_enterprise_id and actor.has_perm("casework.file_case")):
        raise NotFoundError()
    detail = _refund_detail_for(case)
    case = Case.objects.get(pk=case.pk)
    if detail.confirmed_at is not None:
        if case.status != CaseStatus.DRAFT and case.submitted_by_id == actor.pk:
            return case
        raise ConflictError(_("This refund was already confirmed."), code="already_confirmed")
    if case.status != CaseStatus.DRAFT:
        raise ConflictError(_("This refund can no longer be confirmed: it is “%(status)s”.")
                            % {"status": CaseStatus(case.status).label}, code="invalid_status")
    if detail.confirmation_due and detail.confirmation_due < timezone.localdate():
        raise ApplicationError(_("The confirmation period ended on %(date)s.")
                               % {"date": detail.confirmation_due.isoformat()}, code="confirmation_overdue")
    bank_name, account_name = (bank_name or "").strip(), (account_name or "").strip()
    if not bank_name or not account_name:
        raise ValidationError({"bank_name": [_("Enter the bank and the account name.")]})
    enterprise = enterprise_set_bank_account(enterprise=case.applicant_enterprise, bank_name=bank_name,
                                             account_name=account_name, account=account, actor=actor)
    detail.confirmed_at = timezone.now()
    detail.save(update_fields=["confirmed_at"])
    audit_log(actor=actor, event_type="subsidies.refund_confirmed", obj=case,
              details={"amount": str(case.requested_amount), "bank_account": enterprise.bank_account_masked,
                       "premium_year": detail.premium_year})
    return case_submit(case=case, actor=actor)


def refund_lapse_unconfirmed() -> list[str]:
    """Lapse every direct refund its firm did not confirm by the due date (deemed waived, DOMAIN.md §2.4) and
    tell the firm. Each case moves in its own transaction, guarded on its status and version, so a firm
    confirming at the same moment wins or loses cleanly. Returns the references lapsed.

    casework's own "lapse" action moves accepted cases with overdue materials only, so this writes the same
    move (status, version, timeline entry, audit event "case.lapse") for these drafts."""
    today = timezone.localdate()
    due = (StablePostRefundDetail.objects
           .filter(channel=StablePostRefundDetail.Channel.DIRECT, confirmed_at__isnull=True, voided=False,
                   confirmation_due__lt=today, case__status=CaseStatus.DRAFT)
           .values_list("case_id", "case__version", "confirmation_due").order_by("case_id"))
    lapsed = []
    with translation.override(settings.LANGUAGE_CODE):
        for case_id, version, confirmation_due in list(due):
            reason = _("The refund was not confirmed by %(date)s and is deemed waived.") % {
                "date": confirmation_due.isoformat()}
            ref = _lapse_one(case_id=case_id, version=version, reason=reason)
            if ref:
                lapsed.append(ref)
    if lapsed:
        logger.info("Lapsed %d unconfirmed stable-post refunds", len(lapsed))
    return lapsed


@transaction.atomic
def _lapse_one(*, case_id: int, version: int, reason: str) -> str | None:
    now = timezone.now()
    moved = Case.objects.filter(pk=case_id, status=CaseStatus.DRAFT, version=version).update(
        status=CaseStatus.LAPSED, version=F("version") + 1, decided_at=now, decision_reason=reason)
    if not moved:
        return None
    case = Case.objects.get(pk=case_id)
    StablePostRefundDetail.objects.filter(case_id=case_id).update(voided=True)
    CaseTransition.objects.create(case=case, action="lapse", from_status=CaseStatus.DRAFT,
                                  to_status=CaseStatus.LAPSED, actor=None, comment=reason)
    audit_log(actor=None, event_type="case.lapse", obj=case, details={
        "from": {"status": CaseStatus.DRAFT, "version": version},
        "to": {"status": case.status, "version": case.version}, "comment": reason, "channel": "direct"})
    transaction.on_commit(lambda: _notify_later([case_id], "lapsed"))
    return case.ref


# --- telling the firms ----------------------------------------------------------------------------------------

MESSAGES = {
    "created": gettext_lazy("Guangyuan Employment Services: a stable-post refund of %(amount)s yuan for %(year)d "
                            "awaits your firm's confirmation (%(ref)s). Sign in and confirm the amount and your bank "
                            "account by %(due)s, or the refund is deemed waived."),
    "lapsed": gettext_lazy("Guangyuan Employment Services: the stable-post refund %(ref)s was not confirmed by "
                           "%(due)s and is deemed waived."),
}


def _notify_later(case_ids: list[int], event: str) -> None:
    from subsidies.tasks import roster_refunds_notify

    roster_refunds_notify.delay(list(case_ids), event)


def refund_notify(*, case_ids: Iterable[int], event: str) -> int:
    """Text each firm that has a contact phone. Returns how many were sent."""
    sent = 0
    details = StablePostRefundDetail.objects.filter(case_id__in=list(case_ids)).select_related("case", "enterprise")
    with translation.override(settings.LANGUAGE_CODE):
        for detail in details:
            phone = detail.enterprise.contact_phone
            if not phone:
                continue
            send_sms(phone, str(MESSAGES[event]) % {
                "amount": f"{detail.case.requested_amount or 0:,.2f}", "year": detail.premium_year,
                "ref": detail.case.ref, "due": detail.confirmation_due.isoformat() if detail.confirmation_due else ""})
            sent += 1
    return sent
