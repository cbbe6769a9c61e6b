"""The web chat page, served by a real aiohttp server on a free loopback port (no Rasa needed)."""

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

import pytest
from aiohttp import web

from bot.web.server import STATIC_DIR, create_app, main, normalize_rasa_url

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
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(create_app(RASA_URL + "/"))

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
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/vendor/socket.io.min.js", "/static/app.js"]
    assert not re.search(r'(src|href)="(https?:)?//', html), "no CDN: every asset is served locally"


def test_config_tells_the_browser_where_rasa_is(base_url: str) -> None:
    reply = get(base_url + "/config.json")
    assert reply.status == 200
    assert json.loads(reply.body) == {"rasaUrl": RASA_URL, "socketPath": "/socket.io"}


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
        id: m.newSessionId(require("crypto").webcrypto),
      }));
    """
    command = ["node", "-e", script, str(STATIC_DIR / "app.js")]
    out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
    result = json.loads(out)
    assert result["links"] == ["https://x.com/a.pdf", "http://x.com/b", None, None, None, None, None]
    assert result["langs"] == ["zh", "zh", "en", "zh", "en", "en"]
    assert re.fullmatch(r"[0-9a-f]{32}", result["id"])


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


def test_command_line_refuses_a_bad_rasa_url(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--rasa-url", "localhost:5005"])
    assert exit_info.value.code == 2
    assert "absolute http(s) URL" in capsys.readouterr().err
