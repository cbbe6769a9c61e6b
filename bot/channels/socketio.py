"""Rasa's socket.io channel for the web chat, with conversation ids the server issues and signs.

Rasa's channel takes the conversation id from each message (`session_id`), so a client could name any
conversation: "wecom:<userid>" continued that IM buyer's conversation and got their quote. Here:
- `session_request` checks the page's token (bot/sessions.py); anything this installation did not sign gets a
  new conversation. The socket is bound to that one conversation for its lifetime;
- `user_uttered` always goes to the socket's own conversation, whatever the message says;
- a browser page from another origin may not connect (`Origin` checked against the web chat's own origins);
- socket.io frames are capped (a pasted BOM table at most; bot/message_guard.py checks the text itself).

It also awaits `sio.enter_room` (a coroutine since python-socketio 5.10; Rasa 3.6.21 forgets the await, so
every reply was lost: RasaHQ/rasa#13027).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.keys import session_key
from bot.message_guard import MAX_PASTE_CHARS
from bot.sessions import issue_session, session_of
from bot.settings import get_settings

logger = logging.getLogger(__name__)

# The largest frame: a pasted table of MAX_PASTE_CHARS Chinese characters (3 bytes each in UTF-8) and JSON.
MAX_FRAME_BYTES = MAX_PASTE_CHARS * 3 + 16 * 1024


class WebChatSocketIOInput(SocketIOInput):
    """socket.io channel for the web chat; a signed session token kept by the page names one conversation."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        sio.eio.max_http_buffer_size = MAX_FRAME_BYTES
        settings = get_settings()
        key = session_key(settings)
        origins = {settings.web_origin()}
        namespace = self.namespace

        @sio.on("connect", namespace=namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin and origin not in origins:
                logger.warning("web chat: connection from origin %r refused (allowed: %s)", origin, sorted(origins))
                return False
            return True

        @sio.on("session_request", namespace=namespace)
        async def session_request(sid: str, data: Any) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            session_id = session_of(key, token)
            if session_id is None:  # none yet, or not one this installation signed: a new conversation
                session_id, token = issue_session(key)
            await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
            await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", token, room=sid, namespace=namespace)

        @sio.on(self.user_message_evt, namespace=namespace)
        async def handle_message(sid: str, data: Any) -> None:
            session = await sio.get_session(sid, namespace=namespace)
            session_id = session.get("session_id") if isinstance(session, dict) else None
            if not session_id:
                logger.warning("web chat: message before session_request on socket %s ignored", sid)
                return
            text = data.get("message") if isinstance(data, dict) else None
            if not isinstance(text, str):
                logger.warning("web chat: message without text on socket %s ignored", sid)
                return
            metadata = data.get(self.metadata_key)
            message = UserMessage(
                text,
                SocketIOOutput(sio, self.bot_message_evt),
                session_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            )
            await on_new_message(message)

        return blueprint
