"""Throughput and memory of `oneroster-conformance traffic`, side by side with `redocly drift`.

    python scripts/bench_traffic.py [--exchanges 100000] [--no-redocly]

Generates synthetic NDJSON traffic (`tests/support/synthetic_traffic.py`: correct result PUTs and
class updates over 50,000 resources, so the bounded per-resource state is exercised), and the
same exchanges as HAR. Runs the traffic check on a quarter of the file and on the whole, each in
a fresh process (peak RSS from wait4), to show memory does not grow with the file, and states the
figure extrapolated to a 1 GB NDJSON file. Then, where node and npm exist, installs
@redocly/cli 2.77.0 into a cache folder and runs `redocly drift` on the same HAR, and runs both
tools on a small file with known defects (`synthetic.DEFECTS`) to show which findings each reports.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the synthetic traffic is a test aid of the checkout (tests/support)
from tests.support.synthetic_traffic import (  # noqa: E402
    DEFECTS,
    HOST,
    defect_exchanges,
    har_document,
    traffic_lines,
    write_har,
)

REDOCLY = "@redocly/cli@2.77.0"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "oneroster-kit" / "redocly-2.77.0"
SPEC = ROOT / "openapi.yaml"
GIB = 1024**3


def measured(command: list[str]) -> tuple[int, float, int, str]:
    """(exit code, wall seconds, peak RSS in MiB, stdout) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    out = process.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.perf_counter() - started, usage.ru_maxrss // 1024, out


def write_ndjson(path: Path, records: list[dict[str, Any]] | None = None, count: int = 0) -> int:
    with path.open("w") as handle:
        for record in records if records is not None else traffic_lines(count):
            handle.write(json.dumps(record) + "\n")
    return path.stat().st_size


def redocly_command() -> list[str] | None:
    """`redocly` from the cache folder, installed there first; None (with a message) without node/npm."""
    binary = CACHE / "node_modules" / ".bin" / "redocly"
    if binary.exists():
        return [str(binary)]
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("redocly drift: skipped (node and npm are needed to install @redocly/cli)")
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"installing {REDOCLY} into {CACHE} ...", flush=True)
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), REDOCLY], capture_output=True, text=True
    )
    if done.returncode != 0 or not binary.exists():
        print(f"redocly drift: skipped (npm install failed: {done.stderr.strip().splitlines()[-1:]})")
        return None
    return [str(binary)]


def ours(path: Path) -> list[str]:
    return [sys.executable, "-m", "oneroster_kit.conformance", "traffic", str(path)]


def drift(redocly: list[str], har: Path) -> list[str]:
    return [*redocly, "drift", str(har), "--api", str(SPEC), "--server", HOST, "--format", "json"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--no-redocly", action="store_true", help="do not run redocly drift")
    parser.add_argument(
        "--gigabyte", action="store_true", help="also measure a generated 1 GiB NDJSON file (about 6 minutes)"
    )
    args = parser.parse_args()
    redocly = None if args.no_redocly else redocly_command()
    with tempfile.TemporaryDirectory(prefix="bench-traffic-") as folder:
        work = Path(folder)
        print(f"{'run':<44} {'exchanges':>9} {'MB':>7} {'wall s':>7} {'exch/s':>8} {'peak MiB':>8}")
        rows = []
        for count in (args.exchanges // 4, args.exchanges):
            path = work / f"traffic-{count}.ndjson"
            size = write_ndjson(path, count=count)
            code, wall, rss, _ = measured(ours(path))
            rows.append((count, size, wall, rss))
            print(
                f"{'oneroster-conformance traffic (NDJSON)':<44} {count:>9} {size / 1e6:>7.1f} {wall:>7.1f} "
                f"{count / wall:>8.0f} {rss:>8}   exit {code}"
            )
        count, size, wall, rss = rows[-1]
        per_gib = GIB / size * count
        print(
            f"1 GB NDJSON ≈ {per_gib:,.0f} exchanges: ≈ {per_gib / (count / wall) / 60:.1f} min at the measured rate; "
            f"peak memory {rows[0][3]} MiB at {rows[0][0]:,} and {rss} MiB at {count:,} exchanges (state bounded at "
            "20,000 resources per kind, so it stays flat)"
        )
        if args.gigabyte:
            path = work / "traffic-1gib.ndjson"
            total = 0
            with path.open("w") as handle:
                for total, record in enumerate(traffic_lines(10**9), 1):
                    handle.write(json.dumps(record) + "\n")
                    if total % 1000 == 0 and handle.tell() >= GIB:
                        break
            size = path.stat().st_size
            code, wall, rss_g, _ = measured(ours(path))
            print(
                f"{'oneroster-conformance traffic (NDJSON, 1 GiB)':<44} {total:>9} {size / 1e6:>7.1f} {wall:>7.1f} "
                f"{total / wall:>8.0f} {rss_g:>8}   exit {code}"
            )
            path.unlink()
        # Written entry by entry: a child's peak RSS counts this process's memory at fork time.
        har = work / f"traffic-{count}.har"
        write_har(har, traffic_lines(count))
        code, wall, rss_h, _ = measured(ours(har))
        print(
            f"{'oneroster-conformance traffic (same, HAR)':<44} {count:>9} {har.stat().st_size / 1e6:>7.1f} "
            f"{wall:>7.1f} {count / wall:>8.0f} {rss_h:>8}   exit {code} (streamed with ijson)"
        )
        if redocly is not None:
            code, wall, rss_r, out = measured(drift(redocly, har))
            print(
                f"{'redocly drift 2.77.0 (same exchanges, HAR)':<44} {count:>9} {har.stat().st_size / 1e6:>7.1f} "
                f"{wall:>7.1f} {count / wall:>8.0f} {rss_r:>8}   exit {code} (reads HAR whole into memory)"
            )
        # which findings each reports on a file with known defects
        pairs = list(defect_exchanges())
        records = [record for _, record in pairs]
        defects = work / "defects.ndjson"
        write_ndjson(defects, records)
        report = work / "report"
        measured([*ours(defects), "--blame", "server", "--report-dir", str(report)])
        mine = json.loads((report / "result.json").read_text())
        ours_by_line: dict[int, list[str]] = {}
        for finding in mine["failures"]:
            line = int(finding["exchanges"][-1].rsplit(" ", 1)[1])
            ours_by_line.setdefault(line - 1, []).append(finding["check"])
        theirs_by_index: dict[int, list[str]] = {}
        if redocly is not None:
            har = work / "defects.har"
            har.write_text(json.dumps(har_document(records)))
            _, _, _, out = measured(drift(redocly, har))
            start = out.find("{")
            try:
                problems = json.loads(out[start:])["problems"] if start >= 0 else []
            except ValueError:
                problems = []
            for problem in problems:
                theirs_by_index.setdefault(int(problem.get("exchangeIndex", -1)), []).append(
                    f"{problem['ruleId']}: {problem['message'][:60]}"
                )
        print("\nknown defects (file of", len(records), "exchanges):")
        print(f"{'#':>2} {'defect':<18} {'expected':<28} {'oneroster-conformance traffic':<44} redocly drift")
        for index, (defect, _record) in enumerate(pairs):
            if not defect:
                continue
            expected = DEFECTS[defect][0] or "(nothing: correct 401)"
            found = ", ".join(sorted(set(ours_by_line.get(index, [])))) or "-"
            other = "; ".join(theirs_by_index.get(index, [])) or ("-" if redocly is not None else "(not run)")
            print(f"{index:>2} {defect:<18} {expected:<28} {found:<44} {other}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
