"""Reading times: a contract date-time, and the time a recording says something happened.

Two readers, because the two kinds of time are held to different rules. A value the contract
types `format: date-time` (`dateLastModified`, `scoreDate`) is RFC 3339: a full date, `T`, a time
and an offset; anything else is not an instant, and a server that answers one is judged for it.
A recording's own clock (NDJSON `started`, HAR `startedDateTime`) only orders exchanges and dates
token grants: recorders often leave the offset out, so a time without one is taken as UTC.
"""

from __future__ import annotations

import datetime
from typing import Any

__all__ = ["parse_instant", "parse_recorded_time"]


def parse_instant(value: Any) -> datetime.datetime | None:
    """A contract date-time as an aware datetime, or None when `value` is not one.

    The shape is checked first (`YYYY-MM-DDThh:mm:ss...` with an offset), which also makes this
    cheap for the strings that are not date-times at all (the traffic checker asks of every one).
    """
    if not isinstance(value, str) or len(value) < 19 or value[4] != "-" or value[10] not in "Tt":
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_recorded_time(value: object) -> datetime.datetime | None:
    """When a recording says an exchange started: an ISO 8601 time, taken as UTC when it has no
    offset; None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.UTC)
