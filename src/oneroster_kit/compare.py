"""Schema-guided comparison of what was sent with what came back (the live suite and the traffic checker).

"Every field sent comes back equal" needs the spec to say which members are fields (unknown
members are ignored by the contract), which strings are date-times (compared as instants) and
where a request shape differs from the response shape (a SourcedIdRef sent, a GUIDRef returned:
only the members sent are compared). Numbers compare exactly (87.5 is not 88, 2**53 + 1 is not
2**53, -0.0 is not 0; 1 equals 1.0);
booleans are never numbers.
"""

from __future__ import annotations

import math
from typing import Any

from oneroster_kit.contract import default_contract, resolve
from oneroster_kit.instants import parse_instant

__all__ = ["echo_mismatches", "json_equal"]


def json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        # Exactly (an int beyond 2**53 is not the nearest double); a zero keeps its sign (-0.0 is not 0).
        return a == b and (a != 0 or math.copysign(1.0, a) == math.copysign(1.0, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def echo_mismatches(schema: Any, sent: Any, got: Any, path: str, components: dict[str, Any] | None = None) -> list[str]:
    """How `got` fails to carry back `sent` (empty when it does); `$ref`s resolve in `components`
    (default: the spec in use's)."""
    if components is None:
        components = default_contract().components
    schema = resolve(components, schema)
    if isinstance(schema, dict) and "oneOf" in schema:
        branches = [resolve(components, branch) for branch in schema["oneOf"]]
        wanted = "null" if sent is None else None
        chosen = next(
            (b for b in branches if (b.get("type") == "null") == (wanted == "null")),
            branches[0],
        )
        return echo_mismatches(chosen, sent, got, path, components)
    if isinstance(sent, dict) and isinstance(schema, dict) and "properties" in schema:
        if not isinstance(got, dict):
            return [f"{path}: sent an object, got {_short(got)}"]
        problems: list[str] = []
        for key, value in sent.items():
            if key not in schema["properties"]:
                continue  # unknown members are ignored by the contract
            if key not in got:
                problems.append(f"{path}.{key}: sent {_short(value)}, not returned")
            else:
                member = schema["properties"][key]
                problems.extend(echo_mismatches(member, value, got[key], f"{path}.{key}", components))
        return problems
    if isinstance(sent, list) and isinstance(schema, dict) and "items" in schema:
        if not isinstance(got, list) or len(got) != len(sent):
            return [f"{path}: sent {_short(sent)}, got {_short(got)}"]
        problems = []
        for index, (item_sent, item_got) in enumerate(zip(sent, got, strict=True)):
            problems.extend(echo_mismatches(schema["items"], item_sent, item_got, f"{path}[{index}]", components))
        return problems
    if isinstance(schema, dict) and schema.get("format") == "date-time" and isinstance(sent, str):
        sent_at, got_at = parse_instant(sent), parse_instant(got)
        if sent_at is not None:
            if got_at is None or sent_at != got_at:
                return [f"{path}: sent {sent!r}, got {_short(got)} (not the same instant)"]
            return []
    if isinstance(sent, dict) and isinstance(got, dict) and not (isinstance(schema, dict) and "properties" in schema):
        # A free-form object (e.g. metadata): the very members sent, each compared down to its leaves.
        problems = [
            f"{path}.{key}: sent {_short(value)}, not returned" for key, value in sent.items() if key not in got
        ]
        problems += [f"{path}.{key}: not sent, got {_short(got[key])}" for key in got if key not in sent]
        for key in sent.keys() & got.keys():
            problems.extend(echo_mismatches({}, sent[key], got[key], f"{path}.{key}", components))
        return problems
    if isinstance(sent, list) and isinstance(got, list) and len(sent) == len(got):
        return [
            problem
            for index, (item_sent, item_got) in enumerate(zip(sent, got, strict=True))
            for problem in echo_mismatches({}, item_sent, item_got, f"{path}[{index}]", components)
        ]
    if isinstance(sent, str) and isinstance(got, str) and sent != got:
        at = next((i for i, (a, b) in enumerate(zip(sent, got, strict=False)) if a != b), min(len(sent), len(got)))
        return [
            f"{path}: sent {len(sent)} characters {_short(sent)}, got {len(got)} characters {_short(got)} "
            f"(first difference at character {at}: sent {sent[at : at + 8]!a}, got {got[at : at + 8]!a})"
        ]
    if not json_equal(sent, got):
        return [f"{path}: sent {_short(sent)}, got {_short(got)}"]
    return []
