"""Named faults the reference server can be started with (`--fault NAME`, repeatable).

Each entry is an ASGI middleware factory: it receives the server's ASGI app and returns the app
that is served instead. The conformance suite uses them to prove that its checks notice a server
that breaks the contract: one defect per check, each the kind of mistake a real implementation
makes. The server only looks names up here and applies them in the order given on the command line.

Every fault is a rewrite of one exchange: it sees the request (scope and whole body), may change
it before the real app answers, may call the app again, and may change the answer. Which fields,
enums and statuses it touches comes from `openapi.yaml`, so a fault stays a fault if the spec moves.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import struct
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oneroster_kit.contract import SERVER_SET, operation, resolve
from oneroster_kit.spec import load_spec

__all__ = ["FAULTS", "UnknownFaultError", "apply_faults", "keeps_state"]


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def with_json(self, document: Any, status: int | None = None) -> Answer:
        body = json.dumps(document).encode()
        headers = [(k, v) for k, v in self.headers if k.lower() not in (b"content-length", b"content-type")]
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        return Answer(self.status if status is None else status, headers, body)

    def with_header(self, name: bytes, value: bytes) -> Answer:
        headers = [(k, v) for k, v in self.headers if k.lower() != name]
        return Answer(self.status, [*headers, (name, value)], self.body)


Call = Callable[[Scope, bytes], Awaitable[Answer]]
Rewrite = Callable[[Call, Scope, bytes], Awaitable[Answer]]


async def _call(app: ASGIApp, scope: Scope, body: bytes) -> Answer:
    """Run the app on one buffered request and capture its whole answer."""
    delivered = False
    answer = Answer(500, [], b"")
    chunks: list[bytes] = []

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


class _Fault:
    """ASGI middleware applying one rewrite to every HTTP exchange."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        parts: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                break

        async def call(call_scope: Scope, call_body: bytes) -> Answer:
            return await _call(self.app, call_scope, call_body)

        answer = await self.rewrite(call, scope, b"".join(parts))
        headers = [(k, v) for k, v in answer.headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(answer.body)).encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})


def _factory(rewrite: Rewrite) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        return _Fault(app, rewrite)

    wrap.__doc__ = rewrite.__doc__
    return wrap


# -- helpers ---------------------------------------------------------------------------------------


def _operation_of(scope: Scope) -> str | None:
    if scope.get("method") != "PUT":
        return None
    path = scope.get("path", "")
    if "/gradebook/v1p2/results/" in path:
        return "putResult"
    if "/rostering/v1p2/classes/" in path:
        return "updateClass"
    return None


def _path_id(scope: Scope) -> str:
    raw = scope.get("raw_path") or scope.get("path", "").encode()
    return unquote(raw.decode("latin-1").rsplit("/", 1)[-1])


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = load_spec()["components"]["schemas"][name]
    return schema


def _load(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _ok(answer: Answer) -> bool:
    return 200 <= answer.status < 300


def _result_of(answer: Answer) -> tuple[dict[str, Any], dict[str, Any]] | None:
    document = answer.json()
    if isinstance(document, dict) and isinstance(document.get("result"), dict):
        return document, document["result"]
    return None


async def _edit_result(call: Call, scope: Scope, body: bytes, edit: Callable[[dict[str, Any]], None]) -> Answer:
    answer = await call(scope, body)
    if _operation_of(scope) == "putResult" and _ok(answer) and (found := _result_of(answer)) is not None:
        document, result = found
        edit(result)
        return answer.with_json(document)
    return answer


# -- response faults -------------------------------------------------------------------------------


async def missing_required_field(call: Call, scope: Scope, body: bytes) -> Answer:
    """A stored result comes back without `dateLastModified`, a field the Result schema requires."""
    return await _edit_result(call, scope, body, lambda result: result.pop("dateLastModified", None))


async def enum_returned(call: Call, scope: Scope, body: bytes) -> Answer:
    """A stored result comes back with a `scoreStatus` outside the enum ('graded')."""

    def edit(result: dict[str, Any]) -> None:
        result["scoreStatus"] = "graded"

    return await _edit_result(call, scope, body, edit)


async def wrong_status(call: Call, scope: Scope, body: bytes) -> Answer:
    """A stored result answers 202, a status the operation does not document."""
    answer = await call(scope, body)
    if _operation_of(scope) == "putResult" and answer.status == 201:
        answer.status = 202
    return answer


async def wrong_content_type(call: Call, scope: Scope, body: bytes) -> Answer:
    """Successful answers are labelled text/plain instead of application/json."""
    answer = await call(scope, body)
    if _operation_of(scope) is not None and _ok(answer):
        return answer.with_header(b"content-type", b"text/plain; charset=utf-8")
    return answer


async def non_imsx_error(call: Call, scope: Scope, body: bytes) -> Answer:
    """Error answers carry a framework-style `{"error": ...}` body instead of imsx_StatusInfo."""
    answer = await call(scope, body)
    document = answer.json()
    if answer.status >= 400 and isinstance(document, dict) and "imsx_description" in document:
        return answer.with_json({"error": document["imsx_description"]})
    return answer


async def field_not_echoed(call: Call, scope: Scope, body: bytes) -> Answer:
    """A stored result comes back without its `comment` (optional, so the schema still passes)."""
    return await _edit_result(call, scope, body, lambda result: result.pop("comment", None))


async def score_rounded(call: Call, scope: Scope, body: bytes) -> Answer:
    """A stored result's `score` comes back rounded to a whole number (87.5 -> 88)."""

    def edit(result: dict[str, Any]) -> None:
        score = result.get("score")
        if isinstance(score, float) and score == score and abs(score) < 1e15:
            result["score"] = float(round(score))

    return await _edit_result(call, scope, body, edit)


async def stale_date_last_modified(call: Call, scope: Scope, body: bytes) -> Answer:
    """Every write answers the same old `dateLastModified` (it never advances)."""
    answer = await call(scope, body)
    if not _ok(answer):
        return answer
    document = answer.json()
    stale = "2020-01-01T00:00:00.000Z"
    if _operation_of(scope) == "putResult" and (found := _result_of(answer)) is not None:
        document, result = found
        result["dateLastModified"] = stale
        return answer.with_json(document)
    if _operation_of(scope) == "updateClass" and isinstance(document, dict):
        document["dateLastModified"] = stale
        return answer.with_json(document)
    return answer


async def server_error(call: Call, scope: Scope, body: bytes) -> Answer:
    """A class update with `location: null` (allowed by the spec) crashes: 500, plain text."""
    document = _load(body)
    if (
        _operation_of(scope) == "updateClass"
        and isinstance(document, dict)
        and isinstance(document.get("class"), dict)
        and "location" in document["class"]
        and document["class"]["location"] is None
    ):
        return Answer(500, [(b"content-type", b"text/plain; charset=utf-8")], b"Internal Server Error")
    return await call(scope, body)


# -- request faults (the server accepts or stores the wrong thing) ---------------------------------


async def enum_accepted(call: Call, scope: Scope, body: bytes) -> Answer:
    """A result with a `scoreStatus` outside the enum is accepted (stored as 'exempt')."""
    document = _load(body)
    allowed = _schema("ScoreStatus")["enum"]
    if (
        _operation_of(scope) == "putResult"
        and isinstance(document, dict)
        and isinstance(document.get("result"), dict)
        and "scoreStatus" in document["result"]
        and document["result"]["scoreStatus"] not in allowed
    ):
        document["result"]["scoreStatus"] = allowed[0]
        body = json.dumps(document).encode()
    return await call(scope, body)


async def sourcedid_mismatch_accepted(call: Call, scope: Scope, body: bytes) -> Answer:
    """A body sourcedId that differs from the path is silently replaced instead of refused (422)."""
    document = _load(body)
    if (
        _operation_of(scope) == "putResult"
        and isinstance(document, dict)
        and isinstance(document.get("result"), dict)
        and "sourcedId" in document["result"]
    ):
        document["result"]["sourcedId"] = _path_id(scope)
        body = json.dumps(document).encode()
    return await call(scope, body)


async def field_not_stored(call: Call, scope: Scope, body: bytes) -> Answer:
    """A class update answers the `title` it was sent but never stores it."""
    document = _load(body)
    if (
        _operation_of(scope) != "updateClass"
        or not isinstance(document, dict)
        or not isinstance(document.get("class"), dict)
        or "title" not in document["class"]
    ):
        return await call(scope, body)
    title = document["class"].pop("title")
    answer = await call(scope, json.dumps(document).encode())
    returned = answer.json()
    if _ok(answer) and isinstance(returned, dict):
        returned["title"] = title
        return answer.with_json(returned)
    return answer


async def class_put_resets(call: Call, scope: Scope, body: bytes) -> Answer:
    """A class update replaces the whole class: fields not sent are reset to empty values."""
    document = _load(body)
    if _operation_of(scope) == "updateClass" and isinstance(document, dict) and isinstance(document.get("class"), dict):
        properties = _schema("ClassUpdate")["properties"]
        for name, definition in properties.items():
            if name in document["class"]:
                continue
            kinds = definition.get("type")
            if definition.get("type") == "array":
                document["class"][name] = []
            elif isinstance(kinds, list) and "null" in kinds:
                document["class"][name] = None
        body = json.dumps(document).encode()
    return await call(scope, body)


async def unknown_class_created(call: Call, scope: Scope, body: bytes) -> Answer:
    """A PUT to an unknown class id creates a class (200) instead of answering 404."""
    answer = await call(scope, body)
    document = _load(body)
    if _operation_of(scope) != "updateClass" or answer.status != 404 or not isinstance(document, dict):
        return answer
    sent = document.get("class") if isinstance(document.get("class"), dict) else {}
    assert isinstance(sent, dict)
    created = {
        "sourcedId": _path_id(scope),
        "status": sent.get("status", "active"),
        "dateLastModified": "2026-01-01T00:00:00.000Z",
        "title": sent.get("title", "Untitled"),
        "classCode": sent.get("classCode"),
        "classType": sent.get("classType", "scheduled"),
        "location": sent.get("location"),
        "course": None,
        "school": None,
        "terms": [],
    }
    return answer.with_json(created, status=200)


# -- auth faults -----------------------------------------------------------------------------------


class _RememberedAuth:
    """Retries a refused request with an Authorization header that worked before (auth not enforced)."""

    def __init__(self, refused: frozenset[int], only_known: bool) -> None:
        self.refused = refused
        self.only_known = only_known  # retry only when the refused header itself worked before
        self.good: list[bytes] = []

    async def __call__(self, call: Call, scope: Scope, body: bytes) -> Answer:
        answer = await call(scope, body)
        header = dict(scope.get("headers", [])).get(b"authorization")
        if _operation_of(scope) is None:
            return answer
        if answer.status not in (401, 403):
            if header is not None and header not in self.good:
                self.good.append(header)
            return answer
        if answer.status not in self.refused or (self.only_known and header not in self.good):
            return answer
        for candidate in self.good:
            if candidate != header:
                headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
                return await call({**scope, "headers": [*headers, (b"authorization", candidate)]}, body)
        return answer


def _auth_fault(refused: frozenset[int], only_known: bool, doc: str) -> Callable[[ASGIApp], ASGIApp]:
    def wrap(app: ASGIApp) -> ASGIApp:
        return _Fault(app, _RememberedAuth(refused, only_known))

    wrap.__doc__ = doc
    return wrap


# -- defects the deterministic probes find (oneroster_kit.conformance.probes) ---------------------


def _with_path_id(scope: Scope, sourced_id: str) -> Scope:
    """`scope` addressed to another path id (raw and decoded path both rewritten)."""
    raw = scope.get("raw_path") or scope.get("path", "").encode()
    prefix = raw.rsplit(b"/", 1)[0]
    raw_path = prefix + b"/" + quote(sourced_id, safe="").encode("ascii")
    return {**scope, "raw_path": raw_path, "path": unquote(raw_path.decode("ascii"))}


def _map_strings(value: Any, edit: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return edit(value)
    if isinstance(value, dict):
        return {key: _map_strings(item, edit) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, edit) for item in value]
    return value


async def _edit_request(call: Call, scope: Scope, body: bytes, edit: Callable[[str, dict[str, Any]], None]) -> Answer:
    """Call the app with the wrapped object of a PUT edited in place by `edit(operation_id, inner)`."""
    operation_id = _operation_of(scope)
    document = _load(body)
    if operation_id is not None and isinstance(document, dict):
        inner = document.get(operation(operation_id).body_member)
        if isinstance(inner, dict):
            edit(operation_id, inner)
            body = json.dumps(document).encode()
    return await call(scope, body)


class _MergingResultPut:
    """Result PUTs merge into the stored result: members the new PUT omits keep their old values."""

    def __init__(self) -> None:
        self.stored: dict[str, dict[str, Any]] = {}

    async def __call__(self, call: Call, scope: Scope, body: bytes) -> Answer:
        document = _load(body)
        sourced_id = _path_id(scope)
        if (
            _operation_of(scope) != "putResult"
            or not isinstance(document, dict)
            or not isinstance(document.get("result"), dict)
        ):
            return await call(scope, body)
        old = self.stored.get(sourced_id, {})
        document["result"] = {**old, **document["result"]}
        answer = await call(scope, json.dumps(document).encode())
        if _ok(answer) and (found := _result_of(answer)) is not None:
            self.stored[sourced_id] = {k: v for k, v in found[1].items() if k not in SERVER_SET}
        return answer


async def strings_cut_255(call: Call, scope: Scope, body: bytes) -> Answer:
    """Every string of a PUT is stored cut to 255 characters (a VARCHAR(255) column that truncates)."""

    def edit(operation_id: str, inner: dict[str, Any]) -> None:
        for key, value in list(inner.items()):
            inner[key] = _map_strings(value, lambda text: text[:255])

    return await _edit_request(call, scope, body, edit)


class _FoldedIds:
    """Ids equal under `key` are one record: a PUT goes to the first spelling seen (as a database
    with a case-insensitive or normalizing collation would store it), and answers that record."""

    def __init__(self, key: Callable[[str], str]) -> None:
        self.key = key
        self.first: dict[tuple[str, str], str] = {}

    async def __call__(self, call: Call, scope: Scope, body: bytes) -> Answer:
        operation_id = _operation_of(scope)
        if operation_id is None:
            return await call(scope, body)
        sourced_id = _path_id(scope)
        folded = (operation_id, self.key(sourced_id))
        stored_as = self.first.get(folded, sourced_id)
        if stored_as != sourced_id:
            scope = _with_path_id(scope, stored_as)
            document = _load(body)
            inner = document.get(operation(operation_id).body_member) if isinstance(document, dict) else None
            if isinstance(inner, dict) and inner.get("sourcedId") == sourced_id:
                inner["sourcedId"] = stored_as
                body = json.dumps(document).encode()
        answer = await call(scope, body)
        if _ok(answer):
            self.first.setdefault(folded, stored_as)
        return answer


def _normalized(sourced_id: str) -> str:
    return unicodedata.normalize("NFC", unquote(sourced_id)).rstrip(" ")


async def enum_case_insensitive(call: Call, scope: Scope, body: bytes) -> Answer:
    """Enum values of a request are matched ignoring letter case ('FULLY GRADED' is stored as 'fully graded')."""
    operation_id = _operation_of(scope)
    document = _load(body)
    if operation_id is None or not isinstance(document, dict):
        return await call(scope, body)
    components = load_spec()["components"]

    def fix(node: Any, value: Any) -> Any:
        node = resolve(components, node)
        if not isinstance(node, dict):
            return value
        for keyword in ("oneOf", "anyOf"):
            for branch in node.get(keyword, []):
                value = fix(branch, value)
        if isinstance(value, str) and isinstance(node.get("enum"), list) and value not in node["enum"]:
            return next((v for v in node["enum"] if isinstance(v, str) and v.casefold() == value.casefold()), value)
        if isinstance(value, dict) and "properties" in node:
            return {k: fix(node["properties"][k], v) if k in node["properties"] else v for k, v in value.items()}
        if isinstance(value, list) and "items" in node:
            return [fix(node["items"], item) for item in value]
        return value

    fixed = fix(operation(operation_id).request_validator.schema, document)
    return await call(scope, json.dumps(fixed).encode())


class _FieldByFieldWrite:
    """A PUT is written one member at a time (one UPDATE per column, no transaction), so concurrent
    PUTs to one id interleave and leave a document that is none of the writes."""

    STEP_SECONDS = 0.002

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    async def __call__(self, call: Call, scope: Scope, body: bytes) -> Answer:
        operation_id = _operation_of(scope)
        document = _load(body)
        inner = (
            document.get(operation(operation_id).body_member) if operation_id and isinstance(document, dict) else None
        )
        if operation_id is None or not isinstance(inner, dict) or not inner:
            return await call(scope, body)
        if operation_id == "putResult":
            row = self.rows.setdefault(_path_id(scope), {})
            for key, value in inner.items():
                row[key] = value
                await asyncio.sleep(self.STEP_SECONDS)
            return await call(scope, json.dumps({"result": {key: row[key] for key in inner}}).encode())
        answer = Answer(500, [], b"")
        for key, value in inner.items():
            answer = await call(scope, json.dumps({"class": {key: value}}).encode())
            if not _ok(answer):
                return answer
            await asyncio.sleep(self.STEP_SECONDS)
        return answer


async def score_float32(call: Call, scope: Scope, body: bytes) -> Answer:
    """A result's `score` is stored in single precision (a REAL/float4 column): 0.1 comes back 0.10000000149011612."""

    def edit(operation_id: str, inner: dict[str, Any]) -> None:
        score = inner.get("score")
        if operation_id == "putResult" and isinstance(score, int | float) and not isinstance(score, bool):
            # Beyond float32 such a column would refuse the value; it is left alone to stay one defect.
            with contextlib.suppress(OverflowError):
                inner["score"] = struct.unpack("<f", struct.pack("<f", score))[0]

    return await _edit_request(call, scope, body, edit)


def _flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict):
            flat.update(_flatten(item, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = item
    return flat


async def metadata_flattened(call: Call, scope: Scope, body: bytes) -> Answer:
    """Nested objects in `metadata` are stored flattened to dotted keys ({"a": {"b": 1}} -> {"a.b": 1})."""

    def edit(operation_id: str, inner: dict[str, Any]) -> None:
        if isinstance(inner.get("metadata"), dict):
            inner["metadata"] = _flatten(inner["metadata"])

    return await _edit_request(call, scope, body, edit)


async def metadata_null_as_empty(call: Call, scope: Scope, body: bytes) -> Answer:
    """`metadata: null` is stored as `{}` (a NOT NULL jsonb column defaulting to an empty object)."""

    def edit(operation_id: str, inner: dict[str, Any]) -> None:
        if "metadata" in inner and inner["metadata"] is None:
            inner["metadata"] = {}

    return await _edit_request(call, scope, body, edit)


async def unwrapped_body_accepted(call: Call, scope: Scope, body: bytes) -> Answer:
    """A body sent without its wrapper (`{"result": ...}`, `{"class": ...}`) is wrapped and accepted."""
    operation_id = _operation_of(scope)
    document = _load(body)
    if (
        operation_id is not None
        and isinstance(document, dict)
        and document
        and operation(operation_id).body_member not in document
    ):
        body = json.dumps({operation(operation_id).body_member: document}).encode()
    return await call(scope, body)


def _stateful(make: Callable[[], Rewrite], doc: str) -> Callable[[ASGIApp], ASGIApp]:
    """A fault whose rewrite keeps state: a fresh instance per wrapped app."""

    def wrap(app: ASGIApp) -> ASGIApp:
        return _Fault(app, make())

    wrap.__doc__ = doc
    return wrap


FAULTS: dict[str, Callable[[ASGIApp], ASGIApp]] = {
    "missing_required_field": _factory(missing_required_field),
    "enum_returned": _factory(enum_returned),
    "enum_accepted": _factory(enum_accepted),
    "wrong_status": _factory(wrong_status),
    "wrong_content_type": _factory(wrong_content_type),
    "non_imsx_error": _factory(non_imsx_error),
    "auth_ignored": _auth_fault(
        frozenset({401, 403}), False, "A request without a valid token is served anyway (auth ignored)."
    ),
    "expired_token_accepted": _auth_fault(
        frozenset({401}), True, "A token that worked before keeps working after it expired."
    ),
    "scope_ignored": _auth_fault(frozenset({403}), False, "A token without the operation's scope is served anyway."),
    "field_not_echoed": _factory(field_not_echoed),
    "field_not_stored": _factory(field_not_stored),
    "score_rounded": _factory(score_rounded),
    "unknown_class_created": _factory(unknown_class_created),
    "class_put_resets": _factory(class_put_resets),
    "stale_date_last_modified": _factory(stale_date_last_modified),
    "sourcedid_mismatch_accepted": _factory(sourcedid_mismatch_accepted),
    "server_error": _factory(server_error),
    "result_put_merges": _stateful(_MergingResultPut, _MergingResultPut.__doc__ or ""),
    "strings_cut_255": _factory(strings_cut_255),
    "id_case_folded": _stateful(
        lambda: _FoldedIds(str.casefold), "Ids differing only by letter case are one record (case-insensitive ids)."
    ),
    "id_normalized": _stateful(
        lambda: _FoldedIds(_normalized),
        "Ids equal after NFC normalization, percent-decoding and stripping trailing spaces are one record.",
    ),
    "enum_case_insensitive": _factory(enum_case_insensitive),
    "non_atomic_write": _stateful(_FieldByFieldWrite, _FieldByFieldWrite.__doc__ or ""),
    "score_float32": _factory(score_float32),
    "metadata_flattened": _factory(metadata_flattened),
    "metadata_null_as_empty": _factory(metadata_null_as_empty),
    "unwrapped_body_accepted": _factory(unwrapped_body_accepted),
}


class UnknownFaultError(ValueError):
    """A fault name that the registry does not hold."""


def apply_faults(app: ASGIApp, names: list[str]) -> ASGIApp:
    """Wrap `app` with the named faults, first name innermost; unknown names are refused."""
    unknown = [name for name in names if name not in FAULTS]
    if unknown:
        known = ", ".join(sorted(FAULTS)) or "none registered"
        raise UnknownFaultError(f"unknown fault(s): {', '.join(unknown)} (known: {known})")
    for name in names:
        app = FAULTS[name](app)
    return app


async def _no_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Stands in for the server when a fault is only inspected."""


def keeps_state(name: str) -> bool:
    """Whether fault `name` remembers earlier requests in the process's memory (its rewrite is an
    object, not a plain function): with several worker processes each worker would remember only
    the requests it served, so such a fault is one server's behaviour only with one process."""
    wrapped = FAULTS[name](_no_app)
    return isinstance(wrapped, _Fault) and not inspect.isfunction(wrapped.rewrite)
