"""Reading policy: the parameter in force on a date for a region, the parameter register, and working days."""

import contextvars
import copy
import datetime
import logging
from contextlib import ContextDecorator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear, PolicyParameter
from guangyuan_jobs.policy.rules import parameter_value_typed
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
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _structural_ancestors(code: str) -> list[str]:
    """GB/T 2260 parents read off the code itself: village -> town -> county -> city -> province."""
    candidates = [code]
    if len(code) == 12:
        candidates.append(code[:9])
    if len(code) >= 9:
        candidates.append(code[:6])
    candidates += [code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(candidates))


# The reads of one unit of work (a request, a claim filed and submitted): each (key, day, region) is read from
# the database once and each region's chain once. Only inside `policy_reads_cached()`; elsewhere every call
# reads afresh. Effective dating stays exact because the day is part of the key; a write to policy in the same
# unit of work empties it (policy_reads_forget).
_reads: contextvars.ContextVar[dict | None] = contextvars.ContextVar("policy_reads", default=None)


class policy_reads_cached(ContextDecorator):  # noqa: N801 - used like transaction.atomic
    """`with policy_reads_cached():` (or as a decorator): within the block, policy parameters and region
    chains are read once per (key, day, region). Nested blocks share the outermost one's reads."""

    def _recreate_cm(self):
        return type(self)()  # a fresh one per decorated call: threads and recursion never share a token

    def __enter__(self):
        self._token = _reads.set({}) if _reads.get() is None else None
        return self

    def __exit__(self, *exc):
        if self._token is not None:
            _reads.reset(self._token)
        return False


def policy_reads_forget() -> None:
    """Drop what the current block read (called after a write to policy or regions)."""
    reads = _reads.get()
    if reads is not None:
        reads.clear()


def _region_code(region: Region | str | None) -> str | None:
    return (region.code if isinstance(region, Region) else region) or None


def _region_chain(region: Region | str | None) -> list[str]:
    """The region and its ancestors, nearest first: a county value overrides the city's, then Sichuan's.

    The parent links are the truth; the codes' structure only lets one query fetch them all at once.
    """
    code = _region_code(region)
    if not code:
        return []
    reads = _reads.get()
    if reads is None:
        return _region_chain_read(code)
    if ("chain", code) not in reads:
        reads["chain", code] = _region_chain_read(code)
    return list(reads["chain", code])


def _region_chain_read(code: str) -> list[str]:
    known = dict(Region.objects.filter(code__in=_structural_ancestors(code)).values_list("code", "parent_id"))
    chain: list[str] = []
    while code and code not in chain:
        if code not in known:
            parent = Region.objects.filter(code=code).values_list("parent_id", flat=True)
            if not parent:
                break
            known[code] = parent[0]
        chain.append(code)
        code = known[code]
    return chain


def _region_label(region: Region | str | None) -> str:
    code = region.code if isinstance(region, Region) else region
    if not code:
        return _("national")
    name = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return f"{name}（{code}）" if name else code


def policy_parameter(key: str, *, on: datetime.date, region: Region | str | None = None) -> ParameterValue:
    """The value of `key` in force on `on` for `region`: the nearest region's row wins (county, city,
    Sichuan, then the national row). Raises PolicyParameterMissing when nothing is in force.

    Inside `policy_reads_cached()` the rows in force on one day for one region are read once, by one query,
    and each key's value is worked out from them once."""
    reads = _reads.get()
    chain = _region_chain(region)
    if reads is None:
        return _parameter_choose(key, list(_rows_in_force(on, chain).filter(key=key)), on=on, region=region,
                                 chain=chain)
    slot = ("value", key, on, tuple(chain))
    if slot not in reads:
        day = ("day", on, tuple(chain))
        if day not in reads:
            by_key: dict[str, list[tuple]] = {}
            for row in _rows_in_force(on, chain):
                by_key.setdefault(row[0], []).append(row)
            reads[day] = by_key
        reads[slot] = _parameter_choose(key, reads[day].get(key, []), on=on, region=region, chain=chain)
    found = reads[slot]
    # A JSON value is a fresh copy each time, so one caller's change cannot leak into another's decision.
    return copy.deepcopy(found) if isinstance(found.value, dict | list) else found


_ROW_FIELDS = ("key", "value", "value_type", "unit", "region_id", "valid_from", "valid_to", "confidence",
               "document__doc_no", "document__title")


def _rows_in_force(on: datetime.date, chain: list[str]) -> QuerySet:
    """Rows (as tuples of _ROW_FIELDS) in force on `on`, national or for a region of `chain`."""
    return (PolicyParameter.objects.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .filter(Q(region__isnull=True) | Q(region_id__in=chain))
            .order_by().values_list(*_ROW_FIELDS))


def _parameter_choose(key: str, rows: list[tuple], *, on: datetime.date, region, chain: list[str]) -> ParameterValue:
    if not rows:
        raise PolicyParameterMissing(
            _("No policy parameter “%(key)s” is in force on %(date)s for %(region)s. "
              "An administrator must enter it before this can be decided.")
            % {"key": key, "date": on.isoformat(), "region": _region_label(region)},
            extra={"key": key, "on": on.isoformat(), "region": chain[0] if chain else None},
        )
    rank = {code: i for i, code in enumerate(chain)}
    _key, value, value_type, unit, region_code, valid_from, valid_to, confidence, doc_no, title = min(
        rows, key=lambda r: (rank.get(r[4], len(chain)), -r[5].toordinal()))
    return ParameterValue(
        key=key, value=parameter_value_typed(value_type, value), unit=unit, valid_from=valid_from,
        valid_to=valid_to, region_code=region_code, document=f"{doc_no or ''} {title or ''}".strip(),
        confidence=confidence,
    )


def policy_value(key: str, *, on: datetime.date, region: Region | str | None = None):
    """`policy_value("jnts.amount.junior", on=date, region="510800")` -> Decimal("1000")."""
    return policy_parameter(key, on=on, region=region).value


def parameter_search(*, key: str = "", region: str = "", on: datetime.date | None = None,
                     confidence: str = "") -> QuerySet[PolicyParameter]:
    """The parameter register for the list page. `region` is a region code or "national"."""
    qs = PolicyParameter.objects.select_related("region", "document")
    if key:
        qs = qs.filter(key__icontains=key)
    if region == "national":
        qs = qs.filter(region__isnull=True)
    elif region:
        qs = qs.filter(region_id=region)
    if on:
        qs = qs.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    if confidence:
        qs = qs.filter(confidence=confidence)
    return qs.order_by("key", F("region_id").asc(nulls_first=True), "-valid_from")


def parameter_history(key: str) -> QuerySet[PolicyParameter]:
    """Every period of one key, national first, then each region, oldest first."""
    return (PolicyParameter.objects.filter(key=key).select_related("region", "document", "created_by")
            .order_by(F("region_id").asc(nulls_first=True), "valid_from"))


@dataclass(frozen=True)
class WorkingDayResult:
    date: datetime.date
    # Years counted Monday to Friday because their official schedule is not entered yet.
    unknown_years: tuple[int, ...] = ()


class _Calendar:
    """The exception days and known years, loaded a window at a time as a count walks forward."""

    WINDOW_DAYS = 120

    def __init__(self, start: datetime.date):
        self.exceptions: dict[datetime.date, bool] = {}
        self.known_years: set[int] = set()
        self.loaded_to = start

    def is_workday(self, day: datetime.date) -> bool:
        if day > self.loaded_to:
            end = max(day, self.loaded_to + datetime.timedelta(days=self.WINDOW_DAYS))
            self.exceptions.update(CalendarDay.objects.filter(date__gt=self.loaded_to, date__lte=end)
                                   .values_list("date", "is_workday"))
            self.known_years.update(CalendarYear.objects.filter(year__gte=self.loaded_to.year, year__lte=end.year)
                                    .values_list("year", flat=True))
            self.loaded_to = end
        return self.exceptions.get(day, day.weekday() < 5)


def working_days_add(start: datetime.date, days: int) -> WorkingDayResult:
    """The date `days` working days after `start` (start itself not counted).

    Years whose official schedule is not entered count Monday to Friday and are named in `unknown_years`,
    so a deadline never fails for want of a calendar but the page can warn that it may move.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = _Calendar(start)
    current = start
    remaining = days
    counted_years: set[int] = set()
    while remaining:
        current += datetime.timedelta(days=1)
        if calendar.is_workday(current):
            remaining -= 1
        counted_years.add(current.year)
    unknown = tuple(sorted(counted_years - calendar.known_years))
    if unknown:
        logger.warning("Working days counted Monday-Friday for years without an entered calendar: %s",
                       list(unknown))
    return WorkingDayResult(date=current, unknown_years=unknown)


def is_working_day(day: datetime.date) -> bool:
    override = CalendarDay.objects.filter(date=day).values_list("is_workday", flat=True).first()
    return override if override is not None else day.weekday() < 5


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    calendar = _Calendar(start)
    count = 0
    current = start
    while current < end:
        current += datetime.timedelta(days=1)
        if calendar.is_workday(current):
            count += 1
    return count


def calendar_unknown_years(start: datetime.date, end: datetime.date) -> tuple[int, ...]:
    """Years between the two dates (inclusive) whose holidays are not entered: shown as a warning."""
    years = set(range(min(start, end).year, max(start, end).year + 1))
    known = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return tuple(sorted(years - known))


@dataclass(frozen=True)
class CalendarYearSummary:
    year: int
    source: str
    entered_at: datetime.datetime
    holidays: int
    workdays: int


def calendar_year_summaries() -> list[CalendarYearSummary]:
    """Each entered year with its number of weekday holidays and make-up working days."""
    counts: dict[int, dict[bool, int]] = {}
    for row in (CalendarDay.objects.values("date__year", "is_workday").annotate(n=Count("date"))
                .order_by()):
        counts.setdefault(row["date__year"], {})[row["is_workday"]] = row["n"]
    return [
        CalendarYearSummary(year=y.year, source=y.source, entered_at=y.entered_at,
                            holidays=counts.get(y.year, {}).get(False, 0),
                            workdays=counts.get(y.year, {}).get(True, 0))
        for y in CalendarYear.objects.order_by("year")
    ]


def calendar_days_of_year(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year=year).order_by("date")
