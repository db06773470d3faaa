"""Reading and checking a request body against the spec, inline or in a worker process.

`check_body` is the whole check (parse, validate with a bounded report, project on the schema).
Small bodies are checked inline: about 0.1 ms. A large body (up to the 1 MiB limit) can take
seconds of CPU (half a million array items, each valid but the last, make jsonschema walk them
all), and a thread would still hold the GIL against the event loop for most of that time, so
`LargeBodyChecker` runs such checks in one worker process: other requests keep their latency,
and one large body at a time is checked, which bounds what they cost together. The worker runs
at a lower CPU priority (nice +10), so on a busy machine the event loop wins the CPU over it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from oneroster_kit.contract import operation
from oneroster_kit.server.jsondoc import BodyError, parse_body
from oneroster_kit.server.schemawalk import project
from oneroster_kit.server.violations import summarise

__all__ = ["CheckerUnavailableError", "LargeBodyChecker", "Refusal", "check_body"]


@dataclass(frozen=True)
class Refusal:
    """The answer for a body that cannot be read (400) or breaks the schema (422)."""

    status: int
    description: str
    details: list[dict[str, str]] = field(default_factory=list)


class CheckerUnavailableError(RuntimeError):
    """The worker process died (e.g. killed for memory); answered 503, and a new one is started."""


def check_body(operation_id: str, raw: bytes) -> Any:
    """The body projected on the operation's request schema, or a `Refusal`."""
    try:
        document = parse_body(raw)
    except BodyError as error:
        return Refusal(400, str(error))
    op = operation(operation_id)
    report = summarise(op.request_validator.iter_violations(document))
    if report.details:
        return Refusal(422, report.description, report.details)
    return project(op.components, op.request_validator.schema, document)


def _lower_priority() -> None:
    with contextlib.suppress(OSError):
        os.nice(10)


class LargeBodyChecker:
    """`check_body` in one worker process, started on first use ("spawn": no forked threads)."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def check(self, operation_id: str, raw: bytes) -> Any:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_lower_priority)
        pool = self._pool
        try:
            return await asyncio.wrap_future(pool.submit(check_body, operation_id, raw))
        except BrokenProcessPool:
            if self._pool is pool:
                self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise CheckerUnavailableError("the body-checking worker process stopped") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
