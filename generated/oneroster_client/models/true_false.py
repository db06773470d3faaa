from typing import Literal

TrueFalse = Literal["false", "true"]

TRUE_FALSE_VALUES: set[TrueFalse] = {
    "false",
    "true",
}


def check_true_false(value: str) -> TrueFalse:
    if value in TRUE_FALSE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRUE_FALSE_VALUES!r}")
