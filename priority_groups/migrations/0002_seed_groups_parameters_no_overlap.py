"""Seed the priority-group codes and this app's policy parameters; on PostgreSQL, refuse overlapping periods.

Group codes (DOMAIN.md §9.1). 就业困难人员's subtypes follow the commonly published list (Xi'an's, ⚠️): Sichuan's
official list was not retrieved, so they are rows an administrator can change, not an enum.

Policy parameters (all region 510800, from 2019-01-01; seeded only when the key has no row, so a value entered
by an administrator wins):
- pg.contact_cadence_days.default = 30 (days): how often a caseworker contacts a person on a plan (一人一策)
  when none of the person's groups has its own cadence. No Sichuan or Guangyuan figure was found; the monthly
  contact is the practice the 2013 graduate plan (人社部发〔2013〕41号, "实名登记 … 跟踪服务") implies. Unverified.
- pg.contact_cadence_days.graduate = 30: unemployed graduates, contacted monthly until employed or preparing
  (goal: within 6 months of graduation, 人社部发〔2013〕41号). Unverified.
- pg.contact_cadence_days.zero_employment_household = 15: zero-employment households are to be cleared
  "dynamically" (零就业家庭动态清零), so twice a month. Local choice, unverified.
- pg.contact_cadence_days.relapse_monitored = 15: people monitored for relapse into poverty (防止返贫监测对象).
  Local choice, unverified.
- pg.labour_age.minimum = 16, pg.labour_age.male_maximum = 60, pg.labour_age.female_maximum = 50 (years): the
  working age used to derive a zero-employment household (法定劳动年龄). 16 from the Labour Law art. 15; 60/50
  the statutory retirement ages before the 2025 gradual increase (全国人大常委会 2024-09-13 决定), so a value
  from 2025 must be entered by an administrator when the local rule is settled. Secondary.
"""

import datetime

from django.db import migrations

REGION = "510800"
VALID_FROM = datetime.date(2019, 1, 1)

GROUPS = [
    # code, name, English name, order
    ("poverty_labourer", "脱贫人口（建档立卡贫困劳动力）", "Poverty-alleviated labourer", 10),
    ("relapse_monitored", "防止返贫监测对象", "Monitored for relapse into poverty", 15),
    ("graduate", "离校未就业高校毕业生", "Unemployed graduate", 20),
    ("migrant_worker", "农民工", "Migrant worker", 30),
    ("returnee_entrepreneur", "返乡入乡创业人员", "Returnee entrepreneur", 35),
    ("reservoir_migrant", "库区移民", "Reservoir-area migrant", 40),
    ("retired_fisherman", "退捕渔民", "Retired fisherman", 50),
    ("veteran", "退役军人", "Veteran", 60),
    ("zero_employment_household", "零就业家庭成员", "Zero-employment household member", 70),
    ("hard_to_employ", "就业困难人员", "Hard to employ", 80),
    ("registered_unemployed", "城镇登记失业人员", "Registered urban unemployed", 90),
    ("disabled", "残疾人", "Person with a disability", 100),
]
HARD_TO_EMPLOY_SUBTYPES = [
    ("hte_long_unemployed", "连续失业1年以上", "Unemployed for a year or more", 81),
    ("hte_graduate", "毕业半年以上未就业高校毕业生", "Graduate unemployed six months after graduating", 82),
    ("hte_disabled", "残疾人", "Person with a disability", 83),
    ("hte_veteran", "未就业城镇退役军人、军烈属", "Unemployed urban veteran or military family", 84),
    ("hte_4050", "大龄失业人员（女40、男50周岁以上）", "Older jobseeker (women 40+, men 50+)", 85),
    ("hte_single_parent", "单亲抚养未成年人", "Single parent of a minor", 86),
    ("hte_zero_employment", "零就业家庭成员", "Zero-employment household member", 87),
    ("hte_landless", "失地困难农民", "Landless farmer in difficulty", 88),
    ("hte_other", "省市规定的其他人员", "Other category set by the province or city", 89),
]
PARAMETERS = [
    # key, value, unit, confidence, note
    ("pg.contact_cadence_days.default", 30, "days", "unverified",
     "一人一策：未单独设定联系周期的重点群体，经办人联系一次的间隔天数。未查到四川或广元规定，按月联系为本地选择。"),
    ("pg.contact_cadence_days.graduate", 30, "days", "unverified",
     "离校未就业高校毕业生：每月联系一次，直至就业或参加就业准备活动（人社部发〔2013〕41号要求实名跟踪服务）。"),
    ("pg.contact_cadence_days.zero_employment_household", 15, "days", "unverified",
     "零就业家庭成员：动态清零，每半月联系一次。本地选择，须人工确认。"),
    ("pg.contact_cadence_days.relapse_monitored", 15, "days", "unverified",
     "防止返贫监测对象：每半月联系一次。本地选择，须人工确认。"),
    ("pg.labour_age.minimum", 16, "years", "secondary", "法定劳动年龄下限（《劳动法》第十五条）。"),
    ("pg.labour_age.male_maximum", 60, "years", "secondary",
     "男性法定退休年龄（2025年起渐进式延迟退休，须按本地规定另行录入）。"),
    ("pg.labour_age.female_maximum", 50, "years", "secondary",
     "女职工法定退休年龄（2025年起渐进式延迟退休，须按本地规定另行录入）。"),
]

NO_OVERLAP = {
    "pg_status_no_overlap": "priority_groups_employmentstatus",
    "pg_membership_no_overlap": "priority_groups_groupmembership",
}


def seed(apps, schema_editor):
    GroupCode = apps.get_model("priority_groups", "GroupCode")
    for code, name, name_en, order in GROUPS:
        GroupCode.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": order})
    parent = GroupCode.objects.get(code="hard_to_employ")
    for code, name, name_en, order in HARD_TO_EMPLOY_SUBTYPES:
        GroupCode.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": order,
                                                             "parent": parent})
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for key, value, unit, confidence, note in PARAMETERS:
        if PolicyParameter.objects.filter(key=key).exists():
            continue
        PolicyParameter.objects.create(key=key, value=value, value_type="integer", unit=unit, region_id=REGION,
                                       valid_from=VALID_FROM, confidence=confidence, note=note)


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyParameter.objects.filter(key__in=[p[0] for p in PARAMETERS], region_id=REGION, valid_from=VALID_FROM,
                                   created_by=None).delete()
    GroupCode = apps.get_model("priority_groups", "GroupCode")
    GroupCode.objects.filter(parent__isnull=False).delete()
    GroupCode.objects.all().delete()


def constrain(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the services refuse overlaps; the partial unique constraints still hold
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE priority_groups_employmentstatus ADD CONSTRAINT pg_status_no_overlap EXCLUDE USING gist "
        "(person_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)")
    schema_editor.execute(
        "ALTER TABLE priority_groups_groupmembership ADD CONSTRAINT pg_membership_no_overlap EXCLUDE USING gist "
        "(person_id WITH =, group_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&)")


def unconstrain(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in NO_OVERLAP.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("priority_groups", "0001_tables"),
        ("policy", "0004_seed_calendar"),
        ("registry", "0002_seed_regions"),
    ]
    operations = [migrations.RunPython(seed, unseed), migrations.RunPython(constrain, unconstrain)]
