"""A bounded report of schema violations for the 422 answer.

A 1 MB body can break the schema 500,000 times (`"grades": [1, 1, ...]`); listing each one gave
a 121 MB answer after 27 s. The report groups violations by rule and location pattern (indices
replaced by `*`, so `class.grades[0]` and `class.grades[7]` are one group), spells out the first
few of each group, and counts the rest. At most `MAX_EXAMINED` violations are looked at, which
bounds the cost; beyond that the report says the count is a lower bound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from oneroster_kit.contract import Violation

__all__ = ["MAX_EXAMINED", "MAX_GROUPS", "PER_GROUP", "Report", "summarise"]

MAX_EXAMINED = 1000  # violations looked at per request
MAX_GROUPS = 20  # rule/location patterns reported
PER_GROUP = 3  # examples spelled out per pattern
_DESCRIBED = 5  # entries repeated in imsx_description
_MAX_MESSAGE = 300
_INDEX = re.compile(r"\[\d+\]")


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


@dataclass
class _Group:
    pattern: str
    examples: list[Violation] = field(default_factory=list)
    count: int = 0


@dataclass(frozen=True)
class Report:
    description: str
    details: list[dict[str, str]]


def summarise(violations: Iterable[Violation], stopped: str | None = None) -> Report:
    """The capped report of `violations` (consumed lazily, at most MAX_EXAMINED of them).

    `stopped` says why the caller stopped looking early (the count is then a lower bound).
    """
    groups: dict[tuple[str, str], _Group] = {}
    examined = 0
    capped = False
    other_patterns = 0
    seen: set[tuple[str, str]] = set()
    for violation in violations:
        if examined == MAX_EXAMINED:
            capped = True
            break
        if (violation.location, violation.message) in seen:
            continue
        seen.add((violation.location, violation.message))
        examined += 1
        pattern = _INDEX.sub("[*]", violation.location)
        key = (violation.rule, pattern)
        group = groups.get(key)
        if group is None:
            if len(groups) == MAX_GROUPS:
                other_patterns += 1
                continue
            group = groups[key] = _Group(pattern)
        group.count += 1
        if len(group.examples) < PER_GROUP:
            group.examples.append(violation)
    entries: list[tuple[dict[str, str], bool]] = []  # (entry, is one violation rather than a count)
    for group in sorted(groups.values(), key=lambda g: (g.examples[0].location, g.examples[0].message)):
        entries += [({"field": v.location, "message": _shorten(v.message)}, True) for v in group.examples]
        rest = group.count - len(group.examples)
        if rest:
            entries.append(({"field": group.pattern, "message": f"and {rest} more violations of this rule"}, False))
    if other_patterns:
        entries.append(({"field": "(body)", "message": f"and {other_patterns} violations elsewhere"}, False))
    shown = [entry for entry, single in entries if single][:_DESCRIBED]
    described = "; ".join(f"{entry['field']}: {entry['message']}" for entry in shown)
    more = examined - len(shown)
    if more:
        bound = "at least " if capped or stopped is not None else ""
        described += f"; and {bound}{more} more (see imsx_error_details)"
    if stopped is not None:
        described += f"; {stopped}"
    return Report(described, [entry for entry, _ in entries])
