"""A buyer's web chat tab as the servers see it: socket.io to Rasa with the page's Origin, a session token the
server issued, uploads and history on the web server. What tests/browser does in Chromium, without a browser."""

from __future__ import annotations

import queue
import time
from typing import Any

import requests
import socketio

from bot.stack import Stack

QUIET_S = 1.5  # a turn is over when no bot message came for this long after the first one


class WebChat:
    """One tab: `with WebChat(stack) as chat: chat.say("6205-2RS 内径多少?")`."""

    def __init__(self, stack: Stack, token: str | None = None, origin: str | None = None) -> None:
        self.stack = stack
        self.origin = origin if origin is not None else stack.web_url.rstrip("/")
        self.token = token  # the page's stored session token; None: a new visitor
        self._confirmed: queue.Queue[Any] = queue.Queue()
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        # The page's Origin, as a browser sends it on the websocket handshake (websocket-client would send Rasa's own).
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": self.origin})
        self.sio.on("session_confirm", self._confirmed.put)
        self.sio.on("bot_uttered", self._replies.put)

    def __enter__(self) -> WebChat:
        self.connect()
        return self

    def __exit__(self, *_: object) -> None:
        self.sio.disconnect()

    def connect(self) -> str:
        """Connect and ask for the session; returns the token the server confirmed."""
        self.sio.connect(self.stack.rasa_url, transports=["websocket"], wait_timeout=20)
        self.sio.emit("session_request", {"session_id": self.token} if self.token else {})
        self.token = str(self._confirmed.get(timeout=20))
        return self.token

    @property
    def session_id(self) -> str:
        assert self.token is not None
        return self.token.split(".", 1)[0]

    def say(self, text: str, timeout_s: float = 120.0, **extra: Any) -> list[dict[str, Any]]:
        """Send a message as the page does; the bot's messages of this turn."""
        self.sio.emit("user_uttered", {"message": text, **extra})
        return self.replies(timeout_s)

    def replies(self, timeout_s: float = 120.0) -> list[dict[str, Any]]:
        """The bot messages that arrive until it has been quiet for QUIET_S ([] if none within `timeout_s`)."""
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                got.append(self._replies.get(timeout=QUIET_S if got else max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                break
        return got

    def upload(self, name: str, data: bytes, token: str | None = None) -> requests.Response:
        """POST /uploads as the page does (with this tab's session token unless another is given)."""
        form = {"session": token if token is not None else (self.token or "")}
        return requests.post(self.stack.web_url + "uploads", data=form, files={"file": (name, data)}, timeout=60)

    def quote_upload(self, name: str, data: bytes) -> list[dict[str, Any]]:
        """Upload a BOM and ask for its quote, as the 📎 button does."""
        response = self.upload(name, data)
        assert response.status_code == 200, response.text
        return self.say(f'/upload_bom{{"upload_id": "{response.json()["upload_id"]}"}}')


def quote_in(replies: list[dict[str, Any]]) -> dict[str, Any]:
    """The last quote card among the replies (socket.io emits the custom payload itself, REST wraps it)."""
    quotes = [r.get("quote") or (r.get("custom") or {}).get("data", {}).get("quote") for r in replies]
    found = [q for q in quotes if q]
    assert found, replies
    return found[-1]


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)
