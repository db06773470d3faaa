"""The SDK always sends a result's `status` (spec 1.1.0: optional, default `active`).

A server that follows TimeBack's own schema still requires `status`, so a caller who leaves it out
must not produce a body that such a server refuses. The default comes from openapi.yaml.
"""

from __future__ import annotations

import pytest
from oneroster_client.models.result_input import ResultInput
from oneroster_client.types import Unset

from oneroster_kit.contract import operation
from oneroster_kit.sdk._operations import PUT_RESULT, Plan, prepare_result

WITHOUT_STATUS = {
    "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
    "student": {"sourcedId": "student-42"},
    "scoreStatus": "fully graded",
    "scoreDate": "2026-11-20T14:30:00Z",
}
DEFAULT = operation(PUT_RESULT).request_defaults["status"]


@pytest.mark.parametrize("strict", [False, True])
def test_a_mapping_without_status_is_sent_with_the_default(strict: bool) -> None:
    body = prepare_result(Plan.of(PUT_RESULT), "r-1", WITHOUT_STATUS, strict=strict).to_dict()
    assert DEFAULT == "active"
    assert body["result"]["status"] == DEFAULT


@pytest.mark.parametrize("strict", [False, True])
def test_a_model_without_status_is_sent_with_the_default_and_left_unchanged(strict: bool) -> None:
    model = ResultInput.from_dict(WITHOUT_STATUS)
    assert isinstance(model.status, Unset)
    body = prepare_result(Plan.of(PUT_RESULT), "r-1", model, strict=strict).to_dict()
    assert body["result"]["status"] == DEFAULT
    assert isinstance(model.status, Unset)


def test_a_status_given_is_sent_as_given() -> None:
    body = prepare_result(Plan.of(PUT_RESULT), "r-1", {**WITHOUT_STATUS, "status": "tobedeleted"}, strict=False)
    assert body.to_dict()["result"]["status"] == "tobedeleted"
