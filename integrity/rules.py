"""Pure rules of integrity: periods, old ID numbers, recovery plans. No database and no request."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from stdnum.cn import ric

CENT = Decimal("0.01")


def periods_overlap(start_a: datetime.date, end_a: datetime.date | None, start_b: datetime.date,
                    end_b: datetime.date | None) -> bool:
    """Whether two periods share a day; an end of None runs on without end. Both ends count."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


def resident_id_upgrade(old: str) -> str:
    """A 15-digit resident ID number (before 1999) as its 18-digit form (GB 11643-1999): the century "19"
    inserted before the birth year and the check character appended. Raises ValueError when not 15 digits."""
    number = (old or "").strip()
    if len(number) != 15 or not number.isdigit():
        raise ValueError("not a 15-digit resident ID number")
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the placeholder check character


def resident_id_short_form(number: str) -> str:
    """The 15-digit form an 18-digit number had or would have had: the century and check character dropped.
    Two different 18-digit numbers with the same short form are a 15/18-digit pair of one person."""
    return number[:6] + number[8:17]


@dataclass(frozen=True)
class Instalment:
    number: int
    due: datetime.date
    amount: Decimal


def months_add(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    return datetime.date(year, month_index + 1, min(day.day, calendar.monthrange(year, month_index + 1)[1]))


def recovery_schedule(*, amount: Decimal, instalments: int, first_due: datetime.date) -> list[Instalment]:
    """`amount` in `instalments` monthly parts from `first_due`; the last part takes the rounding remainder,
    so the parts add up to the amount exactly."""
    if instalments <= 0 or amount <= 0:
        return []
    part = (amount / instalments).quantize(CENT, rounding=ROUND_DOWN)
    amounts = [part] * (instalments - 1) + [amount - part * (instalments - 1)]
    return [Instalment(number=i + 1, due=months_add(first_due, i), amount=value) for i, value in enumerate(amounts)]


def instalments_due_unpaid(schedule: list[Instalment], *, recovered: Decimal, on: datetime.date) -> Decimal:
    """What is overdue on `on`: the parts due by then, less what was recovered (never below nil)."""
    due = sum((i.amount for i in schedule if i.due <= on), Decimal(0))
    return max(due - recovered, Decimal(0))
