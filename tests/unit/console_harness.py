"""A seeded world for the console tests: leads, deliveries, quotes and unmet demand written through the bot's
own stores into a temp SQLite file, a tracker store with Rasa's `events` schema, console accounts (with a cheap
scrypt cost so logins take milliseconds), and the console mounted at /console of an aiohttp app on a test server.

Two distributors share the world: huanan-electronics (rep_a, buyer-a) and huadong-mechanical (rep_b, buyer-b);
buyer-c has no lead (a quote and an unmet ask), buyer-x typed XSS payloads. Every object of A has a twin of B.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.console.app import ConsoleConfig, mount_console
from bot.console.passwords import KdfParams
from bot.console.store import BRAND_ADMIN, DISTRIBUTOR_REP, VIEWER, ConsoleStore
from bot.demand import DemandLog
from bot.leads import LeadStore
from bot.outbox import Outbox, make_job_key
from bot.quotes import QuoteStore
from bot.settings import ROOT, Settings
from knowledge.db import Database

FAST_KDF = KdfParams(n=2**10, r=8, p=1)
PASSWORD = "correct horse battery"
ROUTING = ROOT / "config" / "routing.yml"
XSS = "<script>alert('xss')</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc).timestamp()  # Monday of ISO week 2026-W48
USERS = {
    "admin": (BRAND_ADMIN, None),
    "rep_a": (DISTRIBUTOR_REP, "huanan-electronics"),
    "rep_b": (DISTRIBUTOR_REP, "huadong-mechanical"),
    "viewer": (VIEWER, None),
}
T = TypeVar("T")


@dataclass
class World:
    tmp: Path
    database: Database  # SQLite or PostgreSQL (tests/databases.py)
    tracker: Path
    settings: Settings
    leads: dict[str, str] = field(default_factory=dict)  # buyer → lead id
    jobs: dict[str, int] = field(default_factory=dict)  # buyer → delivery job id
    quotes: dict[str, str] = field(default_factory=dict)  # buyer → quote id
    events: dict[str, list[int]] = field(default_factory=dict)  # buyer → user event ids

    def config(self, **overrides: Any) -> ConsoleConfig:
        values: dict[str, Any] = {
            "database": self.database,
            "tracker_url": f"sqlite:///{self.tracker}",
            "routing_file": ROUTING,
            "admin_password": PASSWORD,
            "kdf": FAST_KDF,
            "domain_file": ROOT / "domain.yml",
        }
        values.update(overrides)
        return ConsoleConfig(**values)

    def app(self, parent: web.Application | None = None, **overrides: Any) -> web.Application:
        parent = parent if parent is not None else web.Application()
        mount_console(parent, self.settings, config=self.config(**overrides))
        return parent

    def run(self, body: Callable[[TestClient], Awaitable[T]], *, parent: web.Application | None = None) -> T:
        """Start the app on a loopback test server, run `body(client)`, stop."""

        async def go() -> T:
            async with TestClient(TestServer(self.app(parent))) as client:
                return await body(client)

        return asyncio.run(go())


def build_world(tmp: Path, database: Database | None = None) -> World:
    database = database or Database(tmp / "brandstation.sqlite")
    tracker = tmp / "tracker.db"
    if database.path is not None:
        settings = Settings(var_dir=tmp, database=database.path, routing_file=ROUTING)
    else:
        settings = Settings(var_dir=tmp, database_url=database.url, routing_file=ROUTING)
    world = World(tmp, database, tracker, settings)
    store = ConsoleStore(database, kdf=FAST_KDF)
    store.ensure_first_admin(PASSWORD)  # "admin", as on first start
    for name, (role, target) in USERS.items():
        if name != "admin":
            store.create_user(name, PASSWORD, role, target=target)
    _tracker(world)
    _leads(world)
    _quotes(world)
    _demand(world)
    return world


# -- tracker store --------------------------------------------------------------------------------------------


def _tracker(world: World) -> None:
    with closing(sqlite3.connect(world.tracker)) as db:
        # The columns of rasa.core.tracker_store.SQLTrackerStore.SQLEvent (Rasa 3.6).
        db.execute(
            "CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255)"
            " NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT,"
            " PRIMARY KEY (id))"
        )
        db.execute("CREATE INDEX ix_events_sender_id ON events (sender_id)")
        conversations: dict[str, list[tuple[str, Any]]] = {
            "buyer-a": [
                ("session", None),
                (
                    "user",
                    ("0603 10k 电阻 有货吗?", "search_product", 0.91, "socketio", [("part_number", "0603", 0, 4)]),
                ),
                ("slot", ("language", "zh")),
                ("action", "action_search_product"),
                ("bot", {"text": "为您找到这些产品:", "card": {"title": "0603WAF1002T5E 电阻", "sku": "C25804"}}),
                ("user", ("我要询价 转人工", "request_sales", 0.88, "socketio", [])),
                ("action", "lead_form"),
                ("loop", "lead_form"),
                ("user", ("13812345678", "inform", 0.7, "socketio", [])),
                ("slot", ("lead_contact", "13812345678")),
                ("loop", None),
                ("action", "action_submit_lead"),
                ("bot", {"text": "已转给销售"}),
            ],
            "buyer-b": [
                ("session", None),
                (
                    "user",
                    ("what is the bore of 6205-2RS?", "ask_spec", 0.97, "rest", [("part_number", "6205-2RS", 19, 27)]),
                ),
                ("slot", ("language", "en")),
                ("action", "action_answer_spec"),
                (
                    "bot",
                    {
                        "text": "The bore d of 6205-2RS is 25 mm.",
                        "card": {"title": "6205-2RS bearing", "sku": "ISO15-6205-2RS"},
                    },
                ),
                ("user", ("talk to sales", "request_sales", 0.95, "rest", [])),
                ("action", "action_submit_lead"),
            ],
            "buyer-c": [
                ("session", None),
                ("user", ("quote my BOM", "upload_bom", 0.99, "socketio", [])),
                ("action", "action_quote_bom"),
                ("bot", {"text": "报价完成", "quote": {"quote_id": "Q-20261124-0003", "revision": 1, "total": "0.02"}}),
                ("user", ("asdf qwer", "nlu_fallback", 0.31, "socketio", [])),
                ("action", "action_default_fallback"),
                ("bot", {"text": "抱歉,我没听懂。"}),
            ],
            "buyer-x": [
                ("user", (XSS + " 内径 " + XSS_IMG, "ask_spec", 0.5, "wecom", [("part_number", XSS, 0, len(XSS))])),
                ("action", "action_answer_spec"),
                ("bot", {"text": "no product " + XSS, "buttons": [{"title": XSS_IMG, "payload": "/ask_spec"}]}),
            ],
        }
        row_id = 0
        for index, (sender, steps) in enumerate(conversations.items()):
            stamp = T0 + index * 86400 * 8  # buyer-a, -b, -c, -x in different ISO weeks
            for kind, value in steps:
                row_id += 1
                stamp += 1.5
                event, intent, action = _event(kind, value, stamp)
                if kind == "user":
                    world.events.setdefault(sender, []).append(row_id)
                db.execute(
                    "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row_id, sender, event["event"], stamp, intent, action, json.dumps(event)),
                )
        db.commit()


def _event(kind: str, value: Any, stamp: float) -> tuple[dict[str, Any], str | None, str | None]:
    meta = {"model_id": "test", "assistant_id": "brandstation-buyer-assistant"}
    if kind == "session":
        return {"event": "session_started", "timestamp": stamp, "metadata": meta}, None, None
    if kind == "user":
        text, intent, confidence, channel, entities = value
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": [
                {"entity": e, "value": v, "start": s, "end": end, "confidence": 1.0, "extractor": "PartEntityExtractor"}
                for e, v, s, end in entities
            ],
            "text": text,
            "intent_ranking": [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.01}],
        }
        event = {"event": "user", "timestamp": stamp, "metadata": meta, "text": text, "parse_data": parse}
        event["input_channel"] = channel
        return event, intent, None
    if kind == "action":
        policy = "RulePolicy"
        return {"event": "action", "timestamp": stamp, "name": value, "policy": policy, "confidence": 1.0}, None, value
    if kind == "slot":
        name, slot_value = value
        return {"event": "slot", "timestamp": stamp, "name": name, "value": slot_value}, None, name
    if kind == "loop":
        return {"event": "active_loop", "timestamp": stamp, "name": value}, None, value
    custom: dict[str, Any] = {}
    if "card" in value:
        custom["card"] = value["card"]
    if "quote" in value:
        custom["quote"] = value["quote"]
    data = {"elements": None, "buttons": value.get("buttons"), "custom": {"data": custom} if custom else None}
    return {"event": "bot", "timestamp": stamp, "text": value["text"], "data": data}, None, None


# -- leads and their deliveries ---------------------------------------------------------------------------------


def _leads(world: World) -> None:
    leads, outbox = LeadStore(world.database), Outbox(world.database, clock=lambda: T0)
    plan = [
        ("buyer-a", "huanan-electronics", "L-20261123-0001", "华南 " + XSS + " 电子厂", 72),
        ("buyer-b", "huadong-mechanical", "L-20261123-0002", "East Bearings Ltd", 55),
    ]
    for sender, target, lead_id, company, score in plan:
        lead = {
            "lead_id": lead_id,
            "created_at": datetime.fromtimestamp(T0, timezone.utc).isoformat(timespec="seconds"),
            "sender_id": sender,
            "contact": {"name": "王工", "company": company, "phone": "+8613812345678", "email": ""},
            "region": {"province": "广东", "city": "深圳", "country": "CN", "text": "广东深圳"},
            "volume": {"text": "每月 5000 片", "quantity": 5000, "value_cny": None},
            "timing": "下个月",
            "interest": {"categories": ["Resistors"], "parts_asked": ["0603"], "quote_id": None},
            "summary": f"summary of {sender}",
            "tags": {"categories": ["Resistors"], "intent_strength": "ready_to_buy"},
            "score": score,
            "score_signals": [["ready to buy: asked to talk to sales", 30], ["asked for a quote", score - 30]],
            "route": {"target": target, "rule": "match", "explanation": [f"→ {target} by rule match"]},
        }
        with outbox.transaction() as db:
            leads.save(db, lead, target=target, rule="match")
            job_id = outbox.enqueue(
                db, job_key=make_job_key("lead", lead_id, target), target=target, kind="lead", payload=lead
            )
        world.leads[sender], world.jobs[sender] = lead_id, job_id
    # A's lead is delivered; B's failed every attempt (a dead letter), recorded the way the worker does.
    for claim in outbox.claim(limit=10, lease_s=30, max_attempts=1, now=T0 + 5):
        if claim.job.target == "huanan-electronics":
            outbox.mark_delivered(claim, status=200, now=T0 + 6)
        else:
            outbox.mark_failed(claim, error="HTTP 500: " + XSS, status=500, retry_at=None, now=T0 + 6)


# -- quotes and demand -------------------------------------------------------------------------------------------


def _quote(file: str, note: str) -> dict[str, Any]:
    line = {
        "line": 2,
        "sheet": "",
        "designators": ["R1", "R2"],
        "qty_per_board": 2,
        "qty": 2,
        "input": {
            "mpn": "",
            "manufacturer": "",
            "value": "10k",
            "package": "0603",
            "description": note,
            "supplier_code": "",
        },
        "status": "exact",
        "confidence": 0.95,
        "sku": "C25804",
        "mpn": "0603WAF1002T5E",
        "manufacturer": "UNI-ROYAL",
        "description": "10kΩ ±1% 100mW 0603",
        "package": "0603",
        "unit_price": "0.012345",
        "price_break": 1,
        "order_qty": 2,
        "ext_price": "0.02",
        "stock": 1000,
        "lead_time_days": 3,
        "price_source": "synthetic demo price",
        "candidates": [],
        "note": note,
    }
    return {
        "quote_id": "",
        "revision": 1,
        "currency": "CNY",
        "created": "2026-11-24",
        "valid_until": "2026-12-01",
        "boards": 1,
        "buyer": "",
        "file": file,
        "tax_rate": "0.13",
        "lines": [line],
        "dnp": [],
        "problems": [],
        "subtotal": "0.02",
        "tax": "0.00",
        "total": "0.02",
        "warnings": [],
        "summary": {"lines": 1},
    }


def _quotes(world: World) -> None:
    store = QuoteStore(world.database)
    for sender, file, note in (
        ("buyer-a", XSS_IMG + ".csv", '=HYPERLINK("http://evil")'),
        ("buyer-b", "bearings-b.xlsx", "b's secret note"),
        ("buyer-c", "keyboard.csv", "c's note"),
    ):
        saved = store.save(_quote(file, note), sender, today=date(2026, 11, 24))
        world.quotes[sender] = saved["quote_id"]


def _demand(world: World) -> None:
    log = DemandLog(world.database)
    log.record("spec_not_found", "=cmd|' /C calc'!A0 内径多少", part_text="=cmd|' /C calc'!A0", sender_id="buyer-c")
    log.record("spec_not_found", "XYZ-123 的耐压是多少", part_text="XYZ-123", attribute="voltage", sender_id="buyer-c")
    log.record(
        "attribute_unknown", "xyz 123 rated voltage?", part_text="xyz123", attribute="voltage", sender_id="buyer-b"
    )
    log.record("search_empty", "@SUM(1+1) 找一个 " + XSS, sender_id="buyer-x")
    log.record("bom_not_found", "keyboard.csv line 7: +ACME-9 10uF", part_text="+ACME-9", sender_id="buyer-c")


# -- logging in -------------------------------------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


async def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in as `username` (cookies of any earlier user are dropped); returns the session's CSRF token."""
    client.session.cookie_jar.clear()
    page = await client.get("/console/login")
    response = await client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(await page.text())},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()
    home = await client.get("/console/")
    assert home.status == 200
    return csrf_of(await home.text())
