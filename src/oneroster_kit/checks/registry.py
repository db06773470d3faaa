"""The registry's machinery: what a check is, the lookups everyone makes, and how code that makes a
check registers against it.

A `Check` is a named rule of openapi.yaml that a server (or, seen in recorded traffic, a client)
can break. Its facts live once, in `oneroster_kit.checks.catalogue`: the one-sentence rule the
reports print, where it comes from (`source`: schemathesis or this kit), whose fault a failure is
(`party`), where it runs (`runs_in`: the live suite, the traffic checker or both), why `--check`
cannot select it (`not_selectable`), the requirement ids it traces to (`requirements`), and the
operations it sends requests to when not every one (`operations`).

Code that makes checks registers the way schemathesis registers its own (`specs/openapi/checks.py`:
one function per check, `@schemathesis.check`, the check's name the function's name, guards as
decorators): `Implementations.register` takes a function whose name is a check of the catalogue
that runs there and refuses any other, and `when(...)` adds a guard (the check looks at an
exchange only when every guard holds). So a name is written once, as the function's, and a check
can be neither misspelt in a report nor made without the catalogue knowing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

__all__ = [
    "Check",
    "Guarded",
    "Implementation",
    "Implementations",
    "Party",
    "Registry",
    "Runner",
    "Source",
    "UnknownCheckError",
    "when",
]

Source = Literal["schemathesis", "kit"]  # who defines the check: schemathesis (same name there) or this kit
Party = Literal["server", "client"]  # whose fault a failure is
Runner = Literal["suite", "traffic"]  # the live suite (`oneroster-conformance`) or the traffic checker

T = TypeVar("T")


@dataclass(frozen=True)
class Check:
    """One check: its name as reports print it, and the facts every part reads from here."""

    name: str
    rule: str  # the rule of openapi.yaml the check enforces, in one sentence
    source: Source
    party: Party
    runs_in: frozenset[Runner]
    # Why `--check NAME` cannot select it (it can never fail against this spec, or it is no check), or None.
    not_selectable: str | None = None
    # Requirement ids the check traces to (a traceability matrix fills these); empty until then.
    requirements: tuple[str, ...] = ()
    # The operations (operationIds) the check sends requests to in the live suite, when not every one:
    # the preflight asks only those, and an operation found absent skips only its checks.
    operations: tuple[str, ...] = ()

    @property
    def selectable(self) -> bool:
        return self.not_selectable is None


class UnknownCheckError(KeyError):
    """A name that is no check of the registry; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown check"


class Registry:
    """Every check, by name, in the order the catalogue lists them."""

    def __init__(self, checks: Iterable[Check]) -> None:
        self._checks: dict[str, Check] = {}
        for check in checks:
            if check.name in self._checks:
                raise ValueError(f"check {check.name!r} is listed twice")
            if not check.runs_in:
                raise ValueError(f"check {check.name!r} runs nowhere (runs_in is empty)")
            self._checks[check.name] = check

    def __getitem__(self, name: str) -> Check:
        check = self._checks.get(name)
        if check is None:
            raise UnknownCheckError(f"no check named {name!r} (known: {', '.join(sorted(self._checks))})")
        return check

    def get(self, name: str) -> Check | None:
        return self._checks.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._checks

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks.values())

    def __len__(self) -> int:
        return len(self._checks)

    def select(
        self,
        *,
        source: Source | None = None,
        party: Party | None = None,
        runs_in: Runner | None = None,
        selectable: bool | None = None,
    ) -> list[Check]:
        """The checks with every given property, in catalogue order."""
        return [
            check
            for check in self._checks.values()
            if (source is None or check.source == source)
            and (party is None or check.party == party)
            and (runs_in is None or runs_in in check.runs_in)
            and (selectable is None or check.selectable == selectable)
        ]

    def names(
        self,
        *,
        source: Source | None = None,
        party: Party | None = None,
        runs_in: Runner | None = None,
        selectable: bool | None = None,
    ) -> frozenset[str]:
        return frozenset(
            check.name for check in self.select(source=source, party=party, runs_in=runs_in, selectable=selectable)
        )

    def running_in(self, runner: Runner, name: str) -> Check:
        """The check `name`, for code in `runner` that makes it; refused unless the catalogue lists it there."""
        check = self[name]
        if runner not in check.runs_in:
            raise ValueError(f"check {name!r} is not listed as running in the {runner} (runs_in of the catalogue)")
        return check

    def rule_of(self, name: str) -> str:
        """The check's rule, for a report; a placeholder for a name the registry does not know."""
        check = self._checks.get(name)
        return check.rule if check is not None else "(no rule recorded for this check)"

    def operations_of(self, name: str, every: Iterable[str]) -> tuple[str, ...]:
        """The operations the check `name` sends requests to: its own, else `every` operation (also for
        a name the registry does not know, such as the schemathesis part)."""
        check = self._checks.get(name)
        return check.operations if check is not None and check.operations else tuple(every)

    def requirements_of(self, name: str) -> tuple[str, ...]:
        """The requirement ids a check traces to (empty when none are recorded yet)."""
        return self[name].requirements

    def for_requirement(self, requirement: str) -> list[Check]:
        """The checks that trace to one requirement id."""
        return [check for check in self._checks.values() if requirement in check.requirements]


@dataclass(frozen=True)
class Guarded(Generic[T]):
    """A check function with the guards that must all hold before it runs (outermost first)."""

    function: Callable[[T], None]
    guards: tuple[Callable[[T], bool], ...]


def when(guard: Callable[[T], bool]) -> Callable[[Callable[[T], None] | Guarded[T]], Guarded[T]]:
    """A guard as a decorator: the check runs (and counts as having looked) only where `guard` holds."""

    def decorate(function: Callable[[T], None] | Guarded[T]) -> Guarded[T]:
        if isinstance(function, Guarded):
            return Guarded(function.function, (guard, *function.guards))
        return Guarded(function, (guard,))

    return decorate


@dataclass(frozen=True)
class Implementation(Generic[T]):
    """What one runner does to make one check: the registry's entry, its function and its guards."""

    check: Check
    run: Callable[[T], None]
    guards: tuple[Callable[[T], bool], ...] = ()


class Implementations(Mapping[str, Implementation[T]]):
    """The functions one runner makes checks with, each registered under its function's name."""

    def __init__(self, runner: Runner, registry: Registry) -> None:
        self.runner = runner
        self.registry = registry
        self._items: dict[str, Implementation[T]] = {}

    def register(self, function: Callable[[T], None] | Guarded[T]) -> Callable[[T], None]:
        """Decorator: `function` makes the check of its own name; returns the undecorated function."""
        run, guards = (function.function, function.guards) if isinstance(function, Guarded) else (function, ())
        name = run.__name__
        check = self.registry.running_in(self.runner, name)
        if name in self._items:
            raise ValueError(f"check {name!r} is registered twice in the {self.runner}")
        self._items[name] = Implementation(check, run, guards)
        return run

    def __getitem__(self, name: str) -> Implementation[T]:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
