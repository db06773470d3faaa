"""Deterministic probes: one fixed set of requests per guarantee of the contract, on every run.

Random fuzzing finds what nobody thought of, but whether it draws the one input that shows a
defect depends on the seed. Each probe here derives its requests from openapi.yaml (the
request schemas, their enums, optional members and value kinds) and sends them on every run,
in every profile, so a server with one of these defects gets the same verdict for any seed.
Each probe is one named check of the report (see `oneroster_kit.checks`).
"""

from __future__ import annotations

from collections.abc import Callable

from oneroster_kit.conformance.probes.atomic import probe_write_atomic
from oneroster_kit.conformance.probes.enums import probe_enum_closed
from oneroster_kit.conformance.probes.identity import probe_id_distinct
from oneroster_kit.conformance.probes.replace import probe_result_replace
from oneroster_kit.conformance.probes.round_trip import probe_value_round_trip
from oneroster_kit.conformance.probes.wrapper import probe_body_wrapper_required
from oneroster_kit.conformance.target import Target

__all__ = ["PROBES"]

# check name -> the probe that makes it
PROBES: dict[str, Callable[[Target], None]] = {
    "result_replace": probe_result_replace,
    "value_round_trip": probe_value_round_trip,
    "id_distinct": probe_id_distinct,
    "enum_closed": probe_enum_closed,
    "body_wrapper_required": probe_body_wrapper_required,
    "write_atomic": probe_write_atomic,
}
