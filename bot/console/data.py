"""What the console reads from the embedded database: leads with their deliveries, outbox jobs, quotes, demand.

Every query is parameterized, and every read takes the caller's scope: `target=None` is the brand's view (all),
a target id is a distributor rep's view (only what was routed to that target). A lead's delivery is the outbox
job `lead:<lead_id>:<target>` (bot/outbox.py `make_job_key`); its pipeline stage is derived:

    new ──(job delivered)──▶ delivered ──(rep acknowledges)──▶ acknowledged ──▶ won | lost

`leads.status` holds what people set (acknowledged / won / lost; bot/followups.py stops escalating then).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.demand import DemandLog
from bot.followups import ACKNOWLEDGED
from bot.leads import LeadStore
from bot.outbox import DEAD, DELIVERED, STATES, Outbox, make_job_key
from bot.quotes import QuoteStore
from bot.tags import family_of
from knowledge.catalog import normalize_code
from knowledge.db import Connection, Database

STAGES = ("new", "delivered", "acknowledged", "won", "lost")
SETTABLE_STATUSES = ("acknowledged", "won", "lost")
_LOST = frozenset({"lost", "rejected", "closed"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Delivery:
    """One outbox job as the console shows it."""

    id: int
    job_key: str
    target: str
    kind: str
    state: str
    attempts: int
    last_error: str
    last_status: int | None
    created_at: str
    next_attempt_at: str
    delivered_at: str
    subject: str  # the lead or quote id the job is about


@dataclass(frozen=True)
class Lead:
    lead_id: str
    created_at: str
    sender_id: str
    target: str
    rule: str
    score: int
    status: str
    stage: str
    body: dict[str, Any]
    delivery: Delivery | None

    @property
    def company(self) -> str:
        return str((self.body.get("contact") or {}).get("company") or "")

    @property
    def contact_name(self) -> str:
        return str((self.body.get("contact") or {}).get("name") or "")

    @property
    def region(self) -> str:
        region = self.body.get("region") or {}
        return " ".join(str(region.get(k) or "") for k in ("province", "city")).strip() or str(
            region.get("country") or ""
        )

    @property
    def signals(self) -> list[tuple[str, int]]:
        return [(str(s[0]), int(s[1])) for s in self.body.get("score_signals") or () if len(s) == 2]


@dataclass(frozen=True)
class QuoteRow:
    quote_id: str
    revision: int
    sender_id: str
    total: str
    currency: str
    created_at: str
    file: str
    boards: int
    lines: int
    statuses: dict[str, int]


@dataclass
class DemandGroup:
    """Unmet asks that name the same part (or the same words), or the same category."""

    key: str
    label: str
    category: str
    count: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    buyers: set[str] = field(default_factory=set)
    first_seen: str = ""
    last_seen: str = ""
    examples: list[str] = field(default_factory=list)
    attributes: Counter[str] = field(default_factory=Counter)


class ConsoleData:
    """Read (and the few writes: lead status, retry) of the bot's own tables, always within a scope."""

    def __init__(self, where: Database | Path | str) -> None:
        self.db = Database.of(where)
        # The owners create their tables; doing it here lets a fresh install open the console before any chat.
        LeadStore(self.db)
        self.outbox = Outbox(self.db)
        QuoteStore(self.db)
        DemandLog(self.db)

    # -- leads ----------------------------------------------------------------------------------------------

    def leads(
        self, target: str | None, *, stage: str = "", q: str = "", sender: str = "", limit: int = 500
    ) -> list[Lead]:
        """Leads newest first, in scope; `q` searches the lead id and the whole lead record."""
        sql = "SELECT lead_id, created_at, sender_id, target, rule, score, status, body FROM leads WHERE 1 = 1"
        params: list[Any] = []
        if sender:
            sql += " AND sender_id = ?"
            params.append(sender)
        if target is not None:
            sql += " AND target = ?"
            params.append(target)
        if q:
            sql += " AND (lead_id LIKE ? ESCAPE '!' OR LOWER(body) LIKE ? ESCAPE '!' OR sender_id = ?)"
            params += [like(q), like(q.lower()), q]
        sql += " ORDER BY created_at DESC, lead_id DESC LIMIT ?"
        params.append(limit if not stage else limit * 20)
        with self.db.connect() as db:
            rows = db.execute(sql, params).fetchall()
            keys = [make_job_key("lead", r[0], r[3]) for r in rows]
            deliveries = {d.job_key: d for d in self._jobs_by_key(db, keys)}
        leads = [_lead(row, deliveries.get(key)) for row, key in zip(rows, keys, strict=True)]
        if stage:
            leads = [lead for lead in leads if lead.stage == stage]
        return leads[:limit]

    def lead(self, lead_id: str, target: str | None) -> Lead | None:
        """One lead, or None when it does not exist OR is outside the scope (the two look the same)."""
        with self.db.connect() as db:
            row = db.execute(
                "SELECT lead_id, created_at, sender_id, target, rule, score, status, body FROM leads"
                " WHERE lead_id = ? AND (? IS NULL OR target = ?)",
                (lead_id, target, target),
            ).fetchone()
            if row is None:
                return None
            found = self._jobs_by_key(db, [make_job_key("lead", row[0], row[3])])
        return _lead(row, found[0] if found else None)

    def lead_jobs(self, lead: Lead, target: str | None) -> list[Delivery]:
        """The lead's delivery job and the follow-ups about it, in scope."""
        with self.db.connect() as db:
            rows = db.execute(
                f"SELECT {_JOB_COLUMNS} FROM outbox WHERE (job_key = ? OR job_key LIKE ? ESCAPE '!')"
                " AND (? IS NULL OR target = ?) ORDER BY id",
                (
                    make_job_key("lead", lead.lead_id, lead.target),
                    "followup:%:" + _escape(lead.lead_id),
                    target,
                    target,
                ),
            ).fetchall()
        return [_delivery(row) for row in rows]

    def set_lead_status(self, lead_id: str, status: str, target: str | None) -> bool:
        """acknowledged / won / lost; False when the lead is not in scope."""
        if status not in SETTABLE_STATUSES:
            raise ValueError(f"status must be one of {', '.join(SETTABLE_STATUSES)}")
        with self.db.connect() as db:
            changed = db.execute(
                "UPDATE leads SET status = ? WHERE lead_id = ? AND (? IS NULL OR target = ?)",
                (status, lead_id, target, target),
            ).rowcount
        return bool(changed)

    def lead_senders(self, target: str | None) -> set[str]:
        """Buyers (tracker sender ids) with a lead in scope."""
        with self.db.connect() as db:
            rows = db.execute("SELECT DISTINCT sender_id FROM leads WHERE (? IS NULL OR target = ?)", (target, target))
            return {str(r[0]) for r in rows}

    def delivered_senders(self) -> set[str]:
        """Buyers with at least one lead whose delivery job is delivered."""
        with self.db.connect() as db:
            rows = db.execute("SELECT lead_id, sender_id, target FROM leads").fetchall()
            keys = {make_job_key("lead", r[0], r[2]): str(r[1]) for r in rows}
            done = {d.job_key for d in self._jobs_by_key(db, list(keys)) if d.state == DELIVERED}
        return {sender for key, sender in keys.items() if key in done}

    # -- outbox ---------------------------------------------------------------------------------------------

    def jobs(self, target: str | None, *, state: str = "", limit: int = 200) -> list[Delivery]:
        """Outbox jobs newest first, in scope; `state` one of pending / in_flight / delivered / dead."""
        if state and state not in STATES:
            state = ""
        with self.db.connect() as db:
            rows = db.execute(
                f"SELECT {_JOB_COLUMNS} FROM outbox WHERE (? = '' OR state = ?) AND (? IS NULL OR target = ?)"
                " ORDER BY id DESC LIMIT ?",
                (state, state, target, target, limit),
            ).fetchall()
        return [_delivery(row) for row in rows]

    def job(self, job_id: int, target: str | None) -> Delivery | None:
        with self.db.connect() as db:
            row = db.execute(
                f"SELECT {_JOB_COLUMNS} FROM outbox WHERE id = ? AND (? IS NULL OR target = ?)",
                (job_id, target, target),
            ).fetchone()
        return None if row is None else _delivery(row)

    def job_counts(self, target: str | None) -> dict[str, int]:
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT state, COUNT(*) FROM outbox WHERE (? IS NULL OR target = ?) GROUP BY state", (target, target)
            ).fetchall()
        counts = dict.fromkeys(STATES, 0)
        counts.update({str(s): int(n) for s, n in rows})
        return counts

    def retry(self, job_id: int, target: str | None) -> Delivery | None:
        """A dead job in scope back to pending (None when not in scope; OutboxError when not dead)."""
        if self.job(job_id, target) is None:
            return None
        self.outbox.retry(job_id)
        return self.job(job_id, target)

    # -- quotes ---------------------------------------------------------------------------------------------

    def quote_scope(self, target: str | None) -> tuple[set[str], set[str]] | None:
        """(sender ids, quote ids) whose quotes a rep may open: buyers with a lead routed to the rep, quotes a
        lead of the rep names, and quotes a follow-up was sent to the rep about. None = everything."""
        if target is None:
            return None
        senders, quote_ids = set(), set()
        with self.db.connect() as db:
            for sender, body in db.execute("SELECT sender_id, body FROM leads WHERE target = ?", (target,)):
                senders.add(str(sender))
                quote_id = (_json(body).get("interest") or {}).get("quote_id")
                if quote_id:
                    quote_ids.add(str(quote_id))
            for (payload,) in db.execute(
                "SELECT payload FROM outbox WHERE target = ? AND kind = 'followup'", (target,)
            ):
                if quote_id := _json(payload).get("quote_id"):
                    quote_ids.add(str(quote_id))
        senders.discard("")
        return senders, quote_ids

    def quotes(self, target: str | None, *, q: str = "", limit: int = 300) -> list[QuoteRow]:
        """Quotes (latest revision each) newest first, in scope; `q` searches id, sender and the quote body."""
        sql = (
            "SELECT q.quote_id, q.revision, q.sender_id, q.total, q.created_at, q.body FROM quotes q"
            " WHERE q.revision = (SELECT MAX(revision) FROM quotes r WHERE r.quote_id = q.quote_id)"
        )
        params: list[Any] = []
        if q:
            # the body carries the download token (random, may contain "_"): it is not buyer text, so not searched
            sql += (
                " AND (q.quote_id LIKE ? ESCAPE '!' OR q.sender_id = ?"
                " OR LOWER(REPLACE(q.body, q.token, '')) LIKE ? ESCAPE '!')"
            )
            params += [like(q), q, like(q.lower())]
        scope = self.quote_scope(target)
        if scope is not None:
            senders, quote_ids = scope
            sql += f" AND (q.sender_id IN ({_marks(senders)}) OR q.quote_id IN ({_marks(quote_ids)}))"
            params += [*senders, *quote_ids]
        sql += " ORDER BY q.created_at DESC, q.quote_id DESC LIMIT ?"
        params.append(limit)
        with self.db.connect() as db:
            rows = db.execute(sql, params).fetchall()
        return [_quote_row(row) for row in rows]

    def quote(self, quote_id: str, revision: int | None, target: str | None) -> tuple[dict[str, Any], list[int]] | None:
        """(quote body, all revision numbers), or None when missing or out of scope."""
        scope = self.quote_scope(target)
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT revision, sender_id, body FROM quotes WHERE quote_id = ? ORDER BY revision", (quote_id,)
            ).fetchall()
        if not rows:
            return None
        if scope is not None and not (str(rows[0][1]) in scope[0] or quote_id in scope[1]):
            return None
        revisions = [int(r[0]) for r in rows]
        chosen = next((r for r in rows if revision is not None and int(r[0]) == revision), None)
        if chosen is None and revision is not None:
            return None
        body = _json((chosen or rows[-1])[2])
        body.setdefault("sender_id", str((chosen or rows[-1])[1]))
        return body, revisions

    def quote_senders(self) -> set[str]:
        with self.db.connect() as db:
            return {str(r[0]) for r in db.execute("SELECT DISTINCT sender_id FROM quotes WHERE sender_id != ''")}

    # -- demand ---------------------------------------------------------------------------------------------

    def demand_kinds(self) -> list[str]:
        with self.db.connect() as db:
            return [str(r[0]) for r in db.execute("SELECT DISTINCT kind FROM demand ORDER BY kind")]

    def demand_senders(self) -> set[str]:
        with self.db.connect() as db:
            return {str(r[0]) for r in db.execute("SELECT DISTINCT sender_id FROM demand WHERE sender_id != ''")}

    def demand(self, *, kind: str = "", q: str = "", by: str = "part", examples: int = 3) -> list[DemandGroup]:
        """Unmet asks grouped by normalized part number (or the words, when no part was named) or by product
        category (`by="category"`), most asked first."""
        sql = "SELECT kind, text, part_text, attribute, sender_id, created_at FROM demand WHERE (? = '' OR kind = ?)"
        params: list[Any] = [kind, kind]
        if q:
            sql += " AND (LOWER(text) LIKE ? ESCAPE '!' OR LOWER(part_text) LIKE ? ESCAPE '!')"
            params += [like(q.lower()), like(q.lower())]
        with self.db.connect() as db:
            rows = db.execute(sql + " ORDER BY id", params).fetchall()
        groups: dict[str, DemandGroup] = {}
        for kind_, text, part_text, attribute, sender, created in rows:
            text, part_text = str(text or ""), str(part_text or "")
            category = family_of(" ".join((part_text, text))) or ""
            if by == "category":
                key, label = "c:" + (category or "-"), category or "-"
            elif normalize_code(part_text):
                key, label = "p:" + normalize_code(part_text), part_text.strip()
            else:
                words = " ".join(text.lower().split())[:120]
                key, label = "t:" + words, text.strip()[:120]
            group = groups.get(key)
            if group is None:
                group = groups[key] = DemandGroup(key, label, category, first_seen=str(created))
            group.count += 1
            group.kinds[str(kind_)] += 1
            if sender:
                group.buyers.add(str(sender))
            if attribute:
                group.attributes[str(attribute)] += 1
            group.first_seen = min(group.first_seen, str(created))
            group.last_seen = max(group.last_seen, str(created))
            if text and text not in group.examples and len(group.examples) < examples:
                group.examples.append(text[:300])
        recent_first = sorted(groups.values(), key=lambda g: g.last_seen, reverse=True)
        return sorted(recent_first, key=lambda g: -g.count)

    # -- helpers ------------------------------------------------------------------------------------------------

    def _jobs_by_key(self, db: Connection, keys: Sequence[str]) -> list[Delivery]:
        found: list[Delivery] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = db.execute(f"SELECT {_JOB_COLUMNS} FROM outbox WHERE job_key IN ({_marks(chunk)})", chunk)
            found += [_delivery(row) for row in rows]
        return found


def demand_csv(groups: Iterable[DemandGroup], lang: str) -> bytes:
    """The demand report as CSV (UTF-8 with BOM, so Excel reads the Chinese); every text cell is defused
    against formula injection (OWASP: a leading = + - @ tab or CR gets a ' prefix)."""
    zh = lang == "zh"
    header = (
        ["零件/需求", "类别", "次数", "买家数", "类型", "参数", "首次", "最近", "示例"]
        if zh
        else ["part / ask", "category", "count", "buyers", "kinds", "attributes", "first seen", "last seen", "examples"]
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for g in groups:
        writer.writerow(
            [
                csv_safe(g.label),
                csv_safe(g.category),
                g.count,
                len(g.buyers),
                csv_safe("; ".join(f"{k} {n}" for k, n in g.kinds.most_common())),
                csv_safe("; ".join(f"{k} {n}" for k, n in g.attributes.most_common())),
                csv_safe(g.first_seen),
                csv_safe(g.last_seen),
                csv_safe(" | ".join(g.examples)),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_safe(value: str) -> str:
    """A text cell a spreadsheet will not run: a leading = + - @ tab CR or LF (also after spaces) gets a '."""
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


def like(text: str) -> str:
    """A LIKE pattern for "contains `text`" (escape character !)."""
    return "%" + _escape(text) + "%"


def _escape(text: str) -> str:
    return re.sub(r"([!%_])", r"!\1", text)


def _marks(items: Sequence[Any] | set[Any]) -> str:
    return ", ".join("?" * len(items)) or "NULL"


def _lead(row: Sequence[Any], delivery: Delivery | None) -> Lead:
    status = str(row[6])
    if status in _LOST:
        stage = "lost"
    elif status == "won":
        stage = "won"
    elif status in ACKNOWLEDGED:
        stage = "acknowledged"
    elif delivery is not None and delivery.state == DELIVERED:
        stage = "delivered"
    else:
        stage = "new"
    return Lead(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        int(row[5]),
        status,
        stage,
        _json(row[7]),
        delivery,
    )


_JOB_COLUMNS = (
    "id, job_key, target, kind, state, attempts, last_error, last_status, created_at, next_attempt_at, delivered_at,"
    " payload"
)


def _delivery(row: Sequence[Any]) -> Delivery:
    payload = _json(row[11])
    state = str(row[4])
    subject = str(payload.get("lead_id") or payload.get("quote_id") or "")
    return Delivery(
        id=int(row[0]),
        job_key=str(row[1]),
        target=str(row[2]),
        kind=str(row[3]),
        state=state,
        attempts=int(row[5]),
        last_error=str(row[6] or ""),
        last_status=None if row[7] is None else int(row[7]),
        created_at=_iso(row[8]),
        next_attempt_at=_iso(row[9]) if state not in (DELIVERED, DEAD) else "",
        delivered_at=_iso(row[10]),
        subject=subject,
    )


def _quote_row(row: Sequence[Any]) -> QuoteRow:
    body = _json(row[5])
    lines = body.get("lines") or []
    statuses = Counter(str(line.get("status")) for line in lines if isinstance(line, dict))
    boards = body.get("boards")
    return QuoteRow(
        quote_id=str(row[0]),
        revision=int(row[1]),
        sender_id=str(row[2]),
        total=str(row[3]),
        currency=str(body.get("currency") or ""),
        created_at=str(row[4]),
        file=str(body.get("file") or ""),
        boards=int(boards) if isinstance(boards, int) else 0,
        lines=len(lines),
        statuses=dict(statuses),
    )


def _json(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _iso(stamp: Any) -> str:
    if stamp is None:
        return ""
    return datetime.fromtimestamp(float(stamp), timezone.utc).isoformat(timespec="seconds")
