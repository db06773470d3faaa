"""Issue 11's server items: a request id on every answer and in the log, JSON values in messages, fault help."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import time

import httpx
import pytest

from oneroster_kit.server.faults import FAULTS
from oneroster_kit.server.process import ReferenceServer

RESULTS = "/ims/oneroster/gradebook/v1p2/results/"
CLASSES = "/ims/oneroster/rostering/v1p2/classes/"
JSON = {"Content-Type": "application/json"}
HEX_ID = re.compile(r"[0-9a-f]{32}")

VALID = {
    "status": "active",
    "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
    "student": {"sourcedId": "student-42"},
    "scoreStatus": "fully graded",
    "scoreDate": "2026-11-20T14:30:00Z",
}


def _answers(server: ReferenceServer, client: httpx.Client) -> list[httpx.Response]:
    """One answer of each kind: 200, 201, 401, 404 (class and path), 405, 413, 400, 422, the token endpoint."""
    return [
        client.put(CLASSES + server.class_ids[0], json={"class": {}}),
        client.put(RESULTS + "rid-1", json={"result": VALID}),
        httpx.put(server.base_url + RESULTS + "rid-2", json={"result": VALID}),
        client.put(CLASSES + "no-such-class", json={"class": {}}),
        client.get("/no/such/path"),
        client.delete(RESULTS + "rid-1"),
        client.put(RESULTS + "rid-3", content=b"{" * 10, headers=JSON),
        client.put(RESULTS + "rid-4", content=b"x" * 1_100_000, headers=JSON),
        client.put(RESULTS + "rid-5", json={"result": {**VALID, "score": "ninety"}}),
        httpx.post(server.token_url, data={"grant_type": "client_credentials"}),
    ]


def test_every_answer_has_a_request_id_that_the_log_names(server: ReferenceServer, client: httpx.Client) -> None:
    answers = _answers(server, client)
    assert sorted({a.status_code for a in answers}) == [200, 201, 400, 401, 404, 405, 413, 422]
    ids = [a.headers.get("x-request-id") for a in answers]
    assert all(i is not None and HEX_ID.fullmatch(i) for i in ids), ids
    assert len(set(ids)) == len(ids)  # one per request
    for request_id in ids:
        assert f" request_id={request_id}\n" in _log_after_answers(server, request_id), request_id


def _log_after_answers(server: ReferenceServer, last: str) -> str:
    """The server writes a request's log line just after sending its answer: wait for it (bounded)."""
    deadline = time.monotonic() + 10
    log = server.log_text()
    while f"request_id={last}\n" not in log and time.monotonic() < deadline:
        time.sleep(0.02)
        log = server.log_text()
    return log


def test_a_plain_client_request_id_is_kept_and_an_odd_one_replaced(
    server: ReferenceServer, client: httpx.Client
) -> None:
    kept = client.put(CLASSES + server.class_ids[0], json={"class": {}}, headers={"x-request-id": "trace-42.a:b"})
    assert kept.headers["x-request-id"] == "trace-42.a:b"
    odd = client.put(CLASSES + server.class_ids[0], json={"class": {}}, headers={"x-request-id": "a b<script>"})
    assert HEX_ID.fullmatch(odd.headers["x-request-id"])
    assert " request_id=trace-42.a:b\n" in _log_after_answers(server, "trace-42.a:b")


def test_the_sdk_sees_the_request_id(server: ReferenceServer) -> None:
    from oneroster_kit.sdk import Environment, NotFoundError, OneRosterClient

    environment = Environment.custom(server.base_url, server.token_url)
    with (
        OneRosterClient(client_id=server.client_id, client_secret=server.client_secret, environment=environment) as sdk,
        pytest.raises(NotFoundError) as caught,
    ):
        sdk.update_class("no-such-class", {"title": "x"})
    assert caught.value.request_id is not None and HEX_ID.fullmatch(caught.value.request_id)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b'"textScore": 9', "result.textScore: 9 is not of type"),
        (b'"textScore": 87.50', "result.textScore: 87.50 is not of type"),
        (b'"status": null', "result.status: null is not of type 'string'"),
        (b'"score": "9"', 'result.score: "9" is not of type'),
        (b'"scoreStatus": "graded"', 'result.scoreStatus: "graded" is not one of ["exempt", '),
    ],
)
def test_error_messages_show_json_values_as_json(client: httpx.Client, raw: bytes, shown: str) -> None:
    body = (
        b'{"result": {"status": "active", "lineItem": {"sourcedId": "l"}, "student": {"sourcedId": "s"}, '
        b'"scoreStatus": "fully graded", "scoreDate": "2026-11-20T14:30:00Z", ' + raw + b"}}"
    )
    response = client.put(RESULTS + "rid-json", content=body, headers=JSON)
    assert response.status_code == 422
    described = response.json()["imsx_description"]
    details = " | ".join(d["message"] for d in response.json().get("imsx_error_details", []))
    assert shown.split(": ", 1)[1] in described + details, described
    assert "Decimal(" not in described + details and "None" not in described + details


def _help() -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "oneroster_kit.server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    return completed.stdout


def test_help_describes_every_fault_in_full() -> None:
    # the whole first paragraph of each fault's docstring, not only its first line (issue 18)
    epilog = _help().split("faults (--fault NAME)", 1)[1]
    entries = re.split(r"\n  (?=\w)", "\n" + epilog.split("\n", 1)[1])
    described = {entry.split()[0]: " ".join(entry.split()[1:]) for entry in entries if entry.strip()}
    assert set(described) == set(FAULTS)
    for name, fault in FAULTS.items():
        summary = " ".join(inspect.cleandoc(fault.__doc__ or "").split("\n\n", 1)[0].split())
        assert summary, f"fault {name} has no description"
        assert described[name] == summary, name
    assert "interleave and leave a document that is none of the writes" in described["non_atomic_write"]


def test_help_shows_the_database_default() -> None:
    assert "(default oneroster-reference.db in the current directory)" in " ".join(_help().split())
