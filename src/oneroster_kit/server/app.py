"""The ASGI application of the reference server.

Routes come from `openapi.yaml` (every operation's path template, matched on the raw, still
percent-encoded path so that an id may contain an encoded `/`), plus `POST /oauth2/token`.
Each operation request goes through the same gates, in this order, each with its documented
status and an imsx_StatusInfo body that names what is wrong: 404 unknown path, 405 wrong method
(with `Allow`), 401 token, 403 scope, 413 size, 400 unreadable body, 422 schema or rule, then the
operation itself (404 for an unknown class). Any exception past those gates is a server bug:
it is logged with `UNHANDLED` and answered 500 (imsx) so the process never drops a connection.

Nothing slow runs on the event loop: writes are committed in groups on one database thread
(`group_commit`; a write that waits longer than the busy timeout, in the queue or for a database
lock, or finds the database unreachable, is answered 503 with Retry-After), and bodies above
`_INLINE_BODY_BYTES` are parsed and validated in a worker process, one at a time, with a bounded
422 report (`bodycheck`). The token endpoint never touches the database.
"""

from __future__ import annotations

import itertools
import re
import secrets
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import unquote_to_bytes

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from oneroster_kit.contract import Contract, Operation, SchemaValidator, Violation, default_contract
from oneroster_kit.server.auth import BearerError, TokenIssuer, derive_token_key
from oneroster_kit.server.backend import (
    ClassUpdate,
    DatabaseBusyError,
    DatabaseUnavailableError,
    ResultUpsert,
    Storage,
    format_timestamp,
)
from oneroster_kit.server.bodycheck import CheckerUnavailableError, LargeBodyChecker, Refusal, check_operation_body
from oneroster_kit.server.documents import merge_class, render_class, result_builder
from oneroster_kit.server.errors import imsx_response
from oneroster_kit.server.group_commit import GroupCommitter
from oneroster_kit.server.requestbody import BodyTooLargeError, media_type_problem, read_limited
from oneroster_kit.server.throttle import FailureThrottle
from oneroster_kit.server.token_endpoint import TokenEndpoint
from oneroster_kit.server.violations import summarise

__all__ = ["MAX_BODY_BYTES", "TOKEN_PATH", "ReferenceApp", "ServerSettings"]

MAX_BODY_BYTES = 1_048_576  # the limit the spec documents for 413
TOKEN_PATH = "/oauth2/token"
_INLINE_BODY_BYTES = 64 * 1024  # larger bodies are parsed and validated off the event loop
_RETRY_AFTER = "1"
_HOST = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


@dataclass(frozen=True)
class ServerSettings:
    client_id: str
    client_secret: str
    token_ttl: int
    db_busy_timeout: float = 2.0  # seconds a write may wait for the database thread and lock, then 503


Handler = Callable[[Request, str, Any], Awaitable[Response]]


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[bytes]
    operation: Operation
    handler: Handler
    validator: SchemaValidator


def _path_regex(template: str) -> re.Pattern[bytes]:
    parts = re.split(r"\{([^}]+)\}", template)
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)" for index, part in enumerate(parts))
    return re.compile(regex.encode("ascii"))


_CLIENT_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
# New ids: 32 hex digits, a random prefix per process and a counter (unique without a syscall each).
_ID_PREFIX = secrets.token_hex(8)
_ID_NUMBERS = itertools.count(1)


def _request_id(scope: Scope) -> str:
    """The caller's `x-request-id` when it is a plain token (so logs on both sides match), else a new one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and _CLIENT_REQUEST_ID.fullmatch(value):
            return str(value.decode("ascii"))
    return f"{_ID_PREFIX}{next(_ID_NUMBERS):016x}"


class ReferenceApp:
    """ASGI app: both operations of the spec and the token endpoint, backed by a `Storage` backend."""

    def __init__(
        self, store: Storage, settings: ServerSettings, log: TextIO | None = None, contract: Contract | None = None
    ) -> None:
        """`contract`: the spec the app serves (default: the spec in use)."""
        contract = default_contract() if contract is None else contract
        self.store = store
        self.settings = settings
        self._log = log if log is not None else sys.stderr
        self._issuer = TokenIssuer(derive_token_key(settings.client_secret, store.token_salt), settings.client_id)
        self.writes = GroupCommitter(store, settings.db_busy_timeout)
        self._large_bodies = LargeBodyChecker(contract.path)
        specified = contract.operations
        handlers: dict[str, Handler] = {"putResult": self._put_result, "updateClass": self._update_class}
        missing = sorted(set(specified) - set(handlers))
        if missing:
            raise RuntimeError(f"the spec has operations this server does not implement: {missing}")
        self._routes = [
            _Route(_path_regex(op.path), op, handlers[op.operation_id], op.request_validator)
            for op in specified.values()
        ]
        all_scopes = tuple(dict.fromkeys(scope for op in specified.values() for scope in op.scopes))
        self._token = TokenEndpoint(
            self._issuer, settings.client_secret, all_scopes, settings.token_ttl, FailureThrottle()
        )
        self._result_defaults = specified["putResult"].request_defaults
        self._counter = itertools.count(1)
        self.unhandled = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        status = 0
        request_id = _request_id(scope)
        logged = False

        async def send_capturing(message: Message) -> None:
            nonlocal status, logged
            if message["type"] == "http.response.start":
                status = message["status"]
                # Every answer names its request (the SDK's `request_id`), as TimeBack's gateway does.
                message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())]}
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # logged before the last byte goes out, so a client that has its answer sees the line
                self._log_line(scope, status, started, request_id)
                logged = True
            await send(message)

        request = Request(scope, receive)
        try:
            response = await self._dispatch(request)
        except ClientDisconnect:
            self._log_line(scope, 499, started, request_id)  # nginx's code for "client closed the request"
            return
        except Exception:
            self.unhandled += 1
            self._log.write(
                f"UNHANDLED {scope['method']} {scope['path']!r} request {request_id}\n{traceback.format_exc()}"
            )
            if scope.get("raw_path") == TOKEN_PATH.encode("ascii"):  # the token endpoint answers OAuth2 bodies
                body = b'{"error": "server_error", "error_description": "Internal server error."}'
                response = Response(body, 500, media_type="application/json")
            else:
                response = imsx_response(500, "Internal server error.")
        await response(scope, receive, send_capturing)
        if not logged:
            self._log_line(scope, status, started, request_id)

    def _log_line(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        path = raw.decode("ascii", "backslashreplace")
        if len(path) > 200:
            path = path[:200] + "..."
        stamp = format_timestamp(time.time_ns() // 1_000_000)
        client = scope.get("client") or ("-", 0)
        number = next(self._counter)
        self._log.write(
            f"{stamp} #{number} {client[0]}:{client[1]} {scope['method']} {path} {status} {elapsed_ms:.2f}ms "
            f"request_id={request_id}\n"
        )

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    def close(self) -> None:
        """Wait for database work in progress and stop the worker threads (before `store.close()`)."""
        self._large_bodies.close()
        self.writes.close()

    async def _dispatch(self, request: Request) -> Response:
        raw_path: bytes = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
        if raw_path == TOKEN_PATH.encode("ascii"):
            return await self._token(request)
        for route in self._routes:
            match = route.pattern.fullmatch(raw_path)
            if match is not None:
                return await self._operation(request, route, match)
        return imsx_response(404, f"No operation at {raw_path[:200].decode('ascii', 'backslashreplace')}.")

    async def _operation(self, request: Request, route: _Route, match: re.Match[bytes]) -> Response:
        op = route.operation
        if request.method != op.method:
            return imsx_response(
                405,
                f"Method {request.method} is not allowed on {op.path}; allowed: {op.method}.",
                headers={"Allow": op.method},
            )
        try:
            claims = self._issuer.verify(request.headers.get("authorization"))
        except BearerError as error:
            challenge = 'Bearer realm="oneroster"'
            if not error.missing:
                described = str(error).replace("\\", "").replace('"', "'")  # stays one quoted-string
                challenge += f', error="invalid_token", error_description="{described}"'
            return imsx_response(401, str(error), headers={"WWW-Authenticate": challenge})
        lacking = op.scopes_lacking(claims.scopes)
        if lacking:
            needed = " ".join(op.scopes)
            others = [scope for scope in op.scopes if scope not in lacking]
            return imsx_response(
                403,
                f"The token lacks the scope {' '.join(lacking)}."
                + (f" (or, instead: {' '.join(others)})" if others else ""),
                headers={"WWW-Authenticate": f'Bearer realm="oneroster", error="insufficient_scope", scope="{needed}"'},
            )
        try:
            raw_id = unquote_to_bytes(match.group("sourcedId"))
            sourced_id = raw_id.decode("utf-8")
        except UnicodeDecodeError:
            return imsx_response(400, "Path sourcedId is not valid UTF-8 once percent-decoded.")
        path_violations = op.path_violations({"sourcedId": sourced_id})
        if path_violations:  # e.g. "%2E": a dot segment, which the spec forbids as an id
            return self._unprocessable(path_violations)
        problem = media_type_problem(request.headers.get("content-type"), "application/json", utf8_only=True)
        try:
            if problem is None:
                raw = await read_limited(request, MAX_BODY_BYTES)
            else:
                await read_limited(request, MAX_BODY_BYTES)  # a body too large still answers 413
        except BodyTooLargeError as error:
            return imsx_response(413, str(error))
        if problem is not None:
            return imsx_response(400, problem)
        if len(raw) <= _INLINE_BODY_BYTES:
            checked = check_operation_body(op, raw)
        else:  # one large body at a time, in a worker process: never on the event loop or under its GIL
            try:
                checked = await self._large_bodies.check(op.operation_id, raw)
            except CheckerUnavailableError as error:
                return imsx_response(503, f"{error}; retry later.", headers={"Retry-After": _RETRY_AFTER})
        if isinstance(checked, Refusal):
            return imsx_response(checked.status, checked.description, checked.details)
        try:
            return await route.handler(request, sourced_id, checked)
        except DatabaseUnavailableError:  # PostgreSQL stopped or unreachable: the write was not acknowledged
            return imsx_response(
                503, "The database is unavailable; retry later.", headers={"Retry-After": _RETRY_AFTER}
            )
        except DatabaseBusyError:
            return imsx_response(503, "The database is busy; retry later.", headers={"Retry-After": _RETRY_AFTER})

    @staticmethod
    def _unprocessable(problems: list[Violation]) -> Response:
        report = summarise(problems)
        return imsx_response(422, report.description, report.details)

    async def _put_result(self, request: Request, sourced_id: str, document: Any) -> Response:
        result = {**self._result_defaults, **document["result"]}  # `status` defaults to active
        if "sourcedId" in result and result["sourcedId"] != sourced_id:
            mismatch = f"{result['sourcedId']!r} differs from the path sourcedId {sourced_id!r}"
            return self._unprocessable([Violation("result.sourcedId", mismatch, "sourcedId")])
        stored = await self.writes.write(ResultUpsert(sourced_id, result_builder(sourced_id, result)))
        assert stored is not None  # an upsert always stores
        return Response(b'{"result":' + stored.encode("ascii") + b"}", 201, media_type="application/json")

    async def _update_class(self, request: Request, sourced_id: str, document: Any) -> Response:
        update = document["class"]
        stored = await self.writes.write(ClassUpdate(sourced_id, lambda old, stamp: merge_class(old, update, stamp)))
        if stored is None:
            return imsx_response(404, f"Class not found: {sourced_id!r}.")
        body = render_class(stored, _base_url(request))
        return Response(body.encode("ascii"), 200, media_type="application/json")


def _base_url(request: Request) -> str:
    """scheme://host[:port] of the request (a malformed Host header falls back to the socket's address)."""
    scope = request.scope
    host = request.headers.get("host", "")
    if not _HOST.fullmatch(host):
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"
