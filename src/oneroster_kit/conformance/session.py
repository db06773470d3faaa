"""The bridge between the CLI and the pytest suite in `oneroster_kit.conformance.suite`.

The CLI builds a `ConformancePlugin` (options, the target, the failure records) and hands it to
`pytest.main`; the suite's conftest and test modules read it with `active()`. Run under plain
pytest, there is no plugin: the suite uses the quick profile and starts the reference server
itself (see the suite's conftest.py).
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from oneroster_kit.conformance.options import Options
from oneroster_kit.conformance.records import FailureRecord, SkipRecord, records_from_exception
from oneroster_kit.conformance.target import Target

__all__ = [
    "CHECK_STATUSES",
    "PLUGIN_NAME",
    "CheckStatus",
    "ConformancePlugin",
    "Outcome",
    "activate",
    "active",
    "close_standalone",
    "current_options",
    "current_target",
]

PLUGIN_NAME = "oneroster-conformance"
_ACTIVE: ConformancePlugin | None = None


@dataclass
class Outcome:
    """Everything the reports need, filled while the suite runs."""

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


class ConformancePlugin:
    """A pytest plugin object carrying the run's configuration and collecting its outcome."""

    def __init__(self, options: Options, target: Target) -> None:
        self.options = options
        self.target = target
        self.outcome = Outcome()
        self._pending: dict[str, int] = {}  # check -> its tests not finished yet
        self._item_checks: dict[str, tuple[str, ...]] = {}  # test nodeid -> the checks it makes
        self._item_status: dict[str, str] = {}  # test nodeid -> failed / skipped / passed
        self._item_reason: dict[str, str] = {}  # test nodeid -> why it was skipped
        self._config: pytest.Config | None = None  # for pytest's terminal writer (never captured)

    def pytest_ignore_collect(self, collection_path: Any, config: pytest.Config) -> bool | None:
        """With `--check` naming no schemathesis check, the schemathesis module is not even collected
        (building its cases costs about two seconds, which focused runs such as CI's fault tests skip)."""
        from oneroster_kit.conformance.checks import SCHEMATHESIS_CHECKS

        wanted = set(self.options.checks)
        if wanted and not wanted & (SCHEMATHESIS_CHECKS | {"schemathesis"}):
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


def activate(plugin: ConformancePlugin | None) -> None:
    global _ACTIVE
    _ACTIVE = plugin


def active() -> ConformancePlugin | None:
    """The plugin of the CLI run in progress, or None under plain pytest."""
    return _ACTIVE


@functools.cache
def _standalone_options() -> Options:
    from oneroster_kit.conformance.options import parse_options

    # Plain pytest (e.g. CI's whole test run) checks the embedded server with a fixed seed, so it is
    # repeatable; ONEROSTER_SEED picks another.
    return parse_options([], env={"ONEROSTER_SEED": os.environ.get("ONEROSTER_SEED", "0")})


_STANDALONE = contextlib.ExitStack()
_STANDALONE_TARGET: list[Target] = []


def current_target() -> Target:
    """The CLI's target; under plain pytest, a fresh embedded server started on first use."""
    if _ACTIVE is not None:
        return _ACTIVE.target
    if not _STANDALONE_TARGET:
        from oneroster_kit.conformance.setup import prepared_target

        _STANDALONE_TARGET.append(_STANDALONE.enter_context(prepared_target(current_options())))
    return _STANDALONE_TARGET[0]


def close_standalone() -> None:
    """Stop the server `current_target` started under plain pytest (if any)."""
    _STANDALONE_TARGET.clear()
    _STANDALONE.close()


def current_options() -> Options:
    """The options of the CLI run, or the quick profile's defaults under plain pytest."""
    plugin = _ACTIVE
    return plugin.options if plugin is not None else _standalone_options()
