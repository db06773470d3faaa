"""Item 9: SIGTERM drains requests in progress, closes the store and exits 0.

Was: the process exited by the re-raised signal (status -15) without closing the store.
"""

from __future__ import annotations

import json
import signal
import time

from .conftest import RESULTS, connect, read_response, result_body, start, token_for


def test_sigterm_finishes_the_request_in_progress_closes_the_store_and_exits_0() -> None:
    srv = start()
    try:
        token = token_for(srv)
        body = json.dumps(result_body()).encode()
        head = (
            f"PUT {RESULTS}r-drain HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with connect(srv) as sock:
            sock.sendall(head + body[:10])  # a request in progress when the signal arrives
            time.sleep(0.2)
            srv_process = srv._process
            assert srv_process is not None
            srv_process.send_signal(signal.SIGTERM)
            time.sleep(0.2)
            sock.sendall(body[10:])
            status, _, answer = read_response(sock)
        assert status == 201, answer
        srv_process.wait(timeout=10)
        assert srv.returncode == 0, (srv.returncode, srv.log_text()[-2000:])
        # SQLite removes the -wal file when the last connection closes cleanly
        assert not srv.db_path.with_name(srv.db_path.name + "-wal").exists(), "the store was not closed"
        srv.start()
        token = token_for(srv)
    finally:
        srv.close()
