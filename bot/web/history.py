"""A web chat conversation read back from Rasa's SQL tracker store, so the page can re-draw it after a reload.

The page's session id is the conversation's `sender_id` (a 128-bit random secret the browser keeps); only
conversations held by the socket.io channel are returned, so an IM user's id never opens a chat history here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.sessions import SESSION_ID
from knowledge.db import Database

MAX_MESSAGES = 200
MAX_TEXT_CHARS = 20_000  # a pasted BOM can be 200,000 characters; the history shows its start
WEB_CHANNEL = "socketio"  # `WebChatSocketIOInput.name()`; not imported, so the web server needs no Rasa


def valid_session_id(value: str) -> bool:
    """True for a session id as the page makes it: 32 lowercase hex digits (like Rasa's `uuid4().hex`)."""
    return SESSION_ID.fullmatch(value) is not None


def read_history(tracker_db: Database | Path, session_id: str, limit: int = MAX_MESSAGES) -> list[dict[str, Any]]:
    """The last `limit` buyer and bot messages of one web chat conversation, oldest first; [] if none.

    Raises ValueError for a session id that `valid_session_id` refuses.
    """
    if not valid_session_id(session_id):
        raise ValueError(f"session id must be 32 lowercase hex digits, got {session_id[:40]!r}")
    database = Database.of(tracker_db)
    if database.path is not None and not database.path.exists():
        return []  # Rasa creates the store on its first message (this process only reads it, never creates it)
    with database.connect() as db:
        # One more than asked: the bot message before the oldest buyer message names its buttons' titles.
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name IN ('user', 'bot') ORDER BY id DESC LIMIT ?",
            (session_id, limit + 1),
        ).fetchall()
    events = [json.loads(data) for (data,) in reversed(rows) if data]
    return history_messages(events)[-limit:]


def history_messages(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa `user` / `bot` event dicts → messages for the page, in order.

    A buyer message: `{"role": "user", "text"}` — the words the page showed (its `shown` metadata), else the
    title of the button whose payload was sent, else the text. A bot message: `{"role": "bot"}` with `text`,
    `buttons` (titles only: answered choices are not clickable again), `card` and `quote` where present; the bot's
    messages after the buyer's last one also carry `replies` (title and payload): the question still open, whose
    buttons keep working after a reload. An empty list when any buyer message came through another channel than
    the web chat.
    """
    messages: list[dict[str, Any]] = []
    titles: dict[str, str] = {}  # payload → title, for the buttons the bot offered since the buyer last spoke
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if event.get("input_channel") != WEB_CHANNEL:
                return []
            text = _shown_text(event, titles)
            if text:
                messages.append({"role": "user", "text": text})
            titles = {}
        elif kind == "bot":
            message, offered = _bot_message(event)
            titles.update(offered)
            if len(message) > 1:
                messages.append(message)
    answered = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=-1)
    for i, message in enumerate(messages):
        open_choices = message.pop("_replies", None)
        if i > answered and open_choices:
            message["replies"] = open_choices
    return messages


def _shown_text(event: dict[str, Any], titles: dict[str, str]) -> str:
    metadata = event.get("metadata")
    shown = metadata.get("shown") if isinstance(metadata, dict) else None
    text = event.get("text")
    if isinstance(shown, str) and shown.strip():
        chosen = shown
    elif isinstance(text, str):
        chosen = titles.get(text, text)
    else:
        return ""
    return chosen if len(chosen) <= MAX_TEXT_CHARS else chosen[:MAX_TEXT_CHARS] + "…"


def _bot_message(event: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    message: dict[str, Any] = {"role": "bot"}
    text = event.get("text")
    if isinstance(text, str) and text.strip():
        message["text"] = text[:MAX_TEXT_CHARS]
    data = event.get("data")
    if not isinstance(data, dict):
        data = {}
    buttons = [b for b in data.get("buttons") or [] if isinstance(b, dict) and isinstance(b.get("title"), str)]
    if buttons:
        message["buttons"] = [b["title"] for b in buttons]
    custom = data.get("custom")
    # Actions send `json_message={"data": {...}}`; socket.io emits that inner dict, so the page knows it as is.
    payload = custom.get("data") if isinstance(custom, dict) else None
    if isinstance(payload, dict):
        for key in ("card", "quote"):
            if isinstance(payload.get(key), dict):
                message[key] = payload[key]
    titles = {b["payload"]: b["title"] for b in buttons if isinstance(b.get("payload"), str)}
    if titles:
        message["_replies"] = [{"title": title, "payload": payload} for payload, title in titles.items()]
    return message, titles
