"""Item 2: idle and half-sent requests are not held forever; a connection cap answers a clear 503.

The server runs with 1 s head, body and keep-alive deadlines (conftest.LIMITS). Was: every one of
these connections stayed open indefinitely, and at the fd limit new clients timed out while
asyncio logged accept-failure tracebacks in a loop.
"""

from __future__ import annotations

import json
import resource
import socket
import time

import httpx
import pytest

from oneroster_kit.server.process import ReferenceServer

from .conftest import CLASSES, RESULTS, assert_imsx, connect, read_answer, start, status_of, token_for

_HALF_SENT = {
    "idle-new-connection": b"",
    "partial-request-line": b"PUT /ims/oneroster/gradebook/v1p2/res",
    "partial-headers": b"PUT " + RESULTS.encode() + b"r-1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: app",
}


@pytest.mark.parametrize("sent", list(_HALF_SENT.values()), ids=list(_HALF_SENT))
def test_a_request_head_not_sent_in_time_gets_408_and_close(server: ReferenceServer, sent: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(sent)
        answer = read_answer(sock, deadline=6)
    assert answer, "the connection was still open after 6 s (head deadline 1 s)"
    assert status_of(answer) == 408
    assert b"connection: close" in answer.lower()
    assert b"not received in time" in answer


def _head(server: ReferenceServer, extra: str) -> bytes:
    token = token_for(server)
    return (
        f"PUT {CLASSES}{server.class_ids[0]} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\n{extra}\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("extra", "partial"),
    [("Content-Length: 100\r\n", b'{"class": '), ("Transfer-Encoding: chunked\r\n", b'5\r\n{"cla\r\n')],
    ids=["partial-body", "unterminated-chunked"],
)
def test_a_body_not_sent_in_time_gets_408_and_close(server: ReferenceServer, extra: str, partial: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(_head(server, extra) + partial)
        answer = read_answer(sock, deadline=6)
    assert answer, "the connection was still open after 6 s (body deadline 1 s)"
    assert status_of(answer) == 408
    assert b"Request body not received in time" in answer


def test_an_idle_keep_alive_connection_is_closed(server: ReferenceServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        started = time.monotonic()
        answer = read_answer(sock, deadline=3.5)
        closed_after = time.monotonic() - started
    assert status_of(answer) == 404
    assert closed_after < 3.5, "still open 3.5 s after the answer (keep-alive timeout 1 s)"


def test_beyond_the_connection_cap_a_new_client_gets_503_with_retry_after() -> None:
    srv = start(extra_env={"ONEROSTER_MAX_CONNECTIONS": "20", "ONEROSTER_HEAD_TIMEOUT": "30"})
    held = []
    try:
        held = [connect(srv) for _ in range(20)]
        time.sleep(0.2)
        response = httpx.post(srv.token_url, data={"grant_type": "client_credentials"}, timeout=5)
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "1"
        assert "Too many open connections" in response.json()["imsx_description"]
        assert_imsx("putResult", 500, response.content)
        for sock in held:
            sock.close()
        held = []
        time.sleep(0.2)
        assert token_for(srv)  # served again once connections are released
    finally:
        for sock in held:
            sock.close()
        srv.close()


def _low_fd_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def test_at_the_fd_limit_new_clients_get_an_answer_and_the_log_stays_small() -> None:
    """1,000 connections against a process allowed 256 descriptors: answered 503, not timed out."""
    srv = start(preexec_fn=_low_fd_limit, extra_env={"ONEROSTER_HEAD_TIMEOUT": "30"})
    held: list[socket.socket] = []
    try:
        offset = srv.log_path.stat().st_size
        for _ in range(1000):
            try:
                held.append(connect(srv, timeout=2))
            except OSError:
                break
        time.sleep(1.0)
        response = httpx.get(srv.base_url + "/nothing", timeout=5)
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "1"
        log = srv.log_text(offset)
        assert len(log) < 20_000, log[:2000]
        assert "Traceback" not in log, log[:2000]
    finally:
        for sock in held:
            sock.close()
        srv.close()


def test_beyond_the_in_flight_cap_a_request_gets_503() -> None:
    """Requests waiting for their bodies count as in progress; the next one gets a clear 503."""
    srv = start(extra_env={"ONEROSTER_MAX_IN_FLIGHT": "3", "ONEROSTER_BODY_TIMEOUT": "30"})
    held = []
    try:
        for _ in range(3):
            sock = connect(srv)
            sock.sendall(_head(srv, "Content-Length: 100\r\n"))
            held.append(sock)
        time.sleep(0.3)
        response = httpx.put(srv.base_url + CLASSES + srv.class_ids[0], json={"class": {}}, timeout=5)
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "1"
        assert "Too many requests in progress" in json.loads(response.content)["imsx_description"]
    finally:
        for sock in held:
            sock.close()
        srv.close()
