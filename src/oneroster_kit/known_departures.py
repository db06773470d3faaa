"""Departures from `openapi.yaml` that real clients or servers are known to make, in plain words.

One list, used where a body breaks the spec: the reference server's 422 text says what was
expected, and the conformance report names the departure when a server under test makes one.
Each entry is evidence-backed (the client library and version, or the source, that does it; see
README "Interoperability"); none of them changes a verdict, which stays with the spec. Detection
works on a whole body or on a fragment of one (`embed`), because a schemathesis failure carries
only the failing part of the response.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["DEPARTURES", "Direction", "KnownDeparture", "embed", "find", "plain_words"]

Direction = Literal["request", "response"]

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_FLAGS = ("inProgress", "incomplete", "late", "missing")


@dataclass(frozen=True)
class KnownDeparture:
    """One known way of breaking the spec: where, what, who does it, and what the spec wants."""

    name: str
    operation_id: str
    directions: frozenset[Direction]
    field: str  # where, as the request body names it, e.g. "class.grades"
    what: str  # e.g. "grades sent as JSON integers"
    who: str  # the evidence: which client or source does this
    expected: str  # what the spec requires, in plain words
    present: Callable[[Any], bool]  # on the inner object: the result or the class

    def sentence(self) -> str:
        """E.g. "grades sent as JSON integers: a known client does this (...); the spec requires ..."."""
        return f"{self.what}: a known client does this ({self.who}); the spec requires {self.expected}"


def _is_int(value: Any) -> bool:
    # The server reads numbers as Decimal; whole Decimals count as integers too.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return type(value).__name__ == "Decimal" and value == value.to_integral_value()


def _items(document: Any, key: str) -> list[Any]:
    value = document.get(key) if isinstance(document, dict) else None
    return value if isinstance(value, list) else []


def _grades_are_integers(document: Any) -> bool:
    return any(_is_int(grade) for grade in _items(document, "grades"))


def _org_without_school(document: Any) -> bool:
    return isinstance(document, dict) and "org" in document and "school" not in document


def _objective_ids(document: Any) -> bool:
    return any(
        isinstance(entry, dict) and "learningObjectiveIds" in entry and "learningObjectiveResults" not in entry
        for entry in _items(document, "learningObjectiveSet")
    )


def _score_date_is_a_date(document: Any) -> bool:
    value = document.get("scoreDate") if isinstance(document, dict) else None
    return isinstance(value, str) and _DATE_ONLY.fullmatch(value) is not None


def _flags_are_booleans(document: Any) -> bool:
    return isinstance(document, dict) and any(isinstance(document.get(flag), bool) for flag in _FLAGS)


_BOTH: frozenset[Direction] = frozenset({"request", "response"})

DEPARTURES: tuple[KnownDeparture, ...] = (
    KnownDeparture(
        "grades_as_integers",
        "updateClass",
        _BOTH,
        "class.grades",
        "grades sent as JSON integers",
        "timeback-oneroster 0.4.0 turns grades into integers before sending them, e.g. [9, 10]",
        'strings from TimeBack\'s grade list, e.g. ["9", "10"] ("-1" Pre-K, "0" Kindergarten, "13" AP)',
        _grades_are_integers,
    ),
    KnownDeparture(
        "class_answer_enveloped",
        "updateClass",
        frozenset({"response"}),
        "(body)",
        'the class answered wrapped as {"class": {...}}',
        "timeback 0.3.0 expects this shape, which TimeBack uses for GET /classes/{sourcedId}",
        "the bare Class object for a class PUT (every TimeBack source documents it so)",
        lambda document: False,  # decided on the whole body in `find`, not on the inner object
    ),
    KnownDeparture(
        "org_instead_of_school",
        "updateClass",
        frozenset({"response"}),
        "school",
        "the class's school named `org`",
        "timeback 0.3.0 requires `org` in a class, as Alpha's earlier OneRoster extension named it",
        '`school`, a GUIDRef of type "org" (TimeBack and OneRoster 1.2 both name it school)',
        _org_without_school,
    ),
    KnownDeparture(
        "learning_objective_ids",
        "putResult",
        _BOTH,
        "result.learningObjectiveSet",
        "learning objective scores listed under `learningObjectiveIds`",
        "the Speakeasy TypeScript SDK for TimeBack does this, from TimeBack's May 2025 spec",
        "`learningObjectiveResults` (TimeBack since Oct 2025, and OneRoster 1.2)",
        _objective_ids,
    ),
    KnownDeparture(
        "score_date_as_date",
        "putResult",
        _BOTH,
        "result.scoreDate",
        "scoreDate sent as a plain date",
        'OneRoster 1.2 types it as a date, and timeback-oneroster 0.4.0\'s own example sends "2024-01-22"',
        'a date-time with an offset, e.g. "2024-01-22T00:00:00Z" (TimeBack\'s schema and storage)',
        _score_date_is_a_date,
    ),
    KnownDeparture(
        "flags_as_booleans",
        "putResult",
        _BOTH,
        "result.inProgress/incomplete/late/missing",
        "result flags sent as JSON booleans",
        "OneRoster 1.2's YAML binding lists bare booleans, and TimeBack stores booleans",
        'the strings "true" or "false"',
        _flags_are_booleans,
    ),
)

_WRAPPER = {"putResult": "result", "updateClass": "class"}


def _inner(operation_id: str, direction: Direction, document: Any) -> Any:
    """The result or class object inside a body (a putResult answer is wrapped; a class answer is not)."""
    if not isinstance(document, dict):
        return None
    if direction == "request" or operation_id == "putResult":
        return document.get(_WRAPPER.get(operation_id, ""))
    return document.get("class") if _enveloped(document) else document


def _enveloped(document: Any) -> bool:
    return isinstance(document, dict) and isinstance(document.get("class"), dict) and "sourcedId" not in document


def find(operation_id: str, direction: Direction, document: Any) -> list[KnownDeparture]:
    """The known departures a request or response body of `operation_id` makes (often none)."""
    inner = _inner(operation_id, direction, document)
    found = []
    for departure in DEPARTURES:
        if departure.operation_id != operation_id or direction not in departure.directions:
            continue
        if departure.name == "class_answer_enveloped":
            if _enveloped(document):
                found.append(departure)
        elif departure.present(inner):
            found.append(departure)
    return found


def embed(path: Sequence[str | int], value: Any) -> Any:
    """A sparse document with `value` at `path`, e.g. (["grades", 0], 9) -> {"grades": [9]}."""
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def plain_words(departures: Sequence[KnownDeparture]) -> str:
    """What the server says first in a 422 for such a body: what was expected, and who sends this."""
    return " ".join(
        f"{d.field}: {d.what}; expected {d.expected}. (A known client does this: {d.who}.)" for d in departures
    )
