"""Match an exchange to an operation of the spec by method and path, under a base URL.

The base (scheme, host and path prefix in front of the spec's paths) is given with `--base-url`,
or inferred: the first exchange whose path ends in an operation's path fixes it. Exchanges to
other hosts or prefixes, and paths the spec does not have, are undocumented, not errors. An
operation a server mounts elsewhere is matched at the path `--path OPERATION=TEMPLATE` names.
For an undocumented exchange that looks like an operation under another prefix, or without the
spec's service segment (`/ims/oneroster/v1p2/results/...`), `near_miss` says what it looks like,
so a recording that matches nothing gets a hint naming the likely base or path, not a bare "no
exchange matched".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from oneroster_kit.contract import Contract, Operation
from oneroster_kit.path_templates import service_segment_dropped

__all__ = ["Match", "Matcher", "Undocumented"]


@dataclass(frozen=True)
class Match:
    operation: Operation
    path_values: dict[str, str]  # percent-decoded
    path: str  # the request path, without the query string (never reported with its query)


@dataclass(frozen=True)
class Undocumented:
    where: str  # "METHOD host/path-shape" grouped for the report
    reason: str


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{([^}]+)\}", template)
    body = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)" for index, part in enumerate(parts))
    return re.compile(f"(?P<_prefix>.*?){body}")


class Matcher:
    def __init__(self, base_url: str | None, contract: Contract, paths: Mapping[str, str] | None = None) -> None:
        moved = dict(paths or {})
        specified = contract.operations.values()
        self._templates = [(op, _template_regex(moved.get(op.operation_id, op.path))) for op in specified]
        # Where an operation is often served instead: the spec's path without its service segment.
        self._elsewhere = [
            (op, template, _template_regex(template))
            for op in specified
            if op.operation_id not in moved and (template := service_segment_dropped(op.path)) is not None
        ]
        self.origin: str | None = None  # scheme://host, None: any host
        self.prefix: str | None = None  # path prefix, None: not known yet
        self.inferred = base_url is None
        if base_url is not None:
            split = urlsplit(base_url)
            if split.scheme and split.netloc:
                self.origin = f"{split.scheme.lower()}://{split.netloc.lower()}"
            self.prefix = split.path.rstrip("/")

    @property
    def base(self) -> str | None:
        if self.prefix is None:
            return None
        return (self.origin or "") + self.prefix

    def match(self, method: str, url: str) -> Match | Undocumented:
        split = urlsplit(url)
        origin = f"{split.scheme.lower()}://{split.netloc.lower()}" if split.netloc else ""
        raw_path = split.path or "/"
        for op, regex in self._templates:
            found = regex.fullmatch(raw_path)
            if found is None:
                continue
            prefix = found.group("_prefix")
            if self.prefix is None:  # inferring: the first matching exchange fixes the base
                self.prefix = prefix
                self.origin = origin or None
            if prefix != self.prefix or (self.origin is not None and origin and origin != self.origin):
                return Undocumented(_shape(method, origin, raw_path), f"outside the base {self.base or '/'}")
            values = {name: unquote(value) for name, value in found.groupdict().items() if name != "_prefix"}
            return Match(op, values, raw_path)
        return Undocumented(_shape(method, origin, raw_path), "no operation of the spec has this path")

    def near_miss(self, url: str) -> str | None:
        """What an undocumented exchange's path looks like, when it looks like an operation (else None)."""
        split = urlsplit(url)
        raw_path = split.path or "/"
        origin = f"{split.scheme.lower()}://{split.netloc.lower()}" if split.netloc else ""
        for op, regex in self._templates:
            found = regex.fullmatch(raw_path)
            if found is not None and self.prefix is not None and found.group("_prefix") != self.prefix:
                return (
                    f"{op.operation_id} under the prefix {found.group('_prefix') or '/'} (the base is probably "
                    f"{origin}{found.group('_prefix')}: --base-url)"
                )
        for op, template, regex in self._elsewhere:
            found = regex.fullmatch(raw_path)
            if found is not None:
                return (
                    f"{op.operation_id} without the spec's service segment ({found.group('_prefix')}{template}, the "
                    f"spec's {op.path}): another dialect of OneRoster; check it with --path "
                    f"{op.operation_id}={template}"
                    + (f" and --base-url {origin}{found.group('_prefix')}" if found.group("_prefix") else "")
                )
        return None


def _shape(method: str, origin: str, path: str) -> str:
    """`PUT host/ims/.../results/{id}`: undocumented exchanges grouped without their ids."""
    segments = path.split("/")
    shaped = "/".join(seg if len(seg) <= 24 and not any(ch.isdigit() for ch in seg) else "{…}" for seg in segments)
    host = urlsplit(origin).netloc if origin else ""
    return f"{method} {host}{shaped[:120]}"
