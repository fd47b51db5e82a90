"""The pure rules at their boundaries: amounts, rates, months and dates (property tests where a boundary moves
with the inputs). No database: the parameters are passed in as the adapters would pass them."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guangyuan_jobs.policy.selectors import ParameterValue
from subsidies import rules

D = datetime.date


def pv(key, value, unit=""):
    return ParameterValue(key=key, value=value, unit=unit, valid_from=D(2020, 1, 1), valid_to=None,
                          region_code="510800", document="测试文件", confidence="verified")


def params(**values) -> dict:
    return {key.replace("__", "."): pv(key.replace("__", "."), value) for key, value in values.items()}


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))
money = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000000"), places=2, allow_nan=False)


# --- dates and money ---------------------------------------------------------------------------------------------

@given(day=dates, months=st.integers(min_value=0, max_value=240))
def test_months_add_lands_in_the_right_month_on_the_same_day_or_the_months_last(day, months):
    result = rules.months_add(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == day.day or (result.day < day.day and (result + datetime.timedelta(days=1)).day == 1)


def test_months_add_at_the_end_of_a_month():
    assert rules.months_add(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert rules.months_add(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert rules.months_add(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert rules.months_add(D(2020, 12, 15), 1) == D(2021, 1, 15)


@given(total=money, months=st.integers(min_value=1, max_value=120))
def test_instalments_add_up_to_the_total(total, months):
    parts = rules.instalments_split(total, months)
    assert len(parts) == months and sum(parts) == total
    assert all(p >= 0 for p in parts)
    assert max(parts) - min(parts) < Decimal("0.01") * months


def test_percent_reads_naturally():
    assert rules.percent(Decimal("0.055")) == "5.5%"
    assert rules.percent(Decimal("0.20")) == "20%"
    assert rules.percent(Decimal("1")) == "100%"


# --- 稳岗返还 -----------------------------------------------------------------------------------------------------

WGFH = params(wgfh__ratio__large=Decimal("0.30"), wgfh__ratio__sme=Decimal("0.60"),
              wgfh__layoff_rate__control_target=Decimal("0.055"), wgfh__layoff_rate__small_firm_max=Decimal("0.20"),
              wgfh__layoff_rate__small_firm_max_staff=30, wgfh__contribution_months_min=12)


def refund(**changes) -> rules.RefundFacts:
    facts = {"premium_year": 2025, "size_class": "sme", "average_insured_staff": 50, "new_ui_claimants": 0,
             "prior_year_premiums": Decimal("100000.00"), "contribution_months": 12, "dishonest": False, **changes}
    return rules.RefundFacts(**facts)


def codes(findings) -> set[str]:
    return {f.code for f in findings}


@given(staff=st.integers(min_value=1, max_value=5000), claimants=st.integers(min_value=0, max_value=5000))
def test_layoff_rate_limit_is_twenty_percent_up_to_thirty_staff_then_the_control_target(staff, claimants):
    facts = refund(average_insured_staff=staff, new_ui_claimants=claimants)
    limit = Decimal("0.20") if staff <= 30 else Decimal("0.055")
    assert ("layoff_rate" in codes(rules.wgfh_eligibility(facts, WGFH))) == (claimants > limit * staff)


@pytest.mark.parametrize(("staff", "claimants", "refused"), [
    (30, 6, False),  # 20 % exactly
    (30, 7, True),
    (31, 1, False),  # 31 staff: 5.5 % applies, 1.705 people
    (31, 2, True),
    (200, 11, False),  # 5.5 % exactly
    (200, 12, True),
])
def test_layoff_rate_boundaries(staff, claimants, refused):
    facts = refund(average_insured_staff=staff, new_ui_claimants=claimants)
    assert ("layoff_rate" in codes(rules.wgfh_eligibility(facts, WGFH))) is refused


def test_refund_findings_name_each_condition():
    assert codes(rules.wgfh_eligibility(refund(), WGFH)) == set()
    assert codes(rules.wgfh_eligibility(refund(contribution_months=11), WGFH)) == {"contribution_months"}
    assert codes(rules.wgfh_eligibility(refund(dishonest=True), WGFH)) == {"dishonest"}
    assert codes(rules.wgfh_eligibility(refund(average_insured_staff=0), WGFH)) == {"no_insured_staff"}
    assert codes(rules.wgfh_eligibility(refund(prior_year_premiums=Decimal("0")), WGFH)) == {"no_premiums"}
    assert not any(f.blocking for f in rules.wgfh_eligibility(refund(dishonest=True, contribution_months=1), WGFH))


@given(premiums=money, size=st.sampled_from(["large", "sme"]))
def test_refund_is_the_size_ratio_of_the_premiums_rounded_to_the_cent(premiums, size):
    quote = rules.wgfh_amount(refund(prior_year_premiums=premiums, size_class=size), WGFH)
    ratio = Decimal("0.30") if size == "large" else Decimal("0.60")
    assert quote.amount == (ratio * premiums).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # 0.285 -> 0.29
    assert abs(quote.amount - ratio * premiums) <= Decimal("0.005")
    assert {p["key"] for p in quote.parameters} >= {f"wgfh.ratio.{size}", "wgfh.contribution_months_min"}


# --- 失业补助金 ---------------------------------------------------------------------------------------------------

SYBZJ = params(sybzj__window__start=D(2020, 3, 1), sybzj__window__end=D(2020, 12, 31),
               sybzj__window__payment_end=D(2021, 6, 30), sybzj__rate_of_ui_benefit_max=Decimal("0.80"),
               sybzj__ui_benefit_standard_monthly=Decimal("1060"), sybzj__max_months=6)


def unemployed(since, **changes) -> rules.UnemploymentFacts:
    return rules.UnemploymentFacts(**{"category": "not_eligible", "unemployed_since": since, "insured_months": 6,
                                      **changes})


@pytest.mark.parametrize(("since", "inside"), [(D(2020, 2, 29), False), (D(2020, 3, 1), True),
                                               (D(2020, 12, 31), True), (D(2021, 1, 1), False)])
def test_unemployment_window_boundaries(since, inside):
    assert ("outside_window" not in codes(rules.sybzj_eligibility(unemployed(since), SYBZJ))) is inside


@given(since=st.dates(min_value=D(2020, 3, 1), max_value=D(2021, 6, 30)))
def test_schedule_never_passes_the_cap_or_the_last_payable_month(since):
    schedule = rules.sybzj_schedule(unemployed(since), SYBZJ)
    assert schedule is not None
    assert 1 <= schedule.months <= 6
    last_month = rules.months_add(rules.month_start(since), schedule.months - 1)
    assert last_month <= D(2021, 6, 1)
    assert schedule.start == since and schedule.end == rules.months_add(since, schedule.months) - datetime.timedelta(1)
    assert schedule.monthly == Decimal("848.00") and schedule.total == Decimal("848.00") * schedule.months


def test_schedule_months_near_the_payment_end():
    assert rules.sybzj_schedule(unemployed(D(2020, 12, 20)), SYBZJ).months == 6  # Dec..May
    assert rules.sybzj_schedule(unemployed(D(2021, 2, 1)), SYBZJ).months == 5  # Feb..Jun
    assert rules.sybzj_schedule(unemployed(D(2021, 6, 30)), SYBZJ).months == 1
    assert rules.sybzj_schedule(unemployed(D(2021, 7, 1)), SYBZJ) is None
    assert "nothing_payable" in codes(rules.sybzj_eligibility(unemployed(D(2021, 7, 1)), SYBZJ))
    assert rules.sybzj_amount(unemployed(D(2021, 7, 1)), SYBZJ) is None


def test_unemployment_subsidy_amount_and_its_explanation():
    quote = rules.sybzj_amount(unemployed(D(2020, 4, 15)), SYBZJ)
    assert quote.amount == Decimal("5088.00")
    assert "1060" in quote.explanation and "848.00" in quote.explanation and "5088.00" in quote.explanation
    assert [p["key"] for p in quote.parameters][:2] == ["sybzj.ui_benefit_standard_monthly",
                                                        "sybzj.rate_of_ui_benefit_max"]


def test_an_overlapping_benefit_blocks_and_insured_months_matter_only_for_the_not_eligible():
    overlap = rules.BenefitSpan(label="失业保险金", start=D(2020, 1, 1), end=D(2020, 5, 1))
    findings = rules.sybzj_eligibility(unemployed(D(2020, 4, 15), overlapping=(overlap,)), SYBZJ)
    assert [f.code for f in findings if f.blocking] == ["benefit_overlap"]
    assert "not_insured" in codes(rules.sybzj_eligibility(unemployed(D(2020, 4, 15), insured_months=0), SYBZJ))
    assert "not_insured" not in codes(rules.sybzj_eligibility(
        unemployed(D(2020, 4, 15), insured_months=0, category=rules.BENEFIT_EXPIRED), SYBZJ))


# --- 技能提升补贴 -------------------------------------------------------------------------------------------------

JNTS = params(jnts__amount__junior=Decimal("1000"), jnts__amount__intermediate=Decimal("1500"),
              jnts__amount__senior=Decimal("2000"), jnts__amount__mode="fixed", jnts__contribution_months_min=12,
              jnts__application_window_months=12, jnts__max_per_year=3, jnts__occupation_level_limit_scope="lifetime",
              jnts__certificate_issued_on_or_after=D(2017, 1, 1))


def skill(**changes) -> rules.SkillFacts:
    return rules.SkillFacts(**{"occupation_code": "4-01-02-01", "level": 5, "issued_on": D(2024, 3, 15),
                               "ui_contribution_months": 12, "applied_on": D(2024, 6, 1), **changes})


def other(ref, *, code="4-01-02-01", level=5, year=2024) -> rules.SkillClaim:
    return rules.SkillClaim(ref=ref, occupation_code=code, level=level, year=year)


@given(issued=st.dates(min_value=D(2017, 1, 1), max_value=D(2030, 12, 31)), delay=st.integers(0, 800))
def test_claim_window_is_twelve_months_from_the_printed_issue_date(issued, delay):
    applied = issued + datetime.timedelta(days=delay)
    late = "late" in codes(rules.jnts_eligibility(skill(issued_on=issued, applied_on=applied), JNTS))
    assert late == (applied > rules.months_add(issued, 12))


@pytest.mark.parametrize(("issued", "applied", "late"), [
    (D(2024, 3, 15), D(2025, 3, 15), False), (D(2024, 3, 15), D(2025, 3, 16), True),
    (D(2024, 2, 29), D(2025, 2, 28), False), (D(2024, 2, 29), D(2025, 3, 1), True),
    (D(2023, 1, 31), D(2024, 1, 31), False),
])
def test_claim_window_boundaries(issued, applied, late):
    assert ("late" in codes(rules.jnts_eligibility(skill(issued_on=issued, applied_on=applied), JNTS))) is late


def test_skill_conditions():
    assert codes(rules.jnts_eligibility(skill(), JNTS)) == set()
    assert codes(rules.jnts_eligibility(skill(ui_contribution_months=11), JNTS)) == {"contribution_months"}
    assert codes(rules.jnts_eligibility(skill(issued_on=D(2016, 12, 31), applied_on=D(2017, 1, 5)), JNTS)) == {
        "certificate_too_old"}
    assert "certificate_future" in codes(rules.jnts_eligibility(skill(applied_on=D(2024, 3, 14)), JNTS))


def test_at_most_three_a_year_counting_only_the_claims_year():
    two = (other("A", code="1"), other("B", code="2"))
    assert "yearly_limit" not in codes(rules.jnts_eligibility(skill(others=two), JNTS))
    three = (*two, other("C", code="3"))
    blocking = [f for f in rules.jnts_eligibility(skill(others=three), JNTS) if f.blocking]
    assert [f.code for f in blocking] == ["yearly_limit"] and "A、B、C" in blocking[0].message
    last_year = tuple(other(r, code=r, year=2023) for r in "ABC")
    assert "yearly_limit" not in codes(rules.jnts_eligibility(skill(others=last_year), JNTS))


def test_no_lower_level_after_a_higher_one_of_the_same_occupation():
    senior_taken = (other("S", level=3, year=2022),)
    assert "higher_level_taken" in codes(rules.jnts_eligibility(skill(level=5, others=senior_taken), JNTS))
    junior_taken = (other("J", level=5, year=2022),)
    assert codes(rules.jnts_eligibility(skill(level=4, others=junior_taken), JNTS)) == set()  # upgrading is fine
    other_trade = (other("O", code="6-01", level=3),)
    assert codes(rules.jnts_eligibility(skill(level=5, others=other_trade), JNTS)) == set()


def test_once_per_occupation_and_level_for_life_or_per_year_as_the_scope_says():
    before = (other("X", level=5, year=2022),)
    assert "occupation_level_taken" in codes(rules.jnts_eligibility(skill(others=before), JNTS))
    per_year = {**JNTS, "jnts.occupation_level_limit_scope": pv("jnts.occupation_level_limit_scope", "per_year")}
    assert "occupation_level_taken" not in codes(rules.jnts_eligibility(skill(others=before), per_year))
    this_year = (other("Y", level=5, year=2024),)
    assert "occupation_level_taken" in codes(rules.jnts_eligibility(skill(others=this_year), per_year))


@pytest.mark.parametrize(("level", "amount"), [(5, "1000.00"), (4, "1500.00"), (3, "2000.00")])
def test_skill_amount_by_level_and_mode(level, amount):
    fixed = rules.jnts_amount(skill(level=level), JNTS)
    assert fixed.amount == Decimal(amount) and "固定" in fixed.explanation
    cap = rules.jnts_amount(skill(level=level), {**JNTS, "jnts.amount.mode": pv("jnts.amount.mode", "cap")})
    assert cap.amount == Decimal(amount) and "不超过" in cap.explanation


# --- 吸纳就业补贴, 社保补贴, 创业补贴 -------------------------------------------------------------------------------

XNJY = params(xnjy__amount_per_hire=Decimal("2000"), xnjy__contract_months_min=12)


@given(months=st.integers(min_value=1, max_value=600))
def test_hiring_subsidy_needs_a_contract_of_the_minimum_length(months):
    facts = rules.HiringFacts(hired_on=D(2025, 3, 1), contract_months=months, applied_on=D(2025, 4, 1))
    assert ("contract_months" in codes(rules.xnjy_eligibility(facts, XNJY))) == (months < 12)
    assert rules.xnjy_amount(facts, XNJY).amount == Decimal("2000.00")


@given(requests=st.lists(st.tuples(st.sampled_from(["hard_hired", "graduate_flexible", "public_welfare"]),
                                   st.integers(min_value=1, max_value=40)), max_size=8))
def test_insurance_months_cumulate_across_types_up_to_the_caps(requests):
    granted: list[tuple[str, int]] = []
    for category, months in requests:
        got = rules.sbbt_months_granted(category=category, requested=months, earlier=granted, max_months=36,
                                        graduate_max_months=24)
        assert 0 <= got <= months
        granted.append((category, got))
        assert sum(m for _c, m in granted) <= 36
        assert sum(m for c, m in granted if c == "graduate_flexible") <= 24
    if requests:
        category, months = requests[0]
        assert granted[0][1] == min(months, 24 if category == "graduate_flexible" else 36)


def test_insurance_months_left_block_only_when_none_remain():
    sbbt = params(sbbt__max_months=36, sbbt__graduate__max_months=24)
    facts = rules.InsuranceFacts(category="hard_hired", months=12, monthly_contribution=Decimal("512.34"),
                                 earlier=(("hard_hired", 30),))
    assert codes(rules.sbbt_eligibility(facts, sbbt)) == {"months_capped"}
    assert rules.sbbt_amount(facts, sbbt).amount == Decimal("3074.04")  # 6 × 512.34
    spent = rules.InsuranceFacts(category="hard_hired", months=1, monthly_contribution=Decimal("1"),
                                 earlier=(("hard_hired", 36),))
    assert [f.blocking for f in rules.sbbt_eligibility(spent, sbbt)] == [True]
    assert rules.sbbt_amount(spent, sbbt) is None


def test_startup_amount_comes_from_a_standard_or_the_reviewer_never_from_the_code():
    facts = rules.StartupFacts(registered_on=D(2026, 1, 5), applied_on=D(2026, 3, 1))
    assert rules.cybt_amount(facts, None) is None
    assert rules.cybt_no_amount_finding().code == "amount_not_set"
    with_reviewer = rules.StartupFacts(registered_on=D(2026, 1, 5), applied_on=D(2026, 3, 1),
                                       reviewer_amount=Decimal("5000"), reviewer_reason="参照市局批复")
    quote = rules.cybt_amount(with_reviewer, None)
    assert quote.amount == Decimal("5000.00") and "参照市局批复" in quote.explanation and quote.parameters == ()
    standard = pv("cybt.amount", Decimal("8000"))
    assert rules.cybt_amount(with_reviewer, standard).amount == Decimal("8000.00")
    assert codes(rules.cybt_eligibility(rules.StartupFacts(registered_on=D(2026, 3, 2), applied_on=D(2026, 3, 1)))) \
        == {"registered_future"}


# --- 一次性扩岗补助 -------------------------------------------------------------------------------------------------

KGBZ = params(kgbz__amount_per_hire=Decimal("1500"), kgbz__insured_months_min=3, kgbz__youth_age_min=16,
              kgbz__youth_age_max=24, kgbz__graduate__years_since_leaving_max=2)


def expansion(**changes) -> rules.JobExpansionFacts:
    values = {"hired_on": D(2025, 3, 1), "category": "unemployed_youth", "insured_months": 3,
              "birth_date": D(2003, 6, 1), "applied_on": D(2025, 7, 1), **changes}
    return rules.JobExpansionFacts(**values)


def test_job_expansion_subsidy_pays_the_standard_for_an_eligible_hire():
    assert rules.kgbz_eligibility(expansion(), KGBZ) == []
    quote = rules.kgbz_amount(expansion(), KGBZ)
    assert quote.amount == Decimal("1500.00") and "1500.00" in quote.explanation
    assert [p["key"] for p in quote.parameters] == ["kgbz.amount_per_hire", "kgbz.insured_months_min"]


@pytest.mark.parametrize(("birth", "eligible"), [
    (D(2009, 3, 1), True),  # 16 on the hiring day itself
    (D(2009, 3, 2), False),  # 15 until the next day
    (D(2000, 3, 2), True),  # 24, turning 25 the next day
    (D(2000, 3, 1), False),  # 25 on the hiring day
])
def test_an_unemployed_young_person_is_16_to_24_on_the_hiring_day(birth, eligible):
    findings = rules.kgbz_eligibility(expansion(birth_date=birth), KGBZ)
    assert ("youth_age" in codes(findings)) is not eligible
    assert all(f.blocking for f in findings)


@pytest.mark.parametrize(("left", "hired", "eligible"), [
    (D(2023, 6, 30), D(2025, 6, 30), True),  # two years to the day
    (D(2023, 6, 30), D(2025, 7, 1), False),
    (D(2025, 6, 30), D(2025, 2, 1), True),  # hired in the graduation year, before leaving school
    (D(2025, 6, 30), D(2024, 12, 31), False),  # hired before the graduation year
])
def test_a_graduate_is_hired_in_the_graduation_year_or_within_two_years_of_leaving(left, hired, eligible):
    findings = rules.kgbz_eligibility(expansion(category="graduate", left_school_on=left, hired_on=hired,
                                                birth_date=D(2000, 1, 1)), KGBZ)
    assert ("graduate_status" in codes(findings)) is not eligible


@given(months=st.integers(min_value=0, max_value=600))
def test_job_expansion_subsidy_needs_the_minimum_insured_months(months):
    findings = rules.kgbz_eligibility(expansion(insured_months=months), KGBZ)
    assert ("insured_months" in codes(findings)) == (months < 3)


def test_the_two_hiring_subsidies_are_not_combined_for_one_person():
    refused = rules.kgbz_eligibility(expansion(combined_with=("XNJY-2025-ABCDEFGH",)), KGBZ)
    assert codes(refused) == {"combined_with_xnjy"} and refused[0].blocking
    assert "XNJY-2025-ABCDEFGH" in refused[0].message
    hiring = rules.HiringFacts(hired_on=D(2025, 3, 1), contract_months=12, applied_on=D(2025, 4, 1),
                               combined_with=("KGBZ-2025-ABCDEFGH",))
    refused = rules.xnjy_eligibility(hiring, XNJY)
    assert codes(refused) == {"combined_with_kgbz"} and refused[0].blocking
    assert "KGBZ-2025-ABCDEFGH" in refused[0].message
