"""What a JWT bearer token says about itself (`scope`, `exp`), for traffic without the token grant.

TimeBack's tokens are Cognito access tokens: JWTs whose payload carries `scope` (space-separated)
and `exp` (epoch seconds). Only those two claims are read, the signature is not verified (the
check does not decide whether the token is genuine, only what the server should have done with
a token that says it lacks a scope or has expired), and the token itself is never kept.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json

from oneroster_kit.traffic.context import Grant

__all__ = ["grant_from_jwt"]


def _segment(text: str) -> object:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def grant_from_jwt(token: str, ref: str) -> Grant | None:
    """The scopes and expiry a JWT states; None when the token is not a readable JWT or states neither."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].startswith("eyJ"):
        return None
    try:
        header, payload = _segment(parts[0]), _segment(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or "alg" not in header or not isinstance(payload, dict):
        return None
    scope = payload.get("scope")
    exp = payload.get("exp")
    scopes = frozenset(scope.split()) if isinstance(scope, str) else None
    expires_at = None
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        try:
            expires_at = datetime.datetime.fromtimestamp(float(exp), datetime.UTC)
        except (OverflowError, OSError, ValueError):
            expires_at = None
    if scopes is None and expires_at is None:
        return None
    return Grant(scopes, expires_at, f"{ref} (the token's own claims)")
