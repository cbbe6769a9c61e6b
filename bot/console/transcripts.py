"""Conversations from Rasa's tracker store: a summary per buyer, every turn of one, and a Rasa test story.

The tracker store is Rasa's SQLTrackerStore (`events`: id, sender_id, type_name, timestamp, intent_name,
action_name, data = the event as JSON). It is read through SQLAlchemy with bound parameters only, so the same
code reads SQLite (default, `var/tracker.db`, opened read-only) and PostgreSQL (`postgresql://...`). Rasa
writes `data` with JSON's \\uXXXX escapes, so a search looks for the escaped form of the words too (that is
how 内径 is found). Summaries are cached per buyer until a new event arrives (events are append-only).
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bot.console.data import like
from bot.console.store import Correction
from bot.tags import buyer_tags

OUTCOMES = ("answered", "quoted", "lead", "unmet")
FALLBACK_INTENTS = frozenset({"nlu_fallback"})
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_two_stage_fallback"})
QUIET_ACTIONS = frozenset({"action_listen", "action_session_start"})  # neither summaries nor turns show them
SUMMARY_TYPES = ("user", "bot", "slot", "action", "active_loop", "session_started")  # all that `summarize` reads
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,24}")
_PHONE = re.compile(r"(?<!\d)\+?\d[\d \-]{5,}\d(?!\d)")


@dataclass(frozen=True)
class Facts:
    """What the bot's own tables say about buyers (for outcomes): who has a lead, a quote, an unmet ask."""

    lead_senders: frozenset[str] = frozenset()
    quote_senders: frozenset[str] = frozenset()
    demand_senders: frozenset[str] = frozenset()
    delivered_senders: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Conversation:
    """One buyer's conversation (all sessions) in a line."""

    sender_id: str
    max_id: int
    channel: str
    language: str
    started: float
    last: float
    user_turns: int
    fallback_turns: int
    first_text: str
    answered: bool  # a product card was shown
    quoted: bool  # a quote card was shown
    lead_form: bool
    categories: tuple[str, ...]
    intent_strength: str
    parts: tuple[str, ...]

    def outcomes(self, facts: Facts) -> list[str]:
        """Every outcome that applies, in OUTCOMES order (a conversation can be answered and unmet)."""
        found = []
        if self.answered:
            found.append("answered")
        if self.quoted or self.sender_id in facts.quote_senders:
            found.append("quoted")
        if self.sender_id in facts.lead_senders:
            found.append("lead")
        if self.fallback_turns or self.sender_id in facts.demand_senders:
            found.append("unmet")
        return found

    @property
    def started_iso(self) -> str:
        return _iso(self.started)

    @property
    def last_iso(self) -> str:
        return _iso(self.last)


@dataclass(frozen=True)
class BotMessage:
    text: str
    buttons: tuple[tuple[str, str], ...]
    card: Mapping[str, Any] | None
    quote: Mapping[str, Any] | None


@dataclass(frozen=True)
class Step:
    """Something that happened after the user message: an action, a slot set, a form (de)activated, a reply."""

    kind: str  # action | slot | loop | bot | session
    event_id: int
    name: str = ""
    value: Any = None
    policy: str = ""
    confidence: float | None = None
    bot: BotMessage | None = None


@dataclass
class Turn:
    number: int
    event_id: int | None  # the user event; None for what happened before the first message
    timestamp: float
    text: str = ""
    intent: str = ""
    confidence: float | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    entities: list[Mapping[str, Any]] = field(default_factory=list)
    channel: str = ""
    in_form: bool = False  # a form was active when the buyer wrote this (it takes any answer)
    steps: list[Step] = field(default_factory=list)

    @property
    def fallback(self) -> bool:
        return (self.intent in FALLBACK_INTENTS and not self.in_form) or any(
            s.kind == "action" and s.name in FALLBACK_ACTIONS for s in self.steps
        )

    @property
    def time_iso(self) -> str:
        return _iso(self.timestamp)


class TrackerReader:
    """Read-only access to the tracker store's `events` table, with a per-buyer summary cache."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Any = None
        self._lock = threading.Lock()
        self._cache: dict[str, Conversation] = {}

    @classmethod
    def sqlite(cls, path: Path) -> TrackerReader:
        """The SQLite tracker store at `path` (read-only; a missing file reads as no conversations)."""
        return cls(f"sqlite:///{Path(path).resolve()}")

    # -- queries --------------------------------------------------------------------------------------------

    def index(self) -> list[tuple[str, int, float, float]]:
        """(sender_id, newest event id, first, last timestamp) per buyer."""
        rows = self._query(
            "SELECT sender_id, MAX(id), MIN(timestamp), MAX(timestamp) FROM events GROUP BY sender_id", {}
        )
        return [(str(r[0]), int(r[1]), float(r[2] or 0), float(r[3] or 0)) for r in rows]

    def search(self, q: str) -> set[str]:
        """Buyers whose messages or the bot's replies contain `q` (case-insensitive for Latin letters; Chinese
        found through Rasa's \\uXXXX escapes), or whose sender id is `q`."""
        text = q.lower()
        escaped = json.dumps(text)[1:-1].lower()
        rows = self._query(
            "SELECT DISTINCT sender_id FROM events WHERE sender_id = :exact OR (type_name IN ('user', 'bot')"
            " AND (LOWER(data) LIKE :raw ESCAPE '!' OR LOWER(data) LIKE :escaped ESCAPE '!'))",
            {"exact": q, "raw": like(text), "escaped": like(escaped)},
        )
        return {str(r[0]) for r in rows}

    def has(self, sender_id: str) -> bool:
        """True when the tracker store holds a conversation of this buyer."""
        return bool(self._query("SELECT 1 FROM events WHERE sender_id = :s LIMIT 1", {"s": sender_id}))

    def events(self, sender_id: str) -> list[dict[str, Any]]:
        """Every event of one buyer, in order; each dict is Rasa's event JSON plus `_id` (the row id)."""
        return self._events([sender_id]).get(sender_id, [])

    def events_after(
        self, after_id: int, limit: int = 5000, types: Sequence[str] = SUMMARY_TYPES
    ) -> list[tuple[int, str, dict[str, Any]]]:
        """(row id, sender_id, event) of every buyer in row order after `after_id`, at most `limit` rows (a
        backfill pages through the store with this)."""
        from sqlalchemy import bindparam, text

        sql = text(
            "SELECT id, sender_id, data FROM events WHERE id > :after AND type_name IN :types ORDER BY id LIMIT :limit"
        ).bindparams(bindparam("types", expanding=True))
        found: list[tuple[int, str, dict[str, Any]]] = []
        for event_id, sender, data in self._query(sql, {"after": after_id, "types": list(types), "limit": limit}):
            try:
                event = json.loads(data) if data else None
            except ValueError:
                event = None
            found.append((int(event_id), str(sender), event if isinstance(event, dict) else {}))
        return found

    # -- conversations ------------------------------------------------------------------------------------------

    def conversations(self, senders: Iterable[tuple[str, int]]) -> list[Conversation]:
        """Summaries for (sender_id, newest event id) pairs; cached until a buyer's newest event changes."""
        wanted = list(senders)
        with self._lock:
            stale = [s for s, max_id in wanted if (c := self._cache.get(s)) is None or c.max_id != max_id]
        for start in range(0, len(stale), 200):
            chunk = stale[start : start + 200]
            for sender, events in self._events(chunk, SUMMARY_TYPES).items():
                summary = summarize(sender, events)
                with self._lock:
                    self._cache[sender] = summary
        with self._lock:
            return [self._cache[s] for s, _ in wanted if s in self._cache]

    # -- plumbing --------------------------------------------------------------------------------------------------

    def _events(self, senders: Sequence[str], types: Sequence[str] = ()) -> dict[str, list[dict[str, Any]]]:
        if not senders:
            return {}
        from sqlalchemy import bindparam, text

        sql = "SELECT id, sender_id, data FROM events WHERE sender_id IN :senders"
        params: dict[str, Any] = {"senders": list(senders)}
        binds = [bindparam("senders", expanding=True)]
        if types:
            sql += " AND type_name IN :types"
            params["types"] = list(types)
            binds.append(bindparam("types", expanding=True))
        rows = self._query(text(sql + " ORDER BY id").bindparams(*binds), params)
        found: dict[str, list[dict[str, Any]]] = {}
        for event_id, sender, data in rows:
            try:
                event = json.loads(data) if data else None
            except ValueError:
                event = None
            if isinstance(event, dict):
                event["_id"] = int(event_id)
                found.setdefault(str(sender), []).append(event)
        return found

    def _query(self, sql: Any, params: Mapping[str, Any]) -> list[Any]:
        from sqlalchemy import exc, text

        engine = self._get_engine()
        if engine is None:
            return []
        statement = text(sql) if isinstance(sql, str) else sql
        try:
            with engine.connect() as conn:
                return list(conn.execute(statement, dict(params)).fetchall())
        except (exc.OperationalError, exc.ProgrammingError) as error:
            if "events" in str(error) and ("no such table" in str(error) or "does not exist" in str(error)):
                return []  # Rasa has not written a conversation yet
            raise

    def _get_engine(self) -> Any:
        if self._engine is not None:
            return self._engine
        from sqlalchemy import create_engine

        url = self.url
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.is_file():
                return None
            url = f"sqlite:///file:{path}?mode=ro&uri=true"  # never writes to Rasa's store
        with self._lock:
            if self._engine is None:
                self._engine = create_engine(url, future=True)
        return self._engine


def summarize(sender_id: str, events: Sequence[Mapping[str, Any]]) -> Conversation:
    """One buyer's conversation in a line, from its events (the console's list and analytics)."""
    channel = ""
    language = ""
    first_text = first_payload = ""
    user_turns = fallback_turns = 0
    answered = quoted = lead_form = in_form = False
    pending_fallback = False
    stamps = [float(e["timestamp"]) for e in events if isinstance(e.get("timestamp"), (int, float))]
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if pending_fallback:
                fallback_turns += 1
            user_turns += 1
            channel = channel or str(event.get("input_channel") or "")
            text = str(event.get("text") or "")
            if not first_text and text and not text.startswith("/"):
                first_text = text[:200]
            elif not first_payload and text.startswith("/"):
                first_payload = text[:200]  # a button or an upload; shown when the buyer typed nothing
            intent = str(((event.get("parse_data") or {}).get("intent") or {}).get("name") or "")
            pending_fallback = intent in FALLBACK_INTENTS and not in_form  # a form takes any answer
        elif kind == "action" and event.get("name") in FALLBACK_ACTIONS:
            pending_fallback = True
        elif kind == "slot" and event.get("name") == "language" and event.get("value") in ("zh", "en"):
            language = str(event["value"])
        elif kind == "active_loop":
            in_form = bool(event.get("name"))
            lead_form = lead_form or event.get("name") == "lead_form"
        elif kind == "bot":
            message = bot_message(event)
            answered = answered or message.card is not None
            quoted = quoted or message.quote is not None
    if pending_fallback:
        fallback_turns += 1
    tags = buyer_tags(events)
    return Conversation(
        sender_id=sender_id,
        max_id=max((int(e.get("_id") or 0) for e in events), default=0),
        channel=channel or "unknown",
        language=language or str(tags.get("language") or ""),
        started=min(stamps, default=0.0),
        last=max(stamps, default=0.0),
        user_turns=user_turns,
        fallback_turns=fallback_turns,
        first_text=first_text or first_payload,
        answered=answered,
        quoted=quoted,
        lead_form=lead_form,
        categories=tuple(tags.get("categories") or ()),
        intent_strength=str(tags.get("intent_strength") or ""),
        parts=tuple(tags.get("parts") or ()),
    )


def turns(events: Sequence[Mapping[str, Any]]) -> list[Turn]:
    """The conversation as turns: each user message with what followed it, in order."""
    found: list[Turn] = []
    number = 0
    in_form = False
    current = Turn(0, None, float(events[0].get("timestamp") or 0) if events else 0.0)
    for event in events:
        kind = event.get("event")
        event_id = int(event.get("_id") or 0)
        if kind == "user":
            if current.event_id is not None or current.steps:
                found.append(current)
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            number += 1
            current = Turn(
                number=number,
                event_id=event_id,
                timestamp=float(event.get("timestamp") or 0),
                text=str(event.get("text") or ""),
                intent=str(intent.get("name") or ""),
                confidence=_float(intent.get("confidence")),
                ranking=[
                    (str(r.get("name")), _float(r.get("confidence")) or 0.0)
                    for r in (parse.get("intent_ranking") or ())[:3]
                    if isinstance(r, Mapping)
                ],
                entities=[e for e in parse.get("entities") or () if isinstance(e, Mapping)],
                channel=str(event.get("input_channel") or ""),
                in_form=in_form,
            )
        elif kind == "action" and event.get("name") not in QUIET_ACTIONS:
            current.steps.append(
                Step(
                    "action",
                    event_id,
                    name=str(event.get("name")),
                    policy=str(event.get("policy") or ""),
                    confidence=_float(event.get("confidence")),
                )
            )
        elif kind == "slot":
            current.steps.append(Step("slot", event_id, name=str(event.get("name")), value=event.get("value")))
        elif kind == "active_loop":
            current.steps.append(Step("loop", event_id, name=str(event.get("name") or "")))
            in_form = bool(event.get("name"))
        elif kind == "bot":
            current.steps.append(Step("bot", event_id, bot=bot_message(event)))
        elif kind == "session_started":
            current.steps.append(Step("session", event_id))
    if current.event_id is not None or current.steps:
        found.append(current)
    return found


def bot_message(event: Mapping[str, Any]) -> BotMessage:
    """What the buyer saw: the text, the buttons, a product card, a quote card."""
    data = event.get("data") or {}
    custom = (data.get("custom") or {}).get("data") or {}
    buttons = tuple(
        (str(b.get("title") or ""), str(b.get("payload") or ""))
        for b in data.get("buttons") or ()
        if isinstance(b, Mapping)
    )
    card = custom.get("card") if isinstance(custom.get("card"), Mapping) else None
    quote = custom.get("quote") if isinstance(custom.get("quote"), Mapping) else None
    return BotMessage(str(event.get("text") or ""), buttons, card, quote)


def story_yaml(sender_id: str, conversation: Sequence[Turn], corrections: Mapping[int, Correction]) -> str:
    """The conversation as a Rasa test story (YAML, `rasa test --stories`). A turn marked wrong carries the
    intent the rep chose. Personal data stays out, so exports can go into the training data: answers to the
    lead form appear as their intent only, the form's slots as placeholders, e-mail addresses as
    buyer@example.com.

    The whole document is written by yaml.safe_dump: the conversation id and the reps' corrections (with their
    notes, verbatim) are data in the story's `metadata`, which Rasa's story schema allows and ignores; the
    comment lines above it are constants. So no id or note, whatever characters it holds, can end a line of
    the file and add a rule, a story or a step."""
    steps: list[dict[str, Any]] = []
    marked: list[dict[str, Any]] = []
    in_form = False  # answers to the lead form are personal data: their words are left out
    for turn in conversation:
        if turn.event_id is not None:
            correction = corrections.get(turn.event_id)
            intent = correction.correct_intent if correction else turn.intent
            if correction is not None:
                marked.append(
                    {
                        "turn": turn.number,
                        "event": turn.event_id,
                        "predicted": turn.intent or None,
                        "confidence": _percent(turn.confidence),
                        "corrected_to": intent,
                        "by": correction.username,
                        "note": correction.note,
                    }
                )
            steps.append(_user_step(turn, intent, in_form))
        for step in turn.steps:
            if step.kind == "action":
                steps.append({"action": step.name})
            elif step.kind == "slot":
                steps.append({"slot_was_set": [{step.name: _redacted_slot(step.name, step.value)}]})
            elif step.kind == "loop":
                steps.append({"active_loop": step.name or None})
                in_form = step.name == "lead_form"
    metadata: dict[str, Any] = {"conversation": sender_id, "source": "Brandstation console"}
    if marked:
        metadata["corrections"] = marked
    name = "console export " + _one_line(sender_id)
    story = {"version": "3.1", "stories": [{"story": name, "metadata": metadata, "steps": steps}]}
    return _STORY_HEADER + yaml.safe_dump(story, allow_unicode=True, sort_keys=False, width=1000)


_STORY_HEADER = (  # constants only: nothing from a conversation or a rep is ever written outside the YAML data
    "# Exported from the Brandstation console; the conversation id and reps' corrections are in the metadata.\n"
    "# Answers to the lead form show their intent only; contact slots and e-mails are placeholders.\n"
    "# Run: rasa test --stories <this file>\n"
)


def _user_step(turn: Turn, intent: str, in_form: bool) -> dict[str, Any]:
    """`user:` with the annotated text, or only `intent:` (+ entities) for a button payload and for an answer
    to the lead form (company, name, phone: not for training files; Rasa then tests the dialogue, not NLU)."""
    entities = _clean_entities(turn.text, turn.entities)
    if turn.text and not turn.text.startswith("/") and not in_form:
        return {"user": _annotate(turn.text, entities), "intent": intent}
    step: dict[str, Any] = {"intent": intent}
    if entities:
        step["entities"] = [{str(e["entity"]): _redact(str(e["value"]), in_form)} for e in entities]
    return step


def _clean_entities(text: str, entities: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Entities with sane offsets, without overlaps (the first by start wins)."""
    kept: list[Mapping[str, Any]] = []
    end = -1
    for entity in sorted(entities, key=lambda e: (int(e.get("start") or 0), -int(e.get("end") or 0))):
        start, stop = entity.get("start"), entity.get("end")
        if not entity.get("entity") or entity.get("value") is None:
            continue
        if isinstance(start, int) and isinstance(stop, int) and 0 <= start < stop <= len(text) and start >= end:
            kept.append(entity)
            end = stop
        elif not text or text.startswith("/"):
            kept.append(entity)
    return kept


def _annotate(text: str, entities: Sequence[Mapping[str, Any]]) -> str:
    """Rasa's entity markup: [6205-2RS](part_number), or [内径]{"entity": "attribute", "value": "bore_diameter"}."""
    out: list[str] = []
    position = 0
    for entity in entities:
        start, stop = int(entity["start"]), int(entity["end"])
        out.append(_redact(text[position:start], False))
        surface = text[start:stop]
        name, value = str(entity["entity"]), entity["value"]
        if str(value) == surface:
            out.append(f"[{_redact(surface, False)}]({name})")
        else:
            spec = json.dumps({"entity": name, "value": value}, ensure_ascii=False)
            out.append(f"[{_redact(surface, False)}]{spec}")
        position = stop
    out.append(_redact(text[position:], False))
    return "".join(out)


def _redact(text: str, phones: bool) -> str:
    """E-mail addresses → a placeholder; with `phones` (the lead form's values) numbers of 7+ digits too (not
    elsewhere: part numbers such as 1050170001 look like phone numbers)."""
    text = _EMAIL.sub("buyer@example.com", text)
    if not phones:
        return text
    return _PHONE.sub(lambda m: "13800138000" if len(re.sub(r"\D", "", m.group(0))) >= 7 else m.group(0), text)


def _redacted_slot(name: str, value: Any) -> Any:
    if name in ("lead_contact", "lead_name", "lead_company") and value:
        return f"<{name}>"
    return _redact(value, name.startswith("lead_")) if isinstance(value, str) else value


def _one_line(text: str) -> str:
    """`text` as one line of printable characters (a story's name): whitespace runs become one space, control
    and format characters are left out."""
    printable = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    return " ".join(printable.split())


def _percent(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _iso(stamp: float) -> str:
    if not stamp:
        return ""
    return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="seconds")


def week_of(stamp: float) -> str:
    year, week, _ = datetime.fromtimestamp(stamp, timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"
