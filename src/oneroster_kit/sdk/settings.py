"""`ClientSettings`: how a client makes its calls, checked once, the same for the sync and async client.

Both clients and `from_env` take these as keyword arguments (typed, so help() and IDEs list them);
the client keeps them in one checked object, `client.settings`, which every call reads.
Credentials and servers are not settings of calls: they become the client's `auth` and `base_url`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from oneroster_kit.sdk._guard import DEFAULT_MAX_RESPONSE_BYTES
from oneroster_kit.sdk.deadline import DEFAULT_DEADLINE, check_deadline_seconds
from oneroster_kit.sdk.errors import ConfigurationError
from oneroster_kit.sdk.retry import RetryConfig

__all__ = ["DEFAULT_TIMEOUT", "ClientSettings", "TimeoutTypes"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
TimeoutTypes = float | httpx.Timeout


@dataclass(frozen=True, kw_only=True)
class ClientSettings:
    """The settings of a client's calls, with the constructors' defaults.

    Each field is the keyword of the same name of `OneRosterClient`, `AsyncOneRosterClient` and
    their `from_env`, documented there (`help(OneRosterClient)`). Checked when made: a deadline
    that is not a positive number of seconds or None, or a `max_response_bytes` that is not a
    positive int, is a ConfigurationError.
    """

    scope: str | None = None
    timeout: TimeoutTypes = field(default_factory=lambda: DEFAULT_TIMEOUT)  # unhashable: dataclasses want a factory
    deadline: float | None = DEFAULT_DEADLINE
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    retry: RetryConfig | None = None
    strict: bool = False
    validate_responses: bool = True
    check_response_ids: bool = True
    headers: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "deadline", check_deadline_seconds(self.deadline))  # an int becomes a float
        except ValueError as exc:
            raise ConfigurationError(f"OneRoster client: {exc}") from None
        limit = self.max_response_bytes
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigurationError(f"OneRoster client: max_response_bytes must be a positive int, got {limit!r}")
