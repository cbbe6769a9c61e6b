"""A local stand-in for the WeCom, DingTalk and Feishu server APIs the connectors call, recording what they send.

It runs an aiohttp server on a free loopback port in its own thread, so synchronous end-to-end tests and
asyncio unit tests can both use it. Tokens are issued per vendor and checked on every call, like the real
APIs do; `expire_token_once` makes the next send fail with the vendor's "token expired" code.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Sent:
    """One call the bot made: which vendor, what path, query, JSON body and headers."""

    vendor: str
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class FakeVendor:
    """WeCom, DingTalk and Feishu APIs on one port. `files` maps a media id / download code / file key to bytes."""

    files: dict[str, bytes] = field(default_factory=dict)
    calls: list[Sent] = field(default_factory=list)
    expire_token_once: set[str] = field(default_factory=set)
    url: str = ""
    _tokens: dict[str, str] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def __enter__(self) -> FakeVendor:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._runner = web.AppRunner(self._app())

        async def start() -> int:
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", 0).start()
            return int(self._runner.addresses[0][1])

        port = asyncio.run_coroutine_threadsafe(start(), self._loop).result(timeout=10)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def sent(self, vendor: str, path_part: str = "") -> list[Sent]:
        """Calls to `vendor` whose path contains `path_part`."""
        return [c for c in self.calls if c.vendor == vendor and path_part in c.path]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
        """Poll until `predicate()` holds (the bot answers after the callback returned)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.1)
        return predicate()

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._wecom_token)
        app.router.add_post("/cgi-bin/message/send", self._wecom_send)
        app.router.add_get("/cgi-bin/media/get", self._wecom_media)
        app.router.add_post("/robot/sendBySession", self._dingtalk_send)
        app.router.add_post("/v1.0/oauth2/accessToken", self._dingtalk_token)
        app.router.add_post("/v1.0/robot/messageFiles/download", self._dingtalk_file_url)
        app.router.add_get("/dingtalk-files/{code}", self._dingtalk_file)
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._feishu_token)
        app.router.add_post("/open-apis/im/v1/messages", self._feishu_send)
        app.router.add_get("/open-apis/im/v1/messages/{message_id}/resources/{file_key}", self._feishu_file)
        return app

    async def _record(self, vendor: str, request: web.Request) -> Sent:
        body = await request.json() if request.can_read_body else {}
        sent = Sent(vendor, request.path, dict(request.query), body, dict(request.headers))
        self.calls.append(sent)
        return sent

    def _issue(self, vendor: str) -> str:
        self._tokens[vendor] = f"{vendor}-token-{next(self._counter)}"
        return self._tokens[vendor]

    def _valid(self, vendor: str, token: str) -> bool:
        if vendor in self.expire_token_once:
            self.expire_token_once.discard(vendor)
            return False
        return bool(token) and token == self._tokens.get(vendor)

    # WeCom
    async def _wecom_token(self, request: web.Request) -> web.Response:
        await self._record("wecom", request)
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": self._issue("wecom"), "expires_in": 7200}
        )

    async def _wecom_send(self, request: web.Request) -> web.Response:
        sent = await self._record("wecom", request)
        if not self._valid("wecom", sent.query.get("access_token", "")):
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"m{next(self._counter)}"})

    async def _wecom_media(self, request: web.Request) -> web.Response:
        sent = await self._record("wecom", request)
        data = self.files.get(sent.query.get("media_id", ""))
        if not self._valid("wecom", sent.query.get("access_token", "")) or data is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        disposition = f'attachment; filename="{sent.query["media_id"]}.csv"'
        return web.Response(
            body=data, content_type="application/octet-stream", headers={"Content-Disposition": disposition}
        )

    # DingTalk
    async def _dingtalk_send(self, request: web.Request) -> web.Response:
        await self._record("dingtalk", request)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _dingtalk_token(self, request: web.Request) -> web.Response:
        await self._record("dingtalk", request)
        return web.json_response({"accessToken": self._issue("dingtalk"), "expireIn": 7200})

    async def _dingtalk_file_url(self, request: web.Request) -> web.Response:
        sent = await self._record("dingtalk", request)
        if not self._valid("dingtalk", sent.headers.get("x-acs-dingtalk-access-token", "")):
            return web.json_response({"code": "InvalidAuthentication", "message": "token invalid"}, status=401)
        return web.json_response({"downloadUrl": f"{self.url}/dingtalk-files/{sent.body.get('downloadCode', '')}"})

    async def _dingtalk_file(self, request: web.Request) -> web.Response:
        await self._record("dingtalk", request)
        data = self.files.get(request.match_info["code"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    # Feishu
    async def _feishu_token(self, request: web.Request) -> web.Response:
        await self._record("feishu", request)
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": self._issue("feishu"), "expire": 7200})

    async def _feishu_send(self, request: web.Request) -> web.Response:
        sent = await self._record("feishu", request)
        if not self._valid("feishu", sent.headers.get("Authorization", "").removeprefix("Bearer ")):
            return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."})
        return web.json_response({"code": 0, "msg": "success", "data": {"message_id": f"om_{next(self._counter)}"}})

    async def _feishu_file(self, request: web.Request) -> web.Response:
        sent = await self._record("feishu", request)
        data = self.files.get(request.match_info["file_key"])
        if not self._valid("feishu", sent.headers.get("Authorization", "").removeprefix("Bearer ")) or data is None:
            return web.json_response({"code": 234003, "msg": "File not in msg."}, status=400)
        return web.Response(body=data, content_type="application/octet-stream")
