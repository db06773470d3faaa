"""Compare the public API of two generated SDKs with griffe, the maintained Python API-breakage checker.

griffe reads both packages statically (no import) and lists what code written against the BASE
SDK can no longer do: removed or renamed modules, classes, functions and attributes, parameters
added, removed or made required, changed annotations. griffe does not compare the values of
module-level type aliases, and the generated SDK's enums are such aliases (`ScoreStatus =
Literal[...]`, with `literal_enums: true`): they are compared here. A Literal that lost a member
breaks code passing that value; one that only gained members is a wider type every old value
still satisfies (reported, not a break). A changed value of any other module constant (e.g.
`SCORE_STATUS_VALUES`) is reported, not a break.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import griffe

from oneroster_kit.codegen import PACKAGE

__all__ = ["ApiBreak", "compare"]


@dataclass(frozen=True)
class ApiBreak:
    kind: str  # griffe's BreakageKind value, e.g. "Public object was removed"
    path: str  # e.g. "oneroster_client.models.result.Result.score"
    explanation: str
    breaking: bool  # False for the refined kinds above


def _literal_members(value: object) -> set[str] | None:
    text = str(value) if value is not None else ""
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(tree, ast.Subscript) and getattr(tree.value, "id", getattr(tree.value, "attr", "")) == "Literal":
        items = tree.slice.elts if isinstance(tree.slice, ast.Tuple) else [tree.slice]
        return {ast.unparse(item) for item in items}
    return None


def _load(sdk_dir: Path) -> griffe.Object | griffe.Alias:
    return griffe.load(
        PACKAGE,
        search_paths=[str(sdk_dir)],
        allow_inspection=False,
        modules_collection=griffe.ModulesCollection(),
        lines_collection=griffe.LinesCollection(),
    )


def _describe(kind: str, path: str, old: object, new: object) -> str:
    shown = (old is not None or new is not None) and "removed" not in kind.lower()
    values = f" ({old} -> {new})" if shown else ""
    return f"{path}: {kind.lower()}{values}"


def _attributes(obj: griffe.Object | griffe.Alias) -> dict[str, griffe.Object | griffe.Alias]:
    found: dict[str, griffe.Object | griffe.Alias] = {}
    for member in obj.members.values():
        if member.is_alias:
            continue
        if member.is_module:
            found.update(_attributes(member))
        elif member.is_attribute:
            found[member.path] = member
    return found


def _literals(old: griffe.Object | griffe.Alias, new: griffe.Object | griffe.Alias) -> list[ApiBreak]:
    before, after = _attributes(old), _attributes(new)
    found: list[ApiBreak] = []
    for path, attribute in before.items():
        members = _literal_members(getattr(attribute, "value", None))
        if members is None or path not in after:
            continue
        now = _literal_members(getattr(after[path], "value", None))
        if now is None or now == members:
            continue
        lost, gained = sorted(members - now), sorted(now - members)
        detail = ", ".join([*(f"{m} removed" for m in lost), *(f"{m} added" for m in gained)])
        kind = "Literal type lost members" if lost else "Literal type gained members"
        found.append(ApiBreak(kind, path, f"{path}: {detail}", bool(lost)))
    return found


def compare(base_sdk: Path, rev_sdk: Path) -> list[ApiBreak]:
    """Every public-API difference griffe reports, BASE SDK to REVISION SDK, in a stable order."""
    old, new = _load(base_sdk), _load(rev_sdk)
    found: list[ApiBreak] = []
    for breakage in griffe.find_breaking_changes(old, new):
        breaking = True
        if breakage.kind is griffe.BreakageKind.ATTRIBUTE_CHANGED_VALUE:
            before, after = _literal_members(breakage.old_value), _literal_members(breakage.new_value)
            breaking = before is not None and after is not None and not before <= after
        old_value, new_value = getattr(breakage, "old_value", None), getattr(breakage, "new_value", None)
        kind = breakage.kind.value
        found.append(
            ApiBreak(kind, breakage.obj.path, _describe(kind, breakage.obj.path, old_value, new_value), breaking)
        )
    found += _literals(old, new)
    return sorted(found, key=lambda b: (b.path, b.kind, b.explanation))
