"""Fixtures of the target suite (started only when a target test runs)."""

from __future__ import annotations

import pytest

from oneroster_kit.conformance.expiry import ExpiringToken, request_expiring_token
from oneroster_kit.conformance.target import Target


@pytest.fixture(scope="session", autouse=True)
def expiring_token(conformance_target: Target) -> ExpiringToken:
    """Requested with the first target test, so the token expires while the rest of the suite runs."""
    return request_expiring_token(conformance_target)
