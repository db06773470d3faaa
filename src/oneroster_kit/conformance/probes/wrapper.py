"""`body_wrapper_required`: a request body without its wrapper object is refused (422).

PutResultRequest and PutClassRequest each require their one wrapper member (`result`,
`class`). The probe sends the inner object on its own, an object that satisfies the inner
schema (ResultInput, ClassUpdate), so a server that guesses the wrapper would accept it; the
spec's answer is 422 (a required member missing).
"""

from __future__ import annotations

from oneroster_kit.conformance.probes.common import PROBES, Probe, ProbeError
from oneroster_kit.conformance.probes.schema import deref, probe_body
from oneroster_kit.contract import SchemaValidator, operation
from oneroster_kit.spec import load_spec

__all__ = ["body_wrapper_required"]


@PROBES.register
def body_wrapper_required(probe: Probe) -> None:
    target = probe.target
    parts = []
    if probe.can("putResult"):
        parts.append(("putResult", probe.fresh_result_id("unwrapped")))
    if probe.can("updateClass"):
        parts.append(("updateClass", target.class_ids[0]))
    rid = parts[0][1] if parts and parts[0][0] == "putResult" else ""
    for operation_id, sourced_id in parts:
        member = operation(operation_id).body_member
        body = probe_body(operation_id)
        if operation_id == "putResult":
            body[member]["sourcedId"] = rid
        probe.valid(operation_id, body)
        inner = body[member]
        schema = deref(operation(operation_id).request_validator.schema)["properties"][member]
        if not SchemaValidator(schema, load_spec().get("components", {})).is_valid(inner):
            raise ProbeError(f"body_wrapper_required: the unwrapped {member} object is not valid on its own")
        exchange = probe.put(operation_id, sourced_id, inner)
        probe.refused(exchange, f"{operation_id} body sent without its {member!r} wrapper")
    probe.finish()
