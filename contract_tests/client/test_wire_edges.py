"""What the generated client does with answers outside the contract, and one configuration trap.

These pin today's behaviour of the raw generated layer (the hand-written SDK layer wraps it):
an undocumented status is `parsed=None` (or `errors.UnexpectedStatus` when asked to raise); a
documented status whose body is not JSON (a gateway's HTML page) raises `json.JSONDecodeError`
out of `sync_detailed`; a status code outside `http.HTTPStatus` raises `ValueError` even before
parsing; and a client given its own httpx client through `set_httpx_client()` sends no token.
"""

from __future__ import annotations

import http
import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oneroster_client import AuthenticatedClient, errors

from contract_tests.client.wire import TOKEN, api_module, base_url, model_class
from oneroster_kit.contract import operation, operations
from oneroster_kit.strategies import root_of

OPERATIONS = sorted(operations())
STANDARD = sorted(status.value for status in http.HTTPStatus if status.value >= 200)


def _call(operation_id: str, status: int, content: bytes, *, raise_on_unexpected_status: bool = False) -> Any:
    client = AuthenticatedClient(
        base_url=base_url(),
        token=TOKEN,
        raise_on_unexpected_status=raise_on_unexpected_status,
        httpx_args={"transport": httpx.MockTransport(lambda request: httpx.Response(status, content=content))},
    )
    request = root_of(operation_id, None)
    body = model_class(request.name).from_dict(request.example())
    with client:
        return api_module(operation_id).sync_detailed("id", client=client, body=body)


@pytest.mark.parametrize("operation_id", OPERATIONS)
@settings(deadline=None, max_examples=20)
@given(data=st.data())
def test_undocumented_status_is_parsed_as_none_or_raises_unexpected_status(
    operation_id: str, data: st.DataObject
) -> None:
    documented = operation(operation_id).documented_statuses
    status = data.draw(st.sampled_from([code for code in STANDARD if code not in documented]), label="status")
    content = data.draw(st.binary(max_size=40), label="body")
    response = _call(operation_id, status, content)
    assert (response.status_code, response.parsed, response.content) == (status, None, content)
    with pytest.raises(errors.UnexpectedStatus) as raised:
        _call(operation_id, status, content, raise_on_unexpected_status=True)
    assert (raised.value.status_code, raised.value.content) == (status, content)


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_documented_status_with_a_body_that_is_not_json_raises_json_decode_error(operation_id: str) -> None:
    for status in operation(operation_id).documented_statuses:
        with pytest.raises(json.JSONDecodeError):
            _call(operation_id, status, b"<html><body>502 Bad Gateway</body></html>")


@pytest.mark.parametrize("operation_id", OPERATIONS)
@settings(deadline=None, max_examples=10)
@given(status=st.integers(100, 599).filter(lambda code: code not in {s.value for s in http.HTTPStatus}))
def test_status_outside_http_status_raises_value_error(operation_id: str, status: int) -> None:
    with pytest.raises(ValueError, match=rf"^{status} is not a valid HTTPStatus$"):
        _call(operation_id, status, b"{}")


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_set_httpx_client_sends_no_authorization_header(operation_id: str) -> None:
    """The token is added only when the SDK builds its own httpx client (`httpx_args` keeps it)."""
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(204)

    client = AuthenticatedClient(base_url=base_url(), token=TOKEN)
    client.set_httpx_client(httpx.Client(base_url=base_url(), transport=httpx.MockTransport(record)))
    request = root_of(operation_id, None)
    api_module(operation_id).sync_detailed(
        "id", client=client, body=model_class(request.name).from_dict(request.example())
    )
    assert len(sent) == 1
    assert "Authorization" not in sent[0].headers
