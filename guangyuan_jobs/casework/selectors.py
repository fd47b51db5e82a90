"""Every read of cases, scoped to what the user may see, and the actions a user may take now."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.casework.kinds import CaseKind, get_kind, payment_holds
from guangyuan_jobs.casework.models import (
    BatchItem,
    BatchJob,
    Case,
    CaseStatus,
    CaseTransition,
    MissingMaterial,
    Payment,
)
from guangyuan_jobs.casework.rules import (
    ACTIONS,
    PENDING_DECISION_STATUSES,
    Action,
    ActorView,
    By,
    transition_refusal,
)
from guangyuan_jobs.core.errors import NotFoundError

_TRUE = {"1", "true", "yes", "on"}


def case_scope(queryset: QuerySet, *, user) -> QuerySet:
    """The cases of `queryset` the user may see: applicants their own, staff with view_case their area.
    A draft is the applicant's until submitted: staff see only the drafts they started at the counter."""
    if user is not None and user.is_authenticated and not user.is_applicant:
        if not user.has_perm("casework.view_case"):
            return queryset.none()
        queryset = queryset.exclude(Q(status=CaseStatus.DRAFT) & ~Q(created_by=user))
    return scope_queryset(queryset, user=user, region_field="region", person_field="applicant_person",
                          enterprise_field="applicant_enterprise")


def _flag(value) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


def case_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Case]:
    """Filters: kind, status, region (a code: the region and everything below it), overdue, mine, q (ref)."""
    filters = filters or {}
    qs = case_scope(Case.objects.select_related("applicant_person", "applicant_enterprise", "region"), user=user)
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("region"):
        # A district's towns and villages have codes that extend the district's; the city code itself
        # (市本级) has no such children, as the districts have codes of their own.
        qs = qs.filter(region__code__startswith=str(filters["region"]).strip())
    if _flag(filters.get("overdue")):
        qs = qs.filter(due_date__lt=timezone.localdate(), status__in=PENDING_DECISION_STATUSES)
    if _flag(filters.get("mine")):
        acted = CaseTransition.objects.filter(case=OuterRef("pk"), actor=user)
        qs = qs.filter(Q(assignee=user) | Exists(acted))
    if filters.get("q"):
        qs = qs.filter(ref__icontains=str(filters["q"]).strip())
    return qs.order_by("-id")


def kind_label(code: str) -> str:
    try:
        return str(get_kind(code).label)
    except LookupError:
        return code


def case_applicant_masked(case: Case) -> str:
    """The applicant as every list and page shows it: a person's ID number masked, a firm's public code."""
    if case.applicant_person_id:
        person = case.applicant_person
        return f"{person.name}（{person.id_number_masked}）"
    enterprise = case.applicant_enterprise
    return f"{enterprise.name}（{enterprise.credit_code}）"


def case_get_for(*, user, ref: str) -> Case:
    """The case with this reference if the user may see it; NotFoundError otherwise (never 403: a case
    outside one's area does not exist for them)."""
    case = case_list_for(user=user).filter(ref=ref).first()
    if case is None:
        raise NotFoundError()
    return case


def case_visible(*, user, case: Case) -> bool:
    if user is not None and user.is_authenticated and user.is_applicant:
        # An applicant sees exactly their own cases (scope_queryset's rule); a case's applicant never changes,
        # so the row in hand answers without a query.
        return user.is_active and _owned_by(user, case)
    return case_scope(Case.objects.filter(pk=case.pk), user=user).exists()


def _owned_by(user, case: Case) -> bool:
    return ((case.applicant_person_id is not None and case.applicant_person_id == user.person_id)
            or (case.applicant_enterprise_id is not None and case.applicant_enterprise_id == user.enterprise_id))


def kind_for(case: Case) -> CaseKind | None:
    try:
        return get_kind(case.kind)
    except LookupError:
        return None


def actor_view(*, user, case: Case, in_scope: bool | None = None) -> ActorView:
    if user is None or not user.is_authenticated:
        return ActorView(user_id=None, is_applicant=False, permissions=frozenset(), owns_case=False, in_scope=False)
    owns = user.is_applicant and _owned_by(user, case)
    if in_scope is None:
        in_scope = case_visible(user=user, case=case)
    permissions = frozenset(user.get_all_permissions()) if user.is_active else frozenset()
    return ActorView(user_id=user.pk, is_applicant=user.is_applicant, permissions=permissions, owns_case=owns,
                     in_scope=in_scope)


# Only cases that could be paid next need the (kind-supplied) payment-hold check.
PAYABLE_STATUSES = (CaseStatus.APPROVED, CaseStatus.PUBLICIZED)


class _CaseFactsRead:
    """A case's CaseFacts, each read from the database when a rule first asks for it: most moves (submit,
    accept, review) need none of them, approval the missing materials, payment the order and its holds."""

    def __init__(self, case: Case):
        self._case = case

    @cached_property
    def open_missing(self) -> int:
        return MissingMaterial.objects.filter(case=self._case, supplied_at__isnull=True).count()

    @cached_property
    def public_notice(self) -> bool:
        kind = kind_for(self._case)
        return kind.public_notice if kind else True

    @cached_property
    def payment_pending(self) -> bool:
        return Payment.objects.filter(case=self._case, status=Payment.Status.PENDING).exists()

    @cached_property
    def payment_hold(self) -> str:
        case = self._case
        return payment_holds([case.pk]).get(case.pk, "") if case.status in PAYABLE_STATUSES else ""


def case_facts(case: Case) -> _CaseFactsRead:
    """What the rules need beyond the case's columns (CaseFacts' fields), read only as far as they are used."""
    return _CaseFactsRead(case)


def case_actions_for(*, user, case: Case) -> list[Action]:
    """Exactly the actions `user` may take on `case` now: the same rules the transition service applies."""
    view = actor_view(user=user, case=case)
    facts = case_facts(case)
    return [action for action in ACTIONS.values()
            if action.by != By.SYSTEM and transition_refusal(action, case=case, actor=view, facts=facts) is None]


def case_timeline(case: Case) -> QuerySet[CaseTransition]:
    return case.transitions.select_related("actor").order_by("created_at", "id")


def case_missing_materials(case: Case) -> QuerySet[MissingMaterial]:
    return case.missing_materials.select_related("attachment").order_by("due_date", "id")


def case_attachments(case: Case):
    return case.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")


def batch_list_for(*, user) -> QuerySet[BatchJob]:
    """A caseworker's own batch jobs."""
    if not user.has_perm("casework.batch_case"):
        return BatchJob.objects.none()
    return BatchJob.objects.filter(requested_by=user).order_by("-created_at")


def batch_get_for(*, user, job_id) -> BatchJob:
    job = batch_list_for(user=user).filter(pk=job_id).first()
    if job is None:
        raise NotFoundError()
    return job


def batch_items_for(*, job: BatchJob, outcome: str | None = None) -> QuerySet[BatchItem]:
    qs = job.items.select_related("case").order_by("id")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs


@dataclass(frozen=True)
class BatchProgress:
    percent: int
    running: bool
    done: bool


def batch_progress(job: BatchJob) -> BatchProgress:
    done = job.status in (BatchJob.Status.COMPLETED, BatchJob.Status.FAILED)
    percent = 100 if job.status == BatchJob.Status.COMPLETED else (
        int(job.processed * 100 / job.total) if job.total else 0)
    return BatchProgress(percent=min(percent, 100), running=not done, done=done)
