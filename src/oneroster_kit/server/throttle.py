"""Throttling failed client authentications at the token endpoint, per client address.

Each address has a bucket of `burst` failures that refills at `per_second`. A failed
authentication takes one; while an address's bucket is empty, its token requests are answered
429 with Retry-After *before* the credentials are looked at, so that guessing gains nothing from
sending faster (a right guess would otherwise stand out among the 429s). A successful
authentication costs nothing, so the correct client is never slowed unless it shares its address
with a client that keeps failing (the README states this limit). The table keeps at most
`max_addresses` entries, dropping the ones that have refilled first.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["FailureThrottle"]


@dataclass
class _Bucket:
    level: float
    updated: float


class FailureThrottle:
    def __init__(
        self,
        burst: int = 10,
        per_second: float = 1.0,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._burst = float(burst)
        self._rate = per_second
        self._max = max_addresses
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def _current(self, address: str) -> _Bucket | None:
        bucket = self._buckets.get(address)
        if bucket is None:
            return None
        now = self._clock()
        bucket.level = min(self._burst, bucket.level + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.level >= self._burst:
            del self._buckets[address]
            return None
        return bucket

    def retry_after(self, address: str) -> int | None:
        """Seconds until `address` may try again, or None when it may try now."""
        bucket = self._current(address)
        if bucket is None or bucket.level >= 1.0:
            return None
        return max(1, math.ceil((1.0 - bucket.level) / self._rate))

    def failed(self, address: str) -> None:
        """Record one failed authentication from `address`."""
        bucket = self._current(address)
        if bucket is None:
            if len(self._buckets) >= self._max:
                self._evict()
            bucket = self._buckets[address] = _Bucket(self._burst, self._clock())
        bucket.level = max(0.0, bucket.level - 1.0)

    def _evict(self) -> None:
        for address in list(self._buckets):
            self._current(address)  # drops every bucket that has refilled
        excess = len(self._buckets) - int(self._max * 0.9)  # a tenth at once: amortised O(1) per failure
        if excess > 0:
            for address in sorted(self._buckets, key=lambda key: self._buckets[key].updated)[:excess]:
                del self._buckets[address]
