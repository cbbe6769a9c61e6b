"""Unmet demand: every question the catalog could not answer, kept for the brand to read later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from knowledge.db import Database


@dataclass(frozen=True)
class DemandRecord:
    kind: str  # spec_not_found | attribute_unknown | search_empty
    text: str
    part_text: str
    attribute: str
    language: str
    sender_id: str
    created_at: str


class DemandLog:
    """Append-only `demand` table in the app database (SQLite path or postgresql:// URL)."""

    def __init__(self, where: Database | Path | str) -> None:
        self.db = Database.of(where)
        self.db.create(
            "CREATE TABLE IF NOT EXISTS demand (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, text TEXT NOT NULL,"
            " part_text TEXT, attribute TEXT, language TEXT, sender_id TEXT, created_at TEXT NOT NULL)"
        )

    def record(
        self, kind: str, text: str, *, part_text: str = "", attribute: str = "", language: str = "", sender_id: str = ""
    ) -> DemandRecord:
        """Store one unmet ask and return it."""
        row = DemandRecord(
            kind,
            text,
            part_text,
            attribute,
            language,
            sender_id,
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
        )
        with self.db.connect() as db:
            db.execute(
                "INSERT INTO demand (kind, text, part_text, attribute, language, sender_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.kind, row.text, row.part_text, row.attribute, row.language, row.sender_id, row.created_at),
            )
        return row

    def recent(self, limit: int = 100) -> list[DemandRecord]:
        """The latest records, newest first."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT kind, text, part_text, attribute, language, sender_id, created_at FROM demand"
                " ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [DemandRecord(*row) for row in rows]
