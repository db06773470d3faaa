"""The focused-run shortcut in the suite's session plugin skips one module by file name."""

from __future__ import annotations

from pathlib import Path

import oneroster_kit.conformance.suite as suite
from oneroster_kit.conformance.session import SCHEMATHESIS_MODULE_FILE


def test_the_skipped_schemathesis_module_exists_under_that_name() -> None:
    """A rename of the module would make `--check <probe>` collect it again, silently."""
    module = Path(suite.__file__).parent / SCHEMATHESIS_MODULE_FILE
    assert module.is_file(), module
    assert "schemathesis" in module.read_text(encoding="utf-8")
