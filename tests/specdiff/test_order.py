"""The formats people read list the worst changes first, in file order within a severity."""

from __future__ import annotations

import re

import pytest

from oneroster_kit.specdiff.model import Audience, Change, Level, Verdict
from oneroster_kit.specdiff.render import render
from oneroster_kit.specdiff.report import Report
from oneroster_kit.specdiff.semver import check_version

C, A, B = Level.COMPATIBLE, Level.ATTENTION, Level.BREAKING


def change(name: str, clients: Level, servers: Level, sdk: Level) -> Change:
    levels = {Audience.CLIENTS: clients, Audience.SERVERS: servers, Audience.SDK: sdk}
    return Change(
        rule=f"rule-{name}",
        operation="putResult",
        direction="response",
        where=f"result.{name}",
        detail="changed",
        base_pointer=None,
        rev_pointer=None,
        verdicts={audience: Verdict(level, "why") for audience, level in levels.items()},
    )


# In file order, as the diff finds them (the SDK check's findings are appended last): each
# severity appears twice, never already in order.
FOUND = [
    change("docs1", C, C, C),
    change("server1", C, B, C),
    change("break1", B, C, B),
    change("notice", A, C, C),
    change("server2", C, B, C),
    change("break2", C, C, B),
    change("docs2", C, C, C),
]
WANTED = ["break1", "break2", "server1", "server2", "notice", "docs1", "docs2"]


def report() -> Report:
    return Report(
        base="old.yaml",
        revision="new.yaml",
        changes=list(FOUND),
        version=check_version("1.0.0", "1.0.0", FOUND),
        sdk=None,
    )


def test_markdown_rows_and_reasons_are_breaking_first_then_in_file_order() -> None:
    out = render(report(), "markdown")
    rows = re.findall(r"^\| \w+ \| putResult response result\.(\w+): changed \|", out, re.MULTILINE)
    assert rows == WANTED
    reasons = re.findall(r"^- \*\*putResult response result\.(\w+): changed\*\*", out, re.MULTILINE)
    assert reasons == WANTED
    severities = re.findall(r"^\| (BREAKING|SERVER|NOTICE|compatible) \|", out, re.MULTILINE)
    assert severities == ["BREAKING"] * 2 + ["SERVER"] * 2 + ["NOTICE"] + ["compatible"] * 2


def test_text_is_in_the_same_order() -> None:
    out = render(report(), "text")
    assert re.findall(r"^\w+ +putResult response result\.(\w+): changed", out, re.MULTILINE) == WANTED


@pytest.mark.parametrize("fmt", ["json", "junit", "github"])
def test_machine_formats_keep_the_order_found(fmt: str) -> None:
    out = render(report(), fmt)
    positions = [out.index(f"result.{c.where.split('.')[1]}") for c in FOUND]
    assert positions == sorted(positions)
