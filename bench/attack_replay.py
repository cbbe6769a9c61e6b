"""Replays issue 14's attacks against a stack started from the code in the current directory, to compare commits.

    cd <a checkout> && /path/to/.venv/bin/python /path/to/bench/attack_replay.py

Uses the checkout's var/catalog.sqlite, var/index and models/brandstation.tar.gz (link them from a built tree) and
prints what each attack got. README "Security" has the table for 26cc900 (before) and the commits that fixed them.
"""

from __future__ import annotations

import socket
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests
import socketio

sys.path.insert(0, ".")  # the checkout in the current directory, not the installed package

from bot.settings import ROOT, Settings
from bot.stack import Stack

SPEC = "6205-2RS 内径多少?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listening(port: int) -> list[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":
                found.add(address)
    return sorted(found)


def replay(stack: Stack, settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rest = f"{stack.rasa_url}/webhooks/rest/webhook"
    requests.post(rest, json={"sender": "warm", "message": SPEC}, timeout=120)
    sender = f"attack-{uuid.uuid4().hex[:6]}"
    consent = [{"event": "slot", "name": "lead_consent", "value": True}]
    events = requests.post(f"{stack.rasa_url}/conversations/{sender}/tracker/events", json=consent, timeout=30)
    run = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/execute", json={"name": "action_submit_lead"}, timeout=60
    )
    out["1 forged consent via Rasa's API: events / execute"] = (events.status_code, run.status_code)
    out["1 read a tracker without a token"] = requests.get(
        f"{stack.rasa_url}/conversations/warm/tracker", timeout=30
    ).status_code
    out["2 action server listens on"] = listening(settings.actions_port)
    slots = {"lead_company": "X", "lead_name": "Y", "lead_phone": "13800138000", "lead_consent": True}
    tracker = {"sender_id": "forged", "slots": slots, "latest_message": {}, "events": [], "paused": False}
    call = {
        "next_action": "action_submit_lead",
        "sender_id": "forged",
        "tracker": tracker,
        "domain": {},
        "version": "3.6.2",
    }
    out["2 forged tracker to the action server"] = requests.post(
        f"{stack.actions_url}/webhook", json=call, timeout=60
    ).status_code
    confirmed: list[Any] = []
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", confirmed.append)
    client.connect(stack.rasa_url, transports=["polling"], wait_timeout=20)
    client.emit("session_request", {"session_id": "wecom:victim"})
    time.sleep(1.5)
    client.disconnect()
    out["3 socket.io session_request wecom:victim -> confirmed"] = confirmed
    out["3 REST sender wecom:victim"] = requests.post(
        rest, json={"sender": "wecom:victim", "message": "hi"}, timeout=60
    ).status_code
    out["8 REST body [1,2]"] = requests.post(rest, json=[1, 2], timeout=30).status_code
    number = requests.post(rest, json={"sender": "x", "message": 123}, timeout=30)
    out["8 REST message 123"] = (number.status_code, number.text[:80])
    took: dict[str, Any] = {}

    def other() -> None:
        time.sleep(0.5)
        started = time.time()
        requests.post(rest, json={"sender": "other", "message": SPEC}, timeout=600)
        took["other"] = round(time.time() - started, 2)

    thread = threading.Thread(target=other)
    thread.start()
    started = time.time()
    requests.post(rest, json={"sender": "attacker", "message": "轴承内径多少" * 2000}, timeout=600)
    took["attacker"] = round(time.time() - started, 2)
    thread.join()
    out["4 12,000 Chinese characters: seconds for the attacker / another buyer meanwhile"] = took
    try:
        with sqlite3.connect(settings.database) as db:
            out["1 leads stored for the forged conversation"] = db.execute(
                "SELECT COUNT(*) FROM leads WHERE sender_id = ?", (sender,)
            ).fetchone()[0]
    except sqlite3.Error:
        out["1 leads stored for the forged conversation"] = 0
    return out


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="attack-replay-"))
    settings = Settings(
        var_dir=tmp,
        catalog_db=ROOT / "var" / "catalog.sqlite",
        index_dir=ROOT / "var" / "index",
        database=tmp / "brandstation.sqlite",
        routing_file=ROOT / "config" / "routing.yml",
        rasa_port=free_port(),
        actions_port=free_port(),
        web_port=free_port(),
    )
    stack = Stack(settings, ROOT / "models" / "brandstation.tar.gz", tmp / "run")
    stack.start()
    try:
        results = replay(stack, settings)
    finally:
        stack.stop()
    for what, got in results.items():
        print(f"{what}: {got}")


if __name__ == "__main__":
    main()
