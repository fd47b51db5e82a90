"""Batch actions as jobs: chunked, set-based, per-case results with reasons, resumable, nothing done twice."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import override_settings

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.models import (
    BatchItem,
    BatchJob,
    Case,
    CaseStatus,
    CaseTransition,
    MissingMaterial,
    Payment,
)
from guangyuan_jobs.casework.rules import reference_new
from guangyuan_jobs.casework.services import batches
from guangyuan_jobs.casework.tasks import batch_run
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from tests.casework.conftest import TEST_AMOUNT, Crew, move
from tests.conftest import ROOT
from tests.factories import make_user

CHUNK = 150


def many_reviewed(crew: Crew, n: int, *, region: str = "510802") -> list[Case]:
    """`n` cases waiting for approval, inserted in bulk (the path there is tested elsewhere)."""
    person = crew.applicant.person
    cases = [Case(ref=reference_new(kind_code="TEST", year=2026), kind="TEST", applicant_person=person,
                  region_id=region, status=CaseStatus.REVIEWED, version=4, submitted_by=crew.applicant,
                  accepted_by=crew.intake, reviewed_by=crew.reviewer, approved_amount=TEST_AMOUNT)
             for _ in range(n)]
    return Case.objects.bulk_create(cases, batch_size=500)


def batch_size_for_engine() -> int:
    # The promise is about 1,000 cases; SQLite runs a smaller one to keep the embedded suite fast.
    return 1000 if connection.vendor == "postgresql" else 300


def prepare_mixed_batch(crew: Crew):
    n = batch_size_for_engine()
    cases = many_reviewed(crew, n)
    accepted_by_approver = cases[:10]
    Case.objects.filter(pk__in=[c.pk for c in accepted_by_approver]).update(accepted_by=crew.approver)
    waiting_for_materials = cases[10:20]
    MissingMaterial.objects.bulk_create([MissingMaterial(case=c, material_code="BANK", label="银行卡",
                                                         due_date="2099-01-01", requested_by=crew.intake)
                                         for c in waiting_for_materials])
    job = services.batch_start(action="approve", actor=crew.approver, comment="批量审批",
                               case_refs=[c.ref for c in cases])
    # Before the job runs, a colleague approves five of them one by one.
    moved_on = cases[20:25]
    for case in moved_on:
        move(case, "approve", crew.approver2)
    return n, job, {"maker_checker": 10, "materials_missing": 10, "stale": 5}


def assert_mixed_batch_done(n, job, skipped_reasons, crew):
    job.refresh_from_db()
    assert job.status == BatchJob.Status.COMPLETED
    applied = n - sum(skipped_reasons.values())
    assert (job.total, job.processed, job.applied, job.skipped) == (n, n, applied, n - applied)
    reasons = dict(job.items.filter(outcome=BatchItem.Outcome.SKIPPED).values_list("reason")
                   .annotate(n=Count("id")).values_list("reason", "n"))
    assert reasons == skipped_reasons
    assert not job.items.filter(outcome=BatchItem.Outcome.PENDING).exists()
    approved = Case.objects.filter(status=CaseStatus.APPROVED)
    assert approved.count() == applied + skipped_reasons["stale"]
    assert Payment.objects.count() == applied + skipped_reasons["stale"]
    assert AuditEvent.objects.filter(event_type="case.approve").count() == applied + skipped_reasons["stale"]
    assert approved.filter(approved_by=crew.approver).count() == applied
    assert set(approved.filter(approved_by=crew.approver).values_list("version", flat=True)) == {5}


@pytest.mark.django_db
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=CHUNK)
def test_batch_approval_in_chunks_with_reasons_and_a_rerun_does_nothing_twice(crew):
    n, job, skipped = prepare_mixed_batch(crew)
    batch_run.delay(str(job.pk))
    assert_mixed_batch_done(n, job, skipped, crew)
    events = AuditEvent.objects.count()
    batch_run.delay(str(job.pk))  # a redelivered task
    services.batch_process(job_id=job.pk)  # and a manual rerun
    assert_mixed_batch_done(n, job, skipped, crew)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=CHUNK)
def test_a_failing_chunk_leaves_the_job_failed_and_a_rerun_resumes(crew, monkeypatch):
    n, job, skipped = prepare_mixed_batch(crew)
    real_record = batches._record_outcomes
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] >= 2:  # the last writes of the second chunk: everything before them in the chunk is undone
            raise RuntimeError("database went away")
        return real_record(**kwargs)

    monkeypatch.setattr(batches, "_record_outcomes", flaky)
    with pytest.raises(RuntimeError):
        batch_run.delay(str(job.pk))
    job.refresh_from_db()
    assert job.status == BatchJob.Status.FAILED and "database went away" in job.error
    assert job.items.exclude(outcome=BatchItem.Outcome.PENDING).count() == CHUNK  # the first chunk stands
    # The first chunk's moves and the five approved by hand; none of the second chunk's writes.
    moved = job.applied + skipped["stale"]
    assert AuditEvent.objects.filter(event_type="case.approve").count() == moved
    assert Payment.objects.count() == CaseTransition.objects.filter(action="approve").count() == moved

    monkeypatch.setattr(batches, "_record_outcomes", real_record)
    batch_run.delay(str(job.pk))
    assert_mixed_batch_done(n, job, skipped, crew)


@pytest.mark.postgres
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=CHUNK)
def test_the_same_job_run_by_two_workers_at_once_does_each_case_once(require_postgres, reference_data, monkeypatch):
    crew = Crew()
    monkeypatch.setattr(batch_run, "delay", lambda job_id: None)  # the two "workers" below take the job
    n, job, skipped = prepare_mixed_batch(crew)
    barrier = threading.Barrier(2, timeout=60)
    errors = []

    def worker():
        try:
            barrier.wait()
            services.batch_process(job_id=job.pk)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_mixed_batch_done(n, job, skipped, crew)
    assert job.items.values("case").distinct().count() == n


@pytest.mark.django_db
def test_batch_over_filters_takes_only_the_actors_area(crew, django_capture_on_commit_callbacks):
    many_reviewed(crew, 4, region="510802")
    many_reviewed(crew, 3, region="510821")
    district_approver = make_user("approver", region_code="510821")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.batch_start(action="approve", actor=district_approver, filters={"status": "reviewed"})
    job.refresh_from_db()
    assert job.total == 3 and job.applied == 3 and job.status == BatchJob.Status.COMPLETED
    assert set(Case.objects.filter(status=CaseStatus.APPROVED).values_list("region_id", flat=True)) == {"510821"}


@pytest.mark.django_db
def test_batch_start_refusals(crew):
    many_reviewed(crew, 2)
    with pytest.raises(ForbiddenError):
        services.batch_start(action="approve", actor=crew.intake, filters={})  # no batch permission
    with pytest.raises(ForbiddenError):
        services.batch_start(action="pay", actor=crew.approver, filters={})  # not a payer
    with pytest.raises(ApplicationError):
        services.batch_start(action="refuse", actor=crew.approver, filters={})  # needs a reason per case
    with pytest.raises(ApplicationError):
        services.batch_start(action="approve", actor=crew.approver, case_refs=["TEST-2026-NOTEXIST"])
    assert not BatchJob.objects.exists()


@pytest.mark.django_db
def test_batch_pages_start_show_progress_and_results(crew, client, django_capture_on_commit_callbacks):
    cases = many_reviewed(crew, 3)
    Case.objects.filter(pk=cases[0].pk).update(accepted_by=crew.approver)
    client.force_login(crew.approver)
    inbox = client.get("/cases/?status=reviewed").content.decode()
    assert 'name="refs"' in inbox and 'data-testid="batch-form"' in inbox

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/batches/start/", {
            "action": "approve", "comment": "同意", "refs": [c.ref for c in cases]})
    job = BatchJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/batches/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "批量任务：批准" in page
    assert cases[0].ref in page and "经办" in page  # the skipped case with its maker-checker reason
    progress = client.get(f"/cases/batches/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true" and "100%" in progress.content.decode()
    listing = client.get("/cases/batches/").content.decode()
    assert f"/cases/batches/{job.pk}/" in listing

    client.force_login(crew.intake)
    assert client.get("/cases/batches/").status_code == 403
    client.force_login(make_user("approver"))
    assert client.get(f"/cases/batches/{job.pk}/").status_code == 404  # someone else's job


@pytest.mark.django_db
def test_running_job_page_polls_its_progress(crew, client):
    cases = many_reviewed(crew, 2)
    job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    client.force_login(crew.approver)
    page = client.get(f"/cases/batches/{job.pk}/").content.decode()
    assert f'hx-get="/cases/batches/{job.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page


@pytest.fixture
def slow_batch_env(monkeypatch):
    """Small chunks, so a worker can be killed in the middle of a batch; a short visibility timeout, so the
    broker hands the unacknowledged task to the next worker within seconds instead of an hour."""
    monkeypatch.setenv("CASEWORK_BATCH_CHUNK_SIZE", "10")
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "3")


def _start_worker(queue: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TESTING": "1", "CELERY_TASK_ALWAYS_EAGER": "0", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    })
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "guangyuan_jobs", "worker", "-Q", queue, "-c", "2", "--pool",
         "threads", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.celery_worker
def test_a_worker_killed_mid_batch_is_replaced_and_the_batch_completes_once(slow_batch_env, celery_worker,
                                                                           reference_data):
    from guangyuan_jobs.celery import app

    crew = Crew()
    cases = many_reviewed(crew, 1000)
    job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    _wait_for(lambda: BatchJob.objects.get(pk=job.pk).processed > 0, timeout=30, what="the first chunk")
    celery_worker.send_signal(signal.SIGKILL)
    celery_worker.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == BatchJob.Status.RUNNING and 0 < job.processed < job.total

    replacement = _start_worker(app.conf.task_default_queue)
    try:
        _wait_for(lambda: BatchJob.objects.get(pk=job.pk).status == BatchJob.Status.COMPLETED, timeout=90,
                  what="the batch to complete on the replacement worker")
    finally:
        replacement.terminate()
        replacement.wait(timeout=10)
    job.refresh_from_db()
    assert (job.total, job.processed, job.applied, job.skipped) == (1000, 1000, 1000, 0)
    assert Case.objects.filter(status=CaseStatus.APPROVED, version=5).count() == 1000
    assert Payment.objects.count() == 1000
    assert AuditEvent.objects.filter(event_type="case.approve").count() == 1000


@pytest.mark.django_db
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=CHUNK)
def test_set_based_rows_match_a_single_transition_and_the_chunk_queries_do_not_grow(crew,
                                                                                  django_assert_max_num_queries):
    cases = many_reviewed(crew, 2 * CHUNK)
    job = services.batch_start(action="approve", actor=crew.approver, comment="同意", case_refs=[c.ref for c in cases])
    # Two chunks of 150 cases: each a dozen statements, whatever its size (no statement per case).
    with django_assert_max_num_queries(50):
        services.batch_process(job_id=job.pk)
    case = Case.objects.get(pk=cases[7].pk)
    event = AuditEvent.objects.get(event_type="case.approve", object_id=case.ref)
    assert event.actor == crew.approver and event.actor_username == crew.approver.username
    assert event.object_type == "casework.case" and event.outcome == "success"
    assert event.details == {"from": {"status": "reviewed", "version": 4}, "to": {"status": "approved", "version": 5},
                             "comment": "同意", "batch": str(job.pk)}
    transition = case.transitions.get()
    assert (transition.action, transition.from_status, transition.to_status, transition.actor, transition.comment) == (
        "approve", "reviewed", "approved", crew.approver, "同意")
    assert case.payment.approval_event_id == event.pk and case.payment.amount == TEST_AMOUNT
    assert case.payment.status == Payment.Status.PENDING
    # Every payment order points to its own case's approval event.
    events = dict(AuditEvent.objects.filter(event_type="case.approve").values_list("object_id", "pk"))
    assert {p.case.ref: p.approval_event_id for p in Payment.objects.select_related("case")} == events


def _written_rows(case: Case) -> dict:
    """What a batch approval wrote for `case`, with the ids and times that differ from one run to another left
    out, and whether its payment order points to its own approval event."""
    case.refresh_from_db()
    event = AuditEvent.objects.get(object_type="casework.case", object_id=case.ref, event_type="case.approve")
    details = {k: v for k, v in event.details.items() if k != "batch"}
    payment = (Payment.objects.filter(case=case).values("amount", "status", "approval_event_id", "failure_reason")
               .first())
    if payment is not None:
        payment["links_its_event"] = payment.pop("approval_event_id") == event.pk
    return {
        "case": (case.status, case.version, case.approved_by_id, case.first_approved_by_id, case.decided_at is None),
        "timeline": list(case.transitions.values_list("action", "from_status", "to_status", "actor", "comment")),
        "event": (event.actor_id, event.actor_username, event.outcome, event.source_ip, details),
        "payment": payment,
    }


@pytest.mark.postgres
@override_settings(CASEWORK_BATCH_CHUNK_SIZE=CHUNK)
def test_postgresql_one_statement_writes_the_same_rows_as_the_generic_path(require_postgres, reference_data,
                                                                          monkeypatch):
    """PostgreSQL writes a move's timeline entries, audit events and payment orders in one statement; SQLite
    runs one INSERT ... SELECT each. Both, run here on the same kinds of cases, write the same rows: a plain
    approval (with its payment order) and a first of two approvals (no order), with the approver's
    maker-checker and missing-material skips alike."""
    from tests.casework.conftest import set_parameter

    crew = Crew()
    set_parameter("casework.dual_approval_threshold", "5000.00", value_type="decimal", region="510802")

    def run(one_statement: bool) -> list[dict]:
        monkeypatch.setattr(batches, "_writes_in_one_statement", lambda: one_statement)
        cases = many_reviewed(crew, CHUNK + 10)  # two chunks
        big = cases[:5]
        Case.objects.filter(pk__in=[c.pk for c in big]).update(approved_amount="8000.00")
        Case.objects.filter(pk=cases[5].pk).update(reviewed_by=crew.approver)
        MissingMaterial.objects.create(case=cases[6], material_code="BANK", label="银行卡", due_date="2099-01-01",
                                       requested_by=crew.intake)
        job = services.batch_start(action="approve", actor=crew.approver, comment="同意",
                                   case_refs=[c.ref for c in cases])
        services.batch_process(job_id=job.pk)
        job.refresh_from_db()
        assert (job.applied, job.skipped) == (len(cases) - 2, 2)
        reasons = dict(job.items.values_list("case", "reason"))
        assert (reasons[big[0].pk], reasons[cases[5].pk], reasons[cases[6].pk]) == (
            "first_approval", "maker_checker", "materials_missing")
        moved = [c for c in cases if c.pk not in (cases[5].pk, cases[6].pk)]
        return [_written_rows(c) for c in moved]

    generic, one_statement = run(False), run(True)
    assert one_statement == generic
    assert generic[0]["event"][4] == {"from": {"status": "reviewed", "version": 4},
                                      "to": {"status": "reviewed", "version": 5}, "comment": "同意", "stage": "first"}
    assert generic[0]["payment"] is None and generic[0]["case"][3] == crew.approver.pk
    assert generic[-1]["payment"] == {"amount": TEST_AMOUNT, "status": "pending", "failure_reason": "",
                                      "links_its_event": True}
