"""A remote run writes only what `--plan` lists: results under the prefix in the safe alphabet, named classes.

The whole suite runs against a reference server that records every exchange (`--record`); the
recording, not the suite's own bookkeeping, is what these tests read, so an id sent by any path
of the suite (a probe, a semantic check, schemathesis) is seen. The rule is written here again on
purpose (a regular expression, not `Target.permit`), so a change to the gate cannot hide itself.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from oneroster_kit.conformance.auth import StaticToken
from oneroster_kit.conformance.target import Target, UnsafeWriteError
from oneroster_kit.server.process import ReferenceServer
from tests.conformance.conftest import run_cli, target_args

SAFE = re.compile(r"[A-Za-z0-9._-]+")
FORBIDDEN = {"", ".", ".."}  # ids the spec refuses (a conforming server writes nothing)


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("ONEROSTER_")}


def _puts(recording: Path, base_url: str) -> list[tuple[str, str, str]]:
    """(method, collection, decoded id) of every request the recording holds to an operation path."""
    found = []
    base_path = urlsplit(base_url).path
    for line in recording.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        request = record.get("request")
        if request is None:
            continue
        path = urlsplit(request["url"]).path.removeprefix(base_path)
        for collection in ("/ims/oneroster/gradebook/v1p2/results/", "/ims/oneroster/rostering/v1p2/classes/"):
            if path.startswith(collection):
                found.append((request["method"], collection.rsplit("/", 2)[1], unquote(path[len(collection) :])))
    return found


def _remote_run(tmp_path: Path, *extra: str) -> tuple[list[tuple[str, str, str]], str, list[str]]:
    recording = tmp_path / "traffic.ndjson"
    with ReferenceServer(extra_args=["--record", str(recording)]) as server:
        class_ids = list(server.class_ids)
        args = [*target_args(server), "--seed", "31", "--max-examples", "5", *extra]
        run = run_cli(args, tmp_path / "report", env=_clean_env())
        plan = run_cli([*args, "--plan"], tmp_path / "plan", env=_clean_env())
        base_url = server.base_url
    assert run.code == 0, run.explain()
    assert plan.code == 0, plan.explain()
    return _puts(recording, base_url), plan.stdout, class_ids


def test_a_remote_run_sends_no_id_outside_its_plan(tmp_path: Path) -> None:
    sent, plan, class_ids = _remote_run(tmp_path)
    prefix = "conformance-s31-"
    assert f"PUTs only to ids {prefix}<suffix>, the suffix in A-Z a-z 0-9 . _ -" in plan
    assert f"classes: PUTs only to {', '.join(class_ids)}" in plan
    assert len(sent) > 100  # the whole suite ran
    outside = []
    for method, collection, sourced_id in sent:
        if sourced_id in FORBIDDEN:
            continue
        under_prefix = sourced_id.startswith(prefix) and SAFE.fullmatch(sourced_id[len(prefix) :]) is not None
        ok = under_prefix if collection == "results" or method != "PUT" else sourced_id in class_ids
        if not ok:
            outside.append((method, collection, sourced_id))
    assert not outside, f"sent outside the plan: {sorted(set(outside))[:20]}"
    classes_put = {sourced_id for method, collection, sourced_id in sent if collection == "classes" and method == "PUT"}
    assert classes_put - FORBIDDEN <= set(class_ids)


def test_with_the_options_the_look_alikes_are_sent_and_planned(tmp_path: Path) -> None:
    """The options do widen what is sent (so the test above is not passing for want of trying)."""
    sent, plan, class_ids = _remote_run(
        tmp_path,
        "--check",
        "id_distinct",
        "--check",
        "class_unknown_404",
        "--fuzz-result-ids",
        "--probe-unknown-classes",
    )
    ids = {sourced_id for _, _, sourced_id in sent}
    assert class_ids[0].swapcase() in ids and class_ids[0] + " " in ids
    assert any(sourced_id.endswith("-caf\u00e9") for sourced_id in ids)
    assert any("no-such-class" in sourced_id for sourced_id in ids)
    assert "--probe-unknown-classes" in plan and "any characters, fuzzed" in plan


def test_the_plan_sends_nothing(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[object] = []
    listener.settimeout(0.2)

    def watch() -> None:
        for _ in range(100):
            try:
                accepted.append(listener.accept())
            except TimeoutError:
                continue
            except OSError:
                return

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        args = ["--base-url", f"http://127.0.0.1:{port}", "--token", "t", "--class-id", "class-x", "--seed", "5"]
        run = run_cli([*args, "--plan"], tmp_path / "r", env=_clean_env())
    finally:
        watcher.join()
        listener.close()
    assert run.code == 0, run.explain()
    assert "conformance-s5-<suffix>" in run.stdout and "PUTs only to class-x" in run.stdout
    assert accepted == []


@pytest.mark.parametrize(
    ("operation_id", "sourced_id"),
    [
        ("putResult", "conformance-x-id-2-caf\u00e9"),
        ("putResult", "conformance-x-id-3-pct-%41"),
        ("putResult", "conformance-x-id-4-pct-a/b"),
        ("putResult", "conformance-x-id-5-trail "),
        ("putResult", "someone-elses-result"),
        ("updateClass", "C1"),
        ("updateClass", "c1 "),
        ("updateClass", "%631"),
        ("updateClass", "conformance-x-no-such-class-51"),
    ],
)
def test_the_gate_refuses_each_unsafe_write_of_a_remote_run(operation_id: str, sourced_id: str) -> None:
    remote = Target("http://127.0.0.1:9", StaticToken("t"), ("c1",), "conformance-x-", remote=True)
    with pytest.raises(UnsafeWriteError, match="refused to PUT"):
        remote.put(operation_id, sourced_id, {})
    embedded = Target("http://127.0.0.1:9", StaticToken("t"), ("c1",), "conformance-x-", remote=False)
    embedded.permit(operation_id, sourced_id)  # the embedded server's fresh database takes anything
    widened = Target(
        "http://127.0.0.1:9",
        StaticToken("t"),
        ("c1",),
        "conformance-x-",
        remote=True,
        fuzz_result_ids=True,
        probe_unknown_classes=True,
    )
    if sourced_id != "someone-elses-result":
        widened.permit(operation_id, sourced_id)
