"""Recordings of the reference server, correct and with each `--fault`, made once per test session.

Each server runs with `--record` while `drive.py` sends its fixed sequence of calls; the servers
are recorded in parallel (most of each recording is waiting for a token to expire).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from oneroster_kit.conformance.__main__ import main
from oneroster_kit.server.faults import FAULTS
from oneroster_kit.server.process import ReferenceServer
from tests.traffic.drive import drive

CORRECT = "correct"
DATA = Path(__file__).parent / "data"


def _record(name: str, folder: Path) -> Path:
    path = folder / f"{name}.ndjson"
    faults = [] if name == CORRECT else [name]
    with ReferenceServer(faults=faults, extra_args=["--record", str(path)]) as server:
        drive(server)
    return path


@pytest.fixture(scope="session")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("recordings")
    names = [CORRECT, *sorted(FAULTS)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        paths = list(pool.map(lambda name: _record(name, folder), names))
    return dict(zip(names, paths, strict=True))


@dataclass
class TrafficRun:
    code: int
    stdout: str
    stderr: str
    report_dir: Path

    @property
    def result(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.report_dir / "result.json").read_text())
        return document

    def reports_text(self) -> str:
        return "\n".join((self.report_dir / name).read_text() for name in ("result.json", "summary.md", "junit.xml"))


def run_traffic(args: list[str], report_dir: Path | None = None) -> TrafficRun:
    """`oneroster-conformance traffic ARGS` in-process (the same `main` the console script calls)."""
    out, err = io.StringIO(), io.StringIO()
    extra = ["--report-dir", str(report_dir)] if report_dir is not None else []
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["traffic", *args, *extra])
    return TrafficRun(code, out.getvalue(), err.getvalue(), report_dir or Path("/nonexistent"))
