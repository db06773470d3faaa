"""Checks of one exchange against the spec: the request blamed on the client, the answer on the server.

The server's checks are the live suite's (same names and rules, from `oneroster_kit.checks`), made
from what was recorded instead of what the suite sent: no 5xx, documented status, content type,
headers and schema (imsx error bodies included), an invalid request accepted, a valid one refused,
401 without a token, 403 without the scope. A 4xx to an invalid request is correct and is not flagged.

Each check is one function, registered by `@check` under its own name (schemathesis's pattern):
`judge` reads the exchange once into a `Seen` (what every check looks at), then runs every
registered check whose guards (`@when(...)`) hold; a check that runs has looked at the exchange,
and `Seen.fail` reports under the running check's name, so no name is written twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from oneroster_kit.checks import CHECKS, Check, Implementation, Implementations, when
from oneroster_kit.contract import Operation, SchemaValidator, Violation, imsx_problems
from oneroster_kit.exchange_log import BEARER
from oneroster_kit.traffic.context import Context, Grant
from oneroster_kit.traffic.exchange import Exchange
from oneroster_kit.traffic.jwt_claims import grant_from_jwt
from oneroster_kit.traffic.matching import Match
from oneroster_kit.traffic.privacy import token_id

__all__ = ["PER_EXCHANGE", "Judged", "Seen", "bearer", "judge", "parse_json"]

_MISSING = object()

AuthKind = Literal["missing", "malformed", "token"]


@dataclass(frozen=True)
class Judged:
    """What the per-exchange checks learnt, for the checks across exchanges."""

    operation: Operation
    sourced_id: str
    request: Any  # the parsed request body, or None
    response: Any  # the parsed response body, or None
    request_valid: bool  # readable and schema-valid (auth aside)
    mismatch: bool  # body sourcedId differs from the path
    auth_ok: bool  # a well-formed token this recording does not show to be expired or lacking the scope


def parse_json(data: bytes | None) -> Any:
    """The JSON value of `data`; `_MISSING` sentinel handling is the caller's (raises ValueError)."""
    if data is None:
        raise ValueError("no body")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def bearer(header: str | None) -> tuple[AuthKind, str | None, str | None]:
    """("missing", None, None), ("malformed", None, None) or ("token", token id, the raw token).

    The raw token is for reading a JWT's claims on the spot; callers never keep it."""
    if header is None:
        return "missing", None, None
    found = BEARER.fullmatch(header.strip())
    if found is None:
        return "malformed", None, None
    return "token", token_id(found.group(2)), found.group(2)


def _media_type(value: str | None) -> str | None:
    return value.split(";", 1)[0].strip().lower() if value is not None else None


def _wrapper_with_id(op: Operation) -> str | None:
    """The request wrapper member (`result`) whose schema has a sourcedId; None when it has none
    (a class body's sourcedId is an unknown member, ignored by the contract)."""
    return op.body_member if "sourcedId" in op.body_schema.get("properties", {}) else None


def _body_sourced_id(op: Operation, document: Any) -> Any:
    """The sourcedId inside the request wrapper, or the sentinel when absent or not part of the schema."""
    member = _wrapper_with_id(op)
    if member is not None and isinstance(document, dict) and isinstance(document.get(member), dict):
        return document[member].get("sourcedId", _MISSING)
    return _MISSING


@dataclass(slots=True)
class Seen:
    """One exchange as every per-exchange check sees it: what `judge` read from it, once."""

    ctx: Context
    exchange: Exchange
    op: Operation
    name: str  # the operationId
    status: int
    other_method: bool  # a method the operation does not document (only unsupported_method looks)
    sourced_id: str = ""
    path_problems: list[Violation] = field(default_factory=list)
    media: str | None = None  # the request's media type
    document: Any = None  # the parsed request body, or None
    body_error: ValueError | None = None  # why the request body could not be read, or None
    request_violations: list[Violation] = field(default_factory=list)
    request_valid: bool = True  # readable and schema-valid (auth aside)
    body_id: Any = _MISSING  # the body's sourcedId, when the request is valid and the schema has one
    mismatch: bool = False  # body sourcedId differs from the path
    kind: AuthKind = "missing"
    grant: Grant | None = None
    lacking: list[str] = field(default_factory=list)  # scopes the grant lacks
    expired: bool = False
    response: Any = None  # the parsed answer, or None
    readable: bool = True  # the answer body is JSON
    ok: bool = False  # a 2xx answer
    documented: bool = False  # the status is one the operation documents
    validator: SchemaValidator | None = None  # the answer's schema, for a documented JSON status
    current: Check | None = None  # the check running now (set by `judge`)

    def fail(self, message: str, document: Any = None) -> None:
        """A finding of the running check (its party from the registry), with the request body if given."""
        assert self.current is not None
        self.ctx.fail(self.current, self.exchange, self.name, message, document)


PER_EXCHANGE: Implementations[Seen] = Implementations("traffic", CHECKS)
check = PER_EXCHANGE.register


def other_method(seen: Seen) -> bool:
    return seen.other_method


def documented_status(seen: Seen) -> bool:
    return seen.documented


def json_answer(seen: Seen) -> bool:
    """The status documents a JSON body (its schema is known)."""
    return seen.validator is not None


def body_parsed(seen: Seen) -> bool:
    return seen.body_error is None


def request_valid(seen: Seen) -> bool:
    return seen.request_valid


def request_invalid(seen: Seen) -> bool:
    return not seen.request_valid


def mismatch(seen: Seen) -> bool:
    return seen.mismatch


def malformed_token(seen: Seen) -> bool:
    return seen.kind == "malformed"


def missing_token(seen: Seen) -> bool:
    return seen.kind == "missing"


def granted(seen: Seen) -> bool:
    """A well-formed token whose grant (scopes, expiry) the recording shows."""
    return seen.kind == "token" and seen.grant is not None


def grant_expires(seen: Seen) -> bool:
    return seen.grant is not None and seen.grant.expires_at is not None


def lacks_scope(seen: Seen) -> bool:
    return seen.kind == "token" and bool(seen.lacking)


def expired_only(seen: Seen) -> bool:
    """Expired, with the scope (a token lacking the scope is judged by auth_scope)."""
    return seen.kind == "token" and not seen.lacking and seen.expired


def valid_and_authorised(seen: Seen) -> bool:
    return seen.request_valid and not seen.mismatch and seen.kind == "token" and not seen.lacking and not seen.expired


def unwrapped(seen: Seen) -> bool:
    """A JSON object body without the member that wraps it (`result`, `class`)."""
    document = seen.document
    return isinstance(document, dict) and bool(document) and seen.op.body_member not in document


def outside_enum(seen: Seen) -> bool:
    return any(v.rule == "enum" for v in seen.request_violations)


# -- a method the operation does not document ---------------------------------------------------


@check
@when(other_method)
def unsupported_method(seen: Seen) -> None:
    op, exchange, status = seen.op, seen.exchange, seen.status
    allow = exchange.response.header("allow") or ""
    if status != 405 or op.method not in [m.strip().upper() for m in allow.split(",")]:
        seen.fail(
            f"{exchange.method} on {op.path} (documents only {op.method}) answered {status}"
            + (f" with Allow {allow!r}" if allow else " without an Allow header")
            + f", expected 405 with Allow: {op.method}",
        )


# -- the request (the client's side) -------------------------------------------------------------


@check
def client_path_id(seen: Seen) -> None:
    if seen.path_problems:
        seen.fail("; ".join(map(str, seen.path_problems)))


@check
def client_content_type(seen: Seen) -> None:
    if seen.media != "application/json":
        seen.fail(f"the request body was sent as {seen.media or 'no Content-Type'}, not application/json")


@check
def client_unreadable_body(seen: Seen) -> None:
    error = seen.body_error
    if error is None:
        return
    if not seen.exchange.request.body:
        seen.fail("the request has no body (the operation requires one)")
    else:
        reason = str(error).splitlines()[0][:100]
        seen.fail(f"the request body is not UTF-8 JSON ({reason})")


@check
@when(body_parsed)
def client_request_schema(seen: Seen) -> None:
    violations = seen.request_violations
    if violations:
        shown = "; ".join(map(str, violations[:5])) + (
            f"; and {len(violations) - 5} more" if len(violations) > 5 else ""
        )
        seen.fail(f"the request breaks the request schema: {shown}", seen.document)


@check
@when(request_valid)
def client_sourcedid_mismatch(seen: Seen) -> None:
    if seen.mismatch:
        seen.fail(f"body sourcedId {seen.body_id!r} differs from the path sourcedId {seen.sourced_id!r}", seen.document)


@check
def client_missing_token(seen: Seen) -> None:
    if seen.kind == "missing":
        seen.fail("the request carries no Authorization header")


@check
@when(malformed_token)
def client_malformed_token(seen: Seen) -> None:
    seen.fail("the Authorization header is not of the form `Bearer <token>` (value not shown)")


@check
@when(granted)
def client_token_scope(seen: Seen) -> None:
    if seen.lacking and seen.grant is not None:
        seen.fail(f"the token (granted at {seen.grant.ref}) lacks the scope {' '.join(seen.lacking)}")


@check
@when(granted)
@when(grant_expires)
def client_expired_token(seen: Seen) -> None:
    grant = seen.grant
    if seen.expired and grant is not None and grant.expires_at is not None:
        seen.fail(f"the token (granted at {grant.ref}) expired at {grant.expires_at.isoformat()}")


# -- the answer (the server's side) --------------------------------------------------------------


@check
def not_a_server_error(seen: Seen) -> None:
    if seen.status >= 500:
        seen.fail(f"answered {seen.status}", seen.document)


@check
def status_code_conformance(seen: Seen) -> None:
    if not seen.documented:
        documented = seen.op.documented_statuses
        seen.fail(
            f"answered {seen.status}, which {seen.name} does not document (documented: "
            f"{', '.join(map(str, documented))})",
            seen.document,
        )


@check
@when(documented_status)
@when(json_answer)
def content_type_conformance(seen: Seen) -> None:
    got = _media_type(seen.exchange.response.header("content-type"))
    if got != "application/json":
        seen.fail(
            f"the {seen.status} answer is labelled {got or 'with no Content-Type'}, documented: application/json",
            seen.document,
        )


@check
@when(documented_status)
@when(json_answer)
def response_schema_conformance(seen: Seen) -> None:
    status, validator = seen.status, seen.validator
    if not seen.readable:
        seen.fail(
            f"the {status} answer has "
            + ("no body" if seen.exchange.response.body is None else "a body that is not JSON")
            + f"; documented: {'a Result' if seen.ok and seen.name == 'putResult' else 'a JSON body'}",
            seen.document,
        )
    elif validator is not None:
        violations = validator.violations(seen.response)
        if violations:
            shown = "; ".join(map(str, violations[:5]))
            seen.fail(f"the {status} answer breaks its schema: {shown}", seen.document)


def _required_headers(seen: Seen) -> list[str]:
    return [
        header
        for header, definition in seen.op.response_headers(seen.status).items()
        if isinstance(definition, dict) and definition.get("required")
    ]


def requires_headers(seen: Seen) -> bool:
    return bool(_required_headers(seen))


@check
@when(documented_status)
@when(requires_headers)
def response_headers_conformance(seen: Seen) -> None:
    for header in _required_headers(seen):
        if seen.exchange.response.header(header.lower()) is None:
            seen.fail(f"the {seen.status} answer lacks the {header} header", seen.document)


@check
@when(request_invalid)
def negative_data_rejection(seen: Seen) -> None:
    if seen.ok:
        seen.fail(f"a request that breaks the spec was accepted ({seen.status})", seen.document)


@check
@when(valid_and_authorised)
def positive_data_acceptance(seen: Seen) -> None:
    if seen.status in (400, 422):
        seen.fail(f"a valid request was refused with {seen.status}", seen.document)


# the same acceptance, named by the rule the request broke (as the suite's probes name it)
@check
@when(unwrapped)
def body_wrapper_required(seen: Seen) -> None:
    if seen.ok:
        seen.fail(f"a body without its {seen.op.body_member!r} wrapper was accepted ({seen.status})", seen.document)


@check
@when(outside_enum)
def enum_closed(seen: Seen) -> None:
    if seen.ok:
        outside = [v for v in seen.request_violations if v.rule == "enum"]
        shown = "; ".join(f"{v.location}: {v.message}" for v in outside[:3])
        seen.fail(f"a value outside the enum was accepted ({seen.status}): {shown}", seen.document)


# -- rules the spec states in prose --------------------------------------------------------------


@check
@when(mismatch)
def body_sourcedid_mismatch(seen: Seen) -> None:
    status = seen.status
    if seen.ok or status == 422:
        problems = imsx_problems(seen.op, status, seen.response, 422, "invaliddata")
        if problems:
            seen.fail("body sourcedId differs from the path: " + "; ".join(problems), seen.document)


def _refused_or_accepted(seen: Seen, expected: int) -> bool:
    """Whether an answer to a request that should get `expected` is judged: a 2xx, `expected`
    itself, or (for a valid body) any other 4xx but 401, 403 and 429."""
    status = seen.status
    others = (401, 429) if expected == 401 else (401, 403, 429)
    return seen.ok or status == expected or (seen.request_valid and status not in others and status < 500)


@check
@when(missing_token)
def auth_missing_token(seen: Seen) -> None:
    if _refused_or_accepted(seen, 401):
        problems = imsx_problems(seen.op, seen.status, seen.response, 401, "unauthorisedrequest")
        if problems:
            seen.fail("request without a token: " + "; ".join(problems), seen.document)


@check
@when(malformed_token)
def auth_malformed_token(seen: Seen) -> None:
    if _refused_or_accepted(seen, 401):
        problems = imsx_problems(seen.op, seen.status, seen.response, 401, "unauthorisedrequest")
        if problems:
            seen.fail("request with a malformed Authorization header: " + "; ".join(problems), seen.document)


@check
@when(lacks_scope)
def auth_scope(seen: Seen) -> None:
    if _refused_or_accepted(seen, 403):
        problems = imsx_problems(seen.op, seen.status, seen.response, 403, "forbidden")
        if problems:
            grant = seen.grant
            seen.fail(
                f"token without {' '.join(seen.lacking)} (granted at {grant.ref if grant else '?'}): "
                + "; ".join(problems),
                seen.document,
            )


@check
@when(expired_only)
def auth_expired_token(seen: Seen) -> None:
    if seen.ok or seen.status == 401:
        problems = imsx_problems(seen.op, seen.status, seen.response, 401, "unauthorisedrequest")
        if problems:
            grant = seen.grant
            seen.fail(
                f"a token that expired at {grant.expires_at.isoformat() if grant and grant.expires_at else '?'} "
                + "(granted at "
                + (grant.ref if grant else "?")
                + "): "
                + "; ".join(problems),
                seen.document,
            )


# Which checks look at which exchanges: unsupported_method at a method the operation does not
# document, every other check at the rest (in registration order, so findings keep their order).
_ON_OTHER_METHOD: tuple[Implementation[Seen], ...] = tuple(i for i in PER_EXCHANGE.values() if other_method in i.guards)
_ON_OPERATION: tuple[Implementation[Seen], ...] = tuple(
    i for i in PER_EXCHANGE.values() if other_method not in i.guards
)


def _run(checks: tuple[Implementation[Seen], ...], seen: Seen) -> None:
    applied = seen.ctx.findings.applied
    for implementation in checks:
        for guard in implementation.guards:
            if not guard(seen):
                break
        else:
            seen.current = implementation.check
            applied[implementation.check.name] += 1
            implementation.run(seen)


def judge(ctx: Context, exchange: Exchange, match: Match) -> Judged | None:
    """Run the per-exchange checks; None when the method is not the operation's (nothing more to check)."""
    op = match.operation
    name = op.operation_id
    status = exchange.status
    if exchange.method != op.method:
        _run(_ON_OTHER_METHOD, Seen(ctx, exchange, op, name, status, other_method=True))
        return None
    seen = Seen(ctx, exchange, op, name, status, other_method=False)

    # -- the request ---------------------------------------------------------------------------
    seen.sourced_id = sourced_id = match.path_values.get("sourcedId", "")
    seen.path_problems = op.path_violations(match.path_values)
    seen.media = _media_type(exchange.request.header("content-type"))
    valid = not seen.path_problems and seen.media == "application/json"
    try:
        seen.document = document = parse_json(exchange.request.body)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        seen.body_error = error
        document = None
        valid = False
    else:
        seen.request_violations = op.request_validator.violations(document)
        valid = valid and not seen.request_violations
    seen.request_valid = valid
    if valid:
        seen.body_id = body_id = _body_sourced_id(op, document)
        seen.mismatch = body_id is not _MISSING and body_id != sourced_id

    kind, token, raw = bearer(exchange.request.header("authorization"))
    grant = ctx.grants.get(token) if token is not None else None
    if grant is None and raw is not None:
        grant = grant_from_jwt(raw, exchange.ref)
        ctx.tokens_with_claims += grant is not None
    del raw
    seen.kind, seen.grant = kind, grant
    # the operation's security requirements are alternatives: one satisfied set is enough
    seen.lacking = op.scopes_lacking(grant.scopes) if grant is not None and grant.scopes is not None else []
    seen.expired = (
        grant is not None
        and grant.expires_at is not None
        and exchange.started is not None
        and (exchange.started - grant.expires_at).total_seconds() > 1.0  # clock and rounding slack
    )

    # -- the answer ----------------------------------------------------------------------------
    try:
        seen.response = parse_json(exchange.response.body)
    except ValueError:
        seen.readable = False
    seen.ok = 200 <= status < 300
    seen.documented = status in op.documented_statuses
    if seen.documented:
        seen.validator = op.response_validator(status)

    _run(_ON_OPERATION, seen)
    auth_ok = kind == "token" and not seen.lacking and not seen.expired
    return Judged(op, sourced_id, document, seen.response if seen.readable else None, valid, seen.mismatch, auth_ok)
