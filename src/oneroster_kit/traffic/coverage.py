"""How far a clean report can be trusted: what the traffic exercised, and what it never did.

Per operation: exchanges, the statuses seen against those documented, every request field the
spec defines (from the request schema, refs followed) with whether any request sent it, and for
each enum field the values sent against the values allowed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from oneroster_kit.contract import Contract, Operation, resolve

__all__ = ["Coverage"]

_MAX_DEPTH = 8


def _branches(components: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    """The alternatives of a schema (oneOf/anyOf members), refs resolved; the schema itself otherwise."""
    schema = resolve(components, schema)
    if not isinstance(schema, dict):
        return []
    members = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(members, list):
        return [b for m in members for b in _branches(components, m)]
    return [schema]


def _fields(components: dict[str, Any], schema: Any, path: str, depth: int, out: dict[str, list[str] | None]) -> None:
    if depth > _MAX_DEPTH:
        return
    for branch in _branches(components, schema):
        if "enum" in branch and path:
            values = [str(v) for v in branch["enum"]]
            existing = out.get(path)
            out[path] = sorted(set(existing or []) | set(values))
        elif path and path not in out:
            out[path] = None
        for name, sub in (branch.get("properties") or {}).items():
            _fields(components, sub, f"{path}.{name}" if path else name, depth + 1, out)
        if "items" in branch:
            _fields(components, branch["items"], f"{path}[]", depth + 1, out)


def _walk(document: Any, path: str, seen: set[str], values: dict[str, Counter[str]], depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(document, dict):
        for key, value in document.items():
            here = f"{path}.{key}" if path else str(key)
            seen.add(here)
            _walk(value, here, seen, values, depth + 1)
    elif isinstance(document, list):
        for item in document:
            seen.add(f"{path}[]")
            _walk(item, f"{path}[]", seen, values, depth + 1)
    elif isinstance(document, str) and path in values:
        values[path][document[:60]] += 1


@dataclass
class _Op:
    operation: Operation
    fields: dict[str, list[str] | None]  # field path -> enum values (None: not an enum)
    exchanges: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    seen: set[str] = field(default_factory=set)
    values: dict[str, Counter[str]] = field(default_factory=dict)


class Coverage:
    def __init__(self, contract: Contract) -> None:
        self.ops: dict[str, _Op] = {}
        for op in contract.operations.values():
            fields: dict[str, list[str] | None] = {}
            _fields(op.components, op.request_validator.schema, "", 0, fields)
            entry = _Op(op, fields)
            entry.values = {path: Counter() for path, enum in fields.items() if enum is not None}
            self.ops[op.operation_id] = entry

    def observe(self, operation_id: str, status: int, request: Any) -> None:
        entry = self.ops[operation_id]
        entry.exchanges += 1
        entry.statuses[status] += 1
        if request is not None and len(entry.seen) < 10_000:
            _walk(request, "", entry.seen, entry.values)

    def document(self) -> dict[str, Any]:
        report: dict[str, Any] = {}
        for name, entry in self.ops.items():
            documented = entry.operation.documented_statuses
            fields = {}
            for path, enum in entry.fields.items():
                row: dict[str, Any] = {"sent": path in entry.seen}
                if enum is not None:
                    counts = entry.values.get(path, Counter())
                    row["enum"] = {value: counts.get(value, 0) for value in enum}
                    outside = {v: c for v, c in counts.items() if v not in enum}
                    if outside:
                        row["outside_enum"] = dict(sorted(outside.items())[:20])
                fields[path] = row
            report[name] = {
                "exchanges": entry.exchanges,
                "statuses_seen": {str(k): v for k, v in sorted(entry.statuses.items())},
                "statuses_never_seen": [s for s in documented if s not in entry.statuses],
                "fields": fields,
                "fields_never_sent": [p for p, row in fields.items() if not row["sent"]],
            }
        return report
