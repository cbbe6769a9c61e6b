"""The app database on both engines for store tests: a SQLite file, or a throw-away PostgreSQL schema.

PostgreSQL is the one `make services` starts (BRANDSTATION_TEST_PG_URL overrides it); tests on it are skipped,
with the reason, when it does not answer. Each test gets its own schema (search_path in the URL), dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from knowledge.db import Database

PG_URL = os.environ.get(
    "BRANDSTATION_TEST_PG_URL",
    "postgresql://brandstation:{password}@127.0.0.1:{port}/brandstation".format(
        password=os.environ.get("BRANDSTATION_PG_PASSWORD", "brandstation"),
        port=os.environ.get("BRANDSTATION_PG_PORT", "55432"),
    ),
)
ENGINES = ("sqlite", "postgresql")


@contextmanager
def pg_schema() -> Iterator[str]:
    """A URL whose tables land in a fresh schema of the test PostgreSQL (skips the test when it is down)."""
    import psycopg2

    try:
        admin = psycopg2.connect(PG_URL, connect_timeout=2)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL not answering at {Database(PG_URL).describe()} (`make services`): {exc}".strip())
    admin.autocommit = True
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {schema}")
        yield f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.close()


@contextmanager
def app_database(engine: str, tmp_path: Path) -> Iterator[Database]:
    """The app database on `engine` ("sqlite" or "postgresql")."""
    if engine == "sqlite":
        yield Database(tmp_path / "brandstation.sqlite")
        return
    with pg_schema() as url:
        yield Database(url)
