"""Batch approval benchmark: casework's batch job against a bare set-based SQL UPDATE, in the same run.

For each size (BENCH_APPROVAL_SIZES, default 100000 reviewed cases) it measures, each in a fresh child process
on PostgreSQL, starting from the same rows in the same state:
  ours      casework's batch approval as a caseworker runs it: batch_start (the selection by filter, one
            BatchItem per case, the audit event) then batch_process (chunks of CASEWORK_BATCH_CHUNK_SIZE: row
            locks, scope, maker-checker and missing-material checks per case, the dual-approval threshold, the
            conditional UPDATE, a timeline entry, an audit event and a payment order per case, the results),
            timed from batch_start to the job completed. Measured twice: with one worker (batch_process in the
            measuring process), and with BENCH_BATCH_WORKERS (default 2, as CASEWORK_BATCH_WORKERS) worker
            processes running batch_process on the job at once, as the tasks batch_start publishes do; each is
            started and connected before the clock starts, as a Celery worker is. That figure uses N cores and
            N database backends, while the baseline is one statement on one backend.
            The applicants' SMS are queued after commit for another worker and are not counted;
  baseline  one bare UPDATE of the same rows (status, version, approver, decision time), nothing else;
  save      a per-object loop on a sample (BENCH_SAVE_SAMPLE, default 2000): read each case, set the same
            columns, save() it; extrapolated as rows/s;
  single    the guarded single transition (case_transition) one case at a time on a sample (BENCH_SINGLE_SAMPLE,
            default 500): what a batch without set-based SQL would cost.
It reports rows/s of each against the baseline (ratio ours/baseline, higher is better). Goal: ours >= 0.5.
BENCH_APPROVAL_MODES (default "baseline,ours,save,single") measures only some of them, e.g. "baseline,ours" while
working on the batch; BENCH_REPEAT (default 2) is how many times each is measured (the best run counts).

The rows live in the bench database (BENCH_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:
5432/guangyuan_bench) under a kind of their own (BENCH), made once by COPY and reset before every measurement;
audit events written by earlier runs stay (the audit table refuses DELETE). BENCH_PROFILE=1 prints where the
batch spends its time with one worker, to stderr: the time of each kind of SQL statement (and of the commits) as
the client sees it, then cProfile's view of the Python side.
"""

import argparse
import contextlib
import cProfile
import datetime
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import child_env, database_url, ensure_database, setup_django  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KIND = "BENCH"
REF_PREFIX = "BAPP-"
PEOPLE = 1000
USERS = {"bench_intake": "intake", "bench_reviewer": "reviewer", "bench_approver": "approver"}
GOAL_RATIO = 0.5
MODES = ("baseline", "ours", "save", "single")


def sizes() -> list[int]:
    raw = os.environ.get("BENCH_APPROVAL_SIZES", "100000")
    return sorted({int(s.replace("_", "")) for s in raw.split(",") if s.strip()})


def modes() -> list[str]:
    raw = os.environ.get("BENCH_APPROVAL_MODES", ",".join(MODES))
    wanted = {m.strip() for m in raw.split(",") if m.strip()}
    unknown = wanted - set(MODES)
    if unknown or not {"baseline", "ours"} <= wanted:
        raise SystemExit(f"BENCH_APPROVAL_MODES: baseline and ours, and any of {', '.join(MODES[2:])}")
    return [m for m in MODES if m in wanted]


def workers() -> int:
    return max(1, int(os.environ.get("BENCH_BATCH_WORKERS", "2")))


def runs_of(mode: str) -> list[tuple[str, list[str]]]:
    """The measurements (a name, the measuring child's arguments after `measure`) a mode stands for."""
    if mode != "ours":
        return [(mode, [mode])]
    counts = sorted({1, workers()})
    return [(f"ours:{n}", ["ours", "--workers", str(n)]) for n in counts]


def sample_size(mode: str) -> int:
    if mode == "save":
        return int(os.environ.get("BENCH_SAVE_SAMPLE", "2000"))
    return int(os.environ.get("BENCH_SINGLE_SAMPLE", "500"))


# ---------------------------------------------------------------- parent: orchestration

def orchestrate(out: Path | None) -> list[dict]:
    url = database_url()
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = child_env(media)
    results = []
    try:
        ensure_database(url)
        import subprocess

        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        started = time.perf_counter()
        filled = _self_child(["populate", str(max(sizes()))], env)
        print(f"bench data: {filled['created']:,} reviewed cases created, {filled['kept']:,} reused "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        repeat = int(os.environ.get("BENCH_REPEAT", "2"))
        for size in sizes():
            measurements = [m for mode in modes() for m in runs_of(mode)]
            runs: dict[str, list[dict]] = {name: [] for name, _args in measurements}
            for _ in range(repeat):
                for name, args in measurements:  # alternated: a busy moment hurts all alike
                    run = _self_child(["measure", *args, str(size)], env)
                    runs[name].append(run)
                    print(f"  {size:>9,} cases {name:<8} {run['rows']:>7,} rows {run['rows'] / run['seconds']:>9,.0f} "
                          f"rows/s", file=sys.stderr)
            results.extend(summarise(size, runs))
    finally:
        shutil.rmtree(media, ignore_errors=True)
    if out:
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return results


def _self_child(args: list[str], env: dict) -> dict:
    import subprocess

    for attempt in range(3):
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            if proc.stderr.strip():
                sys.stderr.write(proc.stderr)  # the profile, when asked for
            return json.loads(proc.stdout.strip().splitlines()[-1])
        # A shared server may briefly run out of connections (a concurrency test elsewhere): try again.
        if "too many clients" not in proc.stderr or attempt == 2:
            break
        time.sleep(10)
    raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def summarise(size: int, runs: dict[str, list[dict]]) -> list[dict]:
    def best(mode):
        return max(r["rows"] / r["seconds"] for r in runs[mode])

    base = best("baseline")
    baseline = "bare set-based SQL UPDATE, same rows"
    names = {name: f"batch approval, {size:,} cases, " + ("1 worker" if run[0]["workers"] == 1
                                                          else f"{run[0]['workers']} workers (as many cores)")
             for name, run in runs.items() if name.startswith("ours:")}
    if "save" in runs:
        names["save"] = f"per-object save() loop ({runs['save'][0]['rows']:,} sample)"
    if "single" in runs:
        names["single"] = f"single transitions ({runs['single'][0]['rows']:,} sample)"
    return [{"name": name, "value": round(best(mode)), "unit": "rows/s", "baseline": baseline,
             "baseline_value": round(base), "ratio": round(best(mode) / base, 3)} for mode, name in names.items()]


# ---------------------------------------------------------------- children: Django inside

def register_bench_kind() -> None:
    from guangyuan_jobs.casework.kinds import CaseKind, register_kind

    # Its own kind, so the rows of the export benchmark in the same database are never touched.
    register_kind(CaseKind(code=KIND, label="基准测试补贴", applicant_type="person", public_notice=False))


def bench_users() -> dict:
    from django.contrib.auth.models import Group

    from guangyuan_jobs.accounts.models import User

    users = {}
    for username, role in USERS.items():
        user, made = User.objects.get_or_create(
            username=username, defaults={"kind": User.Kind.STAFF, "scope": User.Scope.WHOLE_CITY,
                                         "display_name": username})
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return users


def populate(size: int) -> dict:
    setup_django()
    from django.db import connection, transaction

    users = bench_users()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM casework_case WHERE kind = %s", [KIND])
        present = cursor.fetchone()[0]
    if present == size:
        return {"created": 0, "kept": present}
    with transaction.atomic(), connection.cursor() as cursor:
        _delete_dependants(cursor)
        cursor.execute("DELETE FROM casework_case WHERE kind = %s", [KIND])
    people = bench_people()
    regions = ["510800", "510802", "510811", "510812", "510821", "510822", "510823", "510824"]
    day_one = datetime.date(2000, 1, 1)
    buffer = io.StringIO()
    for i in range(size):
        person = people[i % len(people)]
        # Each person holds many claims, each for its own period (one open claim per person, kind and period).
        period = day_one + datetime.timedelta(days=i // len(people))
        buffer.write("\t".join([
            f"{REF_PREFIX}{i:08d}", KIND, "reviewed", "1", "2026-01-05 09:00:00+08", "2026-01-05 09:00:00+08",
            "2026-01-06 09:00:00+08", "2026-02-03", f"{1000 + i % 5000}.50", f"{1000 + i % 5000}.50",
            period.isoformat(),
            "{}", "{}", "", str(users["intake"].pk), str(users["reviewer"].pk), str(person),
            regions[i % len(regions)], "[]",
        ]) + "\n")
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY casework_case (ref, kind, status, version, created_at, submitted_at, accepted_at, due_date, "
            "requested_amount, approved_amount, period_start, details, policy_snapshot, decision_reason, "
            "accepted_by_id, reviewed_by_id, applicant_person_id, region_id, due_date_unknown_years) FROM STDIN",
            buffer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE casework_case")
    return {"created": size, "kept": 0}


def bench_people() -> list[int]:
    from stdnum.cn import ric

    from guangyuan_jobs.core.crypto import encrypt_value, lookup_hash
    from guangyuan_jobs.core.masking import mask_id_number
    from guangyuan_jobs.registry.models import Person

    marker = "BENCH-APPROVAL"
    existing = list(Person.objects.filter(address=marker).order_by("pk").values_list("pk", flat=True))
    if len(existing) == PEOPLE:
        return existing
    people = []
    for n in range(PEOPLE):
        body = f"510811{datetime.date(1960, 1, 1) + datetime.timedelta(days=n):%Y%m%d}{n % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if Person.objects.filter(id_number_hash=lookup_hash(number)).exists():
            continue
        people.append(Person(id_number_encrypted=encrypt_value(number), id_number_hash=lookup_hash(number),
                             id_number_masked=mask_id_number(number), name=f"基准{n}", sex="M", region_id="510811",
                             address=marker))
    Person.objects.bulk_create(people)
    return list(Person.objects.filter(address=marker).order_by("pk").values_list("pk", flat=True))


def _delete_dependants(cursor) -> None:
    cases = "SELECT id FROM casework_case WHERE kind = %s"
    cursor.execute(f"DELETE FROM casework_payment WHERE case_id IN ({cases})", [KIND])
    cursor.execute(f"DELETE FROM casework_casetransition WHERE case_id IN ({cases})", [KIND])
    cursor.execute(f"DELETE FROM casework_batchitem WHERE case_id IN ({cases})", [KIND])
    cursor.execute("DELETE FROM casework_batchjob j WHERE NOT EXISTS "
                   "(SELECT 1 FROM casework_batchitem i WHERE i.job_id = j.id) AND j.action = 'approve'")


def reset(size: int) -> None:
    """The first `size` bench cases reviewed and untouched, the others accepted (no filter takes them)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        _delete_dependants(cursor)
        cursor.execute(
            "UPDATE casework_case SET status = CASE WHEN ref < %s THEN 'reviewed' ELSE 'accepted' END, version = 1, "
            "approved_by_id = NULL, first_approved_by_id = NULL, decided_at = NULL WHERE kind = %s",
            [f"{REF_PREFIX}{size:08d}", KIND])
    # Outside any transaction (Django's autocommit): the dead rows of the last run must not slow the next one.
    with connection.cursor() as cursor:
        for table in ("casework_case", "casework_payment", "casework_casetransition", "casework_batchitem"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def measure(mode: str, size: int, n_workers: int = 1) -> dict:
    setup_django()
    register_bench_kind()
    from django.db import connection, transaction
    from django.utils import timezone

    from guangyuan_jobs.casework.models import Case, CaseStatus

    users = bench_users()
    approver = users["approver"]
    reset(size)
    if mode == "baseline":
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE casework_case SET status = 'approved', version = version + 1, approved_by_id = %s, "
                           "decided_at = now() WHERE kind = %s AND status = 'reviewed'", [approver.pk, KIND])
            rows = cursor.rowcount
        seconds = time.perf_counter() - started
    elif mode == "ours":
        rows, seconds = _ours(approver, size, workers=n_workers)
    else:
        sample = list(Case.objects.filter(kind=KIND, status=CaseStatus.REVIEWED).order_by("pk")
                      .values_list("pk", flat=True)[:sample_size(mode)])
        started = time.perf_counter()
        if mode == "save":
            for pk in sample:
                case = Case.objects.get(pk=pk)
                case.status, case.version = CaseStatus.APPROVED, case.version + 1
                case.approved_by, case.decided_at = approver, timezone.now()
                case.save()
        else:
            from guangyuan_jobs.casework.services import case_transition
            from guangyuan_jobs.casework.tasks import notify_applicants

            notify_applicants.delay = lambda ids, event, *moves: None  # as for the batch: SMS are another worker's job
            for pk in sample:
                case = Case.objects.get(pk=pk)
                case_transition(case=case, action="approve", actor=approver, version=case.version)
        seconds = time.perf_counter() - started
        rows = len(sample)
    approved = Case.objects.filter(kind=KIND, status=CaseStatus.APPROVED).count()
    if approved != rows:
        raise RuntimeError(f"{mode}: {approved} cases approved, {rows} expected")
    return {"mode": mode, "workers": n_workers, "rows": rows, "seconds": seconds}


def _ours(approver, size: int, *, workers: int) -> tuple[int, float]:
    from guangyuan_jobs.casework import services
    from guangyuan_jobs.casework.models import BatchJob, Payment
    from guangyuan_jobs.casework.tasks import batch_run, notify_applicants

    queued = []
    # The job runs here or in the worker processes, timed, rather than on commit; the SMS go to their own worker
    # after commit.
    batch_run.delay = lambda job_id: None
    notify_applicants.delay = lambda ids, event, *moves: queued.append(len(ids))
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") and workers == 1 else None
    statements = StatementTimes() if profile else None
    pool = _WorkerPool(workers) if workers > 1 else None
    started = time.perf_counter()
    with statements or contextlib.nullcontext():
        if profile:
            profile.enable()
        job = services.batch_start(action="approve", actor=approver, filters={"kind": KIND, "status": "reviewed"})
        if pool:
            queued.extend(pool.run(job.pk))
        else:
            services.batch_process(job_id=job.pk)
        if profile:
            profile.disable()
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != BatchJob.Status.COMPLETED or job.applied != size:
        raise RuntimeError(f"batch {job.status}: {job.applied} applied, {job.skipped} skipped, {job.error}")
    if Payment.objects.filter(case__kind=KIND).count() != size or sum(queued) != size:
        raise RuntimeError("the batch did not make one payment order and one SMS per case")
    if profile:
        statements.report(seconds)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue(), file=sys.stderr)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue(), file=sys.stderr)
    return job.applied, seconds


class _WorkerPool:
    """`n` worker processes, each with Django set up and connected, waiting for a job id on stdin: the Celery
    workers that take the tasks batch_start publishes."""

    def __init__(self, n: int):
        import subprocess

        self.procs = [subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "work"], cwd=ROOT,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(n)]
        for proc in self.procs:
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a batch worker did not start")

    def run(self, job_id) -> list[int]:
        """Every worker runs batch_process on the job at once; returns the SMS each queued."""
        for proc in self.procs:
            proc.stdin.write(f"{job_id}\n")
            proc.stdin.flush()
        queued = []
        for proc in self.procs:
            out, _err = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"a batch worker failed ({proc.returncode})")
            queued.append(json.loads(out.strip().splitlines()[-1])["queued"])
        return queued


def work() -> dict:
    """One of _WorkerPool's processes."""
    setup_django()
    register_bench_kind()
    from django.db import connection

    from guangyuan_jobs.casework import services
    from guangyuan_jobs.casework.tasks import notify_applicants

    queued = []
    notify_applicants.delay = lambda ids, event, *moves: queued.append(len(ids))
    bench_users()  # the same queries as the measuring process makes before its clock starts
    connection.ensure_connection()
    print("ready", flush=True)
    services.batch_process(job_id=sys.stdin.readline().strip())
    return {"queued": sum(queued)}


class StatementTimes:
    """The client-side time of each kind of SQL statement (its first words, literals and all) and of the
    commits, while in use as a context manager: where the batch's time goes on the server's side."""

    def __init__(self):
        self.times: dict[str, list] = {}

    def __enter__(self):
        from django.db import connection

        self._connection = connection
        self._wrapper = connection.execute_wrapper(self._statement)
        self._wrapper.__enter__()
        self._commit = connection._commit  # commits are not statements: the wrapper above does not see them
        connection._commit = self._timed_commit
        return self

    def __exit__(self, *exc):
        del self._connection._commit
        self._wrapper.__exit__(*exc)

    def _add(self, key: str, seconds: float) -> None:
        entry = self.times.setdefault(key, [0, 0.0])
        entry[0] += 1
        entry[1] += seconds

    def _timed_commit(self):
        started = time.perf_counter()
        try:
            return self._commit()
        finally:
            self._add("COMMIT", time.perf_counter() - started)

    def _statement(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._add(" ".join(sql.split())[:100], time.perf_counter() - started)

    def report(self, seconds: float) -> None:
        total = sum(t for _n, t in self.times.values())
        print(f"SQL statements and commits: {total:.1f} s of {seconds:.1f} s ({total / seconds:.0%}); "
              "the rest is Python", file=sys.stderr)
        for key, (n, spent) in sorted(self.times.items(), key=lambda kv: -kv[1][1])[:15]:
            print(f"  {spent:7.2f} s {n:5d}x  {key}", file=sys.stderr)


def print_table(results: list[dict]) -> None:
    print(f"{'benchmark':<58} {'ours':>14} {'baseline':>14} {'ratio':>7}  goal")
    for r in results:
        goal = "ok" if r["ratio"] >= GOAL_RATIO else "MISSED"
        if not r["name"].startswith("batch approval"):
            goal = "(reference)"
        print(f"{r['name']:<58} {r['value']:>9,} {r['unit']:<4} {r['baseline_value']:>9,} {r['unit']:<4} "
              f"{r['ratio']:>7.2f}  {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("populate").add_argument("size", type=int)
    measure_parser = sub.add_parser("measure")
    measure_parser.add_argument("mode", choices=["ours", "baseline", "save", "single"])
    measure_parser.add_argument("size", type=int)
    measure_parser.add_argument("--workers", type=int, default=1)
    sub.add_parser("work")
    parser.add_argument("--json", type=Path, help="write the results list here")
    args = parser.parse_args()
    if args.command == "populate":
        print(json.dumps(populate(args.size)))
    elif args.command == "measure":
        print(json.dumps(measure(args.mode, args.size, args.workers)))
    elif args.command == "work":
        print(json.dumps(work()))
    else:
        results = orchestrate(args.json)
        if args.json is None:  # run.py prints the table of every benchmark itself
            print_table(results)


if __name__ == "__main__":
    main()
