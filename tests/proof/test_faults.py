"""Faults, with the real engines: a Celery worker killed with SIGKILL in the middle of a 1,000-case batch, a
task that can never succeed, and the broker gone while applicants file claims. Worker tests need PostgreSQL and
Redis (they skip without them, and fail when REQUIRE_SERVICES=1); the broker outage needs neither: a closed port
is an unreachable broker, and a private redis-server (when installed) brings it back."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count
from kombu.exceptions import OperationalError

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework import services
from guangyuan_jobs.casework.kinds import CaseKind, register_kind
from guangyuan_jobs.casework.models import BatchItem, BatchJob, Case, CaseStatus, CaseTransition, Payment
from guangyuan_jobs.casework.rules import reference_new
from guangyuan_jobs.casework.tasks import BATCH_MAX_RETRIES
from tests.conftest import ROOT, free_port, skip_or_fail
from tests.factories import make_user
from tests.subsidies.claims.conftest import api, sybzj_data

KIND = register_kind(CaseKind(code="PROOF", label="故障验证补贴", applicant_type="person", public_notice=False))
BATCH_SIZE = 1000


class Crew:
    def __init__(self):
        self.applicant = make_user("applicant_person")
        self.intake = make_user("intake")
        self.reviewer = make_user("reviewer")
        self.approver = make_user("approver")


def reviewed_cases(crew: Crew, n: int) -> list[Case]:
    """`n` cases waiting for approval, inserted in bulk (the way there is tested by casework)."""
    return Case.objects.bulk_create(
        [Case(ref=reference_new(kind_code=KIND.code, year=2026), kind=KIND.code,
              applicant_person=crew.applicant.person, region_id="510802", status=CaseStatus.REVIEWED, version=4,
              submitted_by=crew.applicant, accepted_by=crew.intake, reviewed_by=crew.reviewer,
              approved_amount="1000.00")
         for _ in range(n)], batch_size=500)


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def start_worker(queue: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {**os.environ, "TESTING": "1", "CELERY_TASK_ALWAYS_EAGER": "0", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "guangyuan_jobs", "worker", "-Q", queue, "-c", "2", "--pool",
         "threads", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "ERROR"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def small_chunks_fast_redelivery(monkeypatch):
    """Chunks of 10, so the worker dies mid-batch; a 3-second visibility timeout, so the broker hands the
    unacknowledged task to the next worker within seconds rather than an hour (read by the worker processes)."""
    monkeypatch.setenv("CASEWORK_BATCH_CHUNK_SIZE", "10")
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "3")


# --- a worker killed mid-batch -------------------------------------------------------------------------------------

@pytest.mark.celery_worker
def test_a_worker_killed_mid_batch_and_restarted_does_every_case_once(small_chunks_fast_redelivery, celery_worker,
                                                                     reference_data):
    from guangyuan_jobs.celery import app

    crew = Crew()
    cases = reviewed_cases(crew, BATCH_SIZE)
    job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    wait_for(lambda: BatchJob.objects.get(pk=job.pk).processed > 0, timeout=60, what="the first chunk")
    celery_worker.send_signal(signal.SIGKILL)
    celery_worker.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == BatchJob.Status.RUNNING and 0 < job.processed < BATCH_SIZE, (job.status, job.processed)

    restarted = start_worker(app.conf.task_default_queue)
    try:
        wait_for(lambda: BatchJob.objects.get(pk=job.pk).status == BatchJob.Status.COMPLETED, timeout=180,
                 what="the batch to complete on the restarted worker")
    finally:
        restarted.terminate()
        restarted.wait(timeout=15)
    job.refresh_from_db()
    assert (job.total, job.processed, job.applied, job.skipped) == (BATCH_SIZE,) * 3 + (0,)
    assert not job.items.exclude(outcome=BatchItem.Outcome.APPLIED).exists()
    assert Case.objects.filter(kind=KIND.code, status=CaseStatus.APPROVED).count() == BATCH_SIZE
    approvals = CaseTransition.objects.filter(case__kind=KIND.code, action="approve")
    assert approvals.count() == BATCH_SIZE
    assert not approvals.values("case").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert Payment.objects.filter(case__kind=KIND.code).count() == BATCH_SIZE
    assert AuditEvent.objects.filter(event_type="case.approve").count() == BATCH_SIZE


# --- a poison task --------------------------------------------------------------------------------------------------

POISON_TRIGGER = """
CREATE OR REPLACE FUNCTION proof_poison() RETURNS trigger AS $$
BEGIN
  IF NEW.kind = 'PROOF' AND NEW.status = 'approved' THEN RAISE EXCEPTION 'proof: this case can never move'; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER proof_poison BEFORE UPDATE ON casework_case FOR EACH ROW EXECUTE FUNCTION proof_poison();
"""


@pytest.fixture
def poisoned_cases(celery_worker):
    """A database that refuses, every time, to approve the PROOF cases: the batch task fails on every delivery."""
    with connection.cursor() as cursor:
        cursor.execute(POISON_TRIGGER)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS proof_poison ON casework_case; DROP FUNCTION IF EXISTS proof_poison()")


@pytest.mark.celery_worker
def test_a_task_that_always_fails_stops_after_its_tries_in_a_failed_state_staff_can_see(
        poisoned_cases, celery_worker, reference_data, client):
    crew = Crew()
    cases = reviewed_cases(crew, 20)
    job = services.batch_start(action="approve", actor=crew.approver, case_refs=[c.ref for c in cases])
    # Retries wait 10, 20 and 40 s: the task is tried 1 + BATCH_MAX_RETRIES times, then the job fails.
    wait_for(lambda: BatchJob.objects.get(pk=job.pk).status == BatchJob.Status.FAILED, timeout=150,
             what="the poison job to end failed")
    job.refresh_from_db()
    assert "can never move" in job.error and job.applied == 0
    assert not Case.objects.filter(kind=KIND.code, status=CaseStatus.APPROVED).exists()
    time.sleep(3)  # no further delivery: the job stays failed and nothing is retried again
    assert BatchJob.objects.get(pk=job.pk).status == BatchJob.Status.FAILED
    assert BATCH_MAX_RETRIES >= 1
    client.force_login(crew.approver)
    page = client.get(f"/cases/batches/{job.pk}/").content.decode()
    assert "失败" in page


# --- the broker down while applicants file -------------------------------------------------------------------------

@pytest.fixture
def broker_on_a_closed_port():
    """The Celery app pointed at a port nobody listens on (tasks sent, not run in process); restored after."""
    from guangyuan_jobs.celery import app

    port = free_port()
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = f"redis://127.0.0.1:{port}/8", False
    _forget_connections(app)
    with pytest.raises(OperationalError):  # truly unreachable, not an earlier test's pooled connection
        app.connection_for_write().ensure_connection(max_retries=1)
    yield port
    app.conf.broker_url, app.conf.task_always_eager = saved
    _forget_connections(app)


def _forget_connections(app) -> None:
    """Connection and producer pools hold connections to the broker they were made for."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_claims_are_still_accepted_and_queued_again_once_it_returns(broker_on_a_closed_port,
                                                                                         reference_data):
    applicants = [make_user("applicant_person") for _ in range(3)]
    for applicant in applicants:
        response = api(applicant).post("/api/v1/subsidies/claims/",
                                       {"kind": "SYBZJ", "submit": True, "data": sybzj_data()}, format="json")
        assert response.status_code == 201, response.content[:300]
    assert Case.objects.filter(kind="SYBZJ", status=CaseStatus.SUBMITTED).count() == len(applicants)

    binary = shutil.which("redis-server")
    if not binary:
        skip_or_fail("redis-server is not installed: the broker's return cannot be shown")
    folder = tempfile.mkdtemp(prefix="proof-redis-")
    server = subprocess.Popen([binary, "--port", str(broker_on_a_closed_port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    try:
        broker = redis.Redis(port=broker_on_a_closed_port, db=8)
        wait_for(lambda: _ping(broker), timeout=10, what="the private redis-server")
        late = make_user("applicant_person")
        response = api(late).post("/api/v1/subsidies/claims/", {"kind": "SYBZJ", "submit": True,
                                                                "data": sybzj_data()}, format="json")
        assert response.status_code == 201
        queued = sum(broker.llen(key) for key in broker.keys("*") if broker.type(key) == b"list")
        assert queued >= 1, "the applicant's notification was not queued once the broker was back"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _ping(client) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
