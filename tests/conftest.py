"""Shared fixtures. Tests that need PostgreSQL, Redis or a real Celery worker skip on a bare machine and
fail when REQUIRE_SERVICES=1 (CI), so a missing service can never turn a red run green."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from stdnum.cn import ric

from tests.factories import make_user

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent

# Hypothesis's timing checks would measure the machine, not the code: the suite shares two cores with
# PostgreSQL, Redis, a Celery worker and chromium, and one stalled draw (1.5 s) failed a property test.
hypothesis_settings.register_profile("portal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("portal")


def skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def full_id_numbers_in(text: str) -> list[str]:
    """Valid 18-character resident ID numbers (check digit right) that appear unmasked in `text`."""
    return [m for m in _ID_CANDIDATE.findall(text) if ric.is_valid(m)]


_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


@pytest.fixture(autouse=True)
def _no_full_id_number_in_logs(caplog):
    """Every test's log records are scanned: no code path may log a full ID number (RELIABILITY.md)."""
    yield
    leaked = [
        (record.name, number)
        for record in caplog.get_records("call") + caplog.get_records("setup")
        for number in full_id_numbers_in(record.getMessage())
    ]
    assert not leaked, f"full ID numbers were logged: {leaked}"


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        skip_or_fail("this test needs PostgreSQL (set DATABASE_URL)")


def _redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker process on Redis, reading the test database. Tasks are sent, not run in process."""
    if connection.vendor != "postgresql":
        skip_or_fail("a real Celery worker needs PostgreSQL shared with the test process (set DATABASE_URL)")
    if not _redis_reachable():
        skip_or_fail("a real Celery worker needs Redis (set REDIS_URL)")
    from guangyuan_jobs.celery import app

    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TESTING": "1", "CELERY_TASK_ALWAYS_EAGER": "0", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    })
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    # Each test gets its own queue, so a worker left from an earlier test can never take its tasks.
    routes = {"queue": queue}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "guangyuan_jobs", "worker", "-Q", queue, "-c", "2",
         "--pool", "threads", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    old = (app.conf.task_always_eager, app.conf.task_routes, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_routes = {"*": routes}
    app.conf.task_default_queue = queue
    # Celery builds its routing table and router once, at the first real send: rebuild them so this test's
    # queue is used, not the queue of an earlier test's (stopped) worker.
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5) or []
            if replies:
                break
            if proc.poll() is not None:
                pytest.fail("Celery worker exited: " + proc.stdout.read().decode(errors="replace")[-2000:])
        else:
            pytest.fail("Celery worker did not answer a ping within 30 s")
        yield proc
    finally:
        app.conf.task_always_eager, app.conf.task_routes, app.conf.task_default_queue = old
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def staff(db):
    """`staff("reviewer")` makes a staff user in that role (whole-city scope unless told otherwise)."""
    return make_user


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not path:
        skip_or_fail("Debian's chromium is not installed (make test installs it where apt is available)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
