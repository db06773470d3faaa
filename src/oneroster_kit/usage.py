"""The one error a command reports as a usage problem: one line saying what to fix, exit code 2.

Shared by `oneroster-conformance` and its `traffic` subcommand, so both tell a bad command line,
an unwritable report folder or an unreadable file the same way.
"""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """A usage or set-up problem; its message is one line saying what to fix (exit code 2)."""
