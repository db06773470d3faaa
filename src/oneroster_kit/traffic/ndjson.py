"""Read the kit's NDJSON exchange logs (README "The NDJSON traffic format") one line at a time.

Each line is read with a length limit, so one enormous line cannot exhaust memory; a line that
is not JSON, or not an exchange, is skipped with its line number and the reason. A first line
`{"meta": {...}}` describes the recording (e.g. the class ids that existed when it started).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from oneroster_kit.exchange_log import FORMAT, VERSION
from oneroster_kit.instants import parse_recorded_time
from oneroster_kit.traffic.exchange import (
    MAX_BODY_BYTES,
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

__all__ = ["FORMAT", "VERSION", "Meta", "read_ndjson"]  # FORMAT and VERSION: oneroster_kit.exchange_log's

_MAX_LINE = 4 * MAX_BODY_BYTES  # base64 and JSON escapes make a line longer than its bodies


@dataclass
class Meta:
    """What a recording says about itself (the `meta` line)."""

    recorder: str | None = None
    known_class_ids: set[str] = field(default_factory=set)


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)  # integers beyond 64 bits, NaN: what orjson refuses, json may read


def read_ndjson(path: Path, meta: Meta) -> Iterator[Exchange | Skipped]:
    with path.open("rb") as handle:
        number = 0
        while True:
            line = handle.readline(_MAX_LINE)
            if not line:
                return
            number += 1
            ref = f"{path.name} line {number}"
            if len(line) >= _MAX_LINE and not line.endswith(b"\n"):
                while (rest := handle.readline(_MAX_LINE)) and not rest.endswith(b"\n"):
                    pass
                yield Skipped(ref, f"the line is longer than {_MAX_LINE} bytes; not checked")
                continue
            if not line.strip():
                continue
            try:
                record = _loads(line)
            except (ValueError, UnicodeDecodeError) as error:
                reason = "truncated (no end of line)" if not line.endswith(b"\n") else "not valid JSON"
                yield Skipped(ref, f"the line is {reason}: {str(error).splitlines()[0][:120]}")
                continue
            if isinstance(record, dict) and "meta" in record and "request" not in record:
                _read_meta(record["meta"], meta)
                continue
            yield line_exchange(ref, record)


def _read_meta(value: Any, meta: Meta) -> None:
    if not isinstance(value, dict):
        return
    if isinstance(value.get("recorder"), str):
        meta.recorder = value["recorder"]
    ids = value.get("known_class_ids")
    if isinstance(ids, list):
        meta.known_class_ids.update(i for i in ids if isinstance(i, str))


def line_exchange(ref: str, record: Any) -> Exchange | Skipped:
    found = request_and_response(ref, record, unit="line", expected="an exchange object", holder="exchange")
    if isinstance(found, Skipped):
        return found
    request, response, method, url, status = found.request, found.response, found.method, found.url, found.status
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return Skipped(ref, f"the response has no HTTP status (got {str(status)[:20]!r})")
    try:
        request_headers = headers_of(request.get("headers"), "request")
        response_headers = headers_of(response.get("headers"), "response")
        request_body = decode_body(
            request.get("body"),
            request.get("bodyEncoding"),
            first_header(request_headers, "content-encoding"),
            "request",
        )
        response_body = decode_body(
            response.get("body"),
            response.get("bodyEncoding"),
            first_header(response_headers, "content-encoding"),
            "response",
        )
    except BodyError as error:
        return Skipped(ref, str(error))
    if request.get("bodyTruncated") or response.get("bodyTruncated"):
        return Skipped(ref, "the recorder truncated a body (larger than it keeps); not checked")
    return Exchange(
        ref=ref,
        method=method.upper(),
        url=url,
        started=parse_recorded_time(record.get("started")),
        request=Message(request_headers, request_body),
        status=status,
        response=Message(response_headers, response_body),
        duration=parse_duration(record.get("durationMs")),
    )
