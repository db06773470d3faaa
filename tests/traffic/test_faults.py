"""Each fault of the reference server is named by the right check from its recording alone;
the correct server's recording is clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneroster_kit.server.faults import FAULTS
from tests.traffic.conftest import CORRECT, run_traffic

# fault -> the checks the traffic check must name (server side) from the recording of drive.py
EXPECTED: dict[str, set[str]] = {
    "missing_required_field": {"response_schema_conformance"},
    "enum_returned": {"response_schema_conformance"},
    "enum_accepted": {"negative_data_rejection"},
    "wrong_status": {"status_code_conformance"},
    "wrong_content_type": {"content_type_conformance"},
    "non_imsx_error": {"response_schema_conformance", "auth_missing_token"},
    "auth_ignored": {"auth_missing_token", "auth_malformed_token"},
    "expired_token_accepted": {"auth_expired_token"},
    "scope_ignored": {"auth_scope"},
    "field_not_echoed": {"result_echo"},
    "field_not_stored": {"class_merge"},
    "score_rounded": {"result_echo"},
    "unknown_class_created": {"class_unknown_404"},
    "class_put_resets": {"class_merge"},
    "stale_date_last_modified": {"date_last_modified"},
    "sourcedid_mismatch_accepted": {"body_sourcedid_mismatch"},
    "server_error": {"not_a_server_error"},
    "result_put_merges": {"result_upsert"},
    "strings_cut_255": {"result_echo"},
    "id_case_folded": {"id_distinct", "class_unknown_404"},
    "id_normalized": {"id_distinct", "class_unknown_404"},
    "enum_case_insensitive": {"enum_closed", "negative_data_rejection"},
    "non_atomic_write": {"write_atomic"},
    "score_float32": {"result_echo"},
    "metadata_flattened": {"result_echo"},
    "metadata_null_as_empty": {"result_echo"},
    "unwrapped_body_accepted": {"body_wrapper_required", "negative_data_rejection"},
}

# what drive.py deliberately gets wrong as a client (each is refused by a correct server)
CLIENT_FINDINGS = {
    "client_request_schema",  # scoreStatus 'graded' and 'FULLY GRADED'; lineItem missing; an unwrapped body
    "client_sourcedid_mismatch",
    "client_unreadable_body",  # b"not json"
    "client_missing_token",
    "client_malformed_token",
    "client_token_scope",  # a roster-only token on putResult, gradebook-only on updateClass
    "client_expired_token",
}


def test_every_fault_has_an_expectation() -> None:
    assert set(EXPECTED) == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_is_named_from_the_recording(fault: str, recordings: dict[str, Path], tmp_path: Path) -> None:
    run = run_traffic([str(recordings[fault]), "--blame", "server"], tmp_path)
    assert run.code == 1, run.stdout + run.stderr
    named = set(run.result["failed_checks"])
    assert EXPECTED[fault] <= named, f"{fault}: named {named}\n{run.stdout}"
    for finding in run.result["failures"]:
        assert finding["party"] == "server" and finding["exchanges"] and finding["rule"], finding
        assert all(" line " in ref for ref in finding["exchanges"]), finding
    assert run.result["exchanges"]["skipped"] == 0


def test_correct_server_recording_is_clean(recordings: dict[str, Path], tmp_path: Path) -> None:
    run = run_traffic([str(recordings[CORRECT]), "--blame", "server"], tmp_path)
    assert run.code == 0, run.stdout
    assert run.result["failed_checks"] == {}
    # every server check had something to look at, so "clean" means something
    looked = {name for name, check in run.result["checks"].items() if check["exchanges_checked"]}
    assert {name for names in EXPECTED.values() for name in names} <= looked
    assert set(run.result["other_party_checks"]) == CLIENT_FINDINGS
    assert run.result["exchanges"]["undocumented"] == 1  # GET /schools
    assert run.result["exchanges"]["token_grants"] == 4


def test_checking_the_client_names_its_mistakes(recordings: dict[str, Path], tmp_path: Path) -> None:
    run = run_traffic([str(recordings[CORRECT]), "--blame", "client"], tmp_path)
    assert run.code == 1
    assert set(run.result["failed_checks"]) == CLIENT_FINDINGS
    schema = [f for f in run.result["failures"] if f["check"] == "client_request_schema"]
    assert any("scoreStatus" in f["message"] for f in schema) and any("lineItem" in f["message"] for f in schema)


def test_junit_names_failures_and_uncounted_findings(recordings: dict[str, Path], tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    run = run_traffic([str(recordings["score_rounded"]), "--blame", "server"], tmp_path)
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    failure = cases["result_echo"].find("failure")
    assert failure is not None and "result.score" in (failure.text or "")
    assert cases["client_request_schema"].find("skipped") is not None  # the client's, not counted
    assert cases["status_code_conformance"].find("failure") is None
    assert suite.get("failures") == str(len(run.result["failed_checks"]))


def test_check_option_reports_only_the_named_checks(recordings: dict[str, Path], tmp_path: Path) -> None:
    run = run_traffic([str(recordings["non_imsx_error"]), "--check", "auth_missing_token"], tmp_path)
    assert run.code == 1
    assert set(run.result["failed_checks"]) == {"auth_missing_token"}
    assert not run.result["other_party_checks"]  # the client's findings were not selected either
