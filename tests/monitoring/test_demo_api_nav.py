"""The demo data loads twice without change and shows a warning and a late firm; the menu items exist for the
roles that use them."""

from io import StringIO

import pytest
from django.urls import reverse

from guangyuan_jobs.accounts.services import applicant_account_create
from monitoring import demo
from monitoring.models import MonitoredEnterprise, MonthlyReturn, Warning
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_tells_a_story(client):
    enterprise = applicant_account_create(username="enterprise", password="Demo-Password-2026!",
                                          display_name="演示企业", actor=None, enterprise=EnterpriseFactory())
    users = {"enterprise": enterprise}
    demo.seed_demo(users=users, password="Demo-Password-2026!", stdout=StringIO())
    counts = (MonitoredEnterprise.objects.count(), MonthlyReturn.objects.count(), Warning.objects.count())
    demo.seed_demo(users=users, password="Demo-Password-2026!", stdout=StringIO())
    assert (MonitoredEnterprise.objects.count(), MonthlyReturn.objects.count(), Warning.objects.count()) == counts
    assert counts[0] == 6 and Warning.objects.filter(rule__code="statutory-mass-layoff").exists()
    client.force_login(users["monitor"])
    late = client.get(reverse("monitoring:late_list")).content.decode()
    assert "唐家河" in late
    client.force_login(enterprise)
    assert client.get(reverse("monitoring:return_new")).status_code == 200


@pytest.mark.parametrize(("role", "kind", "visible", "hidden"), [
    ("manager", None, ["领导驾驶舱", "失业预警", "失业监测企业"], ["失业动态监测月报"]),
    ("monitoring", None, ["逾期未报", "失业监测企业"], ["领导驾驶舱"]),
    ("applicant_enterprise", "enterprise", ["失业动态监测月报"], ["领导驾驶舱", "失业预警"]),
])
def test_menu_follows_the_role(client, role, kind, visible, hidden):
    client.force_login(make_user(role))
    nav = client.get(reverse("accounts:profile")).content.decode()
    assert all(label in nav for label in visible)
    assert not any(label in nav for label in hidden)


def test_api_a_firm_files_its_return_and_a_manager_handles_the_warning(enrol, client):
    monitored = enrol(headcount=100)
    account = make_user("applicant_enterprise", enterprise=monitored.enterprise)
    client.force_login(account)
    body = {"period": "2026-03", "headcount": 75, "reductions_economic_layoff": 25, "reduction_reason": "difficulty"}
    filed = client.post("/api/v1/monitoring/returns/", body, content_type="application/json")
    assert filed.status_code == 201 and filed.json()["reductions"] == 25
    again = client.post("/api/v1/monitoring/returns/", body, content_type="application/json")
    assert again.status_code == 409
    assert client.get("/api/v1/monitoring/dashboard/", {"year": 2026}).status_code == 403

    manager = make_user("manager")
    client.force_login(manager)
    warnings = client.get("/api/v1/monitoring/warnings/", {"status": "open"}).json()
    warning = next(w for w in warnings["results"] if w["rule"].startswith("法定"))
    moved = client.post(f"/api/v1/monitoring/warnings/{warning['ref']}/transition/",
                        {"action": "handle", "version": warning["version"], "note": "已约谈"},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["status"] == "handled"
    stale = client.post(f"/api/v1/monitoring/warnings/{warning['ref']}/transition/",
                        {"action": "close", "version": warning["version"], "note": "x"},
                        content_type="application/json")
    assert stale.status_code == 409
    dashboard = client.get("/api/v1/monitoring/dashboard/", {"year": 2026, "month": 3}).json()
    figures = {f["code"]: f for f in dashboard["figures"]}
    assert float(figures["monitoring.reductions"]["value"]) == 25
    assert client.get("/api/v1/monitoring/dashboard/", {"year": 2026, "region": "999999"}).status_code == 400
