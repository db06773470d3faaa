"""Item 6: a database the server cannot write stops start-up with one line.

Was: the ready line was printed, then every write was a 500. The file is made read-only (0444);
as root the server runs without CAP_DAC_OVERRIDE, so that the mode applies to it too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import start, token_for


@pytest.mark.parametrize("how", ["files-0444-after-crash", "directory-0555-after-crash", "file-0444-after-stop"])
def test_a_read_only_database_fails_start_up_with_one_line(tmp_path: Path, how: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "reference.db"
    srv = start(db_path=db)  # a valid database, created by a normal start and used once
    token_for(srv)
    if how.endswith("after-crash"):
        srv.kill()  # leaves the -wal and -shm files behind
    srv.close()
    for path in folder.iterdir():
        os.chmod(path, 0o444)
    if how.startswith("directory"):
        os.chmod(folder, 0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes any file; without these capabilities it obeys the mode
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is not installed to drop CAP_DAC_OVERRIDE")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    env = {**os.environ, "ONEROSTER_CLIENT_SECRET": "a-secret-for-this-test"}
    if os.environ.get("HOSTILE_SERVER_SRC"):
        env["PYTHONPATH"] = os.environ["HOSTILE_SERVER_SRC"]
    command = [*prefix, sys.executable, "-m", "oneroster_kit.server", "--port", "0", "--db", str(db)]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=10)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the server started on a read-only database and kept running: {error.stdout!r}")
    assert completed.returncode == 2, (completed.returncode, completed.stdout, completed.stderr)
    assert "ready" not in completed.stdout
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("oneroster-reference-server: error: "), lines
    assert "not writable" in lines[0] or "readonly" in lines[0], lines
