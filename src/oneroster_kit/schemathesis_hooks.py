"""Schemathesis hook for plain `st run` users: the spec's one rule that JSON Schema cannot state.

openapi.yaml says in prose that a body `result.sourcedId`, when present, must equal the path
sourcedId (422 otherwise). Schemathesis draws the two independently and would call a correct 422
a rejected valid request (`positive_data_acceptance`). This `before_call` hook (every phase goes
through it, the stateful one included) sets a non-empty string body `result.sourcedId` to the path
id, decoded: schemathesis keeps path parameters percent-encoded (`a%2Cb`), the server compares
the decoded id (`a,b`). A non-empty string stays a non-empty string, so no case changes its schema validity: negative
cases stay negative, positive ones become positive under the prose rule too. The shipped
`schemathesis.toml` loads it (`hooks = "oneroster_kit.schemathesis_hooks"`); the mismatch itself
is the conformance suite's `body_sourcedid_mismatch` check.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import schemathesis

__all__ = ["before_call"]


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    body = case.body
    sourced_id = (case.path_parameters or {}).get("sourcedId")
    if isinstance(body, dict) and isinstance(body.get("result"), dict) and isinstance(sourced_id, str) and sourced_id:
        current = body["result"].get("sourcedId")
        if isinstance(current, str) and current:
            body["result"]["sourcedId"] = unquote(sourced_id)
