"""Keep only the members a schema of the spec declares ("unknown members are ignored").

The request schemas allow unknown members (no `additionalProperties: false`) and the spec says
they are neither stored nor returned. `project` walks a validated instance along its schema from
`openapi.yaml` and drops every member an object schema does not declare, except where the
schema itself says `additionalProperties` (e.g. `metadata`, free-form by design).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oneroster_kit.contract import resolve

__all__ = ["project"]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "null": (type(None),),
    "boolean": (bool,),
}


def _accepts_type(schema: dict[str, Any], value: Any) -> bool:
    declared = schema.get("type")
    if declared is None:
        return True
    names = declared if isinstance(declared, list) else [declared]
    for name in names:
        if name in ("number", "integer"):
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                return True
        elif isinstance(value, _JSON_TYPES.get(name, ())):
            return True
    return False


def project(components: dict[str, Any], schema: Any, value: Any) -> Any:
    """`value` (already valid against `schema`) without the members the schema does not declare."""
    schema = resolve(components, schema)
    if not isinstance(schema, dict):
        return value
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            for branch in schema[keyword]:
                resolved = resolve(components, branch)
                if _accepts_type(resolved, value):
                    return project(components, resolved, value)
            return value
    if isinstance(value, dict) and ("properties" in schema or "additionalProperties" in schema):
        properties: dict[str, Any] = schema.get("properties", {})
        extra = schema.get("additionalProperties", False)
        kept: dict[str, Any] = {}
        for key, item in value.items():
            if key in properties:
                kept[key] = project(components, properties[key], item)
            elif extra is True or isinstance(extra, dict):
                kept[key] = project(components, extra, item) if isinstance(extra, dict) else item
        return kept
    if isinstance(value, list) and "items" in schema:
        return [project(components, schema["items"], item) for item in value]
    return value
