"""`oneroster-spec-diff BASE REVISION`: what a change to openapi.yaml breaks, and for whom.

BASE and REVISION are spec files or git revisions of openapi.yaml (`HEAD~1`, `origin/main`,
`REV:path/to/spec.yaml`). REVISION defaults to the working tree's openapi.yaml, so
`oneroster-spec-diff --base origin/main` checks the change a branch makes.

Exit codes: 0 compatible (nothing at or above --fail-on), 1 a change at or above --fail-on (or,
with --check-version, an info.version that does not cover the bump), 2 usage error (one line).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oneroster_kit.specdiff.compare import compare_specs
from oneroster_kit.specdiff.errors import SpecInputError
from oneroster_kit.specdiff.ignore import load_ignores
from oneroster_kit.specdiff.render import FORMATS, render
from oneroster_kit.specdiff.report import FAIL_ON
from oneroster_kit.specdiff.sources import DEFAULT_FILE, git_root, load

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"oneroster-spec-diff: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="oneroster-spec-diff", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base", nargs="?", help="BASE spec: a file or a git revision")
    parser.add_argument("revision", nargs="?", help="REVISION spec: a file or a git revision (default: working tree)")
    parser.add_argument("--base", dest="base_option", metavar="BASE", help="same as the BASE argument")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    parser.add_argument(
        "--fail-on",
        choices=list(FAIL_ON),
        default="breaking",
        help="least severe change that fails the run (default: breaking; 'server' also fails on "
        "changes that ask more of servers)",
    )
    parser.add_argument("--ignore", type=Path, metavar="FILE", help="accepted changes: 'FINGERPRINT reason' per line")
    parser.add_argument("--check-version", action="store_true", help="exit 1 when info.version does not cover the bump")
    parser.add_argument("--no-sdk", action="store_true", help="skip the SDK check (generation, griffe, answer parsing)")
    parser.add_argument(
        "--examples", type=int, default=20, help="answers drawn per changed response schema (default 20)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the answer search (default 0)")
    parser.add_argument("--cache-dir", type=Path, help="keep generated SDKs here, keyed by spec hash (default: none)")
    parser.add_argument(
        "--spec-path", default=DEFAULT_FILE, help="path of the spec inside git revisions (default: openapi.yaml)"
    )
    parser.add_argument("--repo", type=Path, help="git repository for revisions (default: the current directory's)")
    parser.add_argument("--output", type=Path, help="write the report here instead of stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    base_arg = args.base_option or args.base
    revision_arg = args.revision if args.base_option is None else args.base
    if base_arg is None:
        print("oneroster-spec-diff: error: name BASE (a spec file or git revision), e.g. HEAD~1", file=sys.stderr)
        return 2
    if args.base_option is not None and args.revision is not None:
        print("oneroster-spec-diff: error: give BASE either as an argument or as --base, not both", file=sys.stderr)
        return 2
    if args.examples < 1:
        print("oneroster-spec-diff: error: --examples must be at least 1", file=sys.stderr)
        return 2
    try:
        repo = args.repo or Path.cwd()
        if revision_arg is None:
            root = git_root(repo) or repo
            working = root / args.spec_path
            try:
                revision_arg = str(working.relative_to(Path.cwd()))
            except ValueError:
                revision_arg = str(working)
        ignores = load_ignores(args.ignore) if args.ignore else {}
        base = load(base_arg, repo=repo, default_path=args.spec_path)
        revision = load(revision_arg, repo=repo, default_path=args.spec_path)
        report = compare_specs(
            base,
            revision,
            sdk=not args.no_sdk,
            cache=args.cache_dir,
            examples=args.examples,
            seed=args.seed,
            ignores=ignores,
            fail_on=args.fail_on,
            check_version_bump=args.check_version,
        )
        output = render(report, args.format)
        if args.output:
            args.output.write_text(output, encoding="utf-8")
        else:
            sys.stdout.write(output)
    except SpecInputError as exc:
        print(f"oneroster-spec-diff: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"oneroster-spec-diff: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a defect of the tool: still one line, naming what to report
        print(f"oneroster-spec-diff: internal error ({type(exc).__name__}: {exc}); please report it", file=sys.stderr)
        return 2
    return report.exit_code
