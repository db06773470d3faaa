"""In-process checks of the server's building blocks where a subprocess cannot reach the case."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from oneroster_kit.contract import operation
from oneroster_kit.server import faults
from oneroster_kit.server.documents import result_document
from oneroster_kit.server.jsondoc import encode, parse_body
from oneroster_kit.server.schemawalk import project
from oneroster_kit.server.storage import StorageError, Store, Write, format_timestamp


def test_clock_advances_past_a_future_stamp_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "clock.db"
    store = Store(path)
    far_future = 4_102_444_800_000  # 2100-01-01: as if the wall clock had stepped back
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'last_modified_ms'", (str(far_future),))
    first = store.put_result("r", lambda stamp: result_document("r", {}, stamp))
    assert '"dateLastModified":"2100-01-01T00:00:00.001Z"' in first
    store.close()
    reopened = Store(path)
    assert not reopened.is_new
    second = reopened.put_result("r", lambda stamp: result_document("r", {}, stamp))
    assert '"dateLastModified":"2100-01-01T00:00:00.002Z"' in second
    reopened.close()


def test_timestamp_format() -> None:
    assert format_timestamp(0) == "1970-01-01T00:00:00.000Z"
    assert format_timestamp(1_000_000_000_123) == "2001-09-09T01:46:40.123Z"


def test_failed_write_rolls_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "rollback.db")

    def explode(stamp: str) -> str:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.put_result("r", explode)
    assert store.get_result("r") is None
    stored = store.put_result("r", lambda stamp: result_document("r", {}, stamp))
    assert store.get_result("r") == stored


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="cannot open the database"):
        Store(path)


def test_projection_drops_undeclared_members_but_keeps_free_form_metadata() -> None:
    op = operation("putResult")
    document = parse_body(
        b'{"result": {"x": 1, "metadata": {"any": {"thing": [1]}}, "class": {"sourcedId": "c", "y": 2},'
        b' "scoreScale": null, "learningObjectiveSet": [{"source": "s", "z": 3, "learningObjectiveResults":'
        b' [{"learningObjectiveId": "lo", "w": 4}]}]}, "top": true}'
    )
    assert encode(project(op.components, op.request_validator.schema, document)) == (
        '{"result":{"metadata":{"any":{"thing":[1]}},"class":{"sourcedId":"c"},"scoreScale":null,'
        '"learningObjectiveSet":[{"source":"s","learningObjectiveResults":[{"learningObjectiveId":"lo"}]}]}}'
    )


def test_encode_keeps_lone_surrogates_escaped() -> None:
    assert encode(parse_body(b'{"a": "\\ud800"}')) == '{"a":"\\ud800"}'


def test_faults_are_applied_in_order_and_unknown_names_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def tagging(tag: str) -> Callable[[ASGIApp], ASGIApp]:
        def factory(app: ASGIApp) -> ASGIApp:
            async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
                calls.append(tag)
                await app(scope, receive, send)

            return wrapped

        return factory

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append("app")

    monkeypatch.setitem(faults.FAULTS, "first", tagging("first"))
    monkeypatch.setitem(faults.FAULTS, "second", tagging("second"))
    app = faults.apply_faults(inner, ["first", "second"])
    asyncio.run(app({"type": "http"}, None, None))  # type: ignore[arg-type]
    assert calls == ["second", "first", "app"]
    with pytest.raises(faults.UnknownFaultError, match="unknown fault"):
        faults.apply_faults(inner, ["missing"])


def test_a_storage_failure_answers_500_imsx_and_is_logged(tmp_path: Path) -> None:
    """The catch-all, with a fault injected in-process (a disk error): a valid 500 body, a log entry."""
    import io
    import sqlite3 as sqlite

    import httpx

    from oneroster_kit.server.app import ReferenceApp, ServerSettings
    from oneroster_kit.server.auth import TokenIssuer, derive_token_key

    class FailingStore(Store):
        def write_batch(self, writes: Sequence[Write]) -> list[str | Exception | None]:
            raise sqlite.OperationalError("disk I/O error")

    store = FailingStore(tmp_path / "failing.db")
    log = io.StringIO()
    app = ReferenceApp(store, ServerSettings("c", "s", 60), log=log)
    token = TokenIssuer(derive_token_key("s", store.token_salt), "c").issue(operation("putResult").scopes, 60)
    body = {"result": {"status": "active", "lineItem": {"sourcedId": "l"}, "student": {"sourcedId": "s"},
                       "scoreStatus": "exempt", "scoreDate": "2026-11-20T14:30:00Z"}}  # fmt: skip

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.put(
                "/ims/oneroster/gradebook/v1p2/results/r", json=body, headers={"Authorization": f"Bearer {token}"}
            )

    response = asyncio.run(call())
    assert response.status_code == 500
    validator = operation("putResult").response_validator(500)
    assert validator is not None and validator.violations(response.json()) == []
    assert response.json()["imsx_description"] == "Internal server error."
    assert "UNHANDLED PUT" in log.getvalue() and "disk I/O error" in log.getvalue()
    assert " 500 " in log.getvalue().splitlines()[-1]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("87.5", "87.5"), ("87.50", "87.50"), ("90", "90"), ("-0", "-0"), ("-0.0", "-0.0"), ("0.1", "0.1"),
     ("1e400", "1E+400"), ("1E+2", "1E+2"), ("1.5e-07", "1.5e-07"), ("1.5E-7", "1.5E-7"), ("-1E+99999", "-1E+99999"),
     ("9007199254740993", "9007199254740993"),
     ("1234567890123456789012345678901234567890", "1234567890123456789012345678901234567890"),
     ("0.10000000000000000001", "0.10000000000000000001"), ("3.141592653589793", "3.141592653589793"),
     ("2.5E-324", "2.5E-324")],
)  # fmt: skip
def test_every_number_is_stored_as_the_number_it_was_sent_as(sent: str, stored: str) -> None:
    """Numbers a float or int writes back unchanged take the C encoder's path, the rest the exact one
    (digits kept; an exponent is written in Decimal's form): no number is rounded or overflows."""
    raw = f'{{"score": {sent}, "list": [{sent}], "nested": {{"n": {sent}}}}}'
    assert encode(parse_body(raw.encode())) == f'{{"score":{stored},"list":[{stored}],"nested":{{"n":{stored}}}}}'


def test_a_deep_body_is_refused_even_when_it_has_few_brackets_per_level() -> None:
    from oneroster_kit.server.jsondoc import MAX_DEPTH, BodyError

    parse_body(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)  # at the limit: accepted (the bracket count alone skips)
    with pytest.raises(BodyError, match="nested too deeply"):
        parse_body(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    with pytest.raises(BodyError, match="nested too deeply"):
        parse_body(b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1))


def test_a_cached_token_is_still_refused_once_it_expires() -> None:
    import time

    from oneroster_kit.server.auth import BearerError, TokenIssuer

    issuer = TokenIssuer(b"k" * 32, "client")
    header = "Bearer " + issuer.issue(["s"], 1)
    assert issuer.verify(header).client_id == "client"  # verified once: now served from the cache
    assert issuer.verify(header).client_id == "client"
    time.sleep(1.05)
    with pytest.raises(BearerError, match="expired"):
        issuer.verify(header)
    forged = header[:-2] + ("AA" if not header.endswith("AA") else "BB")
    with pytest.raises(BearerError, match="Unknown bearer token"):
        issuer.verify(forged)  # only verified tokens are cached


@pytest.mark.parametrize(
    ("result", "text"),
    [({}, '{"sourcedId":"r/1 \\u00e9","dateLastModified":"2026-11-20T14:30:00.123Z"}'),
     ({"sourcedId": "r/1 é", "dateLastModified": "sent", "score": 1, "comment": "é"},
      '{"sourcedId":"r/1 \\u00e9","dateLastModified":"2026-11-20T14:30:00.123Z","score":1,"comment":"\\u00e9"}'),
     ({"metadata": {"n": parse_body(b"[87.50, 1e400, 0.5]")}},
      '{"sourcedId":"r/1 \\u00e9","dateLastModified":"2026-11-20T14:30:00.123Z","metadata":{"n":[87.50,1E+400,0.5]}}')],
)  # fmt: skip
def test_a_stored_result_starts_with_the_server_set_members_and_keeps_the_sent_ones(
    result: dict[str, object], text: str
) -> None:
    assert result_document("r/1 é", result, "2026-11-20T14:30:00.123Z") == text


def test_the_app_serves_the_contract_it_is_given(tmp_path: Path) -> None:
    """An entry point loads the spec once and passes it (ReferenceApp(contract=...)); the app routes by it."""
    import httpx

    from oneroster_kit.contract import load_contract
    from oneroster_kit.server.app import ReferenceApp, ServerSettings
    from oneroster_kit.server.auth import TokenIssuer, derive_token_key
    from oneroster_kit.spec import spec_path

    moved = tmp_path / "openapi.yaml"
    moved.write_text(spec_path().read_text(encoding="utf-8").replace("/v1p2/results/", "/v1p2/scores/"))
    store = Store(tmp_path / "moved.db")
    app = ReferenceApp(store, ServerSettings("c", "s", 60), contract=load_contract(moved))
    token = TokenIssuer(derive_token_key("s", store.token_salt), "c").issue(operation("putResult").scopes, 60)
    body = {"result": {"status": "active", "lineItem": {"sourcedId": "l"}, "student": {"sourcedId": "s"},
                       "scoreStatus": "exempt", "scoreDate": "2026-11-20T14:30:00Z"}}  # fmt: skip

    async def put(path: str) -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.put(path, json=body, headers={"Authorization": f"Bearer {token}"})
            return response.status_code

    assert asyncio.run(put("/ims/oneroster/gradebook/v1p2/scores/r")) == 201
    assert asyncio.run(put("/ims/oneroster/gradebook/v1p2/results/r")) == 404
