"""Serve the web chat page; the browser talks to Rasa's socket.io channel directly.

Run: `python -m bot.web.server --port 8080 --rasa-url http://localhost:5005`
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
from aiohttp import web
from yarl import URL

from bot import keys
from bot.quote_export import EXPORT_FORMATS
from bot.quotes import MAX_UPLOAD_BYTES, QuoteNotFound, QuoteStore
from bot.sessions import session_of
from bot.settings import get_settings
from bot.web.history import read_history
from knowledge.db import Database, operational_errors, programming_errors
from knowledge.errors import KnowledgeError

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_SOCKET_PATH = "/socket.io"  # Rasa's default `socketio_path` in credentials.yml
# How long the page waits for the bot's reply before it says "no answer, please try again" (an action that
# crashes leaves Rasa silent); it waits four times as long for a BOM upload's quote.
DEFAULT_REPLY_TIMEOUT_S = 45.0

_RASA_URL_KEY = web.AppKey("rasa_url", str)
_SOCKET_PATH_KEY = web.AppKey("socket_path", str)
_QUOTES_KEY = web.AppKey("quotes", QuoteStore)
_TRACKER_KEY = web.AppKey("tracker_db", Database)
_REPLY_TIMEOUT_KEY = web.AppKey("reply_timeout_s", float)
_SESSION_KEY = web.AppKey("session_key", bytes)
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_app(
    rasa_url: str,
    *,
    socket_path: str = DEFAULT_SOCKET_PATH,
    quotes: QuoteStore | None = None,
    tracker_db: Database | Path | None = None,
    reply_timeout_s: float = DEFAULT_REPLY_TIMEOUT_S,
    session_key: bytes | None = None,
) -> web.Application:
    """The web chat app: `/` (page), `/config.json` (where Rasa is), `/static/...`; with a quote store
    `POST /uploads` (a BOM file for the chat) and `GET /quotes/{token}/{quote}-r{n}.{xlsx|csv|pdf}`; with Rasa's
    SQLite tracker store `GET /history?session=<token>` (the conversation so far, for a reloaded page). Session
    tokens are checked with `session_key` (default: the installation's, bot/keys.py)."""
    base = normalize_rasa_url(rasa_url)
    if not socket_path.startswith("/"):
        raise ValueError(f"socket path must start with '/', got {socket_path!r}")
    if reply_timeout_s <= 0:
        raise ValueError(f"reply timeout must be positive, got {reply_timeout_s}")
    app = web.Application(middlewares=[_security_headers(base)], client_max_size=MAX_UPLOAD_BYTES + 64 * 1024)
    app[_RASA_URL_KEY] = base
    app[_SOCKET_PATH_KEY] = socket_path
    app[_REPLY_TIMEOUT_KEY] = float(reply_timeout_s)
    # Checks the page's session tokens (bot/sessions.py): the same key as the socket.io channel in Rasa.
    app[_SESSION_KEY] = session_key if session_key is not None else keys.session_key(get_settings())
    app.router.add_get("/", _index)
    app.router.add_get("/config.json", _config)
    app.router.add_static("/static", STATIC_DIR, append_version=False)
    if tracker_db is not None:
        app[_TRACKER_KEY] = Database.of(tracker_db)
        app.router.add_get("/history", _history)
    if quotes is not None:
        app[_QUOTES_KEY] = quotes
        app.router.add_post("/uploads", _upload)
        app.router.add_get(
            r"/quotes/{token}/{quote_id:Q-\d{8}-[0-9A-Z]{4,8}}-r{revision:\d+}.{fmt:xlsx|csv|pdf}", _download
        )
    return app


async def _upload(request: web.Request) -> web.Response:
    """A BOM file from the chat (multipart fields `file` and `session`, the page's session token) →
    {"upload_id", "name", "size"}; the upload belongs to that conversation only. 413 / 400 / 403 with a reason."""
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        limit = MAX_UPLOAD_BYTES // 2**20
        return web.json_response({"error": f"file too large: BOMs up to {limit} MB"}, status=413)
    except (ValueError, AssertionError, aiohttp.ClientPayloadError) as exc:  # truncated or malformed multipart
        logger.info("upload refused: malformed multipart body: %s", exc)
        return web.json_response({"error": "the upload was cut off or malformed: send the file again"}, status=400)
    sender = session_of(request.app[_SESSION_KEY], form.get("session"))
    if sender is None:
        return web.json_response(
            {"error": "no valid chat session: reload the page and attach the file again"}, status=403
        )
    field = form.get("file")
    if not isinstance(field, web.FileField):
        return web.json_response({"error": "no file: send the BOM as the multipart field 'file'"}, status=400)
    data = field.file.read()
    try:
        upload_id = await asyncio.to_thread(request.app[_QUOTES_KEY].save_upload, field.filename, data, sender)
    except KnowledgeError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    return web.json_response({"upload_id": upload_id, "name": field.filename, "size": len(data)})


async def _download(request: web.Request) -> web.Response:
    """One revision of a quote as XLSX / CSV / PDF, if the token matches; 404 otherwise."""
    info = request.match_info
    lang = "en" if request.query.get("lang") == "en" else "zh"
    try:
        quote = await asyncio.to_thread(
            request.app[_QUOTES_KEY].by_token, info["token"], info["quote_id"], int(info["revision"])
        )
    except QuoteNotFound:
        raise web.HTTPNotFound(text="no such quote") from None
    render, content_type = EXPORT_FORMATS[info["fmt"]]
    body = await asyncio.to_thread(render, quote, lang)
    name = f"{info['quote_id']}-r{info['revision']}.{info['fmt']}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"}
    return web.Response(body=body, headers=headers, content_type=content_type.split(";")[0], charset=None)


async def _history(request: web.Request) -> web.Response:
    """The conversation of `?session=<the page's session token>` as {"messages": [...]} (at most 200, oldest
    first); 403 for a token this installation did not issue."""
    session = session_of(request.app[_SESSION_KEY], request.query.get("session", ""))
    if session is None:
        return web.json_response({"error": "not a session this server issued"}, status=403)
    try:
        messages = await asyncio.to_thread(read_history, request.app[_TRACKER_KEY], session)
    except (*operational_errors(), *programming_errors()) as exc:  # store down / locked, or not Rasa's schema yet
        logger.warning("history of a web chat session unavailable: %s", exc)
        return web.json_response({"error": "history unavailable"}, status=503)
    # The history is as private as the session token that opens it: never cached, never sent elsewhere.
    return web.json_response({"messages": messages}, headers={"Cache-Control": "no-store"})


async def serve(host: str, port: int, app: web.Application) -> None:
    """Serve the app (from `create_app`) until cancelled."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        await asyncio.Event().wait()  # forever; cancellation (Ctrl-C, SIGTERM) ends it
    finally:
        await runner.cleanup()


def normalize_rasa_url(rasa_url: str) -> str:
    """Rasa's origin, e.g. `http://localhost:5005`; ValueError unless it is a bare http(s) origin."""
    url = URL(rasa_url.strip())
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"Rasa URL must be an absolute http(s) URL like http://localhost:5005: {rasa_url!r}")
    # socket.io reads a URL path as a namespace, so a proxy prefix belongs in socket_path instead.
    if url.path not in ("", "/") or url.query_string or url.fragment or url.user or url.password:
        raise ValueError(f"Rasa URL must be only scheme, host and port (no path, query, user): {rasa_url!r}")
    return str(url.origin())


async def _index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def _config(request: web.Request) -> web.Response:
    # Config as JSON, not templated into HTML: nothing in the URL can ever become markup or script.
    app = request.app
    config = {
        "rasaUrl": app[_RASA_URL_KEY],
        "socketPath": app[_SOCKET_PATH_KEY],
        "history": _TRACKER_KEY in app,
        "replyTimeoutMs": round(app[_REPLY_TIMEOUT_KEY] * 1000),
    }
    return web.json_response(config)


def _security_headers(rasa_url: str) -> Callable[[web.Request, _Handler], Awaitable[web.StreamResponse]]:
    origin = URL(rasa_url).origin()
    ws_origin = origin.with_scheme("wss" if origin.scheme == "https" else "ws")
    # Second line of defence against XSS: only our own scripts run, and the page may only talk to Rasa.
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {origin} {ws_origin}; base-uri 'none'; form-action 'none'"
    )

    @web.middleware
    async def middleware(request: web.Request, handler: _Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-cache")  # revalidate, so an upgrade is seen at once
        return response

    return middleware


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.web.server", description="Serve the web chat page.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default: %(default)s)")
    parser.add_argument(
        "--rasa-url", default="http://localhost:5005", help="Rasa server the browser connects to (default: %(default)s)"
    )
    parser.add_argument("--database", help="quotes and uploads database, path or URL (default: from settings)")
    parser.add_argument(
        "--tracker-db",
        help="Rasa's tracker store (path or URL), for the history after a reload (default: settings.tracker_db())",
    )
    parser.add_argument(
        "--reply-timeout",
        type=float,
        default=DEFAULT_REPLY_TIMEOUT_S,
        metavar="SECONDS",
        help="the page says 'no answer, try again' after this long without a reply (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        normalize_rasa_url(args.rasa_url)
    except ValueError as error:
        parser.error(str(error))
    if args.reply_timeout <= 0:
        parser.error(f"--reply-timeout must be positive, got {args.reply_timeout}")
    print(f"web chat on http://{args.host}:{args.port}/ (Rasa at {args.rasa_url})", flush=True)
    settings = get_settings()
    quotes = QuoteStore(args.database or settings.db())
    # Where `Stack` (and endpoints.yml) tell Rasa to keep its SQL tracker store.
    tracker_db = Database(args.tracker_db) if args.tracker_db else settings.tracker_db()
    app = create_app(args.rasa_url, quotes=quotes, tracker_db=tracker_db, reply_timeout_s=args.reply_timeout)
    # The sales console (bot/console/) on the same server, under /console/.
    from bot.console import mount_console

    mount_console(app, settings)
    asyncio.run(_serve_until_signal(args.host, args.port, app))
    return 0


async def _serve_until_signal(host: str, port: int, app: web.Application) -> None:
    task = asyncio.create_task(serve(host, port, app))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)  # clean shutdown when the stack stops us
    with contextlib.suppress(asyncio.CancelledError):
        await task


if __name__ == "__main__":
    sys.exit(main())
