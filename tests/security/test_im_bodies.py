"""IM callbacks over the size limit are refused with 413 before their body is read (each connector on a real
Sanic server, as Rasa runs it)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import pytest

from bot.channels._im import MAX_CALLBACK_BYTES
from tests.unit import test_channel_dingtalk, test_channel_feishu, test_channel_wecom
from tests.unit.im_harness import FakeAgent, serve

CONNECTORS: dict[str, Callable[[Any], Any]] = {
    "wecom": test_channel_wecom.channel,
    "dingtalk": test_channel_dingtalk.channel,
    "feishu": test_channel_feishu.channel,
}


class _NoVendor:
    url = "http://127.0.0.1:9"  # never called: the callbacks are refused before anything reaches the vendor


def _raw_post(url: str, declared: int, sent: bytes) -> str:
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        head = f"POST /{path}/webhook HTTP/1.1\r\nHost: {host}\r\nContent-Length: {declared}\r\n\r\n"
        conn.sendall(head.encode() + sent)
        conn.settimeout(10)
        return conn.recv(4096).decode(errors="replace")


@pytest.mark.parametrize("name", sorted(CONNECTORS))
def test_a_callback_over_the_limit_is_refused_before_it_is_read(name: str) -> None:
    async def go() -> tuple[str, str]:
        agent = FakeAgent()
        async with serve(CONNECTORS[name](_NoVendor()), agent) as (url, _client):
            loop = asyncio.get_running_loop()
            # Declares 50 MB but sends 100 bytes: only a server that refuses on the declared size answers now.
            declared = await loop.run_in_executor(None, _raw_post, url, 50_000_000, b"x" * 100)
            # No length check can be skipped by not declaring one: chunked bodies are counted as they come.
            streamed = await loop.run_in_executor(None, _chunked_post, url, MAX_CALLBACK_BYTES + 1)
        assert not agent.messages
        return declared, streamed

    declared, streamed = asyncio.run(go())
    assert declared.startswith("HTTP/1.1 413"), declared[:200]
    assert streamed.startswith("HTTP/1.1 413"), streamed[:200]


def _chunked_post(url: str, size: int) -> str:
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        head = f"POST /{path}/webhook HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n"
        conn.sendall(head.encode())
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent <= size:
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
            conn.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may close as soon as it has refused
        conn.settimeout(10)
        return conn.recv(4096).decode(errors="replace")
