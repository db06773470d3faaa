"""Failures group by check and cause; a fragment shared by several checks is named as a likely root cause."""

from __future__ import annotations

from oneroster_kit.conformance.grouping import cause_of, group_failures, shared_causes

IMSX = "error body: (body): 'imsx_codeMajor' is a required property"


def _failure(check: str, operation: str, message: str) -> dict[str, object]:
    return {"check": check, "operation": operation, "message": message, "input": None}


def test_cases_differing_only_in_values_and_exchange_share_a_cause() -> None:
    first = _failure(
        "auth_malformed_token", "putResult", f"kind 'two-words': {IMSX} [PUT http://h/r/conf-1 -> 401 {{}}]"
    )
    second = _failure("auth_malformed_token", "updateClass", f"kind 'basic-scheme': {IMSX} [PUT http://h/c/x -> 401 x]")
    assert cause_of(first) == cause_of(second) == f"kind '…': {IMSX}"
    (group,) = group_failures([first, second])
    assert group.operations == ["putResult", "updateClass"] and group.representative is first


def test_status_codes_stay_part_of_the_cause() -> None:
    a = _failure("class_unknown_404", "updateClass", "answered 200, expected 404")
    b = _failure("class_unknown_404", "updateClass", "answered 500, expected 404")
    assert len(group_failures([a, b])) == 2


def test_a_fragment_shared_by_several_checks_is_a_likely_root_cause() -> None:
    failures = [_failure(check, "putResult", f"context of {check}: {IMSX}") for check in ("a_one", "b_two", "c_three")]
    failures.append(_failure("d_four", "putResult", "something else entirely"))
    assert shared_causes(group_failures(failures)) == [
        ("'imsx_codeMajor' is a required property", ["a_one", "b_two", "c_three"])
    ]
    assert shared_causes(group_failures(failures[:2])) == []  # two checks are not enough
