from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.learning_objective_result import LearningObjectiveResult


T = TypeVar("T", bound="LearningObjectiveScoreSet")


@_attrs_define
class LearningObjectiveScoreSet:
    """Scores against one source's learning objectives. **Decision:** the items key is
    `learningObjectiveResults` (TB-OCT onwards, and OneRoster 1.2), not TB-MAY's
    `learningObjectiveIds`. OneRoster 1.2's `source` vocabulary and `minItems: 1` are not
    imposed: TimeBack documents neither.

    """

    source: str
    learning_objective_results: list[LearningObjectiveResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source = self.source

        learning_objective_results = []
        for learning_objective_results_item_data in self.learning_objective_results:
            learning_objective_results_item = learning_objective_results_item_data.to_dict()
            learning_objective_results.append(learning_objective_results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source": source,
                "learningObjectiveResults": learning_objective_results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.learning_objective_result import LearningObjectiveResult  # noqa: PLC0415

        d = dict(src_dict)
        source = d.pop("source")

        learning_objective_results = []
        _learning_objective_results = d.pop("learningObjectiveResults")
        for learning_objective_results_item_data in _learning_objective_results:
            learning_objective_results_item = LearningObjectiveResult.from_dict(learning_objective_results_item_data)

            learning_objective_results.append(learning_objective_results_item)

        learning_objective_score_set = cls(
            source=source,
            learning_objective_results=learning_objective_results,
        )

        learning_objective_score_set.additional_properties = d
        return learning_objective_score_set

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
