"""Training fixtures: the training officer, institutions with their enterprise accounts, and helpers that bring
a package through its steps with the services (sign-up deadlines moved by update, as the clock is not mocked)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guangyuan_jobs.registry.models import Region
from tests.factories import EnterpriseFactory, make_user
from training.models import Occupation, TrainingPackage
from training.services import catalogue, draws, packages

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def evidence():
    return SimpleUploadedFile("证明材料.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def officer(db):
    return make_user("training_officer", display_name="培训科王敏")


@pytest.fixture
def district_officer(db):
    return make_user("training_officer", region_code="510821", display_name="旺苍县培训股")


def make_institution(officer, *, name: str, region: str = "510802"):
    enterprise = EnterpriseFactory(name=name, region=Region.objects.get(code=region))
    account = make_user("applicant_enterprise", enterprise=enterprise, display_name=f"{name}联系人")
    institution = packages.institution_register(enterprise=enterprise, licence_no=f"川人社民{enterprise.pk:06d}",
                                                contact_name="联系人", contact_phone="13800000000", actor=account)
    return institution, account


@pytest.fixture
def institutions(officer):
    names = ["广元市利州区华夏职业培训学校", "广元市昭化区蜀道技能培训中心", "旺苍县红军城职业培训学校",
             "苍溪县梨乡职业技能培训学校", "剑阁县剑门关职业培训学校"]
    return [make_institution(officer, name=n) for n in names]


def approved_plan(officer, *, year: int = 2026, headcount: int = 200, region: str = "510802",
                  occupation_code: str = "4-10-01-05"):
    occupation = Occupation.objects.get(code=occupation_code)
    catalogue.demand_line_submit(year=year, department="市民政局", occupation=occupation, level=5,
                                 headcount=headcount, region=Region.objects.get(code=region), actor=officer)
    plan = catalogue.plan_consolidate(year=year, actor=officer)
    return catalogue.plan_approve(plan=plan, actor=officer)


def published_package(officer, plan, *, seats: int = 40, title: str = "养老护理员（五级）利州区项目包"):
    line = plan.lines.first()
    package = packages.package_create(
        plan_line=line, title=title, implementing_unit="广元市民政局", seats=seats, hours=80,
        subsidy_standard=Decimal("1200.00"), min_teachers=3, min_premises_m2=200,
        equipment_required="护理床、模拟人", signup_deadline=timezone.localdate() + datetime.timedelta(days=10),
        actor=officer)
    return packages.package_publish(package=package, actor=officer)


def close_signups(package):
    TrainingPackage.objects.filter(pk=package.pk).update(signup_deadline=timezone.localdate() - datetime.timedelta(1))
    package.refresh_from_db()


def frozen_package(officer, plan, institutions, **kwargs):
    package = published_package(officer, plan, **kwargs)
    for institution, account in institutions:
        signup = packages.signup_submit(package=package, institution=institution, teachers=4, premises_m2=300,
                                        equipment="护理床10张", evidence=evidence(), actor=account)
        packages.signup_check(signup=signup, eligible=True, note="", actor=officer)
    close_signups(package)
    return packages.pool_freeze(package=package, actor=officer)


def announced_session(officer, package_list, *, when=None):
    return draws.session_announce(
        title="2026年第一批职业培训项目承训机构现场公开抽签",
        scheduled_at=when or timezone.now() + datetime.timedelta(hours=1),
        venue="广元市就业创业促进中心三楼会议室", packages=package_list,
        public_numbers_source="现场三位见证人各掷两枚骰子", stream_url="https://live.example.cn/gy-training",
        witnesses=[("notary", "李公证", "广元市公证处"), ("discipline", "赵纪检", "市人社局纪检组")], actor=officer)


@pytest.fixture
def plan(officer):
    return approved_plan(officer)
