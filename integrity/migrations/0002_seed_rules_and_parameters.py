"""Seed the risk rules (DOMAIN.md §11) and integrity's policy parameters.

Policy keys (region 510800, from 2019-01-01; no Sichuan or Guangyuan figure was found for any of them, so each
is a local administrative choice marked unverified, to be signed off):
- integrity.screening.paid_lookback_days = 730: how far back paid cases are screened again when a department's
  data about their applicant changes (the period over which wrongly paid money is sought back).
- integrity.recovery.max_instalments = 12: the most monthly instalments a recovery may be repaid in.
- integrity.recovery.first_due_days = 30: calendar days from opening a recovery to its first instalment.

Rules and parameters are seeded only where no row exists, so what an administrator entered wins. The checks of
the training and loan rules read those apps' tables; where the tables are missing the checks report themselves
unavailable and the rules are skipped.
"""

import datetime

from django.db import migrations

REGION = "510800"
VALID_FROM = datetime.date(2019, 1, 1)
NOTE = "本地选择，四川、广元未查到依据，须人工确认。"
PARAMETERS = (
    ("integrity.screening.paid_lookback_days", 730, "days",
     "部门数据变化后，对已发放案件回溯比对的天数（追回违规领取资金的回溯期）。" + NOTE),
    ("integrity.recovery.max_instalments", 12, "instalments", "追回款分期退还的最多期数（按月）。" + NOTE),
    ("integrity.recovery.first_due_days", 30, "days", "追回立案后首期退还的期限（自然日）。" + NOTE),
)

RULES = (
    ("sybzj-ui-benefit-overlap", "失业补助金与失业保险金同期重复领取",
     "失业补助金期间与社保经办机构发放失业保险金的期间重叠（人社部发〔2020〕40号：领取失业补助金期间不享受失业保险金；"
     "DOMAIN §3.2、§11）。依据社保导入的失业保险金发放数据。", "ui_benefit_overlap", "high", ["SYBZJ"], True),
    ("repeat-payment", "同一期间重复享受同一补贴",
     "同一申请人同一补贴类别已有审批或已发放的案件，且期间重叠。", "repeat_payment", "high", [], True),
    ("duplicate-identity", "一人多证（同一人使用两个身份证号）",
     "登记库中另有同名且出生日期、手机号相同的人，或两个号码仅世纪位和校验位不同（15/18位对应），并持有同类在办案件。",
     "duplicate_identity", "medium", [], True),
    ("paid-after-death", "死亡后发放", "公安死亡注销日期早于发放日（未发放的按今日计）。", "paid_after_death", "high",
     [], True),
    ("paid-in-custody", "服刑期间享受待遇",
     "司法服刑期间与补贴所属期间重叠（服刑属于停发情形，DOMAIN §3.1）。", "paid_in_custody", "high", [], True),
    ("firm-deregistered", "企业注销或吊销后仍获补贴",
     "市场监管登记的注销、吊销日期早于补贴所属期间的开始。", "firm_deregistered", "high", ["WGFH", "XNJY"], True),
    ("trainee-certificate-before-class", "学员开班前已持同工种同等级以上证书",
     "培训补贴所申报班级的学员，在开班前已取得该工种同等级或更高等级的职业技能证书。",
     "trainee_certificate_before_class", "medium", ["PXBT"], True),
    ("loan-borrower-insured-elsewhere", "创业担保贷款借款人贴息季度内在其他单位参保",
     "银行季度贴息申请中的借款人，在该季度内由本人企业以外的单位参保缴费（受雇而非自主创业）。依据社保导入的参保数据。",
     "loan_borrower_insured_elsewhere", "high", ["CDDKTX"], True),
)


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    RiskRule = apps.get_model("integrity", "RiskRule")
    for key, value, unit, note in PARAMETERS:
        if not PolicyParameter.objects.filter(key=key).exists():
            PolicyParameter.objects.create(key=key, value=value, value_type="integer", unit=unit, region_id=REGION,
                                           valid_from=VALID_FROM, confidence="unverified", note=note)
    for code, name, description, check_code, severity, kinds, active in RULES:
        RiskRule.objects.get_or_create(code=code, defaults={
            "name": name, "description": description, "check_code": check_code, "severity": severity,
            "kinds": kinds, "active": active})


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    RiskRule = apps.get_model("integrity", "RiskRule")
    for key, _value, _unit, _note in PARAMETERS:
        PolicyParameter.objects.filter(key=key, region_id=REGION, valid_from=VALID_FROM, created_by=None).delete()
    RiskRule.objects.filter(code__in=[rule[0] for rule in RULES], findings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0001_integrity_tables"),
        ("policy", "0004_seed_calendar"),
        ("registry", "0002_seed_regions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
