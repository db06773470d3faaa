"""The README's interop matrix is what `scripts/interop/run.py` makes of the recorded client run.

`nox -s interop` needs PyPI and runs the real clients; this test needs neither: it judges the
JSON lines saved from the last run (`run.py --save-records scripts/interop/recorded.jsonl`) and
requires the README block to be exactly that matrix, so a change in the spec or in the judging
that changes a verdict fails here until the README (and, if needed, the recording) is redone.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- interop-matrix: scripts/interop/recorded.jsonl -->", "<!-- /interop-matrix -->"


def _run_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("interop_run", ROOT / "scripts" / "interop" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


RUN = _run_module()


def _recorded() -> list[dict[str, object]]:
    lines = (ROOT / "scripts" / "interop" / "recorded.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_the_readme_matrix_matches_the_recorded_run() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert block == RUN.markdown([RUN.judge(record) for record in _recorded()])


def test_the_recording_covers_both_clients_and_every_call_the_issue_names() -> None:
    calls = {(str(r["client"]), str(r["call"])) for r in _recorded()}
    assert {client for client, _ in calls} == {"timeback 0.3.0", "timeback-oneroster 0.4.0"}
    assert len(calls) == 8


def test_judging_names_who_broke_which_rule() -> None:
    rows = {(r["client"], r["call"]): r for r in map(RUN.judge, _recorded())}
    assert rows[("timeback 0.3.0", "put_result (create)")]["rule"] == "none: both follow openapi.yaml"
    enveloped = rows[("timeback 0.3.0", "update_class (title)")]
    assert enveloped["accepted"] == "no" and enveloped["rule"].startswith("client: refused the conforming")
    grades = rows[("timeback-oneroster 0.4.0", "classes.update (grades)")]
    assert grades["http"] == "PUT 422" and "[known: grades sent as JSON integers]" in grades["rule"]


def test_a_server_answer_that_breaks_the_spec_is_blamed_on_the_server() -> None:
    record = next(r for r in _recorded() if r["call"] == "classes.update (title)")
    broken = json.loads(json.dumps(record))
    exchange = broken["exchanges"][-1]
    exchange["response"] = {"class": exchange["response"]}  # the envelope timeback 0.3.0 wants
    assert RUN.judge(broken)["rule"].startswith("server: updateClass 200 answer breaks openapi.yaml")


def test_no_interpreter_that_new_means_the_client_is_skipped() -> None:
    assert RUN.find_python((99, 0)) is None
    assert RUN.find_python((3, 11)) == sys.executable
