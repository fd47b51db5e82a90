"""Claims through their services: filing, correcting, submitting, the effects of casework's moves on the
claim's tables (voided slots, benefit period, monthly schedule), the stop, the reviewer's amount, and the
counter clerk filing for a walk-in applicant."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework import services as casework
from guangyuan_jobs.casework.models import Case, CaseStatus, Payment
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from guangyuan_jobs.registry.models import Person
from subsidies.models import (
    BenefitPeriod,
    HiringSubsidyDetail,
    JobExpansionSubsidyDetail,
    SkillUpgradeDetail,
    StartupSubsidyDetail,
    SubsidyInstalment,
    UnemploymentSubsidyDetail,
)
from subsidies.services import claims as services
from tests.factories import PersonFactory, make_id_number, make_user
from tests.subsidies.claims.conftest import (
    advance,
    file_claim,
    jnts_data,
    move,
    sbbt_data,
    sybzj_data,
    xnjy_data,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_filing_keeps_a_draft_with_its_details_and_an_audit_event(crew):
    case = file_claim(crew.person, "SYBZJ")
    assert case.status == CaseStatus.DRAFT and case.kind == "SYBZJ"
    assert (case.period_start, case.period_end) == (D(2020, 4, 15), D(2020, 10, 14))
    detail = UnemploymentSubsidyDetail.objects.get(case=case)
    assert detail.person == crew.person.person and detail.insured_months == 8 and not detail.voided
    event = AuditEvent.objects.get(event_type="subsidies.claim_filed", object_id=case.ref)
    assert event.details["data"]["unemployed_since"] == "2020-04-15"


def test_bad_data_is_refused_field_by_field_and_files_nothing(crew):
    with pytest.raises(ValidationError) as info:
        file_claim(crew.person, "SYBZJ", unemployed_since="2020-13-01", insured_months=-1, category="nope")
    assert set(info.value.message_dict) == {"unemployed_since", "insured_months", "category"}
    assert not Case.objects.exists()


def test_the_hired_persons_id_number_is_never_audited_in_full(crew):
    number = make_id_number()
    case = file_claim(crew.firm, "XNJY", hired_id_number=number)
    assert HiringSubsidyDetail.objects.get(case=case).hired_person.name == "王小二"
    details = AuditEvent.objects.get(event_type="subsidies.claim_filed", object_id=case.ref).details
    assert number not in str(details) and details["data"]["hired_id_number"] == number[:6] + "********" + number[-4:]


@pytest.mark.parametrize(("kind", "second"), [
    ("SYBZJ", {"unemployed_since": "2020-06-01"}),  # once per person, whatever the date
    ("JNTS", {}),  # the same occupation and level
    ("CYBT", {}),  # once per person
])
def test_a_second_live_claim_is_refused_and_a_closed_one_frees_the_slot(crew, kind, second):
    data = jnts_data() if kind == "JNTS" else {}
    first = file_claim(crew.person, kind, **data)
    again = {**data, "certificate_no": "OTHER-CERT"} if kind == "JNTS" else {}
    with pytest.raises(ConflictError) as info:
        file_claim(crew.person, kind, **again, **second)
    assert info.value.code == "duplicate_claim" and info.value.extra["ref"] == first.ref
    services.claim_withdraw(case=first, actor=crew.person)
    assert CLAIM_DETAIL[kind].objects.get(case=first).voided
    assert file_claim(crew.person, kind, **again, **second).status == CaseStatus.DRAFT


CLAIM_DETAIL = {"SYBZJ": UnemploymentSubsidyDetail, "JNTS": SkillUpgradeDetail, "CYBT": StartupSubsidyDetail}


def test_one_certificate_pays_once_and_a_hired_person_counts_for_one_employer(crew):
    file_claim(crew.person, "JNTS", certificate_no="CERT-1")
    with pytest.raises(ConflictError):
        file_claim(crew.person, "JNTS", certificate_no="CERT-1", occupation_code="6-02")
    number = make_id_number()
    file_claim(crew.firm, "XNJY", hired_id_number=number)
    other_firm = make_user("applicant_enterprise")
    with pytest.raises(ConflictError) as info:
        file_claim(other_firm, "XNJY", hired_id_number=number)
    assert "一次性吸纳" in str(info.value.message) or "one employer" in str(info.value.message)


def test_correcting_a_draft_changes_only_what_is_sent(crew):
    case = file_claim(crew.person, "SYBZJ")
    version = case.version
    case = services.claim_update_draft(case=case, actor=crew.person, data={"unemployed_since": "2020-05-02",
                                                                           "status": "approved"})
    detail = UnemploymentSubsidyDetail.objects.get(case=case)
    assert detail.unemployed_since == D(2020, 5, 2) and detail.insured_months == 8
    assert case.period_start == D(2020, 5, 2) and case.version == version + 1 and case.status == CaseStatus.DRAFT
    other = make_user("applicant_person")
    with pytest.raises(NotFoundError):
        services.claim_update_draft(case=case, actor=other, data={"insured_months": 1})
    services.claim_submit(case=case, actor=crew.person)
    with pytest.raises(ConflictError):
        services.claim_update_draft(case=case, actor=crew.person, data={"insured_months": 1})


def test_submission_quotes_the_amount_and_holds_the_benefit_period(crew):
    case = services.claim_submit(case=file_claim(crew.person, "SYBZJ"), actor=crew.person)
    assert case.status == CaseStatus.SUBMITTED and case.requested_amount == Decimal("5088.00")
    assert case.policy_snapshot["amount"]["parameters"][0]["key"] == "sybzj.ui_benefit_standard_monthly"
    detail = UnemploymentSubsidyDetail.objects.get(case=case)
    assert (detail.monthly_amount, detail.months) == (Decimal("848.00"), 6)
    period = BenefitPeriod.objects.get(case=case)
    assert (period.start_date, period.end_date, period.voided) == (D(2020, 4, 15), D(2020, 10, 14), False)
    again = services.claim_submit(case=case, actor=crew.person)  # a double click
    assert again.version == case.version and case.transitions.filter(action="submit").count() == 1
    assert BenefitPeriod.objects.filter(case=case).count() == 1


def test_an_overlapping_ui_benefit_refuses_the_submission_and_leaves_the_draft(crew):
    case = file_claim(crew.person, "SYBZJ")
    BenefitPeriod.objects.create(person=crew.person.person, benefit=BenefitPeriod.Benefit.UI_BENEFIT,
                                 start_date=D(2019, 11, 1), end_date=D(2020, 4, 30),
                                 source=BenefitPeriod.Source.SOCIAL_INSURANCE)
    with pytest.raises(ConflictError) as info:
        services.claim_submit(case=case, actor=crew.person)
    assert info.value.code == "benefit_overlap" and "2020-04-30" in str(info.value.message)
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and not BenefitPeriod.objects.filter(case=case).exists()
    services.claim_update_draft(case=case, actor=crew.person, data={"unemployed_since": "2020-05-01"})
    assert services.claim_submit(case=case, actor=crew.person).status == CaseStatus.SUBMITTED


def test_approval_makes_the_monthly_schedule_adding_up_to_the_payment(crew):
    case = advance(file_claim(crew.person, "SYBZJ", submit=True), "approved", crew)
    months = list(SubsidyInstalment.objects.filter(case=case).values_list("month", "amount", "status"))
    assert [m for m, _a, _s in months] == [D(2020, m, 1) for m in range(4, 10)]
    assert {a for _m, a, _s in months} == {Decimal("848.00")} and {s for *_x, s in months} == {"scheduled"}
    assert sum(a for _m, a, _s in months) == case.approved_amount == Payment.objects.get(case=case).amount


def test_batch_approval_makes_the_schedules_too(crew, django_capture_on_commit_callbacks):
    cases = [advance(file_claim(make_user("applicant_person"), "SYBZJ", submit=True), "reviewed", crew)
             for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        job = casework.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    job.refresh_from_db()
    assert job.applied == 3
    for case in cases:
        assert SubsidyInstalment.objects.filter(case=case).count() == 6


def test_refusal_after_approval_voids_the_claim_and_stops_its_months(crew):
    case = advance(file_claim(crew.person, "SYBZJ", submit=True), "approved", crew)
    move(case, "refuse", crew.approver2, comment="公示期间有异议，查实已就业")
    assert UnemploymentSubsidyDetail.objects.get(case=case).voided
    assert BenefitPeriod.objects.get(case=case).voided
    assert set(SubsidyInstalment.objects.filter(case=case).values_list("status", flat=True)) == {"stopped"}
    assert file_claim(crew.person, "SYBZJ").status == CaseStatus.DRAFT  # the slot is free again


@pytest.mark.parametrize("action", ["reject", "lapse"])
def test_every_closing_move_voids_the_details(crew, action):
    case = file_claim(crew.person, "CYBT", submit=True)
    if action == "reject":
        move(case, "reject", crew.intake, comment="材料不全")
    else:
        move(case, "accept_incomplete", crew.intake, data={"missing_materials": [{"code": "business_licence"}]})
        case.missing_materials.update(due_date=D(2020, 1, 1))
        casework.case_lapse_overdue()
    case.refresh_from_db()
    assert case.status in (CaseStatus.REJECTED, CaseStatus.LAPSED)
    assert StartupSubsidyDetail.objects.get(case=case).voided


def test_payments_stop_from_the_month_after_re_employment(crew):
    case = advance(file_claim(crew.person, "SYBZJ", submit=True), "approved", crew)
    with pytest.raises(ForbiddenError):
        services.instalments_stop(case=case, on=D(2020, 7, 10), reason="reemployed", actor=crew.person)
    result = services.instalments_stop(case=case, on=D(2020, 7, 10), reason="reemployed", actor=crew.reviewer)
    assert (result.stopped, result.amount_stopped, result.paid_after_stop) == (2, Decimal("1696.00"), 0)
    statuses = dict(SubsidyInstalment.objects.filter(case=case).values_list("month", "status"))
    assert statuses[D(2020, 7, 1)] == "scheduled" and statuses[D(2020, 8, 1)] == statuses[D(2020, 9, 1)] == "stopped"
    assert BenefitPeriod.objects.get(case=case).end_date == D(2020, 7, 9)
    detail = UnemploymentSubsidyDetail.objects.get(case=case)
    assert (detail.stopped_on, detail.stop_reason) == (D(2020, 7, 10), "reemployed")
    assert AuditEvent.objects.get(event_type="subsidies.instalments_stopped").details["months_stopped"] == 2
    with pytest.raises(ConflictError):
        services.instalments_stop(case=case, on=D(2020, 8, 1), reason="ui_benefit", actor=crew.reviewer)


def test_a_stop_after_the_last_month_or_before_approval_is_refused(crew):
    case = file_claim(crew.person, "SYBZJ", submit=True)
    with pytest.raises(ConflictError):
        services.instalments_stop(case=case, on=D(2020, 7, 10), reason="reemployed", actor=crew.reviewer)
    case = advance(case, "approved", crew)
    with pytest.raises(ApplicationError) as info:
        services.instalments_stop(case=case, on=D(2021, 1, 1), reason="reemployed", actor=crew.reviewer)
    assert info.value.code == "after_end"


def _skill_claims(user, count: int, **changes):
    return [file_claim(user, "JNTS", occupation_code=f"4-0{i}", submit=True, **changes) for i in range(1, count + 1)]


def test_at_most_three_skill_subsidies_a_year(crew):
    _skill_claims(crew.person, 3)
    fourth = file_claim(crew.person, "JNTS", occupation_code="6-99")
    with pytest.raises(ConflictError) as info:
        services.claim_submit(case=fourth, actor=crew.person)
    assert info.value.code == "yearly_limit"
    fourth.refresh_from_db()
    assert fourth.status == CaseStatus.DRAFT


def test_no_lower_skill_level_after_a_higher_one(crew):
    file_claim(crew.person, "JNTS", level=4, submit=True)
    junior = file_claim(crew.person, "JNTS", level=5)
    with pytest.raises(ConflictError) as info:
        services.claim_submit(case=junior, actor=crew.person)
    assert info.value.code == "higher_level_taken"
    senior = file_claim(crew.person, "JNTS", level=3)
    assert services.claim_submit(case=senior, actor=crew.person).status == CaseStatus.SUBMITTED


def test_social_insurance_months_are_capped_over_all_claims(crew):
    first = file_claim(crew.person, "SBBT", months=30, submit=True)
    assert first.requested_amount == Decimal("15000.00")
    second = file_claim(crew.person, "SBBT", **{**sbbt_data(), "period_start": "2028-07-01", "months": 12,
                                                 "category": "hard_hired"}, submit=True)
    assert second.requested_amount == Decimal("3000.00")  # 6 months left of 36
    assert any("6" in issue for issue in second.details["eligibility_issues"])
    third = file_claim(crew.person, "SBBT", period_start="2030-01-01", months=3)
    with pytest.raises(ConflictError) as info:
        services.claim_submit(case=third, actor=crew.person)
    assert info.value.code == "months_used"


def test_startup_amount_is_set_by_the_reviewer_when_no_standard_exists(crew):
    case = file_claim(crew.person, "CYBT", submit=True)
    assert case.requested_amount is None
    case = move(case, "accept", crew.intake)
    with pytest.raises(ApplicationError) as info:
        move(case, "review", crew.reviewer)
    assert info.value.code == "amount_not_set"
    with pytest.raises(ForbiddenError):
        services.claim_amount_set(case=case, amount=Decimal("5000"), reason="参照同类", actor=crew.intake)
    with pytest.raises(ApplicationError):
        services.claim_amount_set(case=case, amount=Decimal("0"), reason="参照同类", actor=crew.reviewer)
    services.claim_amount_set(case=case, amount=Decimal("5000"), reason="参照市局 2026 年批复", actor=crew.reviewer)
    case = move(case, "review", crew.reviewer)
    assert case.approved_amount == Decimal("5000.00")
    assert "参照市局 2026 年批复" in case.policy_snapshot["amount"]["explanation"]
    with pytest.raises(ConflictError):
        services.claim_amount_set(case=case, amount=Decimal("6000"), reason="改", actor=crew.reviewer)


def test_a_kind_without_its_parameters_cannot_be_reviewed_but_can_be_filed(crew):
    case = file_claim(crew.person, "SYBZJ", unemployed_since="2019-06-01", submit=True)
    assert case.requested_amount is None
    assert case.details["eligibility_issues"]
    case = move(case, "accept", crew.intake)
    with pytest.raises(ApplicationError) as info:
        move(case, "review", crew.reviewer)
    assert info.value.code == "no_programme"


def test_a_corrected_claim_is_judged_afresh(crew):
    case = file_claim(crew.person, "JNTS", ui_contribution_months=3, submit=True)
    assert case.details["eligibility_issues"]
    case = move(case, "return", crew.intake, comment="缴费月数有误")
    services.claim_update_draft(case=case, actor=crew.person, data={"ui_contribution_months": 30})
    case = services.claim_submit(case=case, actor=crew.person)
    assert case.status == CaseStatus.SUBMITTED and case.details["eligibility_issues"] == []


def test_a_counter_clerk_files_for_a_walk_in_found_by_id_number(crew):
    person = PersonFactory(name="李四")
    found = services.claim_applicant_find(kind="SYBZJ", actor=crew.intake, id_number=person.id_number, name="李四")
    assert found == person
    with pytest.raises(ApplicationError) as info:
        services.claim_applicant_find(kind="SYBZJ", actor=crew.intake, id_number=person.id_number, name="李五")
    assert info.value.code == "applicant_name_mismatch"
    with pytest.raises(ForbiddenError):
        services.claim_applicant_find(kind="SYBZJ", actor=crew.reviewer, id_number=person.id_number, name="李四")
    new_number = make_id_number()
    created = services.claim_applicant_find(kind="SYBZJ", actor=crew.intake, id_number=new_number, name="赵六")
    assert Person.objects.filter(pk=created.pk, name="赵六").exists()
    case = services.claim_file(kind="SYBZJ", actor=crew.intake, applicant_person=person, data=sybzj_data(),
                               submit=True)
    assert case.status == CaseStatus.SUBMITTED and case.created_by == crew.intake and case.applicant_person == person


def test_a_district_clerk_cannot_file_for_another_district(crew):
    clerk = make_user("intake", region_code="510821")
    person = PersonFactory()  # registered in 510802
    with pytest.raises(ForbiddenError):
        services.claim_file(kind="SYBZJ", actor=clerk, applicant_person=person, data=sybzj_data())
    assert not Case.objects.exists()


def test_a_hire_cannot_be_filed_without_a_valid_id_number(crew):
    with pytest.raises(ValidationError) as info:
        file_claim(crew.firm, "XNJY", **{**xnjy_data(), "hired_id_number": "510802199001011230"})
    assert "hired_id_number" in info.value.message_dict


# --- 一次性扩岗补助 job-expansion subsidy ---------------------------------------------------------------------------

def test_an_eligible_hire_is_submitted_with_the_job_expansion_standard(crew):
    number = make_id_number(birth=D(2003, 6, 1))
    case = file_claim(crew.firm, "KGBZ", submit=True, hired_id_number=number)
    assert case.status == CaseStatus.SUBMITTED and case.requested_amount == Decimal("1500.00")
    assert "1500.00" in case.policy_snapshot["amount"]["explanation"]
    detail = JobExpansionSubsidyDetail.objects.get(case=case)
    assert detail.hired_person.name == "李小青" and detail.enterprise == crew.firm.enterprise
    assert (detail.category, detail.insured_months, detail.left_school_on) == ("unemployed_youth", 3, None)
    audited = AuditEvent.objects.get(event_type="subsidies.claim_filed", object_id=case.ref).details
    assert number not in str(audited)


def test_the_insured_months_required_follow_the_hiring_date(crew):
    # One month sufficed for hires up to 2024; three are needed for hires in 2025.
    assert file_claim(crew.firm, "KGBZ", submit=True, hired_on="2023-05-10",
                      insured_months=1).requested_amount == Decimal("1500.00")
    with pytest.raises(ConflictError) as info:
        file_claim(crew.firm, "KGBZ", submit=True, hired_on="2025-05-10", insured_months=1)
    assert "至少须缴纳 3 个月" in str(info.value.message)


@pytest.mark.parametrize(("changes", "code", "message"), [
    ({"hired_id_number": make_id_number(birth=D(1999, 6, 1))}, "youth_age",
     "招用人员在招用之日为 25 周岁：登记失业青年须为 16 至 24 周岁。"),
    ({"category": "graduate", "left_school_on": "2021-06-30"}, "graduate_status",
     "该毕业生于 2021-06-30 离校：仅限毕业年度或离校 2 年内招用的高校毕业生。"),
    ({"insured_months": 2}, "insured_months", "单位为招用人员缴纳失业、工伤、养老保险 2 个月；至少须缴纳 3 个月。"),
    ({"hired_on": "2021-12-31"}, "hire_outside_window", "一次性扩岗补助政策不覆盖 2021-12-31 的招用"),
    ({"hired_on": "2026-01-02"}, "hire_outside_window", "一次性扩岗补助政策不覆盖 2026-01-02 的招用"),
])
def test_an_ineligible_job_expansion_claim_is_refused_and_nothing_is_stored(crew, changes, code, message):
    with pytest.raises(ConflictError) as info:
        file_claim(crew.firm, "KGBZ", submit=True, **changes)
    assert info.value.code == code and message in str(info.value.message)
    assert not Case.objects.filter(kind="KGBZ").exists() and not JobExpansionSubsidyDetail.objects.exists()


def test_a_graduate_needs_the_date_they_left_school(crew):
    with pytest.raises(ValidationError) as info:
        file_claim(crew.firm, "KGBZ", submit=True, category="graduate")
    assert info.value.message_dict["left_school_on"] == ["请填写毕业生的离校日期。"]
    assert not Case.objects.filter(kind="KGBZ").exists()


def test_a_hired_person_counts_for_one_employer_for_the_job_expansion_subsidy(crew):
    number = make_id_number(birth=D(2003, 6, 1))
    first = file_claim(crew.firm, "KGBZ", submit=True, hired_id_number=number)
    with pytest.raises(ConflictError) as info:
        file_claim(make_user("applicant_enterprise"), "KGBZ", submit=True, hired_id_number=number)
    assert info.value.code == "duplicate_claim" and info.value.extra["ref"] == first.ref
    assert str(info.value.message) == f"该人员已有一次性扩岗补助申请（同一人员只能由一家单位申领）：{first.ref}。"
    assert list(Case.objects.filter(kind="KGBZ").values_list("ref", flat=True)) == [first.ref]
    services.claim_withdraw(case=first, actor=crew.firm)  # a closed claim frees the person
    assert file_claim(make_user("applicant_enterprise"), "KGBZ", hired_id_number=number).status == CaseStatus.DRAFT


def test_a_job_expansion_claim_is_refused_for_a_person_claimed_with_the_hiring_subsidy(crew):
    number = make_id_number(birth=D(2003, 6, 1))
    hiring = file_claim(crew.firm, "XNJY", submit=True, hired_id_number=number)
    for firm in (crew.firm, make_user("applicant_enterprise")):
        with pytest.raises(ConflictError) as info:
            file_claim(firm, "KGBZ", submit=True, hired_id_number=number)
        assert info.value.code == "combined_with_xnjy"
        assert str(info.value.message) == (f"该人员已申请一次性吸纳就业补贴（申请 {hiring.ref}）：同一人员不能同时享受"
                                           "一次性扩岗补助。")
    assert not Case.objects.filter(kind="KGBZ").exists() and not JobExpansionSubsidyDetail.objects.exists()


def test_a_hiring_subsidy_is_refused_for_a_person_claimed_with_the_job_expansion_subsidy(crew):
    number = make_id_number(birth=D(2003, 6, 1))
    expansion = file_claim(crew.firm, "KGBZ", submit=True, hired_id_number=number)
    with pytest.raises(ConflictError) as info:
        file_claim(make_user("applicant_enterprise"), "XNJY", submit=True, hired_id_number=number)
    assert info.value.code == "combined_with_kgbz"
    assert str(info.value.message) == (f"该人员已申请一次性扩岗补助（申请 {expansion.ref}）：同一人员不能同时享受"
                                       "一次性吸纳就业补贴。")
    assert not Case.objects.filter(kind="XNJY").exists() and not HiringSubsidyDetail.objects.exists()


def test_a_draft_is_refused_at_submission_once_the_other_hiring_subsidy_is_claimed(crew):
    number = make_id_number(birth=D(2003, 6, 1))
    draft = file_claim(crew.firm, "KGBZ", hired_id_number=number)
    hiring = file_claim(make_user("applicant_enterprise"), "XNJY", submit=True, hired_id_number=number)
    with pytest.raises(ConflictError) as info:
        services.claim_submit(case=draft, actor=crew.firm)
    assert info.value.code == "combined_with_xnjy" and hiring.ref in str(info.value.message)
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT
