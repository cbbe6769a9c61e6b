"""Buyer tags from tracker events (shapes as Rasa 3.6 stores them in var/tracker.db) and the explained score."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.tags import (
    BROWSING,
    COMPARING,
    READY_TO_BUY,
    buyer_tags,
    family_of,
    family_of_value,
    lead_score,
    tracker_events,
)

META = {"model_id": "8f7fa50603dc4231a4e81ee7f4dc5cba", "assistant_id": "brandstation-buyer-assistant"}
_clock = [1795674424.0]

# One user event exactly as the SQL tracker store keeps it (var/tracker.db, `events.data`), trimmed rankings.
REAL_USER_EVENT = json.loads(
    '{"event": "user", "timestamp": 1795674425.4430835, "metadata": {"model_id": "8f7fa50603dc4231a4e81ee7f4dc5cba",'
    ' "assistant_id": "brandstation-buyer-assistant"}, "text": "6205-2RS \\u5185\\u5f84\\u591a\\u5c11?",'
    ' "parse_data": {"intent": {"name": "ask_spec", "confidence": 1.0}, "entities": [{"entity": "part_number",'
    ' "value": "6205-2RS", "start": 0, "end": 8, "confidence": 1.0, "extractor": "PartEntityExtractor"},'
    ' {"entity": "attribute", "value": "bore_diameter", "start": 9, "end": 11, "confidence": 1.0,'
    ' "extractor": "PartEntityExtractor"}, {"entity": "language", "value": "zh", "start": 11, "end": 13,'
    ' "confidence": 1.0, "extractor": "LanguageTagger"}], "text": "6205-2RS \\u5185\\u5f84\\u591a\\u5c11?",'
    ' "message_id": "c35cddd6b4a44f53a370692386de5441", "metadata": {}, "intent_ranking": [{"name": "ask_spec",'
    ' "confidence": 1.0}]}, "input_channel": "socketio", "message_id": "c35cddd6b4a44f53a370692386de5441"}'
)


def _stamp() -> float:
    _clock[0] += 1.5
    return _clock[0]


def session() -> list[dict[str, Any]]:
    return [
        {"event": "action", "timestamp": _stamp(), "metadata": META, "name": "action_session_start", "policy": None},
        {"event": "session_started", "timestamp": _stamp(), "metadata": META},
        {"event": "action", "timestamp": _stamp(), "metadata": META, "name": "action_listen"},
    ]


def user(text: str, intent: str, **entities: Any) -> dict[str, Any]:
    ents = [{"entity": k, "value": v, "extractor": "PartEntityExtractor"} for k, v in entities.items()]
    return {
        "event": "user",
        "timestamp": _stamp(),
        "metadata": META,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": ents, "text": text},
        "input_channel": "socketio",
    }


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": _stamp(), "metadata": META, "name": name, "value": value}


def bot(text: str, custom: dict[str, Any] | None = None) -> dict[str, Any]:
    data = {"elements": None, "buttons": None, "custom": {"data": custom, "room": "r"} if custom else None}
    return {"event": "bot", "timestamp": _stamp(), "metadata": META, "text": text, "data": data}


def card(title: str, sku: str) -> dict[str, Any]:
    return bot(title, {"card": {"title": title, "mpn": sku, "sku": sku, "facts": []}})


def quote(quote_id: str, revision: int, total: str, inputs: list[str], boards: int = 1, currency: str = "CNY") -> dict:
    lines = [{"line": i + 2, "status": "exact", "input": text, "mpn": None, "qty": 1} for i, text in enumerate(inputs)]
    body = {"quote_id": quote_id, "revision": revision, "boards": boards, "currency": currency, "total": total}
    return bot(f"{quote_id} r{revision}", {"quote": {**body, "summary": {"lines": len(inputs)}, "lines": lines}})


def spec_question() -> list[dict[str, Any]]:
    return [
        REAL_USER_EVENT,
        slot("part_number", "6205-2RS"),
        slot("language", "zh"),
        {"event": "action", "timestamp": _stamp(), "metadata": META, "name": "action_answer_spec"},
        card("6205-2RS deep groove ball bearing 25×52×15 mm / 深沟球轴承", "ISO15-6205-2RS"),
        slot("last_sku", "ISO15-6205-2RS"),
    ]


# -- categories, parts, language ------------------------------------------------------------------------------


def test_one_spec_question_is_browsing_a_bearing() -> None:
    tags = buyer_tags([*session(), *spec_question()])
    assert tags["categories"] == ["Bearings"]
    assert tags["parts"] == ["6205-2RS"] and tags["skus"] == ["ISO15-6205-2RS"]
    assert tags["language"] == "zh" and tags["turns"] == 1 and tags["intents"] == {"ask_spec": 1}
    assert (tags["intent_strength"], tags["returning_buyer"], tags["sessions"]) == (BROWSING, False, 1)
    assert (tags["quote_id"], tags["bom_lines"], tags["quote_value_band"]) == ("", 0, "none")
    json.dumps(tags)  # stored with the lead


def test_categories_come_from_cards_messages_and_bom_values_most_evidence_first() -> None:
    events = [
        *session(),
        user("找一个 10k 0603 1% 的电阻", "search_product"),
        card("0603WAF1002T5E — 10 kΩ ±1% 0603 chip resistor", "C25804"),
        user("/upload_bom", "upload_bom", upload_id="u1"),
        quote("Q-20261126-0002", 1, "5.21", ["100nF", "4.7K", "4K7", "M2*5螺丝", "10uH", "键盘帽"]),
    ]
    tags = buyer_tags(events)
    assert tags["categories"] == ["Resistors", "Capacitors", "Fasteners", "Inductors"]


def test_the_catalog_category_of_shown_skus_adds_evidence() -> None:
    events = [*session(), card("NX3225GD-8MHZ", "C889706"), card("SKF 7008", "SKF-7008CEGA/P4A")]
    catalog = {"C889706": "Crystals, Oscillators, Resonators / Crystals", "SKF-7008CEGA/P4A": None}
    assert buyer_tags(events)["categories"] == []  # titles without a family word
    assert buyer_tags(events, category_of=catalog.get)["categories"] == ["Crystals"]


@pytest.mark.parametrize(
    ("text", "family"),
    [("Chip Resistor - Surface Mount", "Resistors"), ("贴片电容", "Capacitors"), ("Bearings / Precision lock nuts",
     "Bearings"), ("Hex nuts", "Fasteners"), ("Light Emitting Diodes (LED)", "Optoelectronics"),
     ("Zener Diodes", "Diodes"), ("Power Management ICs / LDO", "ICs"), ("Ceramic tiles", None), ("", None)],
)  # fmt: skip
def test_family_of_text(text: str, family: str | None) -> None:
    assert family_of(text) == family


@pytest.mark.parametrize(
    ("value", "family"),
    [("100nF", "Capacitors"), ("0.1uF", "Capacitors"), ("4.7K", "Resistors"), ("4K7", "Resistors"),
     ("100R", "Resistors"), ("10uH", "Inductors"), ("100", None), ("CH549G", None)],
)  # fmt: skip
def test_family_of_bom_value(value: str, family: str | None) -> None:
    assert family_of_value(value) == family


def test_language_falls_back_to_the_buyers_words() -> None:
    assert buyer_tags([*session(), user("what is the bore of 6205?", "ask_spec")])["language"] == "en"
    assert buyer_tags([*session(), user("6205 内径", "ask_spec")])["language"] == "zh"


# -- intent strength ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "strength", "reason"),
    [
        ([user("6205 的替代料", "ask_substitute", part_number="6205-2RS")], COMPARING, "asked for substitutes"),
        ([user("6205?", "ask_spec", part_number="6205"), user("6206?", "ask_spec", part_number="6206")], COMPARING,
         "asked about 2 parts"),
        ([user("/upload_bom", "upload_bom"), quote("Q-1", 1, "10", ["10k"])], COMPARING, "uploaded a BOM"),
        ([user("这个多少钱", "search_product")], COMPARING, "多少钱"),
        ([user("转人工", "request_sales")], READY_TO_BUY, "asked to talk to sales"),
        ([{"event": "active_loop", "timestamp": 1.0, "name": "lead_form"}], READY_TO_BUY, "contact form"),
        ([user("我要下单 5000 片", "out_of_scope")], READY_TO_BUY, "下单"),
        ([quote("Q-1", 1, "10", ["10k"]), quote("Q-1", 2, "5000", ["10k"], boards=500)], READY_TO_BUY, "500 boards"),
        ([user("hello", "greet"), user("6205 内径", "ask_spec", part_number="6205")], BROWSING, ""),
    ],
)  # fmt: skip
def test_intent_strength(events: list[dict[str, Any]], strength: str, reason: str) -> None:
    tags = buyer_tags([*session(), *events])
    assert tags["intent_strength"] == strength
    assert reason in " ".join(tags["intent_signals"])


def test_returning_buyer_needs_a_second_session() -> None:
    once = buyer_tags([*session(), *spec_question()])
    twice = buyer_tags([*session(), *spec_question(), *session(), user("again", "greet")])
    assert (once["returning_buyer"], twice["returning_buyer"], twice["sessions"]) == (False, True, 2)
    assert twice["first_seen"] < twice["last_seen"]


# -- quote value -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "currency", "band", "cny"),
    [("999.99", "CNY", "<1k", "999.99"), ("1000", "CNY", "1k-10k", "1000"), ("25000.00", "CNY", "10k-100k", "25000.00"),
     ("2000", "USD", "10k-100k", "14200.00"), ("150000", "CNY", "100k+", "150000"), ("9", "EUR", "unknown", None)],
)  # fmt: skip
def test_quote_value_band(total: str, currency: str, band: str, cny: str | None) -> None:
    tags = buyer_tags(
        [*session(), quote("Q-9", 1, total, ["10k", "100nF"], currency=currency)], usd_rate=Decimal("7.10")
    )
    assert (tags["quote_value_band"], tags["quote_value_cny"], tags["bom_lines"]) == (band, cny, 2)
    assert tags["quote_id"] == "Q-9"


def test_the_latest_quote_revision_counts() -> None:
    events = [*session(), quote("Q-1", 1, "100", ["10k"]), quote("Q-1", 2, "20000", ["10k", "1k", "2k"], boards=200)]
    tags = buyer_tags(events)
    assert (tags["quote_value_cny"], tags["bom_lines"], tags["boards"]) == ("20000", 3, 200)


# -- the score ---------------------------------------------------------------------------------------------------


def _hot_buyer() -> list[dict[str, Any]]:
    parts = [
        user(f"{p} 参数", "ask_spec", part_number=p) for p in ("6205-2RS", "6206", "6207", "7008C", "C25804", "X1")
    ]
    big_bom = quote("Q-7", 2, "350000.00", [f"{i}k" for i in range(1, 61)], boards=1000)
    return [*session(), *spec_question(), *session(), *parts, user("6205 替代", "ask_substitute", part_number="6205"),
            big_bom, user("我要询价", "request_sales")]  # fmt: skip


@pytest.mark.parametrize(
    "events",
    [[], [*session(), *spec_question()], [*session(), user("转人工", "request_sales")], _hot_buyer()],
)
def test_the_score_is_explained_by_signals_that_sum_to_it(events: list[dict[str, Any]]) -> None:
    score, signals = lead_score(buyer_tags(events))
    assert 0 <= score <= 100
    assert sum(points for _, points in signals) == score
    assert all(isinstance(name, str) and name for name, _ in signals)


def test_a_hot_buyer_is_capped_at_100_and_the_cap_is_shown() -> None:
    score, signals = lead_score(buyer_tags(_hot_buyer()))
    names = [name for name, _ in signals]
    assert score == 100 and names[-1] == "capped at 100" and signals[-1][1] < 0
    for expected in ("ready to buy", "asked for a quote (Q-7)", "BOM with 60 lines", "quote value 100k+ CNY",
                     "asked about", "asked for substitutes", "returning buyer (2 sessions)"):  # fmt: skip
        assert any(name.startswith(expected) for name in names), expected


def test_each_signal_raises_the_score() -> None:
    base = buyer_tags([*session(), *spec_question()])
    base_score, _ = lead_score(base)
    for change in ({"intent_strength": COMPARING}, {"intent_strength": READY_TO_BUY}, {"returning_buyer": True},
                   {"quote_id": "Q-1", "quote_value_band": "10k-100k", "bom_lines": 12},
                   {"substitutes_asked": ["6205"]}, {"turns": 9}):  # fmt: skip
        score, _ = lead_score({**base, **change})
        assert score > base_score, change
    ready, _ = lead_score({**base, "intent_strength": READY_TO_BUY})
    comparing, _ = lead_score({**base, "intent_strength": COMPARING})
    assert ready > comparing > base_score


# -- reading the tracker store --------------------------------------------------------------------------------


def test_tracker_events_reads_every_session_of_one_sender(tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL,"
            " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))"
        )
        mine = [*session(), *spec_question(), *session(), user("转人工", "request_sales")]
        other = [*session(), user("hi", "greet")]
        rows = [("me", e) for e in mine[:5]] + [("other", e) for e in other] + [("me", e) for e in mine[5:]]
        db.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            [(s, e["event"], e.get("timestamp"), json.dumps(e)) for s, e in rows],
        )
    events = tracker_events(path, "me")
    assert events == mine
    tags = buyer_tags(events)
    assert tags["returning_buyer"] and tags["intent_strength"] == READY_TO_BUY
