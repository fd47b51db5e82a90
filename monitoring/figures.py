"""The dashboard's monitoring figures (DOMAIN.md §8) and the casework time-limit figure, registered like every
app's indicators (monitoring/indicators.py reads this module as monitoring's `indicators`)."""

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.casework.rules import PENDING_DECISION_STATUSES
from monitoring import rules
from monitoring.indicators import Indicator, IndicatorQuery
from monitoring.models import MonitoredEnterprise, MonthlyReturn, Warning

SECTION = "monitoring"


def _area(query: IndicatorQuery) -> str:
    return query.region or ""


def _returns(query: IndicatorQuery):
    return MonthlyReturn.objects.filter(query.region_q("monitored__region"),
                                        period__range=(rules.month_start(query.start), query.end))


def _last_month_returns(query: IndicatorQuery):
    """The returns of the period's last month: the headcount "at the period's end"."""
    return MonthlyReturn.objects.filter(query.region_q("monitored__region"), period=rules.month_start(query.end))


def _sum(qs, field: str) -> int:
    return qs.aggregate(total=Sum(field))["total"] or 0


def firms_monitored(query: IndicatorQuery) -> int:
    return MonitoredEnterprise.objects.filter(query.region_q(), active=True, baseline_date__lte=query.end).count()


def headcount_at_end(query: IndicatorQuery) -> int:
    return _sum(_last_month_returns(query), "headcount")


def people_reduced(query: IndicatorQuery) -> int:
    return _sum(_returns(query), "reductions")


def people_hired(query: IndicatorQuery) -> int:
    return _sum(_returns(query), "hires")


def job_loss_rate(query: IndicatorQuery) -> Decimal:
    """岗位流失率 (the core indicator, DOMAIN.md §8.3): people reduced in the period over the staff the reporting
    firms had before it (headcount at the end, plus reductions, minus hires), in per cent."""
    totals = _returns(query).aggregate(reductions=Sum("reductions"), hires=Sum("hires"))
    reductions, hires = totals["reductions"] or 0, totals["hires"] or 0
    start = headcount_at_end(query) + reductions - hires
    if start <= 0:
        return Decimal(0)
    return (Decimal(reductions) * 100 / start).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def hidden_unemployed(query: IndicatorQuery) -> int:
    return _sum(_last_month_returns(query), "hidden_unemployed")


def warnings_raised(query: IndicatorQuery) -> int:
    return Warning.objects.filter(query.region_q(), period__range=(rules.month_start(query.start), query.end)).count()


def warnings_open(query: IndicatorQuery) -> int:
    """Warnings raised by the period's end and not closed by then."""
    return (Warning.objects.filter(query.region_q(), period__lte=query.end)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=query.end)).count())


def cases_overdue(query: IndicatorQuery) -> int:
    """Cases whose time limit fell in the period and that still wait for a decision."""
    return Case.objects.filter(query.region_q(), status__in=PENDING_DECISION_STATUSES,
                               due_date__range=(query.start, query.end)).count()


def _link(name: str, **params) -> str:
    clean = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse(name) + (f"?{urlencode(clean)}" if clean else "")


def _returns_link(query: IndicatorQuery) -> str:
    return _link("monitoring:return_list", region=_area(query), period=f"{rules.month_start(query.end):%Y-%m}")


INDICATORS = (
    Indicator("monitoring.firms", _("Enterprises monitored"), SECTION, "firms", firms_monitored,
              lambda q: _link("monitoring:enterprise_list", region=_area(q)), order=10),
    Indicator("monitoring.headcount", _("Headcount of monitored firms at the period's end"), SECTION, "people",
              headcount_at_end, _returns_link, order=20),
    Indicator("monitoring.hires", _("People hired by monitored firms"), SECTION, "people", people_hired,
              lambda q: _link("monitoring:return_list", region=_area(q)), order=30),
    Indicator("monitoring.reductions", _("People reduced by monitored firms"), SECTION, "people", people_reduced,
              lambda q: _link("monitoring:return_list", region=_area(q)), order=40),
    Indicator("monitoring.job_loss_rate", _("Job loss rate"), SECTION, "percent", job_loss_rate,
              lambda q: _link("monitoring:return_list", region=_area(q)), order=50),
    Indicator("monitoring.hidden_unemployed", _("Hidden unemployment at the period's end"), SECTION, "people",
              hidden_unemployed, _returns_link, order=60),
    Indicator("monitoring.warnings_raised", _("Warnings raised"), SECTION, "warnings", warnings_raised,
              lambda q: _link("monitoring:warning_list", region=_area(q), start=q.start.isoformat(),
                              end=q.end.isoformat()), order=70),
    Indicator("monitoring.warnings_open", _("Warnings open at the period's end"), SECTION, "warnings",
              warnings_open, lambda q: _link("monitoring:warning_list", region=_area(q), status="unclosed"),
              order=80),
    Indicator("casework.overdue", _("Cases past their time limit, still undecided"), "casework", "cases",
              cases_overdue, lambda q: _link("monitoring:case_records", region=_area(q), overdue="1",
                                             start=q.start.isoformat(), end=q.end.isoformat()), order=10),
)
