"""The one SQLite write-transaction shape the embedded stores share (quotes, leads + outbox, follow-ups, console)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT on `db`, ROLLBACK when the block raises: the write lock is taken up front, so two
    writers never both read and then fail to upgrade."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.commit()
