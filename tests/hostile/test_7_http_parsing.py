"""Item 7: strict HTTP/1.1 parsing, over raw sockets.

Was (h11): Transfer-Encoding together with Content-Length was accepted (request smuggling behind
a proxy that frames by the other header), so were bare-LF line endings and obs-fold headers, and
headers of about 60 KB although the README says 16 KiB.
"""

from __future__ import annotations

import time

import pytest

from oneroster_kit.server.process import ReferenceServer

from .conftest import RESULTS, connect, read_answer, status_of

_PATH = (RESULTS + "r-parse").encode()
_REFUSED = {
    "te-and-cl": b"PUT " + _PATH + b" HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "bare-lf": b"PUT " + _PATH + b" HTTP/1.1\nHost: a\nContent-Length: 2\n\n{}",
    "bare-lf-one-header": b"PUT " + _PATH + b" HTTP/1.1\r\nHost: a\nX-A: 1\r\nContent-Length: 2\r\n\r\n{}",
    "obs-fold": b"PUT " + _PATH + b" HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\nContent-Length: 2\r\n\r\n{}",
    "two-content-lengths": b"PUT " + _PATH + b" HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
    b"Content-Length: 3\r\n\r\n{}x",
}


@pytest.mark.parametrize("request_bytes", list(_REFUSED.values()), ids=list(_REFUSED))
def test_ambiguous_framing_and_lenient_syntax_are_refused(server: ReferenceServer, request_bytes: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes)
        answer = read_answer(sock, deadline=3)
    assert status_of(answer) == 400, answer[:300]
    assert b"connection: close" in answer.lower()


def test_a_transfer_coding_other_than_chunked_is_refused(server: ReferenceServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"PUT " + _PATH + b" HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
        answer = read_answer(sock, deadline=3)
    assert status_of(answer) == 501, answer[:300]


def _with_header(size: int) -> bytes:
    return b"GET /nothing HTTP/1.1\r\nHost: a\r\nX-Padding: " + b"p" * size + b"\r\n\r\n"


@pytest.mark.parametrize("size", [17 * 1024, 60 * 1024])
def test_a_head_over_16_kib_gets_431(server: ReferenceServer, size: int) -> None:
    with connect(server) as sock:
        sock.sendall(_with_header(size))
        answer = read_answer(sock, deadline=3)
    assert status_of(answer) == 431, answer[:300]
    assert b"exceed 16384 bytes" in answer


def test_a_head_over_16_kib_sent_slowly_gets_431(server: ReferenceServer) -> None:
    """The limit counts bytes as they arrive, not only complete headers."""
    with connect(server) as sock:
        sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: a\r\nX-Padding: ")
        for _ in range(20):
            try:
                sock.sendall(b"p" * 1024)
            except (BrokenPipeError, ConnectionResetError):
                break  # refused and closed before the whole header was sent
            time.sleep(0.01)
        answer = read_answer(sock, deadline=3)
    assert status_of(answer) == 431, answer[:300]


def test_a_head_under_16_kib_is_served(server: ReferenceServer) -> None:
    with connect(server) as sock:
        sock.sendall(_with_header(15 * 1024))
        answer = read_answer(sock, deadline=3)
    assert status_of(answer) == 404, answer[:300]


def test_the_limits_apply_to_a_second_request_on_a_kept_alive_connection(server: ReferenceServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n")
        first = b""
        while b"\r\n\r\n" not in first:
            first += sock.recv(65536)
        assert status_of(first) == 404
        time.sleep(0.1)
        sock.sendall(_with_header(17 * 1024))
        answer = read_answer(sock, deadline=3)
    assert b"HTTP/1.1 431 " in answer, answer[:300]
