"""`oneroster_kit.sdk._codec.dumps` writes the JSON value httpx's `json=` writes, and refuses what it refuses.

orjson writes NaN as `null`, serialises datetime/UUID/Enum/dataclasses, and refuses big integers
and lone surrogates; each of those must end exactly where the stdlib ends (the same bytes, or the
same exception type), which is what these tests hold it to.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import math
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.sdk import RequestValidationError
from oneroster_kit.sdk._codec import dumps, stdlib_dumps

from .conftest import RESULT_ID, FakeAPI, result_input


def _same(a: Any, b: Any) -> bool:
    """Equal JSON values, with types kept apart (1 is not 1.0, -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return bool(a == b)


def _outcome(encode: Any, document: Any) -> tuple[str, Any]:
    try:
        return "ok", encode(document)
    except (ValueError, TypeError) as exc:
        return "error", type(exc)


def assert_agrees(document: Any) -> None:
    ours, reference = _outcome(dumps, document), _outcome(stdlib_dumps, document)
    assert ours[0] == reference[0], (document, ours, reference)
    if ours[0] == "error":
        assert ours[1] is reference[1]
    else:
        assert _same(json.loads(ours[1].decode("utf-8")), json.loads(reference[1].decode("utf-8")))


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Text(str):
    pass


@dataclasses.dataclass
class Point:
    x: int


EDGES: list[Any] = [
    2**64 - 1,  # orjson's largest
    2**64,  # beyond: orjson refuses, the stdlib writes it
    -(2**63),
    -(2**63) - 1,
    10**400,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e16,  # written 1e16 by orjson, 1e+16 by the stdlib: the same number
    1e-7,
    5e-324,
    -0.0,
    "é 😀 \u2028 \x00 \x7f",
    "\ud800",  # a lone surrogate: cannot be UTF-8
    "a\udfffb",
    {1: "int key"},  # the stdlib writes the key as "1"; orjson refuses non-str keys
    {True: "bool key"},
    {None: "none key"},
    (1, 2),  # the stdlib writes a tuple as a list
    datetime.datetime(2026, 1, 1),  # orjson would write these; the stdlib refuses them
    datetime.date(2026, 1, 1),
    uuid.UUID(int=1),
    Colour.RED,
    Level.HIGH,  # an int subclass: the stdlib writes 3
    Text("sub"),  # a str subclass: the stdlib writes it as a string
    Point(1),
    b"bytes",
    {"nested": [{"deep": [float("nan")]}]},
    {"nested": [{"deep": [2**70]}]},
    {"nested": [{"deep": ["\udc80"]}]},
    {"nested": [{"deep": [uuid.UUID(int=2)]}]},
]


@pytest.mark.parametrize("document", EDGES, ids=repr)
def test_each_edge_ends_where_the_stdlib_ends(document: Any) -> None:
    assert_agrees(document)
    assert_agrees({"result": {"value": document}})


def test_plain_documents_are_byte_identical_where_floats_print_alike() -> None:
    document = {"a": [1, -2, 2**63, 0.5, True, False, None, "é😀"], "b": {"c": {}}, "d": []}
    assert dumps(document) == stdlib_dumps(document)
    assert dumps(document) == '{"a":[1,-2,9223372036854775808,0.5,true,false,null,"é😀"],"b":{"c":{}},"d":[]}'.encode()


def test_nesting_beyond_the_recursion_limit_ends_as_in_the_stdlib() -> None:
    document: Any = []
    for _ in range(100_000):
        document = [document]
    with pytest.raises(RecursionError):
        stdlib_dumps(document)
    with pytest.raises(RecursionError):
        dumps(document)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**62, max_value=2**66)
    | st.integers(max_value=-(2**62), min_value=-(2**66))
    | st.floats()  # NaN and infinities included
    | st.text(),  # lone surrogates included
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5) | st.integers(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(document=json_values)
@settings(max_examples=400, deadline=None, database=None)
def test_any_document_ends_where_the_stdlib_ends(document: Any) -> None:
    assert_agrees(document)


def test_the_sdk_refuses_nan_and_a_lone_surrogate_and_sends_a_big_integer_exactly(api: FakeAPI, make_client) -> None:
    client = make_client()
    for bad in (float("nan"), float("inf")):
        model = ResultInput.from_dict(result_input())
        model.score = bad
        with pytest.raises(RequestValidationError, match="cannot be serialised"):
            client.put_result(RESULT_ID, model)
    model = ResultInput.from_dict(result_input())
    model.comment = "lone \ud800"
    with pytest.raises(RequestValidationError, match="cannot be serialised"):
        client.put_result(RESULT_ID, model)
    assert api.api_requests == []
    model = ResultInput.from_dict({**result_input(), "extension": 2**70})  # an unknown member, kept as is
    client.put_result(RESULT_ID, model)
    sent = api.api_requests[-1].content
    assert b'"extension":1180591620717411303424' in sent
    assert json.loads(sent)["result"]["extension"] == 2**70
