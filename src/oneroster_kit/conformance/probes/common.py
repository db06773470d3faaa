"""What every probe shares: sending a request as a counted case, and turning problems into a failure.

A probe sends fixed requests derived from the spec and collects every way the answers break a
rule; `Probe.finish` raises one `CheckFailed` naming the check, with the first failing request
as the input and its curl reproduction. Each request is one test case of the report.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from oneroster_kit.checks import CHECKS, Implementations
from oneroster_kit.compare import echo_mismatches
from oneroster_kit.conformance.dialect import BARE_RESULT
from oneroster_kit.conformance.observations import success_shape
from oneroster_kit.conformance.probes.schema import request_violations
from oneroster_kit.conformance.records import CheckFailed
from oneroster_kit.conformance.target import LiveExchange, Target
from oneroster_kit.contract import operation

__all__ = ["MAX_PROBLEMS", "PROBES", "Probe", "ProbeError"]

MAX_PROBLEMS = 12  # problems spelled out in one failure message (the count says how many more)
_ids = itertools.count(1)


class ProbeError(RuntimeError):
    """A probe built a body the spec refuses: a bug of the suite, not of the target."""


@dataclass
class Probe:
    """One run of one named check against the target; `count(check, n)` counts its test cases in the run."""

    check: str
    target: Target
    count_cases: Callable[[str, int], None]
    problems: list[str] = field(default_factory=list)
    first_failure: LiveExchange | None = None
    first_context: list[LiveExchange] = field(default_factory=list)
    sent: int = 0
    not_run: list[str] = field(default_factory=list)  # why a part of the probe could not run here
    bare_seen: bool = False

    def fresh_result_id(self, what: str) -> str:
        """A new result id under the prefix or, on a target that does not create results, a named one."""
        rid = self.target.result_for(f"{self.check}-{what}-{next(_ids)}")
        if rid is None:
            from oneroster_kit.conformance.references import reference_check_reason

            pytest.skip(reference_check_reason(self.target) or "no result id this run may write")
        return rid

    def can(self, operation_id: str) -> bool:
        """Whether this probe's part for the operation can run here (else the reason is kept for the skip)."""
        reason = self.target.absence(operation_id)
        if reason is None and operation_id == "putResult":
            from oneroster_kit.conformance.references import reference_check_reason

            reason = reference_check_reason(self.target)
        elif reason is None and operation_id == "updateClass" and not self.target.class_ids:
            reason = "no --class-id names a class the run may update"
        if reason is not None:
            self.not_run.append(reason)
        return reason is None

    def valid(self, operation_id: str, body: Any) -> Any:
        """`body`, after making sure the spec accepts it (a probe must only send what it means)."""
        problems = request_violations(operation_id, body)
        if problems:
            raise ProbeError(f"{self.check}: the probe built an invalid {operation_id} body: {'; '.join(problems)}")
        return body

    def put(self, operation_id: str, sourced_id: str, body: Any, **kwargs: Any) -> LiveExchange:
        """One request, one test case (its reproduction is its own curl, or the `before` of a problem)."""
        self.target.begin_case()
        exchange = self.target.put(operation_id, sourced_id, body, **kwargs)
        self.count(1)
        return exchange

    def class_update(self, class_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A valid class update this run may send (on a remote target only fields the class had)."""
        allowed: dict[str, Any] = self.target.class_update(class_id, body)
        return allowed

    def count(self, cases: int) -> None:
        self.sent += cases
        self.count_cases(self.check, cases)

    def problem(self, exchange: LiveExchange | None, text: str, before: Sequence[LiveExchange] = ()) -> None:
        """A way the target broke the rule; `before`: the earlier requests that reproducing it needs."""
        self.problems.append(text)
        if self.first_failure is None and exchange is not None:
            self.first_failure = exchange
            self.first_context = list(before)

    def stored(self, exchange: LiveExchange, what: str) -> dict[str, Any] | None:
        """The object a successful write answers (`result`, or the class), else a problem and None."""
        if exchange.status not in (200, 201):
            self.problem(exchange, f"{what}: a valid request was answered {exchange.status}: {_brief(exchange)}")
            return None
        shape, document = success_shape(exchange.operation_id, exchange.json)
        if exchange.operation_id == "putResult" and shape == "bare" and not self.bare_seen:
            self.bare_seen = True  # read through, reported once: the server's own behaviour is still probed
            self.problem(exchange, f"{what}: {BARE_RESULT}")
        if not isinstance(document, dict):
            self.problem(exchange, f"{what}: the answer holds no {operation(exchange.operation_id).body_member} object")
            return None
        return document

    def echo(self, exchange: LiveExchange, what: str, sent: dict[str, Any], got: dict[str, Any]) -> bool:
        """Every member sent comes back equal (numbers exactly, date-times as instants)."""
        member = operation(exchange.operation_id).body_member
        mismatches = echo_mismatches(operation(exchange.operation_id).body_schema, sent, got, member)
        for mismatch in mismatches:
            self.problem(exchange, f"{what}: {mismatch}")
        return not mismatches

    def refused(self, exchange: LiveExchange, what: str) -> None:
        """The request breaks the request schema: the spec's answer is 422 (invaliddata)."""
        if exchange.status != 422:
            self.problem(
                exchange, f"{what}: answered {exchange.status}, expected 422 (invaliddata): {_brief(exchange)}"
            )

    def finish(self) -> None:
        if not self.problems:
            if self.sent == 0 and self.not_run:
                pytest.skip("; ".join(dict.fromkeys(self.not_run)))
            return
        shown = self.problems[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        message = "; ".join(shown) + (f"; and {more} more" if more else "")
        exchange = self.first_failure
        curl = exchange.curl if exchange is not None else None
        if exchange is not None and self.first_context:
            chain = [*self.first_context, exchange]
            curl = "\n".join(f"{e.curl}  # request {n} of {len(chain)}" for n, e in enumerate(chain, 1))
        raise CheckFailed(
            self.check,
            exchange.operation_id if exchange is not None else "(probe)",
            message + (f" [first failing request: {exchange.describe()}]" if exchange is not None else ""),
            input=exchange.request_body if exchange is not None else None,
            curl=curl,
            status=exchange.status if exchange is not None else None,
            response=exchange.response_text if exchange is not None else None,
        )


# The probes: one function per check, registered with `@PROBES.register` under its own name (a check of
# the registry that runs in the suite), each taking the `Probe` the suite's test builds for it.
PROBES: Implementations[Probe] = Implementations("suite", CHECKS)


def _brief(exchange: LiveExchange) -> str:
    text = exchange.response_text
    return text if len(text) <= 300 else text[:300] + "..."
