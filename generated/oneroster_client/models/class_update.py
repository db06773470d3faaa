from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.class_type import ClassType, check_class_type
from ..models.grade import Grade, check_grade
from ..models.record_status import RecordStatus, check_record_status
from ..models.subject import Subject, check_subject
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.metadata_type_0 import MetadataType0
    from ..models.sourced_id_ref import SourcedIdRef


T = TypeVar("T", bound="ClassUpdate")


@_attrs_define
class ClassUpdate:
    """The fields of a class that a PUT may change; all optional (partial update). TB-OCT/TB-DEC
    inline schema. `classCode`, `location` and `metadata` may be null (TB-OCT onwards; TB-MAY
    had them non-null).

    """

    status: RecordStatus | Unset = UNSET
    """ Record status (TB-OCT, TB-SQL `status_type`). `tobedeleted` marks a soft delete. """
    metadata: MetadataType0 | None | Unset = UNSET
    """ Free-form extension data. **Decision:** nullable. TB-OCT/TB-DEC write `nullable: true`,
    which OpenAPI 3.1 ignores; the intent (and TB-MAY, and TB-SQL's jsonb default null) is a
    nullable object, written here as `type: [object, "null"]`.
     """
    title: str | Unset = UNSET
    """ Not nullable (TB-SQL `title NOT NULL`). """
    class_code: None | str | Unset = UNSET
    class_type: ClassType | Unset = UNSET
    """ TimeBack's closed enum (OneRoster 1.2 also allows `ext:` values; TimeBack does not). """
    location: None | str | Unset = UNSET
    grades: list[Grade] | Unset = UNSET
    subjects: list[Subject] | Unset = UNSET
    subject_codes: list[str] | Unset = UNSET
    periods: list[str] | Unset = UNSET
    resources: list[SourcedIdRef] | Unset = UNSET
    terms: list[SourcedIdRef] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.metadata_type_0 import MetadataType0  # noqa: PLC0415

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, MetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        title = self.title

        class_code: None | str | Unset
        if isinstance(self.class_code, Unset):
            class_code = UNSET
        else:
            class_code = self.class_code

        class_type: str | Unset = UNSET
        if not isinstance(self.class_type, Unset):
            class_type = self.class_type

        location: None | str | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        else:
            location = self.location

        grades: list[str] | Unset = UNSET
        if not isinstance(self.grades, Unset):
            grades = []
            for grades_item_data in self.grades:
                grades_item: str = grades_item_data
                grades.append(grades_item)

        subjects: list[str] | Unset = UNSET
        if not isinstance(self.subjects, Unset):
            subjects = []
            for subjects_item_data in self.subjects:
                subjects_item: str = subjects_item_data
                subjects.append(subjects_item)

        subject_codes: list[str] | Unset = UNSET
        if not isinstance(self.subject_codes, Unset):
            subject_codes = self.subject_codes

        periods: list[str] | Unset = UNSET
        if not isinstance(self.periods, Unset):
            periods = self.periods

        resources: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.resources, Unset):
            resources = []
            for resources_item_data in self.resources:
                resources_item = resources_item_data.to_dict()
                resources.append(resources_item)

        terms: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.terms, Unset):
            terms = []
            for terms_item_data in self.terms:
                terms_item = terms_item_data.to_dict()
                terms.append(terms_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if status is not UNSET:
            field_dict["status"] = status
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if title is not UNSET:
            field_dict["title"] = title
        if class_code is not UNSET:
            field_dict["classCode"] = class_code
        if class_type is not UNSET:
            field_dict["classType"] = class_type
        if location is not UNSET:
            field_dict["location"] = location
        if grades is not UNSET:
            field_dict["grades"] = grades
        if subjects is not UNSET:
            field_dict["subjects"] = subjects
        if subject_codes is not UNSET:
            field_dict["subjectCodes"] = subject_codes
        if periods is not UNSET:
            field_dict["periods"] = periods
        if resources is not UNSET:
            field_dict["resources"] = resources
        if terms is not UNSET:
            field_dict["terms"] = terms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata_type_0 import MetadataType0  # noqa: PLC0415
        from ..models.sourced_id_ref import SourcedIdRef  # noqa: PLC0415

        d = dict(src_dict)
        _status = d.pop("status", UNSET)
        status: RecordStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_record_status(_status)

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

        title = d.pop("title", UNSET)

        def _parse_class_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        class_code = _parse_class_code(d.pop("classCode", UNSET))

        _class_type = d.pop("classType", UNSET)
        class_type: ClassType | Unset
        if isinstance(_class_type, Unset):
            class_type = UNSET
        else:
            class_type = check_class_type(_class_type)

        def _parse_location(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        _grades = d.pop("grades", UNSET)
        grades: list[Grade] | Unset = UNSET
        if _grades is not UNSET:
            grades = []
            for grades_item_data in _grades:
                grades_item = check_grade(grades_item_data)

                grades.append(grades_item)

        _subjects = d.pop("subjects", UNSET)
        subjects: list[Subject] | Unset = UNSET
        if _subjects is not UNSET:
            subjects = []
            for subjects_item_data in _subjects:
                subjects_item = check_subject(subjects_item_data)

                subjects.append(subjects_item)

        subject_codes = cast(list[str], d.pop("subjectCodes", UNSET))

        periods = cast(list[str], d.pop("periods", UNSET))

        _resources = d.pop("resources", UNSET)
        resources: list[SourcedIdRef] | Unset = UNSET
        if _resources is not UNSET:
            resources = []
            for resources_item_data in _resources:
                resources_item = SourcedIdRef.from_dict(resources_item_data)

                resources.append(resources_item)

        _terms = d.pop("terms", UNSET)
        terms: list[SourcedIdRef] | Unset = UNSET
        if _terms is not UNSET:
            terms = []
            for terms_item_data in _terms:
                terms_item = SourcedIdRef.from_dict(terms_item_data)

                terms.append(terms_item)

        class_update = cls(
            status=status,
            metadata=metadata,
            title=title,
            class_code=class_code,
            class_type=class_type,
            location=location,
            grades=grades,
            subjects=subjects,
            subject_codes=subject_codes,
            periods=periods,
            resources=resources,
            terms=terms,
        )

        class_update.additional_properties = d
        return class_update

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
