"""Test doubles for the SDK tests: a scripted API + token endpoint for `httpx.MockTransport`.

`httpx.MockTransport` is used only where a fault must be injected (429, 503, dropped
connections, expiring tokens, concurrent callers); the end-to-end tests use the real reference
server. Bodies come from the examples in openapi.yaml, never from a copy written here.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
import pytest

from oneroster_kit.contract import operation
from oneroster_kit.sdk import (
    AsyncOneRosterClient,
    ClientCredentialsAuth,
    Environment,
    OneRosterClient,
    RetryConfig,
)
from oneroster_kit.spec import load_spec
from oneroster_kit.spec_walk import roots
from tests.support.field_cases import node_validator

FAKE = Environment.custom("http://api.test", "http://idp.test/oauth2/token", name="fake")
CLIENT_ID = "client-42"
CLIENT_SECRET = "s3cret-value"
RESULT_PATH = "/ims/oneroster/gradebook/v1p2/results/"
CLASS_PATH = "/ims/oneroster/rostering/v1p2/classes/"


def _example_value(media: dict[str, Any]) -> Any:
    first = next(iter(media["examples"].values()))
    if "$ref" in first:
        first = load_spec()["components"]["examples"][first["$ref"].rsplit("/", 1)[1]]
    return copy.deepcopy(first["value"])


def request_example(operation_id: str) -> Any:
    """The first request-body example of the operation in openapi.yaml (the wrapper included)."""
    return _example_value(operation(operation_id).definition["requestBody"]["content"]["application/json"])


def response_example(operation_id: str, status: int) -> Any:
    """The first example of a documented response (refs resolved)."""
    response = operation(operation_id).definition["responses"][str(status)]
    if "$ref" in response:
        response = load_spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return _example_value(response["content"]["application/json"])


def result_input() -> dict[str, Any]:
    """A valid result object (unwrapped) whose sourcedId is `RESULT_ID`."""
    body: dict[str, Any] = request_example("putResult")["result"]
    return body


RESULT_ID: str = request_example("putResult")["result"]["sourcedId"]
CLASS_ID: str = response_example("updateClass", 200)["sourcedId"]


class FakeClock:
    """A monotonic clock that only moves when told to (shared by the auth and the fake API)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeAPI:
    """Token endpoint plus both operations; API answers can be scripted one by one.

    Unscripted API requests get the spec's success example (sourcedId set to the path id) when
    the bearer token is one this fake issued and has not expired, else a 401 imsx body.
    """

    def __init__(self, clock: FakeClock | None = None, *, expires_in: int | None = 3600) -> None:
        self.clock = clock or FakeClock()
        self.expires_in = expires_in
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.used_tokens: list[str] = []  # Authorization of each API request as received (replays mutate it)
        self.script: list[Answer] = []
        self.token_script: list[Answer] = []
        self.tokens: dict[str, float] = {}  # token -> expiry on the fake clock
        self.token_delay = 0.0  # real seconds the token endpoint takes (widens race windows)
        self._lock = threading.Lock()

    # -- transport handlers --------------------------------------------------------------------
    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            if self.token_delay:
                time.sleep(self.token_delay)
            return self._token(request)
        return self._api(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/token":
            if self.token_delay:
                await asyncio.sleep(self.token_delay)
            return self._token(request)
        await asyncio.sleep(0)  # let other tasks run, as a network would
        return self._api(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.async_handler)

    # -- behaviour -----------------------------------------------------------------------------
    def _scripted(self, queue: list[Answer], request: httpx.Request) -> httpx.Response | None:
        with self._lock:
            answer = queue.pop(0) if queue else None
        if answer is None:
            return None
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    def _token(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.token_requests.append(request)
        scripted = self._scripted(self.token_script, request)
        if scripted is not None:
            return scripted
        form = {key: values[0] for key, values in parse_qs(request.content.decode()).items()}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return httpx.Response(401, json={"error": "invalid_client", "error_description": "bad credentials"})
        with self._lock:
            token = f"tok-{len(self.token_requests)}"
            self.tokens[token] = self.clock() + (self.expires_in or 10**9)
        body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)

    def revoke(self, token: str) -> None:
        self.tokens.pop(token, None)

    def _api(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.api_requests.append(request)
            self.used_tokens.append(request.headers.get("authorization", ""))
        scripted = self._scripted(self.script, request)
        if scripted is not None:
            return scripted
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        expiry = self.tokens.get(token)
        if expiry is None or self.clock() >= expiry:
            return httpx.Response(401, json=response_example("putResult", 401))
        return success(request)


def success(request: httpx.Request, status: int | None = None) -> httpx.Response:
    """The spec's success example for the request's operation, with the path id filled in."""
    path = request.url.path
    sourced_id = unquote(path.rsplit("/", 1)[1])
    if path.startswith(RESULT_PATH):
        body = response_example("putResult", 201)
        body["result"]["sourcedId"] = sourced_id
        return httpx.Response(status or 201, json=body)
    body = response_example("updateClass", 200)
    body["sourcedId"] = sourced_id
    return httpx.Response(status or 200, json=body)


class Sleeps:
    """Records what the retry layer asked to sleep, without sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> FakeAPI:
    return FakeAPI(clock)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def retry_config(sleeps: Sleeps, **overrides: Any) -> RetryConfig:
    return RetryConfig(sleep=sleeps, async_sleep=sleeps.asleep, **overrides)


def make_auth(clock: FakeClock, **kwargs: Any) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(
        FAKE.token_url, CLIENT_ID, kwargs.pop("client_secret", CLIENT_SECRET), clock=clock, **kwargs
    )


@pytest.fixture
def make_client(api: FakeAPI, clock: FakeClock, sleeps: Sleeps) -> Iterator[Callable[..., OneRosterClient]]:
    made: list[OneRosterClient] = []

    def build(**kwargs: Any) -> OneRosterClient:
        kwargs.setdefault("auth", make_auth(clock))
        kwargs.setdefault("retry", retry_config(sleeps))
        client = OneRosterClient(environment=FAKE, transport=api.transport(), **kwargs)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def make_async_client(api: FakeAPI, clock: FakeClock, sleeps: Sleeps) -> Callable[..., AsyncOneRosterClient]:
    def build(**kwargs: Any) -> AsyncOneRosterClient:
        kwargs.setdefault("auth", make_auth(clock))
        kwargs.setdefault("retry", retry_config(sleeps))
        return AsyncOneRosterClient(environment=FAKE, transport=api.async_transport(), **kwargs)

    return build


def imsx(operation_id: str, status: int) -> dict[str, Any]:
    body: dict[str, Any] = response_example(operation_id, status)
    return body


def _values(document: Any) -> Iterator[Any]:
    yield document
    children = document.values() if isinstance(document, dict) else document if isinstance(document, list) else ()
    for child in children:
        yield from _values(child)


@functools.cache
def _example_values() -> list[Any]:
    return [value for root in roots() for value in _values(root.example()) if value not in (None, [], {})]


def fill(pointer: str) -> Any:
    """A valid value for a schema node, taken from the spec's own examples."""
    validator = node_validator(pointer)
    for value in _example_values():
        if validator.is_valid(value):
            return copy.deepcopy(value)
    raise LookupError(f"no example value in openapi.yaml is valid under {pointer}")
