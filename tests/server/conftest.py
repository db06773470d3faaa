"""Fixtures: a real reference server process on loopback with a fresh database (SQLite file or
PostgreSQL database of a throwaway cluster)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from oneroster_kit.contract import operation
from oneroster_kit.server.pgcluster import PostgresCluster, PostgresUnavailable
from oneroster_kit.server.process import ReferenceServer

RESULTS = "/ims/oneroster/gradebook/v1p2/results/"
CLASSES = "/ims/oneroster/rostering/v1p2/classes/"


def fetch_token(srv: ReferenceServer, **extra: str) -> str:
    response = httpx.post(
        srv.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": srv.client_id,
            "client_secret": srv.client_secret,
            **extra,
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def result_body(sourced_id: str | None = None, **changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "status": "active",
        "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
        "student": {"sourcedId": "student-42"},
        "scoreStatus": "fully graded",
        "scoreDate": "2026-11-20T14:30:00Z",
        "score": 87.5,
    }
    if sourced_id is not None:
        result["sourcedId"] = sourced_id
    result.update(changes)
    return {"result": result}


def assert_documented(operation_id: str, response: httpx.Response) -> Any:
    """The response has a status the spec documents for the operation and a body its schema accepts."""
    op = operation(operation_id)
    assert response.status_code in op.documented_statuses, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    validator = op.response_validator(response.status_code)
    assert validator is not None
    body = response.json()
    assert validator.violations(body) == [], body
    return body


@pytest.fixture(scope="session")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as srv:
        yield srv
        assert "UNHANDLED" not in srv.log_text(), "the catch-all 500 handler fired:\n" + srv.log_text()


@pytest.fixture(scope="session")
def token(server: ReferenceServer) -> str:
    return fetch_token(server)


@pytest.fixture
def client(server: ReferenceServer, token: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        yield http


# -- both database backends ------------------------------------------------------------------------
# The guarantee tests take `backend` and run on SQLite (one process) and on PostgreSQL (a throwaway
# cluster, two worker processes). Without PostgreSQL they skip with one line; with CI=true they fail.


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    try:
        cluster = PostgresCluster(install=True).start()
    except PostgresUnavailable as error:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must run the PostgreSQL tests, but no cluster could be started: {error}")
        pytest.skip(f"no PostgreSQL here: {error}")
    yield cluster
    cluster.close()


class Backend:
    """One database backend: servers on fresh databases, and what a database holds."""

    def __init__(self, name: str, tmp: Path, cluster: PostgresCluster | None) -> None:
        self.name = name
        self.cluster = cluster
        self._tmp = tmp
        self._count = 0
        self.workers = 2 if cluster is not None else 1

    def server(self, **kwargs: Any) -> ReferenceServer:
        """A server (not started) on a fresh database; PostgreSQL servers have two workers."""
        return ReferenceServer(**{**self.database(), "workers": self.workers, **kwargs})

    def database(self) -> dict[str, Any]:
        """ReferenceServer arguments naming a fresh database."""
        self._count += 1
        if self.cluster is not None:
            return {"db_url": self.cluster.create_database()}
        return {"db_path": self._tmp / f"backend-{self._count}.db"}

    def rows(self, srv: ReferenceServer, table: str) -> dict[str, str]:
        """sourcedId -> stored document of `table` ("results" or "classes") of the server's database."""
        if srv.db_url is not None:
            import psycopg

            with psycopg.connect(srv.db_url) as db:
                fetched = db.execute(f"SELECT sourced_id, document FROM oneroster_{table}").fetchall()
            return {bytes(key).decode("utf-8", "surrogatepass"): document for key, document in fetched}
        with sqlite3.connect(srv.db_path) as db:
            return dict(db.execute(f"SELECT sourced_id, document FROM {table}").fetchall())

    def stored(self, srv: ReferenceServer, table: str, sourced_id: str) -> str | None:
        return self.rows(srv, table).get(sourced_id)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    cluster = request.getfixturevalue("postgres_cluster") if request.param == "postgresql" else None
    return Backend(request.param, tmp_path_factory.mktemp(request.param), cluster)


@pytest.fixture(scope="session")
def backend_server(backend: Backend) -> Iterator[ReferenceServer]:
    """One server per backend for the tests that share it (PostgreSQL: two workers)."""
    with backend.server() as srv:
        yield srv
        assert "UNHANDLED" not in srv.log_text(), "the catch-all 500 handler fired:\n" + srv.log_text()


def worker_of(response: httpx.Response) -> str:
    """Which server process answered: a new request id starts with that process's random prefix."""
    return response.headers["x-request-id"][:16]
