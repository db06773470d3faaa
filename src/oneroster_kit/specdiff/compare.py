"""One comparison end to end: load both specs, diff, SDK check, version check, ignores -> a Report."""

from __future__ import annotations

import time
from pathlib import Path

from oneroster_kit.specdiff.diff import diff
from oneroster_kit.specdiff.report import Report
from oneroster_kit.specdiff.sdk_impact import SdkImpact, assess
from oneroster_kit.specdiff.semver import check_version
from oneroster_kit.specdiff.sources import LoadedSpec

__all__ = ["compare_specs"]


def compare_specs(
    base: LoadedSpec,
    rev: LoadedSpec,
    *,
    sdk: bool = True,
    cache: Path | None = None,
    examples: int = 20,
    seed: int = 0,
    ignores: dict[str, str] | None = None,
    fail_on: str = "breaking",
    check_version_bump: bool = False,
) -> Report:
    started = time.perf_counter()
    changes = diff(base, rev) if base.text != rev.text else []
    impact = None
    if sdk and changes:
        impact, added = assess(base, rev, changes, cache, examples, seed)
        changes += added
    elif sdk:
        impact = SdkImpact(False, ["not needed (no changes)"])
    version = check_version(
        str((base.document.get("info") or {}).get("version", "")),
        str((rev.document.get("info") or {}).get("version", "")),
        changes,
    )
    ignores = ignores or {}
    found = {change.fingerprint for change in changes}
    report = Report(
        base=base.label,
        revision=rev.label,
        changes=changes,
        version=version,
        sdk=impact,
        fail_on=fail_on,
        check_version=check_version_bump,
        ignored={fp: reason for fp, reason in ignores.items() if fp in found},
        unused_ignores=sorted(fp for fp in ignores if fp not in found),
    )
    report.seconds = time.perf_counter() - started
    return report
