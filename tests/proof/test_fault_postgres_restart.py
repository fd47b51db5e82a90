"""Fault: PostgreSQL crashes and restarts while applicants file and submit claims.

A private PostgreSQL cluster (tests/proof/private_postgres.py; the shared server is never touched) gets the
project's schema by `manage.py migrate` and fresh applicants by the load benchmark's own seeding
(`bench/load.py seed`). gunicorn serves the portal on it (the production settings path: persistent connections
with CONN_HEALTH_CHECKS, Celery tasks in process, no load shedding so every 503 is the database's). CLIENTS
threads file and submit one SYBZJ claim per applicant through POST /api/v1/subsidies/claims/, each with its own
Idempotency-Key, retrying with the same key after a 503 (waiting the Retry-After, at most a second here) or no
answer. Once a third of them are acknowledged, the cluster is stopped with `-m immediate` (every backend killed, no
checkpoint: a crash), left down OUTAGE_SECONDS, and started again (crash recovery).

What must hold:
- no 500, no 4xx, no answer other than 201 or 503 at all;
- every 503 has Retry-After and the API's error shape with the Chinese message; 503s (and dropped connections)
  happen only while the database is down, never on a request that began after it was back (health checks);
- every submission answered 201 is in the database afterwards, submitted, with its reference;
- retries with the same key made no second claim: rows == distinct acknowledged keys == applicants served, one
  stored key and one `claim_filed` audit event per claim.
Skips (fails when REQUIRE_SERVICES=1) without the PostgreSQL server binaries, or as root without a postgres user."""

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass

import httpx
import pytest

from bench.load import CLAIM
from tests.conftest import ROOT, free_port
from tests.proof.private_postgres import PrivatePostgres

pytestmark = pytest.mark.postgres

CLIENTS = int(os.environ.get("PROOF_PG_CLIENTS", "12"))
SUBMISSIONS = int(os.environ.get("PROOF_PG_SUBMISSIONS", "120"))
OUTAGE_SECONDS = float(os.environ.get("PROOF_PG_OUTAGE_SECONDS", "2"))
CRASH_AFTER = SUBMISSIONS // 3  # acknowledged submissions before the crash
RETRY_AFTER_CAP = 1.0  # the clients wait Retry-After, capped so the test stays short
SUBMISSION_DEADLINE = 90.0  # seconds one submission may take, retries included
DATABASE = "gy_proof_pgfault"
CLAIMS_URL = "/api/v1/subsidies/claims/"
MESSAGE_ZH = "暂时无法连接数据库，本次请求可能未完成，请几秒钟后重试；已提示保存成功的内容不会丢失。"


@dataclass
class Attempt:
    submission: int
    key: str
    started: float
    ended: float
    status: int  # 0: no answer (the connection failed)
    retry_after: str | None = None
    replayed: bool = False
    body: dict | None = None


def _env(database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "REDIS_URL", "DB_"))}
    env.update({"DATABASE_URL": database_url, "DEMO_MODE": "1", "DEBUG": "0", "TESTING": "0",
                "DJANGO_SETTINGS_MODULE": "guangyuan_jobs.settings", "PYTHONPATH": str(ROOT),
                "LOAD_SHED_CONCURRENCY": "0", "DB_UNAVAILABLE_RETRY_AFTER": "2", "LOG_LEVEL": "WARNING"})
    env.update(extra)
    return env


def _run(args: list[str], env: dict, what: str, timeout: float = 900) -> str:
    """`migrate` takes about 45 s on an idle 2-core machine, minutes when it is shared: a generous timeout."""
    try:
        result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} took more than {timeout:.0f} s")
    if result.returncode != 0:
        pytest.fail(f"{what} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result.stdout


class Portal:
    """gunicorn on the private database, as bench/load.py starts it for `make bench` (smaller)."""

    def __init__(self, env: dict, folder: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(folder, "gunicorn.log")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "guangyuan_jobs.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--worker-class", "gthread", "--threads", "8", "--timeout", "60",
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"gunicorn exited: {self.log_tail()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"gunicorn did not answer /healthz within 120 s: {self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        with open(self.log_path, "rb") as log:
            return log.read().decode(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture
def portal_on_a_private_postgres():
    """(cluster, portal, applicant tokens): the schema migrated, SUBMISSIONS fresh applicants seeded."""
    started = time.monotonic()
    cluster = PrivatePostgres()
    folder = tempfile.mkdtemp(prefix="proof-pgfault-")
    portal = None
    try:
        cluster.init()
        cluster.start()
        env = _env(cluster.create_database(DATABASE), MEDIA_ROOT=os.path.join(folder, "media"))
        _run([sys.executable, "manage.py", "migrate", "--no-input", "--skip-checks", "-v0"], env, "migrate")
        migrated = time.monotonic()
        # The load benchmark's seeding: applicants who never filed a SYBZJ claim, each with an API token.
        seeded = _run([sys.executable, "bench/load.py", "seed", str(SUBMISSIONS), "1"],
                      {**env, "DJANGO_SETTINGS_MODULE": "bench.loadserver.settings"}, "seeding applicants")
        tokens = [a["token"] for a in json.loads(seeded.strip().splitlines()[-1])["applicants"]]
        assert len(tokens) == SUBMISSIONS
        cluster.checkpoint()
        portal = Portal(env, folder)
        portal.setup_seconds = {"migrate_s": round(migrated - started, 1),
                                "setup_s": round(time.monotonic() - started, 1)}
        yield cluster, portal, tokens
    finally:
        if portal is not None:
            portal.stop()
        cluster.destroy()
        shutil.rmtree(folder, ignore_errors=True)


class Load:
    """CLIENTS threads, each taking the next applicant and filing their claim until it is acknowledged."""

    def __init__(self, base: str, tokens: list[str]):
        self.base = base
        self.tokens = tokens
        self.next = 0
        self.lock = threading.Lock()
        self.attempts: list[Attempt] = []
        self.acknowledged: dict[str, dict] = {}  # Idempotency-Key -> the 201 body
        self.abandoned: list[tuple[int, str]] = []
        self.threads = [threading.Thread(target=self.client, daemon=True) for _ in range(CLIENTS)]

    def take(self) -> int | None:
        with self.lock:
            if self.next >= len(self.tokens):
                return None
            self.next += 1
            return self.next - 1

    def client(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            while (n := self.take()) is not None:
                self.submit(http, n)

    def submit(self, http: httpx.Client, n: int) -> None:
        key = uuid.uuid4().hex
        headers = {"Authorization": f"Token {self.tokens[n]}", "Idempotency-Key": key}
        give_up = time.monotonic() + SUBMISSION_DEADLINE
        while time.monotonic() < give_up:
            started = time.monotonic()
            try:
                response = http.post(CLAIMS_URL, json={"kind": "SYBZJ", "submit": True, "data": CLAIM},
                                     headers=headers)
            except httpx.TransportError:
                self.attempts.append(Attempt(n, key, started, time.monotonic(), 0))
                time.sleep(0.2)
                continue
            try:
                body = response.json()
            except ValueError:
                body = {"_text": response.text[:300]}
            attempt = Attempt(n, key, started, time.monotonic(), response.status_code,
                              response.headers.get("Retry-After"),
                              response.headers.get("Idempotent-Replayed") == "true", body)
            self.attempts.append(attempt)
            if response.status_code == 201:
                with self.lock:
                    self.acknowledged[key] = body
                return
            if response.status_code == 503 and attempt.retry_after:
                time.sleep(min(float(attempt.retry_after), RETRY_AFTER_CAP))
                continue
            break  # anything else is a failure the assertions report
        self.abandoned.append((n, key))

    def count_acknowledged(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def stored(cluster: PrivatePostgres) -> dict:
    conn = cluster.connect(DATABASE)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT ref, status FROM casework_case WHERE kind = 'SYBZJ'")
            cases = dict(cursor.fetchall())
            cursor.execute("SELECT key FROM casework_idempotencykey WHERE scope = 'subsidies.api.claim_create'")
            keys = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT count(*) FROM audit_auditevent WHERE event_type = 'subsidies.claim_filed'")
            filed_events = cursor.fetchone()[0]
    finally:
        conn.close()
    return {"cases": cases, "keys": keys, "filed_events": filed_events}


def test_postgres_crashing_mid_load_loses_no_acknowledged_submission_and_answers_503_to_retry(
        portal_on_a_private_postgres, caplog):
    caplog.set_level(logging.WARNING, logger="httpx")  # not one INFO line per request
    cluster, portal, tokens = portal_on_a_private_postgres
    load = Load(portal.base, tokens)
    began = time.monotonic()
    for thread in load.threads:
        thread.start()

    wait_until(lambda: load.count_acknowledged() >= CRASH_AFTER or not any(t.is_alive() for t in load.threads),
               timeout=90, what=f"{CRASH_AFTER} acknowledged submissions before the crash")
    acknowledged_before = load.count_acknowledged()
    down_at = time.monotonic()
    cluster.stop("immediate")
    stopped_at = time.monotonic()
    time.sleep(OUTAGE_SECONDS)
    restart_at = time.monotonic()
    cluster.start()  # crash recovery; returns once the server accepts connections
    back_at = time.monotonic()

    for thread in load.threads:
        thread.join(timeout=SUBMISSION_DEADLINE + 30)
    assert not any(t.is_alive() for t in load.threads), "clients still running"
    ended = time.monotonic()
    after = stored(cluster)

    attempts = list(load.attempts)
    answered_503 = [a for a in attempts if a.status == 503]
    no_answer = [a for a in attempts if a.status == 0]
    unexpected = [a for a in attempts if a.status not in (201, 503, 0)]
    retried = {a.key for a in attempts if a.status != 201}
    replayed = [a for a in attempts if a.status == 201 and a.replayed]
    figures = {
        "clients": CLIENTS, "submissions": SUBMISSIONS, "attempts": len(attempts),
        "acknowledged": len(load.acknowledged), "acknowledged_before_crash": acknowledged_before,
        "retried_submissions": len(retried), "answers_503": len(answered_503), "no_answer": len(no_answer),
        "replayed_201": len(replayed), "unexpected": len(unexpected),
        "outage_s": round(back_at - down_at, 2), "stop_s": round(stopped_at - down_at, 2),
        "recovery_s": round(back_at - restart_at, 2), "run_s": round(ended - began, 2),
        "rows": len(after["cases"]), "stored_keys": len(after["keys"]), "claim_filed_events": after["filed_events"],
        **portal.setup_seconds,
    }
    print(f"\npostgres restart under load: {json.dumps(figures)}")  # noqa: T201 - the figures (-s or -rP)
    context = f"{figures}\nserver log: {portal.log_tail(2500)}\npostgres log: {cluster.log_tail(1500)}"

    # No 500 and nothing else unexpected; every submission eventually acknowledged.
    assert not unexpected, f"unexpected answers: {[(a.status, a.body) for a in unexpected[:5]]}\n{context}"
    assert not load.abandoned, f"submissions never acknowledged: {load.abandoned[:5]}\n{context}"
    assert len(load.acknowledged) == SUBMISSIONS, context

    # The crash was met: some requests were refused with 503 + Retry-After in the API's shape, in Chinese.
    assert answered_503, f"no request met the outage: the test proved nothing\n{context}"
    for attempt in answered_503:
        assert attempt.retry_after and attempt.retry_after.isdigit(), attempt
        assert attempt.body == {"error": {"code": "database_unavailable", "message": MESSAGE_ZH}}, attempt.body
    # ... only while the database was down: a request begun after it was back found working connections
    # (CONN_HEALTH_CHECKS replaced the dead persistent ones), and none failed before the crash.
    for attempt in answered_503 + no_answer:
        assert attempt.ended >= down_at and attempt.started < back_at, (attempt, down_at - began, back_at - began)
    assert acknowledged_before >= CRASH_AFTER and len(load.acknowledged) > acknowledged_before

    # Durability: every acknowledged submission is there, submitted, after crash recovery.
    refs = {body["ref"]: body for body in load.acknowledged.values()}
    missing = [ref for ref in refs if ref not in after["cases"]]
    assert not missing, f"acknowledged but lost: {missing[:10]}\n{context}"
    assert all(after["cases"][ref] == "submitted" == body["status"] for ref, body in refs.items())
    # Exactly once: the retries with the same key made no second claim, stored one key and audited once.
    assert len(refs) == len(load.acknowledged) == len(after["cases"]) == SUBMISSIONS, context
    assert sorted(after["keys"]) == sorted(load.acknowledged), context
    assert after["filed_events"] == SUBMISSIONS, context
    assert portal.proc.poll() is None, "gunicorn died"
