"""`write_atomic`: concurrent PUTs to one record each take effect whole, never mixed.

A PUT is one write (putResult replaces the result; updateClass changes the fields sent), so N
concurrent PUTs of different bodies to one id must leave the record equal to one of them, and
each answer must be one whole write (its own, or one that won the race). The probe sends
`WRITERS` bodies at once from as many threads, released together, for `ROUNDS` rounds: to
one result id of its own and to the first given class (whose final state a PUT of `{}` shows).
Bounded: WRITERS x ROUNDS requests per operation, each with the suite's usual timeout.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from oneroster_kit.compare import echo_mismatches
from oneroster_kit.conformance.probes.common import PROBES, Probe
from oneroster_kit.conformance.probes.schema import get_at, locations, probe_body, set_at
from oneroster_kit.conformance.target import LiveExchange
from oneroster_kit.contract import SERVER_SET, operation

__all__ = ["ROUNDS", "WRITERS", "write_atomic"]

WRITERS = 8
ROUNDS = 3


def _writer_body(operation_id: str, base: dict[str, Any], writer: int, sourced_id: str) -> dict[str, Any]:
    """A whole write that differs from every other writer's at every string, number and free object."""
    body = base
    for location in list(locations(operation_id, base)):
        path = location.path
        if len(path) < 2 or path == (path[0], "sourcedId"):
            continue
        value = get_at(body, path)
        if location.is_plain_string and isinstance(value, str):
            body = set_at(body, path, f"{value}-w{writer}")
        elif location.kinds & {"number", "integer"} and isinstance(value, int | float) and not isinstance(value, bool):
            body = set_at(body, path, value + writer)
        elif location.is_free_object:
            body = set_at(body, path, {"writer": writer, "nested": {"writer": [writer, f"w{writer}"]}})
    if operation_id == "putResult":
        body = set_at(body, (operation(operation_id).body_member, "sourcedId"), sourced_id)
    return body


def _fields(operation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body[operation(operation_id).body_member].items() if k not in SERVER_SET}


def _whole(operation_id: str, bodies: list[dict[str, Any]], got: dict[str, Any]) -> int | None:
    """The writer whose whole body `got` carries back, or None when it matches none."""
    schema = operation(operation_id).body_schema
    member = operation(operation_id).body_member
    for index, body in enumerate(bodies):
        if not echo_mismatches(schema, _fields(operation_id, body), got, member):
            return index
    return None


def _race(probe: Probe, operation_id: str, sourced_id: str, bodies: list[dict[str, Any]]) -> list[LiveExchange]:
    gate = threading.Barrier(len(bodies))
    headers = {**probe.target.auth_header()}

    path = probe.target.url(operation_id, sourced_id).removeprefix(probe.target.base_url)
    for body in bodies:  # in writer order, so that equal seeds keep equal request fingerprints
        probe.target.record_request("PUT", path, body)

    def send(body: dict[str, Any]) -> LiveExchange:
        gate.wait(timeout=30)
        return probe.target.put(operation_id, sourced_id, body, headers=headers, record=False)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        exchanges = list(pool.map(send, bodies))
    probe.count(len(exchanges))
    return exchanges


def _check(probe: Probe, operation_id: str, sourced_id: str, round_index: int) -> None:
    base = probe_body(operation_id)
    if operation_id == "updateClass":
        base = probe.class_update(sourced_id, base)
        if not base["class"]:
            return  # a remote class without any of these fields: nothing this run may send
    bodies = [
        probe.valid(operation_id, _writer_body(operation_id, base, writer + round_index * WRITERS, sourced_id))
        for writer in range(WRITERS)
    ]
    for writer, exchange in enumerate(_race(probe, operation_id, sourced_id, bodies)):
        answered = probe.stored(exchange, f"concurrent write {writer}")
        if answered is not None and _whole(operation_id, bodies, answered) is None:
            probe.problem(
                exchange,
                f"{operation_id}: of {WRITERS} concurrent PUTs to {sourced_id!r}, writer {writer} was answered a "
                "document that is none of the writes (against its own body: "
                f"{_differences(operation_id, bodies[writer], answered)})",
            )
    if operation_id == "updateClass":
        final = probe.put(operation_id, sourced_id, {"class": {}})
        state = probe.stored(final, "the class after concurrent writes")
        if state is not None and _whole(operation_id, bodies, state) is None:
            probe.problem(
                final,
                f"after {WRITERS} concurrent PUTs to class {sourced_id!r} the class is none of the writes: "
                f"(against the last writer's body: {_differences(operation_id, bodies[-1], state)})",
            )


def _differences(operation_id: str, body: dict[str, Any], got: dict[str, Any]) -> str:
    """How `got` differs from one writer's body (the first few members)."""
    found = echo_mismatches(
        operation(operation_id).body_schema, _fields(operation_id, body), got, operation(operation_id).body_member
    )
    return "; ".join(found[:4]) + (f"; and {len(found) - 4} more" if len(found) > 4 else "")


@PROBES.register
def write_atomic(probe: Probe) -> None:
    target = probe.target
    results, classes = probe.can("putResult"), probe.can("updateClass")
    rid = probe.fresh_result_id("race") if results else ""
    for round_index in range(ROUNDS):
        if results:
            _check(probe, "putResult", rid, round_index)
        if classes:
            _check(probe, "updateClass", target.class_ids[0], round_index)
        if probe.problems:
            break
    probe.finish()
