"""A real HTTP server on loopback that misbehaves on purpose: drips, bombs, echoes, lies.

Raw sockets, one thread per connection, one request per connection (`Connection: close`), so
each test scripts exactly the bytes that reach the SDK. By default the token endpoint issues a
valid token and the API answers the spec's success example; a test replaces either handler.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from .conftest import response_example

TOKEN_PATH = "/oauth2/token"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode("utf-8", "replace")).items()}


Handler = Callable[[Received, socket.socket], None]


def head(status: int, headers: dict[str, str] | None = None, *, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X", "Connection: close", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(conn: socket.socket, status: int, body: bytes | Any, headers: dict[str, str] | None = None) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.sendall(head(status, headers, length=len(data)) + data)


def drip(conn: socket.socket, data: bytes, interval: float, stop: threading.Event) -> None:
    """Send `data` one byte per `interval` seconds (until the peer goes away or the server stops)."""
    for index in range(len(data)):
        if stop.wait(interval):
            return
        try:
            conn.sendall(data[index : index + 1])
        except OSError:
            return


def token_answer(access_token: Any = "hostile-token-1", **extra: Any) -> dict[str, Any]:
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600, **extra}


def result_answer(sourced_id: str) -> dict[str, Any]:
    body: dict[str, Any] = response_example("putResult", 201)
    body["result"]["sourcedId"] = sourced_id
    return body


@dataclass
class HostileServer:
    token: Handler = field(default=lambda request, conn: answer(conn, 200, token_answer()))
    api: Handler = field(default=lambda request, conn: answer(conn, 201, result_answer(request.path.rsplit("/", 1)[1])))
    received: list[Received] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def requests_to(self, path_start: str) -> list[Received]:
        return [request for request in self.received if request.path.startswith(path_start)]

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                request = self._read(conn)
            except OSError:
                return
            if request is None:
                return
            self.received.append(request)
            with contextlib.suppress(OSError):  # the client went away mid-answer
                (self.token if request.path == TOKEN_PATH else self.api)(request, conn)

    @staticmethod
    def _read(conn: socket.socket) -> Received | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        raw_head, body = data.split(b"\r\n\r\n", 1)
        lines = raw_head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            body += chunk
        return Received(method, path, headers, body)

    def close(self) -> None:
        self.stop.set()
        self._listener.close()
        self._acceptor.join(timeout=2)
        for thread in self._threads:
            thread.join(timeout=2)


def serve() -> Iterator[HostileServer]:
    server = HostileServer()
    try:
        yield server
    finally:
        server.close()


def elapsed(since: float) -> float:
    return time.monotonic() - since
