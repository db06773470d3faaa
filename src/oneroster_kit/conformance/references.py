"""Can the result checks run against this target, and on which ids?

The spec lets a server answer 404 (unknownobject) to a result whose lineItem, student, class or
scoreScale does not exist. The suite's generated references never exist on a real server, so
the result checks that need a stored result are skipped there, with this reason, rather than
reported as failures. The preflight (`oneroster_kit.conformance.preflight`) tells that case apart
from a server that does not serve results at all, and from one that updates results but never
creates them (then the checks run on the results named with --result-id, or are skipped saying
so; `result_upsert` reports the refusal once).
"""

from __future__ import annotations

from oneroster_kit.conformance.setup import example_body
from oneroster_kit.conformance.target import Target
from oneroster_kit.contract import operation

__all__ = ["reference_check_reason"]


def reference_check_reason(target: Target) -> str | None:
    """None when the result checks can store results on the target; else why they cannot run."""
    state = target.operations.get("putResult")
    if state is not None:  # the preflight decided
        if not state.served:
            return target.absence("putResult")
        if state.creates is False:
            if target.result_ids:
                return None
            return (
                f"the target does not create results on PUT ({state.reason}); these checks need a stored result: "
                "name existing results with --result-id"
            )
        if state.creates is None and state.exchange is not None and state.exchange.status == 404:
            return (
                f"{state.reason}; the result checks send generated references and a new id, so they cannot run "
                "against it (name existing results with --result-id if it refuses to create)"
            )
        return None
    return _probed_reason(target)


def _probed_reason(target: Target) -> str | None:
    """Without a preflight: one PUT of the spec's example, probed once per target; the verdict is kept on
    the target (an id-keyed cache would hand it to a later target at the same address)."""
    if not target.reference_probed:
        rid = target.result_id("reference-probe")
        body = example_body("putResult")
        exchange = target.put("putResult", rid, {**body, "result": {**body["result"], "sourcedId": rid}})
        validator = operation("putResult").response_validator(404)
        documented = validator is not None and validator.is_valid(exchange.json)
        minors = []
        if documented and isinstance(exchange.json, dict):
            fields = exchange.json["imsx_CodeMinor"]["imsx_codeMinorField"]
            minors = [field.get("imsx_codeMinorFieldValue") for field in fields]
        target.reference_reason = (
            "the target answers 404 (unknownobject) for result references that do not exist on it, as the spec "
            "allows; the result checks send generated references, so they cannot run against it"
            if exchange.status == 404 and "unknownobject" in minors
            else None
        )
        target.reference_probed = True
    return target.reference_reason
