"""What the run saw of the server as a whole, beside what each check saw: the evidence for causes.

A check judges its own requests; some causes only show across all of them: every answer is the
same canned body (a mock), every request is answered 200 (nothing is refused), no answer is the
record it was sent to, errors come in another dialect's body. Every answer of a run (the suite's
checks, probes and schemathesis cases) is recorded here as a few counters and digests per
operation, so memory stays small; `oneroster_kit.conformance.causes` and `.dialect` read them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from oneroster_kit.contract import operation, resolve

__all__ = ["Observations", "OperationSeen", "answer_digest", "error_shape", "success_shape"]

_SAMPLES = 5  # examples kept per kind of evidence


def _without_stamps(value: Any) -> Any:
    """The document without `dateLastModified` anywhere (a stub may stamp each canned answer anew)."""
    if isinstance(value, dict):
        return {k: _without_stamps(v) for k, v in value.items() if k != "dateLastModified"}
    if isinstance(value, list):
        return [_without_stamps(v) for v in value]
    return value


def _digest(document: Any, text: str) -> str:
    basis = json.dumps(_without_stamps(document), sort_keys=True) if document is not None else text
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def answer_digest(text: str) -> str:
    """The digest of an answer's body as `Observations` counts it (JSON canonical, stamps aside)."""
    try:
        document = json.loads(text) if text else None
    except ValueError:
        document = None
    return _digest(document, text)


def error_shape(document: Any) -> str:
    """How an error answer is written: `imsx` (the spec's ImsxStatusInfo), `flat-imsx` (a string
    `imsx_codeMinor`), `detail` (FastAPI/Starlette's `{"detail": ...}`), `other` or `not-json`."""
    if not isinstance(document, dict):
        return "not-json" if document is None else "other"
    if "imsx_codeMajor" in document:
        minor = document.get("imsx_CodeMinor")
        if isinstance(minor, dict):
            return "imsx"
        if isinstance(document.get("imsx_codeMinor"), str):
            return "flat-imsx"
        return "other"
    if set(document) == {"detail"}:
        return "detail"
    return "other"


def success_shape(operation_id: str, document: Any) -> tuple[str, dict[str, Any] | None]:
    """(`wrapped` | `bare` | `other`, the resource object) of a 2xx answer."""
    member = operation(operation_id).body_member
    if operation_id == "updateClass":  # the spec answers the bare Class; a wrapper is tolerated
        if isinstance(document, dict) and "sourcedId" not in document and isinstance(document.get(member), dict):
            return "wrapped", document[member]
        return ("bare", document) if isinstance(document, dict) else ("other", None)
    if isinstance(document, dict) and isinstance(document.get(member), dict):
        return "wrapped", document[member]
    if isinstance(document, dict) and "sourcedId" in document:
        return "bare", document
    return "other", None


def _enum_fields(operation_id: str) -> dict[str, tuple[str, ...]]:
    op = operation(operation_id)
    found: dict[str, tuple[str, ...]] = {}
    for name, schema in op.body_schema.get("properties", {}).items():
        resolved = resolve(op.components, schema)
        if isinstance(resolved, dict) and isinstance(resolved.get("enum"), list):
            found[name] = tuple(str(value) for value in resolved["enum"])
    return found


@dataclass
class OperationSeen:
    """Counters of one operation's answers."""

    answers: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    must_refuse: int = 0  # requests without a usable token or with a body the schema refuses
    must_refuse_accepted: int = 0  # ... answered 2xx
    successes: int = 0
    success_bodies: Counter[str] = field(default_factory=Counter)  # digest -> answers
    success_requests: set[str] = field(default_factory=set)  # digests of the requests answered 2xx
    success_sample: dict[str, str] = field(default_factory=dict)  # digest -> the answer's text (first 600)
    answered_own_id: int = 0  # 2xx answers whose object carries the path id
    answered_ids: Counter[str] = field(default_factory=Counter)  # the ids 2xx answers carry (first few)
    success_shapes: Counter[str] = field(default_factory=Counter)
    error_shapes: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, str] = field(default_factory=dict)  # shape -> a body
    no_token_statuses: Counter[int] = field(default_factory=Counter)
    enum_spellings: dict[str, set[str]] = field(default_factory=dict)  # field -> values outside its enum
    read_backs: int = 0  # class answers to an empty update after a write of some fields
    read_backs_lost: int = 0  # ... that no longer held a value written just before

    def as_dict(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "must_refuse": self.must_refuse,
            "must_refuse_accepted": self.must_refuse_accepted,
            "successes": self.successes,
            "distinct_success_bodies": len(self.success_bodies),
            "success_digests": [digest for digest, _ in self.success_bodies.most_common(3)],
            "distinct_success_requests": len(self.success_requests),
            "success_sample": next(iter(self.success_sample.values()), None),
            "answered_own_id": self.answered_own_id,
            "answered_ids": dict(self.answered_ids.most_common(3)),
            "success_shapes": dict(self.success_shapes),
            "error_shapes": dict(self.error_shapes),
            "error_samples": dict(self.error_samples),
            "no_token_statuses": {str(k): v for k, v in sorted(self.no_token_statuses.items())},
            "enum_spellings": {k: sorted(v)[:_SAMPLES] for k, v in sorted(self.enum_spellings.items())},
            "read_backs": self.read_backs,
            "read_backs_lost": self.read_backs_lost,
        }


class Observations:
    """Every answer of the run, folded into `OperationSeen` counters (thread-safe)."""

    def __init__(self) -> None:
        self.operations: dict[str, OperationSeen] = {}
        self._lock = threading.Lock()
        self._written: dict[str, dict[str, Any]] = {}  # class id -> fields its last 2xx update sent
        self._enums = {name: _enum_fields(name) for name in ("putResult", "updateClass")}

    def record(
        self,
        operation_id: str,
        path_id: str,
        request_body: Any,
        authorized: bool,
        status: int,
        response_text: str,
    ) -> None:
        """One answer. `authorized`: the request carried the run's own token (not none, not a bad one)."""
        try:
            document = json.loads(response_text) if response_text else None
        except ValueError:
            document = None
        op = operation(operation_id)
        valid_body = op.request_validator.is_valid(request_body) if request_body is not None else False
        must_refuse = not authorized or not valid_body
        with self._lock:
            seen = self.operations.setdefault(operation_id, OperationSeen())
            seen.answers += 1
            seen.statuses[status] += 1
            ok = 200 <= status < 300
            if must_refuse:
                seen.must_refuse += 1
                seen.must_refuse_accepted += ok
            if ok:
                self._success(seen, operation_id, path_id, request_body, document, response_text, valid_body)
            elif status >= 400:
                shape = error_shape(document)
                seen.error_shapes[shape] += 1
                seen.error_samples.setdefault(shape, response_text[:300])

    def record_no_token(self, operation_id: str, status: int) -> None:
        """The answer to a request sent without any Authorization header."""
        with self._lock:
            self.operations.setdefault(operation_id, OperationSeen()).no_token_statuses[status] += 1

    def _success(
        self,
        seen: OperationSeen,
        operation_id: str,
        path_id: str,
        request_body: Any,
        document: Any,
        text: str,
        valid_body: bool,
    ) -> None:
        seen.successes += 1
        digest = _digest(document, text)
        seen.success_bodies[digest] += 1
        if len(seen.success_sample) < _SAMPLES:
            seen.success_sample.setdefault(digest, text[:600])
        if valid_body and len(seen.success_requests) < 10_000:
            seen.success_requests.add(_digest(request_body, ""))
        shape, resource = success_shape(operation_id, document)
        seen.success_shapes[shape] += 1
        if resource is None:
            return
        answered = resource.get("sourcedId")
        if answered == path_id:
            seen.answered_own_id += 1
        elif isinstance(answered, str) and (answered in seen.answered_ids or len(seen.answered_ids) < 20):
            seen.answered_ids[answered] += 1
        for name, allowed in self._enums[operation_id].items():
            value = resource.get(name)
            if isinstance(value, str) and value not in allowed:
                spellings = seen.enum_spellings.setdefault(name, set())
                if len(spellings) < _SAMPLES:
                    spellings.add(value)
        if operation_id == "updateClass" and valid_body and isinstance(request_body, dict):
            self._read_back(seen, path_id, request_body.get("class"), resource)

    def _read_back(self, seen: OperationSeen, class_id: str, sent: Any, answered: dict[str, Any]) -> None:
        """An empty update reads the class back: the values of the update before it must still be there."""
        if not isinstance(sent, dict):
            return
        if sent:
            self._written[class_id] = dict(sent)
            return
        written = self._written.get(class_id)
        if not written:
            return
        seen.read_backs += 1
        if any(answered.get(name) != value for name, value in written.items() if isinstance(value, str | int)):
            seen.read_backs_lost += 1

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {name: seen.as_dict() for name, seen in sorted(self.operations.items())}
