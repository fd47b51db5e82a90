"""Reads of unemployment monitoring, each scoped by the one helper (accounts.selectors.scope_queryset):
staff see their area, a firm's account its own firm."""

import datetime

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.core.errors import NotFoundError
from guangyuan_jobs.registry.models import Region
from monitoring import rules
from monitoring.models import MonitoredEnterprise, MonthlyReturn, ReturnReminder, Warning

WHOLE_CITY = ""


def region_in_scope(user, code: str) -> bool:
    if user.is_applicant:
        return False
    if user.scope == User.Scope.WHOLE_CITY:
        return True
    if user.scope == User.Scope.CITY_LEVEL:
        return code == CITY_CODE
    if user.scope == User.Scope.DISTRICT and user.scope_region_id:
        return code.startswith(user.scope_region_id[:6])
    return False


def district_choices() -> list[tuple[str, str]]:
    """The city level (市本级) and each district or county, by code (cached a few minutes: every page asks)."""
    names = cache.get_or_set("monitoring:districts", lambda: dict(
        Region.objects.filter(parent_id=CITY_CODE).values_list("code", "name")), 300)
    return [(CITY_CODE, str(_("City level (市本级)"))), *sorted(names.items())]


def dashboard_areas_for(user) -> list[tuple[str, str]]:
    """The areas a manager may look at: the whole city and each district for the whole-city scope, only the
    city level or only their district otherwise."""
    districts = district_choices()
    if user.scope == User.Scope.WHOLE_CITY:
        return [(WHOLE_CITY, str(_("Whole city"))), *districts]
    return [(code, label) for code, label in districts if region_in_scope(user, code)]


def monitored_list_for(*, user, filters: dict | None = None) -> QuerySet[MonitoredEnterprise]:
    filters = filters or {}
    qs = scope_queryset(MonitoredEnterprise.objects.select_related("enterprise", "region"), user=user,
                        enterprise_field="enterprise")
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code__iexact=q))
    for name in ("industry", "ownership", "size_class"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("region"):
        qs = qs.filter(region__pk__startswith=filters["region"])
    open_warning = Warning.objects.filter(monitored=OuterRef("pk")).exclude(status=Warning.Status.CLOSED)
    return qs.annotate(has_open_warning=Exists(open_warning)).order_by("region_id", "enterprise__name")


def monitored_get_for(*, user, credit_code: str) -> MonitoredEnterprise:
    found = monitored_list_for(user=user).filter(enterprise__credit_code=credit_code).first()
    if found is None:
        raise NotFoundError()
    return found


def monitored_of_account(user) -> MonitoredEnterprise | None:
    """The firm's own monitoring record, for its account."""
    if not user.is_authenticated or not user.enterprise_id:
        return None
    return MonitoredEnterprise.objects.filter(enterprise_id=user.enterprise_id).select_related("enterprise").first()


def return_list_for(*, user, filters: dict | None = None) -> QuerySet[MonthlyReturn]:
    filters = filters or {}
    qs = scope_queryset(MonthlyReturn.objects.select_related("monitored__enterprise", "monitored__region"),
                        user=user, region_field="monitored__region", enterprise_field="monitored__enterprise")
    if filters.get("period"):
        qs = qs.filter(period=rules.month_start(filters["period"]))
    if filters.get("check_status"):
        qs = qs.filter(check_status=filters["check_status"])
    if filters.get("region"):
        qs = qs.filter(monitored__region__pk__startswith=filters["region"])
    if filters.get("monitored"):
        qs = qs.filter(monitored=filters["monitored"])
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(monitored__enterprise__name__icontains=q) | Q(monitored__enterprise__credit_code__iexact=q))
    return qs.order_by("-period", "monitored__enterprise__name")


def return_get_for(*, user, pk: int) -> MonthlyReturn:
    found = return_list_for(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError()
    return found


def late_list_for(*, user, period: datetime.date, region: str = "") -> QuerySet[MonitoredEnterprise]:
    """The firms of the user's area whose return for the month is past due, with whether they were reminded."""
    from monitoring.services import late_enterprises

    qs = scope_queryset(late_enterprises(period=period), user=user)
    if region:
        qs = qs.filter(region__pk__startswith=region)
    reminded = ReturnReminder.objects.filter(monitored=OuterRef("pk"), period=rules.month_start(period))
    return qs.annotate(reminded=Exists(reminded)).order_by("region_id", "enterprise__name")


def warning_list_for(*, user, filters: dict | None = None) -> QuerySet[Warning]:
    filters = filters or {}
    qs = scope_queryset(Warning.objects.select_related("rule", "region", "monitored__enterprise"), user=user)
    if filters.get("status") == "unclosed":
        qs = qs.exclude(status=Warning.Status.CLOSED)
    elif filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    if filters.get("region"):
        qs = qs.filter(region__pk__startswith=filters["region"])
    if filters.get("start"):
        qs = qs.filter(period__gte=rules.month_start(filters["start"]))
    if filters.get("end"):
        qs = qs.filter(period__lte=filters["end"])
    return qs.order_by("-period", "-opened_at")


def warning_get_for(*, user, ref: str) -> Warning:
    found = warning_list_for(user=user).filter(ref=ref).first()
    if found is None:
        raise NotFoundError()
    return found


def open_warnings_of_enterprise(enterprise_id: int) -> QuerySet[Warning]:
    return (Warning.objects.filter(monitored__enterprise_id=enterprise_id).exclude(status=Warning.Status.CLOSED)
            .select_related("rule").order_by("-period"))


def monthly_trend(*, year: int, area: str) -> list[dict]:
    """Per month of the year: firms reporting, their headcount, hires and reductions (for the chart)."""
    qs = MonthlyReturn.objects.filter(period__year=year)
    if area == CITY_CODE:
        qs = qs.filter(monitored__region_id=CITY_CODE)
    elif area:
        qs = qs.filter(monitored__region__pk__startswith=area)
    rows = {row["period"]: row for row in qs.values("period").annotate(
        firms=Count("id"), headcount=Sum("headcount"), hires=Sum("hires"), reductions=Sum("reductions"))}
    trend = []
    for month in range(1, 13):
        row = rows.get(datetime.date(year, month, 1), {})
        trend.append({"month": month, "firms": row.get("firms", 0), "headcount": row.get("headcount") or 0,
                      "hires": row.get("hires") or 0, "reductions": row.get("reductions") or 0})
    return trend
