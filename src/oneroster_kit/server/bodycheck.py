"""Reading and checking a request body against the spec, inline or in a worker process.

`check_body` is the whole check (parse, validate with a bounded report, project on the schema).
Small bodies are checked inline: about 0.1 ms. A large body (up to the 1 MiB limit) can take
seconds of CPU (half a million array items, each valid but the last, make jsonschema walk them
all), and a thread would still hold the GIL against the event loop for most of that time, so
`LargeBodyChecker` runs such checks in one worker process: other requests keep their latency,
and one large body at a time is checked, which bounds what they cost together. There the
search for violations also has a time budget (`LARGE_BODY_BUDGET`, enforced with SIGALRM in the
worker): past it, the 422 lists what was found, or else the compiled check's first violation,
and says that checking stopped. The worker runs
at a lower CPU priority (nice +10), so on a busy machine the event loop wins the CPU over it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oneroster_kit.contract import Operation, Violation, load_contract
from oneroster_kit.known_departures import find, plain_words
from oneroster_kit.server.jsondoc import BodyError, parse_body
from oneroster_kit.server.schemawalk import project
from oneroster_kit.server.violations import MAX_EXAMINED, summarise

__all__ = [
    "LARGE_BODY_BUDGET",
    "CheckerUnavailableError",
    "LargeBodyChecker",
    "Refusal",
    "check_body",
    "check_operation_body",
]

LARGE_BODY_BUDGET = 1.0  # seconds of searching for violations in one large body (after parsing)


@dataclass(frozen=True)
class Refusal:
    """The answer for a body that cannot be read (400) or breaks the schema (422)."""

    status: int
    description: str
    details: list[dict[str, str]] = field(default_factory=list)


class CheckerUnavailableError(RuntimeError):
    """The worker process died (e.g. killed for memory); answered 503, and a new one is started."""


def check_body(operation_id: str, raw: bytes, budget: float | None = None, spec: Path | None = None) -> Any:
    """The body projected on the operation's request schema (of the spec file `spec`, default the spec
    in use), or a `Refusal`.

    `budget` (seconds; only in the worker process's main thread) bounds the search for violations.
    """
    return check_operation_body(load_contract(spec).operation(operation_id), raw, budget)


def check_operation_body(op: Operation, raw: bytes, budget: float | None = None) -> Any:
    """`check_body` for an operation the caller already holds (no lookup in the spec per request)."""
    operation_id = op.operation_id
    try:
        document = parse_body(raw)
    except BodyError as error:
        return Refusal(400, str(error))
    validator = op.request_validator
    if budget is None:
        if validator.fast_accepts(document):
            return project(op.components, validator.schema, document)
        report = summarise(validator.iter_violations(document))
    else:
        first = validator.first_violation(document)
        if first is None:
            return project(op.components, validator.schema, document)
        found: list[Violation] = []
        stopped = None
        try:
            with _time_limit(budget):
                for violation in validator.iter_violations(document):
                    found.append(violation)
                    if len(found) > MAX_EXAMINED:
                        break
        except _OutOfTimeError:
            stopped = f"checking stopped after {budget:g} s; there may be more"
        report = summarise(found or [first], stopped)
    if report.details:  # a body a known client sends is also explained in plain words
        known = plain_words(find(operation_id, "request", document))
        description = f"{report.description}. In plain words: {known}" if known else report.description
        return Refusal(422, description, report.details)
    return project(op.components, validator.schema, document)


class _OutOfTimeError(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise _OutOfTimeError()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _lower_priority() -> None:
    with contextlib.suppress(OSError):
        os.nice(10)


class LargeBodyChecker:
    """`check_body` in one worker process, started on first use ("spawn": no forked threads), against
    the spec file `spec` (the app's contract: the worker loads it once)."""

    def __init__(self, spec: Path | None = None) -> None:
        self._spec = spec
        self._pool: ProcessPoolExecutor | None = None

    async def check(self, operation_id: str, raw: bytes) -> Any:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_lower_priority)
        pool = self._pool
        try:
            return await asyncio.wrap_future(pool.submit(check_body, operation_id, raw, LARGE_BODY_BUDGET, self._spec))
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise CheckerUnavailableError("the body-checking worker process stopped") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
