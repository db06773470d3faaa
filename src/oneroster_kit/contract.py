"""Validators for the operations of `openapi.yaml`, shared by the server, the SDK and the suite.

One implementation of "does this body satisfy the contract", built from the loaded spec with
jsonschema (Draft 2020-12, the dialect of OpenAPI 3.1) and a format checker that really checks
`date-time` and `uri`. Violations name the field as a dotted path and the rule that failed, e.g.
`result.scoreStatus: "graded" is not one of ["exempt", ...]` (values written as JSON).

jsonschema is the authority, but it costs ~0.4 ms per result body, more than a loopback round
trip; the server checks every request and the SDK every answer. So each validator also has a
check compiled by fastjsonschema from the same schema node with the same format functions
(~20 us): a body it accepts is valid, anything else goes to jsonschema for the verdict and the
messages. tests/test_contract_fast_path.py checks on spec-drawn bodies that the two never disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema

from oneroster_kit.jsontext import json_text
from oneroster_kit.spec import load_spec, spec_path, spec_sha256

__all__ = [
    "SERVER_SET",
    "Contract",
    "Operation",
    "SchemaValidator",
    "UnknownOperationError",
    "Violation",
    "default_contract",
    "imsx_problems",
    "load_contract",
    "operation",
    "operations",
    "resolve",
]

_METHODS = ("get", "put", "post", "delete", "patch")

# Members whose value the path or the server decides, not the body (the spec's descriptions of
# `sourcedId` and `dateLastModified`): an echo or round-trip check never expects them as sent.
SERVER_SET = ("sourcedId", "dateLastModified")


class UnknownOperationError(KeyError):
    """No operation with that operationId in the spec."""


@dataclass(frozen=True)
class Violation:
    """One way a JSON document breaks its schema."""

    location: str  # dotted path from the document root, e.g. "result.scoreStatus"; "(body)" for the root
    message: str  # jsonschema's statement of the rule, values as JSON, e.g. '"x" is not one of [...]'
    rule: str  # the schema keyword that failed: "required", "enum", "type", "format", ...

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def _location(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(body)"


def _inline_refs(node: Any, components: dict[str, Any], seen: frozenset[str]) -> Any:
    """`node` with each plain `#/components/...` ref replaced by its target (a recursive one is kept).

    jsonschema resolves a `$ref` on every use, which is about half its time on a result body.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/components/") and ref not in seen:
            target: Any = components
            for part in ref.removeprefix("#/components/").split("/"):
                target = target[part]
            return _inline_refs(target, components, seen | {ref})
        return {key: _inline_refs(value, components, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, components, seen) for item in node]
    return node


_ANNOTATIONS = frozenset(
    {"description", "title", "example", "examples", "default", "deprecated", "readOnly", "writeOnly", "$comment"}
)
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SUBSCHEMAS = frozenset(
    {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
     "unevaluatedProperties", "unevaluatedItems", "additionalItems"}
)  # fmt: skip
# Keywords that constrain a null as much as any other value: a branch with one cannot absorb `null`.
_GENERIC = frozenset({"enum", "const", "allOf", "anyOf", "oneOf", "not", "$ref", "if", "then", "else"})


def _fast_form(node: Any) -> Any:
    """The same schema for the compiled check, cheaper to run: annotations dropped, and a nullable
    `oneOf`/`anyOf` of one typed schema and `{type: null}` written as that schema with `type: [T, "null"]`.

    Both accept exactly the same instances (a failing oneOf branch costs fastjsonschema an
    exception); the messages and the verdict still come from jsonschema on the original schema.
    """
    if not isinstance(node, dict):
        return node
    form: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            form[key] = {name: _fast_form(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            form[key] = [_fast_form(sub) for sub in value]
        elif key in _SUBSCHEMAS:
            form[key] = _fast_form(value)
        else:
            form[key] = value
    for keyword in ("oneOf", "anyOf"):
        branches = form.get(keyword)
        if len(form) != 1 or not isinstance(branches, list) or len(branches) != 2:
            continue
        nulls = [branch for branch in branches if branch == {"type": "null"}]
        typed = [branch for branch in branches if branch != {"type": "null"}]
        if len(nulls) == 1 and len(typed) == 1 and isinstance(typed[0], dict):
            other = typed[0]
            if isinstance(other.get("type"), str) and other["type"] != "null" and not (_GENERIC & other.keys()):
                return {**other, "type": [other["type"], "null"]}
    return form


class SchemaValidator:
    """Validates instances against one schema of the spec (refs resolved inside the spec)."""

    def __init__(self, schema: dict[str, Any], components: dict[str, Any]) -> None:
        self.schema = schema
        self._rooted = {**_inline_refs(schema, components, frozenset()), "components": components}
        # The verdict and the messages; public so that tests can hold the fast path against it.
        self.authority = jsonschema.Draft202012Validator(self._rooted, format_checker=_FORMAT_CHECKER)
        self._compiled: Callable[[Any], Any] | None = None

    def fast_accepts(self, instance: Any) -> bool:
        """The compiled check alone: True means valid. Public so tests can prove it agrees."""
        compiled = self._compiled
        if compiled is None:  # compiled on first use: a race only compiles twice, harmlessly
            fast = {**_fast_form(self._rooted), "components": self._rooted["components"]}
            compiled = self._compiled = fastjsonschema.compile(fast, formats=_fast_formats(fast), use_default=False)
        try:
            compiled(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def violations(self, instance: Any) -> list[Violation]:
        """Every violation, most specific first, sorted by location for stable messages."""
        if self.fast_accepts(instance):
            return []
        found: list[Violation] = []
        for error in self.authority.iter_errors(instance):
            leaves = _leaf_errors(error)
            found.extend(Violation(_location(e.absolute_path), _json_message(e), str(e.validator)) for e in leaves)
        unique = {(v.location, v.message): v for v in found}
        return sorted(unique.values(), key=lambda v: (v.location, v.message))

    def first_violation(self, instance: Any) -> Violation | None:
        """The compiled check's first violation, in fastjsonschema's words; None when valid.

        Cheap even where the authority is not (it stops at the first problem).
        """
        self.fast_accepts(None)  # compiles the check on first use
        assert self._compiled is not None
        try:
            self._compiled(instance)
        except fastjsonschema.JsonSchemaValueException as error:
            name = error.name or "data"
            location = name.removeprefix("data").lstrip(".") or "(body)"
            return Violation(location, error.message.removeprefix(name).strip(), str(error.rule))
        except fastjsonschema.JsonSchemaException as error:
            return Violation("(body)", str(error), "schema")
        return None

    def iter_violations(self, instance: Any) -> Iterator[Violation]:
        """Violations one at a time, in jsonschema's order (not sorted, not deduplicated).

        For callers that must bound the cost: a 1 MB array of wrong items has 500,000 of them.
        """
        if self.fast_accepts(instance):
            return
        for error in self.authority.iter_errors(instance):
            for leaf in _leaf_errors(error):
                yield Violation(_location(leaf.absolute_path), _json_message(leaf), str(leaf.validator))

    def is_valid(self, instance: Any) -> bool:
        return self.fast_accepts(instance) or self.authority.is_valid(instance)


def _json_message(error: jsonschema.ValidationError) -> str:
    """jsonschema's message with the values in it (the instance, an enum or const) written as JSON."""
    message = error.message
    shown = repr(error.instance)
    if message.startswith(shown):
        message = json_text(error.instance) + message[len(shown) :]
    if error.validator in ("enum", "const"):
        message = message.replace(repr(error.validator_value), json_text(error.validator_value, limit=400))
    return message


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


def _formats_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats_in(value)


def _fast_formats(schema: Any) -> dict[str, Callable[[str], bool]]:
    """For the compiled check: the `_FORMAT_CHECKER` function of every format in `schema`.

    fastjsonschema's own format regexes differ from the checks above (e.g. on date-times with no
    offset), so each one is replaced; a format the checker does not know passes in both.
    """

    def conforms(name: str) -> Callable[[str], bool]:
        check, raises = _FORMAT_CHECKER.checkers[name]  # what `conforms` calls, without its two layers

        def conforming(value: str) -> bool:
            try:
                return bool(check(value))
            except raises:
                return False

        return conforming

    return {
        name: conforms(name) if name in _FORMAT_CHECKER.checkers else (lambda value: True)
        for name in set(_formats_in(schema))
    }


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
        body = resolve(self.components, self.definition["requestBody"])
        return SchemaValidator(body["content"]["application/json"]["schema"], self.components)

    @functools.cached_property
    def request_defaults(self) -> dict[str, Any]:
        """The spec's `default` of each member of the wrapped request object, e.g. {"status": "active"}.

        Both bodies wrap one object (`result`, `class`); a member the spec gives a default is
        stored with it when not sent (server) and always sent (SDK).
        """
        body = resolve(self.components, self.request_validator.schema)
        defaults: dict[str, Any] = {}
        for wrapped in body.get("properties", {}).values():
            for name, member in resolve(self.components, wrapped).get("properties", {}).items():
                if "default" in member:
                    defaults[name] = member["default"]
        return defaults

    @functools.cached_property
    def body_member(self) -> str:
        """The one member that wraps the request body (`result`, `class`): the only name it requires."""
        wrapper = resolve(self.components, self.request_validator.schema)
        members = wrapper.get("required", []) if isinstance(wrapper, dict) else []
        if len(members) != 1:
            raise ValueError(
                f"{self.operation_id}: the request body must require exactly one wrapping member, it requires {members}"
            )
        return str(members[0])

    @functools.cached_property
    def body_schema(self) -> dict[str, Any]:
        """The schema of the object inside the wrapper (`Result`, `ClassUpdate`), references followed."""
        wrapper = resolve(self.components, self.request_validator.schema)
        schema: dict[str, Any] = resolve(self.components, wrapper["properties"][self.body_member])
        return schema

    @property
    def documented_statuses(self) -> list[int]:
        return sorted(int(code) for code in self.definition["responses"] if code.isdigit())

    def response_validator(self, status: int) -> SchemaValidator | None:
        """The validator for a documented status, or None when the status is not documented."""
        return self._response_validators.get(status)

    def response_headers(self, status: int) -> dict[str, Any]:
        response = resolve(self.components, self.definition["responses"].get(str(status), {}))
        return dict(response.get("headers", {}))

    def path_violations(self, values: dict[str, str]) -> list[Violation]:
        """Violations of the path parameters' schemas, located as `path.<name>`.

        The generated client never checks path parameters, and an id such as "." (forbidden by
        the spec: a dot segment addresses another resource) must be refused on both sides.
        """
        found: list[Violation] = []
        for name, value in values.items():
            validator = self._path_validators.get(name)
            if validator is not None:
                found += [Violation(f"path.{name}", v.message, v.rule) for v in validator.violations(value)]
        return found

    @functools.cached_property
    def _path_validators(self) -> dict[str, SchemaValidator]:
        validators: dict[str, SchemaValidator] = {}
        for parameter in self.definition.get("parameters", []):
            parameter = resolve(self.components, parameter)
            if parameter.get("in") == "path" and "schema" in parameter:
                validators[parameter["name"]] = SchemaValidator(parameter["schema"], self.components)
        return validators

    @functools.cached_property
    def _response_validators(self) -> dict[int, SchemaValidator]:
        validators: dict[int, SchemaValidator] = {}
        for code, response in self.definition["responses"].items():
            content = resolve(self.components, response).get("content", {})
            if code.isdigit() and "application/json" in content:
                validators[int(code)] = SchemaValidator(content["application/json"]["schema"], self.components)
        return validators

    @property
    def scopes(self) -> list[str]:
        """Every OAuth2 scope named by the operation's security requirements, first requirement first."""
        return list(dict.fromkeys(scope for alternative in self.scope_alternatives for scope in alternative))

    @functools.cached_property
    def scope_alternatives(self) -> list[frozenset[str]]:
        """The scope sets of the security requirements: a token holding all of any one set may call.

        OpenAPI lists alternatives (OR) in `security`; putResult accepts TimeBack's v1p1 name or
        OneRoster 1.2's v1p2 name of the same scope.
        """
        return [
            frozenset(scope for names in requirement.values() for scope in names)
            for requirement in self.definition.get("security", [])
        ]

    def scopes_lacking(self, granted: frozenset[str]) -> list[str]:
        """Empty when `granted` satisfies one alternative; else the scopes the first alternative misses."""
        alternatives = self.scope_alternatives
        if not alternatives or any(alternative <= granted for alternative in alternatives):
            return []
        return sorted(alternatives[0] - granted)


def imsx_problems(operation: Operation, status: int, body: Any, expected: int, minor: str) -> list[str]:
    """Why an answer is not the documented imsx error for `expected` (empty when it is).

    `body` is the parsed answer, of any shape: a member of the wrong type is a problem to report,
    never an exception (the suite and the traffic checker both judge untrusted servers with it).
    """
    problems = []
    if status != expected:
        problems.append(f"answered {status}, expected {expected}")
    validator = operation.response_validator(expected)
    if validator is not None:
        problems += [f"error body: {v}" for v in validator.violations(body)]
    code_minor = body.get("imsx_CodeMinor") if isinstance(body, dict) else None
    fields = code_minor.get("imsx_codeMinorField") if isinstance(code_minor, dict) else None
    values = (
        [f.get("imsx_codeMinorFieldValue") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    )
    if minor not in values:
        problems.append(f"imsx_codeMinorFieldValue is {values or 'absent'}, expected {minor!r}")
    return problems


def resolve(components: dict[str, Any], node: Any) -> Any:
    """`node` with `#/components/...` references followed until a real schema/response/parameter."""
    while isinstance(node, dict) and "$ref" in node:
        parts = node["$ref"].removeprefix("#/components/").split("/")
        node = components
        for part in parts:
            node = node[part]
    return node


class Contract:
    """One loaded `openapi.yaml` and its operations: what an entry point loads once and passes down.

    The traffic checker and the reference server's app take one; code given none uses
    `default_contract()`, the spec in use (`oneroster_kit.spec.spec_path()`, the documented default
    for library users), as do the module-level `operation()` and `operations()`.
    """

    def __init__(self, path: Path, document: dict[str, Any]) -> None:
        self.path = path
        self.document = document

    @property
    def components(self) -> dict[str, Any]:
        components: dict[str, Any] = self.document.get("components", {})
        return components

    @functools.cached_property
    def operations(self) -> dict[str, Operation]:
        """Every operation, keyed by operationId."""
        components = self.components
        found: dict[str, Operation] = {}
        for path, item in self.document["paths"].items():
            for method in _METHODS:
                if method in item:
                    definition = item[method]
                    found[definition["operationId"]] = Operation(
                        definition["operationId"], method.upper(), path, definition, components
                    )
        return found

    def operation(self, operation_id: str) -> Operation:
        try:
            return self.operations[operation_id]
        except KeyError:
            raise UnknownOperationError(
                f"no operation {operation_id!r} in the spec (known: {', '.join(sorted(self.operations))})"
            ) from None

    @functools.cached_property
    def sha256(self) -> str:
        """SHA-256 of the spec file's bytes (what the reports print)."""
        return spec_sha256(self.path)


def load_contract(path: Path | None = None) -> Contract:
    """The contract in the spec file at `path` (default: the spec in use), loaded once per file version."""
    path = spec_path() if path is None else path
    return _contract_of(path, id(load_spec(path)))


def default_contract() -> Contract:
    """The spec in use (`$ONEROSTER_SPEC`, the packaged copy or the checkout's), loaded once per file version."""
    return load_contract()


@functools.cache
def _contract_of(path: Path, _document_identity: int) -> Contract:
    return Contract(path, load_spec(path))


def operations() -> dict[str, Operation]:
    """All operations of the spec in use, keyed by operationId (`default_contract().operations`)."""
    return default_contract().operations


def operation(operation_id: str) -> Operation:
    """One operation of the spec in use (`default_contract().operation`)."""
    return default_contract().operation(operation_id)
