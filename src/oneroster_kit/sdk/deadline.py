"""The overall deadline of one SDK call: retries, retry waits, the token request and slow bodies.

httpx's timeouts bound each socket operation, not a call: a body dripped at 1 byte/s never trips
a 3 s read timeout, and the retry layer then sleeps and sends again. So each call runs inside a
`Deadline`, kept in a context variable (one per thread, one per asyncio task) so that every layer
the call passes through sees the same one without new parameters: the retry waits
(`retry.py`: a wait that would end past the deadline is not taken), every attempt's httpx
timeouts (`_guard.py`), the body while it arrives (`_guard.py`), and each socket read, write and
connect of the SDK's own transport (`_network.py`). Async calls are also wrapped in
`asyncio.timeout`, which cancels exactly at the deadline.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

__all__ = [
    "DEFAULT_DEADLINE",
    "Deadline",
    "DeadlinePassed",
    "current_deadline",
    "deadline_scope",
    "enter_deadline",
    "leave_deadline",
]

DEFAULT_DEADLINE = 60.0  # seconds for a whole call, retries and the token request included


class DeadlinePassed(httpx.TimeoutException):
    """Raised inside the httpx stack when a call's deadline has passed (the client reports it)."""


@dataclass(frozen=True)
class Deadline:
    """`seconds` for one call, counted on the monotonic clock from `started`."""

    seconds: float
    started: float

    @classmethod
    def start(cls, seconds: float) -> Deadline:
        return cls(seconds, time.monotonic())

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def expired(self) -> bool:
        return self.remaining() <= 0

    def cap(self, timeout: float | None, what: str) -> float:
        """`timeout` shortened to what is left of the deadline; DeadlinePassed when nothing is left."""
        left = self.remaining()
        if left <= 0:
            raise DeadlinePassed(f"the call's deadline of {self.seconds:g}s passed ({what})")
        return left if timeout is None else min(timeout, left)


_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar("oneroster_sdk_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the SDK call running in this thread or task, if any."""
    return _CURRENT.get()


def check_deadline_seconds(seconds: float | None, name: str = "deadline") -> float | None:
    """`seconds` if it is a usable deadline (positive and finite) or None (no deadline), else ValueError."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not (0 < seconds < math.inf):
        raise ValueError(f"{name} must be a positive number of seconds or None, got {seconds!r}")
    return float(seconds)


def enter_deadline(seconds: float | None) -> contextvars.Token[Deadline | None]:
    """Start a fresh deadline of `seconds` (None: no overall deadline); pass the result to `leave_deadline`."""
    return _CURRENT.set(Deadline.start(seconds) if seconds is not None else None)


def leave_deadline(token: contextvars.Token[Deadline | None]) -> None:
    _CURRENT.reset(token)


@contextmanager
def deadline_scope(seconds: float | None) -> Iterator[Deadline | None]:
    """Run the body under a fresh deadline of `seconds` (None: no overall deadline)."""
    token = enter_deadline(seconds)
    try:
        yield _CURRENT.get()
    finally:
        leave_deadline(token)
