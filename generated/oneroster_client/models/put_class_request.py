from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.class_update import ClassUpdate


T = TypeVar("T", bound="PutClassRequest")


@_attrs_define
class PutClassRequest:
    class_: ClassUpdate
    """ The fields of a class that a PUT may change; all optional (partial update). TB-OCT/TB-DEC
    inline schema. `classCode`, `location` and `metadata` may be null (TB-OCT onwards; TB-MAY
    had them non-null).
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        class_ = self.class_.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "class": class_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.class_update import ClassUpdate  # noqa: PLC0415

        d = dict(src_dict)
        class_ = ClassUpdate.from_dict(d.pop("class"))

        put_class_request = cls(
            class_=class_,
        )

        put_class_request.additional_properties = d
        return put_class_request

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
