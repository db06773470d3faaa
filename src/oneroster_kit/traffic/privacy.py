"""Keep secrets out of reports: tokens, cookies and client secrets never; chosen body fields on request.

Reports never copy headers. Tokens are only ever held as a digest (`token_id`, the exchange
log's), so that the traffic check can follow a grant to the requests that use it without keeping the token itself.
`--redact FIELD` replaces the values of body members named FIELD (at any depth, or a dotted path
such as `result.student.sourcedId`) with `[REDACTED]` in every report, messages included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from oneroster_kit.exchange_log import REDACTED, token_id

__all__ = ["REDACTED", "Redactor", "token_id"]  # REDACTED and token_id: oneroster_kit.exchange_log's


class Redactor:
    def __init__(self, fields: Iterable[str]) -> None:
        names = [f for f in fields if f]
        self.paths = {tuple(f.split(".")) for f in names if "." in f}
        self.names = {f for f in names if "." not in f}

    @property
    def active(self) -> bool:
        return bool(self.paths or self.names)

    def body(self, document: Any) -> tuple[Any, set[str]]:
        """A copy of `document` with the chosen fields replaced, and the texts that were hidden."""
        hidden: set[str] = set()
        if not self.active:
            return document, hidden
        return self._walk(document, (), hidden), hidden

    def _walk(self, node: Any, path: tuple[str, ...], hidden: set[str]) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                here = (*path, str(key))
                if key in self.names or here in self.paths:
                    _collect(value, hidden)
                    out[key] = REDACTED
                else:
                    out[key] = self._walk(value, here, hidden)
            return out
        if isinstance(node, list):
            return [self._walk(item, path, hidden) for item in node]
        return node


def _collect(value: Any, hidden: set[str]) -> None:
    """Every text form a hidden value may take in a message (str, repr, JSON)."""
    if isinstance(value, dict):
        for item in value.values():
            _collect(item, hidden)
        hidden.add(repr(value))
        hidden.add(json.dumps(value))
    elif isinstance(value, list):
        for item in value:
            _collect(item, hidden)
        hidden.add(repr(value))
    elif isinstance(value, str):
        if value:
            hidden.update({value, repr(value), json.dumps(value)})
    elif value is not None and not isinstance(value, bool):
        hidden.add(repr(value))


def scrub(text: str, hidden: set[str]) -> str:
    """`text` with every hidden value replaced (longest first, so a part never leaks out of a whole)."""
    for value in sorted(hidden, key=len, reverse=True):
        if len(value) >= 2 or value.isalnum():
            text = text.replace(value, REDACTED)
    return text
