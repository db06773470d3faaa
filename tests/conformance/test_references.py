"""The reference probe: a target that answers the spec's optional 404 for unknown references is
recognised (result checks skip with a reason); one that stores the result is not."""

from __future__ import annotations

import httpx

from oneroster_kit.conformance.auth import StaticToken
from oneroster_kit.conformance.references import reference_check_reason
from oneroster_kit.conformance.target import Target

_UNKNOWN = {
    "imsx_codeMajor": "failure",
    "imsx_severity": "error",
    "imsx_description": "Line item not found: lineitem-alg1-quiz3.",
    "imsx_CodeMinor": {
        "imsx_codeMinorField": [
            {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": "unknownobject"}
        ]
    },
}


def _target(status: int, body: object) -> Target:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    target = Target("http://target.invalid", StaticToken("t"), ("c1",), "conformance-x-", remote=True)
    target._client = httpx.Client(transport=httpx.MockTransport(answer))
    return target


def test_a_target_checking_references_is_recognised() -> None:
    reason = reference_check_reason(_target(404, _UNKNOWN))
    assert reason is not None and "404 (unknownobject)" in reason


def test_a_target_storing_the_result_is_not() -> None:
    stored = {"result": {"sourcedId": "conformance-x-reference-probe"}}
    assert reference_check_reason(_target(201, stored)) is None


def test_a_404_without_the_imsx_body_is_not_taken_for_the_documented_one() -> None:
    assert reference_check_reason(_target(404, {"error": "not found"})) is None


def test_each_target_is_probed_afresh() -> None:
    # A verdict once kept by id(target) went to a later target at the same address (CPython reuses
    # a freed object's memory at once), so a storing target inherited a 404 verdict.
    stored = {"result": {"sourcedId": "conformance-x-reference-probe"}}
    for turn in range(20):
        checking = turn % 2 == 0
        target = _target(404, _UNKNOWN) if checking else _target(201, stored)
        assert (reference_check_reason(target) is not None) == checking, f"turn {turn}"
        target.close()
        del target
