"""Findings decided by a verifier who did not handle the case; payment held; recoveries on paid cases;
a rule change screens the approved-unpaid cases again; a submitted case is screened."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guangyuan_jobs.casework.kinds import payment_holds
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.casework.services import case_transition
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from integrity.models import Finding, RecordKind, Recovery, RecoveryReceipt, RiskRule
from integrity.services.findings import finding_dismiss, finding_verify
from integrity.services.recoveries import recovery_plan_set, recovery_receipt_add
from integrity.services.rules import risk_rule_update
from integrity.services.screening import cases_screen
from tests.factories import make_user
from tests.integrity.conftest import D, add_record, make_case


def death_finding(crew, **case_kwargs) -> Finding:
    case = make_case(crew, kind="SBBT", **case_kwargs)
    add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2020, 1, 1))
    cases_screen(case_ids=[case.pk], trigger=Finding.Trigger.NIGHTLY)
    finding = Finding.objects.get(case=case)
    Finding.objects.filter(pk=finding.pk).update(verifier=crew.verifier)
    finding.refresh_from_db()
    return finding


def test_an_open_or_verified_finding_holds_payment_and_a_dismissed_one_releases_it(crew):
    finding = death_finding(crew, status=CaseStatus.PUBLICIZED)
    assert finding.case_id in payment_holds([finding.case_id])
    case = finding.case
    with pytest.raises(ApplicationError):
        case_transition(case=case, action="pay", actor=crew.finance, version=case.version)
    finding_verify(finding=finding, actor=crew.verifier, reason="公安死亡注销信息属实")
    assert finding.ref in payment_holds([case.pk])[case.pk]
    assert not Recovery.objects.exists()  # nothing was paid


def test_dismissing_releases_the_payment(crew):
    finding = death_finding(crew, status=CaseStatus.PUBLICIZED)
    finding_dismiss(finding=finding, actor=crew.verifier, reason="同名不同人，公安数据有误")
    case = finding.case
    case.refresh_from_db()
    assert case.pk not in payment_holds([case.pk])
    case_transition(case=case, action="pay", actor=crew.finance, version=case.version)
    case.refresh_from_db()
    assert case.status == CaseStatus.PAID


def test_whoever_handled_the_case_cannot_verify_its_finding(crew):
    finding = death_finding(crew)
    handler = make_user("verifier")
    finding.case.transitions.create(action="review", from_status="accepted", to_status="reviewed", actor=handler)
    Finding.objects.filter(pk=finding.pk).update(verifier=None)
    finding.refresh_from_db()
    with pytest.raises(ForbiddenError):
        finding_verify(finding=finding, actor=handler, reason="属实")


def test_a_decision_needs_a_reason_and_happens_once(crew):
    finding = death_finding(crew)
    with pytest.raises(ApplicationError):
        finding_dismiss(finding=finding, actor=crew.verifier, reason=" ")
    finding_dismiss(finding=finding, actor=crew.verifier, reason="数据有误")
    with pytest.raises(ConflictError):
        finding_verify(finding=finding, actor=crew.verifier, reason="属实")


def test_a_verified_finding_on_a_paid_case_opens_a_recovery_settled_by_receipts(crew):
    finding = death_finding(crew, status=CaseStatus.PAID, amount=Decimal("3000.00"))
    finding_verify(finding=finding, actor=crew.verifier, reason="死亡后领取")
    recovery = Recovery.objects.get(finding=finding)
    assert recovery.amount == Decimal("3000.00") and recovery.balance == Decimal("3000.00")
    recovery = recovery_plan_set(recovery=recovery, method=Recovery.Method.INSTALMENTS, instalments=3,
                                 first_due=timezone.localdate(), version=recovery.version, actor=crew.finance)
    today = timezone.localdate()
    recovery_receipt_add(recovery=recovery, kind="repayment", amount=Decimal("1000.00"), received_on=today,
                         reference="SJ-001", actor=crew.finance)
    with pytest.raises(ConflictError):
        recovery_receipt_add(recovery=recovery, kind="repayment", amount=Decimal("1000.00"), received_on=today,
                             reference="SJ-001", actor=crew.finance)
    with pytest.raises(ApplicationError):
        recovery_receipt_add(recovery=recovery, kind="repayment", amount=Decimal("2000.01"), received_on=today,
                             reference="SJ-002", actor=crew.finance)
    recovery_receipt_add(recovery=recovery, kind="repayment", amount=Decimal("2000.00"), received_on=today,
                         reference="SJ-003", actor=crew.finance)
    recovery.refresh_from_db()
    assert recovery.status == Recovery.Status.CLOSED and recovery.balance == 0
    assert RecoveryReceipt.objects.filter(recovery=recovery).count() == 2


def test_a_recovery_by_offset_holds_the_applicants_later_payment_until_withheld(crew):
    finding = death_finding(crew, status=CaseStatus.PAID, amount=Decimal("500.00"))
    finding_verify(finding=finding, actor=crew.verifier, reason="死亡后领取", amount=Decimal("200.00"))
    recovery = Recovery.objects.get(finding=finding)
    recovery_plan_set(recovery=recovery, method=Recovery.Method.OFFSET, instalments=1,
                      first_due=timezone.localdate(), version=recovery.version, actor=crew.finance)
    later = make_case(crew, kind="CYBT", person=finding.case.applicant_person, status=CaseStatus.APPROVED,
                      period=None)
    assert later.pk in payment_holds([later.pk])
    recovery_receipt_add(recovery=recovery, kind="offset", amount=Decimal("200.00"),
                         received_on=timezone.localdate(), offset_case_ref=later.ref, actor=crew.finance)
    assert later.pk not in payment_holds([later.pk])


def test_the_verifier_cannot_recover_more_than_was_paid(crew):
    finding = death_finding(crew, status=CaseStatus.PAID, amount=Decimal("500.00"))
    with pytest.raises(ApplicationError):
        finding_verify(finding=finding, actor=crew.verifier, reason="属实", amount=Decimal("500.01"))
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


def test_a_rule_change_screens_the_approved_unpaid_cases_again(crew, django_capture_on_commit_callbacks):
    rule = RiskRule.objects.get(code="paid-after-death")
    rule = risk_rule_update(rule=rule, actor=crew.manager, version=rule.version, active=False)
    approved = make_case(crew, kind="SBBT", status=CaseStatus.APPROVED)
    paid = make_case(crew, kind="SBBT", status=CaseStatus.PAID, paid_on=D(2025, 1, 1))
    for case in (approved, paid):
        add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2024, 1, 1))
    cases_screen(case_ids=[approved.pk, paid.pk], trigger=Finding.Trigger.NIGHTLY)
    assert not Finding.objects.filter(rule=rule).exists()
    with django_capture_on_commit_callbacks(execute=True):
        rule = risk_rule_update(rule=rule, actor=crew.manager, version=rule.version, active=True,
                                severity="medium")
    assert rule.version == 3
    found = Finding.objects.get(rule=rule)
    assert found.case_id == approved.pk and found.trigger == Finding.Trigger.RULE_CHANGE
    assert found.severity == "medium"


def test_a_rule_whose_check_cannot_run_cannot_be_switched_on(crew):
    rule = RiskRule.objects.create(code="future-check", name="将来的规则", description="尚无检查",
                                   check_code="not_registered", active=False)
    with pytest.raises(ApplicationError):
        risk_rule_update(rule=rule, actor=crew.manager, version=rule.version, active=True)
    with pytest.raises(ForbiddenError):
        risk_rule_update(rule=rule, actor=crew.verifier, version=rule.version, description="x")


def test_a_submitted_claim_is_screened(crew, django_capture_on_commit_callbacks):
    from subsidies.services.claims import claim_file

    applicant = make_user("applicant_person")
    add_record(RecordKind.DEATH, person=applicant.person, start=timezone.localdate() - datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        case = claim_file(kind="SBBT", actor=applicant, applicant_person=applicant.person, submit=True, data={
            "category": "hard_flexible", "period_start": "2026-01-01", "months": 12,
            "monthly_contribution": "500.00"})
    finding = Finding.objects.get(case=case)
    assert finding.rule.code == "paid-after-death" and finding.trigger == Finding.Trigger.SUBMIT
