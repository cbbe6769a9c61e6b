"""The analytics event broker end to end: real Rasa events → RabbitMQ → the consumer → the console's numbers.

Needs RabbitMQ on 127.0.0.1:$BRANDSTATION_RABBITMQ_PORT (ops/rabbitmq.sh, part of `make services`); every test is
skipped with the reason when it does not answer. Conversations are written the way a replica writes them: Rasa's
own events (UserUttered, BotUttered with cards and quotes, SlotSet, ActiveLoop, SessionStarted …) saved turn by
turn through Rasa's SQLTrackerStore, which publishes each new event through the broker of ops/endpoints.scaled.yml
(`BufferedPikaEventBroker`) to a fanout exchange of this test's own. The reference is the tracker path: the console
summarizing the tracker store that Rasa wrote. The last test runs real replicas (the `scaled` fixture) and checks
their turns too.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.analytics_consumer import BrokerConfig, Stats, consume
from bot.console.analytics import build_report
from bot.console.event_tables import EventTables, kept
from bot.console.transcripts import Conversation, Facts, TrackerReader
from bot.settings import ROOT
from knowledge.db import Database
from tests.scaled.conftest import PG_PASSWORD, PG_PORT, Scaled, answers, free_port

RABBITMQ_PORT = int(os.environ.get("BRANDSTATION_RABBITMQ_PORT", "55672"))
RABBITMQ_PASSWORD = os.environ.get("BRANDSTATION_RABBITMQ_PASSWORD", "brandstation")
# The replicas of the `scaled` fixture read these through ops/endpoints.scaled.yml (its env copies os.environ).
os.environ.setdefault("BRANDSTATION_RABBITMQ_PORT", str(RABBITMQ_PORT))
os.environ.setdefault("BRANDSTATION_RABBITMQ_PASSWORD", RABBITMQ_PASSWORD)

pytestmark = pytest.mark.scaled
PARTS = ("6205-2RS", "6205-2rs", "0603WAF1002T5E", "7008CEGA/P4A", "NX3225GD-8MHZ-STD-CRA-3", "M4x12")
CHANNELS = ("socketio", "rest", "wecom", "dingtalk")
WEEK = 7 * 86400


def amqp_url(port: int = RABBITMQ_PORT) -> str:
    return f"amqp://brandstation:{RABBITMQ_PASSWORD}@127.0.0.1:{port}/brandstation"


@pytest.fixture(scope="module", autouse=True)
def rabbitmq() -> None:
    if not answers(RABBITMQ_PORT):
        pytest.skip(f"RabbitMQ not answering on 127.0.0.1:{RABBITMQ_PORT}: run `make services` (ops/rabbitmq.sh)")


# -- conversations made of Rasa's own events ----------------------------------------------------------------------


def conversation(rng: random.Random, start: float) -> list[list[Any]]:
    """One buyer's turns, each the list of Rasa events a replica would save in that turn."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActiveLoop,
        BotUttered,
        SessionStarted,
        SlotSet,
    )

    clock = [start]

    def at() -> float:
        clock[0] += rng.uniform(0.5, 3.0)
        return clock[0]

    channel = rng.choice(CHANNELS)
    language = rng.choice(("zh", "en"))
    turns: list[list[Any]] = []
    sessions = rng.choice((1, 1, 2))
    for session in range(sessions):
        if session:
            clock[0] += WEEK + rng.uniform(0, 3600)  # a returning buyer, a week later
        opening = [ActionExecuted("action_session_start", timestamp=at()), SessionStarted(timestamp=at())]
        opening.append(ActionExecuted("action_listen", timestamp=at()))
        turns.append(opening)
        for _ in range(rng.randint(1, 6)):
            kind = rng.choice(("spec", "spec", "search", "quote", "fallback", "lead"))
            part = rng.choice(PARTS)
            entities = [{"entity": "part_number", "value": part, "start": 0, "end": len(part)}]
            steps: list[Any] = []
            if kind == "spec":
                text = f"{part} 内径多少?" if language == "zh" else f"what is the bore of {part}?"
                steps.append(_user(text, "ask_spec", entities, channel, at()))
                steps.append(SlotSet("language", language, timestamp=at()))
                steps.append(ActionExecuted("action_answer_spec", policy="RulePolicy", confidence=1.0, timestamp=at()))
                card = {"title": f"{part} bearing", "sku": f"SKU-{part}"}
                steps.append(
                    BotUttered(f"The bore of {part} is 25 mm.", {"custom": {"data": {"card": card}}}, {}, at())
                )
            elif kind == "search":
                steps.append(_user("贴片电阻 10K 0603", "search_product", [], channel, at()))
                steps.append(ActionExecuted("action_search_product", timestamp=at()))
                steps.append(
                    BotUttered("为您找到这些产品:", {"buttons": [{"title": "0603", "payload": "/x"}]}, {}, at())
                )
            elif kind == "quote":
                steps.append(_user("/upload_bom", "upload_bom", [], channel, at()))
                steps.append(ActionExecuted("action_quote_bom", timestamp=at()))
                quote = {"quote_id": f"Q-{rng.randint(1, 9999):04d}", "total": "12.50", "currency": "CNY"}
                steps.append(BotUttered("报价完成", {"custom": {"data": {"quote": quote}}}, {}, at()))
            elif kind == "fallback":
                steps.append(_user("asdf qwer", "nlu_fallback", [], channel, at()))
                steps.append(ActionExecuted("action_default_fallback", timestamp=at()))
                steps.append(BotUttered("抱歉,我没听懂。", {}, {}, at()))
            else:
                steps.append(_user("我要询价 转人工", "request_sales", [], channel, at()))
                steps.append(ActionExecuted("lead_form", timestamp=at()))
                steps.append(ActiveLoop("lead_form", timestamp=at()))
                turns.append([*steps, ActionExecuted("action_listen", timestamp=at())])
                steps = [_user("13812345678", "nlu_fallback", [], channel, at())]  # an answer: not a fallback
                steps.append(SlotSet("lead_contact", "13812345678", timestamp=at()))
                steps.append(ActiveLoop(None, timestamp=at()))
                steps.append(ActionExecuted("action_submit_lead", timestamp=at()))
            steps.append(ActionExecuted("action_listen", timestamp=at()))
            turns.append(steps)
    return turns


def _user(text: str, intent: str, entities: list[dict[str, Any]], channel: str, stamp: float) -> Any:
    from rasa.shared.core.events import UserUttered

    return UserUttered(
        text, {"name": intent, "confidence": 0.9}, entities, timestamp=stamp, input_channel=channel, message_id=None
    )


def broker_config(port: int, exchange: str, queues: list[str], **extra: Any) -> Any:
    from rasa.utils.endpoints import EndpointConfig

    return EndpointConfig(
        url="amqp://127.0.0.1/brandstation",
        type="bot.event_broker.BufferedPikaEventBroker",
        port=port,
        username="brandstation",
        password=RABBITMQ_PASSWORD,
        queues=queues,
        exchange_name=exchange,
        **extra,
    )


async def save_turns(store: Any, sender: str, turns: list[list[Any]]) -> list[float]:
    """Save each turn the way a replica does (retrieve, update, save); returns how long each save took."""
    took = []
    for events in turns:
        tracker = await store.retrieve(sender) or store.init_tracker(sender)
        for event in events:
            tracker.update(event)
        started = time.monotonic()
        await store.save(tracker)
        took.append(time.monotonic() - started)
    return took


async def drained(broker: Any, timeout_s: float = 30.0) -> None:
    """Wait until the broker is connected and has published (with confirms) everything it was given."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if broker.is_ready() and not broker.buffered() and not broker._background_tasks:
            return
        await asyncio.sleep(0.05)
    for task in list(broker._background_tasks)[:2]:
        task.print_stack()
    raise AssertionError(f"broker not drained: ready={broker.is_ready()} buffered={broker.buffered()}")


def tracker_store(path: Path, broker: Any) -> Any:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    return SQLTrackerStore(Domain.load(str(ROOT / "domain.yml")), dialect="sqlite", db=str(path), event_broker=broker)


def kept_events(tracker: Path) -> int:
    reader = TrackerReader.sqlite(tracker)
    return sum(1 for _, sender, event in reader.events_after(0, 1_000_000) if kept({"sender_id": sender, **event}))


def tracker_conversations(url: str, senders: set[str] | None = None) -> dict[str, Conversation]:
    reader = TrackerReader(url)
    index = [(s, m) for s, m, _, _ in reader.index() if senders is None or s in senders]
    return {c.sender_id: dataclasses.replace(c, max_id=0) for c in reader.conversations(index)}


def table_conversations(tables: EventTables, senders: set[str] | None = None) -> dict[str, Conversation]:
    return {c.sender_id: dataclasses.replace(c, max_id=0) for c in tables.conversations(senders)}


async def delete(exchange: str, queues: list[str]) -> None:
    import aio_pika

    connection = await aio_pika.connect(amqp_url())
    async with connection:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


async def queue_depth(queue: str) -> int:
    import aio_pika

    connection = await aio_pika.connect(amqp_url())
    async with connection:
        declared = await (await connection.channel()).declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)


# -- publishing once, consumed by several tests ---------------------------------------------------------------------


@dataclass
class Published:
    tracker: Path
    exchange: str
    queues: dict[str, str]  # test → its queue (the exchange fans every event out to all of them)
    senders: set[str]
    kept: int
    save_seconds: list[float]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """80 buyers' conversations (about 4,000 events) saved through Rasa's tracker store with the broker."""
    import rasa.shared.core.events  # noqa: F401  (the broker's publish logs through it)

    from bot.event_broker import BufferedPikaEventBroker

    tmp = tmp_path_factory.mktemp("broker")
    run = uuid.uuid4().hex[:8]
    exchange = f"test-rasa-exchange-{run}"
    queues = {name: f"test-analytics-{run}-{name}" for name in ("equal", "killed")}
    rng = random.Random(8)
    now = time.time()
    conversations = {
        f"buyer-{i:03d}": conversation(rng, now - rng.uniform(0, 5) * WEEK) for i in range(80)
    }  # starts spread over six ISO weeks

    async def publish() -> list[float]:
        broker = await BufferedPikaEventBroker.from_endpoint_config(
            broker_config(RABBITMQ_PORT, exchange, list(queues.values()))
        )
        assert broker is not None
        store = tracker_store(tmp / "tracker.db", broker)
        took: list[float] = []
        for sender, turns in conversations.items():
            took += await save_turns(store, sender, turns)
        await drained(broker)
        await broker.close()
        return took

    took = asyncio.run(publish())
    tracker = tmp / "tracker.db"
    try:
        yield Published(tracker, exchange, queues, set(conversations), kept_events(tracker), took)
    finally:
        asyncio.run(delete(exchange, list(queues.values())))


def test_the_console_numbers_from_the_consumer_equal_the_tracker_scan(published: Published, tmp_path: Path) -> None:
    tables = EventTables(Database(tmp_path / "app.sqlite"))
    config = BrokerConfig(amqp_url(), queue=published.queues["equal"], exchange=published.exchange)
    stats: Stats = asyncio.run(consume(tables, config, until_idle_s=2.0))
    assert stats.stored.new == published.kept and stats.stored.malformed == 0  # every event, once
    expected = tracker_conversations(f"sqlite:///{published.tracker}")
    assert table_conversations(tables) == expected and len(expected) == 80
    senders = sorted(published.senders)
    facts = Facts(  # the bot's own tables say who has a lead, a quote, an unmet ask; any answer will do here
        lead_senders=frozenset(senders[::3]),
        quote_senders=frozenset(senders[::5]),
        demand_senders=frozenset(senders[::7]),
        delivered_senders=frozenset(senders[::6]),
    )
    from_tables = build_report(tables.conversations(), facts)
    assert from_tables == build_report(TrackerReader.sqlite(published.tracker).conversations(
        (s, m) for s, m, _, _ in TrackerReader.sqlite(published.tracker).index()
    ), facts)  # fmt: skip
    assert from_tables.conversations == 80 and from_tables.fallback_turns > 0 and len(from_tables.by_week) >= 5
    assert max(published.save_seconds) < 1.0  # publishing never held a save up


def test_a_consumer_killed_mid_stream_and_restarted_loses_and_double_counts_nothing(
    published: Published, tmp_path: Path
) -> None:
    database = tmp_path / "app.sqlite"
    EventTables(Database(database))  # tables exist before the first poll
    command = [sys.executable, "-m", "bot.analytics_consumer", "--database", str(database), "--url", amqp_url()]
    command += ["--queue", published.queues["killed"], "--exchange", published.exchange, "--batch", "25", "--json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
    )
    stored_at_kill = 0
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and stored_at_kill < published.kept // 3:
            time.sleep(0.01)
            with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
                stored_at_kill = int(db.execute("SELECT COUNT(*) FROM analytics_events").fetchone()[0])
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # mid-batch: no clean shutdown, no final acks
        first.wait()
    with contextlib.closing(sqlite3.connect(database, timeout=5)) as db:
        after_kill = int(db.execute("SELECT COUNT(*) FROM analytics_events").fetchone()[0])
    assert 0 < after_kill < published.kept, "the kill must land mid-stream"
    second = subprocess.run(
        [*command, "--until-idle", "3"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 0, second.stderr[-2000:]
    run = json.loads(second.stdout.strip().splitlines()[-1])
    tables = EventTables(Database(database))
    assert tables.counts()["analytics_events"] == published.kept  # nothing lost
    assert table_conversations(tables) == tracker_conversations(f"sqlite:///{published.tracker}")  # nothing twice
    assert run["new"] == published.kept - after_kill and asyncio.run(queue_depth(published.queues["killed"])) == 0
    print(f"\nkilled after {after_kill} of {published.kept} events; the restart received {run['received']}"
          f" ({run['duplicates']} already stored), {run['events_per_s']} events/s")  # fmt: skip


# -- RabbitMQ going away ----------------------------------------------------------------------------------------------


class Proxy:
    """A loopback TCP proxy to RabbitMQ that the test takes down (connections cut, new ones refused) and back up."""

    def __init__(self, target: int) -> None:
        self.target, self.port = target, free_port()
        self.server: asyncio.AbstractServer | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def down(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


def test_turns_go_on_while_rabbitmq_is_away_and_every_event_arrives_afterwards(tmp_path: Path) -> None:
    import rasa.shared.core.events  # noqa: F401
    from rasa.core.brokers.broker import EventBroker
    from rasa.shared.exceptions import ConnectionException

    from bot.event_broker import BufferedPikaEventBroker

    run = uuid.uuid4().hex[:8]
    exchange, queue = f"test-rasa-exchange-{run}", f"test-analytics-{run}-outage"
    rng = random.Random(9)
    buyers = {f"outage-{i}": conversation(rng, time.time() - i * 60) for i in range(6)}
    proxy = Proxy(RABBITMQ_PORT)

    async def scenario() -> tuple[dict[str, float], Stats]:
        timings: dict[str, float] = {}
        # Rasa's own broker with RabbitMQ away: the replica's start fails (after its retries).
        stock = broker_config(proxy.port, exchange, [queue], connection_attempts=2, retry_delay_in_seconds=0.1)
        stock.type = "pika"
        with pytest.raises(ConnectionException):
            await EventBroker.create(stock)
        # Ours: starts at once, buffers, publishes when RabbitMQ is reachable, buffers again while it is not.
        started = time.monotonic()
        config = broker_config(proxy.port, exchange, [queue], retry_delay_in_seconds=0.2, publish_timeout_s=2)
        config.url += "?reconnect_interval=0.5"  # aio_pika's reconnect pace (default 5 s)
        broker = await BufferedPikaEventBroker.from_endpoint_config(config)
        assert broker is not None
        timings["start"] = time.monotonic() - started
        store = tracker_store(tmp_path / "tracker.db", broker)
        names = list(buyers)
        took = await save_turns(store, names[0], buyers[names[0]])  # RabbitMQ not reachable yet
        await asyncio.sleep(0.1)  # the publish tasks run
        assert broker.buffered() > 0 and not broker.is_ready()
        await proxy.up()
        await drained(broker)
        took += await save_turns(store, names[1], buyers[names[1]])  # connected
        await drained(broker)
        await proxy.down()  # connection cut under the broker
        for name in names[2:4]:
            took += await save_turns(store, name, buyers[name])
        await asyncio.sleep(1.0)
        took += await save_turns(store, names[4], buyers[names[4]])
        await asyncio.sleep(0.1)
        timings["buffered_while_down"] = broker.buffered()
        await proxy.up()
        await drained(broker)
        took += await save_turns(store, names[5], buyers[names[5]])
        await drained(broker)
        timings["slowest_save"] = max(took)
        await broker.close()
        await proxy.down()
        tables = EventTables(Database(tmp_path / "app.sqlite"))
        stats = await consume(tables, BrokerConfig(amqp_url(), queue=queue, exchange=exchange), until_idle_s=2.0)
        return timings, stats

    try:
        timings, stats = asyncio.run(scenario())
    finally:
        asyncio.run(delete(exchange, [queue]))
    tables = EventTables(Database(tmp_path / "app.sqlite"))
    assert timings["start"] < 1.0 and timings["slowest_save"] < 1.0 and timings["buffered_while_down"] > 0
    assert tables.counts()["analytics_events"] == kept_events(tmp_path / "tracker.db")  # every event arrived
    assert table_conversations(tables) == tracker_conversations(f"sqlite:///{tmp_path / 'tracker.db'}")
    assert stats.stored.duplicates >= 0  # a publish cut before its confirm is sent again: the key absorbs it


# -- real replicas ---------------------------------------------------------------------------------------------------


def test_real_replicas_publish_every_turn_the_console_then_counts(scaled: Scaled, tmp_path: Path) -> None:
    """Two replicas with ops/endpoints.scaled.yml; turns alternate between them. The consumer reads the shared
    queue (other runs' events may be in it: only this test's buyers are compared)."""
    run = uuid.uuid4().hex[:8]
    messages = {
        f"replica-{run}-a": ["6205-2RS 内径多少?", "有替代吗?", "asdf qwer zxcv"],
        f"replica-{run}-b": ["what is the outer diameter of 7008CEGA/P4A?", "talk to sales"],
    }
    for sender, texts in messages.items():
        for i, text in enumerate(texts):
            replica = scaled.replicas[i % 2]
            body = json.dumps({"sender": sender, "message": text}).encode()
            request = urllib.request.Request(
                f"{replica}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                assert response.status == 200
    tables = EventTables(Database(tmp_path / "app.sqlite"))
    asyncio.run(consume(tables, BrokerConfig(amqp_url()), until_idle_s=3.0))
    pg = f"postgresql://brandstation:{PG_PASSWORD}@127.0.0.1:{PG_PORT}/brandstation"
    expected = tracker_conversations(pg, set(messages))
    assert table_conversations(tables, set(messages)) == expected and len(expected) == 2
    assert [expected[s].user_turns for s in messages] == [3, 2]
