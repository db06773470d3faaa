from typing import Literal

ImsxCodeMinorFieldImsxCodeMinorFieldValue = Literal[
    "deletefailure",
    "forbidden",
    "fullsuccess",
    "internal_server_error",
    "invalid_filter_field",
    "invalid_selection_field",
    "invaliddata",
    "server_busy",
    "unauthorisedrequest",
    "unknownobject",
]

IMSX_CODE_MINOR_FIELD_IMSX_CODE_MINOR_FIELD_VALUE_VALUES: set[ImsxCodeMinorFieldImsxCodeMinorFieldValue] = {
    "deletefailure",
    "forbidden",
    "fullsuccess",
    "internal_server_error",
    "invalid_filter_field",
    "invalid_selection_field",
    "invaliddata",
    "server_busy",
    "unauthorisedrequest",
    "unknownobject",
}


def check_imsx_code_minor_field_imsx_code_minor_field_value(value: str) -> ImsxCodeMinorFieldImsxCodeMinorFieldValue:
    if value in IMSX_CODE_MINOR_FIELD_IMSX_CODE_MINOR_FIELD_VALUE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IMSX_CODE_MINOR_FIELD_IMSX_CODE_MINOR_FIELD_VALUE_VALUES!r}"
    )
