"""No module of the kit imports upward (scripts/import_graph.py states the layers)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from import_graph import MAY_IMPORT, PARTS, Edge, edges, part_of, upward_imports  # noqa: E402


def test_no_module_imports_upward() -> None:
    upward = upward_imports()
    assert upward == [], "\n".join(upward)


def test_every_module_belongs_to_a_part_and_the_graph_sees_deferred_imports() -> None:
    found = edges()
    for edge in found:
        part_of(edge.source), part_of(edge.target)  # raises for a module no part covers
    # the entry point imports the traffic checker only when asked for it (inside a function)
    assert any(
        e.source == "oneroster_kit.conformance.__main__" and e.target == "oneroster_kit.traffic.cli" and e.deferred
        for e in found
    )


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("oneroster_kit.server.recording", "oneroster_kit.traffic.ndjson"),  # the server reaching into traffic
        ("oneroster_kit.traffic.findings", "oneroster_kit.conformance.report"),  # one sibling into another
        ("oneroster_kit.conformance.setup", "oneroster_kit.server.process"),  # conformance starting a server itself
        ("oneroster_kit.contract", "oneroster_kit.checks.registry"),  # the bottom reaching up
        ("oneroster_kit.sdk.client", "oneroster_kit.compare"),  # the SDK on the checkers' floor
    ],
)
def test_an_upward_import_is_reported(source: str, target: str) -> None:
    assert upward_imports([Edge(source, target, 1, True)]) == [
        f"{source.replace('.', '/')}.py:1: {source} ({part_of(source)}) imports {target} ({part_of(target)}) "
        "inside a function"
    ]


def test_the_layers_point_one_way() -> None:
    """No two parts may import each other (the rule itself has no cycle)."""
    names = [name for name, _ in PARTS if name != "entry"]
    for first in names:
        for second in names:
            if first != second:
                assert not (second in MAY_IMPORT[first] and first in MAY_IMPORT[second]), (first, second)
