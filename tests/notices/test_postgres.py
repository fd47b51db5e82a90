"""Once per event on PostgreSQL: a notify task delivered three times to a real worker, and two senders racing
over the same event, tell the applicant once and issue one notice."""

import threading
import time

import pytest
from django.db import connection

from guangyuan_jobs.casework.tasks import notify_applicants
from guangyuan_jobs.notices.models import Notice, NoticeKind, Notification
from guangyuan_jobs.notices.services.notifications import notification_deliver, notifications_create
from tests.notices.conftest import Crew, move, new_case

N = Notification


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("the worker did not finish in time")
        time.sleep(0.2)


@pytest.mark.postgres
def test_a_notify_task_delivered_three_times_to_a_real_worker_tells_once(require_postgres, reference_data,
                                                                         celery_worker):
    crew = Crew()
    case = new_case(crew.applicant)
    case = move(case, "accept", crew.intake)  # commits: the worker gets the task
    transition = case.transitions.get(action="accept")
    # The broker redelivers it twice more (a worker died before acknowledging, a visibility timeout).
    notify_applicants.delay([case.pk], "accept", [transition.pk])
    notify_applicants.delay([case.pk], "accept", [transition.pk])

    def settled():
        rows = N.objects.filter(case=case, event="accept", channel=N.Channel.SMS)
        return rows.filter(status=N.Status.SENT).exists() and Notice.objects.filter(
            case=case, kind=NoticeKind.ACCEPTANCE).exists()

    _wait_for(settled)
    time.sleep(2)  # let the redelivered tasks finish too
    sms = N.objects.get(case=case, event="accept", channel=N.Channel.SMS)
    assert sms.status == N.Status.SENT and sms.attempts == 1  # claimed and sent by one task only
    assert N.objects.filter(case=case, event="accept", channel=N.Channel.INBOX).count() == 1
    assert Notice.objects.filter(case=case, kind=NoticeKind.ACCEPTANCE).count() == 1


@pytest.mark.postgres
def test_two_senders_racing_over_one_event_send_once(require_postgres, reference_data, sms_outbox):
    crew = Crew()
    case = new_case(crew.applicant)
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def send():
        try:
            barrier.wait()
            for pk in notifications_create(case=case, event="approve", event_key="move:race", reason=""):
                notification_deliver(notification_id=pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len([m for m in sms_outbox if "已批准" in m.text]) == 1
    assert N.objects.filter(event_key="move:race").count() == 2  # one SMS row, one inbox row
