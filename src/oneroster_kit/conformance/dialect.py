"""Another dialect of OneRoster, told apart from a defect.

Many servers implement OneRoster faithfully in their own words: the services mounted at other
paths, a bare Result instead of `{"result": ...}`, Python's spelling of an enum value
(`fully_graded`), FastAPI's `{"detail": ...}` or a flat `imsx_codeMinor` error body, 403 for a
missing token (FastAPI's HTTPBearer), their own scope names. Each departs from the spec and fails
conformance, but it is one decision of the implementation, not a broken behaviour, and a report
that mixes them with the defects hides what to fix first. `recognise` finds the traits in what
the run observed (`oneroster_kit.conformance.observations`), the preflight and the options;
`explains` tells whether one problem of a failure message is only that trait. The checks read a
bare Result through (`oneroster_kit.conformance.observations.success_shape`), so the rules of
the server's own behaviour are still tested beneath the dialect.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from oneroster_kit.contract import operation, operations

__all__ = ["BARE_RESULT", "Trait", "explains", "recognise", "same_enum_value"]

# The problem a check adds when it reads an answer through a bare Result (`explains` knows it).
BARE_RESULT = 'the answer is a bare Result, not wrapped in {"result": ...}'
_SENT_GOT = re.compile(r"sent (?:\d+ characters )?'([^']*)', got (?:\d+ characters )?'([^']*)'")
_STATUSES = re.compile(r"answered (\d{3}), expected (\d{3})")


def same_enum_value(sent: str, got: str) -> bool:
    """Two spellings of one enum value: letter case, `_`/`-`/space, camelCase (`fully graded`, `fully_graded`,
    `FULLY_GRADED`, `fullyGraded`)."""

    def words(text: str) -> str:
        text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
        return " ".join(re.split(r"[\s_-]+", text.strip().lower()))

    return sent != got and words(sent) == words(got)


@dataclass(frozen=True)
class Trait:
    key: str  # path, bare-result, enum-spelling, error-body, no-token-403, scope-names
    title: str  # what the server does, and the spec's way, in one line
    operations: list[str] = field(default_factory=list)
    spellings: list[str] = field(default_factory=list)  # enum-spelling: the values answered
    shape: str = ""  # error-body: detail, flat-imsx

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_ERROR_SHAPES = {
    "detail": 'FastAPI\'s {"detail": ...} error bodies',
    "flat-imsx": "flat imsx error bodies (imsx_codeMinor a string)",
}


def recognise(
    observed: dict[str, dict[str, Any]],
    departures: list[tuple[str, str, str]],
    granted_scope: str | None,
) -> list[Trait]:
    """The dialect traits the run showed: `observed` is `Observations.summary()`, `departures`
    `PathMap.departures()`, `granted_scope` the scope the token endpoint answered."""
    traits: list[Trait] = []
    for operation_id, served_at, spec_path in departures:
        traits.append(
            Trait("path", f"{operation_id} is served at {served_at}, not at the spec's {spec_path}", [operation_id])
        )
    bare = [
        name for name, seen in observed.items() if seen.get("success_shapes", {}).get("bare") and name == "putResult"
    ]
    if bare:
        traits.append(
            Trait(
                "bare-result",
                'results in and out as a bare Result, not wrapped in {"result": ...} '
                "(PutResultRequest and the Result answer require the wrapper)",
                bare,
            )
        )
    spellings = sorted(
        {value for seen in observed.values() for values in seen.get("enum_spellings", {}).values() for value in values}
    )
    known = _enum_values()
    foreign = [value for value in spellings if any(same_enum_value(spec, value) for spec in known)]
    if foreign:
        examples = ", ".join(
            f"{value!r} for {next(spec for spec in known if same_enum_value(spec, value))!r}" for value in foreign[:3]
        )
        traits.append(Trait("enum-spelling", f"enum values in another spelling: {examples}", [], foreign))
    shapes: dict[str, list[str]] = {}
    for name, seen in observed.items():
        errors = seen.get("error_shapes", {})
        for shape in _ERROR_SHAPES:
            if errors.get(shape) and errors.get(shape, 0) >= sum(errors.values()) / 2:
                shapes.setdefault(shape, []).append(name)
    for shape, names in shapes.items():
        traits.append(
            Trait("error-body", f"{_ERROR_SHAPES[shape]}, not the spec's imsx_StatusInfo", names, shape=shape)
        )
    no_token_403 = [name for name, seen in observed.items() if seen.get("no_token_statuses", {}).get("403")]
    if no_token_403:
        traits.append(
            Trait("no-token-403", "403 for a request without a token (FastAPI's HTTPBearer), not 401", no_token_403)
        )
    if granted_scope is not None:
        spec_scopes = {scope for op in operations().values() for scope in op.scopes}
        granted = set(granted_scope.split())
        if granted and not granted & spec_scopes:
            short = sorted({scope.rsplit("/", 1)[-1] for scope in spec_scopes})
            traits.append(
                Trait(
                    "scope-names",
                    f"its own scope names ({' '.join(sorted(granted))[:120]}), not the spec's "
                    f"(.../scope/{', .../scope/'.join(short)}): a client asking for the spec's scopes is refused",
                )
            )
    return traits


def _enum_values() -> list[str]:
    values: list[str] = []
    for name in operations():
        op = operation(name)
        from oneroster_kit.contract import resolve

        for schema in op.body_schema.get("properties", {}).values():
            resolved = resolve(op.components, schema)
            if isinstance(resolved, dict):
                values += [str(v) for v in resolved.get("enum", [])]
    return values


def explains(trait: dict[str, Any], check: str, problem: str, status: int | None) -> bool:
    """Whether `problem` (one `; `-separated part of a failure's message) is only this dialect trait."""
    key = trait["key"]
    if key == "path":
        return check == "operation_served" and "--path" in problem
    if key == "bare-result":
        if BARE_RESULT in problem or "'result' is a required property" in problem:
            return True
        return check == "body_wrapper_required" and "without its 'result' wrapper" in problem
    if key == "enum-spelling":
        found = _SENT_GOT.search(problem)
        if found is not None and same_enum_value(found.group(1), found.group(2)):
            return True
        return any(f"'{value}'" in problem for value in trait.get("spellings", []))
    if key == "error-body":
        if status is not None and status < 400:
            return False
        return (
            "error body: " in problem
            or "imsx_codeMinorFieldValue is absent" in problem
            or (check == "response_schema_conformance" and "imsx" in problem)
        )
    if key == "no-token-403":
        found = _STATUSES.search(problem)
        return check == "auth_missing_token" and found is not None and found.groups() == ("403", "401")
    return False
