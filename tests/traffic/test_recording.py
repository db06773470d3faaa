"""`oneroster-reference-server --record FILE`: the NDJSON format, secrets hidden, bodies kept."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from oneroster_kit.server.process import ReferenceServer
from tests.traffic.conftest import CORRECT


def test_recording_format(recordings: dict[str, Path]) -> None:
    lines = [json.loads(line) for line in recordings[CORRECT].read_text().splitlines()]
    meta = lines[0]["meta"]
    assert meta["format"] == "oneroster-traffic" and meta["version"] == 1
    assert meta["known_class_ids"] and all(isinstance(i, str) for i in meta["known_class_ids"])
    exchanges = lines[1:]
    assert [e["id"] for e in exchanges] == list(range(1, len(exchanges) + 1))
    for exchange in exchanges:
        assert {"started", "durationMs", "request", "response"} <= set(exchange)
        assert exchange["request"]["url"].startswith("http://127.0.0.1:")
    # a body the server refused before reading it (no token: 401) is still recorded
    no_token = next(
        e for e in exchanges if e["response"]["status"] == 401 and "authorization" not in dict(e["request"]["headers"])
    )
    assert json.loads(no_token["request"]["body"])["result"]


def test_recording_hides_secrets(tmp_path: Path) -> None:
    path = tmp_path / "rec.ndjson"
    with ReferenceServer(extra_args=["--record", str(path)]) as server:
        form = {
            "grant_type": "client_credentials",
            "client_id": server.client_id,
            "client_secret": server.client_secret,
        }
        token = httpx.post(server.token_url, data=form).json()["access_token"]
        httpx.put(
            server.base_url + "/ims/oneroster/rostering/v1p2/classes/" + server.class_ids[0],
            json={"class": {}},
            headers={"Authorization": f"Bearer {token}", "Cookie": "session=abc123secret"},
        )
        httpx.post(
            server.token_url, data={"grant_type": "client_credentials"}, auth=(server.client_id, server.client_secret)
        )
    text = path.read_text()
    assert token not in text and server.client_secret not in text and "abc123secret" not in text
    assert text.count("sha256-") >= 2  # the grant's access_token and the header carry the same digest
