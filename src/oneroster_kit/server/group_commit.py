"""Database writes from the event loop, committed in groups on one database thread.

A request hands its write to `GroupCommitter.write` and awaits the outcome. The writes made in
one event-loop iteration go to the database thread together; the thread takes every write
queued so far (up to `MAX_GROUP`), commits them in one transaction (`Storage.write_batch`), and
wakes the event loop once for the whole group. Under load that is one commit, one clock update
and one cross-thread wake-up per group instead of per request, which is where a
one-write-per-transaction server spends most of its time; with one writer at a time a group is
a single write and nothing waits for company (no timer holds a group open).

No database work runs on the event loop, so a lock held by another process never stalls it. A
write that has not started within `busy_timeout` seconds is answered with `DatabaseBusyError`
(the server's 503 with Retry-After) and is then never applied; once started, the backend's own
bound on lock waits (SQLite's busy timeout, PostgreSQL's lock_timeout: the same seconds) limits the
wait, and a busy or unreachable database fails the group.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections import deque

from oneroster_kit.server.backend import DatabaseBusyError, Storage, Write

__all__ = ["MAX_GROUP", "GroupCommitter"]

MAX_GROUP = 256  # writes per transaction: bounds how long one commit holds the lock


class _Pending:
    """One queued write; `started` and `abandoned` change only under the committer's lock."""

    __slots__ = ("abandoned", "future", "loop", "queued_at", "started", "write")

    def __init__(self, write: Write, loop: asyncio.AbstractEventLoop) -> None:
        self.write = write
        self.loop = loop
        self.future: asyncio.Future[str | None] = loop.create_future()
        self.queued_at = loop.time()
        self.started = False
        self.abandoned = False


class GroupCommitter:
    """The database thread and its queue (the thread starts with the first write)."""

    def __init__(self, store: Storage, busy_timeout: float) -> None:
        self.store = store
        self.busy_timeout = busy_timeout
        self._queue: queue.SimpleQueue[list[_Pending] | None] = queue.SimpleQueue()
        self._outbox: list[_Pending] = []  # writes of this event-loop iteration, handed over together
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._waiting: deque[_Pending] = deque()  # event-loop side, in queue order, for the busy sweep
        self._sweep_loop: asyncio.AbstractEventLoop | None = None  # the loop a sweep is armed on
        self.groups = 0  # transactions committed or failed, for benchmarks and tests
        self.writes = 0

    async def write(self, write: Write) -> str | None:
        """The stored text (None: no such class); DatabaseBusyError or the write's own error otherwise."""
        loop = asyncio.get_running_loop()
        pending = _Pending(write, loop)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="oneroster-db", daemon=True)
            self._thread.start()
        if not self._outbox:
            loop.call_soon(self._hand_over)
        self._outbox.append(pending)
        self._waiting.append(pending)
        if self._sweep_loop is not loop:
            self._sweep_loop = loop
            loop.call_later(self._sweep_interval(), self._sweep, loop)
        return await pending.future

    def close(self) -> None:
        """Commit what is queued, then stop the thread (call on the event loop's thread or after the
        loop has stopped, and before `store.close()`)."""
        self._hand_over()
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _hand_over(self) -> None:
        """The writes of one event-loop iteration go to the thread together (one wake-up, one group)."""
        if self._outbox:
            outbox, self._outbox = self._outbox, []
            self._queue.put(outbox)

    # -- the database thread ----------------------------------------------------------------------
    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            group = list(first)
            while len(group) < MAX_GROUP:
                try:
                    queued = self._queue.get_nowait()
                except queue.Empty:
                    break
                if queued is None:
                    stopping = True
                    break
                group.extend(queued)
            with self._lock:
                live = [pending for pending in group if not pending.abandoned]
                for pending in live:
                    pending.started = True
            if live:
                self._commit(live)

    def _commit(self, group: list[_Pending]) -> None:
        outcomes: list[str | Exception | None]
        try:
            outcomes = self.store.write_batch([pending.write for pending in group])
        except DatabaseBusyError as error:  # busy or unavailable: each request answers 503 with its own error
            outcomes = [type(error)(str(error)) for _ in group]
        except Exception as error:  # e.g. disk I/O: the group is not stored; each request answers 500
            outcomes = [error] * len(group)
        self.groups += 1
        self.writes += len(group)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            group[0].loop.call_soon_threadsafe(_deliver, group, outcomes)

    # -- the event loop ---------------------------------------------------------------------------
    def _sweep_interval(self) -> float:
        return min(0.25, self.busy_timeout / 4)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        """Answer DatabaseBusyError to writes queued longer than the busy timeout and not started."""
        waiting = self._waiting
        oldest_allowed = loop.time() - self.busy_timeout
        expired: list[_Pending] = []
        with self._lock:
            while waiting and (waiting[0].started or waiting[0].abandoned):
                waiting.popleft()
            while waiting and waiting[0].queued_at <= oldest_allowed:
                pending = waiting.popleft()  # not started: the thread takes writes in queue order
                pending.abandoned = True
                expired.append(pending)
        for pending in expired:
            if not pending.future.done():
                pending.future.set_exception(DatabaseBusyError("the database thread is busy"))
        if waiting:
            loop.call_later(self._sweep_interval(), self._sweep, loop)
        else:
            self._sweep_loop = None


def _deliver(group: list[_Pending], outcomes: list[str | Exception | None]) -> None:
    for pending, outcome in zip(group, outcomes, strict=True):
        if pending.future.done():  # the request was cancelled meanwhile
            continue
        if isinstance(outcome, Exception):
            pending.future.set_exception(outcome)
        else:
            pending.future.set_result(outcome)
