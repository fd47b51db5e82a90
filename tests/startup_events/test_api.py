"""The API: list and detail as each user may see them, registration with its refusals in the one error shape."""

import pytest
from rest_framework.test import APIClient

from startup_events.services.events import attendance_record, registration_self
from startup_events.services.outcomes import award_grant
from tests.factories import make_id_number, make_user
from tests.startup_events.conftest import FUTURE, move, new_event

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_list_and_detail(team):
    new_event(team.policy, title="草稿", event_type="salon")
    fair = team.open_event(title="融资集市")
    staff = api(team.policy).get("/api/v1/startup-events/events/")
    assert staff.status_code == 200 and staff.json()["count"] == 2
    mine = api(team.applicant).get("/api/v1/startup-events/events/")
    assert [row["ref"] for row in mine.json()["results"]] == [fair.ref]
    assert api(team.policy).get("/api/v1/startup-events/events/?event_type=fair").json()["count"] == 1
    bad = api(team.policy).get("/api/v1/startup-events/events/?event_type=party")
    assert bad.status_code == 400
    detail = api(team.applicant).get(f"/api/v1/startup-events/events/{fair.ref}/").json()
    assert detail["status"] == "open" and detail["registered_myself"] is False and detail["totals"]["registered"] == 0
    assert api(team.applicant).get("/api/v1/startup-events/events/HD-2026-NOPE/").status_code == 404
    assert api().get("/api/v1/startup-events/events/").status_code in (401, 403)
    assert api(make_user("finance")).get("/api/v1/startup-events/events/").status_code == 403


def test_register_and_its_refusals(team):
    event = team.open_event(capacity=2)
    url = f"/api/v1/startup-events/events/{event.ref}/registrations/"
    created = api(team.applicant).post(url, {"project": "农家乐"}, format="json")
    assert created.status_code == 201 and created.json()["channel"] == "online"
    twice = api(team.applicant).post(url, {}, format="json")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "duplicate"
    walk_in = api(team.policy).post(url, {"id_number": make_id_number(), "name": "张三"}, format="json")
    assert walk_in.status_code == 201 and walk_in.json()["channel"] == "desk"
    full = api(team.other).post(url, {}, format="json")
    assert full.status_code == 201
    assert full.json()["status"] == "waiting" and full.json()["waiting_position"] == 1
    assert api(team.auditor).post(url, {}, format="json").status_code == 403
    assert api(team.cangxi_policy).post(url, {"id_number": make_id_number(), "name": "李四"},
                                        format="json").status_code == 404
    bad_id = api(team.policy).post(url, {"id_number": "123", "name": "王五"}, format="json")
    assert bad_id.status_code == 400
    move(event, "hold", team.policy)
    late = api(make_user("applicant_person")).post(url, {}, format="json")
    assert late.status_code == 400 and late.json()["error"]["code"] == "registration_closed"
    assert event.registrations.filter(status="registered").count() == 2 and event.registrations.count() == 3


def test_cancel_through_the_api_moves_up_the_waiting_list(team):
    event = team.open_event(capacity=1, held_on=FUTURE)
    url = f"/api/v1/startup-events/events/{event.ref}/registrations/"
    mine = api(team.applicant).post(url, {}, format="json").json()
    waiting = api(team.other).post(url, {}, format="json").json()
    assert mine["status"] == "registered" and waiting["status"] == "waiting"
    detail = api(team.other).get(f"/api/v1/startup-events/events/{event.ref}/").json()
    assert detail["registered_myself"] is True
    assert detail["my_registration"]["status"] == "waiting" and detail["my_registration"]["waiting_position"] == 1
    assert detail["totals"]["registered"] == 1 and detail["totals"]["waiting"] == 1
    cancel = f"{url}{mine['id']}/cancel/"
    # Another applicant does not reach someone else's registration; a viewer without the organiser's right neither.
    assert api(team.other).post(cancel, {}, format="json").status_code == 404
    assert api(team.auditor).post(cancel, {}, format="json").status_code == 403
    done = api(team.applicant).post(cancel, {}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled" and done.json()["cancelled_at"]
    again = api(team.applicant).post(cancel, {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_cancelled"
    moved = api(team.other).get(f"/api/v1/startup-events/events/{event.ref}/").json()["my_registration"]
    assert moved["status"] == "registered" and moved["waiting_position"] == 0 and moved["promoted_at"]
    gone = api(team.applicant).get(f"/api/v1/startup-events/events/{event.ref}/").json()
    assert gone["registered_myself"] is False and gone["my_registration"]["status"] == "cancelled"
    move(event, "hold", team.policy)
    held = api(team.other).post(f"{url}{moved['id']}/cancel/", {}, format="json")
    assert held.status_code == 400 and held.json()["error"]["code"] == "cancellation_closed"


def test_contest_detail_lists_awards(team):
    contest = team.open_event(event_type="contest")
    registration = registration_self(event=contest, actor=team.applicant, project="核桃深加工")
    move(contest, "hold", team.policy)
    attendance_record(registration=registration, attended=True, actor=team.policy)
    award_grant(registration=registration, level="first", bonus="20000", actor=team.policy)
    detail = api(team.applicant).get(f"/api/v1/startup-events/events/{contest.ref}/").json()
    assert detail["awards"] == [{"level": "first", "name": registration.name, "project": "核桃深加工",
                                 "bonus": "20000.00"}]
    assert detail["registered_myself"] is True
