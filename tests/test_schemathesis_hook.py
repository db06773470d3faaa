"""The shipped schemathesis hook aligns a body sourcedId with the path id as the server decodes it.

Schemathesis keeps generated path parameters percent-encoded (`a%2Cb`); the server compares the
body's `result.sourcedId` with the decoded path (`a,b`). A hook that copies the encoded text makes
the server's correct 422 look like a rejected valid request (ST202) for every id with a reserved
character, in a plain `st run` and in any process that has imported the hook.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from oneroster_kit.schemathesis_hooks import before_call
from oneroster_kit.spec import spec_path

RESULTS = "/ims/oneroster/gradebook/v1p2/results/{sourcedId}"


def _case(path_id: str, body: Any) -> Any:
    schema = schemathesis.openapi.from_path(str(spec_path()))
    return schema[RESULTS]["PUT"].Case(path_parameters={"sourcedId": path_id}, body=body, media_type="application/json")


@pytest.mark.parametrize(
    ("path_id", "decoded"),
    [("a%2Cb", "a,b"), ("null%2Cnull", "null,null"), ("%0F%C2%A9h", "\x0f\u00a9h"), ("plain-id", "plain-id")],
)
def test_the_body_gets_the_decoded_path_id(path_id: str, decoded: str) -> None:
    case = _case(path_id, {"result": {"sourcedId": "unrelated", "score": 1}})
    before_call(None, case, {})
    assert case.body["result"]["sourcedId"] == decoded


@pytest.mark.parametrize("body", [{"result": {"sourcedId": ""}}, {"result": {"sourcedId": 7}}, {"result": {}}, [1]])
def test_a_body_id_that_is_not_a_non_empty_string_is_left_alone(body: Any) -> None:
    # those make the case invalid (or absent), which is what the case is about
    before = repr(body)
    case = _case("a%2Cb", body)
    before_call(None, case, {})
    assert repr(case.body) == before
