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
- a refused grant raises `AuthenticationError` naming the token URL and the OAuth2 error.

The token request is yielded to the client that sends the API request, so it goes through the
same transport (retries, timeouts, test doubles) and never needs a second connection pool.
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from dataclasses import dataclass

import httpx

from oneroster_kit.sdk.errors import AuthenticationError

__all__ = ["BearerTokenAuth", "ClientCredentialsAuth"]


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
            with self._thread_lock:
                token = self._valid_token()
                if token is None:
                    token = yield from self._fetch(request)
        request.headers["Authorization"] = token.header
        response = yield request
        if response.status_code != 401:
            return
        with self._thread_lock:
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
                    await token_response.aread()  # the flows are overridden, so httpx does not read it for us
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
                await token_response.aread()
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
        response.read()  # the flows are overridden, so httpx does not read it for us
        return self._store(response, sent_at)

    def _store(self, response: httpx.Response, sent_at: float) -> _Token:
        """Turn the token endpoint's answer into the cached token, or raise AuthenticationError.

        The lifetime counts from when the request was sent, so it errs on the short side.
        """
        self.token_fetches += 1
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code != 200:
            error = payload.get("error") if isinstance(payload, dict) else None
            description = payload.get("error_description") if isinstance(payload, dict) else None
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
            detail = ": ".join(str(part) for part in (error, description) if part) or response.text[:200]
            raise AuthenticationError(
                f"token endpoint {self.token_url} {what} (HTTP {response.status_code}: {detail})",
                token_url=self.token_url,
                status_code=response.status_code,
                error=str(error) if error else None,
                error_description=str(description) if description else None,
            )
        access_token = payload.get("access_token") if isinstance(payload, dict) else None
        token_type = payload.get("token_type", "Bearer") if isinstance(payload, dict) else None
        if not isinstance(access_token, str) or not access_token or str(token_type).lower() != "bearer":
            raise AuthenticationError(
                f"token endpoint {self.token_url} answered 200 without a bearer access_token "
                f"(got {response.text[:200]!r})",
                token_url=self.token_url,
                status_code=200,
            )
        expires_in = payload.get("expires_in") if isinstance(payload, dict) else None
        if isinstance(expires_in, str) and expires_in.isdigit():
            expires_in = int(expires_in)
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
            expires_at = sent_at + expires_in - min(self.early_refresh, expires_in / 10)
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
        self._header = f"Bearer {token}"

    def __repr__(self) -> str:
        return "BearerTokenAuth(token=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request
