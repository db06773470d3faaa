from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.imsx_code_minor_field_imsx_code_minor_field_value import (
    ImsxCodeMinorFieldImsxCodeMinorFieldValue,
    check_imsx_code_minor_field_imsx_code_minor_field_value,
)

T = TypeVar("T", bound="ImsxCodeMinorField")


@_attrs_define
class ImsxCodeMinorField:
    imsx_code_minor_field_name: str
    """ Usually `TargetEndSystem` (TimeBack's default). """
    imsx_code_minor_field_value: ImsxCodeMinorFieldImsxCodeMinorFieldValue
    """ **Decision:** OneRoster 1.2's vocabulary; TimeBack types it as a free string but every
    default it documents is one of these.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        imsx_code_minor_field_name = self.imsx_code_minor_field_name

        imsx_code_minor_field_value: str = self.imsx_code_minor_field_value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "imsx_codeMinorFieldName": imsx_code_minor_field_name,
                "imsx_codeMinorFieldValue": imsx_code_minor_field_value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        imsx_code_minor_field_name = d.pop("imsx_codeMinorFieldName")

        imsx_code_minor_field_value = check_imsx_code_minor_field_imsx_code_minor_field_value(
            d.pop("imsx_codeMinorFieldValue")
        )

        imsx_code_minor_field = cls(
            imsx_code_minor_field_name=imsx_code_minor_field_name,
            imsx_code_minor_field_value=imsx_code_minor_field_value,
        )

        imsx_code_minor_field.additional_properties = d
        return imsx_code_minor_field

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
