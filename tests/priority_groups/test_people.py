"""Groups, the employment status history and the derived zero-employment household."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ConflictError
from priority_groups.models import EmploymentStatus, GroupMembership
from priority_groups.selectors import household_employment, status_on
from priority_groups.services.people import household_create, household_member_add, membership_add, membership_end
from tests.priority_groups.conftest import group, in_group, person_in, with_status

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_person_holds_several_groups_each_dated_with_its_evidence(caseworker):
    person = person_in()
    in_group(person, "graduate", caseworker, since=D(2020, 7, 1))
    in_group(person, "veteran", caseworker, since=D(2019, 1, 1))
    assert set(person.group_memberships.values_list("group_id", flat=True)) == {"graduate", "veteran"}
    event = AuditEvent.objects.filter(event_type="priority_groups.membership.added").first()
    assert event.actor == caseworker and event.details["group"] in {"graduate", "veteran"}


def test_an_overlapping_membership_of_the_same_group_is_refused(caseworker):
    person = person_in()
    first = in_group(person, "graduate", caseworker, since=D(2020, 7, 1))
    with pytest.raises(ConflictError):
        in_group(person, "graduate", caseworker, since=D(2021, 1, 1))
    membership_end(membership=first, valid_to=D(2020, 12, 31), actor=caseworker)
    with pytest.raises(ConflictError):
        in_group(person, "graduate", caseworker, since=D(2020, 12, 1))
    in_group(person, "graduate", caseworker, since=D(2021, 1, 1))
    assert GroupMembership.objects.filter(person=person).count() == 2


def test_hard_to_employ_needs_its_subtype(caseworker):
    person = person_in()
    with pytest.raises(ValidationError) as exc:
        membership_add(person=person, group=group("hard_to_employ"), valid_from=D(2020, 1, 1), evidence="认定表",
                       actor=caseworker)
    assert "subtype" in exc.value.message_dict
    with pytest.raises(ValidationError):
        membership_add(person=person, group=group("hard_to_employ"), subtype=group("graduate"),
                       valid_from=D(2020, 1, 1), evidence="认定表", actor=caseworker)
    membership = membership_add(person=person, group=group("hard_to_employ"), subtype=group("hte_4050"),
                                valid_from=D(2020, 1, 1), evidence="认定表", actor=caseworker)
    assert membership.subtype.name.startswith("大龄")


def test_a_new_status_closes_the_open_period_the_day_before(caseworker):
    person = person_in()
    with_status(person, "unemployed", D(2020, 7, 1), caseworker)
    with_status(person, "in_training", D(2020, 9, 1), caseworker)
    with_status(person, "employed_local", D(2020, 11, 16), caseworker)
    periods = list(EmploymentStatus.objects.filter(person=person).order_by("valid_from")
                   .values_list("status", "valid_from", "valid_to"))
    assert periods == [("unemployed", D(2020, 7, 1), D(2020, 8, 31)),
                       ("in_training", D(2020, 9, 1), D(2020, 11, 15)),
                       ("employed_local", D(2020, 11, 16), None)]
    assert status_on(person, D(2020, 8, 31)).status == "unemployed"
    assert status_on(person, D(2020, 9, 1)).status == "in_training"
    assert status_on(person, D(2020, 6, 30)) is None


def test_a_status_that_would_rewrite_history_is_refused(caseworker):
    person = person_in()
    with_status(person, "unemployed", D(2020, 7, 1), caseworker)
    for day in (D(2020, 7, 1), D(2020, 3, 1)):
        with pytest.raises(ConflictError):
            with_status(person, "employed_local", day, caseworker)
    assert EmploymentStatus.objects.filter(person=person).count() == 1


def test_zero_employment_household_is_derived_from_its_members(caseworker):
    today = D(2026, 6, 1)
    head = person_in(birth=D(1975, 5, 1), name="王大山")          # 51, of working age (men to 60)
    wife = person_in(birth=D(1974, 2, 1), male=False, name="李秀")  # 52: past women's 50, not of working age
    son = person_in(birth=D(2000, 1, 1), name="王小山")             # 26, of working age
    child = person_in(birth=D(2015, 1, 1), name="王小妹")           # 11, too young
    household = household_create(name="王大山户", region=head.region, head=head, actor=caseworker)
    for member, relationship in ((wife, "spouse"), (son, "child"), (child, "child")):
        household_member_add(household=household, person=member, relationship=relationship, actor=caseworker)
    for member in (head, son):
        with_status(member, "unemployed", D(2026, 1, 1), caseworker)
    with_status(wife, "employed_local", D(2026, 1, 1), caseworker)  # working, but past working age
    state = household_employment(household, on=today)
    assert state.zero_employment
    assert [m.working_age for m in state.members] == [True, False, True, False]

    with_status(son, "flexible", D(2026, 5, 1), caseworker)
    assert not household_employment(household, on=today).zero_employment
    assert household_employment(household, on=D(2026, 4, 30)).zero_employment


def test_a_person_belongs_to_one_household(caseworker):
    head = person_in()
    other_head = person_in()
    household_create(name="甲户", region=head.region, head=head, actor=caseworker)
    other = household_create(name="乙户", region=other_head.region, head=other_head, actor=caseworker)
    with pytest.raises(ConflictError):
        household_member_add(household=other, person=head, relationship="other", actor=caseworker)
