"""The installed command's deterministic probes (`oneroster_kit.conformance.suite`), run from the checkout."""

from oneroster_kit.conformance.suite.test_target_probes import *  # noqa: F403
