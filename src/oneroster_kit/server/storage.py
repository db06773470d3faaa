"""SQLite storage of the reference server: one file, WAL, `BEGIN IMMEDIATE` write transactions.

`write_batch` commits a group of writes in one transaction (the server's database thread hands
it every write queued while the previous group committed; see `group_commit`): the commit, the
clock row and the statement overhead are paid once per group instead of once per write.

Documents are stored as the JSON text the server answers with (see `jsondoc.encode`), so a stored
record is exactly what was acknowledged. `dateLastModified` comes from a clock kept in the same
database and advanced inside each write transaction: max(now, last + 1 ms), so it strictly
increases across concurrent writers, restarts and a wall clock that steps back.

Durability: WAL with `synchronous=NORMAL` loses no committed transaction when the process dies
(SIGKILL included); only an operating-system crash or power loss can drop the last commits.
`durable=True` (`--fsync`) selects `synchronous=FULL` for that case too.

The file is created 0600 (SQLite gives its -wal and -shm files the same mode). It holds no
signing key: only a random salt (`token_salt`) from which, with the client secret, the server
derives its token key at start-up (`auth.derive_token_key`), so a reader of the file cannot mint
tokens and rotating the secret invalidates every earlier token. Opening checks that the file is
writable (a real write), so a read-only database stops start-up instead of failing every write.
A lock held elsewhere makes a write wait at most `busy_timeout` seconds, then `DatabaseBusyError`.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from oneroster_kit.server.backend import (
    ClassUpdate,
    DatabaseBusyError,
    ResultUpsert,
    Storage,
    StorageError,
    Write,
    format_timestamp,
)

# The interface's names stay importable from here, where they were first defined.
__all__ = ["ClassUpdate", "DatabaseBusyError", "ResultUpsert", "StorageError", "Store", "Write", "format_timestamp"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (sourced_id TEXT PRIMARY KEY, document TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS classes (sourced_id TEXT PRIMARY KEY, document TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seed_objects (
    kind TEXT NOT NULL, sourced_id TEXT NOT NULL, document TEXT NOT NULL, PRIMARY KEY (kind, sourced_id)
) WITHOUT ROWID;
"""
_SCHEMA_VERSION = "1"


def _create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 unless it exists (SQLite would create it 0644)."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Store(Storage):
    """The server's SQLite database. Safe to call from several threads (writes are serialised)."""

    def __init__(self, path: Path, *, durable: bool = False, busy_timeout: float = 2.0) -> None:
        self.path = path
        try:
            _create_private(path)
        except OSError as error:
            raise StorageError(f"{path}: cannot create the database file: {error.strerror}") from None
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=busy_timeout)
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise StorageError(f"{path}: SQLite refused WAL mode (journal_mode is {mode!r})")
            self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise StorageError(f"{path}: cannot open the database: {error}") from error
        self._lock = threading.Lock()
        try:
            rows = self._open_meta()
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise StorageError(f"{path}: the database is not writable: {error}") from None
        self.token_salt = bytes.fromhex(rows["token_salt"])

    def _open_meta(self) -> dict[str, str]:
        """Check the schema version, create or migrate the meta rows, and prove the file is writable."""
        with self.transaction() as db:
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
            version = rows.get("schema_version")
            if version is not None and version != _SCHEMA_VERSION:
                raise StorageError(f"{self.path}: schema version {version}, this server uses {_SCHEMA_VERSION}")
            self.is_new = version is None
            if self.is_new:
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("schema_version", _SCHEMA_VERSION), ("last_modified_ms", "0")],
                )
            # Databases of earlier versions kept the signing key itself; it goes, and with it their tokens.
            db.execute("DELETE FROM meta WHERE key = 'token_key'")
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('token_salt', ?)", (secrets.token_hex(32),))
            # A real write, also on an existing database: a read-only file fails here, at start-up.
            db.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
            return dict(db.execute("SELECT key, value FROM meta").fetchall())

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (`BEGIN IMMEDIATE`): committed on success, rolled back otherwise.

        DatabaseBusyError when the lock could not be had within the busy timeout.
        """
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if _is_busy(error):
                    raise DatabaseBusyError(str(error)) from None
                raise
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            try:
                self._db.execute("COMMIT")
            except sqlite3.OperationalError as error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if _is_busy(error):
                    raise DatabaseBusyError(str(error)) from None
                raise

    @staticmethod
    def next_timestamp(db: sqlite3.Connection) -> str:
        """The next dateLastModified (strictly after every earlier one); call inside `transaction`."""
        last = int(db.execute("SELECT value FROM meta WHERE key = 'last_modified_ms'").fetchone()[0])
        stamp = max(time.time_ns() // 1_000_000, last + 1)
        db.execute("UPDATE meta SET value = ? WHERE key = 'last_modified_ms'", (str(stamp),))
        return format_timestamp(stamp)

    def write_batch(self, writes: Sequence[Write]) -> list[str | Exception | None]:
        """Apply `writes` in order in one transaction; for each, the stored text, None (no such class) or its error.

        A write whose own build or merge raises is skipped with that error and the others go on; a
        database error (busy, disk full) fails the whole transaction, so none of them is stored.
        Each write gets its own dateLastModified, strictly increasing in the order given.
        """
        outcomes: list[str | Exception | None] = []
        with self.transaction() as db:
            # One statement reserves a stamp per write: max(last + 1, now) .. that + len(writes) - 1.
            count = len(writes)
            reserved = db.execute(
                "UPDATE meta SET value = max(CAST(value AS INTEGER) + ?, ?) WHERE key = 'last_modified_ms' "
                "RETURNING CAST(value AS INTEGER)",
                (count, time.time_ns() // 1_000_000 + count - 1),
            ).fetchone()[0]
            stamp = reserved - count
            results: list[tuple[str, str]] = []
            for write in writes:
                stamp += 1  # unused when the write fails or finds no class: a gap, never a repeat
                try:
                    if isinstance(write, ResultUpsert):
                        document = write.build(format_timestamp(stamp))
                        results.append((write.sourced_id, document))
                    else:
                        row = db.execute(
                            "SELECT document FROM classes WHERE sourced_id = ?", (write.sourced_id,)
                        ).fetchone()
                        if row is None:
                            outcomes.append(None)
                            continue
                        document = write.merge(row[0], format_timestamp(stamp))
                        db.execute("UPDATE classes SET document = ? WHERE sourced_id = ?", (document, write.sourced_id))
                except sqlite3.Error:
                    raise
                except Exception as error:  # this write's own failure: it is answered with it, nothing stored
                    outcomes.append(error)
                    continue
                outcomes.append(document)
            if results:  # in order, so a result written twice in one group keeps the later text
                db.executemany(
                    "INSERT INTO results (sourced_id, document) VALUES (?, ?) "
                    "ON CONFLICT (sourced_id) DO UPDATE SET document = excluded.document",
                    results,
                )
        return outcomes

    def add_seed(self, objects: list[tuple[str, str, str]], classes: list[tuple[str, Callable[[str], str]]]) -> int:
        """Insert seed objects and classes that are not stored yet (never overwrites); returns classes added."""
        added = 0
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO seed_objects (kind, sourced_id, document) VALUES (?, ?, ?)", objects)
            for sourced_id, build in classes:
                if db.execute("SELECT 1 FROM classes WHERE sourced_id = ?", (sourced_id,)).fetchone() is None:
                    document = build(self.next_timestamp(db))
                    db.execute("INSERT INTO classes (sourced_id, document) VALUES (?, ?)", (sourced_id, document))
                    added += 1
        return added

    def get_result(self, sourced_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT document FROM results WHERE sourced_id = ?", (sourced_id,)).fetchone()
        return None if row is None else str(row[0])

    def class_ids(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT sourced_id FROM classes ORDER BY sourced_id")]

    def close(self) -> None:
        self._db.close()


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or (
        "locked" in str(error) or "busy" in str(error)
    )
