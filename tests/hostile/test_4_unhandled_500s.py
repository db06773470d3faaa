"""Item 4: inputs that raised inside the server (500) get their documented 4xx."""

from __future__ import annotations

import httpx

from oneroster_kit.server.process import ReferenceServer

from .conftest import RESULTS, assert_imsx, token_for


def _form(server: ReferenceServer, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        **extra,
    }


def test_expires_in_of_5000_digits_is_an_oauth2_400(server: ReferenceServer) -> None:
    """Was: ValueError (the int digit limit), answered 500 with an imsx body."""
    response = httpx.post(server.token_url, data=_form(server, expires_in="9" * 5000))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert "expires_in must be an integer" in response.json()["error_description"]


def test_non_ascii_basic_credentials_are_an_oauth2_401(server: ReferenceServer) -> None:
    """Was: `Authorization: Basic \\xe9\\xe9\\xe9\\xe9` raised ValueError inside base64 decoding (500)."""
    response = httpx.post(
        server.token_url,
        content=b"grant_type=client_credentials",
        headers={b"Authorization": b"Basic \xe9\xe9\xe9\xe9", b"Content-Type": b"application/x-www-form-urlencoded"},
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_a_score_with_an_out_of_range_exponent_is_a_400(server: ReferenceServer) -> None:
    """Was: decimal.InvalidOperation while parsing the number (500)."""
    body = (
        b'{"result": {"status": "active", "lineItem": {"sourcedId": "l"}, "student": {"sourcedId": "s"},'
        b' "scoreStatus": "fully graded", "scoreDate": "2026-11-20T14:30:00Z",'
        b' "score": -1E+99999999999999999999999}}'
    )
    response = httpx.put(
        server.base_url + RESULTS + "r-exponent",
        content=body,
        headers={"Authorization": f"Bearer {token_for(server)}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert "exponent is out of range" in response.json()["imsx_description"]
    assert_imsx("putResult", 400, response.content)
