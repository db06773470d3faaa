"""`_codec.dumps` writes the JSON value httpx's `json=` writes; `_codec.loads` reads what `json.loads` reads
(except non-finite numbers, which it refuses).

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

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.sdk import RequestValidationError, UnknownMemberWarning
from oneroster_kit.sdk._codec import NonFiniteNumber, dumps, loads, stdlib_dumps

from .conftest import RESULT_ID, FakeAPI, response_example, result_input


def _same(a: Any, b: Any) -> bool:
    """Equal JSON values, with types kept apart (1 is not 1.0, -0.0 is not 0.0; NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
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
@settings(max_examples=200, deadline=None, database=None)
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
    with pytest.warns(UnknownMemberWarning, match="result.extension"):
        client.put_result(RESULT_ID, model)
    sent = api.api_requests[-1].content
    assert b'"extension":1180591620717411303424' in sent
    assert json.loads(sent)["result"]["extension"] == 2**70


# -- reading answers ---------------------------------------------------------------------------


def _non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_non_finite(child) for child in children)


def assert_reads_alike(content: bytes) -> None:
    """`loads` reads as `json.loads` does, except that a non-finite number raises NonFiniteNumber.

    (Where a document holds both a non-finite number and a later syntax error, either error may come first.)
    """
    try:
        reference: tuple[str, Any] = ("ok", json.loads(content))
    except ValueError as exc:
        reference = ("error", type(exc))
    try:
        ours: tuple[str, Any] = ("ok", loads(content))
    except NonFiniteNumber:
        assert reference[0] == "error" or _non_finite(reference[1]), content
        return
    except ValueError as exc:
        ours = ("error", type(exc))
    assert not (reference[0] == "ok" and _non_finite(reference[1])), (content, "a non-finite number was read")
    assert ours[0] == reference[0], (content, ours, reference)
    if ours[0] == "ok":
        assert _same(ours[1], reference[1]), content
    else:
        assert ours[1] is reference[1]


READ_EDGES = [
    b"123456789012345678901234567890",  # orjson would read this as a float, silently
    b'{"score": -9223372036854775809}',
    b'{"score": 18446744073709551616}',
    b"18446744073709551615",
    b"9223372036854775807",
    b"1234567890123456789",
    b"0.1234567890123456789012",
    b"1e400",
    b"-1e400",
    b"1.7976931348623157e309",
    b"0.1e-400",
    b"NaN",
    b"[Infinity, -Infinity]",
    b'"\\ud800"',
    b'"\\udfff x"',
    b'"\\ud83d\\ude00"',
    '"é 😀 \u2028"'.encode(),
    b"\xef\xbb\xbf{}",  # a UTF-8 BOM
    '{"a": "é"}'.encode("utf-16"),
    '{"a": 1}'.encode("utf-32-le"),
    b"\xff\xfe",
    b'"\xed\xa0\x80"',  # a surrogate encoded as UTF-8: invalid
    b'{"a":1,"a":2}',
    b"-0.0",
    b"-0",
    b"1E2",
    b" [1, 2] ",
    b"",
    b"{",
    b"[1,]",
    b'"tab\there"',  # a raw control character in a string: refused by both
    b"01",
    b"1.",
    b"true false",
]


@pytest.mark.parametrize("content", READ_EDGES, ids=repr)
def test_each_answer_edge_reads_as_the_stdlib_reads_it(content: bytes) -> None:
    assert_reads_alike(content)
    assert_reads_alike(b'{"result": {"score": ' + content + b"}}")


@given(document=json_values)
@settings(max_examples=150, deadline=None, database=None)
def test_any_stdlib_written_document_reads_back_alike(document: Any) -> None:
    try:
        text = json.dumps(document)
    except (ValueError, TypeError):
        return
    assert_reads_alike(text.encode())
    assert_reads_alike(json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"))


@given(content=st.binary(max_size=40) | st.from_regex(rb"\A[-+0-9eE.\[\]{},:\x22 tfnrulsaNIiy\\]{0,30}\Z"))
@settings(max_examples=200, deadline=None, database=None)
def test_any_bytes_read_alike(content: bytes) -> None:
    assert_reads_alike(content)


@given(mantissa=st.integers(min_value=0, max_value=10**18 - 1), exponent=st.integers(min_value=-330, max_value=310))
@settings(max_examples=150, deadline=None, database=None)
def test_floats_round_alike(mantissa: int, exponent: int) -> None:
    assert_reads_alike(f"{mantissa}e{exponent}".encode())
    assert_reads_alike(f"0.{mantissa:018d}e{exponent}".encode())


def test_the_sdk_reads_a_big_integer_in_an_answer_exactly(api: FakeAPI, make_client) -> None:
    body = response_example("putResult", 201)
    body["result"]["sourcedId"] = RESULT_ID
    content = json.dumps(body).encode()[:-2] + b', "extension": 1180591620717411303424}}'  # 2**70
    api.script = [httpx.Response(201, content=content, headers={"Content-Type": "application/json"})]
    stored = make_client().put_result(RESULT_ID, ResultInput.from_dict(result_input()))
    assert stored.additional_properties["extension"] == 2**70
    assert type(stored.additional_properties["extension"]) is int
