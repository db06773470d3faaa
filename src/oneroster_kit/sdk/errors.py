"""Every exception the SDK raises, under one base class.

Callers catch `OneRosterError` for "anything the SDK refused or the API answered badly", or one
of the leaves below for the case they can act on. No raw `KeyError`/`ValueError`/`TypeError`
from the generated models ever escapes: a body that breaks the spec becomes
`ResponseValidationError` (response) or `RequestValidationError` (argument).

Hierarchy:

* OneRosterError
  + ConfigurationError            - missing/inconsistent client settings (also a ValueError)
  + RequestValidationError        - a bad argument, refused before sending (also a ValueError)
    - SourcedIdMismatchError      - body sourcedId differs from the path id
  + AuthenticationError           - the token endpoint refused the credentials or failed
  + APIConnectionError            - no answer after the retries (connect/read/protocol errors)
    - APITimeoutError             - ... because of a timeout, or the call's deadline passed
  + ResponseTooLargeError         - an answer longer than max_response_bytes (decoded or not)
  + ResponseValidationError       - a 2xx answer whose body breaks openapi.yaml, or names another
                                    resource (its sourcedId is not the path id)
  + APIStatusError                - a non-2xx answer (status, imsx body, request id)
    - BadRequestError             - 400
    - UnauthorizedError           - 401 (after one token refresh and replay)
    - ForbiddenError              - 403 (the token lacks the operation's scope)
    - NotFoundError               - 404
    - PayloadTooLargeError        - 413
    - UnprocessableEntityError    - 422
    - RateLimitError              - 429 (after the retries)
    - ServerError                 - 5xx (after the retries where retryable)
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
from oneroster_client.models.imsx_status_info import ImsxStatusInfo

from oneroster_kit.contract import Violation
from oneroster_kit.jsontext import json_text

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ForbiddenError",
    "NotFoundError",
    "OneRosterError",
    "PayloadTooLargeError",
    "RateLimitError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "ServerError",
    "SourcedIdMismatchError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "status_error",
]

REQUEST_ID_HEADERS = ("x-request-id", "x-amzn-requestid")


class OneRosterError(Exception):
    """Base class of every error raised by `oneroster_kit.sdk`."""


class ConfigurationError(OneRosterError, ValueError):
    """The client cannot be built: a setting is missing or inconsistent (names which)."""


class RequestValidationError(OneRosterError, ValueError):
    """An argument was refused before anything was sent: it breaks the spec or the call's rules."""

    def __init__(self, message: str, *, operation_id: str, violations: Sequence[Violation] = ()) -> None:
        super().__init__(message)
        self.operation_id = operation_id
        self.violations = list(violations)

    @property
    def fields(self) -> list[str]:
        """Dotted locations of the offending fields, e.g. `["result.scoreStatus"]`."""
        return [violation.location for violation in self.violations]


class SourcedIdMismatchError(RequestValidationError):
    """The body carries a sourcedId different from the path id: nothing was sent.

    Refused client-side because a server either rejects it (422) or, worse, stores the object
    under an id the caller did not mean.
    """

    def __init__(self, *, operation_id: str, location: str, path_id: str, body_id: object) -> None:
        super().__init__(
            f"{operation_id}: {location} is {body_id!r} but the path sourcedId is {path_id!r}; "
            "they must be equal (or leave the body sourcedId out). Nothing was sent.",
            operation_id=operation_id,
            # `fields` names the body member, as for every other RequestValidationError
            violations=[
                Violation(location, f"{json_text(body_id)} is not the path sourcedId {json_text(path_id)}", "sourcedId")
            ],
        )
        self.path_id = path_id
        self.body_id = body_id


class AuthenticationError(OneRosterError):
    """The token endpoint did not issue a token (rejected credentials, or it failed)."""

    def __init__(
        self,
        message: str,
        *,
        token_url: str,
        status_code: int | None = None,
        error: str | None = None,
        error_description: str | None = None,
    ) -> None:
        super().__init__(message)
        self.token_url = token_url
        self.status_code = status_code
        self.error = error  # the OAuth2 `error` code, e.g. "invalid_client"
        self.error_description = error_description


class APIConnectionError(OneRosterError):
    """No HTTP answer at all, after the configured retries; `__cause__` is the httpx error."""

    def __init__(self, message: str, *, operation_id: str) -> None:
        super().__init__(message)
        self.operation_id = operation_id


class APITimeoutError(APIConnectionError):
    """A timeout (connect, read, write or pool) after the retries, or the call's deadline passed."""


class ResponseTooLargeError(OneRosterError):
    """An answer longer than the client's `max_response_bytes`; it was not read further."""

    def __init__(self, message: str, *, operation_id: str, status_code: int, limit: int) -> None:
        super().__init__(message)
        self.operation_id = operation_id
        self.status_code = status_code
        self.limit = limit


class ResponseValidationError(OneRosterError):
    """A 2xx answer that breaks openapi.yaml or is another resource's; names the operation and every bad field."""

    def __init__(
        self,
        *,
        operation_id: str,
        status_code: int,
        problem: str,
        violations: Sequence[Violation] = (),
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        details = "; ".join(str(violation) for violation in violations)
        message = f"{operation_id}: HTTP {status_code} response {problem}"
        if details:
            message += f": {details}"
        if request_id:
            message += f" (request id {request_id})"
        super().__init__(message)
        self.operation_id = operation_id
        self.status_code = status_code
        self.violations = list(violations)
        self.body = body
        self.request_id = request_id

    @property
    def fields(self) -> list[str]:
        """Dotted locations of the offending fields, e.g. `["title", "terms[0].href"]`."""
        return [violation.location for violation in self.violations]


class APIStatusError(OneRosterError):
    """A non-2xx answer. `body` is the parsed `ImsxStatusInfo`, else the raw JSON, else text."""

    def __init__(
        self,
        message: str,
        *,
        operation_id: str,
        status_code: int,
        body: ImsxStatusInfo | Any,
        request_id: str | None,
        headers: httpx.Headers,
    ) -> None:
        super().__init__(message)
        self.operation_id = operation_id
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.headers = headers

    @property
    def imsx(self) -> ImsxStatusInfo | None:
        """The imsx status body when the server sent a well-formed one."""
        return self.body if isinstance(self.body, ImsxStatusInfo) else None

    @property
    def code_minor(self) -> str | None:
        """The first `imsx_codeMinorFieldValue`, e.g. "invaliddata" or "unknownobject"."""
        info = self.imsx
        if info is None or not info.imsx_code_minor.imsx_code_minor_field:
            return None
        return info.imsx_code_minor.imsx_code_minor_field[0].imsx_code_minor_field_value


class BadRequestError(APIStatusError):
    """400: the server could not read the body at all."""


class UnauthorizedError(APIStatusError):
    """401: the token was refused even after one fresh token and replay."""


class ForbiddenError(APIStatusError):
    """403: the token is valid but lacks the operation's scope."""


class NotFoundError(APIStatusError):
    """404: the class (or a referenced object) does not exist."""


class PayloadTooLargeError(APIStatusError):
    """413: the body is larger than the server accepts."""


class UnprocessableEntityError(APIStatusError):
    """422: well-formed JSON that breaks the schema or a rule of the operation."""


class RateLimitError(APIStatusError):
    """429 after the retries; `retry_after` (seconds) is what the server last asked for, if anything."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


class ServerError(APIStatusError):
    """5xx: the server (or a gateway in front of it) failed."""


class ServiceUnavailableError(ServerError):
    """503 after the retries: the server as a whole is busy; `retry_after` as for RateLimitError."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    413: PayloadTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delta-seconds or HTTP date, RFC 9110 10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def request_id_of(headers: Mapping[str, str]) -> str | None:
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def _parse_error_body(content: bytes) -> ImsxStatusInfo | Any:
    try:
        data = json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")
    if isinstance(data, dict):
        try:
            return ImsxStatusInfo.from_dict(data)
        except (KeyError, ValueError, TypeError, AttributeError):
            return data  # not an imsx body (e.g. a gateway's {"message": ...}): keep it raw
    return data


def status_error(
    *,
    operation_id: str,
    status_code: int,
    content: bytes,
    headers: httpx.Headers,
    parsed: object = None,
    redact: Callable[[str], str] = str,
) -> APIStatusError:
    """The `APIStatusError` subclass for a non-2xx answer, with the body parsed as far as it goes.

    `redact` masks the caller's secrets in the server's text before it is cut and embedded.
    """
    body = parsed if isinstance(parsed, ImsxStatusInfo) else _parse_error_body(content)
    request_id = request_id_of(headers)
    if isinstance(body, ImsxStatusInfo):
        detail = redact(body.imsx_description)
    elif isinstance(body, str):
        detail = redact(body.strip())[:200] or "(empty body)"
    else:
        detail = redact(json.dumps(body))[:200]
    try:
        reason = httpx.codes.get_reason_phrase(status_code)
    except ValueError:
        reason = ""
    message = f"{operation_id}: HTTP {status_code} {reason}: {detail}".replace("  ", " ")
    if request_id:
        message += f" (request id {request_id})"
    cls = _BY_STATUS.get(status_code) or (ServerError if status_code >= 500 else APIStatusError)
    return cls(
        message,
        operation_id=operation_id,
        status_code=status_code,
        body=body,
        request_id=request_id,
        headers=headers,
    )
