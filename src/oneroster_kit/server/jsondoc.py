"""Reading request bodies as JSON and writing stored documents back, numbers kept exactly.

Bodies are parsed so that every number is stored and echoed as the same text: a score of
`87.50`, `1e400` or a 40-digit integer stays exactly that (a float would round or overflow).
A number becomes a Python float or int only where that writes back to the very same text
(`87.5`, `90`, `-0.0`), and a `Decimal` otherwise; `encode` writes a `Decimal` as its own digits.
The common case (no Decimal) is then written by the json module's C encoder, the rest by the
exact encoder below; both give the same text. Anything that is not one readable JSON document
raises `BodyError` with a sentence that says why (the server answers 400 with it).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["MAX_DEPTH", "BodyError", "encode", "loads_stored", "parse_body"]

MAX_DEPTH = 64  # arrays/objects nested deeper than this are refused (400); documented in the README


class BodyError(ValueError):
    """The body cannot be read as one JSON document; the message says why."""


def _reject_constant(name: str) -> Any:
    raise BodyError(f"Request body is not valid JSON: {name} is not a JSON value.")


def _number(text: str) -> Any:
    """A JSON number (fraction or exponent): a float when its repr is the same text, else a Decimal."""
    value = float(text)
    return value if repr(value) == text else Decimal(text)


def _integer(text: str) -> Any:
    """A JSON integer: an int, except `-0` (an int has no sign for zero) and very long ones."""
    return int(text) if len(text) < 19 and text != "-0" else Decimal(text)


_BODY_DECODER = json.JSONDecoder(parse_float=_number, parse_int=_integer, parse_constant=_reject_constant)
_STORED_DECODER = json.JSONDecoder(parse_float=_number, parse_int=_integer)


def parse_body(raw: bytes) -> Any:
    """The JSON document in `raw` (UTF-8), numbers as Decimal; BodyError when unreadable."""
    if not raw:
        raise BodyError("Request body is empty; a JSON object is required.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(
            f"Request body is not valid UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start} ({error.reason})."
        ) from None
    if text.startswith("\ufeff"):
        raise BodyError("Request body starts with a byte order mark (U+FEFF); send JSON without one.")
    try:
        value = _BODY_DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise BodyError(
            f"Request body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}."
        ) from None
    except RecursionError:
        raise BodyError(f"Request body is nested too deeply (the limit is {MAX_DEPTH} levels).") from None
    except InvalidOperation:  # e.g. 1E+99999999999999999999999: beyond what a Decimal can hold
        raise BodyError(
            "Request body holds a number whose exponent is out of range (at most 18 digits of exponent)."
        ) from None
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH:  # fewer brackets than that cannot nest too deep
        _check_depth(value)
    return value


def _check_depth(value: Any) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_DEPTH:
            raise BodyError(f"Request body is nested too deeply: more than {MAX_DEPTH} levels of arrays/objects.")
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def loads_stored(text: str) -> Any:
    """A document this module encoded, numbers read back as `parse_body` reads them."""
    return _STORED_DECODER.decode(text)


_dump_string = json.JSONEncoder(ensure_ascii=True).encode


class _NeedsExactEncoderError(Exception):
    pass


def _not_plain(value: Any) -> Any:
    raise _NeedsExactEncoderError


# The C encoder, for documents without Decimals: the same text as `_encode_exact`, several times faster.
_encode_plain = json.JSONEncoder(
    ensure_ascii=True, check_circular=False, allow_nan=False, separators=(",", ":"), default=_not_plain
).encode


def encode(value: Any) -> str:
    """Compact JSON text, ASCII only (lone surrogates stay escaped), Decimals written as their digits."""
    try:
        return _encode_plain(value)
    except (_NeedsExactEncoderError, ValueError):  # a Decimal somewhere, or a float the C encoder refuses
        return _encode_exact(value)


def _encode_exact(value: Any) -> str:
    if isinstance(value, str):
        return _dump_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{_dump_string(key)}:{_encode_exact(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode_exact(item) for item in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():  # parse_body never yields these; refuse rather than write invalid JSON
        raise ValueError(f"non-finite number {value} cannot be written as JSON")
    return str(value)
