"""The README's plain `st run` command, with the shipped configuration, finds no failure on the reference server.

The command is read from README.md (the block after the marker) and run by a shell exactly as
written, plus a smaller budget and `--generation-deterministic`; the three variables it reads
point at a real reference server on loopback. Without the shipped hook the same run fails
(ST202: the server's correct 422 for a body sourcedId that differs from the path), which is what
the configuration is for.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from oneroster_kit.plain_schemathesis import CONFIG
from oneroster_kit.server.process import ReferenceServer

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = "<!-- plain-schemathesis: tests/test_plain_schemathesis.py -->"
BUDGET = ["--max-examples", "20", "--generation-deterministic"]


def readme_command() -> str:
    block = re.search(re.escape(MARKER) + r"\s*```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None, f"README.md needs a ```sh block after {MARKER}"
    commands = [line for line in block.group(1).splitlines() if line.startswith("st ")]
    assert len(commands) == 1, block.group(1)
    return commands[0]


def _run(command: str, server: ReferenceServer, cwd: Path) -> subprocess.CompletedProcess[str]:
    token = httpx.post(
        server.token_url,
        data={"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret},
    ).json()["access_token"]
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "ONEROSTER_BASE_URL": server.base_url,
        "ONEROSTER_TOKEN": token,
        "ONEROSTER_CLASS_ID": server.class_ids[0],
    }
    env.pop("SCHEMATHESIS_HOOKS", None)
    return subprocess.run(["bash", "-c", command], env=env, cwd=cwd, capture_output=True, text=True, timeout=240)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_readme_st_run_finds_no_failure(tmp_path: Path) -> None:
    command = " ".join([readme_command(), *BUDGET])
    with ReferenceServer(db_path=tmp_path / "st.db") as server:
        completed = _run(command, server, tmp_path)
        log = server.log_text()
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert str(CONFIG) in "".join(output.split())  # the shipped configuration was used (banner lines wrap)
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, f"phase {phase} did not run and pass:\n{output}"
    assert "No issues found" in output, output
    statuses = {line.split()[5] for line in log.splitlines()[1:] if line[:2] == "20"}
    assert {"200", "201", "422"} <= statuses, statuses  # positive and negative cases reached the server


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_without_the_hook_the_same_run_reports_st202(tmp_path: Path) -> None:
    text = CONFIG.read_text(encoding="utf-8")
    hook_line = 'hooks = "oneroster_kit.schemathesis_hooks"\n'
    assert hook_line in text
    (tmp_path / "no-hook.toml").write_text(text.replace(hook_line, ""), encoding="utf-8")
    command = readme_command().replace('"$(python -m oneroster_kit.plain_schemathesis config)"', "no-hook.toml")
    with ReferenceServer(db_path=tmp_path / "st.db") as server:
        completed = _run(" ".join([command, "--phases", "examples", "--generation-deterministic"]), server, tmp_path)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "ST202" in output, output
