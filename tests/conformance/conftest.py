"""Helpers to run the real `oneroster-conformance` command against real reference servers."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The suite's marker (conformance_check), registered here too: test_checks_made.py imports the suite's modules.
from oneroster_kit.conformance.suite.conftest import pytest_configure  # noqa: F401
from oneroster_kit.server.process import ReferenceServer

TIMEOUT = 240  # seconds for one CLI run (the quick profile takes well under a minute)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def result(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.report_dir / "result.json").read_text())
        return document

    @property
    def failed_checks(self) -> set[str]:
        return {failure["check"] for failure in self.result["failures"]}

    @property
    def summary(self) -> str:
        return (self.report_dir / "summary.md").read_text()

    def explain(self) -> str:
        return f"exit {self.code}\n--- stdout ---\n{self.stdout[-6000:]}\n--- stderr ---\n{self.stderr[-3000:]}"


def run_cli(args: list[str], report_dir: Path, env: dict[str, str] | None = None) -> Run:
    command = [sys.executable, "-m", "oneroster_kit.conformance", *args, "--report-dir", str(report_dir)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    return Run(completed.returncode, completed.stdout, completed.stderr, report_dir)


def target_args(server: ReferenceServer) -> list[str]:
    args = ["--base-url", server.base_url, "--token-url", server.token_url]
    # `=` form: a generated secret may start with "-".
    args += [f"--client-id={server.client_id}", f"--client-secret={server.client_secret}"]
    for class_id in server.class_ids:
        args += ["--class-id", class_id]
    return args
