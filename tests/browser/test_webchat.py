"""The web chat in a real Chromium against the real stack: what a buyer sees, clicks, uploads and downloads.

Run with `make browser` (or `pytest -m browser tests/browser`); skipped, with the reason, without Chromium.
Screenshots of every scenario land in test-artifacts/browser/.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import openpyxl
import pytest
from aiohttp import web

from bot.stack import Stack
from bot.web.server import create_app
from tests.browser.chrome import PHONE, Chat, missing, wait_for_download, wait_until
from tests.unit.test_bom_read import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(missing()), reason=missing() or "-")]

OpenChat = Callable[..., Chat]
SPEC_QUESTION = "6205-2RS 内径多少?"
DEV_BOM = FIXTURES / "csv_lceda_utf16_tab_keyboard_nano.csv"
DEV_BOM_LINES = 13  # what tests/e2e/test_bom_turns.py reads from it through REST
XSS = "<img src=x onerror=alert(1)>"
SESSION_KEY = "brandstation.session_id"


def test_spec_question_gets_the_value_and_a_product_card(stack: Stack, open_chat: OpenChat) -> None:
    chat = open_chat(stack.web_url, language="zh-CN")
    assert chat.driver.title == "Brandstation 选型助手", "the UI follows the browser language"
    assert chat.js("return document.documentElement.lang") == "zh-CN"
    chat.type(SPEC_QUESTION)
    assert chat.texts(".msg--user .bubble")[-1] == SPEC_QUESTION
    answer = chat.wait_bot("25 mm")
    assert "6205-2RS" in answer and "内径" in answer, answer
    card = wait_until(lambda: chat.all(".msg--bot .card"), "the product card")[-1]
    assert "6205-2RS" in card.find_element("css selector", ".card__title").text
    assert "25 mm" in card.find_element("css selector", ".card__answer").text
    assert chat.find("#typing").get_attribute("hidden") is not None, "typing dots go away with the reply"
    assert chat.console_errors() == []


def test_clicking_a_quick_reply_sends_its_choice(stack: Stack, open_chat: OpenChat) -> None:
    chat = open_chat(stack.web_url)
    chat.type("I need a 100nF capacitor")
    options = ".choices:not(.choices--examples) .chip:enabled"
    chip = wait_until(lambda: chat.all(options), "the bot's quick replies")[0]
    title, asked = chip.text, len(chat.texts(".msg--bot .bubble"))
    chip.click()
    assert "chip--chosen" in (chip.get_attribute("class") or "")
    group = chip.find_element("xpath", "..")
    assert all(not b.is_enabled() for b in group.find_elements("css selector", "button")), "one answer per question"
    assert chat.texts(".msg--user .bubble")[-1] == title, "the buyer sees the title, not the payload"
    wait_until(lambda: len(chat.texts(".msg--bot .bubble")) > asked, "the bot's answer to the choice")

    # After a reload the question's options are shown again, inert, with the one chosen marked.
    chat.driver.refresh()
    wait_until(lambda: chat.all(".history-note"), "the history after the reload")
    assert chat.texts(".msg--user .bubble") == ["I need a 100nF capacitor", title]
    chosen = chat.all(".choices .chip--chosen")
    assert [c.text for c in chosen] == [title] and not chosen[0].is_enabled()
    # Only the question still open (the bot's reply to the choice) has working buttons: clicking one goes on.
    groups = chat.all(".choices:not(.choices--examples)")
    assert all(not b.is_enabled() for g in groups[:-1] for b in g.find_elements("css selector", "button"))
    live = groups[-1].find_elements("css selector", ".chip:enabled")
    assert live, "the open question's buttons work after the reload"
    replied = len(chat.texts(".msg--bot .bubble"))
    live[0].click()
    assert chat.texts(".msg--user .bubble")[-1] == live[0].text
    wait_until(lambda: len(chat.texts(".msg--bot .bubble")) > replied, "the bot's answer to a button after reload")


def test_upload_a_bom_see_the_quote_and_download_the_xlsx(stack: Stack, open_chat: OpenChat) -> None:
    chat = open_chat(stack.web_url)
    chat.find("#composer-file").send_keys(str(DEV_BOM))
    assert chat.texts(".msg--user .bubble")[-1] == f"📎 {DEV_BOM.name}"
    quote = wait_until(lambda: chat.all(".msg--bot .quote"), "the quote card")[-1]
    title = quote.find_element("css selector", ".card__title").text
    quote_id = re.search(r"Q-\d{8}-[0-9A-Z]{6}", title)
    assert quote_id and title.endswith(" r1"), title
    assert len(quote.find_elements("css selector", ".quote__row")) == DEV_BOM_LINES
    xlsx = next(a for a in quote.find_elements("css selector", "a.quote__download") if a.text.endswith("XLSX"))
    assert re.fullmatch(rf"/quotes/[^/]+/{quote_id[0]}-r1\.xlsx", xlsx.get_attribute("pathname") or "")
    xlsx.click()
    path = wait_for_download(chat.downloads, ".xlsx")
    assert path.name == f"{quote_id[0]}-r1.xlsx"
    workbook = openpyxl.load_workbook(path)
    cells = [str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert any(quote_id[0] in c for c in cells), cells[:20]
    assert contrast_failures(chat) == []

    # Pick a candidate of the first line to decide with a click: revision 2 says what changed.
    pick = quote.find_element("css selector", ".quote__decide .quote__pick")
    label = pick.text
    pick.click()
    revised = wait_until(lambda: chat.all(".msg--bot .quote")[1:], "the revised quote")[-1]
    assert revised.find_element("css selector", ".card__title").text.endswith(" r2")
    change = revised.find_element("css selector", ".quote__change").text
    assert label.split(" · ")[0].split(". ", 1)[1] in change, (label, change)
    assert not pick.is_enabled(), "an older card's pickers are retired"

    # The history keeps the file's name (not the upload payload) and the quote with its download links.
    chat.driver.refresh()
    wait_until(lambda: chat.all(".history-note"), "the history after the reload")
    assert chat.texts(".msg--user .bubble")[0] == f"📎 {DEV_BOM.name}"
    again = chat.find(".msg--bot .quote")
    assert again.find_element("css selector", ".card__title").text == title
    assert len(again.find_elements("css selector", "a.quote__download")) == 3


def test_reload_shows_the_history_and_the_conversation_goes_on(stack: Stack, open_chat: OpenChat) -> None:
    chat = open_chat(stack.web_url)
    chat.type(SPEC_QUESTION)
    chat.wait_bot("25 mm")
    wait_until(lambda: chat.all(".msg--bot .card"), "the product card")
    session = chat.js(f"return localStorage.getItem('{SESSION_KEY}')")
    assert re.fullmatch(r"[0-9a-f]{32}\.[0-9a-f]{32}", session or ""), "the token the server issued and signed"

    chat.driver.refresh()
    note = wait_until(lambda: chat.all(".history-note"), "the history after the reload")[0]
    chat.js("arguments[0].scrollIntoView()", note)
    chat.snap("after-reload")
    assert chat.js(f"return localStorage.getItem('{SESSION_KEY}')") == session
    assert chat.texts(".msg--user .bubble") == [SPEC_QUESTION]
    assert any("25 mm" in t for t in chat.texts(".msg--bot .bubble"))
    assert "6205-2RS" in chat.find(".msg--bot .card .card__title").text
    # The old messages are not read out on load; new replies are announced again.
    wait_until(lambda: chat.find("#log").get_attribute("aria-live") == "polite", "the log to announce replies")

    # Same conversation in Rasa: a follow-up without a part number is about the part asked before the reload.
    before = len(chat.texts(".msg--bot .bubble"))
    chat.type("那外径呢?")
    assert "52 mm" in chat.wait_bot("52 mm", after=before)
    assert chat.texts(".msg--user .bubble") == [SPEC_QUESTION, "那外径呢?"]


def test_markup_from_the_buyer_is_shown_as_text_live_and_in_the_history(stack: Stack, open_chat: OpenChat) -> None:
    chat = open_chat(stack.web_url)
    # Record any dialog from the first script of every page on (DevTools runs this before the page's own).
    record = "window.__dialogs = []; window.alert = window.confirm = (m) => { window.__dialogs.push(String(m)); };"
    chat.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": record})
    chat.driver.refresh()
    chat.type(XSS)
    wait_until(lambda: chat.texts(".msg--bot .bubble")[1:], "the bot's reply")  # [0] is the welcome
    assert chat.texts(".msg--user .bubble") == [XSS]
    assert chat.all("#log img") == [], "the buyer's text must never become an element"

    chat.driver.refresh()
    wait_until(lambda: chat.all(".history-note"), "the history after the reload")
    assert chat.texts(".msg--user .bubble") == [XSS]
    assert chat.all("#log img") == [], "nor when the history is drawn again"
    chat.snap("after-reload")
    assert chat.js("return window.__dialogs") == [] and not _alert_open(chat)
    assert chat.console_errors() == [], "no CSP violation: nothing tried to load x or run a handler"


def test_phone_width_has_no_sideways_scrolling(stack: Stack, open_chat: OpenChat) -> None:
    chat = open_chat(stack.web_url, language="zh-CN", viewport=PHONE)
    assert chat.js("return window.innerWidth") == PHONE.width
    chat.type(SPEC_QUESTION)
    wait_until(lambda: chat.all(".msg--bot .card"), "the product card")
    chat.find("#composer-file").send_keys(str(DEV_BOM))  # the widest thing the page draws: the quote table
    wait_until(lambda: chat.all(".msg--bot .quote"), "the quote card")
    sizes = chat.js(
        """const log = document.getElementById('log'), send = document.getElementById('composer-send');
        return {page: document.scrollingElement.scrollWidth, inner: window.innerWidth,
                log: log.scrollWidth, logClient: log.clientWidth, sendRight: send.getBoundingClientRect().right,
                input: document.getElementById('composer-input').getBoundingClientRect().width};"""
    )
    assert sizes["page"] <= sizes["inner"], sizes
    assert sizes["log"] <= sizes["logClient"], f"the conversation itself must not scroll sideways: {sizes}"
    assert sizes["sendRight"] <= sizes["inner"] and sizes["input"] >= 150, sizes
    chat.find(".quote .quote__fold:last-of-type > summary").click()  # open the full table
    table = chat.find(".quote__scroll")
    assert chat.js("return arguments[0].getBoundingClientRect().right", table) <= sizes["inner"]
    # Qty stays on a phone and numbers never wrap ("50/0"): each number cell's text on one line.
    cells = chat.js(
        """return [...document.querySelectorAll('.quote__table tr:not(:first-child) td.quote__num')].map(td => {
            const r = document.createRange(); r.selectNodeContents(td);
            return [td.textContent, getComputedStyle(td).display, r.getClientRects().length]; });"""
    )
    assert cells and all(c[1] != "none" for c in cells), cells
    assert all(c[2] <= 1 for c in cells), [c for c in cells if c[2] > 1]


def test_keyboard_only_with_visible_focus_and_readable_contrast(stack: Stack, open_chat: OpenChat) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    chat = open_chat(stack.web_url)
    order: list[str] = []
    for _ in range(12):  # skip link, log, the two examples, attach, message box, send
        chat.keys(Keys.TAB)
        focused = chat.focused()
        name = focused.get_attribute("id") or focused.text
        order.append(name)
        style = chat.js("const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth]", focused)
        assert style[0] != "none" and float(style[1].rstrip("px")) >= 2, f"no visible focus on {name!r}: {style}"
        if name == "composer-send":
            break
    assert order[:2] == ["skip", "log"], order
    assert order[-3:] == ["composer-attach", "composer-input", "composer-send"], order
    assert "6205-2RS 内径多少?" in order, "the example questions are reachable by Tab"

    # Shift+Tab back from the message box reaches the attach button, which Enter would open.
    def shift_tab() -> None:  # a chain is used up by perform()
        ActionChains(chat.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()

    shift_tab()
    assert chat.focused().get_attribute("id") == "composer-input"
    shift_tab()
    assert chat.focused().get_attribute("role") == "button" and chat.focused().get_attribute("id") == "composer-attach"

    # The skip link takes a keyboard user straight to the message box.
    chat.js("document.getElementById('skip').focus()")
    chat.keys(Keys.ENTER)
    assert chat.focused().get_attribute("id") == "composer-input"

    # An example question chosen with the keyboard alone: focus it, Enter.
    example = next(c for c in chat.all(".choices--examples .chip") if c.text == SPEC_QUESTION)
    chat.js("arguments[0].focus()", example)
    chat.keys(Keys.ENTER)
    chat.wait_bot("25 mm")
    wait_until(lambda: chat.all(".msg--bot .card"), "the product card")
    assert chat.find("#log").get_attribute("role") == "log", "replies are announced by screen readers"
    assert contrast_failures(chat) == []


def test_a_turn_without_any_reply_tells_the_buyer_to_try_again(open_chat: OpenChat) -> None:
    with silent_rasa() as (rasa_url, received), served(create_app(rasa_url, reply_timeout_s=2.0)) as page:
        chat = open_chat(page)
        wait_until(lambda: received["sessions"], "the page to open its socket.io session")
        started = time.monotonic()
        chat.type(SPEC_QUESTION)
        assert chat.find("#typing").is_displayed()
        notice = wait_until(lambda: chat.texts(".msg--notice .bubble"), "the no-answer notice", timeout=15)
        waited = time.monotonic() - started
        assert notice == ["No answer from the assistant. Please try again."]
        assert 1.5 <= waited <= 10, f"the notice should come after the configured 2 s, came after {waited:.1f} s"
        assert not chat.find("#typing").is_displayed(), "no endless typing indicator"
        # What the page sent: the message only (typed text needs no `shown` for the history; the server knows the
        # socket's conversation), and it kept the token the server issued.
        (message,) = received["messages"]
        assert message == {"message": SPEC_QUESTION}
        assert received["sessions"] == [{}]
        assert received["tokens"] == [chat.js(f"return localStorage.getItem('{SESSION_KEY}')")]
        assert contrast_failures(chat) == []
        chat.close()  # before the servers stop, so no open socket holds them


# --- helpers -----------------------------------------------------------------------------------------------


def _alert_open(chat: Chat) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        chat.driver.switch_to.alert  # noqa: B018  (the property raises when there is no dialog)
    except NoAlertPresentException:
        return False
    return True


CONTRAST_AUDIT = """
const parse = (c) => {
  const m = c.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
};
const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
const lum = (c) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
};
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const background = (el) => {
  const chain = [];
  for (let n = el; n; n = n.parentElement) chain.unshift(n);
  let bg = {r: 255, g: 255, b: 255, a: 1};
  for (const n of chain) { const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a > 0) bg = over(c, bg); }
  return bg;
};
const opacity = (el) => { let o = 1; for (let n = el; n; n = n.parentElement) o *= Number(getComputedStyle(n).opacity); return o; };
const failures = [];
const check = (el, colour, what) => {
  const bg = background(el), fg = parse(colour);
  fg.a *= opacity(el);
  const r = ratio(over(fg, bg), bg);
  if (r < 4.5) failures.push(`${what} ${r.toFixed(2)}:1 (${colour})`);
};
for (const el of document.querySelectorAll('body *')) {
  const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
  const box = el.getBoundingClientRect();
  if (!own || box.width <= 1 || box.height <= 1 || getComputedStyle(el).visibility === 'hidden') continue;
  check(el, getComputedStyle(el).color, `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.textContent.trim().slice(0, 30)}`);
}
const input = document.getElementById('composer-input');
check(input, getComputedStyle(input, '::placeholder').color, 'placeholder');
return failures;
"""


def contrast_failures(chat: Chat) -> list[str]:
    """Every visible text on the page with less than 4.5:1 contrast against what is behind it (WCAG AA)."""
    return list(chat.js(CONTRAST_AUDIT))


@contextmanager
def served(app: web.Application) -> Iterator[str]:
    """Serve an aiohttp app on a free loopback port from a background event loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(app, shutdown_timeout=2.0)  # an open socket.io connection must not hold us up

    async def start() -> int:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return int(runner.addresses[0][1])

    port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)

    async def stop() -> None:
        await runner.cleanup()
        # engine.io's ping tasks outlive the connection; end them so the loop closes quietly.
        rest = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)

    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@contextmanager
def silent_rasa() -> Iterator[tuple[str, dict[str, list[Any]]]]:
    """A socket.io server that confirms sessions the way Rasa does, then never replies (as when an action crashes)."""
    import socketio

    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    received: dict[str, list[Any]] = {"sessions": [], "messages": [], "tokens": []}

    @sio.on("session_request")
    async def session_request(sid: str, data: dict[str, Any]) -> None:
        received["sessions"].append(data)
        # A new visitor asks with {}: the server issues the token (bot/sessions.py), as the real channel does.
        token = data.get("session_id") or f"{uuid.uuid4().hex}.{uuid.uuid4().hex}"
        received["tokens"].append(token)
        await sio.emit("session_confirm", token, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: dict[str, Any]) -> None:
        received["messages"].append(data)

    app = web.Application()
    sio.attach(app)
    with served(app) as url:
        yield url, received
