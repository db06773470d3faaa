"""`oneroster-conformance traffic FILE...`: options, the run, the exit code (0 / 1 / 2)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from oneroster_kit.checks import CHECKS
from oneroster_kit.contract import default_contract
from oneroster_kit.path_templates import PathError, parse_path_option
from oneroster_kit.traffic.checker import TrafficOptions, check_traffic
from oneroster_kit.traffic.findings import Party
from oneroster_kit.traffic.report import terminal_summary, write_reports
from oneroster_kit.traffic.sources import SourceError
from oneroster_kit.usage import UsageError

__all__ = ["main", "parse_traffic_options"]

PROG = "oneroster-conformance traffic"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{PROG} --help`")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=(
            "Check recorded traffic (HAR 1.2 files, NDJSON exchange logs) against openapi.yaml: requests are "
            "blamed on the client, answers on the server. Exit codes: 0 conforms, 1 a check failed, 2 usage "
            "error or nothing to check."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="HAR or NDJSON files, read in order")
    parser.add_argument("--format", choices=["auto", "har", "ndjson"], default="auto", help="default: by name/content")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="where the API lives, e.g. https://api.example.org/prefix or /prefix (default: inferred from the "
        "first exchange that matches an operation)",
    )
    parser.add_argument(
        "--blame",
        choices=["both", "server", "client"],
        default="both",
        help="whose findings decide the exit code: both (default), server (checking a server's logs), "
        "client (checking a client); the other party's findings are still listed",
    )
    parser.add_argument(
        "--redact",
        action="append",
        default=[],
        metavar="FIELD",
        help="hide this body field in reports (a member name at any depth, or a dotted path); repeatable",
    )
    parser.add_argument(
        "--class-id",
        action="append",
        default=[],
        metavar="ID",
        help="a class known to exist; a class PUT answered 2xx for any other id is a created class (repeatable)",
    )
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        metavar="OPERATION=TEMPLATE",
        help="where the recorded server serves an operation, when not at the spec's path, e.g. "
        "putResult=/ims/oneroster/v1p2/results/{sourcedId} (repeatable)",
    )
    parser.add_argument("--check", action="append", default=[], metavar="NAME", help="report only these checks")
    parser.add_argument("--report-dir", type=Path, metavar="DIR", help="write junit.xml, result.json and summary.md")
    return parser


def _check_names(names: Sequence[str]) -> None:
    """Refuse a `--check` name that is no check, or one only the live suite makes (it would report nothing)."""
    known = CHECKS.names(runs_in="traffic")
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise UsageError(f"unknown check {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    for name in names:
        if name not in known:
            raise UsageError(
                f"--check {name} does not apply to recorded traffic: only the live suite makes it "
                "(`oneroster-conformance --check`)"
            )


def parse_traffic_options(argv: Sequence[str]) -> TrafficOptions:
    args = _parser().parse_args(list(argv))
    _check_names(args.check)
    base = args.base_url
    if base is not None and not base.startswith(("http://", "https://", "/")):
        raise UsageError(f"--base-url {base!r} must be an http(s) URL or a path starting with /")
    blame: frozenset[Party] = frozenset({"client", "server"}) if args.blame == "both" else frozenset({args.blame})
    try:
        paths = tuple(parse_path_option(value) for value in args.path)
    except PathError as exc:
        raise UsageError(str(exc)) from None
    return TrafficOptions(
        files=tuple(args.files),
        fmt=args.format,
        base_url=base,
        blame=blame,
        redact=tuple(args.redact),
        class_ids=tuple(part for value in args.class_id for part in value.split(",") if part),
        checks=tuple(args.check),
        report_dir=args.report_dir,
        paths=paths,
    )


def main(argv: Sequence[str]) -> int:
    """Run the traffic check; raises UsageError (exit 2, one line) for what the user must fix."""
    options = parse_traffic_options(argv)
    try:
        document = check_traffic(options, default_contract())  # the spec in use, loaded once
    except SourceError as error:
        raise UsageError(str(error)) from None
    if options.report_dir is not None:
        write_reports(options.report_dir, document)
    print(terminal_summary(document).encode("utf-8", "backslashreplace").decode("utf-8"), flush=True)
    if document["exit_code"] == 2:
        skipped = document["exchanges"]["skipped"]
        hints = document.get("hints", [])
        raise UsageError(
            "no exchange matched an operation of the spec"
            + (f" ({skipped} entries skipped, see above)" if skipped else "")
            + (f": {hints[0]}" if hints else "; check the files and --base-url")
        )
    code: int = document["exit_code"]
    return code


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        sys.exit(2)
