"""Reads for reports: the case register's rows and a user's own export jobs."""

import datetime

from django.db.models import BooleanField, Q, QuerySet, Value, When
from django.db.models import Case as CaseWhen
from django.db.models.functions import TruncDate
from django.utils import timezone

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.casework.models import CLOSED_STATUSES, Case, CaseStatus
from guangyuan_jobs.reports.models import ExportJob


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def case_register_queryset(*, user, filters: dict) -> QuerySet[Case]:
    """Every case the user may see (drafts are the applicant's own business), filtered, in id order.

    Dates are cut to the local (Asia/Shanghai) day in SQL and the overdue flag is computed there too,
    so the export loop only moves values.
    """
    cases = scope_queryset(Case.objects.exclude(status=CaseStatus.DRAFT), user=user, region_field="region",
                           person_field="applicant_person", enterprise_field="applicant_enterprise")
    if filters.get("kind"):
        cases = cases.filter(kind=filters["kind"])
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("region"):
        # A district's code prefix covers the towns and villages registered below it.
        cases = cases.filter(region__pk__startswith=filters["region"].code[:6])
    if filters.get("date_from"):
        cases = cases.filter(submitted_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        cases = cases.filter(submitted_at__lt=_day_start(filters["date_to"] + datetime.timedelta(days=1)))
    # A case is overdue while undecided and open past its due date.
    overdue = Q(due_date__lt=timezone.localdate(), decided_at__isnull=True) & ~Q(
        status__in=(*CLOSED_STATUSES, CaseStatus.PAID))
    return cases.annotate(
        submitted_on=TruncDate("submitted_at"),
        accepted_on=TruncDate("accepted_at"),
        decided_on=TruncDate("decided_at"),
        paid_on=TruncDate("paid_at"),
        overdue=CaseWhen(When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()),
    ).order_by("id")


def export_job_list_for(*, user, filters: dict) -> QuerySet[ExportJob]:
    """The user's own export jobs, newest first."""
    jobs = ExportJob.objects.filter(requested_by=user)
    if filters.get("report"):
        jobs = jobs.filter(report=filters["report"])
    if filters.get("status"):
        jobs = jobs.filter(status=filters["status"])
    if filters.get("date_from"):
        jobs = jobs.filter(created_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        jobs = jobs.filter(created_at__lt=_day_start(filters["date_to"] + datetime.timedelta(days=1)))
    return jobs.order_by("-created_at")


def export_job_get_for(*, user, job_id) -> ExportJob | None:
    """One of the user's own jobs; another user's job is as good as missing."""
    if not user.is_authenticated:
        return None
    return ExportJob.objects.filter(pk=job_id, requested_by=user).select_related("requested_by").first()
