"""Group figures computed from hand-built records: placed, last year, served, person-times, the employed-or-
preparing rate, the 100 % placement check, by district and village."""

import datetime
from decimal import Decimal

import pytest

from guangyuan_jobs.registry.models import Region
from priority_groups import rules
from priority_groups.indicators import INDICATORS
from priority_groups.selectors import group_report_for
from priority_groups.services.plans import service_record_create
from tests.priority_groups.conftest import LIZHOU, WANGCANG, in_group, person_in, with_status

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR_2020 = (D(2020, 1, 1), D(2020, 12, 31))


@pytest.fixture
def graduates(caseworker):
    """Four 2020 graduates: two employed, one in training, one not working; five services in 2020, one in 2019."""
    people = [person_in(LIZHOU), person_in(LIZHOU), person_in(WANGCANG), person_in(WANGCANG)]
    for person in people:
        in_group(person, "graduate", caseworker, since=D(2020, 7, 1))
    with_status(people[0], "employed_local", D(2020, 9, 1), caseworker)
    with_status(people[1], "unemployed", D(2020, 7, 1), caseworker)
    with_status(people[1], "self_employed", D(2020, 12, 1), caseworker)
    with_status(people[2], "in_training", D(2020, 10, 1), caseworker)
    with_status(people[3], "unemployed", D(2020, 7, 1), caseworker)
    for person, day in ((people[0], D(2020, 8, 1)), (people[0], D(2020, 8, 20)), (people[1], D(2020, 9, 9)),
                        (people[2], D(2020, 7, 15)), (people[3], D(2020, 11, 11)), (people[3], D(2019, 12, 1))):
        service_record_create(person=person, service_type="career_guidance", served_on=day, channel="phone",
                              actor=caseworker)
    return people


def test_the_graduate_figures_come_from_the_records(graduates, caseworker):
    total, rows = group_report_for(user=caseworker, group="graduate", start=YEAR_2020[0], end=YEAR_2020[1])
    assert (total.members, total.placed, total.employed_or_preparing, total.served, total.person_times) == (
        4, 2, 3, 4, 5)
    assert total.employed_or_preparing_rate == Decimal("75.0")
    assert total.placed_rate == Decimal("50.0")
    assert not total.fully_placed
    assert [(r.area, r.members, r.placed, r.person_times) for r in rows] == [(LIZHOU, 2, 2, 3), (WANGCANG, 2, 0, 2)]


def test_placed_on_the_last_day_not_at_any_time(graduates, caseworker):
    with_status(graduates[0], "unemployed", D(2020, 12, 20), caseworker)
    total, _rows = group_report_for(user=caseworker, group="graduate", start=YEAR_2020[0], end=YEAR_2020[1])
    assert total.placed == 1
    mid_year, _rows = group_report_for(user=caseworker, group="graduate", start=D(2020, 1, 1), end=D(2020, 9, 30))
    assert mid_year.placed == 1 and mid_year.employed_or_preparing == 1


def test_the_full_placement_check(caseworker):
    fishermen = [person_in(WANGCANG), person_in(WANGCANG)]
    for person in fishermen:
        in_group(person, "retired_fisherman", caseworker, since=D(2020, 1, 1))
        with_status(person, "employed_out_province", D(2020, 5, 1), caseworker)
    total, _rows = group_report_for(user=caseworker, group="retired_fisherman", start=YEAR_2020[0],
                                    end=YEAR_2020[1])
    assert total.fully_placed and total.placed_rate == Decimal("100.0")
    nobody, _rows = group_report_for(user=caseworker, group="veteran", start=YEAR_2020[0], end=YEAR_2020[1])
    assert not nobody.fully_placed and nobody.placed_rate is None


def test_by_village(caseworker):
    village = Region.objects.create(code="510821101201", name="白水村", level="village", parent_id=WANGCANG)
    person = person_in(WANGCANG)
    person.region = village
    person.save(update_fields=["region"])
    in_group(person, "poverty_labourer", caseworker, since=D(2016, 1, 1))
    with_status(person, "employed_out_county", D(2020, 3, 1), caseworker)
    total, rows = group_report_for(user=caseworker, group="poverty_labourer", start=YEAR_2020[0], end=YEAR_2020[1],
                                   by="village")
    assert [(r.area_name, r.placed) for r in rows] == [("白水村", 1)]


def test_the_dashboard_indicators(graduates):
    from monitoring.indicators import IndicatorQuery

    query = IndicatorQuery(start=YEAR_2020[0], end=YEAR_2020[1])
    values = {indicator.code: indicator.compute(query) for indicator in INDICATORS}
    assert values["priority_groups.graduates_served"] == 4
    assert values["priority_groups.graduate_person_times"] == 5
    assert values["priority_groups.graduates_employed_or_preparing_rate"] == Decimal("75.0")
    in_wangcang = {i.code: i.compute(IndicatorQuery(start=YEAR_2020[0], end=YEAR_2020[1], region=WANGCANG))
                   for i in INDICATORS}
    assert in_wangcang["priority_groups.graduates_served"] == 2
    for indicator in INDICATORS:
        assert indicator.drilldown(query).startswith("/priority-groups/")


def test_rates_round_as_the_report_writes_them():
    assert rules.rate_percent(4544, 4608) == Decimal("98.6")
    assert rules.rate_percent(0, 0) is None
