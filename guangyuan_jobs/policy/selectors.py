"""Reading policy: the parameter in force on a date for a region, the parameter register, and working days."""

import contextvars
import copy
import datetime
import functools
import logging
from contextlib import ContextDecorator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, router
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from guangyuan_jobs.core.db import fetch_all_prepared
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear, PolicyDocument, PolicyParameter
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


# The reads of one unit of work (a request, a claim filed and submitted): the rows in force on a day for a region
# (with its chain of ancestors) are read from the database once, and each key's value chosen once. Only inside
# `policy_reads_cached()`; elsewhere every call reads afresh. Effective dating stays exact because the day is part
# of the key; a write to policy in the same unit of work empties it (policy_reads_forget).
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
    code = _region_code(region)
    reads = _reads.get()
    if reads is None:
        return _parameter_choose(key, _rows_in_force(on, code, key=key).get(key, []), on=on, region=region)
    slot = ("value", key, on, code)
    if slot not in reads:
        day = ("day", on, code)
        if day not in reads:
            reads[day] = _rows_in_force(on, code)
        reads[slot] = _parameter_choose(key, reads[day].get(key, []), on=on, region=region)
    found = reads[slot]
    # A JSON value is a fresh copy each time, so one caller's change cannot leak into another's decision.
    return copy.deepcopy(found) if isinstance(found.value, dict | list) else found


_VALUE_FIELD = PolicyParameter._meta.get_field("value")  # its from_db_value decodes the JSON text
# Deep enough for village -> town -> county -> city -> province, and a stop should parent links ever loop.
_CHAIN_DEPTH_MAX = 8


@functools.cache
def _rows_in_force_sql(alias: str, *, one_key: bool) -> str:
    """The rows in force on a day, national or for the region or one of its ancestors, each with its distance
    from the region (NULL: national). The ancestors follow the parent links (the truth, not the codes' shape) in
    the same statement, prepared once per session (core.db). Written once from the models' names: composed by
    the ORM, this read and the region chain's cost a claim about 2 ms of Python, four times what the database
    spent on them."""
    q = connections[alias].ops.quote_name
    param, document, region = PolicyParameter._meta, PolicyDocument._meta, Region._meta

    def col(meta, name):
        return q(meta.get_field(name).column)

    regions = q(region.db_table)
    return (
        f"WITH RECURSIVE chain (code, parent, depth) AS ("  # noqa: S608 - every name from _meta
        f"SELECT {col(region, 'code')}, {col(region, 'parent')}, 0 FROM {regions} WHERE {col(region, 'code')} = %s "
        f"UNION ALL SELECT r.{col(region, 'code')}, r.{col(region, 'parent')}, chain.depth + 1 FROM {regions} r "
        f"JOIN chain ON r.{col(region, 'code')} = chain.parent WHERE chain.depth < {_CHAIN_DEPTH_MAX}) "
        f"SELECT p.{col(param, 'key')}, p.{col(param, 'value')}, p.{col(param, 'value_type')}, "
        f"p.{col(param, 'unit')}, p.{col(param, 'region')}, p.{col(param, 'valid_from')}, "
        f"p.{col(param, 'valid_to')}, p.{col(param, 'confidence')}, d.{col(document, 'doc_no')}, "
        f"d.{col(document, 'title')}, chain.depth "
        f"FROM {q(param.db_table)} p LEFT JOIN chain ON chain.code = p.{col(param, 'region')} "
        f"LEFT JOIN {q(document.db_table)} d ON d.{q(document.pk.column)} = p.{col(param, 'document')} "
        f"WHERE p.{col(param, 'valid_from')} <= %s "
        f"AND (p.{col(param, 'valid_to')} IS NULL OR p.{col(param, 'valid_to')} >= %s) "
        f"AND (p.{col(param, 'region')} IS NULL OR chain.code IS NOT NULL)"
        + (f" AND p.{col(param, 'key')} = %s" if one_key else "")
    )


def _rows_in_force(on: datetime.date, code: str | None, *, key: str | None = None) -> dict[str, list[tuple]]:
    """Rows in force on `on` for the region `code` (national ones only when it is None or unknown), by key:
    [value as JSON text, value_type, unit, region code, valid_from, valid_to, confidence, doc_no, title,
    distance]. Only the winning row's value is decoded (_parameter_choose): a day has a hundred rows."""
    alias = router.db_for_read(PolicyParameter)
    day = connections[alias].ops.adapt_datefield_value(on)
    fetched = fetch_all_prepared(connections[alias], _rows_in_force_sql(alias, one_key=key is not None),
                                 [code or "", day, day, *([key] if key is not None else [])])
    by_key: dict[str, list[tuple]] = {}
    for row_key, *row in fetched:
        by_key.setdefault(row_key, []).append(row)
    return by_key


def _date(value) -> datetime.date | None:
    """A DATE column as read by a plain cursor: a date, or (SQLite) its ISO text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _parameter_choose(key: str, rows: list[tuple], *, on: datetime.date, region) -> ParameterValue:
    if not rows:
        code = _region_code(region)
        raise PolicyParameterMissing(
            _("No policy parameter “%(key)s” is in force on %(date)s for %(region)s. "
              "An administrator must enter it before this can be decided.")
            % {"key": key, "date": on.isoformat(), "region": _region_label(region)},
            extra={"key": key, "on": on.isoformat(),
                   "region": code if code and Region.objects.filter(code=code).exists() else None},
        )
    # The nearest region first (national last), then the latest start.
    value, value_type, unit, region_code, valid_from, valid_to, confidence, doc_no, title, _depth = min(
        rows, key=lambda r: (_CHAIN_DEPTH_MAX + 1 if r[9] is None else r[9], -_date(r[4]).toordinal()))
    return ParameterValue(
        key=key, value=parameter_value_typed(value_type, _VALUE_FIELD.from_db_value(value, None, None)), unit=unit,
        valid_from=_date(valid_from), valid_to=_date(valid_to), region_code=region_code,
        document=f"{doc_no or ''} {title or ''}".strip(), confidence=confidence,
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
