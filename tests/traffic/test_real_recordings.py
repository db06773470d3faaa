"""Recordings of servers that are not the reference (issue 20 §4): a check a recording cannot exercise
is listed as skipped with why, and paths that differ from the spec's by a prefix or a missing service
segment get a hint naming the likely base or path instead of a bare "no exchange matched"."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx

from oneroster_kit.server.process import ReferenceServer
from tests.support.synthetic_traffic import Writer, result_body
from tests.traffic.conftest import run_traffic

FOREIGN = "/ims/oneroster/v1p2/results/{sourcedId}"


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def _moved(record: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    moved: dict[str, Any] = json.loads(json.dumps(record))
    moved["request"]["url"] = moved["request"]["url"].replace(old, new)
    return moved


def test_a_check_the_recording_cannot_exercise_is_listed_as_skipped_with_why(tmp_path: Path) -> None:
    writer = Writer()
    records = [writer.put_result(f"once-{n}", result_body(score=n + 0.5)) for n in range(3)]  # no id written twice
    run = run_traffic([str(_write(tmp_path / "once.ndjson", records))], tmp_path / "r")
    assert run.code == 0, run.stdout
    checks = run.result["checks"]
    assert "result written twice" in checks["result_upsert"]["skipped"]
    assert "class update" in checks["class_merge"]["skipped"]
    assert "without a token" in checks["auth_missing_token"]["skipped"]
    assert "skipped" not in checks["result_echo"]  # it ran, on every answer
    assert "skip [result_upsert]: the recording holds no result written twice" in run.stdout
    assert "## Checks that could not run on this recording" in (run.report_dir / "summary.md").read_text()
    cases = {case.get("name"): case for case in ET.parse(run.report_dir / "junit.xml").getroot()}
    skipped = cases["result_upsert"].find("skipped")
    assert skipped is not None and "written twice" in str(skipped.get("message"))
    # --check: only the checks asked for are listed as skipped
    only = run_traffic([str(tmp_path / "once.ndjson"), "--check", "result_upsert"], tmp_path / "only")
    assert {name for name, check in only.result["checks"].items() if "skipped" in check} == {"result_upsert"}


def test_a_recording_on_paths_without_the_service_segment_gets_the_path_to_give(tmp_path: Path) -> None:
    """A foreign gradebook's recording (FastAPI, `/ims/oneroster/v1p2/results/{id}`, bare Results)."""
    with ReferenceServer(extra_args=["--dialect", "fastapi", "--record", str(tmp_path / "foreign.ndjson")]) as server:
        token = httpx.post(
            server.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": server.client_id,
                "client_secret": server.client_secret,
            },
        ).json()["access_token"]
        for score in (12.5, 40.25):  # updates of an existing result, as its own client sends them
            body = {**result_body(score=score), "sourcedId": server.result_ids[0]}
            answer = httpx.put(
                server.base_url + FOREIGN.replace("{sourcedId}", server.result_ids[0]),
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 200, answer.text
    recording = str(tmp_path / "foreign.ndjson")
    unmatched = run_traffic([recording], tmp_path / "unmatched")
    assert unmatched.code == 2
    line = unmatched.stderr.strip()
    assert f"--path putResult={FOREIGN}" in line and "without the spec's service segment" in line, line
    assert "no exchange matched an operation" in line
    assert unmatched.result["hints"] and "--path" in unmatched.result["hints"][0]
    checked = run_traffic([recording, "--path", f"putResult={FOREIGN}", "--blame", "server"], tmp_path / "checked")
    assert checked.result["exchanges"]["checked"] == 2
    echo = checked.result["checks"]["result_echo"]["skipped"]
    assert "2 2xx answers to result PUTs were a bare Result" in echo  # why, not silently absent


def test_a_recording_under_another_prefix_than_the_given_base_names_the_likely_base(tmp_path: Path) -> None:
    writer = Writer()
    record = writer.put_result("p-1", result_body())
    moved = _moved(record, ".org/ims/", ".org/v2/ims/")
    path = _write(tmp_path / "prefixed.ndjson", [moved])
    run = run_traffic([str(path), "--base-url", "https://api.example.org/v3"], tmp_path / "r")
    assert run.code == 2
    assert "the base is probably https://api.example.org/v2" in run.stderr, run.stderr
    assert run.result["checks"]["result_echo"]["skipped"] == "no exchange matched an operation of the spec"
