"""Locate and load `openapi.yaml`, the contract every part of the kit reads.

There is exactly one copy of the schema: the repository's `openapi.yaml`. An installed wheel
carries it as `oneroster_kit/openapi.yaml` (hatch force-include); an editable install or a
checkout reads the repository file. `ONEROSTER_SPEC` points at another file (used by tests that
prove a changed spec is noticed).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SpecNotFoundError", "load_spec", "spec_path", "spec_sha256"]

_PACKAGED = Path(__file__).resolve().parent / "openapi.yaml"
_REPOSITORY = Path(__file__).resolve().parents[2] / "openapi.yaml"


class SpecNotFoundError(FileNotFoundError):
    """No `openapi.yaml` where the kit looks for it."""


def spec_path() -> Path:
    """The contract file in use: `$ONEROSTER_SPEC`, else the packaged copy, else the checkout's."""
    override = os.environ.get("ONEROSTER_SPEC")
    candidates = [Path(override)] if override else [_PACKAGED, _REPOSITORY]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SpecNotFoundError(f"openapi.yaml not found (looked at: {', '.join(map(str, candidates))})")


@functools.cache
def _load(path: Path, mtime_ns: int) -> dict[str, Any]:
    with path.open("rb") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict) or "paths" not in document:
        raise ValueError(f"{path} is not an OpenAPI document (no 'paths')")
    return document


def load_spec(path: Path | None = None) -> dict[str, Any]:
    """The parsed spec at `path`, by default the one in use (cached per file version). Treat it as read-only."""
    path = spec_path() if path is None else path
    return _load(path, path.stat().st_mtime_ns)


def spec_sha256(path: Path | None = None) -> str:
    """SHA-256 of the spec bytes; compare with `oneroster_client._spec.SPEC_SHA256`."""
    return hashlib.sha256((spec_path() if path is None else path).read_bytes()).hexdigest()
