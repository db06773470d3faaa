"""Item 5: rotating the client secret invalidates earlier tokens; the database file holds no key.

Was: tokens survived a restart with a new `--client-secret`; the signing key sat in the
database in plain text, in a file created 0644, and tokens could be minted from it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import stat
import time

import httpx

from oneroster_kit.contract import operation
from oneroster_kit.server.process import ReferenceServer

from .conftest import RESULTS, result_body, start, token_for


def test_a_new_secret_invalidates_earlier_tokens() -> None:
    srv = start(client_secret="first-secret-0123456789")
    try:
        old_token = token_for(srv)
        url = srv.base_url + RESULTS + "r-rotation"
        assert httpx.put(url, json=result_body(), headers={"Authorization": f"Bearer {old_token}"}).status_code == 201
        srv.stop()
        srv.client_secret = "second-secret-9876543210"
        srv.start()
        refused = httpx.put(url, json=result_body(), headers={"Authorization": f"Bearer {old_token}"})
        assert refused.status_code == 401, refused.text
        new_token = token_for(srv)
        assert httpx.put(url, json=result_body(), headers={"Authorization": f"Bearer {new_token}"}).status_code == 201
        srv.stop()
        srv.start()  # same secret again: its tokens stay valid across restarts
        kept = httpx.put(url, json=result_body(), headers={"Authorization": f"Bearer {new_token}"})
        assert kept.status_code == 201, kept.text
    finally:
        srv.close()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_the_database_file_is_private_and_no_stored_value_mints_a_token(server: ReferenceServer) -> None:
    token_for(server)
    mode = stat.S_IMODE(server.db_path.stat().st_mode)
    assert mode == 0o600, oct(mode)
    for suffix in ("-wal", "-shm"):
        companion = server.db_path.with_name(server.db_path.name + suffix)
        if companion.exists():
            assert stat.S_IMODE(companion.stat().st_mode) & 0o077 == 0, (suffix, oct(companion.stat().st_mode))
    with sqlite3.connect(f"file:{server.db_path}?mode=ro", uri=True) as db:
        values = [value for (value,) in db.execute("SELECT value FROM meta")]
    claims = {"c": server.client_id, "s": operation("putResult").scopes, "e": int(time.time() * 1000) + 60_000}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    url = server.base_url + RESULTS + "r-minted"
    for value in values:  # what a reader of the file can try: every stored value as the HMAC key
        for key in {value.encode(), bytes.fromhex(value) if _is_hex(value) else b""}:
            mac = _b64(hmac.new(key, f"v1.{payload}".encode(), hashlib.sha256).digest())
            response = httpx.put(url, json=result_body(), headers={"Authorization": f"Bearer v1.{payload}.{mac}"})
            assert response.status_code == 401, (value[:8], response.text)


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True
