"""Every valid response of every documented status parses into the right model, with nothing lost.

For each (operation, documented status), bodies are generated from that status's response schema
(see `strategies.response_bodies`). Into every JSON object of the body that the spec leaves open
(no `additionalProperties: false`) an unknown field is added; the body must still be valid. The
generated client receives it from `httpx.MockTransport` through `sync_detailed`, and:
`Response.parsed` is the model of the status's schema (PutResultResponse, Class, ImsxStatusInfo);
`parsed.to_dict()` equals the body (date-times as instants, see `instants.py`); and each unknown
field sits in the `additional_properties` of the model at its JSON path, with its value.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests.client.instants import with_instants
from contract_tests.client.wire import Wire, model_at, model_class
from oneroster_kit.contract import operation, operations
from oneroster_kit.spec_walk import node
from oneroster_kit.strategies import response_bodies, root_of, schema_values, unknown_json
from tests.support.field_cases import instance_nodes

STATUSES = [(op_id, status) for op_id, op in sorted(operations().items()) for status in op.documented_statuses]


def _add_unknown_fields(body: Any, pointer: str, data: st.DataObject) -> list[tuple[tuple[str | int, ...], str, Any]]:
    """Add one unknown field to every open object of `body` (in place); returns (path, name, value)."""
    added = []
    for number, visit in enumerate(list(instance_nodes(body, pointer))):
        schema = node(visit.pointer)
        if not isinstance(visit.value, dict) or not isinstance(schema, dict):
            continue
        extra_schema = schema.get("additionalProperties", True)
        if extra_schema is False:
            continue
        name = f"x-unknown-{number}"
        while name in visit.value or name in schema.get("properties", {}):
            name += "_"
        if isinstance(extra_schema, dict):
            value = data.draw(schema_values(f"{visit.pointer}/additionalProperties"), label=f"{name} (schema)")
        else:
            value = data.draw(unknown_json(), label=name)
        visit.value[name] = value
        added.append((visit.path, name, value))
    return added


@pytest.mark.parametrize(("operation_id", "status"), STATUSES)
@settings(deadline=None, max_examples=12)
@given(data=st.data())
def test_every_valid_response_parses_into_its_model_with_nothing_lost(
    operation_id: str, status: int, data: st.DataObject
) -> None:
    root = root_of(operation_id, status)
    body = data.draw(response_bodies(operation_id, status), label="response body")
    added = _add_unknown_fields(body, root.pointer, data)
    validator = operation(operation_id).response_validator(status)
    assert validator is not None
    assert validator.violations(body) == [], "unknown fields are allowed"
    request = root_of(operation_id, None)
    wire = Wire(status=status, answer=body)

    response = wire.call(operation_id, "any-id", model_class(request.name).from_dict(request.example()))

    assert response.status_code == status
    assert type(response.parsed) is model_class(root.name)
    assert with_instants(response.parsed.to_dict(), root.pointer) == with_instants(body, root.pointer)
    for path, name, value in added:
        holder = model_at(response.parsed, path)
        assert holder.additional_properties.get(name, KeyError) == value, f"{path}: {name} not kept"
