"""The generated SDK is reproducible from openapi.yaml, and drift is caught."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = ROOT / "scripts" / "regenerate.py"
SPEC = ROOT / "openapi.yaml"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, REGENERATE, *map(str, args)], capture_output=True, text=True, check=False)


def test_committed_tree_matches_a_fresh_generation() -> None:
    result = run("--check")
    assert result.returncode == 0, result.stderr
    assert "generated/ matches openapi.yaml" in result.stdout


def test_generation_is_byte_for_byte_repeatable(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert run("--output", first).returncode == 0
    assert run("--output", second).returncode == 0
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)


def test_changing_one_enum_value_without_regenerating_is_drift(tmp_path: Path) -> None:
    changed = tmp_path / "openapi.yaml"
    text = SPEC.read_text(encoding="utf-8")
    assert '"partially graded"' in text
    changed.write_text(text.replace('"partially graded"', '"partly graded"', 1), encoding="utf-8")

    result = run("--check", "--spec", changed)

    assert result.returncode == 1
    assert "has drifted" in result.stderr
    assert "differs: oneroster_client/models/score_status.py" in result.stderr
    assert "differs: oneroster_client/_spec.py" in result.stderr  # the recorded spec hash changed too


def test_generation_reads_the_packaged_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`codegen.config()` (the package resource the spec diff also reads) is what the generator is given."""
    from oneroster_kit import codegen

    changed = tmp_path / "generator-config.yaml"
    text = codegen.config().read_text(encoding="utf-8")
    assert 'package_version_override: "1.2.0"' in text
    changed.write_text(text.replace('"1.2.0"', '"9.9.9"', 1), encoding="utf-8")
    monkeypatch.setattr(codegen, "config", lambda: changed)

    codegen.generate(SPEC, tmp_path / "out")

    assert 'version = "9.9.9"' in (tmp_path / "out" / "pyproject.toml").read_text(encoding="utf-8")


def test_generated_package_records_the_hash_of_its_spec() -> None:
    from oneroster_client._spec import SPEC_SHA256

    from oneroster_kit.spec import spec_sha256

    assert spec_sha256() == SPEC_SHA256


def test_readable_enum_names_never_positional() -> None:
    """Literal enums: values such as "-1" and "Social Studies" are kept as themselves."""
    from oneroster_client.models.grade import GRADE_VALUES
    from oneroster_client.models.subject import SUBJECT_VALUES

    assert {"-1", "0", "13"} <= GRADE_VALUES
    assert {"Social Studies", "None", "Other"} <= SUBJECT_VALUES
    assert not any(re.search(r"VALUE_\d+", p.read_text()) for p in (ROOT / "generated").rglob("*.py"))


def test_a_generator_warning_fails_the_generation(tmp_path: Path) -> None:
    """The known trap: an unquoted 08 is an int to the generator, which then drops the operation."""
    broken = tmp_path / "openapi.yaml"
    broken.write_text(SPEC.read_text(encoding="utf-8").replace('"8", ', "08, ", 1), encoding="utf-8")

    result = run("--spec", broken, "--output", tmp_path / "out")

    assert result.returncode == 2
    assert "openapi-python-client failed" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_generated_package_builds_on_its_own(tmp_path: Path) -> None:
    """generated/ is a distribution in its own right: it builds a wheel with py.typed and the spec hash."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT / "generated")],
        check=True,
    )
    (wheel,) = tmp_path.glob("oneroster_client-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "oneroster_client/py.typed" in names
    assert "oneroster_client/_spec.py" in names
    assert "oneroster_client/api/gradebook/put_result.py" in names
