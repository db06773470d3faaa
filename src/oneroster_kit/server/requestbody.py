"""Reading a request body with a size limit, and checking its declared media type."""

from __future__ import annotations

from starlette.requests import Request

__all__ = ["BodyTooLargeError", "media_type_problem", "read_limited"]


class BodyTooLargeError(Exception):
    """The body exceeds the limit; `size` is the declared or the counted size so far."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"Request body is {size} bytes; the limit is {limit} bytes.")
        self.size = size
        self.limit = limit


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, refusing (before reading, when Content-Length says so) anything above `limit`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(size, limit)
        chunks.append(chunk)
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
