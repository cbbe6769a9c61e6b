"""Leads and their delivery jobs written by several processes at once (replicas on one database), both engines."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.leads import LeadService, LeadStore
from bot.outbox import Outbox
from bot.settings import ROOT
from knowledge.db import Database

ANSWERS = {
    "lead_company": "深圳测试电子有限公司",
    "lead_name": "王工",
    "lead_contact": "13812345678",
    "lead_region": "广东深圳",
    "lead_volume": "每月5000片",
    "lead_timing": "下个月",
}
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai: every demo target is open


def _replica(database: Database, routing: Path) -> LeadService:
    # each replica opens its own stores on the shared database, as two action servers do
    return LeadService(
        LeadStore(Database(database.url)),
        Outbox(Database(database.url)),
        routing,
        "Test Brand",
        category_of=lambda sku: "Fasteners / Bolts",
    )


def test_replicas_submitting_at_once_get_distinct_ids_and_one_job_each(app_db: Database, tmp_path: Path) -> None:
    routing = tmp_path / "routing.yml"
    shutil.copy(ROOT / "config" / "routing.yml", routing)
    replicas = [_replica(app_db, routing) for _ in range(4)]

    def submit(i: int) -> str:
        lead, _ = replicas[i % 4].submit(
            answers=ANSWERS, language="zh", channel="rest", sender_id=f"buyer-{i}", events=[], slots={}, now=NOW
        )
        return str(lead["lead_id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(submit, range(40)))
    assert len(set(ids)) == 40
    assert sorted(ids) == [f"L-20261124-{n:04d}" for n in range(1, 41)]  # the day's numbers, no gap, no repeat
    with app_db.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM leads").fetchone()[0] == 40
        keys = [row[0] for row in db.execute("SELECT job_key FROM outbox ORDER BY id").fetchall()]
    assert len(keys) == 40 and {key.split(":")[1] for key in keys} == set(ids)


def test_load_and_round_robin_are_shared_across_replicas(app_db: Database, tmp_path: Path) -> None:
    """Today's load and the round-robin memory live in the database, so two replicas route like one process:
    fastener leads from Shanghai spread over the two matching distributors by load, ties by round robin."""
    routing = tmp_path / "routing.yml"
    shutil.copy(ROOT / "config" / "routing.yml", routing)
    a, b = _replica(app_db, routing), _replica(app_db, routing)
    single = _replica(Database(tmp_path / "single.sqlite"), routing)

    def route_six(pick: Callable[[int], LeadService]) -> list[tuple[str, str]]:
        decisions = []
        for i in range(6):
            _, decision = pick(i).submit(
                answers={**ANSWERS, "lead_region": "上海"},
                language="zh",
                channel="rest",
                sender_id=f"buyer-{i}",
                events=[],
                slots={"last_sku": "M8X30"},
                now=NOW,
            )
            decisions.append((decision.target_id, decision.rule))
        return decisions

    targets = route_six(lambda i: a if i % 2 else b)
    expected = route_six(lambda i: single)
    assert targets == expected
    assert {rule for _, rule in targets} >= {"round_robin"}
    assert {t for t, _ in targets} == {"huadong-mechanical", "national-fasteners"}  # least loaded, by capacity


def test_the_same_consent_again_returns_the_stored_lead(app_db: Database, tmp_path: Path) -> None:
    """A consent turn that died after the lead was stored (a replica killed mid-turn) is sent again by the buyer:
    the stored lead is the answer, no second lead or delivery; other answers, or an hour later, make a new one."""
    routing = tmp_path / "routing.yml"
    shutil.copy(ROOT / "config" / "routing.yml", routing)
    service = _replica(app_db, routing)

    def submit(answers: dict[str, str], now: datetime) -> tuple[str, str]:
        lead, decision = service.submit(
            answers=answers, language="zh", channel="rest", sender_id="buyer-1", events=[], slots={}, now=now
        )
        return str(lead["lead_id"]), decision.target_id

    first = submit(ANSWERS, NOW)
    assert submit(ANSWERS, NOW + timedelta(seconds=30)) == first
    assert submit({**ANSWERS, "lead_timing": "三个月后"}, NOW + timedelta(minutes=1))[0] != first[0]
    assert submit(ANSWERS, NOW + timedelta(hours=2))[0] != first[0]
    with app_db.connect() as db:
        assert db.execute("SELECT COUNT(*) FROM leads").fetchone()[0] == 3
        assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 3
