import datetime
from decimal import Decimal

import pytest

from startup_parks import rules

D = datetime.date
CRITERIA = (rules.Criterion("site", "场地", Decimal(20), "租赁合同"), rules.Criterion("jobs", "就业", Decimal(30), ""),
            rules.Criterion("services", "服务", Decimal(50), "台账"))


def test_the_total_is_the_sum_of_the_scores():
    sheet, errors = rules.score_sheet(CRITERIA, {"site": "18.5", "jobs": "30", "services": "21.25"})
    assert errors == {}
    assert sheet.total == Decimal("69.75")


@pytest.mark.parametrize(("raw", "field"), [
    ({"site": "20.01", "jobs": "1", "services": "1"}, "site"),      # above the criterion's maximum
    ({"site": "-1", "jobs": "1", "services": "1"}, "site"),         # negative
    ({"site": "1", "jobs": "1"}, "services"),                       # a criterion left unscored
    ({"site": "1.005", "jobs": "1", "services": "1"}, "site"),      # more than 2 decimals
    ({"site": "abc", "jobs": "1", "services": "1"}, "site"),
    ({"site": "NaN", "jobs": "1", "services": "1"}, "site"),
])
def test_a_bad_score_is_refused_by_criterion(raw, field):
    sheet, errors = rules.score_sheet(CRITERIA, raw)
    assert sheet is None and field in errors


def test_a_score_at_the_maximum_and_at_zero_is_accepted():
    sheet, errors = rules.score_sheet(CRITERIA, {"site": "20", "jobs": "0", "services": "50.00"})
    assert not errors and sheet.total == Decimal("70.00")


def test_an_unknown_criterion_is_refused():
    _sheet, errors = rules.score_sheet(CRITERIA, {"site": "1", "jobs": "1", "services": "1", "bonus": "10"})
    assert "__all__" in errors


def test_the_application_total_is_the_mean_rounded_half_up():
    assert rules.application_total([Decimal("70.00"), Decimal("69.99")]) == Decimal("70.00")  # 69.995 -> 70.00
    assert rules.application_total([Decimal("70.00"), Decimal("69.98")]) == Decimal("69.99")
    assert rules.application_total([]) is None


def test_the_pass_mark_itself_passes_one_cent_below_fails():
    assert rules.passes(Decimal("70.00"), Decimal("70"))
    assert not rules.passes(Decimal("69.99"), Decimal("70"))
    assert not rules.passes(None, Decimal("70"))


@pytest.mark.parametrize(("start", "years", "end"), [
    (D(2026, 3, 1), 3, D(2029, 2, 28)),
    (D(2027, 3, 1), 1, D(2028, 2, 29)),   # a leap day inside the period
    (D(2028, 2, 29), 3, D(2031, 2, 28)),  # from a leap day
    (D(2026, 1, 1), 3, D(2028, 12, 31)),
])
def test_the_certificate_runs_to_the_day_before_the_anniversary(start, years, end):
    assert rules.certificate_valid_to(start, years) == end


def test_reevaluation_is_due_from_the_window_s_first_day():
    today = D(2026, 11, 28)
    assert rules.reevaluation_due(today + datetime.timedelta(days=90), today=today, window_days=90)
    assert not rules.reevaluation_due(today + datetime.timedelta(days=91), today=today, window_days=90)
    assert rules.reevaluation_due(today - datetime.timedelta(days=1), today=today, window_days=90)  # ended
    assert not rules.reevaluation_due(None, today=today, window_days=90)


def test_criteria_for_a_kind_fall_back_to_the_default_list():
    value = {"default": [["a", "A", 60, "x"], ["b", "B", 40, ""]], "rural_return": [["r", "R", 100, "y"]]}
    assert [c.code for c in rules.criteria_for(value, "student")] == ["a", "b"]
    assert [c.code for c in rules.criteria_for(value, "rural_return")] == ["r"]
