"""Retries: what is retried, how long it waits (Retry-After, backoff, caps), logging, giving up."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time

import httpx
import pytest

from oneroster_kit.sdk import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitError,
    RetryConfig,
    ServerError,
    UnprocessableEntityError,
)
from oneroster_kit.sdk.errors import APIStatusError

from .conftest import CLASS_ID, RESULT_ID, FakeAPI, Sleeps, imsx, result_input, retry_config


def busy(retry_after: str | None = None, status: int = 429) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    body = imsx("putResult", 429) if status == 429 else {"message": "Service Unavailable"}
    return httpx.Response(status, json=body, headers=headers)


def test_429_with_retry_after_seconds_waits_that_long_and_logs_the_retry(
    api: FakeAPI, make_client, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    api.script = [busy("7")]
    with caplog.at_level(logging.WARNING, logger="oneroster_kit.sdk"):
        stored = make_client().put_result(RESULT_ID, result_input())
    assert stored.sourced_id == RESULT_ID
    assert sleeps.calls == [7.0]
    assert len(api.api_requests) == 2
    (record,) = [r for r in caplog.records if r.name == "oneroster_kit.sdk"]
    message = record.getMessage()
    assert "HTTP 429" in message and "retry 1 of 3" in message and "Retry-After" in message
    assert f"PUT http://api.test/ims/oneroster/gradebook/v1p2/results/{RESULT_ID}" in message


def test_429_with_retry_after_http_date_waits_until_that_date(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    api.script = [busy(email.utils.formatdate(time.time() + 30, usegmt=True))]
    make_client().put_result(RESULT_ID, result_input())
    (waited,) = sleeps.calls
    assert 25.0 <= waited <= 30.0  # whole-second date resolution, minus the time the test took (slow CI)


def test_retry_after_in_the_past_means_no_wait(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    api.script = [busy(email.utils.formatdate(time.time() - 60, usegmt=True))]
    make_client().put_result(RESULT_ID, result_input())
    assert sleeps.calls == [0.0]


def test_retry_after_is_honoured_only_up_to_the_cap(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    api.script = [busy("3600")]
    client = make_client(retry=retry_config(sleeps, retry_after_max=20.0), deadline=None)  # no deadline to stop it
    client.put_result(RESULT_ID, result_input())
    assert sleeps.calls == [20.0]


def test_unparseable_retry_after_falls_back_to_backoff(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    api.script = [busy("soon")]
    make_client(retry=retry_config(sleeps, jitter=0.0)).put_result(RESULT_ID, result_input())
    assert sleeps.calls == [0.5]


def test_503_then_success(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    api.script = [busy(status=503)]
    updated = make_client().update_class(CLASS_ID, {"title": "T"})
    assert updated.title
    assert len(api.api_requests) == 2 and len(sleeps.calls) == 1
    assert 0.0 <= sleeps.calls[0] <= 0.5  # full jitter over the first backoff step


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_statuses_back_off_exponentially_up_to_the_cap(api: FakeAPI, make_client, sleeps, status) -> None:
    api.script = [busy(status=status)] * 5
    client = make_client(retry=retry_config(sleeps, attempts=6, jitter=0.0, backoff_base=1.0, backoff_max=5.0))
    client.update_class(CLASS_ID, {"title": "T"})
    assert sleeps.calls == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert len(api.api_requests) == 6


def test_jitter_stays_within_its_band(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    values = iter([0.0, 0.5, 1.0])
    config = retry_config(sleeps, attempts=4, backoff_base=2.0, jitter=0.5, random=lambda: next(values))
    api.script = [busy(status=503)] * 3
    make_client(retry=config).update_class(CLASS_ID, {"title": "T"})
    assert sleeps.calls == [2.0, 3.0, 4.0]  # 2*1, 4*0.75, 8*0.5


def test_exhausted_429_raises_rate_limit_error_with_the_server_body(api: FakeAPI, make_client, sleeps) -> None:
    api.script = [busy("2")] * 4
    with pytest.raises(RateLimitError) as caught:
        make_client().put_result(RESULT_ID, result_input())
    assert len(api.api_requests) == 4  # attempts=4 by default
    assert sleeps.calls == [2.0, 2.0, 2.0]
    assert caught.value.retry_after == 2.0
    assert caught.value.code_minor == "server_busy"


def test_exhausted_503_raises_server_error_with_the_raw_body(api: FakeAPI, make_client) -> None:
    api.script = [busy(status=503)] * 4
    with pytest.raises(ServerError) as caught:
        make_client().update_class(CLASS_ID, {"title": "T"})
    assert caught.value.status_code == 503
    assert caught.value.body == {"message": "Service Unavailable"}  # not an imsx body: kept raw


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("connection refused"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset by peer"),
        httpx.ReadTimeout("timed out"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_a_dropped_connection_is_retried(api: FakeAPI, make_client, sleeps: Sleeps, failure) -> None:
    api.script = [failure]
    stored = make_client().put_result(RESULT_ID, result_input())
    assert stored.sourced_id == RESULT_ID
    assert len(api.api_requests) == 2 and len(sleeps.calls) == 1


def test_connection_errors_surface_as_api_connection_error_after_the_retries(api: FakeAPI, make_client) -> None:
    api.script = [httpx.ConnectError("connection refused")] * 4
    with pytest.raises(APIConnectionError, match="putResult: no answer") as caught:
        make_client().put_result(RESULT_ID, result_input())
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(api.api_requests) == 4


def test_timeouts_surface_as_api_timeout_error_after_the_retries(api: FakeAPI, make_client) -> None:
    api.script = [httpx.ReadTimeout("timed out")] * 4
    with pytest.raises(APITimeoutError, match="updateClass: timed out"):
        make_client().update_class(CLASS_ID, {"title": "T"})
    assert len(api.api_requests) == 4


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, APIStatusError),
        (413, PayloadTooLargeError),
        (422, UnprocessableEntityError),
        (500, ServerError),
    ],
)
def test_other_statuses_are_never_retried(api: FakeAPI, make_client, sleeps: Sleeps, status, error) -> None:
    api.script = [httpx.Response(status, json=imsx("putResult", 422), headers={"Retry-After": "1"})] * 2
    with pytest.raises(error) as caught:
        make_client().put_result(RESULT_ID, result_input())
    assert type(caught.value) is error and caught.value.status_code == status
    assert len(api.api_requests) == 1 and sleeps.calls == []


def test_one_attempt_means_no_retry(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    api.script = [busy("1")]
    with pytest.raises(RateLimitError):
        make_client(retry=retry_config(sleeps, attempts=1)).put_result(RESULT_ID, result_input())
    assert len(api.api_requests) == 1 and sleeps.calls == []


def test_the_token_request_is_retried_too(api: FakeAPI, make_client, sleeps: Sleeps) -> None:
    api.token_script = [busy(status=503), httpx.ConnectError("refused")]
    make_client().update_class(CLASS_ID, {"title": "T"})
    assert len(api.token_requests) == 3 and len(sleeps.calls) == 2


def test_async_retries_429_and_dropped_connections(api: FakeAPI, make_async_client, sleeps: Sleeps) -> None:
    api.script = [busy("3"), httpx.RemoteProtocolError("dropped"), busy(status=504)]

    async def main() -> str:
        async with make_async_client(retry=retry_config(sleeps, jitter=0.0)) as client:
            return (await client.put_result(RESULT_ID, result_input())).sourced_id

    assert asyncio.run(main()) == RESULT_ID
    assert sleeps.calls == [3.0, 1.0, 2.0]
    assert len(api.api_requests) == 4


def test_async_gives_up_with_the_same_errors(api: FakeAPI, make_async_client) -> None:
    api.script = [httpx.ConnectTimeout("slow")] * 4

    async def main() -> None:
        async with make_async_client() as client:
            await client.update_class(CLASS_ID, {"title": "T"})

    with pytest.raises(APITimeoutError):
        asyncio.run(main())


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"attempts": 0}, "attempts must be >= 1"),
        ({"backoff_base": -1.0}, "must be >= 0"),
        ({"jitter": 2.0}, "jitter must be between 0 and 1"),
    ],
)
def test_bad_retry_settings_are_refused(settings, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        RetryConfig(**settings)


def test_an_answer_that_cannot_be_decoded_is_a_connection_error_not_a_raw_one(api: FakeAPI, make_client) -> None:
    api.script = [httpx.Response(201, stream=httpx.ByteStream(b"not gzip"), headers={"Content-Encoding": "gzip"})]
    with pytest.raises(APIConnectionError, match="no usable answer") as caught:
        make_client().put_result(RESULT_ID, result_input())
    assert isinstance(caught.value.__cause__, httpx.DecodingError)
