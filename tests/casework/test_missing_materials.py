"""容缺受理: accept with missing materials, approval waits, the applicant supplements online, or the case lapses."""

import datetime

import pytest
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.models import Case, CaseStatus, MissingMaterial
from guangyuan_jobs.casework.selectors import case_actions_for
from guangyuan_jobs.casework.tasks import lapse_overdue_materials
from guangyuan_jobs.core.errors import ApplicationError, NotFoundError
from guangyuan_jobs.policy.selectors import policy_value, working_days_add
from tests.casework.conftest import case_at, move, new_case, pdf_upload
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MISSING = {"missing_materials": [{"code": "BANK", "label": ""}, ["SOCIAL", "社保缴费证明"]]}


def accept_incomplete(case, crew):
    return move(case, "accept_incomplete", crew.intake, data=MISSING)


def test_accept_with_missing_materials_sets_their_due_date(crew):
    case = accept_incomplete(case_at("submitted", crew), crew)
    assert case.status == CaseStatus.ACCEPTED
    today = timezone.localdate()
    days = policy_value("casework.missing_material_due_working_days", on=today, region=case.region_id)
    expected = working_days_add(today, days).date
    rows = list(case.missing_materials.values_list("material_code", "label", "due_date", "supplied_at"))
    assert rows == [("BANK", "银行卡", expected, None), ("SOCIAL", "社保缴费证明", expected, None)]
    event = AuditEvent.objects.get(event_type="case.accept_incomplete", object_id=case.ref)
    assert event.details["missing_due_date"] == expected.isoformat()


def test_accept_incomplete_needs_the_list(crew):
    case = case_at("submitted", crew)
    with pytest.raises(ApplicationError) as exc:
        move(case, "accept_incomplete", crew.intake, data={"missing_materials": []})
    assert exc.value.code == "missing_materials_required"
    with pytest.raises(ApplicationError):
        move(case, "accept_incomplete", crew.intake, data={"missing_materials": [{"code": "X" * 40, "label": "a"}]})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_approval_waits_for_supplements_then_goes_ahead(crew):
    case = accept_incomplete(case_at("submitted", crew), crew)
    case = move(case, "review", crew.reviewer)
    with pytest.raises(ApplicationError) as exc:
        move(case, "approve", crew.approver)
    assert exc.value.code == "materials_missing"
    assert "approve" not in [a.code for a in case_actions_for(user=crew.approver, case=case)]

    services.material_supplement(case=case, material_code="BANK", file=pdf_upload("银行卡.pdf"), actor=crew.applicant)
    with pytest.raises(ApplicationError):
        move(case, "approve", crew.approver)  # one still missing
    supplied = services.material_supplement(case=case, material_code="SOCIAL", file=pdf_upload(),
                                            actor=crew.applicant)
    assert supplied.supplied_at and supplied.attachment.material_code == "SOCIAL"
    case.refresh_from_db()
    assert "approve" in [a.code for a in case_actions_for(user=crew.approver, case=case)]
    assert move(case, "approve", crew.approver).status == CaseStatus.APPROVED
    assert case.transitions.filter(action="supplement").count() == 2
    assert AuditEvent.objects.filter(event_type="case.material_supplied", object_id=case.ref).count() == 2


def test_supplement_moves_the_version_so_a_stale_page_reloads(crew):
    case = accept_incomplete(case_at("submitted", crew), crew)
    seen = case.version
    services.material_supplement(case=case, material_code="BANK", file=pdf_upload(), actor=crew.applicant)
    assert Case.objects.get(pk=case.pk).version == seen + 1


def test_supplement_refusals(crew, other_applicant):
    case = accept_incomplete(case_at("submitted", crew), crew)
    with pytest.raises(ApplicationError) as exc:
        services.material_supplement(case=case, material_code="ID_CARD", file=pdf_upload(), actor=crew.applicant)
    assert exc.value.code == "nothing_missing"
    with pytest.raises(NotFoundError):
        services.material_supplement(case=case, material_code="BANK", file=pdf_upload(), actor=other_applicant)
    assert case.missing_materials.filter(supplied_at__isnull=True).count() == 2


def test_lapse_task_lapses_only_cases_past_their_due_date(crew, sms_outbox, django_capture_on_commit_callbacks):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    overdue = accept_incomplete(case_at("submitted", crew), crew)
    MissingMaterial.objects.filter(case=overdue).update(due_date=yesterday)
    due_today = accept_incomplete(new_case(make_user("applicant_person")), crew)
    MissingMaterial.objects.filter(case=due_today).update(due_date=timezone.localdate())
    supplied = accept_incomplete(new_case(make_user("applicant_person")), crew)
    MissingMaterial.objects.filter(case=supplied).update(due_date=yesterday, supplied_at=timezone.now())
    complete = move(new_case(make_user("applicant_person")), "accept", crew.intake)
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        lapsed = lapse_overdue_materials.delay().get()

    assert lapsed == 1
    statuses = dict(Case.objects.filter(pk__in=[overdue.pk, due_today.pk, supplied.pk, complete.pk])
                    .values_list("pk", "status"))
    assert statuses == {overdue.pk: CaseStatus.LAPSED, due_today.pk: CaseStatus.ACCEPTED,
                        supplied.pk: CaseStatus.ACCEPTED, complete.pk: CaseStatus.ACCEPTED}
    assert Case.objects.get(pk=overdue.pk).transitions.last().actor is None  # the system lapsed it
    assert [m.phone for m in sms_outbox] == [overdue.applicant_person.phone]
    assert overdue.ref in sms_outbox[0].text and "失效" in sms_outbox[0].text
    assert lapse_overdue_materials.delay().get() == 0  # nothing twice


def test_returned_case_is_accepted_afresh_with_a_new_list(crew):
    case = accept_incomplete(case_at("submitted", crew), crew)
    case = move(case, "return", crew.reviewer, comment="请补正申请表")
    assert not case.missing_materials.exists()
    case = move(case, "resubmit", crew.applicant)
    case = accept_incomplete(case, crew)  # the same codes again: no clash with the old requests
    assert case.missing_materials.filter(supplied_at__isnull=True).count() == 2
    event = AuditEvent.objects.get(event_type="case.return", object_id=case.ref)
    assert event.details["missing_materials_withdrawn"] == ["BANK", "SOCIAL"]
