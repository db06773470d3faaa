"""Plain schemathesis (every phase, positive and negative, every check) against the real server.

Runs the schemathesis CLI exactly as a user would, with an explicit config file
(`st-server.toml` here: pinned path ids, 1 worker, the bearer token), `--checks all` and
`--generation-deterministic` so that a run is repeatable. The only hook is the shipped
`oneroster_kit.schemathesis_hooks`: it aligns a body `result.sourcedId` with the path, a rule the spec
states in prose (see that module).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oneroster_kit.server.process import ReferenceServer
from oneroster_kit.spec import spec_path

from .conftest import fetch_token

HERE = Path(__file__).resolve().parent


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_schemathesis_finds_no_failure(tmp_path: Path) -> None:
    with ReferenceServer(db_path=tmp_path / "st.db") as srv:
        env = {
            **os.environ,
            "ST_BASE_URL": srv.base_url,
            "ST_TOKEN": fetch_token(srv),
            "ST_CLASS_ID": srv.class_ids[0],
            "SCHEMATHESIS_HOOKS": "oneroster_kit.schemathesis_hooks",
        }
        command = [
            str(Path(sys.executable).parent / "st"),
            "--config-file",
            str(HERE / "st-server.toml"),
            "run",
            str(spec_path()),
            "--checks",
            "all",
            "--generation-deterministic",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path / "report"),
        ]
        completed = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=280)
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, output
        for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
            assert f"✅ {phase}" in output, f"phase {phase} did not run and pass:\n{output}"
        assert "No issues found" in output, output
        log = srv.log_text()
        assert "UNHANDLED" not in log, log
        statuses = {line.split()[5] for line in log.splitlines()[1:] if line[:2] == "20"}
        assert {"200", "201", "400", "422"} <= statuses, statuses  # positive and negative cases reached the server
