"""An answer for another resource than the call named is refused (issue 18, "The SDK").

Against a mock server (Prism answers every call with its example), `put_result("prism-r1", ...)`
returned the example's `result-2026-alg1-quiz3-stu42` and the caller took it for its own. Here the
answers are the real reference server's: the one fault injected (`httpx.MockTransport`) is that
the API request is forwarded to another resource's path, so the server answers, correctly, for
that resource. `check_response_ids=False` is the documented opt-out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from oneroster_kit.sdk import (
    AsyncOneRosterClient,
    Environment,
    OneRosterClient,
    ResponseValidationError,
)
from oneroster_kit.sdk.environment import ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_TOKEN_URL
from oneroster_kit.server.process import ReferenceServer

from .conftest import result_input

pytestmark = pytest.mark.timeout(120)

ASKED_RESULT = "e2e-asked-result"
OTHER_RESULT = "e2e-other-result"
ASKED_CLASS = "class-nope"
_DECODED = ("content-encoding", "content-length", "transfer-encoding")  # httpx hands over the decoded body


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as srv:
        yield srv


def _elsewhere(request: httpx.Request, to_id: str) -> httpx.Request:
    """The request, with an API path's last segment (the sourcedId) replaced by `to_id`."""
    url = request.url
    if not url.path.endswith("/oauth2/token"):
        url = url.copy_with(path=url.path.rsplit("/", 1)[0] + "/" + quote(to_id, safe=""))
    return httpx.Request(request.method, url, headers=request.headers, content=request.content)


def _as_received(answer: httpx.Response) -> httpx.Response:
    headers = [(name, value) for name, value in answer.headers.items() if name.lower() not in _DECODED]
    return httpx.Response(answer.status_code, headers=headers, content=answer.content)


@pytest.fixture
def forwarding() -> Iterator[Any]:
    """`forwarding(to_id)`: a transport to the real server that sends each API request to `to_id`."""
    real = httpx.Client()

    def make(to_id: str) -> httpx.MockTransport:
        return httpx.MockTransport(lambda request: _as_received(real.send(_elsewhere(request, to_id))))

    yield make
    real.close()


def _async_forwarding(to_id: str, real: httpx.AsyncClient) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        return _as_received(await real.send(_elsewhere(request, to_id)))

    return httpx.MockTransport(handler)


def _env(srv: ReferenceServer) -> Environment:
    return Environment.custom(srv.base_url, srv.token_url, name="reference")


def _result_without_id() -> dict[str, Any]:
    """A valid result with no body sourcedId, so the only id is the path's (which the fault changes)."""
    return {key: value for key, value in result_input().items() if key != "sourcedId"}


def _credentials(srv: ReferenceServer) -> dict[str, Any]:
    return {"client_id": srv.client_id, "client_secret": srv.client_secret, "environment": _env(srv)}


@pytest.mark.parametrize("validate_responses", [True, False])
def test_a_result_answer_for_another_result_is_a_response_validation_error(
    server: ReferenceServer, forwarding: Any, validate_responses: bool
) -> None:
    with (
        OneRosterClient(
            **_credentials(server), transport=forwarding(OTHER_RESULT), validate_responses=validate_responses
        ) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.put_result(ASKED_RESULT, _result_without_id())
    error = caught.value
    assert error.fields == ["result.sourcedId"]
    assert error.operation_id == "putResult" and error.status_code in (200, 201)
    assert f'"{OTHER_RESULT}" but the path sourcedId is "{ASKED_RESULT}"' in str(error)
    assert "check_response_ids=False" in str(error)


def test_a_class_answer_for_another_class_is_a_response_validation_error(
    server: ReferenceServer, forwarding: Any
) -> None:
    other = server.class_ids[0]
    with (
        OneRosterClient(**_credentials(server), transport=forwarding(other)) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.update_class(ASKED_CLASS, {"title": "Algebra I (wrong answer)"})
    assert caught.value.fields == ["class.sourcedId"]
    assert f'"{other}" but the path sourcedId is "{ASKED_CLASS}"' in str(caught.value)


def test_the_async_client_refuses_an_answer_for_another_resource_too(server: ReferenceServer) -> None:
    async def main() -> list[ResponseValidationError]:
        errors = []
        async with httpx.AsyncClient() as real:
            async with AsyncOneRosterClient(
                **_credentials(server), transport=_async_forwarding(OTHER_RESULT, real)
            ) as c:
                with pytest.raises(ResponseValidationError) as caught:
                    await c.put_result(ASKED_RESULT, _result_without_id())
                errors.append(caught.value)
            to_class = _async_forwarding(server.class_ids[1], real)
            async with AsyncOneRosterClient(**_credentials(server), transport=to_class) as c:
                with pytest.raises(ResponseValidationError) as caught:
                    await c.update_class(ASKED_CLASS, {"location": "Room 9"})
                errors.append(caught.value)
        return errors

    errors = asyncio.run(main())
    assert [error.fields for error in errors] == [["result.sourcedId"], ["class.sourcedId"]]
    assert ASKED_RESULT in str(errors[0]) and OTHER_RESULT in str(errors[0])
    assert ASKED_CLASS in str(errors[1]) and server.class_ids[1] in str(errors[1])


def test_check_response_ids_false_accepts_the_other_resources_answer(server: ReferenceServer, forwarding: Any) -> None:
    env = {
        ENV_CLIENT_ID: server.client_id,
        ENV_CLIENT_SECRET: server.client_secret,
        ENV_BASE_URL: server.base_url,
        ENV_TOKEN_URL: server.token_url,
    }
    other = server.class_ids[2]
    for client in (
        OneRosterClient(**_credentials(server), transport=forwarding(other), check_response_ids=False),
        OneRosterClient.from_env(env=env, transport=forwarding(other), check_response_ids=False),
    ):
        with client:
            assert client.update_class(ASKED_CLASS, {"title": "accepted"}).sourced_id == other
    with OneRosterClient(**_credentials(server), transport=forwarding(OTHER_RESULT), check_response_ids=False) as c:
        assert c.put_result(ASKED_RESULT, _result_without_id()).sourced_id == OTHER_RESULT

    async def main() -> list[str]:
        async with httpx.AsyncClient() as real:
            clients = (
                AsyncOneRosterClient(
                    **_credentials(server), transport=_async_forwarding(other, real), check_response_ids=False
                ),
                AsyncOneRosterClient.from_env(
                    env=env, transport=_async_forwarding(other, real), check_response_ids=False
                ),
            )
            got = []
            for client in clients:
                async with client:
                    got.append((await client.update_class(ASKED_CLASS, {"title": "accepted"})).sourced_id)
            return got

    assert asyncio.run(main()) == [other, other]
