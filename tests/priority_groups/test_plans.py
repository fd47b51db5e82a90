"""One plan per person: the contact cadence from the policy parameters, follow-ups scheduled and done by
service records, overdue follow-ups on the caseworker's list."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from guangyuan_jobs.core.errors import ConflictError
from guangyuan_jobs.policy.models import PolicyParameter
from priority_groups.models import FollowUp, ServiceRecord
from priority_groups.selectors import follow_ups_due_for
from priority_groups.services.plans import plan_close, plan_create, service_record_create
from tests.factories import make_user
from tests.priority_groups.conftest import in_group, person_in

pytestmark = pytest.mark.django_db
D = datetime.date
START = D(2026, 1, 5)


def _plan(person, caseworker, started_on=START):
    return plan_create(person=person, caseworker=caseworker, needs=["job", "skills"], needs_note="想在本地找工作",
                       measures=[("job_referral", "推荐3个本地岗位")], started_on=started_on, actor=caseworker)


def test_the_cadence_is_the_shortest_of_the_persons_groups(caseworker):
    graduate = person_in()
    in_group(graduate, "graduate", caseworker)
    assert _plan(graduate, caseworker).contact_every_days == 30
    both = person_in()
    in_group(both, "graduate", caseworker)
    in_group(both, "zero_employment_household", caseworker)
    plan = _plan(both, caseworker)
    assert plan.contact_every_days == 15
    assert plan.follow_ups.get().due_on == D(2026, 1, 20)


def test_the_cadence_follows_the_parameter_in_force(caseworker):
    PolicyParameter.objects.filter(key="pg.contact_cadence_days.graduate", valid_from=D(2019, 1, 1)).update(
        valid_to=D(2025, 12, 31))
    PolicyParameter.objects.create(key="pg.contact_cadence_days.graduate", value=10, value_type="integer",
                                   region_id="510800", valid_from=D(2026, 1, 1), confidence="unverified")
    person = person_in()
    in_group(person, "graduate", caseworker)
    assert _plan(person, caseworker).contact_every_days == 10
    earlier = person_in()
    in_group(earlier, "graduate", caseworker)
    assert _plan(earlier, caseworker, started_on=D(2025, 6, 1)).contact_every_days == 30


def test_a_service_counts_as_the_contact_and_schedules_the_next(caseworker):
    person = person_in()
    in_group(person, "graduate", caseworker)
    plan = _plan(person, caseworker)
    service_record_create(person=person, service_type="career_guidance", served_on=D(2026, 1, 12), channel="phone",
                          outcome="已做职业倾向测评", actor=caseworker)
    follow_ups = list(plan.follow_ups.order_by("due_on").values_list("due_on", "done_on"))
    assert follow_ups == [(D(2026, 2, 4), D(2026, 1, 12)), (D(2026, 2, 11), None)]
    assert ServiceRecord.objects.filter(person=person).count() == 1


def test_overdue_follow_ups_are_on_the_caseworkers_list(client, caseworker):
    person = person_in(name="赵毕业")
    in_group(person, "graduate", caseworker)
    _plan(person, caseworker, started_on=D(2025, 1, 5))
    someone_else = make_user("group_caseworker")
    other = person_in(name="钱同学")
    in_group(other, "graduate", caseworker)
    _plan(other, someone_else)
    overdue = follow_ups_due_for(user=caseworker, overdue_only=True)
    assert [f.plan.person.name for f in overdue] == ["赵毕业"]
    client.force_login(caseworker)
    page = client.get("/priority-groups/follow-ups/?overdue=on").content.decode()
    assert "赵毕业" in page and "钱同学" not in page and "已逾期" in page


def test_one_plan_per_person_and_a_closed_plan_stops_its_follow_ups(caseworker):
    person = person_in()
    plan = _plan(person, caseworker)
    with pytest.raises(ConflictError):
        _plan(person, caseworker)
    plan_close(plan=plan, reason="已稳定就业", closed_on=D(2026, 3, 1), actor=caseworker)
    assert not FollowUp.objects.filter(plan=plan, done_on__isnull=True, cancelled=False).exists()
    with pytest.raises(ConflictError):
        plan_close(plan=plan, reason="再次关闭", actor=caseworker)


def test_a_plan_needs_a_caseworker_of_the_persons_area(caseworker, wangcang_caseworker):
    person = person_in("510802")
    with pytest.raises(ValidationError):
        plan_create(person=person, caseworker=make_user("reviewer"), needs=["job"], actor=caseworker)
    with pytest.raises(Exception) as exc:
        plan_create(person=person, caseworker=wangcang_caseworker, needs=["job"], actor=caseworker)
    assert exc.type.__name__ == "NotFoundError"
    with pytest.raises(ValidationError):
        plan_create(person=person, caseworker=caseworker, needs=["money"], actor=caseworker)


def test_a_service_in_the_future_is_refused(caseworker):
    person = person_in()
    with pytest.raises(ValidationError) as exc:
        service_record_create(person=person, service_type="return_visit", served_on=D(2099, 1, 1), channel="phone",
                              actor=caseworker)
    assert "served_on" in exc.value.message_dict
