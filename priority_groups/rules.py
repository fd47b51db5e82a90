"""Pure rules of the priority-groups work: no database, no request. Numbers come in as arguments, read by the
callers from policy parameters in force on the date concerned."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from guangyuan_jobs.core.identifiers import age_on


@dataclass(frozen=True)
class LabourAge:
    """The working age (法定劳动年龄) in force: from `minimum` up to the retirement age by sex."""

    minimum: int
    male_maximum: int
    female_maximum: int


def is_working_age(*, birth_date: datetime.date, sex: str, on: datetime.date, labour_age: LabourAge) -> bool:
    age = age_on(birth_date, on)
    maximum = labour_age.male_maximum if sex == "M" else labour_age.female_maximum
    return labour_age.minimum <= age < maximum


def is_zero_employment(members: list[tuple[bool, bool]]) -> bool:
    """A zero-employment household (零就业家庭): at least one member of working age, and none of the members of
    working age employed. `members` holds (of working age, employed) per member."""
    working_age = [employed for of_age, employed in members if of_age]
    return bool(working_age) and not any(working_age)


def next_contact_due(last_contact: datetime.date, every_days: int) -> datetime.date:
    return last_contact + datetime.timedelta(days=every_days)


def rate_percent(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, as the report writes it (98.6 %); None when there is no one to count."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def certificate_number(*, county_code: str, urban: bool, year: int, sequence: int) -> str:
    """就业创业证 number (DOMAIN.md §9.2): county code + 01 urban / 02 rural + 2-digit year + 8-digit sequence."""
    if len(county_code) != 6 or not county_code.isdigit():
        raise ValueError("county code must be 6 digits")
    if not 1 <= sequence <= 99_999_999:
        raise ValueError("sequence out of range")
    return f"{county_code}{'01' if urban else '02'}{year % 100:02d}{sequence:08d}"
