"""`ReferenceServer`: the reference server as a real subprocess, for tests, the suite and benchmarks.

    with ReferenceServer() as srv:          # free loopback port, fresh DB file in a temp dir
        srv.base_url, srv.token_url, srv.client_id, srv.client_secret, srv.class_ids (srv.result_ids)
        srv.kill()                          # SIGKILL, like a crash
        srv.restart()                       # same port, same database
        srv.stop()

    with ReferenceServer(db_url="postgresql://...", workers=2) as srv:   # PostgreSQL, two workers
        srv.worker_pids()                   # the workers serving now
        srv.kill_worker(pid)                # SIGKILL one worker; the server starts another

The process's stdout and stderr (the ready line and one line per request) go to `srv.log_path`;
`srv.log_text()` reads it, e.g. to show it when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["ReferenceServer", "ServerStartError"]

_READY_TIMEOUT = 30.0


class ServerStartError(RuntimeError):
    """The server process exited or did not announce readiness; the message carries its log."""


class ReferenceServer:
    """One `oneroster-reference-server` subprocess on 127.0.0.1."""

    def __init__(
        self,
        db_path: str | os.PathLike[str] | None = None,
        seed: str | os.PathLike[str] | None = None,
        faults: Iterable[str] = (),
        client_id: str | None = None,
        client_secret: str | None = None,
        token_ttl: int = 3600,
        extra_args: Iterable[str] = (),
        extra_env: Mapping[str, str] | None = None,
        preexec_fn: Callable[[], None] | None = None,
        db_url: str | None = None,
        workers: int = 1,
    ) -> None:
        self._tempdir = tempfile.TemporaryDirectory(prefix="oneroster-server-")
        workdir = Path(self._tempdir.name)
        self.db_path = Path(db_path) if db_path is not None else workdir / "reference.db"
        self.db_url = db_url  # a PostgreSQL URL; the server then ignores db_path
        self.workers = workers
        self.seed = Path(seed) if seed is not None else None
        self.faults = tuple(faults)
        self.client_id = client_id or "oneroster-test-client"
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.token_ttl = token_ttl
        self.extra_args = tuple(extra_args)
        self.extra_env = dict(extra_env or {})
        self.preexec_fn = preexec_fn  # e.g. lower RLIMIT_NOFILE or drop privileges, in the child only
        self.log_path = workdir / "server.log"
        self.port = 0
        self.base_url = ""
        self.token_url = ""
        self.class_ids: list[str] = []
        self.result_ids: list[str] = []  # results that exist from the start (a variant that refuses to create them)
        self._process: subprocess.Popen[bytes] | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> ReferenceServer:
        if self._process is not None and self._process.poll() is None:
            raise RuntimeError("the server is already running")
        command = [sys.executable, "-m", "oneroster_kit.server", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--db", self.db_url or str(self.db_path), "--token-ttl", str(self.token_ttl)]
        if self.workers != 1:
            command += ["--workers", str(self.workers)]
        if self.seed is not None:
            command += ["--seed", str(self.seed)]
        for fault in self.faults:
            command += ["--fault", fault]
        command += self.extra_args
        # Credentials go through the environment, not argv (which other users can read).
        env = {**os.environ, "ONEROSTER_CLIENT_ID": self.client_id, "ONEROSTER_CLIENT_SECRET": self.client_secret}
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self.extra_env)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=self.preexec_fn
            )
        ready = self._wait_ready(offset)
        self.base_url = ready["base_url"]
        self.token_url = ready["token_url"]
        self.class_ids = list(ready["class_ids"])
        self.result_ids = list(ready.get("result_ids", []))
        self.port = int(self.base_url.rsplit(":", 1)[1])
        return self

    def _wait_ready(self, offset: int) -> dict[str, Any]:
        assert self._process is not None
        deadline = time.monotonic() + _READY_TIMEOUT
        while time.monotonic() < deadline:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                for line in log:
                    if line.startswith(b'{"event": "ready"'):
                        ready: dict[str, Any] = json.loads(line)
                        return ready
            if self._process.poll() is not None:
                raise ServerStartError(
                    f"the server exited with status {self._process.returncode} before it was ready:\n"
                    + self.log_text(offset)
                )
            time.sleep(0.02)
        self.kill()
        raise ServerStartError(f"the server was not ready within {_READY_TIMEOUT} s:\n" + self.log_text(offset))

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the server has not been started")
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """The exit status once the process has ended (negative: killed by that signal)."""
        return None if self._process is None else self._process.poll()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def worker_pids(self) -> list[int]:
        """The pids of the workers serving now (`workers` > 1), from the ready and worker lines of the log."""
        pids: list[int] = []
        for line in self.log_text().splitlines():
            if line.startswith('{"event": "ready"'):
                pids = list(json.loads(line).get("workers", []))
            elif line.startswith('{"event": "worker"'):
                event = json.loads(line)
                pids = [event["pid"] if pid == event["replaced"] else pid for pid in pids]
        return pids

    def kill_worker(self, pid: int, timeout: float = 30.0) -> int:
        """SIGKILL one worker (a crash of that process only); the pid of the worker that replaces it."""
        before = set(self.worker_pids())
        if pid not in before:
            raise RuntimeError(f"{pid} is not a worker of this server")
        os.kill(pid, signal.SIGKILL)  # a worker of the server this object started
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = set(self.worker_pids()) - before
            if new:
                return new.pop()
            time.sleep(0.02)
        raise ServerStartError(f"no worker replaced {pid} within {timeout} s:\n" + self.log_text())

    def kill(self) -> None:
        """SIGKILL the process (a crash: no shutdown, no flush) and reap it."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM and wait; SIGKILL if it has not exited within `timeout` seconds."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> ReferenceServer:
        """Stop (if running) and start again on the same port with the same database."""
        self.stop()
        return self.start()

    def log_text(self, offset: int = 0) -> str:
        with contextlib.suppress(FileNotFoundError), self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")
        return ""

    def close(self) -> None:
        self.stop()
        self._tempdir.cleanup()

    def __enter__(self) -> ReferenceServer:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
