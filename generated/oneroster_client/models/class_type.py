from typing import Literal

ClassType = Literal["homeroom", "scheduled"]

CLASS_TYPE_VALUES: set[ClassType] = {
    "homeroom",
    "scheduled",
}


def check_class_type(value: str) -> ClassType:
    if value in CLASS_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CLASS_TYPE_VALUES!r}")
