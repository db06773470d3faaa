"""Every labelled single-change revision is classified as labelled, per audience (no SDK check: fast)."""

from __future__ import annotations

import pytest

from oneroster_kit.specdiff.diff import diff
from oneroster_kit.specdiff.model import Audience
from oneroster_kit.specdiff.sources import LoadedSpec, load, load_text
from tests.specdiff.corpus import CASES, SPEC, Case

_LETTER = {"breaking": "B", "attention": "A", "compatible": "C"}


def test_the_corpus_is_large_enough_and_names_are_unique() -> None:
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def base() -> LoadedSpec:
    return load(str(SPEC))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_single_change_is_classified_as_labelled(case: Case, base: LoadedSpec) -> None:
    revision = load_text(case.revision(), f"{case.name}.yaml")
    changes = diff(base, revision)
    found = {
        (c.rule, c.operation, c.direction, "".join(_LETTER[c.verdicts[a].level.value] for a in Audience))
        for c in changes
    }
    assert found == set(case.expected), case.why
    for change in changes:
        assert all(verdict.reason for verdict in change.verdicts.values())
        assert change.base_line is not None or change.rev_line is not None, change.title
