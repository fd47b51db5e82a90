"""A private PostgreSQL cluster for fault tests: initdb into a temporary folder, a free port on loopback, trust
authentication, fsync on (the point is the durability of acknowledged commits). It can be crashed (`stop("immediate")`:
every backend killed, crash recovery at the next start) and started again without touching the shared server that
other tests and CI use. As root the binaries run as the `postgres` OS user (PostgreSQL refuses to run as root)."""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import free_port, skip_or_fail

SUPERUSER = "postgres"


def find_bin_dir() -> Path | None:
    """The newest installed server's bin folder (Debian: /usr/lib/postgresql/<version>/bin), or PG_BIN_DIR."""
    if os.environ.get("PG_BIN_DIR"):
        return Path(os.environ["PG_BIN_DIR"])
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


class PrivatePostgres:
    def __init__(self):
        bin_dir = find_bin_dir()
        if bin_dir is None or not (bin_dir / "initdb").exists() or not (bin_dir / "pg_ctl").exists():
            skip_or_fail("the PostgreSQL server binaries (initdb, pg_ctl) are not installed: a private cluster to "
                         "restart cannot be made")
        self.bin_dir = bin_dir
        self.prefix: list[str] = []
        self.owner = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                skip_or_fail("running as root without a `postgres` OS user: PostgreSQL refuses to run as root")
            runuser = shutil.which("runuser")
            if not runuser:
                skip_or_fail("running as root without runuser: the cluster cannot be run as the postgres user")
            self.prefix = [runuser, "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="proof-pg-"))
        if self.owner:
            os.chown(self.folder, self.owner.pw_uid, self.owner.pw_gid)
        self.data = self.folder / "data"
        self.log = self.folder / "postgresql.log"
        self.port = free_port()

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        result = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=timeout,
                                cwd=self.folder)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr[-2000:]}\n"
                               f"server log: {self.log_tail()}")
        return result

    def init(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        settings = {"port": self.port, "listen_addresses": "'127.0.0.1'", "unix_socket_directories": f"'{self.folder}'",
                    "max_connections": 60, "shared_buffers": "'32MB'", "fsync": "on", "synchronous_commit": "on",
                    "full_page_writes": "on", "logging_collector": "off"}
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# tests/proof/private_postgres.py\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """`immediate` kills every backend without a checkpoint: the next start runs crash recovery."""
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg2

        return psycopg2.connect(self.url(database), connect_timeout=5)

    def create_database(self, name: str) -> str:
        conn = self.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)

    def checkpoint(self) -> None:
        """What a running server does every few minutes: the crash recovery then replays only the load's WAL."""
        conn = self.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        finally:
            conn.close()

    def accepting(self) -> bool:
        import psycopg2

        try:
            self.connect().close()
            return True
        except psycopg2.OperationalError:
            return False

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.stop("immediate")
        deadline = time.monotonic() + 10
        while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)
