"""The SDK's own transports: httpx's, with every socket operation held to the call's deadline.

httpcore passes each read, write and connect the fixed timeout of the request, so a peer that
sends one byte just before each read timeout (headers or body) keeps a sync call alive forever.
This network backend shortens each operation's timeout to what is left of the current call's
`Deadline` (see `deadline.py`), so a dripped answer ends at the deadline. httpx does not expose
the backend, so it is set on the pool httpx builds (`HTTPTransport._pool._network_backend`,
private in httpx 0.28.1 / httpcore 1.0.9, both pinned; tests/sdk/test_hostile.py fails if
that stops working). The async transport gets the same backend: cheaper per call than an
`asyncio.timeout` around each call (which the SDK uses only for a caller's own async transport).
"""

from __future__ import annotations

import ssl
import typing

import httpcore
import httpx

from oneroster_kit.sdk.deadline import current_deadline

__all__ = ["deadline_async_http_transport", "deadline_http_transport"]


def _cap(timeout: float | None, error: type[Exception], what: str) -> float | None:
    deadline = current_deadline()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        raise error(f"the call's deadline of {deadline.seconds:g}s passed ({what})")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _cap(timeout, httpcore.ReadTimeout, "reading the answer"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _cap(timeout, httpcore.WriteTimeout, "sending the request"))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        capped = _cap(timeout, httpcore.ConnectTimeout, "TLS handshake")
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        capped = _cap(timeout, httpcore.ConnectTimeout, "connecting")
        return _DeadlineStream(self._backend.connect_tcp(host, port, capped, local_address, socket_options))

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        capped = _cap(timeout, httpcore.ConnectTimeout, "connecting")
        return _DeadlineStream(self._backend.connect_unix_socket(path, capped, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncDeadlineStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _cap(timeout, httpcore.ReadTimeout, "reading the answer"))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _cap(timeout, httpcore.WriteTimeout, "sending the request"))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        capped = _cap(timeout, httpcore.ConnectTimeout, "TLS handshake")
        return _AsyncDeadlineStream(await self._stream.start_tls(ssl_context, server_hostname, capped))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class _AsyncDeadlineBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        capped = _cap(timeout, httpcore.ConnectTimeout, "connecting")
        return _AsyncDeadlineStream(await self._backend.connect_tcp(host, port, capped, local_address, socket_options))

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        capped = _cap(timeout, httpcore.ConnectTimeout, "connecting")
        return _AsyncDeadlineStream(await self._backend.connect_unix_socket(path, capped, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def deadline_async_http_transport() -> httpx.AsyncHTTPTransport:
    """`httpx.AsyncHTTPTransport()` whose socket operations end at the current call's deadline."""
    transport = httpx.AsyncHTTPTransport()
    pool = transport._pool
    if not isinstance(pool, httpcore.AsyncConnectionPool):  # pragma: no cover - guarded by the pins
        raise RuntimeError(f"httpx.AsyncHTTPTransport no longer holds an httpcore pool ({type(pool)!r})")
    pool._network_backend = _AsyncDeadlineBackend(pool._network_backend)
    return transport


def deadline_http_transport() -> httpx.HTTPTransport:
    """`httpx.HTTPTransport()` whose socket operations end at the current call's deadline."""
    transport = httpx.HTTPTransport()
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool):  # pragma: no cover - guarded by the pins
        raise RuntimeError(f"httpx.HTTPTransport no longer holds an httpcore.ConnectionPool ({type(pool)!r})")
    pool._network_backend = _DeadlineBackend(pool._network_backend)
    return transport
