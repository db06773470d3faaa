"""Open the traffic files given on the command line: HAR or NDJSON, by name or by content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from oneroster_kit.traffic.exchange import Exchange, Skipped
from oneroster_kit.traffic.har import read_har
from oneroster_kit.traffic.ndjson import Meta, read_ndjson

__all__ = ["Format", "SourceError", "detect_format", "read_all"]

Format = Literal["auto", "har", "ndjson"]


class SourceError(Exception):
    """A file that cannot be read at all (missing, a directory, neither HAR nor NDJSON)."""


def detect_format(path: Path) -> Literal["har", "ndjson"]:
    """`.har` is HAR; `.ndjson`/`.jsonl` is NDJSON; otherwise a first line holding a whole JSON
    object is NDJSON and anything else that starts like JSON is HAR."""
    suffix = path.suffix.lower()
    if suffix == ".har":
        return "har"
    if suffix in (".ndjson", ".jsonl"):
        return "ndjson"
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror or error})") from None
    stripped = head.lstrip()
    first_line = stripped.split(b"\n", 1)[0].strip()
    if (
        first_line.startswith(b"{")
        and first_line.endswith(b"}")
        and (b'"request"' in first_line or b'"meta"' in first_line)
    ):
        return "ndjson"
    if stripped.startswith(b"{"):
        return "har"
    raise SourceError(f"{path}: neither a HAR file nor NDJSON exchanges (it does not start with a JSON object)")


def read_all(paths: list[Path], fmt: Format, meta: Meta) -> Iterator[tuple[Path, Exchange | Skipped]]:
    """Every exchange of every file, in order; raises SourceError before reading a file it cannot open."""
    for path in paths:
        if not path.is_file():
            raise SourceError(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")
        kind = detect_format(path) if fmt == "auto" else fmt
        reader = read_har(path) if kind == "har" else read_ndjson(path, meta)
        for item in reader:
            yield path, item
