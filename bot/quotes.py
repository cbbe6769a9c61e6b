"""BOM quotes as a service: uploads and quote revisions in the embedded SQLite database, ids, and download links.

`QuoteService.quote_file` reads an uploaded BOM, matches it, prices it and stores revision 1;
`revise` applies a buyer's change ("第7行用第二个", "quote for 500 boards") as the next revision of the same
quote id. Every revision is kept. Download links carry a random per-quote token, so a guessed quote id
reveals nothing, and quote ids are random too.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bot.bom_sandbox import read_bom_isolated, read_bom_text_isolated
from bot.demand import DemandLog
from knowledge.bom import FILE_TYPES_TEXT, BomReadResult, ReadOverrides, parse_reading_correction
from knowledge.bom_match import BomMatcher
from knowledge.db import Database
from knowledge.errors import KnowledgeError
from knowledge.pricing import PricingSettings, new_quote_id
from knowledge.quote import (
    QuoteError,
    Revision,
    build_quote,
    carry_choices,
    merge_overrides,
    next_revision,
    overrides_from_json,
    overrides_to_json,
    parse_revision,
    revise_quote,
)
from knowledge.search import SearchEngine

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXPORT_FORMATS = ("xlsx", "csv", "pdf")
# Quote ids end in 6 random characters (32⁶ ≈ 10⁹ a day) that a buyer can read out on the phone: Crockford's
# base32 alphabet, without I, L, O and U.
QUOTE_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
QUOTE_ID_CHARS = 6


class QuoteNotFound(KnowledgeError):
    """No stored quote (or upload) with that id."""


@dataclass(frozen=True)
class Upload:
    upload_id: str
    name: str
    data: bytes
    sender_id: str


class QuoteStore:
    """`uploads` and `quotes` tables (one row per revision), in the app database (SQLite path or postgresql://)."""

    def __init__(self, where: Database | Path | str) -> None:
        self.db = Database.of(where)
        self.db.create(
            "CREATE TABLE IF NOT EXISTS uploads (upload_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            " size INTEGER NOT NULL, data BLOB NOT NULL, sender_id TEXT NOT NULL, created_at TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS quotes (quote_id TEXT NOT NULL, revision INTEGER NOT NULL,"
            " token TEXT NOT NULL, sender_id TEXT NOT NULL, total TEXT NOT NULL, created_at TEXT NOT NULL,"
            " body TEXT NOT NULL, PRIMARY KEY (quote_id, revision));"
            "CREATE INDEX IF NOT EXISTS quotes_token ON quotes (token)"
        )

    def save_upload(self, name: str, data: bytes, sender_id: str = "") -> str:
        """Keep an uploaded file; returns its id. Refuses empty and oversized files."""
        if not data:
            raise KnowledgeError(f"empty upload: attach a BOM file ({FILE_TYPES_TEXT})")
        if len(data) > MAX_UPLOAD_BYTES:
            raise KnowledgeError(
                f"the file is {len(data) / 1e6:.1f} MB; BOM uploads are limited to {MAX_UPLOAD_BYTES // 2**20} MB"
            )
        upload_id = secrets.token_urlsafe(12)
        with self.db.connect() as db:
            db.execute(
                "INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?)",
                (upload_id, Path(name).name[:200] or "bom", len(data), data, sender_id, _now()),
            )
        return upload_id

    def upload(self, upload_id: str, owner: str | None = None) -> Upload:
        """An uploaded file; with `owner`, only when that conversation uploaded it (anyone else is told it does
        not exist, so another buyer's upload id opens nothing)."""
        with self.db.connect() as db:
            row = db.execute(
                "SELECT upload_id, name, data, sender_id FROM uploads WHERE upload_id = ?", (upload_id,)
            ).fetchone()
        if row is None or (owner is not None and row[3] != owner):
            raise QuoteNotFound(f"no uploaded file {str(upload_id)[:40]!r}: upload it again")
        return Upload(row[0], row[1], bytes(row[2]), row[3])

    def save(self, quote: dict[str, Any], sender_id: str = "", *, today: date | None = None) -> dict[str, Any]:
        """Store one revision. With `today`, a new quote: it gets a new random id (Q-YYYYMMDD-XXXXXX, checked unused
        inside the write transaction; random so that one quote id says nothing about another) and a fresh
        download token; later revisions reuse the token."""
        with self.db.transaction("quotes") as db:
            if today is not None:
                quote["quote_id"] = _unused_quote_id(db, today)
                token = secrets.token_urlsafe(16)
            else:
                row = db.execute("SELECT token FROM quotes WHERE quote_id = ? LIMIT 1", (quote["quote_id"],)).fetchone()
                if row is None:
                    raise QuoteNotFound(f"no quote {quote['quote_id']!r} to revise")
                token = row[0]
            quote["token"] = token
            db.execute(
                "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    quote["quote_id"],
                    int(quote["revision"]),
                    token,
                    sender_id,
                    quote["total"],
                    _now(),
                    json.dumps(quote, ensure_ascii=False),
                ),
            )
        return quote

    def latest(self, quote_id: str, owner: str | None = None) -> dict[str, Any]:
        """The newest revision; with `owner`, only when that conversation made the quote (QuoteNotFound else)."""
        if owner is None:
            return self._one("SELECT body FROM quotes WHERE quote_id = ? ORDER BY revision DESC LIMIT 1", (quote_id,))
        return self._one(
            "SELECT body FROM quotes WHERE quote_id = ? AND sender_id = ? ORDER BY revision DESC LIMIT 1",
            (quote_id, owner),
        )

    def by_token(self, token: str, quote_id: str, revision: int) -> dict[str, Any]:
        return self._one(
            "SELECT body FROM quotes WHERE token = ? AND quote_id = ? AND revision = ?", (token, quote_id, revision)
        )

    def latest_id(self) -> str:
        """The most recently created quote id (CLI and tests)."""
        with self.db.connect() as db:
            row = db.execute("SELECT quote_id FROM quotes ORDER BY created_at DESC, quote_id DESC LIMIT 1").fetchone()
        if row is None:
            raise QuoteNotFound("no quotes yet")
        return str(row[0])

    def revisions(self, quote_id: str) -> list[int]:
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT revision FROM quotes WHERE quote_id = ? ORDER BY revision", (quote_id,)
            ).fetchall()
        return [int(r[0]) for r in rows]

    def _one(self, sql: str, params: tuple[Any, ...]) -> dict[str, Any]:
        with self.db.connect() as db:
            row = db.execute(sql, params).fetchone()
        if row is None:
            raise QuoteNotFound("no such quote")
        body: dict[str, Any] = json.loads(row[0])
        return body


@dataclass
class QuoteService:
    """Read → match → price → store, and revisions; one per process (bot/providers.py)."""

    engine: SearchEngine
    store: QuoteStore
    demand: DemandLog | None = None
    settings: PricingSettings = field(default_factory=PricingSettings)
    public_url: str = ""
    _matcher: BomMatcher | None = field(default=None, repr=False)

    @property
    def matcher(self) -> BomMatcher:
        if self._matcher is None:
            self._matcher = BomMatcher(self.engine)
        return self._matcher

    def quote_file(self, name: str, data: bytes, *, boards: int = 1, sender_id: str = "") -> dict[str, Any]:
        """Quote a file (the CLI; the chat quotes uploads): BomFormatError when it cannot be a BOM; BomLimitError,
        one kind of it, when it is over a reader limit or needs more memory or time than its worker process gets
        (bot/bom_sandbox.py)."""
        return self._quote(read_bom_isolated(name, data), boards, sender_id)

    def quote_upload(self, upload_id: str, *, boards: int = 1, sender_id: str = "") -> dict[str, Any]:
        """Quote a file this conversation uploaded; the quote remembers the upload, so the buyer can correct how
        it was read ("数量在第5列", "skip the first sheet")."""
        upload = self.store.upload(upload_id, owner=sender_id)
        return self._quote(self._read(upload, None, pasted=False), boards, sender_id, upload_id, pasted=False)

    def quote_text(self, text: str, *, boards: int = 1, sender_id: str = "") -> dict[str, Any]:
        """Quote BOM rows pasted into the chat (read in a worker process too); kept like an upload for corrections."""
        upload_id = self.store.save_upload("pasted.txt", text.encode("utf-8"), sender_id)
        read = read_bom_text_isolated(text)
        return self._quote(read, boards, sender_id, upload_id, pasted=True)

    def revise(self, quote_id: str, revision: Revision, *, sender_id: str = "") -> dict[str, Any]:
        """The next revision of a quote this conversation made (QuoteNotFound for anyone else's; QuoteError for
        a change it cannot take)."""
        quote = self.store.latest(quote_id, owner=sender_id)
        new = revise_quote(quote, self.engine.store, revision, settings=self.settings, today=date.today())
        return self._with_links(self.store.save(new, sender_id))

    def revise_text(self, quote_id: str, text: str, *, sender_id: str = "") -> dict[str, Any] | None:
        """The next revision from the buyer's words, or None when they ask for no change this reads: a board
        count ("报价 500 套"), a pick ("第3行用第二个", "main_board line 2 use the second one") or a correction of
        how the file was read ("数量在第5列", "skip the first sheet"; the stored upload read again, with every
        earlier correction, the board count and the picks of lines that are still there)."""
        quote = self.store.latest(quote_id, owner=sender_id)
        reading = quote.get("reading") or {}
        sheets = tuple(reading.get("sheets") or ())
        revision = parse_revision(text, sheets)
        correction = parse_reading_correction(text, sheets)
        if correction is None:
            if not revision:
                return None
            return self.revise(quote_id, revision, sender_id=sender_id)
        if revision.line is not None:
            raise QuoteError("one change at a time: first the pick, then the correction of the columns")
        return self._read_again(quote, correction, revision.boards, sender_id)

    def _read_again(
        self, quote: dict[str, Any], correction: ReadOverrides, boards: int | None, sender_id: str
    ) -> dict[str, Any]:
        reading = quote.get("reading") or {}
        upload_id = reading.get("upload")
        if not upload_id:
            raise QuoteError("this quote was made before the file was kept for corrections: upload it again")
        if not correction.columns and not correction.skip_sheets:  # "skip the first sheet" of a one-table file
            sheets = ", ".join(reading.get("sheets") or ())
            raise QuoteError(f"which sheet? The file has: {sheets}" if sheets else "the file has one table only")
        tables = reading.get("layouts") or []
        if correction.columns and len(tables) > 1:  # a column of one table is another column in the next
            where = "; ".join(f"{t['sheet'] or '?'} row {t['header_line']}" for t in tables[:4])
            raise QuoteError(
                f"the file has {len(tables)} tables ({where}), and a column correction would change every one:"
                " skip the sheets you do not want first (“skip sheet …”), then say the column"
            )
        overrides = merge_overrides(overrides_from_json(reading.get("overrides")), correction)
        upload = self.store.upload(upload_id, owner=sender_id)
        read = self._read(upload, overrides, pasted=bool(reading.get("pasted")))
        today = date.today()
        count = boards or int(quote["boards"])
        new = build_quote(
            read,
            self.matcher.match_all(read.lines),
            self.engine.store,
            boards=count,
            settings=self.settings,
            today=today,
            quote_id=quote["quote_id"],
            buyer=quote.get("buyer", ""),
        )
        new["reading"].update(
            upload=upload_id, pasted=bool(reading.get("pasted")), overrides=overrides_to_json(overrides)
        )
        changes: list[dict[str, Any]] = [
            {"kind": "reading", **overrides_to_json(correction), "dropped_picks": carry_choices(quote, new)}
        ]
        if boards is not None and boards != int(quote["boards"]):
            changes.append({"kind": "boards", "before": int(quote["boards"]), "after": boards})
        new = next_revision(quote, new, changes, self.engine.store, settings=self.settings, today=today)
        return self._with_links(self.store.save(new, sender_id))

    def links(self, quote: dict[str, Any]) -> dict[str, str]:
        """Download URLs of this revision, one per export format."""
        base = f"{self.public_url.rstrip('/')}/quotes/{quote['token']}/{quote['quote_id']}-r{quote['revision']}"
        return {fmt: f"{base}.{fmt}" for fmt in EXPORT_FORMATS}

    @staticmethod
    def _read(upload: Upload, overrides: ReadOverrides | None, *, pasted: bool) -> BomReadResult:
        if pasted:
            return read_bom_text_isolated(upload.data.decode("utf-8"), overrides=overrides)
        return read_bom_isolated(upload.name, upload.data, overrides=overrides)

    def _quote(
        self, read: BomReadResult, boards: int, sender_id: str, upload_id: str = "", *, pasted: bool = False
    ) -> dict[str, Any]:
        today = date.today()
        matches = self.matcher.match_all(read.lines)
        quote = build_quote(
            read,
            matches,
            self.engine.store,
            boards=boards,
            settings=self.settings,
            today=today,
            quote_id="",  # allocated by the store when saved
        )
        quote["reading"].update(upload=upload_id, pasted=pasted)
        quote = self.store.save(quote, sender_id, today=today)
        if self.demand is not None:
            for match in matches:
                if match.status == "not_found":
                    line = match.line
                    text = " ".join(x for x in (line.mpn, line.value, line.package, line.description) if x)
                    self.demand.record(
                        "bom_not_found",
                        f"{read.file} line {line.line}: {text}"[:500],
                        part_text=line.mpn or line.value,
                        sender_id=sender_id,
                    )
        return self._with_links(quote)

    def _with_links(self, quote: dict[str, Any]) -> dict[str, Any]:
        quote["downloads"] = self.links(quote)
        return quote


def _unused_quote_id(db: Any, today: date) -> str:
    """A random quote id for `today` that no stored quote has (inside the caller's write transaction)."""
    while True:
        quote_id = new_quote_id(today, "".join(secrets.choice(QUOTE_ID_ALPHABET) for _ in range(QUOTE_ID_CHARS)))
        if db.execute("SELECT 1 FROM quotes WHERE quote_id = ? LIMIT 1", (quote_id,)).fetchone() is None:
            return quote_id


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
