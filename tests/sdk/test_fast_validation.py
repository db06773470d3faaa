"""The compiled fast path agrees with the contract validators it stands in front of.

The dangerous direction is a fast check that accepts what the contract rejects (the SDK would
then let a broken body through), so every case below asserts: contract invalid => fast invalid,
and on valid bodies both accept. Bodies come from openapi.yaml (examples, the spec walk's
required/enum cases, schemathesis strategies), never from a copy of the schema.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_tests.client.spec_walk import Root, break_body, field_cases, roots
from contract_tests.strategies import response_bodies, schema_values
from oneroster_kit.contract import Operation, operation
from oneroster_kit.sdk.validation import CheckedValidator, request_checker, response_checker

from .conftest import fill


def checker_of(root: Root) -> tuple[CheckedValidator, Operation]:
    op = operation(root.operation_id)
    checker = request_checker(op) if root.status is None else response_checker(op, root.status)
    assert checker is not None
    return checker, op


@pytest.mark.parametrize("root", roots(), ids=str)
def test_spec_examples_pass_both(root: Root) -> None:
    checker, _ = checker_of(root)
    example = root.example()
    assert checker.fast_accepts(example)
    assert checker.validator.violations(example) == []


@pytest.mark.parametrize("case", field_cases(), ids=str)
def test_every_missing_required_field_and_bad_enum_fails_both(case) -> None:
    checker, _ = checker_of(case.root)
    body = case.root.example()
    break_body(body, case, fill, bad_value="not-a-documented-value")
    assert checker.validator.violations(body) != []
    assert not checker.fast_accepts(body)


DATE_TIMES = [
    "2026-11-20T14:30:00Z",
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
    checker = request_checker(operation("putResult"))
    body = {"result": {**root_example("putResult", None)["result"], "scoreDate": value}}
    assert checker.fast_accepts(body) == (checker.validator.violations(body) == [])


@pytest.mark.parametrize("value", URIS)
def test_uri_format_is_judged_alike(value: str) -> None:
    checker = response_checker(operation("updateClass"), 200)
    assert checker is not None
    body = root_example("updateClass", 200)
    body["terms"][0]["href"] = value
    assert checker.fast_accepts(body) == (checker.validator.violations(body) == [])


def root_example(operation_id: str, status: int | None) -> Any:
    (root,) = [r for r in roots() if r.operation_id == operation_id and r.status == status]
    return root.example()


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
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_generated_bodies_are_never_accepted_by_the_fast_path_alone(root: Root, data) -> None:
    checker, _ = checker_of(root)
    body = data.draw(response_bodies(root.operation_id, root.status), label="valid body")
    assert checker.fast_accepts(body), "a valid body should not need the slow path"
    paths = _paths(body)
    if not paths:
        return
    mutated = copy.deepcopy(body)
    path = data.draw(st.sampled_from(paths), label="path")
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(OTHER_JSON, label="replacement")
    if checker.validator.violations(mutated):
        assert not checker.fast_accepts(mutated)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=schema_values(next(r for r in roots() if r.operation_id == "putResult" and r.status is None).pointer))
def test_generated_request_bodies_pass_both(body) -> None:
    checker = request_checker(operation("putResult"))
    assert checker.fast_accepts(body) and checker.validator.violations(body) == []
