"""The imsx_StatusInfo error body that every documented error status carries.

One builder so that every refusal has the same shape: codeMajor `failure`, severity `error`, a
description that names the field and the rule, the OneRoster codeMinor value, and (for schema
violations) one `imsx_error_details` entry per problem.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from starlette.responses import Response

__all__ = ["CODE_MINOR", "imsx_body", "imsx_response"]

# The codeMinor value each status carries (OneRoster 1.2 vocabulary, as the spec's examples use).
CODE_MINOR: dict[int, str] = {
    400: "invaliddata",
    401: "unauthorisedrequest",
    403: "forbidden",
    404: "unknownobject",
    405: "invaliddata",
    413: "invaliddata",
    422: "invaliddata",
    429: "server_busy",
    500: "internal_server_error",
    503: "server_busy",
}


def imsx_body(status: int, description: str, details: Sequence[Mapping[str, str]] = ()) -> bytes:
    body: dict[str, object] = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": CODE_MINOR.get(status, "invaliddata"),
                }
            ]
        },
    }
    if details:
        body["imsx_error_details"] = [dict(entry) for entry in details]
    return json.dumps(body).encode("ascii")  # ASCII: a lone surrogate echoed in a message stays escaped


def imsx_response(
    status: int,
    description: str,
    details: Sequence[Mapping[str, str]] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(imsx_body(status, description, details), status, headers, media_type="application/json")
