"""Who may open what: every console route without a session, every role against every route, and distributor A
guessing the ids of distributor B's leads, deliveries, conversations and quotes (and the other way round)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.console.app import _PUBLIC, _ROLES
from bot.console.store import ConsoleStore
from bot.outbox import Outbox
from tests.databases import ENGINES, app_database
from tests.unit.console_harness import FAST_KDF, World, build_world, login


@pytest.fixture(scope="module", params=ENGINES)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Shared by the read-only tests of this module (writes that must not happen are checked afterwards); the
    bot's tables on SQLite and on PostgreSQL."""
    tmp = tmp_path_factory.mktemp("console")
    with app_database(request.param, tmp) as database:
        yield build_world(tmp, database)


def _console_routes(world: World) -> list[tuple[str, str, str]]:
    """(name, method, path with sample ids) of every console route, read from the app's router."""
    samples = {
        "lead_id": world.leads["buyer-b"],
        "job_id": str(world.jobs["buyer-b"]),
        "quote_id": world.quotes["buyer-b"],
        "revision": "1",
        "fmt": "csv",
        "chart": "funnel",
        "lang": "en",
        "user_id": "2",
        "filename": "console.css",
    }
    found = []
    app = world.app(web.Application())
    for route in app.router.routes():
        name = route.name or ""
        if not name.startswith("console.") or route.method == "HEAD":
            continue
        info = route.resource.get_info() if route.resource else {}
        if "prefix" in info:  # the static directory
            path = info["prefix"] + "/console.css"
        else:
            path = info.get("path") or re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: samples[m.group(1)], info["formatter"])
        found.append((name.removeprefix("console."), route.method, path))
    return found


def test_every_route_has_an_access_rule(world: World) -> None:
    names = {name for name, _, _ in _console_routes(world)}
    assert len(names) >= 25
    assert names == set(_ROLES) | _PUBLIC  # a new route without a rule would be refused, but say so here too


def test_every_route_without_a_session_redirects_to_login_or_answers_401(world: World) -> None:
    routes = _console_routes(world)

    async def body(client: TestClient) -> None:
        for name, method, path in routes:
            query = {"sender": "buyer-b"} if name in ("transcript", "story") else {}
            response = await client.request(method, path, params=query, allow_redirects=False)
            text = await response.text()
            if name in _PUBLIC:
                assert response.status in (200, 303, 403), (name, response.status)
                if name == "login_post":
                    assert response.status == 403  # no form token, no login
                continue
            if method == "GET":
                assert response.status == 302, (name, response.status)
                assert response.headers["Location"].startswith("/console/login?next=")
            else:
                assert response.status == 401, (name, response.status)
            for secret in ("East Bearings", "buyer-b", world.leads["buyer-b"], "6205-2RS", "bearings-b"):
                assert secret not in text, (name, secret)
        # a forged or expired cookie is no session either
        client.session.cookie_jar.update_cookies({"bs_console_session": "x" * 43})
        response = await client.get("/console/leads", allow_redirects=False)
        assert response.status == 302

    world.run(body)


ROLE_CASES = [
    ("viewer", "POST", "/console/leads/{lead_a}/status", 403),
    ("viewer", "POST", "/console/outbox/{job_b}/retry", 403),
    ("viewer", "POST", "/console/transcript/wrong", 403),
    ("viewer", "GET", "/console/users", 403),
    ("viewer", "GET", "/console/audit", 403),
    ("viewer", "GET", "/console/demand", 200),
    ("viewer", "GET", "/console/analytics", 200),
    ("viewer", "GET", "/console/leads/{lead_b}", 200),
    ("rep_a", "GET", "/console/demand", 403),
    ("rep_a", "GET", "/console/demand.csv", 403),
    ("rep_a", "GET", "/console/analytics", 403),
    ("rep_a", "GET", "/console/analytics/funnel.svg", 403),
    ("rep_a", "GET", "/console/users", 403),
    ("rep_a", "POST", "/console/users", 403),
    ("rep_a", "GET", "/console/audit", 403),
    ("admin", "GET", "/console/users", 200),
    ("admin", "GET", "/console/audit", 200),
]


def test_roles(world: World) -> None:
    ids = {"lead_a": world.leads["buyer-a"], "lead_b": world.leads["buyer-b"], "job_b": str(world.jobs["buyer-b"])}

    async def body(client: TestClient) -> list[tuple[str, str, int]]:
        seen = []
        for user in dict.fromkeys(user for user, *_ in ROLE_CASES):
            csrf = await login(client, user)
            for who, method, path, _ in ROLE_CASES:
                if who == user:
                    data = {"csrf_token": csrf, "status": "won", "sender": "buyer-a", "event_id": "2"}
                    response = await client.request(method, path.format(**ids), data=data, allow_redirects=False)
                    seen.append((who, path, response.status))
        return seen

    assert world.run(body) == [(who, path, status) for who, _, path, status in ROLE_CASES]
    _nothing_changed(world)


@pytest.mark.parametrize(("rep", "own", "other"), [("rep_a", "buyer-a", "buyer-b"), ("rep_b", "buyer-b", "buyer-a")])
def test_a_distributor_cannot_open_the_other_distributors_objects_by_id(
    world: World, rep: str, own: str, other: str
) -> None:
    lead, job, quote = world.leads[other], world.jobs[other], world.quotes[other]
    event = world.events[other][0]
    other_quote_ids = [world.quotes[other], world.quotes["buyer-c"]]
    guesses = [
        ("GET", f"/console/leads/{lead}", None),
        ("POST", f"/console/leads/{lead}/status", {"status": "won"}),
        ("POST", f"/console/outbox/{job}/retry", {}),
        ("GET", "/console/transcript?sender=" + other, None),
        ("GET", "/console/transcript?sender=buyer-c", None),  # no lead at all: the brand's only
        ("GET", "/console/transcript?sender=buyer-x", None),
        ("POST", "/console/transcript/wrong", {"sender": other, "event_id": str(event), "correct_intent": "greet"}),
        ("GET", "/console/transcript/story.yml?sender=" + other, None),
        *[("GET", f"/console/quotes/{q}", None) for q in other_quote_ids],
        ("GET", f"/console/quotes/{quote}?rev=1", None),
        *[("GET", f"/console/quotes/{quote}/r1.{fmt}", None) for fmt in ("xlsx", "csv", "pdf")],
    ]
    own_pages = [
        f"/console/leads/{world.leads[own]}",
        "/console/transcript?sender=" + own,
        "/console/transcript/story.yml?sender=" + own,
        f"/console/quotes/{world.quotes[own]}",
        f"/console/quotes/{world.quotes[own]}/r1.csv",
    ]
    other_company = "East Bearings" if other == "buyer-b" else "电子厂"
    other_file = "bearings-b.xlsx" if other == "buyer-b" else "onerror=alert(1)&gt;.csv"

    async def body(client: TestClient) -> None:
        csrf = await login(client, rep)
        for method, path, form in guesses:
            data = None if form is None else {**form, "csrf_token": csrf}
            response = await client.request(method, path, data=data, allow_redirects=False)
            text = _without_header(await response.text())  # the header's language link echoes the URL
            assert response.status == 404, (path, response.status)
            for secret in (other_company, f"summary of {other}", quote, "b's secret note", "c's note"):
                assert secret not in text, (path, secret)
        for path in own_pages:  # the control: the same routes do open the rep's own objects
            response = await client.get(path, allow_redirects=False)
            assert response.status == 200, path
        listings = [
            "/console/",
            "/console/leads",
            "/console/leads?target=huadong-mechanical",
            "/console/leads?target=huanan-electronics",
            "/console/outbox",
            "/console/outbox?state=dead",
            "/console/transcripts",
            "/console/transcripts?q=" + other,
            "/console/quotes",
            "/console/quotes?q=" + quote,
        ]
        for path in listings:
            text = await (await client.get(path)).text()
            for link in (f"/console/leads/{world.leads[other]}", f"/console/quotes/{quote}", f"sender={other}"):
                assert f'href="{link}' not in text, (path, link)
            for secret in (other_company, "sender=buyer-c", "sender=buyer-x", other_file, "keyboard.csv"):
                assert secret not in text, (path, secret)
        mine = await (await client.get("/console/transcripts")).text()
        assert own in mine
        assert world.leads[own] in await (await client.get("/console/leads")).text()

    world.run(body)
    _nothing_changed(world)


def _without_header(html: str) -> str:
    return re.sub(r"<header.*?</header>", "", html, flags=re.S)


def _nothing_changed(world: World) -> None:
    """No guessed or forbidden POST changed anything."""
    with world.database.connect() as db:
        statuses = dict(db.execute("SELECT sender_id, status FROM leads").fetchall())
    assert statuses == {"buyer-a": "new", "buyer-b": "new"}
    assert Outbox(world.database).get(world.jobs["buyer-b"]).state == "dead"
    store = ConsoleStore(world.database, kdf=FAST_KDF)
    assert not store.corrections("buyer-a") and not store.corrections("buyer-b")
    assert [u.username for u in store.users()] == ["admin", "rep_a", "rep_b", "viewer"]


def test_the_console_is_mounted_beside_the_chat_with_its_own_headers(world: World, tmp_path: Path) -> None:
    from bot.quotes import QuoteStore
    from bot.web.server import create_app

    parent = create_app("http://127.0.0.1:5005", quotes=QuoteStore(tmp_path / "q.sqlite"))

    async def body(client: TestClient) -> None:
        chat = await client.get("/")
        assert "form-action 'none'" in chat.headers["Content-Security-Policy"]  # the chat keeps its own policy
        bare = await client.get("/console", allow_redirects=False)
        assert bare.status == 302 and bare.headers["Location"] == "/console/"
        page = await client.get("/console/login")
        csp = page.headers["Content-Security-Policy"]
        assert "form-action 'self'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
        assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Cache-Control"] == "no-store"
        await login(client, "admin")
        leads = await client.get("/console/leads")
        assert leads.status == 200 and "form-action 'self'" in leads.headers["Content-Security-Policy"]
        css = await client.get("/console/static/console.css")
        assert css.status == 200 and css.headers["Cache-Control"] == "no-cache"

    world.run(body, parent=parent)
