"""A CRM / distributor webhook receiver for the e2e tests: a real aiohttp server on a loopback port, in its own
thread, that verifies Standard Webhooks signatures (bot/webhooks.py) and records what arrived per target."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.webhooks import WebhookVerificationError, verify


@dataclass
class Receiver:
    port: int
    secrets_of: Callable[[str], Sequence[str]]
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _runner: web.AppRunner | None = None

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/hooks/{target}", self._hook)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=serve, name="receiver", daemon=True).start()
        ready.wait(10)

    def stop(self) -> None:
        if self._loop is not None and self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)

    def leads_for(self, sender_id: str) -> list[tuple[str, dict[str, Any]]]:
        return [(t, body) for t, body in self.received if body.get("sender_id") == sender_id]

    async def _hook(self, request: web.Request) -> web.Response:
        target = request.match_info["target"]
        body = await request.read()
        try:
            verify(self.secrets_of(target), request.headers, body)
        except WebhookVerificationError as exc:
            self.rejected.append(f"{target}: {exc}")
            return web.Response(status=401, text=str(exc))
        self.received.append((target, json.loads(body)))
        return web.Response(status=204)
