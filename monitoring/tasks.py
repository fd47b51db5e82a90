"""Celery tasks of monitoring: thin, idempotent, calling services. Beat runs the reminders once a day and
keeps the dashboard's summary rows current (monitoring/summaries.py says which views, how often)."""

import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="monitoring.tasks.return_reminders_send_due")
def return_reminders_send_due() -> int:
    """Remind the firms whose return for the current or the previous month is late; once per firm and month
    (the reminder row is unique), so running it again sends nothing twice."""
    from monitoring.rules import add_months, month_start
    from monitoring.services import return_reminders_send

    this_month = month_start(timezone.localdate())
    return sum(return_reminders_send(period=period, actor=None) for period in (add_months(this_month, -1),
                                                                               this_month))


@shared_task(name="monitoring.tasks.indicator_summaries_refresh_current")
def indicator_summaries_refresh_current() -> int:
    from monitoring.summaries import summaries_refresh_current

    return summaries_refresh_current()


@shared_task(name="monitoring.tasks.indicator_summaries_refresh_all")
def indicator_summaries_refresh_all() -> int:
    """Nightly: every view of this year and the last."""
    from monitoring.summaries import summaries_refresh_all

    year = timezone.localdate().year
    return summaries_refresh_all(years=(year - 1, year))


@shared_task(name="monitoring.tasks.indicator_summaries_refresh_for")
def indicator_summaries_refresh_for(period: str, region_code: str) -> int:
    from monitoring.summaries import summaries_refresh_for

    return summaries_refresh_for(period=datetime.date.fromisoformat(period), region_code=region_code)
