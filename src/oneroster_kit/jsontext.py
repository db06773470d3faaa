"""JSON values written as JSON in messages: `9`, `"9"`, `null`, `true`, not Decimal('9'), '9', None, True.

Error messages name the value a client sent; the client wrote JSON, so that is how the value is
shown. The server parses numbers as `Decimal` (exact), which Python's repr (and so jsonschema's
messages) would show as `Decimal('9')`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

__all__ = ["json_text"]

_LIMIT = 200  # characters of one value shown in a message


def _render(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else json.dumps(float(value))
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_render(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)
    # Readable unicode stays; what cannot be shown (lone surrogates, format characters) is escaped.
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def json_text(value: Any, limit: int = _LIMIT) -> str:
    """The value as JSON text (shortened with … beyond `limit` characters)."""
    text = _render(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
