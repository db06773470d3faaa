"""Where each operation is served in a live run: the spec's path, or the one `--path OPERATION=TEMPLATE` names.

Real servers mount the services elsewhere (a OneRoster 1.2 gradebook at
`/ims/oneroster/v1p2/results/{sourcedId}`, without the spec's `gradebook` segment), so the suite
takes one path template per operation (parsed and checked in `oneroster_kit.path_templates`, which
the traffic checker shares). Every request of a run, the suite's and schemathesis's, is addressed
through one `PathMap`: `url` builds it, `rewrite` moves a URL schemathesis built on the spec's path
to the operation's real one. A template has exactly one `{sourcedId}` segment and nothing that
could leave it, so the ids `Target.permit` lets through stay the only thing that varies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

from oneroster_kit.contract import operation
from oneroster_kit.path_templates import PLACEHOLDER as _PLACEHOLDER

__all__ = ["PathMap"]


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
