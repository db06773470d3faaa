"""What the generated client does TODAY with a missing required field or a value outside an enum.

One row per (body schema, field, kind) that `field_cases()` (tests/support/field_cases.py) finds in openapi.yaml; the
statuses that share a body schema share its row (every error status answers `ImsxStatusInfo`).
The outcome is that of the generated `Model.from_dict` on the broken body, which is also what
`sync_detailed` does with a broken response (the exception propagates raw, nothing wraps it):

- `KEY_ERROR`: `KeyError` whose only argument is the missing field's JSON name.
- `ENUM_ERROR`: `TypeError("Unexpected value <value!r>. Expected one of <set of the enum's values>")`
  from the literal-enum check (`check_<enum>()`).
- `raw("<path>")`: no error at all. The member at `<path>` is a `oneOf`/nullable member whose
  parser tries the model and, on any error, keeps the plain JSON (dict or list) instead; the
  model's field holds that dict/list although its type says model-or-None, and `to_dict()` writes
  it back unchanged, so a broken request body is sent as it is.
- `raw_list("<path>")`: as `raw`, for a nullable array of models: the whole list is kept as plain
  dicts, but `to_dict()` then calls `.to_dict()` on each item and raises
  `AttributeError("'dict' object has no attribute 'to_dict'")`: such a parsed model cannot be
  written back, and a request built from it is never sent.

A new required field or enum in the spec fails `test_every_required_field_and_enum_has_a_row`
until its row is added here; a row whose field left the spec fails it too.
Another layer (the hand-written SDK, `oneroster_kit.sdk`) can import `FROM_DICT` to know which
cases the raw layer lets through silently.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ENUM_ERROR",
    "FROM_DICT",
    "KEY_ERROR",
    "KeptRaw",
    "Outcome",
    "RaisesEnumError",
    "RaisesKeyError",
    "raw",
    "raw_list",
]


@dataclass(frozen=True)
class RaisesKeyError:
    """`KeyError(<missing field's JSON name>)`."""


@dataclass(frozen=True)
class RaisesEnumError:
    """`TypeError("Unexpected value <value!r>. Expected one of {...}")` naming the enum's values."""


@dataclass(frozen=True)
class KeptRaw:
    """Silently accepted: the value at JSON path `at` stays plain JSON instead of a model."""

    at: str
    writes_back: bool = True  # False: `to_dict()` raises AttributeError on the plain items


Outcome = RaisesKeyError | RaisesEnumError | KeptRaw

KEY_ERROR = RaisesKeyError()
ENUM_ERROR = RaisesEnumError()


def raw(at: str) -> KeptRaw:
    return KeptRaw(at)


def raw_list(at: str) -> KeptRaw:
    return KeptRaw(at, writes_back=False)


# fmt: off
FROM_DICT: dict[tuple[str, str, str], Outcome] = {
    # ---- putResult request body -------------------------------------------------------------
    ("PutResultRequest", "result", "required"):                                    KEY_ERROR,
    ("PutResultRequest", "result.status", "enum"):                                 ENUM_ERROR,
    ("PutResultRequest", "result.lineItem", "required"):                           KEY_ERROR,
    ("PutResultRequest", "result.lineItem.sourcedId", "required"):                 KEY_ERROR,
    ("PutResultRequest", "result.student", "required"):                            KEY_ERROR,
    ("PutResultRequest", "result.student.sourcedId", "required"):                  KEY_ERROR,
    ("PutResultRequest", "result.class.sourcedId", "required"):                    raw("result.class"),
    ("PutResultRequest", "result.scoreScale.sourcedId", "required"):               raw("result.scoreScale"),
    ("PutResultRequest", "result.scoreStatus", "required"):                        KEY_ERROR,
    ("PutResultRequest", "result.scoreStatus", "enum"):                            ENUM_ERROR,
    ("PutResultRequest", "result.scoreDate", "required"):                          KEY_ERROR,
    ("PutResultRequest", "result.learningObjectiveSet[].source", "required"):
        raw_list("result.learningObjectiveSet"),
    ("PutResultRequest", "result.learningObjectiveSet[].learningObjectiveResults", "required"):
        raw_list("result.learningObjectiveSet"),
    ("PutResultRequest", "result.learningObjectiveSet[].learningObjectiveResults[].learningObjectiveId", "required"):
        raw_list("result.learningObjectiveSet"),
    ("PutResultRequest", "result.inProgress", "enum"):                             ENUM_ERROR,
    ("PutResultRequest", "result.incomplete", "enum"):                             ENUM_ERROR,
    ("PutResultRequest", "result.late", "enum"):                                   ENUM_ERROR,
    ("PutResultRequest", "result.missing", "enum"):                                ENUM_ERROR,
    # ---- putResult 200/201 response body ----------------------------------------------------
    ("PutResultResponse", "result", "required"):                                   KEY_ERROR,
    ("PutResultResponse", "result.sourcedId", "required"):                         KEY_ERROR,
    ("PutResultResponse", "result.status", "required"):                            KEY_ERROR,
    ("PutResultResponse", "result.status", "enum"):                                ENUM_ERROR,
    ("PutResultResponse", "result.dateLastModified", "required"):                  KEY_ERROR,
    ("PutResultResponse", "result.lineItem", "required"):                          KEY_ERROR,
    ("PutResultResponse", "result.lineItem.sourcedId", "required"):                KEY_ERROR,
    ("PutResultResponse", "result.student", "required"):                           KEY_ERROR,
    ("PutResultResponse", "result.student.sourcedId", "required"):                 KEY_ERROR,
    ("PutResultResponse", "result.class.sourcedId", "required"):                   raw("result.class"),
    ("PutResultResponse", "result.scoreScale.sourcedId", "required"):              raw("result.scoreScale"),
    ("PutResultResponse", "result.scoreStatus", "required"):                       KEY_ERROR,
    ("PutResultResponse", "result.scoreStatus", "enum"):                           ENUM_ERROR,
    ("PutResultResponse", "result.scoreDate", "required"):                         KEY_ERROR,
    ("PutResultResponse", "result.learningObjectiveSet[].source", "required"):
        raw_list("result.learningObjectiveSet"),
    ("PutResultResponse", "result.learningObjectiveSet[].learningObjectiveResults", "required"):
        raw_list("result.learningObjectiveSet"),
    ("PutResultResponse", "result.learningObjectiveSet[].learningObjectiveResults[].learningObjectiveId", "required"):
        raw_list("result.learningObjectiveSet"),
    ("PutResultResponse", "result.inProgress", "enum"):                            ENUM_ERROR,
    ("PutResultResponse", "result.incomplete", "enum"):                            ENUM_ERROR,
    ("PutResultResponse", "result.late", "enum"):                                  ENUM_ERROR,
    ("PutResultResponse", "result.missing", "enum"):                               ENUM_ERROR,
    # ---- updateClass request body -----------------------------------------------------------
    ("PutClassRequest", "class", "required"):                                      KEY_ERROR,
    ("PutClassRequest", "class.status", "enum"):                                   ENUM_ERROR,
    ("PutClassRequest", "class.classType", "enum"):                                ENUM_ERROR,
    ("PutClassRequest", "class.grades[]", "enum"):                                 ENUM_ERROR,
    ("PutClassRequest", "class.subjects[]", "enum"):                               ENUM_ERROR,
    ("PutClassRequest", "class.resources[].sourcedId", "required"):                KEY_ERROR,
    ("PutClassRequest", "class.terms[].sourcedId", "required"):                    KEY_ERROR,
    # ---- updateClass 200 response body (a bare Class) ---------------------------------------
    ("Class", "sourcedId", "required"):                                            KEY_ERROR,
    ("Class", "status", "required"):                                               KEY_ERROR,
    ("Class", "status", "enum"):                                                   ENUM_ERROR,
    ("Class", "dateLastModified", "required"):                                     KEY_ERROR,
    ("Class", "title", "required"):                                                KEY_ERROR,
    ("Class", "classCode", "required"):                                            KEY_ERROR,
    ("Class", "classType", "required"):                                            KEY_ERROR,
    ("Class", "classType", "enum"):                                                ENUM_ERROR,
    ("Class", "location", "required"):                                             KEY_ERROR,
    ("Class", "course", "required"):                                               KEY_ERROR,
    ("Class", "course.href", "required"):                                          raw("course"),
    ("Class", "course.sourcedId", "required"):                                     raw("course"),
    ("Class", "course.type", "required"):                                          raw("course"),
    ("Class", "course.type", "enum"):                                              raw("course"),
    ("Class", "school", "required"):                                               KEY_ERROR,
    ("Class", "school.href", "required"):                                          raw("school"),
    ("Class", "school.sourcedId", "required"):                                     raw("school"),
    ("Class", "school.type", "required"):                                          raw("school"),
    ("Class", "school.type", "enum"):                                              raw("school"),
    ("Class", "terms", "required"):                                                KEY_ERROR,
    ("Class", "terms[].href", "required"):                                         KEY_ERROR,
    ("Class", "terms[].sourcedId", "required"):                                    KEY_ERROR,
    ("Class", "terms[].type", "required"):                                         KEY_ERROR,
    ("Class", "terms[].type", "enum"):                                             ENUM_ERROR,
    ("Class", "grades[]", "enum"):                                                 ENUM_ERROR,
    ("Class", "subjects[]", "enum"):                                               ENUM_ERROR,
    ("Class", "resources[].href", "required"):                                     KEY_ERROR,
    ("Class", "resources[].sourcedId", "required"):                                KEY_ERROR,
    ("Class", "resources[].type", "required"):                                     KEY_ERROR,
    ("Class", "resources[].type", "enum"):                                         ENUM_ERROR,
    # ---- every error status of both operations (400 401 403 404 413 422 429 500) ------------
    ("ImsxStatusInfo", "imsx_codeMajor", "required"):                              KEY_ERROR,
    ("ImsxStatusInfo", "imsx_codeMajor", "enum"):                                  ENUM_ERROR,
    ("ImsxStatusInfo", "imsx_severity", "required"):                               KEY_ERROR,
    ("ImsxStatusInfo", "imsx_severity", "enum"):                                   ENUM_ERROR,
    ("ImsxStatusInfo", "imsx_description", "required"):                            KEY_ERROR,
    ("ImsxStatusInfo", "imsx_CodeMinor", "required"):                              KEY_ERROR,
    ("ImsxStatusInfo", "imsx_CodeMinor.imsx_codeMinorField", "required"):          KEY_ERROR,
    ("ImsxStatusInfo", "imsx_CodeMinor.imsx_codeMinorField[].imsx_codeMinorFieldName", "required"):  KEY_ERROR,
    ("ImsxStatusInfo", "imsx_CodeMinor.imsx_codeMinorField[].imsx_codeMinorFieldValue", "required"): KEY_ERROR,
    ("ImsxStatusInfo", "imsx_CodeMinor.imsx_codeMinorField[].imsx_codeMinorFieldValue", "enum"):     ENUM_ERROR,
}
# fmt: on
