"""Proven SDK breaks: answers drawn from REVISION that the BASE generated SDK cannot parse.

Runs `_proof_worker` in a child process (the BASE SDK must be the `oneroster_client` it imports,
and the strategies must read the REVISION spec, both fixed per process), for the operations and
statuses whose answers changed. Each failure comes back with its (small) example.

The child needs nothing of a checkout: the kit (and its strategies) is imported from wherever this
interpreter has it, the BASE SDK is put first on its path, and it runs in the caller's work folder
(hypothesis keeps its `.hypothesis/` there, never in the user's directory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ProofRun", "start"]


@dataclass(frozen=True)
class Failure:
    operation: str
    status: int
    example: Any
    error: str


class ProofRun:
    """A running search; `result()` waits for it."""

    def __init__(self, process: subprocess.Popen[str], targets: list[tuple[str, int]]) -> None:
        self._process = process
        self.targets = targets

    def result(self, timeout: float = 300) -> tuple[list[Failure], list[str]]:
        """(failures, notes); a worker that fails is a note, never an exception."""
        try:
            out, err = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            return [], [f"the answer check did not finish within {timeout:.0f} s"]
        if self._process.returncode != 0:
            last = (err.strip().splitlines() or ["no output"])[-1]
            return [], [f"the answer check failed: {last}"]
        report = json.loads(out)
        failures = [Failure(f["operation"], int(f["status"]), f["example"], f["error"]) for f in report["failures"]]
        notes = [f"answer check skipped {note}" for note in report.get("skipped", [])]
        return failures, notes


def start(
    rev_spec: Path, base_sdk: Path, targets: list[tuple[str, int]], examples: int, seed: int, workdir: Path
) -> ProofRun:
    """Start the search; `workdir` is the child's cwd (a temporary folder the caller removes)."""
    env = dict(os.environ, ONEROSTER_SPEC=str(rev_spec))
    env["PYTHONPATH"] = os.pathsep.join([str(base_sdk), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("HYPOTHESIS_PROFILE", None)
    cmd = [
        sys.executable,
        "-m",
        "oneroster_kit.specdiff._proof_worker",
        "--base-sdk",
        str(base_sdk),
        "--examples",
        str(examples),
        "--seed",
        str(seed),
        *(f"--target={op}:{status}" for op, status in targets),
    ]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir)
    return ProofRun(process, targets)
