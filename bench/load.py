"""Load benchmark: the portal under applicants filing claims and caseworkers reading the inbox, against gunicorn
with PostgreSQL and Redis on loopback, beside two baselines measured on the same server in the same run:
  bare JSON     a Django view returning {"ok": true}: the framework's ceiling;
  bare create   a token-authenticated DRF CreateAPIView inserting one row into a plain table: the naive peer;
  claims        POST /api/v1/subsidies/claims/ filed and submitted at once (validation, eligibility rules, the
                amount from policy parameters, the one-open-claim constraint, Idempotency-Key, audit, the
                notification queued), each request by a different applicant;
  mixed         applicants filing a draft, uploading a PDF on the case page and submitting it, while
                caseworkers read the inbox (the cases list API);
  claims paced  the same claims, each user filing one every BENCH_PACING_SECONDS (default 1) at most, as people
                with forms to fill do: the latency users see when the server is busy but not saturated (the
                closed-loop scenarios above measure capacity, where latency is queueing: users / throughput);
  overload      many more users than the server can serve: answers must be 2xx or 503 with Retry-After.
Each scenario runs BENCH_LOAD_SECONDS (default 20) with BENCH_LOAD_USERS (default 50) concurrent users (overload:
BENCH_OVERLOAD_USERS, default 400), and prints requests/s, p50/p95/p99 and errors; bare create and claims, the pair
compared, take turns in BENCH_LOAD_ROUNDS rounds (default 3) sharing that time. Goals: claims at least half the
bare create's requests/s, p95 under 500 ms, 0 errors, rows == 2xx answers; overload: 503 + Retry-After, no 5xx
other than 503. BENCH_LOAD_SCENARIOS (e.g. "bare create,claims") runs only some of them.

The server: gunicorn (BENCH_WEB_WORKERS, default 2, gthread with BENCH_WEB_THREADS, default 16, threads, keep-alive
10 s), load
shedding on (BENCH_SHED_CONCURRENCY, default 4, requests at work per process; BENCH_SHED_WAIT_MS, default 1000),
DEMO_MODE settings with DATABASE_URL (BENCH_DATABASE_URL, else DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/guangyuan_load) and REDIS_URL (BENCH_REDIS_URL, else redis://127.0.0.1:6379/8;
its queued notifications are deleted at the end). `python bench/load.py` prints the table; run.py passes --json.
"""

import argparse
import asyncio
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/guangyuan_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
MARKER = "BENCH-LOAD"
CLAIM = {"category": "not_eligible", "unemployed_since": "2020-04-15", "insured_months": 8}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + b"0" * 20_000
CSRF = "benchcsrftoken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"[:64]
GOAL_P95_MS, GOAL_RATIO = 500, 0.5
SCENARIOS = ("bare JSON", "bare create", "claims", "claims paced", "mixed", "overload")


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def redis_url() -> str:
    return os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL


def server_env() -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url(), "REDIS_URL": redis_url(), "DEMO_MODE": "1", "DEBUG": "0", "TESTING": "0",
        "DJANGO_SETTINGS_MODULE": "bench.loadserver.settings", "PYTHONPATH": str(ROOT), "LOG_LEVEL": "ERROR",
        "LOAD_SHED_CONCURRENCY": os.environ.get("BENCH_SHED_CONCURRENCY", "4"),
        "LOAD_SHED_WAIT_MS": os.environ.get("BENCH_SHED_WAIT_MS", "1000"),
        "MEDIA_ROOT": os.environ.get("BENCH_MEDIA_ROOT", str(ROOT / "var" / "bench-media")),
    })
    return env


# ---------------------------------------------------------------- seeding (a child process with Django)

def seed(applicants: int, caseworkers: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token
    from stdnum.cn import ric

    from bench.loadserver.models import CREATE_TABLE
    from guangyuan_jobs.accounts.models import User
    from guangyuan_jobs.accounts.signals import SESSION_STARTED_KEY
    from guangyuan_jobs.core.crypto import encrypt_value, lookup_hash
    from guangyuan_jobs.core.masking import mask_id_number
    from guangyuan_jobs.registry.models import Person

    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    # Applicants who never filed an unemployment-subsidy claim: each can file exactly one.
    fresh = (Person.objects.filter(address=MARKER).exclude(cases__kind="SYBZJ")
             .values_list("pk", flat=True))
    missing = max(0, applicants - fresh.count())
    start = Person.objects.filter(address=MARKER).count()
    people = []
    for n in range(start, start + missing):
        body = f"510802{datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 400):%Y%m%d}{n % 400 * 2 + 1:03d}"
        number = body + ric.calc_check_digit(body + "0")
        people.append(Person(id_number_encrypted=encrypt_value(number), id_number_hash=lookup_hash(number),
                             id_number_masked=mask_id_number(number), name=f"压测{n}", sex="M", region_id="510802",
                             address=MARKER))
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=1000)
        users = [User(username=f"bench_applicant_{p.pk}", kind=User.Kind.PERSON, scope=User.Scope.NONE, person=p,
                      display_name=p.name, password="!") for p in people]  # noqa: S106 - "!": unusable
        User.objects.bulk_create(users, batch_size=1000)
        made = list(User.objects.filter(username__in=[u.username for u in users]))
        group = Group.objects.get(name="applicant_person")
        User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=group.pk) for u in made])
        Token.objects.bulk_create([Token(user=u, key=uuid.uuid4().hex + uuid.uuid4().hex[:8]) for u in made])
        staff = []
        intake = Group.objects.get(name="intake")
        for n in range(caseworkers):
            user, created = User.objects.get_or_create(
                username=f"bench_caseworker_{n}", defaults={"kind": User.Kind.STAFF, "scope": User.Scope.WHOLE_CITY,
                                                           "display_name": f"经办{n}", "password": "!"})  # noqa: S106
            if created:
                user.groups.add(intake)
            Token.objects.get_or_create(user=user)
            staff.append(user)
    pool = list(User.objects.filter(person_id__in=list(fresh[:applicants]) + [p.pk for p in people])
                .select_related("auth_token")[:applicants])

    def session_for(user) -> str:
        store = SessionStore()
        store.update({"_auth_user_id": str(user.pk), "_auth_user_backend": settings.AUTHENTICATION_BACKENDS[-1],
                      "_auth_user_hash": user.get_session_auth_hash(),
                      SESSION_STARTED_KEY: datetime.datetime.now(datetime.UTC).isoformat()})
        store.create()
        return store.session_key

    return {"applicants": [{"token": u.auth_token.key, "session": session_for(u)} for u in pool],
            "caseworkers": [Token.objects.get(user=u).key for u in staff]}


# ---------------------------------------------------------------- the load driver

class Recorder:
    def __init__(self):
        self.samples: dict[str, list[tuple[int, float, bool]]] = {}
        self.failures: dict[str, int] = {}  # requests with no answer at all, by the client's exception

    def add(self, operation: str, status: int, seconds: float, retry_after: bool = False):
        self.samples.setdefault(operation, []).append((status, seconds, retry_after))


def summary(samples: list[tuple[int, float, bool]], seconds: float) -> dict:
    latencies = sorted(s[1] * 1000 for s in samples)
    ok = sum(1 for s in samples if 200 <= s[0] < 400)
    shed = sum(1 for s in samples if s[0] == 503 and s[2])
    errors = len(samples) - ok - shed

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1) if latencies else 0.0

    return {"requests": len(samples), "ok": ok, "shed_503": shed, "errors": errors,
            "rps": round(ok / seconds, 1), "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99),
            "mean": round(statistics.fmean(latencies), 1) if latencies else 0.0,
            "statuses": sorted({s[0] for s in samples})}


async def run_scenario(name: str, base: str, users: int, seconds: float, make_user_loop, recorder: Recorder):
    import httpx

    limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        # No shared cookie jar: a page's session cookie must not ride along on another user's API call.
        client._cookies = _NoCookieJar()
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(make_user_loop(client, i, stop_at, recorder) for i in range(users)))


class _NoCookieJar:
    def __new__(cls):
        import httpx

        class Jar(httpx.Cookies):
            def extract_cookies(self, response):
                return None

        return Jar()


async def timed(recorder: Recorder, operation: str, request):
    import httpx

    started = time.perf_counter()
    try:
        response = await request
        status, retry_after = response.status_code, "retry-after" in response.headers
    except httpx.HTTPError as exc:
        response, status, retry_after = None, 599, False  # no answer at all: counted as an error
        name = type(exc).__name__
        recorder.failures[name] = recorder.failures.get(name, 0) + 1
    recorder.add(operation, status, time.perf_counter() - started, retry_after)
    return response


def scenarios(pool: dict):
    applicants = iter(pool["applicants"])
    caseworkers = pool["caseworkers"]

    def next_applicant():
        try:
            return next(applicants)
        except StopIteration:
            return None

    async def bare_json(client, i, stop_at, rec):
        while time.monotonic() < stop_at:
            await timed(rec, "bare JSON view", client.get("/bench/json/"))

    async def bare_create(client, i, stop_at, rec):
        headers = {"Authorization": f"Token {caseworkers[i % len(caseworkers)]}"}
        while time.monotonic() < stop_at:
            row = {"name": "王小二", "amount": "1060.00"}
            await timed(rec, "bare DRF create", client.post("/bench/rows/", json=row, headers=headers))

    async def claims(client, i, stop_at, rec):
        while time.monotonic() < stop_at and (who := next_applicant()):
            headers = {"Authorization": f"Token {who['token']}", "Idempotency-Key": uuid.uuid4().hex}
            await timed(rec, "claim filed and submitted", client.post(
                "/api/v1/subsidies/claims/", json={"kind": "SYBZJ", "submit": True, "data": CLAIM}, headers=headers))

    pacing = float(os.environ.get("BENCH_PACING_SECONDS", "1"))

    async def claims_paced(client, i, stop_at, rec):
        await asyncio.sleep(pacing * i / 50 % pacing)  # the users start spread over one period, not all at once
        while time.monotonic() < stop_at and (who := next_applicant()):
            started = time.monotonic()
            headers = {"Authorization": f"Token {who['token']}", "Idempotency-Key": uuid.uuid4().hex}
            await timed(rec, "claim filed and submitted", client.post(
                "/api/v1/subsidies/claims/", json={"kind": "SYBZJ", "submit": True, "data": CLAIM}, headers=headers))
            await asyncio.sleep(max(0.0, pacing - (time.monotonic() - started)))

    async def mixed(client, i, stop_at, rec):
        if i % 5 == 4:  # one user in five is a caseworker reading the inbox
            headers = {"Authorization": f"Token {caseworkers[i % len(caseworkers)]}"}
            while time.monotonic() < stop_at:
                await timed(rec, "inbox read (caseworker)",
                            client.get("/api/v1/cases/", params={"status": "submitted"}, headers=headers))
            return
        while time.monotonic() < stop_at and (who := next_applicant()):
            auth = {"Authorization": f"Token {who['token']}"}
            draft = await timed(rec, "claim draft", client.post(
                "/api/v1/subsidies/claims/", json={"kind": "SYBZJ", "data": CLAIM},
                headers={**auth, "Idempotency-Key": uuid.uuid4().hex}))
            if draft is None or draft.status_code != 201:
                continue
            ref = draft.json()["ref"]
            cookies = {"sessionid": who["session"], "csrftoken": CSRF}
            await timed(rec, "material upload (page)", client.post(
                f"/cases/{ref}/attachments/", data={"material_code": "id_card"},
                files={"file": ("身份证.pdf", PDF, "application/pdf")},
                headers={"X-CSRFToken": CSRF, "Referer": f"{client.base_url}cases/{ref}/", "Cookie":
                         "; ".join(f"{k}={v}" for k, v in cookies.items())}))
            await timed(rec, "claim submit", client.post(f"/api/v1/subsidies/claims/{ref}/submit/",
                                                         headers={**auth, "Idempotency-Key": uuid.uuid4().hex}))

    return {"bare JSON": bare_json, "bare create": bare_create, "claims": claims, "claims paced": claims_paced,
            "mixed": mixed, "overload": claims}


# ---------------------------------------------------------------- orchestration

def _sql(query: str, args=()):
    """One statement in its own autocommitted connection; the first column of its first row, if it returns rows."""
    import psycopg2

    conn = psycopg2.connect(database_url())
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(query, args)
            return cursor.fetchone()[0] if cursor.description else None
    finally:
        conn.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict) -> subprocess.Popen:
    workers = os.environ.get("BENCH_WEB_WORKERS", "2")
    threads = os.environ.get("BENCH_WEB_THREADS", "16")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "guangyuan_jobs.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", workers,
         "--worker-class", "gthread", "--threads", threads, "--timeout", "60", "--backlog", "2048",
         # gunicorn's default 2 s closed kept-alive connections that busy workers had not read yet: the client's
         # next request on one met a closed socket (ReadError, a few per run in the bare create).
         "--keep-alive", "10", "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/bench/json/", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def orchestrate(out: Path | None) -> list[dict]:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_export import ensure_database

    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
    users = int(os.environ.get("BENCH_LOAD_USERS", "50"))
    overload_users = int(os.environ.get("BENCH_OVERLOAD_USERS", "400"))
    chosen = {n.strip() for n in os.environ.get("BENCH_LOAD_SCENARIOS", ",".join(SCENARIOS)).split(",")}
    env = server_env()
    ensure_database(database_url())
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    # Enough fresh applicants for every claim the run can file (each files once).
    needed = int(os.environ.get("BENCH_APPLICANTS", "6000"))
    seeded = subprocess.run([sys.executable, str(Path(__file__).resolve()), "seed", str(needed), "10"], env=env,
                            cwd=ROOT, capture_output=True, text=True, check=True)
    pool = json.loads(seeded.stdout.strip().splitlines()[-1])
    print(f"seeded: {len(pool['applicants']):,} fresh applicants, {len(pool['caseworkers'])} caseworkers",
          file=sys.stderr)
    # The planner's statistics as autovacuum keeps them in service: right after seeding (and after the last
    # run's thousands of claims) they are stale, and the inbox query then took 58 ms instead of 0.3 ms.
    _sql("ANALYZE")
    media = tempfile.mkdtemp(prefix="bench-load-media-")
    env["MEDIA_ROOT"] = media
    port = _free_port()
    server = start_server(port, env)
    base = f"http://127.0.0.1:{port}"
    loops = scenarios(pool)
    table = {}
    try:
        runs: dict[str, dict] = {}
        for name, n_users, share in _schedule(chosen, users, overload_users):
            run = runs.setdefault(name, {"rec": Recorder(), "elapsed": 0.0, "filed": 0, "users": n_users})
            before = _sql("SELECT count(*) FROM casework_case WHERE kind = 'SYBZJ'")
            started = time.monotonic()
            asyncio.run(run_scenario(name, base, n_users, seconds * share, loops[name], run["rec"]))
            run["elapsed"] += time.monotonic() - started
            time.sleep(1)
            run["filed"] += _sql("SELECT count(*) FROM casework_case WHERE kind = 'SYBZJ'") - before
        for name, run in runs.items():
            rec = run["rec"]
            for operation, samples in rec.samples.items():
                table[(name, operation)] = {**summary(samples, run["elapsed"]), "users": run["users"]}
            acknowledged = sum(1 for op in ("claim filed and submitted", "claim draft")
                               for s in rec.samples.get(op, []) if s[0] == 201)
            if acknowledged or run["filed"]:
                table[(name, "rows == 2xx")] = {"acknowledged": acknowledged, "rows": run["filed"]}
            if rec.failures:
                print(f"{name}: requests without an answer: {rec.failures}", file=sys.stderr)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(media, ignore_errors=True)
        _flush_queues()
    print_table(table)
    results = to_results(table)
    if out:
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return results


def _schedule(chosen: set[str], users: int, overload_users: int) -> list[tuple[str, int, float]]:
    """(scenario, users, share of BENCH_LOAD_SECONDS) in the order run. The two compared (bare create, claims)
    alternate in BENCH_LOAD_ROUNDS rounds (default 3) that share their time, so a drift of the machine's speed
    during the run (20-30 % on this shared virtual machine) weighs on both alike instead of on one."""
    rounds = max(1, int(os.environ.get("BENCH_LOAD_ROUNDS", "3")))
    compared = [name for name in ("bare create", "claims") if name in chosen]
    order = [("bare JSON", users, 1.0), *[(name, users, 1 / rounds) for _round in range(rounds) for name in compared],
             ("claims paced", users, 1.0), ("mixed", users, 1.0), ("overload", overload_users, 1.0)]
    return [step for step in order if step[0] in chosen]


def _flush_queues() -> None:
    """The notifications the run queued (no worker consumes them in the bench)."""
    import redis

    client = redis.Redis.from_url(redis_url())
    for key in client.scan_iter("*"):
        if client.type(key) == b"list":
            client.delete(key)


def print_table(table: dict) -> None:
    print(f"\n{'scenario':<12} {'operation':<28} {'users':>5} {'req':>6} {'req/s':>7} {'p50':>7} {'p95':>7} "
          f"{'p99':>7} {'errors':>6} {'503':>5}  statuses")
    for (name, operation), r in table.items():
        if operation == "rows == 2xx":
            verdict = "ok" if r["rows"] == r["acknowledged"] else "LOST OR EXTRA ROWS"
            print(f"{name:<12} {'rows == 2xx answers':<28} {'':>5} {r['acknowledged']:>6} 2xx, {r['rows']} rows: "
                  f"{verdict}")
            continue
        print(f"{name:<12} {operation:<28} {r['users']:>5} {r['requests']:>6} {r['rps']:>7} {r['p50']:>7} "
              f"{r['p95']:>7} {r['p99']:>7} {r['errors']:>6} {r['shed_503']:>5}  {r['statuses']}")


def to_results(table: dict) -> list[dict]:
    create = table.get(("bare create", "bare DRF create"), {})
    bare = table.get(("bare JSON", "bare JSON view"), {})
    claims = table.get(("claims", "claim filed and submitted"), {})
    results = []
    if claims and create:
        results.append({"name": f"claim submission, {claims['users']} users", "value": claims["rps"], "unit": "req/s",
                        "baseline": "bare DRF create, same server", "baseline_value": create["rps"],
                        "ratio": round(claims["rps"] / create["rps"], 3) if create["rps"] else 0})
        results.append({"name": "claim submission p95 (closed loop)", "value": claims["p95"], "unit": "ms",
                        "baseline": "goal", "baseline_value": GOAL_P95_MS,
                        "ratio": round(GOAL_P95_MS / claims["p95"], 3) if claims["p95"] else 0})
    paced = table.get(("claims paced", "claim filed and submitted"), {})
    if paced:
        results.append({"name": f"claim submission p95, {paced['users']} users paced", "value": paced["p95"],
                        "unit": "ms", "baseline": "goal", "baseline_value": GOAL_P95_MS,
                        "ratio": round(GOAL_P95_MS / paced["p95"], 3) if paced["p95"] else 0})
    if create and bare:
        results.append({"name": "bare DRF create (reference)", "value": create["rps"], "unit": "req/s",
                        "baseline": "bare Django JSON view", "baseline_value": bare["rps"],
                        "ratio": round(create["rps"] / bare["rps"], 3) if bare["rps"] else 0})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    seed_parser = sub.add_parser("seed")
    seed_parser.add_argument("applicants", type=int)
    seed_parser.add_argument("caseworkers", type=int)
    parser.add_argument("--json", type=Path, help="write the results list here")
    args = parser.parse_args()
    if args.command == "seed":
        print(json.dumps(seed(args.applicants, args.caseworkers)))
    else:
        orchestrate(args.json)


if __name__ == "__main__":
    main()
