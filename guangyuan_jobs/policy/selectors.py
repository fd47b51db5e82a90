"""Reading policy: the parameter in force on a date for a region, and working days."""

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear, PolicyParameter
from guangyuan_jobs.registry.models import Region

logger = logging.getLogger(__name__)


class PolicyParameterMissing(ApplicationError):
    default_code = "policy_parameter_missing"


@dataclass(frozen=True)
class ParameterValue:
    """A value with where it came from, so a decision can say which rule and document it used."""

    key: str
    value: object
    unit: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    region_code: str | None
    document: str
    confidence: str

    def as_snapshot(self) -> dict:
        return {"key": self.key, "value": _jsonable(self.value), "unit": self.unit,
                "valid_from": self.valid_from.isoformat(),
                "valid_to": self.valid_to.isoformat() if self.valid_to else None,
                "region": self.region_code, "document": self.document, "confidence": self.confidence}


def _jsonable(value):
    return str(value) if isinstance(value, Decimal) else value


def _typed(parameter: PolicyParameter):
    if parameter.value_type == PolicyParameter.ValueType.DECIMAL:
        return Decimal(str(parameter.value))
    if parameter.value_type == PolicyParameter.ValueType.INTEGER:
        return int(parameter.value)
    if parameter.value_type == PolicyParameter.ValueType.BOOLEAN:
        return bool(parameter.value)
    return parameter.value


def _region_chain(region: Region | str | None) -> list[str]:
    """The region and its ancestors, nearest first: a county value overrides the city's, then Sichuan's."""
    code = region.code if isinstance(region, Region) else region
    chain: list[str] = []
    while code:
        chain.append(code)
        code = Region.objects.filter(code=code).values_list("parent_id", flat=True).first()
    return chain


def policy_parameter(key: str, *, on: datetime.date, region: Region | str | None = None) -> ParameterValue:
    chain = _region_chain(region)
    candidates = list(
        PolicyParameter.objects.filter(key=key, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .filter(Q(region__isnull=True) | Q(region_id__in=chain))
        .select_related("document")
    )
    if not candidates:
        raise PolicyParameterMissing(
            _("No policy parameter “%(key)s” is in force on %(date)s.") % {"key": key, "date": on.isoformat()},
            extra={"key": key, "on": on.isoformat()},
        )
    rank = {code: i for i, code in enumerate(chain)}
    best = min(candidates, key=lambda p: (rank.get(p.region_id, len(chain)), -p.valid_from.toordinal()))
    return ParameterValue(
        key=key, value=_typed(best), unit=best.unit, valid_from=best.valid_from, valid_to=best.valid_to,
        region_code=best.region_id, document=str(best.document) if best.document else "",
        confidence=best.confidence,
    )


def policy_value(key: str, *, on: datetime.date, region: Region | str | None = None):
    """`policy_value("skill_upgrade.amount.junior", on=date, region="510800")` -> Decimal("1000")."""
    return policy_parameter(key, on=on, region=region).value


@dataclass(frozen=True)
class WorkingDayResult:
    date: datetime.date
    # Years counted Monday to Friday because their official schedule is not entered yet.
    unknown_years: tuple[int, ...] = ()


def working_days_add(start: datetime.date, days: int) -> WorkingDayResult:
    """The date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # Load the exceptions for a generous window once, not a query per day.
    horizon = start + datetime.timedelta(days=days * 3 + 60)
    exceptions = dict(CalendarDay.objects.filter(date__gt=start, date__lte=horizon).values_list("date", "is_workday"))
    known_years = set(CalendarYear.objects.filter(year__gte=start.year, year__lte=horizon.year)
                      .values_list("year", flat=True))
    unknown: set[int] = set()
    current = start
    remaining = days
    while remaining:
        current += datetime.timedelta(days=1)
        if current.year not in known_years:
            unknown.add(current.year)
        workday = exceptions.get(current, current.weekday() < 5)
        if workday:
            remaining -= 1
    if unknown:
        logger.warning("Working days counted Monday-Friday for years without an entered calendar: %s",
                       sorted(unknown))
    return WorkingDayResult(date=current, unknown_years=tuple(sorted(unknown)))


def is_working_day(day: datetime.date) -> bool:
    override = CalendarDay.objects.filter(date=day).values_list("is_workday", flat=True).first()
    return override if override is not None else day.weekday() < 5


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    exceptions = dict(CalendarDay.objects.filter(date__gt=start, date__lte=end).values_list("date", "is_workday"))
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if exceptions.get(current, current.weekday() < 5):
            count += 1
    return count
