"""bot/tracker_store.py: a database outage is waited out briefly, then turns get a paused stand-in that is never
stored; events reach the event broker once however often the write is retried. SQLite stands in for PostgreSQL;
the outage is a session factory that raises what psycopg2 raises through SQLAlchemy when the server is gone."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import OperationalError

from bot.tracker_store import OUTAGE_REPLY, OutageSafeSQLTrackerStore, outage_reply

WAIT_S = 0.6


class CountingBroker(EventBroker):
    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any]) -> None:
        self.published.append(event)


def make_store(tmp_path: Path, broker: EventBroker | None = None) -> OutageSafeSQLTrackerStore:
    return OutageSafeSQLTrackerStore(
        Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"), event_broker=broker, outage_wait_s=WAIT_S
    )


def conversation(sender: str, *texts: str) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    events += [UserUttered(text) for text in texts]
    return DialogueStateTracker.from_events(sender, events)


def outage(store: OutageSafeSQLTrackerStore, failing: range | set[int]) -> list[int]:
    """The sessions numbered in `failing` (from 1) fail as a refused connection would; returns the counter."""
    real = store.sessionmaker
    calls = [0]

    def sessionmaker() -> Any:
        calls[0] += 1
        if calls[0] in failing:
            raise OperationalError("SELECT 1", {}, Exception('connection to server at "127.0.0.1" failed: refused'))
        return real()

    store.sessionmaker = sessionmaker
    return calls


def test_a_short_outage_is_waited_out(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    asyncio.run(store.save(conversation("buyer", "hello")))
    calls = outage(store, {1})  # back after one retry pause (0.5 s), within the 0.6 s wait
    tracker = asyncio.run(store.retrieve("buyer"))
    assert tracker is not None and not tracker.is_paused()
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hello"]
    assert calls[0] == 2


def test_a_long_outage_answers_with_a_paused_stand_in_that_is_never_stored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(tmp_path)
    asyncio.run(store.save(conversation("buyer", "hello")))
    calls = outage(store, range(1, 1000))
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="bot.tracker_store"):
        stand_in = asyncio.run(store.retrieve("buyer"))
    assert WAIT_S - 0.2 <= time.monotonic() - started < WAIT_S + 1.0
    assert stand_in is not None and stand_in.is_paused(), "Rasa must predict nothing on the stand-in"
    assert "tracker store unreachable" in caplog.text and "'buyer'" in caplog.text
    # What Rasa does next: add the message, then save. The stand-in is not written (the database may be back).
    stand_in.update(UserUttered("a form answer"))
    before = calls[0]
    asyncio.run(store.save(stand_in))
    assert calls[0] == before
    # The API path gets the stand-in too, instead of making (and later storing) a fresh session.
    full = asyncio.run(store.retrieve_full_tracker("buyer"))
    assert full is not None and full.is_paused()
    # Back: the stored conversation is exactly what it was before the outage.
    tracker = asyncio.run(make_store(tmp_path).retrieve("buyer"))
    assert tracker is not None and [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hello"]


def test_a_write_that_keeps_failing_raises_after_the_wait_and_streams_nothing(tmp_path: Path) -> None:
    broker = CountingBroker()
    store = make_store(tmp_path, broker)
    outage(store, range(1, 1000))
    with pytest.raises(OperationalError):  # Rasa's FailSafeTrackerStore logs it and keeps the turn in memory
        asyncio.run(store.save(conversation("buyer", "hello")))
    assert broker.published == []


def test_a_retried_write_streams_its_events_once(tmp_path: Path) -> None:
    calm = CountingBroker()  # what one save without an outage streams
    (tmp_path / "calm").mkdir()
    asyncio.run(make_store(tmp_path / "calm", calm).save(conversation("buyer", "hello")))
    broker = CountingBroker()
    store = make_store(tmp_path, broker)
    calls = outage(store, {1, 3})  # the read for the broker's diff and the write each fail once
    asyncio.run(store.save(conversation("buyer", "hello")))
    assert calls[0] == 4
    assert [e["event"] for e in broker.published] == [e["event"] for e in calm.published] != []
    stored = asyncio.run(make_store(tmp_path).retrieve("buyer"))
    assert stored is not None and [e.text for e in stored.events if isinstance(e, UserUttered)] == ["hello"]


def test_connections_are_checked_before_use(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    assert store.engine.pool._pre_ping  # a connection PostgreSQL dropped while it restarted is replaced, not used


def test_the_buyer_is_told_when_the_turn_met_the_outage(tmp_path: Path) -> None:
    """`outage_reply` around a handler that reads the tracker as Rasa's processor does: the stand-in turn sends
    OUTAGE_REPLY through the message's channel; a normal turn sends only what the handler sent."""
    store = make_store(tmp_path)
    asyncio.run(store.save(conversation("buyer-1", "hi")))

    async def handle(processor: Any, message: UserMessage) -> list[dict[str, Any]]:
        tracker = await store.retrieve(message.sender_id)
        assert tracker is not None
        if not tracker.is_paused():
            await message.output_channel.send_text_message(message.sender_id, "25 mm")
        return message.output_channel.messages

    wrapped = outage_reply(handle)

    def turn() -> list[str]:
        channel = CollectingOutputChannel()
        replies = asyncio.run(wrapped(None, UserMessage("6205 内径?", channel, "buyer-1")))
        return [r["text"] for r in replies]

    assert turn() == ["25 mm"]
    outage(store, range(1, 100))
    assert turn() == [OUTAGE_REPLY]
