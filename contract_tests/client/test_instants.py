"""The date-time comparison the round-trip tests rely on: instant and offset count, spelling does not."""

from __future__ import annotations

import pytest

from contract_tests.client.instants import Instant, Unzoned, parse_rfc3339, with_instants
from oneroster_kit.strategies import root_of


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2026-11-20T14:30:00Z", "2026-11-20T14:30:00+00:00"),
        ("2026-11-20T14:30:00z", "2026-11-20T14:30:00.000000+00:00"),
        ("2026-11-20T14:30:00-00:00", "2026-11-20T14:30:00+00:00"),
        ("2026-11-20T14:30:00.1+05:30", "2026-11-20T14:30:00.100000+05:30"),
        ("0001-01-01T00:00:00+23:59", "0001-01-01T00:00:00+23:59"),
    ],
)
def test_same_instant_and_offset_compare_equal(left: str, right: str) -> None:
    assert parse_rfc3339(left) == parse_rfc3339(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("2026-11-20T14:30:00Z", "2026-11-20T15:30:00+01:00"),  # same instant, other offset
        ("2026-11-20T14:30:00Z", "2026-11-20T14:30:00.000001Z"),  # a microsecond apart
        ("2026-11-20T14:30:00.1234567Z", "2026-11-20T14:30:00.123456Z"),  # truncation is a loss
        ("2026-11-20T14:30:00Z", "2026-11-20T14:30:00"),  # naive is not UTC
    ],
)
def test_other_instant_offset_or_naive_compare_unequal(left: str, right: str) -> None:
    assert parse_rfc3339(left) != parse_rfc3339(right)


def test_naive_and_malformed_values() -> None:
    assert parse_rfc3339("2026-11-20T14:30:00") == Unzoned("2026-11-20T14:30:00")
    utc = parse_rfc3339("2026-11-20T13:30:00Z")
    assert isinstance(utc, Instant)
    assert parse_rfc3339("2026-11-20T14:30:00+01:00") == Instant(utc.utc_seconds, 60)
    with pytest.raises(ValueError, match="not an RFC 3339 date-time: 'yesterday'"):
        parse_rfc3339("yesterday")


def test_only_date_time_fields_of_the_schema_are_parsed() -> None:
    body = root_of("putResult", 201).example()
    parsed = with_instants(body, root_of("putResult", 201).pointer)
    assert isinstance(parsed["result"]["scoreDate"], Instant)
    assert isinstance(parsed["result"]["dateLastModified"], Instant)
    assert parsed["result"]["textScore"] == body["result"]["textScore"]
    assert body["result"]["scoreDate"] == "2026-11-20T14:30:00Z"  # the input is not modified
