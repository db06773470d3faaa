"""`result_replace`: a result PUT replaces the stored result; it never merges into it.

The spec (putResult: "updates the result with this sourcedId", a PUT; the Result schema: "every
field that was sent ... plus the server-set ones") makes a second PUT to the same id the whole
new state. For every optional member of the request schema, nested ones and members of
free-form objects included, the probe PUTs a body with every member, then the same body
without that one member: the answer must not carry it (absent, or null where the response
schema allows null), and must carry back everything else.
"""

from __future__ import annotations

from typing import Any

import pytest

from oneroster_kit.compare import echo_mismatches, json_equal
from oneroster_kit.conformance.probes.common import PROBES, Probe
from oneroster_kit.conformance.probes.schema import (
    Path,
    deref,
    full_body,
    get_at,
    optional_paths,
    show,
    without,
)
from oneroster_kit.conformance.references import reference_check_reason
from oneroster_kit.conformance.setup import example_body
from oneroster_kit.contract import operation

__all__ = ["result_replace"]

_ABSENT = object()


def _server_set() -> frozenset[str]:
    """Members the response requires but a request may leave out: the server fills them in."""
    response = deref(operation("putResult").response_validator(201).schema)  # type: ignore[union-attr]
    result = deref(response["properties"]["result"])
    return frozenset(result.get("required", [])) - frozenset(operation("putResult").body_schema.get("required", []))


def _response_allows_null(path: Path) -> bool:
    """Whether the response schema allows null at `path` (the stored object's path, without `result`)."""
    response = deref(operation("putResult").response_validator(201).schema)  # type: ignore[union-attr]
    node: Any = deref(response["properties"]["result"])
    for part in path:
        node = deref(node)
        for keyword in ("oneOf", "anyOf"):
            branches = [deref(b) for b in node.get(keyword, [])]
            node = next((b for b in branches if b.get("type") != "null"), node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            properties = node.get("properties")
            if properties is None:  # a member of a free-form object: any JSON value, null included
                return True
            node = properties.get(part, {})
    node = deref(node)
    declared = node.get("type")
    kinds = declared if isinstance(declared, list) else [declared]
    return "null" in kinds or any(deref(b).get("type") == "null" for b in node.get("oneOf", []))


def _lookup(document: Any, path: Path) -> Any:
    try:
        return get_at(document, path)
    except (KeyError, IndexError, TypeError):
        return _ABSENT


@PROBES.register
def result_replace(probe: Probe) -> None:
    target = probe.target
    reason = reference_check_reason(target)
    if reason is not None:
        pytest.skip(reason)
    rid = probe.fresh_result_id("id")
    full = full_body("putResult", example_body("putResult"))
    full["result"]["sourcedId"] = rid
    probe.valid("putResult", full)
    server_set = _server_set()
    for path in optional_paths("putResult", full, keep=server_set):
        shown = show(path)
        first = probe.put("putResult", rid, full)
        stored = probe.stored(first, f"PUT with every member (before omitting {shown})")
        if stored is None:
            break
        second_body = probe.valid("putResult", without(full, path))
        second = probe.put("putResult", rid, second_body)
        answered = probe.stored(second, f"PUT without {shown}")
        if answered is None:
            continue
        inner = path[1:]
        left = _lookup(answered, inner)
        if left is not _ABSENT and not (left is None and _response_allows_null(inner)):
            before = get_at(full, path)
            kept = "kept its previous value" if json_equal(left, before) else "still answered"
            probe.problem(
                second, f"{shown}: omitted in a PUT that replaces the result, but {kept} {left!r}", before=[first]
            )
        sent = {k: v for k, v in second_body["result"].items() if k not in server_set}
        for mismatch in echo_mismatches(operation("putResult").body_schema, sent, answered, "result"):
            probe.problem(second, f"PUT without {shown}: {mismatch}", before=[first])
    probe.finish()
