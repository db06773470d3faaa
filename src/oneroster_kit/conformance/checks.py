"""The catalogue of checks the suite makes: a stable name and the rule of the spec it enforces.

Reports name a failure by check; this is where a reader learns what the check means. The
schemathesis checks keep schemathesis's names; the semantic checks are this suite's own.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHECKS", "SCHEMATHESIS_CHECKS", "Check", "rule_of", "selectable"]


@dataclass(frozen=True)
class Check:
    name: str
    rule: str  # the rule of openapi.yaml the check enforces, in one sentence
    # Why `--check NAME` cannot select it (it can never fail against this spec), or None when it can.
    not_selectable: str | None = None


_ALL = [
    # schemathesis (generated requests, every response checked)
    Check("not_a_server_error", "No request may yield a 5xx: every bad input has a documented 4xx answer."),
    Check("status_code_conformance", "Every status code answered is one the operation documents."),
    Check("content_type_conformance", "Every response has the documented content type (application/json)."),
    Check("response_headers_conformance", "Documented response headers are present and valid."),
    Check(
        "response_schema_conformance",
        "Every response body matches the schema documented for its status (error bodies: ImsxStatusInfo).",
    ),
    Check("negative_data_rejection", "A request that breaks the request schema is refused with a 4xx."),
    Check("positive_data_acceptance", "A request that satisfies the request schema is accepted (2xx)."),
    Check("missing_required_header", "A request without a required header is refused."),
    Check("unsupported_method", "A method the path does not document answers 405 with an Allow header."),
    Check(
        "ignored_auth",
        "Both operations require a valid bearer token (schemathesis 4.32 applies this check to apiKey/http "
        "schemes only, so for this OAuth2 spec the auth_* checks below do the work).",
        not_selectable="schemathesis 4.32 applies it to apiKey/http schemes only and this spec uses OAuth2; "
        "select auth_missing_token, auth_malformed_token, auth_expired_token or auth_scope instead",
    ),
    Check(
        "use_after_free",
        "A deleted resource is not served again.",
        not_selectable="the spec has no DELETE operation, so nothing can be used after deletion",
    ),
    Check("ensure_resource_availability", "A created resource can be used right away."),
    Check(
        "max_response_time",
        "Responses arrive within the configured time.",
        not_selectable="the suite configures no response-time limit (the spec states none)",
    ),
    Check(
        "schemathesis_error",
        "The suite could generate and send the requests (no internal error).",
        not_selectable="it reports a problem of the run itself, not a check; select schemathesis to run that part",
    ),
    # semantic checks of this suite
    Check(
        "operation_served",
        "Each operation is served at its path under the base URL: a valid PUT gets the operation's answer, not the "
        "server's answer for a path it does not serve (the preflight asks each operation on its own).",
    ),
    Check(
        "result_echo",
        "putResult: the response `result` carries back every field that was sent, equal (datetimes as "
        "instants, numbers exactly), and its sourcedId equals the path id.",
    ),
    Check(
        "result_upsert",
        "putResult is an upsert: a PUT to a new id creates the result, a PUT of other values to the same "
        "id replaces it, and repeating the same PUT gives the same result (only dateLastModified advances).",
    ),
    Check(
        "class_merge",
        "updateClass is a partial update: fields sent come back equal; fields not sent keep their values.",
    ),
    Check(
        "class_unknown_404",
        "updateClass on a class id that does not exist answers 404 (unknownobject, imsx body) "
        "and does not create the class.",
    ),
    Check(
        "date_last_modified",
        "dateLastModified is set by the server (a value sent is ignored), is a valid date-time, and advances "
        "on each write.",
    ),
    Check(
        "body_sourcedid_mismatch",
        "putResult with a body sourcedId that differs from the path answers 422 (invaliddata, imsx body).",
    ),
    # deterministic probes (oneroster_kit.conformance.probes): the same requests on every run
    Check(
        "result_replace",
        'putResult replaces the stored result (a PUT, "updates the result with this sourcedId"): after a PUT '
        "with every member, a PUT that omits an optional member, nested or in metadata, answers without it.",
    ),
    Check(
        "value_round_trip",
        'Every value the request schemas allow comes back exactly as sent (Result: "every field that was sent, '
        'equal"; no range, precision or length is imposed): doubles at full precision, integers beyond 2**53, '
        "negative zero, extreme exponents, strings past 255/1,000/4,000/65,536 characters, non-BMP and combining "
        "characters, date-times with offsets, fractions and leap days, null and empty values wherever allowed, "
        "arrays in order and objects nested deep.",
    ),
    Check(
        "id_distinct",
        "A sourcedId is an exact string (path parameter `type: string`, no normalization): ids differing only by "
        "letter case, NFC/NFD, a literal percent escape or trailing spaces are different records; each answer "
        "carries its own path id, and a look-alike of a class id names no class (404).",
    ),
    Check(
        "enum_closed",
        "Every enum of the request schemas is closed: a value in other letter case, with surrounding spaces, as a "
        "plural, or empty is outside the enum and answers 422 (invaliddata).",
    ),
    Check(
        "body_wrapper_required",
        'A request body must be wrapped (`{"result": ...}`, `{"class": ...}`, required by PutResultRequest '
        "and PutClassRequest): the inner object alone answers 422, even though it is valid on its own.",
    ),
    Check(
        "write_atomic",
        "Each PUT is one whole write: concurrent PUTs of different bodies to one id each answer a whole write, and "
        "the record ends equal to one of them, never a mix.",
    ),
    Check("auth_missing_token", "A request without a bearer token answers 401 with an imsx body."),
    Check("auth_malformed_token", "A request with a malformed or unknown bearer token answers 401 with an imsx body."),
    Check("auth_expired_token", "A request with an expired bearer token answers 401 with an imsx body."),
    Check("auth_scope", "A token without the operation's scope answers 403 (forbidden) with an imsx body."),
    Check(
        "suite_error",
        "The suite itself could run this check (connection and protocol errors land here).",
        not_selectable="it reports a problem of the run itself (connection or protocol errors), not a check",
    ),
]

CHECKS: dict[str, Check] = {check.name: check for check in _ALL}
SCHEMATHESIS_CHECKS = frozenset(
    name
    for name, check in CHECKS.items()
    if check.not_selectable is None
    and not name.startswith(
        ("result_", "class_", "date_", "body_", "auth_", "suite_", "value_", "id_", "enum_", "write_", "operation_")
    )
)
# A pseudo-name for --check: run the schemathesis test only.
CHECKS["schemathesis"] = Check("schemathesis", "All schemathesis checks over generated requests.")


def rule_of(name: str) -> str:
    check = CHECKS.get(name)
    return check.rule if check is not None else "(no rule recorded for this check)"


def selectable() -> list[str]:
    """The names `--check` accepts: every check that can fail against this spec, and `schemathesis`."""
    return sorted(name for name, check in CHECKS.items() if check.not_selectable is None)
