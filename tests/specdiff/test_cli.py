"""`oneroster-spec-diff` as a user meets it: exit codes, formats, fingerprints, ignore file, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from oneroster_kit.specdiff.cli import main
from tests.specdiff.corpus import CASES, SPEC

BY_NAME = {case.name: case for case in CASES}


def revision(tmp_path: Path, name: str, text: str | None = None) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text if text is not None else BY_NAME[name].revision(), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_identical_specs_say_no_changes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, SPEC, SPEC)
    assert code == 0
    assert "no changes" in out


def test_a_breaking_change_fails_and_a_server_only_change_passes_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, SPEC, revision(tmp_path, "score_status_value_removed"), "--no-sdk")
    assert code == 1
    assert "BREAKING" in out and "result.scoreStatus" in out
    server_only = revision(tmp_path, "operation_added")
    assert run(capsys, SPEC, server_only, "--no-sdk")[0] == 0
    assert run(capsys, SPEC, server_only, "--no-sdk", "--fail-on", "server")[0] == 1
    docs = revision(tmp_path, "description_changed")
    assert run(capsys, SPEC, docs, "--no-sdk", "--fail-on", "notice")[0] == 0
    assert run(capsys, SPEC, docs, "--no-sdk", "--fail-on", "any")[0] == 1


def test_each_change_names_lines_in_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, SPEC, revision(tmp_path, "score_status_value_added"), "--no-sdk", "--format", "json")
    report = json.loads(out)
    line = next(
        n for n, text in enumerate(SPEC.read_text().splitlines(), 1) if text.strip().startswith('enum: ["exempt"')
    )
    change = next(c for c in report["changes"] if c["direction"] == "response")
    assert change["base"] == {"pointer": "/components/schemas/ScoreStatus/enum", "line": line}
    assert change["revision"]["pointer"] == "/components/schemas/ScoreStatus/enum"
    assert change["statuses"] == ["200", "201"]
    assert change["audiences"]["sdk"]["level"] == "breaking"
    assert code == 1 and report["exit_code"] == 1


def test_fingerprints_are_stable_when_lines_move(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = BY_NAME["result_property_removed"].revision()
    first = json.loads(run(capsys, SPEC, revision(tmp_path, "one", changed), "--no-sdk", "--format", "json")[1])
    moved_base = tmp_path / "base.yaml"
    moved_base.write_text("# a comment that moves every line\n\n" + SPEC.read_text(), encoding="utf-8")
    second = json.loads(
        run(capsys, moved_base, revision(tmp_path, "two", "#\n" + changed), "--no-sdk", "--format", "json")[1]
    )
    assert [c["fingerprint"] for c in first["changes"]] == [c["fingerprint"] for c in second["changes"]]
    assert first["changes"][0]["base"]["line"] + 2 == second["changes"][0]["base"]["line"]


def test_ignore_file_takes_a_reason_per_fingerprint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rev = revision(tmp_path, "score_status_value_removed")
    report = json.loads(run(capsys, SPEC, rev, "--no-sdk", "--format", "json")[1])
    failing = [c["fingerprint"] for c in report["changes"] if c["failing"]]
    assert failing
    ignores = tmp_path / "ignore.txt"
    ignores.write_text("# accepted\n" + "".join(f"{fp}  agreed with the SDK teams (OR-12)\n" for fp in failing))
    code, out, _ = run(capsys, SPEC, rev, "--no-sdk", "--ignore", ignores)
    assert code == 0
    assert "ignored: agreed with the SDK teams (OR-12)" in out
    ignores.write_text(f"{failing[0]}\n")
    code, _, err = run(capsys, SPEC, rev, "--no-sdk", "--ignore", ignores)
    assert code == 2 and "needs a reason" in err


def test_junit_github_markdown_and_changelog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rev = revision(tmp_path, "score_status_value_added")
    junit = ET.fromstring(run(capsys, SPEC, rev, "--no-sdk", "--format", "junit")[1])
    assert junit.tag == "testsuite" and int(junit.get("failures", "0")) == 1
    assert len(junit.findall("testcase/failure")) == 1
    github = run(capsys, SPEC, rev, "--no-sdk", "--format", "github")[1].splitlines()
    assert any(line.startswith(f"::error file={rev},line=") and "enum-value-added" in line for line in github)
    assert any(line.startswith("::warning ") for line in github)  # the request side asks more of servers
    markdown = run(capsys, SPEC, rev, "--no-sdk", "--format", "markdown")[1]
    assert markdown.startswith("## Spec changes") and "| BREAKING |" in markdown
    changelog = run(capsys, SPEC, rev, "--no-sdk", "--format", "changelog")[1]
    assert "### Breaking changes" in changelog and "major release" in changelog


def test_version_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = yaml.safe_load(BY_NAME["result_property_added"].revision())
    assert run(capsys, SPEC, revision(tmp_path, "a", yaml.safe_dump(document)), "--no-sdk", "--check-version")[0] == 1
    major, minor, _ = (int(part) for part in document["info"]["version"].split("."))
    document["info"]["version"] = f"{major}.{minor + 1}.0"
    code, out, _ = run(capsys, SPEC, revision(tmp_path, "b", yaml.safe_dump(document)), "--no-sdk", "--check-version")
    assert code == 0 and "covers the minor bump" in out


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("invalid", "openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n", "is not a valid OpenAPI 3.1 document"),
        ("old", "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\n", "is OpenAPI 3.0.3; oneroster-spec-diff"),
        ("notyaml", "openapi: [3.1\n", "is not valid YAML at line"),
        ("external", None, "has external $ref"),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str | None, message: str
) -> None:
    if text is None:
        text = SPEC.read_text().replace('"#/components/schemas/ScoreStatus"', '"common.yaml#/ScoreStatus"', 1)
    code, out, err = run(capsys, SPEC, revision(tmp_path, name, text), "--no-sdk")
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_unknown_revision_and_missing_base(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "no-such-revision-xyz", SPEC, "--no-sdk", "--repo", SPEC.parent)
    assert code == 2 and "no-such-revision-xyz" in err and len(err.strip().splitlines()) == 1
    assert run(capsys)[0] == 2


def test_the_console_script_runs_git_revisions_against_the_working_tree() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "oneroster_kit.specdiff", "--base", "HEAD", "--no-sdk", "--fail-on", "never"],
        cwd=SPEC.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("oneroster-spec-diff HEAD:openapi.yaml -> ")
