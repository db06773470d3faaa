"""The SDK check on real generated code: griffe on both SDKs, REVISION's answers parsed by the BASE SDK.

Slow (the generator runs, and hypothesis draws answers in a child process): a few cases only,
with one cache so the BASE SDK is generated once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oneroster_kit.specdiff.compare import compare_specs
from oneroster_kit.specdiff.model import Audience, Level
from oneroster_kit.specdiff.report import Report
from oneroster_kit.specdiff.sources import load, load_text
from tests.specdiff.corpus import CASES, SPEC

BY_NAME = {case.name: case for case in CASES}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sdk-cache")


def check(name: str, cache: Path) -> Report:
    report = compare_specs(load(str(SPEC)), load_text(BY_NAME[name].revision(), f"{name}.yaml"), cache=cache)
    assert report.sdk is not None and report.sdk.ran, report.sdk and report.sdk.notes
    return report


def test_response_enum_value_is_a_proven_break_with_its_example(cache: Path) -> None:
    report = check("score_status_value_added", cache)
    proven = [c for c in report.changes if c.rule == "sdk-parse-failure"]
    assert len(proven) == 1
    assert '"scoreStatus": "late"' in proven[0].evidence[0] and "TypeError" in proven[0].evidence[0]
    response = next(c for c in report.changes if c.rule == "enum-value-added" and c.direction == "response")
    assert response.evidence, "the proof is attached to the change that explains it"
    request = next(c for c in report.changes if c.rule == "enum-value-added" and c.direction == "request")
    assert not request.evidence
    assert not [c for c in report.changes if c.rule == "sdk-api-break"], "a Literal that gains a value is no API break"


def test_optional_answer_field_is_a_proven_key_error(cache: Path) -> None:
    report = check("result_score_date_optional", cache)
    proven = [c for c in report.changes if c.rule == "sdk-parse-failure"]
    assert proven and "KeyError" in proven[0].evidence[0]
    assert "scoreDate" not in proven[0].evidence[0].split(" -> ")[0], "the example is the answer without scoreDate"


def test_renamed_path_parameter_breaks_the_sdk_api_only(cache: Path) -> None:
    report = check("path_parameter_renamed", cache)
    api = [c for c in report.changes if c.rule == "sdk-api-break"]
    assert api and all("put_result" in c.where for c in api)
    assert all(c.verdicts[Audience.CLIENTS].level is Level.COMPATIBLE for c in api)
    assert report.sdk is not None and not report.sdk.failures
    assert report.exit_code == 1


def test_a_compatible_change_is_compatible_on_the_generated_code(cache: Path) -> None:
    report = check("result_property_added", cache)
    assert report.sdk is not None and not report.sdk.failures and report.sdk.checked
    assert not [c for c in report.changes if c.rule == "sdk-api-break"]
    assert report.exit_code == 0
