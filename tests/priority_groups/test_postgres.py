"""Invariants PostgreSQL enforces itself (rows inserted by raw SQL, past every service), and races between
requests giving one outcome."""

import datetime
import importlib
import threading

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from guangyuan_jobs.core.errors import ConflictError
from priority_groups.models import FollowUp, Plan, ServiceRecord
from priority_groups.services.plans import plan_create, service_record_create
from tests.factories import make_user
from tests.priority_groups.conftest import in_group, person_in

pytestmark = pytest.mark.postgres
D = datetime.date


@pytest.fixture
def reference_data(transactional_db):
    """Regions, policy and group codes again: a transactional test's flush drops the data migrations' rows."""
    for module in ("guangyuan_jobs.registry.migrations.0002_seed_regions",
                   "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
                   "priority_groups.migrations.0002_seed_groups_parameters_no_overlap"):
        importlib.import_module(module).seed(apps, None)


def _insert_status(person_id: int, start: str, end: str | None, status: str = "unemployed") -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO priority_groups_employmentstatus (person_id, status, valid_from, valid_to, employer_name, "
            "work_place, note, source, created_at) VALUES (%s, %s, %s, %s, '', '', '', 'caseworker', now())",
            [person_id, status, start, end])


def test_overlapping_status_periods_are_refused_by_the_database(require_postgres):
    person, other = person_in(), person_in()
    _insert_status(person.pk, "2020-01-01", "2020-06-30")
    with pytest.raises(IntegrityError, match="pg_status_no_overlap"):
        _insert_status(person.pk, "2020-06-30", "2020-12-31", "employed_local")  # one shared day overlaps
    _insert_status(person.pk, "2020-07-01", None, "employed_local")
    with pytest.raises(IntegrityError):
        _insert_status(person.pk, "2021-01-01", None)  # a second open period
    _insert_status(other.pk, "2020-01-01", None)


def test_overlapping_memberships_of_one_group_are_refused_by_the_database(require_postgres, caseworker):
    person = person_in()
    membership = in_group(person, "graduate", caseworker, since=D(2020, 7, 1), until=D(2020, 12, 31))
    sql = ("INSERT INTO priority_groups_groupmembership (person_id, group_id, valid_from, valid_to, evidence, "
           "source, created_at) VALUES (%s, %s, %s, %s, 'raw', 'caseworker', now())")
    with pytest.raises(IntegrityError, match="pg_membership_no_overlap"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, [person.pk, "graduate", "2020-12-31", "2021-06-30"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [person.pk, "veteran", "2020-12-31", None])
    assert membership.pk


def _race(workers: int, work) -> tuple[list, list]:
    barrier = threading.Barrier(workers, timeout=60)
    results, errors = [], []
    lock = threading.Lock()

    def run(index):
        try:
            barrier.wait()
            outcome = work(index)
            with lock:
                results.append(outcome)
        except Exception as exc:  # noqa: BLE001 - the test reads them
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_plans_for_one_person_give_one_plan(require_postgres, reference_data):
    worker = make_user("group_caseworker")
    person = person_in()
    results, errors = _race(6, lambda i: plan_create(person=person, caseworker=worker, needs=["job"],
                                                     started_on=D(2026, 1, 5), actor=worker))
    assert len(results) == 1 and len(errors) == 5 and all(isinstance(e, ConflictError) for e in errors)
    assert Plan.objects.count() == 1 and FollowUp.objects.count() == 1


def test_concurrent_services_each_move_the_follow_up_chain_once(require_postgres, reference_data):
    worker = make_user("group_caseworker")
    person = person_in()
    plan = plan_create(person=person, caseworker=worker, needs=["job"], started_on=D(2026, 1, 5), actor=worker)
    results, errors = _race(5, lambda i: service_record_create(
        person=person, service_type="return_visit", served_on=D(2026, 1, 10 + i), channel="phone", actor=worker))
    assert not errors and ServiceRecord.objects.count() == 5
    assert FollowUp.objects.filter(plan=plan, done_on__isnull=True, cancelled=False).count() == 1
    assert FollowUp.objects.filter(plan=plan).count() == 6
