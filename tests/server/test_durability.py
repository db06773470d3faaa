"""Concurrent writers, and SIGKILL in the middle of a write burst: nothing acknowledged is lost."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from oneroster_kit.server.process import ReferenceServer

from .conftest import CLASSES, RESULTS, fetch_token, result_body


def _stored(db_path: Path, table: str, sourced_id: str) -> str | None:
    with sqlite3.connect(db_path) as db:
        row = db.execute(f"SELECT document FROM {table} WHERE sourced_id = ?", (sourced_id,)).fetchone()
    return None if row is None else str(row[0])


def test_concurrent_writers_to_one_result_store_exactly_one_write(server: ReferenceServer, token: str) -> None:
    threads, writes = 16, 20

    def writer(number: int) -> list[str]:
        acknowledged = []
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
            for i in range(writes):
                body = result_body(score=number * 1000 + i, comment=f"writer {number} write {i}" * (i % 3 + 1))
                response = http.put(RESULTS + "r-contended", json=body)
                assert response.status_code == 201, response.text
                acknowledged.append(response.text)
        return acknowledged

    with ThreadPoolExecutor(threads) as pool:
        answers = [text for batch in pool.map(writer, range(threads)) for text in batch]
    assert len(answers) == threads * writes
    documents = [text.removeprefix('{"result":').removesuffix("}") for text in answers]
    stored = _stored(server.db_path, "results", "r-contended")
    assert stored is not None and documents.count(stored) == 1
    stamps = [json.loads(document)["dateLastModified"] for document in documents]
    assert len(set(stamps)) == len(stamps), "dateLastModified must advance on every write"
    assert json.loads(stored)["dateLastModified"] == max(stamps), "the stored record is the last write"


def test_concurrent_class_updates_keep_one_whole_update(server: ReferenceServer, token: str) -> None:
    class_id = server.class_ids[-1]

    def writer(number: int) -> str:
        with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
            body = {"class": {"title": f"title {number}", "location": f"room {number}", "periods": [str(number)]}}
            response = http.put(CLASSES + class_id, json=body)
            assert response.status_code == 200, response.text
            return response.text

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(writer, range(32)))
    stored = json.loads(_stored(server.db_path, "classes", class_id) or "null")
    number = int(stored["title"].split()[1])
    assert (stored["location"], stored["periods"]) == (f"room {number}", [str(number)])  # never a mix of writes
    assert sum(json.loads(text)["title"] == stored["title"] for text in answers) == 1


@pytest.mark.slow
def test_sigkill_during_write_burst_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.db"
    with ReferenceServer(db_path=db_path) as srv:
        token = fetch_token(srv)
        acknowledged: dict[str, str] = {}
        lock = threading.Lock()
        stop = threading.Event()

        def writer(number: int) -> None:
            with httpx.Client(base_url=srv.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:
                i = 0
                while not stop.is_set():
                    sourced_id = f"crash-{number}-{i}"
                    try:
                        response = http.put(RESULTS + sourced_id, json=result_body(score=i, comment="x" * (i % 50)))
                    except httpx.TransportError:
                        return  # the server died mid-request: this write was never acknowledged
                    if response.status_code == 201:
                        with lock:
                            acknowledged[sourced_id] = response.text.removeprefix('{"result":').removesuffix("}")
                    i += 1

        workers = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for worker in workers:
            worker.start()
        while len(acknowledged) < 300:
            time.sleep(0.01)
        srv.kill()
        stop.set()
        for worker in workers:
            worker.join()
        assert len(acknowledged) >= 300

        srv.restart()
        with sqlite3.connect(db_path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            stored = dict(db.execute("SELECT sourced_id, document FROM results").fetchall())
        lost = [sid for sid, document in acknowledged.items() if stored.get(sid) != document]
        assert lost == [], f"{len(lost)} acknowledged writes lost or altered, e.g. {lost[:3]}"

        # The token issued before the crash still works, and the clock keeps advancing.
        after = httpx.put(
            srv.base_url + RESULTS + "after-crash", json=result_body(), headers={"Authorization": f"Bearer {token}"}
        )
        assert after.status_code == 201
        latest = max(json.loads(document)["dateLastModified"] for document in acknowledged.values())
        assert after.json()["result"]["dateLastModified"] > latest
        assert "UNHANDLED" not in srv.log_text()


def test_restart_keeps_data_and_class_ids(tmp_path: Path) -> None:
    with ReferenceServer(db_path=tmp_path / "restart.db") as srv:
        token = fetch_token(srv)
        headers = {"Authorization": f"Bearer {token}"}
        first = httpx.put(srv.base_url + CLASSES + srv.class_ids[0], json={"class": {"title": "Kept"}}, headers=headers)
        assert first.status_code == 200
        ids, port = list(srv.class_ids), srv.port
        srv.restart()
        assert (srv.class_ids, srv.port) == (ids, port)
        again = httpx.put(srv.base_url + CLASSES + srv.class_ids[0], json={"class": {}}, headers=headers)
        assert again.json()["title"] == "Kept"
        assert again.json()["dateLastModified"] > first.json()["dateLastModified"]
