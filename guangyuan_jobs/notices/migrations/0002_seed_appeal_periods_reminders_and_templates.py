"""Seed the policy parameters of notices and the words of each event's message.

Policy parameters (national unless a region is named):
- notices.appeal.reconsideration_days = 60 (days): the time to apply for administrative reconsideration
  (行政复议) after learning of a decision. 《中华人民共和国行政复议法》第二十条 (2023年修订; 60 days since
  the 1999 law, 第九条). Marked secondary: the statute is cited, its official text not linked here.
- notices.appeal.litigation_months = 6 (months): the time to bring an administrative lawsuit (行政诉讼)
  directly. 《中华人民共和国行政诉讼法》第四十六条 (2014年修正, in force 2015-05-01). Marked secondary, as above.
- notices.missing_material_reminder_working_days = 2 (working days, Guangyuan 510800): how long before the
  due date of missing materials (容缺受理) the applicant is reminded. No published figure was found: a local
  service choice, marked unverified, to be signed off.

Message templates: one row per event, in Chinese, editable by administrators in the admin. Seeded only when
no row exists, so an administrator's words win; the reverse removes only rows nobody changed.
"""

import datetime

from django.db import migrations

PARAMETERS = (
    {"key": "notices.appeal.reconsideration_days", "value": 60, "unit": "days", "region_id": None,
     "valid_from": datetime.date(1999, 10, 1), "confidence": "secondary",
     "doc": ("中华人民共和国主席令第九号", "中华人民共和国行政复议法（2023年修订）", "全国人民代表大会常务委员会",
             datetime.date(2023, 9, 1), ""),
     "note": "公民、法人或者其他组织认为行政行为侵犯其合法权益的，可以自知道该行政行为之日起六十日内提出行政复议申请"
             "（行政复议法第二十条；1999年法第九条同为六十日）。"},
    {"key": "notices.appeal.litigation_months", "value": 6, "unit": "months", "region_id": None,
     "valid_from": datetime.date(2015, 5, 1), "confidence": "secondary",
     "doc": ("中华人民共和国主席令第十五号", "中华人民共和国行政诉讼法（2014年修正）", "全国人民代表大会常务委员会",
             datetime.date(2014, 11, 1), ""),
     "note": "公民、法人或者其他组织直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政行为之日起六个月内提出"
             "（行政诉讼法第四十六条）。"},
    {"key": "notices.missing_material_reminder_working_days", "value": 2, "unit": "working_days",
     "region_id": "510800", "valid_from": datetime.date(2019, 1, 1), "confidence": "unverified", "doc": None,
     "note": "容缺受理：补正期限届满前提前几个工作日短信和站内信提醒申请人。未查到规定，为本地服务选择，须人工确认。"},
)

TEMPLATES = {
    "submit": ("申请已收到", "【广元就业】您的申请 {{ ref }} 已收到，受理后将短信通知您。"),
    "accept": ("申请已受理", "【广元就业】您的申请 {{ ref }} 已受理，预计 {{ due }} 前办结。"),
    "accept_incomplete": ("申请已容缺受理，请补交材料",
                          "【广元就业】您的申请 {{ ref }} 已容缺受理，尚缺材料：{{ materials }}。请于 {{ material_due }} "
                          "前在网上补交，逾期申请将失效。"),
    "missing_reminder": ("补交材料即将到期",
                         "【广元就业】提醒：您的申请 {{ ref }} 尚缺材料：{{ materials }}，请于 {{ material_due }} "
                         "前在网上补交，逾期申请将失效。"),
    "reject": ("申请不予受理", "【广元就业】您的申请 {{ ref }} 不予受理。理由：{{ reason }}"),
    "return": ("申请已退回补正", "【广元就业】您的申请 {{ ref }} 已退回补正。理由：{{ reason }}。请在网上修改后重新提交。"),
    "approve": ("申请已批准", "【广元就业】您的申请 {{ ref }} 已批准，核定金额 {{ amount }} 元。"),
    "refuse": ("申请未获批准", "【广元就业】您的申请 {{ ref }} 未获批准。理由：{{ reason }}"),
    "pay": ("款项已发放", "【广元就业】您的申请 {{ ref }} 的 {{ amount }} 元已发放。"),
    "payment_failed": ("款项发放失败",
                       "【广元就业】您的申请 {{ ref }} 的 {{ amount }} 元发放失败：{{ reason }}。请与经办机构核对银行账户信息。"),
    "lapse": ("申请已失效", "【广元就业】您的申请 {{ ref }} 因未在 {{ material_due }} 前补齐材料，已失效。"),
}


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyDocument = apps.get_model("policy", "PolicyDocument")
    for spec in PARAMETERS:
        if PolicyParameter.objects.filter(key=spec["key"]).exists():
            continue
        document = None
        if spec["doc"]:
            doc_no, title, issuer, issued_on, url = spec["doc"]
            document, _created = PolicyDocument.objects.get_or_create(
                title=title, defaults={"doc_no": doc_no, "issuer": issuer, "level": "national",
                                       "issued_on": issued_on, "url": url})
        PolicyParameter.objects.create(key=spec["key"], value=spec["value"], value_type="integer", unit=spec["unit"],
                                       region_id=spec["region_id"], valid_from=spec["valid_from"], document=document,
                                       confidence=spec["confidence"], note=spec["note"])
    MessageTemplate = apps.get_model("notices", "MessageTemplate")
    for event, (subject, text) in TEMPLATES.items():
        MessageTemplate.objects.get_or_create(event=event, defaults={
            "sms_text": text, "inbox_subject": subject, "inbox_body": text.removeprefix("【广元就业】")})


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for spec in PARAMETERS:
        PolicyParameter.objects.filter(key=spec["key"], region_id=spec["region_id"], valid_from=spec["valid_from"],
                                       created_by=None).delete()
    apps.get_model("notices", "MessageTemplate").objects.filter(updated_by=None, event__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_notice_and_notification_tables"),
        ("policy", "0004_seed_calendar"),
        ("registry", "0002_seed_regions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
