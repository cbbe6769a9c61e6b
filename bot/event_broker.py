"""Rasa's RabbitMQ event broker, made so that analytics being down never holds a conversation up.

Rasa 3.6's `PikaEventBroker` connects while the server starts: with RabbitMQ down it retries
`connection_attempts` × `retry_delay_in_seconds` (20 × 5 s) and then the agent fails to load, so the replica never
serves. Once connected it survives most outages (aio_pika reconnects; an event that fails to publish waits in an
unbounded in-memory deque and goes out on reconnect), but a publish caught by the moment the connection dies can
wait forever in aiormq (tests/scaled/test_event_broker.py cuts the connection to show it): that event is never sent.

This subclass (`type: bot.event_broker.BufferedPikaEventBroker` in ops/endpoints.scaled.yml) connects in the
background instead (retrying forever, `retry_delay_in_seconds` doubling to 30 s; `connection_attempts` is not used),
bounds each publish (`publish_timeout_s`, default 10 s), keeps what could not be published in a bounded buffer
(`max_buffered_events`, default 100,000; the oldest go first, counted in `dropped`) and sends it once connected
(again). Publishing never raises into a turn. A publish that timed out may have reached RabbitMQ and is sent again:
the consumer ignores the copy (bot/console/event_tables.py `event_key`). Events still buffered when the process
dies are lost; `python -m bot.analytics_consumer --backfill` repairs the tables from the tracker store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from asyncio import AbstractEventLoop
from collections import deque
from typing import Any

from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)

MAX_BUFFERED_EVENTS = 100_000
MAX_RETRY_DELAY_S = 30.0
PUBLISH_TIMEOUT_S = 10.0
FLUSH_RETRY_S = 1.0


class BufferedPikaEventBroker(PikaEventBroker):
    """`PikaEventBroker` that starts without RabbitMQ and buffers (bounded) until it can publish."""

    _connection: Any  # the base class's aio_pika connection (None until connected)

    def __init__(
        self,
        *args: Any,
        max_buffered_events: int = MAX_BUFFERED_EVENTS,
        publish_timeout_s: float = PUBLISH_TIMEOUT_S,
        retry_delay_in_seconds: float = 5,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.publish_timeout_s = float(publish_timeout_s)
        self._unpublished_events: deque[dict[str, Any]] = deque(maxlen=max(1, int(max_buffered_events)))
        self.dropped = 0  # events pushed out of a full buffer
        # one try per round, no sleep inside it: _connect_until_ready retries, forever, in the background
        self._first_retry_delay_s = max(0.1, float(retry_delay_in_seconds))
        self._connection_attempts, self._retry_delay_in_seconds = 1, 0
        self._connecting: asyncio.Task[None] | None = None
        self._flushing: asyncio.Task[None] | None = None
        self._closing = False

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig | None, event_loop: AbstractEventLoop | None = None
    ) -> BufferedPikaEventBroker | None:
        """The broker, connecting in the background (Rasa's server starts whether RabbitMQ answers or not)."""
        if broker_config is None:
            return None
        broker = cls(broker_config.url, **broker_config.kwargs, event_loop=event_loop)
        broker._connecting = broker._loop.create_task(broker._connect_until_ready())
        return broker

    async def _connect_until_ready(self) -> None:
        delay = self._first_retry_delay_s
        attempts = 0
        while not self._closing:
            attempts += 1
            try:
                await self.connect()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # refused, auth, DNS, vhost missing: keep trying, the bot goes on
                if attempts == 1 or attempts % 10 == 0:
                    log.warning(
                        "event broker: RabbitMQ at %s:%s not reachable (%s); %d events buffered, retrying",
                        self.host,
                        self.port,
                        exc,
                        len(self._unpublished_events),
                    )
                if self._connection is not None:  # connected, then the exchange or a queue failed: start over
                    with contextlib.suppress(Exception):
                        await self._connection.close()
                    self._connection = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY_S)
                continue
            log.info("event broker: connected to RabbitMQ after %d attempt(s)", attempts)
            self._publish_unpublished_messages()
            return

    async def _publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        if self._exchange is None:  # not connected yet (the base class would drop the event here)
            self._keep(event)
            return
        try:
            # aiormq can wait forever for a frame written into a connection that just died: bound the wait
            await asyncio.wait_for(self._exchange.publish(self._message(event, headers), ""), self.publish_timeout_s)
        except Exception as exc:  # lost connection, timeout: keep it; sent again on reconnect (or soon, below)
            log.debug("event broker: publish failed (%s: %s); buffered", type(exc).__name__, exc)
            self._keep(event)
            if self._connected():  # no reconnect is coming to flush it: try again shortly
                self._flush_soon()

    def _keep(self, event: dict[str, Any]) -> None:
        buffer = self._unpublished_events
        if buffer.maxlen is not None and len(buffer) == buffer.maxlen:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.error("event broker: buffer full (%d events); %d oldest dropped", buffer.maxlen, self.dropped)
        buffer.append(event)

    def _connected(self) -> bool:
        connection = self._connection
        return connection is not None and not connection.is_closed and connection.connected.is_set()

    def _flush_soon(self) -> None:
        if self._flushing is None or self._flushing.done():
            self._flushing = self._loop.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(FLUSH_RETRY_S)
        if self._connected() and not self._closing:
            self._publish_unpublished_messages()

    def buffered(self) -> int:
        """Events waiting for RabbitMQ."""
        return len(self._unpublished_events)

    async def close(self) -> None:
        """Stop connecting, then close the connection (what is still buffered is lost)."""
        self._closing = True
        for task in (self._connecting, self._flushing):
            if task is not None and not task.done():
                task.cancel()
        if self._unpublished_events:
            log.warning("event broker: closing with %d events unpublished", len(self._unpublished_events))
        await super().close()
