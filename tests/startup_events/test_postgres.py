"""Concurrency where seats are at stake: registrations released together never exceed the capacity, and a
participant clicking many times at once is registered once (PostgreSQL, threads behind a barrier)."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.core.errors import ConflictError
from startup_events.models import Registration
from startup_events.services.events import registration_self
from tests.factories import make_user
from tests.startup_events.conftest import move, new_event

pytestmark = pytest.mark.postgres
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",)


@pytest.fixture
def reference_data(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def _race(event, user_ids):
    barrier = threading.Barrier(len(user_ids), timeout=60)
    done, errors, lock = [], [], threading.Lock()

    def run(user_id):
        try:
            actor = User.objects.get(pk=user_id)
            barrier.wait()
            registration = registration_self(event=event, actor=actor)
            with lock:
                done.append(registration.pk)
        except Exception as exc:  # noqa: BLE001 - the test reads them
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, errors


def test_concurrent_registrations_beyond_capacity_are_refused(require_postgres, reference_data):
    policy = make_user("policy")
    event = move(new_event(policy, capacity=5), "open", policy)
    applicants = [make_user("applicant_person").pk for _ in range(12)]
    done, errors = _race(event, applicants)
    assert len(done) == 5 and len(errors) == 7
    assert all(isinstance(e, ConflictError) and e.code == "full" for e in errors), errors
    assert Registration.objects.filter(event=event).count() == 5


def test_the_same_participant_clicking_at_once_is_registered_once(require_postgres, reference_data):
    policy = make_user("policy")
    event = move(new_event(policy, capacity=50), "open", policy)
    applicant = make_user("applicant_person").pk
    done, errors = _race(event, [applicant] * 8)
    assert len(done) == 1 and len(errors) == 7
    assert all(isinstance(e, ConflictError) and e.code == "duplicate" for e in errors), errors
    assert Registration.objects.filter(event=event).count() == 1
