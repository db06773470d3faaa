"""The deterministic probes (oneroster_kit.conformance.probes), one test and one named check each."""

from __future__ import annotations

import pytest

from oneroster_kit.conformance.probes import PROBES, Probe
from oneroster_kit.conformance.session import SuiteRun
from oneroster_kit.conformance.target import Target

__all__ = ["test_probe"]


@pytest.mark.parametrize(
    "check", [pytest.param(name, marks=pytest.mark.conformance_check(name), id=name) for name in PROBES]
)
def test_probe(conformance_target: Target, suite_run: SuiteRun, check: str) -> None:
    PROBES[check].run(Probe(check, conformance_target, suite_run.count_case))
