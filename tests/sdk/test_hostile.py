"""The SDK against a hostile server on loopback: drips, retry traps, malformed tokens, echoes, bombs.

Issue 8, items 10-13. Every server here is a real socket (`hostile_server.py`), and the client
uses its default transport, so what is tested is what a caller gets: a call ends within its
deadline (retries, the token request and a dripped answer included); a Retry-After past the
deadline raises at once; every malformed token answer is an AuthenticationError; the client
secret and the tokens never appear in an error message or a log line, whatever the server sends;
an answer longer than `max_response_bytes` (after decoding, too) is refused while it streams;
and a non-finite number in an answer is a ResponseValidationError.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from oneroster_kit.sdk import (
    APITimeoutError,
    AsyncOneRosterClient,
    AuthenticationError,
    ConfigurationError,
    OneRosterClient,
    OneRosterError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    RetryConfig,
    ServerError,
    UnauthorizedError,
)

from .conftest import result_input
from .hostile_server import HostileServer, Received, answer, drip, head, result_answer, serve, token_answer

pytestmark = pytest.mark.timeout(60)

RESULT_ID = str(result_input()["sourcedId"])
SECRET = "s3cr+t/ü=&x-42 secret"  # form-encoding, URL-encoding, JSON and repr all write it differently
DEADLINE = 2.5
# Slack for a loaded 2-core CI machine when comparing elapsed time to a deadline. Without the fixes
# these calls run for minutes (a 700-byte body dripped at 2 bytes/s; Retry-After waits of 60 s each).
SLACK = 1.5


@pytest.fixture
def server() -> Iterator[HostileServer]:
    yield from serve()


def client_for(server: HostileServer, **kwargs: Any) -> OneRosterClient:
    kwargs.setdefault("timeout", 3.0)  # longer than any gap of the drips below: only the deadline can end them
    kwargs.setdefault("deadline", DEADLINE)
    return OneRosterClient(
        client_id="hostile-client",
        client_secret=SECRET,
        base_url=server.base_url,
        token_url=server.token_url,
        **kwargs,
    )


def async_client_for(server: HostileServer, **kwargs: Any) -> AsyncOneRosterClient:
    kwargs.setdefault("timeout", 3.0)
    kwargs.setdefault("deadline", DEADLINE)
    return AsyncOneRosterClient(
        client_id="hostile-client",
        client_secret=SECRET,
        base_url=server.base_url,
        token_url=server.token_url,
        **kwargs,
    )


def put(server: HostileServer, **kwargs: Any) -> Any:
    with client_for(server, **kwargs) as client:
        return client.put_result(RESULT_ID, result_input())


def secret_forms(*secrets: str) -> list[str]:
    forms = []
    for secret in secrets:
        forms += [secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1], repr(secret)[1:-1]]
    return forms


def assert_hidden(text: str, *secrets: str) -> None:
    for form in secret_forms(*secrets):
        assert form not in text, f"{form!r} appears in {text!r}"


def everything_shown(error: BaseException, caplog: pytest.LogCaptureFixture) -> str:
    """The message of the error and of every chained cause, and every log line: all a user sees."""
    shown = [str(error), repr(error)]
    link: BaseException | None = error
    while link is not None:
        shown += [str(link), repr(link)]
        context = None if link.__suppress_context__ else link.__context__
        link = link.__cause__ if link.__cause__ is not None else context
    shown += [record.getMessage() for record in caplog.records]
    return "\n".join(shown)


# -- item 10: one deadline for the whole call ---------------------------------------------------


def drip_body(server: HostileServer) -> Any:
    def handler(request: Received, conn: socket.socket) -> None:
        body = json.dumps(result_answer(RESULT_ID)).encode()
        conn.sendall(head(201, length=len(body)))
        drip(conn, body, 0.5, server.stop)

    return handler


def drip_headers(server: HostileServer) -> Any:
    def handler(request: Received, conn: socket.socket) -> None:
        drip(conn, head(201, {"X-Filler": "x" * 2000}, length=2), 0.5, server.stop)

    return handler


@pytest.mark.parametrize("where", ["body", "headers"])
def test_an_answer_dripped_slower_than_the_deadline_ends_at_the_deadline(server: HostileServer, where: str) -> None:
    server.api = drip_body(server) if where == "body" else drip_headers(server)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"deadline of 2\.5s"):
        put(server)
    assert DEADLINE - 0.1 <= time.monotonic() - started < DEADLINE + SLACK
    assert len(server.requests_to("/ims/")) == 1  # nothing retried past the deadline


def test_a_dripped_token_answer_ends_at_the_deadline(server: HostileServer) -> None:
    def token(request: Received, conn: socket.socket) -> None:
        drip(conn, head(200, length=200) + b" " * 200, 0.5, server.stop)

    server.token = token
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline"):
        put(server)
    assert time.monotonic() - started < DEADLINE + SLACK
    assert server.requests_to("/ims/") == []


def test_an_async_call_ends_at_the_deadline(server: HostileServer) -> None:
    server.api = drip_body(server)

    async def main() -> None:
        async with async_client_for(server) as client:
            await client.put_result(RESULT_ID, result_input())

    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"deadline of 2\.5s"):
        asyncio.run(main())
    assert DEADLINE - 0.1 <= time.monotonic() - started < DEADLINE + SLACK


def test_a_thread_waiting_for_another_threads_token_request_ends_at_its_deadline(server: HostileServer) -> None:
    def slow_token(request: Received, conn: socket.socket) -> None:
        server.stop.wait(4.0)
        answer(conn, 200, token_answer())

    server.token = slow_token
    with client_for(server, deadline=10.0, timeout=8.0) as client:
        first = threading.Thread(target=client.put_result, args=(RESULT_ID, result_input()))
        first.start()  # fetches the token, holding the lock for about 4 s
        time.sleep(0.3)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="another thread's token request"):
            client.put_result(RESULT_ID, result_input(), deadline=1.0)
        waited = time.monotonic() - started
        first.join()
    assert 0.9 <= waited < 1.0 + SLACK
    assert len(server.requests_to("/oauth2/")) == 1


def test_an_async_call_through_the_callers_own_transport_ends_at_the_deadline() -> None:
    async def stuck(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)  # a transport the SDK cannot see into
        raise AssertionError("not reached")

    async def main() -> None:
        async with AsyncOneRosterClient(
            token="fixed-token", base_url="http://api.test", transport=httpx.MockTransport(stuck), deadline=1.0
        ) as client:
            await client.put_result(RESULT_ID, result_input())

    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"deadline of 1s"):
        asyncio.run(main())
    assert time.monotonic() - started < 1.0 + SLACK


def test_a_retry_after_beyond_the_deadline_raises_at_once(server: HostileServer) -> None:
    server.api = lambda request, conn: answer(conn, 429, {"message": "slow down"}, {"Retry-After": "99999"})
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        put(server, deadline=5.0)
    assert time.monotonic() - started < SLACK
    assert caught.value.retry_after == 99999
    assert len(server.requests_to("/ims/")) == 1


def test_a_retry_after_beyond_the_deadline_at_the_token_endpoint_raises_at_once(server: HostileServer) -> None:
    server.token = lambda request, conn: answer(conn, 429, {"error": "slow_down"}, {"Retry-After": "99999"})
    started = time.monotonic()
    with pytest.raises(AuthenticationError, match="HTTP 429"):
        put(server, deadline=5.0)
    assert time.monotonic() - started < SLACK
    assert len(server.requests_to("/oauth2/")) == 1


def test_async_retry_after_beyond_the_deadline_raises_at_once(server: HostileServer) -> None:
    server.api = lambda request, conn: answer(conn, 429, {"message": "slow down"}, {"Retry-After": "99999"})

    async def main() -> None:
        async with async_client_for(server, deadline=5.0) as client:
            await client.put_result(RESULT_ID, result_input())

    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        asyncio.run(main())
    assert time.monotonic() - started < SLACK and caught.value.retry_after == 99999


def test_backoff_retries_stop_before_the_deadline(server: HostileServer) -> None:
    server.api = lambda request, conn: answer(conn, 503, {"message": "busy"})
    retry = RetryConfig(attempts=50, backoff_base=0.4, backoff_max=0.4, jitter=0.0)
    started = time.monotonic()
    with pytest.raises(ServerError):
        put(server, retry=retry, deadline=2.0)
    assert time.monotonic() - started < 2.0 + SLACK
    assert 2 <= len(server.requests_to("/ims/")) <= 6  # about 2.0 / 0.4 tries, not 50


# -- item 11: every malformed token answer is an AuthenticationError -----------------------------

MALFORMED_TOKEN_ANSWERS = {
    "expires_in superscript two": json.dumps(token_answer(expires_in="²")).encode(),
    "expires_in 1e400 as an integer": b'{"access_token": "t1", "token_type": "Bearer", "expires_in": 1'
    + b"0" * 400
    + b"}",
    "expires_in 1E+400": b'{"access_token": "t1", "token_type": "Bearer", "expires_in": 1E+400}',
    "expires_in NaN": b'{"access_token": "t1", "token_type": "Bearer", "expires_in": NaN}',
    "expires_in an object": json.dumps(token_answer(expires_in={"s": 1})).encode(),
    "expires_in 5000 digits": b'{"access_token": "t1", "token_type": "Bearer", "expires_in": ' + b"9" * 5000 + b"}",
    "token_type a number": json.dumps(token_answer(token_type=5)).encode(),
    "access_token a list": json.dumps(token_answer(access_token=["t"])).encode(),
    "access_token with CR/LF": json.dumps(token_answer(access_token="tok\r\nX-Injected: 1")).encode(),
    "access_token with a space": json.dumps(token_answer(access_token="tok en")).encode(),
    "a JSON list": b"[1, 2]",
    "not UTF-8": b'{"access_token": "\xff\xfe"}',
    "empty": b"",
}


@pytest.mark.parametrize("body", MALFORMED_TOKEN_ANSWERS.values(), ids=MALFORMED_TOKEN_ANSWERS.keys())
def test_every_malformed_token_answer_is_an_authentication_error(server: HostileServer, body: bytes) -> None:
    server.token = lambda request, conn: answer(conn, 200, body)
    with pytest.raises(AuthenticationError, match=r"token endpoint .* answered 200 with"):
        put(server)
    assert server.requests_to("/ims/") == []  # nothing sent with a token that could not be used


# -- item 12: the secret and the tokens never shown ---------------------------------------------


def echo_form_as_text(request: Received, conn: socket.socket) -> None:
    answer(conn, 400, b"bad request: " + request.body, {"Content-Type": "text/plain"})


def echo_form_in_description(request: Received, conn: socket.socket) -> None:
    answer(conn, 400, {"error": "invalid_request", "error_description": f"got {request.body.decode()}"})


def echo_decoded_form(request: Received, conn: socket.socket) -> None:
    answer(conn, 401, {"error": "invalid_client", "error_description": f"unknown secret {request.form()}"})


def echo_secret_cut_short(request: Received, conn: socket.socket) -> None:
    form = request.form()
    answer(conn, 401, b"secret " + form["client_secret"].encode()[:9], {"Content-Type": "text/plain"})


@pytest.mark.parametrize(
    "token_endpoint", [echo_form_as_text, echo_form_in_description, echo_decoded_form, echo_secret_cut_short]
)
def test_an_echoing_token_endpoint_never_shows_the_secret(
    server: HostileServer, caplog: pytest.LogCaptureFixture, token_endpoint: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    server.token = token_endpoint
    with pytest.raises(AuthenticationError) as caught:
        put(server)
    shown = everything_shown(caught.value, caplog)
    assert_hidden(shown, SECRET, SECRET[:9])
    assert_hidden(str(caught.value.error_description), SECRET)
    assert "***" in str(caught.value)


def test_a_token_with_cr_lf_is_never_shown(server: HostileServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = "eyJ0b2tlbiI6MX0.abc\r\nX-Injected: yes"
    server.token = lambda request, conn: answer(conn, 200, token_answer(access_token=token))
    with pytest.raises(OneRosterError) as caught:
        put(server)
    assert isinstance(caught.value, AuthenticationError)
    assert_hidden(everything_shown(caught.value, caplog), token, "eyJ0b2tlbiI6MX0.abc")
    assert server.requests_to("/ims/") == []


def test_a_fixed_token_with_cr_lf_is_refused_without_being_shown(server: HostileServer) -> None:
    token = "fixed-token\r\nX-Injected: yes"
    with pytest.raises(ConfigurationError, match="visible ASCII") as caught:
        OneRosterClient(base_url=server.base_url, token=token)
    assert_hidden(str(caught.value), token, "fixed-token")
    assert server.received == []


def test_an_api_echoing_the_authorization_header_never_shows_a_token(
    server: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    issued = iter(["hostile-token-1", "hostile-token-2"])
    server.token = lambda request, conn: answer(conn, 200, token_answer(access_token=next(issued)))
    server.api = lambda request, conn: answer(
        conn, 401, {"message": f"rejected {request.headers.get('authorization')}"}
    )
    with pytest.raises(UnauthorizedError) as caught:
        put(server)
    assert len(server.requests_to("/oauth2/")) == 2  # refreshed and replayed once
    assert_hidden(everything_shown(caught.value, caplog), "hostile-token-1", "hostile-token-2")


# -- item 13: a maximum answer size, decoded size included; finite numbers only -----------------

LIMIT = 64 * 1024


def test_an_answer_declared_larger_than_the_limit_is_refused_unread(server: HostileServer) -> None:
    def huge(request: Received, conn: socket.socket) -> None:
        conn.sendall(head(201, length=20 * 1024 * 1024))
        conn.sendall(b" " * (1024 * 1024))

    server.api = huge
    with pytest.raises(ResponseTooLargeError, match=f"max_response_bytes={LIMIT}") as caught:
        put(server, max_response_bytes=LIMIT)
    assert caught.value.limit == LIMIT and caught.value.status_code == 201


def test_an_answer_without_a_length_is_cut_at_the_limit(server: HostileServer) -> None:
    def endless(request: Received, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 201 X\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n")
        for _ in range(20):
            conn.sendall(b" " * (1024 * 1024))

    server.api = endless
    with pytest.raises(ResponseTooLargeError, match="more than 65536 bytes received"):
        put(server, max_response_bytes=LIMIT)


@functools.cache
def gzip_bomb(decoded_mib: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [compressor.compress(b'{"result": {"comment": "')]
    spaces = b" " * (1024 * 1024)
    parts += [compressor.compress(spaces) for _ in range(decoded_mib)]
    parts += [compressor.compress(b'"}}'), compressor.flush()]
    return b"".join(parts)


@pytest.mark.parametrize("where", ["api", "token"])
def test_a_gzip_bomb_is_refused_while_it_decodes_without_the_memory(server: HostileServer, where: str) -> None:
    bomb = gzip_bomb(200)  # about 200 KB on the wire, 200 MiB decoded

    def bombing(request: Received, conn: socket.socket) -> None:
        answer(conn, 200 if where == "token" else 201, bomb, {"Content-Encoding": "gzip"})

    setattr(server, where, bombing)
    expected = AuthenticationError if where == "token" else ResponseTooLargeError
    tracemalloc.start()
    try:
        with pytest.raises(expected, match="more than 4194304 bytes after decoding"):
            put(server)  # the default limit, 4 MiB
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 24 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB while refusing a 200 MiB bomb"


def test_a_small_gzip_answer_is_still_decoded(server: HostileServer) -> None:
    server.api = lambda request, conn: answer(
        conn, 201, zlib.compress(json.dumps(result_answer(RESULT_ID)).encode(), wbits=31), {"Content-Encoding": "gzip"}
    )
    assert put(server).sourced_id == RESULT_ID


@pytest.mark.parametrize("number", [b"1E+400", b"-1e999", b"NaN", b"Infinity", b"-Infinity"])
def test_a_non_finite_number_in_an_answer_is_a_response_validation_error(server: HostileServer, number: bytes) -> None:
    body = json.dumps(result_answer(RESULT_ID)).replace('"score": 87.5', '"score": SCORE').encode()
    assert b"SCORE" in body
    server.api = lambda request, conn: answer(conn, 201, body.replace(b"SCORE", number))
    with pytest.raises(ResponseValidationError, match="no schema allows") as caught:
        put(server)
    assert caught.value.status_code == 201
