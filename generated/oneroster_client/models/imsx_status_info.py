from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.imsx_status_info_imsx_code_major import (
    ImsxStatusInfoImsxCodeMajor,
    check_imsx_status_info_imsx_code_major,
)
from ..models.imsx_status_info_imsx_severity import ImsxStatusInfoImsxSeverity, check_imsx_status_info_imsx_severity
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.imsx_code_minor import ImsxCodeMinor
    from ..models.imsx_status_info_imsx_error_details_item import ImsxStatusInfoImsxErrorDetailsItem


T = TypeVar("T", bound="ImsxStatusInfo")


@_attrs_define
class ImsxStatusInfo:
    """The error body of every documented error status (TB-OCT/TB-DEC: seven schemas of this one
    shape). **Decision:** required as TimeBack has it (codeMajor, severity, description,
    CodeMinor; OneRoster 1.2 requires only the first two); `imsx_codeMajor` and
    `imsx_severity` take OneRoster 1.2's enums, which include TimeBack's defaults;
    `imsx_error_details` is TimeBack's addition (OneRoster 1.2 forbids extra members).

    """

    imsx_code_major: ImsxStatusInfoImsxCodeMajor
    imsx_severity: ImsxStatusInfoImsxSeverity
    imsx_description: str
    imsx_code_minor: ImsxCodeMinor
    imsx_error_details: list[ImsxStatusInfoImsxErrorDetailsItem] | Unset = UNSET
    """ One string-to-string map per problem (TimeBack addition), e.g. field and message. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        imsx_code_major: str = self.imsx_code_major

        imsx_severity: str = self.imsx_severity

        imsx_description = self.imsx_description

        imsx_code_minor = self.imsx_code_minor.to_dict()

        imsx_error_details: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.imsx_error_details, Unset):
            imsx_error_details = []
            for imsx_error_details_item_data in self.imsx_error_details:
                imsx_error_details_item = imsx_error_details_item_data.to_dict()
                imsx_error_details.append(imsx_error_details_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "imsx_codeMajor": imsx_code_major,
                "imsx_severity": imsx_severity,
                "imsx_description": imsx_description,
                "imsx_CodeMinor": imsx_code_minor,
            }
        )
        if imsx_error_details is not UNSET:
            field_dict["imsx_error_details"] = imsx_error_details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.imsx_code_minor import ImsxCodeMinor  # noqa: PLC0415
        from ..models.imsx_status_info_imsx_error_details_item import ImsxStatusInfoImsxErrorDetailsItem  # noqa: PLC0415

        d = dict(src_dict)
        imsx_code_major = check_imsx_status_info_imsx_code_major(d.pop("imsx_codeMajor"))

        imsx_severity = check_imsx_status_info_imsx_severity(d.pop("imsx_severity"))

        imsx_description = d.pop("imsx_description")

        imsx_code_minor = ImsxCodeMinor.from_dict(d.pop("imsx_CodeMinor"))

        _imsx_error_details = d.pop("imsx_error_details", UNSET)
        imsx_error_details: list[ImsxStatusInfoImsxErrorDetailsItem] | Unset = UNSET
        if _imsx_error_details is not UNSET:
            imsx_error_details = []
            for imsx_error_details_item_data in _imsx_error_details:
                imsx_error_details_item = ImsxStatusInfoImsxErrorDetailsItem.from_dict(imsx_error_details_item_data)

                imsx_error_details.append(imsx_error_details_item)

        imsx_status_info = cls(
            imsx_code_major=imsx_code_major,
            imsx_severity=imsx_severity,
            imsx_description=imsx_description,
            imsx_code_minor=imsx_code_minor,
            imsx_error_details=imsx_error_details,
        )

        imsx_status_info.additional_properties = d
        return imsx_status_info

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
