"""The bridge between the CLI and the pytest suite in `oneroster_kit.conformance.suite`.

What the suite reads is a `SuiteRun`: the run's options, its target, and where test cases are
counted. The CLI builds a `ConformancePlugin` around one (options, the target, the failure
records) and hands it to `pytest.main`; the suite's conftest finds it with `suite_run(config)` and
passes it to the tests as a fixture. Nothing is read from a module global: run under plain pytest
there is no plugin, and the conftest builds the standalone run (the quick profile, a reference
server it starts on first use; `standalone_run`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from oneroster_kit.checks import SCHEMATHESIS_CHECKS, SCHEMATHESIS_PART
from oneroster_kit.conformance.options import Options, parse_options
from oneroster_kit.conformance.records import FailureRecord, SkipRecord, records_from_exception
from oneroster_kit.conformance.setup import StartServer, prepared_target
from oneroster_kit.conformance.target import Target

__all__ = [
    "CHECK_STATUSES",
    "PLUGIN_NAME",
    "CheckStatus",
    "ConformancePlugin",
    "RunOutcome",
    "SuiteRun",
    "standalone_run",
    "suite_run",
]

PLUGIN_NAME = "oneroster-conformance"


@dataclass
class RunOutcome:
    """Everything the reports need about one run of the suite, filled while it runs."""

    failures: list[FailureRecord] = field(default_factory=list)
    skips: list[SkipRecord] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cases: dict[str, int] = field(default_factory=dict)  # test cases sent per part ("schemathesis", checks)
    # The one count the console and the reports show: each check's status, in the order checks finished.
    checks: dict[str, CheckStatus] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def count_case(self, part: str, n: int = 1) -> None:
        self.cases[part] = self.cases.get(part, 0) + n

    def check_counts(self) -> dict[str, int]:
        """How many checks ended in each status (the numbers of the verdict line)."""
        counts = dict.fromkeys(CHECK_STATUSES, 0)
        for status in self.checks.values():
            counts[status.status] += 1
        return counts


CHECK_STATUSES = ("failed", "error", "passed", "skipped")


@dataclass
class CheckStatus:
    """How one named check ended: failed (the target broke its rule), error (the check could not run to
    its end, see suite_error), passed, or skipped (with the reason)."""

    status: str
    reason: str = ""


# the suite module that holds the schemathesis part (tests/conformance checks that it exists)
SCHEMATHESIS_MODULE_FILE = "test_target_schemathesis.py"


class SuiteRun:
    """What the suite reads: the run's options, its target (started on first use when `start` is
    given instead) and the outcome its test cases are counted in (None: nothing counts them)."""

    def __init__(
        self,
        options: Options,
        target: Target | None = None,
        outcome: RunOutcome | None = None,
        start: Callable[[Options], contextlib.AbstractContextManager[Target]] | None = None,
    ) -> None:
        if (target is None) == (start is None):
            raise ValueError("a SuiteRun needs a target or a way to start one, not both")
        self.options = options
        self.outcome = outcome
        self._target = target
        self._start = start
        self._stack = contextlib.ExitStack()

    @property
    def target(self) -> Target:
        if self._target is None:
            assert self._start is not None
            self._target = self._stack.enter_context(self._start(self.options))
        return self._target

    def count_case(self, part: str, n: int = 1) -> None:
        """`n` test cases of `part` (a check, or "schemathesis") were sent."""
        if self.outcome is not None:
            self.outcome.count_case(part, n)

    def close(self) -> None:
        """Stop what `target` started (the standalone run's server); nothing for a given target."""
        self._stack.close()


def standalone_run(start_server: StartServer) -> SuiteRun:
    """The run of the suite under plain pytest (e.g. CI's whole test run, `contract_tests/target`): the
    embedded server, started with `start_server` on first use, and the quick profile with a fixed seed,
    so it is repeatable (ONEROSTER_SEED picks another)."""
    options = parse_options([], env={"ONEROSTER_SEED": os.environ.get("ONEROSTER_SEED", "0")})
    return SuiteRun(options, start=lambda chosen: prepared_target(chosen, start_server))


def suite_run(config: pytest.Config) -> SuiteRun | None:
    """The CLI's run, registered with pytest as the plugin named PLUGIN_NAME; None under plain pytest."""
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    return plugin.run if isinstance(plugin, ConformancePlugin) else None


class ConformancePlugin:
    """A pytest plugin object carrying the run's configuration and collecting its outcome."""

    def __init__(self, options: Options, target: Target) -> None:
        self.__name__ = PLUGIN_NAME  # pluggy registers a plugin object under its __name__
        self.options = options
        self.target = target
        self.outcome = RunOutcome()
        self.run = SuiteRun(options, target, self.outcome)
        self._pending: dict[str, int] = {}  # check -> its tests not finished yet
        self._item_checks: dict[str, tuple[str, ...]] = {}  # test nodeid -> the checks it makes
        self._item_status: dict[str, str] = {}  # test nodeid -> failed / skipped / passed
        self._item_reason: dict[str, str] = {}  # test nodeid -> why it was skipped
        self._config: pytest.Config | None = None  # for pytest's terminal writer (never captured)

    def pytest_ignore_collect(self, collection_path: Any, config: pytest.Config) -> bool | None:
        """With `--check` naming no schemathesis check, the schemathesis module is not even collected
        (building its cases costs about two seconds, which focused runs such as CI's fault tests skip)."""
        wanted = set(self.options.checks)
        if wanted and not wanted & (SCHEMATHESIS_CHECKS | {SCHEMATHESIS_PART}):
            return getattr(collection_path, "name", "") == SCHEMATHESIS_MODULE_FILE or None
        return None

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """`--check NAME`: keep only the tests of those checks."""
        if not self.options.checks:
            return
        wanted = set(self.options.checks)
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            marker = item.get_closest_marker("conformance_check")
            names = set(marker.args) if marker is not None else set()
            (keep if names & wanted else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Which tests make which check, so each check's status is known as soon as its last test ends."""
        for item in session.items:
            marker = item.get_closest_marker("conformance_check")
            names = tuple(name for name in (marker.args if marker is not None else ()) if name != "schemathesis")
            self._item_checks[item.nodeid] = names
            for name in names:
                self._pending[name] = self._pending.get(name, 0) + 1
        self._write(
            f"oneroster-conformance: {len(self._pending)} checks against {self.target.base_url} "
            f"(profile {self.options.profile.name}, seed {self.options.seed}); one line per check as it ends"
        )

    @pytest.hookimpl(wrapper=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        """No per-test dots: the console counts checks (one line each as it ends), not pytest tests."""
        category, letter, word = yield
        return (category, letter, word) if self.options.verbose else (category, "", word)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self._item_status[report.nodeid] = "failed"
        elif report.skipped and self._item_status.get(report.nodeid) != "failed":
            self._item_status[report.nodeid] = "skipped"
            self._item_reason[report.nodeid] = _skip_reason(report)
        else:
            self._item_status.setdefault(report.nodeid, "passed")
        if report.when != "teardown":
            return
        for name in self._item_checks.get(report.nodeid, ()):
            self._pending[name] -= 1
            if self._pending[name] == 0:
                self._finish_check(name)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Checks no collected test names (suite_error, schemathesis_error) still show when they failed."""
        for name in dict.fromkeys(record.check for record in self.outcome.failures):
            if name not in self.outcome.checks:
                self._finish_check(name)

    def _finish_check(self, name: str) -> None:
        items = [nodeid for nodeid, names in self._item_checks.items() if name in names]
        statuses = [self._item_status.get(nodeid, "skipped") for nodeid in items]
        explained = {record.test for record in self.outcome.failures if record.check in self._item_checks[record.test]}
        if any(record.check == name for record in self.outcome.failures):
            status = CheckStatus("failed")
        elif any(s == "failed" and n not in explained for n, s in zip(items, statuses, strict=True)):
            # a test of this check failed for another reason than a check's rule (suite_error)
            status = CheckStatus("error", "the check could not finish; see suite_error")
        elif statuses and all(s == "skipped" for s in statuses):
            status = CheckStatus("skipped", "; ".join(dict.fromkeys(self._item_reason.get(n, "") for n in items)))
        else:
            status = CheckStatus("passed")
        self.outcome.checks[name] = status
        label = {"failed": "FAIL", "error": "ERROR", "passed": "pass", "skipped": "skip"}[status.status]
        line = f"  {label:<5} {name}" + (f" ({status.reason})" if status.reason else "")
        self._write(line)

    def _write(self, line: str) -> None:
        reporter = self._config.pluginmanager.get_plugin("terminalreporter") if self._config is not None else None
        if reporter is not None:
            reporter.write_line(line)

    def pytest_configure(self, config: pytest.Config) -> None:
        self._config = config

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
        report_holder = yield
        report = report_holder.get_result()
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.failed and call.excinfo is not None:
                self.outcome.failed.append(item.nodeid)
                self.outcome.failures.extend(records_from_exception(call.excinfo.value, item.nodeid))
            elif report.skipped:
                reason = clean_reason(str(call.excinfo.value)) if call.excinfo is not None else "skipped"
                self.outcome.skips.append(SkipRecord(item.nodeid, reason))
            elif report.passed and report.when == "call":
                self.outcome.passed.append(item.nodeid)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return clean_reason(str(longrepr[2]).removeprefix("Skipped: "))
    return "skipped"


def clean_reason(reason: str) -> str:
    """A skip reason without the note hypothesis appends to it ("Failing explicit example: ...")."""
    return reason.split("\nFailing explicit example", 1)[0].strip()
