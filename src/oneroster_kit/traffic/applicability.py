"""Which checks a recording could not exercise, and why: listed as skipped, never silently absent.

A recording holds what it holds: no request without a token, no result written twice, no answer
body to compare. A check that found nothing to look at in it passed nothing either, so the report
lists it as skipped with what it would have needed (and, where the run saw why, that too: answers
that are a bare Result, another dialect, cannot be compared with the `result` sent).
"""

from __future__ import annotations

from collections.abc import Mapping

from oneroster_kit.checks import CHECKS

__all__ = ["NEEDS", "skipped_checks"]

# check -> what a recording must hold for it to run ("the recording holds no ..."); one entry for each
# check of the registry that runs in the traffic checker (tests/traffic/test_checks_made.py holds them equal)
NEEDS: dict[str, str] = {
    "not_a_server_error": "exchange that matched an operation",
    "status_code_conformance": "exchange that matched an operation",
    "content_type_conformance": "answer of a documented status with a body",
    "response_schema_conformance": "answer of a documented status with a body",
    "response_headers_conformance": "answer of a status that requires headers (401 WWW-Authenticate, 405 Allow)",
    "negative_data_rejection": "request that breaks the request schema",
    "positive_data_acceptance": "valid request with a usable token",
    "body_wrapper_required": "request body without its wrapper",
    "enum_closed": "request with a value outside an enum",
    "body_sourcedid_mismatch": "request whose body sourcedId differs from the path id",
    "unsupported_method": "request with a method the path does not document",
    "auth_missing_token": "request without a token",
    "auth_malformed_token": "request with a malformed Authorization header",
    "auth_scope": "request whose token lacks the scope (known from a grant in the traffic or a JWT)",
    "auth_expired_token": "request made after its token expired (known from a grant in the traffic or a JWT)",
    "result_echo": "2xx answer to a valid result PUT, holding a `result` object to compare with what was sent",
    "id_distinct": "2xx answer holding the written object (a `result`, or the class)",
    "result_upsert": "result written twice (an earlier write to compare the later one with)",
    "write_atomic": "two writes to one result in flight at once",
    "class_unknown_404": "class PUT answered 404, or the classes known to exist (--class-id)",
    "class_merge": "2xx answer to a valid class update",
    "date_last_modified": "2xx answer holding the written object with its dateLastModified",
    "client_content_type": "request with a body",
    "client_unreadable_body": "request with a body",
    "client_request_schema": "request with a readable JSON body",
    "client_path_id": "request to an operation",
    "client_sourcedid_mismatch": "result request with a body sourcedId",
    "client_missing_token": "request to an operation",
    "client_malformed_token": "request with an Authorization header",
    "client_token_scope": "request with a token whose grant (or JWT) states its scopes",
    "client_expired_token": "request with a token whose grant (or JWT) states its expiry",
}
_NEED_RESULT_OBJECT = ("result_echo", "result_upsert", "id_distinct", "write_atomic", "date_last_modified")


def skipped_checks(
    applied: Mapping[str, int], selected: frozenset[str], bare_results: int, checked: int
) -> dict[str, str]:
    """Each check (of `selected`, or all) that looked at no exchange, with why."""
    skipped: dict[str, str] = {}
    for check in CHECKS.select(runs_in="traffic"):
        name, need = check.name, NEEDS[check.name]
        if (selected and name not in selected) or applied.get(name):
            continue
        reason = f"the recording holds no {need}" if checked else "no exchange matched an operation of the spec"
        if bare_results and name in _NEED_RESULT_OBJECT:
            reason += (
                f"; {bare_results} 2xx answers to result PUTs were a bare Result without its `result` wrapper "
                "(another dialect of OneRoster): nothing to compare"
            )
        skipped[name] = reason
    return skipped
