"""Every bad input gets a documented 4xx with an imsx body that says what is wrong; never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from oneroster_kit.server.process import ReferenceServer

from .conftest import CLASSES, RESULTS, assert_documented, result_body

JSON = {"Content-Type": "application/json"}


def _deep(levels: int) -> bytes:
    return b'{"result": {"metadata": ' + b"[" * levels + b"]" * levels + b"}}"


@pytest.mark.parametrize(
    ("content", "headers", "expected"),
    [
        (b'{"result": {', JSON, "not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        (b"", JSON, "Request body is empty"),
        (b'{"result": NaN}', JSON, "NaN is not a JSON value"),
        (b'{"result": {"comment": "\xff\xfe"}}', JSON, "not valid UTF-8: byte 0xff at offset 24"),
        (b"\xef\xbb\xbf{}", JSON, "byte order mark"),
        (_deep(65), JSON, "nested too deeply"),
        (_deep(200_000), JSON, "nested too deeply"),
        (b"{}", {}, "Missing Content-Type header"),
        (b"{}", {"Content-Type": "text/plain"}, "Content-Type 'text/plain' is not supported"),
        (b"{}", {"Content-Type": "application/json; charset=latin-1"}, "Charset 'latin-1' is not supported"),
    ],
    ids=[
        "truncated",
        "empty",
        "nan",
        "invalid-utf8",
        "bom",
        "nesting-65",
        "nesting-200000",
        "no-content-type",
        "text-plain",
        "latin1",
    ],
)
@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_unreadable_body_is_400(
    server: ReferenceServer,
    client: httpx.Client,
    operation_id: str,
    content: bytes,
    headers: dict[str, str],
    expected: str,
) -> None:
    path = RESULTS + "r-bad" if operation_id == "putResult" else CLASSES + server.class_ids[0]
    response = client.put(path, content=content, headers=headers)
    body = assert_documented(operation_id, response)
    assert response.status_code == 400, body
    assert expected in body["imsx_description"]


def test_huge_integer_within_the_limit_is_a_number_not_an_error(client: httpx.Client) -> None:
    big = "9" * 5000
    content = (
        '{"result": {"status": "active", "lineItem": {"sourcedId": "l"}, "student": {"sourcedId": "s"},'
        f' "scoreStatus": "exempt", "scoreDate": "2026-11-20T14:30:00Z", "metadata": {{"n": {big}}}}}}}'
    ).encode()
    response = client.put(RESULTS + "r-bigint", content=content, headers=JSON)
    assert response.status_code == 201
    assert f'"n":{big}' in response.text


@pytest.mark.parametrize(("arrays", "status"), [(61, 201), (62, 400)])
def test_nesting_limit_is_64_levels(client: httpx.Client, arrays: int, status: int) -> None:
    body = result_body()
    nested: object = []
    for _ in range(arrays - 1):
        nested = [nested]
    body["result"]["metadata"] = {"deep": nested}  # body, result, metadata, then the arrays: 3 + arrays levels
    assert client.put(RESULTS + "r-deep", json=body).status_code == status


def _chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(65536, total - sent)
        sent += piece
        yield b" " * piece


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_above_one_mebibyte_is_413(client: httpx.Client, chunked: bool) -> None:
    size = 1_048_577
    content = _chunks(size) if chunked else b" " * size
    response = client.put(RESULTS + "r-large", content=content, headers=JSON)
    body = assert_documented("putResult", response)
    assert response.status_code == 413
    assert "limit is 1048576 bytes" in body["imsx_description"]


def test_body_of_exactly_one_mebibyte_is_read(client: httpx.Client) -> None:
    payload = httpx.Request("PUT", "http://x", json=result_body()).content
    padded = payload[:-1] + b" " * (1_048_576 - len(payload)) + b"}"
    assert len(padded) == 1_048_576
    assert client.put(RESULTS + "r-1mib", content=padded, headers=JSON).status_code == 201


@pytest.mark.parametrize(
    ("mutate", "field", "rule"),
    [
        ({"scoreStatus": "graded"}, "result.scoreStatus", "is not one of"),
        ({"score": "ninety"}, "result.score", "is not of type"),
        ({"scoreDate": "yesterday"}, "result.scoreDate", "is not a 'date-time'"),
        ({"late": True}, "result.late", "is not one of"),
        ({"student": {"id": "x"}}, "result.student", "'sourcedId' is a required property"),
        ({"class": {"x": 1}}, "result.class", "'sourcedId' is a required property"),
        ({"learningObjectiveSet": [{"source": "s"}]}, "result.learningObjectiveSet[0]", "'learningObjectiveResults'"),
        ({"sourcedId": "someone-else"}, "result.sourcedId", "differs from the path sourcedId 'r-422'"),
        ({"sourcedId": ""}, "result.sourcedId", "should be non-empty"),
    ],
)
def test_schema_violation_is_422_naming_field_and_rule(
    client: httpx.Client, mutate: dict[str, Any], field: str, rule: str
) -> None:
    response = client.put(RESULTS + "r-422", json=result_body(**mutate))
    body = assert_documented("putResult", response)
    assert response.status_code == 422
    assert body["imsx_description"].startswith(field + ": ") and rule in body["imsx_description"]
    assert any(entry["field"] == field and rule in entry["message"] for entry in body["imsx_error_details"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "(body): 'class' is a required property"),
        ([], "(body): [] is not of type 'object'"),
        ({"class": None}, "class: null is not of type 'object'"),
        ({"class": {"grades": ["K"]}}, 'class.grades[0]: "K" is not one of'),
        ({"class": {"title": None}}, "class.title: null is not of type 'string'"),
        ({"class": {"terms": [{}]}}, "class.terms[0]: 'sourcedId' is a required property"),
    ],
)
def test_class_schema_violation_is_422(server: ReferenceServer, client: httpx.Client, body: object, field: str) -> None:
    response = client.put(CLASSES + server.class_ids[0], json=body)
    answer = assert_documented("updateClass", response)
    assert response.status_code == 422 and answer["imsx_description"].startswith(field), answer


def test_422_lists_every_problem_but_keeps_the_description_short(client: httpx.Client) -> None:
    response = client.put(
        RESULTS + "r-many",
        json={"result": {"status": 1, "late": 2, "missing": 3, "comment": 4, "textScore": 5, "inProgress": 6}},
    )
    body = assert_documented("putResult", response)
    assert len(body["imsx_error_details"]) >= 10
    assert "more (see imsx_error_details)" in body["imsx_description"]


@pytest.mark.parametrize(
    ("raw_id", "sourced_id"),
    [
        ("with%20space", "with space"),
        ("%C3%BCnic%C3%B6de-%E2%9C%93", "ünicöde-✓"),
        ("a%2Fb", "a/b"),
        ("x" * 4000, "x" * 4000),
        ("%00nul", "\x00nul"),
        ("%25percent", "%percent"),
    ],
    ids=["space", "unicode", "encoded-slash", "4000-chars", "nul", "percent"],
)
def test_odd_path_ids_are_stored_under_the_decoded_id(client: httpx.Client, raw_id: str, sourced_id: str) -> None:
    url = httpx.URL(client.base_url.join(RESULTS)).copy_with(raw_path=(RESULTS + raw_id).encode("ascii"))
    response = client.put(url, json=result_body(sourced_id))
    result = assert_documented("putResult", response)["result"]
    assert response.status_code == 201 and result["sourcedId"] == sourced_id


@pytest.mark.parametrize("raw_id", ["%2E", "%2e%2E"])
@pytest.mark.parametrize("base", [RESULTS, CLASSES])
def test_dot_segment_path_ids_are_422(client: httpx.Client, base: str, raw_id: str) -> None:
    """Only reachable percent-encoded (clients remove literal dot segments); the spec forbids them."""
    operation_id = "putResult" if base == RESULTS else "updateClass"
    url = httpx.URL(client.base_url.join(base)).copy_with(raw_path=(base + raw_id).encode("ascii"))
    response = client.put(url, json=result_body() if base == RESULTS else {"class": {"title": "t"}})
    body = assert_documented(operation_id, response)
    assert response.status_code == 422
    assert body["imsx_description"].startswith("path.sourcedId: ")
    assert "should not be valid under {'enum': ['.', '..']}" in body["imsx_description"]


def test_path_id_that_is_not_utf8_is_400(client: httpx.Client) -> None:
    url = httpx.URL(client.base_url.join(RESULTS)).copy_with(raw_path=(RESULTS + "bad%FFid").encode("ascii"))
    response = client.put(url, json=result_body())
    body = assert_documented("putResult", response)
    assert response.status_code == 400 and "not valid UTF-8" in body["imsx_description"]


@pytest.mark.parametrize("path", [RESULTS + "r1/extra", RESULTS, "/", "/ims/oneroster/gradebook/v1p2/results"])
def test_unknown_path_is_404_imsx(client: httpx.Client, path: str) -> None:
    response = client.put(path, json=result_body())
    body = assert_documented("putResult", response)  # same imsx body shape as any documented 404
    assert response.status_code == 404 and "No operation at" in body["imsx_description"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", [RESULTS + "r1", CLASSES + "class-alg1-p1"])
def test_wrong_method_is_405_with_allow(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == "PUT"
    body = assert_documented("putResult", response.__class__(400, json=response.json()))  # imsx shape
    assert method in body["imsx_description"]


def test_head_is_405_without_body(client: httpx.Client) -> None:
    response = client.head(RESULTS + "r1")
    assert response.status_code == 405 and response.headers["allow"] == "PUT"


def test_lone_surrogates_are_stored_escaped_and_echoed_in_errors(server: ReferenceServer, client: httpx.Client) -> None:
    refused = client.put(
        RESULTS + "r-sur", content=b'{"result": {"sourcedId": "\\ud800", "scoreStatus": "\\udfff"}}', headers=JSON
    )
    assert refused.status_code == 422 and "\\udfff" in refused.json()["imsx_description"]
    stored = client.put(
        CLASSES + server.class_ids[0],
        content=b'{"class": {"title": "a\\ud800b", "metadata": {"\\udc00": 1}}}',
        headers=JSON,
    )
    assert stored.status_code == 200
    assert '"title":"a\\ud800b"' in stored.text and '"metadata":{"\\udc00":1}' in stored.text
