"""Several worker processes on one listening socket: `oneroster-reference-server --workers N`.

The supervisor (the process the user started) opens the database once (schema, migrations, seed),
opens one listening socket per worker, all on the same port (SO_REUSEPORT), and starts N workers.
Each worker is the ordinary one-process server (`python -m oneroster_kit.server` with the same
options, started with its socket's file descriptor), so a worker behaves exactly as the
single-process server the tests hold, with its own event loop, database thread and connection.
The kernel spreads new connections over the sockets by a hash of their addresses, so each worker
gets its share. (One socket shared by all workers was tried first: whichever worker woke first
accepted most of a client's connections, and wrk's 16 went about 14 to one worker and 2 to the
other.) The supervisor prints one ready line once every worker is serving, and:

- restarts a worker that dies (SIGKILL included), printing `{"event": "worker", "pid": NEW,
  "replaced": OLD, ...}` on stdout once the new one serves. It keeps every socket open, so
  connections the kernel gives the dead worker's socket wait in its queue (about a second) for
  the replacement instead of being refused. A replacement that cannot start (the database is
  down) is retried with a growing pause (0.5 s to 10 s);
- on SIGTERM or SIGINT asks every worker to stop gracefully (SIGTERM), waits for them and exits 0;
- takes its workers with it if it is killed itself (PR_SET_PDEATHSIG), so no orphan keeps the port.

Why not uvicorn's own `workers=N`: it builds the app in each child from an import string, so the
options would have to travel through the environment, and it runs its own `Server` in place of this
server's graceful shutdown, uvloop runner, loop error log and ready line. Here a worker is the
same process the single-process mode runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, TextIO

__all__ = ["WorkerPool", "WorkerStartError"]

_PR_SET_PDEATHSIG = 1
_READY_TIMEOUT = 60.0
_STOP_TIMEOUT = 15.0


class WorkerStartError(RuntimeError):
    """A worker exited or stayed silent before it served; its own message is in the log above."""


def _die_with_parent() -> None:  # runs in the child between fork and exec
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    ready_pipe: int  # read end; the worker writes one line and closes its end once it serves
    replaced: int | None = None  # the pid this worker replaces (None: one of the first)
    ended_with: int | None = None
    ready: bool = False
    buffer: bytearray = field(default_factory=bytearray)


class WorkerPool:
    """Start, watch and stop one worker per socket, running `command` + the socket and ready-pipe options."""

    def __init__(self, command: Sequence[str], sockets: Sequence[socket.socket], out: TextIO, err: TextIO) -> None:
        self.command = list(command)
        self.sockets = list(sockets)  # one per worker slot, kept open across replacements
        self.count = len(self.sockets)
        self.out = out
        self.err = err
        self.workers: list[_Worker] = []
        self._stopping = False
        self._pause = 0.5  # before the next replacement after one that could not start

    def _spawn(self, slot: int, replaced: int | None = None, ended_with: int | None = None) -> _Worker:
        read_end, write_end = os.pipe()
        listen_fd = self.sockets[slot].fileno()
        try:
            process = subprocess.Popen(
                [*self.command, "--worker-fds", f"{listen_fd},{write_end}"],
                pass_fds=(listen_fd, write_end),
                preexec_fn=_die_with_parent,
                process_group=0,  # the terminal's Ctrl-C reaches the supervisor, which stops the workers
            )
        finally:
            os.close(write_end)
        os.set_blocking(read_end, False)
        return _Worker(process, read_end, replaced, ended_with)

    def _poll_ready(self, worker: _Worker) -> bool:
        """Read what the worker wrote on its pipe; True once it has said it serves."""
        if worker.ready or worker.ready_pipe < 0:  # said so, or closed its pipe without saying it
            return worker.ready
        with contextlib.suppress(BlockingIOError):
            chunk = os.read(worker.ready_pipe, 4096)
            worker.buffer += chunk
            if chunk == b"" or b"\n" in worker.buffer:
                os.close(worker.ready_pipe)
                worker.ready = b"\n" in worker.buffer
                if not worker.ready:
                    worker.ready_pipe = -1
        return worker.ready

    def start(self) -> list[int]:
        """Start every worker and wait until each serves; their pids. WorkerStartError otherwise."""
        self.workers = [self._spawn(slot) for slot in range(self.count)]
        deadline = time.monotonic() + _READY_TIMEOUT
        while not all(self._poll_ready(worker) for worker in self.workers):
            for worker in self.workers:
                if not worker.ready and worker.process.poll() is not None and not self._poll_ready(worker):
                    self.stop()
                    raise WorkerStartError(
                        f"worker {worker.process.pid} exited with status {worker.process.returncode} before it served"
                    )
            if time.monotonic() > deadline:
                self.stop()
                raise WorkerStartError(f"the workers did not serve within {_READY_TIMEOUT:.0f} s")
            self._wait(0.02)
        return [worker.process.pid for worker in self.workers]

    def _wait(self, seconds: float) -> None:
        pipes = [worker.ready_pipe for worker in self.workers if not worker.ready and worker.ready_pipe >= 0]
        with contextlib.suppress(InterruptedError):
            select.select(pipes, [], [], seconds)

    def run(self) -> int:
        """Watch the workers until SIGTERM or SIGINT; then stop them. The exit status (0)."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        restart_at: dict[int, float] = {}  # slot -> when its ended worker is replaced
        try:
            while not self._stopping:
                for index, worker in enumerate(self.workers):
                    if not worker.ready and self._poll_ready(worker):
                        self._announce(worker)
                    status = worker.process.poll()
                    if status is None or self._stopping:
                        continue
                    if index not in restart_at:
                        if worker.ready:  # a serving worker died
                            self._pause = 0.5
                            restart_at[index] = time.monotonic()
                            worker.replaced, worker.ended_with = worker.process.pid, status
                            self.err.write(
                                f"oneroster-reference-server: worker {worker.process.pid} ended "
                                f"({_describe(status)}); starting another\n"
                            )
                            self.err.flush()
                        else:  # a replacement that could not start (e.g. the database is down): pause
                            restart_at[index] = time.monotonic() + self._pause
                            self._pause = min(self._pause * 2, 10.0)
                    if time.monotonic() >= restart_at[index]:
                        del restart_at[index]
                        self.workers[index] = self._spawn(index, worker.replaced, worker.ended_with)
                self._wait(0.05)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stop()
        return 0

    def _announce(self, worker: _Worker) -> None:
        if worker.replaced is None:
            return
        event: dict[str, Any] = {
            "event": "worker",
            "pid": worker.process.pid,
            "replaced": worker.replaced,
            "status": worker.ended_with,
        }
        self.out.write(json.dumps(event) + "\n")
        self.out.flush()

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        if self._stopping and sig == signal.SIGINT:  # a second Ctrl-C: workers stop waiting for requests
            for worker in self.workers:
                with contextlib.suppress(ProcessLookupError):
                    worker.process.send_signal(signal.SIGINT)
        self._stopping = True

    def stop(self) -> None:
        """SIGTERM to every worker (each finishes its requests and closes its database), then wait."""
        self._stopping = True
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + _STOP_TIMEOUT
        for worker in self.workers:
            try:
                worker.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            if not worker.ready and worker.ready_pipe >= 0:
                with contextlib.suppress(OSError):
                    os.close(worker.ready_pipe)
                worker.ready_pipe = -1


def _describe(status: int) -> str:
    if status < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-status).name
    return f"exit status {status}"


def announce_ready(fd: int, pid: int) -> None:
    """In a worker: tell the supervisor this worker serves (one line on its ready pipe)."""
    with os.fdopen(fd, "w") as pipe:
        pipe.write(json.dumps({"pid": pid}) + "\n")


def worker_command(argv: Sequence[str]) -> list[str]:
    """The command line of one worker: this server with the user's options and one worker."""
    return [sys.executable, "-m", "oneroster_kit.server", *argv, "--workers", "1"]
