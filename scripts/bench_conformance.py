"""Benchmark: the conformance suite's quick profile vs plain `schemathesis run`, side by side.

Against one fresh reference server, in one run: (1) `oneroster-conformance` with the quick
profile (wall time, test cases, cases per second), (2) its schemathesis part alone
(`--check schemathesis`), (3) plain `schemathesis run` with the same phases (examples, coverage,
fuzzing, stateful), the same budget (max examples per operation; the quick profile's stateful
scenarios and steps), modes, checks, seed and a single worker. The suite's figures include its
semantic checks (their cases are counted).
Prints the figures and the ratios; targets: quick profile within 60 s, cases/s within 1.3x of
plain schemathesis.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oneroster_kit.conformance.auth import fetch_token
from oneroster_kit.conformance.options import PROFILES
from oneroster_kit.server.process import ReferenceServer
from oneroster_kit.spec import spec_path

STATEFUL_STEPS = 10  # src/oneroster_kit/conformance/suite/test_target_schemathesis.py: stateful_step_count

_CASES = re.compile(r"Test cases:\s*\n?\s*(\d+) generated", re.MULTILINE)


def _conformance(server: ReferenceServer, report: Path, seed: int, extra: list[str]) -> tuple[float, int, int]:
    command = [sys.executable, "-m", "oneroster_kit.conformance", "--base-url", server.base_url]
    command += ["--token-url", server.token_url, f"--client-id={server.client_id}"]
    command += [f"--client-secret={server.client_secret}", "--seed", str(seed), "--report-dir", str(report)]
    for class_id in server.class_ids:
        command += ["--class-id", class_id]
    started = time.perf_counter()
    completed = subprocess.run([*command, *extra], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode == 2:
        raise SystemExit(f"oneroster-conformance could not run: {completed.stderr.strip()}")
    result = json.loads((report / "result.json").read_text())
    return elapsed, sum(result["run"]["test_cases"].values()), completed.returncode


def _plain(server: ReferenceServer, workdir: Path, seed: int, max_examples: int) -> tuple[float, int, int]:
    grant = fetch_token(server.token_url, server.client_id, server.client_secret)
    config = workdir / "schemathesis.toml"
    # Explicit (no parent-directory config is picked up), with the quick profile's stateful budget:
    # the suite runs `stateful_examples` scenarios of at most STATEFUL_STEPS calls.
    stateful = PROFILES["quick"].stateful_examples
    config.write_text(f"[phases.stateful]\nmax-steps = {STATEFUL_STEPS}\ngeneration.max-examples = {stateful}\n")
    st = shutil.which("st") or shutil.which("schemathesis")
    if st is None:
        raise SystemExit("the schemathesis command is not installed")
    command = [st, "--config-file", str(config), "run", str(spec_path()), "--url", server.base_url]
    command += ["-H", f"Authorization: Bearer {grant.access_token}", "--phases", "examples,coverage,fuzzing,stateful"]
    command += ["--mode", "all", "--checks", "all", "-n", str(max_examples), "--seed", str(seed)]
    # Seeded like the suite, no example database; --continue-on-failure so that plain schemathesis spends
    # its whole budget although it reports the body/path sourcedId mismatch the suite pins away.
    command += ["--generation-database", "none", "--continue-on-failure", "-w", "1", "--no-color"]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=workdir)
    elapsed = time.perf_counter() - started
    match = _CASES.search(completed.stdout)
    if match is None:
        raise SystemExit(f"could not read the number of test cases from schemathesis:\n{completed.stdout[-2000:]}")
    return elapsed, int(match.group(1)), completed.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    args = parser.parse_args()
    budget = PROFILES["quick"].max_examples
    names = [
        "oneroster-conformance --profile quick",
        "oneroster-conformance --check schemathesis",
        f"schemathesis run (examples,coverage,fuzzing,stateful; -n {budget}; all modes/checks; -w 1)",
    ]
    samples: dict[str, list[tuple[float, int, int]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="bench-conformance-") as tmp:
        workdir = Path(tmp)
        # Interleaved rounds, each run on a fresh server: load from other processes hits all three alike.
        for round_index in range(args.rounds):
            with ReferenceServer() as server:
                samples[names[0]].append(_conformance(server, workdir / f"quick{round_index}", args.seed, []))
            with ReferenceServer() as server:
                fuzz = ["--check", "schemathesis"]
                samples[names[1]].append(_conformance(server, workdir / f"fuzz{round_index}", args.seed, fuzz))
            with ReferenceServer() as server:
                samples[names[2]].append(_plain(server, workdir, args.seed, budget))
    print(
        f"{'run (median of ' + str(args.rounds) + ' rounds)':<86} {'wall s':>7} {'cases':>6} {'cases/s':>8} {'exit':>4}"
    )
    medians: dict[str, tuple[float, float]] = {}
    for name in names:
        runs = samples[name]
        wall = statistics.median(r[0] for r in runs)
        rate = statistics.median(r[1] / r[0] for r in runs)
        cases = int(statistics.median(r[1] for r in runs))
        medians[name] = (wall, rate)
        print(f"{name:<86} {wall:7.1f} {cases:6d} {rate:8.1f} {max(r[2] for r in runs):4d}")
    quick_wall = medians[names[0]][0]
    print(f"quick profile wall time: {quick_wall:.1f} s (target <= 60 s): {'OK' if quick_wall <= 60 else 'MISSED'}")
    plain_rate = medians[names[2]][1]
    for label, name in (("quick profile", names[0]), ("schemathesis part", names[1])):
        ratio = plain_rate / medians[name][1]
        verdict = "OK" if ratio <= 1.3 else "MISSED"
        print(f"plain schemathesis cases/s / {label} cases/s = {ratio:.2f} (target <= 1.3): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
