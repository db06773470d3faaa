"""`enum_closed`: every enum of the request schemas is closed; near-misses are refused (422).

The spec's enums are closed (ScoreStatus, ClassType: "a closed enum, as TimeBack's"; every
value a quoted string compared exactly), and UnprocessableEntity names "a value outside an
enum" as a 422. For every enum location of both request schemas (array items included) and
every value, the probe sends the value in another letter case, with a leading and a trailing
space, as a plural, and the empty string; each must be refused with 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oneroster_kit.conformance.probes.common import PROBES, Probe
from oneroster_kit.conformance.probes.schema import Path, locations, probe_body, set_at, show

__all__ = ["enum_closed", "near_misses"]


def near_misses(values: list[Any]) -> Iterator[tuple[str, str]]:
    """(how it differs, value) for strings close to an enum's values but not among them."""
    allowed = set(values)
    seen: set[str] = set()
    candidates: list[tuple[str, str]] = [("the empty string", "")]
    for value in values:
        if not isinstance(value, str):
            continue
        other_case = value.upper() if value.upper() != value else value.lower()
        candidates += [
            (f"{value!r} in other letter case", other_case),
            (f"{value!r} with a leading space", " " + value),
            (f"{value!r} with a trailing space", value + " "),
            (f"{value!r} as a plural", value + "s"),
        ]
    for how, candidate in candidates:
        if candidate not in allowed and candidate not in seen:
            seen.add(candidate)
            yield how, candidate


def _enum_paths(operation_id: str, body: dict[str, Any]) -> list[tuple[Path, list[Any]]]:
    found = []
    for location in locations(operation_id, body):
        values = location.enum
        if values is not None:
            found.append((location.path, values))
    return found


@PROBES.register
def enum_closed(probe: Probe) -> None:
    target = probe.target
    parts = []
    if probe.can("putResult"):
        rid = probe.fresh_result_id("enum")
        result = probe_body("putResult")
        result["result"]["sourcedId"] = rid
        parts.append(("putResult", rid, probe.valid("putResult", result)))
    if probe.can("updateClass"):
        parts.append(("updateClass", target.class_ids[0], probe.valid("updateClass", probe_body("updateClass"))))
    for operation_id, sourced_id, base in parts:
        for path, values in _enum_paths(operation_id, base):
            for how, value in near_misses(values):
                exchange = probe.put(operation_id, sourced_id, set_at(base, path, value))
                probe.refused(exchange, f"{show(path)} = {value!r} ({how}; allowed: {values})")
    probe.finish()
