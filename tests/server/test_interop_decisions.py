"""The 1.1.0 Decisions taken for real clients (issue 9), on a real server process.

Google Classroom's OneRoster 1.2 PUT-result tests ask for v1p2 scope names plus readonly/delete
ones in one token request and send results without `status`; timeback-oneroster 0.4.0 sends class
grades as integers. Each test states what such a client gets.
"""

from __future__ import annotations

import httpx

from oneroster_kit.contract import operation
from oneroster_kit.server.process import ReferenceServer

from .conftest import CLASSES, RESULTS, assert_documented, result_body

V1P2 = "https://purl.imsglobal.org/spec/or/v1p2/scope"
GOOGLE_SCOPES = " ".join(
    f"{V1P2}/{name}"
    for name in ("gradebook.createput", "gradebook.readonly", "gradebook.delete", "roster-core.readonly")
)


def _token(srv: ReferenceServer, scope: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": srv.client_id, "client_secret": srv.client_secret}
    return httpx.post(srv.token_url, data={**form, "scope": scope})


def _bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_unknown_requested_scopes_are_dropped_and_the_answer_says_which_were_granted(server: ReferenceServer) -> None:
    answer = _token(server, GOOGLE_SCOPES)
    assert answer.status_code == 200, answer.text
    assert answer.json()["scope"] == f"{V1P2}/gradebook.createput"


def test_a_request_naming_none_of_the_clients_scopes_is_refused(server: ReferenceServer) -> None:
    answer = _token(server, f"{V1P2}/gradebook.readonly")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_scope"
    assert "None of the requested scopes" in answer.json()["error_description"]


def test_the_v1p2_scope_name_may_put_a_result_but_not_update_a_class(server: ReferenceServer) -> None:
    headers = _bearer(_token(server, GOOGLE_SCOPES))
    stored = httpx.put(server.base_url + RESULTS + "interop-v1p2", json=result_body(), headers=headers)
    assert stored.status_code == 201, stored.text
    refused = httpx.put(
        server.base_url + CLASSES + server.class_ids[0], json={"class": {"title": "x"}}, headers=headers
    )
    assert refused.status_code == 403
    assert operation("updateClass").scopes[0] in refused.json()["imsx_description"]


def test_a_result_without_status_is_stored_active(server: ReferenceServer) -> None:
    headers = _bearer(_token(server, GOOGLE_SCOPES))
    body = result_body(score=300, comment="", scoreStatus="exempt")
    del body["result"]["status"]
    stored = httpx.put(server.base_url + RESULTS + "interop-no-status", json=body, headers=headers)
    assert stored.status_code == 201, stored.text
    result = assert_documented("putResult", stored)["result"]
    assert (result["status"], result["score"], result["comment"]) == ("active", 300, "")


def test_integer_grades_get_a_422_that_says_what_was_expected(server: ReferenceServer, token: str) -> None:
    answer = httpx.put(
        server.base_url + CLASSES + server.class_ids[0],
        json={"class": {"grades": [9, 10]}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = assert_documented("updateClass", answer)
    assert answer.status_code == 422
    description = body["imsx_description"]
    assert description.startswith("class.grades[0]: ")  # the rule-by-rule details come first, as for any 422
    plain = description.split(". In plain words: ", 1)[1]
    assert plain.startswith("class.grades: grades sent as JSON integers; expected strings")
    assert '["9", "10"]' in plain and "timeback-oneroster 0.4.0" in plain


def test_an_ordinary_422_has_no_known_client_text(server: ReferenceServer, token: str) -> None:
    answer = httpx.put(
        server.base_url + RESULTS + "interop-plain",
        json=result_body(scoreStatus="graded"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 422
    assert "In plain words" not in answer.json()["imsx_description"]
