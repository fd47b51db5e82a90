"""From a drawn package to the institution's paid-out claim: class, roster, attendance, results, supervision,
acceptance, the PXBT case in casework with its amount, and the certificate rule against the skill-upgrade subsidy."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guangyuan_jobs.casework import services as casework
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from subsidies.models import SkillUpgradeDetail
from tests.factories import PersonFactory, make_id_number, make_user
from tests.training.conftest import announced_session, frozen_package
from training.models import SupervisionRecord, Trainee, TrainingSubsidyDetail
from training.selectors import certificate_paid_by_training
from training.services import delivery, draws

TODAY = timezone.localdate()
SCORES = {"roster": 14, "attendance": 18, "hours": 13, "pass_rate": 16, "employment": 16, "satisfaction": 8}


@pytest.fixture
def drawn(officer, plan, institutions):
    package = frozen_package(officer, plan, institutions[:2])
    draws.session_draw(session=announced_session(officer, [package]), public_numbers="1 2 3", actor=officer)
    package.refresh_from_db()
    account = next(acc for inst, acc in institutions[:2] if inst.pk == package.contractor_id)
    loser = next(acc for inst, acc in institutions[:2] if inst.pk != package.contractor_id)
    return package, account, loser


def paid_skill_upgrade(person, certificate_no):
    case = Case.objects.create(ref=f"JNTS-2026-{certificate_no[-8:]}", kind="JNTS", applicant_person=person,
                               region_id="510802", status=CaseStatus.PAID)
    SkillUpgradeDetail.objects.create(case=case, person=person, occupation_code="4-10-01-05",
                                      occupation_name="养老护理员", level=5, certificate_no=certificate_no,
                                      issued_on=TODAY, ui_contribution_months=24)


def test_only_the_contracted_institution_files_a_class(drawn):
    package, account, loser = drawn
    with pytest.raises(ForbiddenError):
        delivery.class_file(package=package, starts_on=TODAY, ends_on=TODAY, address="利州区", teacher_names="张",
                            actor=loser)
    with pytest.raises(ApplicationError):
        delivery.class_file(package=package, starts_on=TODAY, ends_on=TODAY - datetime.timedelta(1),
                            address="利州区", teacher_names="张", actor=account)


def test_the_whole_chain_from_class_to_an_approved_training_subsidy(drawn, officer):
    package, account, _loser = drawn
    klass = delivery.class_file(package=package, starts_on=TODAY - datetime.timedelta(20),
                                ends_on=TODAY - datetime.timedelta(1), address="利州区东坝街道培训楼",
                                teacher_names="张老师、李老师、王老师", actor=account)
    people = [PersonFactory(name=name, id_number=make_id_number(region="510802"))
              for name in ("王秀英", "李建国", "张桂兰", "刘德华")]
    roster = [delivery.trainee_add(training_class=klass, person=p, actor=account) for p in people]
    with pytest.raises(ConflictError):
        delivery.trainee_add(training_class=klass, person=people[0], actor=account)
    full, low, paid_elsewhere, failed = roster
    for offset in range(8):
        present = [full.pk, paid_elsewhere.pk, failed.pk] + ([low.pk] if offset < 2 else [])
        delivery.attendance_record(training_class=klass, day=klass.starts_on + datetime.timedelta(offset), hours=8,
                                   present=present, actor=account)
    with pytest.raises(ConflictError):
        delivery.attendance_record(training_class=klass, day=klass.starts_on, hours=8, present=[], actor=account)
    for trainee, result, cert in ((full, "passed", "GY2026A0001"), (low, "passed", "GY2026A0002"),
                                  (paid_elsewhere, "passed", "GY2026A0003"), (failed, "failed", "")):
        delivery.trainee_result_set(trainee=trainee, completed=True, result=result, certificate_no=cert,
                                    employed_after=True, actor=account)
    paid_skill_upgrade(people[2], "GY2026A0003")

    record = delivery.supervision_record(training_class=klass, layer="spot_check", visited_on=TODAY,
                                         inspector="市人社局赵科长", findings="签到表有代签嫌疑",
                                         correction_required="改用人脸识别签到", correction_due=TODAY, actor=officer)
    assert record.status == SupervisionRecord.Status.OPEN
    delivery.supervision_close(record=record, follow_up="已启用人脸识别考勤，复查合格", actor=officer)

    evaluator = make_user("training_evaluator")
    with pytest.raises(ApplicationError):
        delivery.acceptance_record(training_class=klass, evaluator="四川某评估公司", scores=SCORES,
                                   evaluated_on=TODAY, actor=evaluator)
    delivery.class_complete(training_class=klass, actor=account)
    with pytest.raises(ApplicationError) as out_of_range:
        delivery.acceptance_record(training_class=klass, evaluator="四川某评估公司",
                                   scores={**SCORES, "satisfaction": 11}, evaluated_on=TODAY, actor=evaluator)
    assert out_of_range.value.code == "score_out_of_range"
    acceptance = delivery.acceptance_record(training_class=klass, evaluator="四川某评估公司", scores=SCORES,
                                            evaluated_on=TODAY, actor=evaluator)
    assert acceptance.total_score == Decimal("85.00") and acceptance.tranche_share == Decimal("0.900")

    case = delivery.training_subsidy_claim(training_class=klass, actor=account)
    assert case.kind == "PXBT" and case.status == CaseStatus.SUBMITTED
    # One qualified trainee (the others: too few hours, certificate paid as JNTS, failed) x 1200 x 90 %.
    assert case.requested_amount == Decimal("1080.00")
    with pytest.raises(ConflictError):
        delivery.training_subsidy_claim(training_class=klass, actor=account)

    intake, reviewer, approver = make_user("intake"), make_user("reviewer"), make_user("approver")
    for action, actor in (("accept", intake), ("review", reviewer), ("approve", approver)):
        case.refresh_from_db()
        case = casework.case_transition(case=case, action=action, actor=actor, version=case.version)
    assert case.status == CaseStatus.APPROVED and case.approved_amount == Decimal("1080.00")
    assert "1080.00" in case.policy_snapshot["amount"]["explanation"]
    assert "李建国" in case.policy_snapshot["amount"]["explanation"]  # the excluded are named with the reason
    assert certificate_paid_by_training("GY2026A0001") is True
    assert certificate_paid_by_training("GY2026A0002") is False  # not counted: too few hours
    assert certificate_paid_by_training("GY2026A0003") is False  # paid as a skill-upgrade subsidy instead
    assert list(Trainee.objects.filter(claimed_in=case).values_list("pk", flat=True)) == [full.pk]
    with pytest.raises(ConflictError):
        delivery.trainee_result_set(trainee=full, completed=True, result="failed", certificate_no="",
                                    employed_after=False, actor=account)


def test_a_refused_claim_releases_its_trainees_and_can_be_filed_again(drawn, officer):
    package, account, _loser = drawn
    klass = delivery.class_file(package=package, starts_on=TODAY - datetime.timedelta(3),
                                ends_on=TODAY - datetime.timedelta(1), address="利州区", teacher_names="张",
                                actor=account)
    trainee = delivery.trainee_add(training_class=klass, person=PersonFactory(name="陈红"), actor=account)
    for offset in range(3):
        delivery.attendance_record(training_class=klass, day=klass.starts_on + datetime.timedelta(offset),
                                   hours=12, present=[trainee.pk], actor=account)
    delivery.class_complete(training_class=klass, actor=account)
    Trainee.objects.filter(pk=trainee.pk).update(attended_hours=80)
    delivery.trainee_result_set(trainee=Trainee.objects.get(pk=trainee.pk), completed=True, result="passed",
                                certificate_no="GY2026B0001", employed_after=False, actor=account)
    delivery.acceptance_record(training_class=klass, evaluator="评估公司", scores=SCORES, evaluated_on=TODAY,
                               actor=make_user("training_evaluator"))
    case = delivery.training_subsidy_claim(training_class=klass, actor=account)
    reviewer = make_user("reviewer")
    casework.case_transition(case=case, action="accept", actor=make_user("intake"), version=case.version)
    case.refresh_from_db()
    case = casework.case_transition(case=case, action="review", actor=reviewer, version=case.version)
    assert Trainee.objects.get(pk=trainee.pk).claimed_in_id == case.pk
    case = casework.case_transition(case=case, action="refuse", actor=make_user("approver"), version=case.version,
                                    comment="考勤记录与现场核查不符")
    assert Trainee.objects.get(pk=trainee.pk).claimed_in_id is None
    assert TrainingSubsidyDetail.objects.get(case=case).voided
    again = delivery.training_subsidy_claim(training_class=klass, actor=account)
    assert again.pk != case.pk
