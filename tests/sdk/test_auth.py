"""OAuth2 client credentials: token request shape, caching, expiry, 401 replay, single flight, refusal."""

from __future__ import annotations

import asyncio
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import httpx
import pytest

from oneroster_kit.sdk import AuthenticationError, ClientCredentialsAuth, UnauthorizedError

from .conftest import CLASS_ID, CLIENT_ID, CLIENT_SECRET, FAKE, RESULT_ID, FakeAPI, imsx, make_auth, result_input


def test_token_request_is_form_encoded_with_the_credentials_in_the_body(api: FakeAPI, make_client) -> None:
    client = make_client()
    client.update_class(CLASS_ID, {"title": "T"})
    (token_request,) = api.token_requests
    assert token_request.method == "POST"
    assert str(token_request.url) == FAKE.token_url
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in token_request.headers  # no HTTP Basic: TimeBack documents the body
    form = parse_qs(token_request.content.decode())
    assert form == {"grant_type": ["client_credentials"], "client_id": [CLIENT_ID], "client_secret": [CLIENT_SECRET]}
    assert api.used_tokens == ["Bearer tok-1"]


def test_scope_is_sent_when_asked_for(api: FakeAPI, make_client, clock) -> None:
    client = make_client(auth=make_auth(clock, scope="a b"))
    client.update_class(CLASS_ID, {"title": "T"})
    assert parse_qs(api.token_requests[0].content.decode())["scope"] == ["a b"]


def test_token_is_reused_until_shortly_before_it_expires(api: FakeAPI, make_client, clock) -> None:
    client = make_client()
    client.update_class(CLASS_ID, {"title": "T"})
    clock.advance(3500)
    client.update_class(CLASS_ID, {"title": "T"})
    assert len(api.token_requests) == 1
    clock.advance(75)  # 3575 s: inside the 30 s early-refresh margin of a 3600 s token
    client.update_class(CLASS_ID, {"title": "T"})
    assert len(api.token_requests) == 2
    assert api.used_tokens == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]


def test_token_that_expires_mid_run_is_replaced_without_a_failed_call(api: FakeAPI, make_client, clock) -> None:
    api.expires_in = 60
    client = make_client()
    for _ in range(5):
        client.put_result(RESULT_ID, result_input())
        clock.advance(20)  # the fake server enforces the same 60 s lifetime
    assert api.used_tokens == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",  # at 60 s (54 s after the early-refresh margin) a new token was fetched first
        "Bearer tok-2",
    ]
    assert len(api.api_requests) == 5  # no 401 round trip was needed


def test_token_revoked_early_is_refreshed_once_and_the_request_replayed(api: FakeAPI, make_client) -> None:
    client = make_client()
    client.update_class(CLASS_ID, {"title": "T"})
    api.revoke("tok-1")  # the server stops accepting it before its expires_in (clock skew, rotation)
    updated = client.update_class(CLASS_ID, {"title": "after"})
    assert updated.sourced_id == CLASS_ID
    assert api.used_tokens == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    assert json.loads(api.api_requests[-1].content) == {"class": {"title": "after"}}  # replayed with its body


def test_a_401_once_then_success(api: FakeAPI, make_client) -> None:
    api.script = [httpx.Response(401, json=imsx("putResult", 401))]
    client = make_client()
    stored = client.put_result(RESULT_ID, result_input())
    assert stored.sourced_id == RESULT_ID
    assert len(api.token_requests) == 2
    assert api.used_tokens == ["Bearer tok-1", "Bearer tok-2"]


def test_a_second_401_is_raised_after_one_replay(api: FakeAPI, make_client) -> None:
    api.script = [httpx.Response(401, json=imsx("putResult", 401))] * 3
    client = make_client()
    with pytest.raises(UnauthorizedError) as caught:
        client.put_result(RESULT_ID, result_input())
    assert caught.value.status_code == 401
    assert caught.value.code_minor == "unauthorisedrequest"
    assert len(api.api_requests) == 2  # original + one replay, never more
    assert len(api.token_requests) == 2


def test_rejected_credentials_raise_a_clear_error_and_send_nothing_else(api: FakeAPI, make_client, clock) -> None:
    client = make_client(auth=make_auth(clock, client_secret="wrong"))
    with pytest.raises(AuthenticationError) as caught:
        client.put_result(RESULT_ID, result_input())
    message = str(caught.value)
    assert "rejected the client credentials" in message
    assert CLIENT_ID in message and "invalid_client" in message and FAKE.token_url in message
    assert "wrong" not in message  # the secret is never echoed
    assert caught.value.status_code == 401 and caught.value.error == "invalid_client"
    assert api.api_requests == []
    assert len(api.token_requests) == 1  # a refusal is not retried


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(400, json={"error": "unsupported_grant_type"}), "did not issue a token"),
        (httpx.Response(200, json={"token_type": "Bearer"}), "without a bearer access_token"),
        (httpx.Response(200, json={"access_token": "x", "token_type": "mac"}), "not a bearer token"),
        (httpx.Response(200, text="<html>"), "without a bearer access_token"),
    ],
)
def test_unusable_token_answers_raise_authentication_error(api: FakeAPI, make_client, answer, expected) -> None:
    api.token_script = [answer]
    with pytest.raises(AuthenticationError, match=expected):
        make_client().update_class(CLASS_ID, {"title": "T"})
    assert api.api_requests == []


def test_a_token_without_expires_in_is_kept_until_a_401(api: FakeAPI, make_client, clock) -> None:
    api.expires_in = None
    client = make_client()
    client.update_class(CLASS_ID, {"title": "T"})
    clock.advance(10**6)
    client.update_class(CLASS_ID, {"title": "T"})
    assert len(api.token_requests) == 1


def test_fifty_threads_share_exactly_one_token_fetch(api: FakeAPI, make_client) -> None:
    api.token_delay = 0.05  # keep the fetch in flight while the other threads arrive
    client = make_client()
    start = threading.Barrier(50)

    def call(index: int) -> str:
        start.wait()
        return client.put_result(f"result-{index}", {**result_input(), "sourcedId": f"result-{index}"}).sourced_id

    with ThreadPoolExecutor(max_workers=50) as pool:
        ids = list(pool.map(call, range(50)))
    assert ids == [f"result-{index}" for index in range(50)]
    assert len(api.token_requests) == 1
    assert set(api.used_tokens) == {"Bearer tok-1"} and len(api.api_requests) == 50


def test_fifty_tasks_share_exactly_one_token_fetch(api: FakeAPI, make_async_client) -> None:
    api.token_delay = 0.05

    async def main() -> list[str]:
        async with make_async_client() as client:
            stored = await asyncio.gather(
                *(client.put_result(f"r-{index}", {**result_input(), "sourcedId": f"r-{index}"}) for index in range(50))
            )
        return [result.sourced_id for result in stored]

    assert asyncio.run(main()) == [f"r-{index}" for index in range(50)]
    assert len(api.token_requests) == 1
    assert set(api.used_tokens) == {"Bearer tok-1"} and len(api.api_requests) == 50


def test_many_concurrent_401s_cause_one_refresh(api: FakeAPI, make_async_client) -> None:
    async def main() -> None:
        async with make_async_client() as client:
            await client.update_class(CLASS_ID, {"title": "T"})
            api.revoke("tok-1")
            api.token_delay = 0.05
            await asyncio.gather(*(client.update_class(CLASS_ID, {"title": str(index)}) for index in range(20)))

    asyncio.run(main())
    assert len(api.token_requests) == 2
    assert api.used_tokens.count("Bearer tok-2") == 20


def test_the_same_auth_serves_several_event_loops(api: FakeAPI, make_async_client, clock) -> None:
    auth = make_auth(clock)

    async def once() -> None:
        async with make_async_client(auth=auth) as client:
            await asyncio.gather(*(client.update_class(CLASS_ID, {"title": "T"}) for _ in range(3)))

    asyncio.run(once())
    asyncio.run(once())  # a lock bound to the first (closed) loop would fail here
    assert len(api.token_requests) == 1


def test_the_secret_never_appears_in_reprs(make_client, clock) -> None:
    auth = make_auth(clock)
    client = make_client(auth=auth)
    assert CLIENT_SECRET not in repr(auth) and CLIENT_SECRET not in repr(client)


def test_empty_settings_are_refused_with_their_names() -> None:
    with pytest.raises(ValueError, match="client_id, client_secret"):
        ClientCredentialsAuth("http://idp.test/token", "", "")
