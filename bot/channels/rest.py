"""Rasa's REST channel with its request checked: a JSON object with a string `sender` this channel may use and
a string `message`, else 400 with the reason (Rasa's answers 500 to `[1, 2]` and drops `"message": 123`).

REST may never address another channel's conversations: no "wecom:…", "dingtalk:…", "feishu:…" ids (no ':'
at all), and not the web chat's server-issued session ids (32 hex digits, bot/sessions.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.message_guard import MAX_SENDER_CHARS, valid_sender_id
from bot.sessions import SESSION_ID


def rest_body_problem(body: object) -> str | None:
    """Why a REST webhook body is refused, or None when it is fine."""
    if not isinstance(body, dict):
        return 'the body must be a JSON object like {"sender": "buyer-1", "message": "hello"}'
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not valid_sender_id(sender):
        return f"'sender' must be a string of 1 to {MAX_SENDER_CHARS} characters, none of them control characters"
    if ":" in sender or SESSION_ID.fullmatch(sender):
        return "'sender' may not name another channel's conversation (no ':', not a web chat session id)"
    if not isinstance(message, str):
        return "'message' must be a string"
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "'metadata' must be a JSON object"
    return None


class CheckedRestInput(RestInput):
    """`rest` in credentials.yml, with every webhook body checked first."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_input_channel(self, req: Request) -> str:
        # Rasa's takes `input_channel` from the body: a REST caller could file its conversation as WeCom's.
        return self.name()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def check(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            try:
                body = request.json
            except Exception:  # Sanic's own BadRequest for a body that is not JSON
                return response.json({"error": "the body must be JSON"}, status=400)
            problem = rest_body_problem(body)
            return response.json({"error": problem}, status=400) if problem else None

        return blueprint
