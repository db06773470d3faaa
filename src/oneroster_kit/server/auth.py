"""Bearer tokens: issued by the token endpoint, checked on every operation.

A token is `v1.<payload>.<mac>`: the payload (client id, scopes, expiry in epoch ms) in base64url
JSON, and an HMAC-SHA256 of it under a key derived from the client secret and a random salt kept
in the database (`derive_token_key`). Nothing else is stored, so tokens stay valid across restarts
of the same database with the same secret (a crash test's clients keep working), a new secret
invalidates every earlier token, a reader of the database cannot mint one, and a token from
another database, another client id, an altered payload or past its expiry is refused.

A client sends the same token with every request, so the claims of the last tokens verified are
kept (`_VERIFIED_CACHE` of them, keyed by the exact header value; only tokens whose MAC checked):
a repeat costs a dictionary lookup and the expiry check, which still runs on every request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass

__all__ = ["BearerError", "Claims", "TokenIssuer", "derive_token_key"]

_PREFIX = "v1."
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")  # RFC 6750 b64token
_VERIFIED_CACHE = 256  # tokens whose claims are kept; a full cache starts over


class BearerError(Exception):
    """The request carries no usable bearer token; the message says why (answered with 401)."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class Claims:
    client_id: str
    scopes: frozenset[str]
    expires_ms: int


def derive_token_key(client_secret: str, salt: bytes) -> bytes:
    """The signing key: scrypt of the secret under the database's salt (once, at start-up).

    scrypt rather than a plain HMAC so that the salt and one token do not make guessing a weak
    secret cheap (about 30 ms and 16 MiB per guess).
    """
    return hashlib.scrypt(client_secret.encode("utf-8", "surrogatepass"), salt=salt, n=2**14, r=8, p=1, dklen=32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Issues and verifies tokens for the one configured client."""

    def __init__(self, key: bytes, client_id: str) -> None:
        self._key = key
        self.client_id = client_id
        self._verified: dict[str, Claims] = {}

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, (_PREFIX + payload).encode("ascii"), hashlib.sha256).digest())

    def issue(self, scopes: list[str], ttl_seconds: int) -> str:
        claims = {
            "c": self.client_id,
            "s": scopes,
            "e": time.time_ns() // 1_000_000 + ttl_seconds * 1000,
            "n": secrets.token_hex(8),
        }
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
        return f"{_PREFIX}{payload}.{self._mac(payload)}"

    def verify(self, authorization: str | None) -> Claims:
        """The claims of the bearer token in an Authorization header value; BearerError otherwise."""
        known = self._verified.get(authorization) if authorization is not None else None
        if known is not None:
            if known.expires_ms <= time.time_ns() // 1_000_000:
                raise BearerError("The access token has expired.")
            return known
        parsed = self._verify_new(authorization)
        if len(self._verified) >= _VERIFIED_CACHE:
            self._verified.clear()
        assert authorization is not None  # _verify_new refuses a missing header
        self._verified[authorization] = parsed
        return parsed

    def _verify_new(self, authorization: str | None) -> Claims:
        if authorization is None or not authorization.strip():
            raise BearerError("Missing bearer token: send 'Authorization: Bearer <access_token>'.", missing=True)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer":
            raise BearerError(f"Authorization scheme {scheme[:20]!r} is not supported; use 'Bearer <access_token>'.")
        if not _B64TOKEN.fullmatch(token):
            raise BearerError("Malformed bearer token: expected one RFC 6750 token after 'Bearer '.")
        if not token.startswith(_PREFIX) or token.count(".") != 2:
            raise BearerError("Unknown bearer token: not issued by this server's /oauth2/token.")
        payload, mac = token[len(_PREFIX) :].split(".")
        if not hmac.compare_digest(mac, self._mac(payload)):
            raise BearerError("Unknown bearer token: not issued by this server's /oauth2/token.")
        try:
            claims = json.loads(_unb64(payload))
            parsed = Claims(str(claims["c"]), frozenset(map(str, claims["s"])), int(claims["e"]))
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise BearerError("Malformed bearer token payload.") from None
        if parsed.client_id != self.client_id:
            raise BearerError("Unknown bearer token: issued to a client this server no longer has.")
        if parsed.expires_ms <= time.time_ns() // 1_000_000:
            raise BearerError("The access token has expired.")
        return parsed
