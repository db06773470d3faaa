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

Each call also runs under an overall deadline (`deadline.py`: retries, their waits, the token
request and a slowly dripped answer included), every answer is read through `_guard` (at most
`max_response_bytes`, decoded size included), and every error leaves the client with the client
secret and tokens redacted from its message (`_redact`), whatever the server sent.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import httpx
from oneroster_client.api.gradebook import put_result as _put_result
from oneroster_client.api.rostering import update_class as _update_class
from oneroster_client.models.class_ import Class
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.result import Result
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.sdk._codec import dumps
from oneroster_kit.sdk._guard import DEFAULT_MAX_RESPONSE_BYTES, AnswerTooLarge, GuardTransport
from oneroster_kit.sdk._network import deadline_async_http_transport, deadline_http_transport
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
from oneroster_kit.sdk._redact import Secrets
from oneroster_kit.sdk.auth import BearerTokenAuth, ClientCredentialsAuth
from oneroster_kit.sdk.deadline import (
    DEFAULT_DEADLINE,
    DeadlinePassed,
    check_deadline_seconds,
    current_deadline,
    enter_deadline,
    leave_deadline,
)
from oneroster_kit.sdk.environment import Credentials, Environment
from oneroster_kit.sdk.errors import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    OneRosterError,
    RequestValidationError,
    ResponseTooLargeError,
)
from oneroster_kit.sdk.retry import RetryConfig, SDKRetryTransport
from oneroster_kit.sdk.settings import DEFAULT_TIMEOUT, ClientSettings, TimeoutTypes

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "AsyncOneRosterClient",
    "OneRosterClient",
    "TimeoutTypes",
]

USER_AGENT = "oneroster-kit-sdk/0.1.0"
# Only the encodings `_guard` decodes with a bound (httpx would add br/zstd when installed).
ACCEPT_ENCODING = "gzip, deflate"
_DEADLINE_SLACK = 0.05  # seconds: a timeout this close to the deadline is the deadline's


# A generated path as `quote(..., safe="")` leaves it: what httpx's parser would keep byte for byte.
_PLAIN_PATH = re.compile(r"(?:[A-Za-z0-9\-._~/]|%[0-9A-Fa-f]{2})*")


def _absolute(base_url: httpx.URL, path: str) -> httpx.URL | str:
    """The URL httpx's `_merge_url` makes of base URL + generated path, parsed once instead of twice.

    httpx parses the relative path, then the joined URL again, the costliest step of building a
    request. The generated path is percent-encoded ASCII (`quote(..., safe="")`), which the parser
    keeps as it is, so joining it to the base URL's text and parsing that once (public `httpx.URL`)
    gives the same URL. Anything else (a dot segment, a character the parser would quote, a base
    URL with a query or fragment) is left to httpx. tests/sdk/test_wire.py holds the URLs to
    `sync_detailed`'s, and tests/sdk/test_url.py to `_merge_url`'s for odd base URLs and ids.
    """
    if base_url.query or base_url.fragment or "/." in path or _PLAIN_PATH.fullmatch(path) is None:
        return path
    return httpx.URL(str(base_url).rstrip("/") + "/" + path.lstrip("/"))


def _where(exc: httpx.RequestError, api_request: httpx.Request) -> str:
    """Which of the call's requests got no answer, and where it went ("the API at host:port").

    The call sends the API request and, when no token is cached, the auth's token request first;
    "connection refused" alone does not say which, nor where, so a wrong URL is hard to spot.
    """
    try:
        failed = exc.request  # httpx sets it on the way out of `send`
    except RuntimeError:  # pragma: no cover - an error raised outside any request
        failed = api_request
    what = "the API" if failed is api_request or failed.url == api_request.url else "the token endpoint"
    url = failed.url
    host = f"[{url.host}]" if ":" in url.host else url.host
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return f"{what} at {host}:{port}" if port else f"{what} at {host}"


def _no_answer(
    operation_id: str, exc: httpx.RequestError, redact: Callable[[str], str], request: httpx.Request
) -> Exception:
    """The SDK error for a request that got no usable answer (the server's text redacted)."""
    if isinstance(exc, AnswerTooLarge):
        return ResponseTooLargeError(
            f"{operation_id}: {exc}", operation_id=operation_id, status_code=exc.status_code, limit=exc.limit
        )
    detail = redact(repr(exc))
    current = current_deadline()
    out_of_time = current is not None and current.remaining() < _DEADLINE_SLACK  # a capped socket timeout fired
    if isinstance(exc, DeadlinePassed) or (isinstance(exc, httpx.TimeoutException) and out_of_time):
        return APITimeoutError(
            f"{operation_id}: no complete answer within the call's deadline of {current.seconds if current else 0:g}s "
            f"({detail})",
            operation_id=operation_id,
        )
    where = _where(exc, request)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{operation_id}: timed out waiting for {where} ({detail})", operation_id=operation_id)
    if isinstance(exc, httpx.TransportError):
        return APIConnectionError(f"{operation_id}: no answer from {where} ({detail})", operation_id=operation_id)
    # e.g. an answer whose Content-Encoding cannot be decoded
    return APIConnectionError(f"{operation_id}: no usable answer from {where} ({detail})", operation_id=operation_id)


def _deadline_error(operation_id: str, deadline: float) -> APITimeoutError:
    return APITimeoutError(
        f"{operation_id}: no complete answer within the call's deadline of {deadline:g}s", operation_id=operation_id
    )


def _outcome(response: httpx.Response) -> Outcome:
    return Outcome(response.status_code, response.content, response.headers)


def _scrub(error: OneRosterError, secrets: Secrets) -> None:
    """Redact the secret and tokens from an error's message, text attributes and cause."""
    redact = secrets.redact
    error.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in error.args)
    for name in ("error", "error_description", "body"):
        value = getattr(error, name, None)
        if isinstance(value, str):
            setattr(error, name, redact(value))
    cause = error.__cause__
    if cause is not None and (str(cause) in secrets or repr(cause) in secrets or _chained_secret(cause, secrets)):
        error.__cause__ = None  # the raw httpx/h11 error quotes what the server or a header held
        error.__suppress_context__ = True


def _chained_secret(exc: BaseException, secrets: Secrets) -> bool:
    seen = 0
    link = exc.__cause__ or exc.__context__
    while link is not None and seen < 10:
        if str(link) in secrets or repr(link) in secrets:
            return True
        link, seen = link.__cause__ or link.__context__, seen + 1
    return False


class _CallScope:
    """The scope of one call (a plain class: cheaper per call than a generator context manager)."""

    __slots__ = ("_seconds", "_secrets", "_token")

    def __init__(self, seconds: float | None, secrets: Secrets) -> None:
        self._seconds = seconds
        self._secrets = secrets

    def __enter__(self) -> None:
        self._token = enter_deadline(self._seconds)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        leave_deadline(self._token)
        if isinstance(exc, OneRosterError):
            _scrub(exc, self._secrets)


class _Default:
    """The type of `CLIENT_DEADLINE`: "use the client's deadline"."""

    def __repr__(self) -> str:
        return "CLIENT_DEADLINE"


CLIENT_DEADLINE = _Default()


@dataclass(frozen=True)
class _Endpoint:
    """One operation as a client calls it: its spec plan, its argument checks, its generated request."""

    plan: Plan  # per client: it also remembers which one-time notes this client has logged
    check: Callable[..., Any]  # `prepare_result`/`prepare_class`: the checked request body
    generated_kwargs: Callable[..., dict[str, Any]]  # the generated module's `_get_kwargs`


_Transport = TypeVar("_Transport", bound=httpx.BaseTransport | httpx.AsyncBaseTransport)
_Http = TypeVar("_Http", bound=httpx.Client | httpx.AsyncClient)


class _ClientBase(Generic[_Transport, _Http]):
    """Everything the sync and async clients share; only sending (`_send`) and `_open` differ."""

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
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry: RetryConfig | None = None,
        strict: bool = False,
        validate_responses: bool = True,
        check_response_ids: bool = True,
        auth: httpx.Auth | None = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        transport: _Transport | None = None,
    ) -> None:
        """A client for the TimeBack OneRoster API (or any server of openapi.yaml).

        Credentials and servers: `client_id`/`client_secret` with `environment` (a preset such as
        `Environment.STAGING`, or `Environment.custom(base_url, token_url)`) or `base_url` and
        `token_url` (overriding the preset's; a base URL without a token URL is a ConfigurationError);
        `scope` for the token request; or `token=` (a bearer token obtained elsewhere) or `auth=` (any
        httpx.Auth) with `base_url`/`environment`.

        timeout: httpx timeouts of each attempt (seconds, or an httpx.Timeout); default 30 s, connect 10 s.
        deadline: seconds one call may take in all (retries, their waits, the token request and a
            slowly arriving answer included), or None for no overall limit; default 60 s.
        max_response_bytes: the longest answer read, after decoding gzip/deflate; default 4 MiB.
        retry: a RetryConfig (default: 4 attempts, exponential backoff, Retry-After honoured).
        strict: also check generated models against openapi.yaml and refuse members it does not
            define (otherwise: a warning) before sending.
        validate_responses: check every 2xx answer against openapi.yaml (default True).
        check_response_ids: refuse (ResponseValidationError) a 2xx answer whose sourcedId is not the
            path id, i.e. another resource's; default True. False accepts it, e.g. from a mock server
            that answers every call with one example (independent of validate_responses).
        headers: extra headers sent with every request.
        transport: an httpx transport to send through (tests, proxies); default: the SDK's own.

        The settings from `scope` to `headers` are kept, checked, as `client.settings` (a ClientSettings).
        """
        self.auth, self.base_url = _auth_and_base_url(
            client_id=client_id,
            client_secret=client_secret,
            environment=environment,
            base_url=base_url,
            token_url=token_url,
            scope=scope,
            auth=auth,
            token=token,
        )
        self.settings = ClientSettings(
            scope=scope,
            timeout=timeout,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            retry=retry,
            strict=strict,
            validate_responses=validate_responses,
            check_response_ids=check_response_ids,
            headers=headers,
        )
        known = getattr(self.auth, "secrets", None)
        self.secrets = known if isinstance(known, Secrets) else Secrets()
        self._put_result = _Endpoint(Plan.of(PUT_RESULT), prepare_result, _put_result._get_kwargs)
        self._update_class = _Endpoint(Plan.of(UPDATE_CLASS), prepare_class, _update_class._get_kwargs)
        self.http: _Http = self._open(transport)

    @classmethod
    def from_env(
        cls,
        environment: Environment | None = None,
        *,
        env: Mapping[str, str] | None = None,
        scope: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry: RetryConfig | None = None,
        strict: bool = False,
        validate_responses: bool = True,
        check_response_ids: bool = True,
        headers: Mapping[str, str] | None = None,
        transport: _Transport | None = None,
    ) -> Self:
        """A client from ONEROSTER_CLIENT_ID, ONEROSTER_CLIENT_SECRET and ONEROSTER_BASE_URL/TOKEN_URL.

        The two URL variables override `environment`; without them, `environment` is required.
        ONEROSTER_BASE_URL without ONEROSTER_TOKEN_URL is a ConfigurationError (the preset's token
        URL would get credentials meant for another server). Other arguments: see the constructor.
        """
        found = Credentials.from_env(environment, env)
        return cls(
            client_id=found.client_id,
            client_secret=found.client_secret,
            base_url=found.base_url,
            token_url=found.token_url,
            scope=scope,
            timeout=timeout,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            retry=retry,
            strict=strict,
            validate_responses=validate_responses,
            check_response_ids=check_response_ids,
            headers=headers,
            transport=transport,
        )

    def _open(self, transport: _Transport | None) -> _Http:
        """The httpx client of this client, sending through `transport` (or the SDK's own network)."""
        raise NotImplementedError

    def _http_options(self) -> dict[str, Any]:
        """What both kinds of httpx client are opened with."""
        timeout = self.settings.timeout
        return {
            "base_url": self.base_url,
            "auth": self.auth,
            "timeout": timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            "headers": {
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
                **(self.settings.headers or {}),
            },
        }

    def _stack(
        self, inner: httpx.BaseTransport | httpx.AsyncBaseTransport, *, reads_end_at_deadline: bool
    ) -> SDKRetryTransport:
        """retries -> per-attempt deadline and size guard -> the network (or the caller's transport)."""
        guard = GuardTransport(inner, self.settings.max_response_bytes, reads_end_at_deadline=reads_end_at_deadline)
        return SDKRetryTransport(guard, self.settings.retry or RetryConfig(), redact=self.secrets.redact)

    def _call(self, deadline: float | _Default | None) -> _CallScope:
        """One call: its deadline, and every error's message redacted on the way out."""
        if isinstance(deadline, _Default):
            return _CallScope(self.settings.deadline, self.secrets)
        try:
            return _CallScope(check_deadline_seconds(deadline), self.secrets)
        except ValueError as exc:
            raise ConfigurationError(f"OneRoster client: {exc}") from None

    def _prepare(
        self, endpoint: _Endpoint, sourced_id: str, argument: object, timeout: TimeoutTypes | None
    ) -> httpx.Request:
        """The request of one call: the argument checks, then the generated `_get_kwargs`.

        The generated kwargs (URL template, path quoting, model serialisation) carry the document
        as `json=`; it is sent as `content=` bytes from `_codec.dumps`, which writes the same JSON
        value httpx would, faster (see `_codec`). A body that cannot be serialised (a field of the
        wrong Python type, or NaN, which JSON cannot carry) is a RequestValidationError; nothing is
        sent.
        """
        operation_id = endpoint.plan.operation_id
        body = endpoint.check(endpoint.plan, sourced_id, argument, strict=self.settings.strict)
        try:
            kwargs = endpoint.generated_kwargs(sourced_id, body=body)
            kwargs["content"] = dumps(kwargs.pop("json"))
            kwargs["url"] = _absolute(self.http.base_url, kwargs["url"])
            return self.http.build_request(**kwargs, timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout)
        except MODEL_ERRORS as exc:
            raise RequestValidationError(
                f"{operation_id}: the request body cannot be serialised as JSON (a field has the wrong "
                f"Python type, or a value JSON cannot carry such as NaN; strict=True names the field): {exc!r}",
                operation_id=operation_id,
            ) from exc

    def _answer(self, endpoint: _Endpoint, sourced_id: str, outcome: Outcome) -> Any:
        """The generated model the answer holds, or the error it stands for."""
        return interpret(
            endpoint.plan,
            outcome,
            validate=self.settings.validate_responses,
            path_id=sourced_id if self.settings.check_response_ids else None,
            redact=self.secrets.redact,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth!r})"


def _auth_and_base_url(
    *,
    client_id: str | None,
    client_secret: str | None,
    environment: Environment | None,
    base_url: str | None,
    token_url: str | None,
    scope: str | None,
    auth: httpx.Auth | None,
    token: str | None,
) -> tuple[httpx.Auth, str]:
    """How a client authenticates and where it sends its calls, from the constructor's arguments."""
    if auth is None and token is None:
        credentials = Credentials.resolve(
            client_id=client_id,
            client_secret=client_secret,
            environment=environment,
            base_url=base_url,
            token_url=token_url,
        )
        flow = ClientCredentialsAuth(
            credentials.token_url, credentials.client_id, credentials.client_secret, scope=scope
        )
        return flow, credentials.base_url
    if auth is not None and token is not None:
        raise ConfigurationError("OneRoster client: pass auth= or token=, not both")
    base = base_url or (environment.base_url if environment else None)
    if not base:
        raise ConfigurationError("OneRoster client: missing base_url (or environment=)")
    if auth is None:
        try:
            auth = BearerTokenAuth(str(token))
        except ValueError as exc:
            raise ConfigurationError(f"OneRoster client: {exc}") from None
    return auth, base.rstrip("/")


class OneRosterClient(_ClientBase[httpx.BaseTransport, httpx.Client]):
    """Synchronous client; thread-safe; use as a context manager (or call `close()`)."""

    def _open(self, transport: httpx.BaseTransport | None) -> httpx.Client:
        inner = transport or deadline_http_transport()
        stack = self._stack(inner, reads_end_at_deadline=transport is None)
        return httpx.Client(**self._http_options(), transport=stack)

    def put_result(
        self,
        sourced_id: str,
        result: ResultInput | Result | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
        deadline: float | _Default | None = CLIENT_DEADLINE,
    ) -> Result:
        """Create or update the result `sourced_id` (upsert); returns the stored result.

        `result` is the result object itself (not the `{"result": ...}` envelope). `timeout` and
        `deadline` override the client's for this call.
        """
        with self._call(deadline):
            request = self._prepare(self._put_result, sourced_id, result, timeout)
            stored: Result = self._answer(self._put_result, sourced_id, self._send(PUT_RESULT, request))
            return stored

    def update_class(
        self,
        sourced_id: str,
        class_update: ClassUpdate | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
        deadline: float | _Default | None = CLIENT_DEADLINE,
    ) -> Class:
        """Change the fields given of the existing class `sourced_id`; returns the whole class.

        `class_update` holds the fields to change (not the `{"class": ...}` envelope). `timeout`
        and `deadline` override the client's for this call.
        """
        with self._call(deadline):
            request = self._prepare(self._update_class, sourced_id, class_update, timeout)
            updated: Class = self._answer(self._update_class, sourced_id, self._send(UPDATE_CLASS, request))
            return updated

    def _send(self, operation_id: str, request: httpx.Request) -> Outcome:
        """Send and read the answer (the SDK's own transport ends each read at the deadline)."""
        try:
            response = self.http.send(request)
        except httpx.RequestError as exc:
            raise _no_answer(operation_id, exc, self.secrets.redact, request) from exc
        return _outcome(response)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncOneRosterClient(_ClientBase[httpx.AsyncBaseTransport, httpx.AsyncClient]):
    """Asynchronous client; safe to share between tasks; use `async with` (or `await aclose()`)."""

    def _open(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        # The SDK's own transport ends each socket operation at the deadline; a caller's transport
        # is held to it by `asyncio.timeout` around the call instead (see `_send`).
        self._cancel_at_deadline = transport is not None
        stack = self._stack(transport or deadline_async_http_transport(), reads_end_at_deadline=True)
        return httpx.AsyncClient(**self._http_options(), transport=stack)

    async def put_result(
        self,
        sourced_id: str,
        result: ResultInput | Result | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
        deadline: float | _Default | None = CLIENT_DEADLINE,
    ) -> Result:
        """Create or update the result `sourced_id` (upsert); returns the stored result (as the sync client)."""
        with self._call(deadline):
            request = self._prepare(self._put_result, sourced_id, result, timeout)
            stored: Result = self._answer(self._put_result, sourced_id, await self._send(PUT_RESULT, request))
            return stored

    async def update_class(
        self,
        sourced_id: str,
        class_update: ClassUpdate | Mapping[str, Any],
        *,
        timeout: TimeoutTypes | None = None,
        deadline: float | _Default | None = CLIENT_DEADLINE,
    ) -> Class:
        """Change the fields given of the existing class `sourced_id`; returns the whole class (as the sync client)."""
        with self._call(deadline):
            request = self._prepare(self._update_class, sourced_id, class_update, timeout)
            updated: Class = self._answer(self._update_class, sourced_id, await self._send(UPDATE_CLASS, request))
            return updated

    async def _send(self, operation_id: str, request: httpx.Request) -> Outcome:
        """Send and read the answer, ending at the deadline (see `_open` for how)."""
        current = current_deadline()
        try:
            if current is None or not self._cancel_at_deadline:
                response = await self.http.send(request)
            else:
                async with asyncio.timeout(current.remaining()):  # the deadline started with the call
                    response = await self.http.send(request)
        except TimeoutError:
            assert current is not None
            raise _deadline_error(operation_id, current.seconds) from None
        except httpx.RequestError as exc:
            raise _no_answer(operation_id, exc, self.secrets.redact, request) from exc
        return _outcome(response)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
