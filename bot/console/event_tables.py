"""The console's analytics tables, kept up to date from Rasa's event stream (bot/analytics_consumer.py).

With `BRANDSTATION_ANALYTICS_SOURCE=events` the transcripts list, the home page count and the analytics page read
one row per conversation from here instead of summarizing the tracker store's `events` table on every view. The
rows are made by the same code as on the tracker path (`transcripts.summarize` and `turns`), so both paths give the
same numbers for the same events.

Tables (in the app database, `knowledge.db.Database`: SQLite or PostgreSQL):

- `analytics_events`: the events a summary reads (user, bot, slot, action, active_loop, session_started; not
  Rasa's user_featurization and the like), one row each, keyed by `event_key` = SHA-256 of the sender and the
  event's canonical JSON. The broker delivers at least once; a redelivered event hits the key and changes nothing.
  A conversation's events are read back in (timestamp, arrival) order, which is Rasa's order.
- `analytics_conversations`: `summarize()` of each buyer, rewritten whenever one of its events arrives.
- `analytics_turns`: one row per buyer message (intent, confidence, fallback, in a form, ISO week, channel,
  parts asked), for per-turn SQL (intents, fallback by the week of the turn).

Writers take the named lock "analytics" (knowledge/db.py): two consumers never rewrite one buyer from different
views of its events.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.console.data import like
from bot.console.transcripts import SUMMARY_TYPES, Conversation, summarize, turns, week_of
from knowledge.db import Connection, Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS analytics_events (
    id INTEGER PRIMARY KEY,
    event_key TEXT NOT NULL UNIQUE,
    sender_id TEXT NOT NULL,
    type_name TEXT NOT NULL,
    timestamp REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS analytics_events_sender ON analytics_events (sender_id, timestamp);
CREATE TABLE IF NOT EXISTS analytics_conversations (
    sender_id TEXT PRIMARY KEY,
    max_id INTEGER NOT NULL,
    events INTEGER NOT NULL,
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    started REAL NOT NULL,
    last REAL NOT NULL,
    week TEXT NOT NULL,
    user_turns INTEGER NOT NULL,
    fallback_turns INTEGER NOT NULL,
    first_text TEXT NOT NULL,
    answered INTEGER NOT NULL,
    quoted INTEGER NOT NULL,
    lead_form INTEGER NOT NULL,
    categories TEXT NOT NULL,
    intent_strength TEXT NOT NULL,
    parts TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS analytics_conversations_last ON analytics_conversations (last);
CREATE TABLE IF NOT EXISTS analytics_turns (
    event_key TEXT PRIMARY KEY,
    sender_id TEXT NOT NULL,
    timestamp REAL NOT NULL,
    week TEXT NOT NULL,
    channel TEXT NOT NULL,
    intent TEXT NOT NULL,
    confidence REAL,
    fallback INTEGER NOT NULL,
    in_form INTEGER NOT NULL,
    parts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS analytics_turns_sender ON analytics_turns (sender_id);
CREATE INDEX IF NOT EXISTS analytics_turns_week ON analytics_turns (week)
"""
LOCK = "analytics"
_CHUNK = 500
_CONVERSATION_COLUMNS = (
    "sender_id, max_id, channel, language, started, last, user_turns, fallback_turns, first_text, answered, quoted,"
    " lead_form, categories, intent_strength, parts"
)


@dataclass(frozen=True)
class Ingested:
    """What one batch did: events stored, redeliveries ignored, messages that are not Rasa events, events of
    types no summary reads, and the conversations rewritten."""

    new: int = 0
    duplicates: int = 0
    malformed: int = 0
    ignored: int = 0
    conversations: int = 0

    def __add__(self, other: Ingested) -> Ingested:
        return Ingested(
            self.new + other.new,
            self.duplicates + other.duplicates,
            self.malformed + other.malformed,
            self.ignored + other.ignored,
            self.conversations + other.conversations,
        )


def event_key(sender_id: str, event: Mapping[str, Any]) -> str:
    """The identity of an event: the same event published twice (or read back from the tracker store) has the
    same key; two different events of one buyer never do, even with equal timestamps."""
    body = {k: v for k, v in event.items() if k not in ("sender_id", "_id")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(f"{sender_id}\n{canonical}".encode()).hexdigest()


def kept(event: Mapping[str, Any]) -> bool:
    """True for the events a summary reads (the tracker path reads the same types; action_listen included: its
    timestamps bound a conversation's first and last time)."""
    return event.get("event") in SUMMARY_TYPES


class EventTables:
    """The analytics tables: `ingest` (the consumer) and the console's reads."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.db.create(SCHEMA)

    # -- writing --------------------------------------------------------------------------------------------------

    def ingest(self, messages: Iterable[Mapping[str, Any]]) -> Ingested:
        """Store a batch of Rasa events (the broker's JSON: `sender_id` plus the event) in one transaction and
        rewrite the conversations they belong to. Idempotent: an event already stored is counted, not applied."""
        new = duplicates = malformed = ignored = 0
        touched: list[str] = []
        now = time.time()
        with self.db.transaction(LOCK) as conn:
            for message in messages:
                sender, stamp = message.get("sender_id"), message.get("timestamp")
                if not isinstance(sender, str) or not sender or not isinstance(message.get("event"), str):
                    malformed += 1
                    continue
                if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
                    malformed += 1
                    continue
                if not kept(message):
                    ignored += 1
                    continue
                event = {k: v for k, v in message.items() if k not in ("sender_id", "_id")}
                cursor = conn.execute(
                    "INSERT INTO analytics_events (event_key, sender_id, type_name, timestamp, data)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
                    (event_key(sender, event), sender, str(event["event"]), float(stamp), json.dumps(event)),
                )
                if cursor.rowcount == 1:
                    new += 1
                    if sender not in touched:
                        touched.append(sender)
                else:
                    duplicates += 1
            for sender in touched:
                self._rewrite(conn, sender, now)
        return Ingested(new, duplicates, malformed, ignored, len(touched))

    def _rewrite(self, conn: Connection, sender: str, now: float) -> None:
        rows = conn.execute(
            "SELECT id, event_key, data FROM analytics_events WHERE sender_id = ? ORDER BY timestamp, id", (sender,)
        ).fetchall()
        events: list[dict[str, Any]] = []
        keys: dict[int, str] = {}
        for row_id, key, data in rows:
            event = json.loads(data)
            event["_id"] = int(row_id)
            keys[int(row_id)] = str(key)
            events.append(event)
        c = summarize(sender, events)
        conn.execute(
            f"INSERT INTO analytics_conversations ({_CONVERSATION_COLUMNS}, events, week, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sender_id) DO UPDATE SET"
            " max_id = excluded.max_id, events = excluded.events, channel = excluded.channel,"
            " language = excluded.language, started = excluded.started, last = excluded.last, week = excluded.week,"
            " user_turns = excluded.user_turns, fallback_turns = excluded.fallback_turns,"
            " first_text = excluded.first_text, answered = excluded.answered, quoted = excluded.quoted,"
            " lead_form = excluded.lead_form, categories = excluded.categories,"
            " intent_strength = excluded.intent_strength, parts = excluded.parts, updated_at = excluded.updated_at",
            (
                sender,
                c.max_id,
                c.channel,
                c.language,
                c.started,
                c.last,
                c.user_turns,
                c.fallback_turns,
                c.first_text,
                int(c.answered),
                int(c.quoted),
                int(c.lead_form),
                json.dumps(list(c.categories), ensure_ascii=False),
                c.intent_strength,
                json.dumps(list(c.parts), ensure_ascii=False),
                len(events),
                week_of(c.started),
                now,
            ),
        )
        conn.execute("DELETE FROM analytics_turns WHERE sender_id = ?", (sender,))
        turn_rows = [
            (
                keys[t.event_id],
                sender,
                t.timestamp,
                week_of(t.timestamp),
                t.channel or c.channel,
                t.intent,
                t.confidence,
                int(t.fallback),
                int(t.in_form),
                json.dumps(
                    [str(e.get("value")) for e in t.entities if e.get("entity") == "part_number"], ensure_ascii=False
                ),
            )
            for t in turns(events)
            if t.event_id is not None and t.event_id in keys
        ]
        if turn_rows:
            conn.executemany(
                "INSERT INTO analytics_turns (event_key, sender_id, timestamp, week, channel, intent, confidence,"
                " fallback, in_form, parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                turn_rows,
            )

    # -- reading (the console) ------------------------------------------------------------------------------------

    def conversations(self, senders: Iterable[str] | None = None) -> list[Conversation]:
        """Every conversation's summary, or only those of `senders` (a distributor rep's scope)."""
        sql = f"SELECT {_CONVERSATION_COLUMNS} FROM analytics_conversations"
        with self.db.connect() as conn:
            if senders is None:
                return [_conversation(r) for r in conn.execute(sql).fetchall()]
            wanted = sorted(set(senders))
            found: list[Conversation] = []
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                found += [_conversation(r) for r in conn.execute(f"{sql} WHERE sender_id IN ({marks})", chunk)]
            return found

    def search(self, q: str) -> set[str]:
        """Buyers whose messages or the bot's replies contain `q`, or whose sender id is `q` (the tracker path's
        rules: case-insensitive for Latin letters, Chinese found through the \\uXXXX escapes)."""
        text = q.lower()
        escaped = json.dumps(text)[1:-1].lower()
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT DISTINCT sender_id FROM analytics_events WHERE sender_id = ? OR (type_name IN ('user', 'bot')"
                " AND (LOWER(data) LIKE ? ESCAPE '!' OR LOWER(data) LIKE ? ESCAPE '!'))",
                (q, like(text), like(escaped)),
            ).fetchall()
        return {str(r[0]) for r in rows}

    def counts(self) -> dict[str, int]:
        """Rows per table (for the consumer's report and the tests)."""
        with self.db.connect() as conn:
            return {
                table: int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
                for table in ("analytics_events", "analytics_conversations", "analytics_turns")
            }

    def keys(self, sender_id: str) -> Sequence[str]:
        """The event keys stored for one buyer, in order."""
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT event_key FROM analytics_events WHERE sender_id = ? ORDER BY timestamp, id", (sender_id,)
            ).fetchall()
        return [str(r[0]) for r in rows]


def _conversation(row: Sequence[Any]) -> Conversation:
    (sender, max_id, channel, language, started, last, user_turns, fallback_turns, first_text, answered, quoted,
     lead_form, categories, intent_strength, parts) = row  # fmt: skip
    return Conversation(
        sender_id=str(sender),
        max_id=int(max_id),
        channel=str(channel),
        language=str(language),
        started=float(started),
        last=float(last),
        user_turns=int(user_turns),
        fallback_turns=int(fallback_turns),
        first_text=str(first_text),
        answered=bool(answered),
        quoted=bool(quoted),
        lead_form=bool(lead_form),
        categories=tuple(json.loads(categories or "[]")),
        intent_strength=str(intent_strength),
        parts=tuple(json.loads(parts or "[]")),
    )
