"""Demo data of entrepreneurship parks for `make run` (idempotent): the demo firm's 返乡创业示范园 in 利州, certified
after two evaluators scored it (with its 以奖代补 award, resident firms and jobs reported); a university-student
incubation park in 昭化 whose application waits for its second evaluator; an incubation base in 苍溪 registered by
the Center and not yet certified."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import applicant_account_create
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_get_or_create
from startup_parks.models import Park
from startup_parks.services.certification import certification_apply, certification_decide, evaluation_submit
from startup_parks.services.parks import jobs_report, park_register, resident_add

PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _credit_code(seed: str) -> str:
    from stdnum.cn import uscc

    from guangyuan_jobs.core.identifiers import _ORG_CODE_ALPHABET, _ORG_CODE_WEIGHTS

    org = seed[8:16]
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(org, _ORG_CODE_WEIGHTS, strict=True))
    org += {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    body = seed[:8] + org
    return body + uscc.calc_check_digit(body)


def _evidence(application_criteria) -> dict:
    return {c.code: [SimpleUploadedFile(f"{c.code}.pdf", PDF, content_type="application/pdf")]
            for c in application_criteria if c.evidence}


def _scores(application, points: dict) -> dict:
    return {c["code"]: str(points.get(c["code"], int(float(c["max_score"]) * 0.8))) for c in application.criteria}


def seed_demo(*, users, password, stdout):
    if Park.objects.exists():
        return
    from guangyuan_jobs.policy.selectors import policy_value
    from startup_parks import rules

    today = timezone.localdate()
    standard = policy_value(rules.CRITERIA_KEY, on=today, region="510802")
    operator = users["enterprise"]
    park = park_register(actor=operator, data={
        "name": "利州区返乡创业示范园", "kind": "rural_return", "level": "city", "region": "510802",
        "area_m2": "12000", "address": "广元市利州区宝轮镇工业园区创业路8号"})
    application = certification_apply(park=park, evidence=_evidence(rules.criteria_for(standard, park.kind)),
                                      note="首次申请市级返乡创业示范园区认定", actor=operator)
    evaluation_submit(application=application, scores=_scores(application, {}), comment="场地与服务体系完善",
                      actor=users["reviewer"])
    evaluation_submit(application=application, scores=_scores(application, {"jobs": "22"}),
                      comment="带动就业成效明显", actor=users["lizhou"])
    application.refresh_from_db()
    certification_decide(application=application, decision="certified", reason="评审得分达到认定标准",
                         version=application.version, actor=users["approver"])
    city = Region.objects.get(code="510802")
    firms = (("91510802MA6PK001", "广元市宝轮返乡电商有限公司", 6), ("91510802MA6PK002", "利州区田园食品加工厂", 4))
    for seed, name, jobs in firms:
        firm = enterprise_get_or_create(credit_code=_credit_code(seed), name=name, actor=None, region=city)
        resident = resident_add(park=park, credit_code=firm.credit_code,
                                moved_in_on=today - datetime.timedelta(days=120), actor=operator)
        jobs_report(resident=resident, period=(today.replace(day=1) - datetime.timedelta(days=1)),
                    jobs_created=jobs, actor=operator)

    zhaohua = Region.objects.get(code="510811")
    student_firm = enterprise_get_or_create(credit_code=_credit_code("91510811MA6PK003"),
                                            name="昭化区大学生创业孵化园运营管理有限公司", actor=None, region=zhaohua)
    account = User.objects.filter(username="park_operator").first() or applicant_account_create(
        username="park_operator", password=password, display_name="昭化孵化园", actor=None, phone="13908391234",
        enterprise=student_firm, phone_verified=True)
    users["park_operator"] = account
    student = park_register(actor=account, data={
        "name": "昭化区大学生创业孵化园", "kind": "student", "level": "provincial", "region": "510811",
        "area_m2": "6800", "address": "广元市昭化区元坝镇创业大道1号"})
    pending = certification_apply(park=student, evidence=_evidence(rules.criteria_for(standard, student.kind)),
                                  note="省级大学生创业孵化园区认定", actor=account)
    evaluation_submit(application=pending, scores=_scores(pending, {}), comment="待第二名评审人员评分",
                      actor=users["reviewer"])

    cangxi = Region.objects.get(code="510824")
    base_firm = enterprise_get_or_create(credit_code=_credit_code("91510824MA6PK004"),
                                         name="苍溪县创业服务中心有限公司", actor=None, region=cangxi)
    park_register(actor=users["entry"], data={
        "name": "苍溪县创业孵化基地", "kind": "incubator", "level": "county", "region": "510824",
        "operator_credit_code": base_firm.credit_code, "area_m2": "3500", "address": "广元市苍溪县陵江镇红军路66号"})
    stdout.write("Entrepreneurship parks: 3 parks (one certified with residents and jobs, one being evaluated).")
