"""Walk the request and response schemas of `openapi.yaml`: where its required fields and enums are.

Nothing here restates the schema: every field, enum and nesting comes from `load_spec()`, so a
new required field or enum in the spec becomes a new `FieldCase` (and a new test) by itself.
Schema nodes are named by JSON pointers into the spec (`#/components/schemas/Result/...`);
`$ref` chains are followed and `oneOf`/`anyOf` are split into their non-null branches.

Reused outside this package (the SDK layer's tests): `field_cases()` yields one case per
(operation, direction, status, JSON path, kind); `break_body()` turns a valid body into one that
breaks exactly that case.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from oneroster_kit.contract import SchemaValidator, operations
from oneroster_kit.spec import load_spec

__all__ = [
    "ITEMS",
    "FieldCase",
    "Root",
    "Visit",
    "branches",
    "break_body",
    "break_field",
    "field_cases",
    "instance_nodes",
    "location",
    "node",
    "node_validator",
    "reach",
    "roots",
    "schema_pointers",
]

ITEMS = "[]"
"""Path step meaning "an item of this array" (in a concrete path: index 0)."""

Direction = Literal["request", "response"]
Kind = Literal["required", "enum"]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def node(pointer: str) -> Any:
    """The spec node at a JSON pointer such as `#/components/schemas/Result`."""
    current: Any = load_spec()
    for token in pointer.removeprefix("#").strip("/").split("/"):
        if token:
            token = token.replace("~1", "/").replace("~0", "~")
            current = current[int(token)] if isinstance(current, list) else current[token]
    return current


def resolve(pointer: str) -> str:
    """Follow `$ref` chains; the pointer of the node that holds the actual definition."""
    seen: set[str] = set()
    while isinstance(node(pointer), dict) and "$ref" in node(pointer):
        if pointer in seen:
            raise ValueError(f"$ref cycle at {pointer}")
        seen.add(pointer)
        pointer = node(pointer)["$ref"]
    return pointer


def _is_null_only(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1


def branches(pointer: str) -> list[str]:
    """The non-null alternatives of a schema: its `oneOf`/`anyOf` branches (resolved), or itself."""
    resolved = resolve(pointer)
    schema = node(resolved)
    for keyword in ("oneOf", "anyOf"):
        if isinstance(schema, dict) and keyword in schema:
            found: list[str] = []
            for index, sub in enumerate(schema[keyword]):
                if not _is_null_only(sub):
                    found.extend(branches(f"{resolved}/{keyword}/{index}"))
            return found
    return [resolved]


@functools.cache
def node_validator(pointer: str) -> SchemaValidator:
    """A Draft 2020-12 validator (the contract's own) for any schema node of the spec."""
    spec = load_spec()
    return SchemaValidator({"$ref": pointer, "paths": spec["paths"]}, spec.get("components", {}))


@dataclass(frozen=True)
class Root:
    """The body schema of one request or one documented response status of an operation."""

    operation_id: str
    direction: Direction
    status: int | None  # None for the request
    pointer: str  # the body schema node, as the operation names it (usually a `$ref`)

    @property
    def name(self) -> str:
        """The component name of the body schema (`PutResultRequest`, `ImsxStatusInfo`, ...)."""
        resolved = resolve(self.pointer)
        prefix = "#/components/schemas/"
        if resolved.startswith(prefix) and "/" not in resolved.removeprefix(prefix):
            return resolved.removeprefix(prefix)
        return f"{self.operation_id} {self.direction} {self.status or ''}".strip()

    def example(self) -> Any:
        """A deep copy of the first example the spec gives for this body (every body has one)."""
        media = node(self.pointer.removesuffix("/schema"))
        if "example" in media:
            return copy.deepcopy(media["example"])
        first = next(iter(media.get("examples", {})), None)
        if first is None:
            raise LookupError(f"{self}: the spec gives no example")
        return copy.deepcopy(
            node(resolve(f"{self.pointer.removesuffix('/schema')}/examples/{_escape(first)}"))["value"]
        )

    def __str__(self) -> str:
        where = "request" if self.status is None else f"response {self.status}"
        return f"{self.operation_id} {where}"


def roots() -> list[Root]:
    """Every JSON body of every operation: the request, then each documented status in order."""
    found: list[Root] = []
    for operation in operations().values():
        base = f"#/paths/{_escape(operation.path)}/{operation.method.lower()}"
        body = resolve(f"{base}/requestBody")
        if "application/json" in node(body).get("content", {}):
            found.append(Root(operation.operation_id, "request", None, f"{body}/content/application~1json/schema"))
        for status in operation.documented_statuses:
            response = resolve(f"{base}/responses/{status}")
            if "application/json" in node(response).get("content", {}):
                pointer = f"{response}/content/application~1json/schema"
                found.append(Root(operation.operation_id, "response", status, pointer))
    return found


@dataclass(frozen=True)
class FieldCase:
    """One required field or one enum, at one JSON path of one body.

    `schemas[i]` is the schema pointer of the value at `path[:i]` (so `schemas[0]` is the body's and
    `schemas[-1]` the field's); `break_body` uses them to make the path exist before breaking it.
    """

    root: Root
    path: tuple[str, ...]  # property names and ITEMS, e.g. ("class", "grades", "[]")
    kind: Kind
    schemas: tuple[str, ...]
    enum: tuple[Any, ...] = field(default=())

    @property
    def location(self) -> str:
        """The path as a reader writes it: `result.learningObjectiveSet[].source`."""
        text = ""
        for step in self.path:
            text += step if step == ITEMS else (f".{step}" if text else step)
        return text or "(body)"

    @property
    def key(self) -> tuple[str, str, Kind]:
        """What the expected-outcome table is keyed by: statuses sharing a schema share a row."""
        return (self.root.name, self.location, self.kind)

    def __str__(self) -> str:
        return f"{self.root} {self.location} {self.kind}"


def field_cases() -> list[FieldCase]:
    """Every required field and every enum of every body of every operation, from the spec."""
    found: dict[tuple[Root, tuple[str, ...], Kind], FieldCase] = {}
    for root in roots():
        for case in _walk(root, root.pointer, (), (), frozenset()):
            found.setdefault((case.root, case.path, case.kind), case)
    return list(found.values())


def _walk(
    root: Root, pointer: str, path: tuple[str, ...], containers: tuple[str, ...], seen: frozenset[str]
) -> Iterator[FieldCase]:
    for branch in branches(pointer):
        if branch in seen:  # a recursive schema: each node is walked once per chain
            continue
        schema = node(branch)
        if not isinstance(schema, dict):
            continue
        if "enum" in schema:
            yield FieldCase(root, path, "enum", (*containers, branch), tuple(schema["enum"]))
        inner = (*containers, branch)
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            target = f"{branch}/properties/{_escape(name)}" if name in properties else branch
            yield FieldCase(root, (*path, name), "required", (*inner, target))
        for name in properties:
            yield from _walk(root, f"{branch}/properties/{_escape(name)}", (*path, name), inner, seen | {branch})
        if isinstance(schema.get("items"), dict):
            yield from _walk(root, f"{branch}/items", (*path, ITEMS), inner, seen | {branch})


def schema_pointers() -> list[str]:
    """Every schema node reachable from a body: roots, branches, properties, items, additionalProperties."""
    found: dict[str, None] = {}
    pending = [root.pointer for root in roots()]
    while pending:
        pointer = pending.pop()
        if pointer in found:
            continue
        found[pointer] = None
        for branch in branches(pointer):
            schema = node(branch)
            if not isinstance(schema, dict):
                continue
            pending.append(branch)
            pending.extend(f"{branch}/properties/{_escape(name)}" for name in schema.get("properties", {}))
            for keyword in ("items", "additionalProperties"):
                if isinstance(schema.get(keyword), dict):
                    pending.append(f"{branch}/{keyword}")
    return sorted(found)


def location(concrete: tuple[str | int, ...]) -> str:
    """A concrete path in the contract validators' notation: `class.terms[0].sourcedId`."""
    text = ""
    for part in concrete:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(body)"


def _is_array_schema(pointer: str) -> bool:
    schema = node(resolve(pointer))
    types = schema.get("type") if isinstance(schema, dict) else None
    return types == "array" or (isinstance(types, list) and "array" in types)


def reach(body: Any, case: FieldCase, fill: Callable[[str], Any]) -> tuple[str | int, ...]:
    """Make the field of `case` reachable in `body` (in place); returns its concrete path.

    Every container on the way that is absent, null, empty or of another `oneOf` branch is replaced
    by a valid value that `fill(pointer)` draws for that schema node, so `body` stays valid. An
    array step becomes index 0.
    """
    parent = body
    concrete: list[str | int] = []
    for index, step in enumerate(case.path[:-1]):
        key: str | int = 0 if step == ITEMS else step
        want = case.schemas[index + 1]
        current = parent[0] if isinstance(parent, list) else parent.get(key)
        if _is_array_schema(want):
            usable = isinstance(current, list) and len(current) > 0
        else:
            usable = current is not None and node_validator(want).is_valid(current)
        if not usable:
            parent[key] = [fill(case.schemas[index + 2])] if _is_array_schema(want) else fill(want)
        parent = parent[key]
        concrete.append(key)
    concrete.append(0 if case.path[-1] == ITEMS else case.path[-1])
    return tuple(concrete)


def break_field(body: Any, case: FieldCase, concrete: tuple[str | int, ...], bad_value: Any = None) -> None:
    """Delete the required field at `concrete`, or set the enum there to `bad_value` (in place)."""
    parent = body
    for part in concrete[:-1]:
        parent = parent[part]
    if case.kind == "required":
        del parent[concrete[-1]]
    else:
        parent[concrete[-1]] = bad_value


def break_body(body: Any, case: FieldCase, fill: Callable[[str], Any], bad_value: Any = None) -> tuple[str | int, ...]:
    """`reach` then `break_field`: a body that breaks exactly `case`; returns the concrete path."""
    concrete = reach(body, case, fill)
    break_field(body, case, concrete, bad_value)
    return concrete


class Visit(NamedTuple):
    """One value inside a JSON document, with the schema node it was matched to."""

    path: tuple[str | int, ...]
    value: Any
    pointer: str


def instance_nodes(instance: Any, pointer: str, path: tuple[str | int, ...] = ()) -> Iterator[Visit]:
    """Every (concrete path, value, schema pointer) of a JSON value, following its schema.

    A `oneOf` value is followed into the branch it is valid under; a null (or a value no branch
    admits) is yielded with the un-split pointer and not descended into.
    """
    options = branches(pointer)
    if len(options) > 1:
        options = [branch for branch in options if node_validator(branch).is_valid(instance)][:1]
    if instance is None or not options:
        yield Visit(path, instance, pointer)
        return
    branch = options[0]
    yield Visit(path, instance, branch)
    schema = node(branch)
    if isinstance(instance, dict):
        for name in schema.get("properties", {}):
            if name in instance:
                sub = f"{branch}/properties/{_escape(name)}"
                yield from instance_nodes(instance[name], sub, (*path, name))
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(instance):
            yield from instance_nodes(item, f"{branch}/items", (*path, index))
