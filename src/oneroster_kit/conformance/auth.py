"""Bearer tokens for the suite: a fixed token, or OAuth2 client credentials refreshed on expiry.

The token endpoint may also be asked for a short-lived token (`expires_in`) or a token with
fewer scopes (`scope`), which the auth checks use to prove expiry and scopes are enforced.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

__all__ = ["ClientCredentials", "StaticToken", "TokenError", "TokenGrant", "TokenSource", "fetch_token"]

_REFRESH_MARGIN = 30.0  # seconds before expiry at which a token is renewed


class TokenError(Exception):
    """The token endpoint could not be reached or refused the credentials (message: one line)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class TokenGrant:
    access_token: str = field(repr=False)
    expires_in: float | None
    scope: str | None
    obtained_at: float

    @property
    def scopes(self) -> frozenset[str] | None:
        return frozenset(self.scope.split()) if self.scope is not None else None


def fetch_token(
    token_url: str,
    client_id: str,
    client_secret: str,
    *,
    scope: str | None = None,
    expires_in: int | None = None,
    timeout: float = 15.0,
) -> TokenGrant:
    """POST a client-credentials grant; raise TokenError naming what went wrong."""
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
    if scope is not None:
        form["scope"] = scope
    if expires_in is not None:
        form["expires_in"] = str(expires_in)
    try:
        response = httpx.post(token_url, data=form, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TokenError(f"cannot reach the token URL {token_url} ({type(exc).__name__}: {exc})") from None
    if response.status_code != 200:
        detail = response.text.strip().replace("\n", " ")[:200]
        raise TokenError(
            f"the token URL {token_url} answered {response.status_code} ({detail})", status=response.status_code
        )
    try:
        payload = response.json()
        access_token = payload["access_token"]
    except (ValueError, KeyError, TypeError):
        raise TokenError(f"the token URL {token_url} answered 200 without an access_token in JSON") from None
    if not isinstance(access_token, str) or not access_token:
        raise TokenError(f"the token URL {token_url} answered an empty or non-string access_token")
    raw_expiry = payload.get("expires_in")
    expires = float(raw_expiry) if isinstance(raw_expiry, int | float) and not isinstance(raw_expiry, bool) else None
    raw_scope = payload.get("scope")
    return TokenGrant(access_token, expires, raw_scope if isinstance(raw_scope, str) else None, time.monotonic())


class TokenSource:
    """Where the suite's main token comes from."""

    can_issue = False  # whether restricted/short-lived tokens can be requested
    issued: set[str]  # every token handed out so far (to recognise a stale one in a generated case)

    def token(self) -> str:
        raise NotImplementedError

    def invalidate(self) -> None:
        """The target answered 401 for the current token: get a new one next time (if possible)."""


class StaticToken(TokenSource):
    def __init__(self, token: str) -> None:
        self._token = token
        self.issued = {token}

    def token(self) -> str:
        return self._token


class ClientCredentials(TokenSource):
    """Client-credentials tokens, cached and renewed shortly before they expire."""

    can_issue = True

    def __init__(self, token_url: str, client_id: str, client_secret: str) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self._grant: TokenGrant | None = None
        self._lock = threading.Lock()
        self.fetches = 0
        self.issued = set()

    def grant(self, *, scope: str | None = None, expires_in: int | None = None) -> TokenGrant:
        """A fresh token (not cached), optionally restricted in scope or lifetime."""
        self.fetches += 1
        return fetch_token(self.token_url, self.client_id, self._secret, scope=scope, expires_in=expires_in)

    @property
    def last_grant(self) -> TokenGrant | None:
        """The grant whose token `token()` hands out now (its `scope` says what the server granted)."""
        return self._grant

    def token(self) -> str:
        with self._lock:
            grant = self._grant
            if grant is None or (
                grant.expires_in is not None
                and time.monotonic()
                >= grant.obtained_at + grant.expires_in - min(_REFRESH_MARGIN, grant.expires_in / 2)
            ):
                grant = self._grant = self.grant()
                self.issued.add(grant.access_token)
            return grant.access_token

    def invalidate(self) -> None:
        with self._lock:
            self._grant = None
