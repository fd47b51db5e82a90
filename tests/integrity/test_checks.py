"""Each risk rule on hand-built cases that trip it, and on cases that narrowly do not."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guangyuan_jobs.casework.models import CaseStatus
from integrity.models import Finding, RecordKind
from integrity.rules import resident_id_short_form, resident_id_upgrade
from integrity.services.screening import cases_screen
from tests.factories import PersonFactory, make_id_number
from tests.integrity.conftest import D, add_record, make_case


def rules_hit(case) -> set[str]:
    cases_screen(case_ids=[case.pk], trigger=Finding.Trigger.NIGHTLY)
    return set(Finding.objects.filter(case=case).values_list("rule__code", flat=True))


def test_ui_benefit_overlapping_the_unemployment_subsidy_trips_it(crew):
    case = make_case(crew)  # 2025-03-01 .. 2025-08-31
    add_record(RecordKind.UI_BENEFIT, person=case.applicant_person, start=D(2024, 9, 1), end=D(2025, 3, 1))
    assert "sybzj-ui-benefit-overlap" in rules_hit(case)
    finding = Finding.objects.get(case=case, rule__code="sybzj-ui-benefit-overlap")
    assert "2025-03-01" in finding.summary and finding.severity == "high"


def test_ui_benefit_ending_the_day_before_does_not(crew):
    case = make_case(crew)
    add_record(RecordKind.UI_BENEFIT, person=case.applicant_person, start=D(2024, 9, 1), end=D(2025, 2, 28))
    assert "sybzj-ui-benefit-overlap" not in rules_hit(case)


def test_ui_benefit_rule_applies_only_to_its_kinds(crew):
    case = make_case(crew, kind="SBBT")
    add_record(RecordKind.UI_BENEFIT, person=case.applicant_person, start=D(2025, 1, 1), end=None)
    assert "sybzj-ui-benefit-overlap" not in rules_hit(case)


def test_repeat_payment_for_an_overlapping_period_trips_it(crew):
    person = PersonFactory()
    make_case(crew, kind="SBBT", person=person, status=CaseStatus.PAID, period=(D(2025, 1, 1), D(2025, 6, 30)))
    case = make_case(crew, kind="SBBT", person=person, period=(D(2025, 6, 30), D(2025, 12, 31)))
    assert "repeat-payment" in rules_hit(case)


def test_repeat_payment_for_the_next_period_does_not(crew):
    person = PersonFactory()
    make_case(crew, kind="SBBT", person=person, status=CaseStatus.PAID, period=(D(2025, 1, 1), D(2025, 6, 30)))
    later = make_case(crew, kind="SBBT", person=person, period=(D(2025, 7, 1), D(2025, 12, 31)))
    other_kind = make_case(crew, kind="CYBT", person=person, period=(D(2025, 3, 1), D(2025, 3, 1)))
    assert "repeat-payment" not in rules_hit(later)
    assert "repeat-payment" not in rules_hit(other_kind)


def test_one_person_under_two_id_numbers_same_name_birth_and_phone_trips_it(crew):
    birth = D(1988, 5, 6)
    first = PersonFactory(id_number=make_id_number(birth=birth, seq=11), name="张三丰", phone="13800001111")
    second = PersonFactory(id_number=make_id_number(region="510821", birth=birth, seq=12), name="张三丰",
                           phone="13800001111")
    make_case(crew, kind="SBBT", person=first, period=(D(2025, 1, 1), D(2025, 12, 31)))
    case = make_case(crew, kind="SBBT", person=second, period=(D(2025, 2, 1), D(2025, 12, 31)))
    assert "duplicate-identity" in rules_hit(case)
    finding = Finding.objects.get(case=case, rule__code="duplicate-identity")
    assert first.id_number_masked in finding.summary and first.id_number not in finding.summary


def test_same_name_and_birth_with_another_phone_does_not(crew):
    birth = D(1988, 5, 6)
    first = PersonFactory(id_number=make_id_number(birth=birth, seq=21), name="李四", phone="13800002222")
    second = PersonFactory(id_number=make_id_number(birth=birth, seq=22), name="李四", phone="13800003333")
    make_case(crew, kind="SBBT", person=first, period=(D(2025, 1, 1), D(2025, 12, 31)))
    case = make_case(crew, kind="SBBT", person=second, period=(D(2025, 2, 1), D(2025, 12, 31)))
    assert "duplicate-identity" not in rules_hit(case)


def test_a_15_18_digit_pair_is_one_person():
    old = "510802880506123"
    new = resident_id_upgrade(old)
    assert new.startswith("51080219880506123") and len(new) == 18
    assert resident_id_short_form(new) == old


def test_payment_after_death_trips_it_and_death_on_the_payment_day_does_not(crew):
    today = timezone.localdate()
    dead_before = make_case(crew, kind="SBBT")
    add_record(RecordKind.DEATH, person=dead_before.applicant_person, start=today - datetime.timedelta(days=1))
    dead_today = make_case(crew, kind="SBBT")
    add_record(RecordKind.DEATH, person=dead_today.applicant_person, start=today)
    assert "paid-after-death" in rules_hit(dead_before)
    assert "paid-after-death" not in rules_hit(dead_today)


def test_paid_case_after_death_trips_it(crew):
    case = make_case(crew, kind="SBBT", status=CaseStatus.PAID, paid_on=D(2025, 9, 10))
    add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2025, 9, 9))
    assert "paid-after-death" in rules_hit(case)


def test_benefit_while_in_prison_trips_it_and_release_the_day_before_does_not(crew):
    inside = make_case(crew)
    add_record(RecordKind.CUSTODY, person=inside.applicant_person, start=D(2025, 8, 31), end=None)
    released = make_case(crew)
    add_record(RecordKind.CUSTODY, person=released.applicant_person, start=D(2023, 1, 1), end=D(2025, 2, 28))
    assert "paid-in-custody" in rules_hit(inside)
    assert "paid-in-custody" not in rules_hit(released)


@pytest.mark.parametrize("kind", ["WGFH", "XNJY", "KGBZ"])
def test_firm_deregistered_before_the_period_trips_it(crew, firm, kind):
    case = make_case(crew, kind=kind, enterprise=firm, period=(D(2025, 1, 1), D(2025, 12, 31)))
    add_record(RecordKind.FIRM_STATUS, enterprise=firm, start=D(2010, 1, 1), end=D(2024, 12, 31),
               attributes={"status": "deregistered", "status_label": "注销"})
    assert "firm-deregistered" in rules_hit(case)


def test_firm_deregistered_on_the_first_day_of_the_period_does_not(crew, firm):
    case = make_case(crew, kind="WGFH", enterprise=firm, period=(D(2025, 1, 1), D(2025, 12, 31)))
    add_record(RecordKind.FIRM_STATUS, enterprise=firm, start=D(2010, 1, 1), end=D(2025, 1, 1),
               attributes={"status": "deregistered", "status_label": "注销"})
    assert "firm-deregistered" not in rules_hit(case)


def test_one_finding_per_rule_and_case_however_often_screened(crew):
    case = make_case(crew, kind="SBBT")
    add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2020, 1, 1))
    for _ in range(3):
        cases_screen(case_ids=[case.pk], trigger=Finding.Trigger.NIGHTLY)
    assert Finding.objects.filter(case=case).count() == 1


def test_a_finding_goes_to_a_verifier_who_did_not_handle_the_case(crew):
    case = make_case(crew, kind="SBBT", amount=Decimal("100.00"))
    add_record(RecordKind.DEATH, person=case.applicant_person, start=D(2020, 1, 1))
    rules_hit(case)
    finding = Finding.objects.get(case=case)
    assert finding.verifier is not None
    assert finding.verifier_id not in {crew.intake.pk, crew.approver.pk}


def test_the_loan_and_training_rules_run_when_their_apps_tables_exist(db):
    from integrity.checks import get_check
    from integrity.models import RiskRule

    for code in ("loan-borrower-insured-elsewhere", "trainee-certificate-before-class"):
        rule = RiskRule.objects.get(code=code)
        assert rule.active and get_check(rule.check_code) is not None


def test_quarters_run_from_their_first_to_their_last_day():
    from integrity.risk_checks import quarter_span

    assert quarter_span(2025, 1) == (D(2025, 1, 1), D(2025, 3, 31))
    assert quarter_span(2025, 4) == (D(2025, 10, 1), D(2025, 12, 31))
