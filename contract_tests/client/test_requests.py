"""Every valid request the spec allows: the generated model keeps it, and the wire carries it as specified.

For each operation, schemathesis draws valid (sourcedId, body) pairs from openapi.yaml. The body
goes through the generated request model (`from_dict` then `to_dict`) and through `sync_detailed`
over `httpx.MockTransport`; the captured request must have the spec's method, a path whose id
segment is percent-encoded and decodes back to the same id, `Authorization: Bearer <token>`,
`Content-Type: application/json`, and a JSON body that the contract's request validator accepts
and that equals the input (date-times compared as instants, see `instants.py`).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_tests.client.instants import with_instants
from contract_tests.client.wire import TOKEN, Wire, base_url, model_at, model_class, set_in_model
from oneroster_kit.contract import operation, operations
from oneroster_kit.spec_walk import node
from oneroster_kit.strategies import request_cases, root_of
from tests.support.field_cases import instance_nodes, location

OPERATIONS = sorted(operations())

# A sourcedId of exactly "." or ".." is a dot-segment: `quote()` leaves dots alone and httpx then
# removes the segment (RFC 3986 normalisation), so the request goes to another resource. The spec
# forbids both ids (`not: {enum: [".", ".."]}`) but the generated client never checks path
# parameters: that is pinned in `test_dot_segment_ids_are_sent_to_another_path`; the general
# property (valid ids only) never draws them.
DOT_SEGMENTS = (".", "..")

# Ids a caller can plausibly hold that need quoting; schemathesis draws many more at random.
AWKWARD_IDS = [
    "a b",
    "a/b",
    "../x",
    "100%",
    "%2F",
    "a%20b",
    "?q=1#frag",
    "ünïcödé-日本-🎓",
    "+plus&amp;=semi;colon:at@",
    "...",
    " ",
    "tab\tnew\nline",
]

_ENCODED_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+")


def _path_around_id(operation_id: str) -> tuple[str, str]:
    """The raw path before and after the id segment, from the spec's template and server URL."""
    prefix, suffix = re.split(r"\{[^}]+\}", operation(operation_id).path)
    return urlsplit(base_url()).path.rstrip("/") + prefix, suffix


def _assert_sent_as_specified(operation_id: str, sourced_id: str, body: Any, request: Any) -> None:
    op = operation(operation_id)
    root = root_of(operation_id, None)
    server = urlsplit(base_url())
    assert request.method == op.method
    assert (request.url.scheme, request.url.host) == (server.scheme, server.hostname)
    raw_path = request.url.raw_path.decode("ascii")
    before, after = _path_around_id(operation_id)
    assert raw_path.startswith(before) and raw_path.endswith(after), raw_path
    segment = raw_path[len(before) : len(raw_path) - len(after)]
    assert _ENCODED_SEGMENT.fullmatch(segment), f"id segment {segment!r} is not fully percent-encoded"
    assert unquote(segment, errors="strict") == sourced_id
    assert request.url.query == b""
    assert request.headers.get_list("Authorization") == [f"Bearer {TOKEN}"]
    assert request.headers.get_list("Content-Type") == ["application/json"]
    sent = json.loads(request.content)
    assert op.request_validator.violations(sent) == []
    assert with_instants(sent, root.pointer) == with_instants(body, root.pointer)


@pytest.mark.parametrize("operation_id", OPERATIONS)
@settings(deadline=None, max_examples=60)
@given(data=st.data())
def test_every_valid_request_round_trips_and_is_sent_as_specified(operation_id: str, data: st.DataObject) -> None:
    case = data.draw(request_cases(operation_id).filter(lambda c: c.sourced_id not in DOT_SEGMENTS), label="request")
    root = root_of(operation_id, None)
    model = model_class(root.name).from_dict(case.body)
    assert with_instants(model.to_dict(), root.pointer) == with_instants(case.body, root.pointer)
    wire = Wire()
    response = wire.call(operation_id, case.sourced_id, model)
    assert response.parsed is None  # 204 is undocumented: nothing parsed, nothing raised
    _assert_sent_as_specified(operation_id, case.sourced_id, case.body, wire.last)


@pytest.mark.parametrize("sourced_id", AWKWARD_IDS)
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_awkward_ids_are_percent_encoded_and_decode_back(operation_id: str, sourced_id: str) -> None:
    body = root_of(operation_id, None).example()
    wire = Wire()
    wire.call(operation_id, sourced_id, model_class(root_of(operation_id, None).name).from_dict(body))
    _assert_sent_as_specified(operation_id, sourced_id, body, wire.last)


@pytest.mark.parametrize("sourced_id", DOT_SEGMENTS)
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_dot_segment_ids_are_sent_to_another_path(operation_id: str, sourced_id: str) -> None:
    """Today's behaviour of the generated layer: id "." PUTs to the collection path, ".." to its parent.

    The spec forbids both ids, but the generated client does not validate path parameters;
    `quote(id, safe="")` keeps dots, and httpx removes dot-segments from the path. The request is
    well-formed but addresses another resource (the SDK layer refuses these ids before sending).
    """
    body = root_of(operation_id, None).example()
    wire = Wire()
    wire.call(operation_id, sourced_id, model_class(root_of(operation_id, None).name).from_dict(body))
    before, after = _path_around_id(operation_id)
    collection = before.rstrip("/")
    expected = collection if sourced_id == "." else collection.rsplit("/", 1)[0]
    assert wire.last.url.raw_path.decode("ascii") == expected + after


@pytest.mark.parametrize("operation_id", OPERATIONS)
@settings(deadline=None, max_examples=25)
@given(data=st.data())
def test_date_times_set_by_a_caller_are_sent_with_their_offset_or_unvalidated_when_naive(
    operation_id: str, data: st.DataObject
) -> None:
    """A caller sets each date-time of a valid request model to an aware or a naive datetime.

    The model never objects; `to_dict()` writes `isoformat()`. Whole-minute offset: the same
    instant and offset are sent, valid. Naive: no offset is written, and the client sends a body
    that breaks the spec (`... is not a 'date-time'`). An offset with seconds (historical local
    mean time zones, e.g. Europe/Amsterdam before 1937) is written as `+00:19:32`, which is not
    RFC 3339 either.
    """
    root = root_of(operation_id, None)
    case = data.draw(request_cases(operation_id).filter(lambda c: c.sourced_id not in DOT_SEGMENTS), label="request")
    fields = [
        visit.path
        for visit in instance_nodes(case.body, root.pointer)
        if isinstance(node(visit.pointer), dict) and node(visit.pointer).get("format") == "date-time"
    ]
    moment = data.draw(st.datetimes(timezones=st.none() | st.timezones()), label="datetime")
    model = model_class(root.name).from_dict(case.body)
    for path in fields:
        set_in_model(model, path, moment)
        assert model_at(model, path) is moment
    wire = Wire()
    wire.call(operation_id, case.sourced_id, model)
    sent = json.loads(wire.last.content)
    violations = [str(v) for v in operation(operation_id).request_validator.violations(sent)]
    text = moment.isoformat()
    offset = moment.utcoffset()
    if offset is None or offset.total_seconds() % 60:
        assert violations == sorted(f"{location(path)}: {json.dumps(text)} is not a 'date-time'" for path in fields)
    else:
        assert violations == []
    for path in fields:
        assert _json_at(sent, path) == text
    if offset is not None:
        # Same wall-clock time and same offset as the caller's datetime. (Not `==` on the datetimes:
        # Python never finds a zoneinfo datetime in a DST fold or gap equal to one in another zone.)
        written = datetime.datetime.fromisoformat(text)
        assert (written.replace(tzinfo=None), written.utcoffset()) == (moment.replace(tzinfo=None), offset)


def _json_at(document: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        document = document[part]
    return document
