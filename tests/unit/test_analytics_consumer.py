"""The event consumer's tables (bot/console/event_tables.py), its batching and acks (bot/analytics_consumer.py), the
console reading them (BRANDSTATION_ANALYTICS_SOURCE=events), and the buffered Rasa broker without RabbitMQ.

The reference everywhere is the tracker path: the console's seeded tracker store (tests/unit/console_harness.py)
read by TrackerReader and summarized per view. The tables must give the same conversations and the same report
for the same events, whatever order, batching or redelivery the broker produces.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import re
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.analytics_consumer import BrokerConfig, Stats, backfill, pump
from bot.console.analytics import build_report
from bot.console.data import ConsoleData
from bot.console.event_tables import EventTables, Ingested, event_key
from bot.console.transcripts import Conversation, Facts, TrackerReader
from knowledge.db import Database
from tests.unit.console_harness import World, build_world, login


@pytest.fixture
def world(tmp_path: Path, app_db: Database) -> World:
    return build_world(tmp_path, app_db)


def _published(world: World) -> list[dict[str, Any]]:
    """The seeded conversations as Rasa's broker publishes them: `sender_id` plus the event, every type."""
    reader = TrackerReader.sqlite(world.tracker)
    rows = reader.events_after(0, 10_000, types=("user", "bot", "slot", "action", "active_loop", "session_started"))
    return [{"sender_id": sender, **event} for _, sender, event in rows]


def _by_sender(conversations: list[Conversation]) -> dict[str, Conversation]:
    return {c.sender_id: dataclasses.replace(c, max_id=0) for c in conversations}  # row ids differ by design


def _tracker_conversations(world: World) -> list[Conversation]:
    reader = TrackerReader.sqlite(world.tracker)
    return reader.conversations((s, m) for s, m, _, _ in reader.index())


def _facts(world: World) -> Facts:
    data = ConsoleData(world.database)
    return Facts(
        frozenset(data.lead_senders(None)),
        frozenset(data.quote_senders()),
        frozenset(data.demand_senders()),
        frozenset(data.delivered_senders()),
    )


# -- event → tables -------------------------------------------------------------------------------------------------


def test_the_tables_summarize_each_conversation_like_the_tracker_path(world: World) -> None:
    tables = EventTables(world.database)
    done = tables.ingest(_published(world))
    expected = _tracker_conversations(world)
    assert _by_sender(tables.conversations()) == _by_sender(expected)
    assert build_report(tables.conversations(), _facts(world)) == build_report(expected, _facts(world))
    assert done.conversations == 4 and done.duplicates == 0 and done.malformed == 0
    counts = tables.counts()
    assert counts["analytics_events"] == done.new and counts["analytics_conversations"] == 4
    assert counts["analytics_turns"] == 8  # one row per buyer message


def test_redelivered_reordered_and_rebatched_events_change_nothing(world: World) -> None:
    published = _published(world)
    once = EventTables(Database(world.tmp / "once.sqlite"))
    once.ingest(published)
    rng = random.Random(7)
    again = published + rng.sample(published, 12)  # 12 redeliveries
    rng.shuffle(again)  # requeued messages come back out of order
    tables = EventTables(world.database)
    total = Ingested()
    start = 0
    while start < len(again):
        size = rng.randint(1, 9)
        total += tables.ingest(again[start : start + size])
        start += size
    assert total.duplicates == 12 and total.new == len(published) - total.ignored
    assert _by_sender(tables.conversations()) == _by_sender(once.conversations())
    assert tables.counts() == once.counts()
    assert {s: tables.keys(s) for s in ("buyer-a", "buyer-c")} == {s: once.keys(s) for s in ("buyer-a", "buyer-c")}


def test_an_event_is_known_by_its_sender_and_content(world: World) -> None:
    event = {"event": "user", "timestamp": 1.5, "text": "hi", "parse_data": {"intent": {"name": "greet"}}}
    reordered = {"text": "hi", "parse_data": {"intent": {"name": "greet"}}, "timestamp": 1.5, "event": "user"}
    assert event_key("a", event) == event_key("a", reordered) == event_key("a", {"sender_id": "a", **event})
    assert event_key("a", event) != event_key("b", event)
    assert event_key("a", event) != event_key("a", {**event, "timestamp": 1.5000001})
    assert event_key("a", event) != event_key("a", {**event, "text": "hi!"})  # same stamp, another event
    tables = EventTables(world.database)
    first = tables.ingest([{"sender_id": "a", **event}, {"sender_id": "a", **event, "text": "hi!"}])
    assert (first.new, first.duplicates) == (2, 0)
    assert tables.ingest([{"sender_id": "a", **reordered}]) == Ingested(0, 1, 0, 0, 0)


def test_what_no_summary_reads_is_ignored_and_what_is_not_an_event_is_counted(world: World) -> None:
    tables = EventTables(world.database)
    done = tables.ingest(
        [
            {"sender_id": "s", "event": "restart", "timestamp": 1.0},
            {"sender_id": "s", "event": "user_featurization", "timestamp": 1.0},
            {"sender_id": "s", "event": "user", "timestamp": "yesterday", "text": "x"},
            {"event": "user", "timestamp": 2.0, "text": "no sender"},
            {"sender_id": "", "event": "user", "timestamp": 2.0},
            {"sender_id": "s", "timestamp": 2.0},
            {},
        ]
    )
    assert (done.new, done.ignored, done.malformed, done.conversations) == (0, 2, 5, 0)
    assert tables.counts() == {"analytics_events": 0, "analytics_conversations": 0, "analytics_turns": 0}


def test_a_turn_row_per_buyer_message_with_its_fallback_form_week_and_parts(world: World) -> None:
    def user(text: str, intent: str, stamp: float, parts: tuple[str, ...] = ()) -> dict[str, Any]:
        entities = [{"entity": "part_number", "value": p} for p in parts]
        parse = {"intent": {"name": intent, "confidence": 0.5}, "entities": entities}
        return {"sender_id": "s", "event": "user", "timestamp": stamp, "text": text, "parse_data": parse}

    monday = 1795651200.0  # 2026-11-23, ISO week 48
    events = [
        {"sender_id": "s", "event": "active_loop", "name": "lead_form", "timestamp": monday + 1},
        user("嗯嗯", "nlu_fallback", monday + 2),  # the form takes any answer
        {"sender_id": "s", "event": "active_loop", "name": None, "timestamp": monday + 3},
        user("6205-2RS 内径", "ask_spec", monday + 4, ("6205-2RS",)),
        {"sender_id": "s", "event": "action", "name": "action_default_fallback", "timestamp": monday + 5},
        user("hello", "greet", monday + 7 * 86400),
    ]
    tables = EventTables(world.database)
    tables.ingest(reversed(events))  # order of arrival does not matter
    with world.database.connect() as conn:
        rows = conn.execute(
            "SELECT intent, fallback, in_form, week, parts FROM analytics_turns WHERE sender_id = 's'"
            " ORDER BY timestamp"
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("nlu_fallback", 0, 1, "2026-W48", "[]"),
        ("ask_spec", 1, 0, "2026-W48", '["6205-2RS"]'),
        ("greet", 0, 0, "2026-W49", "[]"),
    ]
    (summary,) = tables.conversations()
    assert (summary.user_turns, summary.fallback_turns, summary.lead_form, summary.parts) == (3, 1, True, ("6205-2RS",))


def test_backfill_from_the_tracker_store_then_the_broker_adds_nothing(world: World) -> None:
    tables = EventTables(world.database)
    first = backfill(tables, f"sqlite:///{world.tracker}", chunk=5)  # pages of 5 rows
    assert _by_sender(tables.conversations()) == _by_sender(_tracker_conversations(world))
    assert backfill(tables, f"sqlite:///{world.tracker}").new == 0
    redelivered = tables.ingest(_published(world))  # the same events, as the broker had them
    assert redelivered.new == 0 and redelivered.duplicates == first.new


# -- batching and acks ----------------------------------------------------------------------------------------------


class _Message:
    """An aio_pika delivery: a body, its channel and delivery tag, and `ack` (logged)."""

    channel = "channel-1"

    def __init__(self, body: bytes, log: list[str], tag: int) -> None:
        self.body, self.log, self.delivery_tag = body, log, tag

    async def ack(self, multiple: bool = False) -> None:
        self.log.append(f"ack {self.delivery_tag}{' and before' if multiple else ''}")


class _FlakyTables(EventTables):
    """Fails with a lost-database error `failures` times, then stores for real; logs each commit."""

    def __init__(self, db: Database, log: list[str], failures: int) -> None:
        super().__init__(db)
        self.log, self.failures = log, failures

    def ingest(self, messages: Any) -> Ingested:
        if self.failures:
            self.failures -= 1
            self.log.append("db down")
            raise sqlite3.OperationalError("database is locked")
        done = super().ingest(messages)
        self.log.append("commit")
        return done


def _pump(tables: EventTables, bodies: list[bytes], log: list[str], **config: Any) -> Stats:
    async def go() -> Stats:
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        for tag, body in enumerate(bodies, 1):
            inbox.put_nowait(_Message(body, log, tag))
        stats = Stats()
        cfg = BrokerConfig(url="amqp://unused", **config)
        await pump(inbox, tables, cfg, stop=asyncio.Event(), stats=stats, until_idle_s=0.3)
        return stats

    return asyncio.run(go())


def test_a_batch_is_acknowledged_only_after_its_commit_and_retried_while_the_database_is_down(world: World) -> None:
    log: list[str] = []
    bodies = [json.dumps(m).encode() for m in _published(world)]
    tables = _FlakyTables(world.database, log, failures=2)
    stats = _pump(tables, bodies, log, batch_size=10)
    batches = (len(bodies) + 9) // 10
    assert log[:5] == ["db down", "db down", "commit", "ack 10 and before", "commit"]  # the ack follows the commit
    assert [e for e in log if e.startswith("ack")] == [f"ack {min(10 * b, len(bodies))} and before" for b in
                                                       range(1, batches + 1)]  # fmt: skip
    assert stats.acked == stats.received == len(bodies) and stats.db_retries == 2 and stats.batches == batches
    assert _by_sender(tables.conversations()) == _by_sender(_tracker_conversations(world))


def test_a_crash_while_storing_acknowledges_nothing(world: World) -> None:
    log: list[str] = []

    class Broken(EventTables):
        def ingest(self, messages: Any) -> Ingested:
            list(messages)
            raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        _pump(Broken(world.database), [b'{"sender_id": "s", "event": "user", "timestamp": 1.0}'], log)
    assert log == []  # not acknowledged: RabbitMQ redelivers it to the next consumer


def test_a_message_that_is_not_an_event_is_acknowledged_and_counted(world: World) -> None:
    log: list[str] = []
    bodies = [b"\xff\xfe not json", b"[1, 2]", b'{"sender_id": "s", "event": "user", "timestamp": 1.0, "text": "hi"}']
    stats = _pump(EventTables(world.database), bodies, log)
    assert (stats.acked, stats.stored.malformed, stats.stored.new) == (3, 2, 1)


def test_after_a_reconnect_each_channel_acknowledges_its_own_deliveries() -> None:
    from bot.analytics_consumer import _ack

    log: list[str] = []

    class Lost(_Message):
        channel = "channel-1"  # closed by the reconnect

        async def ack(self, multiple: bool = False) -> None:
            raise RuntimeError("channel closed")

    class Fresh(_Message):
        channel = "channel-2"

    batch = [Lost(b"", log, 7), Lost(b"", log, 8), Fresh(b"", log, 1), Fresh(b"", log, 2)]
    assert asyncio.run(_ack(batch)) == 2  # channel 1's two come back from RabbitMQ and are ignored then
    assert log == ["ack 2 and before"]


# -- the console on the tables ------------------------------------------------------------------------------------


def _pages(world: World, **overrides: Any) -> dict[str, Any]:
    paths = {
        "all": "/console/transcripts",
        "zh": "/console/transcripts?q=电阻",
        "zh with markup": "/console/transcripts?q=内径",
        "en any case": "/console/transcripts?q=BORE OF",
        "unmet": "/console/transcripts?outcome=unmet",
        "en": "/console/transcripts?language=en",
        "to": "/console/transcripts?to=2026-11-30",
    }

    async def body(client: TestClient) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for user in ("admin", "rep_a"):
            await login(client, user)
            for label, path in paths.items():
                html = await (await client.get(path)).text()
                found[f"{user} {label}"] = sorted(set(re.findall(r'href="/console/transcript\?sender=([^"]+)"', html)))
        await login(client, "admin")
        analytics = await (await client.get("/console/analytics")).text()
        found["analytics"] = re.sub(r"v=\d+", "", analytics[analytics.index("<main>") :])  # numbers and tables
        home = await (await client.get("/console/")).text()
        found["home"] = home[home.index("<main>") :]
        return found

    async def go() -> dict[str, Any]:
        async with TestClient(TestServer(world.app(**overrides))) as client:
            return await body(client)

    return asyncio.run(go())


def test_the_console_reads_the_tables_and_shows_what_the_tracker_path_shows(world: World) -> None:
    EventTables(world.database).ingest(_published(world))
    from_tracker = _pages(world)
    with sqlite3.connect(world.tracker) as db:  # the tables alone must be enough: the tracker store is emptied
        db.execute("DELETE FROM events")
    from_tables = _pages(world, analytics_source="events")
    assert from_tables == from_tracker
    assert from_tables["admin all"] == ["buyer-a", "buyer-b", "buyer-c", "buyer-x"]
    assert from_tables["rep_a all"] == ["buyer-a"] and from_tables["admin zh with markup"] == ["buyer-x"]
    assert _pages(world)["admin all"] == []  # control: the tracker path sees the emptied store


def test_an_unknown_analytics_source_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="events"):
        world.app(analytics_source="kafka")


# -- the buffered broker without RabbitMQ -----------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens here once the socket is closed


def test_the_buffered_broker_starts_without_rabbitmq_and_keeps_events_bounded() -> None:
    import rasa.shared.core.events  # noqa: F401  (the broker logs through it)
    from rasa.utils.endpoints import EndpointConfig

    from bot.event_broker import BufferedPikaEventBroker

    async def go() -> tuple[float, int, int, bool]:
        config = EndpointConfig(
            url="amqp://127.0.0.1/brandstation",
            type="bot.event_broker.BufferedPikaEventBroker",
            username="u",
            password="p",
            port=_closed_port(),
            queues=["q"],
            retry_delay_in_seconds=0.2,
            max_buffered_events=3,
        )
        started = time.monotonic()
        broker = await BufferedPikaEventBroker.from_endpoint_config(config)
        assert broker is not None
        took = time.monotonic() - started
        for i in range(5):
            broker.publish({"sender_id": "s", "event": "user", "timestamp": float(i)})
        await asyncio.sleep(0.5)  # the publish tasks run; a few connection attempts fail meanwhile
        kept = [e["timestamp"] for e in broker._unpublished_events]
        assert kept == [2.0, 3.0, 4.0]  # the newest three
        ready = broker.is_ready()
        await broker.close()
        return took, broker.buffered(), broker.dropped, ready

    took, buffered, dropped, ready = asyncio.run(go())
    assert took < 0.5 and (buffered, dropped, ready) == (3, 2, False)
