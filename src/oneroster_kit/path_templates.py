"""Where a server serves an operation when not at the spec's path: `--path OPERATION=TEMPLATE`.

Real servers mount the services elsewhere (a OneRoster 1.2 gradebook at
`/ims/oneroster/v1p2/results/{sourcedId}`, without the spec's `gradebook` segment). The live
suite sends each operation's requests to its template (`oneroster_kit.conformance.paths`) and the
traffic checker matches recorded exchanges at it; both parse and check the option here, and both
name the likeliest other mount (`service_segment_dropped`) when an operation is not found at its
path. A template is a plain absolute path with exactly one `{sourcedId}` segment and nothing that
could leave it (no `..`, query or fragment).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from oneroster_kit.contract import operations

__all__ = ["PLACEHOLDER", "PathError", "check_template", "parse_path_option", "service_segment_dropped"]

PLACEHOLDER = "{sourcedId}"
_SEGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@-]+")


class PathError(ValueError):
    """A --path value that is not a usable template (the message names what is wrong)."""


def parse_path_option(value: str, known: Collection[str] | None = None) -> tuple[str, str]:
    """`OPERATION=TEMPLATE` -> (operationId, template), checked; `known`: the operationIds of the
    contract in use (default: the spec's)."""
    names = list(operations()) if known is None else list(known)
    name, sep, template = value.partition("=")
    if not sep:
        raise PathError(
            f"--path {value!r}: write OPERATION=TEMPLATE, e.g. putResult=/ims/oneroster/v1p2/results/{{sourcedId}}"
        )
    name = name.strip()
    if name not in names:
        raise PathError(f"--path {value!r}: {name!r} is not an operation of the spec ({', '.join(names)})")
    return name, check_template(template.strip(), f"--path {name}")


def check_template(template: str, what: str) -> str:
    """`template` when it is a plain absolute path with one `{sourcedId}` segment, else PathError."""
    if not template.startswith("/"):
        raise PathError(f"{what}={template!r}: the template must start with /")
    segments = template.split("/")[1:]
    if segments.count(PLACEHOLDER) != 1 or template.count("{") != 1 or template.count("}") != 1:
        raise PathError(f"{what}={template!r}: the template needs exactly one segment {PLACEHOLDER}")
    for segment in segments:
        if segment != PLACEHOLDER and (not _SEGMENT.fullmatch(segment) or segment in (".", "..")):
            raise PathError(f"{what}={template!r}: segment {segment!r} is not a plain path segment")
    return template


def service_segment_dropped(template: str) -> str | None:
    """The spec's path without its service segment (`/ims/oneroster/gradebook/v1p2/...` ->
    `/ims/oneroster/v1p2/...`), where OneRoster 1.1-style and many home-grown servers mount it."""
    parts = template.split("/")
    for index, part in enumerate(parts):
        if part in ("gradebook", "rostering", "resources") and index + 1 < len(parts) and parts[index + 1] == "v1p2":
            return "/".join(parts[:index] + parts[index + 1 :])
    return None
