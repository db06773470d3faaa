"""Failures grouped by check and cause, so one root cause reads as one finding, not twenty.

A server with, say, non-imsx error bodies fails the same way in many places: every operation,
every kind of bad token, the stateful phase too. The reports show each (check, cause) group once:
how many failures, one representative in full, the rest one line each. The cause is the failure's
first message line with what varies between cases taken out: the request/response excerpt a
semantic check appends, quoted values, long numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FailureGroup", "cause_of", "group_failures", "shared_causes"]

_EXCHANGE = re.compile(r" \[(PUT|POST|GET|DELETE|PATCH) \S+ -> \d{3}.*$")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# Values, not codes: long integers and decimals vary between cases; status codes (3 digits) are the cause.
_NUMBER = re.compile(r"(?<![\w.])-?(?:\d{5,}(?:\.\d+)?|\d+\.\d+)(?![\w.])")
_SPACES = re.compile(r"\s+")
_KEEP_QUOTED = re.compile(r"^['\"][A-Za-z_][A-Za-z0-9_.]*['\"]$")  # a field name: part of the cause


def cause_of(failure: dict[str, Any]) -> str:
    """What a failure is about, without what varies from case to case (values, ids, the exchange)."""
    first = (failure.get("message") or "").splitlines()[0] if failure.get("message") else ""
    first = _EXCHANGE.sub("", first)

    def quoted(match: re.Match[str]) -> str:
        text = match.group(0)
        return text if _KEEP_QUOTED.match(text) and len(text) <= 40 else "'…'"

    first = _QUOTED.sub(quoted, first)
    first = _NUMBER.sub("N", first)
    return _SPACES.sub(" ", first).strip()[:300]


@dataclass
class FailureGroup:
    check: str
    cause: str
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def representative(self) -> dict[str, Any]:
        return self.failures[0]

    @property
    def operations(self) -> list[str]:
        seen: list[str] = []
        for failure in self.failures:
            name = str(failure.get("operation", "")).split(" (")[0]
            if name not in seen:
                seen.append(name)
        return seen


def group_failures(failures: list[dict[str, Any]]) -> list[FailureGroup]:
    """Groups in order of first appearance; within a group, failures in the order they happened."""
    groups: dict[tuple[str, str], FailureGroup] = {}
    for failure in failures:
        key = (str(failure.get("check", "")), cause_of(failure))
        if key not in groups:
            groups[key] = FailureGroup(*key)
        groups[key].failures.append(failure)
    return list(groups.values())


_FRAGMENT = re.compile(r"; |: ")
_MIN_SHARED = 3  # checks that must fail with the same fragment for it to be called a likely root cause


def shared_causes(groups: list[FailureGroup]) -> list[tuple[str, list[str]]]:
    """Message fragments shared by the causes of several checks: probably one root cause behind them."""
    checks_by_fragment: dict[str, list[str]] = {}
    for group in groups:
        for fragment in dict.fromkeys(_FRAGMENT.split(group.cause)):
            if len(fragment) >= 12 and " " in fragment:
                names = checks_by_fragment.setdefault(fragment, [])
                if group.check not in names:
                    names.append(group.check)
    shared = [(fragment, names) for fragment, names in checks_by_fragment.items() if len(names) >= _MIN_SHARED]
    shared.sort(key=lambda item: -len(item[1]))
    kept: list[tuple[str, list[str]]] = []
    for fragment, names in shared:  # one line per set of checks: the first (most shared) fragment names it
        if not any(set(names) <= set(other) for _, other in kept):
            kept.append((fragment, names))
    return kept
