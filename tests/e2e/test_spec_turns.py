"""Spec questions through the real channels: REST and socket.io into Rasa + the action server."""

from __future__ import annotations

import asyncio
import json
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
        ("C25804 多少钱?", ["USD 0.0014 @ 1+", "JLCPCB list price, snapshot 2026-05-21", "0603WAF1002T5E"]),
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
    assert data["attribute"] == "bore_diameter" and data["value"] == 25.0 and data["unit"] == "mm"
    assert data["source"] and isinstance(data["candidates"], list)


def test_cli_search_explains_why(e2e_settings):
    out = brandstation(e2e_settings, "search", "6205 2RS", "--json", "-k", "3")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits[0]["mpn"] == "6205-2RS" and hits[0]["why"], hits
