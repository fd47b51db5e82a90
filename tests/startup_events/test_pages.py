"""The pages as their users see them: the list with filters and pages, drafts hidden from applicants, an
applicant's online registration, the organiser's forms, and refusals for everyone else."""

import pytest

from startup_events.models import Event, EventStatus, Registration
from startup_events.services.events import registration_self
from tests.factories import make_id_number, make_user
from tests.startup_events.conftest import move, new_event

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_list_filters_pages_and_scope(team, client):
    for n in range(27):
        new_event(team.policy, title=f"沙龙{n:02d}", event_type="salon")
    fair = team.open_event(title="融资集市 利州")
    cangxi = new_event(team.cangxi_policy, region="510824", title="苍溪对接会", event_type="matching")
    page = _login(client, team.policy).get("/startup-events/")
    assert page.status_code == 200 and page.context["page_obj"].paginator.count == 29
    assert len(page.context["page_obj"]) == 25
    assert list(client.get("/startup-events/?event_type=fair").context["page_obj"]) == [fair]
    assert list(client.get("/startup-events/?status=open").context["page_obj"]) == [fair]
    assert list(client.get("/startup-events/?region=510824").context["page_obj"]) == [cangxi]
    assert list(client.get("/startup-events/?q=苍溪").context["page_obj"]) == [cangxi]
    # The 苍溪 officer sees 苍溪's events only.
    client.force_login(team.cangxi_policy)
    assert list(client.get("/startup-events/").context["page_obj"]) == [cangxi]
    assert client.get(f"/startup-events/{fair.ref}/").status_code == 404


def test_applicants_see_published_events_and_register_themselves(team, client):
    draft = new_event(team.policy, title="草稿活动")
    event = team.open_event(title="冬季融资集市", capacity=1)
    _login(client, team.applicant)
    listed = client.get("/startup-events/")
    assert list(listed.context["page_obj"]) == [event]
    assert "创业活动" in listed.content.decode() and "报名中" in listed.content.decode()
    english = client.get("/startup-events/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Entrepreneurship events" in english.content.decode() and "Open for registration" in english.content.decode()
    assert client.get(f"/startup-events/{draft.ref}/").status_code == 404
    detail = client.get(f"/startup-events/{event.ref}/")
    assert 'data-testid="register"' in detail.content.decode()
    assert "participants" not in detail.context or detail.context.get("page_obj") is None  # no one else's names
    response = client.post(f"/startup-events/{event.ref}/register/", {"project": ""})
    assert response.status_code == 302
    assert Registration.objects.filter(event=event, person=team.applicant.person, channel="online").exists()
    again = client.post(f"/startup-events/{event.ref}/register/")
    assert again.status_code == 409 and "已报名本活动" in again.content.decode()
    assert 'data-testid="registered"' in client.get(f"/startup-events/{event.ref}/").content.decode()
    assert 'data-testid="my-registrations"' in client.get("/startup-events/").content.decode()
    # Full: the next applicant is told so, and registering puts them on the waiting list.
    client.force_login(team.other)
    full = client.get(f"/startup-events/{event.ref}/").content.decode()
    assert "名额已满" in full and "候补" in full
    waiting = client.post(f"/startup-events/{event.ref}/register/", follow=True)
    assert "您已进入候补名单，排第 1 位" in waiting.content.decode()
    assert 'data-testid="waiting"' in waiting.content.decode()
    assert event.registrations.filter(status="registered").count() == 1


def test_organiser_creates_opens_registers_walk_ins_and_takes_attendance(team, client):
    _login(client, team.policy)
    assert client.get("/startup-events/new/").status_code == 200
    bad = client.post("/startup-events/new/", {"title": "", "event_type": "fair"})
    assert bad.status_code == 400 and Event.objects.count() == 0
    created = client.post("/startup-events/new/", {
        "title": "2026年扶贫融资对接会", "event_type": "matching", "organiser": "苍溪县就业服务中心",
        "held_on": "2026-12-01", "place": "苍溪县人社局", "region": "510824", "capacity": "80"})
    event = Event.objects.get()
    assert created.status_code == 302 and event.status == EventStatus.DRAFT and event.region_id == "510824"
    client.post(f"/startup-events/{event.ref}/act/", {"action": "open", "version": event.version})
    event.refresh_from_db()
    assert event.status == EventStatus.OPEN
    stale = client.post(f"/startup-events/{event.ref}/act/", {"action": "hold", "version": 1})
    assert stale.status_code == 409
    walk_in = client.post(f"/startup-events/{event.ref}/register/", {"id_number": make_id_number(), "name": "何大勇"})
    assert walk_in.status_code == 302
    registration = event.registrations.get()
    assert registration.channel == "desk"
    early = client.post(f"/startup-events/{event.ref}/attendance/", {"registration": registration.pk, "attended": "1"})
    assert early.status_code == 400
    client.post(f"/startup-events/{event.ref}/act/", {"action": "hold", "version": event.version})
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    client.post(f"/startup-events/{event.ref}/attendance/", {"registration": registration.pk, "attended": "1"})
    registration.refresh_from_db()
    assert registration.attended
    page = client.get(f"/startup-events/{event.ref}/")
    assert "何大勇" in page.content.decode() and page.context["totals"].attended == 1


def test_only_organisers_act_and_only_applicants_or_organisers_register(team, client):
    event = team.open_event()
    registration_self(event=event, actor=team.applicant)
    for user in (team.auditor, team.judge):
        client.force_login(user)
        assert client.get(f"/startup-events/{event.ref}/").status_code == 200
        for url in ("act/", "register/", "attendance/", "outcomes/"):
            assert client.post(f"/startup-events/{event.ref}/{url}", {"action": "hold"}).status_code == 403
        assert client.get("/startup-events/new/").status_code == 403
    client.force_login(team.applicant)
    for url in ("act/", "attendance/", "outcomes/", "contest/"):
        assert client.post(f"/startup-events/{event.ref}/{url}", {"action": "hold"}).status_code == 403
    client.force_login(make_user("finance"))  # staff without the events' permission
    assert client.get("/startup-events/").status_code == 403
    assert client.get(f"/startup-events/{event.ref}/").status_code == 403
    event.refresh_from_db()
    assert event.status == EventStatus.OPEN


def test_winners_page_only_for_held_contests(team, client):
    contest = team.open_event(event_type="contest")
    assert client.get(f"/startup-events/{contest.ref}/winners/").status_code == 404
    move(contest, "hold", team.policy)
    assert client.get(f"/startup-events/{contest.ref}/winners/").status_code == 200
    fair, _regs = team.held_with([], event_type="fair")
    assert client.get(f"/startup-events/{fair.ref}/winners/").status_code == 404
