"""The NDJSON exchange log (README "The NDJSON traffic format"): its name, its version, and how
secrets appear in it.

The reference server writes it (`oneroster_kit.server.recording`, `--record FILE`) and the traffic
checker reads it (`oneroster_kit.traffic.ndjson`); both take these facts from here. A bearer token
is never written or kept, only its digest (`token_id`): a recording then holds no usable token,
yet the checker can still follow a token grant to the requests that use it. Other secrets
(client secrets, Basic credentials, cookies) become `REDACTED`.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["BEARER", "DIGEST_PREFIX", "FORMAT", "REDACTED", "VERSION", "token_id"]

FORMAT = "oneroster-traffic"  # the meta line's `format`
VERSION = 1
REDACTED = "[REDACTED]"
DIGEST_PREFIX = "sha256-"  # a recording made by the reference server holds tokens in this form already
# An Authorization value carrying a bearer token (RFC 6750 b64token): group 1 the scheme and spaces, group 2 the token.
BEARER = re.compile(r"(?i)(bearer +)([A-Za-z0-9\-._~+/]+=*)")


def token_id(token: str) -> str:
    """A stable, non-reversible name for a token (a recording may already hold it in this form)."""
    if token.startswith(DIGEST_PREFIX):
        return token
    return DIGEST_PREFIX + hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()[:32]
