from typing import Literal

GUIDType = Literal[
    "academicSession",
    "assessmentLineItem",
    "category",
    "class",
    "componentResource",
    "course",
    "courseComponent",
    "demographics",
    "enrollment",
    "gradingPeriod",
    "lineItem",
    "org",
    "resource",
    "result",
    "scoreScale",
    "student",
    "teacher",
    "term",
    "user",
]

GUID_TYPE_VALUES: set[GUIDType] = {
    "academicSession",
    "assessmentLineItem",
    "category",
    "class",
    "componentResource",
    "course",
    "courseComponent",
    "demographics",
    "enrollment",
    "gradingPeriod",
    "lineItem",
    "org",
    "resource",
    "result",
    "scoreScale",
    "student",
    "teacher",
    "term",
    "user",
}


def check_guid_type(value: str) -> GUIDType:
    if value in GUID_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GUID_TYPE_VALUES!r}")
