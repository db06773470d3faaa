"""The HTTP/1.1 connection protocol: uvicorn's httptools protocol with the limits uvicorn leaves out.

httptools (llhttp) was chosen over h11 on evidence (README, "Reliability"): it refuses
Transfer-Encoding together with Content-Length, bare-LF line endings and obs-fold headers, which
h11 0.16 accepts, and it is faster. uvicorn sets no deadline for a request's head or body and no
limit on the head's size with httptools, and it answers its concurrency limit with a plain-text
503. This subclass adds, per connection:

- a head deadline (from the connection's first byte, or from its opening, until the end of the
  headers): 408 and close, so idle new connections and partial headers are not held forever;
- a body deadline (from the end of the headers to the end of the body, chunked included): 408;
- a head size limit (request line plus headers, `MAX_HEAD_BYTES`): 431;
- a cap on open connections: beyond it a new connection gets an immediate 503 with Retry-After
  and is closed, so the process never reaches its file-descriptor limit;
- a cap on requests in flight: beyond it a request gets a 503 with Retry-After;
- a Transfer-Encoding other than `chunked` (e.g. `gzip, chunked`): 501.

Every refusal is an imsx_StatusInfo JSON body that says what is wrong, with `Connection: close`.
uvicorn's own keep-alive timeout (`timeout_keep_alive`) closes idle connections between requests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from oneroster_kit.server.errors import imsx_body

__all__ = ["MAX_HEAD_BYTES", "ConnectionLimits", "GuardedHttpProtocol"]

MAX_HEAD_BYTES = 16 * 1024  # request line plus headers; the README documents this limit


@dataclass(frozen=True)
class ConnectionLimits:
    """The limits every connection of one server applies (set once at start-up)."""

    head_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 4096
    max_in_flight: int = 256
    retry_after: int = 1


def _refusal(status: int, description: str, extra: dict[str, str] | None = None) -> bytes:
    body = imsx_body(status, description)
    lines = [STATUS_LINE[status]]
    headers = {
        "content-type": "application/json",
        "content-length": str(len(body)),
        "connection": "close",
        **(extra or {}),
    }
    lines += [f"{name}: {value}\r\n".encode("ascii") for name, value in headers.items()]
    return b"".join([*lines, b"\r\n", body])


class _HeadTooLargeError(Exception):
    pass


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol plus deadlines, a head size limit and clear 503s."""

    limits = ConnectionLimits()  # replaced by `configured` for one server

    @classmethod
    def configured(cls, limits: ConnectionLimits) -> type[GuardedHttpProtocol]:
        return type("GuardedHttpProtocol", (cls,), {"limits": limits})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._in_head = True
        self._head_bytes = 0
        self._head_size = 0

    # -- connection ------------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refuse(
                503,
                f"Too many open connections (the limit is {self.limits.max_connections}); retry later.",
                {"retry-after": str(self.limits.retry_after)},
            )
            return
        self._arm(self.limits.head_timeout, "Request head (request line and headers) not received in time")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.parser is None or self.transport.is_closing():
            return
        self._unset_keepalive_if_required()
        if self._in_head:
            if self._deadline is None:  # the first byte of a request after a keep-alive pause
                self._arm(self.limits.head_timeout, "Request head (request line and headers) not received in time")
            self._head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            return  # as uvicorn without websockets: the request is served as HTTP/1.1, the upgrade ignored
        except httptools.HttpParserError as error:
            cause = error.__context__
            if isinstance(cause, _HeadTooLargeError):
                self._refuse_head()
            elif not isinstance(cause, _RefusedError):
                reason = str(cause if cause is not None else error)[:200]
                self._refuse(400, f"Invalid HTTP/1.1 request: {reason}.")
            return
        if not self.transport.is_closing() and self._in_head and self._head_bytes > MAX_HEAD_BYTES:
            self._refuse_head()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_size = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._count_head(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._count_head(len(name) + len(value) + 4)

    def _count_head(self, size: int) -> None:
        self._head_size += size
        if self._head_size > MAX_HEAD_BYTES:
            raise _HeadTooLargeError()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._disarm()
        encodings = [
            token.strip().lower()
            for name, value in self.headers
            if name == b"transfer-encoding"
            for token in value.split(b",")
        ]
        if encodings and encodings != [b"chunked"]:
            self._refuse(501, "Transfer-Encoding other than 'chunked' is not supported.")
            raise _RefusedError()
        over = len(self.tasks) >= self.limits.max_in_flight
        if over:
            self.app = _busy(self.limits)
        try:
            super().on_headers_complete()
        finally:
            if over:
                self.app = self.config.loaded_app
        self._arm(self.limits.body_timeout, "Request body not received in time")

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._in_head = True
        self._head_bytes = 0
        super().on_response_complete()

    # -- refusals --------------------------------------------------------------------------------
    def _refuse_head(self) -> None:
        self._refuse(431, f"Request line and headers exceed {MAX_HEAD_BYTES} bytes.")

    def _refuse(self, status: int, description: str, extra: dict[str, str] | None = None) -> None:
        """Answer on the raw transport (when no response has started) and close the connection."""
        self._disarm()
        if self.transport.is_closing():
            return
        cycle = self.cycle
        answering = cycle is not None and cycle.response_started and not cycle.response_complete
        if not answering:  # no response is half-written on this connection: the refusal can go out
            if cycle is not None and not cycle.response_started:
                cycle.response_started = True  # the app, if running, must not answer as well
                cycle.response_complete = True
            self.transport.write(_refusal(status, description, extra))
        self.transport.close()

    def _arm(self, seconds: float, reason: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expired, seconds, reason)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self, seconds: float, reason: str) -> None:
        self._deadline = None
        if not self._in_head and self.cycle is not None and not self.cycle.more_body:
            return  # the body is complete; the app is answering
        self._refuse(408, f"{reason} ({seconds:g} s).")
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()


class _RefusedError(Exception):
    """Raised from a parser callback after the connection was refused, to stop parsing."""


def _busy(limits: ConnectionLimits) -> Any:
    body = imsx_body(503, f"Too many requests in progress (the limit is {limits.max_in_flight}); retry later.")

    async def busy(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode("ascii")),
                    (b"retry-after", str(limits.retry_after).encode("ascii")),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return busy
