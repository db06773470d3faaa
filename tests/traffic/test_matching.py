"""Exchanges are matched under a base URL, given or inferred; others are undocumented, not errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.synthetic_traffic import Writer, result_body
from tests.traffic.conftest import run_traffic


def _file(tmp_path: Path) -> Path:
    writer = Writer()
    records = [writer.put_result("m-r1", result_body()), writer.put_result("m-r2", result_body())]
    elsewhere = json.loads(json.dumps(records[1]))
    elsewhere["request"]["url"] = elsewhere["request"]["url"].replace("api.example.org", "cdn.example.org")
    prefixed = json.loads(json.dumps(records[0]))
    prefixed["request"]["url"] = prefixed["request"]["url"].replace(".org/ims", ".org/v2/ims")
    other = json.loads(json.dumps(records[0]))
    other["request"]["url"] = "https://api.example.org/ims/oneroster/rostering/v1p2/schools/s-1?access_token=x"
    path = tmp_path / "mixed.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*records, elsewhere, prefixed, other]))
    return path


def test_inferred_base_and_undocumented(tmp_path: Path) -> None:
    run = run_traffic([str(_file(tmp_path))], tmp_path / "r")
    assert run.code == 0, run.stdout
    assert run.result["base"] == "https://api.example.org" and run.result["base_inferred"]
    assert run.result["exchanges"]["checked"] == 2 and run.result["exchanges"]["undocumented"] == 3
    reasons = {u["where"]: u["reason"] for u in run.result["undocumented"]}
    assert any("cdn.example.org" in where for where in reasons)
    assert "no operation of the spec has this path" in reasons.values()
    assert "access_token" not in run.reports_text()  # query strings never reach a report


def test_given_base(tmp_path: Path) -> None:
    path = _file(tmp_path)
    prefixed = run_traffic([str(path), "--base-url", "https://api.example.org/v2"], tmp_path / "p")
    assert prefixed.code == 0 and prefixed.result["exchanges"]["checked"] == 1
    nowhere = run_traffic([str(path), "--base-url", "https://other.example.org"], tmp_path / "n")
    assert nowhere.code == 2 and "no exchange matched an operation" in nowhere.stderr
