"""Fast schema checks for the SDK's hot path, answering exactly as `oneroster_kit.contract` does.

The contract's jsonschema validators are the authority, but they cost about 0.6 ms for one
result body, more than a loopback round trip. The SDK checks every 2xx body (and every mapping
argument), so it first runs a validator that fastjsonschema compiles from the same spec nodes
(about 20 us); only a body that fails it goes to the contract validator, which names every
violation. Both use the same format checks (the contract's `FormatChecker`, one function per
`format` the spec uses), and tests/sdk/test_fast_validation.py checks that they agree.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import fastjsonschema
import jsonschema

from oneroster_kit.contract import Operation, SchemaValidator, Violation
from oneroster_kit.spec import load_spec

__all__ = ["CheckedValidator", "request_checker", "response_checker"]


def _formats_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats_in(value)


def _format_functions(checker: jsonschema.FormatChecker) -> dict[str, Callable[[str], bool]]:
    """The contract's own format checks, for every format the spec uses."""

    def conforms(name: str) -> Callable[[str], bool]:
        return lambda value: checker.conforms(value, name)

    return {name: conforms(name) for name in set(_formats_in(load_spec()))}


class CheckedValidator:
    """`violations()` like the contract's validator, with a compiled fast path for valid bodies."""

    def __init__(self, validator: SchemaValidator) -> None:
        self.validator = validator
        checker = validator._validator.format_checker  # the contract's checker, not a second set of rules
        assert checker is not None
        rooted = {**validator.schema, "components": load_spec().get("components", {})}
        self._compiled = fastjsonschema.compile(rooted, formats=_format_functions(checker), use_default=False)

    def fast_accepts(self, instance: Any) -> bool:
        """The compiled check alone (exposed so tests can prove it agrees with the contract)."""
        try:
            self._compiled(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def violations(self, instance: Any) -> list[Violation]:
        """[] when valid, else the contract validator's violations (it is the authority)."""
        if self.fast_accepts(instance):
            return []
        return self.validator.violations(instance)


# Keyed by the contract's validator objects, which are rebuilt when the spec file changes.
_CHECKERS: weakref.WeakKeyDictionary[SchemaValidator, CheckedValidator] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _checker(validator: SchemaValidator) -> CheckedValidator:
    checked = _CHECKERS.get(validator)
    if checked is None:
        with _LOCK:
            checked = _CHECKERS.get(validator)
            if checked is None:
                checked = _CHECKERS[validator] = CheckedValidator(validator)
    return checked


def request_checker(op: Operation) -> CheckedValidator:
    """The checker of the operation's request body."""
    return _checker(op.request_validator)


def response_checker(op: Operation, status: int) -> CheckedValidator | None:
    """The checker of a documented response status's body, or None when it has no JSON body."""
    validator = op.response_validator(status)
    return None if validator is None else _checker(validator)
