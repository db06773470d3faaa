"""One recorded request/response pair, as every reader hands it to the checks.

Bodies are bytes, already decoded from the recording's transport encodings (HAR `encoding:
base64`, a `Content-Encoding: gzip` body stored as recorded); a body that cannot be decoded makes
the reader skip the entry with a `Skipped` that says why.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import zlib
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_BODY_BYTES",
    "BodyError",
    "Exchange",
    "Message",
    "Skipped",
    "Unchecked",
    "decode_body",
    "first_header",
    "headers_of",
    "parse_duration",
    "request_and_response",
]

MAX_BODY_BYTES = 8 * 1024 * 1024  # a body larger than this once decoded is not checked (memory bound)


class BodyError(ValueError):
    """A recorded body that cannot be turned into bytes; the message says why."""


@dataclass(frozen=True)
class Message:
    """Headers (names lower-cased, in order) and the body (None when the recording has none)."""

    headers: tuple[tuple[str, str], ...]
    body: bytes | None

    def header(self, name: str) -> str | None:
        return first_header(self.headers, name)


@dataclass(frozen=True)
class Exchange:
    """A recorded request and its response; `ref` names where it was read, e.g. `a.har entry 3` (the
    live suite's own exchanges are `oneroster_kit.conformance.target.LiveExchange`)."""

    ref: str
    method: str
    url: str
    started: datetime.datetime | None
    request: Message
    status: int
    response: Message
    duration: datetime.timedelta | None = None  # request start to answer end, when the recording says


@dataclass(frozen=True)
class Skipped:
    """An entry that could not be checked, and why."""

    ref: str
    reason: str


@dataclass(frozen=True)
class Unchecked:
    """The request and response objects of one recorded exchange, before its status is read."""

    request: dict[str, Any]
    response: dict[str, Any]
    method: str
    url: str
    status: object


def request_and_response(ref: str, record: object, *, unit: str, expected: str, holder: str) -> Unchecked | Skipped:
    """What HAR entries and NDJSON lines share: an object holding a request (with method and url)
    and a response. The words name the format's parts in messages: the `unit` read ("line"), what
    it should be (`expected`, "an exchange object") and what holds request and response."""
    if not isinstance(record, dict):
        return Skipped(ref, f"the {unit} is a JSON {type(record).__name__}, not {expected}")
    request, response = record.get("request"), record.get("response")
    if not isinstance(request, dict):
        return Skipped(ref, f"the {holder} has no request object")
    if not isinstance(response, dict):
        return Skipped(ref, f"the {holder} has no response (the request got no answer)")
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str) or not url:
        return Skipped(ref, "the request has no method or url")
    return Unchecked(request, response, method, url, response.get("status"))


def parse_duration(milliseconds: object) -> datetime.timedelta | None:
    """A recorded duration in milliseconds (NDJSON `durationMs`, HAR `time`); None when absent or unusable."""
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float) or not 0 <= milliseconds < 1e12:
        return None
    return datetime.timedelta(milliseconds=milliseconds)


def decode_body(text: object, encoding: object, content_encoding: str | None, what: str) -> bytes | None:
    """The body bytes of a recorded `text` (`encoding` "base64" or none), gunzipped when labelled gzip."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise BodyError(f"{what} body is a JSON {type(text).__name__}, not a string")
    if encoding in (None, ""):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            raise BodyError(f"{what} body holds unpaired surrogates (binary data stored as text)") from None
    elif isinstance(encoding, str) and encoding.lower() == "base64":
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise BodyError(f"{what} body is marked base64 but is not valid base64") from None
    else:
        raise BodyError(f"{what} body has an unknown encoding {str(encoding)[:40]!r} (expected base64 or none)")
    coding = (content_encoding or "").strip().lower()
    if (coding in ("gzip", "x-gzip") and data[:2] == b"\x1f\x8b") or coding == "deflate":
        data = _inflate(data, coding, what)
    elif coding not in ("", "identity", "gzip", "x-gzip"):
        raise BodyError(f"{what} body has Content-Encoding {coding[:40]!r}, which this check cannot decode")
    if len(data) > MAX_BODY_BYTES:
        raise BodyError(f"{what} body is {len(data)} bytes, above the {MAX_BODY_BYTES}-byte limit of this check")
    return data


def _inflate(data: bytes, coding: str, what: str) -> bytes:
    decompressor = zlib.decompressobj(wbits=47 if coding != "deflate" else 15)
    try:
        out = decompressor.decompress(data, MAX_BODY_BYTES + 1)
    except zlib.error as error:
        raise BodyError(f"{what} body is labelled {coding} but does not decompress ({error})") from None
    if len(out) > MAX_BODY_BYTES:
        raise BodyError(f"{what} body decompresses to more than {MAX_BODY_BYTES} bytes")
    if not decompressor.eof:
        raise BodyError(f"{what} body is labelled {coding} but its compressed data is cut off or corrupt")
    return out


def headers_of(value: object, what: str) -> tuple[tuple[str, str], ...]:
    """Headers from `[{"name", "value"}]` (HAR), `[[name, value]]` or `{name: value}` (NDJSON)."""
    if value is None:
        return ()
    pairs: list[tuple[str, str]] = []
    if isinstance(value, dict):
        items: list[object] = [[k, v] for k, v in value.items()]
    elif isinstance(value, list):
        items = value
    else:
        raise BodyError(f"{what} headers are a JSON {type(value).__name__}, not a list or an object")
    for item in items:
        if isinstance(item, dict):
            name, text = item.get("name"), item.get("value")
        elif isinstance(item, list) and len(item) == 2:
            name, text = item
        else:
            raise BodyError(f"{what} header {str(item)[:60]!r} is not a name/value pair")
        if not isinstance(name, str) or not isinstance(text, str | int | float):
            raise BodyError(f"{what} header {str(item)[:60]!r} is not a name/value pair of strings")
        pairs.append((name.lower(), str(text)))
    return tuple(pairs)


def first_header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The first value of header `name` (lower case), or None."""
    return next((value for key, value in headers if key == name), None)
