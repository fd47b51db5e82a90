"""Seed the working-day calendar from chinese_calendar for every year the library knows (1.11.0: 2004–2026).

Only exceptions to the Monday-to-Friday week are stored: weekday holidays (is_workday=False, with the
holiday's name) and weekend make-up working days (is_workday=True). Later years are entered by an
administrator on the policy:calendar page when the State Council publishes them.
"""

import datetime

from django.db import migrations

SOURCE = "chinese_calendar {version}（国务院办公厅节假日安排）"

# The library names holidays in English; the calendar shows them in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _known_years(chinese_calendar):
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return range(min(years), max(years) + 1)


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarYear = apps.get_model("policy", "CalendarYear")
    CalendarDay = apps.get_model("policy", "CalendarDay")
    source = SOURCE.format(version=getattr(chinese_calendar, "__version__", ""))
    for year in _known_years(chinese_calendar):
        if CalendarYear.objects.filter(year=year).exists():
            continue
        days = []
        day = datetime.date(year, 1, 1)
        while day.year == year:
            workday = chinese_calendar.is_workday(day)
            if workday != (day.weekday() < 5):
                _on_holiday, name = chinese_calendar.get_holiday_detail(day)
                days.append(CalendarDay(date=day, is_workday=workday, name=HOLIDAY_NAMES.get(name, name or "")))
            day += datetime.timedelta(days=1)
        CalendarYear.objects.create(year=year, source=source)
        CalendarDay.objects.bulk_create(days, ignore_conflicts=True)


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("policy", "CalendarYear")
    CalendarDay = apps.get_model("policy", "CalendarDay")
    years = list(CalendarYear.objects.filter(source__startswith="chinese_calendar").values_list("year", flat=True))
    CalendarDay.objects.filter(date__year__in=years).delete()
    CalendarYear.objects.filter(year__in=years).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_seed_documents_and_parameters")]
    operations = [migrations.RunPython(seed, unseed)]
