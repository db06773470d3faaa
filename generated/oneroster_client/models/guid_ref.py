from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.guid_type import GUIDType, check_guid_type

T = TypeVar("T", bound="GUIDRef")


@_attrs_define
class GUIDRef:
    """Full reference as TimeBack returns it in a Class (href, sourcedId, type all required)."""

    href: str
    sourced_id: str
    type_: GUIDType
    """ Type of the object a GUIDRef points at: TimeBack's storage enum `guid_type` (TB-SQL). Its
    documented API types `type` as a free string; **Decision:** the storage enum is used so
    that garbage is caught. Expected in a Class: course `course`, school `org`, terms
    `academicSession` (`term` also allowed by TimeBack's enum), resources `resource`.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        href = self.href

        sourced_id = self.sourced_id

        type_: str = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "href": href,
                "sourcedId": sourced_id,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        href = d.pop("href")

        sourced_id = d.pop("sourcedId")

        type_ = check_guid_type(d.pop("type"))

        guid_ref = cls(
            href=href,
            sourced_id=sourced_id,
            type_=type_,
        )

        guid_ref.additional_properties = d
        return guid_ref

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
