"""Fixtures: a real reference server process on loopback with a fresh database file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from oneroster_kit.contract import operation
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
