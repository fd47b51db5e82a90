"""Cross-benefit rules of DOMAIN.md §11 closed in this round: a certificate paid by a training subsidy earns no
skill-upgrade subsidy (§4)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guangyuan_jobs.casework import services as casework
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.policy.selectors import policy_parameter
from subsidies import rules
from subsidies.kinds import claim_assess
from subsidies.services import claims as services
from tests.factories import make_user
from tests.subsidies.claims.conftest import file_claim
from tests.training.conftest import (  # noqa: F401 - institutions, officer, plan are fixtures
    announced_session,
    frozen_package,
    institutions,
    officer,
    plan,
)
from training.services import delivery, draws

TODAY = timezone.localdate()
SCORES = {"roster": 14, "attendance": 18, "hours": 13, "pass_rate": 16, "employment": 16, "satisfaction": 8}


def _jnts_params(on):
    return {key: policy_parameter(key, on=on, region="510802")
            for key in (rules.JNTS_LEVEL_KEYS[5], *rules.JNTS_KEYS)}


@pytest.mark.django_db
@pytest.mark.parametrize("paid_by_training", [False, True])
def test_the_rule_refuses_only_a_certificate_paid_by_training(paid_by_training):
    issued = TODAY - datetime.timedelta(days=30)
    facts = rules.SkillFacts(occupation_code="4-10-01-05", level=5, issued_on=issued, ui_contribution_months=24,
                             applied_on=TODAY, certificate_no="GY2026T0001", paid_by_training=paid_by_training)
    findings = rules.jnts_eligibility(facts, _jnts_params(issued))
    refused = [f for f in findings if f.code == "certificate_paid_by_training"]
    assert bool(refused) is paid_by_training
    if paid_by_training:
        assert refused[0].blocking and "GY2026T0001" in refused[0].message


def _training_paid_certificate(officer, plan, institutions, person, number):  # noqa: F811
    """A training class whose one trainee passed with `number`, claimed by the institution and approved."""
    package = frozen_package(officer, plan, institutions[:2])
    draws.session_draw(session=announced_session(officer, [package]), public_numbers="1 2 3", actor=officer)
    package.refresh_from_db()
    account = next(acc for inst, acc in institutions[:2] if inst.pk == package.contractor_id)
    klass = delivery.class_file(package=package, starts_on=TODAY - datetime.timedelta(20),
                                ends_on=TODAY - datetime.timedelta(1), address="利州区东坝街道培训楼",
                                teacher_names="张老师、李老师、王老师", actor=account)
    trainee = delivery.trainee_add(training_class=klass, person=person, actor=account)
    for offset in range(10):
        delivery.attendance_record(training_class=klass, day=klass.starts_on + datetime.timedelta(offset), hours=8,
                                   present=[trainee.pk], actor=account)
    delivery.trainee_result_set(trainee=trainee, completed=True, result="passed", certificate_no=number,
                                employed_after=True, actor=account)
    delivery.class_complete(training_class=klass, actor=account)
    delivery.acceptance_record(training_class=klass, evaluator="四川某评估公司", scores=SCORES, evaluated_on=TODAY,
                               actor=make_user("training_evaluator"))
    case = delivery.training_subsidy_claim(training_class=klass, actor=account)
    for action, role in (("accept", "intake"), ("review", "reviewer"), ("approve", "approver")):
        case.refresh_from_db()
        case = casework.case_transition(case=case, action=action, actor=make_user(role), version=case.version)
    assert case.status == CaseStatus.APPROVED and case.approved_amount > Decimal("0")


def test_a_certificate_paid_by_a_training_subsidy_is_refused_with_the_reason(officer, plan, institutions):  # noqa: F811
    applicant = make_user("applicant_person")
    _training_paid_certificate(officer, plan, institutions, applicant.person, "GY2026T0042")
    case = file_claim(applicant, "JNTS", certificate_no="GY2026T0042", occupation_code="4-10-01-05")
    assessment = claim_assess(case)
    assert [f.code for f in assessment.blocking] == ["certificate_paid_by_training"]
    with pytest.raises(ConflictError) as info:
        services.claim_submit(case=case, actor=applicant)
    assert info.value.code == "certificate_paid_by_training" and "GY2026T0042" in str(info.value.message)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT
    # Another certificate of the same person is fine.
    other = file_claim(applicant, "JNTS", certificate_no="GY2026T0043", occupation_code="4-10-01-06")
    assert "certificate_paid_by_training" not in [f.code for f in claim_assess(other).findings]
