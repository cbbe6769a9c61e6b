"""What the console shows and exports: escaped buyer text, harmless search parameters, defused CSV cells, the
lead pipeline with retry, transcripts (search, outcomes, turns, story export), quotes, analytics, zh / en."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
import yaml
from aiohttp.test_utils import TestClient

from bot.console.analytics import build_report
from bot.console.data import ConsoleData, csv_safe
from bot.console.store import ConsoleStore
from bot.console.transcripts import Facts, TrackerReader, summarize, turns
from bot.outbox import Outbox
from bot.settings import ROOT
from knowledge.db import Database
from tests.unit.console_harness import FAST_KDF, XSS, XSS_IMG, World, build_world, login


@pytest.fixture
def world(tmp_path: Path, app_db: Database) -> World:
    return build_world(tmp_path, app_db)


def _escaped(text: str) -> str:
    """How jinja2's autoescape writes `text`."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


# -- XSS ---------------------------------------------------------------------------------------------------------


def test_buyer_text_file_names_and_errors_render_inert(world: World) -> None:
    pages = [
        "/console/",
        "/console/leads",
        f"/console/leads/{world.leads['buyer-a']}",
        f"/console/leads/{world.leads['buyer-b']}",
        "/console/outbox",
        "/console/transcripts",
        "/console/transcripts?q=" + XSS,
        "/console/transcript?sender=buyer-x",
        "/console/quotes",
        "/console/quotes?q=" + XSS_IMG,
        f"/console/quotes/{world.quotes['buyer-a']}",
        "/console/demand",
        "/console/demand?q=" + XSS,
        "/console/analytics",
        "/console/audit",
        "/console/users",
    ]

    async def body(client: TestClient) -> dict[str, int]:
        client.session.cookie_jar.clear()
        page = await client.get("/console/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', await page.text())
        assert token
        await client.post("/console/login", data={"username": XSS, "password": "x", "csrf_token": token.group(1)})
        await login(client, "admin")
        hits: dict[str, int] = {}
        for path in pages:
            response = await client.get(path)
            text = await response.text()
            assert response.status == 200, path
            lowered = text.lower()
            assert "<script" not in lowered and "<img src=x" not in lowered and "onerror=alert(1)>" not in lowered, path
            hits[path] = text.count(_escaped(XSS)) + text.count(_escaped(XSS_IMG))
        return hits

    hits = world.run(body)
    # the payloads are there, shown as text: in the lead's company, the dead job's error, the buyer's message and
    # buttons, the quote's file name, the demand text, the top products, the audit's attempted user name
    for path in (
        f"/console/leads/{world.leads['buyer-a']}",
        "/console/outbox",
        "/console/transcript?sender=buyer-x",
        "/console/quotes",
        f"/console/quotes/{world.quotes['buyer-a']}",
        "/console/demand",
        "/console/analytics",
        "/console/audit",
    ):
        assert hits[path] >= 1, path
    assert hits["/console/transcript?sender=buyer-x"] >= 4  # message, entity, reply, button


def test_charts_are_svg_with_buyer_text_as_escaped_text(world: World) -> None:
    async def body(client: TestClient) -> dict[str, bytes]:
        await login(client, "admin")
        charts = {}
        for name in ("funnel", "weekly", "channels", "products", "fallback"):
            response = await client.get(f"/console/analytics/{name}.svg")
            assert response.status == 200 and response.content_type == "image/svg+xml"
            assert "script-src" not in response.headers["Content-Security-Policy"]
            charts[name] = await response.read()
        assert (await client.get("/console/analytics/nosuch.svg")).status == 404
        return charts

    charts = world.run(body)
    for name, svg in charts.items():
        root = ElementTree.fromstring(svg)  # well-formed XML
        assert not [e for e in root.iter() if e.tag.endswith("script") or e.tag.endswith("foreignObject")], name
        assert not any(a.startswith("on") for e in root.iter() for a in e.attrib), name
    texts = " ".join(t for e in ElementTree.fromstring(charts["products"]).iter() for t in [e.text or ""])
    assert XSS in texts and "0603" in texts  # the part the XSS buyer "asked" is a label, as text


# -- SQL injection ---------------------------------------------------------------------------------------------------

SQLI = [
    "' OR '1'='1",
    "%' OR 1=1 --",
    "buyer-b' --",
    "'; DROP TABLE leads; --",
    '" OR ""="',
    "%",
    "_",
    "!%",
    "1) UNION SELECT sender_id, data FROM events --",
    "\\",
]


def test_injection_in_search_and_filters_is_just_text(world: World) -> None:
    async def body(client: TestClient) -> None:
        await login(client, "rep_a")
        for payload in SQLI:
            for path, params in (
                ("/console/leads", {"q": payload, "stage": payload, "target": payload}),
                ("/console/transcripts", {"q": payload, "channel": payload, "language": payload, "outcome": payload,
                                          "from": payload, "to": payload, "page": payload}),
                ("/console/quotes", {"q": payload}),
                ("/console/outbox", {"state": payload}),
            ):  # fmt: skip
                response = await client.get(path, params=params)
                text = await response.text()
                assert response.status == 200, (path, payload)
                for secret in ("East Bearings", "sender=buyer-b", "sender=buyer-c", world.leads["buyer-b"]):
                    assert secret not in text.replace(payload, ""), (path, payload, secret)
            for query in ({"sender": payload}, {"sender": "buyer-b' OR '1'='1"}):
                assert (await client.get("/console/transcript", params=query)).status == 404
        await login(client, "admin")
        for payload in SQLI:
            for path, params in (
                ("/console/leads", {"q": payload}),
                ("/console/transcripts", {"q": payload}),
                ("/console/quotes", {"q": payload}),
                ("/console/demand", {"q": payload, "kind": payload, "by": payload}),
                ("/console/demand.csv", {"q": payload, "kind": payload}),
                ("/console/audit", {"user": payload, "action": payload}),
            ):
                response = await client.get(path, params=params)
                assert response.status == 200, (path, payload)
        # wildcards are literal: "%%" and "__" match only text that contains them (none does)
        for path in ("/console/leads", "/console/quotes", "/console/transcripts"):
            for wildcard in ("%%", "__"):
                text = await (await client.get(path, params={"q": wildcard})).text()
                assert not re.search(r'href="/console/(leads/L-|quotes/Q-|transcript\?)', text), (path, wildcard)

    world.run(body)
    with world.database.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM leads").fetchone() == (2,)
        assert db.execute("SELECT COUNT(*) FROM console_users").fetchone() == (4,)
    with closing(sqlite3.connect(world.tracker)) as db:
        assert db.execute("SELECT COUNT(DISTINCT sender_id) FROM events").fetchone() == (4,)


# -- CSV exports -------------------------------------------------------------------------------------------------


def test_demand_csv_defuses_formula_cells(world: World) -> None:
    async def body(client: TestClient) -> tuple[str, str]:
        await login(client, "admin")
        response = await client.get("/console/demand.csv")
        assert response.headers["Content-Disposition"] == 'attachment; filename="unmet-demand.csv"'
        quote = await client.get(f"/console/quotes/{world.quotes['buyer-a']}/r1.csv")
        return (await response.read()).decode("utf-8-sig"), (await quote.read()).decode("utf-8-sig")

    demand, quote = world.run(body)
    rows = list(csv.reader(io.StringIO(demand)))
    assert rows[0][0] == "零件/需求" and len(rows) == 1 + 4  # XYZ-123 and xyz123 are one part
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.lstrip(" ")[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=cmd|' /C calc'!A0" in cells and "'+ACME-9" in cells
    assert any(c.startswith("'@SUM(1+1)") for c in cells)
    xyz = next(row for row in rows if row[0] in ("XYZ-123", "xyz123"))
    assert xyz[2:4] == ["2", "2"] and "voltage 2" in xyz[5]
    assert "'=HYPERLINK" in quote and ",=HYPERLINK" not in quote  # the quote re-download too (bot.quote_export)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-2", "'-2"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("  =x", "'  =x"),
     ("10k", "10k"), ("电阻", "电阻"), ("", "")],
)  # fmt: skip
def test_csv_safe(value: str, expected: str) -> None:
    assert csv_safe(value) == expected


# -- leads --------------------------------------------------------------------------------------------------------


def test_pipeline_stages_follow_delivery_and_the_reps_updates(world: World) -> None:
    async def body(client: TestClient) -> None:
        csrf = await login(client, "rep_b")
        page = await client.get(f"/console/leads/{world.leads['buyer-b']}")
        text = await page.text()
        assert "新线索" in text and "死信" in text and "HTTP 500" in text and "重新投递" in text
        assert "ready to buy: asked to talk to sales" in text and ">30<" in text  # score signals
        retry = await client.post(
            f"/console/outbox/{world.jobs['buyer-b']}/retry",
            data={"csrf_token": csrf, "next": f"/console/leads/{world.leads['buyer-b']}"},
            allow_redirects=False,
        )
        assert retry.status == 303 and retry.headers["Location"] == f"/console/leads/{world.leads['buyer-b']}"
        again = await client.post(
            f"/console/outbox/{world.jobs['buyer-b']}/retry", data={"csrf_token": csrf}, allow_redirects=False
        )
        assert again.status == 409  # pending now, only dead jobs are retried
        csrf = await login(client, "rep_a")
        pipeline = await (await client.get("/console/leads", params={"stage": "delivered"})).text()
        assert world.leads["buyer-a"] in pipeline
        for status in ("acknowledged", "won"):
            response = await client.post(
                f"/console/leads/{world.leads['buyer-a']}/status",
                data={"csrf_token": csrf, "status": status},
                allow_redirects=False,
            )
            assert response.status == 303
        bad = await client.post(
            f"/console/leads/{world.leads['buyer-a']}/status", data={"csrf_token": csrf, "status": "delivered"}
        )
        assert bad.status == 400
        pipeline = await (await client.get("/console/leads", params={"stage": "won"})).text()
        assert world.leads["buyer-a"] in pipeline

    world.run(body)
    assert Outbox(world.database).get(world.jobs["buyer-b"]).state == "pending"
    stages = {lead.sender_id: lead.stage for lead in ConsoleData(world.database).leads(None)}
    assert stages == {"buyer-a": "won", "buyer-b": "new"}
    actions = [r["action"] for r in ConsoleStore(world.database, kdf=FAST_KDF).audit_rows(limit=1000)]
    assert actions.count("lead_status") == 3 and actions.count("retry") == 2


# -- transcripts --------------------------------------------------------------------------------------------------


def _senders(html: str) -> list[str]:
    return sorted(set(re.findall(r'href="/console/transcript\?sender=([^"]+)"', html)))


def test_transcript_search_and_filters(world: World) -> None:
    async def body(client: TestClient) -> dict[str, list[str]]:
        await login(client, "admin")
        found = {}
        for label, params in {
            "all": {},
            "zh": {"q": "电阻"},
            "zh in a reply": {"q": "已转给销售"},
            "en any case": {"q": "BORE OF"},
            "zh with markup": {"q": "内径"},
            "sender id": {"q": "buyer-c"},
            "quoted": {"outcome": "quoted"},
            "lead": {"outcome": "lead"},
            "unmet": {"outcome": "unmet"},
            "answered": {"outcome": "answered"},
            "rest": {"channel": "rest"},
            "en": {"language": "en"},
            "from": {"from": "2026-12-08"},
            "to": {"to": "2026-11-30"},
            "nothing": {"q": "no such words anywhere"},
        }.items():
            found[label] = _senders(await (await client.get("/console/transcripts", params=params)).text())
        return found

    found = world.run(body)
    assert found == {
        "all": ["buyer-a", "buyer-b", "buyer-c", "buyer-x"],
        "zh": ["buyer-a"],
        "zh in a reply": ["buyer-a"],
        "en any case": ["buyer-b"],
        "zh with markup": ["buyer-x"],
        "sender id": ["buyer-c"],
        "quoted": ["buyer-a", "buyer-b", "buyer-c"],  # a and b have stored quotes, c was shown one
        "lead": ["buyer-a", "buyer-b"],
        "unmet": ["buyer-b", "buyer-c", "buyer-x"],  # b: an unknown attribute; c: a fallback; x: a failed search
        "answered": ["buyer-a", "buyer-b"],
        "rest": ["buyer-b"],
        "en": ["buyer-b", "buyer-c"],  # c has no language slot: its words are English
        "from": ["buyer-c", "buyer-x"],
        "to": ["buyer-a"],
        "nothing": [],
    }


def test_a_transcript_shows_every_turn_with_intent_actions_slots_and_replies(world: World) -> None:
    async def body(client: TestClient) -> str:
        await login(client, "rep_a")
        response = await client.get("/console/transcript", params={"sender": "buyer-a"})
        assert response.status == 200
        return await response.text()

    html = world.run(body)
    assert html.count("<h3>轮 ") == 3 and html.count("首条消息之前") == 1  # three messages, the session start
    for fragment in (
        "0603 10k 电阻 有货吗?",
        "search_product</b> (0.91)",
        "action_search_product",
        "language = zh",
        "0603WAF1002T5E 电阻",  # the product card the buyer saw
        "lead_form",
        "lead_contact = 13812345678",
        "已转给销售",
        world.leads["buyer-a"],
        "socketio",
    ):
        assert fragment in html, fragment


def test_marking_a_turn_wrong_feeds_the_exported_test_story(world: World) -> None:
    event = world.events["buyer-a"][0]

    async def body(client: TestClient) -> str:
        csrf = await login(client, "rep_a")
        bad = await client.post(
            "/console/transcript/wrong",
            data={"csrf_token": csrf, "sender": "buyer-a", "event_id": str(world.events["buyer-b"][0]),
                  "correct_intent": "greet"},
        )  # fmt: skip
        assert bad.status == 400  # B's event id inside A's conversation
        bad = await client.post(
            "/console/transcript/wrong",
            data={"csrf_token": csrf, "sender": "buyer-a", "event_id": str(event), "correct_intent": "x y"},
        )
        assert bad.status == 400
        marked = await client.post(
            "/console/transcript/wrong",
            data={"csrf_token": csrf, "sender": "buyer-a", "event_id": str(event), "correct_intent": "ask_spec",
                  "note": "asked for stock\n- user: injected"},
            allow_redirects=False,
        )  # fmt: skip
        assert marked.status == 303 and marked.headers["Location"].endswith(f"#turn-{event}")
        page = await (await client.get("/console/transcript", params={"sender": "buyer-a"})).text()
        assert "已标记为错误" in page and "ask_spec" in page
        story = await client.get("/console/transcript/story.yml", params={"sender": "buyer-a"})
        assert story.headers["Content-Disposition"] == 'attachment; filename="test_console_buyer-a.yml"'
        return await story.text()

    text = world.run(body)
    assert "13812345678" not in text and "<lead_contact>" in text and "  - intent: inform\n" in text
    (marked,) = yaml.safe_load(text)["stories"][0]["metadata"]["corrections"]  # data, never a comment line
    assert marked["corrected_to"] == "ask_spec" and marked["by"] == "rep_a"
    assert marked["note"] == "asked for stock\n- user: injected"
    path = world.tmp / "test_console_buyer-a.yml"
    path.write_text(text, encoding="utf-8")
    steps = _read_story(path)
    user_steps = [
        (type(e).__name__, getattr(e, "intent_name", None)) for e in steps if type(e).__name__ == "UserUttered"
    ]
    assert user_steps == [("UserUttered", "ask_spec"), ("UserUttered", "request_sales"), ("UserUttered", "inform")]
    actions = [e.action_name for e in steps if type(e).__name__ == "ActionExecuted"]
    assert actions == ["action_search_product", "lead_form", "action_submit_lead"]
    first = next(e for e in steps if type(e).__name__ == "UserUttered")
    assert [(x["entity"], x["value"]) for x in first.entities] == [("part_number", "0603")]


def _read_story(path: Path) -> list[Any]:
    """The events of the exported story as Rasa's own reader parses a test story file."""
    import warnings

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    assert YAMLStoryReader.is_test_stories_file(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "intent 'inform' is not in the domain": the fixture's own intent
        story_steps = YAMLStoryReader(Domain.load(str(ROOT / "domain.yml"))).read_from_file(str(path))
    assert len(story_steps) == 1
    return list(story_steps[0].events)


# -- quotes ---------------------------------------------------------------------------------------------------------


def test_a_quote_opens_with_its_lines_and_downloads_in_every_format(world: World) -> None:
    quote_id = world.quotes["buyer-b"]

    async def body(client: TestClient) -> dict[str, bytes]:
        await login(client, "rep_b")
        page = await (await client.get(f"/console/quotes/{quote_id}")).text()
        for fragment in ("0603WAF1002T5E", "UNI-ROYAL", "R1 R2", "0.012345", "bearings-b.xlsx", "CNY", "r1"):
            assert fragment in page, fragment
        assert (await client.get(f"/console/quotes/{quote_id}?rev=2")).status == 404
        files = {}
        for fmt in ("xlsx", "pdf", "csv"):
            response = await client.get(f"/console/quotes/{quote_id}/r1.{fmt}", params={"lang": "en"})
            assert response.status == 200
            assert response.headers["Content-Disposition"] == f'attachment; filename="{quote_id}-r1.{fmt}"'
            files[fmt] = await response.read()
        return files

    files = world.run(body)
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    values = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert quote_id in " ".join(values) and "0603WAF1002T5E" in values
    assert files["pdf"].startswith(b"%PDF") and b"0603WAF1002T5E" in files["csv"]


# -- analytics ------------------------------------------------------------------------------------------------------


def test_the_funnel_and_rates_from_the_seeded_conversations(world: World) -> None:
    data = ConsoleData(world.database)
    reader = TrackerReader.sqlite(world.tracker)
    conversations = reader.conversations((s, m) for s, m, _, _ in reader.index())
    facts = Facts(
        frozenset(data.lead_senders(None)),
        frozenset(data.quote_senders()),
        frozenset(data.demand_senders()),
        frozenset(data.delivered_senders()),
    )
    report = build_report(conversations, facts)
    assert report.funnel == [("conversations", 4), ("answered", 2), ("quoted", 3), ("lead", 2), ("delivered", 1)]
    assert (report.fallback_turns, report.user_turns) == (1, 8)
    assert dict(report.by_channel) == {"socketio": 2, "rest": 1, "wecom": 1}
    assert list(report.by_week) == ["2026-W48", "2026-W49", "2026-W50", "2026-W51"]
    assert report.fallback_by_week["2026-W50"] == (1, 2)
    assert dict(report.top_products) == {"0603": 1, "6205-2RS": 1, XSS: 1}


def test_summaries_are_cached_until_a_new_event_arrives(world: World) -> None:
    reader = TrackerReader.sqlite(world.tracker)
    first = {c.sender_id: c for c in reader.conversations((s, m) for s, m, _, _ in reader.index())}
    assert first["buyer-b"].user_turns == 2 and first["buyer-b"].language == "en"
    with closing(sqlite3.connect(world.tracker)) as db:
        db.execute(
            "INSERT INTO events VALUES (1000, 'buyer-b', 'user', 1.0, 'greet', NULL, ?)",
            ('{"event": "user", "text": "hi again", "timestamp": 2e9, "parse_data": {"intent": {"name": "greet"}}}',),
        )
        db.commit()
    again = {c.sender_id: c for c in reader.conversations((s, m) for s, m, _, _ in reader.index())}
    assert again["buyer-b"].user_turns == 3 and again["buyer-a"] is first["buyer-a"]
    assert summarize("nobody", []).user_turns == 0
    assert TrackerReader.sqlite(world.tmp / "missing.db").index() == []  # no tracker store yet: no conversations


# -- languages ------------------------------------------------------------------------------------------------------


def test_every_page_renders_in_both_languages_for_every_role(world: World) -> None:
    pages = {
        "admin": ["/console/", "/console/leads", f"/console/leads/{world.leads['buyer-b']}", "/console/outbox",
                  "/console/transcripts", "/console/transcript?sender=buyer-c", "/console/quotes",
                  f"/console/quotes/{world.quotes['buyer-c']}", "/console/demand", "/console/demand?by=category",
                  "/console/analytics", "/console/users", "/console/audit"],
        "rep_a": ["/console/", "/console/leads", "/console/transcripts", "/console/quotes", "/console/outbox"],
        "viewer": ["/console/", "/console/analytics", "/console/demand"],
    }  # fmt: skip

    async def body(client: TestClient) -> None:
        for user, paths in pages.items():
            await login(client, user)
            for accept, word in (("en-US,en;q=0.9", "Leads"), ("zh-CN,zh;q=0.9,en;q=0.8", "线索")):
                for path in paths:
                    response = await client.get(path, headers={"Accept-Language": accept})
                    assert response.status == 200, (user, path, accept)
                    assert f">{word}</a>" in await response.text(), (user, path, accept)
        toggle = await client.get("/console/lang/en", params={"next": "/console/quotes"}, allow_redirects=False)
        assert toggle.status == 303 and toggle.headers["Location"] == "/console/quotes"
        assert "SameSite=Strict" in toggle.headers["Set-Cookie"]
        page = await client.get("/console/quotes", headers={"Accept-Language": "zh-CN"})
        assert ">Quotes</a>" in await page.text()  # the toggle wins over the browser
        away = await client.get("/console/lang/zh", params={"next": "https://evil.example/"}, allow_redirects=False)
        assert away.headers["Location"] == "/console/"

    world.run(body)


def test_a_fallback_counts_outside_a_form_only() -> None:
    def user(intent: str, stamp: float) -> dict[str, Any]:
        return {"event": "user", "timestamp": stamp, "text": "嗯嗯", "parse_data": {"intent": {"name": intent}}}

    in_form = [
        {"event": "active_loop", "name": "lead_form", "timestamp": 1.0},
        user("nlu_fallback", 2.0),  # an answer to the form: the form takes it
        {"event": "active_loop", "name": None, "timestamp": 3.0},
        user("nlu_fallback", 4.0),  # not understood
        user("greet", 5.0),
        {"event": "action", "name": "action_default_fallback", "timestamp": 6.0},  # the policy gave up
    ]
    summary = summarize("s", in_form)
    assert (summary.user_turns, summary.fallback_turns, summary.lead_form) == (3, 2, True)
    assert [t.fallback for t in turns(in_form) if t.event_id is not None] == [False, True, True]


def test_quote_search_does_not_match_the_download_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token is random url-safe text ("_" included) kept in the quote body; searching "__" must not find it."""
    import bot.quotes

    monkeypatch.setattr(bot.quotes.secrets, "token_urlsafe", lambda n=16: "tok__en%%" + "x" * n)
    world = build_world(tmp_path)

    async def body(client: TestClient) -> None:
        await login(client, "admin")
        for wildcard in ("__", "%%", "en%%xxxx"):
            text = await (await client.get("/console/quotes", params={"q": wildcard})).text()
            assert not re.search(r'href="/console/quotes/Q-', text), wildcard
        text = await (await client.get("/console/quotes")).text()
        assert re.search(r'href="/console/quotes/Q-', text)  # control: the quotes are there

    world.run(body)
