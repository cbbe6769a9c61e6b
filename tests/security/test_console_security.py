"""The sales console under attack (issue 14, items 6 and 7), against the real console app on a loopback server
with its real store and tracker store (tests/unit/console_harness.py): no mocks.

- Login throttling: wrong passwords for `admin` from one address must not lock the admin out from another
  address; a password spray from one address is stopped across user names; behind a trusted proxy every client
  has its own throttle; a forged X-Forwarded-For from anywhere else is ignored. Client addresses are real: the
  test clients bind their sockets to 127.0.0.2, 127.0.0.3, … (all loopback on Linux).
- Story export: a conversation id or a rep's note with newlines cannot add a rule (or anything else) to an
  exported test story, and ids with control characters are refused where they enter the console.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import warnings
from collections.abc import Awaitable, Callable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from aiohttp import TCPConnector
from aiohttp.test_utils import TestClient, TestServer

import bot.console.store as console_store
from bot.console.app import client_address, parse_trusted_proxies
from bot.console.store import LOGIN_MAX_FAILURES, LOGIN_WINDOW_S, ConsoleStore, Correction, LoginFailed, LoginThrottled
from bot.console.transcripts import TrackerReader, story_yaml, turns
from bot.settings import ROOT
from tests.unit.console_harness import FAST_KDF, PASSWORD, World, build_world, csrf_of, login

T = TypeVar("T")
A, B, C = "127.0.0.2", "127.0.0.3", "127.0.0.4"  # three client machines (loopback aliases)
INJECTED_RULE = "\nrules:\n- rule: injected\n  steps:\n  - intent: greet\n  - action: action_submit_lead\n#"
EVIL_SENDER = "buyer-evil" + INJECTED_RULE


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path)


def serve(world: World, body: Callable[[dict[str, TestClient]], Awaitable[T]], **overrides: Any) -> T:
    """One console server; a client per source address (`"local"`: 127.0.0.1, plus A, B, C); run `body`."""

    async def go() -> T:
        server = TestServer(world.app(**overrides))
        await server.start_server()
        clients = {"local": TestClient(server)}
        for address in (A, B, C):
            clients[address] = TestClient(server, connector=TCPConnector(local_addr=(address, 0)))
        try:
            for client in clients.values():
                await client.start_server()
            return await body(clients)
        finally:
            for client in clients.values():
                await client.close()

    return asyncio.run(go())


async def attempt(client: TestClient, username: str, password: str, headers: Mapping[str, str] | None = None) -> int:
    """One login through the form (a fresh form token each time); the response status: 303 in, 401, 429."""
    client.session.cookie_jar.clear()
    page = await client.get("/console/login", headers=headers)
    response = await client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(await page.text())},
        headers=headers,
        allow_redirects=False,
    )
    return response.status


def audit_ips(world: World, action: str) -> list[str]:
    rows = ConsoleStore(world.database, kdf=FAST_KDF).audit_rows(action=action, limit=1000)
    return [str(r["ip"]) for r in rows]


# -- item 7: the login throttle ---------------------------------------------------------------------------------


def test_a_stranger_cannot_lock_the_admin_out_from_another_address(world: World) -> None:
    async def body(clients: dict[str, TestClient]) -> None:
        statuses = [await attempt(clients[A], "admin", "not the password") for _ in range(LOGIN_MAX_FAILURES + 3)]
        assert statuses == [401] * LOGIN_MAX_FAILURES + [429] * 3
        # The attacker's address stays locked for this account, even with the right password (else it could go
        # on guessing): the rule is per (account, address).
        assert await attempt(clients[A], "admin", PASSWORD) == 429
        # The real admin, anywhere else, logs in.
        assert await attempt(clients[B], "admin", PASSWORD) == 303
        # ... and another account from the attacker's address is not locked by those five failures.
        assert await attempt(clients[A], "viewer", PASSWORD) == 303

    serve(world, body)
    assert set(audit_ips(world, "login_failed")) == {A}
    assert audit_ips(world, "login")[:2] == [A, B]  # newest first: viewer from A, admin from B


def test_a_password_spray_from_one_address_is_stopped_across_user_names(world: World) -> None:
    per_address = console_store.ADDRESS_MAX_FAILURES
    assert LOGIN_MAX_FAILURES < per_address <= 4 * LOGIN_MAX_FAILURES

    async def body(clients: dict[str, TestClient]) -> None:
        names = [f"user{i}" for i in range(per_address - 2)] + ["viewer", "rep_a"]
        statuses = [await attempt(clients[A], name, "Spring2026!!") for name in names]  # one guess per name
        assert statuses == [401] * per_address
        assert await attempt(clients[A], "rep_b", PASSWORD) == 429  # the address is locked for every account
        assert await attempt(clients[B], "rep_b", PASSWORD) == 303
        assert await attempt(clients[B], "viewer", PASSWORD) == 303  # the sprayed accounts are not locked

    serve(world, body)


def test_a_distributed_attack_on_one_account_never_blocks_an_address_that_has_not_failed(tmp_path: Path) -> None:
    """Many addresses guessing one password: past ACCOUNT_GUARD_FAILURES in the window the account is guarded,
    i.e. an address that has failed for it may not try again, but any other address still may."""
    guard = console_store.ACCOUNT_GUARD_FAILURES
    assert guard >= 5 * LOGIN_MAX_FAILURES
    now = [1_800_000_000.0]
    store = ConsoleStore(tmp_path / "c.sqlite", kdf=FAST_KDF, clock=lambda: now[0])
    store.ensure_first_admin(PASSWORD)
    botnet = [f"198.51.100.{i}" for i in range(1, guard // 2 + 1)]
    for address in botnet:
        for _ in range(2):
            with pytest.raises(LoginFailed):
                store.login("admin", "not the password", address)
    with pytest.raises(LoginThrottled):
        store.login("admin", PASSWORD, botnet[0])  # guarded: an address that failed for admin waits
    with pytest.raises(LoginFailed):
        store.login("admin", "one more guess", "203.0.113.1")  # a fresh address gets one try ...
    with pytest.raises(LoginThrottled):
        store.login("admin", PASSWORD, "203.0.113.1")  # ... and no second
    assert store.login("admin", PASSWORD, "192.0.2.10").username == "admin"  # the real admin, not failed: in
    assert store.login("admin", PASSWORD, "2001:db8:1:2::10").username == "admin"
    now[0] += LOGIN_WINDOW_S + 1
    assert store.login("admin", PASSWORD, botnet[0]).username == "admin"  # the window passes


def test_ipv6_clients_are_throttled_per_64_prefix(tmp_path: Path) -> None:
    """Anyone with one IPv6 address has a /64 of them: a fresh address per guess must not reset the count."""
    store = ConsoleStore(tmp_path / "c.sqlite", kdf=FAST_KDF)
    store.ensure_first_admin(PASSWORD)
    for i in range(LOGIN_MAX_FAILURES):
        with pytest.raises(LoginFailed):
            store.login("admin", "not the password", f"2001:db8:1:2::{i + 1:x}")
    with pytest.raises(LoginThrottled):
        store.login("admin", PASSWORD, "2001:db8:1:2:ffff::1")
    assert store.login("admin", PASSWORD, "2001:db8:1:3::1").username == "admin"
    assert store.login("admin", PASSWORD, "::ffff:192.0.2.1").username == "admin"


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_throttle(world: World) -> None:
    """The proxy (127.0.0.1 here) appends the client's address to X-Forwarded-For; the console takes the right-most
    entry that is not a trusted proxy, so what a client writes on the left is never believed."""
    first = {"X-Forwarded-For": "203.0.113.10"}
    second = {"X-Forwarded-For": "203.0.113.20"}
    forged = {"X-Forwarded-For": "203.0.113.20, 203.0.113.10"}  # client 1 claims to be client 2; the proxy appends
    chain = {"X-Forwarded-For": "203.0.113.10, 10.1.2.3"}  # client 1 through a second, internal proxy

    async def body(clients: dict[str, TestClient]) -> None:
        proxy = clients["local"]
        assert [await attempt(proxy, "admin", "not the password", first) for _ in range(LOGIN_MAX_FAILURES)] == [
            401
        ] * LOGIN_MAX_FAILURES
        assert await attempt(proxy, "admin", PASSWORD, first) == 429
        assert await attempt(proxy, "admin", PASSWORD, forged) == 429
        assert await attempt(proxy, "admin", PASSWORD, chain) == 429
        assert await attempt(proxy, "admin", PASSWORD, second) == 303
        # Without any X-Forwarded-For, the proxy's own address is the client.
        assert await attempt(proxy, "admin", PASSWORD) == 303

    serve(world, body, trusted_proxies="127.0.0.1, 10.0.0.0/8")
    assert set(audit_ips(world, "login_failed")) == {"203.0.113.10"}
    assert set(audit_ips(world, "login_throttled")) == {"203.0.113.10"}
    assert audit_ips(world, "login")[:2] == ["127.0.0.1", "203.0.113.20"]


def test_a_forged_x_forwarded_for_from_an_untrusted_address_is_ignored(world: World) -> None:
    async def body(clients: dict[str, TestClient]) -> None:
        statuses = []
        for i in range(LOGIN_MAX_FAILURES + 2):  # a new made-up address in every request
            statuses.append(
                await attempt(clients[A], "admin", "not the password", {"X-Forwarded-For": f"192.0.2.{i + 1}"})
            )
        assert statuses == [401] * LOGIN_MAX_FAILURES + [429] * 2
        assert await attempt(clients[A], "admin", PASSWORD, {"X-Forwarded-For": "127.0.0.1"}) == 429
        assert await attempt(clients[B], "admin", PASSWORD, {"X-Forwarded-For": A}) == 303

    serve(world, body, trusted_proxies="127.0.0.1")  # A is not a trusted proxy
    assert set(audit_ips(world, "login_failed")) == {A}
    assert audit_ips(world, "login") == [B]


def test_x_forwarded_for_is_ignored_when_no_proxy_is_configured(world: World) -> None:
    async def body(clients: dict[str, TestClient]) -> None:
        for i in range(LOGIN_MAX_FAILURES):
            assert (
                await attempt(clients["local"], "admin", "nope nope nope", {"X-Forwarded-For": f"192.0.2.{i}"}) == 401
            )
        assert await attempt(clients["local"], "admin", PASSWORD, {"X-Forwarded-For": "192.0.2.99"}) == 429

    serve(world, body)
    assert set(audit_ips(world, "login_failed")) == {"127.0.0.1"}


def test_a_bad_trusted_proxy_setting_stops_the_start(world: World) -> None:
    with pytest.raises(ValueError, match="trusted prox"):
        world.app(trusted_proxies="127.0.0.1, not-an-address")


def test_the_client_address_rule() -> None:
    proxies = parse_trusted_proxies("10.0.0.0/8, ::1")
    assert client_address("203.0.113.9", ["1.2.3.4"], proxies) == "203.0.113.9"  # not from a proxy: ignored
    assert client_address("10.0.0.2", ["1.2.3.4, 198.51.100.1:5678"], proxies) == "198.51.100.1"
    assert client_address("10.0.0.2", ["1.1.1.1", "2.2.2.2, 10.9.9.9"], proxies) == "2.2.2.2"  # two headers
    assert client_address("::1", ["[2001:db8::5]:443"], proxies) == "2001:db8::5"
    assert client_address("::ffff:10.0.0.2", ["::ffff:192.0.2.7"], proxies) == "192.0.2.7"
    assert client_address("10.0.0.2", ["1.1.1.1, garbage, 10.0.0.3"], proxies) == "10.0.0.3"  # stops at garbage
    assert client_address("10.0.0.2", [], proxies) == "10.0.0.2"
    assert client_address("10.0.0.2", ["1.1.1.1"], ()) == "10.0.0.2"  # no proxies configured


# -- item 6: the story export --------------------------------------------------------------------------------------


def _add_conversation(world: World, sender: str, like: str = "buyer-a") -> None:
    """A copy of `like`'s events under another sender id, in the tracker store the console reads."""
    with closing(sqlite3.connect(world.tracker)) as db:
        top = db.execute("SELECT MAX(id) FROM events").fetchone()[0]
        rows = db.execute(
            "SELECT type_name, timestamp, intent_name, action_name, data FROM events WHERE sender_id = ? ORDER BY id",
            (like,),
        ).fetchall()
        for offset, row in enumerate(rows, start=1):
            db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)", (top + offset, sender, *row))
        db.commit()


def _read_story_file(path: Path) -> list[Any]:
    """Rasa's own reader (as `rasa data validate` / `rasa test` read a test story file): its story steps."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    assert YAMLStoryReader.is_test_stories_file(str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "intent 'inform' is not in the domain": the fixture's own intent
        return list(YAMLStoryReader(Domain.load(str(ROOT / "domain.yml"))).read_from_file(str(path)))


def test_an_exported_story_cannot_be_given_a_rule_by_the_conversation_id_or_a_note(world: World) -> None:
    events = TrackerReader.sqlite(world.tracker).events("buyer-a")
    first_user = world.events["buyer-a"][0]
    note = "asked for stock\n- user: injected\n  intent: greet" + INJECTED_RULE
    corrections = {first_user: Correction(EVIL_SENDER, first_user, "ask_spec", note, "rep_a", 0.0)}

    text = story_yaml(EVIL_SENDER, turns(events), corrections)

    data = yaml.safe_load(text)
    assert set(data) == {"version", "stories"} and "rules" not in text.split("stories:")[0]
    assert len(data["stories"]) == 1
    story = data["stories"][0]
    assert story["metadata"]["conversation"] == EVIL_SENDER  # the id travels as data, exactly
    (kept,) = story["metadata"]["corrections"]
    assert kept["note"] == note and kept["corrected_to"] == "ask_spec" and kept["by"] == "rep_a"
    for line in text.splitlines():
        assert not line.startswith("#") or (line.isascii() and "buyer-evil" not in line)  # comments carry no data
    path = world.tmp / "test_console_evil.yml"
    path.write_text(text, encoding="utf-8")
    steps = _read_story_file(path)
    assert len(steps) == 1 and type(steps[0]).__name__ == "StoryStep"  # one story, no RuleStep
    names = [
        (type(e).__name__, getattr(e, "intent_name", None) or getattr(e, "action_name", None)) for e in steps[0].events
    ]
    assert [n for n in names if n[0] == "UserUttered"] == [
        ("UserUttered", "ask_spec"),
        ("UserUttered", "request_sales"),
        ("UserUttered", "inform"),
    ]
    actions = [name for kind, name in names if kind == "ActionExecuted"]
    assert actions == ["action_search_product", "lead_form", "action_submit_lead"]
    assert ("UserUttered", "greet") not in names


def test_control_characters_in_a_note_or_an_id_cannot_break_the_export() -> None:
    note = "a\rb\u2028c\x85d\x00e\x1bf\ufeffg\U0001f600 end"
    sender = "buyer\x00\x1b\u2028\u202e-z"
    correction = Correction(sender, 7, "ask_spec", note, "rep_a", 0.0)
    text = story_yaml(sender, turns([{"event": "user", "_id": 7, "text": "hi", "timestamp": 1.0}]), {7: correction})
    data = yaml.safe_load(text)
    assert set(data) == {"version", "stories"} and len(data["stories"]) == 1
    story = data["stories"][0]
    assert story["metadata"]["conversation"] == sender and story["metadata"]["corrections"][0]["note"] == note
    assert story["steps"] == [{"user": "hi", "intent": "ask_spec"}]


def test_the_console_refuses_conversation_ids_with_control_characters_or_over_length(world: World) -> None:
    _add_conversation(world, EVIL_SENDER)
    _add_conversation(world, "x" * 300)
    _add_conversation(world, "x" * 255)  # what a 300-character id used to be cut to: another conversation

    async def body(client: TestClient) -> None:
        csrf = await login(client, "admin")
        for sender in (EVIL_SENDER, "x" * 300, "buyer-a\r", "buyer-a\x00", "buyer-a\u2028", "buyer-\u202ea"):
            for path in ("/console/transcript", "/console/transcript/story.yml"):
                response = await client.get(path, params={"sender": sender})
                assert response.status == 400, (path, sender)
                assert "rules:" not in await response.text()
            wrong = await client.post(
                "/console/transcript/wrong",
                data={
                    "csrf_token": csrf,
                    "sender": sender,
                    "event_id": str(world.events["buyer-a"][0]),
                    "correct_intent": "greet",
                },
                allow_redirects=False,
            )
            assert wrong.status == 400, sender
        fine = await client.get("/console/transcript/story.yml", params={"sender": "x" * 255})
        assert fine.status == 200

    world.run(body)
    assert ConsoleStore(world.database, kdf=FAST_KDF).corrected_senders() == set()


def test_the_store_refuses_a_correction_for_a_bad_conversation_id(world: World) -> None:
    store = ConsoleStore(world.database, kdf=FAST_KDF)
    admin = store.user_named("admin")
    assert admin is not None
    with pytest.raises(console_store.ConsoleError, match="conversation id"):
        store.add_correction(EVIL_SENDER, 1, "greet", "", admin)


def test_a_note_with_newlines_exported_through_the_console_stays_data(world: World) -> None:
    event = world.events["buyer-a"][0]
    note = "line one\nrules:\n- rule: x\n  steps:\n  - intent: greet\n  - action: action_submit_lead"

    async def body(client: TestClient) -> str:
        csrf = await login(client, "rep_a")
        marked = await client.post(
            "/console/transcript/wrong",
            data={"csrf_token": csrf, "sender": "buyer-a", "event_id": str(event), "correct_intent": "ask_spec",
                  "note": note},
            allow_redirects=False,
        )  # fmt: skip
        assert marked.status == 303
        story = await client.get("/console/transcript/story.yml", params={"sender": "buyer-a"})
        assert story.status == 200
        return await story.text()

    text = world.run(body)
    data = yaml.safe_load(text)
    assert set(data) == {"version", "stories"} and len(data["stories"]) == 1
    assert data["stories"][0]["metadata"]["corrections"][0]["note"] == note
    assert json.dumps(data).count("action_submit_lead") == 2  # the real step and the note, nowhere else
    path = world.tmp / "test_console_buyer-a.yml"
    path.write_text(text, encoding="utf-8")
    (story,) = _read_story_file(path)
    assert type(story).__name__ == "StoryStep"
