"""The one error type of the spec diff: bad input, told in one line (exit 2), never a traceback."""

from __future__ import annotations


class SpecInputError(Exception):
    """A spec that cannot be read or compared: unreadable, unknown revision, invalid, 3.0, external $ref."""
