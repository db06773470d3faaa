"""Failures grouped by check and cause, so one root cause reads as one finding, not twenty.

A server with, say, non-imsx error bodies fails the same way in many places: every operation,
every kind of bad token, the stateful phase too. The reports show each (check, cause) group once:
how many failures, one representative in full, the rest one line each. The cause is the failure's
first message line with what varies between cases taken out: the request/response excerpt a
semantic check appends, quoted values, long numbers. That key only groups: a group is shown by
its representative's own words (`example_of`, real ids and values), shortened by `clip` at a
boundary between problems, items or words. Which causes explain which groups, and in what order
to fix them, is `oneroster_kit.conformance.causes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FailureGroup", "cause_of", "clip", "example_of", "group_failures", "wrap"]

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


_FIRST_FAILING = re.compile(r" \[first failing request: .*$")
_BOUNDARY = re.compile(r"; |, | ")  # where a shortened example may be cut: between problems, items, words


def example_of(failure: dict[str, Any]) -> str:
    """The failure's own first message line (real ids and values), without the exchange it appends."""
    first = (failure.get("message") or "").splitlines()[0] if failure.get("message") else ""
    first = _FIRST_FAILING.sub("", _EXCHANGE.sub("", first))
    return _SPACES.sub(" ", first).strip()


def _open_at(text: str, end: int, brackets: bool = True) -> bool:
    """Whether `text[:end]` leaves a quoted value (or, with `brackets`, a bracket) open: a cut there would
    split a value."""
    quote: str | None = None
    depth = 0
    index = 0
    while index < end:
        char = text[index]
        if quote is not None:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            # an apostrophe inside a word (don't, sourcedId's) opens nothing
            before = text[index - 1] if index else " "
            if char == '"' or not before.isalnum():
                quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        index += 1
    return quote is not None or (brackets and depth > 0)


def clip(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut between problems, list items or words, never inside a
    quoted value, and marked with `…`. A cut between problems or items is preferred while it keeps most
    of the room, and a cut outside brackets while it keeps half of it; else the last cut between words."""
    if len(text) <= width:
        return text
    limit = max(1, width - 2)  # room for " …"
    boundaries = [match.start() for match in _BOUNDARY.finditer(text, 0, limit + 1) if match.start() <= limit]
    closed = [cut for cut in boundaries if not _open_at(text, cut)]
    unquoted = [cut for cut in boundaries if not _open_at(text, cut, brackets=False)]
    for cuts, keep in ((closed, 0.5), (unquoted, 0.0)):
        for preferred in ("; ", ", ", " "):
            kind = [cut for cut in cuts if text.startswith(preferred, cut)]
            if kind and (kind[-1] >= 0.6 * limit or (preferred == " " and kind[-1] >= keep * limit)):
                return text[: kind[-1]].rstrip(";, ") + " …"
    return (text[: boundaries[-1]].rstrip(";, ") if boundaries else text[:limit]) + " …"


def wrap(text: str, width: int, indent: str, first: str = "", lines: int = 3) -> list[str]:
    """`text` over at most `lines` lines of `width` (after `first` on the first, `indent` on the others),
    broken between words; what does not fit is clipped on the last line."""
    words = text.split(" ")
    out: list[str] = []
    current = first
    prefix_len = len(first)
    for index, word in enumerate(words):
        candidate = word if len(current) == prefix_len else current[prefix_len:] + " " + word
        if len(current) == prefix_len or prefix_len + len(candidate) <= width:
            current = current[:prefix_len] + candidate
            continue
        out.append(current)
        if len(out) == lines - 1:
            rest = " ".join(words[index:])
            out.append(indent + clip(rest, width - len(indent)))
            return out
        current, prefix_len = indent + word, len(indent)
    out.append(current)
    return out
