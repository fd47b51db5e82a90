"""Creating cases and moving them through their lifecycle: the one guarded transition.

Every move is a conditional UPDATE on (status, version): two caseworkers, two batch jobs or a retried task
can never move one case twice, and the database refuses a second payment row.
"""

import contextvars
import datetime
import functools
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import CaseKind, get_kind, transition_hooks
from guangyuan_jobs.casework.models import CLOSED_STATUSES, Case, CaseStatus, CaseTransition, MissingMaterial, Payment
from guangyuan_jobs.casework.notifications import applicants_notify_task
from guangyuan_jobs.casework.rules import ACTIONS, Action, reference_new, transition_refusal
from guangyuan_jobs.casework.selectors import actor_view, case_facts, case_visible, kind_for
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.core.tasks import publish_on_commit
from guangyuan_jobs.policy.selectors import policy_reads_cached, policy_value, working_days_add

logger = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT_KEY = "casework.time_limit_days.default"
MISSING_DUE_KEY = "casework.missing_material_due_working_days"
DUAL_APPROVAL_KEY = "casework.dual_approval_threshold"
COMMENT_MAX_LENGTH = 2000
MISSING_MATERIALS_MAX = 30
REFERENCE_ATTEMPTS = 5
# Applicants hear about these moves by SMS; the others are internal steps.
NOTIFIED_ACTIONS = frozenset({"submit", "accept", "accept_incomplete", "reject", "return", "approve", "refuse",
                              "pay", "lapse"})

# A move's refusals because the case moved on since it was read: given before the move writes anything.
MOVED_ON = frozenset({"stale", "invalid_status"})
STALE_MESSAGE = _("This case changed since you opened it. Reload the page to see it as it is now.")


_one_transaction: contextvars.ContextVar[bool] = contextvars.ContextVar("casework_one_transaction", default=False)


@contextmanager
def savepoints_elided():
    """For a caller whose whole work is one transaction that any error rolls back entirely (an API request
    wrapped in its Idempotency-Key's transaction): the services below then open no savepoint of their own,
    which saves two round trips to the database each. Never for a caller that catches a service's error and
    goes on in the same transaction (a batch that skips a refused case). Savepoints that an error is caught
    at (a reference drawn again, a duplicate named) are kept in any case."""
    token = _one_transaction.set(True)
    try:
        yield
    finally:
        _one_transaction.reset(token)


def service_savepoint():
    """`transaction.atomic()`, without its savepoint inside `savepoints_elided()`: for a service, or for a block
    whose database error the service turns into its own error without another query."""
    return transaction.atomic(savepoint=not _one_transaction.get())


def service_atomic(func):
    """A service in `service_savepoint()`."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with service_savepoint():
            return func(*args, **kwargs)

    return wrapper


def _stale() -> ConflictError:
    return ConflictError(STALE_MESSAGE, code="stale")


@dataclass(frozen=True)
class MissingMaterialRequest:
    code: str
    label: str


@dataclass
class TransitionPlan:
    """What one action does to one case: the columns it sets and the status it leads to."""

    to_status: str
    fields: dict = field(default_factory=dict)
    stage: str = ""  # "first": the first of two approvals; the case stays reviewed
    missing_due: datetime.date | None = None


def _amount_snapshot(quote) -> dict:
    return {"amount": str(quote.amount), "explanation": str(quote.explanation), "parameters": list(quote.parameters)}


class PolicyReader:
    """Policy values and working-day sums, each computed once per (key, day, region): a batch accepting 500
    cases of one district reads the time limit and counts the calendar once, not 500 times."""

    def __init__(self):
        self._values: dict = {}
        self._days: dict = {}

    def value(self, key: str, *, on: datetime.date, region):
        if (key, on, region) not in self._values:
            self._values[key, on, region] = policy_value(key, on=on, region=region)
        return self._values[key, on, region]

    def working_days_add(self, start: datetime.date, days: int):
        if (start, days) not in self._days:
            self._days[start, days] = working_days_add(start, days)
        return self._days[start, days]


def transition_plan(action: Action, *, case: Case, actor, kind: CaseKind | None, today: datetime.date,
                    now: datetime.datetime, comment: str = "", missing: bool = False,
                    policy: PolicyReader | None = None) -> TransitionPlan:
    """The columns `action` sets on `case`. Shared by the single transition and the batch, so both do the
    same thing; reads policy (time limits, dual-approval threshold) valid today for the case's region."""
    policy = policy or PolicyReader()
    fields: dict = {}
    if action.actor_field:
        fields[action.actor_field] = actor
    if action.time_field:
        fields[action.time_field] = now
    plan = TransitionPlan(to_status=action.target, fields=fields)
    region = case.region_id
    if action.code in ("accept", "accept_incomplete"):
        limit_key = kind.time_limit_parameter if kind else DEFAULT_TIME_LIMIT_KEY
        due = policy.working_days_add(today, int(policy.value(limit_key, on=today, region=region)))
        fields["due_date"] = due.date
        unknown = set(due.unknown_years)
        if missing:
            material_due = policy.working_days_add(today, int(policy.value(MISSING_DUE_KEY, on=today, region=region)))
            plan.missing_due = material_due.date
            unknown |= set(material_due.unknown_years)
        fields["due_date_unknown_years"] = sorted(unknown)
    elif action.code == "review":
        # The reviewer confirms the amount the kind's rules give now (again after a correction); the approver
        # approves that amount.
        quote = kind.amount(case) if kind and kind.amount else None
        if quote is not None:
            fields["approved_amount"] = quote.amount
            fields["policy_snapshot"] = {**(case.policy_snapshot or {}), "amount": _amount_snapshot(quote)}
        else:
            fields["approved_amount"] = case.requested_amount
    elif action.code == "approve":
        threshold = policy.value(DUAL_APPROVAL_KEY, on=today, region=region)
        if (case.first_approved_by_id is None and case.approved_amount is not None
                and case.approved_amount > threshold):
            return TransitionPlan(to_status=case.status, fields={"first_approved_by": actor}, stage="first")
    elif action.code == "return":
        # A corrected case is approved afresh, by two approvers again if its amount needs them.
        fields["first_approved_by"] = None
    if action.code in ("reject", "refuse", "lapse"):
        fields["decision_reason"] = comment
    return plan


def _clean_comment(action: Action, comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ApplicationError(gettext("A comment has at most %(n)d characters.") % {"n": COMMENT_MAX_LENGTH},
                               code="comment_too_long")
    if action.reason_required and len(comment) < 2:
        raise ApplicationError(_("State the reason: the applicant is told it."), code="reason_required")
    return comment


def _clean_missing(raw, kind: CaseKind | None) -> list[MissingMaterialRequest]:
    """[{"code", "label"}] or [[code, label]]: each code once; a known material's label is filled in."""
    labels = {m.code: m.label for m in kind.materials} if kind else {}
    if not raw:
        raise ApplicationError(_("List the materials that are missing."), code="missing_materials_required")
    if not isinstance(raw, list | tuple) or len(raw) > MISSING_MATERIALS_MAX:
        raise ApplicationError(_("The list of missing materials is not valid."), code="missing_materials_invalid")
    cleaned: dict[str, MissingMaterialRequest] = {}
    for item in raw:
        if isinstance(item, dict):
            code, label = item.get("code"), item.get("label")
        elif isinstance(item, list | tuple) and len(item) == 2:
            code, label = item
        else:
            raise ApplicationError(_("The list of missing materials is not valid."),
                                   code="missing_materials_invalid")
        code = str(code or "").strip()
        label = str(label or "").strip() or str(labels.get(code, ""))
        if not code or len(code) > 32 or not label or len(label) > 128:
            raise ApplicationError(_("Each missing material needs a code (at most 32 characters) and a name "
                                     "(at most 128 characters)."), code="missing_materials_invalid")
        cleaned[code] = MissingMaterialRequest(code=code, label=label)
    return list(cleaned.values())


def _case_snapshot(case: Case) -> dict:
    return {"status": case.status, "version": case.version}


@policy_reads_cached()
@service_atomic
def case_transition(*, case: Case, action: str, actor, version: int, comment: str = "",
                    data: dict | None = None, fresh: bool = False, also_set: dict | None = None) -> Case:
    """The one guarded move of a case. Raises NotFoundError outside the actor's area, ForbiddenError when
    the role or maker-checker forbids it, ConflictError when the case moved since `version` was read,
    ApplicationError for bad input. Audit event, timeline entry and payment order in the same transaction;
    the applicant's SMS after commit. `fresh`: `case` was read (or made) in this transaction as it is at
    `version`, so it is not read again; the guarded UPDATE still refuses it if the row moved on. `also_set`:
    columns the move writes besides its own (the findings and amount of a submission)."""
    act = ACTIONS.get(action)
    if act is None:
        raise ApplicationError(gettext("Unknown action “%(action)s”.") % {"action": action}, code="unknown_action")
    data = data or {}
    current = case if fresh else Case.objects.filter(pk=case.pk).first()
    if current is None or (actor is not None and not case_visible(user=actor, case=current)):
        raise NotFoundError()
    kind = kind_for(current)
    refusal = transition_refusal(act, case=current, actor=actor_view(user=actor, case=current, in_scope=True),
                                 facts=case_facts(current), seen_version=version)
    if refusal is not None:
        raise refusal
    comment = _clean_comment(act, comment)
    missing = _clean_missing(data.get("missing_materials"), kind) if act.code == "accept_incomplete" else []

    now = timezone.now()
    today = timezone.localdate(now)
    plan = transition_plan(act, case=current, actor=actor, kind=kind, today=today, now=now, comment=comment,
                           missing=bool(missing))
    if also_set:
        plan.fields.update(also_set)
    guard = Q(pk=current.pk, status=current.status, version=version)
    if act.code == "approve":
        # Restated in SQL so the row itself vouches for it, not only the read above.
        guard &= ~Exists(MissingMaterial.objects.filter(case=OuterRef("pk"), supplied_at__isnull=True))
        if plan.stage == "first":
            guard &= Q(first_approved_by__isnull=True)
    elif act.code == "lapse":
        guard &= Exists(_overdue_missing(today))
    updated = Case.objects.filter(guard).update(status=plan.to_status, version=F("version") + 1, **plan.fields)
    if updated != 1:
        raise _stale()

    before = _case_snapshot(current)
    # The row as the UPDATE left it, without reading it back: the guard matched (status, version), and every
    # column set is a plain value of the plan.
    current.status, current.version = plan.to_status, version + 1
    for name, value in plan.fields.items():
        setattr(current, name, value)
    move = CaseTransition.objects.create(case=current, action=act.code, from_status=before["status"],
                                         to_status=current.status, actor=actor, comment=comment)
    details = {"from": before, "to": _case_snapshot(current), "comment": comment}
    if plan.stage:
        details["stage"] = plan.stage
    if missing:
        MissingMaterial.objects.bulk_create([
            MissingMaterial(case=current, material_code=m.code, label=m.label, due_date=plan.missing_due,
                            requested_by=actor) for m in missing
        ])
        details["missing_materials"] = [{"code": m.code, "label": m.label} for m in missing]
        details["missing_due_date"] = plan.missing_due.isoformat()
    elif act.code == "return":
        # The corrected claim is accepted afresh, with its own list of what is missing; the old requests
        # end here (they stay in the audit trail) so they can neither block nor lapse the new acceptance.
        withdrawn = current.missing_materials.filter(supplied_at__isnull=True)
        if withdrawn:
            details["missing_materials_withdrawn"] = list(withdrawn.values_list("material_code", flat=True))
            withdrawn.delete()
    # An approval's payment order names its event, so that one is written at once.
    event = audit_log(actor=actor, event_type=f"case.{act.code}", obj=current, details=details,
                      write_now=act.code == "approve")
    _payment_effects(act, case=current, stage=plan.stage, approval_event_id=event.pk, now=now, comment=comment)
    if kind is not None and kind.on_transition is not None and not plan.stage:
        kind.on_transition(cases=[current], action=act.code, actor=actor)
    if not plan.stage:
        follow_ups = [hook(cases=[current], action=act.code, actor=actor) for hook in transition_hooks()]
        if act.code in NOTIFIED_ACTIONS:
            follow_ups.append(applicants_notify_task(case_ids=[current.pk], event=act.code,
                                                     transition_ids=[move.pk]))
        publish_on_commit(follow_ups)
    return current


def _payment_effects(action: Action, *, case: Case, stage: str, approval_event_id: int, now, comment: str) -> None:
    if action.code == "approve" and not stage and case.approved_amount is not None:
        # Payment.case is unique: a second order for the same case is refused by the database.
        Payment.objects.create(case=case, amount=case.approved_amount, approval_event_id=approval_event_id)
    elif action.code == "pay":
        paid = Payment.objects.filter(case=case, status=Payment.Status.PENDING).update(
            status=Payment.Status.PAID, paid_at=now)
        if paid != 1:
            raise _stale()
    elif action.code == "refuse":
        Payment.objects.filter(case=case, status=Payment.Status.PENDING).update(
            status=Payment.Status.CANCELLED, failure_reason=comment[:200])


def _check_may_file(*, actor, person, enterprise, kind: CaseKind) -> None:
    if actor is None or not actor.is_authenticated:
        raise ForbiddenError(_("Sign in to file a claim."))
    if (person is None) == (enterprise is None):
        raise ApplicationError(_("A claim has exactly one applicant: a person or an enterprise."),
                               code="applicant_invalid")
    if (kind.applicant_type == "person") != (person is not None):
        raise ApplicationError(_("This kind of claim is filed by a different kind of applicant."),
                               code="applicant_type")
    if actor.is_applicant:
        own = (person is not None and person.pk == actor.person_id) or (
            enterprise is not None and enterprise.pk == actor.enterprise_id)
        if not (own and actor.has_perm("casework.file_case")):
            raise ForbiddenError(_("You may file claims only for yourself or your own enterprise."))
    elif not actor.has_perm("casework.file_case_for_other"):
        raise ForbiddenError(_("You may not file claims for applicants."))


@service_atomic
def case_create_draft(*, kind: str, actor, applicant_person=None, applicant_enterprise=None, region=None,
                      requested_amount=None, period_start=None, period_end=None, details: dict | None = None) -> Case:
    """A new draft claim with a fresh public reference. Raises ConflictError when the applicant already holds
    an open claim of this kind for this period (the database's partial unique constraint says so)."""
    try:
        case_kind = get_kind(kind)
    except LookupError:
        raise ApplicationError(gettext("Unknown kind of claim “%(kind)s”.") % {"kind": kind},
                               code="unknown_kind") from None
    _check_may_file(actor=actor, person=applicant_person, enterprise=applicant_enterprise, kind=case_kind)
    applicant = applicant_person or applicant_enterprise
    # The applicant's district by its code: the row itself is not needed to file the case.
    region_id = getattr(region, "pk", region) if region is not None else applicant.region_id
    if region_id is None:
        raise ApplicationError(_("Choose the district where the claim is handled."), code="region_required")
    if requested_amount is not None and requested_amount < 0:
        raise ApplicationError(_("An amount cannot be negative."), code="amount_negative")
    now = timezone.now()
    for _attempt in range(REFERENCE_ATTEMPTS):
        ref = reference_new(kind_code=case_kind.code, year=timezone.localdate(now).year)
        try:  # a reference already taken is refused by its unique index, and another is drawn
            with transaction.atomic():
                case = Case.objects.create(
                    ref=ref, kind=case_kind.code, applicant_person=applicant_person,
                    applicant_enterprise=applicant_enterprise, region_id=region_id, created_by=actor,
                    requested_amount=requested_amount, period_start=period_start, period_end=period_end,
                    details=details or {},
                )
        except IntegrityError as exc:
            if Case.objects.filter(ref=ref).exists():
                continue  # the reference was taken: draw another
            duplicate = _open_duplicate(kind=case_kind.code, person=applicant_person,
                                        enterprise=applicant_enterprise, period_start=period_start)
            if duplicate is not None:
                raise ConflictError(
                    gettext("An open claim of this kind for this period already exists: %(ref)s.")
                    % {"ref": duplicate.ref}, code="duplicate_claim", extra={"ref": duplicate.ref},
                ) from exc
            continue  # the colliding row went away meanwhile: try again
        break
    else:
        raise ApplicationError(_("No free reference could be drawn; try again."), code="reference_exhausted")
    if not actor.is_applicant and not case_visible(user=actor, case=case):
        # A counter clerk files only in their own area; the insert is rolled back with this error.
        raise ForbiddenError(_("This district is outside your area."))
    CaseTransition.objects.create(case=case, action="create", from_status=CaseStatus.DRAFT,
                                  to_status=CaseStatus.DRAFT, actor=actor)
    audit_log(actor=actor, event_type="case.create", obj=case,
              details={"kind": case.kind, "region": case.region_id,
                       "requested_amount": str(requested_amount) if requested_amount is not None else None})
    return case


def _open_duplicate(*, kind: str, person, enterprise, period_start) -> Case | None:
    qs = Case.objects.filter(kind=kind, period_start=period_start).exclude(status__in=CLOSED_STATUSES)
    if person is not None:
        return qs.filter(applicant_person=person).first()
    return qs.filter(applicant_enterprise=enterprise).first()


@policy_reads_cached()
def case_submit(*, case: Case, actor, fresh: bool = False) -> Case:
    """draft -> submitted, checking eligibility and quoting the amount. Idempotent: submitting again a case
    this actor already submitted returns it unchanged (a double click, a retried request). `fresh`: as for
    case_transition."""
    current = case if fresh else Case.objects.filter(pk=case.pk).first()
    if current is None:
        raise NotFoundError()
    if current.status == CaseStatus.SUBMITTED and current.submitted_by_id == getattr(actor, "pk", None):
        return current
    try:
        return _case_submit(case=current, actor=actor)
    except ConflictError as exc:
        if exc.code not in MOVED_ON:
            raise
        # Refused before anything was written: a second click that met the first one's submission.
        again = Case.objects.get(pk=current.pk)
        if again.status == CaseStatus.SUBMITTED and again.submitted_by_id == getattr(actor, "pk", None):
            return again
        raise


@service_atomic
def _case_submit(*, case: Case, actor) -> Case:
    kind = kind_for(case)
    if kind is not None and case.status == CaseStatus.DRAFT:
        # Eligibility findings and the amount go with the case for the caseworker; they do not block filing.
        issues = [str(i) for i in kind.eligibility(case)] if kind.eligibility else []
        changes: dict = {"details": {**(case.details or {}), "eligibility_issues": issues}}
        if kind.amount and case.requested_amount is None:
            quote = kind.amount(case)
            if quote is not None:
                changes["requested_amount"] = quote.amount
                changes["policy_snapshot"] = {**(case.policy_snapshot or {}), "amount": _amount_snapshot(quote)}
        # Written by the move's own guarded UPDATE. The rules read the case as it was (a draft); the answer
        # shows it as it is now.
        return case_transition(case=case, action="submit", actor=actor, version=case.version, fresh=True,
                               also_set=changes)
    return case_transition(case=case, action="submit", actor=actor, version=case.version, fresh=True)


def _overdue_missing(today: datetime.date):
    # The due date is the last day to supply: a material is overdue from the next day on.
    return MissingMaterial.objects.filter(case=OuterRef("pk"), supplied_at__isnull=True, due_date__lt=today)


def case_lapse_overdue() -> list[str]:
    """Lapse every accepted case whose missing materials are past due and tell its applicant (容缺受理).
    Each case moves in its own transaction; a case that moved meanwhile (supplied, withdrawn) is left alone.
    Returns the references lapsed."""
    today = timezone.localdate()
    lapse = ACTIONS["lapse"]
    candidates = (Case.objects.filter(status__in=list(lapse.sources)).filter(Exists(_overdue_missing(today)))
                  .only("pk", "version").order_by("pk"))
    lapsed = []
    for candidate in candidates:
        try:
            case = case_transition(case=candidate, action="lapse", actor=None, version=candidate.version,
                                   comment=gettext("Missing materials were not supplied by their due date."))
        except ConflictError:
            continue
        lapsed.append(case.ref)
    if lapsed:
        logger.info("Lapsed %d cases with overdue missing materials", len(lapsed))
    return lapsed
