"""Substitute requests through the real stack: REST turns into Rasa + the action server over the real catalog subset."""

from __future__ import annotations

import sqlite3

from tests.e2e.conftest import logs
from tests.e2e.test_spec_turns import ask, texts


def test_snfa_part_gets_its_skf_successor_as_a_cross_reference(stack, sender):
    reply = texts(ask(stack, sender, "VEX67CE1UL 有替代吗?"))
    assert "交叉参考 · 706CEGA/P4A · SKF" in reply, f"{reply!r}\n{logs(stack)}"


def test_snfa_part_in_english(stack, sender):
    reply = texts(ask(stack, sender, "replacement for SNFA VEX67CE1UL"))
    assert "cross-reference · 706CEGA/P4A · SKF" in reply, f"{reply!r}\n{logs(stack)}"


def test_out_of_stock_bearing_gets_substitutes_with_differences_spelled_out(stack, sender):
    replies = ask(stack, sender, "6205-2RS 缺货, 有什么可以替代?")
    reply = texts(replies)
    lines = reply.splitlines()
    assert lines[0].startswith("6205-2RS · "), f"{reply!r}\n{logs(stack)}"
    # Same d × D × B only: another size is never offered, and a different seal is named as a difference.
    assert "6206" not in reply and "6204" not in reply, reply
    seal_line = next(line for line in lines if "· 6205-2Z ·" in line)
    assert "功能替代" in seal_line and "密封形式: " in seal_line and "(更差)" in seal_line, seal_line
    assert all(b["payload"].startswith('/ask_spec{"part_number": ') for r in replies for b in r.get("buttons", []))
    assert any("custom" in r for r in replies), replies


def test_resistor_gets_a_stocked_drop_in(stack, sender):
    reply = texts(ask(stack, sender, "RC0603FR-0710KL alternatives in stock"))
    assert reply.splitlines()[1].startswith("1. drop-in · "), f"{reply!r}\n{logs(stack)}"
    assert "drop-in · 0603WAF1002T5E · UNI-ROYAL" in reply, reply
    assert "0402" not in reply, "another package never qualifies"


def test_substitute_after_a_spec_answer_uses_the_same_part(stack, sender):
    assert "25 mm" in texts(ask(stack, sender, "6205-2RS 内径多少?"))
    reply = texts(ask(stack, sender, "有替代吗?"))
    assert reply.splitlines()[0].startswith("6205-2RS · "), f"{reply!r}\n{logs(stack)}"


def test_english_follow_up_after_a_spec_answer(stack, sender):
    assert "0.1 W" in texts(ask(stack, sender, "power rating of RC0603FR-0710KL?"))
    reply = texts(ask(stack, sender, "what can replace it?"))
    assert reply.startswith("Substitutes for RC0603FR-0710KL"), f"{reply!r}\n{logs(stack)}"


def test_unknown_part_offers_sales_and_is_recorded_as_demand(stack, sender):
    reply = texts(ask(stack, sender, "alternatives to ZQX9999-77QQ"))
    assert "talk to sales" in reply, f"{reply!r}\n{logs(stack)}"
    with sqlite3.connect(stack.settings.database) as db:
        rows = db.execute("SELECT kind, text, language FROM demand WHERE sender_id = ?", (sender,)).fetchall()
    assert rows == [("substitute_none", "alternatives to ZQX9999-77QQ", "en")]
