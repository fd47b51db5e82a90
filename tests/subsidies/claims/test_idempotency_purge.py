"""Idempotency-Keys are kept for settings.IDEMPOTENCY_KEY_RETENTION_DAYS, then purged by a periodic task."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case, IdempotencyKey
from guangyuan_jobs.casework.services import idempotency
from guangyuan_jobs.casework.tasks import idempotency_keys_purge
from tests.subsidies.claims.conftest import api, sybzj_data

pytestmark = pytest.mark.django_db
LIST = "/api/v1/subsidies/claims/"


def _age(key: str, days: float) -> None:
    IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - datetime.timedelta(days=days))


def test_keys_past_their_retention_are_purged_the_others_kept(crew, settings):
    settings.IDEMPOTENCY_KEY_RETENTION_DAYS = 10
    IdempotencyKey.objects.bulk_create([IdempotencyKey(user=crew.person, scope="claim_file", key=key, request_hash="x")
                                        for key in ("old", "young")])
    _age("old", 10.1)
    _age("young", 9.9)
    assert idempotency_keys_purge.delay().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]
    event = AuditEvent.objects.get(event_type="casework.idempotency_keys_purged")
    assert event.details["purged"] == 1 and event.details["retention_days"] == 10
    assert idempotency_keys_purge.delay().get() == 0  # nothing left to purge: no second audit event
    assert AuditEvent.objects.filter(event_type="casework.idempotency_keys_purged").count() == 1


def test_a_purged_key_is_no_longer_replayed(crew):
    client = api(crew.person)
    first = client.post(LIST, {"kind": "SYBZJ", "data": sybzj_data()}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    replay = client.post(LIST, {"kind": "SYBZJ", "data": sybzj_data()}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert (first.status_code, replay.status_code, replay["Idempotent-Replayed"]) == (201, 201, "true")
    _age("k", settings.IDEMPOTENCY_KEY_RETENTION_DAYS + 1)
    idempotency.idempotency_keys_purge()
    # The request is handled afresh: a second open claim for the same period is refused.
    again = client.post(LIST, {"kind": "SYBZJ", "data": sybzj_data()}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert again.status_code == 409 and "Idempotent-Replayed" not in again
    assert Case.objects.count() == 1


def test_purging_goes_in_batches(crew, monkeypatch):
    monkeypatch.setattr(idempotency, "IDEMPOTENCY_PURGE_BATCH", 2)
    IdempotencyKey.objects.bulk_create([IdempotencyKey(user=crew.person, scope="test", key=f"k{n}", request_hash="x")
                                        for n in range(5)])
    IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    assert idempotency.idempotency_keys_purge() == 5 and not IdempotencyKey.objects.exists()


def test_the_purge_runs_hourly():
    task = settings.CELERY_BEAT_SCHEDULE["purge-idempotency-keys"]["task"]
    assert task == "guangyuan_jobs.casework.tasks.idempotency_keys_purge"
