"""The pure rules: the statutory trigger and the rule metrics at their thresholds, the plausibility checks and
the return's due date."""

import datetime
from decimal import Decimal

import pytest

from monitoring import rules

D = datetime.date


def window(reductions, start=100, headcount=None, baseline=100):
    return rules.FirmWindow(start_headcount=start, reductions=reductions,
                            headcount=start - reductions if headcount is None else headcount,
                            baseline_headcount=baseline)


@pytest.mark.parametrize(("reductions", "start", "triggered"), [
    (19, 1000, False),  # under 20 people and under 10 %
    (20, 1000, True),  # 20 people, whatever the share
    (9, 100, False),  # 9 %
    (10, 100, True),  # exactly 10 %
    (1, 10, True),  # a small firm: 10 % is one person
    (0, 5, False),
])
def test_statutory_trigger_at_20_people_or_10_percent(reductions, start, triggered):
    outcome = rules.statutory_mass_layoff(window(reductions, start), min_people=20, min_ratio=Decimal("0.10"))
    assert outcome.triggered is triggered


@pytest.mark.parametrize(("metric", "reductions", "headcount", "threshold", "triggered"), [
    ("reductions", 199, None, Decimal(200), False),
    ("reductions", 200, None, Decimal(200), True),
    ("reduction_ratio", 29, None, Decimal("0.30"), False),
    ("reduction_ratio", 30, None, Decimal("0.30"), True),
    ("drop_vs_baseline", 0, 91, Decimal("0.10"), False),
    ("drop_vs_baseline", 0, 90, Decimal("0.10"), True),
])
def test_firm_metrics_at_their_thresholds(metric, reductions, headcount, threshold, triggered):
    outcome = rules.firm_metric(metric, window(reductions, headcount=headcount), threshold=threshold)
    assert outcome.triggered is triggered


def test_regional_rule_counts_firms_over_the_per_firm_limits():
    firms = [window(51)] * 4 + [window(30), window(31, start=100)]  # 30 % is not "more than 30 %"
    outcome = rules.area_metric("firms_laying_off", firms, threshold=Decimal(5), more_than_people=50,
                                more_than_ratio=Decimal("0.30"))
    assert outcome.value == 5 and outcome.triggered
    assert not rules.area_metric("firms_laying_off", firms[:4] + [window(30)], threshold=Decimal(5),
                                 more_than_people=50, more_than_ratio=Decimal("0.30")).triggered


def test_area_reduction_ratio_is_reductions_over_the_staff_before():
    outcome = rules.area_metric("area_reduction_ratio", [window(5, start=100), window(15, start=100)],
                                threshold=Decimal("0.10"))
    assert outcome.value == Decimal("0.1000") and outcome.triggered


def figures(**changes):
    base = {"headcount": 95, "hires": 5, "reductions": 10, "hidden_unemployed": 0, "dispatched": 0,
            "previous_headcount": 100, "baseline_headcount": 100}
    return rules.ReturnFigures(**{**base, **changes})


def check(**changes):
    return [f.code for f in rules.return_findings(figures(**changes), max_change_ratio=Decimal("0.5"),
                                                  balance_tolerance=2)]


def test_a_balanced_return_is_plausible():
    assert check() == []
    assert check(headcount=97) == []  # within the tolerance of 2


def test_implausible_returns_are_flagged_with_their_reasons():
    assert check(headcount=90) == ["balance"]
    assert check(headcount=40, reductions=65) == ["jump"]
    assert "reductions_exceed" in check(reductions=120, headcount=0, hires=20)
    assert check(hidden_unemployed=96) == ["hidden_exceeds"]


def test_due_date_is_the_due_day_or_the_last_day_of_a_short_month():
    assert rules.return_due_date(D(2026, 3, 1), due_day=24) == D(2026, 3, 24)
    assert rules.return_due_date(D(2026, 2, 1), due_day=30) == D(2026, 2, 28)
    assert rules.add_months(D(2026, 1, 1), -1) == D(2025, 12, 1)
