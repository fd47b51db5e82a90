"""The loan and subsidy rules against figures worked by hand: caps and terms at their boundaries, the
counter-guarantee, and the quarterly interest subsidy (ACT/360 on the daily balance) across an LPR change, a
partial prepayment, an overdue month and the end of term."""

import datetime
from decimal import Decimal

import pytest

from entrepreneurship import rules
from guangyuan_jobs.policy.selectors import ParameterValue

D = datetime.date


def pv(key, value, region=None):
    return ParameterValue(key=key, value=value, unit="", valid_from=D(2020, 1, 1), valid_to=None, region_code=region,
                          document="", confidence="verified")


def person_params(**overrides):
    values = {
        "cddk.individual.max_amount": Decimal("200000"), "cddk.individual.term_years_max": 3,
        "cddk.individual.max_loans": 3, "cddk.individual.business_operating_months_min": 3,
        "cddk.individual.online_merchant_operating_months_min": 6,
        "cddk.eligible_groups": ["registered_unemployed", "graduate", "returning_migrant"],
        "cddk.counter_guarantee.exempt_groups": ["graduate"],
        "cddk.partnership.extra_ratio": Decimal("0.10"),
    }
    values.update(overrides)
    params = {k: pv(k, v) for k, v in values.items()}
    params[rules.WAIVER_KEY] = pv(rules.WAIVER_KEY, Decimal("150000"), region="510800")
    return params


def enterprise_params():
    values = {"cddk.enterprise.max_amount": Decimal("3000000"), "cddk.enterprise.term_years_max": 2,
              "cddk.enterprise.max_loans": 2, "cddk.enterprise.new_hire_ratio": Decimal("0.15"),
              "cddk.enterprise.new_hire_ratio_large": Decimal("0.08"), "cddk.enterprise.large_staff_threshold": 100}
    return {k: pv(k, v) for k, v in values.items()}


def facts(**overrides):
    base = {"loan_type": rules.INDIVIDUAL, "amount": Decimal("150000"), "term_months": 36,
            "group_code": "returning_migrant", "applied_on": D(2021, 3, 10), "business_started_on": D(2020, 12, 10)}
    base.update(overrides)
    return rules.LoanFacts(**base)


def codes(findings):
    return {f.code for f in findings}


def test_individual_cap_and_term_at_their_boundaries():
    params = person_params()
    assert rules.loan_findings(facts(amount=Decimal("200000")), params) == []
    assert codes(rules.loan_findings(facts(amount=Decimal("200000.01")), params)) == {"cap"}
    assert rules.loan_findings(facts(term_months=36), params) == []
    assert codes(rules.loan_findings(facts(term_months=37), params)) == {"term"}


def test_business_must_have_operated_three_months_online_shops_six():
    params = person_params()
    # 2020-12-10 to 2021-03-10 is exactly 3 months; a day later started is 2 months.
    assert rules.loan_findings(facts(), params) == []
    assert codes(rules.loan_findings(facts(business_started_on=D(2020, 12, 11)), params)) == {"operating"}
    assert codes(rules.loan_findings(facts(online_merchant=True), params)) == {"operating"}
    assert rules.loan_findings(facts(online_merchant=True, business_started_on=D(2020, 9, 10)), params) == []


def test_group_earlier_loans_overdue_and_guarantor():
    params = person_params()
    assert codes(rules.loan_findings(facts(group_code="veteran"), params)) == {"group"}
    assert rules.loan_findings(facts(earlier_loans=2), params) == []
    assert codes(rules.loan_findings(facts(earlier_loans=3), params)) == {"max_loans"}
    assert codes(rules.loan_findings(facts(earlier_overdue=True, guarantor_busy=True, guarantor_defaulted=True),
                                     params)) == {"earlier_overdue", "guarantor_busy", "guarantor_defaulted"}


def test_partnership_cap_is_the_partners_caps_plus_ten_percent():
    params = person_params()
    # 3 partners × 200,000 × 1.10 = 660,000
    cap = rules.loan_cap(facts(loan_type=rules.PARTNERSHIP, partners=3), params)
    assert cap.amount == Decimal("660000.00")
    ok = facts(loan_type=rules.PARTNERSHIP, partners=3, amount=Decimal("660000"))
    assert rules.loan_findings(ok, params) == []
    over = facts(loan_type=rules.PARTNERSHIP, partners=3, amount=Decimal("660000.01"))
    assert codes(rules.loan_findings(over, params)) == {"cap"}
    assert "partners" in codes(rules.loan_findings(facts(loan_type=rules.PARTNERSHIP, partners=1), params))


def test_enterprise_new_hire_ratio_and_large_firm_threshold():
    params = enterprise_params()
    firm = {"loan_type": rules.ENTERPRISE, "amount": Decimal("3000000"), "term_months": 24, "group_code": "small_micro"}
    # 100 staff: 15 % -> 15 hires needed; 101 staff: 8 % -> 8.08, so 9 hires.
    assert rules.loan_findings(facts(**firm, current_staff=100, new_hires=15), params) == []
    assert codes(rules.loan_findings(facts(**firm, current_staff=100, new_hires=14), params)) == {"new_hires"}
    assert codes(rules.loan_findings(facts(**firm, current_staff=101, new_hires=8), params)) == {"new_hires"}
    assert rules.loan_findings(facts(**firm, current_staff=101, new_hires=9), params) == []
    assert codes(rules.loan_findings(facts(**{**firm, "term_months": 25}, current_staff=10, new_hires=2),
                                     params)) == {"term"}


def test_counter_guarantee_waived_up_to_guangyuan_150k_and_explained():
    params = person_params()
    waived = rules.counter_guarantee(facts(amount=Decimal("150000")), params)
    assert not waived.required and "150,000.00" in waived.explanation and "510800" in waived.explanation
    needed = rules.counter_guarantee(facts(amount=Decimal("150000.01")), params)
    assert needed.required and "150,000.01" in needed.explanation
    # A group the fund backs on credit alone, and an honour, waive it whatever the amount.
    assert not rules.counter_guarantee(facts(amount=Decimal("200000"), group_code="graduate"), params).required
    assert not rules.counter_guarantee(facts(amount=Decimal("200000"), honoured=True), params).required
    # The amount waiver is for individual loans: a partnership of 150,000 needs one.
    assert rules.counter_guarantee(facts(loan_type=rules.PARTNERSHIP, partners=2), params).required


# --- the interest subsidy, worked by hand ---------------------------------------------------------------------


def contract(**overrides):
    base = {"disbursed_on": D(2020, 6, 15), "principal": Decimal("200000"), "subsidy_rate": Decimal("2.00"),
            "subsidy_end": D(2023, 6, 15), "day_count_basis": 360}
    base.update(overrides)
    return rules.SubsidyContract(**base)


def test_rates_are_fixed_on_the_contract_date_across_an_lpr_change():
    # Contract 2021-06-01 at 4.35 %, LPR then 3.85 %: borrower pays 3.85 − 1.50 = 2.35 %, the subsidy 2.00 %.
    before = rules.loan_rates(annual_rate=Decimal("4.35"), lpr=Decimal("3.85"), offset_bp=150)
    assert (before.borrower_rate, before.subsidy_rate) == (Decimal("2.35"), Decimal("2.00"))
    # After the LPR fell to 3.70 % (2022-01-20) a new contract at 4.35 %: borrower 2.20 %, subsidy 2.15 %.
    after = rules.loan_rates(annual_rate=Decimal("4.35"), lpr=Decimal("3.70"), offset_bp=150)
    assert (after.borrower_rate, after.subsidy_rate) == (Decimal("2.20"), Decimal("2.15"))
    # A contract rate below LPR − 150bp leaves nothing to subsidise.
    assert rules.loan_rates(annual_rate=Decimal("2.00"), lpr=Decimal("3.85"), offset_bp=150).subsidy_rate == 0
    # The first loan keeps 2.00 % in 2022 Q1 (90 days): 200,000 × 2.00 % × 90 / 360 = 1,000.00.
    first = rules.quarter_subsidy(contract(disbursed_on=D(2021, 6, 1), subsidy_end=D(2024, 6, 1)),
                                  repayments=[], overdue=[], year=2022, quarter=1)
    assert first.amount == Decimal("1000.00") and first.days == 90
    # The second, disbursed 2022-02-01: 100,000 × 2.15 % × 59 / 360 (28 days of February and 31 of
    # March) = 352.361… -> 352.36.
    second = rules.quarter_subsidy(contract(disbursed_on=D(2022, 2, 1), principal=Decimal("100000"),
                                            subsidy_rate=Decimal("2.15"), subsidy_end=D(2025, 2, 1)),
                                   repayments=[], overdue=[], year=2022, quarter=1)
    assert second.amount == Decimal("352.36") and second.days == 59


def test_a_full_quarter_and_the_first_part_quarter():
    # 2020 Q3 has 92 days: 200,000 × 2 % × 92 / 360 = 1,022.222… -> 1,022.22.
    assert rules.quarter_subsidy(contract(), repayments=[], overdue=[], year=2020, quarter=3).amount == Decimal(
        "1022.22")
    # 2020 Q2 from disbursement on 15 June (counted) to 30 June: 16 days -> 177.777… -> 177.78.
    q2 = rules.quarter_subsidy(contract(), repayments=[], overdue=[], year=2020, quarter=2)
    assert (q2.amount, q2.days) == (Decimal("177.78"), 16)


def test_partial_prepayment_lowers_the_balance_from_its_day():
    # 50,000 repaid on 16 Aug 2020: 1 Jul–15 Aug 46 days at 200,000 = 511.111…; 16 Aug–30 Sep 46 days at
    # 150,000 = 383.333…; together 894.444… -> 894.44.
    result = rules.quarter_subsidy(contract(), repayments=[(D(2020, 8, 16), Decimal("50000"))], overdue=[],
                                   year=2020, quarter=3)
    assert result.amount == Decimal("894.44")
    assert result.balance_at_end == Decimal("150000")
    assert [s.days for s in result.segments] == [46, 46]


def test_no_subsidy_for_an_overdue_month():
    # Overdue 1 Aug, cured 1 Sep 2020: 31 days without subsidy; 61 days remain: 200,000 × 2 % × 61 / 360 =
    # 677.777… -> 677.78.
    result = rules.quarter_subsidy(contract(), repayments=[], overdue=[(D(2020, 8, 1), D(2020, 9, 1))],
                                   year=2020, quarter=3)
    assert result.amount == Decimal("677.78") and result.days == 61
    # Still overdue at the quarter's end: only July counts, 31 days -> 344.444… -> 344.44.
    open_ended = rules.quarter_subsidy(contract(), repayments=[], overdue=[(D(2020, 8, 1), None)], year=2020,
                                       quarter=3)
    assert open_ended.amount == Decimal("344.44")


def test_subsidy_ends_at_the_end_of_term():
    # A 12-month loan contracted 2020-06-15 matures 2021-06-15: in 2021 Q2 it is subsidised 1 Apr–14 Jun,
    # 75 days: 200,000 × 2 % × 75 / 360 = 833.333… -> 833.33; nothing in Q3.
    end = rules.subsidy_end_date(contract_date=D(2020, 6, 15), maturity=rules.add_months(D(2020, 6, 15), 12),
                                 term_years=3)
    assert end == D(2021, 6, 15)
    loan = contract(subsidy_end=end)
    assert rules.quarter_subsidy(loan, repayments=[], overdue=[], year=2021, quarter=2).amount == Decimal("833.33")
    assert rules.quarter_subsidy(loan, repayments=[], overdue=[], year=2021, quarter=3).amount == Decimal("0.00")
    # A 3-year enterprise loan gets 2 years of subsidy: it ends 2022-06-15, not at maturity 2023-06-15.
    assert rules.subsidy_end_date(contract_date=D(2020, 6, 15), maturity=D(2023, 6, 15), term_years=2) == D(
        2022, 6, 15)


def test_a_settled_loan_gets_nothing_after_its_last_repayment():
    # Repaid in full on 1 Sep 2020: Jul–Aug (62 days) only: 200,000 × 2 % × 62 / 360 = 688.888… -> 688.89.
    result = rules.quarter_subsidy(contract(), repayments=[(D(2020, 9, 1), Decimal("200000"))], overdue=[],
                                   year=2020, quarter=3)
    assert result.amount == Decimal("688.89") and result.balance_at_end == 0


def test_month_arithmetic():
    assert rules.add_months(D(2021, 1, 31), 1) == D(2021, 2, 28)
    assert rules.add_months(D(2020, 11, 30), 3) == D(2021, 2, 28)
    assert rules.months_between(D(2020, 1, 31), D(2020, 2, 29)) == 0
    assert rules.quarter_span(2020, 4) == (D(2020, 10, 1), D(2021, 1, 1))
    with pytest.raises(ValueError):
        rules.quarter_span(2020, 5)
