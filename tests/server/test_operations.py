"""Both operations against the real server process, with a real token, checked against the spec."""

from __future__ import annotations

import json
import sqlite3

import httpx
from oneroster_client.api.gradebook import put_result
from oneroster_client.api.rostering import update_class
from oneroster_client.client import AuthenticatedClient
from oneroster_client.models import PutClassRequest, PutResultRequest

from oneroster_kit.server.process import ReferenceServer

from .conftest import CLASSES, RESULTS, assert_documented, result_body


def test_put_result_creates_then_updates_with_advancing_date(client: httpx.Client) -> None:
    first = client.put(RESULTS + "r-create", json=result_body("r-create"))
    created = assert_documented("putResult", first)["result"]
    assert first.status_code == 201
    assert created["sourcedId"] == "r-create"
    assert created["score"] == 87.5
    second = client.put(RESULTS + "r-create", json=result_body(score=91, comment="regraded"))
    updated = assert_documented("putResult", second)["result"]
    assert second.status_code == 201
    assert (updated["score"], updated["comment"]) == (91, "regraded")
    assert updated["dateLastModified"] > created["dateLastModified"]
    assert updated["dateLastModified"].endswith("Z") and len(updated["dateLastModified"]) == 24


def test_put_result_is_idempotent_except_date(client: httpx.Client) -> None:
    body = result_body("r-idem", metadata={"attempt": 1}, learningObjectiveSet=None)
    one = client.put(RESULTS + "r-idem", json=body).json()["result"]
    two = client.put(RESULTS + "r-idem", json=body).json()["result"]
    assert one.pop("dateLastModified") < two.pop("dateLastModified")
    assert one == two


def test_put_result_echoes_numbers_exactly_and_drops_unknown_members(client: httpx.Client) -> None:
    raw = (
        b'{"result": {"status": "active", "lineItem": {"sourcedId": "li", "extra": 1}, "student": {"sourcedId": "s"},'
        b' "scoreStatus": "submitted", "scoreDate": "2026-11-20T14:30:00.5+02:00", "score": 0.10000000000000000000001,'
        b' "metadata": {"big": 123456789012345678901234567890, "tiny": 1e-400, "nested": {"keep": [1, 2.50]}},'
        b' "dateLastModified": "1999-01-01T00:00:00Z", "unknownMember": "dropped"}, "alsoUnknown": true}'
    )
    response = client.put(RESULTS + "r-exact", content=raw, headers={"Content-Type": "application/json"})
    assert_documented("putResult", response)
    text = response.text
    assert '"score":0.10000000000000000000001' in text
    assert '"big":123456789012345678901234567890' in text and '"tiny":1E-400' in text
    assert '"keep":[1,2.50]' in text
    result = json.loads(text)["result"]
    assert "unknownMember" not in result and "extra" not in result["lineItem"]
    assert result["dateLastModified"] != "1999-01-01T00:00:00Z"  # server-set, input ignored


def test_put_result_with_nulls_the_spec_allows(client: httpx.Client) -> None:
    body = result_body(
        **{"class": None, "scoreScale": None, "score": None, "textScore": None, "comment": None, "metadata": None}
    )
    result = assert_documented("putResult", client.put(RESULTS + "r-nulls", json=body))["result"]
    assert result["class"] is None and result["score"] is None and result["metadata"] is None


def test_update_class_is_partial_and_returns_the_whole_class(server: ReferenceServer, client: httpx.Client) -> None:
    class_id = server.class_ids[0]
    before = assert_documented("updateClass", client.put(CLASSES + class_id, json={"class": {}}))
    response = client.put(
        CLASSES + class_id,
        json={"class": {"title": "Renamed", "location": None, "terms": [{"sourcedId": "term x/ü"}], "ignored": 1}},
    )
    after = assert_documented("updateClass", response)
    assert response.status_code == 200
    assert after["title"] == "Renamed" and after["location"] is None and "ignored" not in after
    assert after["terms"] == [
        {
            "href": server.base_url + "/ims/oneroster/rostering/v1p2/terms/term%20x%2F%C3%BC",
            "sourcedId": "term x/ü",
            "type": "academicSession",
        }
    ]
    for unchanged in ("classCode", "classType", "grades", "subjects", "course", "school", "status"):
        assert after[unchanged] == before[unchanged], unchanged
    assert after["course"]["href"].startswith(server.base_url + "/")
    assert after["dateLastModified"] > before["dateLastModified"]


def test_update_class_hrefs_follow_the_request_host(server: ReferenceServer, client: httpx.Client) -> None:
    response = client.put(CLASSES + server.class_ids[1], json={"class": {}}, headers={"Host": "api.example.test:8443"})
    school = assert_documented("updateClass", response)["school"]
    assert school["href"].startswith("http://api.example.test:8443/ims/oneroster/rostering/v1p2/schools/")


def test_update_unknown_class_is_404_and_not_created(server: ReferenceServer, client: httpx.Client) -> None:
    response = client.put(CLASSES + "class-does-not-exist", json={"class": {"title": "x"}})
    body = assert_documented("updateClass", response)
    assert response.status_code == 404
    assert "class-does-not-exist" in body["imsx_description"]
    assert body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "unknownobject"
    with sqlite3.connect(server.db_path) as db:
        assert db.execute("SELECT count(*) FROM classes WHERE sourced_id = 'class-does-not-exist'").fetchone() == (0,)


def test_generated_client_round_trip(server: ReferenceServer, token: str) -> None:
    """The generated SDK, unmodified, drives both operations and parses both answers."""
    sdk = AuthenticatedClient(base_url=server.base_url, token=token)
    with sdk:
        stored = put_result.sync_detailed(
            "r-sdk/with slash", client=sdk, body=PutResultRequest.from_dict(result_body("r-sdk/with slash"))
        )
        assert stored.status_code == 201
        assert stored.parsed is not None and stored.parsed.result.sourced_id == "r-sdk/with slash"  # type: ignore[union-attr]
        updated = update_class.sync_detailed(
            server.class_ids[2], client=sdk, body=PutClassRequest.from_dict({"class": {"periods": ["7"]}})
        )
        assert updated.status_code == 200
        assert updated.parsed is not None and updated.parsed.periods == ["7"]  # type: ignore[union-attr]
