"""`manage.py calendar_status`: which years' holidays are known, and a warning for the ones still missing."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from guangyuan_jobs.policy.selectors import calendar_unknown_years, calendar_year_summaries


class Command(BaseCommand):
    help = "List the years whose holidays and make-up working days are entered; warn about missing ones."

    def handle(self, *args, **options):
        summaries = calendar_year_summaries()
        if not summaries:
            self.stdout.write(self.style.WARNING("No calendar year is entered: every year counts Monday to Friday."))
        for s in summaries:
            self.stdout.write(f"{s.year}  days off: {s.holidays:3d}  make-up working days: {s.workdays:2d}  "
                              f"source: {s.source}")
        today = timezone.localdate()
        missing = calendar_unknown_years(today, datetime.date(today.year + 1, 1, 1))
        if missing:
            self.stdout.write(self.style.WARNING(
                "Not entered: " + ", ".join(map(str, missing)) + ". Deadlines in these years count Monday to "
                "Friday until the State Council's schedule is entered on /policy/calendar/."))
        else:
            self.stdout.write(self.style.SUCCESS(f"This year and next ({today.year}, {today.year + 1}) are entered."))
