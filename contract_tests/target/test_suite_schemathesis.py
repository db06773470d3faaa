"""The installed command's `schemathesis` checks (`oneroster_kit.conformance.suite`), run from the checkout."""

from oneroster_kit.conformance.suite.test_target_schemathesis import *  # noqa: F403
