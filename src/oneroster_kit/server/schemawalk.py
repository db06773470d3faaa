"""Keep only the members a schema of the spec declares ("unknown members are ignored").

The request schemas allow unknown members (no `additionalProperties: false`) and the spec says
they are neither stored nor returned. `project` walks a validated instance along its schema from
`openapi.yaml` and drops every member an object schema does not declare, except where the
schema itself says `additionalProperties` (e.g. `metadata`, free-form by design).

The walk is compiled once per schema node into small functions (refs resolved, branches and
property tables prepared, schemas that keep everything as it is skipped): the server projects
every request body, and interpreting the schema again each time cost more than validating it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from oneroster_kit.contract import resolve

__all__ = ["project"]

Projector = Callable[[Any], Any]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "null": (type(None),),
    "boolean": (bool,),
    "number": (int, float, Decimal),
    "integer": (int, float, Decimal),
}
_NUMERIC = ("number", "integer")


def project(components: dict[str, Any], schema: Any, value: Any) -> Any:
    """`value` (already valid against `schema`) without the members the schema does not declare."""
    projector = _compiled(components, schema)
    return value if projector is None else projector(value)


_CACHE: dict[tuple[int, int], tuple[Any, Any, Projector | None]] = {}


def _compiled(components: dict[str, Any], schema: Any) -> Projector | None:
    key = (id(components), id(schema))
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not components or cached[1] is not schema:
        cached = _CACHE[key] = (components, schema, _Compiler(components).node(schema))  # keeps both alive
    return cached[2]


def _type_check(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """Does `schema`'s `type` admit the value (bools are not numbers)?"""
    declared = schema.get("type")
    if declared is None:
        return lambda value: True
    names = declared if isinstance(declared, list) else [declared]
    types = tuple(kind for name in names for kind in _JSON_TYPES.get(name, ()))
    numeric = any(name in _NUMERIC for name in names)
    boolean = "boolean" in names
    if numeric and not boolean:
        return lambda value: isinstance(value, types) and not isinstance(value, bool)
    return lambda value: isinstance(value, types)


class _Compiler:
    """Turns schema nodes into projectors; None stands for "the value as it is"."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components
        self.done: dict[int, Projector | None] = {}

    def node(self, schema: Any) -> Projector | None:
        schema = resolve(self.components, schema)
        if not isinstance(schema, dict):
            return None
        key = id(schema)
        if key in self.done:
            return self.done[key]
        cell: list[Projector | None] = [None]  # a $ref cycle reaches this node again through the cell

        def through_cell(value: Any) -> Any:
            target = cell[0]
            return value if target is None else target(value)

        self.done[key] = through_cell
        built = self._build(schema)
        cell[0] = built
        self.done[key] = built
        return built

    def _build(self, schema: dict[str, Any]) -> Projector | None:
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._branches(schema[keyword])
        with_object = "properties" in schema or "additionalProperties" in schema
        with_items = "items" in schema
        on_object = self._object(schema) if with_object else None
        on_items = self._items(schema["items"]) if with_items else None
        if on_object is None and on_items is None:
            return None

        def either(value: Any) -> Any:
            if on_object is not None and isinstance(value, dict):
                return on_object(value)
            if on_items is not None and isinstance(value, list):
                return on_items(value)
            return value

        return either

    def _branches(self, branches: list[Any]) -> Projector | None:
        """The first branch whose type admits the value decides how it is walked."""
        table: list[tuple[Callable[[Any], bool], Projector | None]] = []
        for branch in branches:
            resolved = resolve(self.components, branch)
            admits = _type_check(resolved) if isinstance(resolved, dict) else (lambda value: True)
            table.append((admits, self.node(resolved)))
        if all(projector is None for _, projector in table):
            return None

        def first_admitting(value: Any) -> Any:
            for admits, projector in table:
                if admits(value):
                    return value if projector is None else projector(value)
            return value

        return first_admitting

    def _object(self, schema: dict[str, Any]) -> Projector:
        declared = {name: self.node(sub) for name, sub in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", False)
        keep_extra = extra is True or isinstance(extra, dict)
        on_extra = self.node(extra) if isinstance(extra, dict) else None
        missing = object()

        def members(value: dict[str, Any]) -> dict[str, Any]:
            kept: dict[str, Any] = {}
            for key, item in value.items():
                projector = declared.get(key, missing)
                if projector is missing:
                    if keep_extra:
                        kept[key] = item if on_extra is None else on_extra(item)
                elif projector is None:
                    kept[key] = item
                else:
                    kept[key] = projector(item)  # type: ignore[operator]
            return kept

        return members

    def _items(self, items: Any) -> Projector:
        on_item = self.node(items)

        def each(value: list[Any]) -> list[Any]:
            return list(value) if on_item is None else [on_item(item) for item in value]

        return each
