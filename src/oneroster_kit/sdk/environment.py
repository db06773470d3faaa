"""Where the API and its token endpoint live: TimeBack presets, a custom server, or the environment.

The preset URLs are the ones openapi.yaml documents (its `servers` and the OAuth2 scheme's token
URLs); tests/sdk/test_environment.py fails if the two ever disagree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from oneroster_kit.sdk.errors import ConfigurationError

__all__ = ["ENV_BASE_URL", "ENV_CLIENT_ID", "ENV_CLIENT_SECRET", "ENV_TOKEN_URL", "Credentials", "Environment"]

ENV_CLIENT_ID = "ONEROSTER_CLIENT_ID"
ENV_CLIENT_SECRET = "ONEROSTER_CLIENT_SECRET"
ENV_TOKEN_URL = "ONEROSTER_TOKEN_URL"
ENV_BASE_URL = "ONEROSTER_BASE_URL"


@dataclass(frozen=True)
class Environment:
    """An API base URL with the token URL that issues tokens for it."""

    name: str
    base_url: str
    token_url: str

    PRODUCTION: ClassVar[Environment]
    STAGING: ClassVar[Environment]

    @classmethod
    def custom(cls, base_url: str, token_url: str, name: str = "custom") -> Environment:
        """Any other server, e.g. the reference server on loopback."""
        return cls(name, base_url, token_url)


Environment.PRODUCTION = Environment(
    "production",
    "https://api.alpha-1edtech.ai",
    "https://prod-beyond-timeback-api-2-idp.auth.us-east-1.amazoncognito.com/oauth2/token",
)
Environment.STAGING = Environment(
    "staging",
    "https://api.staging.alpha-1edtech.ai",
    "https://staging-beyond-timeback-api-2-idp.auth.us-east-1.amazoncognito.com/oauth2/token",
)


@dataclass(frozen=True)
class Credentials:
    """Everything a client needs to authenticate, resolved and checked."""

    client_id: str
    client_secret: str = ""
    base_url: str = ""
    token_url: str = ""

    def __repr__(self) -> str:  # never print the secret
        return f"Credentials(client_id={self.client_id!r}, base_url={self.base_url!r}, token_url={self.token_url!r})"

    @classmethod
    def resolve(
        cls,
        *,
        client_id: str | None,
        client_secret: str | None,
        environment: Environment | None,
        base_url: str | None,
        token_url: str | None,
        source: str = "arguments",
        labels: Mapping[str, str] | None = None,
    ) -> Credentials:
        """Explicit URLs win over the environment preset; every missing piece is named at once.

        A base URL that overrides the preset's without a token URL is refused: the preset's token
        URL would receive the credentials meant for the other server (e.g. local credentials sent to
        TimeBack's identity provider), which the user never chose.
        """
        label = labels or {}
        if (
            environment is not None
            and base_url
            and not token_url
            and base_url.rstrip("/") != environment.base_url.rstrip("/")
        ):
            base_name, token_name = label.get("base_url", "base_url"), label.get("token_url", "token_url")
            raise ConfigurationError(
                f"OneRoster client: {base_name} is set ({base_url}) but {token_name} is not, so the credentials "
                f"would go to the {environment.name} token URL ({environment.token_url}), which issues no tokens "
                f"for {base_url}; set {token_name} too (e.g. {base_url.rstrip('/')}/oauth2/token for the "
                "reference server)"
            )
        base = base_url or (environment.base_url if environment else None)
        token = token_url or (environment.token_url if environment else None)
        missing = [
            label.get(name, name)
            for name, value in (
                ("client_id", client_id),
                ("client_secret", client_secret),
                ("base_url", base),
                ("token_url", token),
            )
            if not value
        ]
        if missing:
            hint = " (or pass environment=Environment.PRODUCTION/STAGING)" if not (base and token) else ""
            raise ConfigurationError(f"OneRoster client: missing {', '.join(missing)} from {source}{hint}")
        assert client_id and client_secret and base and token
        for name, url in (("base_url", base), ("token_url", token)):
            if not url.startswith(("https://", "http://")):
                raise ConfigurationError(
                    f"OneRoster client: {label.get(name, name)} must be an http(s) URL, got {url!r}"
                )
        return cls(client_id, client_secret, base.rstrip("/"), token)

    @classmethod
    def from_env(cls, environment: Environment | None = None, env: Mapping[str, str] | None = None) -> Credentials:
        """Read ONEROSTER_CLIENT_ID/SECRET and ONEROSTER_BASE_URL/TOKEN_URL (URLs override `environment`)."""
        values = os.environ if env is None else env
        return cls.resolve(
            client_id=values.get(ENV_CLIENT_ID),
            client_secret=values.get(ENV_CLIENT_SECRET),
            environment=environment,
            base_url=values.get(ENV_BASE_URL),
            token_url=values.get(ENV_TOKEN_URL),
            source="the environment",
            labels={
                "client_id": ENV_CLIENT_ID,
                "client_secret": ENV_CLIENT_SECRET,
                "base_url": ENV_BASE_URL,
                "token_url": ENV_TOKEN_URL,
            },
        )
