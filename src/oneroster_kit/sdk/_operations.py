"""What one call means, independent of sync/async: the checks before sending, the reading after.

Before sending: the path id must be non-empty; a body sourcedId must equal it; the request
envelope (`{"result": {...}}`, as curl sends it) is refused with a message saying so; a plain
mapping is validated against the spec (so the generated `from_dict` never sees bad data); members
the spec does not define are refused in strict mode and warned about otherwise (`_unknown`); in
strict mode a generated model is validated too. After: a 2xx body is checked against the spec
(unless turned off) and the generated model returned, if its sourcedId is the path id (unless
turned off: a mock server may answer every call with one example); a class answer wrapped as
`{"class": {...}}` (as some deployments send it) is unwrapped first, with one INFO line per
client; a number JSON cannot carry (NaN, 1E+400) is a ResponseValidationError; anything else
becomes the matching `APIStatusError`.
"""

from __future__ import annotations

import copy
import logging
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx
from oneroster_client.models.class_ import Class
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.put_class_request import PutClassRequest
from oneroster_client.models.put_result_request import PutResultRequest
from oneroster_client.models.put_result_response import PutResultResponse
from oneroster_client.models.result import Result
from oneroster_client.models.result_input import ResultInput
from oneroster_client.types import Unset

from oneroster_kit.contract import Operation, SchemaValidator, Violation, operation, resolve
from oneroster_kit.jsontext import json_text
from oneroster_kit.sdk._codec import NonFiniteNumber, loads
from oneroster_kit.sdk._unknown import UnknownMemberWarning, unknown_members
from oneroster_kit.sdk.errors import (
    RequestValidationError,
    ResponseValidationError,
    SourcedIdMismatchError,
    request_id_of,
    status_error,
)

logger = logging.getLogger("oneroster_kit.sdk")

PUT_RESULT = "putResult"
UPDATE_CLASS = "updateClass"

# Raised by generated to_dict/from_dict on data they cannot handle; never let them escape.
MODEL_ERRORS = (KeyError, ValueError, TypeError, AttributeError, IndexError)


@dataclass(frozen=True)
class Outcome:
    """The answer to one call, as received."""

    status_code: int
    content: bytes
    headers: httpx.Headers


@dataclass(frozen=True)
class Plan:
    """The spec pieces of one operation, resolved once per client (not once per call)."""

    operation: Operation
    request: SchemaValidator
    responses: dict[int, SchemaValidator]
    request_schema: dict[str, Any]
    logged: set[str] = field(default_factory=set)  # one-time notes already logged by this client

    @classmethod
    def of(cls, operation_id: str) -> Plan:
        op = operation(operation_id)
        responses = {status: op.response_validator(status) for status in op.documented_statuses}
        body = resolve(op.components, op.definition["requestBody"])
        return cls(
            op,
            op.request_validator,
            {status: v for status, v in responses.items() if v is not None},
            body["content"]["application/json"]["schema"],
        )

    @property
    def operation_id(self) -> str:
        return self.operation.operation_id


def _check_path_id(op: Plan, sourced_id: object) -> str:
    """The path id as the spec allows it: a non-empty string, and not a dot segment ("." / "..").

    The generated client sends "." unencoded and httpx then removes the dot segment, so the
    request would silently address another resource.
    """
    if not isinstance(sourced_id, str):
        raise RequestValidationError(
            f"{op.operation_id}: sourced_id must be a string (path parameter sourcedId), got {sourced_id!r}",
            operation_id=op.operation_id,
        )
    _refuse(op, op.operation.path_violations({"sourcedId": sourced_id}), "the path sourcedId")
    return sourced_id


def _check_body_id(operation_id: str, location: str, path_id: str, body_id: object) -> None:
    if body_id is None or isinstance(body_id, Unset):
        return
    if body_id != path_id:
        raise SourcedIdMismatchError(operation_id=operation_id, location=location, path_id=path_id, body_id=body_id)


def _refuse(op: Plan, violations: list[Violation], what: str) -> None:
    if violations:
        raise RequestValidationError(
            f"{op.operation_id}: {what} breaks openapi.yaml, nothing was sent: "
            + "; ".join(str(violation) for violation in violations),
            operation_id=op.operation_id,
            violations=violations,
        )


def _refuse_envelope(op: Plan, body: Mapping[str, Any], wrapper: str, what: str) -> None:
    """A body that is the whole request document (`{"result": {...}}`) rather than its content."""
    if wrapper in body and isinstance(body[wrapper], Mapping):
        method = "put_result" if op.operation_id == PUT_RESULT else "update_class"
        raise RequestValidationError(
            f"{op.operation_id}: {method} takes the {what} itself, but got the request envelope "
            f'{{"{wrapper}": {{...}}}} (as curl sends it); pass body["{wrapper}"] instead, the SDK '
            "adds the envelope. Nothing was sent.",
            operation_id=op.operation_id,
        )


def _unknown(op: Plan, document: dict[str, Any], strict: bool) -> None:
    """Refuse (strict) or warn about members the spec does not define; see `_unknown`."""
    found = unknown_members(op.operation.components, op.request_schema, document, "")
    found = [location.removeprefix(".") for location in found if location != ".class.sourcedId"]  # checked above
    if not found:
        return
    names = ", ".join(found)
    if strict:
        raise RequestValidationError(
            f"{op.operation_id}: the body has members openapi.yaml does not define, nothing was sent: {names} "
            "(the server would ignore them; strict=True refuses them)",
            operation_id=op.operation_id,
            violations=[Violation(location, "not a member openapi.yaml defines", "unknown") for location in found],
        )
    warnings.warn(
        UnknownMemberWarning(
            f"{op.operation_id}: {names} not defined by openapi.yaml; the server ignores "
            f"{'it' if len(found) == 1 else 'them'} (a typo?). strict=True refuses such a body."
        ),
        stacklevel=5,  # _unknown <- prepare_* <- _ClientBase._prepare <- client method <- the caller
    )


def _model_unknown(op: Plan, model: ResultInput | ClassUpdate, wrapper: str, strict: bool) -> None:
    """Unknown members of a generated model: all of them in strict mode, the top level otherwise."""
    if strict:
        _unknown(op, {wrapper: _to_dict(op.operation_id, model)}, strict)
    elif model.additional_properties:
        _unknown(op, {wrapper: dict(model.additional_properties)}, strict)


def prepare_result(
    op: Plan, sourced_id: str, result: ResultInput | Result | Mapping[str, Any], *, strict: bool
) -> PutResultRequest:
    """The request body for putResult, or a RequestValidationError/SourcedIdMismatchError."""
    path_id = _check_path_id(op, sourced_id)
    defaults = op.operation.request_defaults  # always sent: a server on TimeBack's schema requires `status`
    if isinstance(result, Mapping):
        _refuse_envelope(op, result, "result", "result")
        _check_body_id(PUT_RESULT, "result.sourcedId", path_id, result.get("sourcedId"))
        document = {"result": {**defaults, **result}}
        _refuse(op, op.request.violations(document), "the result")
        _unknown(op, document, strict)
        try:
            return PutResultRequest(result=ResultInput.from_dict(document["result"]))
        except MODEL_ERRORS as exc:  # pragma: no cover - the spec check above should make this unreachable
            raise RequestValidationError(f"{PUT_RESULT}: result not usable: {exc!r}", operation_id=PUT_RESULT) from exc
    if isinstance(result, Result):  # a result read back from the API, sent again
        _check_body_id(PUT_RESULT, "result.sourcedId", path_id, result.sourced_id)
        document = _to_dict(PUT_RESULT, result)
        _refuse(op, op.request.violations({"result": document}), "the result")
        result = ResultInput.from_dict(document)
    if not isinstance(result, ResultInput):
        raise RequestValidationError(
            f"{PUT_RESULT}: result must be a ResultInput, a Result or a mapping, got {type(result).__name__}",
            operation_id=PUT_RESULT,
        )
    _check_body_id(PUT_RESULT, "result.sourcedId", path_id, result.sourced_id)
    _check_body_id(PUT_RESULT, "result.sourcedId", path_id, result.additional_properties.get("sourcedId"))
    if isinstance(result.status, Unset) and "status" in defaults:
        result = copy.copy(result)  # the caller's model stays as it was
        result.status = defaults["status"]
    if strict:
        _refuse(op, op.request.violations({"result": _to_dict(PUT_RESULT, result)}), "the result")
    _model_unknown(op, result, "result", strict)
    return PutResultRequest(result=result)


def prepare_class(
    op: Plan, sourced_id: str, class_update: ClassUpdate | Mapping[str, Any], *, strict: bool
) -> PutClassRequest:
    """The request body for updateClass, or a RequestValidationError/SourcedIdMismatchError.

    The class schema has no sourcedId (unknown members are ignored by the server), but a body
    that names a different class is still a caller's mistake, so it is refused the same way.
    """
    path_id = _check_path_id(op, sourced_id)
    if isinstance(class_update, Mapping):
        _refuse_envelope(op, class_update, "class", "class update")
        _check_body_id(UPDATE_CLASS, "class.sourcedId", path_id, class_update.get("sourcedId"))
        document = {"class": dict(class_update)}
        _refuse(op, op.request.violations(document), "the class update")
        _unknown(op, document, strict)
        try:
            return PutClassRequest(class_=ClassUpdate.from_dict(document["class"]))
        except MODEL_ERRORS as exc:  # pragma: no cover - the spec check above should make this unreachable
            raise RequestValidationError(
                f"{UPDATE_CLASS}: class update not usable: {exc!r}", operation_id=UPDATE_CLASS
            ) from exc
    if not isinstance(class_update, ClassUpdate):
        raise RequestValidationError(
            f"{UPDATE_CLASS}: class_update must be a ClassUpdate or a mapping, got {type(class_update).__name__}",
            operation_id=UPDATE_CLASS,
        )
    _check_body_id(UPDATE_CLASS, "class.sourcedId", path_id, class_update.additional_properties.get("sourcedId"))
    if strict:
        _refuse(
            op,
            op.request.violations({"class": _to_dict(UPDATE_CLASS, class_update)}),
            "the class update",
        )
    _model_unknown(op, class_update, "class", strict)
    return PutClassRequest(class_=class_update)


def _to_dict(operation_id: str, model: ResultInput | Result | ClassUpdate) -> dict[str, Any]:
    try:
        return model.to_dict()
    except MODEL_ERRORS as exc:
        raise RequestValidationError(
            f"{operation_id}: {type(model).__name__} cannot be serialised (a field has the wrong Python type): {exc!r}",
            operation_id=operation_id,
        ) from exc


def _unwrap_class(plan: Plan, data: Any) -> Any:
    """A class answer sent as `{"class": {...}}` becomes the bare Class the spec documents."""
    if isinstance(data, dict) and len(data) == 1 and isinstance(data.get("class"), dict):
        if "class envelope" not in plan.logged:
            plan.logged.add("class envelope")
            logger.info(
                '%s: the server wrapped the class answer as {"class": {...}} (openapi.yaml documents a bare '
                "Class); the SDK unwraps it (logged once per client)",
                plan.operation_id,
            )
        return data["class"]
    return data


def interpret(
    plan: Plan,
    outcome: Outcome,
    *,
    validate: bool,
    path_id: str | None = None,
    redact: Callable[[str], str] = str,
) -> Any:
    """The generated model of a 2xx answer, or raise the error the answer stands for.

    The body is decoded once; with `validate` it is checked against the spec before the generated
    model is built from it. Without, a body the generated parser cannot take is still checked, so
    the error names the field rather than passing on a raw KeyError/TypeError. With `path_id`, an
    answer whose sourcedId differs is refused: it is another resource's (a server or mock that
    answers with the wrong object), and the caller would otherwise take it for the one it wrote.
    """
    op_id = plan.operation_id
    status = outcome.status_code
    if not 200 <= status < 300:
        raise status_error(
            operation_id=op_id, status_code=status, content=outcome.content, headers=outcome.headers, redact=redact
        )
    validator = plan.responses.get(status)
    if validator is None:
        documented = ", ".join(str(code) for code in plan.operation.documented_statuses if code < 300)
        raise ResponseValidationError(
            operation_id=op_id,
            status_code=status,
            problem=f"has a status the spec does not document for {op_id} (documented: {documented})",
            body=outcome.content[:500],
            request_id=request_id_of(outcome.headers),
        )
    try:
        data = loads(outcome.content)
    except NonFiniteNumber as exc:
        raise ResponseValidationError(
            operation_id=op_id,
            status_code=status,
            problem=f"body holds a number no schema allows: {exc}",
            body=outcome.content[:500],
            request_id=request_id_of(outcome.headers),
        ) from None
    except ValueError:
        raise ResponseValidationError(
            operation_id=op_id,
            status_code=status,
            problem="body is not JSON",
            body=outcome.content[:500],
            request_id=request_id_of(outcome.headers),
        ) from None
    if op_id == UPDATE_CLASS:
        data = _unwrap_class(plan, data)
    if validate:
        _refuse_answer(plan, outcome, data, validator.violations(data), None)
    expected = PutResultResponse if op_id == PUT_RESULT else Class
    try:
        parsed = expected.from_dict(data)
    except MODEL_ERRORS as exc:
        if not validate:
            _refuse_answer(plan, outcome, data, validator.violations(data), exc)
        # valid per the spec yet the generated parser failed: report it, never the raw error
        raise ResponseValidationError(
            operation_id=op_id,
            status_code=status,
            problem=f"could not be parsed into {expected.__name__}: {exc!r}",
            body=data,
            request_id=request_id_of(outcome.headers),
        ) from exc
    model = parsed.result if isinstance(parsed, PutResultResponse) else parsed
    if path_id is not None and model.sourced_id != path_id:
        _refuse_other_resource(plan, outcome, data, path_id, model.sourced_id)
    return model


def _refuse_other_resource(plan: Plan, outcome: Outcome, data: Any, path_id: str, answer_id: object) -> NoReturn:
    """The error for a valid answer about another resource (`fields` as for any other bad field)."""
    what = plan.operation.body_member  # "result", "class": the member that wraps a request body
    raise ResponseValidationError(
        operation_id=plan.operation_id,
        status_code=outcome.status_code,
        problem=f"is for another {what} than the call named (check_response_ids=False accepts such answers)",
        violations=[
            Violation(
                f"{what}.sourcedId",
                f"{json_text(answer_id)} but the path sourcedId is {json_text(path_id)}",
                "sourcedId",
            )
        ],
        body=data,
        request_id=request_id_of(outcome.headers),
    )


def _refuse_answer(
    plan: Plan, outcome: Outcome, data: Any, violations: list[Violation], cause: Exception | None
) -> None:
    if violations:
        raise ResponseValidationError(
            operation_id=plan.operation_id,
            status_code=outcome.status_code,
            problem="body breaks openapi.yaml",
            violations=violations,
            body=data,
            request_id=request_id_of(outcome.headers),
        ) from cause
