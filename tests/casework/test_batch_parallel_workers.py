"""A batch job shared by several workers at once (CASEWORK_BATCH_WORKERS tasks): each takes the chunks no other
holds, a chunk held by another is skipped rather than waited for, and the job completes once."""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import override_settings

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.models import BatchItem, BatchJob, Case, CaseStatus, CaseTransition, Payment
from guangyuan_jobs.casework.services import batches
from guangyuan_jobs.casework.tasks import batch_run, notify_applicants
from tests.casework.conftest import Crew
from tests.casework.test_batches import many_reviewed

CASES = 2400
CHUNK = 100


@pytest.fixture(autouse=True)
def _sms_elsewhere(monkeypatch):
    # The applicants' SMS are another queue's work; run in process they would take most of the test's time.
    monkeypatch.setattr(notify_applicants, "apply_async", lambda *args, **kwargs: None)


def _count_chunks_by_worker(monkeypatch) -> Counter:
    """Cases processed by each thread's chunks."""
    done: Counter = Counter()
    real_chunk = batches._batch_chunk

    def counted(**kwargs):
        n = real_chunk(**kwargs)
        done[threading.current_thread().name] += n
        return n

    monkeypatch.setattr(batches, "_batch_chunk", counted)
    return done


def _run_in_threads(targets: dict, *, timeout: float = 120) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(target):
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,), name=name) for name, target in targets.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker is still waiting"
    return errors


def _assert_each_case_approved_once(job: BatchJob, crew: Crew, cases: int = CASES) -> None:
    job.refresh_from_db()
    assert job.status == BatchJob.Status.COMPLETED
    assert (job.total, job.processed, job.applied, job.skipped) == (cases, cases, cases, 0)
    assert not job.items.exclude(outcome=BatchItem.Outcome.APPLIED).exists()
    assert Case.objects.filter(status=CaseStatus.APPROVED, approved_by=crew.approver, version=5).count() == cases
    per_case = [
        Payment.objects.values("case"),
        CaseTransition.objects.filter(action="approve").values("case"),
        AuditEvent.objects.filter(event_type="case.approve").values("object_id"),
    ]
    for rows in per_case:
        assert set(rows.annotate(n=Count("id")).values_list("n", flat=True)) == {1}
        assert rows.count() == cases
    assert AuditEvent.objects.filter(event_type="case.batch_completed").count() == 1


@pytest.mark.postgres
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=CHUNK, CASEWORK_BATCH_WORKERS=2)
def test_the_two_tasks_of_a_job_share_its_chunks_and_complete_it_once(require_postgres, reference_data, monkeypatch):
    crew = Crew()
    cases = many_reviewed(crew, CASES)
    published = []
    monkeypatch.setattr(batch_run, "delay", published.append)  # the two workers below run what was published
    job = services.batch_start(action="approve", actor=crew.approver, comment="同意", case_refs=[c.ref for c in cases])
    assert published == [str(job.pk)] * 2
    done = _count_chunks_by_worker(monkeypatch)
    barrier = threading.Barrier(len(published), timeout=60)

    def worker(job_id):
        def run():
            barrier.wait()
            batch_run.apply(args=(job_id,), throw=True)
        return run

    errors = _run_in_threads({f"worker-{n}": worker(job_id) for n, job_id in enumerate(published)})
    assert errors == []
    assert sum(done.values()) == CASES
    assert set(done) == {"worker-0", "worker-1"} and min(done.values()) >= CHUNK  # both did chunks
    _assert_each_case_approved_once(job, crew)


@pytest.mark.postgres
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=CHUNK)
def test_a_chunk_another_worker_holds_is_skipped_not_waited_for(require_postgres, reference_data, monkeypatch):
    crew = Crew()
    cases = many_reviewed(crew, CASES)
    monkeypatch.setattr(batch_run, "delay", lambda job_id: None)
    job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    held = list(job.items.order_by("id").values_list("pk", flat=True)[CHUNK:2 * CHUNK])  # the second chunk
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            assert len(BatchItem.objects.select_for_update().filter(pk__in=held).values_list("pk")) == CHUNK
            locked.set()
            release.wait(60)

    def worker():
        locked.wait(60)
        try:
            services.batch_process(job_id=job.pk)
        finally:
            release.set()

    assert _run_in_threads({"other": other_worker, "worker": worker}) == []
    job.refresh_from_db()
    assert (job.status, job.processed, job.applied) == (BatchJob.Status.RUNNING, CASES - CHUNK, CASES - CHUNK)
    assert set(job.items.filter(outcome=BatchItem.Outcome.PENDING).values_list("pk", flat=True)) == set(held)
    assert not AuditEvent.objects.filter(event_type="case.batch_completed").exists()

    services.batch_process(job_id=job.pk)  # the held chunk's worker gave up; a redelivery takes it
    _assert_each_case_approved_once(job, crew)


@pytest.mark.django_db
@override_settings(CASEWORK_BATCH_WORKERS=2)
def test_run_in_process_the_first_task_does_the_job_and_the_second_finds_it_done(crew,
                                                                              django_capture_on_commit_callbacks):
    cases = many_reviewed(crew, 5)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    _assert_each_case_approved_once(job, crew, cases=5)


@pytest.mark.django_db
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=2)
def test_a_job_another_worker_gave_up_on_is_completed_by_the_one_still_running(crew, monkeypatch):
    cases = many_reviewed(crew, 6)
    monkeypatch.setattr(batch_run, "delay", lambda job_id: None)
    job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    real_chunk = batches._batch_chunk

    def chunk_while_the_other_gives_up(**kwargs):
        done = real_chunk(**kwargs)
        services.batch_fail(job_id=job.pk, error="OperationalError: server closed the connection")
        return done

    monkeypatch.setattr(batches, "_batch_chunk", chunk_while_the_other_gives_up)
    services.batch_process(job_id=job.pk)
    _assert_each_case_approved_once(job, crew, cases=6)
    assert job.error == ""
