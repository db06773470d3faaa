"""The README's copyable shell blocks, as data: where each one runs and what each line must exit.

Every ```sh block of README.md is preceded by a marker (other `<!-- ... -->` markers may sit between
it and the block) that says where a user types it:

    <!-- readme-run: checkout -->              the root of a clone, after the "day-to-day" venv
    <!-- readme-run: installed -->             a directory holding the two wheels, their venv active
    <!-- readme-run: quick-start -->           the quick start (line 1 is run, line 2 is .ci/run)

and, after a comma, what it needs: `setup` (it makes the scene, so it runs first), `server :8000`
(the README's reference server on port 8000 is up), `serves :8000` (it starts that server in the
foreground), `serves :8001 postgresql` (it starts a server on port 8001 on the PostgreSQL database
`$DATABASE_URL` names, a throwaway cluster's), `then sdk-example` (the ```python block after the
SDK marker runs next, in the same shell). A trailing comment `# ... exit 1 ...` or `exit 0 or 1`
says which exit statuses a line may have; without one it must exit 0. `scripts/check_readme.py`
runs the blocks; `tests/test_readme.py` holds every block to having a marker, so a new copyable
line cannot escape CI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OPTIONS", "SCENES", "Block", "Command", "ReadmeError", "commands", "sdk_example", "sh_blocks"]

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SCENES = ("checkout", "installed", "quick-start")
OPTIONS = ("setup", "server :8000", "serves :8000", "serves :8001 postgresql", "then sdk-example")
SDK_MARKER = "<!-- sdk-example: tests/sdk/test_readme_example.py -->"

_FENCE = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)
_MARKER = re.compile(r"<!-- readme-run: (?P<spec>[^>]*?) -->\s*$")
_EXIT = re.compile(r"\bexit (\d+)(?: or (\d+))?\b")


class ReadmeError(ValueError):
    """The README breaks the block convention; the message names the line and what is wrong."""


@dataclass(frozen=True)
class Command:
    """One command line as the user pastes it (continuation lines joined) and the exits it may have."""

    line: int
    text: str
    exits: frozenset[int]


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, 1-based
    scene: str
    options: frozenset[str]
    text: str

    @property
    def commands(self) -> list[Command]:
        return commands(self.text, self.line + 1)


def commands(text: str, first_line: int = 1) -> list[Command]:
    """The command lines of a block: `\\` continuations joined, blank and comment-only lines left out."""
    found: list[Command] = []
    pending: list[str] = []
    start = first_line
    for number, raw in enumerate(text.splitlines(), first_line):
        if not pending:
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            start = number
        if raw.endswith("\\"):
            pending.append(raw)
            continue
        pending.append(raw)
        joined = "\n".join(pending)
        pending = []
        comment = joined.rsplit("#", 1)[1] if " #" in joined else ""
        match = _EXIT.search(comment)
        exits = frozenset(int(code) for code in match.groups() if code is not None) if match else frozenset({0})
        found.append(Command(start, joined, exits))
    if pending:
        raise ReadmeError(f"README.md:{start}: the block ends inside a `\\` continuation")
    return found


def sh_blocks(text: str) -> list[Block]:
    """Every ```sh block with its marker; ReadmeError for a block without one or with an unknown word."""
    blocks: list[Block] = []
    for fence in _FENCE.finditer(text):
        line = text.count("\n", 0, fence.start()) + 1
        # the nearest line above that is not blank nor another marker (`<!-- sdk-example: ... -->`)
        before = [row.strip() for row in text[: fence.start()].splitlines() if row.strip()]
        while before and before[-1].startswith("<!--") and not before[-1].startswith("<!-- readme-run:"):
            before.pop()
        marker = _MARKER.match(before[-1]) if before else None
        if marker is None:
            raise ReadmeError(
                f"README.md:{line}: a ```sh block needs a `<!-- readme-run: SCENE -->` line right above it "
                f"(SCENE one of {', '.join(SCENES)}), so CI runs it as written"
            )
        scene, *options = (part.strip() for part in marker["spec"].split(","))
        if scene not in SCENES:
            raise ReadmeError(f"README.md:{line - 1}: unknown scene {scene!r}; expected one of {', '.join(SCENES)}")
        unknown = [option for option in options if option not in OPTIONS]
        if unknown:
            raise ReadmeError(
                f"README.md:{line - 1}: unknown option(s) {unknown}; expected any of {', '.join(OPTIONS)}"
            )
        blocks.append(Block(line, scene, frozenset(options), fence.group(1)))
    return blocks


def sdk_example(text: str) -> str:
    """The ```python block after the SDK marker (the one tests/sdk/test_readme_example.py runs)."""
    block = re.search(re.escape(SDK_MARKER) + r"\s*```python\n(.*?)```", text, re.DOTALL)
    if block is None:
        raise ReadmeError(f"README.md has no ```python block after {SDK_MARKER}")
    return block.group(1)
