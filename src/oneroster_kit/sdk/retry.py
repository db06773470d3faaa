"""Retries for transient failures, as an httpx transport wrapper (sync and async).

Built on `httpx-retries` (its `RetryTransport` already loops over the wrapped transport for both
httpx.Client and httpx.AsyncClient, closes the failed response and re-sends the same request).
What is added here: the SDK's policy (what to retry, how long to wait), Retry-After honoured up
to its own cap separately from the backoff cap, an injectable sleep so tests never wait, and one
log line per retry on the `oneroster_kit.sdk` logger, and the call's deadline (`deadline.py`):
a retry whose wait (backoff, or the server's Retry-After) would end past the deadline is not
taken, so the last answer (e.g. the 429, with its Retry-After) is returned at once.

Retried: 429, 502, 503, 504, connection errors, protocol errors and timeouts, for PUT (both
operations are idempotent upserts) and POST (only the token request, a client-credentials grant
without side effects). Never retried: any other status, in particular other 4xx.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from httpx_retries import Retry, RetryTransport

from oneroster_kit.sdk._guard import LAST_OUTCOME
from oneroster_kit.sdk.deadline import current_deadline
from oneroster_kit.sdk.errors import parse_retry_after

__all__ = ["RETRYABLE_STATUSES", "RetryConfig", "SDKRetryTransport"]

logger = logging.getLogger("oneroster_kit.sdk")

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
RETRYABLE_EXCEPTIONS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
RETRYABLE_METHODS = frozenset({"PUT", "POST"})


@dataclass(frozen=True)
class RetryConfig:
    """How the SDK retries; `RetryConfig(attempts=1)` turns retries off.

    The n-th retry waits `Retry-After` when the answer carries one (capped at
    `retry_after_max`), else `backoff_base * 2**(n-1)` scaled by a random factor in
    `[1 - jitter, 1]` and capped at `backoff_max`.
    """

    attempts: int = 4  # total tries, the first one included
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0
    jitter: float = 1.0  # 1.0 = "full jitter"; 0.0 = deterministic
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def __post_init__(self) -> None:
        problems = []
        if self.attempts < 1:
            problems.append(f"attempts must be >= 1 (got {self.attempts})")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.retry_after_max < 0:
            problems.append("backoff_base, backoff_max and retry_after_max must be >= 0")
        if not 0.0 <= self.jitter <= 1.0:
            problems.append(f"jitter must be between 0 and 1 (got {self.jitter})")
        if problems:
            raise ValueError("RetryConfig: " + "; ".join(problems))

    def delay(self, retry_number: int, response: httpx.Response | None) -> tuple[float, str]:
        """Seconds to wait before retry `retry_number` (1-based), and why (for the log line)."""
        if response is not None:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None:
                if retry_after > self.retry_after_max:
                    return self.retry_after_max, f"Retry-After {retry_after:.1f}s capped"
                return retry_after, "Retry-After"
        backoff = self.backoff_base * 2 ** (retry_number - 1)
        backoff *= 1.0 - self.jitter * self.random()
        return min(backoff, self.backoff_max), "backoff"


class _SDKRetry(Retry):
    """httpx-retries' per-request state, carrying the SDK's config and the request for logging."""

    config: RetryConfig
    request: httpx.Request | None
    redact: Callable[[str], str]
    planned: tuple[float, str] | None = None  # the next wait, decided when the deadline was checked

    def increment(self) -> _SDKRetry:
        new = super().increment()  # copy_with() builds a new instance: carry the SDK's attributes over
        assert isinstance(new, _SDKRetry)
        new.config = self.config
        new.request = self.request
        new.redact = self.redact
        new.planned = self.planned
        return new

    def is_exhausted(self) -> bool:
        """Out of attempts, or the next retry could not finish within the call's deadline."""
        if super().is_exhausted():
            return True
        self.planned = None
        deadline = current_deadline()
        outcome = self.request.extensions.get(LAST_OUTCOME) if self.request is not None else None
        if deadline is None or outcome is None:
            return False
        if isinstance(outcome, httpx.Response):
            if not self.is_retryable_status_code(outcome.status_code):
                return False
            response: httpx.Response | None = outcome
        elif self.is_retryable_exception(outcome):
            response = None
        else:
            return False
        seconds, why = self.config.delay(self.attempts_made + 1, response)
        asked = parse_retry_after(response.headers.get("retry-after")) if response is not None else None
        needed = max(seconds, asked or 0.0)
        left = deadline.remaining()
        if needed < left:
            self.planned = (seconds, why)
            return False
        logger.warning(
            "not retrying %s after %s: %s, and the call's deadline of %gs has %.2fs left",
            self._target(),
            self._reason(outcome),
            f"the server asks to wait {asked:g}s (Retry-After)" if asked is not None else f"the wait is {needed:.2f}s",
            deadline.seconds,
            max(left, 0.0),
        )
        return True

    def _target(self) -> str:
        return f"{self.request.method} {self.request.url}" if self.request is not None else "request"

    def _reason(self, outcome: httpx.Response | Exception) -> str:
        if isinstance(outcome, httpx.Response):
            return f"HTTP {outcome.status_code}"
        return self.redact(f"{type(outcome).__name__}: {outcome}")

    def _wait(self, outcome: httpx.Response | Exception) -> float:
        response = outcome if isinstance(outcome, httpx.Response) else None
        if self.planned is not None:
            (seconds, why), self.planned = self.planned, None
        else:
            seconds, why = self.config.delay(self.attempts_made, response)
        reason = self._reason(outcome)
        target = self._target()
        logger.warning(
            "retrying %s after %s (retry %d of %d, waiting %.2fs, %s)",
            target,
            reason,
            self.attempts_made,
            self.total,
            seconds,
            why,
        )
        return seconds

    def sleep(self, response: httpx.Response | Exception) -> None:
        seconds = self._wait(response)
        self.config.sleep(seconds)
        self.elapsed_sleep += seconds

    async def asleep(self, response: httpx.Response | Exception) -> None:
        seconds = self._wait(response)
        await self.config.async_sleep(seconds)
        self.elapsed_sleep += seconds


def _keep(text: str) -> str:
    return text


def _retry_state(config: RetryConfig, request: httpx.Request | None, redact: Callable[[str], str] = _keep) -> _SDKRetry:
    state = _SDKRetry(
        total=config.attempts - 1,
        allowed_methods=RETRYABLE_METHODS,
        status_forcelist=RETRYABLE_STATUSES,
        retry_on_exceptions=RETRYABLE_EXCEPTIONS,
    )
    state.config = config
    state.request = request
    state.redact = redact
    return state


class SDKRetryTransport(RetryTransport):
    """`httpx_retries.RetryTransport` applying a `RetryConfig`; wraps a sync or an async transport."""

    def __init__(
        self,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
        config: RetryConfig | None = None,
        *,
        redact: Callable[[str], str] = _keep,
    ) -> None:
        self.config = config or RetryConfig()
        self.redact = redact
        super().__init__(transport=transport, retry=_retry_state(self.config, None, redact))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions["retry"] = _retry_state(self.config, request, self.redact)
        return super().handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions["retry"] = _retry_state(self.config, request, self.redact)
        return await super().handle_async_request(request)
