"""Semantic checks a fuzzer does not make, each a named check of the report.

Bodies come from strategies derived from openapi.yaml (schemathesis `as_strategy`, valid mode),
so every field, enum and nullable the spec allows is exercised; hypothesis shrinks a failure to
a minimal body before it is reported. Results are written only under the run's prefix, classes
only among those the run was given.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import engine as hypothesis_engine

from oneroster_kit import contract
from oneroster_kit.conformance.auth import ClientCredentials, TokenError
from oneroster_kit.conformance.compare import echo_mismatches, json_equal, parse_instant
from oneroster_kit.conformance.dialect import BARE_RESULT
from oneroster_kit.conformance.expiry import NEEDS_CREDENTIALS, ExpiringToken
from oneroster_kit.conformance.observations import success_shape
from oneroster_kit.conformance.records import CheckFailed
from oneroster_kit.conformance.references import reference_check_reason
from oneroster_kit.conformance.session import active, current_options, current_target
from oneroster_kit.conformance.setup import example_body
from oneroster_kit.conformance.target import Exchange, Target
from oneroster_kit.contract import operation
from oneroster_kit.strategies import request_cases

OPTIONS = current_options()
# Shrinking replays requests against the target; bound it per failure (hypothesis's own bound is
# five minutes). The reported input is the smallest found within the profile's budget.
hypothesis_engine.MAX_SHRINKING_SECONDS = OPTIONS.profile.shrink_seconds
RESULTS = operation("putResult").path
CLASSES = operation("updateClass").path
# Valid bodies from the one place strategies live (deep-copied: schemathesis reuses drawn objects).
result_bodies = request_cases("putResult").map(lambda case: case.body)
class_bodies = request_cases("updateClass").map(lambda case: case.body)
_ids = itertools.count(1)


def semantic(check: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Hypothesis settings of the run (examples per profile, the run's seed, no example database)."""

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        configured = settings(
            max_examples=OPTIONS.semantic_examples,
            deadline=None,
            database=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        )(test)
        marked: Callable[..., Any] = pytest.mark.conformance_check(check)(seed(OPTIONS.seed)(configured))
        return marked

    return decorate


def counted(check: str) -> None:
    """One example of a check starts (counted in the report; its requests are recorded from here)."""
    current_target().begin_case()
    plugin = active()
    if plugin is not None:
        plugin.outcome.count_case(check)


def fail(check: str, exchange: Exchange, message: str) -> CheckFailed:
    """The failure of `exchange`; its reproduction replays every request of the example up to it."""
    exchanges = current_target().exchanges_until(exchange)
    if len(exchanges) > 1:
        curl = "\n".join(f"{e.curl}  # request {n} of {len(exchanges)}" for n, e in enumerate(exchanges, 1))
    else:
        curl = exchange.curl
    return CheckFailed(
        check,
        exchange.operation_id,
        f"{message} [{exchange.describe()}]",
        input=exchange.request_body,
        curl=curl,
        status=exchange.status,
        response=exchange.response_text,
    )


def fresh_result_id(target: Target, what: str) -> str:
    """A result id this check may write: a new one under the prefix or, on a target that does not create
    results on PUT, a named result (--result-id); skipped when there is neither."""
    rid = target.result_for(f"{what}-{next(_ids)}")
    if rid is None:
        pytest.skip(reference_check_reason(target) or "no result id this run may write")
    return rid


def skip_unless_served(target: Target, operation_id: str) -> None:
    """Skip a check of an operation the preflight found absent or did not check (the reason says which)."""
    reason = target.absence(operation_id)
    if reason is not None:
        pytest.skip(reason)


def with_id(body: dict[str, Any], sourced_id: str) -> dict[str, Any]:
    """A valid result body for this id: a body sourcedId, when present, must equal the path id."""
    result = dict(body["result"])
    if "sourcedId" in result:
        result["sourcedId"] = sourced_id
    return {**body, "result": result}


def expect_success(check: str, exchange: Exchange, allowed: tuple[int, ...]) -> dict[str, Any]:
    if exchange.status not in allowed:
        raise fail(check, exchange, f"a valid request was answered {exchange.status}, expected {allowed}")
    document = exchange.json
    if not isinstance(document, dict):
        raise fail(check, exchange, "the success response is not a JSON object")
    return document


def skip_if_references_are_checked(target: Target) -> None:
    reason = reference_check_reason(target)
    if reason is not None:
        pytest.skip(reason)


def stored_result(check: str, exchange: Exchange) -> tuple[dict[str, Any], list[str]]:
    """The stored result an answer carries, and the dialect problem of reading it: a bare Result is read
    through (so the check still tests the server's own behaviour) and reported as not wrapped."""
    document = expect_success(check, exchange, (200, 201))
    shape, result = success_shape("putResult", document)
    if result is None:
        raise fail(check, exchange, "the response has no `result` object")
    return result, [BARE_RESULT] if shape == "bare" else []


def imsx_problems(exchange: Exchange, status: int, minor: str) -> list[str]:
    """Why the response is not the documented imsx error for `status` (empty when it is)."""
    return contract.imsx_problems(operation(exchange.operation_id), exchange.status, exchange.json, status, minor)


# -- operations --------------------------------------------------------------------------------------


@pytest.mark.conformance_check("operation_served")
@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_operation_served(conformance_target: Target, operation_id: str) -> None:
    """Each operation answers at the spec's path (the preflight's finding, one verdict per operation)."""
    counted("operation_served")
    target = conformance_target
    state = target.operations.get(operation_id)
    if state is None:
        return  # no preflight (cannot happen under the CLI): nothing to judge
    if not state.checked:
        pytest.skip(f"{state.label}: {state.reason}")
    if not state.served and state.exchange is not None:
        raise fail(
            "operation_served",
            state.exchange,
            f"{state.label}: {state.reason}" + (f"; {state.hint}" if state.hint else ""),
        )
    moved = target.paths.overrides.get(operation_id)
    if moved is not None:
        raise CheckFailed(
            "operation_served",
            operation_id,
            f"{state.label} is served at {moved} (--path), not at the spec's {operation(operation_id).path}",
        )


# -- results ---------------------------------------------------------------------------------------


# The spec's documented examples always run besides the generated bodies (e.g. a fractional score).
@semantic("result_echo")
@given(body=result_bodies)
@example(body=example_body("putResult"))
def test_result_echo(conformance_target: Target, body: dict[str, Any]) -> None:
    """Every field sent comes back equal; sourcedId is the path id."""
    counted("result_echo")
    target = conformance_target
    skip_if_references_are_checked(target)
    rid = fresh_result_id(target, "echo")
    body = with_id(body, rid)
    exchange = target.put("putResult", rid, body)
    got, problems = stored_result("result_echo", exchange)
    sent = {k: v for k, v in body["result"].items() if k not in ("sourcedId", "dateLastModified")}
    problems += echo_mismatches(operation("putResult").body_schema, sent, got, "result")
    if got.get("sourcedId") != rid:
        problems.insert(0, f"result.sourcedId: {got.get('sourcedId')!r} is not the path id {rid!r}")
    problems = list(dict.fromkeys(problems))
    if problems:
        raise fail("result_echo", exchange, "; ".join(problems))


@semantic("result_upsert")
@given(second=result_bodies)
@example(second=example_body("putResult"))
def test_result_upsert(conformance_target: Target, second: dict[str, Any]) -> None:
    """Create (the spec's example), update the same id with a generated result (the update is what
    comes back), repeat the update (idempotent)."""
    counted("result_upsert")
    target = conformance_target
    skip_if_references_are_checked(target)
    rid = fresh_result_id(target, "upsert")
    created = target.put("putResult", rid, with_id(example_body("putResult"), rid))
    if created.status not in (200, 201):
        what = "creating a new result" if target.creates_results is not False else "updating a named result"
        raise fail("result_upsert", created, f"{what} answered {created.status}, expected 201 (or 200)")
    update = with_id(second, rid)
    exchange = target.put("putResult", rid, update)
    updated, shape_problems = stored_result("result_upsert", exchange)
    sent = {k: v for k, v in update["result"].items() if k not in ("sourcedId", "dateLastModified")}
    problems = echo_mismatches(operation("putResult").body_schema, sent, updated, "result")
    if problems:
        raise fail(
            "result_upsert",
            exchange,
            "; ".join(
                [*shape_problems, "the update of an existing result is not reflected: " + problems[0], *problems[1:]]
            ),
        )
    again = target.put("putResult", rid, update)
    repeated, _ = stored_result("result_upsert", again)
    strip = {"dateLastModified"}
    if not json_equal(
        {k: v for k, v in updated.items() if k not in strip}, {k: v for k, v in repeated.items() if k not in strip}
    ):
        raise fail("result_upsert", again, f"repeating the same PUT changed the result: before {updated!r}")
    if shape_problems:
        raise fail("result_upsert", again, "; ".join(shape_problems))


@pytest.mark.conformance_check("result_upsert")
def test_result_created_on_put(conformance_target: Target) -> None:
    """putResult creates a result it does not have (the preflight's PUT to a new id): said once here, and
    the other result checks test updates on named results instead of failing on the same 404."""
    counted("result_upsert")
    target = conformance_target
    skip_unless_served(target, "putResult")
    state = target.operations.get("putResult")
    if state is None or state.exchange is None or state.creates is not False:
        return
    raise fail(
        "result_upsert",
        state.exchange,
        f"the server refuses to create results on PUT: a PUT of the spec's example to a new id answered "
        f"{state.exchange.status}, expected 201"
        + (
            "; updates were checked on the named results"
            if target.result_ids
            else "; name existing results with --result-id to check updates"
        ),
    )


@pytest.mark.conformance_check("body_sourcedid_mismatch")
def test_body_sourcedid_mismatch(conformance_target: Target) -> None:
    counted("body_sourcedid_mismatch")
    target = conformance_target
    skip_unless_served(target, "putResult")
    rid = fresh_result_id(target, "mismatch")
    body = example_body("putResult")
    body = {**body, "result": {**body["result"], "sourcedId": rid + "-other"}}
    exchange = target.put("putResult", rid, body)
    problems = imsx_problems(exchange, 422, "invaliddata")
    if problems:
        raise fail("body_sourcedid_mismatch", exchange, "; ".join(problems))


# -- classes ---------------------------------------------------------------------------------------


def _class_fields_not_sent(sent: dict[str, Any], before: dict[str, Any]) -> list[str]:
    changeable = set(operation("updateClass").body_schema["properties"])
    return [k for k in before if k != "dateLastModified" and not (k in sent and k in changeable)]


@semantic("class_merge")
@given(first=class_bodies, second=class_bodies, pick=st.integers(min_value=0, max_value=2**16))
@example(first=example_body("updateClass"), second={"class": {}}, pick=0)
# Values no real class is likely to hold already, so a field answered but not stored always shows
# (the spec's example may equal what a seeded class already has).
@example(
    first={"class": {"title": "Conformance suite title", "location": "Conformance room"}}, second={"class": {}}, pick=1
)
def test_class_merge(conformance_target: Target, first: dict[str, Any], second: dict[str, Any], pick: int) -> None:
    """Fields sent come back equal; fields not sent keep the values they had."""
    counted("class_merge")
    target = conformance_target
    skip_unless_served(target, "updateClass")
    class_id = target.class_ids[pick % len(target.class_ids)]
    first, second = target.class_update(class_id, first), target.class_update(class_id, second)
    exchange = target.put("updateClass", class_id, first)
    before = expect_success("class_merge", exchange, (200,))
    problems = echo_mismatches(operation("updateClass").body_schema, first["class"], before, "class")
    if problems:
        raise fail("class_merge", exchange, "fields sent do not come back equal: " + "; ".join(problems))
    exchange = target.put("updateClass", class_id, second)
    after = expect_success("class_merge", exchange, (200,))
    problems = echo_mismatches(operation("updateClass").body_schema, second["class"], after, "class")
    for key in _class_fields_not_sent(second["class"], before):
        if key not in after:
            problems.append(f"{key}: not sent, had {before[key]!r}, now missing")
        elif not json_equal(before[key], after[key]):
            problems.append(f"{key}: not sent, had {before[key]!r}, now {after[key]!r}")
    if problems:
        raise fail(
            "class_merge",
            exchange,
            f"after a first PUT of {first!r}, the partial update did not merge: " + "; ".join(problems),
        )


@pytest.mark.conformance_check("class_unknown_404")
def test_class_unknown_404(conformance_target: Target) -> None:
    counted("class_unknown_404")
    target = conformance_target
    skip_unless_served(target, "updateClass")
    missing = target.result_id(f"no-such-class-{next(_ids)}")
    if not target.may_put_class(missing):
        pytest.skip(
            "remote target: a PUT to an unknown class id needs --probe-unknown-classes "
            "(a server that creates classes on PUT would keep it)"
        )
    body = example_body("updateClass")
    for attempt in ("first", "repeated"):
        exchange = target.put("updateClass", missing, body)
        problems = imsx_problems(exchange, 404, "unknownobject")
        if problems:
            raise fail("class_unknown_404", exchange, f"{attempt} PUT to an unknown class id: " + "; ".join(problems))


# -- dateLastModified ------------------------------------------------------------------------------

_BOGUS = "2001-02-03T04:05:06Z"


def _stamp(check: str, exchange: Exchange, document: dict[str, Any]) -> tuple[Any, Any]:
    """The answer's dateLastModified as an instant, and as the server wrote it."""
    value = document.get("dateLastModified")
    instant = parse_instant(value)
    if instant is None:
        raise fail(check, exchange, f"dateLastModified {value!r} is not an RFC 3339 date-time")
    if instant == parse_instant(_BOGUS):
        raise fail(check, exchange, f"dateLastModified is the value the client sent ({_BOGUS}), not set by the server")
    return instant, value


@pytest.mark.conformance_check("date_last_modified")
@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_date_last_modified(conformance_target: Target, operation_id: str) -> None:
    counted("date_last_modified")
    target = conformance_target
    skip_unless_served(target, operation_id)
    if operation_id == "putResult":
        skip_if_references_are_checked(target)
        sourced_id = fresh_result_id(target, "dlm")
        base = example_body("putResult")
        body: dict[str, Any] = {
            **base,
            "result": {**base["result"], "sourcedId": sourced_id, "dateLastModified": _BOGUS},
        }
    else:
        sourced_id = target.class_ids[0]
        body = {"class": {"dateLastModified": _BOGUS}}  # unknown member: ignored by the contract
    previous = None
    previous_text = None
    for _ in range(3):
        exchange = target.put(operation_id, sourced_id, body)
        document = expect_success("date_last_modified", exchange, (200, 201))
        stamped = success_shape(operation_id, document)[1]
        if not isinstance(stamped, dict):
            raise fail("date_last_modified", exchange, "no object in the response")
        instant, text = _stamp("date_last_modified", exchange, stamped)
        if previous is not None and not instant > previous:
            raise fail("date_last_modified", exchange, f"dateLastModified did not advance: {previous_text} then {text}")
        previous, previous_text = instant, text
        time.sleep(0.01)  # writes in the same millisecond are not required to differ


# -- auth ------------------------------------------------------------------------------------------


def _auth_probe(target: Target, operation_id: str) -> tuple[str, dict[str, Any]]:
    """A harmless valid request: a result under the prefix, or an empty class update."""
    skip_unless_served(target, operation_id)
    if operation_id == "putResult":
        rid = target.result_for(f"auth-{next(_ids)}") or target.result_id(f"auth-{next(_ids)}")
        base = example_body("putResult")
        return rid, {**base, "result": {**base["result"], "sourcedId": rid}}
    return target.class_ids[0], {"class": {}}


OPERATIONS = ["putResult", "updateClass"]


@pytest.mark.conformance_check("auth_missing_token")
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_auth_missing_token(conformance_target: Target, operation_id: str) -> None:
    counted("auth_missing_token")
    sourced_id, body = _auth_probe(conformance_target, operation_id)
    exchange = conformance_target.put(operation_id, sourced_id, body, authenticate=False)
    problems = imsx_problems(exchange, 401, "unauthorisedrequest")
    if problems:
        raise fail("auth_missing_token", exchange, "request without a token: " + "; ".join(problems))


MALFORMED = {
    "bare-scheme": "Bearer",
    "two-words": "Bearer two words",
    "never-issued": "Bearer not-a-token-issued-by-this-server",
    "basic-scheme": "Basic dXNlcjpwYXNz",
    "other-scheme": "Token abc",
}


@pytest.mark.conformance_check("auth_malformed_token")
@pytest.mark.parametrize("operation_id", OPERATIONS)
@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_auth_malformed_token(conformance_target: Target, operation_id: str, kind: str) -> None:
    counted("auth_malformed_token")
    sourced_id, body = _auth_probe(conformance_target, operation_id)
    exchange = conformance_target.put(operation_id, sourced_id, body, headers={"Authorization": MALFORMED[kind]})
    problems = imsx_problems(exchange, 401, "unauthorisedrequest")
    if problems:
        # The header is named by kind: reports never print an Authorization value.
        raise fail("auth_malformed_token", exchange, f"Authorization header of kind {kind!r}: " + "; ".join(problems))


def _issuer(target: Target) -> ClientCredentials:
    if not isinstance(target.tokens, ClientCredentials):
        pytest.skip(NEEDS_CREDENTIALS)
    return target.tokens


@pytest.mark.conformance_check("auth_expired_token")
def test_auth_expired_token(conformance_target: Target, expiring_token: ExpiringToken) -> None:
    """The token was issued (and shown to work) when the session started; it has expired by now."""
    counted("auth_expired_token")
    target = conformance_target
    if expiring_token.skip_reason is not None:
        pytest.skip(expiring_token.skip_reason)
    if expiring_token.fresh is not None:
        raise fail("auth_expired_token", expiring_token.fresh, "a freshly issued short-lived token was refused")
    expiring_token.wait_until_expired()
    headers = {"Authorization": f"Bearer {expiring_token.token}"}
    for operation_id in [name for name in OPERATIONS if target.served(name)]:
        sourced_id, body = _auth_probe(target, operation_id)
        exchange = target.put(operation_id, sourced_id, body, headers=headers)
        problems = imsx_problems(exchange, 401, "unauthorisedrequest")
        if problems:
            raise fail("auth_expired_token", exchange, "a token that expired: " + "; ".join(problems))


@pytest.mark.conformance_check("auth_scope")
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_auth_scope(conformance_target: Target, operation_id: str) -> None:
    counted("auth_scope")
    target = conformance_target
    skip_unless_served(target, operation_id)
    issuer = _issuer(target)
    needed = set(operation(operation_id).scopes)
    others = sorted({s for op in OPERATIONS for s in operation(op).scopes} - needed)
    try:
        grant = issuer.grant(scope=" ".join(others))
    except TokenError as exc:
        pytest.skip(f"the target cannot issue a token with only {others}: {exc}")
    if grant.scopes is not None and grant.scopes & needed:
        pytest.skip(f"the token endpoint ignored the scope parameter (granted {sorted(grant.scopes)})")
    sourced_id, body = _auth_probe(target, operation_id)
    exchange = target.put(operation_id, sourced_id, body, headers={"Authorization": f"Bearer {grant.access_token}"})
    problems = imsx_problems(exchange, 403, "forbidden")
    if problems:
        raise fail("auth_scope", exchange, f"token with scopes {others} only: " + "; ".join(problems))
