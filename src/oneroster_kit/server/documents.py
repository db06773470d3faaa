"""The stored documents: results and classes as the server returns them.

A stored document is the JSON text of the response object, except that GUIDRef `href`s are kept
relative (`/ims/oneroster/...`) and made absolute with the base URL of each request, so the same
database answers correctly behind any host or port.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from oneroster_kit.contract import SERVER_SET
from oneroster_kit.server.jsondoc import encode, loads_stored

__all__ = [
    "StampedDocument",
    "class_document",
    "guid_ref",
    "merge_class",
    "render_class",
    "result_builder",
    "result_document",
]

# Where each kind of referenced object lives, and the GUIDType it is referenced with.
_REF_KINDS: dict[str, tuple[str, str]] = {
    "course": ("/ims/oneroster/rostering/v1p2/courses/", "course"),
    "school": ("/ims/oneroster/rostering/v1p2/schools/", "org"),
    "term": ("/ims/oneroster/rostering/v1p2/terms/", "academicSession"),
    "resource": ("/ims/oneroster/resources/v1p2/resources/", "resource"),
}
_CLASS_REFS = ("course", "school")
_CLASS_REF_LISTS = {"terms": "term", "resources": "resource"}


def guid_ref(kind: str, sourced_id: str) -> dict[str, str]:
    """A GUIDRef with a relative href; the id is percent-encoded so the href is a valid URI."""
    prefix, guid_type = _REF_KINDS[kind]
    return {
        "href": prefix + quote(sourced_id, safe="", errors="surrogatepass"),
        "sourcedId": sourced_id,
        "type": guid_type,
    }


def result_document(sourced_id: str, result: dict[str, Any], date_last_modified: str) -> str:
    """The stored result: the sent members (already projected on the schema) plus the server-set ones."""
    return result_builder(sourced_id, result)(date_last_modified)


class StampedDocument:
    """A stored result but for its dateLastModified: `head`, then the stamp as a JSON string, then `tail`.

    Calling it with the stamp gives the stored text. A backend that chooses the stamp inside the
    database (PostgreSQL) splices it there from `head` and `tail`; `head` always ends with
    `,"dateLastModified":` and holds no other `"dateLastModified"` (the id before it is a JSON
    string, whose quotes are escaped).
    """

    __slots__ = ("head", "tail")

    def __init__(self, head: str, tail: str) -> None:
        self.head = head
        self.tail = tail

    def __call__(self, date_last_modified: str) -> str:
        return self.head + encode(date_last_modified) + self.tail


def result_builder(sourced_id: str, result: dict[str, Any]) -> StampedDocument:
    """`result_document` in two steps: everything encoded now, the stamp spliced in later.

    sourcedId and dateLastModified come first and are the server's; the sent members follow.

    The server encodes on the event loop and leaves only the splice to the database thread, which
    then holds the GIL for a moment per write instead of for the whole encoding.
    """
    rest = encode({key: value for key, value in result.items() if key not in SERVER_SET})
    head = '{"sourcedId":' + encode(sourced_id) + ',"dateLastModified":'
    return StampedDocument(head, "}" if rest == "{}" else "," + rest[1:])


def merge_class(stored: str, update: dict[str, Any], date_last_modified: str) -> str:
    """The class after a partial update: sent members replace stored ones, the rest stay."""
    document = loads_stored(stored)
    for key, value in update.items():
        if key in _CLASS_REF_LISTS:
            document[key] = [guid_ref(_CLASS_REF_LISTS[key], ref["sourcedId"]) for ref in value]
        else:
            document[key] = value
    document["dateLastModified"] = date_last_modified
    return encode(document)


def render_class(stored: str, base_url: str) -> str:
    """The class as answered: hrefs made absolute with the request's base URL."""
    document = loads_stored(stored)
    for key in _CLASS_REFS:
        ref = document.get(key)
        if isinstance(ref, dict):
            ref["href"] = base_url + ref["href"]
    for key in _CLASS_REF_LISTS:
        for ref in document.get(key) or ():
            ref["href"] = base_url + ref["href"]
    return encode(document)


def class_document(seeded: dict[str, Any], date_last_modified: str) -> str:
    """A seeded class as stored: server-set dateLastModified after sourcedId and status."""
    head = {key: seeded[key] for key in ("sourcedId", "status") if key in seeded}
    return encode({**head, "dateLastModified": date_last_modified, **seeded})
