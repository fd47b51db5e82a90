"""The follow-up tasks of a committed move leave the web request as one broker message (core.tasks): a
submission's applicant notification and its integrity screening travel together, a worker queues each on its
own, and a move rolled back queues nothing."""

import datetime

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from guangyuan_jobs.core.tasks import tasks_publish
from integrity.models import Finding, RecordKind
from subsidies.services.claims import claim_file
from tests.factories import make_user
from tests.integrity.conftest import add_record

pytestmark = pytest.mark.django_db

SBBT = {"category": "hard_flexible", "period_start": "2026-01-01", "months": 12, "monthly_contribution": "500.00"}


@pytest.fixture
def broker(monkeypatch):
    """The messages the web process would send to the broker, recorded instead of sent."""
    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args=None, kwargs=None, **options:
                        sent.append((name, list(args or ()))))
    eager, current_app.conf.task_always_eager = current_app.conf.task_always_eager, False
    yield sent
    current_app.conf.task_always_eager = eager


def test_a_submission_sends_one_message_carrying_the_notification_and_the_screening(
        broker, django_capture_on_commit_callbacks):
    applicant = make_user("applicant_person")
    with django_capture_on_commit_callbacks(execute=True):
        case = claim_file(kind="SBBT", actor=applicant, applicant_person=applicant.person, submit=True, data=SBBT)

    assert [name for name, _args in broker] == ["guangyuan_jobs.core.tasks.tasks_publish"]
    carried = broker[0][1][0]
    assert [(task["task"], list(task["args"][:2])) for task in carried] == [
        ("integrity.tasks.screen_cases", [[case.pk], "submit"]),
        ("guangyuan_jobs.casework.tasks.notify_applicants", [[case.pk], "submit"]),
    ]

    broker.clear()
    assert tasks_publish(carried) == 2  # in a worker: each queued on its own
    assert [name for name, _args in broker] == ["integrity.tasks.screen_cases",
                                                "guangyuan_jobs.casework.tasks.notify_applicants"]


def test_a_move_rolled_back_sends_nothing(broker, django_capture_on_commit_callbacks):
    applicant = make_user("applicant_person")
    with (django_capture_on_commit_callbacks(execute=True) as queued, pytest.raises(RuntimeError),
          transaction.atomic()):
        claim_file(kind="SBBT", actor=applicant, applicant_person=applicant.person, submit=True, data=SBBT)
        raise RuntimeError("the request failed after the submission")
    assert queued == [] and broker == []


def test_in_process_both_follow_ups_still_run(django_capture_on_commit_callbacks):
    """Eager (the embedded demo, tests): the one message runs both tasks; the applicant is told and the
    claim screened."""
    applicant = make_user("applicant_person")
    add_record(RecordKind.DEATH, person=applicant.person, start=timezone.localdate() - datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        case = claim_file(kind="SBBT", actor=applicant, applicant_person=applicant.person, submit=True, data=SBBT)
    assert Finding.objects.get(case=case).trigger == Finding.Trigger.SUBMIT
    assert applicant.notifications.filter(case=case).exists()
