"""The shared validators report violations by field and rule, straight from openapi.yaml."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from oneroster_kit.contract import UnknownOperationError, imsx_problems, operation, operations

VALID_RESULT: dict[str, Any] = {
    "result": {
        "status": "active",
        "lineItem": {"sourcedId": "li-1"},
        "student": {"sourcedId": "stu-1"},
        "scoreStatus": "fully graded",
        "scoreDate": "2026-11-20T14:30:00Z",
    }
}


def test_both_operations_are_read_from_the_spec() -> None:
    assert set(operations()) == {"putResult", "updateClass"}
    put_result = operation("putResult")
    assert put_result.method == "PUT"
    assert put_result.path == "/ims/oneroster/gradebook/v1p2/results/{sourcedId}"
    assert put_result.documented_statuses == [200, 201, 400, 401, 403, 404, 413, 422, 429, 500, 503]
    v1p1 = "https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput"
    v1p2 = "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput"
    assert put_result.scopes == [v1p1, v1p2]
    assert put_result.scope_alternatives == [frozenset({v1p1}), frozenset({v1p2})]
    assert put_result.scopes_lacking(frozenset({v1p2})) == []
    assert put_result.scopes_lacking(frozenset({v1p1, "other"})) == []
    assert put_result.scopes_lacking(frozenset({"other"})) == [v1p1]
    assert put_result.request_defaults == {"status": "active"}
    assert "Retry-After" in put_result.response_headers(429)


def test_unknown_operation_names_the_known_ones() -> None:
    with pytest.raises(UnknownOperationError, match="known: putResult, updateClass"):
        operation("deleteResult")


def test_a_valid_body_has_no_violations() -> None:
    assert operation("putResult").request_validator.violations(VALID_RESULT) == []


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("scoreStatus", "graded", 'result.scoreStatus: "graded" is not one of ["exempt", "fully graded",'),
        ("scoreDate", "yesterday", "result.scoreDate: \"yesterday\" is not a 'date-time'"),
        ("score", "12", "result.score: \"12\" is not of type 'number', 'null'"),
        ("class", {"href": "x"}, "result.class: 'sourcedId' is a required property"),
        ("inProgress", "yes", 'result.inProgress: "yes" is not one of ["true", "false"]'),
        ("learningObjectiveSet", [{"source": "x"}], "result.learningObjectiveSet[0]: 'learningObjectiveResults' is"),
    ],
)
def test_violations_name_the_field_and_the_rule(field: str, value: Any, expected: str) -> None:
    body = copy.deepcopy(VALID_RESULT)
    body["result"][field] = value

    (violation,) = operation("putResult").request_validator.violations(body)

    assert str(violation).startswith(expected)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("9"), "9"),
        (Decimal("87.50"), "87.50"),
        (9, "9"),
        (None, "null"),
        (True, "true"),
        ({"a": Decimal("1")}, '{"a": 1}'),
    ],
)
def test_values_in_messages_are_json(value: Any, shown: str) -> None:
    """The server parses numbers as Decimal: a JSON integer grade must read `9`, not `Decimal('9')`."""
    body = copy.deepcopy(VALID_RESULT)
    body["result"]["textScore"] = value
    if value is None:
        body["result"]["status"] = value
        expected = f"result.status: {shown} is not of type 'string'"
    else:
        expected = f"result.textScore: {shown} is not of type 'string', 'null'"
    messages = [str(v) for v in operation("putResult").request_validator.violations(body)]
    assert expected in messages, messages


def test_missing_required_field_is_reported_at_its_parent() -> None:
    body = copy.deepcopy(VALID_RESULT)
    del body["result"]["student"]

    (violation,) = operation("putResult").request_validator.violations(body)

    assert (violation.location, violation.rule) == ("result", "required")
    assert violation.message == "'student' is a required property"


def test_response_formats_are_really_checked() -> None:
    validator = operation("updateClass").response_validator(200)
    assert validator is not None
    ref = {"href": "not a uri", "sourcedId": "c", "type": "course"}
    body: dict[str, Any] = {
        "sourcedId": "c-1",
        "status": "active",
        "dateLastModified": "2026-11-20",
        "title": "t",
        "classCode": None,
        "classType": "homeroom",
        "location": None,
        "course": ref,
        "school": None,
        "terms": [],
    }

    assert [str(v) for v in validator.violations(body)] == [
        "course.href: \"not a uri\" is not a 'uri'",
        "dateLastModified: \"2026-11-20\" is not a 'date-time'",
    ]


def test_undocumented_status_has_no_validator() -> None:
    assert operation("updateClass").response_validator(418) is None


@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_path_ids_are_checked_against_the_parameter_schema(operation_id: str) -> None:
    op = operation(operation_id)
    assert op.path_violations({"sourcedId": "a b/ü"}) == []
    (dot,) = op.path_violations({"sourcedId": "."})
    assert (dot.location, dot.rule) == ("path.sourcedId", "not")
    (empty,) = op.path_violations({"sourcedId": ""})
    assert str(empty) == 'path.sourcedId: "" should be non-empty'


@pytest.mark.parametrize(
    "body",
    [
        {"imsx_codeMajor": "failure", "imsx_CodeMinor": {"imsx_codeMinorField": "unknownobject"}},
        {"imsx_codeMajor": "failure", "imsx_CodeMinor": {"imsx_codeMinorField": {"imsx_codeMinorFieldValue": "x"}}},
        {"imsx_codeMajor": "failure", "imsx_CodeMinor": "unknownobject"},
        ["imsx_CodeMinor"],
        None,
    ],
)
def test_imsx_problems_reports_a_malformed_error_body_instead_of_raising(body: object) -> None:
    problems = imsx_problems(operation("putResult"), 404, body, 404, "unknownobject")
    assert "imsx_codeMinorFieldValue is absent, expected 'unknownobject'" in problems


def test_imsx_problems_is_empty_for_the_documented_error() -> None:
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": "no such result",
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": "unknownobject"}
            ]
        },
    }
    assert imsx_problems(operation("updateClass"), 404, body, 404, "unknownobject") == []
    assert imsx_problems(operation("updateClass"), 400, body, 404, "unknownobject") == ["answered 400, expected 404"]


def test_each_operation_names_its_body_wrapper_and_inner_schema_once() -> None:
    assert operation("putResult").body_member == "result"
    assert operation("updateClass").body_member == "class"
    assert "scoreStatus" in operation("putResult").body_schema["properties"]
    assert "title" in operation("updateClass").body_schema["properties"]
