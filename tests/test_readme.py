"""The README's copyable blocks are all run by CI, and every file and module it names exists.

`scripts/check_readme.py` (`nox -s readme`) runs the blocks; these fast tests hold the README to
the convention that lets it (a marker on every ```sh block, a quick start of two lines, the second
being `.ci/run`'s), and fail when a path or module the README names is renamed away.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from readme_blocks import ReadmeError, commands, sh_blocks  # noqa: E402

README = (ROOT / "README.md").read_text(encoding="utf-8")
_TOP = r"(?:src|scripts|tests|contract_tests|generated|docs|\.ci)"
# a repository path anywhere in the text, or a package-relative one in backticks
_PATH = re.compile(rf"(?<![\w./-]){_TOP}/[\w.*/-]*[\w*/]")
_RELATIVE = re.compile(r"`((?:oneroster_kit|oneroster_client|server|sdk|conformance|traffic|specdiff)/[\w.*/-]*)`")
_MODULE = re.compile(r"(?<![\w.])(oneroster_(?:kit|client)(?:\.\w+)+)")


def _exists(name: str) -> bool:
    for base in (ROOT, ROOT / "src", ROOT / "src" / "oneroster_kit", ROOT / "generated"):
        if any(base.glob(name.rstrip("/"))) if "*" in name else (base / name).exists():
            return True
    return False


def test_every_shell_block_has_a_marker_and_runs_somewhere() -> None:
    blocks = sh_blocks(README)
    assert len(blocks) >= 10
    scenes = {block.scene for block in blocks}
    assert scenes == {"checkout", "installed", "quick-start"}, scenes


def test_a_block_without_a_marker_is_refused_naming_its_line() -> None:
    text = "# t\n\n<!-- readme-run: checkout -->\n```sh\nls\n```\n\nsome text\n\n```sh\nrm -rf /\n```\n"
    with pytest.raises(ReadmeError, match=r"README.md:10: a ```sh block needs a `<!-- readme-run: SCENE -->`"):
        sh_blocks(text)
    with pytest.raises(ReadmeError, match="unknown scene 'laptop'"):
        sh_blocks("<!-- readme-run: laptop -->\n```sh\nls\n```\n")
    with pytest.raises(ReadmeError, match=r"unknown option\(s\) \['sudo'\]"):
        sh_blocks("<!-- readme-run: checkout, sudo -->\n```sh\nls\n```\n")


def test_command_lines_join_continuations_and_read_their_allowed_exits() -> None:
    found = commands(
        "# a comment\nfoo --a \\\n  --b   # exit 1 when it finds something\n\nbar  # exit 0 or 1\nbaz\n", 10
    )
    assert [(c.line, c.text, sorted(c.exits)) for c in found] == [
        (11, "foo --a \\\n  --b   # exit 1 when it finds something", [1]),
        (14, "bar  # exit 0 or 1", [0, 1]),
        (15, "baz", [0]),
    ]
    with pytest.raises(ReadmeError, match="inside a `\\\\` continuation"):
        commands("foo \\\n")


def test_the_quick_start_is_two_lines_and_ci_runs_the_second_verbatim() -> None:
    (quick,) = [block for block in sh_blocks(README) if block.scene == "quick-start"]
    first, second = quick.commands
    assert first.text.endswith("python3 -m nox -s conformance")
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert second.text in ci_lines, f".ci/run must run the README's second quick-start line verbatim: {second.text}"


def test_the_nox_default_set_runs_the_readme_blocks() -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    sessions = re.search(r"nox\.options\.sessions = \[(.*?)\]", noxfile)
    assert sessions is not None and '"readme"' in sessions.group(1)


def test_every_path_the_readme_names_exists() -> None:
    named = set(_PATH.findall(README)) | set(_RELATIVE.findall(README))
    assert "scripts/check_wheels.py" in named  # the patterns do find paths
    missing = sorted(name for name in named if not _exists(name))
    assert not missing, f"README.md names paths that do not exist: {missing}"


_RESOLVE = """
import importlib, importlib.util, json, sys
missing = []
for dotted in json.load(sys.stdin):
    parts = dotted.split(".")
    # the longest importable prefix, then attributes (a class or function the README names)
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            found = importlib.util.find_spec(module_name) is not None
        except ModuleNotFoundError:  # a parent is a module, not a package: module_name is an attribute
            found = False
        if found:
            target = importlib.import_module(module_name)
            for attribute in parts[cut:]:
                target = getattr(target, attribute, None)
            if target is None:
                missing.append(dotted)
            break
    else:
        missing.append(dotted)
print(json.dumps(missing))
"""


def test_every_module_the_readme_names_exists() -> None:
    # Resolved in a child process: importing a module can register process-wide state (the shipped
    # schemathesis hook does), which must not leak into the rest of this test session.
    names = sorted(set(_MODULE.findall(README)))
    assert "oneroster_kit.schemathesis_hooks" in names  # the pattern does find modules
    completed = subprocess.run(
        [sys.executable, "-c", _RESOLVE], input=json.dumps(names), capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    missing = json.loads(completed.stdout)
    assert not missing, f"README.md names modules or attributes that do not exist: {missing}"


def test_a_block_stops_at_the_first_line_that_exits_otherwise_naming_it(tmp_path: Path) -> None:
    import subprocess

    from check_readme import script_of
    from readme_blocks import Block

    block = Block(7, "checkout", frozenset(), "true\nfalse   # exit 1 on purpose\n(exit 3)\necho never\n")
    script = tmp_path / "block.sh"
    script.write_text(script_of(block), encoding="utf-8")
    ran = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    assert ran.returncode == 97, ran
    assert "README.md:10: exited 3, expected 0" in ran.stderr
    assert "never" not in ran.stdout
