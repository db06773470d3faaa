"""Read HAR 1.2 files (browsers, mitmproxy, Charles, `redocly proxy`) one entry at a time.

ijson (the yajl2 C backend) streams `log.entries`, so memory stays bounded by one entry however
large the file; the standard `json` module would read the whole file first. A file cut off
mid-way yields every complete entry, then one `Skipped` saying where it broke.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson  # type: ignore[import-untyped]

from oneroster_kit.instants import parse_recorded_time
from oneroster_kit.traffic.exchange import (
    BodyError,
    Exchange,
    Message,
    Skipped,
    decode_body,
    first_header,
    headers_of,
    parse_duration,
    request_and_response,
)

__all__ = ["read_har"]


def read_har(path: Path) -> Iterator[Exchange | Skipped]:
    index = -1
    try:
        with path.open("rb") as handle:
            for index, entry in enumerate(ijson.items(handle, "log.entries.item", use_float=True)):
                yield entry_exchange(f"{path.name} entry {index}", entry)
    except ijson.IncompleteJSONError:
        yield Skipped(
            f"{path.name}",
            f"the HAR file is truncated after entry {index} (incomplete JSON); the entries before it were checked",
        )
    except ijson.JSONError as error:
        message = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        yield Skipped(
            f"{path.name}",
            f"the file is not valid JSON after entry {index} ({message}); the entries before it were checked",
        )
    else:
        if index < 0:
            yield Skipped(f"{path.name}", "no HAR entries found (expected a JSON object with log.entries)")


def entry_exchange(ref: str, entry: Any) -> Exchange | Skipped:
    """One HAR entry as an Exchange, or the reason it cannot be checked."""
    found = request_and_response(ref, entry, unit="entry", expected="an object", holder="entry")
    if isinstance(found, Skipped):
        return found
    request, response, method, url, status = found.request, found.response, found.method, found.url, found.status
    if isinstance(status, float) and status.is_integer():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        # HAR writes status 0 for a request that was aborted or never answered.
        return Skipped(ref, f"the response has no HTTP status (got {status!r}): no answer was recorded")
    try:
        request_headers = headers_of(request.get("headers"), "request")
        response_headers = headers_of(response.get("headers"), "response")
        post = request.get("postData")
        request_body = None
        if isinstance(post, dict):
            request_body = decode_body(
                post.get("text"), post.get("encoding"), first_header(request_headers, "content-encoding"), "request"
            )
        content = response.get("content")
        response_body = None
        if isinstance(content, dict):
            response_body = decode_body(
                content.get("text"),
                content.get("encoding"),
                first_header(response_headers, "content-encoding"),
                "response",
            )
    except BodyError as error:
        return Skipped(ref, str(error))
    return Exchange(
        ref=ref,
        method=method.upper(),
        url=url,
        started=parse_recorded_time(entry.get("startedDateTime")),
        request=Message(request_headers, request_body),
        status=status,
        response=Message(response_headers, response_body),
        duration=parse_duration(entry.get("time")),
    )
