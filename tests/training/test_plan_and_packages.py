"""Demand lines to the yearly plan and its revision; packages, publication, sign-ups, checks and the frozen pool."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.registry.models import Region
from tests.training.conftest import close_signups, evidence, published_package
from training import lottery
from training.models import Occupation, SignUp, TrainingPackage, TrainingPlan
from training.services import catalogue, packages


def occupation(code="4-10-01-05"):
    return Occupation.objects.get(code=code)


def test_demand_lines_consolidate_per_occupation_level_and_district(officer):
    lizhou, wangcang = Region.objects.get(code="510802"), Region.objects.get(code="510821")
    for department, headcount, region in (("市民政局", 120, lizhou), ("市卫健委", 80, lizhou),
                                          ("市退役军人局", 50, wangcang)):
        catalogue.demand_line_submit(year=2026, department=department, occupation=occupation(), level=5,
                                     headcount=headcount, region=region, actor=officer)
    plan = catalogue.plan_consolidate(year=2026, actor=officer)
    lines = {(line.region_id, line.headcount, line.departments) for line in plan.lines.all()}
    assert lines == {("510802", 200, "市卫健委、市民政局"), ("510821", 50, "市退役军人局")}
    assert plan.revision == 0 and plan.status == TrainingPlan.Status.DRAFT


def test_the_mid_year_revision_keeps_the_approved_plan_as_it_was(officer, plan):
    with pytest.raises(ApplicationError):
        catalogue.plan_revise(plan=plan, reason="", actor=officer)
    revision = catalogue.plan_revise(plan=plan, reason="年中调整：增加养老护理员培训", actor=officer)
    line = revision.lines.get()
    catalogue.plan_line_set(plan=revision, occupation=line.occupation, level=line.level, region=line.region,
                            headcount=260, actor=officer)
    with pytest.raises(ConflictError):
        catalogue.plan_line_set(plan=plan, occupation=line.occupation, level=line.level, region=line.region,
                                headcount=1, actor=officer)
    catalogue.plan_approve(plan=revision, actor=officer)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.SUPERSEDED and plan.lines.get().headcount == 200
    assert TrainingPlan.objects.get(pk=revision.pk).status == TrainingPlan.Status.APPROVED
    assert revision.lines.get().headcount == 260


def test_the_database_allows_one_approved_plan_a_year(officer, plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingPlan.objects.create(year=plan.year, revision=9, title="x", status="approved", created_by=officer)


def test_bad_demand_is_refused_with_a_message(officer):
    with pytest.raises(ApplicationError) as exc:
        catalogue.demand_line_submit(year=2026, department="市民政局", occupation=occupation("6-29-01-01"), level=1,
                                     headcount=10, region=Region.objects.get(code="510802"), actor=officer)
    assert exc.value.code == "level_not_offered"


def test_package_seats_stay_within_the_plan_line(officer, plan):
    published_package(officer, plan, seats=150)
    with pytest.raises(ApplicationError) as exc:
        published_package(officer, plan, seats=60)
    assert exc.value.code == "seats_exceed_plan"


def test_signups_only_on_published_packages_and_before_the_deadline(officer, plan, institutions):
    institution, account = institutions[0]
    package = packages.package_create(
        plan_line=plan.lines.first(), title="草稿包", implementing_unit="市民政局", seats=10, hours=40,
        subsidy_standard=Decimal("800"), min_teachers=2, min_premises_m2=100, equipment_required="床",
        signup_deadline=timezone.localdate() + datetime.timedelta(days=3), actor=officer)
    with pytest.raises(ApplicationError) as exc:
        packages.signup_submit(package=package, institution=institution, teachers=3, premises_m2=200,
                               equipment="床", actor=account)
    assert exc.value.code == "not_published"
    packages.package_publish(package=package, actor=officer)
    signup = packages.signup_submit(package=package, institution=institution, teachers=3, premises_m2=200,
                                    equipment="床", evidence=evidence(), actor=account)
    assert len(signup.evidence_sha256) == 64
    with pytest.raises(ConflictError):
        packages.signup_submit(package=package, institution=institution, teachers=3, premises_m2=200,
                               equipment="床", actor=account)
    other, other_account = institutions[1]
    close_signups(package)
    with pytest.raises(ApplicationError) as late:
        packages.signup_submit(package=package, institution=other, teachers=3, premises_m2=200, equipment="床",
                               actor=other_account)
    assert late.value.code == "deadline_passed"


def test_evidence_must_be_a_pdf_or_image_by_content(officer, plan, institutions):
    from django.core.files.uploadedfile import SimpleUploadedFile

    institution, account = institutions[0]
    package = published_package(officer, plan)
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError) as exc:
        packages.signup_submit(package=package, institution=institution, teachers=3, premises_m2=200,
                               equipment="床", evidence=fake, actor=account)
    assert exc.value.code == "file_type"
    assert not SignUp.objects.exists()


def test_checks_follow_the_published_conditions_and_the_pool_is_frozen_with_its_hash(officer, plan, institutions):
    package = published_package(officer, plan)
    (a, a_account), (b, b_account), (c, c_account) = institutions[:3]
    short = packages.signup_submit(package=package, institution=a, teachers=1, premises_m2=500, equipment="床",
                                   actor=a_account)
    good = packages.signup_submit(package=package, institution=b, teachers=5, premises_m2=300, equipment="床",
                                  actor=b_account)
    doubtful = packages.signup_submit(package=package, institution=c, teachers=5, premises_m2=300, equipment="床",
                                      actor=c_account)
    with pytest.raises(ApplicationError) as exc:
        packages.signup_check(signup=short, eligible=True, note="", actor=officer)
    assert "3" in str(exc.value.message)
    packages.signup_check(signup=short, eligible=False, note="教师人数不足", actor=officer)
    packages.signup_check(signup=good, eligible=True, note="", actor=officer)
    close_signups(package)
    with pytest.raises(ApplicationError) as unchecked:
        packages.pool_freeze(package=package, actor=officer)
    assert unchecked.value.code == "unchecked_signups"
    with pytest.raises(ApplicationError):
        packages.signup_check(signup=doubtful, eligible=False, note="", actor=officer)
    packages.signup_check(signup=doubtful, eligible=False, note="场地证明与实地不符", actor=officer)
    package = packages.pool_freeze(package=package, actor=officer)
    assert package.status == TrainingPackage.Status.POOL_FROZEN
    assert package.pool_document["institutions"] == [[b.code, b.name]]
    assert package.pool_sha256 == lottery.pool_sha256(package.ref, [(b.code, b.name)])
    with pytest.raises(ConflictError):
        packages.signup_check(signup=good, eligible=False, note="改变主意了", actor=officer)
    with pytest.raises(ConflictError):
        packages.pool_freeze(package=package, actor=officer)


def test_district_staff_act_only_in_their_district(officer, district_officer, plan, institutions):
    package = published_package(officer, plan)  # 利州区
    with pytest.raises(NotFoundError):
        packages.pool_freeze(package=package, actor=district_officer)
    institution, account = institutions[0]
    with pytest.raises(ForbiddenError):
        packages.package_publish(package=package, actor=account)
