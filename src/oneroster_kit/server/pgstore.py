"""PostgreSQL storage of the reference server: several worker processes (and hosts) on one database.

The same contract as the SQLite `Store` (`backend.Storage`), with psycopg 3 on the server's one
database thread per worker (`group_commit`): one connection per worker process, each group of
writes one transaction.

**One clock rule.** dateLastModified comes from the database server's clock
(`clock_timestamp()`), never from a worker's, and is max(that clock, the resource's stored stamp
+ 1 ms), taken while the resource is locked, so writes to one resource are serialised across
workers and hosts and each one's stamp is strictly after the previous one's, also when the clock
steps back. Writes to different resources do not wait for each other (a single clock row, as in
SQLite, would serialise every write of every worker). The stamp is kept beside the document
(`modified_ms`), so nothing parses JSON to find it.

**Two write paths.** The server's result PUTs (a `StampedDocument`: the text but for its stamp)
are one `INSERT ... ON CONFLICT DO UPDATE` per group, autocommitted: the conflict's row lock
serialises writers of one id, DO UPDATE sees the latest committed row, and the stamp is chosen and
spliced into the text in SQL (one round trip; `_UPSERT_STAMPED`). Class updates (merged in
Python) and any text only Python can build take a transaction-scoped advisory lock per resource
(in one global order, so two groups never deadlock), read the stored stamps and documents after
getting them, and write (`_write_locked`: pipeline mode, two round trips).

**Atomicity.** A result PUT replaces the whole row in one statement under that lock, so
concurrent PUTs to one id from different workers leave exactly one of them, never a merge.

**Values.** Documents are stored as the ASCII JSON text the server answered (`jsondoc.encode`:
non-ASCII and non-BMP text written as escapes), so numbers, strings and nested metadata come back
byte for byte; ids are stored as their UTF-8 bytes (`bytea`): PostgreSQL text cannot hold the NUL
character an id may contain, and byte order is SQLite's order.

**Schema.** Tables `oneroster_meta`, `oneroster_results`, `oneroster_classes`,
`oneroster_seed_objects` in the connection's schema. Start-up creates or migrates them inside a
transaction holding an advisory lock, so several servers starting at once create them once;
migrations are numbered and recorded in `oneroster_meta.schema_version`; a database of a newer
version is refused. The seed is inserted under the same lock, never over an existing row, and
marked done (`seeded`) in the same transaction: until then every server starting seeds, and
whichever comes first inserts the classes (once).

**The database going away.** A lost connection is dropped and the next group reconnects; while
the database cannot be reached each write fails at once with `DatabaseUnavailableError` (503 with
Retry-After), and a write waiting for a lock longer than the busy timeout with
`DatabaseBusyError` (`lock_timeout`). A write whose COMMIT was cut off has an unknown outcome
and is answered 503, never acknowledged. TCP keepalives and `tcp_user_timeout` bound the wait on
a dead network peer; `idle_in_transaction_session_timeout` frees the locks of a stopped worker.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from oneroster_kit.server.backend import (
    ClassUpdate,
    DatabaseBusyError,
    DatabaseUnavailableError,
    ResultUpsert,
    Storage,
    StorageError,
    Write,
    format_timestamp,
)
from oneroster_kit.server.documents import StampedDocument

__all__ = ["PostgresStore", "redact_url"]

# psycopg logs a warning of its own when a connection is lost inside a pipeline; the store says it once per outage.
logging.getLogger("psycopg").setLevel(logging.ERROR)

_MIGRATION_LOCK = 0x6F6E65726F737472  # "onerostr": the advisory lock of start-up (schema, seed)
_NOW_MS = "floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint"
# Migration N brings a database from schema version N to N + 1; never edit one that has shipped.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE oneroster_results (
        sourced_id bytea PRIMARY KEY, document text NOT NULL, modified_ms bigint NOT NULL);
    CREATE TABLE oneroster_classes (
        sourced_id bytea PRIMARY KEY, document text NOT NULL, modified_ms bigint NOT NULL);
    CREATE TABLE oneroster_seed_objects (
        kind text NOT NULL, sourced_id bytea NOT NULL, document text NOT NULL, PRIMARY KEY (kind, sourced_id));
    """,
)
_LOCK_RESOURCES = "SELECT pg_advisory_xact_lock(key) FROM unnest(%b::bigint[]) AS key"
_UPSERT_RESULTS = (
    "INSERT INTO oneroster_results (sourced_id, document, modified_ms) "
    "SELECT * FROM unnest(%b::bytea[], %b::text[], %b::bigint[]) "
    "ON CONFLICT (sourced_id) DO UPDATE SET document = excluded.document, modified_ms = excluded.modified_ms"
)
_UPDATE_CLASSES = (
    "UPDATE oneroster_classes AS c SET document = v.document, modified_ms = v.modified_ms "
    "FROM unnest(%b::bytea[], %b::text[], %b::bigint[]) AS v (sourced_id, document, modified_ms) "
    "WHERE c.sourced_id = v.sourced_id"
)


def _stamp_text(ms: str) -> str:
    """SQL for `backend.format_timestamp(ms)`: 2026-11-20T14:30:00.123Z (UTC, whatever the session's zone)."""
    return f"""to_char(timestamp '1970-01-01' + ({ms}) * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""


# Result upserts whose text is a `StampedDocument` (the server's): one statement, no explicit lock.
# The row lock of ON CONFLICT serialises writers of one id, and DO UPDATE sees the latest committed
# row, so the stamp is max(the database clock, the stored stamp + 1 ms); rows are inserted in id
# order, so two statements never wait for each other in a cycle. The stamp is spliced into the
# text in SQL: `head` + stamp + `tail` on insert, or, when the clock is not past the stored stamp,
# written over the stamp that follows the first `,"dateLastModified":"` (see StampedDocument).
_UPSERT_STAMPED = f"""
INSERT INTO oneroster_results AS r (sourced_id, document, modified_ms)
SELECT v.sourced_id, v.head || '"' || {_stamp_text("clock.ms")} || '"' || v.tail, clock.ms
FROM unnest(%b::bytea[], %b::text[], %b::text[]) AS v (sourced_id, head, tail),
     (SELECT {_NOW_MS} AS ms) AS clock
ON CONFLICT (sourced_id) DO UPDATE SET
    modified_ms = greatest(excluded.modified_ms, r.modified_ms + 1),
    document = CASE WHEN excluded.modified_ms > r.modified_ms THEN excluded.document ELSE overlay(
        excluded.document PLACING {_stamp_text("r.modified_ms + 1")}
        FROM strpos(excluded.document, ',"dateLastModified":"') + 21 FOR 24) END
RETURNING sourced_id, document
"""
# Errors that mean "not now": another session holds the lock, or the statement was cancelled.
_BUSY = (
    pg_errors.LockNotAvailable,
    pg_errors.QueryCanceled,
    pg_errors.DeadlockDetected,
    pg_errors.SerializationFailure,
)
# Errors that mean "the database is not there": connection lost, shutting down, read-only standby, out of resources.
_UNAVAILABLE = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    pg_errors.ReadOnlySqlTransaction,
    pg_errors.InsufficientResources,
    pg_errors.CannotConnectNow,
)


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unreadable URL)"
    host = parts.get("host") or "localhost"
    port = parts.get("port")
    user = parts.get("user")
    where = f"{user}@" if user else ""
    return f"postgresql://{where}{host}{':' + str(port) if port else ''}/{parts.get('dbname') or ''}"


def _id(sourced_id: str) -> bytes:
    return sourced_id.encode("utf-8", "surrogatepass")


def _lock_key(table: str, sourced_id: bytes) -> int:
    """A stable 64-bit advisory lock key per resource (Python's hash() differs between processes)."""
    digest = hashlib.blake2b(table.encode() + b"\0" + sourced_id, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresStore(Storage):
    """The server's PostgreSQL database: one connection, used by one thread at a time."""

    def __init__(self, url: str, *, busy_timeout: float = 2.0) -> None:
        self.url = url
        self.where = redact_url(url)
        self.busy_timeout = busy_timeout
        try:
            given = conninfo_to_dict(url)
        except psycopg.ProgrammingError as error:
            raise StorageError(f"{self.where}: not a valid PostgreSQL URL: {error}") from None
        # Defaults a URL may override: give up connecting after the busy timeout (libpq counts whole
        # seconds, at least 2), and notice a dead peer instead of waiting on it forever.
        defaults: dict[str, Any] = {
            "connect_timeout": max(2, math.ceil(busy_timeout)),
            "application_name": "oneroster-reference-server",
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": max(10_000, int(busy_timeout * 5000)),
        }
        self._params = {**defaults, **given}
        self._lock = threading.Lock()
        self._connection: psycopg.Connection[tuple[Any, ...]] | None = None
        self._unavailable = False  # logged once per outage
        self._serving = False  # outages are logged once the database has been opened
        try:
            rows = self._open_schema()
        except DatabaseBusyError as error:
            raise StorageError(f"{self.where}: cannot open the database: {error}") from None
        self.token_salt = bytes.fromhex(rows["token_salt"])
        self._serving = True

    # -- connection ------------------------------------------------------------------------------
    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        if self._connection is not None and not self._connection.closed:
            return self._connection
        connection: psycopg.Connection[tuple[Any, ...]] | None = None
        try:
            connection = psycopg.connect(**self._params, autocommit=True)
            busy_ms = str(max(1, int(self.busy_timeout * 1000)))
            idle_ms = str(max(10_000, int(self.busy_timeout * 5000)))
            connection.execute(
                "SELECT set_config('lock_timeout', %s, false), "
                "set_config('idle_in_transaction_session_timeout', %s, false), "
                "set_config('timezone', 'UTC', false)",
                [busy_ms, idle_ms],
            )
        except _UNAVAILABLE as error:
            if connection is not None:
                connection.close()
            self._mark_unavailable(error)
            raise DatabaseUnavailableError(_one_line(error)) from None
        if self._unavailable:
            self._unavailable = False
            print(f"postgresql: {self.where} is reachable again", file=sys.stderr, flush=True)
        self._connection = connection
        return connection

    def _mark_unavailable(self, error: BaseException) -> None:
        if self._serving and not self._unavailable:
            self._unavailable = True
            print(f"postgresql: {self.where} is unavailable: {_one_line(error)}", file=sys.stderr, flush=True)

    def _failed(self, connection: psycopg.Connection[tuple[Any, ...]], error: psycopg.Error) -> Exception:
        """What a failed transaction is answered with; the connection is rolled back or dropped."""
        if isinstance(error, _BUSY):
            if self._rollback(connection):
                return DatabaseBusyError(_one_line(error))
        elif not isinstance(error, _UNAVAILABLE) and self._rollback(connection):
            return error  # a real error of the statement (a bug): the caller answers 500
        self._drop(connection)
        self._mark_unavailable(error)
        return DatabaseUnavailableError(_one_line(error))

    def _rollback(self, connection: psycopg.Connection[tuple[Any, ...]]) -> bool:
        try:
            connection.execute("ROLLBACK")
        except psycopg.Error:
            return False
        return True

    def _drop(self, connection: psycopg.Connection[tuple[Any, ...]]) -> None:
        try:
            connection.close()
        finally:
            self._connection = None

    # -- start-up --------------------------------------------------------------------------------
    def _open_schema(self) -> dict[str, str]:
        """Create or migrate the schema under the start-up lock, and prove the database is writable."""
        with self._lock:
            connection = self._connect()
            try:
                connection.execute("BEGIN")
                connection.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS oneroster_meta (key text PRIMARY KEY, value text NOT NULL)"
                )
                rows = dict(connection.execute("SELECT key, value FROM oneroster_meta").fetchall())
                version = int(rows.get("schema_version", "0"))
                if version > len(_MIGRATIONS):
                    connection.execute("ROLLBACK")
                    raise StorageError(
                        f"{self.where}: schema version {version}, this server knows up to {len(_MIGRATIONS)}"
                    )
                # New until a seed has been committed: a server that starts beside another one which
                # created the schema but has not seeded yet seeds too (the seed never inserts twice).
                self.is_new = "seeded" not in rows
                for migration in _MIGRATIONS[version:]:
                    connection.execute(migration.encode())  # several statements: the simple query protocol
                connection.execute(
                    "INSERT INTO oneroster_meta (key, value) VALUES ('schema_version', %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [str(len(_MIGRATIONS))],
                )
                connection.execute(
                    "INSERT INTO oneroster_meta (key, value) VALUES ('token_salt', %s) ON CONFLICT (key) DO NOTHING",
                    [secrets.token_hex(32)],
                )
                rows = dict(connection.execute("SELECT key, value FROM oneroster_meta").fetchall())
                connection.execute("COMMIT")
            except pg_errors.InsufficientPrivilege as error:
                self._rollback(connection)
                raise StorageError(f"{self.where}: the database is not writable: {_one_line(error)}") from None
            except psycopg.Error as error:
                failure = self._failed(connection, error)
                if isinstance(failure, DatabaseBusyError):
                    raise failure from None
                raise StorageError(f"{self.where}: cannot open the database: {_one_line(error)}") from None
            return rows

    # -- writes ----------------------------------------------------------------------------------
    def write_batch(self, writes: Sequence[Write]) -> list[str | Exception | None]:
        with self._lock:
            connection = self._connect()
            try:
                return self._write(connection, writes)
            except psycopg.Error as error:
                raise self._failed(connection, error) from None

    def _write(self, connection: psycopg.Connection[tuple[Any, ...]], writes: Sequence[Write]) -> list[Any]:
        stamped = [w.build for w in writes if isinstance(w, ResultUpsert) and isinstance(w.build, StampedDocument)]
        results = sum(isinstance(w, ResultUpsert) for w in writes)
        if len(stamped) == results == len(writes):  # the server's usual group: result PUTs only
            return self._write_stamped(connection, writes, in_transaction=False)
        connection.execute("BEGIN")
        if len(stamped) == results:  # class updates under their locks, then the results' one statement
            classes = [w for w in writes if isinstance(w, ClassUpdate)]
            outcomes = iter(self._write_locked(connection, classes))
            stored = iter(self._write_stamped(connection, [w for w in writes if isinstance(w, ResultUpsert)], True))
            merged = [next(outcomes) if isinstance(w, ClassUpdate) else next(stored) for w in writes]
        else:
            merged = self._write_locked(connection, writes)
        connection.execute("COMMIT")
        return merged

    def _write_stamped(
        self, connection: psycopg.Connection[tuple[Any, ...]], writes: Sequence[Write], in_transaction: bool
    ) -> list[str | Exception | None]:
        """Result upserts of `StampedDocument`s: one statement per round of distinct ids (usually one)."""
        rounds: list[dict[bytes, StampedDocument]] = [{}]
        placed: list[tuple[int, bytes]] = []  # each write's round and id
        for write in writes:
            assert isinstance(write, ResultUpsert) and isinstance(write.build, StampedDocument)
            sourced_id = _id(write.sourced_id)
            if sourced_id in rounds[-1]:  # the same id twice in one group: a later statement, a later stamp
                rounds.append({})
            rounds[-1][sourced_id] = write.build
            placed.append((len(rounds) - 1, sourced_id))
        if len(rounds) > 1 and not in_transaction:
            connection.execute("BEGIN")
        stored: list[dict[bytes, str]] = []
        for documents in rounds:
            ids = sorted(documents)
            rows = connection.execute(
                _UPSERT_STAMPED, [ids, [documents[i].head for i in ids], [documents[i].tail for i in ids]]
            ).fetchall()
            stored.append({bytes(sourced_id): document for sourced_id, document in rows})
        if len(rounds) > 1 and not in_transaction:
            connection.execute("COMMIT")
        return [stored[number][sourced_id] for number, sourced_id in placed]

    def _write_locked(
        self, connection: psycopg.Connection[tuple[Any, ...]], writes: Sequence[Write]
    ) -> list[str | Exception | None]:
        """Any writes, in the open transaction: a lock per resource, the stored stamps, the texts built here."""
        result_ids = list(dict.fromkeys(_id(w.sourced_id) for w in writes if isinstance(w, ResultUpsert)))
        class_ids = list(dict.fromkeys(_id(w.sourced_id) for w in writes if isinstance(w, ClassUpdate)))
        keys = sorted(
            {_lock_key("results", i) for i in result_ids} | {_lock_key("classes", i) for i in class_ids}
        )  # one global order: two groups never wait for each other in a cycle
        with connection.pipeline():
            connection.execute(_LOCK_RESOURCES, [keys])
            clock = connection.execute(f"SELECT {_NOW_MS}")
            stored_results = connection.execute(
                "SELECT sourced_id, modified_ms FROM oneroster_results WHERE sourced_id = ANY(%b)", [result_ids]
            )
            stored_classes = connection.execute(
                "SELECT sourced_id, document, modified_ms FROM oneroster_classes WHERE sourced_id = ANY(%b)",
                [class_ids],
            )
            now: int = _first(clock)
            last: dict[tuple[str, bytes], int] = {("results", bytes(i)): ms for i, ms in stored_results.fetchall()}
            documents: dict[bytes, str] = {}
            for sourced_id, document, ms in stored_classes.fetchall():
                last[("classes", bytes(sourced_id))] = ms
                documents[bytes(sourced_id)] = document

        outcomes: list[str | Exception | None] = []
        results: dict[bytes, tuple[str, int]] = {}  # the last write per id is the one stored
        classes: dict[bytes, tuple[str, int]] = {}
        for write in writes:
            sourced_id = _id(write.sourced_id)
            table = "results" if isinstance(write, ResultUpsert) else "classes"
            stamp = max(now, last.get((table, sourced_id), now - 1) + 1)
            try:
                if isinstance(write, ResultUpsert):
                    document = write.build(format_timestamp(stamp))
                    results[sourced_id] = (document, stamp)
                else:
                    old = classes[sourced_id][0] if sourced_id in classes else documents.get(sourced_id)
                    if old is None:
                        outcomes.append(None)
                        continue
                    document = write.merge(old, format_timestamp(stamp))
                    classes[sourced_id] = (document, stamp)
            except Exception as error:  # this write's own failure: it is answered with it, nothing stored
                outcomes.append(error)
                continue
            last[(table, sourced_id)] = stamp
            outcomes.append(document)

        with connection.pipeline():
            for statement, rows in ((_UPSERT_RESULTS, results), (_UPDATE_CLASSES, classes)):
                if rows:
                    ids = sorted(rows)
                    connection.execute(statement, [ids, [rows[i][0] for i in ids], [rows[i][1] for i in ids]])
        return outcomes

    def add_seed(self, objects: list[tuple[str, str, str]], classes: list[tuple[str, Callable[[str], str]]]) -> int:
        with self._lock:
            connection = self._connect()
            try:
                connection.execute("BEGIN")
                connection.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
                now: int = _first(connection.execute(f"SELECT {_NOW_MS}"))
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO oneroster_seed_objects (kind, sourced_id, document) VALUES (%s, %s, %s) "
                        "ON CONFLICT DO NOTHING",
                        [(kind, _id(sourced_id), document) for kind, sourced_id, document in objects],
                    )
                added = 0
                for sourced_id, build in classes:
                    inserted = connection.execute(
                        "INSERT INTO oneroster_classes (sourced_id, document, modified_ms) VALUES (%s, %s, %s) "
                        "ON CONFLICT DO NOTHING",
                        [_id(sourced_id), build(format_timestamp(now)), now],
                    )
                    added += inserted.rowcount
                connection.execute(
                    "INSERT INTO oneroster_meta (key, value) VALUES ('seeded', %s) ON CONFLICT (key) DO NOTHING",
                    [format_timestamp(now)],
                )
                connection.execute("COMMIT")
            except psycopg.Error as error:
                raise self._failed(connection, error) from None
            return added

    # -- reads -----------------------------------------------------------------------------------
    def _read(self, query: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            connection = self._connect()
            try:
                return connection.execute(query, params).fetchall()
            except psycopg.Error as error:
                raise self._failed(connection, error) from None

    def get_result(self, sourced_id: str) -> str | None:
        rows = self._read("SELECT document FROM oneroster_results WHERE sourced_id = %s", [_id(sourced_id)])
        return str(rows[0][0]) if rows else None

    def class_ids(self) -> list[str]:
        rows = self._read("SELECT sourced_id FROM oneroster_classes ORDER BY sourced_id", [])
        return [bytes(row[0]).decode("utf-8", "surrogatepass") for row in rows]

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _first(cursor: psycopg.Cursor[tuple[Any, ...]]) -> Any:
    row = cursor.fetchone()
    assert row is not None
    return row[0]


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
