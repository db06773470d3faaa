"""The contract's compiled fast path never disagrees with its jsonschema validator.

`SchemaValidator.violations()/is_valid()` answer "valid" as soon as the fastjsonschema check
accepts; the dangerous direction is a fast check that accepts what jsonschema rejects (the server
would store, and the SDK return, a broken body), the other would only cost time. Both directions
are asserted. Bodies come from openapi.yaml only: its examples, the spec walk's required/enum
cases, schemathesis's positive and negative request strategies, response bodies generated from
the response schemas and then mutated. Request bodies are judged both as the SDK holds them
(floats) and as the server parses them (every number a Decimal).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from oneroster_kit.contract import SchemaValidator, operation
from oneroster_kit.server.jsondoc import BodyError, parse_body
from oneroster_kit.spec_walk import Root, roots
from oneroster_kit.strategies import api_schema, response_bodies
from tests.sdk.conftest import fill
from tests.support.field_cases import break_body, field_cases


def validator_of(root: Root) -> SchemaValidator:
    op = operation(root.operation_id)
    validator = op.request_validator if root.status is None else op.response_validator(root.status)
    assert validator is not None
    return validator


def assert_agree(validator: SchemaValidator, instance: Any) -> bool:
    """Both verdicts, and what `violations()`/`is_valid()` answer, are the same; returns it."""
    verdict = validator.authority.is_valid(instance)
    assert validator.fast_accepts(instance) == verdict, instance
    assert validator.is_valid(instance) == verdict
    assert (validator.violations(instance) == []) == verdict
    return verdict


@pytest.mark.parametrize("root", roots(), ids=str)
def test_spec_examples_pass_both(root: Root) -> None:
    validator = validator_of(root)
    assert assert_agree(validator, root.example())
    assert validator.fast_accepts(root.example()), "a valid body should not need the slow path"


@pytest.mark.parametrize("case", field_cases(), ids=str)
def test_every_missing_required_field_and_bad_enum_fails_both(case: Any) -> None:
    body = case.root.example()
    break_body(body, case, fill, bad_value="not-a-documented-value")
    assert not assert_agree(validator_of(case.root), body)


def root_example(operation_id: str, status: int | None) -> Any:
    (root,) = [r for r in roots() if r.operation_id == operation_id and r.status == status]
    return root.example()


DATE_TIMES = [
    "2026-11-20T14:30:00Z",
    "2026-11-20t14:30:00z",
    "2026-11-20T14:30:00.123+02:00",
    "2026-11-20T14:30:00",
    "2026-11-20",
    "2026-13-01T00:00:00Z",
    "2026-11-20 14:30:00Z",
    "",
    "2026-02-30T00:00:00Z",
]
URIS = ["https://api.example/x", "urn:x:y", "relative/path", "", "http://exa mple.com", "::"]


@pytest.mark.parametrize("value", DATE_TIMES)
def test_date_time_format_is_judged_alike(value: str) -> None:
    body = {"result": {**root_example("putResult", None)["result"], "scoreDate": value}}
    assert_agree(operation("putResult").request_validator, body)


@pytest.mark.parametrize("value", URIS)
def test_uri_format_is_judged_alike(value: str) -> None:
    validator = operation("updateClass").response_validator(200)
    assert validator is not None
    body = root_example("updateClass", 200)
    body["terms"][0]["href"] = value
    assert_agree(validator, body)


@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_request_bodies_are_judged_alike(operation_id: str, mode: GenerationMode) -> None:
    op = operation(operation_id)
    strategy = api_schema()[op.path][op.method].as_strategy(generation_mode=mode)
    seen = {True: 0, False: 0}

    @given(case=strategy, tweak=st.sampled_from([None, "drop-first", "null-first"]))
    # derandomized: the same bodies every run, so the floor below cannot flake
    @settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any, tweak: str | None) -> None:
        body = copy.deepcopy(case.body)
        inner = body.get("result", body.get("class")) if isinstance(body, dict) else None
        if tweak and isinstance(inner, dict) and inner:
            key = next(iter(inner))
            if tweak == "drop-first":
                del inner[key]
            else:
                inner[key] = None
        try:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            as_server_reads_it = parse_body(raw)
        except (BodyError, ValueError, TypeError):
            return  # not a JSON document (e.g. NaN, or another media type): nobody validates it
        verdict = assert_agree(op.request_validator, as_server_reads_it)
        assert assert_agree(op.request_validator, json.loads(raw)) == verdict
        seen[verdict] += 1

    check()
    assert seen[mode == GenerationMode.POSITIVE] >= 25, seen  # the drawn bodies really are of that kind


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.extend(_paths(value, (*prefix, index)))
    return found


OTHER_JSON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.just({}),
    st.just([]),
    st.just({"unexpected": 1}),
)

SUCCESS_ROOTS = [root for root in roots() if root.status is not None and root.status < 300]


@pytest.mark.parametrize("root", SUCCESS_ROOTS, ids=str)
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_response_bodies_and_their_mutations_are_judged_alike(root: Root, data: Any) -> None:
    validator = validator_of(root)
    body = data.draw(response_bodies(root.operation_id, root.status or 0), label="valid body")
    assert assert_agree(validator, body)
    assert validator.fast_accepts(body), "a valid body should not need the slow path"
    paths = _paths(body)
    if not paths:
        return
    mutated = copy.deepcopy(body)
    path = data.draw(st.sampled_from(paths), label="path")
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(OTHER_JSON, label="replacement")
    assert_agree(validator, mutated)
