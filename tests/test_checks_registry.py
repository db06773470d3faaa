"""The check registry: one entry per check, facts that hold, and registration that refuses strays."""

from __future__ import annotations

import pytest
from schemathesis.checks import CHECKS as SCHEMATHESIS_REGISTRY
from schemathesis.checks import load_all_checks

from oneroster_kit.checks import (
    CHECKS,
    SCHEMATHESIS_CHECKS,
    SCHEMATHESIS_PART,
    Check,
    Implementations,
    Registry,
    UnknownCheckError,
    when,
)
from oneroster_kit.contract import operations


def test_every_rule_is_one_sentence() -> None:
    for check in CHECKS:
        assert check.rule.endswith((".", ".)")) and "\n" not in check.rule, check.name
        assert check.name.isidentifier(), check.name


def test_the_schemathesis_source_means_schemathesis_has_a_check_of_that_name() -> None:
    from schemathesis.checks import max_response_time  # configured by a number, so outside their registry

    load_all_checks()
    theirs = {*SCHEMATHESIS_REGISTRY.get_all_names(), max_response_time.__name__}
    assert theirs >= SCHEMATHESIS_CHECKS, SCHEMATHESIS_CHECKS - theirs
    # and a kit check never borrows a schemathesis name
    assert not (CHECKS.names(source="kit") & theirs)


def test_the_operations_of_a_check_are_operations_of_the_spec() -> None:
    """`operations` (what the preflight asks and what an absent operation skips) names real operationIds."""
    spec = set(operations())
    for check in CHECKS:
        assert set(check.operations) <= spec, check.name
    assert CHECKS.operations_of("class_merge", spec) == ("updateClass",)
    assert set(CHECKS.operations_of("enum_closed", spec)) == spec  # no own list: every operation
    assert set(CHECKS.operations_of(SCHEMATHESIS_PART, spec)) == spec  # the schemathesis part: every one


def test_client_checks_run_on_recorded_traffic_only() -> None:
    for check in CHECKS.select(party="client"):
        assert check.runs_in == {"traffic"} and check.source == "kit", check.name


def test_an_unknown_name_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(UnknownCheckError, match=r"no check named 'result_ecko' \(known: .*result_echo"):
        CHECKS["result_ecko"]
    assert CHECKS.get("result_ecko") is None
    assert CHECKS.rule_of("result_ecko") == "(no rule recorded for this check)"


def test_a_registry_refuses_a_name_twice_and_a_check_that_runs_nowhere() -> None:
    one = Check("one", "One.", "kit", "server", frozenset({"suite"}))
    with pytest.raises(ValueError, match="listed twice"):
        Registry([one, one])
    with pytest.raises(ValueError, match="runs nowhere"):
        Registry([Check("none", "None.", "kit", "server", frozenset())])


def test_requirements_are_empty_until_recorded_and_can_be_looked_up_both_ways() -> None:
    assert all(check.requirements == () for check in CHECKS)
    registry = Registry([Check("traced", "Traced.", "kit", "server", frozenset({"suite"}), requirements=("R-1",))])
    assert registry.requirements_of("traced") == ("R-1",)
    assert [check.name for check in registry.for_requirement("R-1")] == ["traced"]
    assert registry.for_requirement("R-2") == []


def test_a_function_registers_under_its_own_name_and_only_where_its_check_runs() -> None:
    registry = Registry(
        [
            Check("echo", "Echo.", "kit", "server", frozenset({"traffic"})),
            Check("probe", "Probe.", "kit", "server", frozenset({"suite"})),
        ]
    )
    made: Implementations[int] = Implementations("traffic", registry)

    def positive(n: int) -> bool:
        return n > 0

    def small(n: int) -> bool:
        return n < 10

    @made.register
    @when(positive)
    @when(small)
    def echo(n: int) -> None:
        return None

    assert list(made) == ["echo"]
    assert made["echo"].check is registry["echo"] and made["echo"].run is echo
    assert [guard(5) for guard in made["echo"].guards] == [True, True]
    assert [guard(50) for guard in made["echo"].guards] == [True, False]

    def probe(n: int) -> None:
        return None

    with pytest.raises(ValueError, match="'probe' is not listed as running in the traffic"):
        made.register(probe)

    def ecko(n: int) -> None:
        return None

    with pytest.raises(UnknownCheckError, match="no check named 'ecko'"):
        made.register(ecko)
    with pytest.raises(ValueError, match="registered twice"):
        made.register(echo)
