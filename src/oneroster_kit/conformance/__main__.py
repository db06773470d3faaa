"""`oneroster-conformance`: exit 0 conforms, 1 a check failed, 2 usage or set-up error (one line).

The command's entry point, and the one place that wires the parts that do not import each other:
`traffic` as the first argument hands over to the traffic checker (`oneroster_kit.traffic.cli`),
and the suite gets the reference server (`oneroster_kit.server.process.ReferenceServer`) as the
way to start the embedded target. Each is imported only when the command needs it (checking
traffic never imports pytest; a remote target never imports the server).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from oneroster_kit.conformance.options import parse_options
from oneroster_kit.usage import UsageError

if TYPE_CHECKING:
    from oneroster_kit.server.process import ReferenceServer

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        if arguments[:1] == ["traffic"]:  # `oneroster-conformance traffic FILE...`: check recorded traffic
            from oneroster_kit.traffic.cli import main as traffic_main

            return traffic_main(arguments[1:])
        try:
            options = parse_options(argv)
        except UsageError as exc:
            _report_usage_error(arguments, str(exc))
            raise
        from oneroster_kit.conformance.runner import run

        return run(options, _reference_server)
    except UsageError as exc:
        print(f"oneroster-conformance: error: {exc}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print("oneroster-conformance: error: interrupted", file=sys.stderr, flush=True)
        return 2
    except Exception as exc:  # a bug of the suite: still one line, the traceback on request
        if os.environ.get("ONEROSTER_DEBUG"):
            raise
        message = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        print(
            f"oneroster-conformance: error: internal error ({message}); rerun with ONEROSTER_DEBUG=1 for the traceback",
            file=sys.stderr,
            flush=True,
        )
        return 2


def _reference_server() -> ReferenceServer:
    """A fresh reference server process (free loopback port, fresh database, default seed)."""
    from oneroster_kit.server.process import ReferenceServer

    return ReferenceServer()


def _report_usage_error(arguments: list[str], message: str) -> None:
    """A command line that cannot run still writes the reports it asked for (--report-dir), when it names one."""
    report_dir: str | None = None
    for index, argument in enumerate(arguments):
        if argument == "--report-dir" and index + 1 < len(arguments):
            report_dir = arguments[index + 1]
        elif argument.startswith("--report-dir="):
            report_dir = argument.split("=", 1)[1]
    if not report_dir:
        return
    from oneroster_kit.conformance.report import setup_document, write_setup_failure

    with contextlib.suppress(OSError):  # a directory that cannot be written: the one-line error is all there is
        write_setup_failure(Path(report_dir), setup_document(None, message, None))


if __name__ == "__main__":
    sys.exit(main())
