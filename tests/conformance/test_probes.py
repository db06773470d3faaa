"""Unit tests of the deterministic probes' derivation from openapi.yaml (no server).

The probes must follow the spec: a member added to it is probed without touching a probe, every
value of a kind lands at every location of that kind, and no near-miss is itself allowed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from oneroster_kit.checks import CHECKS, SCHEMATHESIS_CHECKS
from oneroster_kit.compare import echo_mismatches, json_equal
from oneroster_kit.conformance.probes import PROBES
from oneroster_kit.conformance.probes.boundary import NUMBERS, STRING_LENGTHS, long_text
from oneroster_kit.conformance.probes.enums import near_misses
from oneroster_kit.conformance.probes.identity import class_look_alikes, result_look_alikes
from oneroster_kit.conformance.probes.round_trip import cases
from oneroster_kit.conformance.probes.schema import (
    get_at,
    locations,
    optional_paths,
    probe_body,
    request_violations,
    show,
)
from oneroster_kit.contract import SERVER_SET, operation
from oneroster_kit.spec import load_spec, spec_path


def test_every_probe_is_a_named_suite_check() -> None:
    for name in PROBES:
        assert name in CHECKS and name not in SCHEMATHESIS_CHECKS, name


def test_exact_numbers() -> None:
    assert not json_equal(-0.0, 0) and not json_equal(0.0, -0.0) and json_equal(-0.0, -0.0)
    assert not json_equal(2**53 + 1, float(2**53)) and json_equal(1, 1.0)


def test_string_mismatch_names_the_first_difference() -> None:
    sent = long_text(300)
    (problem,) = echo_mismatches(
        operation("putResult").body_schema, {"comment": sent}, {"comment": sent[:255]}, "result"
    )
    assert "sent 300 characters" in problem and "got 255 characters" in problem and "character 255" in problem


def test_free_form_objects_compare_to_the_leaf() -> None:
    sent = {"metadata": {"a": {"b": [1, {"c": -0.0}]}}}
    got = {"metadata": {"a": {"b": [1, {"c": 0.0}]}}}
    (problem,) = echo_mismatches(operation("putResult").body_schema, sent, got, "result")
    assert problem.startswith("result.metadata.a.b[1].c:"), problem


@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_probe_bodies_are_valid(operation_id: str) -> None:
    assert request_violations(operation_id, probe_body(operation_id)) == []
    for label, body in cases(operation_id):
        if operation_id == "putResult":
            body = {"result": {**body["result"], "sourcedId": "r-1"}}
        assert request_violations(operation_id, body) == [], label
        assert len(json.dumps(body)) <= 512 * 1024, label


def test_every_number_value_lands_at_every_number_location() -> None:
    base = probe_body("putResult")
    number_paths = [loc.path for loc in locations("putResult", base) if loc.kinds & {"number"} and len(loc.path) > 1]
    assert {show(p) for p in number_paths} >= {
        "result.score",
        "result.learningObjectiveSet[0].learningObjectiveResults[0].score",
    }
    bodies = [body for label, body in cases("putResult") if label.startswith("number ")]
    assert len(bodies) == len(NUMBERS)
    for (_, value), body in zip(NUMBERS, bodies, strict=True):
        for path in number_paths:
            assert json_equal(get_at(body, path), value), (show(path), value)
        assert json_equal(body["result"]["metadata"]["number"], value)


def test_every_length_lands_at_every_string_location() -> None:
    bodies = {label: body for label, body in cases("updateClass")}
    for length in STRING_LENGTHS:
        body = bodies[f"string of {length} characters"]["class"]
        assert body["title"] == long_text(length) and body["location"] == long_text(length)
        assert body["periods"] == [long_text(length)] and body["metadata"]["text"] == long_text(length)


def test_near_misses_are_never_allowed() -> None:
    values = ["exempt", "fully graded", "-1", "Social Studies"]
    found = dict((value, how) for how, value in near_misses(values))
    assert not set(found) & set(values)
    assert {"", "EXEMPT", " exempt", "exempt ", "exempts", "FULLY GRADED", "SOCIAL STUDIES"} <= set(found)


def test_look_alike_ids_differ() -> None:
    for _, group in result_look_alikes():
        assert len(set(group)) == len(group)
    alikes = dict((other, what) for what, other in class_look_alikes("class-alg1-p1"))
    assert set(alikes) == {"CLASS-ALG1-P1", "class-alg1-p1 ", "%63lass-alg1-p1"}


def test_a_member_added_to_the_spec_is_probed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An optional nested string added to the spec: replaced, round-tripped, without editing a probe."""
    spec = yaml.safe_load(spec_path().read_text())
    spec["components"]["schemas"]["LearningObjectiveResult"]["properties"]["probeNote"] = {"type": "string"}
    changed = tmp_path / "openapi.yaml"
    changed.write_text(yaml.safe_dump(spec, sort_keys=False))
    monkeypatch.setenv("ONEROSTER_SPEC", str(changed))
    assert "probeNote" in load_spec()["components"]["schemas"]["LearningObjectiveResult"]["properties"]
    path = ("result", "learningObjectiveSet", 0, "learningObjectiveResults", 0, "probeNote")
    body = probe_body("putResult")
    assert path in optional_paths("putResult", body, keep=frozenset(SERVER_SET))
    long_bodies = {label: case for label, case in cases("putResult")}
    assert get_at(long_bodies["string of 4001 characters"], path) == long_text(4001)
