"""Seed the monitoring policy parameters and the default warning rules (DOMAIN.md §8).

Policy parameters (region 510800 Guangyuan; Guangyuan's own figures were not found, DOMAIN.md §12.8, so each is
marked unverified, to be signed off):
- monitoring.return.due_day (integer, day of month, 24): a month's return is due on this day of the month;
  firms report on the 20th–24th ([L:西安] ⚠️), the agency aggregates on the 25th ([L:邵阳] ⚠️).
- monitoring.plausibility.max_change_ratio (decimal, ratio, 0.50): a return whose headcount moved by more
  than this share of last month's is flagged for checking. Local administrative choice.
- monitoring.plausibility.balance_tolerance (integer, people, 2): a return is flagged when its headcount
  differs from last month's plus hires minus reductions by more than this. Local administrative choice.

Warning rules (data, changed by the administrator):
- statutory-mass-layoff: a firm reducing 20 people, or fewer but 10 % of its staff, in a month (劳动合同法
  art. 41; the numbers are read from monitoring.mass_layoff.* in force, not stored in the rule); orange.
- single-firm-200: one firm reducing 200 or more at once (山东 2016 regional model); red.
- county-five-firms: five or more firms of one county each reducing more than 50 people or more than 30 % of
  their staff in a month (山东 2016 "规模性失业" model); red.
- baseline-drop-10: a firm's headcount 10 % or more below its baseline (adjustable, DOMAIN.md §8.3); yellow.

Seeded only when absent, so values an administrator entered win; the reverse removes what was seeded.
"""

import datetime
from decimal import Decimal

from django.db import migrations

REGION = "510800"
PARAMETERS = [
    ("monitoring.return.due_day", "integer", 24, "", datetime.date(2012, 1, 1),
     "失业动态监测月报：每月 20—24 日填报（西安做法），25 日汇总（邵阳做法）；广元本地期限未查到，须人工确认。"),
    ("monitoring.plausibility.max_change_ratio", "decimal", "0.50", "ratio", datetime.date(2012, 1, 1),
     "月报期末人数较上月变动超过此比例即提示核实。本地选择，须人工确认。"),
    ("monitoring.plausibility.balance_tolerance", "integer", 2, "people", datetime.date(2012, 1, 1),
     "期末人数与“上月人数+新增−减员”相差超过此数即提示核实。本地选择，须人工确认。"),
]
SHANDONG = "山东省 2016 规模性失业预警（DOMAIN.md §8.3）http://sd.sdnews.com.cn/yw/201604/t20160416_2066826.htm"
RULES = [
    {"code": "statutory-mass-layoff", "name": "法定规模裁员（20 人或 10 %）", "scope": "enterprise",
     "metric": "statutory", "threshold": None, "window_months": 1, "level": "orange",
     "source": "劳动合同法第四十一条；人数与比例取政策参数 monitoring.mass_layoff.*"},
    {"code": "single-firm-200", "name": "单个企业一次性减员 200 人以上", "scope": "enterprise",
     "metric": "reductions", "threshold": Decimal("200"), "window_months": 1, "level": "red", "source": SHANDONG},
    {"code": "county-five-firms", "name": "同一县区 5 户以上企业规模减员", "scope": "county",
     "metric": "firms_laying_off", "threshold": Decimal("5"), "window_months": 1, "firm_min_people": 50,
     "firm_min_ratio": Decimal("0.30"), "level": "red", "source": SHANDONG},
    {"code": "baseline-drop-10", "name": "岗位较建档期减少 10 %", "scope": "enterprise",
     "metric": "drop_vs_baseline", "threshold": Decimal("0.10"), "window_months": 1, "level": "yellow",
     "source": "DOMAIN.md §8.3 建议的可调规则（对比建档期人数），本地选择"},
]


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    WarningRule = apps.get_model("monitoring", "WarningRule")
    for key, value_type, value, unit, valid_from, note in PARAMETERS:
        if not PolicyParameter.objects.filter(key=key).exists():
            PolicyParameter.objects.create(key=key, value=value, value_type=value_type, unit=unit, region_id=REGION,
                                           valid_from=valid_from, confidence="unverified", note=note)
    for rule in RULES:
        WarningRule.objects.get_or_create(code=rule["code"], defaults=rule)


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    WarningRule = apps.get_model("monitoring", "WarningRule")
    for key, _type, _value, _unit, valid_from, _note in PARAMETERS:
        PolicyParameter.objects.filter(key=key, region_id=REGION, valid_from=valid_from, created_by=None).delete()
    WarningRule.objects.filter(code__in=[rule["code"] for rule in RULES], warnings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_monitoring_tables"),
        ("policy", "0004_seed_calendar"),
        ("registry", "0002_seed_regions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
