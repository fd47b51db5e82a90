"""Reads of the parks app, scoped to what the user may see: a park's operator (an enterprise applicant) its own
parks; the Center's staff holding `startup_parks.view_park` the parks of their area. One helper, `park_scope`,
does it for every list, detail, export and API."""

import datetime
from collections.abc import Mapping

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.core.errors import NotFoundError
from guangyuan_jobs.policy.selectors import policy_value
from startup_parks import rules
from startup_parks.models import (
    ApplicationStatus,
    CertificationApplication,
    JobsReport,
    Park,
    ParkStatus,
    Resident,
)

VIEW = "startup_parks.view_park"


def park_scope(queryset: QuerySet, *, user, prefix: str = "") -> QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_applicant:
        if not user.enterprise_id:
            return queryset.none()
        return queryset.filter(**{f"{prefix}operator_id": user.enterprise_id})
    if not user.has_perm(VIEW):
        return queryset.none()
    return scope_queryset(queryset, user=user, region_field=f"{prefix}region")


def is_operator(user, park: Park) -> bool:
    return bool(user and user.is_authenticated and user.is_applicant and user.enterprise_id
                and user.enterprise_id == park.operator_id)


def _last_score():
    return Subquery(CertificationApplication.objects.filter(
        park=OuterRef("pk"), status__in=(ApplicationStatus.CERTIFIED, ApplicationStatus.REFUSED))
        .order_by("-decided_at", "-id").values("total_score")[:1])


def with_figures(queryset: QuerySet[Park], *, on: datetime.date | None = None) -> QuerySet[Park]:
    """Parks with their resident firms on a day, the jobs reported by all their firms, and the last decided score."""
    on = on or timezone.localdate()
    residents = (Resident.objects.filter(park=OuterRef("pk"), moved_in_on__lte=on)
                 .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=on))
                 .order_by().values("park").annotate(n=Count("id")).values("n"))
    jobs = (JobsReport.objects.filter(resident__park=OuterRef("pk")).order_by().values("resident__park")
            .annotate(n=Sum("jobs_created")).values("n"))
    return queryset.annotate(
        residents_now=Coalesce(Subquery(residents, output_field=IntegerField()), Value(0)),
        jobs_total=Coalesce(Subquery(jobs, output_field=IntegerField()), Value(0)),
        last_score=_last_score(),
    )


def park_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Park]:
    filters = filters or {}
    qs = park_scope(Park.objects.select_related("region", "operator"), user=user)
    for name in ("kind", "level", "status"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("region"):
        qs = qs.filter(region__pk__startswith=str(filters["region"])[:6])
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(name__icontains=q) | Q(ref__icontains=q) | Q(operator__name__icontains=q))
    return with_figures(qs).order_by("region_id", "name", "id")


def park_get_for(*, user, ref: str) -> Park:
    park = with_figures(park_scope(Park.objects.select_related("region", "operator"), user=user)).filter(
        ref=ref).first()
    if park is None:
        raise NotFoundError()
    return park


def application_get_for(*, user, ref: str) -> CertificationApplication:
    application = park_scope(CertificationApplication.objects.select_related("park", "park__region",
                                                                           "park__operator", "submitted_by"),
                             user=user, prefix="park__").filter(ref=ref).first()
    if application is None:
        raise NotFoundError()
    return application


def due_window_days(*, on: datetime.date, region="510800") -> int:
    return int(policy_value(rules.DUE_WINDOW_KEY, on=on, region=region))


def parks_due_for(*, user, on: datetime.date | None = None) -> tuple[QuerySet[Park], int]:
    """Certified parks whose certificate ends within the window (the parameter in force today), ending soonest
    first, with the window used. Parks whose certificate has already ended are listed too."""
    on = on or timezone.localdate()
    window = due_window_days(on=on)
    qs = park_scope(Park.objects.select_related("region", "operator"), user=user).filter(
        status=ParkStatus.CERTIFIED, certified_until__lte=rules.due_horizon(on, window))
    open_reevaluations = CertificationApplication.objects.filter(
        park=OuterRef("pk"), status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.EVALUATING)).values("ref")[:1]
    return with_figures(qs, on=on).annotate(open_application=Subquery(open_reevaluations)).order_by(
        "certified_until", "name"), window


def residents_of(park: Park) -> QuerySet[Resident]:
    return (park.residents.select_related("enterprise")
            .annotate(jobs_total=Coalesce(Sum("jobs_reports__jobs_created"), Value(0))))


def jobs_reports_of(park: Park) -> QuerySet[JobsReport]:
    return JobsReport.objects.filter(resident__park=park).select_related("resident__enterprise").order_by(
        "-period", "resident__enterprise__name")


def score_sheet_rows(application: CertificationApplication) -> dict:
    """The score sheet: one row per criterion with each evaluator's score, and the evaluators' totals."""
    evaluations = list(application.evaluations.select_related("evaluator").prefetch_related("scores"))
    by_evaluation = {e.pk: {s.criterion_code: s.score for s in e.scores.all()} for e in evaluations}
    evidence: dict[str, list] = {}
    for item in application.evidence.all():
        evidence.setdefault(item.criterion_code, []).append(item)
    rows = []
    for criterion in rules.criteria_from_snapshot(application.criteria):
        rows.append({"criterion": criterion, "evidence": evidence.get(criterion.code, []),
                     "scores": [by_evaluation[e.pk].get(criterion.code) for e in evaluations]})
    return {"rows": rows, "evaluations": evaluations,
            "max_total": sum((c.max_score for c in rules.criteria_from_snapshot(application.criteria)), 0)}

