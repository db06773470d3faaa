"""What to fix first: the run's failures as a ranked list of causes, each with the checks it explains.

A failed run of a real server is rarely twenty defects. First come the causes that make other
checks meaningless, found across the whole run (`blocking`): an operation not served, nothing
stored (no answer is the record written; a class no longer holds what was just written), every
answer the same canned body (a mock), every request answered 200, results not created on PUT.
Then the dialect traits (`oneroster_kit.conformance.dialect`): another way of writing OneRoster,
which fails conformance but is one decision, not a broken behaviour. Then the defects, grouped
across checks by what they mean, not by their wording: "a valid request was answered 404" and
"creating a new result answered 404" are one cause. Each failure group (same check, same cause
key, `grouping`) goes to the first cause that explains it; a group whose problems are all
dialect goes to the dialect, one with any other problem to that defect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from oneroster_kit.conformance.dialect import explains
from oneroster_kit.conformance.grouping import FailureGroup, example_of, group_failures

__all__ = ["STATE_CHECKS", "Cause", "blocking_findings", "problems_of", "rank_causes"]

# Checks whose verdict rests on what the server stored (meaningless when nothing is).
STATE_CHECKS = frozenset(
    {
        "result_echo",
        "result_upsert",
        "result_replace",
        "value_round_trip",
        "id_distinct",
        "write_atomic",
        "class_merge",
        "date_last_modified",
        "body_sourcedid_mismatch",
        "ensure_resource_availability",
    }
)
_MIN_ANSWERS = 5  # answers an operation needs before a cause across the run is claimed


@dataclass
class Cause:
    kind: str  # blocking, dialect, defect
    key: str
    title: str
    # each failure group this cause shows in, with the words of its own message that show it (real values)
    entries: list[tuple[FailureGroup, str]] = field(default_factory=list)

    @property
    def groups(self) -> list[FailureGroup]:
        return [group for group, _ in self.entries]

    @property
    def checks(self) -> list[str]:
        return list(dict.fromkeys(group.check for group in self.groups))

    @property
    def failures(self) -> int:
        return sum(len(group.failures) for group in self.groups)

    def add(self, group: FailureGroup, example: str) -> None:
        if all(existing is not group for existing in self.groups):
            self.entries.append((group, example))


# -- causes across the run ---------------------------------------------------------------------------


def _canned(observed: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """Every operation with enough answers answers one body, whatever was sent to it."""
    canned = [
        name
        for name, seen in observed.items()
        if seen["successes"] >= _MIN_ANSWERS
        and seen["distinct_success_requests"] >= 3
        and seen["distinct_success_bodies"] == 1
    ]
    if not canned:
        return None
    answers = sum(observed[name]["successes"] for name in canned)
    requests = sum(observed[name]["distinct_success_requests"] for name in canned)
    ids = [i for name in canned if not observed[name]["answered_own_id"] for i in observed[name]["answered_ids"]]
    named = f" (sourcedId {ids[0]!r})" if ids else ""
    return {
        "kind": "blocking",
        "key": "canned",
        "title": f"every answer is the same canned body, as a mock's: {answers} answers to {requests} different PUTs "
        f"({', '.join(canned)}) are one body per operation{named}; nothing sent is stored",
        "operations": canned,
        "digests": [digest for name in canned for digest in observed[name].get("success_digests", [])],
    }


def blocking_findings(
    observed: dict[str, dict[str, Any]], operations: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The causes across the whole run, most blocking first. `observed`: `Observations.summary()`;
    `operations`: the preflight's findings as in result.json."""
    found: list[dict[str, Any]] = []
    for name, state in operations.items():
        if state["checked"] and not state["served"]:
            found.append(
                {
                    "kind": "blocking",
                    "key": f"absent:{name}",
                    "title": f"{state['label']} is not served: {state['reason']}"
                    + (f"; {state['hint']}" if state.get("hint") else ""),
                    "operations": [name],
                }
            )
    canned = _canned(observed)
    canned_operations = canned["operations"] if canned is not None else []
    for name, seen in observed.items():
        if name not in canned_operations and seen["successes"] >= _MIN_ANSWERS and seen["answered_own_id"] == 0:
            ids = ", ".join(repr(i) for i in list(seen.get("answered_ids", {}))[:2]) or "no sourcedId"
            found.append(
                {
                    "kind": "blocking",
                    "key": f"unrelated:{name}",
                    "title": f"nothing is stored: no answer to {name} is the record it was sent to "
                    f"({seen['successes']} answers carry {ids}, never the path id)",
                    "operations": [name],
                }
            )
        if seen.get("read_backs", 0) >= 2 and seen["read_backs_lost"] == seen["read_backs"]:
            found.append(
                {
                    "kind": "blocking",
                    "key": f"lost:{name}",
                    "title": f"nothing is stored: what each class update wrote is gone from the next answer for that "
                    f"class ({seen['read_backs']} times)",
                    "operations": [name],
                }
            )
    if canned is not None:
        found.append(canned)
    statuses: dict[str, int] = {}
    for seen in observed.values():
        for status, count in seen["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    answers = sum(statuses.values())
    must_refuse = sum(seen["must_refuse"] for seen in observed.values())
    if len(statuses) == 1 and answers >= 4 * _MIN_ANSWERS and must_refuse >= 3:
        (status,) = statuses
        if status.startswith("2"):
            found.append(
                {
                    "kind": "blocking",
                    "key": f"all-status:{status}",
                    "title": f"every request is answered {status}, even the {must_refuse} of {answers} that must be "
                    "refused (no token, a bad token, a body the schema refuses): the server refuses nothing",
                    "status": int(status),
                }
            )
    results = operations.get("putResult")
    if results is not None and results["served"] and results.get("creates") is False:
        found.append(
            {
                "kind": "blocking",
                "key": "no-create",
                "title": f"results are not created on PUT (putResult is an upsert): {results['reason']}",
                "operations": ["putResult"],
            }
        )
    return found


def _blocking_explains(finding: dict[str, Any], group: FailureGroup) -> bool:
    key: str = finding["key"]
    operations = finding.get("operations", [])
    if key.startswith("absent:"):
        return group.check == "operation_served" or set(group.operations) <= set(operations)
    if key == "canned":
        return any(failure.get("response_digest") in finding["digests"] for failure in group.failures)
    if key.startswith("all-status:"):
        return all(failure.get("status") == finding["status"] for failure in group.failures)
    if key.startswith(("unrelated:", "lost:")):
        return group.check in STATE_CHECKS and set(group.operations) <= set(operations)
    if key == "no-create":
        refusal = group.check == "result_upsert" and example_of(group.representative).startswith(
            "the server refuses to create"
        )
        same_404 = set(group.operations) == {"putResult"} and all(f.get("status") == 404 for f in group.failures)
        return refusal or same_404
    return False


# -- defects, grouped across checks by meaning ---------------------------------------------------------

_REFUSED_VALID = re.compile(r"(?:a valid request was answered|creating a new result answered) (\d{3})")
_ANSWERED = re.compile(r"answered (\d{3}), expected (\d{3})")
_FIELD = r"(?P<path>(?:result|class)(?:\.[A-Za-z_][\w]*(?:\[\d+\])*)+)"
_NOT_RETURNED = re.compile(_FIELD + r": sent .*, not returned")
_VALUE = re.compile(_FIELD + r": sent (?:\d+ characters )?(?P<sent>.+?), got (?:\d+ characters )?(?P<got>.+)")
_EXPECTED_TITLE = {
    "401": "requests without a valid token are served (answered {got} where 401 is due)",
    "403": "a token without the operation's scope is served (answered {got} where 403 is due)",
    "404": "a PUT to an unknown id is served (answered {got} where 404 is due)",
    "422": "requests the spec refuses are accepted (answered {got} where 422 is due)",
}


_MORE = re.compile(r"and \d+ more")


def problems_of(failure: dict[str, Any]) -> list[str]:
    """The failure's message as its separate problems (each check joins them with `; `; a probe ends a
    long list with "and N more", which is no problem of its own)."""
    parts = [part.strip() for part in example_of(failure).split("; ")]
    return [part for part in parts if part and not _MORE.fullmatch(part)]


def _leaf(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path.rsplit(".", 1)[-1])


def _family(check: str, problem: str, status: int | None) -> tuple[str, str] | None:
    """(key, title) of a defect that reads the same whichever check found it, or None."""
    found = _REFUSED_VALID.search(problem)
    if found is not None or problem.startswith("API rejected schema-compliant request"):
        code = found.group(1) if found is not None else str(status or "4xx")
        return f"refused-valid:{code}", f"valid requests are refused with {code}"
    found = _ANSWERED.search(problem)
    if found is not None:
        got, expected = found.groups()
        if got.startswith("2"):
            title = _EXPECTED_TITLE.get(expected, "answered {got} where " + expected + " is due").format(got=got)
            return f"accepted:{expected}", title
        return f"status:{got}:{expected}", f"answered {got} where {expected} is due"
    if problem.startswith("Schema-violating request accepted"):
        return "accepted:422", _EXPECTED_TITLE["422"].format(got=status or "2xx")
    if "omitted in a PUT that replaces the result, but kept" in problem or "merged instead of replaced" in problem:
        return (
            "merged",
            "a result PUT merges into the stored result instead of replacing it (members it omits keep their values)",
        )
    if "is not the path id" in problem or "answered sourcedId" in problem:
        return "other-id", "an answer carries another sourcedId than its path id"
    found = _NOT_RETURNED.search(problem)
    if found is not None:
        return f"dropped:{_leaf(found.group('path'))}", f"{found.group('path')} is dropped: sent, not returned"
    found = _VALUE.search(problem)
    if found is not None:
        return f"value:{_leaf(found.group('path'))}", f"{found.group('path')} does not come back as it was sent"
    schema_of_error = check == "response_schema_conformance" and (status or 0) >= 400 and "imsx" in problem
    if "error body: " in problem or "imsx_codeMinorFieldValue is absent" in problem or schema_of_error:
        return "not-imsx", "error bodies are not imsx_StatusInfo"
    if "without required `Allow` header" in problem:
        return "no-allow", "405 for an undocumented method comes without an Allow header"
    return None


def rank_causes(document: dict[str, Any]) -> list[Cause]:
    """The failures of a result document as ranked causes (see the module docstring)."""
    diagnosis = document.get("diagnosis", {})
    findings = diagnosis.get("blocking", [])
    blocking = [Cause("blocking", f["key"], f["title"]) for f in findings]
    traits = diagnosis.get("dialect", [])
    dialect = [Cause("dialect", t["key"], t["title"]) for t in traits]
    defects: dict[str, Cause] = {}
    for group in group_failures(document["failures"]):
        explaining = next(
            (cause for cause, finding in zip(blocking, findings, strict=True) if _blocking_explains(finding, group)),
            None,
        )
        if explaining is not None:
            explaining.add(group, example_of(group.representative))
            continue
        _by_problems(group, traits, dialect, defects)
    ranked_defects = sorted(defects.values(), key=lambda cause: (-len(cause.checks), -cause.failures))
    return [cause for cause in (*blocking, *dialect, *ranked_defects) if cause.entries or cause.kind != "defect"]


def _by_problems(
    group: FailureGroup, traits: list[dict[str, Any]], dialect: list[Cause], defects: dict[str, Cause]
) -> None:
    """Show the group under every cause one of its problems reads as: each dialect trait, each defect
    family (the first problem of each), else under a cause of its own check."""
    failure = group.representative
    status = failure.get("status")
    found: list[tuple[str, str, str]] = []  # (key, title, problem)
    unexplained: str | None = None
    for problem in problems_of(failure) or [group.cause]:
        trait = next(
            (cause for cause, t in zip(dialect, traits, strict=True) if explains(t, group.check, problem, status)),
            None,
        )
        if trait is not None:
            trait.add(group, problem)
            continue
        family = _family(group.check, problem, status)
        if family is None:
            unexplained = unexplained or problem
        elif all(key != family[0] for key, _, _ in found):
            found.append((*family, problem))
    if any(key.startswith("accepted:") for key, _, _ in found):
        found = [entry for entry in found if entry[0] != "not-imsx"]  # an accepted request has no error body
    if not found and unexplained is not None:
        found.append((f"own:{group.check}:{group.cause}", f"{group.check}: {unexplained}", unexplained))
    for key, title, problem in found:
        defects.setdefault(key, Cause("defect", key, title)).add(group, problem)
