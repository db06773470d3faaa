"""The traffic checker makes exactly the checks the registry lists for recorded traffic."""

from __future__ import annotations

from oneroster_kit.checks import CHECKS
from oneroster_kit.traffic.applicability import NEEDS
from oneroster_kit.traffic.blame import PER_EXCHANGE
from oneroster_kit.traffic.semantics import ACROSS_EXCHANGES


def test_every_traffic_check_of_the_registry_is_made_once() -> None:
    per_exchange = set(PER_EXCHANGE)
    across = {check.name for check in ACROSS_EXCHANGES}
    assert not per_exchange & across
    assert per_exchange | across == CHECKS.names(runs_in="traffic")


def test_a_per_exchange_check_is_registered_under_its_function_name() -> None:
    for name, implementation in PER_EXCHANGE.items():
        assert implementation.run.__name__ == name == implementation.check.name


def test_every_traffic_check_says_what_a_recording_must_hold_for_it() -> None:
    """A check a recording could not exercise is listed as skipped with its need (traffic.applicability)."""
    assert set(NEEDS) == CHECKS.names(runs_in="traffic")
