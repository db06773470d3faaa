"""The server's compiled fast path accepts exactly what the contract validator accepts.

Bodies are drawn from openapi.yaml by schemathesis (positive and negative), parsed the way the
server parses them (numbers as Decimal), and judged by both; any disagreement would let the server
accept an invalid body (or refuse a valid one).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from oneroster_kit.contract import operation
from oneroster_kit.server.jsondoc import BodyError, parse_body
from oneroster_kit.server.validation import RequestValidator
from oneroster_kit.spec import spec_path

SCHEMA = schemathesis.openapi.from_path(str(spec_path()))


@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fast_path_agrees_with_the_contract(operation_id: str, mode: GenerationMode) -> None:
    op = operation(operation_id)
    fast = RequestValidator(op)
    strategy = SCHEMA[op.path][op.method].as_strategy(generation_mode=mode)
    seen = {True: 0, False: 0}

    @given(case=strategy, tweak=st.sampled_from([None, "drop-first", "null-first"]))
    @settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any, tweak: str | None) -> None:
        body = case.body
        inner = body.get("result", body.get("class")) if isinstance(body, dict) else None
        if tweak and isinstance(inner, dict) and inner:
            key = next(iter(inner))
            if tweak == "drop-first":
                del inner[key]
            else:
                inner[key] = None
        try:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            document = parse_body(raw)
        except (BodyError, ValueError, TypeError):
            return  # not a JSON document the server would validate (e.g. NaN, or other media types)
        verdict = op.request_validator.is_valid(document)
        assert fast.fast_accepts(document) == verdict, document
        assert (fast.violations(document) == []) == verdict
        seen[verdict] += 1

    check()
    assert seen[mode == GenerationMode.POSITIVE] > 30, seen  # the drawn bodies really are of that kind
