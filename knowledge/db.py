"""One database URL, two engines: the embedded SQLite file by default, PostgreSQL when configured.

Stores write portable SQL with `?` placeholders and `ON CONFLICT` clauses; this module does the rest:

    db = Database("postgresql://brandstation:pw@127.0.0.1:55432/brandstation")   # or a path / sqlite:///path
    db.create(SCHEMA)                          # SQLite DDL; PostgreSQL gets BIGSERIAL ids, DOUBLE PRECISION, BYTEA
    with db.transaction("leads") as conn:      # one write transaction, committed at the end, rolled back on error
        conn.execute("INSERT INTO t (a) VALUES (?) RETURNING id", (1,)).fetchone()
    with db.connect() as conn:                 # autocommit reads
        conn.execute("SELECT ...").fetchall()

Writers that read before they write (next id of the day, round-robin state) name a lock: SQLite's BEGIN IMMEDIATE
already serializes every writer of the file; on PostgreSQL the name becomes a transaction-scoped advisory lock, so
two replicas writing leads take turns while quotes and the outbox go on in parallel. Rows the outbox hands to a
worker are claimed with `FOR UPDATE SKIP LOCKED` there (`Connection.skip_locked`).
"""

from __future__ import annotations

import re
import sqlite3
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from knowledge.errors import KnowledgeError

SQLITE, POSTGRESQL = "sqlite", "postgresql"


class DatabaseError(KnowledgeError):
    """The database cannot be reached or its URL is not understood; says which database, never the password."""


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


def integrity_errors() -> tuple[type[BaseException], ...]:
    """The exception classes a UNIQUE / CHECK violation raises on either engine."""
    errors: list[type[BaseException]] = [sqlite3.IntegrityError]
    with suppress(ImportError):
        import psycopg2

        errors.append(psycopg2.IntegrityError)
    return tuple(errors)


def operational_errors() -> tuple[type[BaseException], ...]:
    """What a lost, refused or locked database raises on either engine (a caller may retry later)."""
    errors: list[type[BaseException]] = [sqlite3.OperationalError, DatabaseError]
    with suppress(ImportError):
        import psycopg2

        errors += [psycopg2.OperationalError, psycopg2.InterfaceError]
    return tuple(errors)


def programming_errors() -> tuple[type[BaseException], ...]:
    """What a statement about a missing table or column raises on either engine."""
    errors: list[type[BaseException]] = [sqlite3.OperationalError]
    with suppress(ImportError):
        import psycopg2

        errors.append(psycopg2.ProgrammingError)
    return tuple(errors)


class Connection:
    """A DB-API connection in autocommit mode that speaks `?` placeholders on both engines."""

    def __init__(self, raw: Any, dialect: str, pool: _Pool | None = None) -> None:
        self.raw = raw
        self.dialect = dialect
        self._pool = pool

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self.dialect == SQLITE:
            cursor: Cursor = self.raw.execute(sql, tuple(params))
            return cursor
        pg_cursor = self.raw.cursor()
        pg_cursor.execute(_pg_sql(sql), tuple(_pg_param(p) for p in params))
        return _PgCursor(pg_cursor)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.dialect == SQLITE:
            self.raw.executemany(sql, rows)
            return
        from psycopg2.extras import execute_batch

        with self.raw.cursor() as cursor:
            execute_batch(cursor, _pg_sql(sql), [tuple(_pg_param(p) for p in row) for row in rows], page_size=1000)

    @property
    def skip_locked(self) -> str:
        """Appended to a SELECT of rows to claim: PostgreSQL skips rows another transaction holds; SQLite's
        write lock already keeps claimers apart."""
        return " FOR UPDATE SKIP LOCKED" if self.dialect == POSTGRESQL else ""

    def close(self) -> None:
        """Close it, or hand a PostgreSQL connection back to its database's pool of idle ones."""
        if self._pool is not None:
            self._pool.give_back(self.raw)
        else:
            self.raw.close()


class _Pool:
    """Idle PostgreSQL connections of one Database: opening one costs a process fork and a SCRAM handshake on the
    server (milliseconds), reusing one a round trip. Each is checked before reuse, so a restarted server costs no
    failed request, and a connection in an unknown state is closed instead of pooled."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def take(self) -> Any | None:
        while True:
            with self._lock:
                if not self._idle:
                    return None
                raw = self._idle.pop()
            try:
                with raw.cursor() as cursor:
                    cursor.execute("SELECT 1")
                return raw
            except Exception:  # the server restarted or dropped it: try the next, else open a new one
                with suppress(Exception):
                    raw.close()

    def give_back(self, raw: Any) -> None:
        import psycopg2.extensions as ext

        try:
            if raw.closed:
                return
            if raw.info.transaction_status != ext.TRANSACTION_STATUS_IDLE:
                raw.rollback()
            raw.autocommit = True
        except Exception:
            with suppress(Exception):
                raw.close()
            return
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append(raw)
                return
        raw.close()


_SHARED: dict[str, Database] = {}
_SHARED_LOCK = threading.Lock()


class Database:
    """Where a store's tables live: `url` is a file path, `sqlite:///path` or `postgresql://user:pw@host:port/db`."""

    def __init__(self, url: str | Path, *, timeout_s: float = 10.0, pool_size: int = 8) -> None:
        text = str(url)
        self.timeout_s = timeout_s
        self._pool = _Pool(pool_size)
        if text.startswith(("postgresql://", "postgres://", "postgresql+psycopg2://")):
            self.dialect = POSTGRESQL
            self.url = "postgresql://" + text.split("://", 1)[1]
            self.path: Path | None = None
        elif "://" in text and not text.startswith("sqlite://"):
            raise DatabaseError(
                f"unsupported database URL scheme {text.split('://', 1)[0]!r}: use a file path, sqlite:///path"
                " or postgresql://user:password@host:port/database"
            )
        else:
            self.dialect = SQLITE
            self.path = Path(text.removeprefix("sqlite:///").removeprefix("sqlite://")) if text else None
            if self.path is None:
                raise DatabaseError("empty database path")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.url = str(self.path)

    @classmethod
    def shared(cls, url: str | Path) -> Database:
        """One Database (and so one connection pool) per URL in this process."""
        key = str(url)
        with _SHARED_LOCK:
            database = _SHARED.get(key)
            if database is None:
                database = _SHARED[key] = cls(url)
            return database

    @classmethod
    def of(cls, where: Database | str | Path) -> Database:
        """`where` itself when it is a Database, else the Database at that path or URL."""
        return where if isinstance(where, Database) else cls(where)

    def __repr__(self) -> str:
        return f"Database({self.describe()!r})"

    def describe(self) -> str:
        """The URL without its password (for logs and error messages)."""
        if self.dialect == SQLITE:
            return str(self.path)
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}@" if parts.username else ""
        return f"postgresql://{user}{host}{port}{parts.path}"

    def open(self) -> Connection:
        """A new autocommit connection (the caller closes it; `connect()` does that for a block)."""
        if self.dialect == SQLITE:
            return Connection(sqlite3.connect(self.url, timeout=self.timeout_s, isolation_level=None), SQLITE)
        import psycopg2

        raw = self._pool.take()
        if raw is None:
            try:
                raw = psycopg2.connect(self.url, connect_timeout=max(1, int(self.timeout_s)))
            except psycopg2.OperationalError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise DatabaseError(f"cannot connect to {self.describe()}: {first}") from exc
            raw.autocommit = True
        return Connection(raw, POSTGRESQL, self._pool)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """An autocommit connection for one block (reads, or single-statement writes)."""
        with closing(self.open()) as conn:
            yield conn

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[Connection]:
        """BEGIN … COMMIT, ROLLBACK when the block raises. `lock` names the writers that must take turns (see the
        module docstring); SQLite takes its one write lock up front either way (BEGIN IMMEDIATE)."""
        with self.connect() as conn:
            if self.dialect == SQLITE:
                conn.raw.execute("BEGIN IMMEDIATE")
            else:
                conn.raw.autocommit = False
                if lock:
                    conn.execute("SELECT pg_advisory_xact_lock(?)", (_lock_key(lock),))
            try:
                yield conn
            except BaseException:
                conn.raw.rollback()
                raise
            conn.raw.commit()

    def create(self, schema: str) -> None:
        """Run CREATE TABLE / CREATE INDEX statements written for SQLite, translated for PostgreSQL."""
        statements = [s.strip() for s in schema.split(";") if s.strip()]
        with self.connect() as conn:
            if self.dialect == SQLITE:
                with suppress(sqlite3.OperationalError):  # readers and writers side by side; busy now → later
                    conn.raw.execute("PRAGMA journal_mode=WAL")
                for statement in statements:
                    conn.raw.execute(statement)
                return
            # two replicas starting at once must not both create the same table
            conn.raw.autocommit = False
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_lock_key("schema"),))
            for statement in statements:
                conn.execute(pg_ddl(statement))
            conn.raw.commit()

    def tables(self) -> set[str]:
        with self.connect() as conn:
            if self.dialect == SQLITE:
                rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            else:
                rows = conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                ).fetchall()
        return {str(r[0]) for r in rows}


def pg_ddl(statement: str) -> str:
    """SQLite DDL → PostgreSQL: integer primary keys become BIGSERIAL, REAL doubles, BLOB bytea, NOCASE dropped
    (the stores compare LOWER() on both engines)."""
    statement = re.sub(r"\bINTEGER PRIMARY KEY( AUTOINCREMENT)?\b", "BIGSERIAL PRIMARY KEY", statement, flags=re.I)
    statement = re.sub(r"\bREAL\b", "DOUBLE PRECISION", statement)
    statement = re.sub(r"\bBLOB\b", "BYTEA", statement)
    return re.sub(r"\s*COLLATE NOCASE\b", "", statement, flags=re.I)


def _pg_sql(sql: str) -> str:
    # psycopg2 formats with %: literal percent signs are doubled, then each ? outside quotes becomes %s
    out: list[str] = []
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


def _pg_param(value: Any) -> Any:
    if isinstance(value, bytes):
        import psycopg2

        return psycopg2.Binary(value)
    return value


def _lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for `name` (namespaced so other apps' keys do not collide)."""
    value = (zlib.crc32(b"brandstation") << 32) | zlib.crc32(name.encode())
    return value - (1 << 64) if value >= 1 << 63 else value


class _PgCursor:
    """psycopg2's cursor, returning bytes (not memoryview) for BYTEA like sqlite3 does."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.rowcount: int = cursor.rowcount

    def fetchone(self) -> Any:
        if self._cursor.description is None:
            return None
        row = self._cursor.fetchone()
        return None if row is None else _plain(row)

    def fetchall(self) -> list[Any]:
        if self._cursor.description is None:
            return []
        return [_plain(row) for row in self._cursor.fetchall()]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


def _plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
