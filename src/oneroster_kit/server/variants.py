"""Server variants: the reference server shaped like the partial and foreign servers teams really run.

The conformance suite has to be usable against a server that implements one operation of the
two, that updates results but never creates them on PUT, or that speaks another dialect of
OneRoster (a FastAPI service with its own paths, bodies, errors and scope names), and its report
has to say which of those it met. These options make such servers out of the reference one, so
each case has a real fixture (`tests/server/test_variants.py`, `tests/conformance/test_real_servers.py`):

- `--only OPERATION` (repeatable): serve only these operations; the others are not routed, so
  they answer what the reference server answers for any path it does not serve (404, imsx body
  "No operation at ...").
- `--update-only`: a result PUT to an id that does not exist answers 404 (`unknownobject`,
  "Result not found") instead of creating it; the results of `SEEDED_RESULTS` exist (written into
  a database that lacks them) and are listed in the ready line as `result_ids`.
- `--canned after-gates`: a mock generated from the spec, as Stoplight Prism is: requests pass
  the reference's gates (token, validation; their refusals are the reference's), and every
  accepted one is answered 200 with the spec's example response, whatever was sent;
  `--canned always`: a stub that answers every request to an operation's path 200 with that
  example, whatever its method, token or body (see `CannedAnswers`).
- `--dialect fastapi`: another dialect of OneRoster 1.2 gradebook on top of `--only putResult
  --update-only` (see `FastApiDialect`); `--dialect flat-imsx`: the spec's server with flat
  error bodies (`imsx_codeMinor` a string, see `FlatImsxDialect`).

Each is outside the reference app's request path: `--only` and `--update-only` are a subclass
(`VariantApp`) whose one extra test runs in the result handler, after every gate; a dialect is an
ASGI layer around the app and its faults. A server started without these options builds none of
them, so its hot path and speed are unchanged. `--fault`s still apply beneath a dialect (they see
the reference's paths and bodies), which is how the foreign server's write-path defects are made.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oneroster_kit.contract import Contract, default_contract, operation, operations, resolve
from oneroster_kit.server.app import ReferenceApp, ServerSettings
from oneroster_kit.server.backend import Storage
from oneroster_kit.server.documents import result_builder
from oneroster_kit.server.errors import imsx_response

__all__ = [
    "CANNED",
    "DIALECTS",
    "SEEDED_RESULTS",
    "CannedAnswers",
    "FastApiDialect",
    "FlatImsxDialect",
    "Variant",
    "VariantApp",
    "apply_dialect",
    "seed_results",
]

SEEDED_RESULTS = ("result-existing-1", "result-existing-2", "result-existing-3")


@dataclass(frozen=True)
class Variant:
    """What `--only`, `--update-only` and `--dialect` ask for (all empty: the reference server)."""

    only: tuple[str, ...] = ()  # operationIds served; empty: every operation of the spec
    update_only: bool = False  # result PUTs never create
    dialect: str | None = None
    canned: str | None = None  # "after-gates" or "always": every accepted request answered the spec's example

    def __post_init__(self) -> None:
        unknown = [name for name in self.only if name not in operations()]
        if unknown:
            raise ValueError(f"--only {', '.join(unknown)}: not an operation of the spec ({', '.join(operations())})")
        if self.dialect is not None and self.dialect not in DIALECTS:
            raise ValueError(f"--dialect {self.dialect}: unknown (known: {', '.join(sorted(DIALECTS))})")
        if self.canned is not None and self.canned not in CANNED:
            raise ValueError(f"--canned {self.canned}: unknown (known: {', '.join(CANNED)})")

    @property
    def served(self) -> tuple[str, ...]:
        """The operations the server routes."""
        if self.dialect == "fastapi":
            return ("putResult",)
        return self.only or tuple(operations())

    @property
    def refuses_create(self) -> bool:
        return self.update_only or self.dialect == "fastapi"

    @property
    def reshapes_app(self) -> bool:
        """True when the reference app itself differs (routes or the result handler), not only its wrapping."""
        return bool(self.only) or self.refuses_create


def seed_results(store: Storage, contract: Contract | None = None) -> tuple[str, ...]:
    """Make sure the results of `SEEDED_RESULTS` exist (the spec's first example under each id)."""
    spec = default_contract() if contract is None else contract
    content = spec.operation("putResult").definition["requestBody"]["content"]["application/json"]
    example = next(iter(content["examples"].values()))["value"]["result"]
    for sourced_id in SEEDED_RESULTS:
        if store.get_result(sourced_id) is None:
            store.put_result(sourced_id, result_builder(sourced_id, {**example, "sourcedId": sourced_id}))
    return SEEDED_RESULTS


class VariantApp(ReferenceApp):
    """The reference app serving only some operations, and/or updating results without creating them."""

    def __init__(
        self,
        store: Storage,
        settings: ServerSettings,
        variant: Variant,
        log: TextIO | None = None,
        contract: Contract | None = None,
    ) -> None:
        # Seeded before the app starts its writer threads, so a database error leaves nothing to stop.
        existing = frozenset(seed_results(store, contract)) if variant.refuses_create else None
        super().__init__(store, settings, log, contract)
        served = set(variant.served)
        # Unrouted operations fall through to the reference's own answer for a path it does not serve.
        self._routes = [route for route in self._routes if route.operation.operation_id in served]
        self._existing: frozenset[str] | None = existing

    async def _put_result(self, request: Request, sourced_id: str, document: Any) -> Response:
        if self._existing is not None and sourced_id not in self._existing:
            return imsx_response(404, f"Result not found: {sourced_id!r}; results are not created by PUT.")
        return await super()._put_result(request, sourced_id, document)


# -- dialects: ASGI layers that translate between a foreign client's exchange and the reference's ------


@dataclass
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


async def _call(app: ASGIApp, scope: Scope, body: bytes) -> _Answer:
    """Run `app` on one buffered request and keep its whole answer."""
    answer = _Answer(500, [], b"")
    chunks: list[bytes] = []
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    answer.body = b"".join(chunks)
    return answer


async def _read(receive: Receive) -> bytes | None:
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None  # the client went away
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


async def _reply(send: Send, status: int, document: Any, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(document).encode()
    kept = [(k, v) for k, v in headers or [] if k.lower() not in (b"content-length", b"content-type")]
    kept += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": kept})
    await send({"type": "http.response.body", "body": body})


class _Dialect:
    """An ASGI layer: `translate(scope, body)` answers in the dialect, calling the app as needed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        if body is None:
            return
        status, document, headers = await self.translate(scope, body)
        await _reply(send, status, document, headers)

    async def translate(self, scope: Scope, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        raise NotImplementedError

    async def call(self, scope: Scope, body: bytes) -> _Answer:
        return await _call(self.app, scope, body)


class FlatImsxDialect(_Dialect):
    """The spec's server whose error bodies are flat: `imsx_codeMinor` a string, not the nested
    `imsx_CodeMinor.imsx_codeMinorField[]` of ImsxStatusInfo (a shape several OneRoster 1.1
    servers answer). Everything else is the reference's."""

    async def translate(self, scope: Scope, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        answer = await self.call(scope, body)
        document = answer.json()
        if answer.status >= 400 and isinstance(document, dict) and "imsx_CodeMinor" in document:
            fields = document.pop("imsx_CodeMinor").get("imsx_codeMinorField") or [{}]
            document["imsx_codeMinor"] = fields[0].get("imsx_codeMinorFieldValue", "")
            document.pop("imsx_error_details", None)
        return answer.status, document, answer.headers


_FOREIGN_RESULTS = re.compile(r"/ims/oneroster/v1p2/results/(?P<id>[^/]+)")
_TOKEN_PATH = "/oauth2/token"
# The foreign server's own scope names for the spec's scopes (its token endpoint knows only these).
FASTAPI_SCOPES = {
    "https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput": "results:write",
    "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput": "results:write",
    "https://purl.imsglobal.org/spec/or/v1p1/scope/roster.createput": "classes:write",
}


def _python_enum_spelling(value: str) -> str:
    return value.replace(" ", "_")


class FastApiDialect(_Dialect):
    """OneRoster 1.2 gradebook as a FastAPI and PostgreSQL service writes it (another dialect, not a defect):

    - results at `/ims/oneroster/v1p2/results/{sourcedId}` (no `gradebook` segment), no classes
      endpoint; any other path answers 404 `{"detail": "Not Found"}`;
    - results are updated, never created (404 `{"detail": "Result not found"}` for a new id);
    - the body is read as a Result whether it comes bare or in its `{"result": ...}` wrapper, and
      the answer is the bare Result, 200;
    - enum values are answered in Python's spelling (`fully_graded` for `fully graded`), and that
      spelling is accepted too;
    - errors are FastAPI's `{"detail": ...}` (a list of `{loc, msg, type}` for 422); a request
      without a token answers 403 `{"detail": "Not authenticated"}` (FastAPI's HTTPBearer);
    - the token endpoint grants its own scope names (`results:write`, `classes:write`) and knows
      no other.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self._to_spec: dict[str, str] = {}
        for spec_name, own in FASTAPI_SCOPES.items():
            self._to_spec.setdefault(own, spec_name)
        self._enums = _enum_values("putResult")

    async def translate(self, scope: Scope, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        if raw_path == _TOKEN_PATH:
            return await self._token(scope, body)
        found = _FOREIGN_RESULTS.fullmatch(raw_path)
        if found is None:
            return 404, {"detail": "Not Found"}, []
        if scope["method"] != "PUT":
            return 405, {"detail": "Method Not Allowed"}, [(b"allow", b"PUT")]
        inner_path = operation("putResult").path.replace("{sourcedId}", found.group("id"))
        inner = {**scope, "raw_path": inner_path.encode("latin-1"), "path": unquote(inner_path)}
        headers = dict(scope.get("headers", []))
        if b"authorization" not in headers:
            return 403, {"detail": "Not authenticated"}, []
        answer = await self.call(inner, self._request_body(body))
        document = answer.json()
        if 200 <= answer.status < 300 and isinstance(document, dict) and isinstance(document.get("result"), dict):
            return 200, self._spell(document["result"]), self._kept(answer)
        return answer.status, self._error(answer.status, document), self._kept(answer)

    @staticmethod
    def _kept(answer: _Answer) -> list[tuple[bytes, bytes]]:
        return [(k, v) for k, v in answer.headers if k.lower() in (b"x-request-id", b"allow", b"retry-after")]

    def _request_body(self, body: bytes) -> bytes:
        try:
            document = json.loads(body)
        except ValueError:
            return body
        if not isinstance(document, dict):
            return body
        result = document["result"] if isinstance(document.get("result"), dict) else document
        return json.dumps({"result": self._respell(result)}).encode()

    def _spell(self, result: dict[str, Any]) -> dict[str, Any]:
        return {
            k: _python_enum_spelling(v) if isinstance(v, str) and k in self._enums else v for k, v in result.items()
        }

    def _respell(self, result: dict[str, Any]) -> dict[str, Any]:
        def back(key: str, value: Any) -> Any:
            allowed = self._enums.get(key, ())
            if isinstance(value, str) and value not in allowed:
                return next((spec for spec in allowed if _python_enum_spelling(spec) == value), value)
            return value

        return {key: back(key, value) for key, value in result.items()}

    @staticmethod
    def _error(status: int, document: Any) -> Any:
        description = document.get("imsx_description", "") if isinstance(document, dict) else ""
        if status == 404:
            return {"detail": "Result not found"}
        if status == 401:
            return {"detail": "Invalid authentication credentials"}
        if status == 403:
            return {"detail": "Not enough permissions"}
        if status == 422 and isinstance(document, dict):
            details = document.get("imsx_error_details") or [{"field": "body", "message": description}]
            return {
                "detail": [
                    {
                        "type": "value_error",
                        "loc": ["body", *str(entry.get("field", "")).removeprefix("result.").split(".")],
                        "msg": entry.get("message", description),
                    }
                    for entry in details
                ]
            }
        return {"detail": description or "Error"}

    async def _token(self, scope: Scope, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        translated = []
        for name, value in form:
            if name == "scope":  # only its own names are known: a spec name is an unknown scope here
                value = " ".join(self._to_spec.get(part, "unknown:" + part) for part in value.split())
            translated.append((name, value))
        answer = await self.call(scope, urlencode(translated).encode())
        document = answer.json()
        if answer.status == 200 and isinstance(document, dict) and isinstance(document.get("scope"), str):
            own = dict.fromkeys(FASTAPI_SCOPES.get(part, part) for part in document["scope"].split())
            document["scope"] = " ".join(own)
        return answer.status, document, [(k, v) for k, v in answer.headers if k.lower() == b"www-authenticate"]


def _enum_values(operation_id: str) -> dict[str, tuple[str, ...]]:
    """Top-level members of the operation's request object whose schema is a string enum."""
    op = operation(operation_id)
    found: dict[str, tuple[str, ...]] = {}
    for name, schema in op.body_schema.get("properties", {}).items():
        resolved = resolve(op.components, schema)
        if isinstance(resolved, dict) and isinstance(resolved.get("enum"), list):
            found[name] = tuple(str(value) for value in resolved["enum"])
    return found


DIALECTS: dict[str, Callable[[ASGIApp], ASGIApp]] = {
    "fastapi": FastApiDialect,
    "flat-imsx": FlatImsxDialect,
}


CANNED = ("after-gates", "always")


def _example_answer(operation_id: str) -> tuple[int, Any]:
    """The lowest documented success status of the operation and its first example (what Prism answers)."""
    responses = operation(operation_id).definition["responses"]
    status = min(int(code) for code in responses if code.startswith("2"))
    op = operation(operation_id)
    content = resolve(op.components, responses[str(status)])["content"]["application/json"]
    return status, resolve(op.components, next(iter(content["examples"].values())))["value"]


class CannedAnswers(_Dialect):
    """Every request to an operation's path is answered with the spec's example, as a mock server
    generated from the spec answers: the same body (the example's ids and values, not the ones
    sent) for every write, with its lowest success status (200). `after-gates`: only requests the
    reference accepts (a token, a valid body) get it, the others its refusal; `always`: every
    request, whatever its method, token or body."""

    def __init__(self, app: ASGIApp, mode: str) -> None:
        super().__init__(app)
        self.mode = mode
        self._routes = [
            (re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(op.path))), op.operation_id)
            for op in operations().values()
        ]

    async def translate(self, scope: Scope, body: bytes) -> tuple[int, Any, list[tuple[bytes, bytes]]]:
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        operation_id = next((name for pattern, name in self._routes if pattern.fullmatch(raw_path)), None)
        if operation_id is None:
            answer = await self.call(scope, body)
            return answer.status, answer.json(), answer.headers
        status, example = _example_answer(operation_id)
        if self.mode == "always":
            return status, example, []
        answer = await self.call(scope, body)
        if 200 <= answer.status < 300:
            return status, example, []
        return answer.status, answer.json(), answer.headers


def apply_dialect(app: ASGIApp, variant: Variant) -> ASGIApp:
    """`app` wrapped in the variant's dialect or canned answers (outermost, around any fault), or unchanged."""
    if variant.canned is not None:
        app = CannedAnswers(app, variant.canned)
    return app if variant.dialect is None else DIALECTS[variant.dialect](app)
