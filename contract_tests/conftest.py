"""Shared fixtures of the contract tests.

Nothing here starts a server or needs an option unless a target test asks for its target:
under `oneroster-conformance` that is the CLI's target; under plain pytest it is a fresh
embedded reference server (quick profile), started on first use and stopped at the end.
"""

from __future__ import annotations

import pytest

from oneroster_kit.conformance.target import Target


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance_check(*names): the conformance checks a test makes")


def pytest_unconfigure(config: pytest.Config) -> None:
    from oneroster_kit.conformance.session import close_standalone

    close_standalone()


@pytest.fixture(scope="session")
def conformance_target() -> Target:
    from oneroster_kit.conformance.session import current_target

    return current_target()
