"""Checks of one exchange against the spec: the request blamed on the client, the answer on the server.

The server's checks are the active suite's (`oneroster_kit.conformance.checks`), made from what
was recorded instead of what the suite sent: no 5xx, documented status, content type, headers and
schema (imsx error bodies included), an invalid request accepted, a valid one refused, 401 without
a token, 403 without the scope. A 4xx to an invalid request is correct and is not flagged.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from oneroster_kit.contract import Operation, Violation, imsx_problems, operation
from oneroster_kit.exchange_log import BEARER
from oneroster_kit.traffic.context import Context
from oneroster_kit.traffic.exchange import Exchange
from oneroster_kit.traffic.jwt_claims import grant_from_jwt
from oneroster_kit.traffic.matching import Match
from oneroster_kit.traffic.privacy import token_id

__all__ = ["Judged", "bearer", "judge", "parse_json"]

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


@functools.cache
def _wrapper_with_id(operation_id: str) -> str | None:
    """The request wrapper member (`result`) whose schema has a sourcedId; None when it has none
    (a class body's sourcedId is an unknown member, ignored by the contract)."""
    op = operation(operation_id)
    return op.body_member if "sourcedId" in op.body_schema.get("properties", {}) else None


def _body_sourced_id(operation_id: str, document: Any) -> Any:
    """The sourcedId inside the request wrapper, or the sentinel when absent or not part of the schema."""
    member = _wrapper_with_id(operation_id)
    if member is not None and isinstance(document, dict) and isinstance(document.get(member), dict):
        return document[member].get("sourcedId", _MISSING)
    return _MISSING


def judge(ctx: Context, exchange: Exchange, match: Match) -> Judged | None:
    """Run the per-exchange checks; None when the method is not the operation's (nothing more to check)."""
    op = match.operation
    name = op.operation_id
    status = exchange.status

    def server(check: str, message: str, document: Any = None) -> None:
        ctx.fail(check, "server", exchange, name, message, document)

    def client(check: str, message: str, document: Any = None) -> None:
        ctx.fail(check, "client", exchange, name, message, document)

    if exchange.method != op.method:
        ctx.looked("unsupported_method")
        allow = exchange.response.header("allow") or ""
        if status != 405 or op.method not in [m.strip().upper() for m in allow.split(",")]:
            server(
                "unsupported_method",
                f"{exchange.method} on {op.path} (documents only {op.method}) answered {status}"
                + (f" with Allow {allow!r}" if allow else " without an Allow header")
                + f", expected 405 with Allow: {op.method}",
            )
        return None

    # -- the request (the client's side) ---------------------------------------------------------
    document: Any = None
    request_violations: list[Violation] = []
    request_valid = True
    sourced_id = match.path_values.get("sourcedId", "")
    path_problems = op.path_violations(match.path_values)
    ctx.looked("client_path_id")
    if path_problems:
        request_valid = False
        client("client_path_id", "; ".join(map(str, path_problems)))
    media = _media_type(exchange.request.header("content-type"))
    ctx.looked("client_content_type")
    if media != "application/json":
        request_valid = False
        client(
            "client_content_type", f"the request body was sent as {media or 'no Content-Type'}, not application/json"
        )
    ctx.looked("client_unreadable_body")
    try:
        document = parse_json(exchange.request.body)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        request_valid = False
        if not exchange.request.body:
            client("client_unreadable_body", "the request has no body (the operation requires one)")
        else:
            reason = str(error).splitlines()[0][:100]
            client("client_unreadable_body", f"the request body is not UTF-8 JSON ({reason})")
    else:
        ctx.looked("client_request_schema")
        request_violations = violations = op.request_validator.violations(document)
        if violations:
            request_valid = False
            shown = "; ".join(map(str, violations[:5])) + (
                f"; and {len(violations) - 5} more" if len(violations) > 5 else ""
            )
            client("client_request_schema", f"the request breaks the request schema: {shown}", document)
    body_id = _body_sourced_id(name, document) if request_valid else _MISSING
    mismatch = body_id is not _MISSING and body_id != sourced_id
    if request_valid:
        ctx.looked("client_sourcedid_mismatch")
    if mismatch:
        client(
            "client_sourcedid_mismatch",
            f"body sourcedId {body_id!r} differs from the path sourcedId {sourced_id!r}",
            document,
        )

    kind, token, raw = bearer(exchange.request.header("authorization"))
    grant = ctx.grants.get(token) if token is not None else None
    if grant is None and raw is not None:
        grant = grant_from_jwt(raw, exchange.ref)
        ctx.tokens_with_claims += grant is not None
    del raw
    # the operation's security requirements are alternatives: one satisfied set is enough
    lacking = op.scopes_lacking(grant.scopes) if grant is not None and grant.scopes is not None else []
    expired = (
        grant is not None
        and grant.expires_at is not None
        and exchange.started is not None
        and (exchange.started - grant.expires_at).total_seconds() > 1.0  # clock and rounding slack
    )
    ctx.looked("client_missing_token")
    if kind == "missing":
        client("client_missing_token", "the request carries no Authorization header")
    elif kind == "malformed":
        ctx.looked("client_malformed_token")
        client(
            "client_malformed_token", "the Authorization header is not of the form `Bearer <token>` (value not shown)"
        )
    elif grant is not None:
        ctx.looked("client_token_scope")
        if lacking:
            client("client_token_scope", f"the token (granted at {grant.ref}) lacks the scope {' '.join(lacking)}")
        if grant.expires_at is not None:
            ctx.looked("client_expired_token")
            if expired:
                client(
                    "client_expired_token",
                    f"the token (granted at {grant.ref}) expired at {grant.expires_at.isoformat()}",
                )
    auth_ok = kind == "token" and not lacking and not expired

    # -- the answer (the server's side) ----------------------------------------------------------
    response: Any = None
    readable = True
    try:
        response = parse_json(exchange.response.body)
    except ValueError:
        readable = False
    ok = 200 <= status < 300
    ctx.looked("not_a_server_error")
    if status >= 500:
        server("not_a_server_error", f"answered {status}", document)
    ctx.looked("status_code_conformance")
    if status not in op.documented_statuses:
        server(
            "status_code_conformance",
            f"answered {status}, which {name} does not document (documented: "
            f"{', '.join(map(str, op.documented_statuses))})",
            document,
        )
    else:
        validator = op.response_validator(status)
        if validator is not None:
            got = _media_type(exchange.response.header("content-type"))
            ctx.looked("content_type_conformance")
            if got != "application/json":
                server(
                    "content_type_conformance",
                    f"the {status} answer is labelled {got or 'with no Content-Type'}, documented: application/json",
                    document,
                )
            ctx.looked("response_schema_conformance")
            if not readable:
                server(
                    "response_schema_conformance",
                    f"the {status} answer has "
                    + ("no body" if exchange.response.body is None else "a body that is not JSON")
                    + f"; documented: {'a Result' if ok and name == 'putResult' else 'a JSON body'}",
                    document,
                )
            else:
                violations = validator.violations(response)
                if violations:
                    shown = "; ".join(map(str, violations[:5]))
                    server("response_schema_conformance", f"the {status} answer breaks its schema: {shown}", document)
        for header, definition in op.response_headers(status).items():
            if isinstance(definition, dict) and definition.get("required"):
                ctx.looked("response_headers_conformance")
                if exchange.response.header(header.lower()) is None:
                    server("response_headers_conformance", f"the {status} answer lacks the {header} header", document)
    if not request_valid:
        ctx.looked("negative_data_rejection")
        if ok:
            server("negative_data_rejection", f"a request that breaks the spec was accepted ({status})", document)
    elif not mismatch and auth_ok:
        ctx.looked("positive_data_acceptance")
        if status in (400, 422):
            server("positive_data_acceptance", f"a valid request was refused with {status}", document)
    # the same acceptance, named by the rule the request broke (as the suite's probes name it)
    wrapper = operation(name).body_member
    if isinstance(document, dict) and document and wrapper not in document:
        ctx.looked("body_wrapper_required")
        if ok:
            server("body_wrapper_required", f"a body without its {wrapper!r} wrapper was accepted ({status})", document)
    outside = [v for v in request_violations if v.rule == "enum"]
    if outside:
        ctx.looked("enum_closed")
        if ok:
            shown = "; ".join(f"{v.location}: {v.message}" for v in outside[:3])
            server("enum_closed", f"a value outside the enum was accepted ({status}): {shown}", document)

    # -- rules the spec states in prose ----------------------------------------------------------
    if mismatch:
        ctx.looked("body_sourcedid_mismatch")
        if ok or status == 422:
            problems = imsx_problems(op, status, response, 422, "invaliddata")
            if problems:
                server(
                    "body_sourcedid_mismatch", "body sourcedId differs from the path: " + "; ".join(problems), document
                )
    if kind in ("missing", "malformed"):
        check = "auth_missing_token" if kind == "missing" else "auth_malformed_token"
        ctx.looked(check)
        if ok or status == 401 or (request_valid and status not in (401, 429) and status < 500):
            problems = imsx_problems(op, status, response, 401, "unauthorisedrequest")
            if problems:
                what = "without a token" if kind == "missing" else "with a malformed Authorization header"
                server(check, f"request {what}: " + "; ".join(problems), document)
    elif lacking:
        ctx.looked("auth_scope")
        if ok or status == 403 or (request_valid and status not in (401, 403, 429) and status < 500):
            problems = imsx_problems(op, status, response, 403, "forbidden")
            if problems:
                server(
                    "auth_scope",
                    f"token without {' '.join(lacking)} (granted at {grant.ref if grant else '?'}): "
                    + "; ".join(problems),
                    document,
                )
    elif expired:
        ctx.looked("auth_expired_token")
        if ok or status == 401:
            problems = imsx_problems(op, status, response, 401, "unauthorisedrequest")
            if problems:
                server(
                    "auth_expired_token",
                    f"a token that expired at {grant.expires_at.isoformat() if grant and grant.expires_at else '?'} "
                    + "(granted at "
                    + (grant.ref if grant else "?")
                    + "): "
                    + "; ".join(problems),
                    document,
                )
    return Judged(op, sourced_id, document, response if readable else None, request_valid, mismatch, auth_ok)
