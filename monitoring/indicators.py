"""The managers' dashboard's indicators: each app computes its own figures from its own records and registers
them here, in `<app>/indicators.py` holding `INDICATORS` (a sequence of `Indicator`), found at start-up.

An indicator is a pure read: given an `IndicatorQuery` (a date range and an area) it returns one number.
The dashboard asks for the same query one year earlier to show the previous year beside it, links every
figure to `drilldown(query)` (the list of the records behind it, filtered the same way) and may cache the
result; so `compute` must depend on nothing but the query and the database.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from django.db.models import Q

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.core.discovery import app_modules


def area_q(region: str | None, region_field: str = "region") -> Q:
    """An area as a filter on a foreign key to registry.Region: None the whole city, "510800" the city level
    (市本级) only, a district or county code that area and everything below it (codes share its prefix)."""
    if region is None:
        return Q()
    if region == CITY_CODE:
        return Q(**{f"{region_field}_id": CITY_CODE})
    return Q(**{f"{region_field}__pk__startswith": region[:6]})


@dataclass(frozen=True)
class IndicatorQuery:
    start: datetime.date  # inclusive
    end: datetime.date  # inclusive
    # None: the whole city; "510800": the city level (市本级) only; a district or county code: that area and
    # everything below it (codes share its 6-digit prefix).
    region: str | None = None

    def region_q(self, region_field: str = "region") -> Q:
        """The area as a filter on a foreign key to registry.Region (or its code column)."""
        return area_q(self.region, region_field)

    def date_q(self, date_field: str) -> Q:
        """The date range as a filter on a date field (for a datetime field pass e.g. "paid_at__date")."""
        return Q(**{f"{date_field}__range": (self.start, self.end)})

    def previous_year(self) -> "IndicatorQuery":
        def back(day: datetime.date) -> datetime.date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        return replace(self, start=back(self.start), end=back(self.end))


@dataclass(frozen=True)
class Indicator:
    code: str  # "<app>.<name>", stable: URLs and caches use it
    label: str  # lazy translated, as the report words it
    section: str  # the report's section it belongs to: subsidies, training, entrepreneurship, ...
    unit: str  # "people", "firms", "yuan", "cases", "posts", "percent", "person_times", ...
    compute: Callable[[IndicatorQuery], int | Decimal]
    drilldown: Callable[[IndicatorQuery], str] | None = None  # URL of the records behind the figure
    order: int = 100  # position within its section
    # The figure the Center's 2020 work report gives for the whole city (DOMAIN.md §1), shown beside the 2020
    # figures as a check; None where the report gives none.
    report_2020: int | Decimal | None = None


@cache
def all_indicators() -> tuple[Indicator, ...]:
    # Monitoring's own figures live beside this registry, not in it.
    found = [indicator for module in app_modules("indicators", overrides={"monitoring": "monitoring.figures"})
             for indicator in module.INDICATORS]
    codes = [indicator.code for indicator in found]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise LookupError(f"indicator codes registered twice: {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda indicator: (indicator.section, indicator.order, indicator.code)))


def indicator_by_code(code: str) -> Indicator | None:
    return next((indicator for indicator in all_indicators() if indicator.code == code), None)
