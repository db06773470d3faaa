"""The storage guarantees, on both backends (SQLite: one process; PostgreSQL: two worker processes).

Concurrent writers, dateLastModified, exact values, seeding, and SIGKILL in the middle of a write
burst: the same tests, parametrised by `backend` (conftest), against real server processes.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from oneroster_kit.server.process import ReferenceServer

from .conftest import CLASSES, RESULTS, Backend, fetch_token, result_body, worker_of


def _clients(srv: ReferenceServer, token: str, count: int) -> list[httpx.Client]:
    """`count` keep-alive clients: with several workers, their connections land on different ones."""
    return [
        httpx.Client(base_url=srv.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        for _ in range(count)
    ]


def test_concurrent_puts_to_one_result_store_exactly_one_write(
    backend: Backend, backend_server: ReferenceServer
) -> None:
    srv, token = backend_server, fetch_token(backend_server)
    threads, writes = 16, 20
    workers: set[str] = set()

    def writer(number: int) -> list[str]:
        acknowledged = []
        with httpx.Client(base_url=srv.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            for i in range(writes):
                body = result_body(
                    score=number * 1000 + i,
                    comment=f"writer {number} write {i}" * (i % 3 + 1),
                    metadata={"writer": number, "nested": {"write": i, "tags": [str(number)] * (i % 4)}},
                )
                response = http.put(RESULTS + "r-contended", json=body)
                assert response.status_code == 201, response.text
                workers.add(worker_of(response))
                acknowledged.append(response.text)
        stamps = [json.loads(text)["result"]["dateLastModified"] for text in acknowledged]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps), "one client's writes went back in time"
        return acknowledged

    with ThreadPoolExecutor(threads) as pool:
        answers = [text for batch in pool.map(writer, range(threads)) for text in batch]
    assert len(answers) == threads * writes
    assert len(workers) == backend.workers, f"the writes came from {len(workers)} of {backend.workers} workers"
    documents = [text.removeprefix('{"result":').removesuffix("}") for text in answers]
    stored = backend.stored(srv, "results", "r-contended")
    assert stored is not None and documents.count(stored) == 1, "the stored result is not exactly one whole write"
    stamps = [json.loads(document)["dateLastModified"] for document in documents]
    assert len(set(stamps)) == len(stamps), "dateLastModified must advance on every write"
    assert json.loads(stored)["dateLastModified"] == max(stamps), "the stored record is the last write"


def test_concurrent_class_updates_keep_one_whole_update(backend: Backend, backend_server: ReferenceServer) -> None:
    srv, token = backend_server, fetch_token(backend_server)
    class_id = srv.class_ids[-1]

    def writer(number: int) -> str:
        with httpx.Client(base_url=srv.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
            body = {"class": {"title": f"title {number}", "location": f"room {number}", "periods": [str(number)]}}
            response = http.put(CLASSES + class_id, json=body)
            assert response.status_code == 200, response.text
            return response.text

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(writer, range(32)))
    stored = json.loads(backend.stored(srv, "classes", class_id) or "null")
    number = int(stored["title"].split()[1])
    assert (stored["location"], stored["periods"]) == (f"room {number}", [str(number)])  # never a mix of writes
    assert sum(json.loads(text)["title"] == stored["title"] for text in answers) == 1


def test_date_last_modified_advances_across_workers(backend: Backend, backend_server: ReferenceServer) -> None:
    """Writes to one result, each after the previous one was answered, alternating between workers:
    every stamp is after the one before, whichever process wrote it (one clock rule)."""
    srv, token = backend_server, fetch_token(backend_server)
    clients = _clients(srv, token, 24)  # 24 connections: all on one of two workers by chance once in 8 million
    try:
        by_worker: dict[str, httpx.Client] = {}
        for http in clients:  # find a connection to each worker
            by_worker.setdefault(worker_of(http.put(RESULTS + "r-clock", json=result_body())), http)
        assert len(by_worker) == backend.workers
        order = list(by_worker.values())
        stamps = []
        for i in range(60):
            response = order[i % len(order)].put(RESULTS + "r-clock", json=result_body(score=i))
            assert response.status_code == 201, response.text
            stamps.append(response.json()["result"]["dateLastModified"])
        assert all(earlier < later for earlier, later in itertools.pairwise(stamps)), stamps
        class_stamps = [
            order[i % len(order)].put(CLASSES + srv.class_ids[0], json={"class": {}}).json()["dateLastModified"]
            for i in range(20)
        ]
        assert all(a < b for a, b in itertools.pairwise(class_stamps)), class_stamps
    finally:
        for http in clients:
            http.close()


EXACT = (
    '{"result": {"status": "active", "lineItem": {"sourcedId": "li-\U0001d11e"}, "student": {"sourcedId": "s"},'
    ' "scoreStatus": "submitted", "scoreDate": "2026-11-20T14:30:00.5+02:00", "score": 0.10000000000000000000001,'
    ' "textScore": "caf\\u00e9 \\ud83d\\ude00 \U0001f600 \u00e9", "comment": "tab\\tquote\\" nul\\u0000 \u2028",'
    ' "metadata": {"big": 123456789012345678901234567890, "tiny": 1e-400, "neg": -0, "f": -0.0, "e": 1E+2,'
    ' "nested": {"keep": [1, 2.50, true, null, {"deep": ["\U0001f9ea", {"x": 1.0}]}], "empty": {}}}}}'
)


def test_every_value_round_trips_exactly(backend: Backend, backend_server: ReferenceServer) -> None:
    srv, token = backend_server, fetch_token(backend_server)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response = httpx.put(srv.base_url + RESULTS + "r-exact-\U0001f600", content=EXACT.encode(), headers=headers)
    assert response.status_code == 201, response.text
    text = response.text
    for fragment in (
        '"score":0.10000000000000000000001',
        '"big":123456789012345678901234567890',
        '"tiny":1E-400',
        '"neg":-0,',
        '"f":-0.0',
        '"keep":[1,2.50,true,null,{"deep":["\\ud83e\\uddea",{"x":1.0}]}]',
        '"textScore":"caf\\u00e9 \\ud83d\\ude00 \\ud83d\\ude00 \\u00e9"',
        '"comment":"tab\\tquote\\" nul\\u0000 \\u2028"',
        '"sourcedId":"li-\\ud834\\udd1e"',
        '"empty":{}',
    ):
        assert fragment in text, fragment
    sent = json.loads(EXACT)["result"]
    answered = response.json()["result"]
    assert answered["metadata"] == sent["metadata"] and answered["textScore"] == sent["textScore"]
    stored = backend.stored(srv, "results", "r-exact-\U0001f600")
    assert '{"result":' + str(stored) + "}" == text, "the stored text is not what was answered"

    class_id = srv.class_ids[1]
    update = {"title": "Biology \U0001f9ec \u00e9", "location": 'Room \\ 5 "B"', "periods": ["\U0001f550"]}
    first = httpx.put(srv.base_url + CLASSES + class_id, json={"class": update}, headers=headers)
    assert first.status_code == 200, first.text
    # A later empty update, on a new connection (on PostgreSQL possibly another worker), answers the same values.
    again = httpx.put(srv.base_url + CLASSES + class_id, json={"class": {}}, headers=headers)
    assert {key: again.json()[key] for key in update} == update
    assert again.text.replace(again.json()["dateLastModified"], "") == first.text.replace(
        first.json()["dateLastModified"], ""
    )


def test_servers_starting_together_create_the_schema_and_seed_the_classes_once(backend: Backend) -> None:
    """Three servers on one new database (PostgreSQL: at once, each with two workers)."""
    database = backend.database()
    servers = [ReferenceServer(**database, workers=backend.workers, client_secret="one-secret") for _ in range(3)]
    errors: list[BaseException] = []

    def start(srv: ReferenceServer) -> None:
        try:
            srv.start()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start, args=(srv,)) for srv in servers]
    try:
        for thread in threads:
            thread.start()
            if backend.name == "sqlite":  # one SQLite file is served by one process at a time: one after another
                thread.join()
        for thread in threads:
            thread.join()
        assert errors == []
        classes = backend.rows(servers[0], "classes")
        assert sorted(classes) == servers[0].class_ids == servers[1].class_ids == servers[2].class_ids
        assert len(classes) == 4
        # Seeded once: each class has the one dateLastModified it was seeded with, whichever server answers.
        token = fetch_token(servers[0])  # every server and worker shares the token key (one salt)
        seeded = {class_id: json.loads(document)["dateLastModified"] for class_id, document in classes.items()}
        for srv in servers:
            response = httpx.put(
                srv.base_url + CLASSES + "class-bio-p3",
                json={"class": {}},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200, response.text
            assert response.json()["dateLastModified"] > seeded["class-bio-p3"]
        servers[0].restart()  # and a restart migrates nothing and seeds nothing
        after = {key: json.loads(doc)["dateLastModified"] for key, doc in backend.rows(servers[0], "classes").items()}
        assert {key: value for key, value in after.items() if key != "class-bio-p3"} == {
            key: value for key, value in seeded.items() if key != "class-bio-p3"
        }
    finally:
        for srv in servers:
            srv.close()


@pytest.mark.slow
def test_sigkill_during_write_burst_loses_no_acknowledged_write(backend: Backend) -> None:
    """SQLite: the server is killed and restarted. PostgreSQL: one of the two workers is killed while
    the other keeps serving, and the server starts a new one."""
    with backend.server() as srv:
        token = fetch_token(srv)
        acknowledged: dict[str, str] = {}
        lock = threading.Lock()
        stop = threading.Event()
        failures: list[int] = []

        def writer(number: int) -> None:
            with httpx.Client(base_url=srv.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:
                i = 0
                while not stop.is_set():
                    sourced_id = f"crash-{number}-{i}"
                    i += 1
                    try:
                        response = http.put(RESULTS + sourced_id, json=result_body(score=i, comment="x" * (i % 50)))
                    except httpx.TransportError:  # the process died mid-request: this write was never acknowledged
                        if backend.workers == 1:
                            return
                        continue  # a new connection reaches a live worker
                    if response.status_code == 201:
                        with lock:
                            acknowledged[sourced_id] = response.text.removeprefix('{"result":').removesuffix("}")
                    else:
                        failures.append(response.status_code)

        workers = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for worker in workers:
            worker.start()
        while len(acknowledged) < 300:
            time.sleep(0.01)
        if backend.workers == 1:
            srv.kill()
        else:
            victim = srv.worker_pids()[0]
            replacement = srv.kill_worker(victim)
            at_kill = len(acknowledged)
            while len(acknowledged) < at_kill + 300:  # the server kept acknowledging writes
                time.sleep(0.01)
            assert replacement in srv.worker_pids() and victim not in srv.worker_pids()
        stop.set()
        for worker in workers:
            worker.join()
        assert len(acknowledged) >= 300 and failures == [], failures

        if backend.workers == 1:
            srv.restart()
            with sqlite3.connect(srv.db_path) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = backend.rows(srv, "results")
        lost = [sid for sid, document in acknowledged.items() if stored.get(sid) != document]
        assert lost == [], f"{len(lost)} acknowledged writes lost or altered, e.g. {lost[:3]}"

        # The token issued before the crash still works, and the clock keeps advancing.
        after = httpx.put(
            srv.base_url + RESULTS + "crash-0-0", json=result_body(), headers={"Authorization": f"Bearer {token}"}
        )
        assert after.status_code == 201
        assert after.json()["result"]["dateLastModified"] > json.loads(acknowledged["crash-0-0"])["dateLastModified"]
        assert "UNHANDLED" not in srv.log_text()


def test_restart_keeps_data_and_class_ids(backend: Backend) -> None:
    with backend.server(workers=1) as srv:  # what a restart keeps does not depend on the workers
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
