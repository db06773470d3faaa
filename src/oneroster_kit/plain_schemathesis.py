"""Where the shipped schemathesis configuration and the spec are, for plain `st run` users.

    st --config-file "$(python -m oneroster_kit.plain_schemathesis config)" \
        run "$(python -m oneroster_kit.plain_schemathesis spec)" --checks all

works the same from a checkout and from an installed wheel (the files sit in different places).
"""

from __future__ import annotations

import sys
from pathlib import Path

from oneroster_kit.spec import spec_path

__all__ = ["CONFIG", "main"]

CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = {"config": CONFIG, "spec": spec_path()}
    if len(args) != 1 or args[0] not in paths:
        print("usage: python -m oneroster_kit.plain_schemathesis config|spec", file=sys.stderr)
        return 2
    print(paths[args[0]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
