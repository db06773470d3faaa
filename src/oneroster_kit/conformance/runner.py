"""Run the suite in-process with pytest and turn its outcome into reports and an exit code."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from oneroster_kit.conformance.auth import StaticToken
from oneroster_kit.conformance.options import Options
from oneroster_kit.conformance.preflight import SetupFailure
from oneroster_kit.conformance.report import (
    check_report_dir,
    check_writable_dir,
    console_width,
    operation_lines,
    operation_states,
    result_document,
    setup_document,
    terminal_summary,
    write_reports,
    write_setup_failure,
)
from oneroster_kit.conformance.session import ConformancePlugin
from oneroster_kit.conformance.setup import (
    StartServer,
    plan_lines,
    prepared_target,
    restore_classes,
    restore_results,
    suite_path,
)
from oneroster_kit.conformance.target import Target
from oneroster_kit.usage import UsageError

__all__ = ["run"]


def run(options: Options, start_server: StartServer) -> int:
    """0 conforms, 1 a check failed; raises UsageError for set-up problems (exit 2), after writing the
    reports asked for (a set-up failure included: CI always gets its junit.xml). `start_server` starts
    the embedded reference server when `options` name no --base-url."""
    if options.plan:
        print("\n".join(plan_lines(options)), flush=True)
        return 0
    suite = suite_path()
    if options.report_dir is not None:
        check_report_dir(options.report_dir)
    started = time.time()
    reported: list[bool] = []  # set once this run has written its reports
    try:
        check_writable_dir(options.cache_dir, "--cache-dir")
        return _run(options, start_server, suite, reported)
    except SetupFailure as failure:
        if options.report_dir is not None:
            write_setup_failure(options.report_dir, setup_document(options, str(failure), failure.target, started))
        if failure.target is not None and failure.target.operations:
            print(_preflight_text(failure.target), flush=True)
        raise
    except (Exception, KeyboardInterrupt) as failure:  # a usage error, an interruption, a bug: reports still
        if options.report_dir is not None and not reported:
            message = str(failure) if isinstance(failure, UsageError) else f"{type(failure).__name__}: {failure}"
            write_setup_failure(options.report_dir, setup_document(options, message or "interrupted", None, started))
        raise


def _preflight_text(target: Target) -> str:
    return "\n".join(
        [
            f"oneroster-conformance: preflight of {target.base_url}, each operation on its own:",
            *operation_lines(operation_states(target), console_width()),
        ]
    )


def _run(options: Options, start_server: StartServer, suite: Path, reported: list[bool]) -> int:
    # hypothesis keeps files (e.g. its constants cache) under its home, `.hypothesis/` in the cwd by default
    set_hypothesis_home_dir(options.cache_dir / "hypothesis")
    with prepared_target(options, start_server) as target:
        print(_preflight_text(target), flush=True)
        plugin = ConformancePlugin(options, target)
        args = [
            str(suite),
            f"--rootdir={suite.parent}",
            # The suite's own settings, so a run never depends on a checkout's (or the cwd's) configuration.
            "-c",
            str(suite / "pytest.ini"),
            "-p",
            "no:cacheprovider",
            # Plugins such as anyio are imported before pytest.main and could not be rewritten (a warning,
            # an error under filterwarnings=error); the suite's messages do not need assertion rewriting.
            "--assert=plain",
            # Failures are told by the terminal summary and the reports, which count checks (pytest's
            # own per-test dots and counts only with -v, with its tracebacks).
            *(["-q", "--tb=short"] if options.verbose else ["-qq", "--tb=no", "-rN"]),
            "-o",
            "console_output_style=classic",
        ]
        if options.report_dir is not None:
            args.append(f"--junitxml={options.report_dir / 'junit.xml'}")
        args += list(options.pytest_args)
        try:
            code = pytest.main(args, plugins=[plugin])  # the suite finds the run as the plugin named PLUGIN_NAME
        finally:
            plugin.outcome.finished = time.time()
            expired = _static_token_expired(target)
            if target.remote and not expired:
                restore_classes(target)
                restore_results(target)
        if expired:
            exit_code = 2
        elif code == pytest.ExitCode.OK:
            exit_code = 0
        elif code == pytest.ExitCode.TESTS_FAILED:
            exit_code = 1
        elif code == pytest.ExitCode.NO_TESTS_COLLECTED:
            raise UsageError("no check selected: every test was deselected (see --check)")
        else:
            exit_code = 1 if plugin.outcome.failures else 2
        document = result_document(options, target, plugin.outcome, exit_code)
        if options.report_dir is not None:
            write_reports(options.report_dir, document)
            reported.append(True)
        text = terminal_summary(document).encode("utf-8", errors="backslashreplace").decode("utf-8")
        print(text, file=sys.stdout, flush=True)
        if expired:
            raise UsageError(
                "the token given with --token was refused by the end of the run (expired?), so the results are void; "
                "rerun with a fresh token, or with --client-id/--client-secret/--token-url so the suite renews it"
            )
        if exit_code == 2:
            raise UsageError(f"the suite could not run (pytest exit {int(code)}); see the output above")
        return exit_code


def _static_token_expired(target: Target) -> bool:
    """A fixed token that stopped working mid-run makes every later failure meaningless."""
    if not isinstance(target.tokens, StaticToken) or not target.class_ids:
        return False
    try:
        return target.put("updateClass", target.class_ids[0], {"class": {}}).status == 401
    except httpx.HTTPError:
        return False
