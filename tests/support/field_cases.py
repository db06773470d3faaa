"""Field cases of the bodies of `openapi.yaml`: where its required fields and enums are, and how to
break exactly one of them (a test aid, not shipped in the wheel).

Nothing here restates the schema: every field, enum and nesting comes from the spec through
`oneroster_kit.spec_walk`, so a new required field or enum in the spec becomes a new `FieldCase`
(and a new test) by itself. `field_cases()` yields one case per (operation, direction, status,
JSON path, kind); `break_body()` turns a valid body into one that breaks exactly that case;
`instance_nodes()` walks a JSON value along its schema.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from oneroster_kit.contract import SchemaValidator
from oneroster_kit.spec import load_spec
from oneroster_kit.spec_walk import Root, branches, escape, node, resolve, roots

__all__ = [
    "ITEMS",
    "FieldCase",
    "Visit",
    "break_body",
    "break_field",
    "field_cases",
    "instance_nodes",
    "location",
    "node_validator",
    "reach",
]

ITEMS = "[]"
"""Path step meaning "an item of this array" (in a concrete path: index 0)."""

Kind = Literal["required", "enum"]


@functools.cache
def node_validator(pointer: str) -> SchemaValidator:
    """A Draft 2020-12 validator (the contract's own) for any schema node of the spec."""
    spec = load_spec()
    return SchemaValidator({"$ref": pointer, "paths": spec["paths"]}, spec.get("components", {}))


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
            target = f"{branch}/properties/{escape(name)}" if name in properties else branch
            yield FieldCase(root, (*path, name), "required", (*inner, target))
        for name in properties:
            yield from _walk(root, f"{branch}/properties/{escape(name)}", (*path, name), inner, seen | {branch})
        if isinstance(schema.get("items"), dict):
            yield from _walk(root, f"{branch}/items", (*path, ITEMS), inner, seen | {branch})


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
                sub = f"{branch}/properties/{escape(name)}"
                yield from instance_nodes(instance[name], sub, (*path, name))
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(instance):
            yield from instance_nodes(item, f"{branch}/items", (*path, index))
