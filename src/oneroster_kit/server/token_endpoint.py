"""`POST /oauth2/token`: OAuth 2.0 client credentials (RFC 6749 section 4.4).

Client id and secret come in the form body or as HTTP Basic (never both). Two optional
parameters: `scope` (space-separated; the token gets the requested scopes the client holds, and
unknown ones are dropped rather than refused, as RFC 6749 section 3.3 allows, so that a client
asking for more than these two operations need, as Google Classroom's OneRoster tests do, still
gets a usable token; only a request naming none of the client's scopes is refused with
`invalid_scope`; see the spec's Decision (token scopes)) and `expires_in` (integer
seconds, 1..token TTL; a documented testing extension so that a client can get a short-lived token
and prove that expiry is enforced). Errors use RFC 6749's JSON error body. Failed client
authentications are throttled per address (`throttle.FailureThrottle`: 429 with Retry-After).
The endpoint never touches the database: the signing key is derived once at start-up.
"""

from __future__ import annotations

import base64
import hmac
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request
from starlette.responses import Response

from oneroster_kit.server.auth import TokenIssuer
from oneroster_kit.server.requestbody import BodyTooLargeError, media_type_problem, read_limited
from oneroster_kit.server.throttle import FailureThrottle

__all__ = ["TokenEndpoint"]

_FORM = "application/x-www-form-urlencoded"
_MAX_FORM_BYTES = 16 * 1024
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_MAX_EXPIRES_DIGITS = 10  # int() of thousands of digits raises ValueError (the int digit limit)


class _OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def _oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"error": error, "error_description": description}).encode("utf-8")
    return Response(body, status, {**_NO_STORE, **(headers or {})}, media_type="application/json")


@dataclass(frozen=True)
class TokenEndpoint:
    issuer: TokenIssuer
    client_secret: str
    scopes: tuple[str, ...]  # every scope the client has
    max_ttl: int
    throttle: FailureThrottle

    async def __call__(self, request: Request) -> Response:
        if request.method != "POST":
            return _oauth_error(
                405, "invalid_request", f"Method {request.method} is not allowed; use POST.", {"Allow": "POST"}
            )
        address = request.client.host if request.client is not None else "-"
        wait = self.throttle.retry_after(address)
        if wait is not None:
            return _oauth_error(
                429,
                "temporarily_unavailable",
                f"Too many failed client authentications from this address; retry in {wait} s.",
                {"Retry-After": str(wait)},
            )
        try:
            return await self._grant(request, address)
        except _OAuthError as error:
            headers = {"WWW-Authenticate": 'Basic realm="oneroster"'} if error.status == 401 else None
            return _oauth_error(error.status, error.error, error.description, headers)

    async def _grant(self, request: Request, address: str) -> Response:
        problem = media_type_problem(request.headers.get("content-type"), _FORM, utf8_only=True)
        if problem:
            raise _OAuthError(400, "invalid_request", problem)
        try:
            raw = await read_limited(request, _MAX_FORM_BYTES)
        except BodyTooLargeError as error:
            raise _OAuthError(400, "invalid_request", str(error)) from None
        params = self._parse_form(raw)
        try:
            self._authenticate(request, params)
        except _OAuthError as error:
            if error.status == 401:
                self.throttle.failed(address)
            raise
        grant_type = params.get("grant_type")
        if grant_type is None:
            raise _OAuthError(400, "invalid_request", "Missing grant_type; use grant_type=client_credentials.")
        if grant_type != "client_credentials":
            raise _OAuthError(
                400,
                "unsupported_grant_type",
                f"grant_type {grant_type[:60]!r} is not supported; use client_credentials.",
            )
        scopes = list(self.scopes)
        requested = params.get("scope", "").split()
        if requested:  # narrowed to what the client holds (RFC 6749 3.3); the answer's `scope` says so
            scopes = [scope for scope in dict.fromkeys(requested) if scope in self.scopes]
            if not scopes:
                raise _OAuthError(
                    400,
                    "invalid_scope",
                    f"None of the requested scopes is granted to this client: {' '.join(requested)[:300]}",
                )
        ttl = self.max_ttl
        if "expires_in" in params:
            text = params["expires_in"]
            readable = text.isascii() and text.isdigit() and len(text) <= _MAX_EXPIRES_DIGITS
            if not (readable and 1 <= int(text) <= self.max_ttl):
                raise _OAuthError(
                    400,
                    "invalid_request",
                    f"expires_in must be an integer from 1 to {self.max_ttl}, got {text[:30]!r}.",
                )
            ttl = int(text)
        token = self.issuer.issue(scopes, ttl)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "scope": " ".join(scopes)}
        return Response(json.dumps(body).encode("ascii"), 200, _NO_STORE, media_type="application/json")

    @staticmethod
    def _parse_form(raw: bytes) -> dict[str, str]:
        try:
            text = raw.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=32)
        except (UnicodeDecodeError, ValueError) as error:
            raise _OAuthError(400, "invalid_request", f"The form body cannot be read: {error}"[:300]) from None
        params: dict[str, str] = {}
        for name, value in pairs:
            if name in params:
                raise _OAuthError(400, "invalid_request", f"Parameter {name[:60]!r} is given more than once.")
            params[name] = value
        return params

    def _authenticate(self, request: Request, params: dict[str, str]) -> None:
        header = request.headers.get("authorization")
        in_body = "client_id" in params or "client_secret" in params
        if header is not None:
            if in_body:
                raise _OAuthError(
                    400, "invalid_request", "Send the client credentials either as HTTP Basic or in the body, not both."
                )
            scheme, _, encoded = header.strip().partition(" ")
            if scheme.lower() != "basic":
                raise _OAuthError(401, "invalid_client", "Client authentication must use HTTP Basic or the form body.")
            try:
                decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):  # binascii.Error, or non-ASCII characters (a ValueError)
                raise _OAuthError(401, "invalid_client", "The Basic credentials are not valid base64 UTF-8.") from None
            client_id, colon, secret = decoded.partition(":")
            if not colon:
                raise _OAuthError(401, "invalid_client", "The Basic credentials must be 'client_id:client_secret'.")
            # RFC 6749 2.3.1 form-encodes both before Basic; many clients do not. Accept either.
            candidates = [(client_id, secret), (unquote_plus(client_id), unquote_plus(secret))]
        else:
            client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
            if not client_id:
                raise _OAuthError(401, "invalid_client", "Missing client credentials (client_id and client_secret).")
            candidates = [(client_id, secret)]
        if not any(self._matches(*candidate) for candidate in candidates):
            raise _OAuthError(401, "invalid_client", "Unknown client or wrong client secret.")

    def _matches(self, client_id: str, secret: str) -> bool:
        id_ok = hmac.compare_digest(client_id.encode("utf-8", "surrogatepass"), self.issuer.client_id.encode("utf-8"))
        secret_ok = hmac.compare_digest(secret.encode("utf-8", "surrogatepass"), self.client_secret.encode("utf-8"))
        return id_ok and secret_ok
