"""Money and concurrency (RELIABILITY.md): one approval out of a hundred at once, one payment per case."""

import threading
import time

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case, CaseStatus, Payment
from tests.casework.conftest import Crew, case_at

THREADS = 100


def _connect_with_patience(deadline: float) -> None:
    # 100 threads and max_connections=100: another test run on the same server may hold a few connections
    # for a moment, so a thread waits for a free slot rather than failing the race before it starts.
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            connection.close()
            time.sleep(0.2)


@pytest.mark.postgres
def test_hundred_concurrent_approvals_one_wins(require_postgres, reference_data):
    crew = Crew()
    case = case_at("reviewed", crew)
    seen = case.version
    url = f"/api/v1/cases/{case.ref}/transitions/"
    barrier = threading.Barrier(THREADS, timeout=120)
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def approve():
        try:
            _connect_with_patience(time.monotonic() + 120)
            approver = User.objects.get(pk=crew.approver.pk)
            client = APIClient()
            client.force_authenticate(user=approver)
            barrier.wait()  # every thread has its connection; all go at once
            response = client.post(url, {"action": "approve", "version": seen, "comment": "同意"}, format="json")
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            with lock:
                errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    connection.close()  # leave every connection slot to the racers
    threads = [threading.Thread(target=approve) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    if errors:
        broken = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
        pytest.fail(f"{len(errors)} racers failed before racing; first cause: {broken[:1] or errors[:1]!r}. "
                    f"The race needs {THREADS} free PostgreSQL connections at once (max_connections).")
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.version == seen + 1
    assert Payment.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(event_type="case.approve", object_id=case.ref).count() == 1
    assert case.transitions.filter(action="approve").count() == 1


@pytest.mark.django_db
def test_second_payment_by_raw_sql_is_refused_by_the_database(crew):
    case = case_at("approved", crew)
    assert Payment.objects.filter(case=case).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO casework_payment (case_id, amount, status, created_at, failure_reason) "
            "VALUES (%s, %s, %s, %s, %s)",
            [case.pk, "1000.00", "pending", timezone.now(), ""],
        )
    assert Payment.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).status == CaseStatus.APPROVED
