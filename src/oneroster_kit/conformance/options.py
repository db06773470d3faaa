"""Command-line and environment options of `oneroster-conformance`, parsed into one value.

Every option has an environment variable (`ONEROSTER_*`) so CI can configure a run without
putting secrets on a command line; an explicit option wins over the environment.
"""

from __future__ import annotations

import argparse
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NoReturn

from oneroster_kit.checks import CHECKS, SCHEMATHESIS_PART
from oneroster_kit.path_templates import PathError, parse_path_option
from oneroster_kit.usage import UsageError

__all__ = ["PROFILES", "Options", "Profile", "default_cache_dir", "parse_options", "selectable_checks"]


@dataclass(frozen=True)
class Profile:
    """How much each part of the suite generates."""

    name: str
    max_examples: int  # schemathesis fuzzing examples per operation
    semantic_examples: int  # hypothesis examples per property-based semantic check
    shrink_seconds: int  # time hypothesis may spend shrinking one failure to a minimal input
    stateful_examples: int  # schemathesis stateful scenarios (sequences of calls)


PROFILES: dict[str, Profile] = {
    "quick": Profile("quick", max_examples=30, semantic_examples=8, shrink_seconds=6, stateful_examples=5),
    "thorough": Profile("thorough", max_examples=300, semantic_examples=60, shrink_seconds=60, stateful_examples=50),
}

AuthMode = Literal["token", "client_credentials", "embedded"]


@dataclass(frozen=True)
class Options:
    """A complete, validated description of one run (credentials are never printed)."""

    base_url: str | None  # None: start the embedded reference server
    token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    token_url: str | None = None
    class_ids: tuple[str, ...] = ()
    profile: Profile = PROFILES["quick"]
    max_examples: int | None = None
    seed: int = 0
    report_dir: Path | None = None
    run_id: str = ""
    checks: tuple[str, ...] = ()  # restrict to these checks (named in reports); empty = all
    pytest_args: tuple[str, ...] = ()
    verbose: bool = False  # pytest's tracebacks on the console
    fuzz_result_ids: bool = False  # remote target: result ids may carry fuzzed characters
    allow_new_class_fields: bool = False  # remote target: class fields absent before may be added
    probe_unknown_classes: bool = False  # remote target: PUTs to class ids other than the named ones
    plan: bool = False  # print what the run may write and exit, sending nothing
    paths: tuple[tuple[str, str], ...] = ()  # (operationId, path template) where the server serves it (--path)
    result_ids: tuple[
        str, ...
    ] = ()  # existing results the run may update when the server does not create (--result-id)
    cache_dir: Path = field(default_factory=lambda: default_cache_dir())  # hypothesis's files, never the cwd

    @property
    def fuzz_examples(self) -> int:
        return self.max_examples if self.max_examples is not None else self.profile.max_examples

    @property
    def semantic_examples(self) -> int:
        if self.max_examples is None:
            return self.profile.semantic_examples
        return max(1, min(self.max_examples, self.profile.semantic_examples * 4))

    @property
    def auth_mode(self) -> AuthMode:
        if self.base_url is None:
            return "embedded"
        return "token" if self.token else "client_credentials"

    @property
    def result_prefix(self) -> str:
        """Every result this run writes has a sourcedId starting with this."""
        return f"conformance-{self.run_id}-"


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where a run keeps hypothesis's files when no --cache-dir is given: the user's cache directory
    (XDG_CACHE_HOME, else ~/.cache), so a run never leaves a `.hypothesis/` folder in the cwd."""
    environ = os.environ if env is None else env
    root = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "oneroster-conformance"


_EPILOG = """\
subcommands:
  oneroster-conformance traffic FILE...
                        check recorded traffic (HAR or NDJSON) against the same
                        rules, blaming the client or the server; see
                        `oneroster-conformance traffic --help`
"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one UsageError line instead of usage + exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `oneroster-conformance --help`")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="oneroster-conformance",
        usage="%(prog)s [options]\n       %(prog)s traffic FILE... [traffic options]",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Check a OneRoster server against openapi.yaml. With no --base-url, the embedded\n"
            "reference server is started on a free loopback port and checked.\n"
            "Exit codes: 0 conforms, 1 a check failed, 2 usage or set-up error."
        ),
    )
    target = parser.add_argument_group("target (environment variables in brackets)")
    target.add_argument("--base-url", help="server root, e.g. https://api.example.org [ONEROSTER_BASE_URL]")
    target.add_argument("--token", help="a bearer token to send as is [ONEROSTER_TOKEN]")
    target.add_argument("--client-id", help="OAuth2 client id [ONEROSTER_CLIENT_ID]")
    target.add_argument("--client-secret", help="OAuth2 client secret [ONEROSTER_CLIENT_SECRET]")
    target.add_argument("--token-url", help="OAuth2 token endpoint [ONEROSTER_TOKEN_URL]")
    target.add_argument(
        "--class-id",
        action="append",
        default=None,
        metavar="ID",
        help="an existing class the suite may update; repeatable; without one the class checks are skipped "
        "[ONEROSTER_CLASS_IDS, comma-separated]",
    )
    target.add_argument(
        "--result-id",
        action="append",
        default=None,
        metavar="ID",
        help="an existing result the suite may update, for a server that does not create results on PUT (its "
        "first answer is put back at the end; the spec has no read, so values it had before are lost on a server "
        "that replaces); repeatable [ONEROSTER_RESULT_IDS, comma-separated]",
    )
    target.add_argument(
        "--path",
        action="append",
        default=None,
        metavar="OPERATION=TEMPLATE",
        help="where the server serves an operation, when not at the spec's path, e.g. "
        "putResult=/ims/oneroster/v1p2/results/{sourcedId} (repeatable; a departure from the spec, reported as "
        "another dialect)",
    )
    run = parser.add_argument_group("run")
    run.add_argument("--profile", choices=sorted(PROFILES), help="quick (default) or thorough [ONEROSTER_PROFILE]")
    run.add_argument("--max-examples", type=int, metavar="N", help="examples per operation and check")
    run.add_argument("--seed", type=int, metavar="N", help="repeat a run exactly [ONEROSTER_SEED]")
    run.add_argument("--report-dir", type=Path, metavar="DIR", help="write junit.xml, result.json and summary.md")
    run.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="where hypothesis keeps its files (default: $XDG_CACHE_HOME/oneroster-conformance or "
        "~/.cache/oneroster-conformance; never the current directory) [ONEROSTER_CACHE_DIR]",
    )
    run.add_argument(
        "--check",
        action="append",
        default=None,
        metavar="NAME",
        help="run only this check (repeatable; names as in the report, e.g. result_echo, schemathesis)",
    )
    run.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show pytest's tracebacks for failures on the console (the reports have the details either way)",
    )
    run.add_argument(
        "--fuzz-result-ids",
        action="store_true",
        help="on a remote target, also write results under fuzzed ids (control characters, odd unicode) after "
        "the run's prefix; by default only the embedded server gets those",
    )
    run.add_argument(
        "--allow-new-class-fields",
        action="store_true",
        help="on a remote target, also send class fields the class does not have (a PUT cannot remove them, so "
        "the run leaves them behind); by default classes are left exactly as found",
    )
    run.add_argument(
        "--probe-unknown-classes",
        action="store_true",
        help="on a remote target, also PUT to class ids other than the named ones (look-alikes of them: other "
        "letter case, a trailing space, a percent escape, NFD; and unknown ids under the run's prefix) to check "
        "they answer 404; a server that creates classes on PUT keeps them, one whose ids ignore case changes the "
        "named class; by default only the named classes are ever PUT to",
    )
    run.add_argument(
        "--plan",
        action="store_true",
        help="print every kind of resource the run may write and every class it may PUT to, then exit 0 "
        "without sending anything",
    )
    run.add_argument("--pytest-arg", action="append", default=None, metavar="ARG", help=argparse.SUPPRESS)
    return parser


def selectable_checks() -> list[str]:
    """The names `--check` accepts: every check of the live suite that can fail against this spec, and
    `schemathesis` (the schemathesis part as a whole)."""
    return sorted(CHECKS.names(runs_in="suite", selectable=True) | {SCHEMATHESIS_PART})


def _check_names(names: Sequence[str]) -> None:
    """Refuse a `--check` name the registry does not know, or one this suite cannot make (saying why)."""
    unknown = [name for name in names if name != SCHEMATHESIS_PART and name not in CHECKS]
    if unknown:
        raise UsageError(f"unknown check {', '.join(unknown)}; known: {', '.join(selectable_checks())}")
    for name in names:
        check = CHECKS.get(name)
        if check is None:
            continue  # the schemathesis part
        if "suite" not in check.runs_in:
            raise UsageError(
                f"--check {name} does not apply here: it is checked on recorded traffic only "
                "(`oneroster-conformance traffic`)"
            )
        if check.not_selectable is not None:
            raise UsageError(f"--check {name} does not apply here: {check.not_selectable}")


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{name}={value!r} is not an integer; set it to a whole number") from None


def _ids(given: list[str] | None, from_env: str) -> tuple[str, ...]:
    """Ids from repeated options (each may be comma-separated), else from the environment variable."""
    values = given if given is not None else [from_env]
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def parse_options(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> Options:
    """Options from argv and the environment; raises UsageError (one line) for anything wrong."""
    environ = os.environ if env is None else env
    parser = _parser()
    args = parser.parse_args(argv)  # --help exits 0 here; errors raise UsageError

    def pick(value: str | None, name: str) -> str | None:
        chosen = value if value is not None else environ.get(name)
        return chosen if chosen else None

    base_url = pick(args.base_url, "ONEROSTER_BASE_URL")
    token = pick(args.token, "ONEROSTER_TOKEN")
    client_id = pick(args.client_id, "ONEROSTER_CLIENT_ID")
    client_secret = pick(args.client_secret, "ONEROSTER_CLIENT_SECRET")
    token_url = pick(args.token_url, "ONEROSTER_TOKEN_URL")
    class_ids = _ids(args.class_id, environ.get("ONEROSTER_CLASS_IDS", ""))
    result_ids = _ids(args.result_id, environ.get("ONEROSTER_RESULT_IDS", ""))
    try:
        paths = tuple(parse_path_option(value) for value in args.path or ())
    except PathError as exc:
        raise UsageError(str(exc)) from None
    doubled = sorted({name for name, _ in paths if sum(other == name for other, _ in paths) > 1})
    if doubled:
        raise UsageError(f"--path names {', '.join(doubled)} more than once; give one template per operation")
    profile_name = args.profile or environ.get("ONEROSTER_PROFILE") or "quick"
    if profile_name not in PROFILES:
        raise UsageError(f"unknown profile {profile_name!r}; use one of: {', '.join(sorted(PROFILES))}")
    seed = args.seed if args.seed is not None else _env_int(environ, "ONEROSTER_SEED")
    if args.max_examples is not None and args.max_examples < 1:
        raise UsageError(f"--max-examples {args.max_examples} must be at least 1")
    if seed is not None and not 0 <= seed < 2**63:
        raise UsageError(f"--seed {seed} must be between 0 and 2**63-1")

    if base_url is not None:
        base_url = base_url.rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url {base_url!r} must start with http:// or https://")
        if token is None:
            missing = [
                flag
                for flag, value in (
                    ("--client-id", client_id),
                    ("--client-secret", client_secret),
                    ("--token-url", token_url),
                )
                if value is None
            ]
            if missing:
                raise UsageError(
                    "a remote target needs --token (ONEROSTER_TOKEN) or all of --client-id, --client-secret, "
                    f"--token-url (missing: {', '.join(missing)})"
                )
    elif any(
        v is not None
        for v in (
            args.token,
            args.client_id,
            args.client_secret,
            args.token_url,
            args.class_id,
            args.result_id,
            args.path,
        )
    ):
        # Only options given on the command line: ONEROSTER_CLIENT_ID/SECRET may be set for the server.
        raise UsageError(
            "--token/--client-id/--token-url/--class-id/--result-id/--path describe a remote target; give --base-url "
            "too (or none of them to check the embedded reference server)"
        )

    checks = tuple(args.check or ())
    _check_names(checks)
    if base_url is not None and not class_ids:
        class_only = [name for name in checks if CHECKS.operations_of(name, ()) == ("updateClass",)]
        if class_only:
            raise UsageError(
                f"--check {', '.join(class_only)} updates classes: name existing classes the suite may update with "
                "--class-id ID (repeatable) or ONEROSTER_CLASS_IDS=id1,id2"
            )

    # Every run has a seed (printed in the reports) so any run can be repeated exactly; an explicit
    # seed also fixes the run id, so the repeated run sends the very same requests.
    run_id = f"s{seed}" if seed is not None else secrets.token_hex(4)
    if seed is None:
        seed = secrets.randbelow(2**32)
    return Options(
        base_url=base_url,
        token=token,
        client_id=client_id,
        client_secret=client_secret,
        token_url=token_url,
        class_ids=class_ids,
        profile=PROFILES[profile_name],
        max_examples=args.max_examples,
        seed=seed,
        report_dir=args.report_dir,
        run_id=run_id,
        checks=checks,
        pytest_args=tuple(args.pytest_arg or ()),
        verbose=args.verbose,
        fuzz_result_ids=args.fuzz_result_ids,
        allow_new_class_fields=args.allow_new_class_fields,
        probe_unknown_classes=args.probe_unknown_classes,
        plan=args.plan,
        paths=paths,
        result_ids=result_ids,
        cache_dir=args.cache_dir or Path(environ.get("ONEROSTER_CACHE_DIR") or default_cache_dir(environ)),
    )
