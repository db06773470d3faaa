from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.result_input import ResultInput


T = TypeVar("T", bound="PutResultRequest")


@_attrs_define
class PutResultRequest:
    result: ResultInput
    """ A result as sent in a PUT. Required: lineItem, student, scoreStatus, scoreDate (as
    TimeBack's `Result`, TB-OCT, TB-DEC). **Decision (`status`, changed in 1.1.0):** optional,
    default `active`: a result sent without `status` is stored and answered with `"status":
    "active"`. 1.0.0 required it, as TimeBack's schemas do; the evidence against: one TimeBack
    doc example omits it, TimeBack's storage defaults it to `active` (TB-SQL), `timeback`
    0.3.0 defaults it to `active` client-side, and Google Classroom's OneRoster 1.2 tests send
    none (every one of their PUTs was a 422 under 1.0.0). Under this reading every known client
    interoperates, and a server following TimeBack's stricter schema still accepts everything
    the kit's SDK sends, because the SDK always sends `status` (`active` when the caller gives
    none). `dateLastModified` may be sent (the seed example shows it) but is ignored: the
    server sets it. Unknown members are allowed and ignored.
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
        from ..models.result_input import ResultInput  # noqa: PLC0415

        d = dict(src_dict)
        result = ResultInput.from_dict(d.pop("result"))

        put_result_request = cls(
            result=result,
        )

        put_result_request.additional_properties = d
        return put_result_request

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
