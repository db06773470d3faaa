"""Bad input is reported per entry and skipped, never a traceback (hand-made files in data/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.traffic.conftest import DATA, run_traffic


def _skips(run_result: dict[str, object]) -> dict[str, str]:
    return {s["ref"]: s["reason"] for s in run_result["skipped"]}  # type: ignore[attr-defined]


def test_truncated_har_keeps_the_entries_before_the_cut(tmp_path: Path) -> None:
    run = run_traffic([str(DATA / "truncated.har")], tmp_path)
    assert run.code == 0, run.stdout
    assert run.result["exchanges"]["checked"] == 2
    assert "truncated after entry 1" in _skips(run.result)["truncated.har"]
    assert "skipped truncated.har: the HAR file is truncated" in run.stdout


def test_encoded_and_binary_bodies(tmp_path: Path) -> None:
    run = run_traffic([str(DATA / "bodies.har")], tmp_path)
    skips = _skips(run.result)
    assert skips == {
        "bodies.har entry 2": "the response body is binary (not UTF-8 text); not checked",
        "bodies.har entry 3": "response body is marked base64 but is not valid base64",
        "bodies.har entry 4": "response body is labelled gzip but its compressed data is cut off or corrupt",
        "bodies.har entry 5": "the entry has no response (the request got no answer)",
        "bodies.har entry 6": "the response has no HTTP status (got 0): no answer was recorded",
        "bodies.har entry 7": "request body has an unknown encoding 'quoted-printable' (expected base64 or none)",
    }
    # entries 0 (base64 bodies) and 1 (a gzip body stored as on the wire) were decoded and checked clean
    assert run.result["exchanges"]["checked"] == 2
    assert run.code == 0, run.stdout


def test_invalid_ndjson_lines(tmp_path: Path) -> None:
    run = run_traffic([str(DATA / "bad-lines.ndjson")], tmp_path)
    skips = _skips(run.result)
    assert set(skips) == {f"bad-lines.ndjson line {n}" for n in (2, 3, 4, 5)}
    assert skips["bad-lines.ndjson line 2"].startswith("the line is not valid JSON")
    assert skips["bad-lines.ndjson line 3"] == "the line is a JSON list, not an exchange object"
    assert skips["bad-lines.ndjson line 4"] == "the exchange has no response (the request got no answer)"
    assert skips["bad-lines.ndjson line 5"].startswith("the line is truncated (no end of line)")
    assert run.result["exchanges"]["checked"] == 1 and run.code == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.har", "no exchange matched an operation of the spec (1 entries skipped"),
        ("not-traffic.txt", "neither a HAR file nor NDJSON exchanges"),
        ("missing.har", "missing.har: no such file"),
    ],
)
def test_nothing_to_check_is_a_usage_error(name: str, message: str, tmp_path: Path) -> None:
    run = run_traffic([str(DATA / name)], tmp_path)
    assert run.code == 2
    assert message in run.stderr and "Traceback" not in run.stderr + run.stdout
    assert len(run.stderr.strip().splitlines()) == 1


def test_bad_options(tmp_path: Path) -> None:
    for args, message in (
        (["--check", "no_such_check", str(DATA / "truncated.har")], "unknown check no_such_check"),
        # a check only the live suite makes would report nothing here
        (["--check", "value_round_trip", str(DATA / "truncated.har")], "--check value_round_trip does not apply to"),
        (["--base-url", "api.example.org", str(DATA / "truncated.har")], "must be an http(s) URL or a path"),
        ([], "the following arguments are required: FILE"),
    ):
        run = run_traffic(args)
        assert run.code == 2 and message in run.stderr, (args, run.stderr)
