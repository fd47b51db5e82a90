"""Pure rules of the policy app: typed parameter values, how a new period supersedes the old one, and the
text format in which an administrator enters a year's holidays. No database, no request."""

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The value types of PolicyParameter.ValueType, repeated as plain strings so this module needs no models.
DECIMAL, INTEGER, TEXT, BOOLEAN, DATE, JSON = "decimal", "integer", "text", "boolean", "date", "json"
_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否"}


def parameter_value_clean(value_type: str, raw) -> object:
    """The JSON value stored for `raw` (decimals as strings, so no float ever holds money or a ratio).

    Raises ValidationError with a message for the user when `raw` is not a value of that type.
    """
    invalid = ValidationError(
        _("“%(value)s” is not a valid value of type %(type)s.") % {"value": raw, "type": value_type},
        code="invalid_value",
    )
    text = raw.strip() if isinstance(raw, str) else raw
    if value_type == DECIMAL:
        if isinstance(text, float | bool):
            raise invalid
        try:
            number = Decimal(str(text))
        except (InvalidOperation, ValueError):
            raise invalid from None
        if not number.is_finite():
            raise invalid
        return str(number)
    if value_type == INTEGER:
        if isinstance(text, bool):
            raise invalid
        if isinstance(text, int):
            return text
        if isinstance(text, str) and re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        raise invalid
    if value_type == BOOLEAN:
        if isinstance(text, bool):
            return text
        if isinstance(text, str) and text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise invalid
    if value_type == DATE:
        if isinstance(text, datetime.date) and not isinstance(text, datetime.datetime):
            return text.isoformat()
        try:
            return datetime.date.fromisoformat(str(text)).isoformat()
        except ValueError:
            raise invalid from None
    if value_type == TEXT:
        if not isinstance(text, str) or not text:
            raise invalid
        return text
    if value_type == JSON:
        if isinstance(text, str):
            try:
                return json.loads(text)
            except ValueError:
                raise invalid from None
        return text
    raise ValidationError(_("Unknown value type %(type)s.") % {"type": value_type}, code="invalid_type")


def parameter_value_typed(value_type: str, stored) -> object:
    """The Python value of a stored parameter: Decimal, int, bool, date, str or the JSON structure."""
    if value_type == DECIMAL:
        return Decimal(str(stored))
    if value_type == INTEGER:
        return int(stored)
    if value_type == BOOLEAN:
        return bool(stored)
    if value_type == DATE:
        return datetime.date.fromisoformat(stored)
    return stored


@dataclass(frozen=True)
class Period:
    """One effective-dated row (a parameter value, an enterprise size class): both ends inclusive."""

    id: int
    valid_from: datetime.date
    valid_to: datetime.date | None


def period_to_close(periods: Iterable[Period], new_from: datetime.date) -> Period | None:
    """The period that a new open-ended period starting on `new_from` supersedes, or None.

    A new period may only follow the existing ones: if one starts on or after `new_from` the two would
    overlap (or the history would be rewritten), so it is refused.
    """
    covering = None
    for period in periods:
        if period.valid_from >= new_from:
            raise ValidationError(
                _("A period starting on %(start)s already exists; a new period must start after it "
                  "(periods may not overlap).") % {"start": period.valid_from.isoformat()},
                code="overlap",
            )
        if period.valid_to is None or period.valid_to >= new_from:
            covering = period
    return covering


@dataclass(frozen=True)
class CalendarEntry:
    date: datetime.date
    name: str


_LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:~|～|\.\.|至)\s*(\d{4}-\d{1,2}-\d{1,2}))?(?:\s+(.*))?$")
NAME_MAX_LENGTH = 64


def _parse_date(text: str) -> datetime.date:
    year, month, day = (int(part) for part in text.split("-"))
    return datetime.date(year, month, day)


def calendar_lines_parse(text: str, *, year: int) -> list[CalendarEntry]:
    """Lines such as `2027-01-01 元旦` or `2027-10-01~2027-10-07 国庆节` -> one entry per date.

    Empty lines and lines starting with `#` are skipped. Every bad line is reported with its number.
    """
    entries: list[CalendarEntry] = []
    errors: list[str] = []
    seen: set[datetime.date] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(_("Line %(n)d: write a date as YYYY-MM-DD, optionally a range with ~, then the name.")
                          % {"n": number})
            continue
        try:
            first = _parse_date(match.group(1))
            last = _parse_date(match.group(2)) if match.group(2) else first
        except ValueError:
            errors.append(_("Line %(n)d: %(text)s is not a real date.") % {"n": number, "text": line})
            continue
        name = (match.group(3) or "").strip()[:NAME_MAX_LENGTH]
        if last < first or (last - first).days > 31:
            errors.append(_("Line %(n)d: a range must run forwards and span at most a month.") % {"n": number})
            continue
        if first.year != year or last.year != year:
            errors.append(_("Line %(n)d: the date is not in %(year)d.") % {"n": number, "year": year})
            continue
        day = first
        while day <= last:
            if day in seen:
                errors.append(_("Line %(n)d: %(date)s is listed twice.") % {"n": number, "date": day.isoformat()})
            seen.add(day)
            entries.append(CalendarEntry(date=day, name=name))
            day += datetime.timedelta(days=1)
    if errors:
        raise ValidationError(errors, code="calendar_lines")
    return entries


def calendar_year_check(holidays: list[CalendarEntry], workdays: list[CalendarEntry]) -> None:
    """A date is either a holiday or a make-up working day, and make-up days fall on weekends."""
    errors = []
    holiday_dates = {entry.date for entry in holidays}
    for entry in workdays:
        if entry.date in holiday_dates:
            errors.append(_("%(date)s is listed both as a holiday and as a make-up working day.")
                          % {"date": entry.date.isoformat()})
        if entry.date.weekday() < 5:
            errors.append(_("%(date)s is a weekday; a make-up working day is a Saturday or a Sunday.")
                          % {"date": entry.date.isoformat()})
    if len(holiday_dates) != len(holidays) or len({e.date for e in workdays}) != len(workdays):
        errors.append(_("A date is listed twice."))
    if errors:
        raise ValidationError(errors, code="calendar_conflict")
