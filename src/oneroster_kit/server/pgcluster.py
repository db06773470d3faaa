"""A throwaway PostgreSQL cluster in a temporary folder, for tests, benchmarks and trying the server.

    with PostgresCluster() as cluster:          # initdb + start on a free loopback port
        url = cluster.create_database("demo")   # postgresql://oneroster@127.0.0.1:PORT/demo
        cluster.stop(); cluster.start()         # the database goes away and comes back (same port, same data)

It uses the server binaries of Debian's `postgresql` package (`initdb`, `pg_ctl`, `postgres` on
PATH, in /usr/local/bin or the newest /usr/lib/postgresql/*/bin). PostgreSQL refuses to run as
root, so as root the binaries run as the `postgres` system user (Debian's package creates it; a
system user `oneroster-pg` is created when there is none), through `subprocess`'s user/group
switch; as any other user they run as that user. The cluster listens on 127.0.0.1 only, on a
free port, and on a Unix socket in its folder; authentication is `trust` (a throwaway cluster on
loopback, superuser `oneroster`). `close()` (also at interpreter exit) stops the postmaster this
object started, by its PID, and removes the folder.

`PostgresUnavailable` says in one line why no cluster can be had (no binaries, initdb failed).
`python -m oneroster_kit.server.pgcluster` starts one and prints its URL until Ctrl-C.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

__all__ = ["PostgresCluster", "PostgresUnavailable", "find_binaries"]

SUPERUSER = "oneroster"
_FALLBACK_USER = "oneroster-pg"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL cluster can be started here; the message says why in one line."""


def find_binaries(install: bool = False) -> Path:
    """The folder holding initdb, pg_ctl and postgres; with `install`, apt-get the package when missing."""
    found = _search()
    if found is None and install and os.geteuid() == 0 and shutil.which("apt-get"):
        print("PostgreSQL is missing; installing the Debian package with apt-get ...", file=sys.stderr, flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=False, capture_output=True, env=env)
        found = _search()
    if found is None:
        raise PostgresUnavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH, in /usr/local/bin or "
            "/usr/lib/postgresql/*/bin; install Debian's postgresql package"
        )
    return found


def _search() -> Path | None:
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    candidates.append(Path("/usr/local/bin"))
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0), reverse=True)
    candidates += [Path(p) for p in versions]
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _run_as() -> tuple[int, int] | None:
    """(uid, gid) to run the binaries as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", _FALLBACK_USER):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    command = ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _FALLBACK_USER]
    created = subprocess.run(command, capture_output=True, text=True, check=False)
    if created.returncode != 0:
        raise PostgresUnavailable(
            f"running as root, and no non-root user for PostgreSQL: useradd failed: {created.stderr.strip()}"
        )
    entry = pwd.getpwnam(_FALLBACK_USER)
    return entry.pw_uid, entry.pw_gid


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresCluster:
    """One throwaway cluster; `start()` once, then `stop()`/`start()` as often as a test needs."""

    def __init__(self, install: bool = False) -> None:
        self.bin = find_binaries(install=install)
        self._owner = _run_as()
        self._folder = Path(tempfile.mkdtemp(prefix="oneroster-pg-"))
        self.data = self._folder / "data"
        self.socket_dir = self._folder
        self.log_path = self._folder / "postgres.log"
        self.port = 0
        self.postmaster_pid: int | None = None
        self._initialised = False
        self._databases = 0
        if self._owner is not None:
            os.chown(self._folder, *self._owner)
        atexit.register(self.close)

    # -- lifecycle -------------------------------------------------------------------------------
    def _run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        user, group = self._owner if self._owner is not None else (None, None)
        return subprocess.run(
            list(command),
            cwd=self._folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=user,
            group=group,
            extra_groups=[] if self._owner is not None else None,
            env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
        )

    def start(self) -> PostgresCluster:
        """initdb on first use, then start the postmaster and wait until it accepts connections."""
        if self.postmaster_pid is not None:  # already running
            return self
        if not self._initialised:
            done = self._run(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            if done.returncode != 0:
                raise PostgresUnavailable(f"initdb failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
            self._initialised = True
        for _ in range(5):  # a free port can be taken between the probe and the bind: try another
            port = self.port or _free_port()
            started = self._run(
                str(self.bin / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data),
                "-l",
                str(self.log_path),
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={self.socket_dir} "
                "-c max_connections=200",
            )
            if started.returncode == 0:
                self.port = port
                self.postmaster_pid = int((self.data / "postmaster.pid").read_text().split()[0])
                return self
            if self.port:  # a restart must keep its port: no second try elsewhere
                break
        log = self.log_path.read_text(errors="replace").strip().splitlines()[-3:] if self.log_path.exists() else []
        raise PostgresUnavailable(f"pg_ctl start failed: {started.stderr.strip()} {' | '.join(log)}")

    def stop(self) -> None:
        """Stop the postmaster (fast shutdown: sessions are ended); SIGKILL it if pg_ctl cannot."""
        if self.postmaster_pid is None:
            return
        stopped = self._run(str(self.bin / "pg_ctl"), "stop", "-w", "-t", "30", "-m", "fast", "-D", str(self.data))
        if stopped.returncode != 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.postmaster_pid, signal.SIGKILL)  # the postmaster this object started
            time.sleep(0.5)
        self.postmaster_pid = None

    def close(self) -> None:
        """Stop the cluster and remove its folder (safe to call twice)."""
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self._folder, ignore_errors=True)
        atexit.unregister(self.close)

    def __enter__(self) -> PostgresCluster:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # -- databases -------------------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (named `name`, or the next `oneroster_N`); its URL."""
        import psycopg

        self._databases += 1
        name = name or f"oneroster_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')  # the name is ours, not a user's
        return self.url(name)

    def descendant_pids(self) -> list[int]:
        """The postmaster and every process under it (backends, WAL writer...), for CPU accounting."""
        if self.postmaster_pid is None:
            return []
        found, queue = [], [self.postmaster_pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            for task in glob.glob(f"/proc/{pid}/task/*/children"):
                with contextlib.suppress(OSError):
                    queue += [int(child) for child in Path(task).read_text().split()]
        return found


def main() -> int:
    """Start a cluster, print its URL and a ready database's URL, run until SIGINT/SIGTERM."""
    try:
        cluster = PostgresCluster(install=True).start()
    except PostgresUnavailable as error:
        print(f"pgcluster: error: {error}", file=sys.stderr)
        return 2
    url = cluster.create_database("oneroster")
    print(url, flush=True)
    stop = False

    def finish(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    while not stop:
        time.sleep(0.2)
    cluster.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
