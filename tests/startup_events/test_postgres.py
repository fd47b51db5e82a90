"""Concurrency where seats are at stake: registrations released together never exceed the capacity (the rest
wait, in one order), a participant clicking many times at once is registered once, and cancellations released
together each give their seat to a different waiting participant (PostgreSQL, threads behind a barrier)."""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ConflictError
from startup_events import selectors
from startup_events.models import Registration, RegistrationStatus
from startup_events.services.events import registration_cancel, registration_self
from tests.factories import make_user
from tests.startup_events.conftest import FUTURE, move, new_event

pytestmark = pytest.mark.postgres
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",)


@pytest.fixture
def reference_data(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def _race(event, user_ids, *, cancel: dict | None = None):
    """Each user registers for the event at once, or (with `cancel`, user id -> registration id) cancels."""
    barrier = threading.Barrier(len(user_ids), timeout=60)
    done, errors, lock = [], [], threading.Lock()

    def run(user_id):
        try:
            actor = User.objects.get(pk=user_id)
            target = Registration.objects.get(pk=cancel[user_id]) if cancel else None
            barrier.wait()
            if target is not None:
                registration = registration_cancel(registration=target, actor=actor)
            else:
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


def test_concurrent_registrations_beyond_capacity_wait_in_one_order(require_postgres, reference_data):
    policy = make_user("policy")
    event = move(new_event(policy, capacity=5), "open", policy)
    applicants = [make_user("applicant_person").pk for _ in range(12)]
    done, errors = _race(event, applicants)
    assert len(done) == 12 and errors == []
    assert Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count() == 5
    waiting = selectors.registrations_of(event, status=RegistrationStatus.WAITING)
    assert [r.waiting_position for r in waiting] == [1, 2, 3, 4, 5, 6, 7]


def test_two_registrations_for_the_last_seat_one_registered_one_waiting(require_postgres, reference_data):
    policy = make_user("policy")
    event = move(new_event(policy, capacity=2), "open", policy)
    registration_self(event=event, actor=make_user("applicant_person"))
    done, errors = _race(event, [make_user("applicant_person").pk, make_user("applicant_person").pk])
    assert len(done) == 2 and errors == []
    statuses = sorted(Registration.objects.filter(pk__in=done).values_list("status", flat=True))
    assert statuses == [RegistrationStatus.REGISTERED, RegistrationStatus.WAITING]
    assert selectors.seats_taken(event) == 2


def test_two_cancellations_at_once_move_up_two_different_waiting(require_postgres, reference_data):
    policy = make_user("policy")
    event = move(new_event(policy, capacity=2, held_on=FUTURE), "open", policy)
    people = [make_user("applicant_person") for _ in range(5)]
    registrations = [registration_self(event=event, actor=person) for person in people]
    assert [r.status for r in registrations] == ["registered", "registered", "waiting", "waiting", "waiting"]
    done, errors = _race(event, [people[0].pk, people[1].pk],
                         cancel={people[0].pk: registrations[0].pk, people[1].pk: registrations[1].pk})
    assert len(done) == 2 and errors == []
    status = dict(Registration.objects.filter(event=event).values_list("pk", "status"))
    assert [status[r.pk] for r in registrations] == ["cancelled", "cancelled", "registered", "registered", "waiting"]
    promoted = AuditEvent.objects.filter(event_type="startup_events.registration.promote")
    assert sorted(a.details["registration"] for a in promoted) == [registrations[2].pk, registrations[3].pk]
    assert selectors.seats_taken(event) == 2


def test_the_same_participant_clicking_at_once_is_registered_once(require_postgres, reference_data):
    policy = make_user("policy")
    event = move(new_event(policy, capacity=50), "open", policy)
    applicant = make_user("applicant_person").pk
    done, errors = _race(event, [applicant] * 8)
    assert len(done) == 1 and len(errors) == 7
    assert all(isinstance(e, ConflictError) and e.code == "duplicate" for e in errors), errors
    assert Registration.objects.filter(event=event).count() == 1


def test_the_same_participant_cancelling_twice_at_once_is_cancelled_once(require_postgres, reference_data):
    policy = make_user("policy")
    event = move(new_event(policy, capacity=1, held_on=FUTURE), "open", policy)
    applicant = make_user("applicant_person")
    mine = registration_self(event=event, actor=applicant)
    waiting = [registration_self(event=event, actor=make_user("applicant_person")) for _ in range(2)]
    done, errors = _race(event, [applicant.pk, applicant.pk], cancel={applicant.pk: mine.pk})
    assert len(done) == 1 and len(errors) == 1 and errors[0].code == "already_cancelled"
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == ["registered", "waiting"]
