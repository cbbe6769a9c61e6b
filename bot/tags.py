"""Buyer tags (用户打标) from a Rasa tracker's events, and a lead score that says which signal added what.

`buyer_tags(events)` reads the events a tracker holds (the dicts of `tracker.events` in an action, or rows of
the tracker store): user messages with their intent and entities, bot messages with the cards the actions
sent (`data.custom.data.card` / `.quote`), slots (`language`, `last_sku`, `quote_id`, `boards`), the lead form
(`active_loop`) and session starts. The result is a JSON-able dict stored with the lead and shown to the
receiver; `lead_score(tags)` turns it into 0..100 with the points of every signal (they sum to the score).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from knowledge.db import Database

BROWSING = "browsing"
COMPARING = "comparing"
READY_TO_BUY = "ready_to_buy"

# Intents and words that show where a buyer stands (the NLU's intent names; data/nlu/*.yml).
READY_INTENTS = frozenset({"request_sales"})
_COMPARING_LABELS = {
    "ask_substitute": "asked for substitutes",
    "choose_option": "narrowed a selection",
    "upload_bom": "uploaded a BOM",
    "revise_quote": "revised a quote",
}
LEAD_FORMS = frozenset({"lead_form"})
_READY_WORDS = re.compile(
    r"询价|报价|下单|采购|订购|订货|批量|转人工|联系销售|合同|发票|"
    r"\b(?:quotation|purchase|place an order|bulk order|buy|talk to sales|sales rep|invoice|contract)\b",
    re.I,
)
_COMPARING_WORDS = re.compile(
    r"替代|代换|对比|比较|区别|价格|多少钱|库存|交期|货期|"
    r"\b(?:price|cost|stock|lead time|alternative|substitute|replacement|compare|versus|vs)\b",
    re.I,
)

# Categories of interest: families named like the catalog's top level, with the words that show them.
# Order matters: the first family whose word appears wins (LED before diode, bearing before nut).
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Bearings", ("bearing", "轴承")),
    ("Fasteners", ("fastener", "screw", "bolt", "nut", "washer", "紧固件", "螺丝", "螺钉", "螺栓", "螺母", "垫圈", "垫片")),
    ("Optoelectronics", ("led", "light emitting", "optocoupler", "发光", "光耦", "数码管")),
    ("Resistors", ("resistor", "potentiometer", "thermistor", "电阻", "排阻", "电位器")),
    ("Capacitors", ("capacitor", "mlcc", "电容")),
    ("Inductors", ("inductor", "choke", "ferrite bead", "电感", "磁珠", "扼流圈")),
    ("Crystals", ("crystal", "oscillator", "resonator", "晶振", "振荡器", "谐振器")),
    ("Diodes", ("diode", "rectifier", "zener", "tvs", "esd", "二极管", "稳压管", "整流")),
    ("Transistors", ("transistor", "mosfet", "igbt", "thyristor", "triac", "三极管", "晶体管", "mos管", "场效应管", "可控硅")),
    ("Connectors", ("connector", "header", "terminal", "socket", "usb", "type-c", "连接器", "排针", "排母", "端子", "插座")),
    ("Switches & Relays", ("switch", "relay", "开关", "继电器", "按键")),
    ("ICs", ("ic", "mcu", "microcontroller", "processor", "controller", "regulator", "ldo", "op amp", "opamp",
             "amplifier", "adc", "dac", "eeprom", "flash", "memory", "driver", "芯片", "单片机", "运放", "稳压器")),
    ("Sensors", ("sensor", "传感器")),
    ("Fuses", ("fuse", "保险丝")),
)  # fmt: skip
# A bare BOM value names its family: 100nF, 4.7K, 4K7, 10uH.
_CAP_VALUE = re.compile(r"^\d+(?:\.\d+)?\s*[pnuµμm]F$", re.I)
_RES_VALUE = re.compile(r"^(?:\d+(?:\.\d+)?\s*(?:[kKmM]|Ω|ohm|R)|\d+[kKmMR]\d+)$")
_IND_VALUE = re.compile(r"^\d+(?:\.\d+)?\s*[nuµμm]H$", re.I)

VALUE_BANDS = ((Decimal(1_000), "<1k"), (Decimal(10_000), "1k-10k"), (Decimal(100_000), "10k-100k"))
MAX_LISTED = 20


def buyer_tags(
    events: Iterable[Mapping[str, Any]],
    *,
    category_of: Callable[[str], str | None] | None = None,
    usd_rate: Decimal = Decimal("7.10"),
) -> dict[str, Any]:
    """Tags from a tracker's events. `category_of(sku)` (the catalog's category of a product) adds evidence
    for the SKUs the bot showed; without it categories come from the words of cards and messages."""
    seen = _Reading()
    for event in events:
        seen.read(event)
    if category_of is not None:
        for sku in seen.skus:
            seen.family_of(category_of(sku) or "", weight=2)
    quote = seen.quote
    value = _quote_value_cny(quote, usd_rate)
    strength, reasons = _intent_strength(seen)
    return {
        "categories": [name for name, _ in sorted(seen.families.items(), key=lambda kv: (-kv[1], seen.order[kv[0]]))],
        "parts": seen.parts[:MAX_LISTED],
        "skus": seen.skus[:MAX_LISTED],
        "substitutes_asked": seen.substitutes[:MAX_LISTED],
        "bom_lines": int(quote.get("summary", {}).get("lines") or 0) if quote else 0,
        "quote_id": str(quote.get("quote_id") or seen.quote_id) if quote else seen.quote_id,
        "quote_value_cny": None if value is None else str(value),
        "quote_value_band": _band(value) if quote else "none",
        "boards": seen.boards,
        "language": seen.language or _language_of_texts(seen.texts),
        "intent_strength": strength,
        "intent_signals": reasons,
        "sessions": max(seen.sessions, 1 if seen.turns else 0),
        "returning_buyer": seen.sessions > 1,
        "turns": seen.turns,
        "intents": dict(seen.intents),
        "first_seen": _iso(seen.first),
        "last_seen": _iso(seen.last),
    }


def tracker_events(where: Database | Path | str, sender_id: str) -> list[dict[str, Any]]:
    """Every event of a conversation, all sessions, from Rasa's SQL tracker store (SQLite var/tracker.db, or
    PostgreSQL). An action's `tracker.events` only holds the current session, so a returning buyer shows here only."""
    with Database.of(where).connect() as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)).fetchall()
    events: list[dict[str, Any]] = []
    for (data,) in rows:
        event = json.loads(data) if data else None
        if isinstance(event, dict):
            events.append(event)
    return events


def lead_score(tags: Mapping[str, Any]) -> tuple[int, list[tuple[str, int]]]:
    """0..100 and the signals behind it, each with its points; the points always sum to the score."""
    signals: list[tuple[str, int]] = []
    strength = tags.get("intent_strength")
    if strength == READY_TO_BUY:
        signals.append(("ready to buy: " + "; ".join(tags.get("intent_signals") or ()), 30))
    elif strength == COMPARING:
        signals.append(("comparing options: " + "; ".join(tags.get("intent_signals") or ()), 15))
    if tags.get("quote_id"):
        signals.append((f"asked for a quote ({tags['quote_id']})", 15))
    lines = int(tags.get("bom_lines") or 0)
    if lines:
        signals.append((f"BOM with {lines} lines", 10 if lines >= 50 else 6 if lines >= 10 else 3))
    band_points = {"100k+": 20, "10k-100k": 14, "1k-10k": 8, "<1k": 2}
    band = str(tags.get("quote_value_band") or "none")
    if band in band_points:
        signals.append((f"quote value {band} CNY", band_points[band]))
    parts = len(tags.get("parts") or ())
    if parts:
        signals.append((f"asked about {parts} part{'s' if parts != 1 else ''}", 2 * min(parts, 5)))
    if tags.get("substitutes_asked"):
        signals.append(("asked for substitutes", 5))
    if tags.get("returning_buyer"):
        signals.append((f"returning buyer ({tags.get('sessions')} sessions)", 10))
    categories = list(tags.get("categories") or ())
    if categories:
        signals.append((f"interested in {', '.join(categories[:3])}", 2 * min(len(categories), 3)))
    if int(tags.get("turns") or 0) >= 5:
        signals.append((f"engaged ({tags['turns']} messages)", 4))
    total = sum(points for _, points in signals)
    if total > 100:
        signals.append(("capped at 100", 100 - total))
    return sum(points for _, points in signals), signals


def family_of(text: str) -> str | None:
    """The product family a text names ('Chip Resistor - Surface Mount' → 'Resistors', '电容' → 'Capacitors')."""
    lowered = text.lower()
    for name, words in FAMILIES:
        for word in words:
            if word.isascii():
                if re.search(rf"(?<![a-z0-9]){re.escape(word)}(?:s|es)?(?![a-z0-9])", lowered):
                    return name
            elif word in lowered:
                return name
    return None


def family_of_value(text: str) -> str | None:
    """The family a bare BOM value implies: '100nF' → Capacitors, '4.7K' / '4K7' → Resistors, '10uH' → Inductors."""
    value = text.strip()
    if _CAP_VALUE.match(value):
        return "Capacitors"
    if _IND_VALUE.match(value):
        return "Inductors"
    if _RES_VALUE.match(value):
        return "Resistors"
    return None


class _Reading:
    """What the events show so far (one pass, in order)."""

    def __init__(self) -> None:
        self.families: Counter[str] = Counter()
        self.order: dict[str, int] = {}
        self.parts: list[str] = []
        self.skus: list[str] = []
        self.substitutes: list[str] = []
        self.quote: dict[str, Any] = {}
        self.quote_id = ""
        self.boards: int | None = None
        self.language = ""
        self.texts: list[str] = []
        self.sessions = 0
        self.turns = 0
        self.intents: Counter[str] = Counter()
        self.lead_form = False
        self.words_ready: list[str] = []
        self.words_comparing: list[str] = []
        self.first: float | None = None
        self.last: float | None = None

    def read(self, event: Mapping[str, Any]) -> None:
        kind = event.get("event")
        stamp = event.get("timestamp")
        if isinstance(stamp, (int, float)):
            self.first = stamp if self.first is None else min(self.first, stamp)
            self.last = stamp if self.last is None else max(self.last, stamp)
        if kind == "session_started":
            self.sessions += 1
        elif kind == "user":
            self.user(event)
        elif kind == "bot":
            self.bot(event)
        elif kind == "slot":
            self.slot(str(event.get("name")), event.get("value"))
        elif kind == "active_loop" and event.get("name") in LEAD_FORMS:
            self.lead_form = True

    def user(self, event: Mapping[str, Any]) -> None:
        parse = event.get("parse_data") or {}
        intent = str((parse.get("intent") or {}).get("name") or "")
        text = str(event.get("text") or "")
        self.turns += 1
        if intent:
            self.intents[intent] += 1
        if not text.startswith("/"):  # button payloads carry no words of the buyer
            self.texts.append(text)
            self.family_of(text)
            if (m := _READY_WORDS.search(text)) is not None:
                self.words_ready.append(m.group(0))
            if (m := _COMPARING_WORDS.search(text)) is not None:
                self.words_comparing.append(m.group(0))
        for entity in parse.get("entities") or ():
            name, value = entity.get("entity"), entity.get("value")
            if name == "part_number" and isinstance(value, str) and value:
                _add(self.parts, value)
                if intent == "ask_substitute":
                    _add(self.substitutes, value)
            elif name == "language" and value in ("zh", "en"):
                self.language = str(value)

    def bot(self, event: Mapping[str, Any]) -> None:
        custom = ((event.get("data") or {}).get("custom") or {}).get("data") or {}
        card = custom.get("card")
        if isinstance(card, Mapping):
            self.family_of(str(card.get("title") or ""))
            if card.get("sku"):
                _add(self.skus, str(card["sku"]))
        quote = custom.get("quote")
        if isinstance(quote, Mapping):
            self.quote = dict(quote)
            if isinstance(quote.get("boards"), (int, float)):
                self.boards = int(quote["boards"])
            for line in quote.get("lines") or ():
                text = str(line.get("input") or "")
                if self.family_of(text) is None:
                    self.family_of_value(text)

    def slot(self, name: str, value: Any) -> None:
        if name == "language" and value in ("zh", "en"):
            self.language = str(value)
        elif name == "last_sku" and isinstance(value, str) and value:
            _add(self.skus, value)
        elif name == "quote_id" and isinstance(value, str) and value:
            self.quote_id = value
        elif name == "boards" and isinstance(value, (int, float)):
            self.boards = int(value)

    def family_of(self, text: str, weight: int = 1) -> str | None:
        name = family_of(text) if text else None
        if name is not None:
            self.count(name, weight)
        return name

    def family_of_value(self, text: str) -> str | None:
        name = family_of_value(text)
        if name is not None:
            self.count(name, 1)
        return name

    def count(self, name: str, weight: int) -> None:
        self.order.setdefault(name, len(self.order))
        self.families[name] += weight


def _intent_strength(seen: _Reading) -> tuple[str, list[str]]:
    ready: list[str] = []
    if any(seen.intents[i] for i in READY_INTENTS):
        ready.append("asked to talk to sales")
    if seen.lead_form:
        ready.append("started the contact form")
    if seen.words_ready:
        ready.append(f"said “{seen.words_ready[-1]}”")
    if seen.quote and (seen.boards or 0) > 1:
        ready.append(f"quoted for {seen.boards} boards")
    if ready:
        return READY_TO_BUY, ready
    comparing: list[str] = []
    for intent, label in _COMPARING_LABELS.items():
        if seen.intents[intent] and label not in comparing:
            comparing.append(label)
    if seen.substitutes and _COMPARING_LABELS["ask_substitute"] not in comparing:
        comparing.append(_COMPARING_LABELS["ask_substitute"])
    if seen.quote and _COMPARING_LABELS["upload_bom"] not in comparing:
        comparing.append("got a BOM quote")
    if len(seen.parts) >= 2:
        comparing.append(f"asked about {len(seen.parts)} parts")
    if seen.words_comparing:
        comparing.append(f"asked “{seen.words_comparing[-1]}”")
    if comparing:
        return COMPARING, comparing
    return BROWSING, []


def _quote_value_cny(quote: Mapping[str, Any], usd_rate: Decimal) -> Decimal | None:
    if not quote:
        return None
    try:
        total = Decimal(str(quote.get("total")))
    except InvalidOperation:
        return None
    if not total.is_finite():
        return None
    currency = str(quote.get("currency") or "CNY").upper()
    if currency == "CNY":
        return total
    if currency == "USD":
        return (total * usd_rate).quantize(Decimal("0.01"))
    return None


def _band(value: Decimal | None) -> str:
    if value is None:
        return "unknown"
    for limit, name in VALUE_BANDS:
        if value < limit:
            return name
    return "100k+"


def _language_of_texts(texts: list[str]) -> str:
    if not texts:
        return ""
    return "zh" if any(re.search(r"[\u4e00-\u9fff]", t) for t in texts) else "en"


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def _iso(stamp: float | None) -> str | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="seconds")
