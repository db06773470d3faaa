"""Synthetic traffic in the NDJSON format: correct exchanges and ones with known defects (a test aid,
not shipped in the wheel).

For the benchmark (`scripts/bench_traffic.py`: a large file, the same file as HAR for other tools)
and the tests. Bodies are the spec's own examples (`openapi.yaml`), answered the way a correct
server answers (the reference server's rules: sent members back, server-set sourcedId and
dateLastModified, class PUTs merged); a defect changes exactly one thing in one answer.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from oneroster_kit.contract import operation, resolve

__all__ = [
    "DEFECTS",
    "HOST",
    "Writer",
    "defect_exchanges",
    "har_document",
    "har_entry",
    "result_body",
    "traffic_lines",
    "write_har",
]

HOST = "https://api.example.org"
TOKEN = "sha256-00000000000000000000000000000001"  # a token in the digest form recordings use
_EPOCH = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC)


def _request_example(operation_id: str) -> dict[str, Any]:
    content = operation(operation_id).definition["requestBody"]["content"]["application/json"]
    body: dict[str, Any] = copy.deepcopy(next(iter(content["examples"].values()))["value"])
    return body


def _class_example() -> dict[str, Any]:
    """The class of the spec's 200 example (unwrapped, should the answer be `{"class": Class}`)."""
    content = operation("updateClass").definition["responses"]["200"]["content"]["application/json"]
    body: dict[str, Any] = copy.deepcopy(next(iter(content["examples"].values()))["value"])
    return body["class"] if _class_wrapped() else body


def _class_wrapped() -> bool:
    op = operation("updateClass")
    schema = resolve(op.components, op.definition["responses"]["200"]["content"]["application/json"]["schema"])
    return isinstance(schema, dict) and schema.get("required") == ["class"]


def _stamp(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Writer:
    """Builds exchange records with advancing times (1 ms apart) and numbered ids."""

    def __init__(self) -> None:
        self.clock = _EPOCH
        self.classes: dict[str, dict[str, Any]] = {}

    def _tick(self) -> datetime.datetime:
        self.clock += datetime.timedelta(milliseconds=20)
        return self.clock

    def record(
        self, method: str, path: str, body: Any, status: int, answer: Any, token: str | None = TOKEN
    ) -> dict[str, Any]:
        started = self._tick()
        headers = [["content-type", "application/json"]]
        if token is not None:
            headers.append(["authorization", f"Bearer {token}"])
        return {
            "started": _stamp(started),
            "request": {"method": method, "url": HOST + path, "headers": headers, "body": json.dumps(body)},
            "response": {
                "status": status,
                "headers": [["content-type", "application/json"]],
                "body": json.dumps(answer),
            },
        }

    def put_result(
        self, rid: str, result: dict[str, Any], edit: Any = None, token: str | None = TOKEN
    ) -> dict[str, Any]:
        path = operation("putResult").path.replace("{sourcedId}", rid)
        stored = {"sourcedId": rid, "dateLastModified": _stamp(self.clock + datetime.timedelta(milliseconds=21))}
        stored.update((k, v) for k, v in result.items() if k not in stored)
        if edit is not None:
            edit(stored)
        if token is None:
            return self.record("PUT", path, {"result": result}, 401, _imsx(401, "unauthorisedrequest"), None)
        return self.record("PUT", path, {"result": result}, 201, {"result": stored}, token)

    def update_class(self, cid: str, update: dict[str, Any], edit: Any = None) -> dict[str, Any]:
        path = operation("updateClass").path.replace("{sourcedId}", cid)
        stored = self.classes.setdefault(cid, {**_class_example(), "sourcedId": cid})
        stored.update(update)
        stored["dateLastModified"] = _stamp(self.clock + datetime.timedelta(milliseconds=21))
        answer = copy.deepcopy(stored)
        if edit is not None:
            edit(answer, update)
        return self.record("PUT", path, {"class": update}, 200, {"class": answer} if _class_wrapped() else answer)


def _imsx(status: int, minor: str) -> dict[str, Any]:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": f"status {status}",
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [{"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}]
        },
    }


def result_body(**changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = _request_example("putResult")["result"]
    result.pop("sourcedId", None)
    result.update(changes)
    return result


def traffic_lines(count: int, resources: int = 50_000) -> Iterator[dict[str, Any]]:
    """`count` correct exchanges: result PUTs over `resources` ids (each rewritten now and then) and
    class updates, in the proportions of a grade-sync client."""
    writer = Writer()
    for index in range(count):
        if index % 10 == 9:
            yield writer.update_class(f"class-{index % 40}", {"title": f"Class title {index}"})
        else:
            yield writer.put_result(f"result-{index % resources}", result_body(score=float(index % 100) + 0.5))


# defect -> (what the traffic check should name, what is wrong)
DEFECTS: dict[str, tuple[str, str]] = {
    "no_token_401": ("", "a request without a token, correctly answered 401 (not a defect)"),
    "stale_echo": ("result_echo", "the answer carries the score of the previous PUT"),
    "merge_not_replace": ("result_upsert", "a second PUT without `comment` still answers the first PUT's comment"),
    "score_rounded": ("result_echo", "87.5 stored and answered as 88"),
    "class_reset": ("class_merge", "a class PUT that resets `location`, which it was not sent"),
    "missing_required": ("response_schema_conformance", "an answer without dateLastModified (required)"),
}


def defect_exchanges() -> Iterator[tuple[str, dict[str, Any]]]:
    """(defect, record) pairs; the records before each defect set up the sequence it breaks."""
    w = Writer()
    yield "no_token_401", w.put_result("defect-r0", result_body(), token=None)
    yield "", w.put_result("defect-r1", result_body(score=70.0))

    def stale(stored: dict[str, Any]) -> None:
        stored["score"] = 70.0

    yield "stale_echo", w.put_result("defect-r1", result_body(score=75.0), stale)
    yield "", w.put_result("defect-r2", result_body(comment="first comment"))
    second = result_body()
    second.pop("comment")

    def merged(stored: dict[str, Any]) -> None:
        stored["comment"] = "first comment"

    yield "merge_not_replace", w.put_result("defect-r2", second, merged)

    def rounded(stored: dict[str, Any]) -> None:
        stored["score"] = 88.0

    yield "score_rounded", w.put_result("defect-r3", result_body(score=87.5), rounded)
    yield "", w.update_class("class-alg1-p1", {"location": "Room 204"})

    def reset(answer: dict[str, Any], update: dict[str, Any]) -> None:
        answer["location"] = None

    yield "class_reset", w.update_class("class-alg1-p1", {"title": "Algebra I"}, reset)

    def drop(stored: dict[str, Any]) -> None:
        stored.pop("dateLastModified")

    yield "missing_required", w.put_result("defect-r4", result_body(), drop)


def _har_headers(pairs: list[list[str]]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in pairs]


def har_entry(record: dict[str, Any]) -> dict[str, Any]:
    """One NDJSON exchange record as a HAR 1.2 entry."""
    request, response = record["request"], record["response"]
    return {
        "startedDateTime": record["started"],
        "time": 1,
        "request": {
            "method": request["method"],
            "url": request["url"],
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _har_headers(request["headers"]),
            "queryString": [],
            "postData": {"mimeType": "application/json", "text": request["body"]},
            "headersSize": -1,
            "bodySize": len(request["body"]),
        },
        "response": {
            "status": response["status"],
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _har_headers(response["headers"]),
            "content": {"size": len(response["body"]), "mimeType": "application/json", "text": response["body"]},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(response["body"]),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }


_CREATOR = {"name": "oneroster-kit synthetic", "version": "1"}


def har_document(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The same exchanges as a HAR 1.2 log (for tools that read HAR)."""
    return {"log": {"version": "1.2", "creator": _CREATOR, "entries": [har_entry(r) for r in records]}}


def write_har(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write a HAR 1.2 file entry by entry (a large one never sits in memory); its size in bytes."""
    with path.open("w") as handle:
        handle.write('{"log": {"version": "1.2", "creator": ' + json.dumps(_CREATOR) + ', "entries": [')
        for index, record in enumerate(records):
            handle.write(("," if index else "") + json.dumps(har_entry(record)))
        handle.write("]}}")
    return path.stat().st_size
