"""The state one traffic check run shares between its parts: findings, grants, redaction.

Every finding is made here (`Context.fail`), so every one is redacted the same way: the request
body with `--redact` fields hidden, the message scrubbed of their values, a curl command that
never carries a token.
"""

from __future__ import annotations

import datetime
import json
import shlex
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from oneroster_kit.checks import Check
from oneroster_kit.traffic.exchange import Exchange
from oneroster_kit.traffic.findings import Finding, Findings, Party
from oneroster_kit.traffic.privacy import Redactor, scrub

__all__ = ["Bounded", "Context", "Grant"]

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """A mapping that forgets its least recently used entries beyond `limit` (memory stays bounded)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.evicted = 0
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        if len(self._data) > self.limit:
            self._data.popitem(last=False)
            self.evicted += 1

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)


@dataclass(frozen=True)
class Grant:
    """What the recording shows about a token: its scopes and expiry (None: not shown)."""

    scopes: frozenset[str] | None
    expires_at: datetime.datetime | None
    ref: str


@dataclass
class Context:
    redactor: Redactor
    blame: frozenset[Party]
    selected: frozenset[str]  # --check names; empty: all
    known_class_ids: set[str]
    resource_limit: int = 20_000
    tokens_with_claims: int = 0  # requests whose JWT stated its own scope/expiry
    findings: Findings = field(default_factory=Findings)
    grants: Bounded[str, Grant] = field(init=False)

    def __post_init__(self) -> None:
        self.grants = Bounded(self.resource_limit)

    def wants(self, check: str) -> bool:
        return not self.selected or check in self.selected

    def looked(self, check: Check) -> None:
        self.findings.looked(check.name)

    def fail(
        self,
        check: Check,
        exchange: Exchange,
        operation: str,
        message: str,
        request_document: Any = None,
        also: tuple[str, ...] = (),
    ) -> None:
        if not self.wants(check.name):
            return
        body, hidden = self.redactor.body(request_document)
        text = scrub(message, hidden) if hidden else message
        finding = Finding(
            check=check.name,
            party=check.party,
            operation=operation,
            message=text,
            exchanges=[*also, exchange.ref],
            input=body,
            curl=scrub(_curl(exchange, body), hidden) if hidden else _curl(exchange, body),
        )
        self.findings.add(finding)


def _curl(exchange: Exchange, body: Any) -> str:
    """A command that replays the request, with the token redacted and without the query string."""
    url = exchange.url.split("?", 1)[0].split("#", 1)[0]
    parts = ["curl", "-X", exchange.method]
    if exchange.request.header("authorization") is not None:
        parts += ["-H", "Authorization: Bearer [REDACTED]"]
    content_type = exchange.request.header("content-type")
    if content_type is not None:
        parts += ["-H", f"Content-Type: {content_type[:100]}"]
    if body is not None:
        parts += ["-d", json.dumps(body, ensure_ascii=False)[:4000]]
    elif exchange.request.body:
        parts += ["-d", "(a request body that is not JSON; see the recording)"]
    parts.append(url)
    return " ".join(shlex.quote(part) for part in parts)
