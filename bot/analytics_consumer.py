"""The analytics consumer: Rasa's events from RabbitMQ into the console's analytics tables.

    python -m bot.analytics_consumer                      # consume until stopped (SIGTERM / Ctrl-C)
    python -m bot.analytics_consumer --until-idle 5       # drain the queue, stop after 5 s without messages
    python -m bot.analytics_consumer --backfill           # read the tracker store instead (first run, repairs)

Every Rasa replica publishes each new tracker event to the fanout exchange `rasa-exchange`
(ops/endpoints.scaled.yml); the queue `brandstation_analytics` (durable, declared by Rasa and here) holds them until
this consumer stores them through `bot.console.event_tables.EventTables` (SQLite or PostgreSQL, the app database).
Messages are taken in batches (up to `batch_size`, or what arrived within `batch_wait_s` of the first), stored in one
transaction, and acknowledged only after the commit: a consumer killed at any point loses nothing (RabbitMQ
redelivers what was not acknowledged) and counts nothing twice (a redelivered event hits its `event_key`). A message
that is not a Rasa event is acknowledged and counted as malformed (logged), so it cannot block the queue. While the
database is unreachable the batch is retried with backoff and nothing is acknowledged.

Connection settings come from the environment like the endpoints file's: BRANDSTATION_RABBITMQ_HOST (127.0.0.1),
_PORT (55672), _USER / _PASSWORD (brandstation), _VHOST (brandstation), _QUEUE (brandstation_analytics), or one
`--url amqp://user:password@host:port/vhost`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.console.event_tables import EventTables, Ingested
from knowledge.db import Database, operational_errors
from knowledge.errors import KnowledgeError

log = logging.getLogger(__name__)

EXCHANGE = "rasa-exchange"  # rasa.core.brokers.pika.RABBITMQ_EXCHANGE (not imported: no Rasa in this process)
QUEUE = "brandstation_analytics"
MAX_RETRY_DELAY_S = 30.0


class SourceUnavailable(KnowledgeError):
    """RabbitMQ or the tracker store cannot be read (not running; wrong port, user, password or vhost)."""


@dataclass(frozen=True)
class BrokerConfig:
    """Where the events come from and how they are batched."""

    url: str
    queue: str = QUEUE
    exchange: str = EXCHANGE
    batch_size: int = 500
    batch_wait_s: float = 0.2
    prefetch: int = 2000

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> BrokerConfig:
        """From BRANDSTATION_RABBITMQ_* (the same variables ops/endpoints.scaled.yml and ops/rabbitmq.sh use)."""
        host = env.get("BRANDSTATION_RABBITMQ_HOST", "127.0.0.1")
        port = env.get("BRANDSTATION_RABBITMQ_PORT", "55672")
        user = quote(env.get("BRANDSTATION_RABBITMQ_USER", "brandstation"), safe="")
        password = quote(env.get("BRANDSTATION_RABBITMQ_PASSWORD", "brandstation"), safe="")
        vhost = quote(env.get("BRANDSTATION_RABBITMQ_VHOST", "brandstation"), safe="")
        values: dict[str, Any] = {
            "url": f"amqp://{user}:{password}@{host}:{port}/{vhost}",
            "queue": env.get("BRANDSTATION_RABBITMQ_QUEUE", QUEUE),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass
class Stats:
    """What a run did (printed as JSON when it ends)."""

    received: int = 0
    acked: int = 0
    batches: int = 0
    db_retries: int = 0
    stored: Ingested = field(default_factory=Ingested)
    started: float = field(default_factory=time.monotonic)
    first_batch: float | None = None  # when the first batch was cut
    last_ack: float | None = None

    def as_dict(self) -> dict[str, Any]:
        seconds = time.monotonic() - self.started
        active = (self.last_ack - self.first_batch) if self.first_batch and self.last_ack else 0.0
        return {
            "received": self.received,
            "acked": self.acked,
            "batches": self.batches,
            "db_retries": self.db_retries,
            **asdict(self.stored),
            "seconds": round(seconds, 3),
            "active_seconds": round(active, 3),  # first batch to last ack: idle waits left out
            "events_per_s": round(self.received / active, 1) if active > 0 else 0.0,
        }


async def consume(
    tables: EventTables,
    config: BrokerConfig,
    *,
    stop: asyncio.Event | None = None,
    until_idle_s: float | None = None,
) -> Stats:
    """Consume until `stop` is set (or, with `until_idle_s`, until the queue has been quiet that long)."""
    import aio_pika

    stop = stop or asyncio.Event()
    stats = Stats()
    inbox: asyncio.Queue[Any] = asyncio.Queue()
    connection = await _connect(config, stop, give_up_after_s=until_idle_s)
    if connection is None:
        return stats
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=config.prefetch)
        # Declared exactly as Rasa's PikaEventBroker declares them (a different flag would be refused).
        exchange = await channel.declare_exchange(config.exchange, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(config.queue, durable=True)
        await queue.bind(exchange, "")
        tag = await queue.consume(inbox.put, no_ack=False)
        log.info("analytics consumer: reading %s from %s", config.queue, _safe_url(config.url))
        await pump(inbox, tables, config, stop=stop, stats=stats, until_idle_s=until_idle_s)
        await queue.cancel(tag)  # what was delivered but not stored goes back to the queue when the channel closes
    finally:
        await connection.close()
    return stats


async def _connect(config: BrokerConfig, stop: asyncio.Event, *, give_up_after_s: float | None) -> Any:
    """A robust connection (it reconnects by itself later); the first one is retried with backoff until `stop` is
    set or, when given, `give_up_after_s` has passed (then `SourceUnavailable`)."""
    import aio_pika

    started, delay, attempts = time.monotonic(), 0.5, 0
    while not stop.is_set():
        attempts += 1
        try:
            return await aio_pika.connect_robust(config.url)
        except (OSError, aio_pika.exceptions.AMQPError) as exc:
            if give_up_after_s is not None and time.monotonic() - started >= give_up_after_s:
                raise SourceUnavailable(f"cannot reach RabbitMQ at {_safe_url(config.url)}: {exc}") from exc
            if attempts == 1 or attempts % 10 == 0:
                log.warning(
                    "analytics consumer: RabbitMQ at %s not reachable (%s); retrying", _safe_url(config.url), exc
                )
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        delay = min(delay * 2, MAX_RETRY_DELAY_S)
    return None


async def pump(
    inbox: asyncio.Queue[Any],
    tables: EventTables,
    config: BrokerConfig,
    *,
    stop: asyncio.Event,
    stats: Stats,
    until_idle_s: float | None = None,
) -> None:
    """Batches from `inbox` (aio_pika deliveries: `.body`, `.channel`, `.delivery_tag`, `await .ack(multiple)`) →
    one transaction each → acks."""
    last_message = time.monotonic()
    while not stop.is_set():
        batch = await _next_batch(inbox, config, stop, timeout_s=0.5)
        if not batch:
            if until_idle_s is not None and time.monotonic() - last_message >= until_idle_s:
                return
            continue
        last_message = time.monotonic()
        stats.first_batch = stats.first_batch or last_message
        stats.received += len(batch)
        stats.stored += await _store(tables, batch, stats, stop)
        stats.acked += await _ack(batch)  # only after the commit
        stats.last_ack = time.monotonic()
        stats.batches += 1


async def _next_batch(
    inbox: asyncio.Queue[Any], config: BrokerConfig, stop: asyncio.Event, *, timeout_s: float
) -> list[Any]:
    try:
        first = await asyncio.wait_for(inbox.get(), timeout=timeout_s)
    except asyncio.TimeoutError:
        return []
    batch = [first]
    deadline = time.monotonic() + config.batch_wait_s
    while len(batch) < config.batch_size and not stop.is_set():
        if inbox.empty():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                batch.append(await asyncio.wait_for(inbox.get(), timeout=left))
            except asyncio.TimeoutError:
                break
        else:
            batch.append(inbox.get_nowait())
    return batch


async def _store(tables: EventTables, batch: list[Any], stats: Stats, stop: asyncio.Event) -> Ingested:
    """Decode and store the batch, retrying while the database is unreachable (nothing is acknowledged before)."""
    bodies = [_decode(message.body) for message in batch]
    delay = 0.5
    while True:
        try:
            return await asyncio.to_thread(tables.ingest, bodies)
        except operational_errors() as exc:
            stats.db_retries += 1
            log.warning("analytics consumer: database unavailable (%s); retrying in %.1f s", exc, delay)
            if stop.is_set():
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_DELAY_S)


async def _ack(batch: list[Any]) -> int:
    """Acknowledge a stored batch: per channel, its newest delivery with `multiple` (deliveries are processed in
    order, so every older one of that channel is stored too). Returns how many messages that covered."""
    newest: dict[int, Any] = {}
    counts: dict[int, int] = {}
    for message in batch:
        key = id(getattr(message, "channel", None))
        counts[key] = counts.get(key, 0) + 1
        if key not in newest or getattr(message, "delivery_tag", 0) >= getattr(newest[key], "delivery_tag", 0):
            newest[key] = message
    acked = 0
    for key, message in newest.items():
        try:
            await message.ack(multiple=True)
            acked += counts[key]
        except Exception as exc:  # the channel was lost after the commit: RabbitMQ redelivers, the key dedupes
            log.info("analytics consumer: ack failed (%s); those events will be redelivered and ignored", exc)
    return acked


def _decode(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        log.warning("analytics consumer: a message that is not JSON (%d bytes) was dropped", len(body))
        return {}
    if not isinstance(value, dict):
        log.warning("analytics consumer: a message that is not a JSON object was dropped")
        return {}
    return value


def backfill(tables: EventTables, tracker_url: str, *, chunk: int = 5000) -> Ingested:
    """Feed every event of the tracker store through `ingest` (idempotent: what the broker already delivered is
    ignored). For a first run on an existing deployment, or after events were lost (a replica died with events
    still in its broker buffer)."""
    from bot.console.transcripts import TrackerReader

    reader = TrackerReader(tracker_url)
    total = Ingested()
    after = 0
    while True:
        rows = reader.events_after(after, chunk)
        if not rows:
            return total
        after = rows[-1][0]
        total += tables.ingest({"sender_id": sender, **event} for _, sender, event in rows)


# -- command line -------------------------------------------------------------------------------------------------


def register_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add `analytics consume | backfill` to a `brandstation` argparse subparsers object."""
    parser: argparse.ArgumentParser = subparsers.add_parser("analytics", help="the console's analytics tables")
    _add_commands(parser)
    parser.set_defaults(handler=run_cli)
    return parser


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.analytics_consumer [--backfill] ...` (the same as `brandstation analytics consume`)."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.analytics_consumer", description="Rasa's events into the analytics tables"
    )
    _add_options(parser)
    parser.add_argument("--backfill", action="store_true", help="read the tracker store instead of RabbitMQ")
    args = parser.parse_args(argv)
    args.analytics_command = "backfill" if args.backfill else "consume"
    return run_cli(args)


def _add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="analytics_command", required=True)
    _add_options(commands.add_parser("consume", help="Rasa's events from RabbitMQ into the analytics tables"))
    _add_options(commands.add_parser("backfill", help="the tracker store's events into the analytics tables"))


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", help="analytics tables' database URL or path (default: the app database)")
    parser.add_argument("--url", help="amqp://user:password@host:port/vhost (default: BRANDSTATION_RABBITMQ_*)")
    parser.add_argument("--queue", help=f"queue to read (default: BRANDSTATION_RABBITMQ_QUEUE or {QUEUE})")
    parser.add_argument("--exchange", help=f"fanout exchange Rasa publishes to (default: {EXCHANGE})")
    parser.add_argument("--batch", type=int, help="most events per transaction (default 500)")
    parser.add_argument("--until-idle", type=float, metavar="S", help="stop after S seconds without a message")
    parser.add_argument("--tracker-url", help="tracker store for --backfill (default: the console's)")
    parser.add_argument("--json", action="store_true", help="print the run's numbers as JSON")


def run_cli(args: argparse.Namespace) -> int:
    """Run a parsed `analytics` command."""
    from bot.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    unavailable: tuple[type[BaseException], ...] = (SourceUnavailable, *operational_errors())
    try:
        return _run(args, get_settings())
    except unavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Any) -> int:
    import os

    from sqlalchemy.exc import OperationalError

    tables = EventTables(Database(args.database) if args.database else settings.db())
    if args.analytics_command == "backfill":
        tracker_url = args.tracker_url or _tracker_url(settings)
        started = time.monotonic()
        try:
            done = backfill(tables, tracker_url)
        except OperationalError as exc:
            raise SourceUnavailable(f"cannot read the tracker store: {str(exc.orig).strip()}") from exc
        seconds = time.monotonic() - started
        print(json.dumps({**asdict(done), "seconds": round(seconds, 3)}) if args.json else _line(asdict(done)))
        return 0
    config = BrokerConfig.from_env(
        os.environ, url=args.url, queue=args.queue, exchange=args.exchange, batch_size=args.batch
    )
    stats = asyncio.run(_run_until_signalled(tables, config, args.until_idle))
    print(json.dumps(stats.as_dict()) if args.json else _line(stats.as_dict()))
    return 0


async def _run_until_signalled(tables: EventTables, config: BrokerConfig, until_idle_s: float | None) -> Stats:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return await consume(tables, config, stop=stop, until_idle_s=until_idle_s)


def _tracker_url(settings: Any) -> str:
    url = str(getattr(settings, "console_tracker_url", "") or getattr(settings, "tracker_url", "") or "")
    url = url or str(getattr(settings, "database_url", "") or "") or str(settings.var_dir / "tracker.db")
    return url if "://" in url else f"sqlite:///{Path(url).resolve()}"


def _line(values: Mapping[str, Any]) -> str:
    return "analytics: " + ", ".join(f"{k} {v}" for k, v in values.items())


def _safe_url(url: str) -> str:
    head, _, tail = url.rpartition("@")
    return ("amqp://…@" + tail) if head else url


if __name__ == "__main__":
    sys.exit(main())
