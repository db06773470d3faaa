"""The SDK check needs nothing of a checkout: no path is computed from a module's own location.

An installed wheel has no `scripts/` or `contract_tests/` beside the package, so a path built from
`__file__` (`parents[2]`, `parents[3]`) names a folder of the venv that holds nothing of the kit.
What the SDK check reads comes from the package (`importlib.resources`) or from the caller; the
wheels session (`scripts/check_wheels.py`) runs it end to end from an installed wheel.
"""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import oneroster_kit
from oneroster_kit.specdiff import sdk_proof

PACKAGE = Path(oneroster_kit.__file__).parent
CHECKOUT = PACKAGE.parents[1]
# what the SDK check runs: the generator wrapper and the whole spec-diff package
MODULES = [PACKAGE / "codegen.py", *sorted((PACKAGE / "specdiff").glob("*.py"))]


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_no_module_of_the_sdk_check_locates_files_from_its_own_path(module: Path) -> None:
    uses = [
        node.lineno
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
        if isinstance(node, ast.Name) and node.id == "__file__"
    ]
    assert uses == [], f"{module.name} uses __file__ on line(s) {uses}; use importlib.resources or the caller's path"


def test_the_answer_search_runs_in_the_callers_folder_with_only_the_base_sdk_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, Any] = {}

    class Popen:
        def __init__(self, cmd: list[str], **kwargs: Any) -> None:
            started.update(kwargs, cmd=cmd)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    base_sdk, work = tmp_path / "base-sdk", tmp_path / "work"

    sdk_proof.start(tmp_path / "rev.yaml", base_sdk, [("putResult", 200)], 5, 0, work)

    assert started["cwd"] == work
    assert started["env"]["PYTHONPATH"].split(os.pathsep) == [str(base_sdk)]
    assert started["env"]["ONEROSTER_SPEC"] == str(tmp_path / "rev.yaml")
    assert not any(str(CHECKOUT) in str(arg) for arg in started["cmd"][1:])  # [0]: this interpreter
