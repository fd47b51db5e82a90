"""Seed the working days a firm has to confirm a 免申即享 stable-post refund before it is deemed waived.

No Sichuan or Guangyuan figure was found (DOMAIN.md §2.4 names the practice, not the period: Hubei publishes
the firms that did not complete their data and deems them to have waived after the notice period), so the
value is a local administrative choice, marked unverified, to be signed off. Seeded only when no row for the
key exists, so a value entered by an administrator wins.
"""

import datetime

from django.db import migrations

KEY = "wgfh.direct.confirmation_working_days"
REGION = "510800"
VALID_FROM = datetime.date(2019, 1, 1)


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    if PolicyParameter.objects.filter(key=KEY).exists():
        return
    PolicyParameter.objects.create(
        key=KEY, value=20, value_type="integer", unit="working_days", region_id=REGION, valid_from=VALID_FROM,
        confidence="unverified",
        note="免申即享（直返）稳岗返还：单位收到通知后确认金额和银行账户的期限（工作日），逾期视为放弃。"
             "四川、广元的期限未查到（湖北做法：多次短信提醒后公示，公示期满视为放弃），为本地选择，须人工确认。",
    )


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyParameter.objects.filter(key=KEY, region_id=REGION, valid_from=VALID_FROM, created_by=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0004_roster_runs_and_objection_ip"),
        ("policy", "0004_seed_calendar"),
        ("registry", "0002_seed_regions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
