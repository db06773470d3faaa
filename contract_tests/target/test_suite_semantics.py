"""The installed command's `semantics` checks (`oneroster_kit.conformance.suite`), run from the checkout."""

from oneroster_kit.conformance.suite.test_target_semantics import *  # noqa: F403
