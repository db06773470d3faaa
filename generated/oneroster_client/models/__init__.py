"""Contains all the data models used in inputs/outputs"""

from .class_ import Class
from .class_type import ClassType
from .class_update import ClassUpdate
from .grade import Grade
from .guid_ref import GUIDRef
from .guid_type import GUIDType
from .imsx_code_minor import ImsxCodeMinor
from .imsx_code_minor_field import ImsxCodeMinorField
from .imsx_code_minor_field_imsx_code_minor_field_value import ImsxCodeMinorFieldImsxCodeMinorFieldValue
from .imsx_status_info import ImsxStatusInfo
from .imsx_status_info_imsx_code_major import ImsxStatusInfoImsxCodeMajor
from .imsx_status_info_imsx_error_details_item import ImsxStatusInfoImsxErrorDetailsItem
from .imsx_status_info_imsx_severity import ImsxStatusInfoImsxSeverity
from .learning_objective_result import LearningObjectiveResult
from .learning_objective_score_set import LearningObjectiveScoreSet
from .metadata_type_0 import MetadataType0
from .put_class_request import PutClassRequest
from .put_result_request import PutResultRequest
from .put_result_response import PutResultResponse
from .record_status import RecordStatus
from .result import Result
from .result_input import ResultInput
from .score_status import ScoreStatus
from .sourced_id_ref import SourcedIdRef
from .subject import Subject
from .true_false import TrueFalse

__all__ = (
    "Class",
    "ClassType",
    "ClassUpdate",
    "Grade",
    "GUIDRef",
    "GUIDType",
    "ImsxCodeMinor",
    "ImsxCodeMinorField",
    "ImsxCodeMinorFieldImsxCodeMinorFieldValue",
    "ImsxStatusInfo",
    "ImsxStatusInfoImsxCodeMajor",
    "ImsxStatusInfoImsxErrorDetailsItem",
    "ImsxStatusInfoImsxSeverity",
    "LearningObjectiveResult",
    "LearningObjectiveScoreSet",
    "MetadataType0",
    "PutClassRequest",
    "PutResultRequest",
    "PutResultResponse",
    "RecordStatus",
    "Result",
    "ResultInput",
    "ScoreStatus",
    "SourcedIdRef",
    "Subject",
    "TrueFalse",
)
