"""Semantic checks a fuzzer does not make, each a named check of the report.

Bodies come from strategies derived from openapi.yaml (schemathesis `as_strategy`, valid mode),
so every field, enum and nullable the spec allows is exercised; hypothesis shrinks a failure to
a minimal body before it is reported. Results are written only under the run's prefix, classes
only among those the run was given.

Each test makes the check its name names (`test_result_echo` makes `result_echo`, a check of the
registry that runs in the suite; a further test of one check names it with `part_of`); the
`checking` fixture hands it that check, the target and the run. A check of an operation the
preflight found absent is skipped with the reason (`operation_served` fails for it instead). The
hypothesis budget and seed are the run's, applied when a test runs (`semantic`), not read from a
global when this module is imported.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import engine as hypothesis_engine

from oneroster_kit import contract
from oneroster_kit.checks import CHECKS, Check
from oneroster_kit.compare import echo_mismatches, json_equal
from oneroster_kit.conformance.auth import ClientCredentials, TokenError
from oneroster_kit.conformance.dialect import BARE_RESULT
from oneroster_kit.conformance.expiry import NEEDS_CREDENTIALS, ExpiringToken
from oneroster_kit.conformance.observations import success_shape
from oneroster_kit.conformance.records import CheckFailed
from oneroster_kit.conformance.references import reference_check_reason
from oneroster_kit.conformance.session import SuiteRun
from oneroster_kit.conformance.setup import example_body
from oneroster_kit.conformance.target import LiveExchange, Target
from oneroster_kit.contract import SERVER_SET, operation
from oneroster_kit.instants import parse_instant
from oneroster_kit.strategies import request_cases

# Valid bodies from the one place strategies live (deep-copied: schemathesis reuses drawn objects).
result_bodies = request_cases("putResult").map(lambda case: case.body)
class_bodies = request_cases("updateClass").map(lambda case: case.body)
_ids = itertools.count(1)


@dataclass
class Checking:
    """One check of the registry at work: its entry, the target and the run (options, case counts)."""

    check: Check
    target: Target
    run: SuiteRun

    def begin(self) -> None:
        """One example of the check starts (counted in the report; its requests are recorded from here)."""
        self.target.begin_case()
        self.run.count_case(self.check.name)

    def fail(self, exchange: LiveExchange, message: str) -> CheckFailed:
        """The failure of `exchange`; its reproduction replays every request of the example up to it."""
        exchanges = self.target.exchanges_until(exchange)
        if len(exchanges) > 1:
            curl = "\n".join(f"{e.curl}  # request {n} of {len(exchanges)}" for n, e in enumerate(exchanges, 1))
        else:
            curl = exchange.curl
        return CheckFailed(
            self.check.name,
            exchange.operation_id,
            f"{message} [{exchange.describe()}]",
            input=exchange.request_body,
            curl=curl,
            status=exchange.status,
            response=exchange.response_text,
        )

    def expect_success(self, exchange: LiveExchange, allowed: tuple[int, ...]) -> dict[str, Any]:
        if exchange.status not in allowed:
            raise self.fail(exchange, f"a valid request was answered {exchange.status}, expected {allowed}")
        document = exchange.json
        if not isinstance(document, dict):
            raise self.fail(exchange, "the success response is not a JSON object")
        return document

    def stored_result(self, exchange: LiveExchange) -> tuple[dict[str, Any], list[str]]:
        """The stored result an answer carries, and the dialect problem of reading it: a bare Result is
        read through (so the check still tests the server's own behaviour) and reported as not wrapped."""
        document = self.expect_success(exchange, (200, 201))
        shape, result = success_shape("putResult", document)
        if result is None:
            raise self.fail(exchange, "the response has no `result` object")
        return result, [BARE_RESULT] if shape == "bare" else []

    def run_hypothesis(self, test: Callable[[], None]) -> None:
        """Run a @given test with the run's budget (examples per profile, time to shrink a failure) and
        seed, and no example database."""
        options = self.run.options
        configured = settings(
            max_examples=options.semantic_examples,
            deadline=None,
            database=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        )(test)
        # Shrinking replays requests against the target; bound it per failure (hypothesis's own bound is
        # five minutes). The reported input is the smallest found within the profile's budget.
        shrink_bound = hypothesis_engine.MAX_SHRINKING_SECONDS
        hypothesis_engine.MAX_SHRINKING_SECONDS = options.profile.shrink_seconds
        try:
            seed(options.seed)(configured)()
        finally:
            hypothesis_engine.MAX_SHRINKING_SECONDS = shrink_bound


def _check_of(test: Callable[..., Any]) -> Check:
    """The check a test makes: the one its name names."""
    return CHECKS.running_in("suite", test.__name__.removeprefix("test_"))


def suite_check(test: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a test as making the check its name names (`test_class_unknown_404`: `class_unknown_404`)."""
    marked: Callable[..., Any] = pytest.mark.conformance_check(_check_of(test).name)(test)
    return marked


def part_of(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a further test of the check `name`, named for the part it tests (`test_result_created_on_put`
    is part of `result_upsert`); refused like `suite_check` for a name that is no check of the suite."""
    check = CHECKS.running_in("suite", name)

    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        marked: Callable[..., Any] = pytest.mark.conformance_check(check.name)(test)
        return marked

    return decorate


Body = Callable[..., None]


def semantic(*examples: dict[str, Any], **strategies: st.SearchStrategy[Any]) -> Callable[[Body], Callable[..., None]]:
    """A property-based check: hypothesis draws the keyword arguments of the test from `strategies`
    (after each of `examples`), with the run's budget and seed (`Checking.run_hypothesis`)."""

    def decorate(body: Body) -> Callable[..., None]:
        def test(checking: Checking) -> None:
            def drawn(**values: Any) -> None:
                body(checking, **values)

            drawn.__name__ = drawn.__qualname__ = body.__name__
            for values in reversed(examples):  # in the order given, as stacked @example decorators run
                drawn = example(**values)(drawn)
            checking.run_hypothesis(given(**strategies)(drawn))

        test.__name__ = test.__qualname__ = body.__name__
        test.__doc__, test.__module__ = body.__doc__, body.__module__
        return suite_check(test)

    return decorate


@pytest.fixture
def checking(request: pytest.FixtureRequest, suite_run: SuiteRun, conformance_target: Target) -> Checking:
    """The check the test makes (its `conformance_check` marker), the target and the run."""
    marker = request.node.get_closest_marker("conformance_check")
    assert marker is not None and len(marker.args) == 1, "a semantic test makes one check (use suite_check)"
    return Checking(CHECKS.running_in("suite", marker.args[0]), conformance_target, suite_run)


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


def skip_if_references_are_checked(target: Target) -> None:
    reason = reference_check_reason(target)
    if reason is not None:
        pytest.skip(reason)


def imsx_problems(exchange: LiveExchange, status: int, minor: str) -> list[str]:
    """Why the response is not the documented imsx error for `status` (empty when it is)."""
    return contract.imsx_problems(operation(exchange.operation_id), exchange.status, exchange.json, status, minor)


# -- operations --------------------------------------------------------------------------------------


@suite_check
@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_operation_served(checking: Checking, operation_id: str) -> None:
    """Each operation answers at the spec's path (the preflight's finding, one verdict per operation)."""
    checking.begin()
    target = checking.target
    state = target.operations.get(operation_id)
    if state is None:
        return  # no preflight (cannot happen: every run's target is preflighted): nothing to judge
    if not state.checked:
        pytest.skip(f"{state.label}: {state.reason}")
    if not state.served and state.exchange is not None:
        raise checking.fail(
            state.exchange, f"{state.label}: {state.reason}" + (f"; {state.hint}" if state.hint else "")
        )
    moved = target.paths.overrides.get(operation_id)
    if moved is not None:
        raise CheckFailed(
            checking.check.name,
            operation_id,
            f"{state.label} is served at {moved} (--path), not at the spec's {operation(operation_id).path}",
        )


# -- results ---------------------------------------------------------------------------------------


# The spec's documented examples always run besides the generated bodies (e.g. a fractional score).
@semantic({"body": example_body("putResult")}, body=result_bodies)
def test_result_echo(checking: Checking, body: dict[str, Any]) -> None:
    """Every field sent comes back equal; sourcedId is the path id."""
    checking.begin()
    target = checking.target
    skip_if_references_are_checked(target)
    rid = fresh_result_id(target, "echo")
    body = with_id(body, rid)
    exchange = target.put("putResult", rid, body)
    got, problems = checking.stored_result(exchange)
    sent = {k: v for k, v in body["result"].items() if k not in SERVER_SET}
    problems += echo_mismatches(operation("putResult").body_schema, sent, got, "result")
    if got.get("sourcedId") != rid:
        problems.insert(0, f"result.sourcedId: {got.get('sourcedId')!r} is not the path id {rid!r}")
    problems = list(dict.fromkeys(problems))
    if problems:
        raise checking.fail(exchange, "; ".join(problems))


@semantic({"second": example_body("putResult")}, second=result_bodies)
def test_result_upsert(checking: Checking, second: dict[str, Any]) -> None:
    """Create (the spec's example), update the same id with a generated result (the update is what
    comes back), repeat the update (idempotent)."""
    checking.begin()
    target = checking.target
    skip_if_references_are_checked(target)
    rid = fresh_result_id(target, "upsert")
    created = target.put("putResult", rid, with_id(example_body("putResult"), rid))
    if created.status not in (200, 201):
        what = "creating a new result" if target.creates_results is not False else "updating a named result"
        raise checking.fail(created, f"{what} answered {created.status}, expected 201 (or 200)")
    update = with_id(second, rid)
    exchange = target.put("putResult", rid, update)
    updated, shape_problems = checking.stored_result(exchange)
    sent = {k: v for k, v in update["result"].items() if k not in SERVER_SET}
    problems = echo_mismatches(operation("putResult").body_schema, sent, updated, "result")
    if problems:
        raise checking.fail(
            exchange,
            "; ".join(
                [*shape_problems, "the update of an existing result is not reflected: " + problems[0], *problems[1:]]
            ),
        )
    again = target.put("putResult", rid, update)
    repeated, _ = checking.stored_result(again)
    strip = {"dateLastModified"}
    if not json_equal(
        {k: v for k, v in updated.items() if k not in strip}, {k: v for k, v in repeated.items() if k not in strip}
    ):
        raise checking.fail(again, f"repeating the same PUT changed the result: before {updated!r}")
    if shape_problems:
        raise checking.fail(again, "; ".join(shape_problems))


@part_of("result_upsert")
def test_result_created_on_put(checking: Checking) -> None:
    """putResult creates a result it does not have (the preflight's PUT to a new id): said once here, and
    the other result checks test updates on named results instead of failing on the same 404."""
    checking.begin()
    target = checking.target
    skip_unless_served(target, "putResult")
    state = target.operations.get("putResult")
    if state is None or state.exchange is None or state.creates is not False:
        return
    raise checking.fail(
        state.exchange,
        f"the server refuses to create results on PUT: a PUT of the spec's example to a new id answered "
        f"{state.exchange.status}, expected 201"
        + (
            "; updates were checked on the named results"
            if target.result_ids
            else "; name existing results with --result-id to check updates"
        ),
    )


@suite_check
def test_body_sourcedid_mismatch(checking: Checking) -> None:
    checking.begin()
    target = checking.target
    skip_unless_served(target, "putResult")
    rid = fresh_result_id(target, "mismatch")
    body = example_body("putResult")
    body = {**body, "result": {**body["result"], "sourcedId": rid + "-other"}}
    exchange = target.put("putResult", rid, body)
    problems = imsx_problems(exchange, 422, "invaliddata")
    if problems:
        raise checking.fail(exchange, "; ".join(problems))


# -- classes ---------------------------------------------------------------------------------------


def _class_fields_not_sent(sent: dict[str, Any], before: dict[str, Any]) -> list[str]:
    changeable = set(operation("updateClass").body_schema["properties"])
    return [k for k in before if k != "dateLastModified" and not (k in sent and k in changeable)]


@semantic(
    {"first": example_body("updateClass"), "second": {"class": {}}, "pick": 0},
    # Values no real class is likely to hold already, so a field answered but not stored always shows
    # (the spec's example may equal what a seeded class already has).
    {
        "first": {"class": {"title": "Conformance suite title", "location": "Conformance room"}},
        "second": {"class": {}},
        "pick": 1,
    },
    first=class_bodies,
    second=class_bodies,
    pick=st.integers(min_value=0, max_value=2**16),
)
def test_class_merge(checking: Checking, first: dict[str, Any], second: dict[str, Any], pick: int) -> None:
    """Fields sent come back equal; fields not sent keep the values they had."""
    checking.begin()
    target = checking.target
    skip_unless_served(target, "updateClass")
    class_id = target.class_ids[pick % len(target.class_ids)]
    first, second = target.class_update(class_id, first), target.class_update(class_id, second)
    exchange = target.put("updateClass", class_id, first)
    before = checking.expect_success(exchange, (200,))
    problems = echo_mismatches(operation("updateClass").body_schema, first["class"], before, "class")
    if problems:
        raise checking.fail(exchange, "fields sent do not come back equal: " + "; ".join(problems))
    exchange = target.put("updateClass", class_id, second)
    after = checking.expect_success(exchange, (200,))
    problems = echo_mismatches(operation("updateClass").body_schema, second["class"], after, "class")
    for key in _class_fields_not_sent(second["class"], before):
        if key not in after:
            problems.append(f"{key}: not sent, had {before[key]!r}, now missing")
        elif not json_equal(before[key], after[key]):
            problems.append(f"{key}: not sent, had {before[key]!r}, now {after[key]!r}")
    if problems:
        raise checking.fail(
            exchange,
            f"after a first PUT of {first!r}, the partial update did not merge: " + "; ".join(problems),
        )


@suite_check
def test_class_unknown_404(checking: Checking) -> None:
    checking.begin()
    target = checking.target
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
            raise checking.fail(exchange, f"{attempt} PUT to an unknown class id: " + "; ".join(problems))


# -- dateLastModified ------------------------------------------------------------------------------

_BOGUS = "2001-02-03T04:05:06Z"


def _stamp(checking: Checking, exchange: LiveExchange, document: dict[str, Any]) -> tuple[Any, Any]:
    """The answer's dateLastModified as an instant, and as the server wrote it."""
    value = document.get("dateLastModified")
    instant = parse_instant(value)
    if instant is None:
        raise checking.fail(exchange, f"dateLastModified {value!r} is not an RFC 3339 date-time")
    if instant == parse_instant(_BOGUS):
        raise checking.fail(
            exchange, f"dateLastModified is the value the client sent ({_BOGUS}), not set by the server"
        )
    return instant, value


@suite_check
@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_date_last_modified(checking: Checking, operation_id: str) -> None:
    checking.begin()
    target = checking.target
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
        document = checking.expect_success(exchange, (200, 201))
        stamped = success_shape(operation_id, document)[1]
        if not isinstance(stamped, dict):
            raise checking.fail(exchange, "no object in the response")
        instant, text = _stamp(checking, exchange, stamped)
        if previous is not None and not instant > previous:
            raise checking.fail(exchange, f"dateLastModified did not advance: {previous_text} then {text}")
        previous, previous_text = instant, text
        time.sleep(0.01)  # writes in the same millisecond are not required to differ


# -- auth ------------------------------------------------------------------------------------------


def _auth_probe(target: Target, operation_id: str) -> tuple[str, dict[str, Any]]:
    """A harmless valid request: a result under the prefix (or a named one), or an empty class update."""
    skip_unless_served(target, operation_id)
    if operation_id == "putResult":
        rid = target.result_for(f"auth-{next(_ids)}") or target.result_id(f"auth-{next(_ids)}")
        base = example_body("putResult")
        return rid, {**base, "result": {**base["result"], "sourcedId": rid}}
    return target.class_ids[0], {"class": {}}


OPERATIONS = ["putResult", "updateClass"]


@suite_check
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_auth_missing_token(checking: Checking, operation_id: str) -> None:
    checking.begin()
    sourced_id, body = _auth_probe(checking.target, operation_id)
    exchange = checking.target.put(operation_id, sourced_id, body, authenticate=False)
    problems = imsx_problems(exchange, 401, "unauthorisedrequest")
    if problems:
        raise checking.fail(exchange, "request without a token: " + "; ".join(problems))


MALFORMED = {
    "bare-scheme": "Bearer",
    "two-words": "Bearer two words",
    "never-issued": "Bearer not-a-token-issued-by-this-server",
    "basic-scheme": "Basic dXNlcjpwYXNz",
    "other-scheme": "Token abc",
}


@suite_check
@pytest.mark.parametrize("operation_id", OPERATIONS)
@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_auth_malformed_token(checking: Checking, operation_id: str, kind: str) -> None:
    checking.begin()
    sourced_id, body = _auth_probe(checking.target, operation_id)
    exchange = checking.target.put(operation_id, sourced_id, body, headers={"Authorization": MALFORMED[kind]})
    problems = imsx_problems(exchange, 401, "unauthorisedrequest")
    if problems:
        # The header is named by kind: reports never print an Authorization value.
        raise checking.fail(exchange, f"Authorization header of kind {kind!r}: " + "; ".join(problems))


def _issuer(target: Target) -> ClientCredentials:
    if not isinstance(target.tokens, ClientCredentials):
        pytest.skip(NEEDS_CREDENTIALS)
    return target.tokens


@suite_check
def test_auth_expired_token(checking: Checking, expiring_token: ExpiringToken) -> None:
    """The token was issued (and shown to work) when the session started; it has expired by now."""
    checking.begin()
    target = checking.target
    if expiring_token.skip_reason is not None:
        pytest.skip(expiring_token.skip_reason)
    if expiring_token.fresh is not None:
        raise checking.fail(expiring_token.fresh, "a freshly issued short-lived token was refused")
    expiring_token.wait_until_expired()
    headers = {"Authorization": f"Bearer {expiring_token.token}"}
    for operation_id in [name for name in OPERATIONS if target.served(name)]:
        sourced_id, body = _auth_probe(target, operation_id)
        exchange = target.put(operation_id, sourced_id, body, headers=headers)
        problems = imsx_problems(exchange, 401, "unauthorisedrequest")
        if problems:
            raise checking.fail(exchange, "a token that expired: " + "; ".join(problems))


@suite_check
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_auth_scope(checking: Checking, operation_id: str) -> None:
    checking.begin()
    target = checking.target
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
        raise checking.fail(exchange, f"token with scopes {others} only: " + "; ".join(problems))
