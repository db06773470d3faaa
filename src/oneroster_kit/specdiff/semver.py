"""`info.version` against the semver bump the changes require.

Major for anything that breaks wire clients or code written against the BASE SDK, minor for any
other change to the contract (new operations, fields, values, anything asked of servers), patch
for documentation only. The check passes when REVISION's version is at least BASE's version
bumped that way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oneroster_kit.specdiff.model import Change, Severity

__all__ = ["VersionCheck", "check_version", "required_bump"]

_BUMPS = ("none", "patch", "minor", "major")
_DOC_RULES = {"documentation-changed", "info-changed"}
_SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$")


@dataclass(frozen=True)
class VersionCheck:
    base: str
    revision: str
    required: str  # none, patch, minor, major
    actual: str  # the bump from base to revision, or "unparsable"/"lower"
    ok: bool
    message: str


def required_bump(changes: list[Change]) -> str:
    if not changes:
        return "none"
    if any(change.severity is Severity.BREAKING for change in changes):
        return "major"
    if any(change.rule not in _DOC_RULES for change in changes):
        return "minor"
    return "patch"


def _bump(base: tuple[int, int, int], rev: tuple[int, int, int]) -> str:
    if rev < base:
        return "lower"
    if rev[0] > base[0]:
        return "major"
    if rev[1] > base[1]:
        return "minor"
    return "patch" if rev[2] > base[2] else "none"


def check_version(base_version: str, rev_version: str, changes: list[Change]) -> VersionCheck:
    required = required_bump(changes)
    b, r = _SEMVER.match(base_version), _SEMVER.match(rev_version)
    if b is None or r is None:
        bad = base_version if b is None else rev_version
        return VersionCheck(
            base_version,
            rev_version,
            required,
            "unparsable",
            required == "none",
            f"info.version {bad!r} is not semver (MAJOR.MINOR.PATCH); the changes need a {required} bump",
        )
    bt = (int(b[1]), int(b[2]), int(b[3]))
    rt = (int(r[1]), int(r[2]), int(r[3]))
    actual = _bump(bt, rt)
    ok = actual != "lower" and _BUMPS.index(actual) >= _BUMPS.index(required)
    if ok:
        message = f"info.version {base_version} -> {rev_version} ({actual}) covers the {required} bump the changes need"
    else:
        message = (
            f"info.version {base_version} -> {rev_version} ({actual}) but the changes need a {required} bump"
            f" (at least {_suggest(bt, required)})"
        )
    return VersionCheck(base_version, rev_version, required, actual, ok, message)


def _suggest(base: tuple[int, int, int], required: str) -> str:
    major, minor, patch = base
    if required == "major":
        return f"{major + 1}.0.0"
    if required == "minor":
        return f"{major}.{minor + 1}.0"
    if required == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch}"
