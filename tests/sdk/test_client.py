"""Client construction (arguments, environment, presets), timeouts, closing, and the public surface."""

from __future__ import annotations

import asyncio
import inspect

import httpx
import pytest

import oneroster_kit.sdk as sdk
from oneroster_kit.sdk import (
    AsyncOneRosterClient,
    ConfigurationError,
    Environment,
    OneRosterClient,
    UnauthorizedError,
)
from oneroster_kit.sdk import errors as sdk_errors
from oneroster_kit.spec import load_spec

from .conftest import CLASS_ID, CLIENT_ID, CLIENT_SECRET, FAKE, RESULT_ID, FakeAPI, result_input


def test_presets_are_the_hosts_openapi_yaml_documents() -> None:
    spec = load_spec()
    assert [server["url"] for server in spec["servers"]] == [
        Environment.PRODUCTION.base_url,
        Environment.STAGING.base_url,
    ]
    oauth = spec["components"]["securitySchemes"]["OAuth2"]
    assert oauth["flows"]["clientCredentials"]["tokenUrl"] == Environment.PRODUCTION.token_url
    assert f"`{Environment.STAGING.token_url}`" in oauth["description"]


def test_from_env_reads_the_four_variables(api: FakeAPI) -> None:
    env = {
        "ONEROSTER_CLIENT_ID": CLIENT_ID,
        "ONEROSTER_CLIENT_SECRET": CLIENT_SECRET,
        "ONEROSTER_BASE_URL": FAKE.base_url + "/",
        "ONEROSTER_TOKEN_URL": FAKE.token_url,
    }
    with OneRosterClient.from_env(env=env, transport=api.transport()) as client:
        assert client.base_url == FAKE.base_url
        client.put_result(RESULT_ID, result_input())
    assert str(api.token_requests[0].url) == FAKE.token_url
    assert str(api.api_requests[0].url).startswith(FAKE.base_url + "/ims/oneroster/gradebook/v1p2/results/")


def test_from_env_uses_a_preset_for_urls_not_in_the_environment() -> None:
    env = {"ONEROSTER_CLIENT_ID": "id", "ONEROSTER_CLIENT_SECRET": "secret"}
    with OneRosterClient.from_env(Environment.STAGING, env=env) as client:
        assert client.base_url == Environment.STAGING.base_url
        assert client.auth.token_url == Environment.STAGING.token_url  # type: ignore[attr-defined]
    override = {**env, "ONEROSTER_BASE_URL": "http://127.0.0.1:9", "ONEROSTER_TOKEN_URL": "http://127.0.0.1:9/t"}
    with OneRosterClient.from_env(Environment.STAGING, env=override) as client:
        assert client.base_url == "http://127.0.0.1:9"
        assert client.auth.token_url == "http://127.0.0.1:9/t"  # type: ignore[attr-defined]


def test_from_env_names_every_missing_variable() -> None:
    with pytest.raises(ConfigurationError) as caught:
        OneRosterClient.from_env(env={"ONEROSTER_CLIENT_ID": "id"})
    message = str(caught.value)
    for name in ("ONEROSTER_CLIENT_SECRET", "ONEROSTER_BASE_URL", "ONEROSTER_TOKEN_URL"):
        assert name in message
    assert "ONEROSTER_CLIENT_ID" not in message and "environment=Environment.PRODUCTION" in message


def test_from_env_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEROSTER_CLIENT_ID", "from-os")
    monkeypatch.setenv("ONEROSTER_CLIENT_SECRET", "secret")
    monkeypatch.delenv("ONEROSTER_BASE_URL", raising=False)
    monkeypatch.delenv("ONEROSTER_TOKEN_URL", raising=False)
    with OneRosterClient.from_env(Environment.PRODUCTION) as client:
        assert client.auth.client_id == "from-os"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"client_id": "id", "client_secret": "s"}, "missing base_url, token_url"),
        ({"client_id": "id", "client_secret": "s", "base_url": "api.test", "token_url": "http://t"}, "http(s) URL"),
        ({"token": "t"}, "missing base_url"),
        ({"token": "t", "auth": httpx.BasicAuth("a", "b"), "environment": FAKE}, "not both"),
    ],
)
def test_bad_settings_are_refused_with_their_names(kwargs, problem) -> None:
    with pytest.raises(ConfigurationError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        OneRosterClient(**kwargs)


def test_a_static_token_is_sent_and_a_401_surfaces_without_a_token_request(api: FakeAPI) -> None:
    with (
        OneRosterClient(token="mine", environment=FAKE, transport=api.transport()) as client,
        pytest.raises(UnauthorizedError),
    ):
        client.update_class(CLASS_ID, {"title": "T"})
    assert api.used_tokens == ["Bearer mine"] and api.token_requests == []


def test_default_timeout_and_per_call_override_reach_every_request(api: FakeAPI, make_client) -> None:
    client = make_client(timeout=12.0)
    client.update_class(CLASS_ID, {"title": "T"})
    assert api.token_requests[0].extensions["timeout"] == httpx.Timeout(12.0).as_dict()
    assert api.api_requests[0].extensions["timeout"] == httpx.Timeout(12.0).as_dict()
    client.auth.invalidate()  # type: ignore[attr-defined]
    client.update_class(CLASS_ID, {"title": "T"}, timeout=httpx.Timeout(2.0, connect=1.0))
    assert api.token_requests[1].extensions["timeout"] == httpx.Timeout(2.0, connect=1.0).as_dict()
    assert api.api_requests[1].extensions["timeout"] == httpx.Timeout(2.0, connect=1.0).as_dict()
    client.update_class(CLASS_ID, {"title": "T"})  # the override was for that call only
    assert api.api_requests[2].extensions["timeout"] == httpx.Timeout(12.0).as_dict()


def test_the_default_timeout_is_finite() -> None:
    assert sdk.DEFAULT_TIMEOUT.read == 30.0 and sdk.DEFAULT_TIMEOUT.connect == 10.0


def test_async_per_call_timeout(api: FakeAPI, make_async_client) -> None:
    async def main() -> None:
        async with make_async_client() as client:
            await client.put_result(RESULT_ID, result_input(), timeout=3.5)

    asyncio.run(main())
    assert api.api_requests[0].extensions["timeout"] == httpx.Timeout(3.5).as_dict()


def test_context_managers_close_the_connections(api: FakeAPI, make_client, make_async_client) -> None:
    with make_client() as client:
        client.update_class(CLASS_ID, {"title": "T"})
    assert client.http.is_closed

    async def main() -> AsyncOneRosterClient:
        async with make_async_client() as async_client:
            await async_client.update_class(CLASS_ID, {"title": "T"})
        return async_client

    assert asyncio.run(main()).http.is_closed


def test_public_surface_is_exactly_all() -> None:
    public = {name for name, value in vars(sdk).items() if not name.startswith("_") and not inspect.ismodule(value)}
    assert sdk.__all__ == sorted(public, key=lambda name: (not name.isupper(), name))
    for name in sdk.__all__:
        assert getattr(sdk, name) is not None


def test_the_errors_docstring_draws_the_whole_hierarchy() -> None:
    doc = sdk_errors.__doc__ or ""
    classes = [getattr(sdk_errors, name) for name in sdk_errors.__all__ if isinstance(getattr(sdk_errors, name), type)]
    for cls in classes:
        assert f" {cls.__name__}" in doc, cls.__name__
        assert issubclass(cls, sdk.OneRosterError)
        parent = cls.__mro__[1]
        if parent is not sdk.OneRosterError and parent is not Exception:
            # a subclass is drawn below its parent
            assert doc.index(f" {parent.__name__} ") < doc.index(f" {cls.__name__} ")
    assert issubclass(sdk.APITimeoutError, sdk.APIConnectionError)
    assert issubclass(sdk.SourcedIdMismatchError, sdk.RequestValidationError)
    assert issubclass(sdk.RequestValidationError, ValueError)
