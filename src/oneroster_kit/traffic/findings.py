"""What the traffic check reports: findings, each blamed on the client or the server.

Server checks keep the names and rules of the active suite (`oneroster_kit.conformance.checks`),
so a defect reads the same whether the suite provoked it or a recording shows it. Requests that
break the spec are the client's; those checks exist only here and are listed in `CLIENT_CHECKS`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from oneroster_kit.conformance.checks import CHECKS, Check

__all__ = ["CLIENT_CHECKS", "Finding", "Findings", "Party", "rule_of"]

Party = Literal["client", "server"]

_CLIENT = [
    Check("client_content_type", "A request body is sent as application/json."),
    Check("client_unreadable_body", "A request body is UTF-8 JSON."),
    Check("client_request_schema", "A request body satisfies the operation's request schema."),
    Check("client_path_id", "A path sourcedId satisfies the spec (not empty, not `.` or `..`)."),
    Check("client_sourcedid_mismatch", "A body result.sourcedId, when sent, equals the path sourcedId."),
    Check("client_missing_token", "Every operation request carries `Authorization: Bearer <token>`."),
    Check("client_malformed_token", "The Authorization header has the form `Bearer <token>`."),
    Check("client_token_scope", "The token sent holds the operation's scope (as granted in this recording)."),
    Check("client_expired_token", "The token sent has not expired (per the grant's expires_in in this recording)."),
]
CLIENT_CHECKS: dict[str, Check] = {check.name: check for check in _CLIENT}
EXAMPLES_KEPT = 20  # findings kept per check for the report (all are counted): bounded memory


def rule_of(name: str) -> str:
    check = CLIENT_CHECKS.get(name) or CHECKS.get(name)
    return check.rule if check is not None else "(no rule recorded for this check)"


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
            "rule": rule_of(self.check),
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
