"""Deterministic probes: one fixed set of requests per guarantee of the contract, on every run.

Random fuzzing finds what nobody thought of, but whether it draws the one input that shows a
defect depends on the seed. Each probe here derives its requests from openapi.yaml (the
request schemas, their enums, optional members and value kinds) and sends them on every run,
in every profile, so a server with one of these defects gets the same verdict for any seed.
Each probe is one named check of the report (see `oneroster_kit.checks`): a function named as
the check, registered in `PROBES` (`@PROBES.register`).
"""

from __future__ import annotations

# isort: off
# Imported for their registrations, in the order the suite runs them.
from oneroster_kit.conformance.probes import replace, round_trip, identity, enums, wrapper, atomic  # noqa: F401
from oneroster_kit.conformance.probes.common import PROBES, Probe

# isort: on

__all__ = ["PROBES", "Probe"]
