"""Where each operation is served: the spec's path, or the one `--path OPERATION=TEMPLATE` names.

Real servers mount the services elsewhere (a OneRoster 1.2 gradebook at
`/ims/oneroster/v1p2/results/{sourcedId}`, without the spec's `gradebook` segment), so the suite
takes one path template per operation. Every request of a run, the suite's and schemathesis's,
is addressed through one `PathMap`: `url` builds it, `rewrite` moves a URL schemathesis built on
the spec's path to the operation's real one. A template is a plain absolute path with exactly
one `{sourcedId}` segment and nothing that could leave it (no `..`, query or fragment), so the
ids `Target.permit` lets through stay the only thing that varies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

from oneroster_kit.contract import operation, operations

__all__ = ["PathError", "PathMap", "parse_path_option", "service_segment_dropped"]

_PLACEHOLDER = "{sourcedId}"
_SEGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@-]+")


class PathError(ValueError):
    """A --path value that is not a usable template (the message names what is wrong)."""


def parse_path_option(value: str) -> tuple[str, str]:
    """`OPERATION=TEMPLATE` -> (operationId, template), checked."""
    name, sep, template = value.partition("=")
    if not sep:
        raise PathError(
            f"--path {value!r}: write OPERATION=TEMPLATE, e.g. putResult=/ims/oneroster/v1p2/results/{{sourcedId}}"
        )
    name = name.strip()
    if name not in operations():
        raise PathError(f"--path {value!r}: {name!r} is not an operation of the spec ({', '.join(operations())})")
    return name, check_template(template.strip(), f"--path {name}")


def check_template(template: str, what: str) -> str:
    """`template` when it is a plain absolute path with one `{sourcedId}` segment, else PathError."""
    if not template.startswith("/"):
        raise PathError(f"{what}={template!r}: the template must start with /")
    segments = template.split("/")[1:]
    if segments.count(_PLACEHOLDER) != 1 or template.count("{") != 1 or template.count("}") != 1:
        raise PathError(f"{what}={template!r}: the template needs exactly one segment {_PLACEHOLDER}")
    for segment in segments:
        if segment != _PLACEHOLDER and (not _SEGMENT.fullmatch(segment) or segment in (".", "..")):
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


def _regex(template: str) -> re.Pattern[str]:
    head, tail = template.split(_PLACEHOLDER)
    return re.compile(re.escape(head) + r"(?P<id>[^/?#]*)" + re.escape(tail))


@dataclass
class PathMap:
    """The path template of each operation (the spec's unless overridden)."""

    overrides: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]] | Mapping[str, str]) -> PathMap:
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        return cls({name: template for name, template in items if template != operation(name).path})

    def template(self, operation_id: str) -> str:
        return self.overrides.get(operation_id, operation(operation_id).path)

    def url(self, base_url: str, operation_id: str, sourced_id: str) -> str:
        return base_url + self.template(operation_id).replace(_PLACEHOLDER, quote(sourced_id, safe=""))

    def rewrite(self, url: str) -> str:
        """A URL built on an operation's spec path, moved to the path it is served at (else unchanged)."""
        if not self.overrides:
            return url
        parts = urlsplit(url)
        for operation_id, template in self.overrides.items():
            found = _regex(operation(operation_id).path).search(parts.path)
            if found is not None and found.end() == len(parts.path):
                prefix = parts.path[: found.start()]
                moved = prefix + template.replace(_PLACEHOLDER, found.group("id"))
                return urlunsplit((parts.scheme, parts.netloc, moved, parts.query, parts.fragment))
        return url

    def rewrite_text(self, text: str) -> str:
        """Every URL in a command line (a curl reproduction) moved like `rewrite`."""
        if not self.overrides:
            return text
        return re.sub(r"https?://[^\s'\"]+", lambda match: self.rewrite(match.group(0)), text)

    def departures(self) -> list[tuple[str, str, str]]:
        """(operationId, served at, the spec's path) for each operation served elsewhere."""
        return [(name, template, operation(name).path) for name, template in self.overrides.items()]
