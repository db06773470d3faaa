"""The deterministic probes (oneroster_kit.conformance.probes), one test and one named check each."""

from __future__ import annotations

import pytest

from oneroster_kit.conformance.probes import PROBES
from oneroster_kit.conformance.target import Target

__all__ = ["test_probe"]


@pytest.mark.parametrize(
    "check", [pytest.param(name, marks=pytest.mark.conformance_check(name), id=name) for name in PROBES]
)
def test_probe(conformance_target: Target, check: str) -> None:
    PROBES[check](conformance_target)
