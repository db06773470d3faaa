"""What a comparison produces: changes, each with a verdict per audience and a stable fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Literal

__all__ = ["Audience", "Change", "Direction", "Level", "Severity", "Verdict"]

# Where a change is: in what clients send, in what servers answer, in security, in the rest of the
# document, or in the generated SDK's API (found by the SDK check).
Direction = Literal["request", "response", "security", "document", "sdk"]


class Audience(StrEnum):
    """Who a change can break (the three users the README names)."""

    CLIENTS = "wire clients"  # what a client may send, and what it must accept
    SERVERS = "server implementers"  # what a conforming server must now do; does a BASE server still conform
    SDK = "SDK consumers"  # does code written against the BASE SDK still type-check and run


class Level(StrEnum):
    BREAKING = "breaking"
    ATTENTION = "attention"  # not a break, but something to act on
    COMPATIBLE = "compatible"


class Severity(IntEnum):
    """One grade per change, for `--fail-on`: the worst thing it does to anyone."""

    NONE = 0  # compatible for everyone (e.g. documentation)
    NOTICE = 1  # something to act on, breaks no one
    SERVER = 2  # asks more of servers: a server conforming to BASE no longer conforms
    BREAKING = 3  # breaks existing clients or code written against the BASE SDK


@dataclass(frozen=True)
class Verdict:
    level: Level
    reason: str


@dataclass
class Change:
    """One change, located by operation, direction and a pointer and line in each file."""

    rule: str  # e.g. "enum-value-added"
    operation: str  # operationId, or "(document)" for servers, security schemes, info
    direction: Direction
    where: str  # the field, parameter or status it is about, e.g. "result.scoreStatus"
    detail: str  # what changed, e.g. "'late' added"
    base_pointer: str | None
    rev_pointer: str | None
    base_line: int | None = None
    rev_line: int | None = None
    statuses: list[str] = field(default_factory=list)  # response statuses it was seen under
    verdicts: dict[Audience, Verdict] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)  # proven breaks (examples) found by the SDK check

    @property
    def fingerprint(self) -> str:
        """Stable across commits: no line numbers, no pointers (schemas move), only what and where."""
        key = f"{self.rule}|{self.operation}|{self.direction}|{self.where}|{self.detail}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]

    @property
    def severity(self) -> Severity:
        levels = {audience: verdict.level for audience, verdict in self.verdicts.items()}
        if Level.BREAKING in (levels.get(Audience.CLIENTS), levels.get(Audience.SDK)):
            return Severity.BREAKING
        if levels.get(Audience.SERVERS) is Level.BREAKING:
            return Severity.SERVER
        if Level.ATTENTION in levels.values():
            return Severity.NOTICE
        return Severity.NONE

    @property
    def title(self) -> str:
        scope = {"(document)": self.direction, "(sdk)": "SDK API"}.get(
            self.operation, f"{self.operation} {self.direction}"
        )
        status = f" [{', '.join(self.statuses)}]" if self.statuses else ""
        return f"{scope}{status} {self.where}: {self.detail}"
