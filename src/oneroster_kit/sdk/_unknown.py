"""Members of a request body that the spec does not declare (a typo such as `"titel"`).

The spec allows unknown members and the server ignores them, so `{"titel": "x"}` is a valid
class update that changes nothing; the schema check cannot catch it. This walks the body along
the request schema (refs, `oneOf` alternatives and array items followed) and lists every member
of an object whose schema declares `properties` but does not name it, except where the schema
says members are free-form (`additionalProperties: true` or a schema, e.g. `metadata`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from oneroster_kit.contract import resolve

__all__ = ["UnknownMemberWarning", "unknown_members"]

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UnknownMemberWarning(UserWarning):
    """A body has members openapi.yaml does not define (sent anyway; strict=True refuses them)."""


def _member(location: str, name: str) -> str:
    return f"{location}.{name}" if _PLAIN_NAME.fullmatch(name) else f"{location}[{json.dumps(name)}]"


def _alternatives(components: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    node = resolve(components, schema)
    if not isinstance(node, dict):
        return []
    found = [node]
    for key in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(key, []):
            found += _alternatives(components, branch)
    return found


def unknown_members(components: dict[str, Any], schema: Any, document: Any, location: str) -> list[str]:
    """Dotted locations (`class.titel`, `result.lineItem.sourceId`) of undeclared members."""
    found: list[str] = []
    nodes = _alternatives(components, schema)
    if isinstance(document, dict):
        properties: dict[str, Any] = {}
        free_form = False
        for node in nodes:
            properties.update(node.get("properties", {}))
            extra = node.get("additionalProperties")
            free_form = free_form or extra is True or isinstance(extra, dict)
        for name, value in document.items():
            if name in properties:
                found += unknown_members(components, properties[name], value, _member(location, name))
            elif properties and not free_form:
                found.append(_member(location, name))
    elif isinstance(document, list):
        items = [node["items"] for node in nodes if "items" in node]
        for index, value in enumerate(document):
            for item_schema in items[:1]:
                found += unknown_members(components, item_schema, value, f"{location}[{index}]")
    return found
