from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.class_ import Class
from ...models.imsx_status_info import ImsxStatusInfo
from ...models.put_class_request import PutClassRequest
from ...types import Response


def _get_kwargs(
    sourced_id: str,
    *,
    body: PutClassRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/ims/oneroster/rostering/v1p2/classes/{sourced_id}".format(
            sourced_id=quote(str(sourced_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Class | ImsxStatusInfo | None:
    if response.status_code == 200:
        response_200 = Class.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ImsxStatusInfo.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ImsxStatusInfo.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ImsxStatusInfo.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ImsxStatusInfo.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ImsxStatusInfo.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ImsxStatusInfo.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ImsxStatusInfo.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ImsxStatusInfo.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ImsxStatusInfo.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Class | ImsxStatusInfo]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    sourced_id: str,
    *,
    client: AuthenticatedClient,
    body: PutClassRequest,
) -> Response[Class | ImsxStatusInfo]:
    """Update a class

     Partial update of an existing class: fields sent replace the stored ones, fields not sent
    keep their values, and the full class is returned. `sourcedId`, `dateLastModified`,
    `course` and `school` cannot be changed here (they are not in the request schema; TimeBack
    documents none of them for this operation). A class id that does not exist answers
    **404** (`unknownobject`); the class is not created.

    **Decision (create):** no source says whether a PUT to an unknown id creates the class;
    TimeBack documents 404 "Class not found" (TB-MAY, TB-OCT, TB-DEC) and describes the
    operation as updating an existing class, so it does not create one.

    **Decision (response shape, revisited in 1.1.0, unchanged):** every TimeBack source
    (SEED-C, TB-MAY, TB-OCT, TB-DEC) documents a bare `Class` for the 200 body, so this contract
    does too, although TimeBack wraps the same object as `{"class": Class}` for GET. The live
    wire shape is unverified. Evidence from clients: `timeback` 0.3.0 parses the answer as
    `{"class": {...}}` and fails on a bare Class (the server has stored the update by then);
    the Speakeasy TypeScript SDK parses the bare Class; `timeback-oneroster` 0.4.0 discards the
    answer. One client against every document is not enough to change the contract, so a
    server answering the envelope is reported as not conforming (the conformance report names
    it as a known client departure); the kit's SDK accepts both shapes so that its users work
    whichever the live API sends.

    **Decision (`school`, not `org`, 1.1.0, unchanged):** the class's school is `school` (a
    GUIDRef of type `org`), as TimeBack and OneRoster 1.2 name it. `timeback` 0.3.0 requires
    `org` instead (Alpha's earlier OneRoster extension used that name); no TimeBack source does,
    so `org` is not added to the answer.

    **Decision (`sourcedId` in the body, 1.1.0):** `timeback` 0.3.0 sends the class's
    `sourcedId` inside `class` (it reads the path id from there). It is not part of
    `ClassUpdate`: like any unknown member it is accepted and ignored, and the path is the
    identifier. The kit's SDK refuses a body id that differs from the path before sending.

    **Decision (scope):** `https://purl.imsglobal.org/spec/or/v1p1/scope/roster.createput`,
    the write scope in TimeBack's list (TB-OCT). OneRoster 1.2 Rostering has no write
    operation and no write scope.

    Unknown members in the request object are allowed (TimeBack's schema does not forbid them)
    and ignored: they are neither stored nor returned.

    Args:
        sourced_id (str):
        body (PutClassRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Class | ImsxStatusInfo]
    """

    kwargs = _get_kwargs(
        sourced_id=sourced_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sourced_id: str,
    *,
    client: AuthenticatedClient,
    body: PutClassRequest,
) -> Class | ImsxStatusInfo | None:
    """Update a class

     Partial update of an existing class: fields sent replace the stored ones, fields not sent
    keep their values, and the full class is returned. `sourcedId`, `dateLastModified`,
    `course` and `school` cannot be changed here (they are not in the request schema; TimeBack
    documents none of them for this operation). A class id that does not exist answers
    **404** (`unknownobject`); the class is not created.

    **Decision (create):** no source says whether a PUT to an unknown id creates the class;
    TimeBack documents 404 "Class not found" (TB-MAY, TB-OCT, TB-DEC) and describes the
    operation as updating an existing class, so it does not create one.

    **Decision (response shape, revisited in 1.1.0, unchanged):** every TimeBack source
    (SEED-C, TB-MAY, TB-OCT, TB-DEC) documents a bare `Class` for the 200 body, so this contract
    does too, although TimeBack wraps the same object as `{"class": Class}` for GET. The live
    wire shape is unverified. Evidence from clients: `timeback` 0.3.0 parses the answer as
    `{"class": {...}}` and fails on a bare Class (the server has stored the update by then);
    the Speakeasy TypeScript SDK parses the bare Class; `timeback-oneroster` 0.4.0 discards the
    answer. One client against every document is not enough to change the contract, so a
    server answering the envelope is reported as not conforming (the conformance report names
    it as a known client departure); the kit's SDK accepts both shapes so that its users work
    whichever the live API sends.

    **Decision (`school`, not `org`, 1.1.0, unchanged):** the class's school is `school` (a
    GUIDRef of type `org`), as TimeBack and OneRoster 1.2 name it. `timeback` 0.3.0 requires
    `org` instead (Alpha's earlier OneRoster extension used that name); no TimeBack source does,
    so `org` is not added to the answer.

    **Decision (`sourcedId` in the body, 1.1.0):** `timeback` 0.3.0 sends the class's
    `sourcedId` inside `class` (it reads the path id from there). It is not part of
    `ClassUpdate`: like any unknown member it is accepted and ignored, and the path is the
    identifier. The kit's SDK refuses a body id that differs from the path before sending.

    **Decision (scope):** `https://purl.imsglobal.org/spec/or/v1p1/scope/roster.createput`,
    the write scope in TimeBack's list (TB-OCT). OneRoster 1.2 Rostering has no write
    operation and no write scope.

    Unknown members in the request object are allowed (TimeBack's schema does not forbid them)
    and ignored: they are neither stored nor returned.

    Args:
        sourced_id (str):
        body (PutClassRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Class | ImsxStatusInfo
    """

    return sync_detailed(
        sourced_id=sourced_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    sourced_id: str,
    *,
    client: AuthenticatedClient,
    body: PutClassRequest,
) -> Response[Class | ImsxStatusInfo]:
    """Update a class

     Partial update of an existing class: fields sent replace the stored ones, fields not sent
    keep their values, and the full class is returned. `sourcedId`, `dateLastModified`,
    `course` and `school` cannot be changed here (they are not in the request schema; TimeBack
    documents none of them for this operation). A class id that does not exist answers
    **404** (`unknownobject`); the class is not created.

    **Decision (create):** no source says whether a PUT to an unknown id creates the class;
    TimeBack documents 404 "Class not found" (TB-MAY, TB-OCT, TB-DEC) and describes the
    operation as updating an existing class, so it does not create one.

    **Decision (response shape, revisited in 1.1.0, unchanged):** every TimeBack source
    (SEED-C, TB-MAY, TB-OCT, TB-DEC) documents a bare `Class` for the 200 body, so this contract
    does too, although TimeBack wraps the same object as `{"class": Class}` for GET. The live
    wire shape is unverified. Evidence from clients: `timeback` 0.3.0 parses the answer as
    `{"class": {...}}` and fails on a bare Class (the server has stored the update by then);
    the Speakeasy TypeScript SDK parses the bare Class; `timeback-oneroster` 0.4.0 discards the
    answer. One client against every document is not enough to change the contract, so a
    server answering the envelope is reported as not conforming (the conformance report names
    it as a known client departure); the kit's SDK accepts both shapes so that its users work
    whichever the live API sends.

    **Decision (`school`, not `org`, 1.1.0, unchanged):** the class's school is `school` (a
    GUIDRef of type `org`), as TimeBack and OneRoster 1.2 name it. `timeback` 0.3.0 requires
    `org` instead (Alpha's earlier OneRoster extension used that name); no TimeBack source does,
    so `org` is not added to the answer.

    **Decision (`sourcedId` in the body, 1.1.0):** `timeback` 0.3.0 sends the class's
    `sourcedId` inside `class` (it reads the path id from there). It is not part of
    `ClassUpdate`: like any unknown member it is accepted and ignored, and the path is the
    identifier. The kit's SDK refuses a body id that differs from the path before sending.

    **Decision (scope):** `https://purl.imsglobal.org/spec/or/v1p1/scope/roster.createput`,
    the write scope in TimeBack's list (TB-OCT). OneRoster 1.2 Rostering has no write
    operation and no write scope.

    Unknown members in the request object are allowed (TimeBack's schema does not forbid them)
    and ignored: they are neither stored nor returned.

    Args:
        sourced_id (str):
        body (PutClassRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Class | ImsxStatusInfo]
    """

    kwargs = _get_kwargs(
        sourced_id=sourced_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sourced_id: str,
    *,
    client: AuthenticatedClient,
    body: PutClassRequest,
) -> Class | ImsxStatusInfo | None:
    """Update a class

     Partial update of an existing class: fields sent replace the stored ones, fields not sent
    keep their values, and the full class is returned. `sourcedId`, `dateLastModified`,
    `course` and `school` cannot be changed here (they are not in the request schema; TimeBack
    documents none of them for this operation). A class id that does not exist answers
    **404** (`unknownobject`); the class is not created.

    **Decision (create):** no source says whether a PUT to an unknown id creates the class;
    TimeBack documents 404 "Class not found" (TB-MAY, TB-OCT, TB-DEC) and describes the
    operation as updating an existing class, so it does not create one.

    **Decision (response shape, revisited in 1.1.0, unchanged):** every TimeBack source
    (SEED-C, TB-MAY, TB-OCT, TB-DEC) documents a bare `Class` for the 200 body, so this contract
    does too, although TimeBack wraps the same object as `{"class": Class}` for GET. The live
    wire shape is unverified. Evidence from clients: `timeback` 0.3.0 parses the answer as
    `{"class": {...}}` and fails on a bare Class (the server has stored the update by then);
    the Speakeasy TypeScript SDK parses the bare Class; `timeback-oneroster` 0.4.0 discards the
    answer. One client against every document is not enough to change the contract, so a
    server answering the envelope is reported as not conforming (the conformance report names
    it as a known client departure); the kit's SDK accepts both shapes so that its users work
    whichever the live API sends.

    **Decision (`school`, not `org`, 1.1.0, unchanged):** the class's school is `school` (a
    GUIDRef of type `org`), as TimeBack and OneRoster 1.2 name it. `timeback` 0.3.0 requires
    `org` instead (Alpha's earlier OneRoster extension used that name); no TimeBack source does,
    so `org` is not added to the answer.

    **Decision (`sourcedId` in the body, 1.1.0):** `timeback` 0.3.0 sends the class's
    `sourcedId` inside `class` (it reads the path id from there). It is not part of
    `ClassUpdate`: like any unknown member it is accepted and ignored, and the path is the
    identifier. The kit's SDK refuses a body id that differs from the path before sending.

    **Decision (scope):** `https://purl.imsglobal.org/spec/or/v1p1/scope/roster.createput`,
    the write scope in TimeBack's list (TB-OCT). OneRoster 1.2 Rostering has no write
    operation and no write scope.

    Unknown members in the request object are allowed (TimeBack's schema does not forbid them)
    and ignored: they are neither stored nor returned.

    Args:
        sourced_id (str):
        body (PutClassRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Class | ImsxStatusInfo
    """

    return (
        await asyncio_detailed(
            sourced_id=sourced_id,
            client=client,
            body=body,
        )
    ).parsed
