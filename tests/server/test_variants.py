"""The server variants (`--only`, `--update-only`, `--dialect`, `--canned`) behave as documented, on real processes.

They are the fixtures of the conformance suite's partial- and foreign-server tests, so each trait
the suite must recognise is asserted here on the wire.
"""

from __future__ import annotations

import httpx
import pytest

from oneroster_kit.server.app import ReferenceApp
from oneroster_kit.server.process import ReferenceServer
from oneroster_kit.server.variants import SEEDED_RESULTS, Variant, VariantApp, apply_dialect
from tests.server.conftest import CLASSES, RESULTS, fetch_token, result_body

FOREIGN_RESULTS = "/ims/oneroster/v1p2/results/"


def _put(server: ReferenceServer, path: str, body: object, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.put(server.base_url + path, json=body, headers=headers)


def test_only_one_operation_leaves_the_other_unrouted() -> None:
    with ReferenceServer(extra_args=["--only", "putResult"]) as server:
        token = fetch_token(server)
        assert _put(server, RESULTS + "r1", result_body("r1"), token).status_code == 201
        unrouted = _put(server, CLASSES + "class-alg1-p1", {"class": {}}, token)
        nowhere = _put(server, "/ims/oneroster/rostering/v1p2/no-such/x", {"class": {}}, token)
        assert server.class_ids == []  # the ready line names no class: none can be updated
    assert unrouted.status_code == nowhere.status_code == 404
    # the same answer as for any path the server does not serve (only the path differs)
    assert unrouted.json()["imsx_description"] == f"No operation at {CLASSES}class-alg1-p1."
    assert nowhere.json()["imsx_description"].startswith("No operation at ")


def test_update_only_refuses_to_create_and_updates_the_seeded_results() -> None:
    with ReferenceServer(extra_args=["--update-only"]) as server:
        token = fetch_token(server)
        assert server.result_ids == list(SEEDED_RESULTS)
        created = _put(server, RESULTS + "brand-new", result_body("brand-new"), token)
        updated = _put(server, RESULTS + SEEDED_RESULTS[0], result_body(SEEDED_RESULTS[0], score=12.5), token)
        without_token = _put(server, RESULTS + "brand-new", result_body(), None)
        invalid = _put(server, RESULTS + "brand-new", {"result": {}}, token)
    assert created.status_code == 404
    assert "brand-new" in created.json()["imsx_description"]
    minor = created.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    assert minor == "unknownobject"
    assert updated.status_code == 201 and updated.json()["result"]["score"] == 12.5
    # the existence test runs after the gates: a missing token or a bad body is refused as usual
    assert without_token.status_code == 401 and invalid.status_code == 422


def test_fastapi_dialect_speaks_its_own_oneroster() -> None:
    existing = SEEDED_RESULTS[0]
    with ReferenceServer(extra_args=["--dialect", "fastapi"]) as server:
        grant = httpx.post(
            server.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": server.client_id,
                "client_secret": server.client_secret,
            },
        ).json()
        token = grant["access_token"]
        spec_scope = httpx.post(
            server.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": server.client_id,
                "client_secret": server.client_secret,
                "scope": "https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput",
            },
        )
        own_scope = fetch_token(server, scope="results:write")
        bare = dict(result_body(existing, scoreStatus="partially graded")["result"])
        answered = _put(server, FOREIGN_RESULTS + existing, bare, token)
        wrapped = _put(server, FOREIGN_RESULTS + existing, result_body(existing, score=3.25), own_scope)
        python_spelling = _put(server, FOREIGN_RESULTS + existing, {**bare, "scoreStatus": "fully_graded"}, token)
        new_id = _put(server, FOREIGN_RESULTS + "brand-new", bare, token)
        spec_path = _put(server, RESULTS + existing, result_body(existing), token)
        classes = _put(server, CLASSES + "class-alg1-p1", {"class": {}}, token)
        no_token = _put(server, FOREIGN_RESULTS + existing, bare, None)
        bad_token = _put(server, FOREIGN_RESULTS + existing, bare, "not-a-token")
        invalid = _put(server, FOREIGN_RESULTS + existing, {**bare, "scoreStatus": "GRADED"}, token)
        assert server.class_ids == [] and server.result_ids == list(SEEDED_RESULTS)
    assert grant["scope"] == "results:write classes:write"  # its own scope names
    assert spec_scope.status_code == 400 and spec_scope.json()["error"] == "invalid_scope"
    assert answered.status_code == 200
    assert answered.json()["sourcedId"] == existing and "result" not in answered.json()  # a bare Result
    assert answered.json()["scoreStatus"] == "partially_graded"  # Python's spelling of the enum
    assert wrapped.status_code == 200 and wrapped.json()["score"] == 3.25  # the wrapper is read too
    assert python_spelling.status_code == 200 and python_spelling.json()["scoreStatus"] == "fully_graded"
    assert (new_id.status_code, new_id.json()) == (404, {"detail": "Result not found"})
    assert (spec_path.status_code, spec_path.json()) == (404, {"detail": "Not Found"})
    assert (classes.status_code, classes.json()) == (404, {"detail": "Not Found"})
    assert (no_token.status_code, no_token.json()) == (403, {"detail": "Not authenticated"})
    assert bad_token.status_code == 401 and set(bad_token.json()) == {"detail"}
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["body", "scoreStatus"]


def test_flat_imsx_dialect_flattens_error_bodies_only() -> None:
    with ReferenceServer(extra_args=["--dialect", "flat-imsx"]) as server:
        token = fetch_token(server)
        ok = _put(server, RESULTS + "r1", result_body("r1"), token)
        missing = _put(server, CLASSES + "no-such-class", {"class": {}}, token)
    assert ok.status_code == 201 and "result" in ok.json()
    body = missing.json()
    assert missing.status_code == 404 and body["imsx_codeMinor"] == "unknownobject" and "imsx_CodeMinor" not in body


@pytest.mark.parametrize("mode", ["after-gates", "always"])
def test_canned_answers_are_the_spec_example_whatever_was_sent(mode: str) -> None:
    with ReferenceServer(extra_args=["--canned", mode]) as server:
        token = fetch_token(server)
        first = _put(server, RESULTS + "r1", result_body("r1", score=1.0), token)
        second = _put(server, RESULTS + "r2", result_body("r2", score=2.0), token)
        klass = _put(server, CLASSES + "class-bio-p3", {"class": {"title": "New"}}, token)
        no_token = _put(server, RESULTS + "r3", result_body("r3"), None)
    assert first.status_code == second.status_code == klass.status_code == 200
    assert first.json() == second.json() and first.json()["result"]["sourcedId"] == "result-2026-alg1-quiz3-stu42"
    assert klass.json()["sourcedId"] == "class-alg1-p1" and klass.json()["title"] != "New"
    assert no_token.status_code == (401 if mode == "after-gates" else 200)


def test_the_default_server_builds_no_variant() -> None:
    """With no variant option the server is the reference app, unwrapped: its hot path is unchanged."""
    default = Variant()
    assert not default.reshapes_app and default.served == ("putResult", "updateClass")
    sentinel = object()
    assert apply_dialect(sentinel, default) is sentinel  # type: ignore[arg-type]
    assert VariantApp.__mro__[1] is ReferenceApp
    with pytest.raises(ValueError, match="not an operation"):
        Variant(only=("getResult",))
