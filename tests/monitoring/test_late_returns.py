"""Late and missing returns: listed after the due day, reminded by SMS once per firm and month, whoever sends."""

import datetime

import pytest
from django.urls import reverse

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from monitoring.models import ReturnReminder
from monitoring.services import late_enterprises, return_reminders_send
from monitoring.tasks import return_reminders_send_due
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = datetime.date
MARCH = D(2026, 3, 1)


@pytest.fixture(autouse=True)
def outbox():
    LocmemSmsGateway.outbox.clear()
    yield LocmemSmsGateway.outbox
    LocmemSmsGateway.outbox.clear()


def test_a_return_is_late_only_after_the_due_day(enrol, file_return):
    filed, missing = enrol(), enrol()
    enrol(baseline=D(2026, 4, 1))  # enrolled after March: owes no March return
    file_return(filed, MARCH, headcount=100)
    assert list(late_enterprises(period=MARCH, today=D(2026, 3, 24))) == []
    assert list(late_enterprises(period=MARCH, today=D(2026, 3, 25))) == [missing]


def test_reminders_go_once_per_firm_and_month(enrol, clerk, outbox, django_capture_on_commit_callbacks):
    late = enrol(phone="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        assert return_reminders_send(period=MARCH, actor=clerk) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert return_reminders_send(period=MARCH, actor=None) == 0  # the daily task finds it reminded
    assert [m.phone for m in outbox] == ["13912345678"]
    assert "2026-03" in outbox[0].text and late.enterprise.name in outbox[0].text
    reminder = ReturnReminder.objects.get()
    assert reminder.phone_masked == "139****5678"


def test_the_late_list_and_its_reminder_button(client, enrol, file_return, clerk, outbox,
                                               django_capture_on_commit_callbacks):
    ours, filed = enrol(region="510802", phone="13700000001"), enrol(region="510802")
    theirs = enrol(region="510821", phone="13700000002")
    file_return(filed, MARCH, headcount=100)
    district_clerk = make_user("monitoring", region_code="510802")
    client.force_login(district_clerk)
    html = client.get(reverse("monitoring:late_list"), {"period": "2026-03"}).content.decode()
    assert ours.enterprise.name in html and filed.enterprise.name not in html and theirs.enterprise.name not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:late_list"), {"period": "2026-03"})
    assert response.status_code == 302
    assert [m.phone for m in outbox] == ["13700000001"]  # the other county's firm is not theirs to chase
    html = client.get(reverse("monitoring:late_list"), {"period": "2026-03"}).content.decode()
    assert "已提醒" in html


def test_the_daily_task_chases_last_month_and_this_one(enrol, outbox, monkeypatch,
                                                       django_capture_on_commit_callbacks):
    enrol(phone="13600000000")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: D(2026, 4, 26))
    with django_capture_on_commit_callbacks(execute=True):
        return_reminders_send_due.apply()
    assert len(outbox) == 2  # March (late) and April (due on the 24th) for the one firm
