"""The web chat page, served by a real aiohttp server on a free loopback port (no Rasa server needed; the
history route reads a tracker store written by Rasa's own SQLTrackerStore)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.sessions import token_for
from bot.web.history import MAX_MESSAGES
from bot.web.server import DEFAULT_REPLY_TIMEOUT_S, STATIC_DIR, create_app, main, normalize_rasa_url

RASA_URL = "http://127.0.0.1:5005"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """Start the app (trailing slash on purpose: it must be normalized) in a background loop."""
    yield from _serve(create_app(RASA_URL + "/"))


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tracker") / "tracker.db"


@pytest.fixture(scope="module")
def history_url(tracker_db: Path) -> Iterator[str]:
    """The app with Rasa's tracker store (the file does not exist until a test writes a conversation)."""
    yield from _serve(create_app(RASA_URL, tracker_db=tracker_db, reply_timeout_s=2.5, session_key=KEY))


def _serve(app: web.Application) -> Iterator[str]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(app)

    async def start() -> int:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def get(url: str) -> Reply:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def test_page_has_a_labelled_input_and_only_local_scripts(base_url: str) -> None:
    reply = get(base_url + "/")
    assert reply.status == 200
    assert reply.headers.get_content_type() == "text/html"
    html = reply.text
    assert re.search(r'<label[^>]*\bfor="composer-input"', html)
    assert re.search(r'<textarea[^>]*\bid="composer-input"', html)  # a textarea: pasted BOM rows keep their lines
    assert re.search(r'<main[^>]*\brole="log"[^>]*\baria-live="polite"', html), "bot replies are announced"
    assert re.search(r'<a id="skip"[^>]*href="#composer-input"', html), "keyboard users can skip the conversation"
    attach = re.search(r'<label id="composer-attach"[^>]*>', html)
    assert attach and 'role="button"' in attach[0] and 'tabindex="0"' in attach[0] and "aria-label=" in attach[0]
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/vendor/socket.io.min.js", "/static/app.js"]
    assert not re.search(r'(src|href)="(https?:)?//', html), "no CDN: every asset is served locally"


def test_config_tells_the_browser_where_rasa_is(base_url: str) -> None:
    reply = get(base_url + "/config.json")
    assert reply.status == 200
    assert json.loads(reply.body) == {
        "rasaUrl": RASA_URL,
        "socketPath": "/socket.io",
        "history": False,
        "replyTimeoutMs": round(DEFAULT_REPLY_TIMEOUT_S * 1000),
    }


def test_csp_lets_scripts_come_only_from_us_and_connect_only_to_rasa(base_url: str) -> None:
    csp = get(base_url + "/").headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp
    assert f"connect-src 'self' {RASA_URL} ws://127.0.0.1:5005;" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_vendored_socketio_client_is_the_real_v4_library(base_url: str) -> None:
    reply = get(base_url + "/static/vendor/socket.io.min.js")
    assert reply.status == 200
    assert reply.headers.get_content_type() in ("text/javascript", "application/javascript")
    assert reply.text.startswith("/*!\n * Socket.IO v4.")
    assert "EIO=4" in reply.text, "Engine.IO v4 is what python-engineio 4 (inside Rasa 3.6) speaks"
    readme = (STATIC_DIR / "vendor" / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(reply.body).hexdigest() in readme, "README records the vendored file's sha256"
    assert "MIT License" in (STATIC_DIR / "vendor" / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "content_type"), [("/static/app.js", "javascript"), ("/static/style.css", "text/css")]
)
def test_page_assets_are_served(base_url: str, path: str, content_type: str) -> None:
    reply = get(base_url + path)
    assert reply.status == 200
    assert content_type in reply.headers.get_content_type()
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/static/%2e%2e/server.py", "/static/../server.py", "/nope"])
def test_nothing_outside_static_is_served(base_url: str, path: str) -> None:
    reply = get(base_url + path)
    assert reply.status in (403, 404)
    assert b"create_app" not in reply.body


def test_app_js_puts_message_content_on_the_page_only_as_text() -> None:
    source = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", source, flags=re.S)  # the header comment names what is banned
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
        assert sink not in code, f"app.js must not use {sink}"
    assert "textContent = String(content)" in code
    # The only link the page builds from bot data goes through the http(s) check.
    # The only links the page builds from bot data go through the http(s) check: the datasheet, and the quote
    # downloads (reduced to their path on this server).
    assert sorted(re.findall(r"\.href = (\w+)", code)) == ["href", "path"]
    assert "var href = safeHttpUrl(card.datasheet);" in code
    assert "var href = safeHttpUrl(downloads[fmt]);" in code
    assert "var path = new URL(href).pathname" in code


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_app_js_helpers_reject_unsafe_links_and_pick_the_language() -> None:
    script = """
      const m = require(process.argv[1]);
      console.log(JSON.stringify({
        links: ["https://x.com/a.pdf", " HTTP://x.com/b ", "javascript:alert(1)", "//evil.com/x",
                "data:text/html,x", "/local.pdf", 42].map(m.safeHttpUrl),
        langs: [[["zh-CN", "en"]], [["zh-TW"]], [["en-US", "zh-CN"]], ["zh"], [[]], [["zh-CN"], "en"]]
                 .map(a => m.pickLanguage(...a)),
      }));
    """
    command = ["node", "-e", script, str(STATIC_DIR / "app.js")]
    out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
    result = json.loads(out)
    assert result["links"] == ["https://x.com/a.pdf", "http://x.com/b", None, None, None, None, None]
    assert result["langs"] == ["zh", "zh", "en", "zh", "en", "en"]


BAD_RASA_URLS = [
    "localhost:5005",
    "javascript:alert(1)",
    "ftp://host",
    "http://host/prefix",
    "http://user:pw@host:5005",
    "http://host:5005/?x=1",
]


@pytest.mark.parametrize("url", BAD_RASA_URLS)
def test_rasa_url_must_be_a_bare_http_origin(url: str) -> None:
    with pytest.raises(ValueError):
        normalize_rasa_url(url)


@pytest.mark.parametrize(
    ("argv", "reason"),
    [(["--rasa-url", "localhost:5005"], "absolute http(s) URL"), (["--reply-timeout", "0"], "must be positive")],
)
def test_command_line_refuses_bad_options(argv: list[str], reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert reason in capsys.readouterr().err


# --- GET /history: the conversation after a reload, from the tracker store Rasa writes -----------------------

SESSION = "0123456789abcdef0123456789abcdef"
KEY = b"web chat session key for these tests"
CARD = {"title": "6205-2RS deep groove ball bearing", "mpn": "6205-2RS", "answer": "内径 d: 25 mm"}
QUOTE = {"quote_id": "Q-20261126-0001", "revision": 1, "lines": [], "downloads": {}}


def write_conversation(tracker_db: Path, sender: str, events: list[Any]) -> None:
    """Store events exactly as the Rasa server does: through Rasa's own SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tracker_db))
    tracker = DialogueStateTracker.from_events(sender, events)
    asyncio.run(store.save(tracker))
    store.engine.dispose()


def user(text: str, shown: str | None = None, channel: str = "socketio") -> Any:
    from rasa.shared.core.events import UserUttered

    return UserUttered(text, input_channel=channel, metadata={"shown": shown} if shown else {})


def bot(text: str | None, buttons: list[dict[str, str]] | None = None, custom: Any = None) -> Any:
    from rasa.shared.core.events import BotUttered

    return BotUttered(text, data={"buttons": buttons, "custom": custom, "quick_replies": None})


def history(url: str, session: str, *, signed: bool = True) -> tuple[int, Any, Message]:
    """GET /history as the page does: with the session's token (`signed=False`: the raw value as it is)."""
    token = token_for(KEY, session) if signed else session
    reply = get(f"{url}/history?session={token}")
    return reply.status, json.loads(reply.body), reply.headers


def test_history_is_offered_in_the_config_with_the_reply_timeout(history_url: str) -> None:
    config = json.loads(get(history_url + "/config.json").body)
    assert config["history"] is True and config["replyTimeoutMs"] == 2500


def test_history_before_rasa_wrote_anything_is_empty(tmp_path: Path) -> None:
    tracker_db = tmp_path / "tracker.db"
    for url in _serve(create_app(RASA_URL, tracker_db=tracker_db, session_key=KEY)):
        assert history(url, SESSION)[:2] == (200, {"messages": []})
    assert not tracker_db.exists(), "the web server must never create Rasa's store"


def test_history_returns_what_the_buyer_saw_and_the_bots_cards(history_url: str, tracker_db: Path) -> None:
    from rasa.shared.core.events import ActionExecuted, SlotSet

    write_conversation(
        tracker_db,
        SESSION,
        [
            ActionExecuted("action_listen"),
            user("6205-2RS 内径多少?"),
            bot("6205-2RS 的内径 d 是 25 mm。", custom={"data": {"card": CARD}}),
            SlotSet("language", "zh"),
            bot("Which one?", buttons=[{"title": "6205-2Z", "payload": '/ask_spec{"part_number": "6205-2Z"}'}]),
            user('/ask_spec{"part_number": "6205-2Z"}'),  # a button click from before `shown` existed
            user('/upload_bom{"upload_id": "abc"}', shown="📎 board.csv"),
            bot("Q-20261126-0001 r1", custom={"data": {"quote": QUOTE}}),
            bot(None),  # nothing to show: left out
            user("<img src=x onerror=alert(1)>"),
        ],
    )
    status, body, headers = history(history_url, SESSION)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert body["messages"] == [
        {"role": "user", "text": "6205-2RS 内径多少?"},
        {"role": "bot", "text": "6205-2RS 的内径 d 是 25 mm。", "card": CARD},
        {"role": "bot", "text": "Which one?", "buttons": ["6205-2Z"]},
        {"role": "user", "text": "6205-2Z"},
        {"role": "user", "text": "📎 board.csv"},
        {"role": "bot", "text": "Q-20261126-0001 r1", "quote": QUOTE},
        {"role": "user", "text": "<img src=x onerror=alert(1)>"},  # data for textContent; the page never parses it
    ]
    assert history(history_url, "f" * 32)[1] == {"messages": []}, "another session sees nothing of this one"


def test_the_question_still_open_keeps_its_buttons_after_a_reload(history_url: str, tracker_db: Path) -> None:
    """Issue 18: the bot's last question, unanswered, comes back with its payloads so that its buttons still work;
    an answered one comes back with titles only."""
    session = "c" * 32
    package = [{"title": "0402 (27)", "payload": '/choose{"value": "0402"}'}]
    steps = [{"title": "替代料", "payload": "/ask_substitutes"}, {"title": "联系销售", "payload": "/request_contact"}]
    write_conversation(
        tracker_db,
        session,
        [
            user("100nF capacitor"),
            bot("Which package?", buttons=package),
            user('/choose{"value": "0402"}'),
            bot("100 nF 0402: 27 parts."),
            bot("What next?", buttons=steps),
        ],
    )
    messages = history(history_url, session)[1]["messages"]
    assert messages[1] == {"role": "bot", "text": "Which package?", "buttons": ["0402 (27)"]}  # answered: inert
    assert messages[-1] == {"role": "bot", "text": "What next?", "buttons": ["替代料", "联系销售"], "replies": steps}


def test_history_keeps_the_last_messages_only(history_url: str, tracker_db: Path) -> None:
    session = "a" * 32
    write_conversation(tracker_db, session, [user(f"message {i}") for i in range(MAX_MESSAGES + 30)])
    messages = history(history_url, session)[1]["messages"]
    assert len(messages) == MAX_MESSAGES
    assert (messages[0]["text"], messages[-1]["text"]) == ("message 30", f"message {MAX_MESSAGES + 29}")


def test_history_never_shows_an_im_conversation(history_url: str, tracker_db: Path) -> None:
    session = "b" * 32  # an IM user id that happens to look like a web chat session
    write_conversation(tracker_db, session, [user("hi", channel="wecom"), bot("Hello")])
    assert history(history_url, session)[1] == {"messages": []}


@pytest.mark.parametrize(
    "session",
    [
        "",
        "0123",
        SESSION,  # a bare conversation id: only the token the server signed opens a history
        SESSION.upper(),
        SESSION + "." + "0" * 32,  # forged signature
        token_for(b"another installation's key", SESSION),
        "../../etc/passwd",
        "%27%20OR%201%3D1--",
    ],
)
def test_history_refuses_a_session_the_server_did_not_issue(history_url: str, session: str) -> None:
    status, body, _ = history(history_url, session, signed=False)
    assert status == 403 and "not a session this server issued" in body["error"]


def test_history_route_exists_only_with_a_tracker_store(base_url: str) -> None:
    assert get(f"{base_url}/history?session={SESSION}").status == 404


def test_reply_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        create_app(RASA_URL, reply_timeout_s=0)
