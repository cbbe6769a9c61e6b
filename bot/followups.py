"""Follow-up loop (营销自动化): due triggers from routing.yml become tasks delivered through the outbox.

Triggers (`followups:` in routing.yml, parsed by bot/routing.py):
- `quote_sent_no_lead`: a quote was sent in a conversation and no lead came from that conversation (or named
  the quote) within `after_*` → a follow-up task for `to` ("owner": the distributor the quote's categories
  route to, else the brand). The buyer gave no consent, so the task carries the quote, not personal data.
- `lead_not_acknowledged`: a lead is still unacknowledged (`leads.status` not in ACKNOWLEDGED) `after_*`
  counted from its owner's next opening → escalation to `to` (normally the brand), with the lead.

`run_followups(db_path, config, now)` is idempotent: each trigger fires once per subject (quote id / lead id).
The `followups` row and the outbox job commit in one transaction, and the job key
`followup:<trigger>:<subject>` is unique in the outbox too, so concurrent or repeated runs send nothing twice.
A scheduler (cron, systemd timer) calls `brandstation followups run`.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from bot.routing import FollowupTrigger, RoutingConfig, RoutingError, load_routing, parse_time, route
from bot.tags import family_of, family_of_value
from knowledge.db import Connection, Database

FOLLOWUP_KIND = "followup"
# Lead statuses that mean a person on the receiving side has taken the lead.
ACKNOWLEDGED = frozenset({"acknowledged", "accepted", "contacted", "qualified", "won", "lost", "closed", "rejected"})
MAX_PARTS_IN_TASK = 20


class Enqueuer(Protocol):
    """The part of bot.outbox.Outbox this module uses: enqueue on the caller's open transaction."""

    def enqueue(self, conn: Connection, *, job_key: str, target: str, kind: str, payload: dict[str, Any]) -> int: ...


@dataclass(frozen=True)
class Task:
    """One fired follow-up: which trigger, about what, for whom, and what was sent."""

    trigger_id: str
    event: str
    subject: str  # quote id or lead id
    target: str
    job_key: str
    due_at: datetime
    payload: dict[str, Any] = field(compare=False)


FOLLOWUPS_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS followups (trigger_id TEXT NOT NULL, subject TEXT NOT NULL,"
    " target TEXT NOT NULL, job_key TEXT NOT NULL, due_at TEXT NOT NULL, fired_at TEXT NOT NULL,"
    " PRIMARY KEY (trigger_id, subject))"
)


def run_followups(
    where: Database | Path | str,
    config: RoutingConfig,
    now: datetime,
    *,
    outbox: Enqueuer | None = None,
    dry_run: bool = False,
) -> list[Task]:
    """Fire every due trigger not fired before; returns the tasks fired by THIS run (or due, with dry_run).
    `where` is the leads' database (a SQLite path or a postgresql:// URL)."""
    if now.tzinfo is None:
        raise ValueError("run_followups() needs an aware datetime (now)")
    database = Database.of(where)
    if outbox is None and not dry_run:
        from bot.outbox import Outbox  # the delivery side; imported late so dry runs work without it

        outbox = Outbox(database)
    if not dry_run:
        database.create(FOLLOWUPS_SCHEMA)
    tables = database.tables()
    fired: list[Task] = []
    with database.connect() as db:
        for trigger in config.followups:
            for task in _due(db, tables, config, trigger, now):
                if dry_run:
                    if "followups" not in tables or not _fired_before(db, task):
                        fired.append(task)
                elif _fire(database, task, now, outbox):
                    fired.append(task)
    return fired


def _fired_before(db: Connection, task: Task) -> bool:
    row = db.execute(
        "SELECT 1 FROM followups WHERE trigger_id = ? AND subject = ?", (task.trigger_id, task.subject)
    ).fetchone()
    return row is not None


def _fire(database: Database, task: Task, now: datetime, outbox: Enqueuer | None) -> bool:
    assert outbox is not None
    with database.transaction("leads") as db:
        cursor = db.execute(
            "INSERT INTO followups VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (task.trigger_id, task.subject, task.target, task.job_key, task.due_at.isoformat(), now.isoformat()),
        )
        if cursor.rowcount == 1:
            outbox.enqueue(db, job_key=task.job_key, target=task.target, kind=FOLLOWUP_KIND, payload=task.payload)
    return cursor.rowcount == 1


def _due(
    db: Connection, tables: set[str], config: RoutingConfig, trigger: FollowupTrigger, now: datetime
) -> Iterator[Task]:
    leads = _leads(db) if "leads" in tables else []
    if trigger.event == "quote_sent_no_lead" and "quotes" in tables:  # no quotes table: nothing quoted yet
        yield from _quotes_without_lead(db, leads, config, trigger, now)
    elif trigger.event == "lead_not_acknowledged":
        yield from _unacknowledged_leads(leads, config, trigger, now)


def _quotes_without_lead(
    db: Connection, leads: list[dict[str, Any]], config: RoutingConfig, trigger: FollowupTrigger, now: datetime
) -> Iterator[Task]:
    quotes = db.execute(
        "SELECT quote_id, sender_id, MIN(created_at), MAX(revision) FROM quotes WHERE sender_id != ''"
        " GROUP BY quote_id, sender_id ORDER BY MIN(created_at), quote_id"
    ).fetchall()
    for quote_id, sender_id, created, revision in quotes:
        sent = parse_time(created)
        if sent is None:
            continue
        due = sent + trigger.after
        if due > now or due < now - trigger.window:
            continue
        if any(
            (lead["sender_id"] == sender_id and lead["created"] >= sent) or lead["quote_id"] == quote_id
            for lead in leads
        ):
            continue
        body = _quote_body(db, quote_id, revision)
        categories = _quote_categories(body)
        target, why = _owner(config, trigger, categories, body, now)
        payload = {
            "followup": trigger.id,
            "event": trigger.event,
            "quote_id": quote_id,
            "revision": revision,
            "quote_sent_at": sent.isoformat(),
            "days_without_lead": round((now - sent) / timedelta(days=1), 1),
            "sender_id": sender_id,
            "currency": body.get("currency"),
            "total": body.get("total"),
            "lines": len(body.get("lines") or ()),
            "categories": categories,
            "parts": [line.get("mpn") for line in body.get("lines") or () if line.get("mpn")][:MAX_PARTS_IN_TASK],
            "routing": why,
            "note": "no contact details: the buyer has not consented to be contacted; follow up in the chat",
        }
        yield _task(trigger, quote_id, target, due, payload)


def _unacknowledged_leads(
    leads: list[dict[str, Any]], config: RoutingConfig, trigger: FollowupTrigger, now: datetime
) -> Iterator[Task]:
    for lead in leads:
        if lead["status"] in ACKNOWLEDGED:
            continue
        owner = next((t for t in config.targets if t.id == lead["target"]), None)
        # The clock starts when the owner opens: a lead that arrives at night is not overdue at 4 am.
        start = owner.working_hours.next_opening(lead["created"]) if owner is not None else lead["created"]
        due = start + trigger.after
        if due > now or due < now - trigger.window:
            continue
        target = _resolve_to(config, trigger.to, lead["target"])
        payload = {
            "followup": trigger.id,
            "event": trigger.event,
            "lead_id": lead["lead_id"],
            "owner": lead["target"],
            "owner_name": owner.name if owner is not None else "(no longer in routing.yml)",
            "status": lead["status"],
            "lead_created_at": lead["created"].isoformat(),
            "hours_unacknowledged": round((now - start) / timedelta(hours=1), 1),
            "lead": lead["body"],
        }
        yield _task(trigger, lead["lead_id"], target, due, payload)


def _owner(
    config: RoutingConfig, trigger: FollowupTrigger, categories: list[str], body: Mapping[str, Any], now: datetime
) -> tuple[str, list[str]]:
    if trigger.to != "owner":
        return _resolve_to(config, trigger.to, ""), [f"follow-up rule {trigger.id} sends to {trigger.to}"]
    # The distributor the buyer would have reached with these categories (no region without a lead).
    pseudo_lead = {"interest": {"categories": categories}, "volume": {"value_cny": body.get("total")}}
    decision = route(pseudo_lead, config, load_today={}, now=now, rr_state={})
    return decision.target_id, [*decision.explanation]


def _resolve_to(config: RoutingConfig, to: str, owner: str) -> str:
    if to == "brand":
        return config.brand.id
    if to == "owner":
        return owner or config.brand.id
    return config.target(to).id


def _task(trigger: FollowupTrigger, subject: str, target: str, due: datetime, payload: dict[str, Any]) -> Task:
    job_key = re.sub(r"[^A-Za-z0-9_:\-]", "_", f"followup:{trigger.id}:{subject}")[:200]  # it becomes the webhook-id
    return Task(trigger.id, trigger.event, subject, target, job_key, due, payload)


def _leads(db: Connection) -> list[dict[str, Any]]:
    rows = db.execute("SELECT lead_id, created_at, sender_id, target, status, body FROM leads").fetchall()
    leads = []
    for lead_id, created, sender_id, target, status, body in rows:
        when = parse_time(created)
        if when is None:
            continue
        data = _json(body)
        interest = data.get("interest") or {}
        leads.append(
            {
                "lead_id": lead_id,
                "created": when,
                "sender_id": sender_id,
                "target": target,
                "status": status,
                "quote_id": interest.get("quote_id") if isinstance(interest, Mapping) else None,
                "body": data,
            }
        )
    return leads


def _quote_body(db: Connection, quote_id: str, revision: int) -> dict[str, Any]:
    row = db.execute("SELECT body FROM quotes WHERE quote_id = ? AND revision = ?", (quote_id, revision)).fetchone()
    return _json(row[0]) if row else {}


def _quote_categories(body: Mapping[str, Any]) -> list[str]:
    counts: dict[str, int] = {}
    for line in body.get("lines") or ():
        text = " ".join(str(x) for x in (line.get("description"), (line.get("input") or {}).get("description")) if x)
        family = family_of(text) if text else None
        if family is None:
            family = family_of_value(str((line.get("input") or {}).get("value") or ""))
        if family is not None:
            counts[family] = counts.get(family, 0) + 1
    return sorted(counts, key=lambda name: -counts[name])


def _json(text: object) -> dict[str, Any]:
    try:
        data = json.loads(str(text))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------------------------------------
# CLI: brandstation followups run


def register_cli(subparsers: Any) -> Any:
    """Add `followups run` to the `brandstation` parser."""
    p = subparsers.add_parser("followups", help="follow-up triggers (quote without lead, unacknowledged lead)")
    group = p.add_subparsers(dest="followups_command", required=True)
    run = group.add_parser("run", help="fire the due follow-ups once each (idempotent; run it from a scheduler)")
    run.add_argument("--config", type=Path, help="routing file (default: settings routing_file)")
    run.add_argument("--now", help="pretend it is this ISO time (default: now)")
    run.add_argument("--dry-run", action="store_true", help="list what is due without enqueuing anything")
    run.set_defaults(handler=_cli_run)
    return group


def _cli_run(args: argparse.Namespace) -> int:
    from bot.routing import default_routing_file
    from bot.settings import get_settings

    config = load_routing(args.config or default_routing_file(), resolve_secrets=False)
    now = parse_time(args.now) if args.now else datetime.now(timezone.utc)
    if now is None:
        raise RoutingError(f"--now {args.now!r} is not an ISO date-time")
    tasks = run_followups(get_settings().db(), config, now, dry_run=args.dry_run)
    verb = "due" if args.dry_run else "fired"
    for task in tasks:
        print(f"{verb}: {task.trigger_id} · {task.subject} → {task.target} (due {task.due_at.isoformat()})")
    print(f"{len(tasks)} follow-up(s) {verb}")
    return 0
