"""Validate `openapi.yaml` with openapi-spec-validator, then enforce the project's own rules.

Rules (each problem is printed as `RULE at LOCATION: message`):
  operation-fields   every operation has operationId, summary, description, tags
  request-example    every request body media type has an example, valid against its schema
  response-schema    every documented status has an application/json schema
  response-example   every response media type has an example, valid against its schema
  enum-strings       every enum value is a *quoted* YAML string (unquoted 08 becomes an int and
                     made the generator silently drop a whole operation)
  no-nullable        `nullable` (an OpenAPI 3.0 keyword that 3.1 ignores) never appears; use
                     `type: [X, "null"]`

    python scripts/lint_spec.py [SPEC]
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from oneroster_kit.contract import resolve

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _resolve(document: dict[str, Any], node: Any) -> Any:
    return resolve(document.get("components", {}), node)


def _examples(document: dict[str, Any], media: dict[str, Any]) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    if "example" in media:
        found.append(("example", media["example"]))
    for name, example in (media.get("examples") or {}).items():
        found.append((name, _resolve(document, example).get("value")))
    return found


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    # Carry the document's components beside the schema so `#/components/...` refs resolve.
    rooted = {**schema, "components": document.get("components", {})}
    return jsonschema.Draft202012Validator(rooted, format_checker=jsonschema.FormatChecker())


def _check_media(document: dict[str, Any], where: str, content: dict[str, Any], rule: str) -> Iterator[str]:
    media = content.get("application/json")
    if media is None or "schema" not in media:
        yield f"response-schema at {where}: no application/json schema"
        return
    examples = _examples(document, media)
    if not examples:
        yield f"{rule} at {where}: no example"
    validator = _validator(document, media["schema"])
    for name, value in examples:
        for error in validator.iter_errors(value):
            path = "/".join(str(p) for p in error.absolute_path) or "(root)"
            yield f"{rule} at {where} example '{name}' {path}: {error.message}"


def check_operations(document: dict[str, Any]) -> Iterator[str]:
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            where = f"{method.upper()} {path}"
            for key in ("operationId", "summary", "description", "tags"):
                if not operation.get(key):
                    yield f"operation-fields at {where}: missing {key}"
            body = _resolve(document, operation.get("requestBody"))
            if body:
                yield from _check_media(document, f"{where} request", body.get("content", {}), "request-example")
            for status, response in operation.get("responses", {}).items():
                response = _resolve(document, response)
                yield from _check_media(document, f"{where} {status}", response.get("content", {}), "response-example")


def _walk_nodes(node: yaml.Node, trail: str) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = getattr(key, "value", "?")
            yield f"{trail}/{name}", key, value
            yield from _walk_nodes(value, f"{trail}/{name}")
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            yield from _walk_nodes(value, f"{trail}/{index}")


def check_source(text: str) -> Iterator[str]:
    root = yaml.compose(text)
    if root is None:
        return
    for trail, key, value in _walk_nodes(root, ""):
        if key.value == "nullable":
            yield f'no-nullable at {trail} (line {key.start_mark.line + 1}): use type: [X, "null"]'
        if key.value == "enum" and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                if not isinstance(item, yaml.ScalarNode) or item.style not in ('"', "'"):
                    shown = getattr(item, "value", item)
                    yield f"enum-strings at {trail} (line {item.start_mark.line + 1}): {shown!r} is not a quoted string"


def lint(spec: Path) -> list[str]:
    problems: list[str] = []
    try:
        document, _ = read_from_filename(str(spec))
    except (OSError, yaml.YAMLError) as exc:
        return [f"unreadable: {exc}"]
    try:
        validate(document)
    except Exception as exc:  # the validator's own error types vary by version; report any
        problems.append(f"openapi-spec-validator: {exc}")
    problems += check_source(spec.read_text(encoding="utf-8"))
    problems += check_operations(yaml.safe_load(spec.read_text(encoding="utf-8")))
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spec = Path(args[0]) if args else ROOT / "openapi.yaml"
    problems = lint(spec)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{spec}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{spec}: valid OpenAPI 3.1 and passes the project's rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
