"""Item 8: failed client authentications are throttled; the correct client is not slowed.

Was: 16,600 wrong secrets were tried in 10 s, each answered 401. The guesser connects from
127.0.0.2 and the correct client from 127.0.0.1 (both loopback), as two hosts would.
"""

from __future__ import annotations

import time

import httpx

from oneroster_kit.server.process import ReferenceServer

from .conftest import start


def _client(source: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=5)


def test_wrong_secrets_get_429_with_retry_after_and_the_right_client_is_served() -> None:
    srv: ReferenceServer = start()
    try:
        wrong = {"grant_type": "client_credentials", "client_id": srv.client_id, "client_secret": "guess"}
        right = {**wrong, "client_secret": srv.client_secret}
        statuses = []
        started = time.monotonic()
        with _client("127.0.0.2") as guesser, _client("127.0.0.1") as correct:
            for _ in range(60):
                response = guesser.post(srv.token_url, data=wrong)
                statuses.append(response.status_code)
                if response.status_code == 429:
                    assert int(response.headers["retry-after"]) >= 1
                    assert response.json()["error"] == "temporarily_unavailable"
                    # the right secret from the same address is not checked while throttled
                    assert guesser.post(srv.token_url, data=right).status_code == 429
                assert correct.post(srv.token_url, data=right).status_code == 200
        elapsed = time.monotonic() - started
        allowed = 10 + int(elapsed) + 1  # a burst of 10, plus one per second that passed
        assert statuses.count(401) <= allowed, (statuses, elapsed)
        assert statuses.count(429) >= 60 - allowed, (statuses, elapsed)
    finally:
        srv.close()


def test_a_forwarded_for_header_does_not_give_a_guesser_a_new_address() -> None:
    """Was: uvicorn trusts X-Forwarded-For from 127.0.0.1 by default, so a local guesser that sent a
    new made-up address with each request was never throttled. The client address is the socket's."""
    srv: ReferenceServer = start()
    try:
        wrong = {"grant_type": "client_credentials", "client_id": srv.client_id, "client_secret": "guess"}
        with _client("127.0.0.1") as guesser:
            statuses = [
                guesser.post(srv.token_url, data=wrong, headers={"X-Forwarded-For": f"198.51.100.{index}"}).status_code
                for index in range(40)
            ]
        assert statuses.count(429) >= 20, statuses
    finally:
        srv.close()
