"""The hand-written SDK layer over the generated `oneroster_client`.

`generated/` stays exactly what openapi-python-client produces; this package adds what a team
calling the live TimeBack API needs on top of it: OAuth2 client credentials (`auth`), retries
(`retry`), an overall deadline per call (`deadline`), typed errors (`errors`), presets and
environment configuration (`environment`), the settings of a client's calls (`settings`) and the
two clients (`client`).
Requests and responses are the generated attrs models.
"""

from oneroster_client.models.class_ import Class
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.result import Result
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.sdk._unknown import UnknownMemberWarning
from oneroster_kit.sdk.auth import BearerTokenAuth, ClientCredentialsAuth
from oneroster_kit.sdk.client import (
    CLIENT_DEADLINE,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    AsyncOneRosterClient,
    OneRosterClient,
)
from oneroster_kit.sdk.environment import Credentials, Environment
from oneroster_kit.sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
    OneRosterError,
    PayloadTooLargeError,
    RateLimitError,
    RequestValidationError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServerError,
    ServiceUnavailableError,
    SourcedIdMismatchError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from oneroster_kit.sdk.retry import RetryConfig
from oneroster_kit.sdk.settings import ClientSettings

__all__ = [
    "CLIENT_DEADLINE",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncOneRosterClient",
    "AuthenticationError",
    "BadRequestError",
    "BearerTokenAuth",
    "Class",
    "ClassUpdate",
    "ClientCredentialsAuth",
    "ClientSettings",
    "ConfigurationError",
    "Credentials",
    "Environment",
    "ForbiddenError",
    "NotFoundError",
    "OneRosterClient",
    "OneRosterError",
    "PayloadTooLargeError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "Result",
    "ResultInput",
    "RetryConfig",
    "ServerError",
    "ServiceUnavailableError",
    "SourcedIdMismatchError",
    "UnauthorizedError",
    "UnknownMemberWarning",
    "UnprocessableEntityError",
]
