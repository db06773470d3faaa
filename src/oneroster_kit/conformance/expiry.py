"""A short-lived token obtained when the session starts, so proving expiry costs no waiting.

The expired-token check needs a token that has expired. Asking for one (`expires_in`, the token
endpoint's testing extension) at the start of the run and using it at the end lets the rest of
the suite run while it expires; the check only sleeps for whatever lifetime is left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from oneroster_kit.conformance.auth import ClientCredentials, TokenError
from oneroster_kit.conformance.target import LiveExchange, Target

__all__ = ["LIFETIME", "NEEDS_CREDENTIALS", "ExpiringToken", "request_expiring_token"]

LIFETIME = 1  # seconds asked for
_MARGIN = 1.2  # seconds past the expiry before the token is used again (clock granularity)
NEEDS_CREDENTIALS = "needs client credentials (--client-id/--client-secret/--token-url) to request special tokens"


@dataclass
class ExpiringToken:
    token: str = field(default="", repr=False)
    expires_at: float = 0.0  # time.monotonic() after which it must be refused
    skip_reason: str | None = None
    fresh: LiveExchange | None = None  # set when the fresh token was refused (a failure to report)

    def wait_until_expired(self) -> None:
        remaining = self.expires_at + _MARGIN - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


def request_expiring_token(target: Target) -> ExpiringToken:
    """Ask for a LIFETIME-second token and check it works while fresh (an empty class update, else a result)."""
    if not isinstance(target.tokens, ClientCredentials):
        return ExpiringToken(skip_reason=NEEDS_CREDENTIALS)
    try:
        grant = target.tokens.grant(expires_in=LIFETIME)
    except TokenError as exc:
        return ExpiringToken(
            skip_reason=f"the token endpoint refused a short-lived token (expires_in={LIFETIME}): {exc}"
        )
    if grant.expires_in is None or grant.expires_in > LIFETIME:
        return ExpiringToken(
            skip_reason=f"the token endpoint ignores expires_in={LIFETIME} (granted {grant.expires_in}); "
            "cannot wait it out"
        )
    expiring = ExpiringToken(grant.access_token, grant.obtained_at + grant.expires_in)
    headers = {"Authorization": f"Bearer {grant.access_token}"}
    if target.served("updateClass") and target.class_ids:
        exchange = target.put("updateClass", target.class_ids[0], {"class": {}}, headers=headers)
    else:
        from oneroster_kit.conformance.preflight import minimal_result
        from oneroster_kit.conformance.references import reference_check_reason

        rid = target.result_for("expiry-probe")
        reason = reference_check_reason(target)
        if rid is None or reason is not None:
            return ExpiringToken(skip_reason=f"no request this run may send to prove expiry: {reason}")
        exchange = target.put("putResult", rid, minimal_result(rid), headers=headers)
    if not 200 <= exchange.status < 300:
        expiring.fresh = exchange
    return expiring
