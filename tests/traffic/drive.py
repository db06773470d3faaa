"""A small deterministic client that exercises a reference server so that its recording holds every
sequence the traffic checks follow: valid and invalid calls, repeats, no token, a token without
the scope, an expired token, an unknown class, an undocumented method and path, values a store may
not keep (long strings, a full-precision score, nested and null metadata), look-alike ids, an enum
value in another case, an unwrapped body and concurrent writes to one id.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from oneroster_kit.conformance.setup import example_body
from oneroster_kit.contract import operation
from oneroster_kit.server.process import ReferenceServer

RESULTS = operation("putResult").path.replace("{sourcedId}", "")
CLASSES = operation("updateClass").path.replace("{sourcedId}", "")
GRADEBOOK, ROSTER = operation("putResult").scopes[0], operation("updateClass").scopes[0]
EXPIRES_IN = 2  # seconds: the short-lived token of the expiry sequence (used once within them, even under load)
EXPIRED_AFTER = EXPIRES_IN + 1.3  # seconds after its grant: past expiry plus the check's 1 s slack
CONCURRENT_BURSTS, CONCURRENT_WRITERS = 3, 4


def _token(client: httpx.Client, server: ReferenceServer, **extra: str) -> str:
    form = {"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret}
    answer = client.post(server.token_url, data={**form, **extra})
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def _concurrent_writes(client: httpx.Client, token: str, result: Callable[..., dict[str, Any]]) -> None:
    """Bursts of PUTs to one id, released together, differing in members early and late in the body
    and every other one with its members in reverse order (so writes made member by member, in step,
    leave a mix)."""
    headers = {"Authorization": f"Bearer {token}"}
    for burst in range(CONCURRENT_BURSTS):
        bodies = []
        for n in range(CONCURRENT_WRITERS):
            inner = result("traffic-atomic", score=float(10 * burst + n), comment=f"writer {n}")["result"]
            inner["missing"] = ("true", "false")[n % 2]
            members = list(inner.items())
            bodies.append({"result": dict(members[::-1] if n % 2 else members)})
        ready = threading.Barrier(CONCURRENT_WRITERS)

        def send(body: dict[str, Any], ready: threading.Barrier = ready) -> None:
            ready.wait()
            client.put(RESULTS + "traffic-atomic", json=body, headers=headers)

        threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def drive(server: ReferenceServer) -> None:
    """Send the fixed sequence of calls; never raises on an HTTP status (faulty servers answer oddly)."""
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        full = _token(client, server)
        gradebook_only = _token(client, server, scope=GRADEBOOK)
        roster_only = _token(client, server, scope=ROSTER)

        def put(path: str, body: Any, token: str | None = full, **headers: str) -> None:
            sent = {"Authorization": f"Bearer {token}"} if token is not None else {}
            client.put(path, json=body, headers={**sent, **headers})
            # writes to one resource closer than 10 ms are not required to advance dateLastModified
            time.sleep(0.012)

        def result(sourced_id: str, **changes: Any) -> dict[str, Any]:
            body = copy.deepcopy(example_body("putResult"))
            body["result"].update(sourcedId=sourced_id, **changes)
            return body

        # a result created, repeated, then replaced by a smaller body
        put(RESULTS + "traffic-r1", result("traffic-r1"))
        # the short-lived token works once. Sent after the full token's first use, so that a faulty
        # server retrying refused requests "with a token that worked before" picks the full one,
        # which does not expire during the run, whatever the machine's load.
        short = _token(client, server, expires_in=str(EXPIRES_IN))
        granted_short = time.monotonic()
        put(RESULTS + "traffic-r0", result("traffic-r0"), short)
        put(RESULTS + "traffic-r1", result("traffic-r1"))
        smaller = result("traffic-r1")
        for name in ("comment", "textScore", "metadata", "learningObjectiveSet"):
            smaller["result"].pop(name, None)
        smaller["result"]["score"] = 91.25
        put(RESULTS + "traffic-r1", smaller)
        put(RESULTS + "traffic-r2", result("traffic-r2", dateLastModified="2001-02-03T04:05:06Z"))
        # invalid requests: each must be refused
        put(RESULTS + "traffic-r3", result("traffic-r3", scoreStatus="graded"))
        missing = result("traffic-r4")
        del missing["result"]["lineItem"]
        put(RESULTS + "traffic-r4", missing)
        put(RESULTS + "traffic-r5", result("traffic-other"))
        client.put(
            RESULTS + "traffic-r6",
            content=b"not json",
            headers={"Authorization": f"Bearer {full}", "Content-Type": "application/json"},
        )
        # auth: no token, malformed, a token without the scope
        put(RESULTS + "traffic-r7", result("traffic-r7"), None)
        client.put(RESULTS + "traffic-r7", json=result("traffic-r7"), headers={"Authorization": "Bearer two words"})
        put(RESULTS + "traffic-r8", result("traffic-r8"), roster_only)
        # classes: an update, then a partial one that must keep the rest
        first, second = server.class_ids[0], server.class_ids[1]
        put(CLASSES + first, {"class": {"title": "Traffic title A", "location": "Traffic room"}})
        put(CLASSES + first, {"class": {"classCode": "TRF-1"}})
        put(CLASSES + first, {"class": {"dateLastModified": "2001-02-03T04:05:06Z"}})
        put(CLASSES + second, {"class": {"location": None}})
        put(CLASSES + "traffic-no-such-class", {"class": {"title": "Nowhere"}})
        put(CLASSES + "traffic-no-such-class", {"class": {"title": "Nowhere"}})
        put(CLASSES + second, {"class": {"title": "x"}}, gradebook_only)
        put(CLASSES + second, {"class": {}}, None)
        # values a store may not keep: long strings, a full-precision score, nested and null metadata
        put(RESULTS + "traffic-long", result("traffic-long", comment="c" * 300, textScore="t" * 256))
        put(RESULTS + "traffic-precise", result("traffic-precise", score=87.123456789))
        put(RESULTS + "traffic-nested", result("traffic-nested", metadata={"rubric": {"part": 2, "marks": {"a": 1}}}))
        put(RESULTS + "traffic-null", result("traffic-null", metadata=None))
        # ids that differ only by letter case, by NFC/NFD, by a trailing space: different records
        for spelling in ("traffic-case", "TRAFFIC-CASE", "traffic-\u00e9", "traffic-e\u0301"):
            put(RESULTS + quote(spelling, safe=""), result(spelling))
        for look_alike in (first.swapcase(), first + " "):
            put(CLASSES + quote(look_alike, safe=""), {"class": {"title": "Look-alike"}})
        # client mistakes a lenient server accepts: an enum value in another case, an unwrapped body
        put(RESULTS + "traffic-enum", result("traffic-enum", scoreStatus="FULLY GRADED"))
        put(RESULTS + "traffic-bare", result("traffic-bare")["result"])
        # concurrent full writes of different values to one id: each must answer a whole write
        _concurrent_writes(client, full, result)
        # undocumented method and path
        client.get(RESULTS + "traffic-r1", headers={"Authorization": f"Bearer {full}"})
        client.get("/ims/oneroster/rostering/v1p2/schools", headers={"Authorization": f"Bearer {full}"})
        # the short-lived token, once it has expired
        time.sleep(max(0.0, EXPIRED_AFTER - (time.monotonic() - granted_short)))
        put(RESULTS + "traffic-r9", result("traffic-r9"), short)
