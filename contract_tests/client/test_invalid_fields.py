"""Every required field and every enum of the spec, missing or out of range: what the client does today.

The cases come from the spec (`field_cases()` (tests/support/field_cases.py)), the expected outcomes from the table in
`expected_outcomes.py`. For each case a valid body is drawn, the field's path is made present,
and the field is deleted or set to a string outside the enum; the contract validator must report
exactly that one violation (so the case really breaks the spec). Then:

- response direction: every documented status with this body schema answers the broken body
  through `httpx.MockTransport`; `sync_detailed` raises or returns as the table says.
- request direction: `Model.from_dict(broken body)` behaves as the table says; when it accepts,
  `sync_detailed` sends the broken body unchanged. Building the model in code instead: leaving a
  required field out of its model's constructor raises `TypeError` (missing argument, nothing
  sent); assigning a value outside an enum is not checked, and the client sends it.
"""

from __future__ import annotations

import ast
import copy
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from contract_tests.client.expected_outcomes import FROM_DICT, KeptRaw, Outcome, RaisesEnumError, RaisesKeyError
from contract_tests.client.instants import with_instants
from contract_tests.client.wire import Wire, attribute_name, model_at, model_class, set_in_model
from oneroster_kit.contract import operation
from oneroster_kit.jsontext import json_text
from oneroster_kit.strategies import outside_enum, request_cases, response_bodies, root_of, schema_values
from tests.support.field_cases import FieldCase, break_field, field_cases, location, reach

CASES: dict[tuple[str, str, str], list[FieldCase]] = defaultdict(list)
for _case in field_cases():
    CASES[_case.key].append(_case)


def test_every_required_field_and_enum_has_a_row() -> None:
    """A field the spec gained needs its expected outcome written down; a stale row must go."""
    missing = sorted(set(CASES) - set(FROM_DICT))
    stale = sorted(set(FROM_DICT) - set(CASES))
    assert not missing, f"add rows to expected_outcomes.FROM_DICT for: {missing}"
    assert not stale, f"remove rows from expected_outcomes.FROM_DICT (not in the spec any more): {stale}"


def _json_at(document: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def _steps(template: str) -> tuple[str, ...]:
    """`result.learningObjectiveSet[]` -> ("result", "learningObjectiveSet", "[]"), as `FieldCase.path`."""
    return tuple(re.findall(r"\[\]|[^.\[\]]+", template))


def _expected_violation(case: FieldCase, concrete: tuple[str | int, ...], bad: Any) -> tuple[str, str]:
    if case.kind == "required":
        return (location(concrete[:-1]), f"{concrete[-1]!r} is a required property")
    return (location(concrete), f"{json_text(bad)} is not one of {json_text(list(case.enum), limit=400)}")


def _assert_outcome(
    expected: Outcome, case: FieldCase, concrete: tuple[str | int, ...], body: Any, bad: Any, call: Callable[[], Any]
) -> Any:
    """Run `call` (a from_dict or a sync_detailed) and check it does exactly what the table says."""
    if isinstance(expected, RaisesKeyError):
        with pytest.raises(KeyError) as key_error:
            call()
        assert key_error.value.args == (concrete[-1],)
        return None
    if isinstance(expected, RaisesEnumError):
        with pytest.raises(TypeError) as type_error:
            call()
        message = str(type_error.value)
        prefix = f"Unexpected value {bad!r}. Expected one of "
        assert message.startswith(prefix), message
        assert ast.literal_eval(message.removeprefix(prefix)) == set(case.enum)
        return None
    assert isinstance(expected, KeptRaw)
    result = call()
    parsed = getattr(result, "parsed", result)
    steps = _steps(expected.at)
    assert case.path[: len(steps)] == steps, f"{expected.at} is not on the path of {case.location}"
    at = concrete[: len(steps)]
    kept = model_at(parsed, at)
    assert not attrs.has(type(kept)), f"{location(at)} was parsed into {type(kept).__name__}"
    assert kept == _json_at(body, at)
    if expected.writes_back:
        assert with_instants(parsed.to_dict(), case.root.pointer) == with_instants(body, case.root.pointer)
    else:
        with pytest.raises(AttributeError, match=r"^'dict' object has no attribute 'to_dict'$"):
            parsed.to_dict()
    return parsed


def _draw_valid_body(case: FieldCase, data: st.DataObject) -> Any:
    root = case.root
    if root.status is None:
        return data.draw(request_cases(root.operation_id), label="valid request").body
    return data.draw(response_bodies(root.operation_id, root.status), label="valid response")


def _sent_body(wire: Wire) -> Any:
    assert wire.last.headers["Content-Type"] == "application/json"
    return json.loads(wire.last.content)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0]}:{key[1]}:{key[2]}")
# No shrinking: the outcome depends on the case, not on the drawn body, and shrinking these bodies
# took minutes per failure while adding nothing to the report.
@settings(deadline=None, max_examples=3, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(data=st.data())
def test_missing_required_field_or_value_outside_enum(key: tuple[str, str, str], data: st.DataObject) -> None:
    if key not in FROM_DICT:
        pytest.fail(f"no expected outcome for {key}: add a row to expected_outcomes.FROM_DICT")
    expected = FROM_DICT[key]
    first = CASES[key][0]
    body = _draw_valid_body(first, data)
    concrete = reach(body, first, lambda pointer: data.draw(schema_values(pointer).filter(lambda v: v is not None)))
    valid = copy.deepcopy(body)
    bad = data.draw(outside_enum(first.enum), label="value outside the enum") if first.kind == "enum" else None
    break_field(body, first, concrete, bad)

    for case in CASES[key]:
        op = operation(case.root.operation_id)
        validator = op.request_validator if case.root.status is None else op.response_validator(case.root.status)
        assert validator is not None
        assert [(v.location, v.message) for v in validator.violations(body)] == [
            _expected_violation(case, concrete, bad)
        ]

        if case.root.status is not None:
            wire = Wire(status=case.root.status, answer=body)
            request_root = root_of(case.root.operation_id, None)  # any valid request will do: the spec's example
            request_model = model_class(request_root.name).from_dict(request_root.example())
            call = functools.partial(wire.call, case.root.operation_id, "id", request_model)
            _assert_outcome(expected, case, concrete, body, bad, call)
            continue

        model_type = model_class(case.root.name)
        parsed = _assert_outcome(expected, case, concrete, body, bad, functools.partial(model_type.from_dict, body))
        if parsed is not None and isinstance(expected, KeptRaw) and not expected.writes_back:
            unsent = Wire()
            with pytest.raises(AttributeError, match=r"^'dict' object has no attribute 'to_dict'$"):
                unsent.call(case.root.operation_id, "id", parsed)
            assert unsent.sent == []  # to_dict() failed before anything was sent
        elif parsed is not None:  # accepted: the broken body goes on the wire as it is
            wire = Wire()
            wire.call(case.root.operation_id, "id", parsed)
            sent = _sent_body(wire)
            assert with_instants(sent, case.root.pointer) == with_instants(body, case.root.pointer)

        built = model_type.from_dict(valid)
        if case.kind == "required":
            holder = model_at(built, concrete[:-1])
            fields = {f.name: getattr(holder, f.name) for f in attrs.fields(type(holder)) if f.init}
            attribute = attribute_name(str(concrete[-1]))
            del fields[attribute]
            with pytest.raises(TypeError, match=rf"missing 1 required positional argument: '{attribute}'$"):
                type(holder)(**fields)
        else:
            set_in_model(built, concrete, bad)
            wire = Wire()
            wire.call(case.root.operation_id, "id", built)
            sent = _sent_body(wire)
            assert with_instants(sent, case.root.pointer) == with_instants(body, case.root.pointer)
