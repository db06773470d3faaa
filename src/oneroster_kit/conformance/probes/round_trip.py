"""`value_round_trip`: every value the schema allows comes back exactly as it was sent.

The spec's Result is "every field that was sent, equal", and a class update answers the fields
sent; neither sets a range, precision or length. For each kind of location the request schema
has (numbers, plain strings, date-times, nullable members, arrays, free-form objects), the probe
puts every boundary value of that kind (`boundary`) at every such location of a body with all
members present, and compares the answer: numbers exactly (negative zero keeps its sign),
strings code point by code point, date-times as the same instant, arrays in order.

Classes: only the given classes are written, and reference arrays (terms, resources) are left
out, since the target need not have the objects they would name.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

from oneroster_kit.conformance.probes.boundary import (
    DATE_TIMES,
    NESTED,
    NUMBERS,
    STRING_LENGTHS,
    TEXTS,
    long_text,
    nested_value,
)
from oneroster_kit.conformance.probes.common import PROBES, Probe
from oneroster_kit.conformance.probes.schema import (
    Location,
    Path,
    deref,
    get_at,
    locations,
    probe_body,
    set_at,
)
from oneroster_kit.contract import SERVER_SET, operation

__all__ = ["cases", "value_round_trip"]

BODY_BUDGET = 512 * 1024  # bytes of JSON per request: half the smallest limit a server documents (1 MiB)

Case = tuple[str, dict[str, Any]]


def _where(operation_id: str, body: dict[str, Any], test: Callable[[Location], bool]) -> list[Path]:
    return [loc.path for loc in locations(operation_id, body) if len(loc.path) > 1 and test(loc)]


def _free_objects(operation_id: str, body: dict[str, Any]) -> list[Path]:
    return _where(operation_id, body, lambda loc: loc.is_free_object)


def _place(body: dict[str, Any], paths: list[Path], value: Any, free: list[Path], member: str) -> dict[str, Any]:
    """`value` at every path, and as member `member` of every free-form object, within the budget."""
    placed = copy.deepcopy(body)
    for path in paths:
        candidate = set_at(placed, path, value)
        if len(json.dumps(candidate)) > BODY_BUDGET and placed != body:
            break
        placed = candidate
    for path in free:
        target = get_at(placed, path)
        if isinstance(target, dict):
            candidate = set_at(placed, (*path, member), value)
            if len(json.dumps(candidate)) <= BODY_BUDGET:
                placed = candidate
    return placed


def _mark(value: Any, tag: str) -> Any:
    """`value` with every string in it suffixed by `tag` (items of an array become distinguishable)."""
    if isinstance(value, str):
        return value + tag
    if isinstance(value, dict):
        return {k: _mark(v, tag) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v, tag) for v in value]
    return value


def _outermost(paths: list[Path]) -> list[Path]:
    chosen: list[Path] = []
    for path in sorted(paths, key=len):
        if not any(path[: len(parent)] == parent for parent in chosen):
            chosen.append(path)
    return chosen


def _innermost(paths: list[Path]) -> list[Path]:
    return [p for p in paths if not any(o != p and o[: len(p)] == p for o in paths)]


def cases(operation_id: str) -> Iterator[Case]:
    """(label, body) for every boundary value at every location of its kind."""
    base = probe_body(operation_id)
    free = _free_objects(operation_id, base)
    strings = _where(operation_id, base, lambda loc: loc.is_plain_string)
    numbers = _where(operation_id, base, lambda loc: bool(loc.kinds & {"number", "integer"}) and loc.enum is None)
    date_times = _where(operation_id, base, lambda loc: loc.is_date_time)
    nullable = _where(operation_id, base, lambda loc: loc.nullable)
    arrays = _where(operation_id, base, lambda loc: "array" in loc.kinds)
    for label, number in NUMBERS:
        yield f"number {label} ({number!r})", _place(base, numbers, number, free, "number")
    for length in STRING_LENGTHS:
        yield f"string of {length} characters", _place(base, strings, long_text(length), free, "text")
    for label, text in TEXTS:
        yield f"string with {label}", _place(base, strings, text, free, "text")
    for label, moment in DATE_TIMES:
        if date_times:
            yield f"date-time with {label} ({moment})", _place(base, date_times, moment, [], "")
    if nullable:
        yield "null wherever the schema allows it", _place(base, _outermost(nullable), None, [], "")
    empty_strings = _where(
        operation_id, base, lambda loc: loc.is_plain_string and int(loc.schema.get("minLength", 0)) == 0
    )
    empties = _place(base, empty_strings, "", [], "")
    for path in free:
        empties = set_at(empties, path, {})
    yield "empty strings and empty objects wherever allowed", empties
    if arrays:
        yield "empty arrays (outermost)", _place(base, _outermost(arrays), [], [], "")
        inner = _innermost(arrays)
        if inner != _outermost(arrays):
            yield "empty arrays (innermost)", _place(base, inner, [], [], "")
    ordered = copy.deepcopy(base)
    for path in sorted(arrays, key=len, reverse=True):
        location = next(loc for loc in locations(operation_id, ordered) if loc.path == path)
        items = get_at(ordered, path)
        enum = _items_enum(location)
        if enum is not None:
            ordered = set_at(ordered, path, list(reversed(enum)))
        elif items:
            ordered = set_at(ordered, path, [_mark(items[0], f"-{tag}") for tag in ("3", "1", "2")])
    for path in free:
        ordered = set_at(ordered, path, {"nested": nested_value(NESTED), "numbers": [n for _, n in NUMBERS]})
    yield f"arrays in a non-sorted order and objects nested {NESTED} levels deep", ordered


def _items_enum(location: Location) -> list[Any] | None:
    items = deref(location.schema.get("items", {}))
    values = items.get("enum")
    return list(values) if isinstance(values, list) else None


def _run(probe: Probe, operation_id: str, sourced_id: str) -> None:
    member = operation(operation_id).body_member
    for label, body in cases(operation_id):
        if operation_id == "putResult":
            body = {member: {**body[member], "sourcedId": sourced_id}}
        else:
            body = probe.class_update(sourced_id, body)
            if not body[member]:
                continue  # a remote class without any of these fields: nothing this run may send
        probe.valid(operation_id, body)
        exchange = probe.put(operation_id, sourced_id, body)
        answered = probe.stored(exchange, label)
        if answered is not None:
            sent = {k: v for k, v in body[member].items() if k not in SERVER_SET}
            probe.echo(exchange, label, sent, answered)


@PROBES.register
def value_round_trip(probe: Probe) -> None:
    target = probe.target
    if probe.can("putResult"):
        _run(probe, "putResult", probe.fresh_result_id("values"))
    if probe.can("updateClass"):
        _run(probe, "updateClass", target.class_ids[0])
    probe.finish()
