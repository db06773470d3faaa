"""What a failed check reports: the check, the operation, the rule broken, the input, a curl.

Semantic checks raise `CheckFailed`; schemathesis failures are converted with `from_failure_group`.
Hypothesis re-raises the exception of the minimal failing example, so what reaches the report is
the shrunk input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from oneroster_kit.checks import CHECKS
from oneroster_kit.conformance.observations import answer_digest
from oneroster_kit.known_departures import embed, find

__all__ = ["CheckFailed", "FailureRecord", "SkipRecord", "records_from_exception", "redact"]

_AUTHORIZATION = re.compile(r"(?i)(authorization:\s*)(?:([A-Za-z][A-Za-z0-9._~+-]*)\s+)?([^'\"\s]+)(\s*\[filtered\])?")
_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})


def _hidden(match: re.Match[str]) -> str:
    header, scheme, secret = match.group(1), match.group(2), match.group(3)
    if scheme is None and secret.lower() in _SCHEMES:
        return header + secret  # a scheme with no credentials (a malformed-header check): nothing to hide
    return header + (f"{scheme} " if scheme else "") + "[REDACTED]"


def redact(text: str) -> str:
    """Hide the secret of every Authorization value in a command line or message, keeping its scheme.

    A reproduction of a check that sent `Basic ...` or `Token abc` on purpose must still send that
    scheme: pasting a real bearer token into it would turn the failure into a success.
    """
    return _AUTHORIZATION.sub(_hidden, text)


@dataclass
class FailureRecord:
    check: str
    operation: str  # operationId, or "METHOD /path" for a schemathesis failure
    rule: str
    message: str
    input: Any = None
    curl: str | None = None
    test: str = ""
    code: str | None = None  # schemathesis failure code (e.g. ST108)
    input_minimized: bool = False  # input is a smaller body than the case's that fails the same way
    known_departures: list[str] = field(default_factory=list)  # oneroster_kit.known_departures sentences
    # The answer the failure rests on (for `causes`: a canned body, one status for everything); None: no answer.
    status: int | None = None
    response_digest: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SkipRecord:
    test: str
    reason: str


class CheckFailed(AssertionError):
    """A semantic check failed; carries everything the report needs."""

    def __init__(
        self,
        check: str,
        operation: str,
        message: str,
        *,
        input: Any = None,
        curl: str | None = None,
        status: int | None = None,
        response: str | None = None,
    ) -> None:
        self.record = FailureRecord(
            check=check,
            operation=operation,
            rule=CHECKS.rule_of(check),
            message=message,
            input=jsonable(input),
            curl=redact(curl) if curl else None,
            status=status,
            response_digest=answer_digest(response) if response is not None else None,
        )
        shown = json.dumps(input, ensure_ascii=False)[:2000] if input is not None else "(none)"
        super().__init__(
            f"[{check}] {operation}: {message}\n  rule: {self.record.rule}\n  input: {shown}\n"
            f"  reproduce: {self.record.curl or '(no request)'}"
        )


# Given one failure of a case: a smaller body that fails the same way and its curl, or None.
Reducer = Callable[[BaseException], tuple[Any, str] | None]


@dataclass
class _Attached:
    """What the schemathesis test attaches to a FailureGroup: the case it failed on."""

    operation: str
    body: Any
    curl: str
    extra: dict[str, Any] = field(default_factory=dict)
    reduce: Reducer | None = None
    status: int | None = None
    response_digest: str | None = None


ATTACHED = "_conformance_case"


def jsonable(value: Any) -> Any:
    """A JSON-serialisable copy (schemathesis uses sentinels such as NotSet for an absent body)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    if type(value).__name__ == "NotSet":
        return None
    return repr(value)


def attach(
    exc: BaseExceptionGroup[Any],
    operation: str,
    body: Any,
    curl: str,
    reduce: Reducer | None = None,
    *,
    status: int | None = None,
    response: str | None = None,
) -> None:
    """Tag each failure of a schemathesis FailureGroup with its case (the group itself gets re-wrapped).

    `reduce` is called once per failure that reaches the report (not for the examples hypothesis
    tries while shrinking), to find the smallest body that still fails that way. `status` and
    `response`: the answer the case got, when known."""
    digest = answer_digest(response) if response is not None else None
    attached = _Attached(operation, jsonable(body), redact(curl), reduce=reduce, status=status, response_digest=digest)
    for failure in exc.exceptions:
        setattr(failure, ATTACHED, attached)


def _failure_check(failure: BaseException) -> str:
    checks = getattr(type(failure), "checks", ())
    if checks:
        return str(checks[0])
    return "schemathesis_error"


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        found: list[BaseException] = []
        for sub in exc.exceptions:
            found.extend(_leaves(sub))
        return found
    return [exc]


def departures_of(check: str, label: str, request_body: Any, failure: BaseException) -> list[str]:
    """Known-client departures behind a schemathesis failure: in the answer, or in a body wrongly accepted."""
    operation_id = label.split(" ", 1)[0]
    if check == "response_schema_conformance" and hasattr(failure, "instance_path"):
        fragment = embed(list(getattr(failure, "instance_path", [])), getattr(failure, "instance", None))
        return [d.sentence() for d in find(operation_id, "response", fragment)]
    if check == "negative_data_rejection":
        return [d.sentence() for d in find(operation_id, "request", request_body)]
    return []


def records_from_exception(exc: BaseException, test: str) -> list[FailureRecord]:
    """Every failure record carried by an exception raised from a test (possibly grouped)."""
    records: list[FailureRecord] = []
    for leaf in _leaves(exc):
        if isinstance(leaf, CheckFailed):
            records.append(FailureRecord(**{**leaf.record.as_dict(), "test": test}))
            continue
        attached = getattr(leaf, ATTACHED, None)
        if isinstance(attached, _Attached):
            check = _failure_check(leaf)
            title = getattr(leaf, "title", type(leaf).__name__)
            message = getattr(leaf, "message", str(leaf))
            body, curl, smaller = attached.body, attached.curl, None
            if attached.reduce is not None:
                try:
                    smaller = attached.reduce(leaf)
                except Exception:  # minimizing is best effort: the case's own body is still a valid report
                    smaller = None
            if smaller is not None:
                body, curl = jsonable(smaller[0]), redact(smaller[1])
            records.append(
                FailureRecord(
                    check=check,
                    operation=attached.operation,
                    rule=CHECKS.rule_of(check),
                    message=f"{title}: {message}".strip(),
                    input=body,
                    curl=curl,
                    test=test,
                    code=getattr(leaf, "code", None),
                    input_minimized=smaller is not None,
                    known_departures=departures_of(check, attached.operation, attached.body, leaf),
                    status=attached.status,
                    response_digest=attached.response_digest,
                )
            )
            continue
        records.append(
            FailureRecord(
                check="suite_error",
                operation="(suite)",
                rule=CHECKS.rule_of("suite_error"),
                message=redact(f"{type(leaf).__name__}: {leaf}")[:4000],
                test=test,
            )
        )
    return records
