"""Walk the request and response schemas of `openapi.yaml`: every JSON body and every schema node in it.

Nothing here restates the schema: every body and nesting comes from `load_spec()`. Schema nodes
are named by JSON pointers into the spec (`#/components/schemas/Result/...`); `$ref` chains are
followed and `oneOf`/`anyOf` are split into their non-null branches. `oneroster_kit.strategies`
draws values for each node; the tests' field cases (`tests/support/field_cases.py`) are built on
the same walk.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from oneroster_kit.contract import operations
from oneroster_kit.spec import load_spec

__all__ = ["Root", "branches", "escape", "node", "resolve", "roots", "schema_pointers"]

Direction = Literal["request", "response"]


def escape(token: str) -> str:
    """A JSON pointer token: `~` and `/` escaped."""
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
        return copy.deepcopy(node(resolve(f"{self.pointer.removesuffix('/schema')}/examples/{escape(first)}"))["value"])

    def __str__(self) -> str:
        where = "request" if self.status is None else f"response {self.status}"
        return f"{self.operation_id} {where}"


def roots() -> list[Root]:
    """Every JSON body of every operation: the request, then each documented status in order."""
    found: list[Root] = []
    for operation in operations().values():
        base = f"#/paths/{escape(operation.path)}/{operation.method.lower()}"
        body = resolve(f"{base}/requestBody")
        if "application/json" in node(body).get("content", {}):
            found.append(Root(operation.operation_id, "request", None, f"{body}/content/application~1json/schema"))
        for status in operation.documented_statuses:
            response = resolve(f"{base}/responses/{status}")
            if "application/json" in node(response).get("content", {}):
                pointer = f"{response}/content/application~1json/schema"
                found.append(Root(operation.operation_id, "response", status, pointer))
    return found


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
            pending.extend(f"{branch}/properties/{escape(name)}" for name in schema.get("properties", {}))
            for keyword in ("items", "additionalProperties"):
                if isinstance(schema.get(keyword), dict):
                    pending.append(f"{branch}/{keyword}")
    return sorted(found)
