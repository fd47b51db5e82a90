"""The parameter register, its per-key history, the calendar page and the admin, as users see them."""

import datetime

import pytest
from django.urls import reverse

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.policy.models import CalendarDay, CalendarYear, PolicyParameter

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def policy_client(client, staff):
    client.force_login(staff("policy"))
    return client


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff("admin", is_staff=True))
    return client


def test_the_register_needs_the_permission(client, staff):
    client.force_login(staff("reviewer"))
    assert client.get(reverse("policy:parameter_list")).status_code == 403


def test_the_register_lists_and_paginates(policy_client):
    response = policy_client.get(reverse("policy:parameter_list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == PolicyParameter.objects.count()
    assert "第 1 页" in response.content.decode()
    page2 = policy_client.get(reverse("policy:parameter_list"), {"page": 2})
    assert page2.status_code == 200 and page2.context["page_obj"].number == 2


def test_the_register_filters(policy_client):
    url = reverse("policy:parameter_list")
    response = policy_client.get(url, {"key": "wgfh.ratio.large", "on": "2021-06-01"})
    rows = list(response.context["page_obj"])
    assert [(p.region_id, p.value) for p in rows] == [("510000", "0.30")]

    response = policy_client.get(url, {"key": "cddk", "region": "national", "confidence": "verified"})
    rows = list(response.context["page_obj"])
    assert rows and all(p.key.startswith("cddk") and p.region_id is None and p.confidence == "verified"
                        for p in rows)

    response = policy_client.get(url, {"region": "510800"})
    assert {p.region_id for p in response.context["page_obj"]} == {"510800"}


def test_a_bad_filter_is_reported_not_a_crash(policy_client):
    response = policy_client.get(reverse("policy:parameter_list"), {"on": "2021-13-45"})
    assert response.status_code == 200
    assert "输入一个有效的日期" in response.content.decode()


def test_the_history_shows_every_period_with_document_and_confidence(policy_client):
    response = policy_client.get(reverse("policy:parameter_history", args=["cddk.individual.max_amount"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert [p.valid_from for p in response.context["rows"]] == [D(2018, 1, 1), D(2020, 4, 15), D(2023, 9, 14)]
    assert "财金〔2020〕21号" in html
    assert "已核实" in html and "二手来源" in html
    assert policy_client.get(reverse("policy:parameter_history", args=["no.such.key"])).status_code == 404


def test_the_calendar_page_shows_years_and_enters_a_new_one(admin_client):
    url = reverse("policy:calendar")
    response = admin_client.get(url, {"year": 2025})
    html = response.content.decode()
    assert response.status_code == 200
    assert "国庆节" in html and "2025-10-11" in html

    response = admin_client.post(url, {"year": 2027, "holidays": "2027-01-01 元旦\n2027-10-01~2027-10-07 国庆节",
                                       "workdays": "2027-09-26 国庆节", "source": "国务院办公厅通知"})
    assert response.status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.get(date=D(2027, 9, 26)).is_workday is True
    assert AuditEvent.objects.filter(event_type="policy.calendar_year_entered").count() == 1


def test_a_bad_calendar_entry_is_explained_and_changes_nothing(admin_client):
    response = admin_client.post(reverse("policy:calendar"), {"year": 2027, "holidays": "2027-02-30 春节",
                                                              "workdays": "2027-02-10 春节", "source": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 1 行" in html
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_calendar_page_needs_its_permissions(client, staff):
    client.force_login(staff("policy"))
    assert client.get(reverse("policy:calendar")).status_code == 403
    assert client.post(reverse("policy:calendar"), {"year": 2027}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_admin_add_supersedes_and_existing_periods_are_read_only(admin_client):
    current = PolicyParameter.objects.get(key="casework.dual_approval_threshold")
    add_url = reverse("admin:policy_policyparameter_add")
    form = admin_client.get(add_url, {"key": current.key, "region": "510800", "value_type": "decimal"})
    assert form.status_code == 200
    response = admin_client.post(add_url, {
        "key": current.key, "value": "80000", "value_type": "decimal", "unit": "yuan", "region": "510800",
        "valid_from": "2027-01-01", "confidence": "unverified", "note": "raised by the Center",
    })
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.valid_to == D(2026, 12, 31)
    new = PolicyParameter.objects.get(key=current.key, valid_from=D(2027, 1, 1))
    assert new.value == "80000" and new.valid_to is None
    assert AuditEvent.objects.filter(event_type="policy.parameter_superseded", object_id=str(new.pk)).exists()

    change_url = reverse("admin:policy_policyparameter_change", args=[new.pk])
    assert admin_client.get(change_url).status_code == 200  # view only
    assert admin_client.post(change_url, {"value": "1"}).status_code == 403
    assert admin_client.post(reverse("admin:policy_policyparameter_delete", args=[new.pk])).status_code == 403
    new.refresh_from_db()
    assert new.value == "80000"


def test_admin_add_refuses_an_overlap_with_a_message(admin_client):
    response = admin_client.post(reverse("admin:policy_policyparameter_add"), {
        "key": "casework.dual_approval_threshold", "value": "1", "value_type": "decimal", "unit": "yuan",
        "region": "510800", "valid_from": "2019-01-01", "confidence": "unverified", "note": "",
    })
    assert response.status_code == 200
    assert "不得重叠" in response.content.decode()
    assert PolicyParameter.objects.filter(key="casework.dual_approval_threshold").count() == 1


@pytest.mark.parametrize("model", ["policydocument", "policyparameter", "calendaryear", "calendarday"])
def test_admin_lists_open_with_filters_and_search(admin_client, model):
    response = admin_client.get(reverse(f"admin:policy_{model}_changelist"), {"q": "2025"})
    assert response.status_code == 200


def test_calendar_years_are_not_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:policy_calendaryear_add")).status_code == 403
    year = CalendarYear.objects.get(year=2025)
    assert admin_client.post(reverse("admin:policy_calendaryear_delete", args=[year.pk])).status_code == 403
    assert CalendarYear.objects.filter(year=2025).exists()
