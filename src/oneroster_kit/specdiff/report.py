"""One comparison's outcome: the changes, what is ignored, the version check, the SDK check, the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

from oneroster_kit.specdiff.model import Change, Severity
from oneroster_kit.specdiff.sdk_impact import SdkImpact
from oneroster_kit.specdiff.semver import VersionCheck

__all__ = ["FAIL_ON", "Report"]

# --fail-on: the least severe change that fails the run.
FAIL_ON: dict[str, Severity | None] = {
    "breaking": Severity.BREAKING,  # breaks existing clients, or code written against the BASE SDK
    "server": Severity.SERVER,  # also: asks more of servers
    "notice": Severity.NOTICE,  # also: anything to act on
    "any": Severity.NONE,  # any change at all, documentation included
    "never": None,
}


@dataclass
class Report:
    base: str
    revision: str
    changes: list[Change]
    version: VersionCheck
    sdk: SdkImpact | None
    fail_on: str = "breaking"
    check_version: bool = False
    ignored: dict[str, str] = field(default_factory=dict)  # fingerprint -> reason, for changes found
    unused_ignores: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def is_failing(self, change: Change) -> bool:
        threshold = FAIL_ON[self.fail_on]
        return threshold is not None and change.fingerprint not in self.ignored and change.severity >= threshold

    @property
    def failing(self) -> list[Change]:
        return [change for change in self.changes if self.is_failing(change)]

    @property
    def exit_code(self) -> int:
        if self.failing:
            return 1
        return 1 if self.check_version and not self.version.ok else 0

    def counts(self) -> dict[str, int]:
        found = {severity.name.lower(): 0 for severity in reversed(Severity)}
        for change in self.changes:
            found[change.severity.name.lower()] += 1
        return found
