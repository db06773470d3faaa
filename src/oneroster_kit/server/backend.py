"""The storage interface both database backends implement, and the choice between them.

`--db PATH` is SQLite (`storage.Store`: one file, one server process, the embedded default);
`--db postgresql://...` is PostgreSQL (`pgstore.PostgresStore`: several worker processes, on one
or several hosts, on one database). The app and the group committer see only `Storage`: a write
is a `ResultUpsert` or a `ClassUpdate` whose text is built with the dateLastModified the backend
chooses, and `write_batch` commits a group of them in one transaction with one outcome each.

Both backends answer `DatabaseBusyError` (503 with Retry-After) when a write cannot get the
database within the busy timeout, and PostgreSQL answers `DatabaseUnavailableError` (also 503)
while the database cannot be reached at all.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "ClassUpdate",
    "DatabaseBusyError",
    "DatabaseUnavailableError",
    "ResultUpsert",
    "Storage",
    "StorageError",
    "Write",
    "format_timestamp",
    "is_postgres_url",
    "open_storage",
]


class StorageError(RuntimeError):
    """The database cannot be used (wrong format, another schema version, not writable, unreachable)."""


class DatabaseBusyError(RuntimeError):
    """Another connection held what a write needs for longer than the busy timeout (answered 503)."""


class DatabaseUnavailableError(DatabaseBusyError):
    """The database cannot be reached (stopped, restarting, network); answered 503 with Retry-After."""


def format_timestamp(epoch_ms: int) -> str:
    """ISO 8601 UTC with milliseconds and `Z`, e.g. `2026-11-20T14:30:00.123Z`."""
    return f"{_second_text(epoch_ms // 1000)}.{epoch_ms % 1000:03d}Z"


@functools.lru_cache(maxsize=4)  # consecutive writes mostly fall in the same second
def _second_text(epoch_seconds: int) -> str:
    return f"{datetime.fromtimestamp(epoch_seconds, UTC):%Y-%m-%dT%H:%M:%S}"


@dataclass(frozen=True, slots=True)
class ResultUpsert:
    """Create or replace a result: `build(dateLastModified)` gives the stored text."""

    sourced_id: str
    build: Callable[[str], str]


@dataclass(frozen=True, slots=True)
class ClassUpdate:
    """Replace a stored class by `merge(stored text, dateLastModified)`; nothing when there is no such class."""

    sourced_id: str
    merge: Callable[[str, str], str]


Write = ResultUpsert | ClassUpdate


class Storage(abc.ABC):
    """What the server needs from a database. Safe to call from several threads."""

    token_salt: bytes  # random, kept in the database: the token key is derived from it and the secret
    is_new: bool  # this open created the schema (a new database gets the seed)

    @abc.abstractmethod
    def write_batch(self, writes: Sequence[Write]) -> list[str | Exception | None]:
        """Apply `writes` in order in one transaction; for each, the stored text, None (no such class) or its error.

        A write whose own build or merge raises is skipped with that error and the others go on; a
        database error fails the whole transaction, so none of them is stored. Every write to one
        resource gets a dateLastModified strictly after the one stored before it.
        """

    @abc.abstractmethod
    def add_seed(self, objects: list[tuple[str, str, str]], classes: list[tuple[str, Callable[[str], str]]]) -> int:
        """Insert seed objects and classes that are not stored yet (never overwrites); returns classes added."""

    @abc.abstractmethod
    def get_result(self, sourced_id: str) -> str | None: ...

    @abc.abstractmethod
    def class_ids(self) -> list[str]: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def _write_one(self, write: Write) -> str | None:
        (outcome,) = self.write_batch([write])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def put_result(self, sourced_id: str, build: Callable[[str], str]) -> str:
        """Upsert the result document `build(dateLastModified)`; returns the stored text."""
        stored = self._write_one(ResultUpsert(sourced_id, build))
        assert stored is not None  # an upsert always stores
        return stored

    def update_class(self, sourced_id: str, merge: Callable[[str, str], str]) -> str | None:
        """Replace the class document by `merge(stored, dateLastModified)`; None when there is no such class."""
        return self._write_one(ClassUpdate(sourced_id, merge))


def is_postgres_url(db: str) -> bool:
    """Whether `--db` names a PostgreSQL database (a libpq URL) rather than an SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))


def open_storage(db: str, *, durable: bool = False, busy_timeout: float = 2.0) -> Storage:
    """The backend `db` names: a PostgreSQL URL, else an SQLite file path."""
    if is_postgres_url(db):
        from oneroster_kit.server.pgstore import PostgresStore  # psycopg is imported only for PostgreSQL

        return PostgresStore(db, busy_timeout=busy_timeout)
    from oneroster_kit.server.storage import Store

    return Store(Path(db), durable=durable, busy_timeout=busy_timeout)
