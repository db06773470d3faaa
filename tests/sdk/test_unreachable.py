""" "No answer" says from where: the API or the token endpoint, host and port (issue 18, "The SDK").

`putResult: no answer from the server (ConnectError('[Errno 111] Connection refused'))` left the
user guessing which URL was wrong. Each test points one of the two URLs at a closed loopback port
(bound, its number taken, closed) and the other at a real reference server.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator

import httpx
import pytest

from oneroster_kit.sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncOneRosterClient,
    ClientCredentialsAuth,
    Environment,
    OneRosterClient,
    RetryConfig,
)
from oneroster_kit.server.process import ReferenceServer

from .conftest import result_input

pytestmark = pytest.mark.timeout(120)

ONE_ATTEMPT = RetryConfig(attempts=1)  # the message is the same after retries; no need to wait for them


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as srv:
        yield srv


@pytest.fixture
def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _client(srv: ReferenceServer, environment: Environment) -> OneRosterClient:
    return OneRosterClient(
        client_id=srv.client_id, client_secret=srv.client_secret, environment=environment, retry=ONE_ATTEMPT
    )


def test_an_unreachable_api_is_named_with_its_host_and_port(server: ReferenceServer, closed_port: int) -> None:
    environment = Environment.custom(f"http://127.0.0.1:{closed_port}", server.token_url)
    with _client(server, environment) as client, pytest.raises(APIConnectionError) as caught:
        client.put_result(str(result_input()["sourcedId"]), result_input())
    message = str(caught.value)
    assert re.match(rf"putResult: no answer from the API at 127\.0\.0\.1:{closed_port} \(ConnectError\(", message)
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(client.auth, ClientCredentialsAuth) and client.auth.token_fetches == 1  # the token came


def test_an_unreachable_token_endpoint_is_named_with_its_host_and_port(
    server: ReferenceServer, closed_port: int
) -> None:
    environment = Environment.custom(server.base_url, f"http://127.0.0.1:{closed_port}/oauth2/token")
    with _client(server, environment) as client, pytest.raises(APIConnectionError) as caught:
        client.update_class(server.class_ids[0], {"title": "never sent"})
    assert re.match(
        rf"updateClass: no answer from the token endpoint at 127\.0\.0\.1:{closed_port} \(ConnectError\(",
        str(caught.value),
    )


def test_the_async_client_names_which_one_too(server: ReferenceServer, closed_port: int) -> None:
    async def main() -> list[str]:
        messages = []
        for environment in (
            Environment.custom(f"http://127.0.0.1:{closed_port}", server.token_url),
            Environment.custom(server.base_url, f"http://127.0.0.1:{closed_port}/oauth2/token"),
        ):
            async with AsyncOneRosterClient(
                client_id=server.client_id,
                client_secret=server.client_secret,
                environment=environment,
                retry=ONE_ATTEMPT,
            ) as client:
                with pytest.raises(APIConnectionError) as caught:
                    await client.update_class(server.class_ids[0], {"title": "never sent"})
                messages.append(str(caught.value))
        return messages

    api, token = asyncio.run(main())
    assert api.startswith(f"updateClass: no answer from the API at 127.0.0.1:{closed_port} (ConnectError(")
    assert token.startswith(f"updateClass: no answer from the token endpoint at 127.0.0.1:{closed_port} (")


def test_a_bearer_token_client_names_the_api_and_the_default_port() -> None:
    """No port in the URL: the scheme's default is named (nothing listens on port 80 of 127.0.0.1 here)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 80)) == 0:
            pytest.skip("something listens on 127.0.0.1:80")
    with (
        OneRosterClient(token="a-token-from-elsewhere", base_url="http://127.0.0.1", retry=ONE_ATTEMPT) as client,
        pytest.raises(APIConnectionError, match=r"^updateClass: no answer from the API at 127\.0\.0\.1:80 \("),
    ):
        client.update_class("class-1", {"title": "x"})


def test_a_timeout_names_where_it_waited(server: ReferenceServer) -> None:
    """A timeout is as ambiguous as a refused connection: it names the endpoint the same way."""
    with socket.socket() as silent:  # accepts (the kernel's backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        environment = Environment.custom(server.base_url, f"http://127.0.0.1:{port}/oauth2/token")
        with (
            OneRosterClient(
                client_id=server.client_id,
                client_secret=server.client_secret,
                environment=environment,
                retry=ONE_ATTEMPT,
                timeout=httpx.Timeout(0.3),
            ) as client,
            pytest.raises(APITimeoutError) as caught,
        ):
            client.update_class(server.class_ids[0], {"title": "never sent"})
    assert str(caught.value).startswith(f"updateClass: timed out waiting for the token endpoint at 127.0.0.1:{port} (")
