"""`oneroster-conformance`: exit 0 conforms, 1 a check failed, 2 usage or set-up error (one line)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from oneroster_kit.conformance.options import parse_options
from oneroster_kit.usage import UsageError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        if arguments[:1] == ["traffic"]:  # `oneroster-conformance traffic FILE...`: check recorded traffic
            from oneroster_kit.traffic.cli import main as traffic_main

            return traffic_main(arguments[1:])
        options = parse_options(argv)
        from oneroster_kit.conformance.runner import run

        return run(options)
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


if __name__ == "__main__":
    sys.exit(main())
