"""knowledge/db.py: one SQL dialect for the stores on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from knowledge.db import POSTGRESQL, Database, DatabaseError, integrity_errors, pg_ddl

SCHEMA = """
CREATE TABLE IF NOT EXISTS things (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, weight REAL, data BLOB);
CREATE INDEX IF NOT EXISTS things_name ON things (LOWER(name))
"""


def test_the_same_sql_runs_on_both_engines(app_db: Database) -> None:
    app_db.create(SCHEMA)
    app_db.create(SCHEMA)  # idempotent, as every store calls it on start
    with app_db.transaction() as db:
        first = db.execute(
            "INSERT INTO things (name, weight, data) VALUES (?, ?, ?) RETURNING id", ("M8 bolt", 1.5, b"\x00\xff")
        ).fetchone()[0]
        db.execute("INSERT INTO things (name) VALUES (?) ON CONFLICT (name) DO NOTHING", ("M8 bolt",))
        db.executemany("INSERT INTO things (name, weight) VALUES (?, ?)", [("50% off", 0.25), ("what?", None)])
    with app_db.connect() as db:
        rows = db.execute("SELECT id, name, weight, data FROM things ORDER BY id").fetchall()
        like = db.execute("SELECT name FROM things WHERE name LIKE ? ESCAPE '!'", ("50!%%",)).fetchall()
        literal = db.execute("SELECT COUNT(*) FROM things WHERE name = 'what?'").fetchone()[0]
    assert rows[0] == (first, "M8 bolt", 1.5, b"\x00\xff")  # unix-second floats and bytes come back as given
    assert [r[1] for r in rows] == ["M8 bolt", "50% off", "what?"]
    assert like == [("50% off",)] and literal == 1  # a ? inside quotes and a literal % are not placeholders


def test_a_failed_transaction_leaves_nothing(app_db: Database) -> None:
    app_db.create(SCHEMA)
    with pytest.raises(integrity_errors()), app_db.transaction("things") as db:
        db.execute("INSERT INTO things (name) VALUES (?)", ("a",))
        db.execute("INSERT INTO things (name) VALUES (?)", ("a",))
    with app_db.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM things").fetchone()[0] == 0
        db.execute("INSERT INTO things (name) VALUES (?)", ("b",))  # the pooled connection is usable again
        assert db.execute("SELECT COUNT(*) FROM things").fetchone()[0] == 1


def test_a_named_lock_makes_read_then_write_safe_across_connections(app_db: Database) -> None:
    app_db.create("CREATE TABLE IF NOT EXISTS counter (n INTEGER NOT NULL)")
    with app_db.transaction() as db:
        db.execute("INSERT INTO counter VALUES (0)")

    def bump() -> None:
        for _ in range(20):
            with Database(app_db.url).transaction("counter") as db:
                n = db.execute("SELECT n FROM counter").fetchone()[0]
                db.execute("UPDATE counter SET n = ?", (n + 1,))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app_db.connect() as db:
        assert db.execute("SELECT n FROM counter").fetchone()[0] == 80


def test_a_pooled_connection_the_server_dropped_is_replaced(app_db: Database) -> None:
    if app_db.dialect != POSTGRESQL:
        pytest.skip("connection pool: PostgreSQL only")
    with app_db.connect() as db:
        pid = db.execute("SELECT pg_backend_pid()").fetchone()[0]
    with Database(app_db.url).connect() as admin:
        assert admin.execute("SELECT pg_terminate_backend(?)", (pid,)).fetchone()[0] is True
    with app_db.connect() as db:  # as after a server restart: the idle connection is dead, a new one is opened
        assert db.execute("SELECT pg_backend_pid()").fetchone()[0] != pid


def test_urls_and_errors_name_the_database_without_the_password() -> None:
    url = "postgresql://brandstation:s3cret@127.0.0.1:1/brandstation"
    assert Database(url).describe() == "postgresql://brandstation@127.0.0.1:1/brandstation"
    with pytest.raises(DatabaseError, match=r"cannot connect to postgresql://brandstation@127.0.0.1:1/") as caught:
        Database(url, timeout_s=1).open()
    assert "s3cret" not in str(caught.value)
    with pytest.raises(DatabaseError, match="unsupported database URL scheme 'mysql'"):
        Database("mysql://x/y")


def test_sqlite_ddl_becomes_postgresql_ddl() -> None:
    assert pg_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, at REAL, data BLOB, name TEXT COLLATE NOCASE)") == (
        "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, at DOUBLE PRECISION, data BYTEA, name TEXT)"
    )
