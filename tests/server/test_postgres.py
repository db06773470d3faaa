"""What only the PostgreSQL backend has: a database that goes away, the database's clock, workers.

Real server processes (two workers) on databases of a throwaway cluster (`postgres_cluster`);
the outage test stops and restarts a cluster of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
import pytest

from oneroster_kit.server.backend import ClassUpdate, ResultUpsert, Write
from oneroster_kit.server.documents import result_builder, result_document
from oneroster_kit.server.pgcluster import PostgresCluster
from oneroster_kit.server.pgstore import PostgresStore
from oneroster_kit.server.process import ReferenceServer, ServerStartError

from .conftest import CLASSES, RESULTS, fetch_token, result_body


@pytest.fixture
def own_cluster(postgres_cluster: PostgresCluster) -> Iterator[PostgresCluster]:
    """A cluster this test may stop (the shared one serves the other tests)."""
    with PostgresCluster() as cluster:
        yield cluster


def test_a_stopped_database_gives_503_with_retry_after_and_the_server_recovers(own_cluster: PostgresCluster) -> None:
    with ReferenceServer(db_url=own_cluster.create_database(), workers=2) as srv:
        token = fetch_token(srv)
        headers = {"Authorization": f"Bearer {token}"}
        before = httpx.put(srv.base_url + RESULTS + "r-before", json=result_body(), headers=headers)
        assert before.status_code == 201

        own_cluster.stop()
        for attempt in range(6):  # each worker, results and classes, several times
            for path, body in ((RESULTS + f"r-during-{attempt}", result_body()), (CLASSES + srv.class_ids[0], {})):
                started = time.monotonic()
                with httpx.Client(timeout=10) as http:  # a new connection each time: any worker
                    answer = http.put(srv.base_url + path, json=body or {"class": {}}, headers=headers)
                assert answer.status_code == 503, answer.text
                assert answer.headers["retry-after"] == "1"
                assert "database is unavailable" in answer.json()["imsx_description"]
                assert time.monotonic() - started < 5, "the answer waited for the database"
        assert fetch_token(srv)  # the token endpoint never needs the database
        victim, survivor = srv.worker_pids()
        os.kill(victim, signal.SIGKILL)  # its replacement cannot start while the database is down
        time.sleep(2)
        assert srv.worker_pids() == [victim, survivor] and srv.running
        with httpx.Client(timeout=10) as http:
            assert http.put(srv.base_url + RESULTS + "r-x", json=result_body(), headers=headers).status_code == 503

        own_cluster.start()  # same port, same data
        deadline = time.monotonic() + 20
        while True:
            answer = httpx.put(srv.base_url + RESULTS + "r-after", json=result_body(score=1), headers=headers)
            if answer.status_code == 201 or time.monotonic() > deadline:
                break
            assert answer.status_code == 503, answer.text
            time.sleep(0.2)
        assert answer.status_code == 201, answer.text
        assert answer.json()["result"]["dateLastModified"] > before.json()["result"]["dateLastModified"]
        deadline = time.monotonic() + 30
        while victim in srv.worker_pids() and time.monotonic() < deadline:  # retried until the database is back
            time.sleep(0.2)
        assert victim not in srv.worker_pids() and survivor in srv.worker_pids(), srv.log_text()[-3000:]
        for _ in range(6):  # every worker has reconnected
            with httpx.Client() as http:
                again = http.put(srv.base_url + CLASSES + srv.class_ids[0], json={"class": {}}, headers=headers)
            assert again.status_code == 200, again.text
        stored = PostgresStore(srv.db_url or "")
        try:
            assert '{"result":' + str(stored.get_result("r-before")) + "}" == before.text
            assert all(stored.get_result(f"r-during-{attempt}") is None for attempt in range(6))
        finally:
            stored.close()
        log = srv.log_text()
        assert "UNHANDLED" not in log and " 500 " not in log
        assert "is unavailable" in log and "is reachable again" in log


def test_date_last_modified_comes_from_the_database_clock_not_a_worker_clock(
    postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    """Workers whose own clock is a day ahead still stamp with the database server's time."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import time\n_ns, _s = time.time_ns, time.time\n"
        "time.time_ns = lambda: _ns() + 86_400 * 10**9\ntime.time = lambda: _s() + 86_400\n"
    )
    with ReferenceServer(
        db_url=postgres_cluster.create_database(), workers=2, extra_env={"PYTHONPATH": str(site)}
    ) as srv:
        headers = {"Authorization": f"Bearer {fetch_token(srv)}"}
        answer = httpx.put(srv.base_url + RESULTS + "r-clock", json=result_body(), headers=headers)
        assert answer.status_code == 201, answer.text
        stamp = datetime.fromisoformat(answer.json()["result"]["dateLastModified"].replace("Z", "+00:00"))
        assert abs((stamp - datetime.now(UTC)).total_seconds()) < 60, stamp


def _stamped(sourced_id: str, **members: object) -> ResultUpsert:
    """A result upsert as the server makes it (a StampedDocument: the stamp spliced in SQL)."""
    return ResultUpsert(sourced_id, result_builder(sourced_id, {"status": "active", **members}))


def _opaque(sourced_id: str, **members: object) -> ResultUpsert:
    """A result upsert whose text only Python can build (the locked path)."""
    return ResultUpsert(sourced_id, lambda stamp: result_document(sourced_id, {"status": "active", **members}, stamp))


@pytest.mark.parametrize("make", [_stamped, _opaque])
def test_a_stamp_stored_ahead_of_the_clock_is_still_advanced(
    postgres_cluster: PostgresCluster, make: Callable[..., ResultUpsert]
) -> None:
    """As if the database's clock had stepped back: the next write is 1 ms after the stored one."""
    url = postgres_cluster.create_database()
    store = PostgresStore(url)
    try:
        store.write_batch([make("r")])
        with psycopg.connect(url) as db:
            db.execute("UPDATE oneroster_results SET modified_ms = 4102444800000")  # 2100-01-01
        stored = store.write_batch([make("r", n=1), make("r", n=2), make("other")])
        assert [json.loads(str(text))["dateLastModified"] for text in stored[:2]] == [
            "2100-01-01T00:00:00.001Z",
            "2100-01-01T00:00:00.002Z",
        ]
        assert json.loads(str(stored[2]))["dateLastModified"] < "2100"  # other resources keep the clock
        assert store.get_result("r") == stored[1] and json.loads(str(stored[1]))["n"] == 2
    finally:
        store.close()


def test_a_group_of_every_kind_of_write_gets_one_outcome_each(postgres_cluster: PostgresCluster) -> None:
    """Repeated ids, class updates beside result upserts, a missing class, a write that fails alone."""
    store = PostgresStore(postgres_cluster.create_database())

    def explode(stamp: str) -> str:
        raise RuntimeError("this write's own bug")

    try:
        store.add_seed([], [("c1", lambda stamp: '{"sourcedId":"c1","dateLastModified":"' + stamp + '"}')])
        outcomes: list[str | Exception | None] = []
        groups: list[list[Write]] = [
            [_stamped("a", n=1), _stamped("b"), _stamped("a", n=2), _stamped("a", n=3)],
            [_stamped("a", n=4), ClassUpdate("c1", _retitle("x")), ClassUpdate("none", _retitle("y")), _stamped("b")],
            [_opaque("a", n=5), ClassUpdate("c1", _retitle("z")), ResultUpsert("broken", explode), _stamped("b")],
        ]
        for group in groups:
            outcomes = store.write_batch(group)
            assert len(outcomes) == len(group)
            for write, outcome in zip(group, outcomes, strict=True):
                if isinstance(write, ResultUpsert) and isinstance(outcome, str):
                    assert (
                        write.build(json.loads(outcome)["dateLastModified"]) == outcome
                    )  # SQL wrote what Python would
            texts = [text for text in outcomes if isinstance(text, str) and '"sourcedId":"a"' in text]
            stamps = [json.loads(text)["dateLastModified"] for text in texts]
            assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
        assert isinstance(outcomes[2], RuntimeError) and store.get_result("broken") is None
        assert json.loads(str(store.get_result("a")))["n"] == 5
        assert json.loads(str(outcomes[1]))["title"] == "z"  # the class as stored, answered by its write
    finally:
        store.close()


def _retitle(title: str) -> Callable[[str, str], str]:
    def merge(stored: str, stamp: str) -> str:
        return json.dumps({**json.loads(stored), "title": title, "dateLastModified": stamp}, separators=(",", ":"))

    return merge


def test_stateless_faults_work_with_workers(postgres_cluster: PostgresCluster) -> None:
    with ReferenceServer(db_url=postgres_cluster.create_database(), workers=2, faults=["wrong_status"]) as srv:
        headers = {"Authorization": f"Bearer {fetch_token(srv)}"}
        for _ in range(4):
            with httpx.Client() as http:
                assert http.put(srv.base_url + RESULTS + "r", json=result_body(), headers=headers).status_code == 202


def _start_error(*args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "oneroster_kit.server", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2, completed
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    return lines[0]


def test_start_up_refusals_are_one_line(postgres_cluster: PostgresCluster, tmp_path: Path) -> None:
    url = postgres_cluster.create_database()
    assert "--workers N needs --db postgresql://" in _start_error("--db", str(tmp_path / "x.db"), "--workers", "2")
    assert "--fsync is for SQLite" in _start_error("--db", url, "--fsync")
    refused = _start_error("--db", url, "--workers", "2", "--fault", "result_put_merges", "--fault", "enum_returned")
    assert "--fault result_put_merges remembers earlier requests in one process" in refused
    assert "unknown fault(s): nope" in _start_error("--db", url, "--workers", "2", "--fault", "nope")
    unreachable = f"postgresql://someone:hunter2@127.0.0.1:{_closed_port()}/nothing"
    message = _start_error("--db", unreachable)
    assert "cannot open the database" in message and "Connection refused" in message, message
    assert "hunter2" not in message and "postgresql://someone@127.0.0.1:" in message


def test_a_database_of_a_newer_schema_is_refused(postgres_cluster: PostgresCluster) -> None:
    url = postgres_cluster.create_database()
    PostgresStore(url).close()
    with psycopg.connect(url) as db:
        db.execute("UPDATE oneroster_meta SET value = '99' WHERE key = 'schema_version'")
    with (
        pytest.raises(ServerStartError, match="schema version 99, this server knows up to 1"),
        ReferenceServer(db_url=url, workers=2),
    ):
        pass


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_row_held_elsewhere_gives_503_busy_after_the_busy_timeout(postgres_cluster: PostgresCluster) -> None:
    """As SQLite's held lock (tests/hostile/test_3): the write waits --db-busy-timeout, then 503, never applied."""
    url = postgres_cluster.create_database()
    with ReferenceServer(db_url=url, workers=2, extra_env={"ONEROSTER_DB_BUSY_TIMEOUT": "0.5"}) as srv:
        headers = {"Authorization": f"Bearer {fetch_token(srv)}"}
        assert httpx.put(srv.base_url + RESULTS + "r-held", json=result_body(), headers=headers).status_code == 201
        with psycopg.connect(url) as holder:  # a transaction that keeps the row locked
            holder.execute("SELECT 1 FROM oneroster_results WHERE sourced_id = 'r-held'::bytea FOR UPDATE")
            started = time.monotonic()
            answer = httpx.put(srv.base_url + RESULTS + "r-held", json=result_body(score=1), headers=headers)
            assert answer.status_code == 503, answer.text
            assert answer.headers["retry-after"] == "1"
            assert "database is busy" in answer.json()["imsx_description"]
            assert time.monotonic() - started < 5
            other = httpx.put(srv.base_url + RESULTS + "r-free", json=result_body(), headers=headers)
            assert other.status_code == 201, "a write to another resource does not wait for the held row"
        retried = httpx.put(srv.base_url + RESULTS + "r-held", json=result_body(score=2), headers=headers)
        assert retried.status_code == 201 and retried.json()["result"]["score"] == 2
        assert json.loads(str(_stored(url, "r-held")))["score"] == 2


def _stored(url: str, sourced_id: str) -> str | None:
    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT document FROM oneroster_results WHERE sourced_id = %s", [sourced_id.encode()]
        ).fetchone()
    return None if row is None else str(row[0])
