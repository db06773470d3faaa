"""Generate the SDK of one spec with the pinned generator (oneroster_kit.codegen), cached by spec hash.

Two runs of the generator on the same bytes give the same tree, so a generated SDK is kept under
`<cache>/<sha256 of the spec>/` and reused: in CI the BASE SDK is generated once for any number
of revisions compared against it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

from oneroster_kit import codegen
from oneroster_kit.specdiff.sources import LoadedSpec

__all__ = ["build"]


def build(spec: LoadedSpec, cache: Path) -> Path:
    """The directory holding `oneroster_client/` generated from `spec` (generated on first use)."""
    digest = hashlib.sha256(spec.text.encode("utf-8")).hexdigest()
    home = cache / digest
    out = home / "sdk"
    if (out / codegen.PACKAGE / "__init__.py").is_file():
        return out
    home.mkdir(parents=True, exist_ok=True)
    spec_file = home / "openapi.yaml"
    spec_file.write_text(spec.text, encoding="utf-8")
    staging = home / f"sdk.partial-{os.getpid()}-{threading.get_ident()}"
    codegen.generate(spec_file, staging)
    try:
        staging.rename(out)
    except OSError:  # generated meanwhile by another run sharing the cache: same bytes
        shutil.rmtree(staging, ignore_errors=True)
    return out
