"""A stand-in for a Rasa replica or an action server behind haproxy (tests/scaled/test_haproxy_config.py).

    python tests/scaled/fake_backend.py NAME PORT

`GET /status`, `GET /health`: 200. Any other request: waits `?sleep=` seconds, then answers `{"server": NAME}`;
each request's `?id=` is appended to the file NAME.seen in the working directory as it arrives.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiohttp import web


def main() -> None:
    name, port = sys.argv[1], int(sys.argv[2])
    seen = Path(f"{name}.seen")

    async def health(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def anything(request: web.Request) -> web.Response:
        await request.read()
        with seen.open("a", encoding="utf-8") as out:
            out.write(request.query.get("id", "") + "\n")
        await asyncio.sleep(float(request.query.get("sleep", "0")))
        return web.json_response({"server": name})

    app = web.Application()
    app.router.add_get("/status", health)
    app.router.add_get("/health", health)
    app.router.add_route("*", "/{tail:.*}", anything)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main()
