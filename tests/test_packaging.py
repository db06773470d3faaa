"""Packaging: the kit pins the generated distribution, and a command without its extra says which to install.

The built wheels themselves are installed and run outside the checkout by `nox -s wheels`
(scripts/check_wheels.py); these are the fast checks of the same rules.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import oneroster_kit
from oneroster_kit import codegen, commands, extras

ROOT = Path(__file__).resolve().parents[1]


def _pyproject(path: Path) -> dict[str, object]:
    with path.open("rb") as file:
        return tomllib.load(file)


def test_the_kit_depends_on_the_exact_generated_version() -> None:
    generated = _pyproject(ROOT / "generated" / "pyproject.toml")["project"]
    kit = _pyproject(ROOT / "pyproject.toml")["project"]
    assert isinstance(generated, dict) and isinstance(kit, dict)
    assert f"oneroster-client=={generated['version']}" in kit["dependencies"]


def test_the_installed_metadata_carries_the_pin() -> None:
    requires = importlib.metadata.requires(extras.DISTRIBUTION) or []
    assert any(line.replace(" ", "").startswith("oneroster-client==") for line in requires), requires


def test_the_console_scripts_go_through_the_extra_check() -> None:
    scripts = _pyproject(ROOT / "pyproject.toml")["project"]
    assert isinstance(scripts, dict)
    assert scripts["scripts"] == {
        "oneroster-reference-server": "oneroster_kit.commands:reference_server",
        "oneroster-conformance": "oneroster_kit.commands:conformance",
        "oneroster-spec-diff": "oneroster_kit.commands:spec_diff",
    }


def test_missing_packages_of_an_extra_are_named_from_the_metadata() -> None:
    lines = ["httpx==0.28.1", "pytest==9.2.0; extra == 'conformance'", "uvicorn==0.54.0; extra == 'server'"]
    assert extras.missing_requirements("conformance", lines, installed=lambda name: False) == ["pytest"]
    assert extras.missing_requirements("server", lines, installed=lambda name: False) == ["uvicorn"]
    assert extras.missing_requirements("conformance", lines, installed=lambda name: True) == []
    # and from the real installed metadata: the dev environment has every extra
    assert extras.missing_requirements("conformance") == []


@pytest.mark.parametrize(
    ("entry", "name", "extra", "hidden"),
    [
        (commands.conformance, "oneroster-conformance", "conformance", "pytest"),
        (commands.conformance, "oneroster-conformance", "conformance", "schemathesis"),
        (commands.reference_server, "oneroster-reference-server", "server", "uvicorn"),
    ],
)
def test_a_command_without_its_extra_says_which_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], entry, name, extra, hidden
) -> None:
    real = extras._installed
    monkeypatch.setattr(extras, "_installed", lambda dist: dist != hidden and real(dist))
    assert entry() == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"{name}: error: this command needs the '{extra}' extra (missing: {hidden}); "
        f"install it with: pip install 'oneroster-contract-kit[{extra}]'\n"
    )


def test_the_generator_config_is_one_file_and_a_resource_of_the_package() -> None:
    """regenerate.py and the spec diff's SDK check read the same file; a wheel can only carry it in the package."""
    resource = importlib.resources.files("oneroster_kit") / "generator-config.yaml"
    assert codegen.config() == resource
    assert resource.is_file()
    assert Path(str(resource)).parent == Path(oneroster_kit.__file__).parent
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "*generator-config*"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == ["src/oneroster_kit/generator-config.yaml"]


def test_a_copy_of_the_package_outside_the_checkout_finds_its_generator_config(tmp_path: Path) -> None:
    """The installed layout: the package alone in a site folder, run from an empty directory."""
    site, empty = tmp_path / "site", tmp_path / "empty"
    shutil.copytree(
        Path(oneroster_kit.__file__).parent, site / "oneroster_kit", ignore=shutil.ignore_patterns("__pycache__")
    )
    empty.mkdir()
    probe = (
        "import oneroster_kit; from oneroster_kit import codegen; codegen.check_tool_versions(); "
        "print(oneroster_kit.__file__); print(codegen.config())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ONEROSTER_"))}
    env["PYTHONPATH"] = str(site)
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=empty, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    package, config = map(Path, done.stdout.split())
    assert package.parent == site / "oneroster_kit"
    assert config == site / "oneroster_kit" / "generator-config.yaml"


@pytest.mark.slow
def test_the_built_wheel_carries_the_generator_config_and_no_test_aids(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)], check=True
    )
    (wheel,) = tmp_path.glob("oneroster_contract_kit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("oneroster_kit/generator-config.yaml")
        names = archive.namelist()
    assert shipped == codegen.config().read_bytes()
    # test aids stay in the checkout (tests/support), the check registry ships
    assert "oneroster_kit/checks/catalogue.py" in names
    assert not [name for name in names if "synthetic" in name or "field_cases" in name or "/tests/" in name]
