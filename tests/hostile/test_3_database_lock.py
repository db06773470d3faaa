"""Item 3: a database lock held elsewhere blocks neither the event loop nor the token endpoint.

Was: a lock held by another process for 12 s blocked even /oauth2/token for 11 s, and a longer
hold gave a 500 "database is locked" after 30 s. The server runs with a 0.5 s busy timeout.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx

from oneroster_kit.server.process import ReferenceServer

from .conftest import RESULTS, assert_imsx, result_body, token_for


def test_a_held_lock_gives_503_with_retry_after_and_the_token_endpoint_answers(server: ReferenceServer) -> None:
    headers = {"Authorization": f"Bearer {token_for(server)}"}
    url = server.base_url + RESULTS + "r-locked"
    blocker = sqlite3.connect(server.db_path, isolation_level=None, timeout=5)
    writes: list[httpx.Response] = []
    try:
        blocker.execute("BEGIN IMMEDIATE")  # the write lock, as another process would hold it
        writer = threading.Thread(target=lambda: writes.append(httpx.put(url, json=result_body(), headers=headers)))
        writer.start()
        time.sleep(0.1)
        form = {"grant_type": "client_credentials", "client_id": server.client_id}
        token = httpx.post(server.token_url, data={**form, "client_secret": server.client_secret}, timeout=2)
        assert token.status_code == 200
        writer.join(timeout=10)
        assert writes, "the write did not answer within 10 s while the lock was held"
        response = writes[0]
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "1"
        assert "database is busy" in response.json()["imsx_description"]
        assert_imsx("putResult", 500, response.content)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    retried = httpx.put(url, json=result_body(), headers=headers)
    assert retried.status_code == 201, retried.text
