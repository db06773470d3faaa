"""Reading a request body with a size limit, and checking its declared media type."""

from __future__ import annotations

from starlette.requests import ClientDisconnect, Request

__all__ = ["BodyTooLargeError", "media_type_problem", "read_limited"]

_DRAIN_LIMIT = 16 * 1024 * 1024


class BodyTooLargeError(Exception):
    """The body exceeds the limit; `size` is the declared or the counted size so far."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"Request body is {size} bytes; the limit is {limit} bytes.")
        self.size = size
        self.limit = limit


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, or BodyTooLargeError for anything above `limit`.

    An oversized body of up to 16 MiB is read and discarded before the refusal, so that a client
    still sending it receives the 413 instead of a connection reset; beyond that the refusal is
    immediate (the server then closes the connection). ClientDisconnect when the client leaves.
    """
    declared_text = request.headers.get("content-length")
    declared = int(declared_text) if declared_text is not None and declared_text.isdigit() else None
    if declared is not None and declared > _DRAIN_LIMIT:
        raise BodyTooLargeError(declared, limit)
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        more = bool(message.get("more_body", False))
        size += len(chunk)
        if size > _DRAIN_LIMIT:
            break
        if size <= limit:
            chunks.append(chunk)
    if size > limit:
        raise BodyTooLargeError(max(size, declared or 0), limit)
    return b"".join(chunks)


def media_type_problem(content_type: str | None, expected: str, *, utf8_only: bool) -> str | None:
    """None when `content_type` is `expected` (parameters allowed); otherwise what is wrong."""
    if content_type is None or not content_type.strip():
        return f"Missing Content-Type header; send the body as {expected}."
    media_type, *parameters = (part.strip() for part in content_type.split(";"))
    if media_type.lower() != expected:
        return f"Content-Type {media_type[:100]!r} is not supported; send the body as {expected}."
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if (
            utf8_only
            and name.strip().lower() == "charset"
            and value.strip().strip('"').lower() not in ("utf-8", "utf8")
        ):
            return f"Charset {value.strip()[:40]!r} is not supported; send {expected} in UTF-8."
    return None
