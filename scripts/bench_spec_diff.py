"""Benchmark: the labelled corpus through `oneroster-spec-diff` and through `redocly diff`, side by side.

Every single-change revision of `tests/specdiff/corpus.py` (built from the real openapi.yaml) is
compared with the spec by both tools. For each case the labels give the truth: the semver bump
the change needs (major when it breaks wire clients or SDK consumers, minor for any other change
to the contract, patch for documentation, none for no change) and the directions in which it
breaks someone. A tool agrees with the labels when both its bump and its breaking directions
match. Each disagreement is printed with what each tool said, which one is right and why.
Also printed: the time per diff, for this tool with the SDK check (generation of REVISION's SDK,
griffe, answers parsed by the BASE SDK; BASE's SDK generated once and cached, as in CI) and
without it, and for redocly.

redocly (npm `@redocly/cli` 2.77.0) is installed by this script with npm into a cache folder
(`--redocly-dir`, default `~/.cache/oneroster-kit/redocly-cli-2.77.0`) where node and npm exist;
elsewhere its column is skipped with a message.

    python scripts/bench_spec_diff.py [--cases N] [--no-sdk] [--redocly-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oneroster_kit.specdiff.compare import compare_specs  # noqa: E402
from oneroster_kit.specdiff.model import Change, Severity  # noqa: E402
from oneroster_kit.specdiff.sources import load, load_text  # noqa: E402
from tests.specdiff.corpus import CASES, SPEC, Case  # noqa: E402

REDOCLY = "@redocly/cli@2.77.0"
_BUMPS = ("none", "patch", "minor", "major")
_DOC_RULES = {"documentation-changed", "info-changed"}


def truth(case: Case) -> tuple[str, set[str]]:
    """(bump, breaking directions) from the case's labels."""
    breaking = {direction for _, _, direction, levels in case.expected if "B" in (levels[0], levels[2])}
    if breaking:
        return "major", breaking
    if any(rule not in _DOC_RULES for rule, *_ in case.expected):
        return "minor", set()
    return ("patch" if case.expected else "none"), set()


def ours(changes: list[Change], bump: str) -> tuple[str, set[str]]:
    spec_changes = [c for c in changes if not c.rule.startswith("sdk-")]
    return bump, {c.direction for c in spec_changes if c.severity is Severity.BREAKING}


def _redocly_direction(path: str) -> str:
    if "/responses/" in path:
        return "response"
    if "securitySchemes" in path or path.endswith("/security") or "/security/" in path:
        return "security"
    if path.startswith(("#/servers", "#/info")):
        return "document"
    return "request"


def install_redocly(folder: Path) -> Path | None:
    """The redocly binary, installed with npm on first use; None (with a message) where that fails."""
    binary = folder / "node_modules" / ".bin" / "redocly"
    if binary.exists():
        return binary
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("redocly: skipped (node/npm not found; install Node.js to compare with redocly diff)")
        return None
    folder.mkdir(parents=True, exist_ok=True)
    print(f"installing {REDOCLY} into {folder} ...", flush=True)
    proc = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), REDOCLY],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not binary.exists():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"redocly: skipped (npm install {REDOCLY} failed: {last})")
        return None
    return binary


def run_redocly(binary: Path, base: Path, revision: Path) -> tuple[str, set[str], list[str], float]:
    started = time.perf_counter()
    proc = subprocess.run(
        [str(binary), "diff", str(base), str(revision), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_NOTIFICATIONS="true"),
    )
    seconds = time.perf_counter() - started
    try:
        report: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return "error", set(), [f"redocly failed (exit {proc.returncode}): {proc.stderr.strip()[-200:]}"], seconds
    said, breaking = [], set()
    for change in report.get("changes", []):
        for verdict in change.get("verdicts", []):
            said.append(f"{verdict.get('impact')} {verdict.get('ruleId')}: {verdict.get('message')}")
        if change.get("impact") == "major":
            breaking.add(_redocly_direction(str(change.get("path", ""))))
    return str(report.get("bump", "none")), breaking, said, seconds


def _cpu() -> float:
    """CPU seconds of this process and its finished children: a figure the machine's load moves less."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _show(verdict: tuple[str, set[str]]) -> str:
    return f"{verdict[0]}, breaks {'/'.join(sorted(verdict[1])) or 'no one'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, help="only the first N cases")
    parser.add_argument("--no-sdk", action="store_true", help="this tool without its SDK check")
    default_dir = (
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "oneroster-kit" / "redocly-cli-2.77.0"
    )
    parser.add_argument("--redocly-dir", type=Path, default=default_dir)
    args = parser.parse_args(argv)
    cases = CASES[: args.cases] if args.cases else CASES
    binary = install_redocly(args.redocly_dir)
    base = load(str(SPEC))
    ours_right = theirs_right = 0
    times_sdk: list[float] = []
    cpu_sdk: list[float] = []
    times_static: list[float] = []
    times_redocly: list[float] = []
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-spec-diff-") as tmp:
        cache = Path(tmp) / "sdk-cache"
        started = time.perf_counter()
        compare_specs(base, load_text(CASES[0].revision(), "warm.yaml"), cache=cache)  # BASE's SDK, once
        cold = time.perf_counter() - started
        for case in cases:
            revision_file = Path(tmp) / f"{case.name}.yaml"
            revision_file.write_text(case.revision(), encoding="utf-8")
            expected = truth(case)
            t0 = time.perf_counter()
            revision = load(str(revision_file))
            static = compare_specs(base, revision, sdk=False)
            times_static.append(time.perf_counter() - t0)
            report = static
            if not args.no_sdk:
                t0, c0 = time.perf_counter(), _cpu()
                report = compare_specs(base, load(str(revision_file)), cache=cache)
                times_sdk.append(time.perf_counter() - t0)
                cpu_sdk.append(_cpu() - c0)
            mine = ours(report.changes, report.version.required)
            ours_right += mine == expected
            theirs: tuple[str, set[str]] | None = None
            said: list[str] = []
            if binary is not None:
                bump, breaking, said, seconds = run_redocly(binary, SPEC, revision_file)
                times_redocly.append(seconds)
                theirs = (bump, breaking)
                theirs_right += theirs == expected
            if mine != expected or (theirs is not None and theirs != expected):
                right = [name for name, v in (("oneroster-spec-diff", mine), ("redocly", theirs)) if v == expected]
                lines.append(f"- {case.name}: labels say {_show(expected)}")
                lines.append(f"    oneroster-spec-diff: {_show(mine)}")
                if theirs is not None:
                    lines.append(f"    redocly diff:        {_show(theirs)}")
                    lines += [f"      redocly: {line}" for line in said[:4]]
                lines.append(f"    right: {' and '.join(right) or 'neither'}; why: {case.why}")
                for change in static.changes:
                    if change.severity is Severity.BREAKING:
                        reasons = "; ".join(
                            f"{a.value}: {v.reason}" for a, v in change.verdicts.items() if v.level.value == "breaking"
                        )
                        lines.append(f"      {change.title}: {reasons}")
    total = len(cases)
    print(f"\ncases: {total} single-change revisions of openapi.yaml (tests/specdiff/corpus.py)")
    print(f"oneroster-spec-diff agrees with the labels on {ours_right}/{total}")
    if binary is not None:
        print(f"redocly diff ({REDOCLY}) agrees with the labels on {theirs_right}/{total}")
    print("\ndisagreements:" if lines else "\nno disagreements")
    print("\n".join(lines))
    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\ntime per diff (median, max; 2 shared cores, load average now {load_average}):")
    if times_sdk:
        median, worst = statistics.median(times_sdk), max(times_sdk)
        print(f"  oneroster-spec-diff with the SDK check: {median:.2f} s wall, max {worst:.2f} s;")
        print(f"    {statistics.median(cpu_sdk):.2f} s CPU (its process and children), max {max(cpu_sdk):.2f} s;")
        print(f"    BASE SDK cached; the first run, generating it as well, took {cold:.2f} s")
    print(
        f"  oneroster-spec-diff --no-sdk: {statistics.median(times_static):.2f} s wall, max {max(times_static):.2f} s"
    )
    if times_redocly:
        median, worst = statistics.median(times_redocly), max(times_redocly)
        print(f"  redocly diff (node start-up included): {median:.2f} s wall, max {worst:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
