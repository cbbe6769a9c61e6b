"""Follow-ups: a quote without a lead nudges its owner, an unacknowledged lead escalates, each exactly once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.followups import Task, run_followups
from bot.leads import LeadStore
from bot.quotes import QuoteStore
from bot.routing import RoutingConfig, load_routing
from bot.settings import ROOT
from knowledge.db import POSTGRESQL, Connection, Database, pg_ddl

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # every demo target is open


@pytest.fixture(scope="module")
def config() -> RoutingConfig:
    return load_routing(ROOT / "config" / "routing.yml", environ={})


class FakeOutbox:
    """bot.outbox.Outbox's enqueue contract: a row on the caller's transaction, the same key twice = no-op."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls = 0

    def enqueue(self, conn: Connection, *, job_key: str, target: str, kind: str, payload: dict[str, Any]) -> int:
        self.calls += 1
        table = (
            "CREATE TABLE IF NOT EXISTS fake_outbox (id INTEGER PRIMARY KEY, job_key TEXT UNIQUE, target TEXT,"
            " kind TEXT, payload TEXT)"
        )
        conn.execute(pg_ddl(table) if conn.dialect == POSTGRESQL else table)
        conn.execute(
            "INSERT INTO fake_outbox (job_key, target, kind, payload) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (job_key, target, kind, json.dumps(payload, ensure_ascii=False)),
        )
        if self.fail:
            raise OSError("disk full")  # after the insert: the whole transaction must roll back
        return int(conn.execute("SELECT id FROM fake_outbox WHERE job_key = ?", (job_key,)).fetchone()[0])


def jobs(database: Database) -> list[tuple[str, str, str, dict[str, Any]]]:
    if "fake_outbox" not in database.tables():
        return []
    with database.connect() as db:
        rows = db.execute("SELECT job_key, target, kind, payload FROM fake_outbox ORDER BY id").fetchall()
    return [(k, t, kind, json.loads(p)) for k, t, kind, p in rows]


@pytest.fixture
def database(app_db: Database) -> Database:
    QuoteStore(app_db)
    LeadStore(app_db)
    return app_db


def add_quote(
    database: Database, quote_id: str, sender: str, sent: datetime, lines: list[str], revision: int = 1
) -> None:
    body = {
        "quote_id": quote_id,
        "revision": revision,
        "currency": "CNY",
        "total": "1234.50",
        "lines": [
            {
                "line": i + 2,
                "input": {"mpn": "", "value": "", "description": text},
                "description": text,
                "mpn": f"MPN{i}",
            }
            for i, text in enumerate(lines)
        ],
    }
    with database.connect() as db:
        db.execute(
            "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?)",
            (quote_id, revision, "tok", sender, body["total"], sent.isoformat(), json.dumps(body)),
        )


def add_lead(
    database: Database,
    lead_id: str,
    sender: str,
    created: datetime,
    target: str,
    quote_id: str = "",
    status: str = "new",
) -> None:
    store = LeadStore(database)
    lead = {
        "lead_id": lead_id,
        "created_at": created.isoformat(),
        "sender_id": sender,
        "score": 50,
        "contact": {"name": "张三", "phone": "+8613812345678"},
        "interest": {"categories": ["Resistors"], "quote_id": quote_id},
    }
    with store.db.connect() as db:
        store.save(db, lead, target=target, rule="match")
        db.execute("UPDATE leads SET status = ? WHERE lead_id = ?", (status, lead_id))


def by_subject(tasks: list[Task]) -> dict[str, Task]:
    return {t.subject: t for t in tasks}


# -- quote sent, no lead ------------------------------------------------------------------------------------------


def test_a_quote_without_a_lead_nudges_its_owner_after_three_days(database: Database, config: RoutingConfig) -> None:
    add_quote(database, "Q-A", "s-bolts", MONDAY, ["Hex head bolt M8x30", "Hex nut M8"])
    add_quote(database, "Q-B", "s-res", MONDAY, ["10k resistor 0603"])
    outbox = FakeOutbox()
    assert run_followups(database, config, MONDAY + timedelta(days=3, minutes=-1), outbox=outbox) == []
    tasks = by_subject(run_followups(database, config, MONDAY + timedelta(days=3, hours=1), outbox=outbox))
    assert set(tasks) == {"Q-A", "Q-B"}
    # Without a lead there is no region: only a nationwide distributor can own it, else the brand.
    assert tasks["Q-A"].target == "national-fasteners" and tasks["Q-B"].target == "brand"
    assert tasks["Q-A"].due_at == MONDAY + timedelta(days=3)
    payload = tasks["Q-A"].payload
    assert (payload["quote_id"], payload["categories"], payload["total"]) == ("Q-A", ["Fasteners"], "1234.50")
    assert payload["parts"] == ["MPN0", "MPN1"] and "contact" not in payload  # no consent, no personal data
    assert [(k, t, kind) for k, t, kind, _ in jobs(database)] == [
        ("followup:quote-no-lead:Q-A", "national-fasteners", "followup"),
        ("followup:quote-no-lead:Q-B", "brand", "followup"),
    ]


def test_a_lead_after_the_quote_or_naming_it_stops_the_nudge(database: Database, config: RoutingConfig) -> None:
    add_quote(database, "Q-C", "s-lead", MONDAY, ["10k resistor"])
    add_lead(database, "L-1", "s-lead", MONDAY + timedelta(days=1), "huanan-electronics", status="acknowledged")
    add_quote(database, "Q-D", "s-quote", MONDAY, ["10k resistor"])
    add_lead(database, "L-2", "s-elsewhere", MONDAY + timedelta(days=1), "brand", quote_id="Q-D", status="won")
    add_quote(database, "Q-E", "s-old-lead", MONDAY, ["10k resistor"])
    add_lead(database, "L-3", "s-old-lead", MONDAY - timedelta(days=9), "brand", status="won")  # before the quote
    tasks = run_followups(database, config, MONDAY + timedelta(days=4), outbox=FakeOutbox())
    assert [t.subject for t in tasks] == ["Q-E"]


def test_quotes_without_a_conversation_or_long_overdue_are_left_alone(
    database: Database, config: RoutingConfig
) -> None:
    add_quote(database, "Q-CLI", "", MONDAY, ["10k resistor"])  # `brandstation bom quote`: nobody to follow up
    add_quote(database, "Q-OLD", "s-old", MONDAY - timedelta(days=40), ["10k resistor"])  # before the 30-day window
    assert run_followups(database, config, MONDAY + timedelta(days=4), outbox=FakeOutbox()) == []


def test_the_clock_starts_at_the_first_revision_and_the_task_shows_the_latest(
    database: Database, config: RoutingConfig
) -> None:
    add_quote(database, "Q-G", "s-g", MONDAY, ["10k resistor"])
    add_quote(database, "Q-G", "s-g", MONDAY + timedelta(days=2), ["M8 bolt", "M8 nut", "M8 washer"], revision=2)
    (task,) = run_followups(database, config, MONDAY + timedelta(days=3, hours=1), outbox=FakeOutbox())
    assert task.due_at == MONDAY + timedelta(days=3)
    assert task.payload["revision"] == 2 and task.payload["categories"] == ["Fasteners"]


# -- lead not acknowledged ----------------------------------------------------------------------------------------


def test_an_unacknowledged_lead_escalates_to_the_brand_after_four_open_hours(
    database: Database, config: RoutingConfig
) -> None:
    add_lead(database, "L-10", "s-10", MONDAY, "huanan-electronics")
    add_lead(database, "L-11", "s-11", MONDAY, "huanan-electronics", status="acknowledged")
    outbox = FakeOutbox()
    assert run_followups(database, config, MONDAY + timedelta(hours=4, minutes=-1), outbox=outbox) == []
    (task,) = run_followups(database, config, MONDAY + timedelta(hours=4, minutes=1), outbox=outbox)
    assert (task.subject, task.target, task.event) == ("L-10", "brand", "lead_not_acknowledged")
    assert task.payload["owner"] == "huanan-electronics" and task.payload["lead"]["lead_id"] == "L-10"
    assert task.payload["hours_unacknowledged"] == 4.0


def test_a_lead_at_night_is_counted_from_the_owners_next_opening(database: Database, config: RoutingConfig) -> None:
    saturday_night = datetime(2026, 11, 28, 20, 0, tzinfo=SHANGHAI)  # 华南 opens mon-sat 08:30-18:00
    add_lead(database, "L-20", "s-20", saturday_night, "huanan-electronics")
    outbox = FakeOutbox()
    assert run_followups(database, config, datetime(2026, 11, 29, 12, 0, tzinfo=SHANGHAI), outbox=outbox) == []
    assert run_followups(database, config, datetime(2026, 11, 30, 12, 29, tzinfo=SHANGHAI), outbox=outbox) == []
    (task,) = run_followups(database, config, datetime(2026, 11, 30, 12, 31, tzinfo=SHANGHAI), outbox=outbox)
    assert task.due_at == datetime(2026, 11, 30, 12, 30, tzinfo=SHANGHAI)


# -- idempotency and atomicity -----------------------------------------------------------------------------------


def test_each_trigger_fires_once_per_subject(database: Database, config: RoutingConfig) -> None:
    add_quote(database, "Q-A", "s-a", MONDAY, ["M8 bolt"])
    add_lead(database, "L-1", "s-b", MONDAY, "huadong-mechanical")
    outbox = FakeOutbox()
    later = MONDAY + timedelta(days=3, hours=1)
    first = run_followups(database, config, later, outbox=outbox)
    assert sorted(t.job_key for t in first) == ["followup:lead-unacknowledged:L-1", "followup:quote-no-lead:Q-A"]
    for hours in (0, 1, 48):
        assert run_followups(database, config, later + timedelta(hours=hours), outbox=outbox) == []
    assert outbox.calls == 2 and len(jobs(database)) == 2


def test_a_failed_enqueue_rolls_back_so_the_next_run_fires_it(database: Database, config: RoutingConfig) -> None:
    add_quote(database, "Q-A", "s-a", MONDAY, ["M8 bolt"])
    later = MONDAY + timedelta(days=3, hours=1)
    with pytest.raises(OSError, match="disk full"):
        run_followups(database, config, later, outbox=FakeOutbox(fail=True))
    assert jobs(database) == []
    with database.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM followups").fetchone()[0] == 0
    assert [t.subject for t in run_followups(database, config, later, outbox=FakeOutbox())] == ["Q-A"]


def test_dry_run_lists_due_follow_ups_without_sending(database: Database, config: RoutingConfig) -> None:
    add_quote(database, "Q-A", "s-a", MONDAY, ["M8 bolt"])
    later = MONDAY + timedelta(days=3, hours=1)
    assert [t.subject for t in run_followups(database, config, later, dry_run=True)] == ["Q-A"]
    assert [t.subject for t in run_followups(database, config, later, dry_run=True)] == ["Q-A"]  # still due
    assert [t.subject for t in run_followups(database, config, later, outbox=FakeOutbox())] == ["Q-A"]
    assert run_followups(database, config, later, dry_run=True) == []


def test_naive_now_is_refused(database: Database, config: RoutingConfig) -> None:
    with pytest.raises(ValueError, match="aware"):
        run_followups(database, config, datetime(2026, 11, 23, 10, 0), outbox=FakeOutbox())


def test_the_real_outbox_gets_one_pending_job_per_follow_up(database: Database, config: RoutingConfig) -> None:
    outbox_module = pytest.importorskip("bot.outbox")
    add_lead(database, "L-1", "s-b", MONDAY, "huadong-mechanical")
    later = MONDAY + timedelta(hours=5)
    assert len(run_followups(database, config, later)) == 1  # the default: bot.outbox.Outbox on the same file
    assert run_followups(database, config, later) == []
    pending = outbox_module.Outbox(database).list_jobs("pending")
    assert [(j.job_key, j.target, j.kind) for j in pending] == [
        ("followup:lead-unacknowledged:L-1", "brand", "followup")
    ]
    assert pending[0].payload["lead_id"] == "L-1"
