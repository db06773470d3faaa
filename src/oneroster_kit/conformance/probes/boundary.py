"""Boundary values a JSON contract must carry exactly, by kind (what the round-trip probe sends).

The spec sets no range, precision or length on its numbers and strings (see `score`: "No range
is documented anywhere ... none is imposed"), so every JSON number a double can hold, integers
beyond 2**53 and any text must come back as sent. The values are chosen where storage commonly
loses something: float32 or decimal columns, IEEE doubles for integers, VARCHAR(255)/(1000)/
(4000) columns and 64 KiB TEXT columns, UTF-8 handling outside the BMP, unicode normalization,
time zones, fractions of a second and leap days.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DATE_TIMES", "NESTED", "NUMBERS", "STRING_LENGTHS", "TEXTS", "long_text", "nested_value"]

# (label, value): json.dumps writes each as its shortest exact form (ints as digits).
NUMBERS: list[tuple[str, Any]] = [
    ("full double precision 0.1", 0.1),
    ("full double precision 1/3", 1 / 3),
    ("17 significant digits", 87.12345678901235),
    ("2**53 + 1", 2**53 + 1),
    ("-(2**63) - 1", -(2**63) - 1),
    ("2**64 + 1", 2**64 + 1),
    ("negative zero", -0.0),
    ("smallest subnormal", 5e-324),
    ("smallest normal", 2.2250738585072014e-308),
    ("tiny exponent", 1.5e-300),
    ("largest double", 1.7976931348623157e308),
    ("huge exponent", 6.02e300),
    ("negative fraction", -12.375),
]

STRING_LENGTHS = (256, 1001, 4001, 65537)  # one past each common column length


def long_text(length: int) -> str:
    """`length` characters whose every position is distinguishable, so a cut shows where it is."""
    unit = "0123456789abcdefghijklmnopqrstuvwxyz"
    head = f"len{length}-"
    body = (unit * (length // len(unit) + 1))[: length - len(head)]
    return head + body


TEXTS: list[tuple[str, str]] = [
    ("non-BMP characters", "clef \U0001d11e, emoji \U0001f600, CJK extension B \U00020000, flag \U0001f1fa\U0001f1f8"),
    ("combining characters (NFD)", "cafe\u0301 re\u0301sume\u0301 n\u0303 a\u030a"),
    ("precomposed characters (NFC)", "caf\u00e9 r\u00e9sum\u00e9 \u00f1 \u00e5"),
    ("joiners and right-to-left", "\U0001f469\u200d\U0001f4bb \u05e9\u05dc\u05d5\u05dd \u202eabc"),
    ("escapes and controls", 'quote " backslash \\ tab \t newline \n slash / delete \u007f'),
    ("4001 non-BMP characters", "\U0001f600" * 4001),
]

# RFC 3339 date-times a server must store as the same instant (fractions to the millisecond).
DATE_TIMES: list[tuple[str, str]] = [
    ("positive offset", "2026-11-20T14:30:00+05:30"),
    ("negative offset", "2026-11-20T09:30:00-08:00"),
    ("offset crossing the date line", "2026-12-31T23:30:00-12:00"),
    ("fractional seconds", "2026-11-20T14:30:00.123Z"),
    ("one fractional digit", "2026-11-20T14:30:00.5+01:00"),
    ("leap day", "2028-02-29T12:00:00Z"),
    ("leap day, last millisecond", "2024-02-29T23:59:59.999Z"),
    ("epoch", "1970-01-01T00:00:00Z"),
]


def nested_value(depth: int) -> Any:
    """Objects and arrays alternating `depth` levels down, with ordered arrays and every JSON type."""
    value: Any = {"leaf": [3, 1, 2], "types": [None, True, False, 0, -1.5, "", "text", [], {}]}
    for level in range(depth, 0, -1):
        value = {"z": level, "level": value, "a": [level, "x"]} if level % 2 else [f"item-{level}", value, level]
    return value


NESTED = 16  # levels of nesting inside a free-form object (the whole body stays well under 64)
