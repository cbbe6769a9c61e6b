"""Two Rasa replicas sharing PostgreSQL (tracker store) and Redis (lock store): a buyer's turns may land on either
replica and the conversation goes on; two messages of one buyer sent at once to different replicas are processed
one after the other, never interleaved."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg2
import pytest
import requests

from tests.scaled.conftest import PG_PASSWORD, PG_PORT, Scaled

pytestmark = pytest.mark.scaled


def ask(replica: str, sender: str, message: str) -> list[dict[str, Any]]:
    response = requests.post(
        f"{replica}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=120
    )
    assert response.status_code == 200, response.text
    return list(response.json())


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def events(replica: str, sender: str) -> list[dict[str, Any]]:
    response = requests.get(f"{replica}/conversations/{sender}/tracker", params={"include_events": "ALL"}, timeout=30)
    assert response.status_code == 200, response.text
    return list(response.json()["events"])


def test_turns_alternating_between_replicas_keep_slots_and_history(scaled: Scaled) -> None:
    a, b = scaled.replicas
    sender = f"scaled-alternate-{time.time_ns()}"
    first = texts(ask(a, sender, "6205-2RS 内径多少?"))
    assert "25 mm" in first, f"{first!r}\n{scaled.logs()}"
    follow_up = texts(ask(b, sender, "那外径呢?"))  # answered from the last_sku slot replica A set
    assert "52 mm" in follow_up and "6205-2RS" in follow_up, f"{follow_up!r}\n{scaled.logs()}"
    third = texts(ask(a, sender, "宽度呢?"))
    assert "15 mm" in third, third
    # Both replicas see the whole history: three user turns, in order, whichever replica is asked.
    for replica in (a, b):
        said = [e["text"] for e in events(replica, sender) if e["event"] == "user"]
        assert said == ["6205-2RS 内径多少?", "那外径呢?", "宽度呢?"], said
    # The history is in PostgreSQL itself (Rasa falls back to an in-memory store, per replica, when saving fails).
    with (
        psycopg2.connect(
            host="127.0.0.1", port=PG_PORT, dbname="brandstation", user="brandstation", password=PG_PASSWORD
        ) as db,
        db.cursor() as cursor,
    ):
        cursor.execute("select count(*) from events where sender_id = %s and type_name = 'user'", (sender,))
        assert cursor.fetchone() == (3,)


def test_messages_sent_at_once_to_both_replicas_are_not_interleaved(scaled: Scaled) -> None:
    a, b = scaled.replicas
    for attempt in range(5):  # five races, each on a fresh buyer
        sender = f"scaled-race-{attempt}-{time.time_ns()}"
        ask(a, sender, "hello")  # the session exists before the race (session start is its own turn)
        replies = race([(a, sender, "6205-2RS 内径多少?"), (b, sender, "RC0603FR-0710KL alternatives in stock")])
        assert len(replies) == 2 and all(replies.values()), f"{replies!r}\n{scaled.logs()}"
        assert "25 mm" in texts(replies["6205-2RS 内径多少?"]), replies
        log = events(a, sender)
        # Both turns are stored whole (without a shared lock one replica's save drops or splits the other's turn).
        said = [e["text"] for e in log if e["event"] == "user"]
        assert said[0] == "hello" and sorted(said[1:]) == sorted(replies), summary(log)
        assert_turns_not_interleaved(log)


def race(requests_: list[tuple[str, str, str]]) -> dict[str, list[dict[str, Any]]]:
    """Send (replica, sender, message) requests at the same instant from threads; replies by message."""
    replies: dict[str, list[dict[str, Any]]] = {}
    barrier = threading.Barrier(len(requests_))

    def send(replica: str, sender: str, message: str) -> None:
        barrier.wait()
        replies[message] = ask(replica, sender, message)

    threads = [threading.Thread(target=send, args=request) for request in requests_]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return replies


def assert_turns_not_interleaved(log: list[dict[str, Any]]) -> None:
    """After each user message, the next user message comes only after the bot went back to listening."""
    pending = False
    for event in log:
        if event["event"] == "user":
            assert not pending, f"a user message arrived before the previous turn ended: {summary(log)}"
            pending = True
        elif event["event"] == "action" and event.get("name") == "action_listen":
            pending = False
    assert not pending, f"the last turn never ended: {summary(log)}"
    # And each turn's bot replies sit between its own user message and the next one.
    turns: list[list[str]] = []
    for event in log:
        if event["event"] == "user":
            turns.append([])
        elif event["event"] == "bot" and turns:
            turns[-1].append(event.get("text") or "")
    assert all(turns), f"a turn without a reply: {summary(log)}"


def summary(log: list[dict[str, Any]]) -> list[str]:
    return [f"{e['event']}:{e.get('name') or (e.get('text') or '')[:20]}" for e in log]
