"""The API (scoped like the pages, one error shape) and the demo data."""

import datetime
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from guangyuan_jobs.accounts.models import User
from priority_groups import demo
from priority_groups.models import FollowUp, GroupMembership, ServiceRecord
from tests.factories import PASSWORD
from tests.priority_groups.conftest import QINGCHUAN, WANGCANG, in_group, person_in, with_status

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_api_is_scoped_and_records_services(caseworker, wangcang_caseworker):
    mine = person_in(WANGCANG, name="旺苍王五")
    theirs = person_in(QINGCHUAN, name="青川赵六")
    for person in (mine, theirs):
        in_group(person, "graduate", caseworker)
    with_status(mine, "unemployed", D(2026, 7, 1), caseworker)
    api = APIClient()
    api.force_authenticate(wangcang_caseworker)
    listing = api.get("/api/v1/priority-groups/people/").json()
    assert [p["name"] for p in listing["results"]] == ["旺苍王五"]
    assert listing["results"][0]["groups"] == ["graduate"] and "*" in listing["results"][0]["id_number"]
    assert api.get(f"/api/v1/priority-groups/people/{theirs.pk}/").status_code == 404
    file = api.get(f"/api/v1/priority-groups/people/{mine.pk}/").json()
    assert file["statuses"][0]["status"] == "unemployed" and file["registered_unemployed"] is False
    today = timezone.localdate().isoformat()
    created = api.post(f"/api/v1/priority-groups/people/{mine.pk}/services/",
                       {"service_type": "career_guidance", "served_on": today, "channel": "phone"}, format="json")
    assert created.status_code == 201 and ServiceRecord.objects.filter(person=mine).count() == 1
    bad = api.post(f"/api/v1/priority-groups/people/{mine.pk}/services/",
                   {"service_type": "career_guidance", "served_on": "2099-01-01", "channel": "phone"}, format="json")
    assert bad.status_code == 400 and ServiceRecord.objects.filter(person=mine).count() == 1
    report = api.get(f"/api/v1/priority-groups/reports/graduate/?year={timezone.localdate().year}").json()
    assert report["total"]["members"] == 1 and report["total"]["person_times"] == 1
    assert api.get("/api/v1/priority-groups/people/?status=bogus").status_code == 400


def test_applicants_cannot_use_the_api(caseworker):
    from tests.factories import make_user

    api = APIClient()
    api.force_authenticate(make_user("applicant_person"))
    assert api.get("/api/v1/priority-groups/people/").status_code == 403


def test_demo_data_is_idempotent_and_has_an_overdue_follow_up():
    users = {}
    out = io.StringIO()
    demo.seed_demo(users=users, password=PASSWORD, stdout=out)
    demo.seed_demo(users=users, password=PASSWORD, stdout=out)
    assert GroupMembership.objects.count() == 7
    assert users["wangcang_groups"].scope == User.Scope.DISTRICT
    assert FollowUp.objects.filter(done_on__isnull=True, due_on__lt=timezone.localdate()).exists()
