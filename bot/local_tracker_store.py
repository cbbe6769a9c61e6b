"""The embedded stack's tracker store: one SQLite file (var/tracker.db), kept open and written without a disk sync.

Rasa's `SQLTrackerStore` on SQLite opens and closes the file for every read and every write (SQLAlchemy 1.4 gives
file databases no connection pool) and commits in SQLite's default rollback-journal mode, which syncs the disk
several times per commit: 7 ms per turn's write on this VM, and far more when the disk is busy. Here connections
are pooled and the file is in WAL mode (as the app's own SQLite database is, knowledge/db.py) with
`synchronous=NORMAL`: a commit is an append to the log, synced at checkpoints. A crash of Rasa loses nothing; a
power cut or a kernel crash may lose the last turns (set `sqlite_synchronous: FULL` to sync every commit, at about
the old cost). Readers in other processes (console, lead tags) read while Rasa writes. Reading a conversation and
counting what is stored before a write run Rasa's own queries as two plain SQL statements, without SQLAlchemy's
ORM building objects for every row (that halves a turn's read). Everything else is `OutageSafeSQLTrackerStore`
(bot/tracker_store.py). `python -m bench.turn_profile` measures it against Rasa's store.

    tracker_store:
      type: bot.local_tracker_store.LocalSQLTrackerStore
      dialect: sqlite
      db: var/tracker.db
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from bot.tracker_store import OutageSafeSQLTrackerStore

log = logging.getLogger(__name__)

SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
# Rasa's `SQLTrackerStore._event_query`: the events since the latest session start (all of them before the first).
_LATEST_SESSION = (
    "FROM events, (SELECT max(timestamp) AS session_start FROM events"
    " WHERE sender_id = :sender_id AND type_name = :session_started) AS latest"
    " WHERE events.sender_id = :sender_id"
    " AND (events.timestamp >= latest.session_start OR latest.session_start IS NULL)"
)
READ_SESSION = sa.text(f"SELECT events.data {_LATEST_SESSION} ORDER BY events.id")
READ_ALL = sa.text("SELECT data FROM events WHERE sender_id = :sender_id ORDER BY id")
COUNT_SESSION = sa.text(f"SELECT count(*) {_LATEST_SESSION}")


class LocalSQLTrackerStore(OutageSafeSQLTrackerStore):
    """`OutageSafeSQLTrackerStore` with pooled connections and WAL for a SQLite file, reading with plain SQL."""

    def __init__(
        self, domain: Domain | None = None, dialect: str = "sqlite", sqlite_synchronous: str = "NORMAL", **kwargs: Any
    ) -> None:
        super().__init__(domain, dialect, **kwargs)
        if self.engine.url.get_backend_name() != "sqlite":
            return
        synchronous = str(sqlite_synchronous).upper()
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"sqlite_synchronous must be one of {', '.join(SYNCHRONOUS)}, not {sqlite_synchronous!r}")
        url = self.engine.url
        self.engine.dispose()
        # The pool hands a connection to one thread at a time, so SQLite's same-thread check can go.
        self.engine = sa.create_engine(
            url, poolclass=QueuePool, pool_pre_ping=True, connect_args={"check_same_thread": False}
        )

        @sa.event.listens_for(self.engine, "connect")
        def _configure(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute(f"PRAGMA synchronous={synchronous}")
            finally:
                cursor.close()

        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        log.debug("tracker store %s: pooled, WAL, synchronous=%s", url, synchronous)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """`SQLTrackerStore._retrieve`: the same rows, read as plain SQL."""
        query = READ_ALL if fetch_events_from_all_sessions else READ_SESSION
        with self.session_scope() as session:
            rows = session.execute(query, self._params(sender_id)).fetchall()
        events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """`SQLTrackerStore._additional_events`: the tracker's events after those of its session already stored."""
        stored = int(session.execute(COUNT_SESSION, self._params(tracker.sender_id)).scalar() or 0)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    @staticmethod
    def _params(sender_id: str) -> dict[str, str]:
        return {"sender_id": sender_id, "session_started": SessionStarted.type_name}
