"""Working days on the Chinese calendar: seeded from chinese_calendar, next years entered by an admin, and a
missing year counted Monday to Friday with a warning instead of failing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear
from guangyuan_jobs.policy.rules import CalendarEntry, calendar_lines_parse
from guangyuan_jobs.policy.selectors import (
    calendar_unknown_years,
    is_working_day,
    working_days_add,
    working_days_between,
)
from guangyuan_jobs.policy.services import calendar_year_enter

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_library_years_are_seeded():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(range(2004, 2027)) <= years
    assert 2027 not in years


def test_national_day_2025_holiday_and_make_up_days():
    # State Council 2025 schedule: 1-8 October off; Sunday 28 September and Saturday 11 October worked.
    assert [is_working_day(D(2025, 10, d)) for d in range(1, 9)] == [False] * 8
    assert is_working_day(D(2025, 9, 28)) is True
    assert is_working_day(D(2025, 10, 11)) is True
    assert is_working_day(D(2025, 10, 12)) is False
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"


def test_one_working_day_after_30_september_2025_is_9_october():
    result = working_days_add(D(2025, 9, 30), 1)
    assert result.date == D(2025, 10, 9)
    assert result.unknown_years == ()


def test_the_make_up_saturday_counts():
    assert working_days_add(D(2025, 10, 10), 1).date == D(2025, 10, 11)  # Friday -> make-up Saturday
    assert working_days_add(D(2025, 9, 26), 1).date == D(2025, 9, 28)  # Friday -> make-up Sunday
    assert working_days_add(D(2025, 9, 30), 3).date == D(2025, 10, 11)
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 13)) == 4  # 9, 10, 11 (Saturday), 13


def test_a_long_count_crosses_spring_festival():
    # 20 working days from 2026-02-06 pass the 2026 Spring Festival (15-23 February off, 14 and 28 worked).
    result = working_days_add(D(2026, 2, 6), 20)
    assert working_days_between(D(2026, 2, 6), result.date) == 20
    assert result.date == D(2026, 3, 12)


def test_a_year_not_entered_counts_monday_to_friday_and_says_so():
    result = working_days_add(D(2026, 12, 31), 1)
    assert result.date == D(2027, 1, 1)  # a Friday, and New Year's Day: unknown until entered
    assert result.unknown_years == (2027,)
    assert calendar_unknown_years(D(2026, 6, 1), D(2027, 6, 1)) == (2027,)


def test_entering_2027_through_the_service_changes_the_deadline(staff):
    admin = staff("admin")
    holidays = calendar_lines_parse("2027-01-01 元旦\n# comment\n2027-02-05~2027-02-11 春节", year=2027)
    workdays = calendar_lines_parse("2027-02-13 春节", year=2027)
    calendar_year_enter(year=2027, holidays=holidays, workdays=workdays, source="国务院办公厅通知（测试）",
                        actor=admin)

    result = working_days_add(D(2026, 12, 31), 1)
    assert result.date == D(2027, 1, 4)
    assert result.unknown_years == ()
    assert working_days_add(D(2027, 2, 12), 1).date == D(2027, 2, 13)  # the make-up Saturday
    assert CalendarDay.objects.filter(date__year=2027, is_workday=False).count() == 8
    event = AuditEvent.objects.get(event_type="policy.calendar_year_entered")
    assert event.actor_id == admin.pk
    assert event.details["holidays"][0] == "2027-01-01"
    assert event.details["workdays"] == ["2027-02-13"]


def test_a_known_year_is_replaced_only_when_asked(staff):
    admin = staff("admin")
    with pytest.raises(ConflictError):
        calendar_year_enter(year=2025, holidays=[], workdays=[], source="x", actor=admin)
    assert CalendarDay.objects.filter(date=D(2025, 10, 1)).exists()
    calendar_year_enter(year=2025, holidays=[CalendarEntry(D(2025, 10, 1), "国庆节")], workdays=[], source="更正",
                        actor=admin, replace=True)
    assert list(CalendarDay.objects.filter(date__year=2025).values_list("date", flat=True)) == [D(2025, 10, 1)]
    assert CalendarYear.objects.get(year=2025).source == "更正"


@pytest.mark.parametrize("holidays, workdays", [
    ([], [CalendarEntry(D(2027, 2, 10), "春节")]),  # a Wednesday cannot be a make-up working day
    ([CalendarEntry(D(2027, 2, 13), "春节")], [CalendarEntry(D(2027, 2, 13), "春节")]),  # both at once
    ([CalendarEntry(D(2028, 1, 3), "元旦")], []),  # not in the year entered
])
def test_an_inconsistent_schedule_is_refused(staff, holidays, workdays):
    with pytest.raises(ValidationError):
        calendar_year_enter(year=2027, holidays=holidays, workdays=workdays, source="x", actor=staff("admin"))
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_bad_lines_are_reported_with_their_numbers():
    with pytest.raises(ValidationError) as caught:
        calendar_lines_parse("2027-01-01 元旦\n2027-13-01 错\nhello\n2026-10-01 国庆节", year=2027)
    messages = caught.value.messages
    assert len(messages) == 3
    assert messages[0].startswith("第 2 行")


def test_calendar_status_command_lists_known_years(capsys):
    call_command("calendar_status")
    out = capsys.readouterr().out
    assert "2025" in out and "chinese_calendar" in out
    assert "2004" in out
