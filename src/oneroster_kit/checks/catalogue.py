"""Every check of the kit, once: its name, its rule of openapi.yaml in one sentence, where it comes
from, whose fault a failure is and where it runs.

The live suite's markers and `--check`, the traffic checker's registrations and `--check`, and the
rule column of every report read this list (through `oneroster_kit.checks`); nothing else spells
a rule. A check added here is reported by name everywhere; code that makes a check not listed here
is refused when it registers.
"""

from __future__ import annotations

from oneroster_kit.checks.registry import Check, Registry, Runner

__all__ = ["CHECKS", "SCHEMATHESIS_PART"]

_SUITE: frozenset[Runner] = frozenset({"suite"})
_TRAFFIC: frozenset[Runner] = frozenset({"traffic"})
_BOTH: frozenset[Runner] = _SUITE | _TRAFFIC

# `--check schemathesis` selects the suite's schemathesis part as a whole (every check schemathesis makes).
SCHEMATHESIS_PART = "schemathesis"


def _schemathesis(name: str, rule: str, runs_in: frozenset[Runner] = _BOTH, not_selectable: str | None = None) -> Check:
    """A check schemathesis makes on every generated request (the traffic checker makes the same on each
    recorded one), under schemathesis's own name."""
    return Check(name, rule, "schemathesis", "server", runs_in, not_selectable)


def _server(
    name: str,
    rule: str,
    runs_in: frozenset[Runner],
    not_selectable: str | None = None,
    operations: tuple[str, ...] = (),
) -> Check:
    """A check of this kit on what a server answers (`operations`: the ones it sends requests to, when
    not every one)."""
    return Check(name, rule, "kit", "server", runs_in, not_selectable, operations=operations)


_RESULTS = ("putResult",)
_CLASSES = ("updateClass",)


def _client(name: str, rule: str) -> Check:
    """A check of this kit on what a client sends, seen in recorded traffic."""
    return Check(name, rule, "kit", "client", _TRAFFIC)


CHECKS = Registry(
    [
        # schemathesis (generated requests, every response checked)
        _schemathesis("not_a_server_error", "No request may yield a 5xx: every bad input has a documented 4xx answer."),
        _schemathesis("status_code_conformance", "Every status code answered is one the operation documents."),
        _schemathesis("content_type_conformance", "Every response has the documented content type (application/json)."),
        _schemathesis("response_headers_conformance", "Documented response headers are present and valid."),
        _schemathesis(
            "response_schema_conformance",
            "Every response body matches the schema documented for its status (error bodies: ImsxStatusInfo).",
        ),
        _schemathesis("negative_data_rejection", "A request that breaks the request schema is refused with a 4xx."),
        _schemathesis("positive_data_acceptance", "A request that satisfies the request schema is accepted (2xx)."),
        _schemathesis("missing_required_header", "A request without a required header is refused.", _SUITE),
        _schemathesis("unsupported_method", "A method the path does not document answers 405 with an Allow header."),
        _schemathesis(
            "ignored_auth",
            "Both operations require a valid bearer token (schemathesis 4.32 applies this check to apiKey/http "
            "schemes only, so for this OAuth2 spec the auth_* checks below do the work).",
            _SUITE,
            not_selectable="schemathesis 4.32 applies it to apiKey/http schemes only and this spec uses OAuth2; "
            "select auth_missing_token, auth_malformed_token, auth_expired_token or auth_scope instead",
        ),
        _schemathesis(
            "use_after_free",
            "A deleted resource is not served again.",
            _SUITE,
            not_selectable="the spec has no DELETE operation, so nothing can be used after deletion",
        ),
        _schemathesis("ensure_resource_availability", "A created resource can be used right away.", _SUITE),
        _schemathesis(
            "max_response_time",
            "Responses arrive within the configured time.",
            _SUITE,
            not_selectable="the suite configures no response-time limit (the spec states none)",
        ),
        _server(
            "schemathesis_error",
            "The suite could generate and send the requests (no internal error).",
            _SUITE,
            not_selectable="it reports a problem of the run itself, not a check; select schemathesis to run that part",
        ),
        # semantic checks of this suite (the traffic checker follows each resource across exchanges for them)
        _server(
            "operation_served",
            "Each operation is served at its path under the base URL: a valid PUT gets the operation's answer, not "
            "the server's answer for a path it does not serve (the preflight asks each operation on its own).",
            _SUITE,
        ),
        _server(
            "result_echo",
            "putResult: the response `result` carries back every field that was sent, equal (datetimes as "
            "instants, numbers exactly), and its sourcedId equals the path id.",
            _BOTH,
            operations=_RESULTS,
        ),
        _server(
            "result_upsert",
            "putResult is an upsert: a PUT to a new id creates the result, a PUT of other values to the same "
            "id replaces it, and repeating the same PUT gives the same result (only dateLastModified advances).",
            _BOTH,
            operations=_RESULTS,
        ),
        _server(
            "class_merge",
            "updateClass is a partial update: fields sent come back equal; fields not sent keep their values.",
            _BOTH,
            operations=_CLASSES,
        ),
        _server(
            "class_unknown_404",
            "updateClass on a class id that does not exist answers 404 (unknownobject, imsx body) "
            "and does not create the class.",
            _BOTH,
            operations=_CLASSES,
        ),
        _server(
            "date_last_modified",
            "dateLastModified is set by the server (a value sent is ignored), is a valid date-time, and advances "
            "on each write.",
            _BOTH,
        ),
        _server(
            "body_sourcedid_mismatch",
            "putResult with a body sourcedId that differs from the path answers 422 (invaliddata, imsx body).",
            _BOTH,
            operations=_RESULTS,
        ),
        # deterministic probes (oneroster_kit.conformance.probes): the same requests on every run
        _server(
            "result_replace",
            'putResult replaces the stored result (a PUT, "updates the result with this sourcedId"): after a PUT '
            "with every member, a PUT that omits an optional member, nested or in metadata, answers without it.",
            _SUITE,
            operations=_RESULTS,
        ),
        _server(
            "value_round_trip",
            'Every value the request schemas allow comes back exactly as sent (Result: "every field that was '
            'sent, equal"; no range, precision or length is imposed): doubles at full precision, integers beyond '
            "2**53, negative zero, extreme exponents, strings past 255/1,000/4,000/65,536 characters, non-BMP and "
            "combining characters, date-times with offsets, fractions and leap days, null and empty values "
            "wherever allowed, arrays in order and objects nested deep.",
            _SUITE,
        ),
        _server(
            "id_distinct",
            "A sourcedId is an exact string (path parameter `type: string`, no normalization): ids differing only "
            "by letter case, NFC/NFD, a literal percent escape or trailing spaces are different records; each "
            "answer carries its own path id, and a look-alike of a class id names no class (404).",
            _BOTH,
        ),
        _server(
            "enum_closed",
            "Every enum of the request schemas is closed: a value in other letter case, with surrounding spaces, "
            "as a plural, or empty is outside the enum and answers 422 (invaliddata).",
            _BOTH,
        ),
        _server(
            "body_wrapper_required",
            'A request body must be wrapped (`{"result": ...}`, `{"class": ...}`, required by PutResultRequest '
            "and PutClassRequest): the inner object alone answers 422, even though it is valid on its own.",
            _BOTH,
        ),
        _server(
            "write_atomic",
            "Each PUT is one whole write: concurrent PUTs of different bodies to one id each answer a whole write, "
            "and the record ends equal to one of them, never a mix.",
            _BOTH,
        ),
        _server("auth_missing_token", "A request without a bearer token answers 401 with an imsx body.", _BOTH),
        _server(
            "auth_malformed_token",
            "A request with a malformed or unknown bearer token answers 401 with an imsx body.",
            _BOTH,
        ),
        _server("auth_expired_token", "A request with an expired bearer token answers 401 with an imsx body.", _BOTH),
        _server(
            "auth_scope", "A token without the operation's scope answers 403 (forbidden) with an imsx body.", _BOTH
        ),
        _server(
            "suite_error",
            "The suite itself could run this check (connection and protocol errors land here).",
            _SUITE,
            not_selectable="it reports a problem of the run itself (connection or protocol errors), not a check",
        ),
        # what a client sends, seen in recorded traffic (`oneroster-conformance traffic`)
        _client("client_content_type", "A request body is sent as application/json."),
        _client("client_unreadable_body", "A request body is UTF-8 JSON."),
        _client("client_request_schema", "A request body satisfies the operation's request schema."),
        _client("client_path_id", "A path sourcedId satisfies the spec (not empty, not `.` or `..`)."),
        _client("client_sourcedid_mismatch", "A body result.sourcedId, when sent, equals the path sourcedId."),
        _client("client_missing_token", "Every operation request carries `Authorization: Bearer <token>`."),
        _client("client_malformed_token", "The Authorization header has the form `Bearer <token>`."),
        _client("client_token_scope", "The token sent holds the operation's scope (as granted in this recording)."),
        _client(
            "client_expired_token", "The token sent has not expired (per the grant's expires_in in this recording)."
        ),
    ]
)
