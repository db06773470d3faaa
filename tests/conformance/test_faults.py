"""Proof that the suite catches defects: one faulty reference server per check, through the real CLI.

Each fault (src/oneroster_kit/server/faults.py) breaks one rule of the spec; the run must exit 1
and its report must name the check that owns that rule. The run is focused with `--check` on the
part of the suite that owns the check, so the whole parametrized set stays affordable in CI;
the unfocused run against the correct server is in test_cli.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oneroster_kit.conformance.checks import SCHEMATHESIS_CHECKS
from oneroster_kit.server.faults import FAULTS
from oneroster_kit.server.process import ReferenceServer
from tests.conformance.conftest import run_cli, target_args

# fault -> the checks whose failure the report must name
EXPECTED: dict[str, tuple[str, ...]] = {
    "missing_required_field": ("response_schema_conformance",),
    "enum_returned": ("response_schema_conformance",),
    "enum_accepted": ("negative_data_rejection",),
    "wrong_status": ("status_code_conformance",),
    "wrong_content_type": ("content_type_conformance",),
    "non_imsx_error": ("response_schema_conformance", "auth_missing_token"),
    # schemathesis's ignored_auth/missing_required_header only handle apiKey/http schemes, not this
    # spec's OAuth2; the suite's own auth checks catch it.
    "auth_ignored": ("auth_missing_token", "auth_malformed_token"),
    "expired_token_accepted": ("auth_expired_token",),
    "scope_ignored": ("auth_scope",),
    "field_not_echoed": ("result_echo",),
    "field_not_stored": ("class_merge",),
    "score_rounded": ("result_echo",),
    "unknown_class_created": ("class_unknown_404",),
    "class_put_resets": ("class_merge",),
    "stale_date_last_modified": ("date_last_modified",),
    "sourcedid_mismatch_accepted": ("body_sourcedid_mismatch",),
    "server_error": ("not_a_server_error",),
}

_UNREDACTED = re.compile(r"Bearer (?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}")


def test_every_fault_has_an_expectation() -> None:
    assert set(EXPECTED) == set(FAULTS)


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_is_caught(fault: str, tmp_path: Path) -> None:
    expected = EXPECTED[fault]
    focus = sorted({"schemathesis" if name in SCHEMATHESIS_CHECKS else name for name in expected})
    with ReferenceServer(faults=[fault]) as server:
        args = [*target_args(server), "--seed", "7"]
        for name in focus:
            args += ["--check", name]
        run = run_cli(args, tmp_path / "report")
    assert run.code == 1, run.explain()
    missing = set(expected) - run.failed_checks
    assert not missing, f"{fault}: report does not name {missing}; it names {run.failed_checks}\n{run.explain()}"
    for failure in run.result["failures"]:
        if failure["check"] in expected:
            assert failure["operation"] and failure["rule"] and failure["message"]
            assert failure["curl"] and failure["curl"].startswith("curl "), failure
    summary = run.summary
    for name in expected:
        assert f"`{name}`" in summary
    assert not _UNREDACTED.search(summary + (run.report_dir / "result.json").read_text())
