"""The command against servers that are not the reference one (issue 20): a mock, a partial server,
one that only updates results, one that speaks another dialect. Each is a variant of the real
reference server (`oneroster_kit.server.variants`), run as a process on loopback.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from oneroster_kit.conformance.causes import rank_causes
from oneroster_kit.server.process import ReferenceServer
from tests.conformance.conftest import Run, run_cli, target_args

FOREIGN_PATH = "putResult=/ims/oneroster/v1p2/results/{sourcedId}"
# The write-path defects of the third-party gradebook server of issue 20, beneath its dialect.
FOREIGN_DEFECTS = ["result_put_merges", "score_rounded", "sourcedid_mismatch_accepted", "field_not_echoed"]


def _env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("ONEROSTER_")}, "COLUMNS": "120"}


def _junit_error(run: Run) -> str:
    case = ET.parse(run.report_dir / "junit.xml").getroot().find("testcase")
    assert case is not None
    error = case.find("error")
    assert error is not None, ET.tostring(case)
    return str(error.get("message"))


def _causes(run: Run) -> dict[str, Any]:
    return {cause.key: cause for cause in rank_causes(run.result)}


def _one_line_error(run: Run) -> str:
    assert run.code == 2, run.explain()
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def test_a_base_url_under_which_nothing_is_served_is_named_also_when_the_404_is_imsx(tmp_path: Path) -> None:
    """The reference server answers an unknown path 404 with an imsx body ("No operation at ..."): that
    is the server's "no such path", not an unknown class; and the reports are written all the same."""
    with ReferenceServer() as server:
        args = [
            arg.replace(server.base_url, server.base_url + "/api", 1) if arg == server.base_url else arg
            for arg in target_args(server)
        ]
        run = run_cli(args, tmp_path / "r", env=_env())
    line = _one_line_error(run)
    assert "no operation of the spec is served at its path under" in line and "/api" in line, line
    assert "the base URL is probably wrong" in line and "does not exist" not in line, line
    assert "PUT results: answered 404 with an imsx_StatusInfo body" in run.stdout  # each operation, on its own
    assert "no operation of the spec" in _junit_error(run)
    assert run.result["exit_code"] == 2 and set(run.result["operations"]) == {"putResult", "updateClass"}
    assert "not served there" in run.summary


def test_a_server_of_one_operation_is_checked_on_that_operation(tmp_path: Path) -> None:
    with ReferenceServer(extra_args=["--only", "putResult"]) as server:
        args = [*target_args(server), "--class-id", "class-alg1-p1", "--seed", "2", "--max-examples", "5"]
        run = run_cli(args, tmp_path / "r", env=_env())
        only_results = run_cli([*target_args(server), "--check", "result_echo"], tmp_path / "echo", env=_env())
    assert run.code == 1, run.explain()
    assert {(f["check"], f["operation"]) for f in run.result["failures"]} == {("operation_served", "updateClass")}
    assert "PUT classes: answered 404 with an imsx_StatusInfo body" in run.stdout
    checks = run.result["checks"]
    assert checks["class_merge"]["status"] == "skipped" and "PUT classes:" in checks["class_merge"]["reason"]
    assert checks["result_echo"]["status"] == "passed" and checks["result_replace"]["status"] == "passed"
    causes = rank_causes(run.result)
    assert causes[0].key == "absent:updateClass" and causes[0].checks == ["operation_served"]
    # --class-id is needed only when class checks run
    assert only_results.code == 0, only_results.explain()
    assert only_results.result["operations"]["updateClass"]["checked"] is False


def test_a_server_that_only_updates_results_says_so_once_and_is_checked_on_updates(tmp_path: Path) -> None:
    checks = ["result_echo", "result_upsert", "result_replace", "body_sourcedid_mismatch", "value_round_trip"]
    selected = [arg for check in checks for arg in ("--check", check)]
    with ReferenceServer(extra_args=["--update-only"]) as server:
        base = [*target_args(server), "--seed", "3", "--max-examples", "4", *selected]
        unnamed = run_cli(base, tmp_path / "unnamed", env=_env())
        named = run_cli([*base, "--result-id", server.result_ids[0]], tmp_path / "named", env=_env())
    for run in (unnamed, named):
        assert run.code == 1, run.explain()
        (failure,) = run.result["failures"]  # said once, by result_upsert, not by every check on the same 404
        assert failure["check"] == "result_upsert" and "refuses to create results on PUT" in failure["message"]
        assert _causes(run)["no-create"].kind == "blocking"
    assert "--result-id" in unnamed.result["checks"]["result_echo"]["reason"]
    statuses = {name: named.result["checks"][name]["status"] for name in checks if name != "result_upsert"}
    assert set(statuses.values()) == {"passed"}, statuses  # replace, echo, round trip, identity on updates
    written = {r for r in named.result["writes"]["results"] if not r.startswith("conformance-")}
    assert written == {server.result_ids[0]}
    assert any(
        note.startswith(f"result {server.result_ids[0]}: put back") for note in named.result["writes"]["class_restore"]
    )


def test_a_foreign_dialect_is_told_apart_from_its_defects(tmp_path: Path) -> None:
    with ReferenceServer(extra_args=["--dialect", "fastapi"], faults=FOREIGN_DEFECTS) as server:
        as_is = run_cli([*target_args(server), "--seed", "1"], tmp_path / "as-is", env=_env())
        adapted = [*target_args(server), "--seed", "1", "--max-examples", "5", "--path", FOREIGN_PATH]
        run = run_cli([*adapted, "--result-id", server.result_ids[0]], tmp_path / "adapted", env=_env())
    # as is: one line naming the path that works, and the reports CI needs
    line = _one_line_error(as_is)
    assert f"--path {FOREIGN_PATH}" in line and "PUT results" in line, line
    assert "no operation of the spec" in _junit_error(as_is)
    # adapted: dialect and defects reported apart, the refusal to create said once
    assert run.code == 1, run.explain()
    causes = _causes(run)
    dialect = {key for key, cause in causes.items() if cause.kind == "dialect"}
    assert dialect == {"path", "bare-result", "enum-spelling", "error-body", "no-token-403", "scope-names"}, dialect
    defects = {key for key, cause in causes.items() if cause.kind == "defect"}
    assert {"value:score", "dropped:comment", "merged", "accepted:422"} <= defects, defects
    assert causes["no-create"].kind == "blocking"
    messages = [failure["message"] for failure in run.result["failures"]]
    assert sum("refuses to create" in m for m in messages) == 1
    assert not any("a valid request was answered 404" in m for m in messages)
    assert "dialect: 403 for a request without a token" in run.stdout and "defect: result.score" in run.stdout


def test_the_dialect_alone_is_no_defect(tmp_path: Path) -> None:
    with ReferenceServer(extra_args=["--dialect", "fastapi"]) as server:
        args = [*target_args(server), "--seed", "4", "--max-examples", "5", "--path", FOREIGN_PATH]
        run = run_cli([*args, "--result-id", server.result_ids[1]], tmp_path / "r", env=_env())
    assert run.code == 1, run.explain()  # a dialect fails conformance ...
    kinds = {cause.key: cause.kind for cause in rank_causes(run.result)}
    assert "defect" not in kinds.values(), kinds  # ... but is not reported as a broken behaviour


def test_a_mock_with_canned_answers_is_one_blocking_cause(tmp_path: Path) -> None:
    with ReferenceServer(extra_args=["--canned", "always"]) as server:
        run = run_cli([*target_args(server), "--seed", "5", "--max-examples", "5"], tmp_path / "r", env=_env())
    assert run.code == 1, run.explain()
    causes = rank_causes(run.result)
    assert [cause.key for cause in causes[:2]] == ["canned", "all-status:200"]
    assert len(causes[0].checks) >= 10 and all(cause.kind == "blocking" for cause in causes)
    assert "  1. blocking: every answer is the same canned body" in run.stdout
    group_lines = [line for line in run.stdout.splitlines() if line.startswith("     - [")]
    assert group_lines and all(len(line) <= 120 for line in group_lines)
    assert "'…'" not in run.stdout.split("what to fix first")[1]  # values, not grouping keys
    assert len(run.summary.splitlines()) < 400
    # reproductions keep the scheme a check sent on purpose, and hide only the secret
    curls = json.dumps([f["curl"] for f in run.result["failures"] if f["check"] == "auth_malformed_token"])
    assert "Authorization: Basic [REDACTED]" in curls and "Authorization: Token [REDACTED]" in curls
    assert "dXNlcjpwYXNz" not in curls and "Token abc" not in curls


def test_plan_names_the_results_and_paths_it_may_write(tmp_path: Path) -> None:
    args = ["--base-url", "http://127.0.0.1:9", "--token", "t", "--plan", "--path", FOREIGN_PATH]
    run = run_cli([*args, "--result-id", "r-1", "--result-id", "r-2"], tmp_path / "r", env=_env())
    assert run.code == 0, run.explain()
    assert "named results (--result-id): r-1, r-2" in run.stdout
    assert "putResult: sent to /ims/oneroster/v1p2/results/{sourcedId} (--path)" in run.stdout
    assert "classes: none (no --class-id)" in run.stdout


def test_a_command_line_that_cannot_run_still_writes_its_reports(tmp_path: Path) -> None:
    args = ["--base-url", "http://127.0.0.1:9", "--token", "t", "--path", "putResult=/no/placeholder"]
    run = run_cli(args, tmp_path / "r", env=_env())
    line = _one_line_error(run)
    assert "{sourcedId}" in line and "--path" in line
    assert "--path" in _junit_error(run)
