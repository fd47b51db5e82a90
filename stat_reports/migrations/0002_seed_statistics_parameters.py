"""Seed the statistical forms' parameters.

- stats.month_start_day = 21: the 人社 monthly statistics cover the 21st of the month before to the 20th of the
  month (the reporting convention the issue states; practice in the 人力资源社会保障统计报表制度, to confirm
  against the current year's 报表制度).
- stats.money_unit = 10000 and stats.money_decimals = 2: money in the forms is in 万元 with two decimals.
Seeded only when no row for the key exists, so a value entered by an administrator wins.
"""

import datetime

from django.db import migrations

VALID_FROM = datetime.date(2019, 1, 1)
PARAMETERS = (
    ("stats.month_start_day", 21, "day_of_month", "统计月度：上月21日至本月20日（人社统计报表制度惯例，待按当年报表制度核对）。"),
    ("stats.money_unit", 10000, "yuan", "统计报表金额单位：万元。"),
    ("stats.money_decimals", 2, "decimals", "统计报表金额保留两位小数。"),
)


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for key, value, unit, note in PARAMETERS:
        if not PolicyParameter.objects.filter(key=key).exists():
            PolicyParameter.objects.create(key=key, value=value, value_type="integer", unit=unit, region_id=None,
                                           valid_from=VALID_FROM, confidence="unverified", note=note)


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyParameter.objects.filter(key__in=[p[0] for p in PARAMETERS], valid_from=VALID_FROM,
                                   created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stat_reports", "0001_statform_filing"),
        ("policy", "0004_seed_calendar"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
