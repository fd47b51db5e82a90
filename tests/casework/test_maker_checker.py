"""Maker-checker: the service refuses, whatever the page shows (RELIABILITY.md: money and concurrency)."""

import pytest
from django.contrib.auth.models import Group

from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.models import Case, CaseStatus, Payment
from guangyuan_jobs.casework.selectors import case_actions_for
from guangyuan_jobs.core.errors import ForbiddenError
from tests.casework.conftest import case_at, move, new_case, set_parameter
from tests.factories import PersonFactory, make_user

pytestmark = pytest.mark.django_db


def two_roles(first: str, second: str):
    user = make_user(first)
    user.groups.add(Group.objects.get(name=second))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def assert_refused(case, action, actor):
    with pytest.raises(ForbiddenError) as exc:
        move(case, action, actor)
    assert exc.value.code == "maker_checker"
    assert action not in [a.code for a in case_actions_for(user=actor, case=Case.objects.get(pk=case.pk))]


def test_who_accepted_may_not_approve(crew):
    both = two_roles("intake", "approver")
    case = move(new_case(crew.applicant), "accept", both)
    case = move(case, "review", crew.reviewer)
    assert_refused(case, "approve", both)
    assert move(case, "approve", crew.approver).status == CaseStatus.APPROVED


def test_who_reviewed_may_not_approve(crew):
    both = two_roles("reviewer", "approver")
    case = move(case_at("accepted", crew), "review", both)
    assert_refused(case, "approve", both)


def test_who_filed_for_the_applicant_may_not_approve(crew):
    both = two_roles("entry", "approver")
    draft = services.case_create_draft(kind="TEST", actor=both, applicant_person=PersonFactory())
    case = services.case_submit(case=draft, actor=both)
    case = move(case, "accept", crew.intake)
    case = move(case, "review", crew.reviewer)
    assert_refused(case, "approve", both)


def test_who_approved_may_not_pay(crew):
    both = two_roles("approver", "finance")
    case = move(case_at("reviewed", crew), "approve", both)
    case = move(case, "publicize", crew.approver2)
    assert_refused(case, "pay", both)
    assert move(case, "pay", crew.finance).status == CaseStatus.PAID


def test_above_the_threshold_two_different_approvers_are_needed(crew):
    set_parameter("casework.dual_approval_threshold", "500.00", value_type="decimal", region="510802")
    approver_and_payer = two_roles("approver", "finance")
    case = case_at("reviewed", crew)
    assert case.approved_amount > 500

    case = move(case, "approve", approver_and_payer)
    assert case.status == CaseStatus.REVIEWED and case.first_approved_by == approver_and_payer
    assert not Payment.objects.filter(case=case).exists()
    assert_refused(case, "approve", approver_and_payer)  # the same approver twice is not two approvers

    case = move(case, "approve", crew.approver)
    assert case.status == CaseStatus.APPROVED and case.approved_by == crew.approver
    assert Payment.objects.get(case=case).amount == case.approved_amount
    assert list(case.transitions.filter(action="approve").values_list("from_status", "to_status")) == [
        ("reviewed", "reviewed"), ("reviewed", "approved")]

    case = move(case, "publicize", crew.approver2)
    assert_refused(case, "pay", approver_and_payer)  # the first approver approved it too


def test_below_the_threshold_one_approver_suffices(crew):
    set_parameter("casework.dual_approval_threshold", "5000.00", value_type="decimal", region="510802")
    case = move(case_at("reviewed", crew), "approve", crew.approver)
    assert case.status == CaseStatus.APPROVED and case.first_approved_by is None
