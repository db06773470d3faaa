"""`OneRosterClient` and `AsyncOneRosterClient`: the generated SDK with auth, retries and typed errors.

Each call goes: argument checks (`_operations`) -> the generated request (`_get_kwargs` of the
generated operation module: URL template, path quoting, model serialisation, content type) ->
httpx client whose `auth` is `ClientCredentialsAuth` and whose transport is the retry wrapper ->
`_operations.interpret`, which decodes the answer once, checks it against openapi.yaml and builds
the generated model (or raises the matching `OneRosterError`).

Why not the generated `sync_detailed`/`asyncio_detailed`: they are `_get_kwargs`, one
`client.request` and `_build_response`, and the last one is what the SDK must not have. It decodes
the JSON a second time (the spec check needs the document too), raises a raw `ValueError` for a
status outside `http.HTTPStatus` and raw `KeyError`/`TypeError` for a body its parser chokes on
(the SDK then had to recover the answer some other way), and parses error bodies that
`errors.status_error` parses anyway. The generated models do the parsing here, as there.
tests/sdk/test_wire.py checks the SDK sends what `sync_detailed` sends (the same JSON value; the
bytes differ at most in how a float is written, see `_codec`).
A per-call timeout is a request extension, so it also covers the token request the auth flow
sends for that call; one client is safe to share between threads and between tasks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self

import httpx
from oneroster_client.api.gradebook import put_result as _put_result
from oneroster_client.api.rostering import update_class as _update_class
from oneroster_client.models.class_ import Class
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.result import Result
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.sdk._codec import dumps
from oneroster_kit.sdk._operations import (
    MODEL_ERRORS,
    PUT_RESULT,
    UPDATE_CLASS,
    Outcome,
    Plan,
    interpret,
    prepare_class,
    prepare_result,
)
from oneroster_kit.sdk.auth import BearerTokenAuth, ClientCredentialsAuth
from oneroster_kit.sdk.environment import Credentials, Environment
from oneroster_kit.sdk.errors import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    RequestValidationError,
)
from oneroster_kit.sdk.retry import RetryConfig, SDKRetryTransport

__all__ = ["DEFAULT_TIMEOUT", "AsyncOneRosterClient", "OneRosterClient", "TimeoutTypes"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
TimeoutTypes = float | httpx.Timeout
USER_AGENT = "oneroster-kit-sdk/0.1.0"


def _as_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _build(
    client: httpx.Client | httpx.AsyncClient,
    operation_id: str,
    make_kwargs: Callable[[], dict[str, Any]],
    timeout: TimeoutTypes | None,
) -> httpx.Request:
    """The httpx request of one call, from the generated `_get_kwargs` (which serialises the model).

    The generated kwargs carry the document as `json=`; it is sent as `content=` bytes from
    `_codec.dumps`, which writes the same JSON value httpx would, faster (see `_codec`). A body
    that cannot be serialised (a field of the wrong Python type, or NaN, which JSON cannot carry)
    is a RequestValidationError; nothing is sent.
    """
    try:
        kwargs = make_kwargs()
        kwargs["content"] = dumps(kwargs.pop("json"))
        kwargs["url"] = _absolute(client.base_url, kwargs["url"])
        return client.build_request(**kwargs, timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout)
    except MODEL_ERRORS as exc:
        raise RequestValidationError(
            f"{operation_id}: the request body cannot be serialised as JSON (a field has the wrong "
            f"Python type, or a value JSON cannot carry such as NaN; strict=True names the field): {exc!r}",
            operation_id=operation_id,
        ) from exc


# A generated path as `quote(..., safe="")` leaves it: what httpx's parser would keep byte for byte.
_PLAIN_PATH = re.compile(r"(?:[A-Za-z0-9\-._~/]|%[0-9A-Fa-f]{2})*")


def _absolute(base_url: httpx.URL, path: str) -> httpx.URL | str:
    """The URL httpx's `_merge_url` makes of base URL + generated path, without parsing it twice.

    httpx parses the relative path, then the joined URL again: about 25 us of the ~40 us
    `build_request` takes, more than any other step of a call. The generated path is percent-
    encoded ASCII (`quote(..., safe="")`), which the parser keeps as it is, so the URL is the base
    URL's parsed form with the path appended (httpx 0.28.1's `URL._uri_reference`, pinned).
    Anything else (a dot segment, a character the parser would quote, a base URL with a query or
    fragment) is left to httpx. tests/sdk/test_wire.py holds the URLs to `sync_detailed`'s, and
    tests/sdk/test_url.py to `_merge_url`'s for odd base URLs and ids.
    """
    if base_url.query or base_url.fragment or "/." in path or _PLAIN_PATH.fullmatch(path) is None:
        return path
    reference = base_url._uri_reference
    url = httpx.URL.__new__(httpx.URL)
    url._uri_reference = reference._replace(path=reference.path.rstrip("/") + "/" + path.lstrip("/"))
    return url


def _no_answer(operation_id: str, exc: httpx.RequestError) -> Exception:
    """The SDK error for a request that got no usable answer."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{operation_id}: timed out ({exc!r})", operation_id=operation_id)
    if isinstance(exc, httpx.TransportError):
        return APIConnectionError(f"{operation_id}: no answer from the server ({exc!r})", operation_id=operation_id)
    # e.g. an answer whose Content-Encoding cannot be decoded
    return APIConnectionError(f"{operation_id}: no usable answer from the server ({exc!r})", operation_id=operation_id)


def _outcome(response: httpx.Response) -> Outcome:
    return Outcome(response.status_code, response.content, response.headers)


class _ClientBase:
    """Settings shared by the sync and async clients."""

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        environment: Environment | None = None,
        base_url: str | None = None,
        token_url: str | None = None,
        scope: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        retry: RetryConfig | None = None,
        strict: bool = False,
        validate_responses: bool = True,
        auth: httpx.Auth | None = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.auth: httpx.Auth
        if auth is None and token is None:
            credentials = Credentials.resolve(
                client_id=client_id,
                client_secret=client_secret,
                environment=environment,
                base_url=base_url,
                token_url=token_url,
            )
            self.auth = ClientCredentialsAuth(
                credentials.token_url, credentials.client_id, credentials.client_secret, scope=scope
            )
            self.base_url = credentials.base_url
        else:
            if auth is not None and token is not None:
                raise ConfigurationError("OneRoster client: pass auth= or token=, not both")
            base = base_url or (environment.base_url if environment else None)
            if not base:
                raise ConfigurationError("OneRoster client: missing base_url (or environment=)")
            self.auth = auth if auth is not None else BearerTokenAuth(str(token))
            self.base_url = base.rstrip("/")
        self.timeout = _as_timeout(timeout)
        self.retry = retry or RetryConfig()
        self.strict = strict
        self.validate_responses = validate_responses
        self._headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        self._put_result = Plan.of(PUT_RESULT)
        self._update_class = Plan.of(UPDATE_CLASS)

    @classmethod
    def from_env(
        cls, environment: Environment | None = None, *, env: Mapping[str, str] | None = None, **kwargs: Any
    ) -> Self:
        """A client from ONEROSTER_CLIENT_ID, ONEROSTER_CLIENT_SECRET and ONEROSTER_BASE_URL/TOKEN_URL.

        The two URL variables override `environment`; without them, `environment` is required.
        """
        found = Credentials.from_env(environment, env)
        return cls(
            client_id=found.client_id,
            client_secret=found.client_secret,
            base_url=found.base_url,
            token_url=found.token_url,
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth!r})"


class OneRosterClient(_ClientBase):
    """Synchronous client; thread-safe; use as a context manager (or call `close()`)."""

    def __init__(self, *, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.http = httpx.Client(
            base_url=self.base_url,
            auth=self.auth,
            timeout=self.timeout,
            headers=self._headers,
            transport=SDKRetryTransport(transport or httpx.HTTPTransport(), self.retry),
        )

    def put_result(
        self,
        sourced_id: str,
        result: ResultInput | Result | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
    ) -> Result:
        """Create or update the result `sourced_id` (upsert); returns the stored result."""
        body = prepare_result(self._put_result, sourced_id, result, strict=self.strict)
        request = _build(self.http, PUT_RESULT, lambda: _put_result._get_kwargs(sourced_id, body=body), timeout)
        stored: Result = interpret(self._put_result, self._send(PUT_RESULT, request), validate=self.validate_responses)
        return stored

    def update_class(
        self,
        sourced_id: str,
        class_update: ClassUpdate | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
    ) -> Class:
        """Change the fields given of the existing class `sourced_id`; returns the whole class."""
        body = prepare_class(self._update_class, sourced_id, class_update, strict=self.strict)
        request = _build(self.http, UPDATE_CLASS, lambda: _update_class._get_kwargs(sourced_id, body=body), timeout)
        outcome = self._send(UPDATE_CLASS, request)
        updated: Class = interpret(self._update_class, outcome, validate=self.validate_responses)
        return updated

    def _send(self, operation_id: str, request: httpx.Request) -> Outcome:
        try:
            response = self.http.send(request)
        except httpx.RequestError as exc:
            raise _no_answer(operation_id, exc) from exc
        return _outcome(response)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncOneRosterClient(_ClientBase):
    """Asynchronous client; safe to share between tasks; use `async with` (or `await aclose()`)."""

    def __init__(self, *, transport: httpx.AsyncBaseTransport | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=self.auth,
            timeout=self.timeout,
            headers=self._headers,
            transport=SDKRetryTransport(transport or httpx.AsyncHTTPTransport(), self.retry),
        )

    async def put_result(
        self,
        sourced_id: str,
        result: ResultInput | Result | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
    ) -> Result:
        """Create or update the result `sourced_id` (upsert); returns the stored result."""
        body = prepare_result(self._put_result, sourced_id, result, strict=self.strict)
        request = _build(self.http, PUT_RESULT, lambda: _put_result._get_kwargs(sourced_id, body=body), timeout)
        outcome = await self._send(PUT_RESULT, request)
        stored: Result = interpret(self._put_result, outcome, validate=self.validate_responses)
        return stored

    async def update_class(
        self,
        sourced_id: str,
        class_update: ClassUpdate | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
    ) -> Class:
        """Change the fields given of the existing class `sourced_id`; returns the whole class."""
        body = prepare_class(self._update_class, sourced_id, class_update, strict=self.strict)
        request = _build(self.http, UPDATE_CLASS, lambda: _update_class._get_kwargs(sourced_id, body=body), timeout)
        outcome = await self._send(UPDATE_CLASS, request)
        updated: Class = interpret(self._update_class, outcome, validate=self.validate_responses)
        return updated

    async def _send(self, operation_id: str, request: httpx.Request) -> Outcome:
        try:
            response = await self.http.send(request)
        except httpx.RequestError as exc:
            raise _no_answer(operation_id, exc) from exc
        return _outcome(response)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
