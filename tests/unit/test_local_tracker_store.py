"""bot/local_tracker_store.py: the embedded SQLite tracker store keeps its connections and writes through WAL, and
stores and reads conversations exactly as Rasa's SQL store does."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from bot.local_tracker_store import LocalSQLTrackerStore
from bot.tracker_store import OutageSafeSQLTrackerStore

START = 1_800_000_000.0  # fixed timestamps: two stores get identical conversations


def conversation(sender: str, *texts: str) -> DialogueStateTracker:
    """A session start and, per text, the buyer's message, a slot and the bot listening again."""
    events = [ActionExecuted("action_session_start", timestamp=START), SessionStarted(timestamp=START + 1)]
    events.append(ActionExecuted("action_listen", timestamp=START + 2))
    for n, text in enumerate(texts, start=1):
        at = START + 10 * n
        events += [UserUttered(text, timestamp=at), SlotSet("language", "zh", timestamp=at + 1)]
        events.append(ActionExecuted("action_listen", timestamp=at + 2))
    return DialogueStateTracker.from_events(sender, events)


def pragma(store: LocalSQLTrackerStore, name: str) -> object:
    with store.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_the_file_is_in_wal_mode_with_normal_sync_and_connections_are_kept(tmp_path: Path) -> None:
    store = LocalSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert isinstance(store, OutageSafeSQLTrackerStore)  # outages are handled as there
    assert isinstance(store.engine.pool, QueuePool)
    assert str(pragma(store, "journal_mode")).lower() == "wal"
    assert pragma(store, "synchronous") == 1  # NORMAL
    asyncio.run(store.save(conversation("buyer", "hello")))
    asyncio.run(store.retrieve("buyer"))
    assert store.engine.pool.checkedin() == 1, "one connection, reused for every read and write"


def test_every_commit_can_still_be_synced(tmp_path: Path) -> None:
    store = LocalSQLTrackerStore(
        Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"), sqlite_synchronous="full"
    )
    assert pragma(store, "synchronous") == 2  # FULL
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        LocalSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "t2.db"), sqlite_synchronous="fast")


def test_turns_are_stored_and_read_back_as_rasas_own_store_does(tmp_path: Path) -> None:
    local = LocalSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "local.db"))
    stock = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "stock.db"))
    for store in (local, stock):
        tracker = conversation("buyer", "6205-2RS 内径多少?")
        asyncio.run(store.save(tracker))
        again = asyncio.run(store.retrieve("buyer"))
        assert again is not None
        again.update(UserUttered("有替代吗?", timestamp=START + 100))
        asyncio.run(store.save(again))  # only the new event is appended
    read_local, read_stock = asyncio.run(local.retrieve("buyer")), asyncio.run(stock.retrieve("buyer"))
    assert read_local is not None and read_stock is not None
    assert [e.as_dict() for e in read_local.events] == [e.as_dict() for e in read_stock.events]
    rows = {
        name: sqlite3.connect(tmp_path / name).execute("SELECT type_name, data FROM events ORDER BY id").fetchall()
        for name in ("local.db", "stock.db")
    }
    assert rows["local.db"] == rows["stock.db"] and len(rows["local.db"]) == 7


def test_another_process_reads_what_was_just_written(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    store = LocalSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    reader = sqlite3.connect(path)  # e.g. the console or the lead tags (bot/tags.py), with its own connection
    asyncio.run(store.save(conversation("buyer", "hello")))
    assert reader.execute("SELECT count(*) FROM events WHERE sender_id = 'buyer'").fetchone() == (6,)
    tracker = asyncio.run(store.retrieve("buyer"))
    assert tracker is not None
    tracker.update(UserUttered("again", timestamp=START + 100))
    asyncio.run(store.save(tracker))
    assert reader.execute("SELECT count(*) FROM events WHERE sender_id = 'buyer'").fetchone() == (7,)


def two_sessions(sender: str) -> DialogueStateTracker:
    """A first session with one question, then a second session (an hour later) with another."""
    tracker = conversation(sender, "6205-2RS 内径多少?")
    later = START + 3600
    for event in (
        ActionExecuted("action_session_start", timestamp=later),
        SessionStarted(timestamp=later + 1),
        SlotSet("language", "zh", timestamp=later + 1),
        ActionExecuted("action_listen", timestamp=later + 2),
        UserUttered("有替代吗?", timestamp=later + 10),
    ):
        tracker.update(event)
    return tracker


def test_the_latest_session_and_all_sessions_are_read_as_rasa_reads_them(tmp_path: Path) -> None:
    local = LocalSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "local.db"))
    stock = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "stock.db"))
    for store in (local, stock):
        asyncio.run(store.save(two_sessions("buyer")))
        asyncio.run(store.save(conversation("other", "hello")))
    for read in ("retrieve", "retrieve_full_tracker"):
        mine, rasas = (asyncio.run(getattr(store, read)("buyer")) for store in (local, stock))
        assert mine is not None and rasas is not None
        assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in rasas.events], read
    latest = asyncio.run(local.retrieve("buyer"))
    assert latest is not None and [e.text for e in latest.events if isinstance(e, UserUttered)] == ["有替代吗?"]
    assert asyncio.run(local.retrieve("nobody")) is None
    # A turn of the second session appends exactly its new events.
    latest.update(UserUttered("in stock?", timestamp=START + 4000))
    asyncio.run(local.save(latest))
    count = sqlite3.connect(tmp_path / "local.db").execute("SELECT count(*) FROM events WHERE sender_id = 'buyer'")
    assert count.fetchone() == (len(two_sessions("buyer").events) + 1,)


def test_a_short_outage_is_still_waited_out(tmp_path: Path) -> None:
    store = LocalSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"), outage_wait_s=0.6)
    asyncio.run(store.save(conversation("buyer", "hello")))
    real, calls = store.sessionmaker, [0]

    def first_fails() -> object:
        calls[0] += 1
        if calls[0] == 1:
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        return real()

    store.sessionmaker = first_fails
    tracker = asyncio.run(store.retrieve("buyer"))
    assert tracker is not None and not tracker.is_paused() and calls[0] == 2
