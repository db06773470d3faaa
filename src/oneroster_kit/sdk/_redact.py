"""Keeping the client secret and every access token out of exception messages and log lines.

A token endpoint may echo the form it received (`client_secret=...`, form-encoded), a gateway may
echo the Authorization header, and httpx/h11 quote an illegal header value in their error text.
So every message the SDK builds passes through `Secrets.redact`, which replaces each known
secret in the forms it can take there: as is, form- and URL-encoded, JSON-escaped and
Python-repr-escaped (`\\r\\n`), and the start of one at the very end of a text (a server's
echo cut short). The SDK redacts a server's text before it cuts or embeds it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import deque
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "Secrets"]

MASK = "***"
_MIN_TAIL = 6  # a truncated tail this long (or longer) of a secret is masked too
_KEEP_TOKENS = 32  # tokens remembered per client (older ones have long expired)


def _forms(secret: str) -> set[str]:
    forms = {secret, quote_plus(secret), quote(secret, safe=""), json.dumps(secret)[1:-1], repr(secret)[1:-1]}
    with contextlib.suppress(UnicodeEncodeError):  # a lone surrogate has no bytes form
        forms.add(repr(secret.encode("utf-8"))[2:-1])
    return {form for form in forms if form}


class Secrets:
    """The strings one client must never show: its client secret and the tokens it was given."""

    def __init__(self, *secrets: str) -> None:
        self._lock = threading.Lock()
        self._fixed: set[str] = set()
        self._tokens: deque[str] = deque(maxlen=_KEEP_TOKENS)
        self._forms: list[str] = []
        for secret in secrets:
            self.add(secret, fixed=True)

    def add(self, secret: str, *, fixed: bool = False) -> None:
        """Remember `secret` (the client secret: `fixed`; an access token: kept among the last few)."""
        if not secret:
            return
        with self._lock:
            if secret in self._fixed or secret in self._tokens:
                return
            (self._fixed.add if fixed else self._tokens.append)(secret)
            forms = {form for known in (*self._fixed, *self._tokens) for form in _forms(known)}
            self._forms = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers

    def redact(self, text: str) -> str:
        """`text` with every known secret masked, in every form listed in the module docstring."""
        forms = self._forms
        for form in forms:
            if form in text:
                text = text.replace(form, MASK)
        for form in forms:  # a text cut inside a secret ends with the secret's first characters
            start = text.find(form[:_MIN_TAIL], max(0, len(text) - len(form) + 1))
            while start != -1:
                if form.startswith(text[start:]):
                    return text[:start] + MASK
                start = text.find(form[:_MIN_TAIL], start + 1)
        return text

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and any(form in text for form in self._forms)
