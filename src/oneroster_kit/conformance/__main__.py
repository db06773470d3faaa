"""`oneroster-conformance`: exit 0 conforms, 1 a check failed, 2 usage or set-up error (one line)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from oneroster_kit.conformance.options import UsageError, parse_options

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        options = parse_options(argv)
        from oneroster_kit.conformance.runner import run

        return run(options)
    except UsageError as exc:
        print(f"oneroster-conformance: error: {exc}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print("oneroster-conformance: error: interrupted", file=sys.stderr, flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
