"""`python -m oneroster_kit.specdiff` is `oneroster-spec-diff`."""

import sys

from oneroster_kit.specdiff.cli import main

if __name__ == "__main__":
    sys.exit(main())
