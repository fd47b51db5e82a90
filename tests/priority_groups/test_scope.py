"""A county caseworker never sees another county's people: lists, files, actions, reports."""

import datetime

import pytest

from guangyuan_jobs.core.errors import NotFoundError
from priority_groups.selectors import group_report_for, person_list_for, service_list_for
from priority_groups.services.plans import service_record_create
from tests.priority_groups.conftest import QINGCHUAN, WANGCANG, in_group, person_in

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def two_counties(caseworker):
    mine = person_in(WANGCANG, name="旺苍张三")
    theirs = person_in(QINGCHUAN, name="青川李四")
    for person in (mine, theirs):
        in_group(person, "graduate", caseworker)
        service_record_create(person=person, service_type="policy_briefing", served_on=D(2026, 3, 1),
                              channel="phone", actor=caseworker)
    return mine, theirs


def test_lists_and_reports_hold_only_the_county_s_people(two_counties, caseworker, wangcang_caseworker):
    mine, theirs = two_counties
    assert list(person_list_for(user=wangcang_caseworker)) == [mine]
    assert set(person_list_for(user=caseworker)) == {mine, theirs}
    assert [s.person for s in service_list_for(user=wangcang_caseworker)] == [mine]
    total, rows = group_report_for(user=wangcang_caseworker, group="graduate", start=D(2026, 1, 1),
                                   end=D(2026, 12, 31))
    assert total.members == 1 and total.person_times == 1 and [r.area for r in rows] == [WANGCANG]


def test_another_county_s_file_is_not_found(client, two_counties, wangcang_caseworker):
    mine, theirs = two_counties
    client.force_login(wangcang_caseworker)
    assert client.get(f"/priority-groups/people/{mine.pk}/").status_code == 200
    assert client.get(f"/priority-groups/people/{theirs.pk}/").status_code == 404
    response = client.post(f"/priority-groups/people/{theirs.pk}/services/", {
        "service-service_type": "return_visit", "service-served_on": "2026-03-02", "service-channel": "phone"})
    assert response.status_code == 404
    page = client.get("/priority-groups/").content.decode()
    assert "旺苍张三" in page and "青川李四" not in page


def test_services_refuse_a_person_outside_the_area(two_counties, wangcang_caseworker):
    _mine, theirs = two_counties
    with pytest.raises(NotFoundError):
        service_record_create(person=theirs, service_type="return_visit", served_on=D(2026, 3, 2),
                              channel="phone", actor=wangcang_caseworker)


def test_applicants_and_roles_without_the_permission_are_refused(client, two_counties):
    from tests.factories import make_user

    for role in ("applicant_person", "reviewer"):
        client.force_login(make_user(role))
        assert client.get("/priority-groups/").status_code == 403
        assert client.get(f"/priority-groups/people/{two_counties[0].pk}/").status_code == 403
