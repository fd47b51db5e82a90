"""Pure rules of the statistical forms: the statistical month and year, money in the forms' unit."""

import datetime
from decimal import ROUND_HALF_UP, Decimal


def statistical_month(year: int, month: int, *, start_day: int) -> tuple[datetime.date, datetime.date]:
    """The days a month's form covers: from `start_day` of the month before to the day before `start_day` of this
    one (人社统计: the 21st to the 20th), both inclusive."""
    if not 1 <= month <= 12:
        raise ValueError("month must be 1..12")
    first_of_month = datetime.date(year, month, 1)
    previous = first_of_month - datetime.timedelta(days=1)
    return previous.replace(day=start_day), first_of_month.replace(day=start_day) - datetime.timedelta(days=1)


def statistical_year_start(year: int, *, start_day: int) -> datetime.date:
    """The first day of the statistical year `year`: its January form's first day (21 December before)."""
    return statistical_month(year, 1, start_day=start_day)[0]


def in_money_unit(yuan: Decimal, *, unit: int, decimals: int) -> Decimal:
    """Yuan in the form's unit (万元: unit 10000), rounded half up to the form's decimals."""
    return (Decimal(yuan) / Decimal(unit)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
