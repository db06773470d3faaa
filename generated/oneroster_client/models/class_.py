from __future__ import annotations

import datetime
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
    from ..models.guid_ref import GUIDRef
    from ..models.metadata_type_0 import MetadataType0


T = TypeVar("T", bound="Class")


@_attrs_define
class Class:
    """A class as the server returns it (SEED-C, TB-OCT `Class`). **Decision:** `classCode`,
    `location`, `course` and `school` are required but nullable, as TimeBack documents,
    although OneRoster 1.2 makes classCode/location optional and has no nulls.
    `dateLastModified` is required here although TimeBack marks it optional: the server sets
    it on every write (TB-SQL NOT NULL).

    """

    sourced_id: str
    status: RecordStatus
    """ Record status (TB-OCT, TB-SQL `status_type`). `tobedeleted` marks a soft delete. """
    date_last_modified: datetime.datetime
    title: str
    class_code: None | str
    class_type: ClassType
    """ TimeBack's closed enum (OneRoster 1.2 also allows `ext:` values; TimeBack does not). """
    location: None | str
    course: GUIDRef | None
    school: GUIDRef | None
    terms: list[GUIDRef]
    metadata: MetadataType0 | None | Unset = UNSET
    """ Free-form extension data. **Decision:** nullable. TB-OCT/TB-DEC write `nullable: true`,
    which OpenAPI 3.1 ignores; the intent (and TB-MAY, and TB-SQL's jsonb default null) is a
    nullable object, written here as `type: [object, "null"]`.
     """
    grades: list[Grade] | Unset = UNSET
    subjects: list[Subject] | Unset = UNSET
    subject_codes: list[str] | Unset = UNSET
    periods: list[str] | Unset = UNSET
    resources: list[GUIDRef] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.guid_ref import GUIDRef  # noqa: PLC0415
        from ..models.metadata_type_0 import MetadataType0  # noqa: PLC0415

        sourced_id = self.sourced_id

        status: str = self.status

        date_last_modified = self.date_last_modified.isoformat()

        title = self.title

        class_code: None | str
        class_code = self.class_code

        class_type: str = self.class_type

        location: None | str
        location = self.location

        course: dict[str, Any] | None
        if isinstance(self.course, GUIDRef):
            course = self.course.to_dict()
        else:
            course = self.course

        school: dict[str, Any] | None
        if isinstance(self.school, GUIDRef):
            school = self.school.to_dict()
        else:
            school = self.school

        terms = []
        for terms_item_data in self.terms:
            terms_item = terms_item_data.to_dict()
            terms.append(terms_item)

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, MetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sourcedId": sourced_id,
                "status": status,
                "dateLastModified": date_last_modified,
                "title": title,
                "classCode": class_code,
                "classType": class_type,
                "location": location,
                "course": course,
                "school": school,
                "terms": terms,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
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

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.guid_ref import GUIDRef  # noqa: PLC0415
        from ..models.metadata_type_0 import MetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        sourced_id = d.pop("sourcedId")

        status = check_record_status(d.pop("status"))

        date_last_modified = datetime.datetime.fromisoformat(d.pop("dateLastModified"))

        title = d.pop("title")

        def _parse_class_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        class_code = _parse_class_code(d.pop("classCode"))

        class_type = check_class_type(d.pop("classType"))

        def _parse_location(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        location = _parse_location(d.pop("location"))

        def _parse_course(data: object) -> GUIDRef | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                course_type_0 = GUIDRef.from_dict(data)

                return course_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GUIDRef | None, data)

        course = _parse_course(d.pop("course"))

        def _parse_school(data: object) -> GUIDRef | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                school_type_0 = GUIDRef.from_dict(data)

                return school_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GUIDRef | None, data)

        school = _parse_school(d.pop("school"))

        terms = []
        _terms = d.pop("terms")
        for terms_item_data in _terms:
            terms_item = GUIDRef.from_dict(terms_item_data)

            terms.append(terms_item)

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
        resources: list[GUIDRef] | Unset = UNSET
        if _resources is not UNSET:
            resources = []
            for resources_item_data in _resources:
                resources_item = GUIDRef.from_dict(resources_item_data)

                resources.append(resources_item)

        class_ = cls(
            sourced_id=sourced_id,
            status=status,
            date_last_modified=date_last_modified,
            title=title,
            class_code=class_code,
            class_type=class_type,
            location=location,
            course=course,
            school=school,
            terms=terms,
            metadata=metadata,
            grades=grades,
            subjects=subjects,
            subject_codes=subject_codes,
            periods=periods,
            resources=resources,
        )

        class_.additional_properties = d
        return class_

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
