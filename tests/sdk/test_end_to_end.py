"""The SDK against the real reference server on loopback, with real OAuth2 tokens.

One server process for the module (a fresh one where a test kills it). Every error class that a
real response can produce is raised here by a real response; 400 cannot be provoked through the
SDK (it always sends well-formed UTF-8 JSON as application/json, and refuses NaN or lone
surrogates before sending), and 429/5xx need fault injection, so those are covered with
`httpx.MockTransport` in test_retry.py / test_validation.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from oneroster_client.models.class_ import Class
from oneroster_client.models.result import Result
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.contract import operation
from oneroster_kit.sdk import (
    APIConnectionError,
    AsyncOneRosterClient,
    AuthenticationError,
    ClientCredentialsAuth,
    Environment,
    ForbiddenError,
    NotFoundError,
    OneRosterClient,
    PayloadTooLargeError,
    RequestValidationError,
    SourcedIdMismatchError,
    UnauthorizedError,
    UnprocessableEntityError,
)
from oneroster_kit.server.process import ReferenceServer

from .conftest import FakeClock, Sleeps, result_input, retry_config

pytestmark = pytest.mark.timeout(120)

PUT_SCOPE = operation("putResult").scopes[0]
CLASS_SCOPE = operation("updateClass").scopes[0]


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as srv:
        yield srv


def env_of(srv: ReferenceServer) -> Environment:
    return Environment.custom(srv.base_url, srv.token_url, name="reference")


def client_for(srv: ReferenceServer, **kwargs: Any) -> OneRosterClient:
    kwargs.setdefault("client_id", srv.client_id)
    kwargs.setdefault("client_secret", srv.client_secret)
    return OneRosterClient(environment=env_of(srv), **kwargs)


def test_both_operations_round_trip(server: ReferenceServer) -> None:
    with client_for(server, strict=True) as client:
        body = {**result_input(), "sourcedId": "e2e-result-1"}
        created = client.put_result("e2e-result-1", body)
        again = client.put_result("e2e-result-1", ResultInput.from_dict({**body, "score": 91.0}))
        class_id = server.class_ids[0]
        updated = client.update_class(class_id, {"title": "Algebra I (e2e)", "grades": ["9"]})
    assert isinstance(created, Result) and created.sourced_id == "e2e-result-1"
    assert again.score == 91.0 and again.date_last_modified >= created.date_last_modified
    assert isinstance(updated, Class) and updated.sourced_id == class_id
    assert updated.title == "Algebra I (e2e)" and updated.grades == ["9"]


def test_async_client_shares_one_token_between_sixteen_tasks(server: ReferenceServer) -> None:
    async def main() -> tuple[list[Result], Class, int]:
        async with AsyncOneRosterClient(
            client_id=server.client_id, client_secret=server.client_secret, environment=env_of(server)
        ) as client:
            stored = await asyncio.gather(
                *(
                    client.put_result(f"e2e-async-{i}", {**result_input(), "sourcedId": f"e2e-async-{i}"})
                    for i in range(16)
                )
            )
            updated = await client.update_class(server.class_ids[1], {"location": "Room 9"})
            assert isinstance(client.auth, ClientCredentialsAuth)
            return list(stored), updated, client.auth.token_fetches

    stored, updated, fetches = asyncio.run(main())
    assert [result.sourced_id for result in stored] == [f"e2e-async-{i}" for i in range(16)]
    assert updated.location == "Room 9"
    assert fetches == 1


def test_unknown_token_raises_unauthorized_from_the_real_401(server: ReferenceServer) -> None:
    with (
        OneRosterClient(token="not-a-token", environment=env_of(server)) as client,
        pytest.raises(UnauthorizedError) as caught,
    ):
        client.update_class(server.class_ids[0], {"title": "x"})
    assert caught.value.status_code == 401 and caught.value.code_minor == "unauthorisedrequest"


def test_a_rejected_cached_token_is_refreshed_and_the_call_replayed(server: ReferenceServer) -> None:
    with client_for(server) as client:
        client.update_class(server.class_ids[0], {"title": "before"})
        auth = client.auth
        assert isinstance(auth, ClientCredentialsAuth)
        auth._token = type(auth._token)("Bearer forged", float("inf"))  # type: ignore[misc, arg-type]
        updated = client.update_class(server.class_ids[0], {"title": "after"})
    assert updated.title == "after" and auth.token_fetches == 2


def test_a_token_expiring_mid_run_is_refreshed_after_the_real_401(server: ReferenceServer) -> None:
    frozen = FakeClock()  # the SDK believes the token is fresh; only the server knows it expired
    auth = ClientCredentialsAuth(
        server.token_url, server.client_id, server.client_secret, extra_params={"expires_in": "1"}, clock=frozen
    )
    with OneRosterClient(auth=auth, environment=env_of(server)) as client:
        client.update_class(server.class_ids[0], {"title": "first"})
        time.sleep(1.2)  # past the server-side lifetime of the 1 s token
        updated = client.update_class(server.class_ids[0], {"title": "second"})
    assert updated.title == "second" and auth.token_fetches == 2


def test_rejected_credentials_raise_authentication_error(server: ReferenceServer) -> None:
    with client_for(server, client_secret="wrong-secret") as client, pytest.raises(AuthenticationError) as caught:
        client.put_result("e2e-result-2", result_input() | {"sourcedId": "e2e-result-2"})
    assert caught.value.status_code == 401 and caught.value.error == "invalid_client"
    assert "wrong-secret" not in str(caught.value)


@pytest.mark.parametrize(("scope", "operation_id"), [(CLASS_SCOPE, "putResult"), (PUT_SCOPE, "updateClass")])
def test_a_token_without_the_operations_scope_raises_forbidden(server: ReferenceServer, scope, operation_id) -> None:
    with client_for(server, scope=scope) as client, pytest.raises(ForbiddenError) as caught:
        if operation_id == "putResult":
            client.put_result("e2e-result-3", {**result_input(), "sourcedId": "e2e-result-3"})
        else:
            client.update_class(server.class_ids[0], {"title": "x"})
    assert caught.value.status_code == 403 and caught.value.code_minor == "forbidden"
    assert operation(operation_id).scopes[0] in str(caught.value)


def test_an_unknown_class_raises_not_found(server: ReferenceServer) -> None:
    with client_for(server) as client, pytest.raises(NotFoundError) as caught:
        client.update_class("e2e-no-such-class", {"title": "x"})
    assert caught.value.code_minor == "unknownobject" and "e2e-no-such-class" in str(caught.value)


def test_an_invalid_enum_sent_without_strict_mode_raises_unprocessable(server: ReferenceServer) -> None:
    model = ResultInput.from_dict({**result_input(), "sourcedId": "e2e-result-4"})
    model.score_status = "graded"  # type: ignore[assignment]
    with client_for(server, strict=False) as client, pytest.raises(UnprocessableEntityError) as caught:
        client.put_result("e2e-result-4", model)
    assert caught.value.code_minor == "invaliddata"
    assert "result.scoreStatus" in str(caught.value)
    with client_for(server, strict=True) as client, pytest.raises(RequestValidationError):
        client.put_result("e2e-result-4", model)  # strict mode refuses it before sending


def test_a_body_over_the_size_limit_raises_payload_too_large(server: ReferenceServer) -> None:
    with client_for(server) as client, pytest.raises(PayloadTooLargeError) as caught:
        client.update_class(server.class_ids[0], {"title": "x" * 1_100_000})
    assert caught.value.status_code == 413 and caught.value.code_minor == "invaliddata"


def settled_log(srv: ReferenceServer) -> str:
    """The server's log once no line has arrived for 0.3 s (an earlier test's last line may still be on its way)."""
    text = srv.log_text()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.3)
        later = srv.log_text()
        if later == text:
            break
        text = later
    return text


def test_a_sourced_id_mismatch_never_reaches_the_server(server: ReferenceServer) -> None:
    before = settled_log(server)
    with client_for(server) as client, pytest.raises(SourcedIdMismatchError):
        client.put_result("e2e-result-5", {**result_input(), "sourcedId": "e2e-other"})
    assert server.log_text() == before


def test_a_dead_server_raises_connection_error_after_the_retries_and_recovers(sleeps: Sleeps) -> None:
    with ReferenceServer() as srv, client_for(srv, retry=retry_config(sleeps)) as client:
        client.update_class(srv.class_ids[0], {"title": "alive"})
        srv.kill()
        with pytest.raises(APIConnectionError):
            client.update_class(srv.class_ids[0], {"title": "dead"})
        assert len(sleeps.calls) == 3  # four attempts
        srv.restart()
        assert client.update_class(srv.class_ids[0], {"title": "back"}).title == "back"
