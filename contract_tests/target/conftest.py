"""The target suite lives in the package (`oneroster_kit.conformance.suite`); its fixtures and hooks."""

from oneroster_kit.conformance.suite.conftest import *  # noqa: F403
