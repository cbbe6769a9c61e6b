"""Rasa's socket.io channel with session persistence that works on python-socketio >= 5.10.

Rasa 3.6.21 calls `sio.enter_room(...)` without awaiting it; since python-socketio 5.10 that call is a
coroutine, so with `session_persistence: true` the buyer is never put in the session room and every bot
reply is lost (RasaHQ/rasa#13027). This subclass re-registers `session_request` with the await; the rest
of the channel is Rasa's own.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint


class WebChatSocketIOInput(SocketIOInput):
    """socket.io channel for the web chat; a session id kept by the page maps to one Rasa conversation."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            data = data or {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)

        return blueprint
