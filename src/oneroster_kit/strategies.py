"""Hypothesis strategies for the generated-client contract tests: every one derived from openapi.yaml.

Request bodies and path ids come from schemathesis's own strategy for each operation
(`schema[path][method].as_strategy(generation_mode=POSITIVE)`). Schemathesis has no public call
that generates from an arbitrary schema, so response bodies (and any other schema node, e.g. a
filler for an absent container) are generated the same way: a synthetic document that is the spec
itself plus one `PUT /__schema__/N` operation per schema node, whose request body is
`{"$ref": <pointer into the spec>}`. No schema is written here; only pointers into openapi.yaml.

The one strategy not from the spec is `unknown_json()`: values of fields the spec does not know.

Every drawn body is a deep copy: schemathesis may hand out objects it keeps and reuses in later
draws (spec examples and values it learnt), and the tests mutate bodies in place. Without the
copy, a body broken by one test came back as a "valid" body in another.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any, NamedTuple
from urllib.parse import unquote

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.schemas import OpenApiSchema

from oneroster_kit.contract import operation
from oneroster_kit.spec import load_spec, spec_path
from oneroster_kit.spec_walk import Root, roots, schema_pointers

__all__ = [
    "RequestCase",
    "api_schema",
    "outside_enum",
    "request_cases",
    "response_bodies",
    "root_of",
    "schema_values",
    "unknown_json",
]

_SYNTHETIC = "/__schema__/{index}"


@functools.cache
def api_schema() -> OpenApiSchema:
    """openapi.yaml as schemathesis loads it (the file `oneroster_kit.spec.spec_path()` names)."""
    return schemathesis.openapi.from_path(spec_path())


class RequestCase(NamedTuple):
    """A valid request of one operation: the sourcedId a caller means, and the JSON body."""

    sourced_id: str
    body: Any


def _path_parameter(operation_id: str) -> str:
    names = re.findall(r"\{([^}]+)\}", operation(operation_id).path)
    if len(names) != 1:
        raise ValueError(f"{operation_id}: expected one path parameter, found {names}")
    return str(names[0])


def request_cases(operation_id: str) -> st.SearchStrategy[RequestCase]:
    """Valid (sourcedId, body) pairs of an operation, as schemathesis generates them.

    Schemathesis hands path parameters already percent-encoded (its `formatted_path` must be a
    valid URL); the id a caller means is the decoded string, so it is decoded here (strictly).
    """
    op = operation(operation_id)
    name = _path_parameter(operation_id)
    strategy = api_schema()[op.path][op.method].as_strategy(generation_mode=GenerationMode.POSITIVE)
    return strategy.map(
        lambda case: RequestCase(unquote(case.path_parameters[name], errors="strict"), copy.deepcopy(case.body))
    )


@functools.cache
def _synthetic() -> tuple[OpenApiSchema, dict[str, str]]:
    """The spec plus one operation per schema node whose request body is that node (by `$ref`)."""
    spec = load_spec()
    paths: dict[str, Any] = dict(spec["paths"])
    by_pointer: dict[str, str] = {}
    for index, pointer in enumerate(schema_pointers()):
        path = _SYNTHETIC.format(index=index)
        by_pointer[pointer] = path
        paths[path] = {
            "put": {
                "operationId": f"schemaNode{index}",
                "description": f"Synthetic: generates values of {pointer}",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": pointer}}}},
                "responses": {"204": {"description": "never called"}},
            }
        }
    document = {**spec, "paths": paths, "security": []}
    return schemathesis.openapi.from_dict(document), by_pointer


def schema_values(pointer: str) -> st.SearchStrategy[Any]:
    """Valid values of any schema node reachable from a body (a pointer from `spec_walk`)."""
    schema, by_pointer = _synthetic()
    if pointer not in by_pointer:
        raise KeyError(f"{pointer} is not a schema node reachable from a request or response body")
    strategy = schema[by_pointer[pointer]]["PUT"].as_strategy(generation_mode=GenerationMode.POSITIVE)
    return strategy.map(lambda case: copy.deepcopy(case.body))


def root_of(operation_id: str, status: int | None) -> Root:
    """The body schema of an operation's request (status None) or of one documented status."""
    for root in roots():
        if root.operation_id == operation_id and root.status == status:
            return root
    raise KeyError(f"{operation_id} has no JSON body for status {status}")


def response_bodies(operation_id: str, status: int) -> st.SearchStrategy[Any]:
    """Valid response bodies of one documented status, generated from its response schema."""
    return schema_values(root_of(operation_id, status).pointer)


def outside_enum(values: tuple[Any, ...]) -> st.SearchStrategy[str]:
    """Strings that are not among an enum's values (a value a server or caller might make up)."""
    return st.text(max_size=20).filter(lambda text: text not in values)


def unknown_json() -> st.SearchStrategy[Any]:
    """Any JSON value: what an unknown extra field may carry (the spec does not describe it)."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
        max_leaves=8,
    )
