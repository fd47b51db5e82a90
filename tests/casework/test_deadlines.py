"""Time limits in working days on the Chinese calendar, the overdue flag, and the warning for a year whose
official schedule is not entered yet."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.selectors import case_list_for
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear
from tests.casework.conftest import case_at, move

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")

# 2026 (State Council schedule): Mid-autumn 25-27 Sep, National Day 1-7 Oct, make-up working days Sunday 20 Sep
# and Saturday 10 Oct.
NATIONAL_DAY_2026 = {datetime.date(2026, 9, 25): False, datetime.date(2026, 10, 1): False,
                     datetime.date(2026, 10, 2): False, datetime.date(2026, 10, 5): False,
                     datetime.date(2026, 10, 6): False, datetime.date(2026, 10, 7): False,
                     datetime.date(2026, 9, 20): True, datetime.date(2026, 10, 10): True}


@pytest.fixture
def calendar_2026(db):
    """The policy seed enters 2026 from chinese-calendar; make sure of the days this test relies on."""
    CalendarYear.objects.get_or_create(year=2026, defaults={"source": "test"})
    for day, workday in NATIONAL_DAY_2026.items():
        CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": workday, "name": "国庆节"})


def on(monkeypatch, day: datetime.date):
    moment = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_due_date_skips_national_day_and_counts_the_make_up_saturday(crew, calendar_2026, monkeypatch):
    case = case_at("submitted", crew)
    on(monkeypatch, datetime.date(2026, 9, 30))
    case = move(case, "accept", crew.intake)  # the TEST kind allows 5 working days
    # Oct 8 (1), Oct 9 (2), Sat Oct 10 make-up (3), Oct 12 (4), Oct 13 (5).
    assert case.due_date == datetime.date(2026, 10, 13)
    assert case.due_date_unknown_years == []


def test_year_without_an_entered_schedule_counts_weekdays_and_warns(crew, client, monkeypatch):
    CalendarYear.objects.filter(year=2027).delete()
    CalendarDay.objects.filter(date__year=2027).delete()
    case = case_at("submitted", crew)
    on(monkeypatch, datetime.date(2026, 12, 28))
    case = move(case, "accept", crew.intake)
    # Dec 29, 30, 31, then Jan 1 and 4 2027 counted as plain weekdays (2027's holidays are not entered).
    assert case.due_date == datetime.date(2027, 1, 4)
    assert case.due_date_unknown_years == [2027]
    client.force_login(crew.intake)
    page = client.get(f"/cases/{case.ref}/").content.decode()
    assert 'data-testid="calendar-warning"' in page and "2027" in page


def test_overdue_means_past_due_and_not_decided(crew, monkeypatch):
    late = case_at("accepted", crew)
    decided = case_at("approved", crew, applicant=None)
    past = timezone.localdate() - datetime.timedelta(days=3)
    Case.objects.filter(pk__in=[late.pk, decided.pk]).update(due_date=past)
    overdue = case_list_for(user=crew.reviewer, filters={"overdue": "1"})
    assert list(overdue.values_list("ref", flat=True)) == [late.ref]
    assert Case.objects.get(pk=decided.pk).status == CaseStatus.APPROVED
