"""Which optional extras of the kit are installed, read from the kit's own installed metadata.

The commands need more than the SDK: the reference server needs the `server` extra, the
conformance suite the `conformance` extra. pyproject.toml is the one place that lists them; an
installed kit carries that list in its metadata (`Requires-Dist: ...; extra == '...'`), so a
command can say which extra to install instead of failing later on a bare ModuleNotFoundError.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable

from packaging.requirements import Requirement

__all__ = ["DISTRIBUTION", "ExtraMissingError", "missing_requirements", "require_extra"]

DISTRIBUTION = "oneroster-contract-kit"


class ExtraMissingError(Exception):
    """An extra of the kit is not installed; the message is one line saying what to install."""


def _installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def missing_requirements(
    extra: str,
    requirements: list[str] | None = None,
    installed: Callable[[str], bool] | None = None,
) -> list[str]:
    """Names of the distributions `extra` requires that are not installed (empty: all present)."""
    is_installed = installed or _installed
    if requirements is None:
        requirements = importlib.metadata.requires(DISTRIBUTION) or []
    missing: list[str] = []
    for line in requirements:
        requirement = Requirement(line)
        if requirement.marker is None or not requirement.marker.evaluate({"extra": extra}):
            continue
        if requirement.name != DISTRIBUTION and not is_installed(requirement.name) and requirement.name not in missing:
            missing.append(requirement.name)
    return missing


def require_extra(extra: str, missing: list[str] | None = None) -> None:
    """Raise ExtraMissingError naming the extra to install when any of its packages is absent."""
    if missing is None:
        try:
            missing = missing_requirements(extra)
        except importlib.metadata.PackageNotFoundError:  # not installed as a distribution: nothing to check
            return
    if missing:
        raise ExtraMissingError(
            f"this command needs the '{extra}' extra (missing: {', '.join(missing)}); "
            f"install it with: pip install '{DISTRIBUTION}[{extra}]'"
        )
