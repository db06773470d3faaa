"""Checks before sending (sourcedId, strict mode, bad arguments) and reading after (2xx bodies, errors).

Broken response bodies are enumerated from openapi.yaml by the client-contract helper's
`tests.support.field_cases` (one case per required field and per enum of every 2xx body), so a new required
field in the spec becomes a new case here by itself.
"""

from __future__ import annotations

import asyncio
import datetime
import json

import httpx
import pytest
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.imsx_status_info import ImsxStatusInfo
from oneroster_client.models.result import Result
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.contract import operation
from oneroster_kit.sdk import (
    APIStatusError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitError,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
    ServiceUnavailableError,
    SourcedIdMismatchError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from tests.support.field_cases import break_body, field_cases, location

from .conftest import CLASS_ID, RESULT_ID, FakeAPI, fill, imsx, response_example, result_input, success

# -- before sending ---------------------------------------------------------------------------


def _nothing_sent(api: FakeAPI) -> bool:
    return api.api_requests == [] and api.token_requests == []


@pytest.mark.parametrize(
    "make_result",
    [
        lambda: {**result_input(), "sourcedId": "someone-else"},
        lambda: ResultInput.from_dict({**result_input(), "sourcedId": "someone-else"}),
        lambda: Result.from_dict({**response_example("putResult", 201)["result"], "sourcedId": "someone-else"}),
    ],
    ids=["mapping", "ResultInput", "Result"],
)
def test_result_sourced_id_mismatch_is_refused_before_sending(api: FakeAPI, make_client, make_result) -> None:
    with pytest.raises(SourcedIdMismatchError) as caught:
        make_client().put_result(RESULT_ID, make_result())
    assert "result.sourcedId is 'someone-else'" in str(caught.value) and repr(RESULT_ID) in str(caught.value)
    assert caught.value.path_id == RESULT_ID and caught.value.body_id == "someone-else"
    assert _nothing_sent(api)


def test_class_body_naming_another_class_is_refused_before_sending(api: FakeAPI, make_client) -> None:
    update = ClassUpdate.from_dict({"title": "T", "sourcedId": "other-class"})
    for body in ({"title": "T", "sourcedId": "other-class"}, update):
        with pytest.raises(SourcedIdMismatchError, match=r"class\.sourcedId is 'other-class'"):
            make_client().update_class(CLASS_ID, body)
    assert _nothing_sent(api)


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("put_result", {**result_input(), "sourcedId": "someone-else"}, "result.sourcedId"),
        ("update_class", {"title": "T", "sourcedId": "other-class"}, "class.sourcedId"),
    ],
)
def test_a_sourced_id_mismatch_names_its_field_like_every_validation_error(
    api: FakeAPI, make_client, method: str, body: dict[str, object], field: str
) -> None:
    path_id = RESULT_ID if method == "put_result" else CLASS_ID
    with pytest.raises(SourcedIdMismatchError) as caught:
        getattr(make_client(), method)(path_id, body)
    assert caught.value.fields == [field]
    assert str(caught.value.violations[0]) == f'{field}: "{body["sourcedId"]}" is not the path sourcedId "{path_id}"'
    assert _nothing_sent(api)


def test_matching_or_absent_body_sourced_id_is_sent(api: FakeAPI, make_client) -> None:
    client = make_client()
    client.put_result(RESULT_ID, result_input())
    without = {key: value for key, value in result_input().items() if key != "sourcedId"}
    client.put_result(RESULT_ID, without)
    assert len(api.api_requests) == 2


@pytest.mark.parametrize("sourced_id", [None, 42])
def test_path_id_must_be_a_string(api: FakeAPI, make_client, sourced_id) -> None:
    with pytest.raises(RequestValidationError, match="sourced_id must be a string"):
        make_client().update_class(sourced_id, {"title": "T"})
    assert _nothing_sent(api)


@pytest.mark.parametrize(
    ("sourced_id", "rule"),
    [
        ("", 'path.sourcedId: "" should be non-empty'),
        (".", 'path.sourcedId: "." should not be valid under'),
        ("..", '".." should not be valid'),
    ],
)
@pytest.mark.parametrize("method", ["put_result", "update_class"])
def test_path_id_breaking_the_spec_is_refused(
    api: FakeAPI, make_client, method: str, sourced_id: str, rule: str
) -> None:
    """ "." and ".." would be sent unencoded and removed as dot segments: another resource."""
    without_id = {key: value for key, value in result_input().items() if key != "sourcedId"}
    body = {"title": "T"} if method == "update_class" else without_id
    with pytest.raises(RequestValidationError, match=r"the path sourcedId breaks openapi\.yaml") as caught:
        getattr(make_client(), method)(sourced_id, body)
    assert rule in str(caught.value)
    assert caught.value.fields == ["path.sourcedId"]
    assert _nothing_sent(api)


def test_a_mapping_is_always_checked_against_the_spec(api: FakeAPI, make_client) -> None:
    body = {**result_input(), "scoreStatus": "graded"}
    del body["student"]
    with pytest.raises(RequestValidationError) as caught:
        make_client(strict=False).put_result(RESULT_ID, body)
    assert caught.value.fields == ["result", "result.scoreStatus"]
    assert "'student' is a required property" in str(caught.value)
    assert "putResult" in str(caught.value) and "nothing was sent" in str(caught.value)
    assert _nothing_sent(api)


def test_strict_mode_checks_generated_models_too(api: FakeAPI, make_client) -> None:
    model = ResultInput.from_dict(result_input())
    model.score_status = "graded"  # type: ignore[assignment]  # what a caller can do at run time
    with pytest.raises(RequestValidationError, match=r'result.scoreStatus: "graded" is not one of'):
        make_client(strict=True).put_result(RESULT_ID, model)
    update = ClassUpdate(title=7)  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError, match=r"class\.title: 7 is not of type 'string'"):
        make_client(strict=True).update_class(CLASS_ID, update)
    assert _nothing_sent(api)


def test_without_strict_mode_a_model_is_sent_as_is_and_the_server_decides(api: FakeAPI, make_client) -> None:
    api.script = [httpx.Response(422, json=imsx("putResult", 422))]
    model = ResultInput.from_dict(result_input())
    model.score_status = "graded"  # type: ignore[assignment]
    with pytest.raises(UnprocessableEntityError):
        make_client(strict=False).put_result(RESULT_ID, model)
    assert json.loads(api.api_requests[0].content)["result"]["scoreStatus"] == "graded"


def test_a_model_that_cannot_be_serialised_is_a_request_error_not_a_raw_one(api: FakeAPI, make_client) -> None:
    model = ResultInput.from_dict(result_input())
    model.score_date = "yesterday"  # type: ignore[assignment]  # not a datetime: to_dict() would raise
    for strict in (False, True):
        with pytest.raises(RequestValidationError, match="cannot be serialised"):
            make_client(strict=strict).put_result(RESULT_ID, model)
    assert api.api_requests == []


def test_a_result_read_back_with_plain_json_inside_is_refused_not_raised_raw(api: FakeAPI, make_client) -> None:
    body = response_example("putResult", 201)["result"]
    body["learningObjectiveSet"] = [{"source": "x"}]  # breaks the item schema: the parser keeps plain dicts
    stored = Result.from_dict(body)  # what a caller holds after reading such an answer with validation off
    with pytest.raises(RequestValidationError, match="cannot be serialised"):
        make_client().put_result(RESULT_ID, stored)
    body["learningObjectiveSet"] = None
    body["scoreStatus"] = "graded"
    stored = Result.from_dict({**body, "scoreStatus": "exempt"})
    stored.score_status = "graded"  # type: ignore[assignment]
    with pytest.raises(RequestValidationError, match=r'result\.scoreStatus: "graded" is not one of'):
        make_client().put_result(RESULT_ID, stored)
    assert _nothing_sent(api)


def test_an_argument_of_the_wrong_kind_is_named(api: FakeAPI, make_client) -> None:
    with pytest.raises(RequestValidationError, match="must be a ResultInput, a Result or a mapping, got list"):
        make_client().put_result(RESULT_ID, [])  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError, match="must be a ClassUpdate or a mapping, got str"):
        make_client().update_class(CLASS_ID, "title")  # type: ignore[arg-type]


# -- after: 2xx bodies -------------------------------------------------------------------------


SUCCESS_CASES = [
    case
    for case in field_cases()
    if case.root.direction == "response" and case.root.status is not None and case.root.status < 300
]


def test_every_2xx_body_of_both_operations_has_cases() -> None:
    covered = {(case.root.operation_id, case.root.status) for case in SUCCESS_CASES}
    assert covered == {("putResult", 200), ("putResult", 201), ("updateClass", 200)}


@pytest.mark.parametrize("case", SUCCESS_CASES, ids=str)
def test_a_2xx_body_breaking_the_spec_raises_a_validation_error_naming_operation_and_field(
    api: FakeAPI, make_client, case
) -> None:
    body = case.root.example()
    concrete = break_body(body, case, fill, bad_value="not-a-documented-value")
    api.script = [httpx.Response(case.root.status, json=body, headers={"x-request-id": "req-9"})]
    client = make_client()
    with pytest.raises(ResponseValidationError) as caught:
        if case.root.operation_id == "putResult":
            client.put_result(RESULT_ID, result_input())
        else:
            client.update_class(CLASS_ID, {"title": "T"})
    error = caught.value
    message = str(error)
    assert message.startswith(f"{case.root.operation_id}: HTTP {case.root.status} response")
    if case.kind == "required":
        assert location(concrete[:-1]) in error.fields
        assert f"'{concrete[-1]}' is a required property" in message
    else:
        assert location(concrete) in error.fields
        assert '"not-a-documented-value" is not one of' in message
    assert error.request_id == "req-9" and "(request id req-9)" in message
    assert error.body == body


@pytest.mark.parametrize("validate", [True, False])
def test_a_body_the_generated_parser_chokes_on_is_never_a_raw_error(api: FakeAPI, make_client, validate) -> None:
    body = response_example("updateClass", 200)
    body["terms"] = "not-a-list"  # generated from_dict iterates it and fails with a raw error
    api.script = [httpx.Response(200, json=body)]
    with pytest.raises(ResponseValidationError, match=r"updateClass: HTTP 200 response body breaks openapi.yaml: "):
        make_client(validate_responses=validate).update_class(CLASS_ID, {"title": "T"})


def test_a_wrongly_typed_field_the_parser_would_accept_is_caught(api: FakeAPI, make_client) -> None:
    body = response_example("updateClass", 200)
    body["title"] = 123
    api.script = [httpx.Response(200, json=body)]
    with pytest.raises(ResponseValidationError, match="title: 123 is not of type 'string'"):
        make_client().update_class(CLASS_ID, {"title": "T"})


def test_non_json_and_undocumented_2xx_answers(api: FakeAPI, make_client) -> None:
    api.script = [
        httpx.Response(201, text="<html>ok</html>"),
        httpx.Response(204),
        httpx.Response(201, json=response_example("updateClass", 200)),  # updateClass documents only 200
    ]
    client = make_client()
    with pytest.raises(ResponseValidationError, match="putResult: HTTP 201 response body is not JSON"):
        client.put_result(RESULT_ID, result_input())
    with pytest.raises(ResponseValidationError, match=r"status the spec does not document for putResult \(documented"):
        client.put_result(RESULT_ID, result_input())
    with pytest.raises(ResponseValidationError, match=r"does not document for updateClass \(documented: 200\)"):
        client.update_class(CLASS_ID, {"title": "T"})


@pytest.mark.parametrize("status", [200, 201])
def test_put_result_accepts_both_documented_success_statuses(api: FakeAPI, make_client, status) -> None:
    api.script = [lambda request: success(request, status)]
    stored = make_client().put_result(RESULT_ID, result_input())
    assert isinstance(stored, Result) and stored.sourced_id == RESULT_ID
    assert isinstance(stored.date_last_modified, datetime.datetime)


def test_async_client_validates_responses_too(api: FakeAPI, make_async_client) -> None:
    body = response_example("putResult", 201)
    del body["result"]["scoreStatus"]
    api.script = [httpx.Response(201, json=body)]

    async def main() -> None:
        async with make_async_client() as client:
            await client.put_result(RESULT_ID, result_input())

    with pytest.raises(ResponseValidationError, match="'scoreStatus' is a required property") as caught:
        asyncio.run(main())
    assert caught.value.fields == ["result"]


# -- after: error statuses ----------------------------------------------------------------------

EXPECTED_CLASS = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    500: ServerError,
    503: ServiceUnavailableError,
}
ERROR_STATUSES = [
    (operation_id, status)
    for operation_id in ("putResult", "updateClass")
    for status in operation(operation_id).documented_statuses
    if status >= 400
]


def test_every_documented_error_status_has_its_own_class() -> None:
    assert {status for _, status in ERROR_STATUSES} == set(EXPECTED_CLASS)


@pytest.mark.parametrize(("operation_id", "status"), ERROR_STATUSES)
def test_each_documented_error_status_raises_its_class_with_the_imsx_body(
    api: FakeAPI, make_client, sleeps, operation_id, status
) -> None:
    body = imsx(operation_id, status)
    answer = httpx.Response(status, json=body, headers={"x-amzn-RequestId": "amzn-1"})
    api.script = [answer] * 8  # 401 is replayed once, 429 retried: every answer is the same
    client = make_client()
    with pytest.raises(APIStatusError) as caught:
        if operation_id == "putResult":
            client.put_result(RESULT_ID, result_input())
        else:
            client.update_class(CLASS_ID, {"title": "T"})
    error = caught.value
    assert type(error) is EXPECTED_CLASS[status]
    assert error.status_code == status and error.operation_id == operation_id
    assert isinstance(error.body, ImsxStatusInfo) and error.body.to_dict() == body
    assert error.code_minor == body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    assert error.request_id == "amzn-1"
    assert body["imsx_description"] in str(error) and "(request id amzn-1)" in str(error)


def test_an_error_body_that_is_not_imsx_is_kept_raw(api: FakeAPI, make_client) -> None:
    api.script = [httpx.Response(401, json={"message": "Unauthorized"})] * 2
    with pytest.raises(UnauthorizedError) as caught:
        make_client().update_class(CLASS_ID, {"title": "T"})
    assert caught.value.body == {"message": "Unauthorized"} and caught.value.imsx is None
    assert caught.value.code_minor is None and '{"message": "Unauthorized"}' in str(caught.value)


def test_a_non_json_error_body_is_kept_as_text(api: FakeAPI, make_client) -> None:
    api.script = [httpx.Response(500, text="<html>Internal Server Error</html>", headers={"X-Request-Id": "r-1"})]
    with pytest.raises(ServerError, match=r"HTTP 500 Internal Server Error: <html>") as caught:
        make_client().update_class(CLASS_ID, {"title": "T"})
    assert caught.value.body == "<html>Internal Server Error</html>" and caught.value.request_id == "r-1"


def test_an_unusual_status_code_still_maps(api: FakeAPI, make_client) -> None:
    api.script = [httpx.Response(418, text="teapot"), httpx.Response(599, text="odd")]
    client = make_client()
    with pytest.raises(APIStatusError) as caught:
        client.update_class(CLASS_ID, {"title": "T"})
    assert type(caught.value) is APIStatusError and caught.value.status_code == 418
    with pytest.raises(ServerError):
        client.update_class(CLASS_ID, {"title": "T"})
