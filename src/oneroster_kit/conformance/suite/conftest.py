"""Fixtures and hooks of the target suite (nothing starts a server unless a target test asks for its target).

The suite's tests read the run (`SuiteRun`: options, target, case counts) from the `suite_run`
fixture, never from a module global. Under `oneroster-conformance` it is the CLI's, found as the
plugin the CLI handed to pytest; under plain pytest (the checkout's thin `contract_tests/target`)
this conftest builds the standalone run: the quick profile and a fresh embedded reference server,
started on first use and stopped at the end. It is the suite's entry point in that case, so it is
where the server comes from (`oneroster_kit.server.process`).

A suite module that needs the run's numbers when it is collected (schemathesis builds the cases of
its examples and coverage phases then) defines `configure_run(run)`; it is called before the module
is collected.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from oneroster_kit.conformance.expiry import ExpiringToken, request_expiring_token
from oneroster_kit.conformance.session import SuiteRun, standalone_run
from oneroster_kit.conformance.session import suite_run as cli_run
from oneroster_kit.conformance.target import Target
from oneroster_kit.server.process import ReferenceServer

__all__ = [
    "conformance_target",
    "expiring_token",
    "pytest_configure",
    "pytest_pycollect_makemodule",
    "pytest_unconfigure",
    "suite_run",
]

_STANDALONE = pytest.StashKey[SuiteRun]()


def _run_of(config: pytest.Config) -> SuiteRun:
    """The CLI's run, or (plain pytest) the standalone one, built once per pytest session."""
    run = cli_run(config)
    if run is not None:
        return run
    if _STANDALONE not in config.stash:
        config.stash[_STANDALONE] = standalone_run(ReferenceServer)
    return config.stash[_STANDALONE]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance_check(*names): the conformance checks a test makes")


def pytest_unconfigure(config: pytest.Config) -> None:
    standalone = config.stash.get(_STANDALONE, None)
    if standalone is not None:
        standalone.close()


class _SuiteModule(pytest.Module):
    """A module of the suite: its `configure_run(run)`, if any, is called before it is collected."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        configure = getattr(self.obj, "configure_run", None)
        if callable(configure):
            configure(_run_of(self.config))
        return super().collect()


def pytest_pycollect_makemodule(module_path: Path, parent: Any) -> pytest.Module:
    module: pytest.Module = _SuiteModule.from_parent(parent, path=module_path)
    return module


@pytest.fixture(scope="session")
def suite_run(request: pytest.FixtureRequest) -> SuiteRun:
    return _run_of(request.config)


@pytest.fixture(scope="session")
def conformance_target(suite_run: SuiteRun) -> Target:
    return suite_run.target


@pytest.fixture(scope="session", autouse=True)
def expiring_token(conformance_target: Target) -> ExpiringToken:
    """Requested with the first target test, so the token expires while the rest of the suite runs."""
    return request_expiring_token(conformance_target)
