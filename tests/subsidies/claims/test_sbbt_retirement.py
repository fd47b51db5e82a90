"""社会保险补贴 to retirement (DOMAIN.md §6.1): a person fewer than `sbbt.near_retirement_years` years from the
statutory retirement age at the first approval has the subsidy to retirement instead of the normal cap; the
ages by sex and the threshold are policy parameters. Boundaries: exactly five years before is "not fewer"."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guangyuan_jobs.policy.selectors import ParameterValue
from subsidies import rules
from subsidies.kinds import claim_assess
from tests.factories import PersonFactory, make_id_number, make_user
from tests.subsidies.claims.conftest import file_claim

D = datetime.date


def value(key, v):
    return ParameterValue(key=key, value=v, unit="", valid_from=D(2017, 1, 1), valid_to=None, region_code="510800",
                          document="", confidence="secondary")


PARAMS = {key: value(key, v) for key, v in (
    ("sbbt.max_months", 36), ("sbbt.graduate.max_months", 24), ("sbbt.near_retirement_years", 5),
    ("sbbt.retirement_age.male", 60), ("sbbt.retirement_age.female", 50))}


def facts(*, born, sex="M", first_approved_on, months=60, category="hard_flexible", earlier=()):
    return rules.InsuranceFacts(category=category, months=months, monthly_contribution=Decimal("500.00"),
                                earlier=earlier, birth_date=born, sex=sex, first_approved_on=first_approved_on)


@pytest.mark.parametrize(("first_approved_on", "cap", "to_retirement"), [
    (D(2021, 6, 15), 36, False),  # exactly five years before retirement (2026-06-15): the normal cap
    (D(2021, 6, 16), 59, True),  # one day later: to retirement, 59 whole months
    (D(2022, 6, 15), 48, True),  # four years before: 48 months, beyond the normal 36
    (D(2024, 6, 15), 24, True),  # two years before: to retirement, which comes first
    (D(2026, 6, 15), 0, True),  # on the retirement day: nothing left
])
def test_the_cap_for_a_man_born_on_15_june_1966(first_approved_on, cap, to_retirement):
    result = rules.sbbt_cap(facts(born=D(1966, 6, 15), first_approved_on=first_approved_on), PARAMS)
    assert (result.months, result.to_retirement) == (cap, to_retirement)
    if to_retirement:
        assert result.retires_on == D(2026, 6, 15)


def test_the_age_follows_the_sex_and_the_parameter():
    # A woman of the same birth date retires at 50 (2016): long before; a woman born in 1974 retires in 2024.
    woman = rules.sbbt_cap(facts(born=D(1974, 3, 1), sex="F", first_approved_on=D(2020, 3, 2)), PARAMS)
    assert (woman.months, woman.retires_on) == (47, D(2024, 3, 1))
    man = rules.sbbt_cap(facts(born=D(1974, 3, 1), sex="M", first_approved_on=D(2020, 3, 2)), PARAMS)
    assert (man.months, man.to_retirement) == (36, False)
    later = {**PARAMS, "sbbt.retirement_age.female": value("sbbt.retirement_age.female", 55)}
    assert rules.sbbt_cap(facts(born=D(1974, 3, 1), sex="F", first_approved_on=D(2020, 3, 2)), later).months == 36


def test_graduates_and_people_without_a_retirement_age_keep_the_normal_caps():
    near = {"born": D(1966, 6, 15), "first_approved_on": D(2023, 1, 1)}
    assert rules.sbbt_cap(facts(category="graduate_flexible", **near), PARAMS).months == 36
    without = {k: v for k, v in PARAMS.items() if k != "sbbt.retirement_age.male"}
    assert rules.sbbt_cap(facts(**near), without).months == 36


def test_months_granted_and_the_explanation_run_to_retirement():
    # First approved four years before retirement: 48 months, 30 already used by an earlier claim.
    near = facts(born=D(1966, 6, 15), first_approved_on=D(2022, 6, 15), months=24, earlier=(("hard_hired", 30),))
    assert [f.code for f in rules.sbbt_eligibility(near, PARAMS)] == ["months_capped"]
    quote = rules.sbbt_amount(near, PARAMS)
    assert quote.amount == Decimal("9000.00")  # 18 months left × 500
    assert "2026-06-15" in quote.explanation and "48" in quote.explanation
    assert {p["key"] for p in quote.parameters} >= {"sbbt.near_retirement_years", "sbbt.retirement_age.male"}
    retired = facts(born=D(1966, 6, 15), first_approved_on=D(2026, 7, 1), months=6)
    findings = rules.sbbt_eligibility(retired, PARAMS)
    assert [f.code for f in findings] == ["retired"] and findings[0].blocking
    assert rules.sbbt_amount(retired, PARAMS) is None


@pytest.mark.django_db
def test_a_claim_near_retirement_is_granted_beyond_the_normal_cap():
    today = timezone.localdate()
    # A woman who reaches 50 in 42 months and a few days: the first approval (this claim) is within five years.
    born = rules.months_add(today, 42 - 50 * 12) + datetime.timedelta(days=3)
    person = PersonFactory(id_number=make_id_number(birth=born, seq=7, male=False))
    assert (person.sex, person.birth_date) == ("F", born)
    user = make_user("applicant_person", person=person)
    case = file_claim(user, "SBBT", months=40, period_start=str(today.replace(day=1)))
    assessment = claim_assess(case)
    assert not [f for f in assessment.findings if f.code in ("months_capped", "months_used")]
    assert assessment.quote.amount == Decimal("20000.00")  # 40 × 500, beyond the normal 36 months
    assert "retirement" in assessment.quote.explanation or "退休" in assessment.quote.explanation

    other = make_user("applicant_person")  # born in 1990 (the factory's default): the normal 36 months
    normal = claim_assess(file_claim(other, "SBBT", months=40, period_start=str(today.replace(day=1))))
    assert [f.code for f in normal.findings] == ["months_capped"] and normal.quote.amount == Decimal("18000.00")
