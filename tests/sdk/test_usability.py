"""Issue 11 ("The SDK") and issue 9 (the class answer envelope): the rough edges a new user meets.

- ONEROSTER_BASE_URL (or base_url=) overriding a preset without the token URL is refused: the
  preset's identity provider would otherwise receive credentials meant for another server;
- members openapi.yaml does not define (`{"titel": "x"}`) are refused in strict mode, and
  warned about otherwise (the server ignores them, so the call "works" and changes nothing);
- the public constructors have real typed signatures (help() and IDEs show every setting), the
  same as the fields of `ClientSettings`, which a client keeps as `client.settings`;
- the curl-shaped envelope `{"result": {...}}` passed to put_result is named as such;
- a class answer wrapped as `{"class": {...}}` is unwrapped, with one INFO line per client.

Against the real reference server (or, for the wrapped answer no correct server sends, the
loopback server of `hostile_server.py`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import typing
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.sdk import (
    AsyncOneRosterClient,
    ClientSettings,
    ConfigurationError,
    Environment,
    OneRosterClient,
    RequestValidationError,
    ResponseValidationError,
    RetryConfig,
    UnknownMemberWarning,
)
from oneroster_kit.server.process import ReferenceServer

from .conftest import response_example, result_input
from .hostile_server import HostileServer, answer, serve

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def reference() -> Iterator[ReferenceServer]:
    with ReferenceServer() as srv:
        yield srv


def client_for(srv: ReferenceServer, **kwargs: Any) -> OneRosterClient:
    return OneRosterClient(
        client_id=srv.client_id,
        client_secret=srv.client_secret,
        environment=Environment.custom(srv.base_url, srv.token_url),
        **kwargs,
    )


# -- the base URL without the token URL --------------------------------------------------------


def test_base_url_from_the_environment_without_the_token_url_is_refused_naming_both() -> None:
    env = {"ONEROSTER_CLIENT_ID": "id", "ONEROSTER_CLIENT_SECRET": "secret", "ONEROSTER_BASE_URL": "http://127.0.0.1:9"}
    with pytest.raises(ConfigurationError) as caught:
        OneRosterClient.from_env(Environment.STAGING, env=env)
    message = str(caught.value)
    assert "ONEROSTER_BASE_URL" in message and "ONEROSTER_TOKEN_URL" in message
    assert Environment.STAGING.token_url in message  # where the credentials would have gone


def test_base_url_argument_without_the_token_url_is_refused_naming_both() -> None:
    with pytest.raises(ConfigurationError, match=r"base_url is set .* but token_url is not"):
        OneRosterClient(
            client_id="id", client_secret="secret", environment=Environment.PRODUCTION, base_url="http://127.0.0.1:9"
        )


def test_a_base_url_equal_to_the_preset_or_with_its_token_url_is_fine() -> None:
    same = {
        "ONEROSTER_CLIENT_ID": "id",
        "ONEROSTER_CLIENT_SECRET": "s",
        "ONEROSTER_BASE_URL": Environment.STAGING.base_url,
    }
    with OneRosterClient.from_env(Environment.STAGING, env=same) as client:
        assert client.base_url == Environment.STAGING.base_url
    both = {
        **same,
        "ONEROSTER_BASE_URL": "http://127.0.0.1:9",
        "ONEROSTER_TOKEN_URL": "http://127.0.0.1:9/oauth2/token",
    }
    with OneRosterClient.from_env(Environment.STAGING, env=both) as client:
        assert client.base_url == "http://127.0.0.1:9"


# -- unknown members ---------------------------------------------------------------------------


def test_an_unknown_class_member_is_refused_in_strict_mode_and_nothing_changes(reference: ReferenceServer) -> None:
    class_id = reference.class_ids[0]
    with client_for(reference, strict=True) as client:
        before = client.update_class(class_id, {"title": "Before the typo"})
        with pytest.raises(RequestValidationError, match=r"nothing was sent: class\.titel") as caught:
            client.update_class(class_id, {"titel": "After the typo"})
        assert caught.value.fields == ["class.titel"]
        after = client.update_class(class_id, {})
    assert before.title == after.title == "Before the typo"


def test_an_unknown_member_is_warned_about_otherwise_and_sent(reference: ReferenceServer) -> None:
    class_id = reference.class_ids[0]
    with client_for(reference) as client:
        with pytest.warns(UnknownMemberWarning, match=r"updateClass: class\.titel not defined") as caught:
            client.update_class(class_id, {"titel": "x", "grades": ["9"]})
        assert caught[0].filename == __file__  # the warning points at the caller's line
        body = {**result_input(), "sourcedId": "unknown-member-1", "lineItem": {"sourcedId": "li", "sourceId": "x"}}
        with pytest.warns(UnknownMemberWarning, match=r"result\.lineItem\.sourceId"):
            client.put_result("unknown-member-1", body)


def test_free_form_and_declared_members_give_no_warning(reference: ReferenceServer) -> None:
    with client_for(reference, strict=True) as client, warnings.catch_warnings():
        warnings.simplefilter("error")
        client.update_class(reference.class_ids[0], {"metadata": {"anything": {"goes": 1}}, "sourcedId": None})
        client.put_result("known-members-1", {**result_input(), "sourcedId": "known-members-1"})


def test_unknown_members_of_a_generated_model_are_refused_in_strict_mode(reference: ReferenceServer) -> None:
    update = ClassUpdate.from_dict({"title": "T"})
    update["titel"] = "x"
    model = ResultInput.from_dict({**result_input(), "sourcedId": "unknown-model-1"})
    model.line_item["sourceId"] = "x"  # a nested model's unknown member
    with client_for(reference, strict=True) as client:
        with pytest.raises(RequestValidationError, match=r"class\.titel"):
            client.update_class(reference.class_ids[0], update)
        with pytest.raises(RequestValidationError, match=r"result\.lineItem\.sourceId"):
            client.put_result("unknown-model-1", model)


# -- typed constructors ------------------------------------------------------------------------

SETTINGS = ("strict", "validate_responses", "timeout", "retry", "deadline", "max_response_bytes")


@pytest.mark.parametrize("constructor", [OneRosterClient, AsyncOneRosterClient, OneRosterClient.from_env])
def test_public_constructors_have_real_typed_signatures(constructor: Any) -> None:
    parameters = inspect.signature(constructor).parameters
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    hints = typing.get_type_hints(constructor.__init__ if inspect.isclass(constructor) else constructor)
    for name in SETTINGS:
        assert name in parameters, name
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert name in hints
    assert hints["strict"] is bool and hints["max_response_bytes"] is int
    assert hints["retry"] == RetryConfig | None
    assert parameters["deadline"].default == 60.0
    if inspect.isclass(constructor):
        assert "deadline:" in (constructor.__init__.__doc__ or "")


@pytest.mark.parametrize("constructor", [OneRosterClient, AsyncOneRosterClient, OneRosterClient.from_env])
def test_every_setting_is_a_keyword_with_the_type_and_default_of_client_settings(constructor: Any) -> None:
    parameters = inspect.signature(constructor).parameters
    hints = typing.get_type_hints(constructor.__init__ if inspect.isclass(constructor) else constructor)
    expected_hints = typing.get_type_hints(ClientSettings)
    defaults = ClientSettings()
    for field in dataclasses.fields(ClientSettings):
        assert parameters[field.name].kind is inspect.Parameter.KEYWORD_ONLY, field.name
        assert parameters[field.name].default == getattr(defaults, field.name), field.name
        assert hints[field.name] == expected_hints[field.name], field.name


def test_a_client_keeps_every_setting_it_was_given_from_the_constructor_or_from_env() -> None:
    chosen = ClientSettings(
        scope="roster.readonly",
        timeout=3.0,
        deadline=7,
        max_response_bytes=1000,
        retry=RetryConfig(attempts=2),
        strict=True,
        validate_responses=False,
        check_response_ids=False,
        headers={"X-Team": "grades"},
    )
    assert chosen.deadline == 7.0 and isinstance(chosen.deadline, float)
    keywords: dict[str, Any] = {field.name: getattr(chosen, field.name) for field in dataclasses.fields(chosen)}
    env = {
        "ONEROSTER_CLIENT_ID": "id",
        "ONEROSTER_CLIENT_SECRET": "s",
        "ONEROSTER_BASE_URL": "http://127.0.0.1:9",
        "ONEROSTER_TOKEN_URL": "http://127.0.0.1:9/oauth2/token",
    }
    with OneRosterClient.from_env(env=env, **keywords) as client:
        assert client.settings == chosen
        assert client.http.headers["X-Team"] == "grades" and client.http.timeout == httpx.Timeout(3.0)
    urls = Environment.custom("http://127.0.0.1:9", "http://127.0.0.1:9/oauth2/token")
    with OneRosterClient(client_id="id", client_secret="s", environment=urls, **keywords) as client:
        assert client.settings == chosen
    async_client = AsyncOneRosterClient.from_env(env=env, **keywords)
    assert async_client.settings == chosen
    asyncio.run(async_client.aclose())
    with OneRosterClient(token="t", base_url="http://127.0.0.1:9") as client:
        assert client.settings == ClientSettings()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"deadline": 0}, "deadline must be a positive number of seconds or None, got 0"),
        ({"max_response_bytes": True}, "max_response_bytes must be a positive int, got True"),
    ],
)
def test_bad_settings_are_refused_the_same_way_however_given(setting: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^OneRoster client: {message}$"):
        ClientSettings(**setting)
    with pytest.raises(ConfigurationError, match=f"^OneRoster client: {message}$"):
        OneRosterClient(token="t", base_url="http://127.0.0.1:9", **setting)


def test_help_shows_the_settings() -> None:
    text = inspect.getdoc(OneRosterClient.__init__) or ""
    shown = str(inspect.signature(OneRosterClient)) + text
    for name in SETTINGS:
        assert name in shown


# -- the curl-shaped envelope ------------------------------------------------------------------


def test_the_request_envelope_passed_to_put_result_is_named(reference: ReferenceServer) -> None:
    with client_for(reference) as client:
        with pytest.raises(
            RequestValidationError, match=r'got the request envelope \{"result": \{\.\.\.\}\}'
        ) as caught:
            client.put_result("envelope-1", {"result": {**result_input(), "sourcedId": "envelope-1"}})
        assert 'pass body["result"]' in str(caught.value)
        assert "required property" not in str(caught.value)
        with pytest.raises(RequestValidationError, match=r'\{"class": \{\.\.\.\}\}'):
            client.update_class(reference.class_ids[0], {"class": {"title": "x"}})


# -- issue 9: the class answer envelope --------------------------------------------------------


@pytest.fixture
def wrapping() -> Iterator[HostileServer]:
    for server in serve():

        def wrapped(request: Any, conn: Any) -> None:
            body = response_example("updateClass", 200)
            body["sourcedId"] = request.path.rsplit("/", 1)[1]
            answer(conn, 200, {"class": body})

        server.api = wrapped
        yield server


def test_a_wrapped_class_answer_is_unwrapped_with_one_info_line(
    wrapping: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="oneroster_kit.sdk")
    with OneRosterClient(
        client_id="c", client_secret="s", base_url=wrapping.base_url, token_url=wrapping.token_url
    ) as client:
        first = client.update_class("class-1", {"title": "x"})
        second = client.update_class("class-2", {"title": "y"})
    assert (first.sourced_id, second.sourced_id) == ("class-1", "class-2")
    notes = [record for record in caplog.records if "wrapped the class answer" in record.getMessage()]
    assert len(notes) == 1 and notes[0].levelno == logging.INFO


def test_a_wrapped_class_answer_is_unwrapped_by_the_async_client(wrapping: HostileServer) -> None:
    async def main() -> str:
        async with AsyncOneRosterClient(
            client_id="c", client_secret="s", base_url=wrapping.base_url, token_url=wrapping.token_url
        ) as client:
            return (await client.update_class("class-3", {"title": "z"})).sourced_id

    assert asyncio.run(main()) == "class-3"


def test_a_wrapped_class_that_breaks_the_spec_is_still_refused(wrapping: HostileServer) -> None:
    wrapping.api = lambda request, conn: answer(conn, 200, {"class": {"sourcedId": "c", "title": 5}})
    with (
        OneRosterClient(
            client_id="c", client_secret="s", base_url=wrapping.base_url, token_url=wrapping.token_url
        ) as c,
        pytest.raises(ResponseValidationError),
    ):
        c.update_class("c", {"title": "x"})
