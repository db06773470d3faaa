from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.imsx_status_info import ImsxStatusInfo
from ...models.put_result_request import PutResultRequest
from ...models.put_result_response import PutResultResponse
from ...types import Response


def _get_kwargs(
    sourced_id: str,
    *,
    body: PutResultRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/ims/oneroster/gradebook/v1p2/results/{sourced_id}".format(
            sourced_id=quote(str(sourced_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ImsxStatusInfo | PutResultResponse | None:
    if response.status_code == 200:
        response_200 = PutResultResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = PutResultResponse.from_dict(response.json())

        return response_201

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
) -> Response[ImsxStatusInfo | PutResultResponse]:
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
    body: PutResultRequest,
) -> Response[ImsxStatusInfo | PutResultResponse]:
    """Update or create a result

     Upsert: updates the result with this sourcedId or, if none exists, creates it with the
    caller-chosen sourcedId. Repeating the same request is idempotent (the stored result is the
    same; only `dateLastModified` advances).

    **Decision (status code):** both a create and an update answer **201** with
    `{"result": Result}`, as TimeBack's current sources say (TB-OCT, TB-DEC, "Result
    successfully created or updated"); the reference server always answers 201. **200** with
    the same body is also documented, so that a server following TimeBack's superseded May 2025
    spec (TB-MAY: 200 "Result successfully updated") or the usual REST convention for updates
    is not reported as non-conforming for that alone. OneRoster 1.2 answers 201 with no body;
    TimeBack, and this contract, always send the body.

    **Decision (sourcedId in the body):** the path parameter is the identifier. A body
    `sourcedId` is optional; when present it must equal the path value, otherwise the request
    is refused with **422** (`invaliddata`) and nothing is stored. No source documents this
    case; refusing is the only choice that never stores a result under an id the caller did
    not mean.

    **Decision (404):** TimeBack stores `lineItem`, `student`, `class` and `scoreScale` as
    foreign keys (TB-SQL), so a server MAY answer 404 (`unknownobject`) when a referenced
    object does not exist. This is inferred, not documented by TimeBack. The reference server
    stores references as given and never answers 404 here.

    **Decision (scope, 1.1.0):** a token with either name of the result write scope may call:
    TimeBack's declared `https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput`
    (TB-OCT's scope list uses v1p1 URIs) or OneRoster 1.2's
    `https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput` (OR12-GB), written as
    two alternative security requirements. Evidence: Google Classroom's OneRoster 1.2 PUT-result
    tests request the v1p2 name, and with 1.0.0 (v1p1 only) they got no usable token at all.
    Both names mean the same permission on the same operation, so accepting both costs nothing
    and refuses no client; a server MAY grant only one of them to a given client.

    Args:
        sourced_id (str):
        body (PutResultRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImsxStatusInfo | PutResultResponse]
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
    body: PutResultRequest,
) -> ImsxStatusInfo | PutResultResponse | None:
    """Update or create a result

     Upsert: updates the result with this sourcedId or, if none exists, creates it with the
    caller-chosen sourcedId. Repeating the same request is idempotent (the stored result is the
    same; only `dateLastModified` advances).

    **Decision (status code):** both a create and an update answer **201** with
    `{"result": Result}`, as TimeBack's current sources say (TB-OCT, TB-DEC, "Result
    successfully created or updated"); the reference server always answers 201. **200** with
    the same body is also documented, so that a server following TimeBack's superseded May 2025
    spec (TB-MAY: 200 "Result successfully updated") or the usual REST convention for updates
    is not reported as non-conforming for that alone. OneRoster 1.2 answers 201 with no body;
    TimeBack, and this contract, always send the body.

    **Decision (sourcedId in the body):** the path parameter is the identifier. A body
    `sourcedId` is optional; when present it must equal the path value, otherwise the request
    is refused with **422** (`invaliddata`) and nothing is stored. No source documents this
    case; refusing is the only choice that never stores a result under an id the caller did
    not mean.

    **Decision (404):** TimeBack stores `lineItem`, `student`, `class` and `scoreScale` as
    foreign keys (TB-SQL), so a server MAY answer 404 (`unknownobject`) when a referenced
    object does not exist. This is inferred, not documented by TimeBack. The reference server
    stores references as given and never answers 404 here.

    **Decision (scope, 1.1.0):** a token with either name of the result write scope may call:
    TimeBack's declared `https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput`
    (TB-OCT's scope list uses v1p1 URIs) or OneRoster 1.2's
    `https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput` (OR12-GB), written as
    two alternative security requirements. Evidence: Google Classroom's OneRoster 1.2 PUT-result
    tests request the v1p2 name, and with 1.0.0 (v1p1 only) they got no usable token at all.
    Both names mean the same permission on the same operation, so accepting both costs nothing
    and refuses no client; a server MAY grant only one of them to a given client.

    Args:
        sourced_id (str):
        body (PutResultRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImsxStatusInfo | PutResultResponse
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
    body: PutResultRequest,
) -> Response[ImsxStatusInfo | PutResultResponse]:
    """Update or create a result

     Upsert: updates the result with this sourcedId or, if none exists, creates it with the
    caller-chosen sourcedId. Repeating the same request is idempotent (the stored result is the
    same; only `dateLastModified` advances).

    **Decision (status code):** both a create and an update answer **201** with
    `{"result": Result}`, as TimeBack's current sources say (TB-OCT, TB-DEC, "Result
    successfully created or updated"); the reference server always answers 201. **200** with
    the same body is also documented, so that a server following TimeBack's superseded May 2025
    spec (TB-MAY: 200 "Result successfully updated") or the usual REST convention for updates
    is not reported as non-conforming for that alone. OneRoster 1.2 answers 201 with no body;
    TimeBack, and this contract, always send the body.

    **Decision (sourcedId in the body):** the path parameter is the identifier. A body
    `sourcedId` is optional; when present it must equal the path value, otherwise the request
    is refused with **422** (`invaliddata`) and nothing is stored. No source documents this
    case; refusing is the only choice that never stores a result under an id the caller did
    not mean.

    **Decision (404):** TimeBack stores `lineItem`, `student`, `class` and `scoreScale` as
    foreign keys (TB-SQL), so a server MAY answer 404 (`unknownobject`) when a referenced
    object does not exist. This is inferred, not documented by TimeBack. The reference server
    stores references as given and never answers 404 here.

    **Decision (scope, 1.1.0):** a token with either name of the result write scope may call:
    TimeBack's declared `https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput`
    (TB-OCT's scope list uses v1p1 URIs) or OneRoster 1.2's
    `https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput` (OR12-GB), written as
    two alternative security requirements. Evidence: Google Classroom's OneRoster 1.2 PUT-result
    tests request the v1p2 name, and with 1.0.0 (v1p1 only) they got no usable token at all.
    Both names mean the same permission on the same operation, so accepting both costs nothing
    and refuses no client; a server MAY grant only one of them to a given client.

    Args:
        sourced_id (str):
        body (PutResultRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImsxStatusInfo | PutResultResponse]
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
    body: PutResultRequest,
) -> ImsxStatusInfo | PutResultResponse | None:
    """Update or create a result

     Upsert: updates the result with this sourcedId or, if none exists, creates it with the
    caller-chosen sourcedId. Repeating the same request is idempotent (the stored result is the
    same; only `dateLastModified` advances).

    **Decision (status code):** both a create and an update answer **201** with
    `{"result": Result}`, as TimeBack's current sources say (TB-OCT, TB-DEC, "Result
    successfully created or updated"); the reference server always answers 201. **200** with
    the same body is also documented, so that a server following TimeBack's superseded May 2025
    spec (TB-MAY: 200 "Result successfully updated") or the usual REST convention for updates
    is not reported as non-conforming for that alone. OneRoster 1.2 answers 201 with no body;
    TimeBack, and this contract, always send the body.

    **Decision (sourcedId in the body):** the path parameter is the identifier. A body
    `sourcedId` is optional; when present it must equal the path value, otherwise the request
    is refused with **422** (`invaliddata`) and nothing is stored. No source documents this
    case; refusing is the only choice that never stores a result under an id the caller did
    not mean.

    **Decision (404):** TimeBack stores `lineItem`, `student`, `class` and `scoreScale` as
    foreign keys (TB-SQL), so a server MAY answer 404 (`unknownobject`) when a referenced
    object does not exist. This is inferred, not documented by TimeBack. The reference server
    stores references as given and never answers 404 here.

    **Decision (scope, 1.1.0):** a token with either name of the result write scope may call:
    TimeBack's declared `https://purl.imsglobal.org/spec/or/v1p1/scope/gradebook.createput`
    (TB-OCT's scope list uses v1p1 URIs) or OneRoster 1.2's
    `https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput` (OR12-GB), written as
    two alternative security requirements. Evidence: Google Classroom's OneRoster 1.2 PUT-result
    tests request the v1p2 name, and with 1.0.0 (v1p1 only) they got no usable token at all.
    Both names mean the same permission on the same operation, so accepting both costs nothing
    and refuses no client; a server MAY grant only one of them to a given client.

    Args:
        sourced_id (str):
        body (PutResultRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImsxStatusInfo | PutResultResponse
    """

    return (
        await asyncio_detailed(
            sourced_id=sourced_id,
            client=client,
            body=body,
        )
    ).parsed
