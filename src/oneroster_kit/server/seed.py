"""Seed data: the orgs, terms, courses and classes a fresh database starts with.

The committed fixture is `seed.json` next to this module; `--seed FILE` names another file of the
same shape. Classes name their course, school and terms by sourcedId; every reference must point
at an object of the right kind in the same file, and every class, once its references are
expanded to GUIDRefs, must be a valid `Class` of the spec (checked with the spec's own validator).
Any problem raises `SeedError` naming the file, the entry and the rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oneroster_kit.contract import Contract, default_contract
from oneroster_kit.server.documents import guid_ref
from oneroster_kit.server.jsondoc import BodyError, encode, parse_body

__all__ = ["DEFAULT_SEED", "Seed", "SeedError", "load_seed"]

DEFAULT_SEED = Path(__file__).resolve().parent / "seed.json"

_KINDS = ("orgs", "terms", "courses", "classes")
_NAMED_BY = {"orgs": "name", "terms": "title", "courses": "title", "classes": "title"}
_CLASS_MEMBERS = {
    "sourcedId", "status", "title", "classCode", "classType", "location", "course", "school", "terms",
    "grades", "subjects", "subjectCodes", "periods", "resources", "metadata",
}  # fmt: skip


class SeedError(ValueError):
    """The seed file cannot be loaded; the message names the entry and the rule."""


@dataclass(frozen=True)
class Seed:
    """Objects to store: (kind, sourcedId, JSON text) for orgs/terms/courses, and class documents."""

    objects: list[tuple[str, str, str]]
    classes: list[tuple[str, dict[str, Any]]]  # sourcedId, class document without dateLastModified


def load_seed(path: Path, contract: Contract | None = None) -> Seed:
    """The seed file at `path`, each class checked against the spec's updateClass answer (`contract`, default
    the spec in use)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SeedError(f"seed {path}: cannot read the file: {error.strerror}") from None
    try:
        document = parse_body(raw)
    except BodyError as error:
        raise SeedError(f"seed {path}: {str(error).replace('Request body', 'the file')}") from None
    try:
        return _build(document, default_contract() if contract is None else contract)
    except SeedError as error:
        raise SeedError(f"seed {path}: {error}") from None


def _build(document: Any, contract: Contract) -> Seed:
    if not isinstance(document, dict):
        raise SeedError("the top level must be a JSON object with " + ", ".join(_KINDS))
    unknown = sorted(set(document) - set(_KINDS))
    if unknown:
        raise SeedError(f"unknown top-level member(s) {unknown}; expected {list(_KINDS)}")
    ids: dict[str, dict[str, dict[str, Any]]] = {}
    for kind in _KINDS:
        entries = document.get(kind, [])
        if not isinstance(entries, list):
            raise SeedError(f"{kind}: must be an array")
        ids[kind] = {}
        for index, entry in enumerate(entries):
            where = f"{kind}[{index}]"
            if not isinstance(entry, dict):
                raise SeedError(f"{where}: must be an object")
            sourced_id = entry.get("sourcedId")
            if not isinstance(sourced_id, str) or not sourced_id:
                raise SeedError(f"{where}.sourcedId: a non-empty string is required")
            if sourced_id in ids[kind]:
                raise SeedError(f"{where}.sourcedId: {sourced_id!r} appears twice in {kind}")
            if not isinstance(entry.get(_NAMED_BY[kind]), str):
                raise SeedError(f"{where}.{_NAMED_BY[kind]}: a string is required")
            ids[kind][sourced_id] = entry
    if not ids["classes"]:
        raise SeedError("classes: at least one class is required")

    def reference(where: str, value: Any, kind: str) -> str:
        if not isinstance(value, str) or value not in ids[kind]:
            raise SeedError(f"{where}: {value!r} is not the sourcedId of one of the {kind} in the seed")
        return value

    for index, course in enumerate(document.get("courses", [])):
        if "school" in course:
            reference(f"courses[{index}].school", course["school"], "orgs")

    validator = contract.operation("updateClass").response_validator(200)
    assert validator is not None  # the spec documents the 200 body of updateClass
    classes: list[tuple[str, dict[str, Any]]] = []
    for index, entry in enumerate(document["classes"]):
        where = f"classes[{index}]"
        unknown = sorted(set(entry) - _CLASS_MEMBERS)
        if unknown:
            raise SeedError(f"{where}: unknown member(s) {unknown}")
        for required in ("course", "school", "terms"):
            if required not in entry:
                raise SeedError(f"{where}.{required}: required (classes have complete references)")
        if not isinstance(entry["terms"], list):
            raise SeedError(f"{where}.terms: must be an array of term sourcedIds")
        resources = entry.get("resources", [])
        if not isinstance(resources, list) or not all(isinstance(item, str) and item for item in resources):
            raise SeedError(f"{where}.resources: must be an array of resource sourcedIds")
        built: dict[str, Any] = {"status": "active", **entry}
        built["course"] = guid_ref("course", reference(f"{where}.course", entry["course"], "courses"))
        built["school"] = guid_ref("school", reference(f"{where}.school", entry["school"], "orgs"))
        built["terms"] = [
            guid_ref("term", reference(f"{where}.terms[{n}]", term, "terms")) for n, term in enumerate(entry["terms"])
        ]
        built["resources"] = [guid_ref("resource", item) for item in resources]
        check = json.loads(encode({**built, "dateLastModified": "2026-01-01T00:00:00.000Z"}))
        for ref in [check["course"], check["school"], *check["terms"], *check["resources"]]:
            ref["href"] = "https://seed.invalid" + ref["href"]
        violations = validator.violations(check)
        if violations:
            raise SeedError(f"{where}: not a valid Class: " + "; ".join(map(str, violations)))
        classes.append((entry["sourcedId"], built))
    objects = [(kind, sourced_id, encode(entry)) for kind in _KINDS[:3] for sourced_id, entry in ids[kind].items()]
    return Seed(objects, classes)
