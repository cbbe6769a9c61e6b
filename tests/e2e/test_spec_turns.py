"""Spec questions through the real channels: REST and socket.io into Rasa + the action server."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys

import pytest
import requests
import socketio

from bot.stack import Stack
from tests.e2e.conftest import logs


def ask(stack: Stack, sender: str, message: str) -> list[dict]:
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
    )
    assert response.status_code == 200
    return response.json()


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("6205-2RS 内径多少?", ["25 mm", "6205-2RS", "内径", "来源"]),
        ("what is the outer diameter of 7008CEGA/P4A?", ["68 mm", "7008CEGA/P4A", "SKF", "Source"]),
        ("NX3225GD-8MHZ-STD-CRA-3 的频率是多少", ["8 MHz", "NX3225GD-8MHZ-STD-CRA-3", "来源"]),
        ("C25804 多少钱?", ["1+ USD 0.0014", "嘉立创标价,2026-05-21 快照", "0603WAF1002T5E"]),
        ("how much is C25804?", ["1+ USD 0.0014", "JLCPCB list price, snapshot 2026-05-21", "0603WAF1002T5E"]),
        ("power rating of 0603WAF1002T5E?", ["0.1 W", "0603WAF1002T5E", "Source"]),
    ],
)
def test_rest_spec_answer_names_value_product_and_source(stack, sender, question, expected):
    reply = texts(ask(stack, sender, question))
    missing = [e for e in expected if e not in reply]
    assert not missing, f"{missing} not in reply {reply!r}\n{logs(stack)}"


def test_follow_up_question_reuses_the_part(stack, sender):
    assert "25 mm" in texts(ask(stack, sender, "6205-2RS 内径多少?"))
    follow_up = texts(ask(stack, sender, "那外径呢?"))
    assert "52 mm" in follow_up and "6205-2RS" in follow_up, follow_up


def test_answer_carries_a_product_card(stack, sender):
    replies = ask(stack, sender, "what is the bore of 6205-2RS?")
    cards = [r["custom"]["data"]["card"] for r in replies if "custom" in r]
    assert cards, replies
    card = cards[0]
    assert card["mpn"] == "6205-2RS"
    assert ["Bore diameter d", "25 mm"] in [[k.capitalize(), v] for k, v in card["facts"]]


def test_unknown_part_is_recorded_as_demand(stack, sender):
    reply = texts(ask(stack, sender, "what is the bore of ZQX9999-77QQ?"))
    assert "could not find" in reply, reply
    with sqlite3.connect(stack.settings.database) as db:
        rows = db.execute("SELECT kind, text, language FROM demand WHERE sender_id = ?", (sender,)).fetchall()
    assert rows == [("spec_not_found", "what is the bore of ZQX9999-77QQ?", "en")]


def test_greeting_is_answered_in_the_buyers_language(stack, sender):
    zh = texts(ask(stack, sender, "你好"))
    en = texts(ask(stack, f"{sender}-en", "hello there"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), zh
    assert en and not any("\u4e00" <= ch <= "\u9fff" for ch in en), en


def test_socketio_turn_gets_text_and_card(stack):
    async def turn() -> list[dict]:
        client = socketio.AsyncClient()
        received: list[dict] = []
        got_card = asyncio.Event()

        @client.on("bot_uttered")
        async def on_bot(data: dict) -> None:
            received.append(data)
            if "card" in data:
                got_card.set()

        await client.connect(stack.rasa_url, socketio_path="/socket.io", transports=["polling"])
        await client.emit("session_request", {"session_id": "e2e-socket"})
        await asyncio.sleep(0.5)
        await client.emit("user_uttered", {"message": "6205-2RS 外径多少", "session_id": "e2e-socket"})
        await asyncio.wait_for(got_card.wait(), timeout=60)
        await client.disconnect()
        return received

    received = asyncio.run(turn())
    text = "\n".join(m.get("text", "") for m in received)
    assert "52 mm" in text, received
    card = next(m["card"] for m in received if "card" in m)
    assert card["mpn"] == "6205-2RS" and card["sku"]


def brandstation(settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `brandstation` CLI against the test catalog, as a user would."""
    env = {
        "BRANDSTATION_CATALOG_DB": str(settings.catalog_db),
        "BRANDSTATION_INDEX_DIR": str(settings.index_dir),
        "HF_HUB_OFFLINE": "1",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_ask_json_answers_without_rasa(e2e_settings):
    out = brandstation(e2e_settings, "ask", "6205-2RS 内径多少?", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["product"]["mpn"] == "6205-2RS"
    assert data["status"] == "answered" and data["attribute_name"] == "内径 d"
    assert data["attribute"] == "bore_diameter" and data["value"] == 25.0 and data["unit"] == "mm"
    assert data["source"] and isinstance(data["candidates"], list)


def test_cli_ask_json_abstains_with_a_status_and_no_value(e2e_settings):
    out = brandstation(e2e_settings, "ask", "AO3400A 多少毫米", "--json")
    assert out.returncode == 1, out.stderr  # not answered
    data = json.loads(out.stdout)
    assert data["status"] == "which_attribute" and data["value"] is None and data["options"], data


def test_cli_search_explains_why(e2e_settings):
    out = brandstation(e2e_settings, "search", "6205 2RS", "--json", "-k", "3")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["mpn"] == "6205-2RS" and hits[0]["why"], hits


# --- Any attribute the catalog states, in either language; commerce questions; follow-ups (issue 15) ---------


@pytest.mark.parametrize(
    ("question", "expected", "never"),
    [
        ("AO3400A 的漏源电压", ["30 V", "AO3400A", "来源"], ["1.4 W"]),
        ("1N4148WS 反向恢复时间是多少", ["4 ns", "1N4148WS"], ["0.2 W", "200 mW"]),
        ("how many GPIOs does the STM32F103C8T6 have", ["37", "STM32F103C8T6", "Source"], ["°C"]),
        ("who manufactures 1N914BTR?", ["onsemi", "1N914BTR"], ["0.5 W", "500 mW"]),
        ("digikey part number for LP5907MFX-3.3/NOPB", ["296-38557-1-ND"], ["250 mA"]),
        ("how wide is the NN3032K/SPW33 bearing", ["60 mm", "NN3032K/SPW33"], ["160 mm"]),
        ("which SNFA part number did BTW110CTN9/SP replace?", ["SNFA", "BTW110CTN9/SP"], ["110 mm"]),
        ("hex key size for an M8 socket head cap screw", ["6 mm", "ISO 4762 M8"], []),
        # a stem no part number is: the parts that begin with it, when they agree (session 18)
        ("CH340 max baud rate", ["2Mbps", "begins with CH340"], []),
        ("CH340 波特率多少", ["2Mbps", "以 CH340 开头"], []),
    ],
)
def test_any_stated_attribute_is_answered_never_another(stack, sender, question, expected, never):
    reply = texts(ask(stack, sender, question))
    missing = [e for e in expected if e not in reply]
    wrong = [w for w in never if w in reply]
    assert not missing and not wrong, f"missing {missing}, wrong {wrong} in {reply!r}\n{logs(stack)}"


def test_an_attribute_it_cannot_pin_down_is_asked_back_with_buttons(stack, sender):
    replies = ask(stack, sender, "AO3400A 多少毫米")
    reply = texts(replies)
    assert "哪个参数" in reply and "30 V" in reply, reply  # what it does state, and the question back
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert buttons and all(b["payload"].startswith("/ask_spec{") for b in buttons), replies
    clicked = texts(ask(stack, sender, buttons[0]["payload"]))
    assert "AO3400A" in clicked and ("来源" in clicked or "Source" in clicked), clicked


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("what is the outer diameter of 7008CEGA/P4A?", "what about the bore?", ["40 mm", "7008CEGA/P4A"]),
        ("6205-2RS 内径多少?", "那宽度呢", ["15 mm", "6205-2RS"]),
        ("what is the outer diameter of 7008CEGA/P4A?", "is it in stock?", ["stock", "7008CEGA/P4A"]),
        ("6205-2RS 内径多少?", "有现货吗", ["库存", "交期", "6205-2RS"]),
    ],
)
def test_follow_ups_keep_the_part_in_both_languages(stack, sender, first, follow_up, expected):
    ask(stack, sender, first)
    reply = texts(ask(stack, sender, follow_up))
    missing = [e for e in expected if e not in reply]
    assert not missing, f"{missing} not in {reply!r}\n{logs(stack)}"


@pytest.mark.parametrize("question", ["6205-2RS 有现货吗", "is 6205-2RS in stock?"])
def test_stock_questions_answer_stock_and_lead_time_not_substitutes(stack, sender, question):
    reply = texts(ask(stack, sender, question))
    assert ("库存" in reply and "交期" in reply) or ("stock" in reply and "lead time" in reply), reply
    assert "替代" not in reply and "substitute" not in reply.lower(), reply


def _money(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return float(found.group(1).replace(",", ""))


@pytest.mark.parametrize(
    ("question", "unit", "total", "qty"),
    [
        ("how much is 7008CEGA/P4A for 10 pcs?", r"unit price USD ([\d.,]+)", r"extended USD ([\d.,]+)", 10),
        ("7008CEGA/P4A 10个多少钱", r"单价 USD ([\d.,]+)", r"合计 USD ([\d.,]+)", 10),
    ],
)
def test_price_at_a_quantity_is_the_unit_price_of_that_break_and_the_total(stack, sender, question, unit, total, qty):
    reply = texts(ask(stack, sender, question))
    assert "BOM" not in reply, reply
    assert abs(_money(unit, reply) * qty - _money(total, reply)) < 0.01, reply
    # The break used is the highest the quantity reaches: the catalog's own price list, read independently.
    with sqlite3.connect(stack.settings.catalog_db) as db:
        (breaks,) = db.execute("SELECT price_breaks FROM products WHERE mpn = '7008CEGA/P4A'").fetchone()
    applicable = [price for min_qty, price in json.loads(breaks) if min_qty <= qty]
    assert abs(_money(unit, reply) - applicable[-1]) < 1e-6, (reply, breaks)


def test_price_follow_up_with_only_a_quantity(stack, sender):
    ask(stack, sender, "what is the outer diameter of 7008CEGA/P4A?")
    reply = texts(ask(stack, sender, "price for 100 pcs?"))
    assert "7008CEGA/P4A" in reply and "100 pcs" in reply and "unit price" in reply, reply


@pytest.mark.parametrize(
    ("message", "language"), [("asdkjh qwe zzz", "en"), ("qwerty uiop", "en"), ("啊啊啊 呃呃", "zh"), ("asdf", "en")]
)
def test_gibberish_gets_help_with_examples_and_is_no_demand(stack, sender, message, language):
    """Issue 18: what the bot cannot read is answered with what it can do and three example buttons in the buyer's
    language, and is not recorded as unmet demand (it names no part and no value)."""
    replies = ask(stack, sender, message)
    reply = texts(replies)
    assert "could not find" not in reply and "没有找到" not in reply, reply
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert len(buttons) == 3, replies
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in reply + "".join(b["title"] for b in buttons))
    assert chinese == (language == "zh"), replies
    with sqlite3.connect(stack.settings.database) as db:
        rows = db.execute("SELECT kind, text FROM demand WHERE sender_id = ?", (sender,)).fetchall()
    assert rows == [], rows


@pytest.mark.parametrize(
    ("question", "language"), [("6205-2RS 内径多少?", "zh"), ("what is the outer diameter of 7008CEGA/P4A?", "en")]
)
def test_a_spec_answer_ends_with_next_steps_that_work(stack, sender, question, language):
    """Issue 18: after a spec answer, buttons for substitutes, price and sales about that part; typing one works
    like clicking it."""
    replies = ask(stack, sender, question)
    titles = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert titles == (["替代料", "价格", "联系销售"] if language == "zh" else ["Substitutes", "Price", "Talk to sales"])
    price = texts(ask(stack, sender, titles[1]))  # typed, not clicked
    assert ("价格" in price or "USD" in price or "price" in price.lower()) and "没太明白" not in price, price
