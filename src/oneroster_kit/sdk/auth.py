"""OAuth 2.0 client credentials as an `httpx.Auth`, for httpx.Client and httpx.AsyncClient alike.

Hand-written because the maintained libraries miss what TimeBack callers need (see the README):
httpx-auth fetches tokens with a blocking client and HTTP Basic credentials and never re-fetches
on a 401; Authlib's httpx integration is a client subclass, not an `Auth`, with no lock for
threads and no replay on 401.

Behaviour:
- the token request is `POST token_url`, form-encoded `grant_type=client_credentials` with
  `client_id`/`client_secret` in the body (as TimeBack documents), optional `scope`;
- the token is cached until shortly before `expires_in` runs out (`early_refresh` seconds, at
  most a tenth of the lifetime so short test tokens still get reused);
- one token fetch for many concurrent callers: a `threading.Lock` for threads, an
  `asyncio.Lock` (one per event loop) for tasks, and a second look at the cache after the lock;
- a 401 from the API discards that token, fetches a new one (unless another caller already
  did) and replays the request once;
- a refused grant, and any answer that is not a well-formed token (an `expires_in` that is not a
  finite positive number, an access token that cannot be sent in a header, a body over the
  client's size limit), raises `AuthenticationError` naming the token URL and what was wrong;
- the client secret and every token received are registered in `secrets`, and every message
  built from the token endpoint's answer is redacted with it (see `_redact`).

The token request is yielded to the client that sends the API request, so it goes through the
same transport (retries, timeouts, test doubles) and never needs a second connection pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator, Iterator, Mapping
from dataclasses import dataclass

import httpx

from oneroster_kit.sdk._guard import AnswerTooLarge
from oneroster_kit.sdk._redact import Secrets
from oneroster_kit.sdk.deadline import DeadlinePassed, current_deadline
from oneroster_kit.sdk.errors import AuthenticationError

__all__ = ["BearerTokenAuth", "ClientCredentialsAuth"]

# What can follow "Bearer " in a header: visible ASCII, no spaces (RFC 6750's b64token is stricter;
# real tokens are JWTs or opaque ASCII). A token with CR/LF or other controls is refused, not sent.
_SENDABLE_TOKEN = re.compile(r"[\x21-\x7e]+")
_DETAIL_CHARS = 200


def _lifetime(value: object) -> float | None:
    """`expires_in` in seconds (None when absent or not positive); ValueError when it is no number."""
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)  # ValueError beyond the int digit limit
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expires_in is not a number")
    try:
        seconds = float(value)
    except OverflowError:
        raise ValueError("expires_in is too large to be a lifetime") from None
    if not math.isfinite(seconds):
        raise ValueError("expires_in is not a finite number")
    return seconds if seconds > 0 else None


@dataclass(frozen=True)
class _Token:
    header: str  # "Bearer <access_token>"
    expires_at: float  # on the auth's clock; float("inf") when the server gave no expires_in


class ClientCredentialsAuth(httpx.Auth):
    """Bearer tokens from an OAuth2 token endpoint, fetched once and shared by every request."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scope: str | None = None,
        early_refresh: float = 30.0,
        extra_params: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        missing = [name for name, value in (("token_url", token_url), ("client_id", client_id)) if not value]
        if not client_secret:
            missing.append("client_secret")
        if missing:
            raise ValueError(f"ClientCredentialsAuth: {', '.join(missing)} must be non-empty")
        self.token_url = token_url
        self.client_id = client_id
        self._form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        if scope:
            self._form["scope"] = scope
        self._form.update(extra_params or {})
        self.early_refresh = early_refresh
        self.secrets = Secrets(client_secret)
        self._clock = clock
        self._token: _Token | None = None
        self._thread_lock = threading.Lock()  # held by a thread while it fetches (across the yield)
        self._loop_locks_guard = threading.Lock()  # only guards the dict below, never held for I/O
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.token_fetches = 0  # how many token requests were answered (for tests and diagnostics)

    def __repr__(self) -> str:  # never show the secret
        return f"ClientCredentialsAuth(token_url={self.token_url!r}, client_id={self.client_id!r})"

    @property
    def access_token(self) -> str | None:
        """The cached access token while it is fresh (e.g. to hand to another tool), else None."""
        token = self._valid_token()
        return token.header.removeprefix("Bearer ") if token is not None else None

    def invalidate(self) -> None:
        """Forget the cached token; the next request fetches a new one."""
        self._token = None

    # -- the two flows -----------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._valid_token()
        if token is None:
            with self._locked():
                token = self._valid_token()
                if token is None:
                    token = yield from self._fetch(request)
        request.headers["Authorization"] = token.header
        response = yield request
        if response.status_code != 401:
            return
        with self._locked():
            fresh = self._after_401(token)
            if fresh is None:
                fresh = yield from self._fetch(request)
        request.headers["Authorization"] = fresh.header
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._valid_token()
        if token is None:
            async with self._loop_lock():
                token = self._valid_token()
                if token is None:
                    sent_at = self._clock()
                    token_response = yield self._token_request(request)
                    await self._aread(token_response)
                    token = self._store(token_response, sent_at)
        request.headers["Authorization"] = token.header
        response = yield request
        if response.status_code != 401:
            return
        async with self._loop_lock():
            fresh = self._after_401(token)
            if fresh is None:
                sent_at = self._clock()
                token_response = yield self._token_request(request)
                await self._aread(token_response)
                fresh = self._store(token_response, sent_at)
        request.headers["Authorization"] = fresh.header
        yield request

    # -- helpers -----------------------------------------------------------------------------

    def _valid_token(self) -> _Token | None:
        token = self._token
        if token is not None and self._clock() < token.expires_at:
            return token
        return None

    def _after_401(self, rejected: _Token) -> _Token | None:
        """Drop the rejected token unless another caller already replaced it; return the replacement."""
        if self._token is rejected:
            self._token = None
        return self._valid_token()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The thread lock, waited for no longer than the current call's deadline allows."""
        deadline = current_deadline()
        wait = deadline.cap(None, "waiting for another thread's token request") if deadline is not None else -1
        if not self._thread_lock.acquire(timeout=wait):
            raise DeadlinePassed(
                f"the call's deadline of {deadline.seconds if deadline else 0:g}s passed while another "
                "thread's token request was still running"
            )
        try:
            yield
        finally:
            self._thread_lock.release()

    def _loop_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._loop_locks_guard:
            lock = self._loop_locks.get(loop)
            if lock is None:
                lock = self._loop_locks[loop] = asyncio.Lock()
            return lock

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        extensions = {"timeout": request.extensions["timeout"]} if "timeout" in request.extensions else {}
        return httpx.Request(
            "POST",
            self.token_url,
            data=self._form,
            headers={"Accept": "application/json"},
            extensions=extensions,
        )

    def _fetch(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, _Token]:
        sent_at = self._clock()
        response = yield self._token_request(request)
        try:
            response.read()  # the flows are overridden, so httpx does not read it for us
        except AnswerTooLarge as exc:
            raise self._too_large(exc) from None
        return self._store(response, sent_at)

    async def _aread(self, response: httpx.Response) -> None:
        try:
            await response.aread()  # the flows are overridden, so httpx does not read it for us
        except AnswerTooLarge as exc:
            raise self._too_large(exc) from None

    def _too_large(self, exc: AnswerTooLarge) -> AuthenticationError:
        return AuthenticationError(
            f"token endpoint {self.token_url} did not issue a token: {exc}",
            token_url=self.token_url,
            status_code=exc.status_code,
        )

    def _store(self, response: httpx.Response, sent_at: float) -> _Token:
        """Turn the token endpoint's answer into the cached token, or raise AuthenticationError.

        The lifetime counts from when the request was sent, so it errs on the short side. Whatever
        the server sent is redacted before it is put into a message.
        """
        self.token_fetches += 1
        redact = self.secrets.redact
        try:
            payload = response.json()
        except ValueError:  # not JSON, or not UTF-8, or a number past the int digit limit
            payload = None
        fields = payload if isinstance(payload, dict) else {}
        if response.status_code != 200:
            error, description = fields.get("error"), fields.get("error_description")
            if response.status_code in (400, 401) and error in (
                "invalid_client",
                "unauthorized_client",
                "invalid_grant",
                "invalid_scope",
                None,
            ):
                what = f"rejected the client credentials for client_id {self.client_id!r}"
            else:
                what = "did not issue a token"
            error_text = redact(str(error))[:_DETAIL_CHARS] if error else None
            description_text = redact(str(description))[:_DETAIL_CHARS] if description else None
            detail = ": ".join(part for part in (error_text, description_text) if part)
            detail = detail or redact(response.text)[:_DETAIL_CHARS]
            raise AuthenticationError(
                f"token endpoint {self.token_url} {what} (HTTP {response.status_code}: {detail})",
                token_url=self.token_url,
                status_code=response.status_code,
                error=error_text,
                error_description=description_text,
            )
        access_token = fields.get("access_token")
        token_type = fields.get("token_type", "Bearer")
        if isinstance(access_token, str) and access_token:
            self.secrets.add(access_token)  # before any message could contain it
        problem, lifetime = None, None
        if not isinstance(access_token, str) or not access_token or not isinstance(token_type, str):
            problem = "without a bearer access_token"
        elif token_type.lower() != "bearer":
            problem = f"a token of type {redact(token_type)[:40]!r}, not a bearer token"
        elif _SENDABLE_TOKEN.fullmatch(access_token) is None:
            problem = "an access_token that cannot be sent in an HTTP header (spaces or control characters)"
        else:
            try:
                lifetime = _lifetime(fields.get("expires_in"))
            except ValueError as exc:
                problem = f"a malformed expires_in ({exc})"
        if problem is not None:
            raise AuthenticationError(
                f"token endpoint {self.token_url} answered 200 with {problem} "
                f"(got {redact(response.text)[:_DETAIL_CHARS]!r})",
                token_url=self.token_url,
                status_code=200,
            )
        assert isinstance(access_token, str)
        if lifetime is not None:
            expires_at = sent_at + lifetime - min(self.early_refresh, lifetime / 10)
        else:
            expires_at = float("inf")  # no lifetime given: keep it until the API answers 401
        token = _Token(f"Bearer {access_token}", expires_at)
        self._token = token
        return token


class BearerTokenAuth(httpx.Auth):
    """A fixed bearer token obtained elsewhere; nothing to refresh, so a 401 surfaces as is."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("BearerTokenAuth: token must be non-empty")
        if _SENDABLE_TOKEN.fullmatch(token) is None:
            raise ValueError("BearerTokenAuth: token must be visible ASCII without spaces or control characters")
        self.secrets = Secrets(token)
        self._header = f"Bearer {token}"

    def __repr__(self) -> str:
        return "BearerTokenAuth(token=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request
