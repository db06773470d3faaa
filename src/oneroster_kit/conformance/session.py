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
    "PLUGIN_NAME",
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
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def count_case(self, part: str, n: int = 1) -> None:
        self.cases[part] = self.cases.get(part, 0) + n


# the suite module that holds the schemathesis part (tests/conformance checks that it exists)
SCHEMATHESIS_MODULE_FILE = "test_target_schemathesis.py"


class ConformancePlugin:
    """A pytest plugin object carrying the run's configuration and collecting its outcome."""

    def __init__(self, options: Options, target: Target) -> None:
        self.options = options
        self.target = target
        self.outcome = Outcome()

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

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
        report_holder = yield
        report = report_holder.get_result()
        if report.when == "call" or (report.when == "setup" and not report.passed):
            if report.failed and call.excinfo is not None:
                self.outcome.failed.append(item.nodeid)
                self.outcome.failures.extend(records_from_exception(call.excinfo.value, item.nodeid))
            elif report.skipped:
                reason = str(call.excinfo.value) if call.excinfo is not None else "skipped"
                self.outcome.skips.append(SkipRecord(item.nodeid, reason))
            elif report.passed and report.when == "call":
                self.outcome.passed.append(item.nodeid)


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
