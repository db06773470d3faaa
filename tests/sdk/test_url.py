"""`client._absolute` builds the URL httpx's own `_merge_url` builds, for any id and base URL.

The SDK joins the base URL and the generated path itself (parsing once, not twice); these tests
hold the result to httpx's, component by component, for ids hypothesis draws (any text, quoted by
the generated `_get_kwargs`) and for base URLs with ports, path prefixes, IPv6 hosts and userinfo.
"""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oneroster_client.api.gradebook import put_result
from oneroster_client.api.rostering import update_class
from oneroster_client.models.class_update import ClassUpdate
from oneroster_client.models.put_class_request import PutClassRequest
from oneroster_client.models.put_result_request import PutResultRequest
from oneroster_client.models.result_input import ResultInput

from oneroster_kit.sdk.client import _absolute

from .conftest import result_input

BASES = [
    "http://127.0.0.1:8123",
    "https://api.example.com/",
    "https://api.example.com/prefix/v2",
    "https://api.example.com/prefix/v2/",
    "http://user:pw@[::1]:9000/a%20b/",
    "http://EXAMPLE.com:80/x",
    "https://api.example.com/base?q=1",  # left to httpx
    "https://api.example.com/with%2Fslash/",
]


def _path(operation: str, sourced_id: str) -> str:
    """The relative path the generated client builds for this id."""
    if operation == "putResult":
        kwargs = put_result._get_kwargs(sourced_id, body=PutResultRequest(result=ResultInput.from_dict(result_input())))
    else:
        kwargs = update_class._get_kwargs(sourced_id, body=PutClassRequest(class_=ClassUpdate.from_dict({})))
    path: str = kwargs["url"]
    return path


def _assert_same_as_httpx(base: str, path: str) -> None:
    with httpx.Client(base_url=base) as client:
        expected = client._merge_url(path)
        built = client.build_request("PUT", _absolute(client.base_url, path), content=b"{}")
    assert str(built.url) == str(expected)
    assert built.url.raw_path == expected.raw_path
    assert built.url == expected
    assert built.url._uri_reference == expected._uri_reference


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("sourced_id", ["r-1", "a b", "ä/ö", ".", "..", ".hidden", "%2E", "~_-.x", "?#&=", "\u2028"])
def test_the_url_is_httpx_s_own(base: str, sourced_id: str) -> None:
    for operation in ("putResult", "updateClass"):
        _assert_same_as_httpx(base, _path(operation, sourced_id))


def test_an_odd_path_is_left_to_httpx() -> None:
    base = httpx.URL("http://h/")
    assert _absolute(base, "/a/./b") == "/a/./b"
    assert _absolute(base, "/a b") == "/a b"
    assert _absolute(httpx.URL("http://h/?q=1"), "/x") == "/x"
    assert isinstance(_absolute(base, "/ims/x%2Fy"), httpx.URL)


@given(sourced_id=st.text(max_size=12), base=st.sampled_from(BASES))
@settings(max_examples=150, deadline=None, database=None)
def test_any_id_gives_httpx_s_url(sourced_id: str, base: str) -> None:
    _assert_same_as_httpx(base, _path("putResult", sourced_id))
