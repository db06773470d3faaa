"""Unit tests of the bounded pieces: the 422 report, the failure throttle, the loop's error log."""

from __future__ import annotations

import io
import json

from oneroster_kit.contract import Violation
from oneroster_kit.server.bodycheck import Refusal, check_body
from oneroster_kit.server.looplog import BoundedLoopLog
from oneroster_kit.server.throttle import FailureThrottle
from oneroster_kit.server.violations import MAX_EXAMINED, summarise


def _many(count: int) -> list[Violation]:
    return [Violation(f"class.grades[{i}]", "1 is not of type 'string'", "type") for i in range(count)]


def test_the_report_spells_out_three_per_pattern_and_counts_the_rest() -> None:
    report = summarise([*_many(50), Violation("class.title", "None is not of type 'string'", "type")])
    fields = [entry["field"] for entry in report.details]
    assert fields == ["class.grades[0]", "class.grades[1]", "class.grades[2]", "class.grades[*]", "class.title"]
    assert report.details[3]["message"] == "and 47 more violations of this rule"
    assert report.description.endswith("; and 47 more (see imsx_error_details)")


def test_the_report_stops_examining_at_the_cap() -> None:
    consumed = 0

    def endless() -> object:
        nonlocal consumed
        while True:
            consumed += 1
            yield Violation(f"a[{consumed}]", "bad", "type")

    report = summarise(endless())  # type: ignore[arg-type]
    assert consumed == MAX_EXAMINED + 1
    assert f"and at least {MAX_EXAMINED - 3} more" in report.description
    assert len(report.details) == 4


def test_a_few_violations_are_listed_whole() -> None:
    report = summarise([Violation("result.score", "'x' is not of type 'number'", "type")])
    assert report.description == "result.score: 'x' is not of type 'number'"
    assert report.details == [{"field": "result.score", "message": "'x' is not of type 'number'"}]


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_allows_a_burst_then_one_per_second_and_forgets_refilled_addresses() -> None:
    clock = _Clock()
    throttle = FailureThrottle(burst=3, per_second=1.0, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("a") is None
        throttle.failed("a")
    assert throttle.retry_after("a") == 1
    assert throttle.retry_after("b") is None  # other addresses are not affected
    clock.now += 1.0
    assert throttle.retry_after("a") is None
    throttle.failed("a")
    assert throttle.retry_after("a") == 1
    clock.now += 10
    assert throttle.retry_after("a") is None and not throttle._buckets


def test_the_throttle_table_is_bounded() -> None:
    throttle = FailureThrottle(burst=2, max_addresses=100, clock=_Clock())
    for number in range(1000):
        throttle.failed(f"10.0.{number // 256}.{number % 256}")
    assert len(throttle._buckets) <= 100


def test_the_loop_log_writes_one_line_per_kind_and_second() -> None:
    clock = _Clock()
    out = io.StringIO()
    handler = BoundedLoopLog(out, clock=clock)
    context = {"message": "socket.accept() out of system resource", "exception": OSError(24, "Too many open files")}
    for _ in range(10_000):
        handler(None, context)
    assert out.getvalue().count("\n") == 1
    clock.now += 1.5
    handler(None, context)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].endswith("(9999 more like it left out)"), lines
    assert "Traceback" not in out.getvalue()


def test_a_large_body_check_stops_at_its_time_budget_with_the_first_violation() -> None:
    """200,000 valid items and one invalid one: jsonschema needs seconds to find it; the budget stops it."""
    body = json.dumps({"class": {"grades": ["9"] * 200_000 + [1]}}).encode()
    refusal = check_body("updateClass", body, budget=0.05)
    assert isinstance(refusal, Refusal) and refusal.status == 422
    assert refusal.description.startswith("class.grades[200000]: must be string"), refusal.description
    assert "checking stopped after 0.05 s; there may be more" in refusal.description
    assert check_body("updateClass", json.dumps({"class": {"grades": ["9"] * 1000}}).encode(), budget=0.05) == {
        "class": {"grades": ["9"] * 1000}
    }
