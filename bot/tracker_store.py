"""Rasa's SQL tracker store, made to ride out a database restart and to fail a turn cleanly while it is down.

Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`, which turns any error into "no tracker" on read and
"keep it in this process's memory" on write. With the stock `SQLTrackerStore` a buyer whose database is briefly
gone therefore gets a turn run on an EMPTY conversation (a form answer taken as a new question, actions run on the
wrong context, a reply that makes no sense) and that turn is then silently dropped. Its pooled connections are
also only replaced after a query fails on them. Here (ops/endpoints.scaled.yml):

- connections are checked before use (`pool_pre_ping`) and opening one gives up after `connect_timeout_s`, so the
  first turn after PostgreSQL is back works and a hung server cannot stall the event loop for long;
- a read or a write that fails because the database is unreachable is retried for up to `outage_wait_s` (a
  `pg_ctl restart` takes about a second: turns in that window just wait);
- after that a read returns a *paused* stand-in: Rasa parses the message but predicts and runs nothing and saves
  nothing, and the stored conversation stays exactly as it was for when the database is back. The outage is logged
  at ERROR with the sender id. With `install_outage_reply()` (bot/rasa_server.py, the Rasa entry point the stacks
  start) the buyer is told so in that turn, on every channel: OUTAGE_REPLY instead of silence.

    tracker_store:
      type: bot.tracker_store.OutageSafeSQLTrackerStore
      dialect: postgresql
      url: 127.0.0.1
      ...
      outage_wait_s: 5
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ConversationPaused
from rasa.shared.core.trackers import DialogueStateTracker, TrackerEventDiffEngine
from sqlalchemy.exc import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

T = TypeVar("T")
# What a refused, dropped, restarting or shutting-down server raises through SQLAlchemy (psycopg2 underneath).
UNREACHABLE = (OperationalError, InterfaceError)
RETRY_PAUSE_S = 0.5
OUTAGE_REPLY = (
    "抱歉,系统暂时无法读取对话记录,请一分钟后再发一次。"
    " Sorry, the service is briefly unavailable: please send your message again in a minute."
)
# Set by a read that answered with the stand-in, in the task handling the message (see outage_reply()).
_OUTAGE: contextvars.ContextVar[bool] = contextvars.ContextVar("brandstation_tracker_outage", default=False)


class OutageSafeSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that waits out a short database outage and answers nothing (paused) during a long one."""

    engine: sa.engine.Engine

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: EventBroker | None = None,
        login_db: str | None = None,
        query: dict[str, Any] | None = None,
        outage_wait_s: float = 5.0,
        connect_timeout_s: int = 3,
        **kwargs: Any,
    ) -> None:
        # Rasa's constructor waits (5 s steps) until the database answers at start-up and creates the table.
        super().__init__(domain, dialect, host, port, db, username, password, event_broker, login_db, query, **kwargs)
        self.outage_wait_s = float(outage_wait_s)
        url = self.engine.url
        options = create_engine_kwargs(url)
        if url.get_backend_name() == "postgresql":
            options["connect_args"] = {**options.get("connect_args", {}), "connect_timeout": int(connect_timeout_s)}
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._stand_ins: weakref.WeakValueDictionary[int, DialogueStateTracker] = weakref.WeakValueDictionary()

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session of `sender_id`; a paused stand-in when the database stays unreachable."""
        read = super().retrieve
        return await self._read_or_stand_in(sender_id, lambda: read(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """Every session (HTTP API, `GET /conversations/<id>/tracker`); the stand-in too, so an outage never makes
        the API write a fresh session into the store once it is back."""
        read = super().retrieve_full_tracker
        return await self._read_or_stand_in(conversation_id, lambda: read(conversation_id))

    async def _read_or_stand_in(
        self, sender_id: str, read: Callable[[], Awaitable[DialogueStateTracker | None]]
    ) -> DialogueStateTracker | None:
        try:
            return await self._patiently("read", sender_id, read)
        except UNREACHABLE as error:
            logger.error(
                "tracker store unreachable for %g s (%s): conversation %r answered as paused (a turn gets no reply,"
                " nothing is stored; the stored conversation is unchanged)",
                self.outage_wait_s,
                _first_line(error),
                sender_id,
            )
            _OUTAGE.set(True)
            stand_in = DialogueStateTracker.from_events(sender_id, [ConversationPaused()], self.domain.slots)
            self._stand_ins[id(stand_in)] = stand_in
            return stand_in

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, and stream them to the event broker once (not once per retry, and never as a
        difference to a stand-in: Rasa's `stream_events` would read through `retrieve`); nothing for a stand-in."""
        if self._stand_ins.get(id(tracker)) is tracker:
            return
        sender_id = tracker.sender_id
        if self.event_broker is not None:
            read = super().retrieve
            stored = await self._patiently("read", sender_id, lambda: read(sender_id))
            new_events = TrackerEventDiffEngine.event_difference(stored, tracker)
            await self._stream_new_events(self.event_broker, new_events, sender_id)

        async def write() -> None:
            self._write_new_events(tracker)

        # Still unreachable after the wait: raise, and Rasa's FailSafeTrackerStore logs it (the turn's events are lost).
        await self._patiently("write", sender_id, write)

    def _write_new_events(self, tracker: DialogueStateTracker) -> None:
        """`SQLTrackerStore.save` without the broker: append the events the table does not have yet."""
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

    async def _patiently(self, what: str, sender_id: str, operation: Callable[[], Awaitable[T]]) -> T:
        """Run `operation`, retrying while the database is unreachable, for up to `outage_wait_s`."""
        deadline = time.monotonic() + self.outage_wait_s
        attempt = 0
        while True:
            attempt += 1
            try:
                result = await operation()
            except UNREACHABLE as error:
                if time.monotonic() + RETRY_PAUSE_S > deadline:
                    raise
                if attempt == 1:
                    logger.warning("tracker store %s for %r failed (%s); retrying", what, sender_id, _first_line(error))
                await asyncio.sleep(RETRY_PAUSE_S)
                continue
            if attempt > 1:
                logger.warning("tracker store %s for %r succeeded after %d attempts", what, sender_id, attempt)
            return result


Handle = Callable[[Any, UserMessage], Awaitable[Any]]


def outage_reply(handle: Handle) -> Handle:
    """`MessageProcessor.handle_message` that tells the buyer when the turn met the paused stand-in (the database
    stayed unreachable): OUTAGE_REPLY through the message's own output channel, so REST returns it and socket.io and
    the IM channels show it."""

    @functools.wraps(handle)
    async def handle_message(processor: Any, message: UserMessage) -> Any:
        token = _OUTAGE.set(False)
        try:
            result = await handle(processor, message)
            if _OUTAGE.get() and message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id, OUTAGE_REPLY)
                if isinstance(message.output_channel, CollectingOutputChannel):
                    return message.output_channel.messages
            return result
        finally:
            _OUTAGE.reset(token)

    handle_message.brandstation_outage_reply = True  # type: ignore[attr-defined]
    return handle_message


def install_outage_reply() -> None:
    """Wrap Rasa's MessageProcessor.handle_message with `outage_reply` (once)."""
    from rasa.core.processor import MessageProcessor

    if not getattr(MessageProcessor.handle_message, "brandstation_outage_reply", False):
        MessageProcessor.handle_message = outage_reply(MessageProcessor.handle_message)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
