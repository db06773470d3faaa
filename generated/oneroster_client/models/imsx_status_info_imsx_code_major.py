from typing import Literal

ImsxStatusInfoImsxCodeMajor = Literal["failure", "processing", "success", "unsupported"]

IMSX_STATUS_INFO_IMSX_CODE_MAJOR_VALUES: set[ImsxStatusInfoImsxCodeMajor] = {
    "failure",
    "processing",
    "success",
    "unsupported",
}


def check_imsx_status_info_imsx_code_major(value: str) -> ImsxStatusInfoImsxCodeMajor:
    if value in IMSX_STATUS_INFO_IMSX_CODE_MAJOR_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {IMSX_STATUS_INFO_IMSX_CODE_MAJOR_VALUES!r}")
