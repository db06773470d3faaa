from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.record_status import RecordStatus, check_record_status
from ..models.score_status import ScoreStatus, check_score_status
from ..models.true_false import TrueFalse, check_true_false
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.learning_objective_score_set import LearningObjectiveScoreSet
    from ..models.metadata_type_0 import MetadataType0
    from ..models.sourced_id_ref import SourcedIdRef


T = TypeVar("T", bound="ResultInput")


@_attrs_define
class ResultInput:
    """A result as sent in a PUT. Required: lineItem, student, scoreStatus, scoreDate (as
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

    line_item: SourcedIdRef
    """ Reference by sourcedId only, as TimeBack writes it (TB-OCT). **Decision:** OneRoster 1.2
    requires a full GUIDRef (href, sourcedId, type) here; TimeBack's write schemas take only the
    sourcedId.
     """
    student: SourcedIdRef
    """ Reference by sourcedId only, as TimeBack writes it (TB-OCT). **Decision:** OneRoster 1.2
    requires a full GUIDRef (href, sourcedId, type) here; TimeBack's write schemas take only the
    sourcedId.
     """
    score_status: ScoreStatus
    """ Scoring state of a result. All five values of TB-OCT/TB-DEC and TB-SQL `score_status` (the
    seed example shows only "exempt"). **Decision:** a closed enum, as TimeBack's; OneRoster
    1.2 also allows `ext:` extension values, TimeBack does not.
     """
    score_date: datetime.datetime
    """ When the score was given. **Decision:** `date-time`, as TimeBack's schema and TB-SQL
    `timestamp` have it; OneRoster 1.2 uses a plain date.
     """
    sourced_id: str | Unset = UNSET
    """ Optional; must equal the path sourcedId (otherwise 422). """
    status: RecordStatus | Unset = UNSET
    """ Record status (TB-OCT, TB-SQL `status_type`). `tobedeleted` marks a soft delete. """
    date_last_modified: datetime.datetime | Unset = UNSET
    """ Ignored on input: the server sets it on every write. """
    metadata: MetadataType0 | None | Unset = UNSET
    """ Free-form extension data. **Decision:** nullable. TB-OCT/TB-DEC write `nullable: true`,
    which OpenAPI 3.1 ignores; the intent (and TB-MAY, and TB-SQL's jsonb default null) is a
    nullable object, written here as `type: [object, "null"]`.
     """
    class_: None | SourcedIdRef | Unset = UNSET
    """ The class the result belongs to; nullable (TB-OCT `[object, null]`, TB-SQL nullable FK). """
    score_scale: None | SourcedIdRef | Unset = UNSET
    """ The score scale; nullable (TB-OCT, TB-SQL). """
    score: float | None | Unset = UNSET
    """ No range is documented anywhere (TimeBack nor OneRoster 1.2); none is imposed. """
    text_score: None | str | Unset = UNSET
    comment: None | str | Unset = UNSET
    learning_objective_set: list[LearningObjectiveScoreSet] | None | Unset = UNSET
    in_progress: TrueFalse | Unset = UNSET
    """ A OneRoster TrueFalse flag sent as a string. **Decision:** TimeBack types these as free
    strings; OneRoster 1.2 intends the strings "true"/"false" (its YAML lists bare booleans by
    mistake); TB-SQL stores booleans. This contract uses the strings in both directions. A
    server that answers JSON booleans is reported (unverified on the live API).
     """
    incomplete: TrueFalse | Unset = UNSET
    """ A OneRoster TrueFalse flag sent as a string. **Decision:** TimeBack types these as free
    strings; OneRoster 1.2 intends the strings "true"/"false" (its YAML lists bare booleans by
    mistake); TB-SQL stores booleans. This contract uses the strings in both directions. A
    server that answers JSON booleans is reported (unverified on the live API).
     """
    late: TrueFalse | Unset = UNSET
    """ A OneRoster TrueFalse flag sent as a string. **Decision:** TimeBack types these as free
    strings; OneRoster 1.2 intends the strings "true"/"false" (its YAML lists bare booleans by
    mistake); TB-SQL stores booleans. This contract uses the strings in both directions. A
    server that answers JSON booleans is reported (unverified on the live API).
     """
    missing: TrueFalse | Unset = UNSET
    """ A OneRoster TrueFalse flag sent as a string. **Decision:** TimeBack types these as free
    strings; OneRoster 1.2 intends the strings "true"/"false" (its YAML lists bare booleans by
    mistake); TB-SQL stores booleans. This contract uses the strings in both directions. A
    server that answers JSON booleans is reported (unverified on the live API).
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.metadata_type_0 import MetadataType0  # noqa: PLC0415
        from ..models.sourced_id_ref import SourcedIdRef  # noqa: PLC0415

        line_item = self.line_item.to_dict()

        student = self.student.to_dict()

        score_status: str = self.score_status

        score_date = self.score_date.isoformat()

        sourced_id = self.sourced_id

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        date_last_modified: str | Unset = UNSET
        if not isinstance(self.date_last_modified, Unset):
            date_last_modified = self.date_last_modified.isoformat()

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, MetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        class_: dict[str, Any] | None | Unset
        if isinstance(self.class_, Unset):
            class_ = UNSET
        elif isinstance(self.class_, SourcedIdRef):
            class_ = self.class_.to_dict()
        else:
            class_ = self.class_

        score_scale: dict[str, Any] | None | Unset
        if isinstance(self.score_scale, Unset):
            score_scale = UNSET
        elif isinstance(self.score_scale, SourcedIdRef):
            score_scale = self.score_scale.to_dict()
        else:
            score_scale = self.score_scale

        score: float | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        else:
            score = self.score

        text_score: None | str | Unset
        if isinstance(self.text_score, Unset):
            text_score = UNSET
        else:
            text_score = self.text_score

        comment: None | str | Unset
        if isinstance(self.comment, Unset):
            comment = UNSET
        else:
            comment = self.comment

        learning_objective_set: list[dict[str, Any]] | None | Unset
        if isinstance(self.learning_objective_set, Unset):
            learning_objective_set = UNSET
        elif isinstance(self.learning_objective_set, list):
            learning_objective_set = []
            for learning_objective_set_type_0_item_data in self.learning_objective_set:
                learning_objective_set_type_0_item = learning_objective_set_type_0_item_data.to_dict()
                learning_objective_set.append(learning_objective_set_type_0_item)

        else:
            learning_objective_set = self.learning_objective_set

        in_progress: str | Unset = UNSET
        if not isinstance(self.in_progress, Unset):
            in_progress = self.in_progress

        incomplete: str | Unset = UNSET
        if not isinstance(self.incomplete, Unset):
            incomplete = self.incomplete

        late: str | Unset = UNSET
        if not isinstance(self.late, Unset):
            late = self.late

        missing: str | Unset = UNSET
        if not isinstance(self.missing, Unset):
            missing = self.missing

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "lineItem": line_item,
                "student": student,
                "scoreStatus": score_status,
                "scoreDate": score_date,
            }
        )
        if sourced_id is not UNSET:
            field_dict["sourcedId"] = sourced_id
        if status is not UNSET:
            field_dict["status"] = status
        if date_last_modified is not UNSET:
            field_dict["dateLastModified"] = date_last_modified
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if class_ is not UNSET:
            field_dict["class"] = class_
        if score_scale is not UNSET:
            field_dict["scoreScale"] = score_scale
        if score is not UNSET:
            field_dict["score"] = score
        if text_score is not UNSET:
            field_dict["textScore"] = text_score
        if comment is not UNSET:
            field_dict["comment"] = comment
        if learning_objective_set is not UNSET:
            field_dict["learningObjectiveSet"] = learning_objective_set
        if in_progress is not UNSET:
            field_dict["inProgress"] = in_progress
        if incomplete is not UNSET:
            field_dict["incomplete"] = incomplete
        if late is not UNSET:
            field_dict["late"] = late
        if missing is not UNSET:
            field_dict["missing"] = missing

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.learning_objective_score_set import LearningObjectiveScoreSet  # noqa: PLC0415
        from ..models.metadata_type_0 import MetadataType0  # noqa: PLC0415
        from ..models.sourced_id_ref import SourcedIdRef  # noqa: PLC0415

        d = dict(src_dict)
        line_item = SourcedIdRef.from_dict(d.pop("lineItem"))

        student = SourcedIdRef.from_dict(d.pop("student"))

        score_status = check_score_status(d.pop("scoreStatus"))

        score_date = datetime.datetime.fromisoformat(d.pop("scoreDate"))

        sourced_id = d.pop("sourcedId", UNSET)

        _status = d.pop("status", UNSET)
        status: RecordStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_record_status(_status)

        _date_last_modified = d.pop("dateLastModified", UNSET)
        date_last_modified: datetime.datetime | Unset
        if isinstance(_date_last_modified, Unset):
            date_last_modified = UNSET
        else:
            date_last_modified = datetime.datetime.fromisoformat(_date_last_modified)

        def _parse_metadata(data: object) -> MetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_metadata_type_0 = MetadataType0.from_dict(data)

                return componentsschemas_metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        def _parse_class_(data: object) -> None | SourcedIdRef | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                class_type_0 = SourcedIdRef.from_dict(data)

                return class_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SourcedIdRef | Unset, data)

        class_ = _parse_class_(d.pop("class", UNSET))

        def _parse_score_scale(data: object) -> None | SourcedIdRef | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                score_scale_type_0 = SourcedIdRef.from_dict(data)

                return score_scale_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SourcedIdRef | Unset, data)

        score_scale = _parse_score_scale(d.pop("scoreScale", UNSET))

        def _parse_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        score = _parse_score(d.pop("score", UNSET))

        def _parse_text_score(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text_score = _parse_text_score(d.pop("textScore", UNSET))

        def _parse_comment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        comment = _parse_comment(d.pop("comment", UNSET))

        def _parse_learning_objective_set(data: object) -> list[LearningObjectiveScoreSet] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                learning_objective_set_type_0 = []
                _learning_objective_set_type_0 = data
                for learning_objective_set_type_0_item_data in _learning_objective_set_type_0:
                    learning_objective_set_type_0_item = LearningObjectiveScoreSet.from_dict(
                        learning_objective_set_type_0_item_data
                    )

                    learning_objective_set_type_0.append(learning_objective_set_type_0_item)

                return learning_objective_set_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[LearningObjectiveScoreSet] | None | Unset, data)

        learning_objective_set = _parse_learning_objective_set(d.pop("learningObjectiveSet", UNSET))

        _in_progress = d.pop("inProgress", UNSET)
        in_progress: TrueFalse | Unset
        if isinstance(_in_progress, Unset):
            in_progress = UNSET
        else:
            in_progress = check_true_false(_in_progress)

        _incomplete = d.pop("incomplete", UNSET)
        incomplete: TrueFalse | Unset
        if isinstance(_incomplete, Unset):
            incomplete = UNSET
        else:
            incomplete = check_true_false(_incomplete)

        _late = d.pop("late", UNSET)
        late: TrueFalse | Unset
        if isinstance(_late, Unset):
            late = UNSET
        else:
            late = check_true_false(_late)

        _missing = d.pop("missing", UNSET)
        missing: TrueFalse | Unset
        if isinstance(_missing, Unset):
            missing = UNSET
        else:
            missing = check_true_false(_missing)

        result_input = cls(
            line_item=line_item,
            student=student,
            score_status=score_status,
            score_date=score_date,
            sourced_id=sourced_id,
            status=status,
            date_last_modified=date_last_modified,
            metadata=metadata,
            class_=class_,
            score_scale=score_scale,
            score=score,
            text_score=text_score,
            comment=comment,
            learning_objective_set=learning_objective_set,
            in_progress=in_progress,
            incomplete=incomplete,
            late=late,
            missing=missing,
        )

        result_input.additional_properties = d
        return result_input

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
