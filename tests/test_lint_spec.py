"""openapi.yaml passes openapi-spec-validator and the project's own rules; each rule really bites."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"


def lint(spec: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, ROOT / "scripts" / "lint_spec.py", str(spec)], capture_output=True, text=True, check=False
    )


def test_the_spec_passes() -> None:
    result = lint(SPEC)
    assert result.returncode == 0, result.stderr
    assert "passes the project's rules" in result.stdout


RESULT_OP = "PUT /ims/oneroster/gradebook/v1p2/results/{sourcedId}"
CLASS_OP = "PUT /ims/oneroster/rostering/v1p2/classes/{sourcedId}"
NULLABLE_BEFORE = '        textScore:\n          type: ["string", "null"]\n'
NULLABLE_AFTER = '        textScore:\n          type: "string"\n          nullable: true\n'
MUTATIONS = {
    "unquoted-enum": (
        '"fully graded", "not submitted"',
        'fully graded, "not submitted"',
        "enum-strings at /components/schemas/ScoreStatus/enum",
    ),
    "unquoted-08": ('"7", "8", "9"', '"7", 08, "9"', "enum-strings at /components/schemas/Grade/enum"),
    "nullable": (
        NULLABLE_BEFORE,
        NULLABLE_AFTER,
        "no-nullable at /components/schemas/ResultInput/properties/textScore",
    ),
    "summary": ('      summary: "Update a class"\n', "", f"operation-fields at {CLASS_OP}: missing summary"),
    "operationId": ('      operationId: "putResult"\n', "", f"operation-fields at {RESULT_OP}: missing operationId"),
    "request-example": ("score: 87.5", 'score: "high"', f"request-example at {RESULT_OP} request example 'graded'"),
    "response-example": (
        'sourcedId: "class-alg1-p1"\n                    status: "active"',
        'sourcedId: "class-alg1-p1"\n                    status: "archived"',
        f"response-example at {CLASS_OP} 200 example 'updated' status",
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), list(MUTATIONS.values()), ids=list(MUTATIONS))
def test_each_rule_is_enforced(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert old in text, "the mutation no longer applies to openapi.yaml; update the test"
    broken = tmp_path / "openapi.yaml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")

    result = lint(broken)

    assert result.returncode == 1
    assert expected in result.stderr


def test_a_status_without_schema_is_reported(tmp_path: Path) -> None:
    text = SPEC.read_text(encoding="utf-8")
    old = '        "429":\n          $ref: "#/components/responses/TooManyRequests"\n'
    assert old in text
    broken = tmp_path / "openapi.yaml"
    broken.write_text(text.replace(old, '        "429":\n          description: "Too many"\n', 1), encoding="utf-8")

    result = lint(broken)

    assert result.returncode == 1
    assert "response-schema at PUT /ims/oneroster/gradebook/v1p2/results/{sourcedId} 429" in result.stderr


def test_an_invalid_document_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "openapi.yaml"
    broken.write_text(SPEC.read_text(encoding="utf-8").replace('openapi: "3.1.0"', 'openapi: "3.1.0"\nbogus: 1', 1))

    result = lint(broken)

    assert result.returncode == 1
    assert "openapi-spec-validator" in result.stderr
