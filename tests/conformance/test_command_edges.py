"""The conformance command's rough edges (issue 11): each through the real command on loopback.

Set-up mistakes are found before the run (one line, exit 2) and say what is probably wrong; what a
run writes on a remote server is printable and its own, classes are left exactly as found; a
failing run reads as a few grouped findings, without tracebacks, with minimal inputs and complete
reproductions.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from oneroster_kit.conformance.auth import StaticToken
from oneroster_kit.conformance.options import parse_options
from oneroster_kit.conformance.setup import example_body
from oneroster_kit.conformance.target import Target
from oneroster_kit.server.process import ReferenceServer
from oneroster_kit.usage import UsageError
from tests.conformance.conftest import run_cli, target_args
from tests.conformance.test_cli import _assert_usage_error, _classes, _clean_env

SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")


# -- before the run ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["existing file", "path under a file"])
def test_an_unwritable_report_dir_is_refused_before_the_run(tmp_path: Path, kind: str) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    report_dir = blocker if kind == "existing file" else blocker / "reports"
    run = run_cli([], report_dir, env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "--report-dir", str(report_dir))
    assert run.stdout == ""  # nothing ran: no server, no pytest output


@pytest.mark.parametrize(
    ("check", "why"),
    [
        ("use_after_free", "no DELETE"),
        ("max_response_time", "no response-time limit"),
        ("ignored_auth", "OAuth2"),
        ("suite_error", "not a check"),
        ("schemathesis_error", "not a check"),
        ("client_path_id", "recorded traffic only"),
    ],
)
def test_checks_that_cannot_apply_are_refused_naming_why(check: str, why: str) -> None:
    with pytest.raises(UsageError, match=f"--check {check} does not apply here: .*{why}"):
        parse_options(["--check", check], env={})


def test_the_list_of_known_checks_offers_only_applicable_ones() -> None:
    with pytest.raises(UsageError) as error:
        parse_options(["--check", "no_such_check"], env={})
    known = str(error.value).split("known: ", 1)[1]
    for name in ("use_after_free", "max_response_time", "ignored_auth", "suite_error"):
        assert name not in known.split(", ")
    assert "result_echo" in known and "schemathesis" in known


class _NotFound(http.server.BaseHTTPRequestHandler):
    """A web server that knows none of the API's paths: 404 with an HTML page, like a wrong base path."""

    def do_PUT(self) -> None:
        body = b"<html><body>404 Not Found</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def html_404_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/wrong"
    finally:
        server.shutdown()
        server.server_close()


def test_a_wrong_base_path_is_named_as_such(tmp_path: Path, html_404_server: str) -> None:
    args = ["--base-url", html_404_server, "--token", "t", "--class-id", "class-alg1-p1", "--class-id", "class-bio-p3"]
    run = run_cli(args, tmp_path / "r", env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "base URL", "probably wrong", html_404_server)
    assert "does not exist" not in run.stderr


def test_https_to_a_plain_http_server_says_so(tmp_path: Path) -> None:
    with ReferenceServer() as server:
        https_url = server.base_url.replace("http://", "https://")
        run = run_cli(["--base-url", https_url, "--token", "t", "--class-id", "c"], tmp_path / "r", env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "plain HTTP", "http://")


# -- what a run leaves on a remote server -------------------------------------------------------------


def _remote_run(
    tmp_path: Path, name: str, *extra: str
) -> tuple[dict[str, object], dict[str, dict[str, object]], dict[str, dict[str, object]]]:
    with ReferenceServer() as server:
        before = _classes(server)
        args = [*target_args(server), "--seed", "21", "--max-examples", "15", *extra]
        args += ["--check", "schemathesis", "--check", "class_merge"]
        run = run_cli(args, tmp_path / name, env=_clean_env())
        after = _classes(server)
    assert run.code == 0, run.explain()
    return run.result, before, after


def test_a_remote_run_writes_printable_ids_and_leaves_classes_as_found(tmp_path: Path) -> None:
    result, before, after = _remote_run(tmp_path, "default")
    writes = result["writes"]
    assert isinstance(writes, dict)
    prefix = writes["result_prefix"]
    assert writes["results"]
    for sourced_id in writes["results"]:
        assert sourced_id.startswith(prefix) and SAFE_ID.fullmatch(sourced_id), repr(sourced_id)
    assert after == before  # every field, including ones the class did not have: none added
    assert all("as found" in note for note in writes["class_restore"]), writes["class_restore"]


def test_the_options_allow_fuzzed_ids_and_new_class_fields() -> None:
    """What the defaults prevent on a remote target, each option allows (so the test above can fail)."""
    snapshot = {"title": "Algebra", "classCode": "ALG"}
    body = {"class": {"title": "x", "metadata": {"k": 1}, "subjectCodes": ["1"]}}
    fuzzed = "%1B%07caf%C3%A9"

    def target(fuzz_result_ids: bool = False, allow_new_class_fields: bool = False) -> Target:
        made = Target(
            "http://127.0.0.1:9",
            StaticToken("t"),
            ("c1",),
            "conformance-x-",
            remote=True,
            fuzz_result_ids=fuzz_result_ids,
            allow_new_class_fields=allow_new_class_fields,
        )
        made.class_snapshots["c1"] = snapshot
        return made

    default = target()
    assert default.class_update("c1", body) == {"class": {"title": "x"}}
    assert SAFE_ID.fullmatch(default.fuzzed_result_id(fuzzed))
    allowed = target(fuzz_result_ids=True, allow_new_class_fields=True)
    assert allowed.class_update("c1", body) == body
    assert allowed.fuzzed_result_id(fuzzed) == "conformance-x-fz-" + fuzzed
    embedded = Target("http://127.0.0.1:9", StaticToken("t"), ("c1",), "conformance-x-", remote=False)
    assert embedded.class_update("c1", body) == body and embedded.fuzzed_result_id(fuzzed).endswith(fuzzed)


# -- a failing run reads as findings -----------------------------------------------------------------


def test_one_root_cause_reads_as_grouped_findings_without_tracebacks(tmp_path: Path) -> None:
    with ReferenceServer(faults=["non_imsx_error"]) as server:
        args = [*target_args(server), "--seed", "3", "--max-examples", "5"]
        for check in ("schemathesis", "auth_missing_token", "auth_malformed_token"):
            args += ["--check", check]
        run = run_cli(args, tmp_path / "r", env=_clean_env())
    assert run.code == 1, run.explain()
    assert (
        "Traceback" not in run.stdout
        and "CheckFailed" not in run.stdout
        and "Error" not in run.stdout.split("oneroster-conformance:")[0]
    )
    failures = run.result["failures"]
    group_lines = [line for line in run.stdout.splitlines() if line.startswith("     - [")]
    malformed = [line for line in group_lines if line.startswith("     - [auth_malformed_token]")]
    assert len(malformed) == 1 and " x10 on putResult, updateClass" in malformed[0], group_lines
    assert len(group_lines) < len(failures)  # grouped: fewer lines than failures
    # one cause across checks, whatever each check's wording: the first to fix, and the only one
    causes = [line for line in run.stdout.splitlines() if line.startswith("  1. ")]
    assert causes == ["  1. defect: error bodies are not imsx_StatusInfo"], run.stdout
    assert "  2. " not in run.stdout
    summary = run.summary
    assert f"{len(failures)} failures in {len(group_lines)} groups" in summary and "1 cause," in summary
    assert summary.count("Reproduce (token redacted)") == 1  # one representative in full per cause
    assert len(summary.splitlines()) < 200


def test_verbose_shows_the_tracebacks(tmp_path: Path) -> None:
    """Without -v the grouped run above shows no traceback; with it, pytest's tracebacks are there."""
    with ReferenceServer(faults=["non_imsx_error"]) as server:
        args = [*target_args(server), "--seed", "3", "--check", "auth_missing_token", "-v"]
        verbose = run_cli(args, tmp_path / "verbose", env=_clean_env())
    assert verbose.code == 1, verbose.explain()
    assert "CheckFailed" in verbose.stdout


def test_minimal_input_and_complete_reproductions(tmp_path: Path) -> None:
    with ReferenceServer(faults=["missing_required_field"]) as server:
        args = [*target_args(server), "--seed", "3", "--max-examples", "5", "--check", "schemathesis"]
        schema_run = run_cli(args, tmp_path / "schema", env=_clean_env())
    with ReferenceServer(faults=["class_put_resets"]) as server:
        args = [*target_args(server), "--seed", "3", "--check", "class_merge"]
        merge_run = run_cli(args, tmp_path / "merge", env=_clean_env())
    assert schema_run.code == 1 and merge_run.code == 1, schema_run.explain() + merge_run.explain()
    example = example_body("putResult")
    minimized = [
        f for f in schema_run.result["failures"] if f["check"] == "response_schema_conformance" and f["input_minimized"]
    ]
    assert minimized, schema_run.result["failures"]
    for failure in minimized:
        assert len(failure["input"]["result"]) < len(example["result"]), failure["input"]
    assert "the smallest valid body that still fails" in schema_run.summary
    merge = [f for f in merge_run.result["failures"] if f["check"] == "class_merge"]
    assert merge and all(f["curl"].startswith("curl ") and "  # request 2 of 2" in f["curl"] for f in merge), merge


# -- one count (issue 18) ----------------------------------------------------------------------------


def test_the_console_and_the_reports_count_the_same_checks(tmp_path: Path) -> None:
    """pytest's dots and "N failed" counted tests, the FAIL lines groups, the header test cases: three
    numbers for one run. Now the unit is the check: one line each, and the verdict counts those lines."""
    with ReferenceServer(faults=["non_imsx_error"]) as server:
        args = [*target_args(server), "--seed", "3", "--max-examples", "5"]
        for check in ("schemathesis", "auth_missing_token", "auth_malformed_token", "result_echo", "enum_closed"):
            args += ["--check", check]
        run = run_cli(args, tmp_path / "r", env=_clean_env())
    assert run.code == 1, run.explain()
    lines = run.stdout.splitlines()
    status_lines = [line.split() for line in lines if re.match(r"^  (FAIL|ERROR|pass|skip) +\w+", line)]
    by_status = {label: {words[1] for words in status_lines if words[0] == label} for label in ("FAIL", "pass")}
    counts = run.result["check_counts"]
    assert len(by_status["FAIL"]) == counts["failed"] >= 3, run.stdout
    assert len(by_status["pass"]) == counts["passed"] >= 2, run.stdout
    assert len(status_lines) == sum(counts.values()) == len(run.result["checks"])
    assert by_status["FAIL"] == {name for name, c in run.result["checks"].items() if c["status"] == "failed"}
    assert by_status["FAIL"] == run.failed_checks
    total = sum(counts.values())
    verdict = next(line for line in lines if line.startswith("oneroster-conformance: does not conform"))
    assert f"{counts['failed']} of {total} checks failed, {counts['passed']} passed" in verdict
    assert f"- {counts['failed']} of {total} checks failed" in run.summary
    # pytest's own per-test progress and counts are gone (they counted tests, not checks)
    assert not re.search(r"^[.FsE]+$", run.stdout, re.MULTILINE), run.stdout
    assert not re.search(r"\d+ (passed|failed)", run.stdout.replace(verdict, "")), run.stdout


def test_a_run_leaves_nothing_in_the_current_directory(tmp_path: Path) -> None:
    """hypothesis keeps files under its home, `.hypothesis/` in the cwd unless told otherwise."""
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    env = {**_clean_env(), "XDG_CACHE_HOME": str(cache)}
    command = [sys.executable, "-m", "oneroster_kit.conformance", "--seed", "1", "--check", "result_echo"]
    completed = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=240)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert list(work.iterdir()) == []
    assert (cache / "oneroster-conformance" / "hypothesis").is_dir()
    named = tmp_path / "named"
    completed = subprocess.run(
        [*command, "--cache-dir", str(named)], cwd=work, env=env, capture_output=True, text=True, timeout=240
    )
    assert completed.returncode == 0 and list(work.iterdir()) == [], completed.stdout + completed.stderr
    assert (named / "hypothesis").is_dir()


def test_an_unwritable_cache_dir_is_refused_before_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = run_cli(["--cache-dir", str(blocker / "cache")], tmp_path / "r", env=_clean_env())
    _assert_usage_error(run.code, run.stderr, "--cache-dir", str(blocker / "cache"))


def test_help_names_the_traffic_subcommand() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "oneroster_kit.conformance", "--help"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0
    assert "oneroster-conformance traffic FILE..." in completed.stdout
    assert "oneroster-conformance traffic --help" in completed.stdout
