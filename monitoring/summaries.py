"""The dashboard's summary rows: each indicator's figure for each view (a year or a month, an area), kept in
`IndicatorSummary` so a request reads a few dozen rows instead of aggregating a million cases.

Kept current by Celery beat (monitoring.tasks): every few minutes the views of the current month and year (and
the same views a year earlier, shown beside them) for every area; every night all the views of this year and
the last, so a record entered late for a past month shows the next morning. Filing a return or moving a
warning refreshes the monitoring figures of its views at once. A view nobody computed yet (an older year) is
computed on first request and stored.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.registry.models import Region
from monitoring import rules
from monitoring.indicators import Indicator, IndicatorQuery, all_indicators
from monitoring.models import IndicatorSummary


@dataclass(frozen=True)
class View:
    """What the dashboard shows: a year, or one month of it, for one area ("" = the whole city)."""

    year: int
    month: int | None
    area: str

    def query(self, *, today: datetime.date | None = None) -> IndicatorQuery:
        start, end = view_dates(self.year, self.month, today=today)
        return IndicatorQuery(start=start, end=end, region=self.area or None)

    def previous_year(self) -> "View":
        return View(self.year - 1, self.month, self.area)


def view_dates(year: int, month: int | None, *, today: datetime.date | None = None) -> tuple[datetime.date,
                                                                                                 datetime.date]:
    """A month, or a year up to the current month's end (so this year compares with the same months of last
    year, not with the whole of it)."""
    today = today or timezone.localdate()
    if month:
        start = datetime.date(year, month, 1)
        return start, rules.month_end(start)
    end = datetime.date(year, 12, 31)
    if year == today.year:
        end = rules.month_end(today)
    return datetime.date(year, 1, 1), end


def all_areas() -> list[str]:
    return ["", CITY_CODE, *Region.objects.filter(parent_id=CITY_CODE).order_by("code").values_list("code", flat=True)]


def _compute(indicator: Indicator, query: IndicatorQuery) -> Decimal:
    return Decimal(indicator.compute(query) or 0)


def summaries_store(*, queries: Iterable[IndicatorQuery], indicators: Iterable[Indicator] | None = None) -> int:
    """Compute and store the figures of the given views (upsert, so a rerun or a concurrent run is harmless)."""
    indicators = list(indicators if indicators is not None else all_indicators())
    now = timezone.now()
    rows = [IndicatorSummary(code=indicator.code, start=query.start, end=query.end, area=query.region or "",
                             value=_compute(indicator, query), computed_at=now)
            for query in queries for indicator in indicators]
    with transaction.atomic():
        IndicatorSummary.objects.bulk_create(rows, update_conflicts=True,
                                             unique_fields=["code", "start", "end", "area"],
                                             update_fields=["value", "computed_at"], batch_size=500)
    return len(rows)


def views_of_year(year: int, *, areas: list[str] | None = None, months: Iterable[int] | None = None,
                  today: datetime.date | None = None) -> list[IndicatorQuery]:
    areas = all_areas() if areas is None else areas
    periods = [None, *(range(1, 13) if months is None else months)]
    return [View(year, month, area).query(today=today) for area in areas for month in periods]


def summaries_refresh_current(*, today: datetime.date | None = None) -> int:
    """The views a manager opens most: this year so far and this month, every area. The same views a year
    earlier change only when a record is entered late: the nightly run refreshes them; here they are computed
    only when missing."""
    today = today or timezone.localdate()
    queries = views_of_year(today.year, months=[today.month], today=today)
    previous = [query.previous_year() for query in queries]
    stored = set(IndicatorSummary.objects.filter(start__in={q.start for q in previous},
                                                 end__in={q.end for q in previous})
                 .values_list("start", "end", "area").distinct())
    missing = [q for q in previous if (q.start, q.end, q.region or "") not in stored]
    return summaries_store(queries=queries + missing)


def summaries_refresh_all(*, years: Iterable[int], today: datetime.date | None = None) -> int:
    """Every month and the year of each of `years`, and the current views a year earlier (this year so far
    compares with the same months of last year)."""
    today = today or timezone.localdate()
    total = 0
    for year in years:
        queries = views_of_year(year, today=today)
        if year == today.year:
            queries += [View(year, None, area).query(today=today).previous_year() for area in all_areas()]
        total += summaries_store(queries=list(dict.fromkeys(queries)))
    return total


def summaries_refresh_for(*, period: datetime.date, region_code: str, sections: tuple[str, ...] = ("monitoring",),
                          today: datetime.date | None = None) -> int:
    """After a write in one district: the year and month views holding `period`, for that district and the
    whole city, of the indicators of the given sections."""
    today = today or timezone.localdate()
    areas = ["", CITY_CODE if region_code == CITY_CODE else region_code[:6]]
    queries = [View(period.year, month, area).query(today=today) for area in areas for month in (None, period.month)]
    indicators = [indicator for indicator in all_indicators() if indicator.section in sections]
    return summaries_store(queries=queries, indicators=indicators)


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    value: Decimal
    previous: Decimal
    computed_at: datetime.datetime | None

    @property
    def change(self) -> Decimal | None:
        """Change against the previous year in per cent; None when last year was zero."""
        if not self.previous:
            return None
        return ((self.value - self.previous) * 100 / self.previous).quantize(Decimal("0.1"))


def figures_for(view: View, *, today: datetime.date | None = None) -> list[Figure]:
    """Every indicator's figure for the view and a year earlier, from the summary rows; a missing row is
    computed now and stored."""
    indicators = all_indicators()
    query = view.query(today=today)
    previous = query.previous_year()
    values = _read([query, previous])
    missing = [q for q in (query, previous)
               if any((indicator.code, q.start, q.end) not in values for indicator in indicators)]
    if missing:
        summaries_store(queries=missing)
        values = _read([query, previous])
    return [Figure(indicator=indicator,
                   value=values[(indicator.code, query.start, query.end)][0],
                   previous=values[(indicator.code, previous.start, previous.end)][0],
                   computed_at=values[(indicator.code, query.start, query.end)][1])
            for indicator in indicators]


def _read(queries: list[IndicatorQuery]) -> dict:
    area = queries[0].region or ""
    rows = IndicatorSummary.objects.filter(area=area, start__in={q.start for q in queries},
                                           end__in={q.end for q in queries})
    return {(code, start, end): (value, computed_at)
            for code, start, end, value, computed_at in rows.values_list("code", "start", "end", "value",
                                                                          "computed_at")}
