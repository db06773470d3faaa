"""schemathesis against the target: examples, coverage, fuzzing and stateful phases, valid and
invalid inputs, every applicable check on every response.

Path ids are pinned in the test body (not with `map_path_parameters`, which the coverage phase
ignores): class updates go to the classes the run was given (requests with an undocumented method,
e.g. DELETE, go to a prefixed id that names no class), result ids get the run's prefix (or, on a
server that does not create results on PUT, are the named results), and a body's string
`sourcedId` is set to the path id (the spec's cross-field rule that a schema cannot state). A case
whose path parameter is deliberately invalid is left as generated. Cases of an operation the
preflight found absent are skipped with its reason; an operation served elsewhere (`--path`) is
reached through a session that moves each URL there (reproductions show the real URL).

The run's budget and seed reach the schema when the suite's conftest collects this module
(`configure_run`), since schemathesis builds the cases of the examples and coverage phases then.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import pytest
import requests
import schemathesis
from hypothesis import seed, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation

from oneroster_kit.checks import CHECKS, SCHEMATHESIS_PART
from oneroster_kit.conformance.minimize import smallest_failing
from oneroster_kit.conformance.paths import PathMap
from oneroster_kit.conformance.records import Reducer, attach, jsonable
from oneroster_kit.conformance.references import reference_check_reason
from oneroster_kit.conformance.session import SuiteRun
from oneroster_kit.conformance.target import Target
from oneroster_kit.contract import operation
from oneroster_kit.spec import spec_path

# `--check schemathesis` or the name of any schemathesis check that can fail here selects this module.
pytestmark = pytest.mark.conformance_check(
    SCHEMATHESIS_PART, *sorted(CHECKS.names(source="schemathesis", selectable=True))
)

schema = schemathesis.openapi.from_path(str(spec_path()))
schema.config.phases.update(phases=["examples", "coverage", "fuzzing", "stateful"])
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    deterministic=True,
    database="none",
)
schema.config.update(workers=1, request_timeout=30)


@schema.auth(refresh_interval=None)
class _Bearer:
    """The run's token. Cases of the examples and coverage phases are built at collection, so the
    test body swaps a token that has since been renewed for the current one."""

    run: SuiteRun | None = None  # set by `configure_run` (schemathesis makes the instance, without arguments)

    def get(self, case: Any, ctx: Any) -> str:
        assert self.run is not None, "configure_run was not called (the suite's conftest calls it)"
        return self.run.target.tokens.token()

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def configure_run(run: SuiteRun) -> None:
    """The run's numbers, set when the suite's conftest collects this module (before the cases are built)."""
    schema.config.generation.update(max_examples=run.options.fuzz_examples)
    schema.config.seed = run.options.seed
    _Bearer.run = run


def _mode(case: Any, location: ParameterLocation) -> GenerationMode | None:
    info = case.meta.components.get(location) if case.meta is not None else None
    return info.mode if info is not None else None


def pin(case: Any, target: Target) -> None:
    """Point the case at what the run may touch (see the module docstring)."""
    if _mode(case, ParameterLocation.PATH) == GenerationMode.NEGATIVE:
        return
    generated = str((case.path_parameters or {}).get("sourcedId", ""))
    if "/classes/" in case.path:
        if case.method.upper() != "PUT":
            # Undocumented methods (DELETE, POST, ...) probe for 405: never aim them at a real class.
            case.path_parameters = {**(case.path_parameters or {}), "sourcedId": target.result_id("method-probe")}
            return
        chosen = target.class_ids[zlib.crc32(generated.encode()) % len(target.class_ids)]
        case.path_parameters = {**(case.path_parameters or {}), "sourcedId": chosen}
        if _mode(case, ParameterLocation.BODY) != GenerationMode.NEGATIVE:
            case.body = target.class_update(chosen, case.body)  # remote: only fields the class already has
        return
    # Generated path values arrive percent-encoded; the body carries the decoded id.
    pinned = target.fuzzed_result_id(generated)
    if target.creates_results is False and target.result_ids and case.method.upper() == "PUT":
        # a server that only updates: valid cases go to the named results, so the update path is tested
        pinned = target.result_ids[zlib.crc32(generated.encode()) % len(target.result_ids)]
    case.path_parameters = {**(case.path_parameters or {}), "sourcedId": pinned}
    pinned = unquote(pinned)
    # A body sourcedId that is a non-empty string satisfies its schema (string, minLength 1), so it is
    # never what an invalid case is about: align it with the path in every mode, or the server would
    # rightly refuse the case for the mismatch and hide what the case really tests.
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        current = body["result"].get("sourcedId")
        if isinstance(current, str) and current:
            case.body = {**body, "result": {**body["result"], "sourcedId": pinned}}


class _PathMappedSession(requests.Session):
    """A session that sends each request to where the target serves its operation (`--path`)."""

    def __init__(self, paths: PathMap) -> None:
        super().__init__()
        self.paths = paths

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        return super().request(method, self.paths.rewrite(str(url)), *args, **kwargs)


@pytest.fixture(scope="module")
def http_session(conformance_target: Target) -> Iterator[requests.Session]:
    """One connection pool for every case, as `schemathesis run` has, that sends each request to
    where the target serves its operation."""
    with _PathMappedSession(conformance_target.paths) as session:
        yield session


def _curl(case: Any, target: Target) -> str:
    return target.paths.rewrite_text(case.as_curl_command(base_url=target.base_url))


def _prepare(case: Any, target: Target, run: SuiteRun) -> None:
    pin(case, target)
    operation_id = "putResult" if "/results/" in case.path else "updateClass"
    target.permit(operation_id, unquote(str((case.path_parameters or {}).get("sourcedId", ""))), case.method)
    sent = (case.headers or {}).get("Authorization", "")
    if sent.startswith("Bearer ") and sent[7:] in target.tokens.issued:
        case.headers = {**case.headers, "Authorization": f"Bearer {target.tokens.token()}"}
    target.record_request(case.method, case.formatted_path, jsonable(case.body))
    run.count_case(SCHEMATHESIS_PART)


def _label(case: Any) -> str:
    return f"{case.operation.definition.raw.get('operationId', case.path)} ({case.method} {case.path})"


def _note_write(case: Any, target: Target, response: Any) -> None:
    operation_id = "putResult" if "/results/" in case.path else "updateClass"
    sourced_id = unquote(str((case.path_parameters or {}).get("sourcedId", "")))
    if case.method.upper() == "PUT":
        target.note_write(operation_id, sourced_id, response.status_code)
        body = case.body if isinstance(case.body, dict | list | str | int | float) else None
        target.observe(operation_id, sourced_id, body, case.headers or {}, response.status_code, response.text)


def _skip_reason(case: Any, target: Target) -> str | None:
    """Why this operation's cases cannot run here (absent, or results that cannot be stored), or None."""
    operation_id = case.operation.definition.raw.get("operationId", "")
    reason = target.absence(operation_id)
    if reason is None and operation_id == "putResult" and target.creates_results is False and not target.result_ids:
        reason = reference_check_reason(target)
    return reason


def _send_and_check(case: Any, target: Target, session: requests.Session) -> Any:
    response = case.call(base_url=target.base_url, session=session)
    _note_write(case, target, response)
    case.validate_response(response, transport_kwargs={"base_url": target.base_url, "session": session})
    return response


def _reducer(case: Any, target: Target, session: requests.Session) -> Reducer | None:
    """For a valid case with a JSON object body: find the smallest valid body failing the same way."""
    components = case.meta.components.values() if case.meta is not None else ()
    if any(info.mode == GenerationMode.NEGATIVE for info in components) or not isinstance(case.body, dict):
        return None
    original = copy.deepcopy(case.body)
    is_valid = operation(case.operation.definition.raw["operationId"]).request_validator.is_valid

    def reduce(failure: BaseException) -> tuple[Any, str] | None:
        def still_fails(candidate: Any) -> bool:
            case.body = candidate
            try:
                _send_and_check(case, target, session)
            except FailureGroup as exc:
                return any(
                    type(found) is type(failure) and getattr(found, "title", None) == getattr(failure, "title", None)
                    for found in exc.exceptions
                )
            except Exception:
                return False
            return False

        try:
            smallest = smallest_failing(original, still_fails, is_valid)
            if smallest == original:
                return None
            case.body = smallest
            return smallest, _curl(case, target)
        finally:
            case.body = original

    return reduce


@schema.parametrize()
def test_schemathesis(
    case: Any, conformance_target: Target, suite_run: SuiteRun, http_session: requests.Session
) -> None:
    target = conformance_target
    reason = _skip_reason(case, target)
    if reason is not None:
        pytest.skip(reason)
    _prepare(case, target, suite_run)
    answer: list[Any] = []
    try:
        answer.append(case.call(base_url=target.base_url, session=http_session))
        _note_write(case, target, answer[0])
        case.validate_response(answer[0], transport_kwargs={"base_url": target.base_url, "session": http_session})
    except FailureGroup as exc:
        body = case.body if not isinstance(case.body, bytes) else repr(case.body)
        status, text = (answer[0].status_code, answer[0].text) if answer else (None, None)
        reducer = _reducer(case, target, http_session)
        attach(exc, _label(case), body, _curl(case, target), reducer, status=status, response=text)
        raise


def _stateful_operations(target: Target) -> list[str]:
    """The operations this run can call in sequence (the stateful phase)."""
    served = [name for name in ("putResult", "updateClass") if target.served(name)]
    if target.creates_results is False and not target.result_ids:
        served = [name for name in served if name != "putResult"]
    return served


class _Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Stateful phase: random sequences of both operations, each case pinned like the others.
    The test makes a subclass per run that names the run and its session (`run`, `session`)."""

    run: SuiteRun
    session: requests.Session

    def before_call(self, case: Any) -> None:
        target = self.run.target
        _prepare(case, target, self.run)
        # A stateful failure may depend on the steps before it: the reproduction shows them all.
        steps: list[str] = self.__dict__.setdefault("_steps", [])
        steps.append(_curl(case, target))

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"base_url": self.run.target.base_url, "session": self.session}

    def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
        target = self.run.target
        _note_write(case, target, response)
        try:
            super().validate_response(response, case, additional_checks=additional_checks, **kwargs)
        except FailureGroup as exc:
            body = case.body if not isinstance(case.body, bytes) else repr(case.body)
            steps = self.__dict__.get("_steps") or [_curl(case, target)]
            curl = (
                "\n".join(f"{command}  # step {n} of {len(steps)}" for n, command in enumerate(steps, 1))
                if len(steps) > 1
                else steps[0]
            )
            attach(exc, _label(case) + " [stateful]", body, curl, status=response.status_code, response=response.text)
            raise


def test_schemathesis_stateful(conformance_target: Target, suite_run: SuiteRun, http_session: requests.Session) -> None:
    callable_here = _stateful_operations(conformance_target)
    if len(callable_here) < 2:
        pytest.skip(
            "the stateful phase calls both operations in sequence; here only "
            + (", ".join(callable_here) or "none")
            + " can be called (see the preflight)"
        )
    options = suite_run.options
    workflow = type("Workflow", (_Workflow,), {"run": suite_run, "session": http_session})
    run_state_machine_as_test(
        seed(options.seed)(workflow),
        settings=settings(
            max_examples=options.profile.stateful_examples, deadline=None, database=None, stateful_step_count=10
        ),
    )
