"""Id identity and write atomicity, judged from traffic alone: a look-alike id answered with another
id's record, an answer that mixes concurrent writes, and concurrent writes stamped in either order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oneroster_kit.contract import operation
from tests.support.synthetic_traffic import Writer, result_body
from tests.traffic.conftest import run_traffic

PATH = operation("putResult").path


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def _put(writer: Writer, rid: str, sent: dict[str, Any], answered: dict[str, Any], stamp: str) -> dict[str, Any]:
    answer = {"result": {**answered, "sourcedId": answered.get("sourcedId", rid), "dateLastModified": stamp}}
    return writer.record("PUT", PATH.replace("{sourcedId}", rid), {"result": sent}, 201, answer)


def _concurrent(records: list[dict[str, Any]], ms: float = 50.0) -> list[dict[str, Any]]:
    """The records as writes in flight at once: started 1 ms apart, each lasting `ms`."""
    first = records[0]["started"]
    for index, record in enumerate(records):
        record["started"] = first[:-4] + f"{int(first[-4:-1]) + index:03d}Z"
        record["durationMs"] = ms
    return records


def test_a_look_alike_id_answered_with_another_ids_record_is_named(tmp_path: Path) -> None:
    writer = Writer()
    body = result_body()
    records = [
        _put(writer, "case-r1", body, body, "2026-11-20T14:00:01.000Z"),
        _put(writer, "CASE-R1", body, {**body, "sourcedId": "case-r1"}, "2026-11-20T14:00:02.000Z"),
        _put(writer, "case-r2", body, body, "2026-11-20T14:00:03.000Z"),
    ]
    run = run_traffic([str(_write(tmp_path / "ids.ndjson", records)), "--blame", "server"], tmp_path / "r")
    assert run.result["failed_checks"].get("id_distinct") == 1, run.stdout
    found = next(f for f in run.result["failures"] if f["check"] == "id_distinct")
    assert found["exchanges"] == ["ids.ndjson line 1", "ids.ndjson line 2"]
    assert "'CASE-R1'" in found["message"] and "one record" in found["message"]


def test_an_answer_mixing_concurrent_writes_is_named(tmp_path: Path) -> None:
    writer = Writer()
    one, two = result_body(score=1.0, comment="writer 1"), result_body(score=2.0, comment="writer 2")
    mix = {**one, "comment": "writer 2"}  # the score of one write, the comment of the other
    records = _concurrent(
        [
            _put(writer, "atomic-r1", one, mix, "2026-11-20T14:00:01.000Z"),
            _put(writer, "atomic-r1", two, two, "2026-11-20T14:00:01.001Z"),
        ]
    )
    run = run_traffic([str(_write(tmp_path / "mix.ndjson", records)), "--blame", "server"], tmp_path / "r")
    assert run.result["failed_checks"].get("write_atomic") == 1, run.stdout
    found = next(f for f in run.result["failures"] if f["check"] == "write_atomic")
    assert "the answer at mix.ndjson line 1 is none of the PUTs" in found["message"]


def test_concurrent_whole_writes_stamped_in_either_order_are_clean(tmp_path: Path) -> None:
    """Recorded as they end, the later-stamped write may come first; each answering a whole write
    (its own, or the other's entirely) is not a mix."""
    writer = Writer()
    one, two, three = (result_body(score=float(n), comment=f"writer {n}") for n in (1, 2, 3))
    records = _concurrent(
        [
            _put(writer, "atomic-r2", one, one, "2026-11-20T14:00:01.005Z"),
            _put(writer, "atomic-r2", two, two, "2026-11-20T14:00:01.002Z"),
            _put(writer, "atomic-r2", three, two, "2026-11-20T14:00:01.006Z"),
        ]
    )
    run = run_traffic([str(_write(tmp_path / "whole.ndjson", records)), "--blame", "server"], tmp_path / "r")
    assert "write_atomic" not in run.result["failed_checks"], run.stdout
    assert "date_last_modified" not in run.result["failed_checks"], run.stdout
    assert run.result["checks"]["write_atomic"]["exchanges_checked"] == 2
