"""Reads of notices and notifications, scoped to what the user may see: applicants their own cases' notices
and their own inbox, staff the notices of cases in their area."""

import datetime
import hashlib
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from guangyuan_jobs.casework.kinds import get_kind
from guangyuan_jobs.casework.models import Case, CaseStatus, Payment
from guangyuan_jobs.casework.selectors import case_scope, kind_for
from guangyuan_jobs.core.errors import NotFoundError
from guangyuan_jobs.notices import rules
from guangyuan_jobs.notices.models import Notice, Notification
from guangyuan_jobs.policy.selectors import PolicyParameterMissing, policy_value, working_days_between

DECISION_WINDOW_DAYS = 90
DECIDED_STATUSES = (CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID, CaseStatus.REFUSED)
DECISION_TIMES_CACHE_SECONDS = 3600


def notice_scope(*, user) -> QuerySet[Notice]:
    visible = case_scope(Case.objects.all(), user=user).values("pk")
    return Notice.objects.filter(case__in=visible)


def notice_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Notice]:
    """Filters: kind, q (case reference or notice number), issued_from, issued_to (dates)."""
    filters = filters or {}
    qs = notice_scope(user=user).select_related("case", "case__region", "issued_by")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        q = str(filters["q"]).strip().upper()
        qs = qs.filter(Q(case__ref=q) | Q(number=q))
    if filters.get("issued_from"):
        qs = qs.filter(issued_at__date__gte=filters["issued_from"])
    if filters.get("issued_to"):
        qs = qs.filter(issued_at__date__lte=filters["issued_to"])
    return qs.order_by("-issued_at", "-id")


def notice_get_for(*, user, number: str) -> Notice:
    """The notice, if the user may read it; NotFoundError otherwise (no hint that it exists)."""
    notice = notice_scope(user=user).select_related("case").filter(number=number).first()
    if notice is None:
        raise NotFoundError()
    return notice


def case_notices(*, user, case: Case) -> list[Notice]:
    return list(notice_scope(user=user).filter(case=case).order_by("issued_at", "id"))


def inbox_for(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user, channel=Notification.Channel.INBOX).select_related("case")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def inbox_unread_count(*, user) -> int:
    if user is None or not user.is_authenticated or not user.is_applicant:
        return 0
    return Notification.objects.filter(user=user, channel=Notification.Channel.INBOX, read_at__isnull=True).count()


def notification_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Notification]:
    """Staff's view of the messages sent for the cases in their area (delivery status, retries)."""
    filters = filters or {}
    visible = case_scope(Case.objects.all(), user=user).values("pk")
    qs = Notification.objects.filter(case__in=visible).select_related("case")
    for field in ("status", "channel", "event"):
        if filters.get(field):
            qs = qs.filter(**{field: filters[field]})
    if filters.get("q"):
        qs = qs.filter(case__ref=str(filters["q"]).strip().upper())
    return qs.order_by("-created_at", "-id")


def case_next_step(*, case: Case, user) -> rules.NextStep:
    """What happens next to the case, who holds it, by when: for the case page, applicant's and staff's."""
    kind = kind_for(case)
    open_due = (case.missing_materials.filter(supplied_at__isnull=True).order_by("due_date")
                .values_list("due_date", flat=True))
    material_due = open_due.first()
    return rules.next_step(
        status=case.status, today=timezone.localdate(), decision_due=case.due_date, material_due=material_due,
        open_missing=len(open_due), public_notice=bool(kind and kind.public_notice),
        payment_pending=Payment.objects.filter(case=case, status=Payment.Status.PENDING).exists(),
        unit=rules.issuing_unit(region_code=case.region_id, region_name=case.region.name),
        applicant_view=bool(user and user.is_authenticated and user.is_applicant))


@dataclass(frozen=True)
class DecisionTimes:
    """A kind's promised time from acceptance to decision against the median of recent decisions."""

    promised_days: int | None
    median_days: Decimal | None
    cases: int
    window_days: int


def _median_working_days(pairs: list[tuple[datetime.date, datetime.date]]) -> Decimal:
    # W(d) = working days from the earliest date to d, counted once per distinct date, not once per case.
    dates = sorted({d for pair in pairs for d in pair})
    cumulative = {dates[0]: 0}
    for previous, current in zip(dates, dates[1:], strict=False):
        cumulative[current] = cumulative[previous] + working_days_between(previous, current)
    days = [max(0, cumulative[end] - cumulative[start]) for start, end in pairs]
    return Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))


def decision_times(code: str, *, today: datetime.date | None = None,
                   window_days: int = DECISION_WINDOW_DAYS) -> DecisionTimes:
    """Promised: the kind's time limit in force today (Guangyuan). Actual: the median working days from
    acceptance to decision over the cases decided in the last `window_days` days."""
    today = today or timezone.localdate()
    kind = get_kind(code)
    try:
        promised = int(policy_value(kind.time_limit_parameter, on=today, region=rules.CITY_REGION))
    except PolicyParameterMissing:
        promised = None
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=window_days),
                                                          datetime.time.min))
    decided = Case.objects.filter(kind=code, status__in=DECIDED_STATUSES, accepted_at__isnull=False,
                                  decided_at__gte=since)
    summary = decided.aggregate(n=Count("pk"), last=Max("decided_at"))
    if not summary["n"]:
        return DecisionTimes(promised_days=promised, median_days=None, cases=0, window_days=window_days)
    fingerprint = f"{code}|{today}|{window_days}|{summary['n']}|{summary['last']}"
    key = "notices:decision_times:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    median = cache.get(key)
    if median is None:
        pairs = [(timezone.localdate(accepted), timezone.localdate(decided_at))
                 for accepted, decided_at in decided.values_list("accepted_at", "decided_at").iterator()]
        median = _median_working_days(pairs)
        cache.set(key, median, DECISION_TIMES_CACHE_SECONDS)
    return DecisionTimes(promised_days=promised, median_days=median, cases=summary["n"], window_days=window_days)
