"""The SDK sends the request the generated `sync_detailed` sends for the same model.

(Plus the spec's defaults for members not given: a result's `status`, which the SDK always sends.)

The SDK builds its request with the generated module's `_get_kwargs` and sends it itself (see the
`oneroster_kit.sdk.client` docstring for why); this pins that nothing is lost on the way:
method, URL (path ids percent-encoded as the generator does), content type and body, for requests
schemathesis draws from openapi.yaml. The body is compared as the JSON value it carries, and must be
UTF-8 with a matching Content-Length: the SDK writes it with orjson
(`oneroster_kit.sdk._codec`), which may write a float differently (`1e16` against `1e+16`).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from oneroster_client.api.gradebook import put_result
from oneroster_client.api.rostering import update_class
from oneroster_client.client import AuthenticatedClient
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.put_class_request import PutClassRequest
from oneroster_client.models.put_result_request import PutResultRequest
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.contract import operation
from oneroster_kit.sdk import BearerTokenAuth, OneRosterClient, RetryConfig
from oneroster_kit.strategies import RequestCase, request_cases

from .conftest import FAKE

SENT_FIELDS = ("method", "url", "content-type", "content")


def _sent(request: httpx.Request) -> tuple[Any, ...]:
    content = request.read()
    assert request.headers["content-length"] == str(len(content))
    return (request.method, str(request.url), request.headers.get("content-type"), json.loads(content.decode("utf-8")))


def _recording(into: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        into.append(request)
        return httpx.Response(418, text="recorded")  # undocumented: neither side parses it

    return httpx.MockTransport(handle)


@pytest.mark.filterwarnings("ignore::oneroster_kit.sdk.UnknownMemberWarning")  # drawn bodies hold any member
@pytest.mark.parametrize("operation_id", ["putResult", "updateClass"])
def test_the_sdk_sends_what_the_generated_function_sends(operation_id: str) -> None:
    @given(case=request_cases(operation_id))
    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    def check(case: RequestCase) -> None:
        if not case.sourced_id or not isinstance(case.body, dict):
            return  # refused before sending by the SDK (tested elsewhere); nothing to compare
        sdk_sent: list[httpx.Request] = []
        generated_sent: list[httpx.Request] = []
        generated = AuthenticatedClient(base_url=FAKE.base_url, token="t", raise_on_unexpected_status=False)
        generated.set_httpx_client(httpx.Client(base_url=FAKE.base_url, transport=_recording(generated_sent)))
        with OneRosterClient(
            environment=FAKE,
            auth=BearerTokenAuth("t"),
            retry=RetryConfig(attempts=1),
            transport=_recording(sdk_sent),
        ) as client:
            model: ResultInput | ClassUpdate
            if operation_id == "putResult":
                model = ResultInput.from_dict(case.body["result"])
                # The SDK always sends the spec's defaults (result `status`, spec 1.1.0) when not given.
                result = ResultInput.from_dict({**operation("putResult").request_defaults, **case.body["result"]})
                put_result.sync_detailed(case.sourced_id, client=generated, body=PutResultRequest(result=result))
                call: Any = client.put_result
            else:
                model = update = ClassUpdate.from_dict(case.body["class"])
                update_class.sync_detailed(case.sourced_id, client=generated, body=PutClassRequest(class_=update))
                call = client.update_class
            body_id = getattr(model, "sourced_id", None)
            if isinstance(body_id, str) and body_id != case.sourced_id:
                return  # a mismatching body id is refused by the SDK (tested elsewhere)
            with pytest.raises(Exception, match="recorded"):
                call(case.sourced_id, model)
        generated.get_httpx_client().close()
        assert len(sdk_sent) == len(generated_sent) == 1
        assert dict(zip(SENT_FIELDS, _sent(sdk_sent[0]), strict=True)) == dict(
            zip(SENT_FIELDS, _sent(generated_sent[0]), strict=True)
        )

    check()
