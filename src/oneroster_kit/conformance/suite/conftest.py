"""Fixtures of the target suite (nothing starts a server unless a target test asks for its target).

Under `oneroster-conformance` the target is the CLI's; under plain pytest (the checkout's thin
`contract_tests/target`) it is a fresh embedded reference server (quick profile), started on first
use and stopped at the end.
"""

from __future__ import annotations

import pytest

from oneroster_kit.conformance.expiry import ExpiringToken, request_expiring_token
from oneroster_kit.conformance.target import Target

__all__ = ["conformance_target", "expiring_token", "pytest_configure", "pytest_unconfigure"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance_check(*names): the conformance checks a test makes")


def pytest_unconfigure(config: pytest.Config) -> None:
    from oneroster_kit.conformance.session import close_standalone

    close_standalone()


@pytest.fixture(scope="session")
def conformance_target() -> Target:
    from oneroster_kit.conformance.session import current_target

    return current_target()


@pytest.fixture(scope="session", autouse=True)
def expiring_token(conformance_target: Target) -> ExpiringToken:
    """Requested with the first target test, so the token expires while the rest of the suite runs."""
    return request_expiring_token(conformance_target)
