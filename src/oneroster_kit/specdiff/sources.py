"""Load the two specs to compare, from files or from git revisions, and refuse what cannot be compared.

BASE and REVISION are each a path to a spec file, or a git revision (`HEAD~1`, `origin/main`,
`v1.0:openapi.yaml`) whose `openapi.yaml` (or the given path) is read with `git show`. A spec
must be OpenAPI 3.1 (3.0 means other nullability and schema rules), valid by
openapi-spec-validator, and self-contained: an external `$ref` would make the comparison depend
on files outside the spec.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oneroster_kit.specdiff.errors import SpecInputError
from oneroster_kit.specdiff.locate import LOADER, line_map

__all__ = ["LoadedSpec", "git_root", "load", "load_text"]

DEFAULT_FILE = "openapi.yaml"


@dataclass(frozen=True)
class LoadedSpec:
    """One side of the comparison: where it came from, its bytes, the document and its lines."""

    label: str  # what the user named: a path, or `REV:path`
    text: str
    document: dict[str, Any]
    lines: dict[str, int] = field(repr=False)

    def line(self, where: str) -> int | None:
        """The line of a pointer, or of its nearest ancestor that is in the file."""
        while True:
            if where in self.lines:
                return self.lines[where]
            if not where:
                return None
            where = where.rsplit("/", 1)[0]


def git_root(start: Path) -> Path | None:
    proc = subprocess.run(
        ["git", "-C", str(start), "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
    )
    return Path(proc.stdout.strip()) if proc.returncode == 0 else None


def _from_git(revision: str, repo: Path, default_path: str) -> tuple[str, str]:
    rev, _, path = revision.partition(":")
    path = path or default_path
    proc = subprocess.run(
        ["git", "-C", str(repo), "show", f"{rev}:{path}"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        reason = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "git show failed"
        shallow = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--is-shallow-repository"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        hint = (
            " (this is a shallow clone: fetch more history, e.g. `git fetch --deepen 1`)" if shallow == "true" else ""
        )
        raise SpecInputError(f"cannot read {path} at git revision {rev!r}: {reason}{hint}")
    return f"{rev}:{path}", proc.stdout


def load(source: str, *, repo: Path | None = None, default_path: str = DEFAULT_FILE) -> LoadedSpec:
    """A spec from a file path (if it exists) or a git revision of `default_path` in `repo`."""
    path = Path(source)
    if path.is_file():
        try:
            return load_text(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecInputError(f"cannot read {path}: {exc}") from None
    if path.is_dir():
        raise SpecInputError(f"{source} is a directory, not a spec file")
    root = git_root(repo or Path.cwd())
    if root is None:
        raise SpecInputError(f"{source!r} is neither a file nor a git revision (not inside a git repository)")
    label, text = _from_git(source, root, default_path)
    return load_text(text, label)


def _external_refs(node: Any, where: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.append(f"{where}/$ref = {ref!r}")
        for key, value in node.items():
            found += _external_refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _external_refs(value, f"{where}/{index}")
    return found


def load_text(text: str, label: str) -> LoadedSpec:
    """Parse and check one spec; every refusal names the spec and what is wrong with it."""
    try:
        document = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise SpecInputError(f"{label} is not valid YAML{at}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(document, dict) or "openapi" not in document:
        raise SpecInputError(f"{label} is not an OpenAPI document (no top-level 'openapi' field)")
    version = str(document["openapi"])
    if not version.startswith("3.1."):
        hint = (
            " (OpenAPI 3.0 has other nullability and schema rules; convert it to 3.1 first)"
            if version.startswith("3.0")
            else ""
        )
        raise SpecInputError(f"{label} is OpenAPI {version}; oneroster-spec-diff compares OpenAPI 3.1 only{hint}")
    external = _external_refs(document)
    if external:
        raise SpecInputError(
            f"{label} has external $ref ({external[0]}{' and more' if len(external) > 1 else ''}); "
            "bundle the spec into one self-contained file first"
        )
    _validate(document, label)
    return LoadedSpec(label, text, document, line_map(text))


def _validate(document: dict[str, Any], label: str) -> None:
    # the `specdiff` extra pins it; the console script checks the extra before it gets here
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(document)
    except OpenAPIValidationError as exc:
        where = "/".join(str(part) for part in getattr(exc, "absolute_path", ()) or ())
        message = str(getattr(exc, "message", exc)).splitlines()[0]
        raise SpecInputError(
            f"{label} is not a valid OpenAPI 3.1 document: {message}{f' (at /{where})' if where else ''}"
        ) from None
    except Exception as exc:  # the validator's resolver errors (e.g. a $ref to nothing)
        raise SpecInputError(f"{label} is not a valid OpenAPI 3.1 document: {str(exc).splitlines()[0]}") from None
