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
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.accounts.sms import send_sms
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import AmountQuote
from guangyuan_jobs.casework.models import Case, CaseStatus, CaseTransition
from guangyuan_jobs.casework.services.cases import case_create_draft, case_submit
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.identifiers import parse_credit_code
from guangyuan_jobs.core.xlsx import Formula, XlsxLimits, read_choice, read_decimal, read_int, read_text
from guangyuan_jobs.imports import services as imports
from guangyuan_jobs.imports.services import ImportRow, ImportSpec, RowRejected
from guangyuan_jobs.policy.selectors import ParameterValue, policy_parameter, working_days_add
from guangyuan_jobs.registry.models import Enterprise, Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, enterprise_set_bank_account
from subsidies import rules
from subsidies.models import RosterImport, StablePostRefundDetail

logger = logging.getLogger(__name__)

KIND = "WGFH"
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


def _require(actor, permission: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and not actor.is_applicant
            and actor.has_perm(permission)):
        raise ForbiddenError(_("You may not import rosters."))


def _require_view(actor) -> None:
    if not (actor and actor.is_authenticated and not actor.is_applicant
            and actor.has_perm("subsidies.view_rosterimport")):
        raise ForbiddenError(_("You may not see roster imports."))


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


def roster_import_start(*, file, premium_year, dry_run: bool, actor) -> RosterImport:
    """Store the uploaded roster and queue its processing. Refuses (changing nothing) a user without the
    permission, a bad year, a year without refund parameters, and any file `core.xlsx` refuses."""
    _require(actor, "subsidies.add_rosterimport")
    year = _clean_premium_year(premium_year)
    _check_parameters(year)
    return imports.job_start(SPEC, file=file, actor=actor, fields={"premium_year": year}, dry_run=dry_run,
                             default_name="roster.xlsx")


# --- reading and judging rows ---------------------------------------------------------------------------------


def _titles() -> dict[str, str]:
    return {"credit_code": _("Unified social credit code"), "name": _("Enterprise name"), "size_class": _("Size class"),
            "average_insured_staff": _("Average insured staff"), "new_ui_claimants": _("New UI claimants"),
            "prior_year_premiums": _("Prior-year premiums"), "contribution_months": _("Contribution months"),
            "dishonest": _("Dishonesty flag")}


def roster_row_parse(row: ImportRow) -> RosterRow:
    """The row's values checked one by one; RowRejected lists every bad cell with its column and reason."""
    titles = _titles()
    reasons: list[str] = []
    values: dict = {}

    def take(name, convert):
        try:
            values[name] = convert(row.cells[name])
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
class _RunContext:
    policy: _Policy = field(default_factory=_Policy)
    regions: dict = field(default_factory=lambda: Region.objects.in_bulk())
    due_dates: dict = field(default_factory=dict)
    created_ids: list = field(default_factory=list)  # the chunk's new cases, their firms told after it commits


class RosterSpec(ImportSpec):
    """The agency's roster: a row is a firm; a real import gives each eligible firm a refund case, keyed on
    (credit code, premium year) so a re-import counts a firm that has one for the year as unchanged."""

    model = RosterImport
    task = "subsidies.tasks.roster_import_run"
    events = {"started": "subsidies.roster_import_started", "finished": "subsidies.roster_import_finished",
              "failed": "subsidies.roster_import_failed", "rejected_downloaded": "subsidies.roster_rejected_downloaded"}
    log_name = "roster import"
    limits = ROSTER_LIMITS
    rejected_dir = "rosters/rejected/"
    columns = COLUMNS
    counters = {OUTCOME_REJECTED: ("rows_rejected",), OUTCOME_INELIGIBLE: ("rows_ineligible",),
                OUTCOME_ELIGIBLE: ("rows_eligible",), OUTCOME_CREATED: ("rows_created", "rows_eligible"),
                OUTCOME_UNCHANGED: ("rows_unchanged",)}
    problem_outcomes = (OUTCOME_REJECTED, OUTCOME_INELIGIBLE)
    outcome_labels = OUTCOME_LABELS
    result_column = True
    mask_ids = False  # firms' data: credit codes, no ID numbers
    preview_blank = {"credit_code": "", "name": "", "amount": None, "case": ""}
    duplicate_message = gettext_lazy("The same credit code is already on row %(row)d of this file.")
    copy_fields = ("premium_year",)

    def require_import(self, actor):
        _require(actor, "subsidies.add_rosterimport")

    def require_view(self, actor):
        _require_view(actor)

    def started_details(self, job):
        return {"premium_year": job.premium_year}

    def before_commit(self, preview):
        _check_parameters(preview.premium_year)

    def run_context(self, job):
        return _RunContext()

    def parse(self, row, context):
        return roster_row_parse(row)

    def key(self, item):
        return item.credit_code

    def rejected_fields(self, row):
        def text(name):
            value = row.cells[name]
            return "" if value is None or isinstance(value, Formula) else str(value).strip()[:128]
        return {"credit_code": text("credit_code")[:40], "name": text("name")}

    def prefetch(self, job, entries, context):
        codes = [entry.key for entry in entries]
        enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        existing = {code: (import_id, ref) for code, import_id, ref in StablePostRefundDetail.objects.filter(
            enterprise__credit_code__in=codes, premium_year=job.premium_year,
        ).values_list("enterprise__credit_code", "roster_import_id", "case__ref")}
        return enterprises, existing

    def handle(self, job, entry, found, context, tally):
        enterprises, existing = found
        item: RosterRow = entry.item
        row = entry.row
        named = {"credit_code": item.credit_code, "name": item.name}
        if item.credit_code in existing:
            import_id, ref = existing[item.credit_code]
            # Done by this same import in an earlier, interrupted run: it counts as created.
            outcome = OUTCOME_CREATED if import_id == job.pk else OUTCOME_UNCHANGED
            tally.record(row, outcome, case=ref, **named)
            return
        region = _region_code(item, enterprises.get(item.credit_code), context)
        assessment = refund_assess(item, year=job.premium_year, region=region, policy=context.policy)
        amount = str(assessment.quote.amount) if assessment.quote else None
        if assessment.issues:
            tally.record(row, OUTCOME_INELIGIBLE, reasons=assessment.issues, **named)
            return
        if job.dry_run:
            tally.record(row, OUTCOME_ELIGIBLE, amount=amount, **named)
            return
        try:
            with transaction.atomic():
                case = _refund_create(item, roster=job, region=region, quote=assessment.quote, context=context)
        except IntegrityError:
            # Created by another import between our look-up and insert: the database keeps one per firm and year.
            tally.record(row, OUTCOME_UNCHANGED, **named)
            return
        except (ApplicationError, ValidationError) as exc:
            message = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
            tally.record(row, OUTCOME_REJECTED, reasons=[str(message)], **named)
            return
        context.created_ids.append(case.pk)
        tally.record(row, OUTCOME_CREATED, amount=amount, case=case.ref, **named)

    def chunk_done(self, job, context):
        if context.created_ids:
            created_ids, context.created_ids = context.created_ids, []
            transaction.on_commit(lambda: _notify_later(created_ids, "created"))


SPEC = RosterSpec()
# Import for real a finished preview's file (a second click returns the same import); process one import (the
# Celery task's body); open the file of rejected and ineligible rows (audited).
roster_import_commit, roster_import_run, roster_rejected_file_open = SPEC.commit, SPEC.run, SPEC.rejected_open


def _region_code(item: RosterRow, enterprise: Enterprise | None, context: _RunContext) -> str:
    """Where the case is handled: the firm's district in Guangyuan, else the city itself (市本级)."""
    code = enterprise.region_id if enterprise is not None and enterprise.region_id else item.credit_code[2:8]
    if code.startswith(CITY_CODE[:4]) and code in context.regions:
        return code
    return CITY_CODE


def _confirmation_due(context: _RunContext, region: str) -> datetime.date:
    if region not in context.due_dates:
        today = timezone.localdate()
        days = context.policy.get(CONFIRMATION_DAYS_KEY, on=today, region=region).value
        context.due_dates[region] = working_days_add(today, int(days)).date
    return context.due_dates[region]


def _refund_create(item: RosterRow, *, roster: RosterImport, region: str, quote: AmountQuote,
                   context: _RunContext) -> Case:
    """The firm (registered if new) and its refund case, a draft waiting for the firm's confirmation."""
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
