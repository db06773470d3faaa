from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.result import Result


T = TypeVar("T", bound="PutResultResponse")


@_attrs_define
class PutResultResponse:
    result: Result
    """ A result as the server returns it: every field that was sent, equal, plus the server-set
    ones. **Decision:** `sourcedId` (the path id) and `dateLastModified` are required in a
    response although TimeBack's `Result` marks them optional: the server always has them
    (TB-SQL NOT NULL, default now()), and a client needs them.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result = self.result.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "result": result,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.result import Result  # noqa: PLC0415

        d = dict(src_dict)
        result = Result.from_dict(d.pop("result"))

        put_result_response = cls(
            result=result,
        )

        put_result_response.additional_properties = d
        return put_result_response

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
