"""Simulated buyers for the fault tests: threads that ask a spec question and then fill the lead form to consent,
through the load balancer's REST channel, recording every turn (when it started and ended, what came back).

A buyer reads the bot's question to choose its next answer. When a turn fails or the reply is not one it expects,
it looks at the stored conversation (`GET /conversations/<id>/tracker`) to find where the form stands, as a person
would scroll up: answer the slot the form asks for, stop when the lead went through, send the last message again
when the conversation shows nothing of it.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from bot.tracker_store import OUTAGE_REPLY

SPEC_QUESTION = "6205-2RS 内径多少?"
START_FORM = "我要询价"
# What the lead form asks (a word of each question) -> the slot it fills -> the buyer's answer.
# The consent question comes first: the summary shown with it repeats the other questions' words.
PROMPTS = (
    ("是否同意", "lead_consent"),
    ("公司名称", "lead_company"),
    ("怎么称呼", "lead_name"),
    ("联系方式", "lead_contact"),
    ("省市", "lead_region"),
    ("采购量", "lead_volume"),
    ("什么时候", "lead_timing"),
)
ANSWERS = {
    "lead_company": "深圳负载测试电子有限公司",
    "lead_name": "王工",
    "lead_contact": "138 1234 5678",
    "lead_region": "广东深圳",
    "lead_volume": "每月5000片",
    "lead_timing": "下个月",
    "lead_consent": "同意",
}
LEAD_ID = re.compile(r"L-\d{8}-\d{4,}")
MAX_TURNS_PER_FORM = 30
TURN_TIMEOUT_S = 120.0  # longer than Rasa's 60 s conversation lock a killed replica may leave behind


@dataclass
class Turn:
    """One REST turn as the buyer saw it."""

    buyer: int
    sender: str
    message: str
    started: float  # time.monotonic()
    ended: float
    status: int | None  # HTTP status; None when no response came (connection refused / reset, timeout)
    texts: list[str]
    error: str = ""

    @property
    def failed(self) -> bool:
        """No HTTP 200, a 200 with no message at all (Rasa's REST channel answers 200 [] when a turn fails), or the
        tracker store's "briefly unavailable" (the turn was not processed)."""
        return self.status != 200 or not self.texts or self.texts == [OUTAGE_REPLY]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def in_flight_during(self, start: float, end: float) -> bool:
        """Whether the turn was under way at some moment of [start, end]."""
        return self.started <= end and self.ended >= start


@dataclass
class Crowd:
    """`size` buyers in threads against `rasa_url`; each fills forms one after another until `stop()`."""

    rasa_url: str
    size: int
    prefix: str
    think_s: float = 0.1
    api_token: str = ""  # Rasa's HTTP API token, to read where a form stands
    turns: list[Turn] = field(default_factory=list)
    leads_seen: dict[str, str] = field(default_factory=dict)  # sender -> lead id the buyer was told
    leads_unseen: set[str] = field(default_factory=set)  # senders whose form went through without the reply
    forms_started: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for buyer in range(self.size):
            thread = threading.Thread(target=self._run, args=(buyer,), name=f"buyer-{buyer}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 150.0) -> None:
        """No new forms; each buyer finishes the one it is filling; waits for all."""
        self._stop.set()
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        alive = [t.name for t in self._threads if t.is_alive()]
        assert not alive, f"buyers still busy after {timeout_s:.0f} s: {alive}"

    def completed_forms(self) -> int:
        with self._lock:
            return len(self.leads_seen) + len(self.leads_unseen)

    def snapshot(self) -> list[Turn]:
        with self._lock:
            return list(self.turns)

    def _run(self, buyer: int) -> None:
        session = requests.Session()
        form = 0
        while not self._stop.is_set():
            form += 1
            sender = f"{self.prefix}-{buyer}-{form}-{time.time_ns() % 10**8}"
            with self._lock:
                self.forms_started += 1
            self._fill_form(session, buyer, sender)

    def _fill_form(self, session: requests.Session, buyer: int, sender: str) -> None:
        message = SPEC_QUESTION
        for _ in range(MAX_TURNS_PER_FORM):
            turn = self._turn(session, buyer, sender, message)
            if (found := LEAD_ID.search(turn.text)) and "已转给" in turn.text:
                with self._lock:
                    self.leads_seen[sender] = found.group(0)
                return
            last_text = next((t for t in reversed(turn.texts) if t), "")
            following = START_FORM if message == SPEC_QUESTION and not turn.failed else self._answer_to(last_text)
            if following is None:
                following = self._from_stored_conversation(session, sender, message)
                if following is None:  # the stored conversation says the lead went through
                    with self._lock:
                        self.leads_unseen.add(sender)
                    return
            message = following
            time.sleep(self.think_s)
        raise AssertionError(f"{sender}: no lead after {MAX_TURNS_PER_FORM} turns")

    def _turn(self, session: requests.Session, buyer: int, sender: str, message: str) -> Turn:
        started = time.monotonic()
        status: int | None = None
        texts: list[str] = []
        error = ""
        try:
            response = session.post(
                f"{self.rasa_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
                timeout=TURN_TIMEOUT_S,
            )
            status = response.status_code
            if status == 200:
                texts = [str(m.get("text") or "") for m in response.json()]
            else:
                error = response.text[:200]
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        turn = Turn(buyer, sender, message, started, time.monotonic(), status, texts, error)
        with self._lock:
            self.turns.append(turn)
        return turn

    @staticmethod
    def _answer_to(text: str) -> str | None:
        for keyword, slot in PROMPTS:
            if keyword in text:
                return ANSWERS[slot]
        return None

    def _from_stored_conversation(self, session: requests.Session, sender: str, last: str) -> str | None:
        """The next message from the tracker; None when the lead went through."""
        try:
            response = session.get(
                f"{self.rasa_url}/conversations/{sender}/tracker",
                params={"token": self.api_token},
                timeout=TURN_TIMEOUT_S,
            )
            tracker: dict[str, Any] = response.json() if response.status_code == 200 else {}
        except (requests.RequestException, ValueError):
            tracker = {}
        slots = tracker.get("slots") or {}
        said = [e for e in tracker.get("events") or [] if e.get("event") == "user"]
        if slots.get("lead_id"):
            return None
        if not said:  # nothing of this buyer is visible (or the store is down): say it again
            time.sleep(1.0)
            return last
        if (tracker.get("active_loop") or {}).get("name") == "lead_form" and slots.get("requested_slot") in ANSWERS:
            return ANSWERS[str(slots["requested_slot"])]
        return START_FORM
