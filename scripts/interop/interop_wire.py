"""What a client driver records and prints: every HTTP exchange of one call, and how the call ended.

Shared by the drivers in this folder, each run inside its client's own venv (stdlib and httpx only:
the kit is not installed there). The drivers patch `httpx.Client.send` and `httpx.AsyncClient.send`
so that whatever a client library does on the wire (token request, extra GETs, the PUT) is seen
exactly, without changing what the library sends. One JSON line per call goes to the real stdout;
the libraries' own logging is sent to stderr so that stdout stays JSON lines only.
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

import httpx

__all__ = ["CallRecord", "Recorder"]


def _json_or_text(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", "backslashreplace")[:2000]


@dataclass
class CallRecord:
    """One call of a client library: the exchanges it made and whether it accepted the answer."""

    client: str
    call: str
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    accepted: bool = False
    outcome: str = ""

    def line(self) -> str:
        return json.dumps({"interop": 1, **asdict(self)}, ensure_ascii=False)


class Recorder:
    """Patches httpx's send methods once; `call(name)` starts a record that collects the exchanges."""

    def __init__(self, client: str) -> None:
        self.client = client
        self.out: TextIO = sys.stdout
        sys.stdout = sys.stderr  # libraries that log to stdout no longer mix with the JSON lines
        self._current: CallRecord | None = None
        self._patch()

    def _note(self, response: httpx.Response) -> None:
        if self._current is None:
            return
        request = response.request
        token = request.url.path.endswith("/oauth2/token")
        answer = _json_or_text(response.content)
        if token and isinstance(answer, dict) and "access_token" in answer:
            answer["access_token"] = "[redacted]"
        self._current.exchanges.append(
            {
                "method": request.method,
                "path": request.url.raw_path.decode("ascii", "backslashreplace"),
                "status": response.status_code,
                "request": None if token else _json_or_text(request.content),  # credentials stay out
                "response": answer,
            }
        )

    def _patch(self) -> None:
        recorder = self
        sync_send = httpx.Client.send
        async_send = httpx.AsyncClient.send

        def send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            response = sync_send(self, request, **kwargs)
            response.read()
            recorder._note(response)
            return response

        async def asend(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            response = await async_send(self, request, **kwargs)
            await response.aread()
            recorder._note(response)
            return response

        httpx.Client.send = send  # type: ignore[method-assign]
        httpx.AsyncClient.send = asend  # type: ignore[method-assign]

    def start(self, call: str) -> CallRecord:
        self._current = CallRecord(self.client, call)
        return self._current

    def accepted(self, record: CallRecord, value: object) -> None:
        record.accepted = True
        record.outcome = f"returned {type(value).__name__}" + (f": {value!r}"[:300] if value is None else "")
        self._finish(record)

    def refused(self, record: CallRecord, error: BaseException) -> None:
        record.accepted = False
        first = (str(error).strip().splitlines() or [""])[0]
        detail = " ".join(str(error).split())[:400]
        record.outcome = f"raised {type(error).__module__}.{type(error).__name__}: {detail or first}"
        if not str(error):
            record.outcome += " " + "".join(traceback.format_exception_only(error)).strip()[:300]
        self._finish(record)

    def _finish(self, record: CallRecord) -> None:
        self._current = None
        print(record.line(), file=self.out, flush=True)
