"""Known client departures: detection on bodies and fragments, and the conformance report's hook.

The report test feeds `records_from_exception` a real schemathesis `JsonSchemaError`, built from a
jsonschema-rs error on an answer that breaks the spec the way a known client expects.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from schemathesis.openapi.checks import JsonSchemaError

from oneroster_kit.conformance.records import attach, records_from_exception
from oneroster_kit.conformance.report import markdown
from oneroster_kit.known_departures import DEPARTURES, embed, find, plain_words
from oneroster_kit.spec import load_spec

CLASS = {"sourcedId": "class-1", "title": "Algebra", "school": {"sourcedId": "org-1"}}
RESULT = {"lineItem": {"sourcedId": "li"}, "student": {"sourcedId": "s"}, "scoreStatus": "exempt"}


def _names(found: list[Any]) -> list[str]:
    return [departure.name for departure in found]


@pytest.mark.parametrize(
    ("operation_id", "direction", "document", "expected"),
    [
        ("updateClass", "request", {"class": {"grades": [9, "10"]}}, ["grades_as_integers"]),
        ("updateClass", "request", {"class": {"grades": ["9", "10"]}}, []),
        ("updateClass", "request", {"class": {"grades": [True]}}, []),
        ("updateClass", "response", {**CLASS, "grades": [9]}, ["grades_as_integers"]),
        ("updateClass", "response", {"class": CLASS}, ["class_answer_enveloped"]),
        ("updateClass", "response", CLASS, []),
        (
            "updateClass",
            "response",
            {"class": {**{k: v for k, v in CLASS.items() if k != "school"}, "org": {"sourcedId": "org-1"}}},
            ["class_answer_enveloped", "org_instead_of_school"],
        ),
        ("putResult", "request", {"result": {**RESULT, "scoreDate": "2024-01-22"}}, ["score_date_as_date"]),
        ("putResult", "request", {"result": {**RESULT, "scoreDate": "2024-01-22T00:00:00Z"}}, []),
        ("putResult", "response", {"result": {**RESULT, "late": False}}, ["flags_as_booleans"]),
        (
            "putResult",
            "request",
            {"result": {**RESULT, "learningObjectiveSet": [{"source": "x", "learningObjectiveIds": []}]}},
            ["learning_objective_ids"],
        ),
        ("putResult", "request", {"result": {**RESULT, "grades": [9]}}, []),  # grades belong to classes only
        ("putResult", "request", "not an object", []),
    ],
)
def test_find(operation_id: str, direction: Any, document: Any, expected: list[str]) -> None:
    assert _names(find(operation_id, direction, document)) == expected


def test_every_departure_names_who_and_what_is_expected() -> None:
    for departure in DEPARTURES:
        sentence = departure.sentence()
        assert "a known client does this" in sentence and departure.expected in sentence


def test_a_fragment_is_embedded_at_its_path() -> None:
    assert embed(["grades", 0], 9) == {"grades": [9]}
    assert embed([], {"class": {}}) == {"class": {}}
    assert _names(find("updateClass", "response", embed(["grades", 1], 10))) == ["grades_as_integers"]


def test_plain_words_say_what_was_expected() -> None:
    text = plain_words(find("updateClass", "request", {"class": {"grades": [9]}}))
    assert text.startswith("class.grades: grades sent as JSON integers; expected strings")


def _schema_failure(instance: Any) -> JsonSchemaError:
    root = {"$ref": "#/components/schemas/Class", "components": load_spec()["components"]}
    error = next(iter(jsonschema_rs.validator_for(root).iter_errors(instance)))
    return JsonSchemaError(operation="updateClass", exc=error, root_schema=root)


def _report(records: list[Any]) -> str:
    document = {
        "verdict": "does not conform",
        "exit_code": 1,
        "target": {"base_url": "http://127.0.0.1:1", "embedded": False, "class_ids": ["class-1"]},
        "spec_sha256": "0" * 64,
        "run": {"run_id": "r", "profile": "quick", "max_examples": 1, "seed": 1, "duration_s": 0.1, "test_cases": {}},
        "tests": {"passed": 0, "failed": 1, "skipped": 0},
        "checks": {"response_schema_conformance": {"status": "failed"}},
        "check_counts": {"failed": 1, "error": 0, "passed": 0, "skipped": 0},
        "failures": [record.as_dict() for record in records],
        "skipped": [],
        "writes": {"result_prefix": "conformance-r-", "results": [], "classes_updated": [], "class_restore": []},
    }
    return markdown(document)


def test_the_conformance_report_names_a_known_client_departure() -> None:
    group = ExceptionGroup("checks", [_schema_failure({"class": CLASS})])
    attach(group, "updateClass (PUT /ims/oneroster/rostering/v1p2/classes/{sourcedId})", {"class": {}}, "curl x")
    (record,) = records_from_exception(group, "test_schemathesis")
    assert record.check == "response_schema_conformance"
    assert len(record.known_departures) == 1
    assert record.known_departures[0].startswith('the class answered wrapped as {"class": {...}}: a known client')
    assert "**Known client departure:** the class answered wrapped" in _report([record])


def test_an_ordinary_schema_failure_names_no_departure() -> None:
    group = ExceptionGroup("checks", [_schema_failure({**CLASS, "title": 5})])
    attach(group, "updateClass (PUT /ims/oneroster/rostering/v1p2/classes/{sourcedId})", {"class": {}}, "curl x")
    (record,) = records_from_exception(group, "test_schemathesis")
    assert record.known_departures == []
    assert "Known client departure" not in _report([record])
