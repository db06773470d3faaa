"""Group commit: writes queued together share one transaction, and each still gets its own outcome.

Real `Store` on a real database file; the committer's real thread; a second SQLite connection
holds the write lock where the busy path is under test.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from pathlib import Path

import pytest

from oneroster_kit.server.documents import result_document
from oneroster_kit.server.group_commit import GroupCommitter
from oneroster_kit.server.storage import ClassUpdate, DatabaseBusyError, ResultUpsert, Store, Write

STAMP = re.compile(r'"dateLastModified":"([^"]+)"')


def _upsert(sourced_id: str) -> ResultUpsert:
    return ResultUpsert(sourced_id, lambda stamp: result_document(sourced_id, {"status": "active"}, stamp))


def test_concurrent_writes_share_transactions_and_get_increasing_stamps(tmp_path: Path) -> None:
    store = Store(tmp_path / "group.db")
    committer = GroupCommitter(store, busy_timeout=2.0)

    async def write_all() -> list[str | None]:
        return await asyncio.gather(*(committer.write(_upsert(f"r-{index}")) for index in range(200)))

    stored = asyncio.run(write_all())
    committer.close()
    assert committer.writes == 200
    assert committer.groups < 200, "writes queued together were committed one transaction each"
    stamps = [STAMP.search(text or "").group(1) for text in stored]  # type: ignore[union-attr]
    assert stamps == sorted(stamps) and len(set(stamps)) == 200  # queue order, strictly increasing
    for index, text in enumerate(stored):
        assert store.get_result(f"r-{index}") == text  # what was answered is what is stored
    store.close()


def test_a_write_that_fails_on_its_own_leaves_the_rest_of_its_group_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "isolated.db")
    committer = GroupCommitter(store, busy_timeout=2.0)

    def explode(stamp: str) -> str:
        raise RuntimeError("this write's own bug")

    async def write_all() -> list[object]:
        writes: list[Write] = [_upsert("before"), ResultUpsert("broken", explode), _upsert("after")]
        writes.append(ClassUpdate("no-such-class", lambda old, stamp: old))
        return await asyncio.gather(*(committer.write(write) for write in writes), return_exceptions=True)

    before, broken, after, missing_class = asyncio.run(write_all())
    committer.close()
    assert isinstance(broken, RuntimeError) and "own bug" in str(broken)
    assert missing_class is None
    assert store.get_result("before") == before and store.get_result("after") == after
    assert store.get_result("broken") is None
    store.close()


def test_writes_that_cannot_start_within_the_busy_timeout_answer_busy_and_are_never_applied(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    store = Store(path, busy_timeout=0.3)
    committer = GroupCommitter(store, busy_timeout=0.3)
    blocker = sqlite3.connect(path, isolation_level=None, timeout=5)
    blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock

    async def write_all() -> tuple[list[str | BaseException | None], float]:
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(committer.write(_upsert(f"late-{index}")) for index in range(20)), return_exceptions=True
        )
        return outcomes, time.monotonic() - started

    try:
        outcomes, elapsed = asyncio.run(write_all())
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert all(isinstance(outcome, DatabaseBusyError) for outcome in outcomes), outcomes
    assert elapsed < 0.3 + 0.3 + 1.0  # the busy timeout, a sweep interval, and slack for a loaded machine
    time.sleep(0.5)  # the lock is free now: a write answered busy must still not appear later

    async def one_more() -> str | None:
        return await committer.write(_upsert("after-the-lock"))

    assert asyncio.run(one_more()) is not None
    committer.close()
    assert all(store.get_result(f"late-{index}") is None for index in range(20))
    store.close()


def test_close_commits_what_is_queued_before_the_thread_stops(tmp_path: Path) -> None:
    store = Store(tmp_path / "close.db")
    committer = GroupCommitter(store, busy_timeout=2.0)

    async def queue_and_close() -> None:
        pending = [asyncio.ensure_future(committer.write(_upsert(f"q-{index}"))) for index in range(50)]
        await asyncio.sleep(0)  # the writes are queued, not yet handed to the thread
        committer.close()  # as the server does at shutdown: hands them over, waits for the commit
        await asyncio.wait_for(asyncio.gather(*pending), timeout=10)

    asyncio.run(queue_and_close())
    assert all(store.get_result(f"q-{index}") is not None for index in range(50))
    store.close()


@pytest.mark.parametrize("size", [1, 7])
def test_write_batch_reserves_one_stamp_per_write_past_a_future_clock(tmp_path: Path, size: int) -> None:
    path = tmp_path / "clock.db"
    store = Store(path)
    with sqlite3.connect(path) as db:  # as if the wall clock had stepped back past the last stamp
        db.execute("UPDATE meta SET value = ? WHERE key = 'last_modified_ms'", ("4102444800000",))
    stored = store.write_batch([_upsert(f"s-{index}") for index in range(size)])
    stamps = [STAMP.search(text).group(1) for text in stored if isinstance(text, str)]  # type: ignore[union-attr]
    assert stamps == [f"2100-01-01T00:00:00.{index + 1:03d}Z" for index in range(size)]
    with sqlite3.connect(path) as db:
        (last,) = db.execute("SELECT value FROM meta WHERE key = 'last_modified_ms'").fetchone()
    assert int(last) == 4102444800000 + size
    store.close()
