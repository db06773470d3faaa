"""The minimizer keeps only what the failure needs, never breaks validity, and stays within budget."""

from __future__ import annotations

from typing import Any

from oneroster_kit.conformance.minimize import member_paths, smallest_failing
from oneroster_kit.conformance.setup import example_body
from oneroster_kit.contract import operation


def test_only_the_member_that_matters_is_left() -> None:
    body = example_body("putResult")
    valid = operation("putResult").request_validator.is_valid
    calls: list[Any] = []

    def still_fails(candidate: Any) -> bool:  # e.g. a server that mishandles any `comment`
        calls.append(candidate)
        return "comment" in candidate["result"]

    smallest = smallest_failing(body, still_fails, valid)
    assert valid(smallest)
    required = set(
        operation("putResult").definition["requestBody"]["content"]["application/json"]["schema"].get("required", [])
    )
    assert set(smallest) >= required
    assert "comment" in smallest["result"]
    # every optional member but the one that matters is gone
    removable = [
        k
        for k in smallest["result"]
        if k != "comment" and valid({**smallest, "result": {n: v for n, v in smallest["result"].items() if n != k}})
    ]
    assert removable == []
    assert len(smallest["result"]) < len(body["result"])


def test_the_budget_bounds_the_requests() -> None:
    body = example_body("putResult")
    count = 0

    def still_fails(candidate: Any) -> bool:
        nonlocal count
        count += 1
        return True

    smallest_failing(body, still_fails, lambda candidate: "result" in candidate, max_trials=5)
    assert count == 5


def test_member_paths_walks_outer_members_first() -> None:
    assert list(member_paths({"a": {"b": 1}, "c": 2})) == [("a",), ("c",), ("a", "b")]
