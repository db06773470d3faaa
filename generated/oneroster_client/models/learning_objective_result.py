from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LearningObjectiveResult")


@_attrs_define
class LearningObjectiveResult:
    learning_objective_id: str
    score: float | Unset = UNSET
    text_score: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        learning_objective_id = self.learning_objective_id

        score = self.score

        text_score = self.text_score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "learningObjectiveId": learning_objective_id,
            }
        )
        if score is not UNSET:
            field_dict["score"] = score
        if text_score is not UNSET:
            field_dict["textScore"] = text_score

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        learning_objective_id = d.pop("learningObjectiveId")

        score = d.pop("score", UNSET)

        text_score = d.pop("textScore", UNSET)

        learning_objective_result = cls(
            learning_objective_id=learning_objective_id,
            score=score,
            text_score=text_score,
        )

        learning_objective_result.additional_properties = d
        return learning_objective_result

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
