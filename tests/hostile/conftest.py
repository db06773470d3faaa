"""The hostile-input suite: a real server process on loopback, attacked over raw sockets and HTTP.

Each test names the defect of issue 8 it holds (item 1..9). The server's limits are lowered
through the environment (`ONEROSTER_HEAD_TIMEOUT`, ...) rather than options, so that the same
test can run against a server that does not know them and fail for the defect itself:
`HOSTILE_SERVER_SRC=/path/to/other/checkout/src pytest tests/hostile` runs that checkout's server.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from oneroster_kit.contract import operation
from oneroster_kit.server.process import ReferenceServer

RESULTS = "/ims/oneroster/gradebook/v1p2/results/"
CLASSES = "/ims/oneroster/rostering/v1p2/classes/"

# Short limits, so that a test waits a second or two instead of the defaults' 10-30 s.
LIMITS = {
    "ONEROSTER_HEAD_TIMEOUT": "1",
    "ONEROSTER_BODY_TIMEOUT": "1",
    "ONEROSTER_KEEP_ALIVE_TIMEOUT": "1",
    "ONEROSTER_DB_BUSY_TIMEOUT": "0.5",
}


def start(**kwargs: object) -> ReferenceServer:
    env = {**LIMITS, **kwargs.pop("extra_env", {})}  # type: ignore[dict-item]
    if os.environ.get("HOSTILE_SERVER_SRC"):
        env["PYTHONPATH"] = os.environ["HOSTILE_SERVER_SRC"]
    return ReferenceServer(extra_env=env, **kwargs).start()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    srv = start()
    try:
        yield srv
    finally:
        srv.close()


def token_for(srv: ReferenceServer) -> str:
    response = httpx.post(
        srv.token_url,
        data={"grant_type": "client_credentials", "client_id": srv.client_id, "client_secret": srv.client_secret},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def result_body(**changes: object) -> dict[str, object]:
    result: dict[str, object] = {
        "status": "active",
        "lineItem": {"sourcedId": "lineitem-alg1-quiz3"},
        "student": {"sourcedId": "student-42"},
        "scoreStatus": "fully graded",
        "scoreDate": "2026-11-20T14:30:00Z",
        "score": 87.5,
    }
    result.update(changes)
    return {"result": result}


def connect(srv: ReferenceServer, source: str = "127.0.0.1", timeout: float = 5.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout, source_address=(source, 0))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_answer(sock: socket.socket, deadline: float = 5.0) -> bytes:
    """Everything the server sends until it closes the connection or `deadline` seconds pass."""
    data = b""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def read_response(sock: socket.socket, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response with a Content-Length (the server's answers all have one)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response head: {data[:200]!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed inside a response body")
        rest += chunk
    return status, headers, rest[:length]


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ", 2)[1])


def assert_imsx(operation_id: str, status: int, body: bytes) -> None:
    import json

    validator = operation(operation_id).response_validator(status)
    if validator is None:  # a status the operation does not document (408, 431, 501, 503): still imsx
        validator = operation(operation_id).response_validator(400)
    assert validator is not None
    assert validator.violations(json.loads(body)) == [], body[:500]
