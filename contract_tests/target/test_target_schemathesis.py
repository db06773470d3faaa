"""schemathesis against the target: examples, coverage and fuzzing phases, valid and invalid inputs,
every applicable check on every response.

Path ids are pinned in the test body (not with `map_path_parameters`, which the coverage phase
ignores): class updates go to the classes the run was given, result ids get the run's prefix, and
a body's string `sourcedId` is set to the path id (the spec's cross-field rule that a schema cannot
state). A case whose path parameter is deliberately invalid is left as generated.
"""

from __future__ import annotations

import zlib
from typing import Any
from urllib.parse import unquote

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation

from oneroster_kit.conformance.records import attach
from oneroster_kit.conformance.session import active, current_options, current_target
from oneroster_kit.conformance.target import Target
from oneroster_kit.spec import spec_path

pytestmark = pytest.mark.conformance_check("schemathesis")

OPTIONS = current_options()
schema = schemathesis.openapi.from_path(str(spec_path()))
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
schema.config.generation.update(
    max_examples=OPTIONS.fuzz_examples,
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    deterministic=True,
    database="none",
)
schema.config.seed = OPTIONS.seed
schema.config.update(workers=1, request_timeout=30)


@schema.auth(refresh_interval=None)
class _Bearer:
    """The run's token. Cases of the examples and coverage phases are built at collection, so the
    test body swaps a token that has since been renewed for the current one."""

    def get(self, case: Any, ctx: Any) -> str:
        return current_target().tokens.token()

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def _mode(case: Any, location: ParameterLocation) -> GenerationMode | None:
    info = case.meta.components.get(location) if case.meta is not None else None
    return info.mode if info is not None else None


def pin(case: Any, target: Target) -> None:
    """Point the case at what the run may touch (see the module docstring)."""
    if _mode(case, ParameterLocation.PATH) == GenerationMode.NEGATIVE:
        return
    generated = str((case.path_parameters or {}).get("sourcedId", ""))
    if "/classes/" in case.path:
        chosen = target.class_ids[zlib.crc32(generated.encode()) % len(target.class_ids)]
        case.path_parameters = {**(case.path_parameters or {}), "sourcedId": chosen}
        return
    # Generated path values arrive percent-encoded; the body carries the decoded id.
    pinned = target.result_id("fz-" + generated)
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


@schema.parametrize()
def test_schemathesis(case: Any, conformance_target: Target) -> None:
    target = conformance_target
    pin(case, target)
    sent = (case.headers or {}).get("Authorization", "")
    if sent.startswith("Bearer ") and sent[7:] in target.tokens.issued:
        case.headers = {**case.headers, "Authorization": f"Bearer {target.tokens.token()}"}
    plugin = active()
    if plugin is not None:
        plugin.outcome.count_case("schemathesis")
    label = f"{case.operation.definition.raw.get('operationId', case.path)} ({case.method} {case.path})"
    try:
        response = case.call(base_url=target.base_url)
        if case.method.upper() == "PUT":
            operation_id = "putResult" if "/results/" in case.path else "updateClass"
            sourced_id = unquote(str((case.path_parameters or {}).get("sourcedId", "")))
            target.note_write(operation_id, sourced_id, response.status_code)
        case.validate_response(response, transport_kwargs={"base_url": target.base_url})
    except FailureGroup as exc:
        attach(
            exc,
            label,
            case.body if not isinstance(case.body, bytes) else repr(case.body),
            case.as_curl_command(base_url=target.base_url),
        )
        raise
