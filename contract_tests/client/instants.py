"""Compare JSON bodies with their `date-time` fields read as instants, not as text.

The generated models parse `date-time` with `datetime.fromisoformat` and write it back with
`isoformat()`, so the text changes while the moment should not: `Z` becomes `+00:00`, `-00:00`
becomes `+00:00`, `.1` becomes `.100000`. What is compared, exactly: each `date-time` string
(found through the schema, not by guessing) is parsed here with an RFC 3339 grammar of our own
(independent of the parser under test) into (UTC instant with exact fractional seconds, UTC
offset in minutes). Two values are equal when both parts are equal, so the instant and the
offset must survive; spelling does not matter. A string without an offset (a naive datetime
written by `isoformat()`) parses to `Unzoned`, which never equals a zoned value.
"""

from __future__ import annotations

import copy
import datetime
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from oneroster_kit.spec_walk import node
from tests.support.field_cases import instance_nodes

__all__ = ["Instant", "Unzoned", "parse_rfc3339", "with_instants"]

_RFC3339 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt](?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2})(?:\.(?P<frac>\d+))?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})?"
)


@dataclass(frozen=True)
class Instant:
    """A moment: seconds since 0001-01-01T00:00Z (exact), and the offset it was written in."""

    utc_seconds: Fraction
    offset_minutes: int


@dataclass(frozen=True)
class Unzoned:
    """A date-time written without an offset (not RFC 3339): the text, kept for the diff."""

    text: str


def parse_rfc3339(text: str) -> Instant | Unzoned:
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    day = datetime.date.fromisoformat(match["date"])
    seconds = Fraction(day.toordinal() - 1) * 86400 + int(match["h"]) * 3600 + int(match["m"]) * 60 + int(match["s"])
    if match["frac"]:
        seconds += Fraction(int(match["frac"]), 10 ** len(match["frac"]))
    offset = match["offset"]
    if offset is None:
        return Unzoned(text)
    minutes = 0 if offset in "Zz" else (1 if offset[0] == "+" else -1) * (int(offset[1:3]) * 60 + int(offset[4:6]))
    return Instant(seconds - minutes * 60, minutes)


def with_instants(document: Any, pointer: str) -> Any:
    """A copy of `document` whose `date-time` strings (per the schema at `pointer`) are parsed."""
    result = copy.deepcopy(document)
    for visit in list(instance_nodes(document, pointer)):
        schema = node(visit.pointer)
        if isinstance(schema, dict) and schema.get("format") == "date-time" and isinstance(visit.value, str):
            if not visit.path:
                return parse_rfc3339(visit.value)
            target = result
            for part in visit.path[:-1]:
                target = target[part]
            target[visit.path[-1]] = parse_rfc3339(visit.value)
    return result
