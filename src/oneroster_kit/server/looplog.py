"""The event loop's exception handler: one line per kind of error and second, never a traceback flood.

asyncio's default handler writes a full traceback for every failed `accept()` (EMFILE when the
process is out of file descriptors) and every other loop-level error; under fd exhaustion that was
36 MB of stderr in 8 s. This handler writes one line per message per second and then, once that
second is over, how many it left out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["BoundedLoopLog"]


class BoundedLoopLog:
    """`loop.set_exception_handler(BoundedLoopLog(sys.stderr))`."""

    def __init__(self, log: TextIO, interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._log = log
        self._interval = interval
        self._clock = clock
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def __call__(self, loop: Any, context: dict[str, Any]) -> None:
        message = str(context.get("message") or "event loop error")[:200]
        exception = context.get("exception")
        if exception is not None:
            message += f": {type(exception).__name__}: {str(exception)[:200]}"
        key = message
        now = self._clock()
        if len(self._last) > 1000:  # bounded memory whatever the variety of messages
            self._last.clear()
            self._suppressed.clear()
        last = self._last.get(key)
        if last is not None and now - last < self._interval:
            self._suppressed[key] = self._suppressed.get(key, 0) + 1
            return
        self._last[key] = now
        left_out = self._suppressed.pop(key, 0)
        suffix = f" ({left_out} more like it left out)" if left_out else ""
        self._log.write(f"LOOP {message}{suffix}\n")
        self._log.flush()
