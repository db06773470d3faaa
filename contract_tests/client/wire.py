"""Drive the generated client over `httpx.MockTransport`: what it sends, and what it makes of answers.

The generated `AuthenticatedClient` is built the way a user builds it (base URL, token), with the
transport passed through `httpx_args`, so the SDK constructs its own `httpx.Client` and adds the
`Authorization` header itself. (`set_httpx_client()` would bypass that: the header is only added
when the SDK builds the httpx client.) The generated module and model names are derived from the
spec with the generator's own naming rules, so the tests follow a renamed schema or operation.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx
import oneroster_client.models
from oneroster_client import AuthenticatedClient
from openapi_python_client.strings import ClassName, PythonIdentifier

from oneroster_kit.contract import operation
from oneroster_kit.spec import load_spec

__all__ = ["TOKEN", "Wire", "api_module", "attribute_name", "base_url", "model_at", "model_class", "set_in_model"]

TOKEN = "contract-test-token"


def base_url() -> str:
    """The spec's first server: the URL a default-configured client talks to."""
    return str(load_spec()["servers"][0]["url"])


def api_module(operation_id: str) -> ModuleType:
    """`oneroster_client.api.<first tag>.<operationId in snake case>`, as the generator names it."""
    tag = operation(operation_id).definition["tags"][0]
    return importlib.import_module(
        f"oneroster_client.api.{PythonIdentifier(tag, prefix='')}.{PythonIdentifier(operation_id, prefix='')}"
    )


def model_class(schema_name: str) -> Any:
    """The generated model class of a component schema (`Class`, `PutResultResponse`, ...)."""
    return getattr(oneroster_client.models, ClassName(schema_name, prefix=""))


def attribute_name(json_name: str) -> str:
    """The model attribute the generator makes of a JSON property name (`lineItem` -> `line_item`)."""
    # The generator's default `field_prefix` is "field_" (scripts/generator-config.yaml keeps it).
    return PythonIdentifier(json_name, prefix="field_")


def model_at(model: Any, path: tuple[str | int, ...]) -> Any:
    """The value inside a parsed model tree at a concrete JSON path (`("class", "terms", 0)`)."""
    current = model
    for part in path:
        current = current[part] if isinstance(part, int) else getattr(current, attribute_name(part))
    return current


def set_in_model(model: Any, path: tuple[str | int, ...], value: Any) -> None:
    """Assign inside a model tree, as a caller would (`result.score_date = ...`); no validation runs."""
    parent = model_at(model, path[:-1])
    last = path[-1]
    if isinstance(last, int):
        parent[last] = value
    else:
        setattr(parent, attribute_name(last), value)


@dataclass
class Wire:
    """A generated client whose every request is recorded and answered with a fixed response."""

    status: int = 204  # 204 (no body; undocumented, so `parsed` is None) when only the request matters
    answer: Any = None  # the JSON body to answer with
    sent: list[httpx.Request] = field(default_factory=list)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        if self.status == 204:
            return httpx.Response(204)
        return httpx.Response(
            self.status,
            content=json.dumps(self.answer).encode(),
            headers={"Content-Type": "application/json"},
        )

    def client(self) -> AuthenticatedClient:
        return AuthenticatedClient(
            base_url=base_url(), token=TOKEN, httpx_args={"transport": httpx.MockTransport(self._handle)}
        )

    def call(self, operation_id: str, sourced_id: str, body: Any) -> Any:
        """`sync_detailed` of the operation; returns its `Response` (exceptions propagate raw)."""
        with self.client() as client:
            return api_module(operation_id).sync_detailed(sourced_id, client=client, body=body)

    @property
    def last(self) -> httpx.Request:
        assert len(self.sent) == 1, f"expected exactly one request, the client sent {len(self.sent)}"
        return self.sent[0]
