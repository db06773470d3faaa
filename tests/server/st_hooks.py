"""Schemathesis hooks for the server's schemathesis run (loaded via SCHEMATHESIS_HOOKS).

The spec's rule "a body `result.sourcedId`, when present, must equal the path sourcedId" (422
otherwise) lives in a description, not in JSON Schema, so schemathesis draws unrelated strings
for the two and then calls the refusal a positive-data failure (ST202). This `before_call` hook
(every phase goes through it, the stateful one included, whose inferred links also write a
response's id into the body) aligns the body's sourcedId with the path's whenever it is a
non-empty string. That changes no case's schema validity (a non-empty string is replaced by a
non-empty string): negative cases stay negative, and positive cases become positive under the
spec's prose rule too. The mismatch itself is tested directly in tests/server/test_bad_input.py.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    body = case.body
    sourced_id = (case.path_parameters or {}).get("sourcedId")
    if isinstance(body, dict) and isinstance(body.get("result"), dict) and isinstance(sourced_id, str) and sourced_id:
        current = body["result"].get("sourcedId")
        if isinstance(current, str) and current:
            body["result"]["sourcedId"] = sourced_id
