"""What the traffic check reports: findings, each blamed on the client or the server.

Every check, its rule and its party come from the one registry (`oneroster_kit.checks`): server
checks keep the names and rules of the live suite, so a defect reads the same whether the suite
provoked it or a recording shows it; the client checks (requests that break the spec) run only here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from oneroster_kit.checks import CHECKS, Party

__all__ = ["Finding", "Findings", "Party"]

EXAMPLES_KEPT = 20  # findings kept per check for the report (all are counted): bounded memory


@dataclass
class Finding:
    check: str
    party: Party
    operation: str
    message: str
    exchanges: list[str]  # refs: "file.har entry 3", "file.ndjson line 7"
    input: Any = None  # the request body (redacted)
    curl: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "party": self.party,
            "operation": self.operation,
            "rule": CHECKS.rule_of(self.check),
            "message": self.message,
            "exchanges": self.exchanges,
            "input": self.input,
            "curl": self.curl,
        }


@dataclass
class Findings:
    """All findings counted per check; the first `EXAMPLES_KEPT` of each kept."""

    counts: Counter[str] = field(default_factory=Counter)
    parties: dict[str, Party] = field(default_factory=dict)
    examples: dict[str, list[Finding]] = field(default_factory=dict)
    applied: Counter[str] = field(default_factory=Counter)  # exchanges each check looked at

    def add(self, finding: Finding) -> None:
        self.counts[finding.check] += 1
        self.parties[finding.check] = finding.party
        kept = self.examples.setdefault(finding.check, [])
        if len(kept) < EXAMPLES_KEPT:
            kept.append(finding)

    def looked(self, check: str) -> None:
        self.applied[check] += 1
