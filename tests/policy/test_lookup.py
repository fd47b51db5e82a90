"""policy_value / policy_parameter: the nearest region wins, periods include both ends, a gap fails clearly."""

import datetime
from decimal import Decimal

import pytest

from guangyuan_jobs.policy.models import PolicyParameter
from guangyuan_jobs.policy.selectors import PolicyParameterMissing, policy_parameter, policy_value

pytestmark = pytest.mark.django_db
D = datetime.date
START = D(2024, 1, 1)


def add(key, value, *, region=None, start=START, end=None, value_type="integer", unit=""):
    return PolicyParameter.objects.create(key=key, value=value, value_type=value_type, unit=unit, region_id=region,
                                          valid_from=start, valid_to=end, confidence="verified")


def test_county_beats_city_beats_sichuan_beats_national():
    add("test.override", 1)
    add("test.override", 2, region="510000")
    add("test.override", 3, region="510800")
    add("test.override", 4, region="510802")
    on = D(2024, 6, 1)
    assert policy_value("test.override", on=on, region="510802") == 4
    assert policy_value("test.override", on=on, region="510824") == 3  # another county: the city's value
    assert policy_value("test.override", on=on, region="510800") == 3
    assert policy_value("test.override", on=on, region="510000") == 2
    assert policy_value("test.override", on=on) == 1


def test_a_closed_county_period_falls_back_to_the_city():
    add("test.fallback", 10, region="510800")
    add("test.fallback", 20, region="510802", end=D(2024, 3, 31))
    assert policy_value("test.fallback", on=D(2024, 3, 31), region="510802") == 20
    assert policy_value("test.fallback", on=D(2024, 4, 1), region="510802") == 10


def test_valid_from_and_valid_to_are_both_inclusive():
    add("test.period", 1, start=D(2024, 1, 1), end=D(2024, 6, 30))
    add("test.period", 2, start=D(2024, 7, 1))
    assert policy_value("test.period", on=D(2024, 1, 1)) == 1
    assert policy_value("test.period", on=D(2024, 6, 30)) == 1
    assert policy_value("test.period", on=D(2024, 7, 1)) == 2
    assert policy_value("test.period", on=D(2030, 1, 1)) == 2
    with pytest.raises(PolicyParameterMissing):
        policy_value("test.period", on=D(2023, 12, 31))


def test_seeded_loan_cap_changes_on_the_day_of_caijin_2020_21():
    assert policy_value("cddk.individual.max_amount", on=D(2020, 4, 14), region="510802") == Decimal("150000")
    assert policy_value("cddk.individual.max_amount", on=D(2020, 4, 15), region="510802") == Decimal("200000")
    assert policy_value("cddk.individual.max_amount", on=D(2024, 1, 1), region="510802") == Decimal("300000")


def test_seeded_guangyuan_counter_guarantee_waiver_overrides_the_national_one():
    on = D(2024, 5, 1)
    assert policy_value("cddk.counter_guarantee_waiver_max_amount", on=on, region="510824") == Decimal("150000")
    assert policy_value("cddk.counter_guarantee_waiver_max_amount", on=on) == Decimal("100000")


def test_missing_parameter_error_is_clear_and_in_chinese():
    with pytest.raises(PolicyParameterMissing) as caught:
        policy_value("jnts.amount.junior", on=D(2016, 6, 1), region="510802")
    error = caught.value
    assert error.code == "policy_parameter_missing"
    assert error.http_status == 400
    assert "jnts.amount.junior" in error.message
    assert "2016-06-01" in error.message
    assert "利州区" in error.message
    assert "没有生效的政策参数" in error.message
    assert error.extra == {"key": "jnts.amount.junior", "on": "2016-06-01", "region": "510802"}


def test_values_come_back_typed_with_their_source():
    parameter = policy_parameter("jnts.amount.junior", on=D(2024, 1, 1), region="510802")
    assert parameter.value == Decimal("1000")
    assert parameter.region_code == "510000"  # Sichuan's fixed amount, not the national cap
    assert parameter.confidence == "secondary"
    assert policy_value("jnts.amount.mode", on=D(2024, 1, 1), region="510802") == "fixed"
    assert policy_value("jnts.amount.mode", on=D(2024, 1, 1)) == "cap"
    assert policy_value("sybzj.window.start", on=D(2020, 6, 1)) == D(2020, 3, 1)
    assert policy_value("cddk.interest.no_subsidy_if_overdue", on=D(2021, 1, 1)) is True
    assert policy_value("jnts.max_per_year", on=D(2024, 1, 1)) == 3
    snapshot = parameter.as_snapshot()
    assert snapshot["value"] == "1000" and snapshot["region"] == "510000" and snapshot["valid_to"] is None


def test_the_chain_follows_the_parent_links_not_the_shape_of_the_code():
    """A township filed under another district (a boundary change) takes that district's value; a village
    below it inherits the same; a code nobody registered gets the national value."""
    from guangyuan_jobs.registry.models import Region

    add("test.links", 1)
    add("test.links", 2, region="510800")
    add("test.links", 3, region="510811")
    add("test.links", 4, region="510802")
    town = Region.objects.create(code="510802777", name="飞地镇", level="township", parent_id="510811")
    Region.objects.create(code="510802777001", name="飞地村", level="village", parent=town)
    on = D(2024, 6, 1)
    assert policy_value("test.links", on=on, region="510802777") == 3
    assert policy_value("test.links", on=on, region="510802777001") == 3
    assert policy_value("test.links", on=on, region="510899") == 1  # unregistered: national only


def test_parent_links_that_loop_end_the_chain_instead_of_hanging():
    from guangyuan_jobs.registry.models import Region

    add("test.loop", 7)
    first = Region.objects.create(code="510802881", name="甲", level="township", parent_id="510802")
    second = Region.objects.create(code="510802882", name="乙", level="township", parent=first)
    Region.objects.filter(pk=first.pk).update(parent=second)  # a data error: each the other's parent
    assert policy_value("test.loop", on=D(2024, 6, 1), region="510802882") == 7
