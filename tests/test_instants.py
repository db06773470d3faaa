"""The two time readers: a contract date-time (strict RFC 3339) and a recording's clock (no offset: UTC)."""

from __future__ import annotations

import datetime

import pytest

from oneroster_kit.instants import parse_instant, parse_recorded_time

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T14:30:00Z", datetime.datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026-11-20t14:30:00z", datetime.datetime(2026, 11, 20, 14, 30, tzinfo=UTC)),
        ("2026-11-20T15:30:00.250+01:00", datetime.datetime(2026, 11, 20, 14, 30, 0, 250000, tzinfo=UTC)),
    ],
)
def test_a_contract_date_time_is_an_instant(text: str, expected: datetime.datetime) -> None:
    assert parse_instant(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-20T14:30:00",  # no offset: not an instant
        "2026-11-20 14:30:00Z",  # a space instead of T
        "20261120T143000Z",  # ISO 8601 basic format, not RFC 3339
        "2026-11-20",
        "2026-11-20T23:59:60Z",  # a leap second Python cannot hold
        "",
        None,
        20261120,
    ],
)
def test_anything_else_is_not(value: object) -> None:
    assert parse_instant(value) is None


def test_a_recorded_time_without_an_offset_is_taken_as_utc() -> None:
    assert parse_recorded_time("2026-11-20T14:30:00.5") == datetime.datetime(
        2026, 11, 20, 14, 30, 0, 500000, tzinfo=UTC
    )
    assert parse_recorded_time("2026-11-20T14:30:00z") == datetime.datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    assert parse_recorded_time("yesterday") is None
    assert parse_recorded_time(None) is None
