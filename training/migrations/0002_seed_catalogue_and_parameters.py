"""Seed the training programme's policy parameters and a starting occupation catalogue.

Parameters (region 510800, valid from 2020-01-01; none has a Sichuan or Guangyuan source: DOMAIN.md §7.3, §7.4
and §12.6 say the lottery rules, the attendance rule, the acceptance scoring and the payment split were not found,
so each is a local choice marked unverified, to be signed off):

- training.lottery.max_wins_per_institution = 2: most packages one institution may win in one draw session
  (DOMAIN.md §7.3 recommends "at most N" as a parameter; 17 institutions took Guangyuan's 2020 packages).
- training.lottery.min_public_numbers = 3: public numbers that must be announced on site before a draw.
- training.attendance.min_share = 0.80: share of the package's class hours a trainee must attend to count.
- training.acceptance.score_maxima: points of each acceptance indicator (DOMAIN.md §7.4 list), adding to 100.
- training.acceptance.tranche_bands: [minimum total score, share of the subsidy payable], highest band reached
  applies; below every band nothing is paid.

Occupations: codes of the 2022 national occupation classification (职业分类大典) for trades commonly trained
under subsidised programmes; check them against the catalogue before relying on them. Each seed runs only when
its rows are absent, so values entered by an administrator win.
"""

import datetime

from django.db import migrations

REGION = "510800"
VALID_FROM = datetime.date(2020, 1, 1)
NOTE = "广元及四川未查到该项规定（DOMAIN.md §7.3、§7.4、§12.6），为本地选择，须人工确认。"

PARAMETERS = (
    ("training.lottery.max_wins_per_institution", 2, "integer", "packages", "同一场抽签中一家机构最多中签的项目包数。"),
    ("training.lottery.min_public_numbers", 3, "integer", "numbers", "抽签现场须公布的公开数字个数。"),
    ("training.attendance.min_share", "0.80", "decimal", "ratio", "学员出勤课时须达项目课时的比例，方计入补贴人数。"),
    ("training.acceptance.score_maxima",
     {"roster": 15, "attendance": 20, "hours": 15, "pass_rate": 20, "employment": 20, "satisfaction": 10},
     "json", "points", "验收（绩效评估）各指标满分：花名册核验、考勤、课时、合格率、培训后就业、满意度，合计100分。"),
    ("training.acceptance.tranche_bands", [[90, "1.00"], [80, "0.90"], [70, "0.80"], [60, "0.60"]],
     "json", "score_share", "验收得分对应的补贴拨付比例：[最低得分, 拨付比例]；低于60分不予拨付。"),
)

OCCUPATIONS = (
    ("4-03-02-01", "中式烹调师", [5, 4, 3, 2, 1]),
    ("4-03-02-02", "中式面点师", [5, 4, 3, 2, 1]),
    ("4-03-02-03", "西式烹调师", [5, 4, 3, 2, 1]),
    ("4-03-02-04", "西式面点师", [5, 4, 3, 2, 1]),
    ("4-03-02-07", "茶艺师", [5, 4, 3, 2, 1]),
    ("4-10-01-02", "育婴员", [5, 4, 3]),
    ("4-10-01-03", "保育师", [5, 4, 3]),
    ("4-10-01-05", "养老护理员", [5, 4, 3, 2, 1]),
    ("4-10-01-06", "家政服务员", [5, 4, 3, 2, 1]),
    ("4-10-03-01", "美容师", [5, 4, 3, 2, 1]),
    ("4-10-03-02", "美发师", [5, 4, 3, 2, 1]),
    ("4-01-06-01", "电子商务师", [5, 4, 3, 2, 1]),
    ("6-31-01-03", "电工", [5, 4, 3, 2, 1]),
    ("6-18-02-04", "焊工", [5, 4, 3, 2, 1]),
    ("6-29-01-01", "砌筑工", [5, 4, 3]),
    ("6-29-01-04", "钢筋工", [5, 4, 3]),
)


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for key, value, value_type, unit, note in PARAMETERS:
        if not PolicyParameter.objects.filter(key=key).exists():
            PolicyParameter.objects.create(key=key, value=value, value_type=value_type, unit=unit, region_id=REGION,
                                           valid_from=VALID_FROM, confidence="unverified", note=f"{note}{NOTE}")
    Occupation = apps.get_model("training", "Occupation")
    for code, name, levels in OCCUPATIONS:
        Occupation.objects.get_or_create(code=code, defaults={"name": name, "levels": levels})


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyParameter.objects.filter(key__in=[p[0] for p in PARAMETERS], region_id=REGION, valid_from=VALID_FROM,
                                   created_by=None).delete()
    apps.get_model("training", "Occupation").objects.filter(code__in=[o[0] for o in OCCUPATIONS],
                                                            packages__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_training_tables"),
        ("policy", "0004_seed_calendar"),
        ("registry", "0002_seed_regions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
