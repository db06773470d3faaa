"""The real git history of openapi.yaml, diffed commit by commit, and a shallow clone handled."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from oneroster_kit.specdiff.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def _history() -> list[str]:
    if not (ROOT / ".git").exists():
        return []
    return _git("log", "--format=%H", "--", "openapi.yaml").split()[::-1]


def test_every_commit_of_the_spec_diffs_against_its_predecessor(capsys: pytest.CaptureFixture[str]) -> None:
    commits = _history()
    if _git("rev-parse", "--is-shallow-repository").strip() == "true" or len(commits) < 2:
        pytest.skip(f"only {len(commits)} commit(s) of openapi.yaml in this clone (shallow?)")
    for before, after in itertools.pairwise(commits):
        code = main([before, after, "--no-sdk", "--format", "json", "--fail-on", "never", "--repo", str(ROOT)])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert '"changes"' in out, (before, after)
    # ...and the working tree against the newest commit (no changes, or the uncommitted ones).
    assert main([commits[-1], "--no-sdk", "--fail-on", "never", "--repo", str(ROOT)]) == 0


def test_a_shallow_clone_says_so_in_one_line(tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", f"file://{ROOT}", str(clone)], check=True, capture_output=True
    )
    proc = subprocess.run(
        [sys.executable, "-m", "oneroster_kit.specdiff", "HEAD~1", "HEAD", "--no-sdk"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "shallow clone" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
