"""Named faults the reference server can be started with (`--fault NAME`, repeatable).

Each entry is an ASGI middleware factory: it receives the server's ASGI app and returns the app
that is served instead. The conformance suite uses them to prove that its checks notice a server
that breaks the contract. The registry is filled by the conformance helper; the server only looks
names up here and applies them in the order given on the command line.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp

__all__ = ["FAULTS", "UnknownFaultError", "apply_faults"]

FAULTS: dict[str, Callable[[ASGIApp], ASGIApp]] = {}


class UnknownFaultError(ValueError):
    """A fault name that the registry does not hold."""


def apply_faults(app: ASGIApp, names: list[str]) -> ASGIApp:
    """Wrap `app` with the named faults, first name innermost; unknown names are refused."""
    unknown = [name for name in names if name not in FAULTS]
    if unknown:
        known = ", ".join(sorted(FAULTS)) or "none registered"
        raise UnknownFaultError(f"unknown fault(s): {', '.join(unknown)} (known: {known})")
    for name in names:
        app = FAULTS[name](app)
    return app
