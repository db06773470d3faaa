"""OAuth2 client credentials: the token endpoint, and 401/403 on the operations."""

from __future__ import annotations

import base64
import time

import httpx
import pytest

from oneroster_kit.contract import operation
from oneroster_kit.server.process import ReferenceServer

from .conftest import CLASSES, RESULTS, assert_documented, fetch_token, result_body

GRADEBOOK = operation("putResult").scopes[0]
ROSTER = operation("updateClass").scopes[0]


def _form(srv: ReferenceServer, **fields: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": srv.client_id,
        "client_secret": srv.client_secret,
        **fields,
    }


def test_token_with_body_credentials(server: ReferenceServer) -> None:
    response = httpx.post(server.token_url, data=_form(server))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == {*operation("putResult").scopes, ROSTER}
    assert response.headers["cache-control"] == "no-store"


def test_token_with_basic_credentials(server: ReferenceServer) -> None:
    response = httpx.post(
        server.token_url, data={"grant_type": "client_credentials"}, auth=(server.client_id, server.client_secret)
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("data", "auth", "status", "error"),
    [
        ({"client_secret": "wrong"}, None, 401, "invalid_client"),
        ({"client_id": "someone-else"}, None, 401, "invalid_client"),
        ({"client_id": "", "client_secret": ""}, None, 401, "invalid_client"),
        ({"grant_type": "password"}, None, 400, "unsupported_grant_type"),
        ({"grant_type": ""}, None, 400, "unsupported_grant_type"),
        ({"scope": "https://example.test/other"}, None, 400, "invalid_scope"),
        ({"expires_in": "0"}, None, 400, "invalid_request"),
        ({"expires_in": "3601"}, None, 400, "invalid_request"),
        ({"expires_in": "ten"}, None, 400, "invalid_request"),
        ({}, ("oneroster-test-client", "wrong"), 400, "invalid_request"),  # Basic and body credentials both
    ],
)
def test_token_errors(
    server: ReferenceServer, data: dict[str, str], auth: tuple[str, str] | None, status: int, error: str
) -> None:
    response = httpx.post(server.token_url, data=_form(server, **data), auth=auth)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error and response.json()["error_description"]
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Basic")


def test_token_errors_without_a_usable_body(server: ReferenceServer) -> None:
    wrong_type = httpx.post(server.token_url, json=_form(server))
    assert (wrong_type.status_code, wrong_type.json()["error"]) == (400, "invalid_request")
    no_grant = httpx.post(server.token_url, data={"client_id": server.client_id, "client_secret": server.client_secret})
    assert (no_grant.status_code, no_grant.json()["error"]) == (400, "invalid_request")
    wrong_basic = httpx.post(
        server.token_url, data={"grant_type": "client_credentials"}, headers={"Authorization": "Basic !!!"}
    )
    assert (wrong_basic.status_code, wrong_basic.json()["error"]) == (401, "invalid_client")
    get = httpx.get(server.token_url)
    assert (get.status_code, get.headers["allow"]) == (405, "POST")


@pytest.mark.parametrize(
    ("authorization", "words"),
    [
        (None, "Missing bearer token"),
        ("", "Missing bearer token"),
        ("Basic abc", "scheme 'Basic' is not supported"),
        ('Sch"eme\\ x', "is not supported"),
        ("Bearer", "Malformed bearer token"),
        ("Bearer a b", "Malformed bearer token"),
        ("Bearer not-a-token", "Unknown bearer token"),
        ("Bearer v1.e30.AAAA", "Unknown bearer token"),
    ],
)
@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_missing_or_bad_token_is_401(
    server: ReferenceServer, operation_id: str, authorization: str | None, words: str
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    path = RESULTS + "r-auth" if operation_id == "putResult" else CLASSES + server.class_ids[0]
    response = httpx.put(server.base_url + path, json=result_body(), headers=headers)
    body = assert_documented(operation_id, response)
    assert response.status_code == 401 and words in body["imsx_description"]
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "unauthorisedrequest"


def test_tampered_token_is_401(server: ReferenceServer, token: str) -> None:
    prefix, payload, mac = token.split(".")
    claims = base64.urlsafe_b64decode(payload + "==").replace(b'"e":', b'"e":9')
    forged = f"{prefix}.{base64.urlsafe_b64encode(claims).rstrip(b'=').decode()}.{mac}"
    response = httpx.put(
        server.base_url + RESULTS + "r", json=result_body(), headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401


def test_token_of_another_server_is_401(server: ReferenceServer) -> None:
    with ReferenceServer(client_id=server.client_id, client_secret=server.client_secret) as other:
        foreign = fetch_token(other)
    response = httpx.put(
        server.base_url + RESULTS + "r", json=result_body(), headers={"Authorization": f"Bearer {foreign}"}
    )
    assert response.status_code == 401 and "Unknown bearer token" in response.json()["imsx_description"]


def test_expired_token_is_401(server: ReferenceServer) -> None:
    short = fetch_token(server, expires_in="1")
    headers = {"Authorization": f"Bearer {short}"}
    assert httpx.put(server.base_url + RESULTS + "r-exp", json=result_body(), headers=headers).status_code == 201
    time.sleep(1.05)
    response = httpx.put(server.base_url + RESULTS + "r-exp", json=result_body(), headers=headers)
    body = assert_documented("putResult", response)
    assert response.status_code == 401 and body["imsx_description"] == "The access token has expired."
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


@pytest.mark.parametrize(
    ("scope", "allowed", "refused"), [(GRADEBOOK, "putResult", "updateClass"), (ROSTER, "updateClass", "putResult")]
)
def test_token_without_the_operation_scope_is_403(
    server: ReferenceServer, scope: str, allowed: str, refused: str
) -> None:
    narrow = fetch_token(server, scope=scope)
    headers = {"Authorization": f"Bearer {narrow}"}
    paths = {"putResult": RESULTS + "r-scope", "updateClass": CLASSES + server.class_ids[0]}
    bodies = {"putResult": result_body(), "updateClass": {"class": {}}}
    ok = httpx.put(server.base_url + paths[allowed], json=bodies[allowed], headers=headers)
    assert ok.status_code in (200, 201), ok.text
    response = httpx.put(server.base_url + paths[refused], json=bodies[refused], headers=headers)
    body = assert_documented(refused, response)
    assert response.status_code == 403
    assert operation(refused).scopes[0] in body["imsx_description"]
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
