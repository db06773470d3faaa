"""Unit tests of the suite's own logic: echo comparison, option parsing, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from oneroster_kit.compare import echo_mismatches
from oneroster_kit.conformance.options import parse_options
from oneroster_kit.conformance.records import redact
from oneroster_kit.conformance.target import curl_command
from oneroster_kit.contract import operation
from oneroster_kit.usage import UsageError

RESULT = operation("putResult").body_schema
CLASS = operation("updateClass").body_schema


def test_datetimes_compare_as_instants() -> None:
    assert (
        echo_mismatches(RESULT, {"scoreDate": "2026-11-20T14:30:00Z"}, {"scoreDate": "2026-11-20T15:30:00+01:00"}, "r")
        == []
    )
    problems = echo_mismatches(
        RESULT, {"scoreDate": "2026-11-20T14:30:00Z"}, {"scoreDate": "2026-11-20T14:30:01Z"}, "r"
    )
    assert problems and "r.scoreDate" in problems[0]


def test_numbers_compare_exactly() -> None:
    assert echo_mismatches(RESULT, {"score": 87}, {"score": 87.0}, "r") == []
    assert echo_mismatches(RESULT, {"score": 87.5}, {"score": 88.0}, "r") == ["r.score: sent 87.5, got 88.0"]
    assert echo_mismatches(RESULT, {"metadata": {"a": 1}}, {"metadata": {"a": True}}, "r")


def test_missing_field_is_reported_unknown_members_ignored() -> None:
    assert echo_mismatches(RESULT, {"comment": "x"}, {}, "r") == ["r.comment: sent 'x', not returned"]
    assert echo_mismatches(RESULT, {"madeUp": 1}, {}, "r") == []


def test_references_compare_on_the_members_sent() -> None:
    sent = {"terms": [{"sourcedId": "t1"}], "classCode": None}
    got = {"terms": [{"sourcedId": "t1", "href": "https://x/t1", "type": "academicSession"}], "classCode": None}
    assert echo_mismatches(CLASS, sent, got, "c") == []
    assert echo_mismatches(CLASS, sent, {**got, "terms": [{"sourcedId": "t2"}]}, "c")
    assert echo_mismatches(RESULT, {"class": None}, {"class": {"sourcedId": "x"}}, "r")


def test_remote_target_options_and_environment() -> None:
    env = {"ONEROSTER_BASE_URL": "https://api.example.org/", "ONEROSTER_TOKEN": "secret", "ONEROSTER_CLASS_IDS": "a, b"}
    options = parse_options(["--profile", "thorough", "--seed", "9"], env=env)
    assert options.base_url == "https://api.example.org"
    assert options.class_ids == ("a", "b") and options.auth_mode == "token"
    assert options.profile.name == "thorough" and options.seed == 9 and options.result_prefix == "conformance-s9-"
    assert "secret" not in repr(options)
    explicit = parse_options(["--class-id", "c", "--report-dir", "out"], env=env)
    assert explicit.class_ids == ("c",) and explicit.report_dir == Path("out")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--base-url", "ftp://x", "--token", "t", "--class-id", "c"], "http://"),
        (["--token", "t"], "--base-url"),
        (["--base-url", "http://x", "--token", "t", "--class-id", "c", "--max-examples", "0"], "at least 1"),
        (["--check", "nonsense"], "unknown check"),
        (["--base-url", "http://x", "--client-id", "i", "--class-id", "c"], "--client-secret"),
    ],
)
def test_bad_options_name_what_to_fix(argv: list[str], fragment: str) -> None:
    with pytest.raises(UsageError, match=None) as error:
        parse_options(argv, env={})
    assert fragment in str(error.value)
    assert "\n" not in str(error.value)


def test_credentials_in_the_environment_do_not_block_an_embedded_run() -> None:
    options = parse_options([], env={"ONEROSTER_CLIENT_ID": "x", "ONEROSTER_CLIENT_SECRET": "y"})
    assert options.base_url is None and options.auth_mode == "embedded"


def test_seed_is_always_set_and_reported() -> None:
    assert isinstance(parse_options([], env={}).seed, int)
    with pytest.raises(UsageError, match="ONEROSTER_SEED"):
        parse_options([], env={"ONEROSTER_SEED": "abc"})


def test_tokens_are_redacted() -> None:
    command = curl_command(
        "PUT", "http://h/x", {"Authorization": "Bearer abc.def", "Content-Type": "application/json"}, b"{}"
    )
    assert "abc.def" not in command and "Bearer [REDACTED]" in command
    assert "abc" not in redact("curl -H 'Authorization: Bearer abc.def.ghi' http://h")
    assert "[Filtered]" not in redact("-H 'Authorization: [Filtered]'")


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("Bearer abc.def.ghi", "Bearer [REDACTED]"),
        ("Basic b25lcm9zdGVyOnNlY3JldA==", "Basic [REDACTED]"),  # a check that sends Basic on purpose
        ("Token abc123", "Token [REDACTED]"),
        ("abc.def.ghi", "[REDACTED]"),  # no scheme: claiming one would change what the reproduction sends
        ("Bearer", "Bearer"),  # a scheme with no credentials hides nothing
    ],
)
def test_redaction_keeps_the_scheme_a_reproduction_sends(header: str, shown: str) -> None:
    command = redact(f"curl -H 'Authorization: {header}' http://h")
    assert command == f"curl -H 'Authorization: {shown}' http://h"
    assert curl_command("PUT", "http://h/x", {"Authorization": header}, b"{}").count(f"Authorization: {shown}'") == 1
