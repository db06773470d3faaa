"""Seed fixtures, command-line errors and the request log."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from oneroster_kit.server.process import ReferenceServer, ServerStartError
from oneroster_kit.server.seed import DEFAULT_SEED, load_seed

from .conftest import CLASSES, RESULTS, assert_documented, fetch_token, result_body


def test_committed_seed_is_valid_and_complete() -> None:
    seed = load_seed(DEFAULT_SEED)
    assert [sid for sid, _ in seed.classes] == [
        "class-alg1-p1",
        "class-alg1-p2",
        "class-bio-p3",
        "class-eng9-homeroom",
    ]
    kinds = {(kind, sid) for kind, sid, _ in seed.objects}
    for _, document in seed.classes:
        assert ("courses", document["course"]["sourcedId"]) in kinds
        assert ("orgs", document["school"]["sourcedId"]) in kinds
        assert all(("terms", term["sourcedId"]) in kinds for term in document["terms"])


def test_ready_line_lists_the_seeded_classes(server: ReferenceServer) -> None:
    ready = json.loads(server.log_text().splitlines()[0])
    assert ready == {
        "event": "ready",
        "base_url": server.base_url,
        "token_url": server.base_url + "/oauth2/token",
        "class_ids": server.class_ids,
    }
    assert server.class_ids == [sid for sid, _ in load_seed(DEFAULT_SEED).classes]


def test_every_seeded_class_is_a_valid_class_response(server: ReferenceServer) -> None:
    headers = {"Authorization": f"Bearer {fetch_token(server)}"}
    for class_id in server.class_ids:
        response = httpx.put(server.base_url + CLASSES + class_id, json={"class": {}}, headers=headers)
        assert response.status_code == 200
        assert_documented("updateClass", response)


def test_custom_seed_is_loaded(tmp_path: Path) -> None:
    seed = json.loads(DEFAULT_SEED.read_text())
    seed["classes"] = [{**seed["classes"][0], "sourcedId": "my-only-class"}]
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    with ReferenceServer(seed=path) as srv:
        assert srv.class_ids == ["my-only-class"]
        with sqlite3.connect(srv.db_path) as db:
            kinds = dict(db.execute("SELECT kind, count(*) FROM seed_objects GROUP BY kind").fetchall())
        assert kinds == {"orgs": 2, "terms": 2, "courses": 3}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s["classes"][0].update(course="course-nope"),
            "classes[0].course: 'course-nope' is not the sourcedId",
        ),
        (lambda s: s["classes"][0].update(terms=["term-x"]), "classes[0].terms[0]: 'term-x' is not the sourcedId"),
        (lambda s: s["classes"][0].update(grades=["K"]), 'classes[0]: not a valid Class: grades[0]: "K" is not one of'),
        (
            lambda s: s["classes"][1].update(sourcedId="class-alg1-p1"),
            "classes[1].sourcedId: 'class-alg1-p1' appears twice",
        ),
        (lambda s: s["classes"][0].pop("school"), "classes[0].school: required"),
        (lambda s: s["classes"][0].update(colour="red"), "classes[0]: unknown member(s) ['colour']"),
        (lambda s: s.update(users=[]), "unknown top-level member(s) ['users']"),
        (lambda s: s.update(classes=[]), "classes: at least one class is required"),
    ],
)
def test_invalid_seed_fails_start_with_a_clear_message(tmp_path: Path, change: object, message: str) -> None:
    seed = json.loads(DEFAULT_SEED.read_text())
    change(seed)  # type: ignore[operator]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(seed))
    with pytest.raises(ServerStartError) as failure, ReferenceServer(seed=path):
        pass
    assert message in str(failure.value)
    assert f"seed {path}" in str(failure.value)


def test_unreadable_seed_file_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"classes": [')
    completed = subprocess.run(
        [sys.executable, "-m", "oneroster_kit.server", "--db", str(tmp_path / "x.db"), "--seed", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert f"seed {path}: the file is not valid JSON" in completed.stderr


def test_unknown_fault_is_refused(tmp_path: Path) -> None:
    with (
        pytest.raises(ServerStartError, match=r"unknown fault\(s\): no-such-fault"),
        ReferenceServer(faults=["no-such-fault"]),
    ):
        pass


def test_one_log_line_per_request(server: ReferenceServer, client: httpx.Client) -> None:
    marker = "r-log-marker-7f3a"
    before = server.log_text().count(marker)
    for _ in range(3):
        client.put(RESULTS + marker, json=result_body())
    client.get(RESULTS + marker)
    lines = [line for line in server.log_text().splitlines() if marker in line]
    assert len(lines) - before == 4
    assert lines[-4].split()[3:6] == ["PUT", RESULTS + marker, "201"]
    assert lines[-1].split()[3:6] == ["GET", RESULTS + marker, "405"]
