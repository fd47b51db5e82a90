"""Pure rules of unemployment monitoring: months, the return's due date, the plausibility checks of a return
and the warning metrics. No database, no request: the numbers come in as arguments (policy parameters and
the rule's own threshold)."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

FOUR_PLACES = Decimal("0.0001")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def return_due_date(period: datetime.date, *, due_day: int) -> datetime.date:
    """A month's return is due on `due_day` of that month (firms report the 20th–24th, DOMAIN.md §8.2), or
    the month's last day when it is shorter."""
    return period.replace(day=min(due_day, calendar.monthrange(period.year, period.month)[1]))


def ratio(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReturnFigures:
    headcount: int
    hires: int
    reductions: int
    hidden_unemployed: int
    dispatched: int
    previous_headcount: int  # the last return's headcount, or the baseline
    baseline_headcount: int


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def return_findings(figures: ReturnFigures, *, max_change_ratio: Decimal, balance_tolerance: int) -> list[Finding]:
    """Why a return looks implausible and should be checked with the firm (empty: nothing to check)."""
    found = []
    expected = figures.previous_headcount + figures.hires - figures.reductions
    if abs(expected - figures.headcount) > balance_tolerance:
        found.append(Finding("balance", _(
            "Headcount %(headcount)s does not match the previous %(previous)s plus %(hires)s hired minus "
            "%(reductions)s reduced (%(expected)s).") % {
                "headcount": figures.headcount, "previous": figures.previous_headcount, "hires": figures.hires,
                "reductions": figures.reductions, "expected": expected}))
    if figures.reductions > figures.previous_headcount:
        found.append(Finding("reductions_exceed", _("More people reduced than were employed at the start.")))
    change = abs(figures.headcount - figures.previous_headcount)
    if figures.previous_headcount and ratio(change, figures.previous_headcount) > max_change_ratio:
        found.append(Finding("jump", _("Headcount changed by more than %(share)s %% in one month.") % {
            "share": (max_change_ratio * 100).normalize()}))
    if figures.hidden_unemployed > figures.headcount:
        found.append(Finding("hidden_exceeds", _("Hidden unemployment exceeds the headcount.")))
    return found


@dataclass(frozen=True)
class FirmWindow:
    """A firm's figures over a rule's window: headcount before the window, reductions in it, headcount now."""

    start_headcount: int
    reductions: int
    headcount: int
    baseline_headcount: int


@dataclass(frozen=True)
class MetricOutcome:
    triggered: bool
    value: Decimal
    threshold: Decimal


def statutory_mass_layoff(window: FirmWindow, *, min_people: int, min_ratio: Decimal) -> MetricOutcome:
    """劳动合同法 art. 41: reducing 20 people or more, or fewer but 10 % of the staff or more."""
    share = ratio(window.reductions, window.start_headcount)
    triggered = window.reductions >= min_people or (window.reductions > 0 and share >= min_ratio)
    return MetricOutcome(triggered=triggered, value=Decimal(window.reductions), threshold=Decimal(min_people))


def firm_metric(metric: str, window: FirmWindow, *, threshold: Decimal) -> MetricOutcome:
    if metric == "reductions":
        value = Decimal(window.reductions)
    elif metric == "reduction_ratio":
        value = ratio(window.reductions, window.start_headcount)
    elif metric == "drop_vs_baseline":
        value = ratio(max(window.baseline_headcount - window.headcount, 0), window.baseline_headcount)
    else:
        raise ValueError(f"not a firm metric: {metric}")
    return MetricOutcome(triggered=value > 0 and value >= threshold, value=value, threshold=threshold)


def firm_lays_off(window: FirmWindow, *, more_than_people: int | None, more_than_ratio: Decimal | None) -> bool:
    """A firm counts towards a regional warning when it reduces more than the people or the share given
    (山东 2016: more than 50 people or more than 30 % of its staff)."""
    if more_than_people is not None and window.reductions > more_than_people:
        return True
    return (more_than_ratio is not None and window.reductions > 0
            and ratio(window.reductions, window.start_headcount) > more_than_ratio)


def area_metric(metric: str, windows: list[FirmWindow], *, threshold: Decimal, more_than_people: int | None = None,
                more_than_ratio: Decimal | None = None) -> MetricOutcome:
    if metric == "area_reduction_ratio":
        value = ratio(sum(w.reductions for w in windows), sum(w.start_headcount for w in windows))
    elif metric == "firms_laying_off":
        value = Decimal(sum(1 for w in windows if firm_lays_off(w, more_than_people=more_than_people,
                                                               more_than_ratio=more_than_ratio)))
    else:
        raise ValueError(f"not an area metric: {metric}")
    return MetricOutcome(triggered=value > 0 and value >= threshold, value=value, threshold=threshold)
