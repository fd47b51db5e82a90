"""Briefing sessions (宣讲会): recorded by the policy officer, listed with filters and totals, scoped by district."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ForbiddenError
from subsidies.models import BriefingSession
from subsidies.services.outreach import briefing_session_record
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIST, NEW = "/subsidies/briefings/", "/subsidies/briefings/new/"
CITY, LIZHOU, CANGXI = "510800", "510802", "510824"


def record(officer, *, region=LIZHOU, held_on=datetime.date(2026, 3, 10), attendance=40, kinds=("JNTS",),
           topic="技能提升补贴政策宣讲"):
    return briefing_session_record(held_on=held_on, place="利州区人力资源市场", topic=topic, audience="企业职工",
                                   attendance=attendance, region=region, kinds=kinds, actor=officer)


def form(**overrides):
    data = {"held_on": "2026-03-10", "place": "苍溪县就业服务中心", "topic": "稳岗返还免申即享", "audience": "园区企业",
            "attendance": "55", "region": CANGXI, "kinds": ["WGFH", "XNJY"]}
    data.update(overrides)
    return data


def test_the_policy_officer_records_a_session_and_it_is_audited(client):
    officer = make_user("policy")
    client.force_login(officer)
    page = client.get(NEW)
    assert page.status_code == 200 and "登记政策宣讲会" in page.content.decode()
    response = client.post(NEW, form())
    assert response.status_code == 302 and response.url == LIST
    session = BriefingSession.objects.get()
    assert (session.region_id, session.attendance, session.kinds, session.recorded_by) == (CANGXI, 55,
                                                                                           ["WGFH", "XNJY"], officer)
    event = AuditEvent.objects.get(event_type="subsidies.briefing_recorded")
    assert event.actor == officer and event.object_id == str(session.pk) and event.details["attendance"] == 55
    html = client.get(LIST).content.decode()
    assert "稳岗返还免申即享" in html and "失业保险稳岗返还、一次性吸纳就业补贴" in html


def test_bad_input_is_refused_with_a_message_and_saves_nothing(client):
    client.force_login(make_user("policy"))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for bad, message in ((form(held_on=tomorrow), "宣讲会举办后才能登记"), (form(attendance="-3"), ""),
                         (form(topic=""), ""), (form(kinds=["NOPE"]), ""), (form(region="110101"), "")):
        response = client.post(NEW, bad)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not BriefingSession.objects.exists()


def test_totals_sit_above_the_list_and_follow_the_filters(client):
    officer = make_user("policy")
    record(officer, attendance=40, held_on=datetime.date(2026, 3, 10), kinds=("JNTS",))
    record(officer, attendance=25, held_on=datetime.date(2026, 4, 2), kinds=("WGFH", "XNJY"), region=CANGXI)
    record(officer, attendance=10, held_on=datetime.date(2025, 12, 1), kinds=("SBBT",), region=CITY)
    client.force_login(officer)

    def totals(**params):
        html = client.get(LIST, params).content.decode()
        sessions = html.split('data-testid="total-sessions">')[1].split("<")[0]
        attendance = html.split('data-testid="total-attendance">')[1].split("<")[0]
        assert html.index("total-sessions") < html.index('data-testid="briefing-table"')
        return int(sessions), int(attendance)

    assert totals() == (3, 75)
    assert totals(date_from="2026-01-01") == (2, 65)
    assert totals(date_from="2026-03-01", date_to="2026-03-31") == (1, 40)
    assert totals(region=CANGXI) == (1, 25)
    assert totals(kind="XNJY") == (1, 25)
    assert totals(kind="JNTS", region=CANGXI) == (0, 0)
    assert client.get(LIST, {"date_from": "not-a-date"}).status_code == 200  # a bad filter filters nothing


def test_the_list_is_paginated(client):
    officer = make_user("policy")
    for day in range(1, 31):
        record(officer, held_on=datetime.date(2026, 1, day), topic=f"第{day}场")
    client.force_login(officer)
    first = client.get(LIST).content.decode()
    assert "第30场" in first and "第1场<" not in first and "第 1 页，共 2 页" in first
    assert "第1场<" in client.get(LIST, {"page": 2}).content.decode()


def test_a_district_officer_sees_and_records_only_their_district(client):
    city_officer = make_user("policy")
    record(city_officer, region=LIZHOU, topic="利州场")
    record(city_officer, region=CANGXI, topic="苍溪场", attendance=99)
    district_officer = make_user("policy", region_code=CANGXI)
    client.force_login(district_officer)
    html = client.get(LIST).content.decode()
    assert "苍溪场" in html and "利州场" not in html
    assert 'data-testid="total-attendance">99<' in html
    # The other district is not even offered, and the service refuses it whatever the form says.
    assert f'value="{LIZHOU}"' not in client.get(NEW).content.decode()
    assert client.post(NEW, form(region=LIZHOU)).status_code == 400
    with pytest.raises(ForbiddenError):
        record(district_officer, region=LIZHOU)
    assert BriefingSession.objects.count() == 2
    body = _api(district_officer).get("/api/v1/subsidies/briefings/").json()
    assert [row["topic"] for row in body["results"]] == ["苍溪场"]


@pytest.mark.parametrize("role", ["reviewer", "intake", "finance", "auditor", "applicant_person"])
def test_other_roles_may_not_see_or_record_sessions(client, role):
    record(make_user("policy"))
    user = make_user(role)
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form()).status_code == 403
    api = _api(user)
    assert api.get("/api/v1/subsidies/briefings/").status_code == 403
    assert api.post("/api/v1/subsidies/briefings/", _api_body(), format="json").status_code == 403
    with pytest.raises(ForbiddenError):
        record(user)
    assert BriefingSession.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(LIST).status_code == 302 and "/accounts/login/" in client.get(LIST).url
    assert APIClient().get("/api/v1/subsidies/briefings/").status_code in (401, 403)


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


def _api_body(**overrides):
    body = {"held_on": "2026-05-06", "place": "旺苍县", "topic": "创业补贴", "audience": "返乡农民工", "attendance": 30,
            "region": "510821", "kinds": ["CYBT"]}
    body.update(overrides)
    return body


def test_the_api_records_and_lists_sessions():
    officer = make_user("policy")
    created = _api(officer).post("/api/v1/subsidies/briefings/", _api_body(), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["region"] == "510821" and created.json()["kinds"] == ["CYBT"]
    listing = _api(officer).get("/api/v1/subsidies/briefings/", {"kind": "CYBT"}).json()
    assert listing["count"] == 1
    refused = _api(make_user("policy", region_code=CANGXI)).post("/api/v1/subsidies/briefings/", _api_body(),
                                                                 format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "region_out_of_scope"
    bad = _api(officer).post("/api/v1/subsidies/briefings/", _api_body(attendance=-1), format="json")
    assert bad.status_code == 400 and "error" in bad.json()
    assert BriefingSession.objects.count() == 1
