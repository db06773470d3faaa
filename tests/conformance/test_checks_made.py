"""The live suite makes exactly the registry's suite checks that can fail, each under its own name."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

import oneroster_kit.conformance.suite.test_target_schemathesis as schemathesis_part
import oneroster_kit.conformance.suite.test_target_semantics as semantics
from oneroster_kit.checks import CHECKS, SCHEMATHESIS_PART, UnknownCheckError
from oneroster_kit.conformance.probes import PROBES


def _marked(module: ModuleType) -> set[str]:
    """The check names of the `conformance_check` markers of a module and its tests."""
    names: set[str] = set()
    for obj in [module, *vars(module).values()]:
        marks = getattr(obj, "pytestmark", [])
        for mark in marks if isinstance(marks, list) else [marks]:
            if getattr(mark, "name", None) == "conformance_check":
                names.update(mark.args)
    return names


def test_every_selectable_suite_check_is_made_by_a_test_or_a_probe() -> None:
    made = _marked(semantics) | _marked(schemathesis_part) | set(PROBES)
    assert made - {SCHEMATHESIS_PART} == CHECKS.names(runs_in="suite", selectable=True)


def test_a_semantic_test_is_named_after_a_check_of_the_suite() -> None:
    def test_result_ecko(checking: Any) -> None:
        return None

    with pytest.raises(UnknownCheckError, match="no check named 'result_ecko'"):
        semantics.suite_check(test_result_ecko)

    def test_client_path_id(checking: Any) -> None:
        return None

    with pytest.raises(ValueError, match="'client_path_id' is not listed as running in the suite"):
        semantics.suite_check(test_client_path_id)
