"""`OneRosterClient` and `AsyncOneRosterClient`: the generated SDK with auth, retries and typed errors.

Each call goes: argument checks (`_operations`) -> generated `sync_detailed`/`asyncio_detailed`
-> httpx client whose `auth` is `ClientCredentialsAuth` and whose transport is the retry
wrapper -> back through `_operations.interpret` to a generated model or an `OneRosterError`.
Per-call timeouts and the capture of the raw answer (needed when the generated parser raises)
ride on context variables read by the client's transport, so one client is safe to share
between threads and between tasks.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Self

import httpx
from oneroster_client.api.gradebook import put_result as _put_result
from oneroster_client.api.rostering import update_class as _update_class
from oneroster_client.client import AuthenticatedClient
from oneroster_client.models.class_ import Class
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.result import Result
from oneroster_client.models.result_input import ResultInput
from oneroster_client.types import Response

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
    OneRosterError,
    RequestValidationError,
)
from oneroster_kit.sdk.retry import RetryConfig, SDKRetryTransport

__all__ = ["DEFAULT_TIMEOUT", "AsyncOneRosterClient", "OneRosterClient", "TimeoutTypes"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
TimeoutTypes = float | httpx.Timeout
USER_AGENT = "oneroster-kit-sdk/0.1.0"

_call_timeout: contextvars.ContextVar[dict[str, float | None] | None] = contextvars.ContextVar(
    "oneroster_call_timeout", default=None
)
_last_response: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "oneroster_last_response", default=None
)


class _CallTransport(SDKRetryTransport):
    """The retry transport, plus the two per-call concerns that ride on context variables.

    Applies a per-call timeout to every request of the call (the token request included) and
    remembers the last answer, which `_Calls.failure` needs when the generated parser raises.
    Done here rather than in event hooks: one call less per request on the hot path.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timeout = _call_timeout.get()
        if timeout is not None:
            request.extensions["timeout"] = timeout
        response = super().handle_request(request)
        _last_response.set(response)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = _call_timeout.get()
        if timeout is not None:
            request.extensions["timeout"] = timeout
        response = await super().handle_async_request(request)
        _last_response.set(response)
        return response


def _as_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


class _Calls:
    """Shared bookkeeping of one call: context variables in, errors out."""

    def __init__(self, operation_id: str, timeout: TimeoutTypes | None) -> None:
        self.operation_id = operation_id
        self._timeout = None if timeout is None else _as_timeout(timeout).as_dict()

    def __enter__(self) -> Self:
        self._tokens = (_call_timeout.set(self._timeout), _last_response.set(None))
        return self

    def __exit__(self, *exc_info: object) -> None:
        _call_timeout.reset(self._tokens[0])
        _last_response.reset(self._tokens[1])

    def outcome(self, response: Response[Any]) -> Outcome[Any]:
        headers = response.headers if isinstance(response.headers, httpx.Headers) else httpx.Headers(response.headers)
        return Outcome(int(response.status_code), response.content, headers, response.parsed)

    def failure(self, exc: Exception) -> Outcome[Any]:
        """Map an exception from the generated call: re-raise as an SDK error or recover the answer."""
        if isinstance(exc, OneRosterError):
            raise exc
        if isinstance(exc, httpx.TimeoutException):
            raise APITimeoutError(f"{self.operation_id}: timed out ({exc!r})", operation_id=self.operation_id) from exc
        if isinstance(exc, httpx.TransportError):
            raise APIConnectionError(
                f"{self.operation_id}: no answer from the server ({exc!r})", operation_id=self.operation_id
            ) from exc
        if isinstance(exc, httpx.RequestError):  # e.g. an answer whose Content-Encoding cannot be decoded
            raise APIConnectionError(
                f"{self.operation_id}: no usable answer from the server ({exc!r})", operation_id=self.operation_id
            ) from exc
        if isinstance(exc, MODEL_ERRORS):
            raw = _last_response.get()
            if raw is None:  # failed before anything was sent: the body could not be serialised
                raise RequestValidationError(
                    f"{self.operation_id}: the request body cannot be serialised as JSON (a field has the wrong "
                    f"Python type, or a value JSON cannot carry such as NaN; strict=True names the field): {exc!r}",
                    operation_id=self.operation_id,
                ) from exc
            return Outcome(raw.status_code, raw.content, raw.headers, None, exc)
        raise exc


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
        # The generated functions take a client object; auth and timeouts come from the httpx client set on it.
        self._api = AuthenticatedClient(base_url=self.base_url, token="", raise_on_unexpected_status=False)
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
            transport=_CallTransport(transport or httpx.HTTPTransport(), self.retry),
        )
        self._api.set_httpx_client(self.http)

    def put_result(
        self,
        sourced_id: str,
        result: ResultInput | Result | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
    ) -> Result:
        """Create or update the result `sourced_id` (upsert); returns the stored result."""
        body = prepare_result(self._put_result, sourced_id, result, strict=self.strict)
        with _Calls(PUT_RESULT, timeout) as call:
            try:
                outcome = call.outcome(_put_result.sync_detailed(sourced_id, client=self._api, body=body))
            except Exception as exc:
                outcome = call.failure(exc)
        stored: Result = interpret(self._put_result, outcome, validate=self.validate_responses)
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
        with _Calls(UPDATE_CLASS, timeout) as call:
            try:
                outcome = call.outcome(_update_class.sync_detailed(sourced_id, client=self._api, body=body))
            except Exception as exc:
                outcome = call.failure(exc)
        updated: Class = interpret(self._update_class, outcome, validate=self.validate_responses)
        return updated

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
            transport=_CallTransport(transport or httpx.AsyncHTTPTransport(), self.retry),
        )
        self._api.set_async_httpx_client(self.http)

    async def put_result(
        self,
        sourced_id: str,
        result: ResultInput | Result | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
    ) -> Result:
        """Create or update the result `sourced_id` (upsert); returns the stored result."""
        body = prepare_result(self._put_result, sourced_id, result, strict=self.strict)
        outcome = await self._run(
            PUT_RESULT, timeout, lambda: _put_result.asyncio_detailed(sourced_id, client=self._api, body=body)
        )
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
        outcome = await self._run(
            UPDATE_CLASS, timeout, lambda: _update_class.asyncio_detailed(sourced_id, client=self._api, body=body)
        )
        updated: Class = interpret(self._update_class, outcome, validate=self.validate_responses)
        return updated

    @staticmethod
    async def _run(
        operation_id: str, timeout: TimeoutTypes | None, send: Callable[[], Awaitable[Response[Any]]]
    ) -> Outcome[Any]:
        with _Calls(operation_id, timeout) as call:
            try:
                return call.outcome(await send())
            except Exception as exc:
                return call.failure(exc)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
