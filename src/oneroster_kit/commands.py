"""The console scripts: check that the command's extra is installed, then run the command.

The commands' own modules import their extras (uvicorn, pytest, schemathesis) at the top, so the
check has to come before that import; a missing extra is one line and exit 2, never a traceback.
"""

from __future__ import annotations

import sys

from oneroster_kit.extras import ExtraMissingError, require_extra

__all__ = ["conformance", "reference_server", "spec_diff"]


def _checked(command: str, extra: str) -> bool:
    try:
        require_extra(extra)
    except ExtraMissingError as error:
        print(f"{command}: error: {error}", file=sys.stderr, flush=True)
        return False
    return True


def reference_server() -> int:
    """`oneroster-reference-server` (extra `server`)."""
    if not _checked("oneroster-reference-server", "server"):
        return 2
    from oneroster_kit.server.__main__ import main

    return main()


def conformance() -> int:
    """`oneroster-conformance` (extra `conformance`)."""
    if not _checked("oneroster-conformance", "conformance"):
        return 2
    from oneroster_kit.conformance.__main__ import main

    return main()


def spec_diff() -> int:
    """`oneroster-spec-diff` (extra `specdiff`: the spec validator, the pinned generator and griffe)."""
    if not _checked("oneroster-spec-diff", "specdiff"):
        return 2
    from oneroster_kit.specdiff.cli import main

    return main()
