"""A push sent by several workers at once, and by a real Celery worker that receives the task twice: every
recipient is sent to once and the push is closed once (PostgreSQL: SKIP LOCKED is what makes it so)."""

import importlib
import threading
import time

import pytest
from django.apps import apps
from django.db import connection

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from guangyuan_jobs.audit.models import AuditEvent
from subsidies import tasks
from subsidies.models import PolicyPush, PolicyPushRecipient
from subsidies.services.outreach import policy_push_send, policy_push_start
from tests.factories import PersonFactory, make_user

RECIPIENTS = 40
WORKERS = 4


@pytest.fixture
def regions(transactional_db):
    # An earlier transactional test may have flushed the seeded regions.
    importlib.import_module("guangyuan_jobs.registry.migrations.0002_seed_regions").seed(apps, None)


def _queued_push(monkeypatch) -> PolicyPush:
    """A push recorded with its recipients waiting, its task not yet sent."""
    for n in range(RECIPIENTS):
        PersonFactory(phone=f"1390000{n:04d}")
    monkeypatch.setattr(tasks.policy_push_run, "delay", lambda *args, **kwargs: None)
    push = policy_push_start(kind="JNTS", target="no_claim", channel="sms", message="政策来了", region="",
                             actor=make_user("policy"))
    monkeypatch.undo()
    return push


def test_concurrent_senders_send_each_recipient_once(require_postgres, regions, monkeypatch):
    push = _queued_push(monkeypatch)
    LocmemSmsGateway.outbox.clear()
    barrier = threading.Barrier(WORKERS, timeout=60)
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait()
            policy_push_send(push_id=push.pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    phones = [m.phone for m in LocmemSmsGateway.outbox]
    LocmemSmsGateway.outbox.clear()
    assert len(phones) == RECIPIENTS == len(set(phones))
    push.refresh_from_db()
    assert (push.status, push.sent_count) == ("completed", RECIPIENTS)
    assert AuditEvent.objects.filter(event_type="subsidies.policy_push_completed", object_id=str(push.pk)).count() == 1


def test_a_real_worker_given_the_task_twice_sends_once(celery_worker, regions, monkeypatch):
    push = _queued_push(monkeypatch)
    tasks.policy_push_run.delay(push.pk)
    tasks.policy_push_run.delay(push.pk)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        push.refresh_from_db()
        if push.status == PolicyPush.Status.COMPLETED:
            break
        time.sleep(0.2)
    time.sleep(1)  # let the second delivery run to its end too
    push.refresh_from_db()
    assert (push.status, push.sent_count, push.failed_count) == ("completed", RECIPIENTS, 0)
    assert PolicyPushRecipient.objects.filter(push=push, status="sent", sent_at__isnull=False).count() == RECIPIENTS
    assert AuditEvent.objects.filter(event_type="subsidies.policy_push_completed", object_id=str(push.pk)).count() == 1
