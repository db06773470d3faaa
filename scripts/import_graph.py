"""Which parts of `oneroster_kit` import which, and whether any imports upward.

    python scripts/import_graph.py            # the graph per part, then any upward import (exit 1 if one)
    python scripts/import_graph.py --modules  # also every module-to-module edge

Reads the source with `ast` (nothing is imported), so it sees imports inside functions too (marked
`deferred`). Each module belongs to one part (`PARTS`); a part may import only the parts listed for
it in `MAY_IMPORT`. The layers, bottom up:

- contract: the spec, its validators and the values written from it (spec, contract, jsontext, instants)
- base: leaf modules that know no part above the contract (exchange_log, usage, known_departures, ...)
- floor: what the checkers share (the check registry, comparison, --path templates, strategies)
- sdk, server: just above the contract, beside each other
- conformance, traffic, specdiff: siblings above the floor, importing none of each other
- entry: the commands and the modules a tool loads first (`__main__`, the suite's conftest); they wire the
  rest together (e.g. hand the conformance command a way to start the reference server)

`tests/test_import_layers.py` runs `upward_imports()` and fails on any.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "oneroster_kit"

# part -> module names (a name also covers its submodules); the first match in this order wins
PARTS: list[tuple[str, tuple[str, ...]]] = [
    (
        "entry",
        (
            "oneroster_kit.commands",
            "oneroster_kit.conformance.__main__",
            "oneroster_kit.server.__main__",
            "oneroster_kit.specdiff.__main__",
            "oneroster_kit.traffic.__main__",
            "oneroster_kit.conformance.suite.conftest",
            "oneroster_kit.plain_schemathesis",
        ),
    ),
    ("contract", ("oneroster_kit.spec", "oneroster_kit.contract", "oneroster_kit.jsontext", "oneroster_kit.instants")),
    (
        "base",
        (
            "oneroster_kit.exchange_log",
            "oneroster_kit.usage",
            "oneroster_kit.known_departures",
            "oneroster_kit.extras",
            "oneroster_kit.codegen",
            "oneroster_kit.schemathesis_hooks",
        ),
    ),
    (
        "floor",
        (
            "oneroster_kit.checks",
            "oneroster_kit.compare",
            "oneroster_kit.path_templates",
            "oneroster_kit.strategies",
            "oneroster_kit.spec_walk",
        ),
    ),
    ("sdk", ("oneroster_kit.sdk",)),
    ("server", ("oneroster_kit.server",)),
    ("conformance", ("oneroster_kit.conformance",)),
    ("traffic", ("oneroster_kit.traffic",)),
    ("specdiff", ("oneroster_kit.specdiff",)),
    ("package", ("oneroster_kit",)),  # oneroster_kit/__init__.py
]
_BELOW_FLOOR = frozenset({"contract", "base", "package"})
MAY_IMPORT: dict[str, frozenset[str]] = {
    "package": frozenset(),
    "contract": frozenset({"package"}),
    "base": frozenset({"contract", "package"}),
    "floor": _BELOW_FLOOR,
    "sdk": _BELOW_FLOOR,
    "server": _BELOW_FLOOR,
    "conformance": _BELOW_FLOOR | {"floor"},
    "traffic": _BELOW_FLOOR | {"floor"},
    "specdiff": _BELOW_FLOOR | {"floor"},
    "entry": frozenset(name for name, _ in PARTS),
}


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module
    line: int
    deferred: bool  # inside a function (run only when called)


def part_of(module: str) -> str:
    for name, prefixes in PARTS:
        if any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes):
            return name
    raise ValueError(f"{module}: no part in PARTS covers it; add it to scripts/import_graph.py")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The kit module an imported name refers to (a module, or the module defining the name)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def edges() -> list[Edge]:
    """Every import of a kit module by a kit module, top-level or deferred."""
    known = _modules()
    found: list[Edge] = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node, deferred in _imports(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [f"{base}.{alias.name}" for alias in node.names]
            for name in names:
                if not name.startswith("oneroster_kit"):
                    continue
                target = _resolve(name, known)
                if target is not None and target != module:
                    found.append(Edge(module, target, node.lineno, deferred))
    return list(dict.fromkeys(found))  # `from m import a, b` is one edge


def _imports(tree: ast.AST) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def visit(node: ast.AST, deferred: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, deferred))
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                continue  # typing only: not an import at run time
            else:
                visit(child, deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    visit(tree, False)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def upward_imports(found: list[Edge] | None = None) -> list[str]:
    """One line per import a part may not make (see MAY_IMPORT), e.g. `server/recording.py:23 ...`."""
    lines = []
    for edge in found if found is not None else edges():
        source, target = part_of(edge.source), part_of(edge.target)
        if source != target and target not in MAY_IMPORT[source]:
            where = edge.source.replace(".", "/") + ".py"
            lines.append(
                f"{where}:{edge.line}: {edge.source} ({source}) imports {edge.target} ({target})"
                + (" inside a function" if edge.deferred else "")
            )
    return lines


def summary(found: list[Edge]) -> list[str]:
    """Per part: the parts it imports, with the number of import statements (deferred ones counted apart)."""
    counts: Counter[tuple[str, str, bool]] = Counter()
    for edge in found:
        source, target = part_of(edge.source), part_of(edge.target)
        if source != target:
            counts[(source, target, edge.deferred)] += 1
    lines = []
    for name, _ in PARTS:
        targets = sorted({t for (s, t, _d) in counts if s == name}, key=[n for n, _ in PARTS].index)
        shown = []
        for target in targets:
            top, deferred = counts[(name, target, False)], counts[(name, target, True)]
            text = f"{target} {top}" if top else target
            if deferred:
                text += f" (+{deferred} deferred)" if top else f" (deferred {deferred})"
            shown.append(text)
        lines.append(f"{name:<12} -> {', '.join(shown) if shown else '(nothing)'}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", action="store_true", help="also list every module-to-module edge")
    args = parser.parse_args()
    found = edges()
    print("parts and what they import (import statements; deferred = inside a function):")
    print("\n".join(summary(found)))
    if args.modules:
        print("\nmodule edges:")
        for edge in sorted(found, key=lambda e: (e.source, e.target)):
            print(f"  {edge.source} -> {edge.target}" + (" (deferred)" if edge.deferred else ""))
    upward = upward_imports(found)
    print(f"\nupward imports: {len(upward)}")
    print("\n".join(upward))
    return 1 if upward else 0


if __name__ == "__main__":
    sys.exit(main())
