"""The ignore file: accepted changes, one fingerprint per line with the reason it is accepted.

    # comment
    3f2a9c1d0b7e  ScoreStatus "late" was agreed with every SDK team (ticket OR-12)

A line without a reason is refused: an accepted break must say why. Fingerprints that match no
change are reported, so stale entries are noticed.
"""

from __future__ import annotations

import re
from pathlib import Path

from oneroster_kit.specdiff.errors import SpecInputError

__all__ = ["load_ignores"]

_LINE = re.compile(r"^([0-9a-f]{12})(?:\s+(.*))?$")


def load_ignores(path: Path) -> dict[str, str]:
    """fingerprint -> reason."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecInputError(f"cannot read ignore file {path}: {exc}") from None
    found: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise SpecInputError(
                f"{path}:{number}: expected a 12-hex-digit fingerprint and a reason, got {line[:60]!r}"
            )
        if not (match[2] or "").strip():
            raise SpecInputError(f"{path}:{number}: fingerprint {match[1]} needs a reason after it")
        found[match[1]] = match[2].strip()
    return found
