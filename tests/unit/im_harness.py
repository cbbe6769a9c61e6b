"""Serve an IM connector's Sanic blueprint the way `rasa run` does, with a scripted stand-in for Rasa's agent.

`rasa.core.channels.channel.register` mounts the blueprint under /webhooks/<name>/ and routes every
UserMessage to `app.ctx.agent.handle_message`; the FakeAgent there records the message and answers through
the connector's output channel, so a test sees exactly what the connector would send the vendor.
"""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage, register
from sanic import Sanic

Script = Callable[[UserMessage], list[dict[str, Any]]]


def answer_spec(message: UserMessage) -> list[dict[str, Any]]:
    """Default script: one text reply naming what was asked."""
    return [{"text": f"6205-2RS 内径 (d): 25 mm — you said {message.text}"}]


class FakeAgent:
    """Records each UserMessage and replies with `script(message)`; `crash` raises instead."""

    def __init__(self, script: Script = answer_spec, crash: bool = False) -> None:
        self.script = script
        self.crash = crash
        self.messages: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.crash:
            raise RuntimeError("the action server is down")
        for reply in self.script(message):
            assert message.output_channel is not None
            await message.output_channel.send_response(message.sender_id, dict(reply))

    @property
    def texts(self) -> list[str]:
        return [m.text or "" for m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def serve(channel: InputChannel, agent: FakeAgent) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    """The connector at http://127.0.0.1:<port>/webhooks/<name>, and a client session to call it."""
    # Test mode keeps Sanic's pristine handlers, so more than one app can start in this process.
    Sanic.test_mode = True
    app = Sanic(f"im_test_{uuid.uuid4().hex[:12]}")
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False, debug=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        async with aiohttp.ClientSession() as client:
            yield f"http://127.0.0.1:{port}/webhooks/{channel.name()}", client
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
