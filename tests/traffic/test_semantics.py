"""Defects a schema alone cannot see, each named by the suite's check and citing its exchanges."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.synthetic_traffic import DEFECTS, defect_exchanges, traffic_lines
from tests.traffic.conftest import run_traffic


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def test_known_defects_are_named_at_their_lines(tmp_path: Path) -> None:
    pairs = list(defect_exchanges())
    path = _write(tmp_path / "defects.ndjson", [record for _, record in pairs])
    run = run_traffic([str(path), "--blame", "server"], tmp_path / "report")
    assert run.code == 1
    found = {(f["check"], f["exchanges"][-1]) for f in run.result["failures"]}
    for line, (defect, _record) in enumerate(pairs, 1):
        check = DEFECTS[defect][0] if defect else ""
        if check:
            assert (check, f"defects.ndjson line {line}") in found, (defect, found)
    # the correct 401 to a request without a token is not a server finding
    assert not any(ref.endswith("line 1") for _, ref in found)
    merged = next(f for f in run.result["failures"] if f["check"] == "result_upsert")
    assert merged["exchanges"] == ["defects.ndjson line 4", "defects.ndjson line 5"]


def test_correct_synthetic_traffic_is_clean(tmp_path: Path) -> None:
    path = _write(tmp_path / "correct.ndjson", list(traffic_lines(600, resources=50)))
    run = run_traffic([str(path)], tmp_path / "report")
    assert run.code == 0, run.stdout
    assert run.result["checks"]["result_upsert"]["exchanges_checked"] > 400


def test_resource_state_is_bounded(tmp_path: Path) -> None:
    """Beyond the limit the oldest resources are forgotten (and the report says so)."""
    from oneroster_kit.traffic.checker import TrafficOptions, check_traffic

    path = _write(tmp_path / "many.ndjson", list(traffic_lines(300, resources=200)))
    document = check_traffic(TrafficOptions(files=(path,), resource_limit=50))
    assert document["exit_code"] == 0
    assert any("not followed further" in note for note in document["notes"])


def _jwt(claims: dict[str, object]) -> str:
    import base64

    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'k'})}.{part(claims)}.c2lnbmF0dXJl"


def test_jwt_claims_judge_scope_and_expiry_without_the_grant(tmp_path: Path) -> None:
    """A TimeBack-style JWT says its scope and expiry itself: a 201 to one that lacks the scope, or
    that expired, is the server's fault; the same token valid and in scope is clean."""
    from oneroster_kit.contract import operation
    from tests.support.synthetic_traffic import Writer, result_body

    writer = Writer()  # its clock starts at 2026-11-20T14:00Z
    roster_only = _jwt({"scope": operation("updateClass").scopes[0], "exp": 4102444800})
    expired = _jwt({"scope": operation("putResult").scopes[0], "exp": 1700000000})
    fine = _jwt({"scope": operation("putResult").scopes[0], "exp": 4102444800})
    records = [
        writer.put_result("jwt-r1", result_body(), token=roster_only),
        writer.put_result("jwt-r2", result_body(), token=expired),
        writer.put_result("jwt-r3", result_body(), token=fine),
    ]
    run = run_traffic([str(_write(tmp_path / "jwt.ndjson", records)), "--blame", "server"], tmp_path / "r")
    assert run.result["failed_checks"] == {"auth_scope": 1, "auth_expired_token": 1}, run.stdout
    refs = {f["check"]: f["exchanges"][-1] for f in run.result["failures"]}
    assert refs == {"auth_scope": "jwt.ndjson line 1", "auth_expired_token": "jwt.ndjson line 2"}
    assert roster_only not in run.reports_text()
