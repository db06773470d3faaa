"""A labelled corpus of single-change revisions of the real openapi.yaml, for the spec diff.

Each case changes one thing in a copy of the spec (parsed from the repository's file, changed in
code, written back as YAML) and states what that change is and does, per audience, as
`(rule, operation, direction, "XYZ")` where X, Y, Z are the levels for wire clients, server
implementers and SDK consumers: B breaking, A attention, C compatible. A shared schema changed
once is expected once per operation and direction that uses it. The labels are written from
what the change means (the reasoning is in `why`), not copied from the tool's output.

`scripts/bench_spec_diff.py` runs the same corpus through `redocly diff`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from oneroster_kit.specdiff.locate import LOADER

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
RESULTS = "/ims/oneroster/gradebook/v1p2/results/{sourcedId}"
CLASSES = "/ims/oneroster/rostering/v1p2/classes/{sourcedId}"
PR, UC, DOC = "putResult", "updateClass", "(document)"

_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Expected = tuple[str, str, str, str]  # rule, operation, direction, levels


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[dict[str, Any]], None]
    expected: frozenset[Expected]
    why: str

    def revision(self) -> str:
        document = copy.deepcopy(base_document())
        self.change(document)
        return yaml.dump(document, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)


@functools.cache
def base_document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(SPEC.read_text(encoding="utf-8"), Loader=LOADER)
    return loaded


def schemas(d: dict[str, Any]) -> dict[str, Any]:
    return d["components"]["schemas"]  # type: ignore[no-any-return]


def prop(d: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    return schemas(d)[schema]["properties"][name]  # type: ignore[no-any-return]


def op(d: dict[str, Any], path: str) -> dict[str, Any]:
    return d["paths"][path]["put"]  # type: ignore[no-any-return]


CASES: list[Case] = []


def case(name: str, why: str, *expected: Expected) -> Callable[[Callable[[dict[str, Any]], None]], None]:
    def register(change: Callable[[dict[str, Any]], None]) -> None:
        CASES.append(Case(name, change, frozenset(expected), why))

    return register


# -- enums --------------------------------------------------------------------------------------
@case(
    "score_status_value_added",
    "a new value is harmless to send, but BASE SDKs with literal enums reject it in answers",
    ("enum-value-added", PR, "request", "CBC"),
    ("enum-value-added", PR, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ScoreStatus"]["enum"].append("late")


@case(
    "score_status_value_removed",
    "clients sending the value are refused; BASE servers may still answer it; the regenerated Literal "
    "loses it, so strict code comparing with it no longer type-checks",
    ("enum-value-removed", PR, "request", "BAB"),
    ("enum-value-removed", PR, "response", "CBB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ScoreStatus"]["enum"].remove("exempt")


@case(
    "class_type_value_added",
    "shared by ClassUpdate (request) and Class (response)",
    ("enum-value-added", UC, "request", "CBC"),
    ("enum-value-added", UC, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ClassType"]["enum"].append("ext:lab")


@case(
    "grade_value_added",
    "array items enum, both directions of updateClass",
    ("enum-value-added", UC, "request", "CBC"),
    ("enum-value-added", UC, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Grade"]["enum"].append("14")


@case(
    "subject_value_removed",
    "array items enum narrowed",
    ("enum-value-removed", UC, "request", "BAB"),
    ("enum-value-removed", UC, "response", "CBB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Subject"]["enum"].remove("FastMath")


@case(
    "imsx_code_major_value_added",
    "error bodies only: every error status of both operations",
    ("enum-value-added", PR, "response", "BCB"),
    ("enum-value-added", UC, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "ImsxStatusInfo", "imsx_codeMajor")["enum"].append("retry")


@case("guid_type_value_removed", "GUIDRef appears only in Class answers", ("enum-value-removed", UC, "response", "CBB"))
def _(d: dict[str, Any]) -> None:
    schemas(d)["GUIDType"]["enum"].remove("term")


@case(
    "record_status_enum_dropped",
    "any string becomes valid: widens both directions of both operations",
    ("enum-removed", PR, "request", "CBC"),
    ("enum-removed", PR, "response", "BCB"),
    ("enum-removed", UC, "request", "CBC"),
    ("enum-removed", UC, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    del schemas(d)["RecordStatus"]["enum"]


@case(
    "true_false_value_added",
    "four flags of ResultInput and Result, one change each direction",
    ("enum-value-added", PR, "request", "CBC"),
    ("enum-value-added", PR, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["TrueFalse"]["enum"].append("unknown")


@case(
    "imsx_code_minor_value_removed",
    "an error vocabulary narrowed: BASE servers may still send it",
    ("enum-value-removed", PR, "response", "CBB"),
    ("enum-value-removed", UC, "response", "CBB"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "ImsxCodeMinorField", "imsx_codeMinorFieldValue")["enum"].remove("deletefailure")


# -- types and nullability ----------------------------------------------------------------------
@case("input_score_not_nullable", "clients sending null are refused", ("nullable-removed", PR, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "score")["type"] = "number"


@case(
    "result_score_not_nullable",
    "answers never carry null any more: BASE servers may",
    ("nullable-removed", PR, "response", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "Result", "score")["type"] = "number"


@case("class_update_title_nullable", "null newly allowed in a request", ("nullable-added", UC, "request", "CBC"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ClassUpdate", "title")["type"] = ["string", "null"]


@case(
    "class_title_nullable",
    "null newly allowed in an answer: BASE clients (and the BASE model's str) do not expect it",
    ("nullable-added", UC, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "Class", "title")["type"] = ["string", "null"]


@case("input_score_integer", "number -> integer: fewer requests are valid", ("type-changed", PR, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "score")["type"] = ["integer", "null"]


@case(
    "result_score_integer",
    "number -> integer in answers: every REVISION answer was valid under BASE",
    ("type-changed", PR, "response", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "Result", "score")["type"] = ["integer", "null"]


@case(
    "objective_score_string",
    "number -> string: neither contains the other, in both directions",
    ("type-changed", PR, "request", "BBB"),
    ("type-changed", PR, "response", "BBB"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "LearningObjectiveResult", "score")["type"] = "string"


@case("result_class_anyof_instead_of_oneof", "oneOf [X, null] and anyOf [X, null] allow the same values: no change")
def _(d: dict[str, Any]) -> None:
    node = prop(d, "Result", "class")
    node["anyOf"] = node.pop("oneOf")


@case(
    "result_score_scale_null_branch_removed",
    "the null branch of a oneOf removed in an answer",
    ("nullable-removed", PR, "response", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Result"]["properties"]["scoreScale"] = {"$ref": "#/components/schemas/SourcedIdRef"}


@case(
    "input_class_null_branch_removed",
    "clients sending class: null are refused",
    ("nullable-removed", PR, "request", "BAB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ResultInput"]["properties"]["class"] = {"$ref": "#/components/schemas/SourcedIdRef"}


@case(
    "metadata_not_nullable",
    "Metadata is in all four bodies",
    ("nullable-removed", PR, "request", "BAB"),
    ("nullable-removed", PR, "response", "CBC"),
    ("nullable-removed", UC, "request", "BAB"),
    ("nullable-removed", UC, "response", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Metadata"]["type"] = "object"


@case("class_location_type_array_to_oneof", "type [string, null] and oneOf [string, null] are the same: no change")
def _(d: dict[str, Any]) -> None:
    node = prop(d, "Class", "location")
    del node["type"]
    node["oneOf"] = [{"type": "string"}, {"type": "null"}]


# -- required -----------------------------------------------------------------------------------
@case(
    "input_comment_required",
    "BASE clients do not send it; the SDK model gains a required argument",
    ("required-added", PR, "request", "BAB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ResultInput"]["required"].append("comment")


@case(
    "input_score_date_optional",
    "servers must handle a result without scoreDate",
    ("required-removed", PR, "request", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ResultInput"]["required"].remove("scoreDate")


@case(
    "result_score_date_optional",
    "BASE SDK's from_dict raises KeyError when it is missing",
    ("required-removed", PR, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Result"]["required"].remove("scoreDate")


@case("result_comment_required", "servers must now always send it", ("required-added", PR, "response", "CBC"))
def _(d: dict[str, Any]) -> None:
    schemas(d)["Result"]["required"].append("comment")


@case(
    "class_location_optional",
    "a required-nullable field may now be absent",
    ("required-removed", UC, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Class"]["required"].remove("location")


@case("guid_ref_href_optional", "GUIDRef only in answers", ("required-removed", UC, "response", "BCB"))
def _(d: dict[str, Any]) -> None:
    schemas(d)["GUIDRef"]["required"].remove("href")


@case(
    "sourced_id_ref_sourced_id_optional",
    "SourcedIdRef is in putResult's bodies and updateClass's request",
    ("required-removed", PR, "request", "CBC"),
    ("required-removed", PR, "response", "BCB"),
    ("required-removed", UC, "request", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    del schemas(d)["SourcedIdRef"]["required"]


@case(
    "lo_set_source_optional",
    "nested in an array of ResultInput and Result",
    ("required-removed", PR, "request", "CBC"),
    ("required-removed", PR, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["LearningObjectiveScoreSet"]["required"].remove("source")


# -- properties ---------------------------------------------------------------------------------
@case(
    "input_property_added",
    "an optional member: BASE servers ignore it (unknown members are allowed)",
    ("property-added", PR, "request", "CAC"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ResultInput"]["properties"]["weight"] = {"type": "number"}


@case(
    "result_property_added",
    "an optional answer member: BASE models keep it in additional_properties",
    ("property-added", PR, "response", "CCC"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Result"]["properties"]["weight"] = {"type": "number"}


@case(
    "input_property_removed",
    "the member is ignored now; the regenerated model loses the argument",
    ("property-removed", PR, "request", "ACB"),
)
def _(d: dict[str, Any]) -> None:
    del schemas(d)["ResultInput"]["properties"]["textScore"]


@case(
    "result_property_removed",
    "code reading the attribute fails with the regenerated SDK",
    ("property-removed", PR, "response", "ACB"),
)
def _(d: dict[str, Any]) -> None:
    del schemas(d)["Result"]["properties"]["comment"]


@case("class_update_property_removed", "updateClass request member removed", ("property-removed", UC, "request", "ACB"))
def _(d: dict[str, Any]) -> None:
    del schemas(d)["ClassUpdate"]["properties"]["location"]


@case("class_property_added", "updateClass answer member added", ("property-added", UC, "response", "CCC"))
def _(d: dict[str, Any]) -> None:
    schemas(d)["Class"]["properties"]["teacher"] = {"$ref": "#/components/schemas/GUIDRef"}


@case(
    "sourced_id_ref_property_added",
    "a shared reference gains an optional member",
    ("property-added", PR, "request", "CAC"),
    ("property-added", PR, "response", "CCC"),
    ("property-added", UC, "request", "CAC"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["SourcedIdRef"]["properties"]["type"] = {"type": "string"}


# -- additionalProperties -----------------------------------------------------------------------
@case(
    "input_closed",
    "unknown members that BASE allowed are refused",
    ("additional-properties-changed", PR, "request", "BAB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ResultInput"]["additionalProperties"] = False


@case(
    "result_closed",
    "BASE servers may send unknown members; the regenerated model loses additional_properties",
    ("additional-properties-changed", PR, "response", "CBB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Result"]["additionalProperties"] = False


@case(
    "metadata_closed",
    "free-form metadata closed, in all four bodies",
    ("additional-properties-changed", PR, "request", "BAB"),
    ("additional-properties-changed", PR, "response", "CBB"),
    ("additional-properties-changed", UC, "request", "BAB"),
    ("additional-properties-changed", UC, "response", "CBB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Metadata"]["additionalProperties"] = False


@case(
    "error_details_values_widened",
    "map values may now be numbers: clients and the BASE models expect strings",
    ("type-changed", PR, "response", "BCB"),
    ("type-changed", UC, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "ImsxStatusInfo", "imsx_error_details")["items"]["additionalProperties"] = {"type": ["string", "number"]}


# -- formats, bounds, patterns ------------------------------------------------------------------
@case(
    "input_score_date_format_date",
    "date-time -> date: neither contains the other",
    ("format-changed", PR, "request", "BBB"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "scoreDate")["format"] = "date"


@case(
    "result_score_date_format_removed",
    "any string in answers: the BASE SDK parses it as a datetime",
    ("format-changed", PR, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    del prop(d, "Result", "scoreDate")["format"]


@case("guid_ref_href_format_removed", "href no longer a URI in answers", ("format-changed", UC, "response", "BCB"))
def _(d: dict[str, Any]) -> None:
    del schemas(d)["GUIDRef"]["properties"]["href"]["format"]


@case("input_sourced_id_min_length_raised", "shorter ids are refused", ("bound-changed", PR, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "sourcedId")["minLength"] = 3


@case(
    "result_sourced_id_min_length_dropped",
    "an empty id may be answered; the generated models do not check lengths",
    ("bound-changed", PR, "response", "BCC"),
)
def _(d: dict[str, Any]) -> None:
    del prop(d, "Result", "sourcedId")["minLength"]


@case("input_text_score_max_length", "longer texts are refused", ("bound-changed", PR, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "textScore")["maxLength"] = 100


@case(
    "result_text_score_max_length",
    "answers get a limit BASE servers may exceed",
    ("bound-changed", PR, "response", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "Result", "textScore")["maxLength"] = 100


@case("input_score_minimum", "negative scores are refused", ("bound-changed", PR, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "score")["minimum"] = 0


@case(
    "code_minor_min_items_raised",
    "error bodies must carry two entries: BASE servers send one",
    ("bound-changed", PR, "response", "CBC"),
    ("bound-changed", UC, "response", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "ImsxCodeMinor", "imsx_codeMinorField")["minItems"] = 2


@case(
    "code_minor_min_items_dropped",
    "an empty list may be answered; the models do not check it",
    ("bound-changed", PR, "response", "BCC"),
    ("bound-changed", UC, "response", "BCC"),
)
def _(d: dict[str, Any]) -> None:
    del prop(d, "ImsxCodeMinor", "imsx_codeMinorField")["minItems"]


@case("input_sourced_id_pattern", "ids outside the pattern are refused", ("pattern-changed", PR, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "sourcedId")["pattern"] = "^[A-Za-z0-9-]+$"


@case("class_update_grades_max_items", "more than five grades are refused", ("bound-changed", UC, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "ClassUpdate", "grades")["maxItems"] = 5


# -- composition, defaults, annotations ---------------------------------------------------------
@case("result_class_branch_added", "class may now be a bare string in answers", ("branch-added", PR, "response", "BCB"))
def _(d: dict[str, Any]) -> None:
    prop(d, "Result", "class")["oneOf"].append({"type": "string"})


@case(
    "input_score_scale_branch_added", "scoreScale may now be sent as a string", ("branch-added", PR, "request", "CBC")
)
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "scoreScale")["oneOf"].append({"type": "string"})


@case(
    "input_status_default",
    "a default is a server-side rule: servers must apply it, clients may rely on it",
    ("default-changed-request", PR, "request", "ABA"),
)
def _(d: dict[str, Any]) -> None:
    # the spec defaults status to "active" since 1.1.0; a different default is the change
    schemas(d)["ResultInput"]["properties"]["status"]["default"] = "tobedeleted"


@case(
    "input_date_last_modified_read_only",
    "readOnly: clients must not send it any more; servers must refuse it",
    ("read-only-changed", PR, "request", "BBB"),
)
def _(d: dict[str, Any]) -> None:
    prop(d, "ResultInput", "dateLastModified")["readOnly"] = True


@case(
    "result_title",
    "the generator names a titled schema's model class from its title: Result becomes StoredResult",
    ("title-changed", PR, "response", "CCB"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["Result"]["title"] = "StoredResult"


# -- parameters, bodies, statuses ----------------------------------------------------------------
@case(
    "path_parameter_renamed",
    "not on the wire, but the SDK's keyword argument is renamed",
    ("path-parameter-renamed", PR, "request", "CCB"),
)
def _(d: dict[str, Any]) -> None:
    d["paths"]["/ims/oneroster/gradebook/v1p2/results/{resultId}"] = d["paths"].pop(RESULTS)
    d["components"]["parameters"]["ResultSourcedId"]["name"] = "resultId"


@case("path_parameter_min_length", "ids of one character are refused", ("bound-changed", PR, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    d["components"]["parameters"]["ResultSourcedId"]["schema"]["minLength"] = 2


@case("path_parameter_not_enum_grows", "one more forbidden id", ("constraint-changed", UC, "request", "BAB"))
def _(d: dict[str, Any]) -> None:
    d["components"]["parameters"]["ClassSourcedId"]["schema"]["not"]["enum"].append("...")


@case(
    "header_parameter_added_optional",
    "servers must honour it; the SDK gains an optional argument",
    ("parameter-added-optional", PR, "request", "CAC"),
)
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["parameters"].append({"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}})


@case(
    "header_parameter_added_required", "BASE clients do not send it", ("parameter-added-required", UC, "request", "BAB")
)
def _(d: dict[str, Any]) -> None:
    op(d, CLASSES)["parameters"].append(
        {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}}
    )


@case(
    "request_body_optional",
    "servers must handle a PUT without a body",
    ("request-body-required-changed", PR, "request", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["requestBody"]["required"] = False


@case(
    "request_content_type_added", "servers must accept merge-patch bodies", ("content-type-added", UC, "request", "CBC")
)
def _(d: dict[str, Any]) -> None:
    body = op(d, CLASSES)["requestBody"]["content"]
    body["application/merge-patch+json"] = copy.deepcopy(body["application/json"])


@case(
    "success_status_added",
    "a 202 that BASE clients and the BASE SDK do not expect",
    ("status-added-success", PR, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["responses"]["202"] = copy.deepcopy(op(d, RESULTS)["responses"]["201"])


@case(
    "error_status_added",
    "a new error status: handled as an undocumented error",
    ("status-added-error", PR, "response", "ACA"),
)
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["responses"]["409"] = {"$ref": "#/components/responses/UnprocessableEntity"}


@case(
    "error_status_removed",
    "BASE servers still answer 404 for unknown classes",
    ("status-removed", UC, "response", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    del op(d, CLASSES)["responses"]["404"]


@case(
    "response_content_type_added",
    "a 201 may now be text/plain: BASE clients read JSON",
    ("content-type-added", PR, "response", "BCB"),
)
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["responses"]["201"]["content"]["text/plain"] = {"schema": {"type": "string"}}


@case("response_header_added", "an optional header in an answer", ("response-header-added", PR, "response", "CCC"))
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["responses"]["201"]["headers"] = {"X-Request-Id": {"schema": {"type": "string"}}}


@case(
    "response_header_removed",
    "WWW-Authenticate no longer described on 401 (shared by both operations)",
    ("response-header-removed", PR, "response", "ACC"),
    ("response-header-removed", UC, "response", "ACC"),
)
def _(d: dict[str, Any]) -> None:
    del d["components"]["responses"]["Unauthorized"]["headers"]


# -- operations ---------------------------------------------------------------------------------
@case(
    "operation_id_renamed",
    "the wire is the same; the SDK function is renamed",
    ("operation-id-changed", "upsertResult", "request", "CCB"),
)
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["operationId"] = "upsertResult"


@case(
    "path_renamed",
    "same operation at another path: BASE clients call the old one",
    ("path-renamed", PR, "request", "BBC"),
)
def _(d: dict[str, Any]) -> None:
    d["paths"]["/ims/oneroster/gradebook/v1p2/result-records/{sourcedId}"] = d["paths"].pop(RESULTS)


@case("operation_removed", "updateClass is gone", ("operation-removed", UC, "request", "BCB"))
def _(d: dict[str, Any]) -> None:
    del d["paths"][CLASSES]


@case("operation_added", "a new GET: servers must implement it", ("operation-added", "getClass", "request", "CBC"))
def _(d: dict[str, Any]) -> None:
    get = copy.deepcopy(op(d, CLASSES))
    get.pop("requestBody")
    get["operationId"] = "getClass"
    get["summary"] = "Get a class"
    d["paths"][CLASSES]["get"] = get


@case("tags_changed", "the SDK module path follows the first tag", ("tags-changed", PR, "request", "CCB"))
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["tags"] = ["results"]
    d["tags"].append({"name": "results", "description": "Results."})


# -- security and servers -----------------------------------------------------------------------
@case("token_url_changed", "clients fetch tokens from the old URL", ("token-url-changed", DOC, "security", "BAA"))
def _(d: dict[str, Any]) -> None:
    flows = d["components"]["securitySchemes"]["OAuth2"]["flows"]
    flows["clientCredentials"]["tokenUrl"] = "https://idp.example.org/oauth2/token"


@case(
    "scope_required_added",
    "tokens without the new scope get 403",
    ("scope-declared-added", DOC, "security", "CCC"),
    ("scope-required-added", PR, "security", "BAC"),
)
def _(d: dict[str, Any]) -> None:
    scope = "https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.admin"
    d["components"]["securitySchemes"]["OAuth2"]["flows"]["clientCredentials"]["scopes"][scope] = "Admin."
    op(d, RESULTS)["security"][0]["OAuth2"].append(scope)


@case(
    "scope_required_removed", "BASE servers still demand the scope", ("scope-required-removed", UC, "security", "CBC")
)
def _(d: dict[str, Any]) -> None:
    op(d, CLASSES)["security"] = [{"OAuth2": []}]


@case(
    "security_removed",
    "the operation becomes public: BASE servers refuse calls without a token",
    ("security-requirement-removed", PR, "security", "CBC"),
    ("scope-required-removed", PR, "security", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    op(d, RESULTS)["security"] = []


@case(
    "scheme_declared_unused",
    "a declared scheme no operation requires",
    ("security-scheme-added", DOC, "security", "CCC"),
)
def _(d: dict[str, Any]) -> None:
    d["components"]["securitySchemes"]["ApiKey"] = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}


@case(
    "scheme_alternative_added",
    "a second way to authenticate: servers must accept it",
    ("security-scheme-added", DOC, "security", "CCC"),
    ("security-alternative-added", PR, "security", "CBC"),
)
def _(d: dict[str, Any]) -> None:
    d["components"]["securitySchemes"]["ApiKey"] = {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    op(d, RESULTS)["security"].append({"ApiKey": []})


@case("server_removed", "clients configured for staging lose it", ("server-removed", DOC, "document", "BCA"))
def _(d: dict[str, Any]) -> None:
    d["servers"].pop(1)


@case("server_added", "a new server URL", ("server-added", DOC, "document", "CCC"))
def _(d: dict[str, Any]) -> None:
    d["servers"].append({"url": "https://api.sandbox.alpha-1edtech.ai", "description": "Sandbox."})


# -- not changes, and documentation -------------------------------------------------------------
@case(
    "description_changed",
    "documentation only",
    ("documentation-changed", PR, "request", "CCC"),
    ("documentation-changed", PR, "response", "CCC"),
)
def _(d: dict[str, Any]) -> None:
    schemas(d)["ScoreStatus"]["description"] = "Scoring state of a result."


@case("schema_moved_into_components", "the same schema behind a $ref: no change")
def _(d: dict[str, Any]) -> None:
    schemas(d)["ScoreDate"] = prop(d, "ResultInput", "scoreDate")
    schemas(d)["ResultInput"]["properties"]["scoreDate"] = {"$ref": "#/components/schemas/ScoreDate"}


@case("reordered", "enum values, required names, properties and statuses reordered: no change")
def _(d: dict[str, Any]) -> None:
    schemas(d)["ScoreStatus"]["enum"].reverse()
    schemas(d)["Result"]["required"].reverse()
    properties = schemas(d)["ResultInput"]["properties"]
    schemas(d)["ResultInput"]["properties"] = dict(reversed(list(properties.items())))
    responses = op(d, CLASSES)["responses"]
    op(d, CLASSES)["responses"] = dict(reversed(list(responses.items())))


@case("version_bumped", "info.version is judged by the version check, not as a change")
def _(d: dict[str, Any]) -> None:
    d["info"]["version"] = "1.1.0"
