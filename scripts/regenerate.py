"""Regenerate `generated/` from `openapi.yaml`, or check that it has not drifted.

The generated SDK is never edited by hand: this script is the only way it changes. The generator
run itself (pinned openapi-python-client with `--fail-on-warning`, pinned ruff, the spec's SHA-256
stamped into `oneroster_client/_spec.py`) is `oneroster_kit.codegen`, shared with
`oneroster-spec-diff`; so is its config, `src/oneroster_kit/generator-config.yaml`, a resource
of the package (the wheel carries it for the spec diff's SDK check), the only copy there is.

    python scripts/regenerate.py            # rewrite generated/
    python scripts/regenerate.py --check    # regenerate into a temp dir, fail on any difference
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oneroster_kit.codegen import RegenerationError, check, generate, spec_sha256

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "openapi.yaml"
DEFAULT_OUTPUT = ROOT / "generated"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="OpenAPI document (default: openapi.yaml)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="generated tree (default: generated/)")
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    args = parser.parse_args(argv)
    try:
        if args.check:
            drift = check(args.spec, args.output)
            if drift:
                print(f"generated/ has drifted from {args.spec.name}; run `nox -s regen`:", file=sys.stderr)
                print("\n".join(f"  {line}" for line in drift), file=sys.stderr)
                return 1
            print(f"generated/ matches {args.spec.name} (sha256 {spec_sha256(args.spec)[:12]})")
            return 0
        generate(args.spec, args.output)
        print(f"regenerated {args.output} from {args.spec} (sha256 {spec_sha256(args.spec)[:12]})")
        return 0
    except RegenerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
