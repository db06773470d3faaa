"""The check registry: every check the live suite and the traffic checker make, read by both and by
their reports (the rules), `--check` (what may be selected) and the suite's markers.

    from oneroster_kit.checks import CHECKS
    CHECKS["result_echo"].rule                         # one sentence of openapi.yaml
    CHECKS.names(runs_in="traffic", party="client")    # the traffic checker's client checks
    SCHEMATHESIS_CHECKS                                # the checks schemathesis itself makes

To add a check: list it in `catalogue.py` (name, rule, source, party, runs_in), then register the
function that makes it where it runs (`Implementations.register`, the function named as the check).
See `registry.py` for the machinery and `oneroster_kit.traffic.blame` for checks with guards.
"""

from __future__ import annotations

from oneroster_kit.checks.catalogue import CHECKS, SCHEMATHESIS_PART
from oneroster_kit.checks.registry import (
    Check,
    Guarded,
    Implementation,
    Implementations,
    Party,
    Registry,
    Runner,
    Source,
    UnknownCheckError,
    when,
)

__all__ = [
    "CHECKS",
    "SCHEMATHESIS_CHECKS",
    "SCHEMATHESIS_PART",
    "Check",
    "Guarded",
    "Implementation",
    "Implementations",
    "Party",
    "Registry",
    "Runner",
    "Source",
    "UnknownCheckError",
    "when",
]

# Every check schemathesis itself makes (source "schemathesis"), selectable or not.
SCHEMATHESIS_CHECKS = CHECKS.names(source="schemathesis")
