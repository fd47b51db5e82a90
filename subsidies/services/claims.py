"""Online claims: filing a draft with its details, correcting it, submitting (idempotently), withdrawing; the
effects of the case's moves on the claim's own tables; the unemployment subsidy's monthly schedule and its
stop; the amount a reviewer sets where no standard is on record.

Casework owns the case and its lifecycle; these services add what each kind needs around it. No double
benefit: the detail tables' partial unique constraints (live rows only) and, on PostgreSQL, an exclusion
constraint on benefit periods refuse duplicates in the database; the rules' blocking findings (yearly limits,
levels, months used) are checked at submission with the applicant's row locked, so two submissions of one
person are judged one after the other.
"""

import datetime
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.selectors import case_visible
from guangyuan_jobs.casework.services import case_create_draft, case_submit, case_transition
from guangyuan_jobs.casework.services.cases import service_atomic, service_savepoint
from guangyuan_jobs.casework.services.idempotency import idempotent_call, request_fingerprint
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.identifiers import parse_credit_code
from guangyuan_jobs.core.masking import mask_id_number
from guangyuan_jobs.policy.selectors import policy_reads_cached
from guangyuan_jobs.registry.models import Enterprise, Person, Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_find, person_get_or_create
from subsidies import rules
from subsidies.forms_claims import CLAIM_FORMS, HiringSubsidyForm
from subsidies.kinds import CLAIM_RULES, assessments_shared, claim_assess, claim_detail, sybzj_schedule_for
from subsidies.models import (
    BenefitPeriod,
    StablePostRefundDetail,
    StartupSubsidyDetail,
    SubsidyInstalment,
    UnemploymentSubsidyDetail,
)
from subsidies.selectors_claims import (
    EDITABLE_STATUSES,
    SCHEDULE_STATUSES,
    claim_applicant_side,
    claim_from_agency_data,
)

CLOSING_ACTIONS = frozenset({"reject", "refuse", "withdraw", "lapse"})
# The kinds an enterprise claims for a person it hired: a person counts for one employer, and the two are not
# combined for the same person (the rules check it with the hired person's row locked).
HIRING_KINDS = frozenset({"XNJY", "KGBZ"})
SUBMITTING_ACTIONS = frozenset({"submit", "resubmit"})
UNPAID_INSTALMENTS = (SubsidyInstalment.Status.SCHEDULED, SubsidyInstalment.Status.PAYABLE)
# The case claim_file is filing and submitting in this unit of work: its applicant is locked and its detail row
# new, so the submission's checks need not lock or look them up again.
_filed_now: ContextVar[int | None] = ContextVar("subsidies_filed_now", default=None)



def _subsidy_kind(code: str):
    if code not in CLAIM_RULES:
        raise ApplicationError(gettext("Unknown kind of claim “%(kind)s”.") % {"kind": code}, code="unknown_kind")
    return get_kind(code)


def claim_form_validate(*, kind: str, data, keep_hired_person: bool = False):
    """The kind's form, bound to `data` and valid; ValidationError with every field's message otherwise."""
    form_class = CLAIM_FORMS[kind]
    options = {"keep_hired_person": keep_hired_person} if issubclass(form_class, HiringSubsidyForm) else {}
    form = form_class(data=data, **options)
    if not form.is_valid():
        raise ValidationError({field: [e["message"] for e in errors]
                               for field, errors in form.errors.get_json_data().items()})
    return form


@dataclass(frozen=True)
class ClaimPeriod:
    start: datetime.date | None = None
    end: datetime.date | None = None
    schedule: rules.UnemploymentSchedule | None = None  # the unemployment subsidy's months and monthly amount


def _claim_period(kind: str, cleaned: dict, *, region) -> ClaimPeriod:
    """The case's period, which casework's one-open-claim constraint keys on. Kinds whose details carry their
    own once-only constraints (per certificate, per person hired, once per person) leave it empty, so two
    certificates or two hires of one day are not mistaken for the same claim."""
    if kind == "WGFH":
        year = cleaned["premium_year"]
        return ClaimPeriod(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if kind == "SYBZJ":
        schedule = sybzj_schedule_for(region=region, detail=UnemploymentSubsidyDetail(**cleaned))
        return ClaimPeriod(cleaned["unemployed_since"], schedule.end if schedule else None, schedule)
    if kind == "SBBT":
        start = cleaned["period_start"]
        return ClaimPeriod(start, rules.months_add(start, cleaned["months"]) - datetime.timedelta(days=1))
    return ClaimPeriod()


def _duplicate(kind: str, detail) -> ConflictError:
    """The live claim a refused detail row collided with, named for the applicant."""
    model = CLAIM_RULES[kind].detail_model
    live = model.objects.filter(voided=False).exclude(case_id=detail.case_id)
    if kind == "WGFH":
        live = live.filter(enterprise_id=detail.enterprise_id, premium_year=detail.premium_year)
        message = _("A stable-post refund for this enterprise and year already exists: %(ref)s.")
    elif kind == "SYBZJ":
        live = live.filter(person_id=detail.person_id)
        message = _("The unemployment subsidy is granted once per person: claim %(ref)s already exists.")
    elif kind == "JNTS":
        live = (live.filter(person_id=detail.person_id, occupation_code=detail.occupation_code, level=detail.level)
                | live.filter(certificate_no=detail.certificate_no))
        message = _("A skill-upgrade subsidy for this occupation and level, or for this certificate, already "
                    "exists: %(ref)s.")
    elif kind == "XNJY":
        live = live.filter(hired_person_id=detail.hired_person_id)
        message = _("A hiring subsidy for this person already exists (one employer per person): %(ref)s.")
    elif kind == "KGBZ":
        live = live.filter(hired_person_id=detail.hired_person_id)
        message = _("A job-expansion subsidy for this person already exists (one employer per person): %(ref)s.")
    else:
        live = live.filter(person_id=detail.person_id)
        message = _("This subsidy is granted once per person: claim %(ref)s already exists.")
    ref = live.values_list("case__ref", flat=True).first() or "—"
    return ConflictError(gettext(str(message)) % {"ref": ref}, code="duplicate_claim", extra={"ref": ref})


def _detail_save(kind: str, detail, *, update_fields=None) -> None:
    try:
        with transaction.atomic():
            # A new row is inserted straight away: its key is the new case's, so no UPDATE is tried first.
            detail.save(update_fields=update_fields, force_insert=update_fields is None)
    except IntegrityError as exc:
        raise _duplicate(kind, detail) from exc


def _hired_person(form, *, actor) -> Person | None:
    number = form.cleaned_data.get("hired_id_number")
    if not number:
        return None
    person = person_find(id_number=number)
    if person is None:
        return person_get_or_create(id_number=number, name=form.cleaned_data["hired_name"].strip(), actor=actor)
    return person


def _audit_data(form) -> dict:
    data = {k: str(v) for k, v in form.cleaned_data.items() if v not in ("", None)}
    if "hired_id_number" in data:
        data["hired_id_number"] = mask_id_number(data["hired_id_number"])
    return data


@policy_reads_cached()
@service_atomic
def claim_file(*, kind: str, actor, applicant_person: Person | None = None,
               applicant_enterprise: Enterprise | None = None, data, region: Region | None = None,
               submit: bool = False, applicant_locked: bool = False) -> Case:
    """A draft claim of `kind` with its details, submitted at once when `submit` (both or neither happen).
    `applicant_locked`: the caller read `applicant_person` locked in this transaction (claim_applicant_own).
    Raises ValidationError for bad data (every field's message), ForbiddenError when the actor may not file
    for this applicant, ConflictError when a live claim already covers the same thing (the database's
    constraints say so) or a limit of the kind is reached."""
    _subsidy_kind(kind)
    form = claim_form_validate(kind=kind, data=data)
    cleaned = form.cleaned_data
    if submit and applicant_person is not None and not applicant_locked:
        # Taken before anything is assessed (see _on_submit), so one assessment serves the whole submission.
        _person_lock(applicant_person.pk)
    applicant = applicant_person or applicant_enterprise
    region_code = region.pk if region is not None else getattr(applicant, "region_id", None)
    period = _claim_period(kind, cleaned, region=region_code)
    case = case_create_draft(kind=kind, actor=actor, applicant_person=applicant_person,
                             applicant_enterprise=applicant_enterprise, region=region, period_start=period.start,
                             period_end=period.end)
    values = form.detail_values()
    if submit and period.schedule is not None:
        # Held from submission on (_benefit_period_hold): filed and submitted at once, they are written with the
        # row rather than by a second UPDATE.
        values["monthly_amount"], values["months"] = period.schedule.monthly, period.schedule.months
    owner = {"enterprise": applicant_enterprise} if applicant_enterprise is not None else {"person": applicant_person}
    if kind == "WGFH":
        values["channel"] = StablePostRefundDetail.Channel.APPLICATION
    elif kind in HIRING_KINDS:
        values["hired_person"] = _hired_person(form, actor=actor)
        if submit:
            # Taken before anything is assessed: the other hiring subsidy's claims for this person are read
            # under it.
            _person_lock(values["hired_person"].pk)
    detail = CLAIM_RULES[kind].detail_model(case=case, **owner, **values)
    _detail_save(kind, detail)
    audit_log(actor=actor, event_type="subsidies.claim_filed", obj=case, details={"kind": kind,
                                                                                   "data": _audit_data(form)})
    if not submit:
        return case
    # The draft was made just now by this actor, who may therefore see it: no need to look it up again. Its
    # detail row is new (no other transaction sees it) and its applicant locked above.
    token = _filed_now.set(case.pk)
    try:
        with assessments_shared():
            submitted = _submit(case=case, actor=actor, current=case)
    finally:
        _filed_now.reset(token)
    if applicant_person is not None and submitted.applicant_person_id == applicant_person.pk:
        submitted.applicant_person = applicant_person  # already loaded: the answer shows its masked name
    return submitted


def _claim_case(case: Case, actor, *, lock: bool = False) -> Case:
    """The claim as it is now, if the actor may see it and it is a subsidy claim; NotFoundError otherwise."""
    qs = Case.objects.select_for_update() if lock else Case.objects
    current = qs.filter(pk=case.pk).first()
    if (current is None or current.kind not in CLAIM_RULES or actor is None or not actor.is_authenticated
            or not case_visible(user=actor, case=current)):
        raise NotFoundError()
    return current


@policy_reads_cached()
@transaction.atomic
def claim_update_draft(*, case: Case, actor, data) -> Case:
    """Correct a draft, or a claim returned for correction: `data` holds the fields to change, the others
    stay. Status, amounts and the applicant are not claim data and cannot be set this way."""
    current = _claim_case(case, actor, lock=True)
    if not claim_applicant_side(case=current, user=actor):
        raise ForbiddenError(_("Only the applicant, or a clerk filing for them, may do this."))
    if current.status not in EDITABLE_STATUSES:
        raise ConflictError(gettext("This claim is now “%(status)s”: it can no longer be changed.")
                            % {"status": CaseStatus(current.status).label}, code="invalid_status")
    if claim_from_agency_data(current):
        raise _agency_data_refusal()
    kind = current.kind
    detail = claim_detail(current)
    form_class = CLAIM_FORMS[kind]
    merged = {name: getattr(detail, name) for name in form_class.base_fields if hasattr(detail, name)}
    if kind == "SBBT":
        merged["period_start"] = current.period_start
    merged.update({k: v for k, v in dict(data).items() if k in form_class.base_fields})
    keep_hired = kind in HIRING_KINDS and not merged.get("hired_id_number")
    form = claim_form_validate(kind=kind, data=merged, keep_hired_person=keep_hired)
    values = form.detail_values()
    if kind in HIRING_KINDS and not keep_hired:
        values["hired_person"] = _hired_person(form, actor=actor)
    for name, value in values.items():
        setattr(detail, name, value)
    _detail_save(kind, detail, update_fields=list(values))
    period = _claim_period(kind, form.cleaned_data, region=current.region_id)
    try:
        with transaction.atomic():
            Case.objects.filter(pk=current.pk).update(period_start=period.start, period_end=period.end,
                                                      version=F("version") + 1)
    except IntegrityError as exc:
        raise ConflictError(_("An open claim of this kind for this period already exists."),
                            code="duplicate_claim") from exc
    audit_log(actor=actor, event_type="subsidies.claim_updated", obj=current,
              details={"kind": kind, "data": _audit_data(form)})
    current.refresh_from_db()
    return current


def _agency_data_refusal() -> ForbiddenError:
    return ForbiddenError(_("This refund's figures come from the social-insurance agency: confirm it, with the "
                            "enterprise's bank account, on the refund's page."), code="confirm_refund")


def _submit(*, case: Case, actor, current: Case | None = None) -> Case:
    current = current or _claim_case(case, actor)
    if current.status == CaseStatus.DRAFT and claim_from_agency_data(current):
        raise _agency_data_refusal()
    if current.status == CaseStatus.RETURNED:
        resubmitted = case_transition(case=current, action="resubmit", actor=actor, version=current.version)
        resubmitted.refresh_from_db()  # with the findings judged afresh by the move's effects
        return resubmitted
    return case_submit(case=current, actor=actor, fresh=True)


@policy_reads_cached()
def claim_submit(*, case: Case, actor, idempotency_key: str | None = None, request_hash: str | None = None) -> Case:
    """Submit a draft (or resubmit a corrected claim). Idempotent by itself: a second submission of a claim
    this actor already submitted returns it unchanged. With an Idempotency-Key the same key returns the first
    outcome, and the same key with another request is refused (IdempotencyKeyReused, 422)."""
    if not idempotency_key:
        return _submit(case=case, actor=actor)
    outcome = idempotent_call(actor=actor, scope="subsidies.claim_submit", key=idempotency_key,
                              request_hash=request_hash or request_fingerprint({"ref": case.ref}),
                              call=lambda: (200, {"ref": _submit(case=case, actor=actor).ref}))
    return Case.objects.get(ref=outcome.body["ref"])


@policy_reads_cached()
def claim_withdraw(*, case: Case, actor, version: int | None = None) -> Case:
    current = _claim_case(case, actor)
    return case_transition(case=current, action="withdraw", actor=actor,
                           version=current.version if version is None else version)


# --- effects of the case's moves --------------------------------------------------------------------------------


def claim_transition_effects(*, cases: list[Case], action: str, actor) -> None:
    """Registered as each subsidy kind's `on_transition`: runs in the move's transaction."""
    if action in SUBMITTING_ACTIONS:
        for case in cases:
            _on_submit(case, resubmitted=action == "resubmit")
    elif action == "approve":
        _schedule_create([case.pk for case in cases if case.kind == "SYBZJ"])
    elif action in CLOSING_ACTIONS:
        _void(cases)


def refund_awaits_confirmation(case: Case) -> bool:
    """A 免申即享 stable-post refund the firm has not confirmed yet: it is submitted only by confirming its
    bank account (roster.refund_confirm), never by casework's plain submit (a draft is submitted only once, so
    its status needs no check here)."""
    return (case.kind == "WGFH"
            and StablePostRefundDetail.objects.filter(case=case, channel=StablePostRefundDetail.Channel.DIRECT,
                                                      confirmed_at__isnull=True).exists())


def _on_submit(case: Case, *, resubmitted: bool) -> None:
    if refund_awaits_confirmation(case):
        raise ConflictError(_("Confirm the refund and the bank account to pay it to on the confirmation page "
                              "first."), code="confirmation_required")
    filed_now = _filed_now.get() == case.pk  # claim_file already locked the person; the detail is new
    if case.applicant_person_id is not None and not filed_now:
        _person_lock(case.applicant_person_id)
    if case.kind in HIRING_KINDS and not filed_now:
        # One person hired, whichever employer claims: the claims of the other hiring subsidy are read under it.
        hired = CLAIM_RULES[case.kind].detail_model.objects.filter(case=case).values_list("hired_person_id",
                                                                                           flat=True).first()
        if hired is not None:
            _person_lock(hired)
    detail = None
    if case.kind == "SYBZJ":
        if filed_now:
            detail = claim_detail(case)
        else:
            # Locked before the rules read it (after the person, as before), and the rules and the benefit
            # period below use this one read of the row.
            detail = UnemploymentSubsidyDetail.objects.select_for_update().filter(case=case).first()
            if detail is not None:
                setattr(case, CLAIM_RULES["SYBZJ"].detail_attr, detail)
    assessment = claim_assess(case)
    if assessment.blocking:
        first = assessment.blocking[0]
        raise ConflictError(first.message, code=first.code,
                            extra={"findings": [f.message for f in assessment.blocking]})
    if resubmitted:
        # casework records the findings of a first submission; a corrected claim is judged afresh.
        with translation.override(settings.LANGUAGE_CODE):
            issues = [f.message for f in claim_assess(case).findings]
        Case.objects.filter(pk=case.pk).update(details={**(case.details or {}), "eligibility_issues": issues})
    if case.kind == "SYBZJ":
        _benefit_period_hold(case, detail, new=filed_now)


def _person_lock(person_id: int) -> None:
    """Serialises the submissions of one person: the limits the rules count see every earlier one."""
    list(Person.objects.select_for_update().filter(pk=person_id).values_list("pk"))


def _benefit_period_hold(case: Case, detail: UnemploymentSubsidyDetail | None, *, new: bool) -> None:
    """The claim's months and its benefit period, held from submission on; the exclusion constraint (or, on
    SQLite, the overlap finding checked just before) refuses a period overlapping another live one. `detail`
    is the claim's detail row, locked; `new`: the claim was filed in this transaction, so it holds no period."""
    schedule = sybzj_schedule_for(region=case.region_id, detail=detail) if detail is not None else None
    if schedule is None:
        return  # no details, or nothing payable: the findings say so, and the caseworker decides
    if (detail.monthly_amount, detail.months) != (schedule.monthly, schedule.months):
        detail.monthly_amount, detail.months = schedule.monthly, schedule.months
        detail.save(update_fields=["monthly_amount", "months"])
    period = None if new else BenefitPeriod.objects.filter(case=case, voided=False).first()
    try:
        with service_savepoint():  # the overlap becomes the error below without another query
            if period is None:
                BenefitPeriod.objects.create(person_id=detail.person_id,
                                             benefit=BenefitPeriod.Benefit.UNEMPLOYMENT_SUBSIDY,
                                             start_date=schedule.start, end_date=schedule.end, case=case,
                                             source=BenefitPeriod.Source.CLAIM)
            else:
                BenefitPeriod.objects.filter(pk=period.pk).update(start_date=schedule.start, end_date=schedule.end)
    except IntegrityError as exc:
        raise ConflictError(_("The period of this claim overlaps another benefit the person draws: only one "
                              "of them at a time."), code="benefit_overlap") from exc


def _schedule_create(case_ids: list[int]) -> None:
    """The monthly instalments of approved unemployment subsidies: the approved amount over the months fixed
    at submission, the last month taking any rounding remainder, so they add up to the payment order."""
    if not case_ids:
        return
    amounts = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "approved_amount"))
    instalments = []
    for detail in UnemploymentSubsidyDetail.objects.filter(case_id__in=case_ids, months__gt=0):
        total = amounts.get(detail.case_id)
        if total is None:
            continue
        first = rules.month_start(detail.unemployed_since)
        instalments += [SubsidyInstalment(case_id=detail.case_id, month=rules.months_add(first, i), amount=part)
                        for i, part in enumerate(rules.instalments_split(total, detail.months))]
    SubsidyInstalment.objects.bulk_create(instalments)


def _void(cases: list[Case]) -> None:
    """A closed claim frees its slot: its detail row and benefit period stop counting, its unpaid months
    stop."""
    ids = [case.pk for case in cases]
    for spec in {CLAIM_RULES[case.kind] for case in cases if case.kind in CLAIM_RULES}:
        spec.detail_model.objects.filter(case_id__in=ids).update(voided=True)
    BenefitPeriod.objects.filter(case_id__in=ids, voided=False).update(voided=True)
    SubsidyInstalment.objects.filter(case_id__in=ids, status__in=UNPAID_INSTALMENTS).update(
        status=SubsidyInstalment.Status.STOPPED)


# --- the unemployment subsidy's stop, and the start-up subsidy's amount ----------------------------------------


def _require_caseworker(case: Case, actor, permission: str) -> None:
    if actor is None:
        return  # the system, applying another agency's data
    if actor.is_applicant or not actor.has_perm(permission):
        raise ForbiddenError(_("You may not do this."))


@dataclass(frozen=True)
class InstalmentStop:
    stopped: int  # months no longer paid
    amount_stopped: Decimal
    paid_after_stop: int  # months already paid beyond the stop: to be recovered


@transaction.atomic
def instalments_stop(*, case: Case, on: datetime.date, reason: str, actor) -> InstalmentStop:
    """Stop an unemployment subsidy's monthly payments: the person is no longer entitled from `on`
    (re-employed and insured, started drawing UI benefit, ...). Paid up to the month of `on`, stopped from
    the next month (停发自次月起); the benefit period ends the day before `on`."""
    current = _claim_case(case, actor, lock=True) if actor is not None else Case.objects.select_for_update().get(
        pk=case.pk)
    _require_caseworker(current, actor, "casework.review_case")
    if current.kind != "SYBZJ":
        raise ApplicationError(_("Only unemployment-subsidy payments are monthly."), code="not_monthly")
    if current.status not in SCHEDULE_STATUSES:
        raise ConflictError(_("Only an approved claim has monthly payments to stop."), code="invalid_status")
    if reason not in UnemploymentSubsidyDetail.StopReason.values:
        raise ApplicationError(_("Choose why the payments stop."), code="reason_required")
    detail = UnemploymentSubsidyDetail.objects.select_for_update().filter(case=current).first()
    if detail is None:
        raise ApplicationError(_("The claim's details are missing."), code="details_missing")
    if detail.stopped_on is not None:
        raise ConflictError(gettext("The payments already stopped on %(date)s.") % {"date": detail.stopped_on},
                            code="already_stopped")
    period = BenefitPeriod.objects.filter(case=current, voided=False).first()
    if period is not None and on > period.end_date:
        raise ApplicationError(gettext("The payments end on %(date)s anyway.") % {"date": period.end_date},
                               code="after_end")
    later = SubsidyInstalment.objects.filter(case=current, month__gt=rules.month_start(on))
    unpaid = later.filter(status__in=UNPAID_INSTALMENTS)
    amount = unpaid.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    result = InstalmentStop(stopped=unpaid.count(), amount_stopped=amount,
                            paid_after_stop=later.filter(status=SubsidyInstalment.Status.PAID).count())
    unpaid.update(status=SubsidyInstalment.Status.STOPPED)
    if period is not None:
        if on <= period.start_date:
            BenefitPeriod.objects.filter(pk=period.pk).update(voided=True)
        else:
            BenefitPeriod.objects.filter(pk=period.pk).update(end_date=on - datetime.timedelta(days=1))
    detail.stopped_on, detail.stop_reason = on, reason
    detail.save(update_fields=["stopped_on", "stop_reason"])
    audit_log(actor=actor, event_type="subsidies.instalments_stopped", obj=current, details={
        "on": on.isoformat(), "reason": reason, "months_stopped": result.stopped,
        "amount_stopped": str(result.amount_stopped), "paid_after_stop": result.paid_after_stop})
    return result


@transaction.atomic
def claim_amount_set(*, case: Case, amount: Decimal, reason: str, actor) -> StartupSubsidyDetail:
    """The reviewer sets a start-up subsidy's amount, with a reason, while no standard is on record; the
    review then confirms it and the case page explains where it came from."""
    current = _claim_case(case, actor, lock=True)
    _require_caseworker(current, actor, "casework.review_case")
    if current.kind != "CYBT":
        raise ApplicationError(_("The amount of this kind of claim follows its standard."), code="amount_by_rule")
    if current.status != CaseStatus.ACCEPTED:
        raise ConflictError(_("The amount is set at review, once the claim is accepted."), code="invalid_status")
    if amount is None or amount <= 0:
        raise ApplicationError(_("The amount must be more than zero."), code="amount_invalid")
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 200:
        raise ApplicationError(_("State the reason for the amount (at most 200 characters)."),
                               code="reason_required")
    detail = StartupSubsidyDetail.objects.select_for_update().filter(case=current).first()
    if detail is None:
        raise ApplicationError(_("The claim's details are missing."), code="details_missing")
    if claim_assess(current).quote is not None and detail.reviewer_amount is None:
        raise ApplicationError(_("A standard is in force: the amount follows it."), code="amount_by_rule")
    detail.reviewer_amount, detail.reviewer_amount_reason, detail.reviewer_amount_by = amount, reason, actor
    detail.save(update_fields=["reviewer_amount", "reviewer_amount_reason", "reviewer_amount_by"])
    audit_log(actor=actor, event_type="subsidies.claim_amount_set", obj=current,
              details={"amount": str(amount), "reason": reason})
    return detail


# --- whom a claim is filed for -------------------------------------------------------------------------------


def claim_applicant_own(*, kind: str, actor, lock: bool = False) -> dict:
    """An applicant files for themself: their person, or their enterprise, as the kind requires; claim_file's
    arguments. `lock` (inside the transaction that files the claim and submits it): the person's row is read
    locked, the lock the submission takes anyway, in one query instead of two."""
    case_kind = _subsidy_kind(kind)
    if case_kind.applicant_type == "person" and actor.person_id:
        if lock:
            actor.person = Person.objects.select_for_update().get(pk=actor.person_id)
            return {"applicant_person": actor.person, "applicant_locked": True}
        return {"applicant_person": actor.person}
    if case_kind.applicant_type == "enterprise" and actor.enterprise_id:
        return {"applicant_enterprise": actor.enterprise}
    raise ApplicationError(_("This kind of claim is filed by a different kind of applicant."),
                           code="applicant_type")



def claim_applicant_find(*, kind: str, actor, id_number: str = "", credit_code: str = "", name: str = "",
                         region: Region | None = None):
    """The person (by ID number) or enterprise (by credit code) a counter clerk files for, registered now if
    new and the clerk may register them. A name that differs from the registered one is refused."""
    case_kind = _subsidy_kind(kind)
    if actor.is_applicant or not actor.has_perm("casework.file_case_for_other"):
        raise ForbiddenError(_("You may not file claims for applicants."))
    name = (name or "").strip()
    if case_kind.applicant_type == "person":
        found = person_find(id_number=id_number)
        if found is None:
            if not actor.has_perm("registry.add_person"):
                raise ApplicationError(_("No one with this ID number is registered."), code="applicant_unknown")
            return person_get_or_create(id_number=id_number, name=name, actor=actor, region=region)
    else:
        found = Enterprise.objects.filter(credit_code=parse_credit_code(credit_code).code).first()
        if found is None:
            if not actor.has_perm("registry.add_enterprise"):
                raise ApplicationError(_("No enterprise with this credit code is registered."),
                                       code="applicant_unknown")
            return enterprise_get_or_create(credit_code=credit_code, name=name, actor=actor)
    if name and found.name != name:
        raise ApplicationError(_("The name given differs from the registered name: check the document."),
                               code="applicant_name_mismatch")
    return found


# --- idempotency -----------------------------------------------------------------------------------------------
