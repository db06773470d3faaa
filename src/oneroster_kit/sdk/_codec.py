"""Request body bytes: orjson for plain documents, the stdlib for everything else.

httpx's `json=` encodes with `json.dumps(..., ensure_ascii=False, separators=(",", ":"),
allow_nan=False)` then UTF-8, about 7 us for a result body; orjson writes the same compact UTF-8
JSON in under 0.5 us. But orjson differs at the edges: it writes NaN/Infinity as `null` (the
stdlib refuses them), serialises types the stdlib refuses (datetime, uuid.UUID, enum.Enum,
dataclasses), and refuses integers beyond 64 bits, non-string keys and lone surrogates (the
first two of which the stdlib takes). So orjson only sees a document made of exactly dict
(str keys), list, str, bool, None, finite float and 64-bit int, checked by `_plain` (about 3 us);
anything else, and anything orjson still refuses, is encoded, or refused, by the stdlib exactly
as httpx would. The bytes can differ only in how a float is written (`1e16` against `1e+16`):
the same number, the same JSON value.

Answers: `loads` reads like `json.loads` (which the generated client uses). orjson reads a
687-byte result answer in 1.6 us against 5.2 us, but reads an integer beyond 64 bits as a float
without a word, and refuses NaN, 1e400, lone surrogate escapes, a BOM and UTF-16/32 text, which
the stdlib takes. So a body with a run of 19 or more digits anywhere (the shortest integer that
can pass 64 bits; found with one `bytes.translate`, 0.4 us) and any body orjson refuses go to
the stdlib. One difference from `json.loads` is deliberate: a number JSON cannot carry as a finite
double (`NaN`, `Infinity`, `1E+400`, which `json.loads` reads as inf) raises `NonFiniteNumber`,
since no schema of the spec holds one and it would otherwise reach the caller as `inf`.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

_INT_MIN = -(2**63)  # orjson writes int64 and uint64; beyond, it raises
_INT_MAX = 2**64 - 1
_INF = math.inf
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))  # digit -> "0", rest -> " "
_LONG_DIGIT_RUN = b"0" * 19  # 10**18 fits 64 bits; a 19-digit integer may not


def _plain(node: Any) -> bool:
    """True when orjson and the stdlib write `node` as the same JSON value (see the module doc)."""
    kind = type(node)
    if kind is dict:
        for key, value in node.items():
            if type(key) is not str:
                return False
            value_kind = type(value)
            if value_kind is str or value is None or value_kind is bool:
                continue
            if not _plain(value):
                return False
        return True
    if kind is str or node is None or kind is bool:
        return True
    if kind is list:
        return all(map(_plain, node))
    if kind is float:
        return bool(-_INF < node < _INF)
    if kind is int:
        return bool(_INT_MIN <= node <= _INT_MAX)
    return False


def stdlib_dumps(document: Any) -> bytes:
    """Exactly what httpx sends for `json=document`; raises ValueError/TypeError as it would."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def dumps(document: Any) -> bytes:
    """UTF-8 JSON of `document`; accepts and refuses exactly what `stdlib_dumps` does.

    Raises ValueError (NaN, Infinity; UnicodeEncodeError for a lone surrogate) or TypeError (a
    value JSON has no form for), like httpx's `json=`.
    """
    try:
        if _plain(document):
            return orjson.dumps(document)
    except (orjson.JSONEncodeError, RecursionError):  # a lone surrogate, deep nesting: the stdlib decides
        pass
    return stdlib_dumps(document)


class NonFiniteNumber(ValueError):
    """The answer holds NaN, Infinity or a number beyond the double range."""


def _refuse_constant(literal: str) -> Any:
    raise NonFiniteNumber(f"the answer holds {literal}, which JSON cannot carry")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not -_INF < value < _INF:
        raise NonFiniteNumber(f"the answer holds the number {literal[:40]}, beyond the range of a double")
    return value


def loads(content: bytes) -> Any:
    """The JSON document in `content`, as `json.loads` reads it; ValueError if not JSON.

    NonFiniteNumber (a ValueError) for NaN, Infinity and numbers beyond the double range.
    """
    if _LONG_DIGIT_RUN not in content.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(content)  # refuses NaN, Infinity and 1e400 itself
        except orjson.JSONDecodeError:
            pass
    return json.loads(content, parse_constant=_refuse_constant, parse_float=_finite_float)
