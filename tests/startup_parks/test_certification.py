import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from startup_parks import rules
from startup_parks.models import Certificate, CertificationApplication, Park, ParkAward
from startup_parks.selectors import parks_due_for
from startup_parks.services.certification import (
    certification_decide,
    evaluation_submit,
    evidence_add,
    reevaluation_open,
)
from tests.factories import make_user
from tests.startup_parks.conftest import pdf, scores

TODAY = timezone.localdate


def decide(application, actor, decision="certified", reason=""):
    application.refresh_from_db()
    return certification_decide(application=application, decision=decision, reason=reason,
                                version=application.version, actor=actor)


def test_certification_issues_a_certificate_for_the_parameter_s_years_and_the_reward(crew):
    application = crew.evaluated()
    assert application.total_score == Decimal("80.00")  # both sheets at 80 % of 100 points
    decided = decide(application, crew.approver)
    park = Park.objects.get(pk=application.park_id)
    certificate = decided.certificate
    assert decided.status == "certified" and park.status == "certified"
    assert certificate.valid_from == TODAY()
    assert certificate.valid_to == rules.certificate_valid_to(TODAY(), 3) == park.certified_until
    award = ParkAward.objects.get(park=park)
    assert award.amount == Decimal("100000.00") and award.parameter["confidence"] == "unverified"
    assert AuditEvent.objects.filter(event_type="startup_parks.application.decide", object_id=decided.ref).exists()


def test_only_a_demonstration_park_is_rewarded(crew):
    application = crew.evaluated(kind="student", level="provincial")
    decide(application, crew.approver)
    assert not ParkAward.objects.exists()


def test_a_mean_exactly_at_the_pass_mark_is_certified(crew):
    park = crew.park()
    application = crew.apply(park)
    evaluation_submit(application=application, scores=scores(application, "0.7"), actor=crew.reviewer)  # 70.00
    evaluation_submit(application=application, scores=scores(application, "0.7", management="10.49"),
                      actor=crew.reviewer2)  # 69.99
    application.refresh_from_db()
    assert application.total_score == Decimal("70.00")
    assert decide(application, crew.approver).status == "certified"


def test_a_mean_one_cent_below_the_pass_mark_cannot_be_certified_only_refused(crew):
    park = crew.park()
    application = crew.apply(park)
    evaluation_submit(application=application, scores=scores(application, "0.7", management="10.49"),
                      actor=crew.reviewer)  # 69.99
    evaluation_submit(application=application, scores=scores(application, "0.7", management="10.48"),
                      actor=crew.reviewer2)  # 69.98
    application.refresh_from_db()
    assert application.total_score == Decimal("69.99")
    with pytest.raises(ApplicationError) as refused:
        decide(application, crew.approver)
    assert refused.value.code == "below_pass_mark"
    with pytest.raises(ValidationError):
        decide(application, crew.approver, decision="refused")  # a refusal needs its reason
    assert decide(application, crew.approver, "refused", "带动就业不足").status == "refused"
    assert Park.objects.get(pk=park.pk).status == "registered" and not Certificate.objects.exists()


def test_the_total_is_computed_whatever_is_posted(crew):
    application = crew.apply(crew.park())
    sheet = scores(application, "0.5")
    evaluation = evaluation_submit(application=application, scores=sheet, actor=crew.reviewer)
    assert evaluation.total == Decimal("50.00")
    with pytest.raises(ValidationError):
        evaluation_submit(application=application, scores={**sheet, "total": "100"}, actor=crew.reviewer2)


def test_maker_checker_an_evaluator_may_not_decide(crew):
    both = make_user("reviewer")
    both.groups.add(*make_user("approver").groups.all())
    application = crew.apply(crew.park())
    evaluation_submit(application=application, scores=scores(application), actor=both)
    evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer)
    with pytest.raises(ForbiddenError) as refused:
        decide(application, both)
    assert refused.value.code == "maker_checker"
    assert decide(application, crew.approver).status == "certified"


def test_a_decision_waits_for_the_number_of_evaluators_in_force(crew):
    application = crew.apply(crew.park())
    evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer)
    with pytest.raises(ApplicationError) as refused:
        decide(application, crew.approver)
    assert refused.value.code == "evaluations_missing"


def test_an_evaluator_may_not_score_a_park_their_organisation_runs(crew):
    park = crew.park()
    application = crew.apply(park)
    insider = make_user("reviewer", enterprise=park.operator)
    with pytest.raises(ForbiddenError) as refused:
        evaluation_submit(application=application, scores=scores(application), actor=insider)
    assert refused.value.code == "conflict_of_interest"
    assert not application.evaluations.exists()
    insider_approver = make_user("approver", enterprise=park.operator)
    evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer)
    evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer2)
    with pytest.raises(ForbiddenError):
        decide(application, insider_approver)


def test_an_evaluator_scores_once_and_only_what_they_may_see(crew):
    application = crew.apply(crew.park())
    evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer)
    with pytest.raises(ConflictError):
        evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer)
    with pytest.raises(NotFoundError):  # a 苍溪 reviewer, the park is in 利州
        evaluation_submit(application=application, scores=scores(application), actor=crew.cangxi_reviewer)
    for role_holder in (crew.approver, crew.entry, crew.manager, crew.operator):
        with pytest.raises(ForbiddenError):
            evaluation_submit(application=application, scores=scores(application), actor=role_holder)


def test_certification_needs_every_evidence_asked_for(crew):
    park = crew.park()
    application = crew.apply(park, with_evidence=False)
    evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer)
    evaluation_submit(application=application, scores=scores(application), actor=crew.reviewer2)
    with pytest.raises(ApplicationError) as refused:
        decide(application, crew.approver)
    assert refused.value.code == "evidence_missing"
    for row in application.criteria:
        evidence_add(application=application, criterion_code=row["code"], upload=pdf(), actor=crew.operator)
    assert decide(application, crew.approver).status == "certified"


def test_evidence_is_judged_by_its_bytes(crew):
    application = crew.apply(crew.park(), with_evidence=False)
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError) as refused:
        evidence_add(application=application, criterion_code="site", upload=fake, actor=crew.operator)
    assert refused.value.code == "file_type"
    with pytest.raises(ForbiddenError):
        evidence_add(application=application, criterion_code="site", upload=pdf(), actor=crew.other_operator)
    item = evidence_add(application=application, criterion_code="site", upload=pdf("../../etc/passwd.pdf"),
                        actor=crew.operator)
    assert item.original_name == "passwd.pdf" and "passwd" not in item.file.name


def test_only_the_operator_applies_and_one_application_at_a_time(crew):
    park = crew.park()
    for outsider in (crew.other_operator, crew.entry, crew.person):
        with pytest.raises(ForbiddenError):
            crew.apply(park, operator=outsider)
    crew.apply(park)
    with pytest.raises(ConflictError):
        crew.apply(park)


def test_a_stale_decision_is_refused(crew):
    application = crew.evaluated()
    version = application.version
    certification_decide(application=application, decision="certified", version=version, actor=crew.approver)
    other = make_user("approver")
    with pytest.raises(ConflictError):
        certification_decide(application=application, decision="refused", reason="x", version=version, actor=other)
    assert Certificate.objects.count() == 1


def _certified(crew, **kw):
    application = crew.evaluated(**kw)
    decide(application, crew.approver)
    return Park.objects.get(pk=application.park_id)


def test_a_failed_reevaluation_withdraws_the_certificate_and_keeps_the_history(crew):
    park = _certified(crew)
    reevaluation = reevaluation_open(park=park, actor=crew.reviewer2)
    assert reevaluation.purpose == "reevaluation"
    with pytest.raises(ForbiddenError):  # who opened it may not score it
        evaluation_submit(application=reevaluation, scores=scores(reevaluation, "0.5"), actor=crew.reviewer2)
    evaluation_submit(application=reevaluation, scores=scores(reevaluation, "0.5"), actor=crew.reviewer)
    third = make_user("reviewer")
    evaluation_submit(application=reevaluation, scores=scores(reevaluation, "0.6"), actor=third)
    decide(reevaluation, crew.approver, "refused", "复评得分未达标准")
    park.refresh_from_db()
    assert park.status == "withdrawn" and park.certified_until is None
    certificate = Certificate.objects.get(park=park)
    assert certificate.status == "withdrawn" and certificate.ended_on == TODAY()
    assert certificate.ended_reason == "复评得分未达标准"
    assert list(CertificationApplication.objects.filter(park=park).values_list("status", flat=True)
                .order_by("id")) == ["certified", "refused"]


def test_a_passed_reevaluation_renews_the_certificate_without_a_second_reward(crew):
    park = _certified(crew)
    reevaluation = crew.apply(park)  # the operator applies while certified: a re-evaluation
    assert reevaluation.purpose == "reevaluation"
    evaluation_submit(application=reevaluation, scores=scores(reevaluation, "0.9"), actor=crew.reviewer)
    evaluation_submit(application=reevaluation, scores=scores(reevaluation, "0.9"), actor=crew.reviewer2)
    decide(reevaluation, crew.approver)
    assert list(Certificate.objects.filter(park=park).order_by("id").values_list("status", flat=True)) == [
        "superseded", "active"]
    assert ParkAward.objects.filter(park=park).count() == 1


def test_only_a_certified_park_is_reevaluated_and_only_by_scoring_or_deciding_staff(crew):
    park = crew.park()
    with pytest.raises(ApplicationError):
        reevaluation_open(park=park, actor=crew.reviewer)
    certified = _certified(crew, name="另一园区")
    for outsider in (crew.entry, crew.manager, crew.operator):
        with pytest.raises(ForbiddenError):
            reevaluation_open(park=certified, actor=outsider)


def test_parks_due_for_reevaluation_at_the_window_s_boundary(crew):
    inside = _certified(crew, name="窗口内")
    outside = _certified(crew, name="窗口外")
    ended = _certified(crew, name="已到期")
    window = 90  # parks.reevaluation.due_within_days as seeded
    for park, days in ((inside, window), (outside, window + 1), (ended, -1)):
        Park.objects.filter(pk=park.pk).update(certified_until=TODAY() + datetime.timedelta(days=days))
    due, used = parks_due_for(user=crew.manager)
    assert used == window
    assert [p.name for p in due] == ["已到期", "窗口内"]
    assert list(parks_due_for(user=crew.cangxi_reviewer)[0]) == []  # not their district
