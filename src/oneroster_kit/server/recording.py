"""`oneroster-reference-server --record FILE`: write every exchange to FILE in the NDJSON format.

An ASGI middleware outermost in the server (outside any `--fault`), so the recording holds what
clients saw. The format is the one `oneroster-conformance traffic` reads (README "The NDJSON
traffic format"): a `meta` line, then one line per exchange, flushed as it completes. Secrets are
never written: a bearer token, and the `access_token` a grant answers, become the same
`sha256-…` digest (so the traffic check can still follow a grant to its requests), and client
secrets, Basic credentials and cookies become `[REDACTED]`. Bodies are kept up to a bound; a
larger one is cut and marked `bodyTruncated`, so a huge upload never fills memory.
"""

from __future__ import annotations

import base64
import datetime
import json
import time
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oneroster_kit.exchange_log import BEARER, FORMAT, REDACTED, VERSION, token_id

__all__ = ["MAX_RECORDED_BODY", "Recorder"]

MAX_RECORDED_BODY = 1_048_576 + 1024  # above the server's 413 limit: every body it reads is kept whole
_SECRET_FORM_FIELDS = frozenset({"client_secret", "password", "refresh_token", "client_assertion"})


def _stamp(moment: float) -> str:
    return (
        datetime.datetime.fromtimestamp(moment, datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def _header_value(name: str, value: str) -> str:
    if name == "authorization":
        found = BEARER.fullmatch(value.strip())
        if found is not None:
            return found.group(1) + token_id(found.group(2))
        return value if not value.lower().startswith("basic ") else "Basic " + REDACTED
    if name in ("cookie", "set-cookie", "proxy-authorization"):
        return REDACTED
    return value


def _body_fields(body: bytes, content_type: str) -> dict[str, Any]:
    """The NDJSON body members: text when it is UTF-8, else base64."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            pairs = []
        if pairs:
            body = urlencode([(k, REDACTED if k in _SECRET_FORM_FIELDS else v) for k, v in pairs]).encode()
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body": base64.b64encode(body).decode("ascii"), "bodyEncoding": "base64"}


def _response_body(body: bytes) -> bytes:
    """A token grant's `access_token` as its digest (the requests that use it carry the same digest)."""
    if b"access_token" not in body:
        return body
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if isinstance(document, dict) and isinstance(document.get("access_token"), str):
        document["access_token"] = token_id(document["access_token"])
        return json.dumps(document).encode()
    return body


class Recorder:
    """ASGI middleware appending one NDJSON line per HTTP exchange to an open file."""

    def __init__(self, app: ASGIApp, path: Path, known_class_ids: list[str]) -> None:
        self.app = app
        self._file: IO[str] = path.open("a", encoding="utf-8")
        self._number = 0
        self._write(
            {
                "meta": {
                    "format": FORMAT,
                    "version": VERSION,
                    "recorder": "oneroster-reference-server",
                    "started": _stamp(time.time()),
                    "known_class_ids": known_class_ids,
                }
            }
        )

    def _write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.time()
        clock = time.perf_counter()
        request_body = bytearray()
        request_cut = False
        response_body = bytearray()
        response_cut = False
        status = 0
        response_headers: list[tuple[str, str]] = []

        # The body is read before the app runs (up to the bound), because the app may answer without
        # reading it (401, 403, 404) and the recording must still show what was sent.
        early: list[Message] = []
        while len(request_body) < MAX_RECORDED_BODY:
            message = await receive()
            early.append(message)
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            room = MAX_RECORDED_BODY - len(request_body)
            request_body.extend(chunk[:room])
            request_cut = len(chunk) > room
            if not message.get("more_body", False):
                break
        else:
            request_cut = True

        async def recording_receive() -> Message:
            if early:
                return early.pop(0)
            return await receive()

        async def recording_send(message: Message) -> None:
            nonlocal status, response_cut
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers.extend(
                    (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message.get("headers", [])
                )
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                room = MAX_RECORDED_BODY - len(response_body)
                response_body.extend(chunk[: max(room, 0)])
                response_cut = response_cut or len(chunk) > room
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            if status:  # no answer started: the client went away; nothing was exchanged
                self._number += 1
                self._write(
                    self._record(
                        scope,
                        started,
                        clock,
                        bytes(request_body),
                        request_cut,
                        status,
                        response_headers,
                        bytes(response_body),
                        response_cut,
                    )
                )

    def _record(
        self,
        scope: Scope,
        started: float,
        clock: float,
        request_body: bytes,
        request_cut: bool,
        status: int,
        response_headers: list[tuple[str, str]],
        response_body: bytes,
        response_cut: bool,
    ) -> dict[str, Any]:
        headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope.get("headers", [])]
        host = next((v for k, v in headers if k == "host"), None)
        if host is None:
            server = scope.get("server") or ("127.0.0.1", 80)
            host = f"{server[0]}:{server[1]}"
        raw_path = (scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")).decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        url = f"{scope.get('scheme', 'http')}://{host}{raw_path}" + (f"?{query}" if query else "")
        content_type = next((v for k, v in headers if k == "content-type"), "")
        request: dict[str, Any] = {
            "method": scope["method"],
            "url": url,
            "headers": [[k, _header_value(k, v)] for k, v in headers],
        }
        if request_body or scope["method"] in ("PUT", "POST", "PATCH"):
            request.update(_body_fields(request_body, content_type.lower()))
        if request_cut:
            request["bodyTruncated"] = True
        response: dict[str, Any] = {
            "status": status,
            "headers": [[k, _header_value(k, v)] for k, v in response_headers],
        }
        response.update(_body_fields(_response_body(response_body), ""))
        if response_cut:
            response["bodyTruncated"] = True
        return {
            "id": self._number,
            "started": _stamp(started),
            "durationMs": round((time.perf_counter() - clock) * 1000, 3),
            "request": request,
            "response": response,
        }
