"""Walking a request schema of openapi.yaml to build the probes' bodies (no second copy of it).

The probes need to know, for a request body, where every optional member is, which locations
hold strings, numbers, date-times, enums, nulls, arrays and free-form objects, and a body with
every member present. All of it is read here from the operation's request schema
(`oneroster_kit.contract`), so a field added to the spec is probed without editing a probe.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from oneroster_kit.contract import SERVER_SET, operation, resolve
from oneroster_kit.spec import load_spec

__all__ = [
    "Location",
    "Path",
    "deref",
    "full_body",
    "get_at",
    "locations",
    "optional_paths",
    "probe_body",
    "request_violations",
    "set_at",
    "show",
    "without",
]

Path = tuple[str | int, ...]


def deref(node: Any) -> Any:
    """`node` with `#/components/...` references followed."""
    return resolve(load_spec().get("components", {}), node)


def _types(node: dict[str, Any]) -> set[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    found: set[str] = set()
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        found |= _types(deref(branch))
    return found


def _value_branch(node: dict[str, Any]) -> dict[str, Any]:
    """The non-null branch of a `oneOf: [X, null]` (or the node itself)."""
    for keyword in ("oneOf", "anyOf"):
        for branch in node.get(keyword, []):
            resolved = deref(branch)
            if _types(resolved) != {"null"}:
                return dict(resolved)
    return node


@dataclass(frozen=True)
class Location:
    """One place in a body and what the schema says may go there."""

    path: Path
    schema: dict[str, Any]  # the value branch (never the null branch)
    nullable: bool

    @property
    def kinds(self) -> set[str]:
        return _types(self.schema) - {"null"}

    @property
    def enum(self) -> list[Any] | None:
        values = self.schema.get("enum")
        return list(values) if isinstance(values, list) else None

    @property
    def is_date_time(self) -> bool:
        return self.schema.get("format") == "date-time"

    @property
    def is_plain_string(self) -> bool:
        """A string with no enum and no format: any text may go there."""
        return self.kinds == {"string"} and self.enum is None and "format" not in self.schema

    @property
    def is_free_object(self) -> bool:
        """An object the spec leaves free-form (`additionalProperties`, no declared members)."""
        return (
            "object" in self.kinds and "properties" not in self.schema and bool(self.schema.get("additionalProperties"))
        )


def _sample(node: Any, example: Any) -> Any:
    """A value of `node` with every declared member present and non-null, preferring `example`."""
    node = _value_branch(deref(node))
    kinds = _types(node) - {"null"}
    if "enum" in node:
        return example if example in node["enum"] else node["enum"][0]
    if "object" in kinds:
        properties: dict[str, Any] = node.get("properties", {})
        given = example if isinstance(example, dict) else {}
        if not properties:
            return copy.deepcopy(given) if given else {"probe": "value"}
        return {name: _sample(schema, given.get(name)) for name, schema in properties.items()}
    if "array" in kinds:
        items = node.get("items", {})
        given_items = example if isinstance(example, list) and example else [None]
        return [_sample(items, item) for item in given_items]
    if example is not None and not isinstance(example, dict | list):
        return example
    if "string" in kinds:
        if node.get("format") == "date-time":
            return "2026-11-20T14:30:00Z"
        return "probe-" + "x" * max(0, int(node.get("minLength", 0)) - 6)
    if "integer" in kinds:
        return 1
    if "number" in kinds:
        return 1.5
    if "boolean" in kinds:
        return True
    return None


def full_body(operation_id: str, example: dict[str, Any]) -> dict[str, Any]:
    """A valid request body with every member the schema declares, nested ones too.

    The spec's example gives the values where it has them; the schema fills in the rest.
    """
    member = operation(operation_id).body_member
    inner = deref(operation(operation_id).request_validator.schema)["properties"][member]
    return {member: _sample(inner, example.get(member))}


def probe_body(operation_id: str) -> dict[str, Any]:
    """`full_body` from the spec's example, without the server-set members and, in a class update,
    without reference arrays (terms, resources: the target need not have the objects they name)."""
    from oneroster_kit.conformance.setup import example_body

    body = full_body(operation_id, example_body(operation_id))
    inner = body[operation(operation_id).body_member]
    for name in SERVER_SET:
        inner.pop(name, None)
    if operation_id == "updateClass":
        for location in list(locations(operation_id, body)):
            items = deref(location.schema.get("items", {}))
            if len(location.path) == 2 and "array" in location.kinds and "object" in _types(items):
                inner.pop(str(location.path[1]), None)
    return body


def locations(operation_id: str, body: Any) -> Iterator[Location]:
    """Every location of `body` that the request schema describes, with its schema (depth first)."""
    root = deref(operation(operation_id).request_validator.schema)
    yield from _walk(root, body, ())


def _walk(node: Any, value: Any, path: Path) -> Iterator[Location]:
    node = deref(node)
    nullable = "null" in _types(node)
    branch = _value_branch(node)
    yield Location(path, branch, nullable)
    if isinstance(value, dict) and "properties" in branch:
        for name, schema in branch["properties"].items():
            if name in value:
                yield from _walk(schema, value[name], (*path, name))
    elif isinstance(value, list) and "items" in branch:
        for index, item in enumerate(value):
            yield from _walk(branch["items"], item, (*path, index))


def optional_paths(operation_id: str, body: Any, keep: frozenset[str] = frozenset()) -> list[Path]:
    """Paths of every member of `body` the schema does not require, nested ones included.

    Members of a free-form object count (each is optional). Top-level members of the wrapped
    object named in `keep` are left out (e.g. members the server sets itself).
    """
    found: list[Path] = []
    for location in locations(operation_id, body):
        value = get_at(body, location.path)
        if not isinstance(value, dict):
            continue
        required = set(location.schema.get("required", []))
        names = location.schema.get("properties", {}) if not location.is_free_object else value
        for name in names:
            if name in value and name not in required and not (len(location.path) == 1 and name in keep):
                found.append((*location.path, name))
    return found


def get_at(document: Any, path: Path) -> Any:
    for part in path:
        document = document[part]
    return document


def set_at(document: Any, path: Path, value: Any) -> Any:
    """A deep copy of `document` with `value` at `path`."""
    copied = copy.deepcopy(document)
    if not path:
        return value
    parent = get_at(copied, path[:-1])
    parent[path[-1]] = value
    return copied


def without(document: Any, path: Path) -> Any:
    """A deep copy of `document` without the member at `path`."""
    copied = copy.deepcopy(document)
    parent = get_at(copied, path[:-1])
    del parent[path[-1]]
    return copied


def show(path: Path) -> str:
    """`result.learningObjectiveSet[0].score`, as the reports write locations."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(body)"


def request_violations(operation_id: str, body: Any) -> list[str]:
    """Why `body` is not a valid request of the operation (empty when it is)."""
    return [str(v) for v in operation(operation_id).request_validator.violations(body)]
