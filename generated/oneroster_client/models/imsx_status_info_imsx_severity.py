from typing import Literal

ImsxStatusInfoImsxSeverity = Literal["error", "status", "warning"]

IMSX_STATUS_INFO_IMSX_SEVERITY_VALUES: set[ImsxStatusInfoImsxSeverity] = {
    "error",
    "status",
    "warning",
}


def check_imsx_status_info_imsx_severity(value: str) -> ImsxStatusInfoImsxSeverity:
    if value in IMSX_STATUS_INFO_IMSX_SEVERITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {IMSX_STATUS_INFO_IMSX_SEVERITY_VALUES!r}")
