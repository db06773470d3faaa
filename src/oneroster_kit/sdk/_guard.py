"""The transport under the retry layer: each attempt held to the call's deadline and answer limit.

Every request of a call passes here once per attempt (API requests, token requests, replays):

- the attempt's httpx timeouts (connect, read, write, pool) are shortened to what is left of the
  call's `Deadline`, and the body is checked against it as it arrives;
- an answer may be at most `max_bytes` long, counted both as received and after decoding. httpx
  decodes gzip/deflate without an output bound (one 64 KiB chunk of a gzip bomb becomes about
  64 MB), so the SDK decodes here instead, with zlib's `max_length`, and hands httpx the decoded
  body (without its Content-Encoding header). Content-Encoding values other than gzip, deflate
  and identity are passed through undecoded, as httpx does;
- the last outcome of the attempt is kept on the request, where the retry layer reads it to
  decide whether a retry can still finish within the deadline.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx

from oneroster_kit.sdk.deadline import Deadline, DeadlinePassed, current_deadline

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "LAST_OUTCOME", "AnswerTooLarge", "GuardTransport"]

DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024
LAST_OUTCOME = "oneroster_sdk.last_outcome"  # request extension: the attempt's response or exception
_TIMEOUT_KEYS = ("connect", "read", "write", "pool")


class AnswerTooLarge(httpx.DecodingError):
    """An answer longer than the configured maximum (raised while it arrives; the client reports it)."""

    def __init__(self, message: str, *, limit: int, status_code: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.status_code = status_code


class _Inflate:
    """One gzip or deflate layer that never produces more than it is allowed to."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding == "gzip"
        self._first = True
        self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        """Up to `room + 1` bytes of output (more than `room` means: too large)."""
        first, self._first = self._first, False
        try:
            return self._decompressor.decompress(data, room + 1)
        except zlib.error as exc:
            if first and not self._gzip:  # "deflate" sent as a raw stream, as httpx also accepts
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data, room)
            raise httpx.DecodingError(f"the answer's Content-Encoding cannot be decoded: {exc}") from exc

    def flush(self) -> bytes:
        try:
            return self._decompressor.flush()
        except zlib.error as exc:  # pragma: no cover - zlib reports errors in decompress
            raise httpx.DecodingError(f"the answer's Content-Encoding cannot be decoded: {exc}") from exc


class _Limiter:
    """Decodes and counts one answer's body, raising AnswerTooLarge past `limit` bytes."""

    def __init__(self, layers: list[_Inflate], limit: int, status_code: int, deadline: Deadline | None) -> None:
        self._layers = layers
        self._limit = limit
        self._status = status_code
        self._deadline = deadline
        self._received = 0
        self._produced = [0] * len(layers)

    def _too_large(self, how: str) -> AnswerTooLarge:
        return AnswerTooLarge(
            f"the HTTP {self._status} answer is larger than max_response_bytes={self._limit} ({how}); "
            "it was not read further",
            limit=self._limit,
            status_code=self._status,
        )

    def feed(self, chunk: bytes) -> bytes:
        if self._deadline is not None and self._deadline.expired():
            raise DeadlinePassed(f"the call's deadline of {self._deadline.seconds:g}s passed while the answer arrived")
        self._received += len(chunk)
        if self._received > self._limit:
            raise self._too_large(f"more than {self._limit} bytes received")
        return self._through(chunk, flush=False)

    def finish(self) -> bytes:
        return self._through(b"", flush=True)

    def _through(self, data: bytes, *, flush: bool) -> bytes:
        for index, layer in enumerate(self._layers):
            room = self._limit - self._produced[index]
            data = layer.feed(data, room) if data else b""
            if flush:
                data += layer.flush()
            self._produced[index] += len(data)
            if self._produced[index] > self._limit:
                raise self._too_large(f"more than {self._limit} bytes after decoding")
        return data


class _GuardedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, raw: httpx.SyncByteStream | httpx.AsyncByteStream, limiter: _Limiter) -> None:
        self._raw = raw
        self._limiter = limiter

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._raw, httpx.SyncByteStream)
        for chunk in self._raw:
            out = self._limiter.feed(chunk)
            if out:
                yield out
        tail = self._limiter.finish()
        if tail:
            yield tail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._raw, httpx.AsyncByteStream)
        async for chunk in self._raw:
            out = self._limiter.feed(chunk)
            if out:
                yield out
        tail = self._limiter.finish()
        if tail:
            yield tail

    def close(self) -> None:
        assert isinstance(self._raw, httpx.SyncByteStream)
        self._raw.close()

    async def aclose(self) -> None:
        assert isinstance(self._raw, httpx.AsyncByteStream)
        await self._raw.aclose()


class GuardTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a sync or async transport; see the module docstring."""

    def __init__(
        self,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
        max_bytes: int,
        *,
        reads_end_at_deadline: bool = False,
    ) -> None:
        """`reads_end_at_deadline`: the transport's socket reads already end at the deadline (the
        SDK's own sync transport, or any async one under `asyncio.timeout`), so an answer whose
        Content-Length is within the limit and which is not encoded needs no wrapping: h11 never
        reads past its Content-Length. That keeps the common answer on httpx's own path."""
        self._transport = transport
        self.max_bytes = max_bytes
        self._reads_end_at_deadline = reads_end_at_deadline

    def _before(self, request: httpx.Request) -> Deadline | None:
        request.extensions.pop(LAST_OUTCOME, None)
        deadline = current_deadline()
        if deadline is not None:
            left = deadline.cap(None, "before sending")  # DeadlinePassed when nothing is left
            timeouts = request.extensions.get("timeout") or {}
            capped = {}
            for key in _TIMEOUT_KEYS:
                value = timeouts.get(key)
                capped[key] = left if value is None or value > left else value
            request.extensions["timeout"] = capped
        return deadline

    def _after(self, response: httpx.Response, deadline: Deadline | None) -> httpx.Response:
        length = response.headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > self.max_bytes:
            raise AnswerTooLarge(
                f"the HTTP {response.status_code} answer is larger than max_response_bytes={self.max_bytes} "
                f"(Content-Length: {length}); it was not read",
                limit=self.max_bytes,
                status_code=response.status_code,
            )
        if isinstance(response.stream, httpx.ByteStream):  # already in memory (a test double): nothing to stream
            if len(response.read()) > self.max_bytes:
                raise AnswerTooLarge(
                    f"the HTTP {response.status_code} answer is larger than max_response_bytes={self.max_bytes}",
                    limit=self.max_bytes,
                    status_code=response.status_code,
                )
            return response
        headers = response.headers
        if self._reads_end_at_deadline and length and "content-encoding" not in headers:
            return response  # at most `length` (<= max_bytes) bytes will be read, see __init__
        encodings = [value.strip().lower() for value in headers.get("content-encoding", "").split(",")]
        layers: list[_Inflate] = []
        if set(encodings) <= {"gzip", "deflate", "identity", ""}:  # else left to httpx, undecoded
            layers = [_Inflate(value) for value in reversed(encodings) if value in ("gzip", "deflate")]
        if layers:
            headers = headers.copy()
            del headers["content-encoding"]
            headers.pop("content-length", None)
        limiter = _Limiter(layers, self.max_bytes, response.status_code, deadline)
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=_GuardedStream(response.stream, limiter),
            extensions=response.extensions,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._transport, httpx.BaseTransport)
        try:
            deadline = self._before(request)
            response = self._transport.handle_request(request)
        except Exception as exc:
            request.extensions[LAST_OUTCOME] = exc
            raise
        request.extensions[LAST_OUTCOME] = response
        try:
            return self._after(response, deadline)
        except AnswerTooLarge:
            response.close()
            raise

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(self._transport, httpx.AsyncBaseTransport)
        try:
            deadline = self._before(request)
            response = await self._transport.handle_async_request(request)
        except Exception as exc:
            request.extensions[LAST_OUTCOME] = exc
            raise
        request.extensions[LAST_OUTCOME] = response
        try:
            return self._after(response, deadline)
        except AnswerTooLarge:
            await response.aclose()
            raise

    def close(self) -> None:
        if isinstance(self._transport, httpx.BaseTransport):
            self._transport.close()

    async def aclose(self) -> None:
        if isinstance(self._transport, httpx.AsyncBaseTransport):
            await self._transport.aclose()
