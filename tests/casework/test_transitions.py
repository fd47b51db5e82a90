"""Every path through the lifecycle, through the one transition service."""

import re

import pytest

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.models import Case, CaseStatus, CaseTransition, Payment
from guangyuan_jobs.casework.selectors import case_actions_for
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from tests.casework.conftest import TEST_AMOUNT, case_at, move, new_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_draft_gets_unguessable_reference_and_submit_quotes_amount(crew):
    draft = new_case(crew.applicant, submit=False)
    assert re.fullmatch(r"TEST-\d{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}", draft.ref)
    assert draft.status == CaseStatus.DRAFT
    case = services.case_submit(case=draft, actor=crew.applicant)
    assert case.status == CaseStatus.SUBMITTED
    assert case.submitted_by == crew.applicant
    assert case.requested_amount == TEST_AMOUNT
    assert case.policy_snapshot["amount"]["parameters"][0]["key"] == "test.amount"
    assert AuditEvent.objects.filter(event_type="case.submit", object_id=case.ref).count() == 1


def test_submitting_twice_returns_the_same_case_once(crew):
    draft = new_case(crew.applicant, submit=False)
    first = services.case_submit(case=draft, actor=crew.applicant)
    again = services.case_submit(case=draft, actor=crew.applicant)  # the stale draft object, as a double click
    assert again.pk == first.pk and again.version == first.version
    assert CaseTransition.objects.filter(case=first, action="submit").count() == 1


def test_full_path_to_payment(crew, sms_outbox, django_capture_on_commit_callbacks):
    case = case_at("submitted", crew)
    with django_capture_on_commit_callbacks(execute=True):
        case = move(case, "accept", crew.intake)
    assert case.status == CaseStatus.ACCEPTED and case.accepted_by == crew.intake and case.due_date
    case = move(case, "review", crew.reviewer)
    assert case.status == CaseStatus.REVIEWED and case.approved_amount == TEST_AMOUNT
    with django_capture_on_commit_callbacks(execute=True):
        case = move(case, "approve", crew.approver)
    assert case.status == CaseStatus.APPROVED and case.decided_at
    payment = Payment.objects.get(case=case)
    assert payment.amount == TEST_AMOUNT and payment.status == Payment.Status.PENDING
    assert payment.approval_event_id == AuditEvent.objects.get(event_type="case.approve", object_id=case.ref).pk
    case = move(case, "publicize", crew.approver2)
    assert case.status == CaseStatus.PUBLICIZED
    with django_capture_on_commit_callbacks(execute=True):
        case = move(case, "pay", crew.finance)
    assert case.status == CaseStatus.PAID and case.paid_by == crew.finance
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.paid_at
    assert list(case.transitions.values_list("action", flat=True)) == [
        "create", "submit", "accept", "review", "approve", "publicize", "pay"]
    assert case.version == 7
    texts = [m.text for m in sms_outbox if case.ref in m.text]
    assert len(texts) == 3 and all(m.phone == case.applicant_person.phone for m in sms_outbox)
    assert "已受理" in texts[0] and "已批准" in texts[1] and "已发放" in texts[2]


def test_reject_needs_a_reason_and_closes_the_case(crew, sms_outbox, django_capture_on_commit_callbacks):
    case = case_at("submitted", crew)
    with pytest.raises(ApplicationError) as exc:
        move(case, "reject", crew.intake, comment=" ")
    assert exc.value.code == "reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        case = move(case, "reject", crew.intake, comment="不在本市参保")
    assert case.status == CaseStatus.REJECTED and case.decision_reason == "不在本市参保"
    assert any("不在本市参保" in m.text for m in sms_outbox)


def test_return_and_resubmit(crew):
    case = case_at("accepted", crew)
    case = move(case, "return", crew.reviewer, comment="银行卡号不清晰")
    assert case.status == CaseStatus.RETURNED
    assert case_actions_for(user=crew.applicant, case=case)[0].code in ("resubmit", "withdraw")
    case = move(case, "resubmit", crew.applicant)
    assert case.status == CaseStatus.SUBMITTED and case.submitted_by == crew.applicant


def test_refuse_after_approval_cancels_the_payment_order(crew):
    case = case_at("publicized", crew)
    case = move(case, "refuse", crew.approver2, comment="公示期异议成立")
    assert case.status == CaseStatus.REFUSED
    payment = Payment.objects.get(case=case)
    assert payment.status == Payment.Status.CANCELLED
    with pytest.raises(ConflictError):
        move(case, "pay", crew.finance)


def test_refuse_at_review(crew):
    case = case_at("accepted", crew)
    case = move(case, "refuse", crew.reviewer, comment="不符合条件")
    assert case.status == CaseStatus.REFUSED and not Payment.objects.filter(case=case).exists()


def test_applicant_withdraws_before_approval_but_not_after(crew):
    case = case_at("reviewed", crew)
    assert "withdraw" in [a.code for a in case_actions_for(user=crew.applicant, case=case)]
    case = move(case, "withdraw", crew.applicant)
    assert case.status == CaseStatus.WITHDRAWN
    approved = case_at("approved", crew, applicant=make_user("applicant_person"))
    owner = approved.applicant_person.account
    assert "withdraw" not in [a.code for a in case_actions_for(user=owner, case=approved)]
    with pytest.raises(ConflictError):
        move(approved, "withdraw", owner)


def test_enterprise_kind_without_public_notice_is_paid_after_approval(crew, enterprise_applicant):
    case = new_case(enterprise_applicant, kind="TESTE")
    case = move(case, "accept", crew.intake)
    case = move(case, "review", crew.reviewer)
    assert case.approved_amount is None  # no amount rule and nothing requested: nothing to pay
    case = move(case, "approve", crew.approver)
    assert case.status == CaseStatus.APPROVED and not Payment.objects.filter(case=case).exists()
    assert "pay" not in [a.code for a in case_actions_for(user=crew.finance, case=case)]


def test_kind_with_public_notice_is_not_paid_before_it(crew):
    case = case_at("approved", crew)
    with pytest.raises(ApplicationError) as exc:
        move(case, "pay", crew.finance)
    assert exc.value.code == "notice_required"


def test_stale_version_is_a_conflict_and_changes_nothing(crew):
    case = case_at("submitted", crew)
    seen = case.version
    move(case, "accept", crew.intake)
    with pytest.raises(ConflictError) as exc:
        services.case_transition(case=case, action="return", actor=crew.intake, version=seen, comment="补正")
    assert exc.value.http_status == 409 and "刷新" in str(exc.value.message)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_wrong_stage_is_a_conflict(crew):
    case = case_at("submitted", crew)
    with pytest.raises(ConflictError) as exc:
        move(case, "publicize", crew.approver)
    assert exc.value.code == "invalid_status"


def test_role_without_permission_is_forbidden(crew):
    case = case_at("submitted", crew)
    for user, action in ((crew.reviewer, "accept"), (crew.applicant, "accept"), (crew.finance, "approve"),
                         (make_user("auditor"), "reject"), (crew.intake, "lapse")):
        with pytest.raises(ForbiddenError):
            move(case, action, user, comment="理由")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_case_outside_the_area_is_not_found(crew):
    case = case_at("submitted", crew)  # 利州区
    outsider = make_user("intake", region_code="510821")  # 旺苍县
    with pytest.raises(NotFoundError):
        move(case, "accept", outsider)
    other = make_user("applicant_person")
    with pytest.raises(NotFoundError):
        move(case, "withdraw", other)


def test_counter_clerk_files_for_a_walk_in_applicant(crew):
    from tests.factories import PersonFactory

    person = PersonFactory()
    case = services.case_create_draft(kind="TEST", actor=crew.entry, applicant_person=person)
    case = services.case_submit(case=case, actor=crew.entry)
    assert case.status == CaseStatus.SUBMITTED and case.submitted_by == crew.entry
    assert [a.code for a in case_actions_for(user=crew.entry, case=case)] == ["withdraw"]
    assert case_actions_for(user=make_user("entry"), case=case) == []  # another clerk did not file it
    outsider = make_user("entry", region_code="510821")
    with pytest.raises(ForbiddenError):
        services.case_create_draft(kind="TEST", actor=outsider, applicant_person=PersonFactory())


def test_one_open_claim_per_person_kind_and_period(crew):
    import datetime

    period = datetime.date(2026, 1, 1)
    first = new_case(crew.applicant, period=period)
    with pytest.raises(ConflictError) as exc:
        new_case(crew.applicant, period=period)
    assert exc.value.extra["ref"] == first.ref
    move(first, "withdraw", crew.applicant)
    assert new_case(crew.applicant, period=period).status == CaseStatus.SUBMITTED


def test_applicant_cannot_file_for_someone_else(crew, other_applicant):
    with pytest.raises(ForbiddenError):
        services.case_create_draft(kind="TEST", actor=crew.applicant, applicant_person=other_applicant.person)


def test_allowed_actions_follow_the_stage_and_role(crew):
    case = case_at("submitted", crew)
    assert {a.code for a in case_actions_for(user=crew.intake, case=case)} == {
        "accept", "accept_incomplete", "reject", "return"}
    assert case_actions_for(user=crew.reviewer, case=case) == []
    assert {a.code for a in case_actions_for(user=crew.applicant, case=case)} == {"withdraw"}
    assert case_actions_for(user=crew.entry, case=case) == []  # filed online: not the clerk's to withdraw
