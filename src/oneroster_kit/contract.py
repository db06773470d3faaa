"""Validators for the operations of `openapi.yaml`, shared by the server, the SDK and the suite.

One implementation of "does this body satisfy the contract", built from the loaded spec with
jsonschema (Draft 2020-12, the dialect of OpenAPI 3.1) and a format checker that really checks
`date-time` and `uri`. Violations name the field as a dotted path and the rule that failed, e.g.
`result.scoreStatus: 'graded' is not one of ['exempt', ...]`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import jsonschema

from oneroster_kit.spec import load_spec

__all__ = [
    "Operation",
    "SchemaValidator",
    "UnknownOperationError",
    "Violation",
    "operation",
    "operations",
]

_METHODS = ("get", "put", "post", "delete", "patch")


class UnknownOperationError(KeyError):
    """No operation with that operationId in the spec."""


@dataclass(frozen=True)
class Violation:
    """One way a JSON document breaks its schema."""

    location: str  # dotted path from the document root, e.g. "result.scoreStatus"; "(body)" for the root
    message: str  # jsonschema's statement of the rule, e.g. "'x' is not one of [...]"
    rule: str  # the schema keyword that failed: "required", "enum", "type", "format", ...

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def _location(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(body)"


class SchemaValidator:
    """Validates instances against one schema of the spec (refs resolved inside the spec)."""

    def __init__(self, schema: dict[str, Any], components: dict[str, Any]) -> None:
        self.schema = schema
        rooted = {**schema, "components": components}
        self._validator = jsonschema.Draft202012Validator(rooted, format_checker=_FORMAT_CHECKER)

    def violations(self, instance: Any) -> list[Violation]:
        """Every violation, most specific first, sorted by location for stable messages."""
        found: list[Violation] = []
        for error in self._validator.iter_errors(instance):
            leaves = _leaf_errors(error)
            found.extend(Violation(_location(e.absolute_path), e.message, str(e.validator)) for e in leaves)
        unique = {(v.location, v.message): v for v in found}
        return sorted(unique.values(), key=lambda v: (v.location, v.message))

    def is_valid(self, instance: Any) -> bool:
        return self._validator.is_valid(instance)


def _leaf_errors(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """For a oneOf/anyOf failure, the errors of the one branch of the instance's type say more.

    `class: {"x": 1}` against `oneOf: [SourcedIdRef, null]` should read "'sourcedId' is a required
    property", not "is not valid under any of the given schemas".
    """
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[jsonschema.ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        matching = [
            errors
            for errors in branches.values()
            if not any(sub.validator == "type" and not sub.relative_path for sub in errors)
        ]
        if len(matching) == 1:
            return [leaf for sub in matching[0] for leaf in _leaf_errors(sub)]
    return [error]


def _build_format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()
    if "uri" not in checker.checkers:
        # jsonschema only checks `uri` when an optional package is present; make it explicit.
        from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

        checker.checks("uri")(lambda value: not isinstance(value, str) or bool(validate_rfc3986(value, rule="URI")))
    return checker


_FORMAT_CHECKER = _build_format_checker()


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, with validators for its request body and documented responses."""

    operation_id: str
    method: str  # upper case, e.g. "PUT"
    path: str  # template, e.g. "/ims/oneroster/gradebook/v1p2/results/{sourcedId}"
    definition: dict[str, Any]
    components: dict[str, Any]

    @functools.cached_property
    def request_validator(self) -> SchemaValidator:
        body = _resolve(self.components, self.definition["requestBody"])
        return SchemaValidator(body["content"]["application/json"]["schema"], self.components)

    @property
    def documented_statuses(self) -> list[int]:
        return sorted(int(code) for code in self.definition["responses"] if code.isdigit())

    def response_validator(self, status: int) -> SchemaValidator | None:
        """The validator for a documented status, or None when the status is not documented."""
        return self._response_validators.get(status)

    def response_headers(self, status: int) -> dict[str, Any]:
        response = _resolve(self.components, self.definition["responses"].get(str(status), {}))
        return dict(response.get("headers", {}))

    @functools.cached_property
    def _response_validators(self) -> dict[int, SchemaValidator]:
        validators: dict[int, SchemaValidator] = {}
        for code, response in self.definition["responses"].items():
            content = _resolve(self.components, response).get("content", {})
            if code.isdigit() and "application/json" in content:
                validators[int(code)] = SchemaValidator(content["application/json"]["schema"], self.components)
        return validators

    @property
    def scopes(self) -> list[str]:
        """OAuth2 scopes the operation requires (any one security requirement)."""
        scopes: list[str] = []
        for requirement in self.definition.get("security", []):
            for names in requirement.values():
                scopes.extend(names)
        return scopes


def _resolve(components: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        parts = node["$ref"].removeprefix("#/components/").split("/")
        node = components
        for part in parts:
            node = node[part]
    return node


def operations() -> dict[str, Operation]:
    """All operations of the spec in use, keyed by operationId."""
    return _operations_of(id(load_spec()))


@functools.cache
def _operations_of(_spec_identity: int) -> dict[str, Operation]:
    document = load_spec()
    components = document.get("components", {})
    found: dict[str, Operation] = {}
    for path, item in document["paths"].items():
        for method in _METHODS:
            if method in item:
                definition = item[method]
                found[definition["operationId"]] = Operation(
                    definition["operationId"], method.upper(), path, definition, components
                )
    return found


def operation(operation_id: str) -> Operation:
    try:
        return operations()[operation_id]
    except KeyError:
        raise UnknownOperationError(
            f"no operation {operation_id!r} in the spec (known: {', '.join(sorted(operations()))})"
        ) from None
