"""Catalog ingest and storage: source adapters that yield `Product`s and a store (SQLite or PostgreSQL) to query them.

Adapters read one source format each and never crash on a bad row: they append a `RowProblem` (file,
line, reason) to the `problems` list the caller passes and skip the row. A file that cannot be read at
all raises `CatalogError`. `ingest_all` runs every shipped source into a `CatalogStore`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import itertools
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any

from knowledge.attributes import BY_KEY
from knowledge.db import POSTGRESQL, SQLITE, Connection, Database, integrity_errors, operational_errors
from knowledge.errors import CatalogError, ProductNotFound, UnitError
from knowledge.models import Attribute, PriceBreak, Product

DEFAULT_SOURCES_DIR = Path(__file__).resolve().parents[1] / "catalog" / "sources"
JLC_PRICE_SOURCE = "JLCPCB list price, snapshot 2026-05-21"
GENERIC_PRICE_SOURCE = "price list"

_CODE_STRIP = re.compile(r"[^A-Z0-9]")


def normalize_code(text: str) -> str:
    """Upper-case `text` and keep only A–Z and 0–9, so "6205-2RS" and "6205 2rs" compare equal."""
    return _CODE_STRIP.sub("", text.upper())


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")  # a comma between digits is NXP's ordering suffix (,115)


def same_decimals(a: str, b: str) -> bool:
    """Whether two spellings of one normalized code put decimal points in the same places: 'AMS1117-3.3' and
    'AMS1117 3.3' do, 'SMBJ3.3CA' and 'SMBJ33CA' do not."""
    return _decimal_places(a) == _decimal_places(b)


def _decimal_places(text: str) -> tuple[int, ...]:
    """Where decimal points sit, counted in characters of normalize_code(text)."""
    places = []
    for m in _DECIMAL_POINT.finditer(text.upper()):
        places.append(len(normalize_code(text[: m.start()])))
    return tuple(places)


@dataclass(frozen=True)
class RowProblem:
    """A source row that was skipped (or a fact that was dropped), and why."""

    file: str
    line: int | None
    reason: str


@dataclass(frozen=True)
class IngestReport:
    """What `ingest_all` loaded: products per source, skipped rows, total and wall time."""

    counts: Mapping[str, int]
    problems: tuple[RowProblem, ...]
    total: int
    seconds: float
    duplicates: int = 0
    # Generated parts (passives) left out because a real source already lists that MPN.
    shadowed_by_real: int = 0
    catalog_hash: str = ""


# --------------------------------------------------------------------------------------------------
# Store
# --------------------------------------------------------------------------------------------------

# SQLite DDL; Database.create translates it for PostgreSQL (REAL → DOUBLE PRECISION: a double on both engines).
# Keys compare byte by byte on both engines (BINARY here, "C" there), so ORDER BY sku / code and the keyset paging of
# iter_products give the same order whatever the PostgreSQL database's locale.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    sku TEXT COLLATE BINARY PRIMARY KEY,
    mpn TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    package TEXT NOT NULL,
    datasheet TEXT NOT NULL,
    currency TEXT NOT NULL,
    price_source TEXT NOT NULL,
    stock BIGINT,
    lead_time_days INTEGER,
    source TEXT NOT NULL,
    attributes TEXT NOT NULL,
    price_breaks TEXT NOT NULL,
    aliases TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS codes (code TEXT COLLATE BINARY NOT NULL, sku TEXT COLLATE BINARY NOT NULL);
CREATE INDEX IF NOT EXISTS codes_code ON codes (code);
CREATE TABLE IF NOT EXISTS attributes (
    sku TEXT COLLATE BINARY NOT NULL,
    name TEXT NOT NULL,
    value REAL,
    value_max REAL,
    unit TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attributes_name_value ON attributes (name, value);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_PG_SCHEMA = _SCHEMA.replace("COLLATE BINARY", 'COLLATE "C"')
CATALOG_TABLES = frozenset({"products", "codes", "attributes", "meta"})

_PRODUCT_COLUMNS = (
    "sku, mpn, manufacturer, category, name, description, package, datasheet, currency, price_source, "
    "stock, lead_time_days, source, attributes, price_breaks, aliases"
)
_ATTRIBUTE_COLUMNS = "sku, name, value, value_max, unit, raw"
# Sum of per-product digests modulo 2**256: order-independent, so add() can be called in any batches.
_HASH_MOD = 1 << 256
_HOW_TO_BUILD = {
    SQLITE: "rebuild it with `brandstation ingest`",
    POSTGRESQL: "copy one there with `brandstation catalog push`",
}


class CatalogStore:
    """Products in SQLite (a file path, sqlite:///path or ":memory:") or PostgreSQL (postgresql://…), looked up by
    SKU, code or attribute value. The same SQL runs on both; only the URL differs."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.db = Database(path, pool_size=0)  # the store holds its one connection: nothing to pool
        self.path = self.db.describe()  # for messages: never a password
        # Actions call in from worker threads (asyncio.to_thread); one lock keeps the one connection serial. It stays
        # open for the store's life: ":memory:" exists only inside it, and a replica pays the connect once.
        self._lock = threading.Lock()
        self._conn = self._connect()

    @classmethod
    def open_existing(cls, path: str | Path) -> CatalogStore:
        """Open a catalog built (or pushed) earlier; CatalogError when the file or its tables are missing."""
        db = Database(path)
        if db.dialect == SQLITE and not Path(db.url).is_file():
            raise CatalogError("no catalog database here; build it with `brandstation ingest`", file=db.describe())
        store = cls(path)
        if not store.db.tables() >= CATALOG_TABLES:
            store.close()
            raise CatalogError(f"not a catalog database (tables missing); {_HOW_TO_BUILD[db.dialect]}", file=store.path)
        return store

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create(self) -> None:
        """Create the tables and indexes when they do not exist yet."""
        with self._lock:
            if self.db.dialect == POSTGRESQL:
                self.db.create(_PG_SCHEMA)  # on its own connection, serialized against other processes
                return
            with self._transaction() as conn:  # on this connection: ":memory:" has no other
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)

    def clear(self) -> None:
        """Delete every product, code, attribute and the stored hash."""
        with self._lock, self._transaction() as conn:
            _delete_all(conn)

    def add(self, products: Iterable[Product], batch: int = 5000, *, replace: bool = False) -> int:
        """Insert `products` in one transaction (batched executemany, COPY on PostgreSQL); returns how many were added.

        `replace=True` empties the store in the same transaction, so a failed rebuild keeps the old
        catalog. Raises CatalogError when a SKU is already in the store (nothing of this call is kept then).
        """
        return self._write(map(_product_row, products), batch, replace=replace)

    def get(self, sku: str) -> Product:
        """The product with this exact SKU; raises ProductNotFound."""
        rows = self._query(f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE sku = ?", (sku,))
        if not rows:
            raise ProductNotFound(sku)
        return _row_product(rows[0])

    def products(self, skus: Sequence[str]) -> list[Product]:
        """The products for `skus`, in the same order; unknown SKUs raise ProductNotFound."""
        found: dict[str, Product] = {}
        unique = list(dict.fromkeys(skus))
        for chunk in _chunks(unique, 500):
            marks = ",".join("?" * len(chunk))
            for row in self._query(f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE sku IN ({marks})", chunk):
                found[row[0]] = _row_product(row)
        missing = [sku for sku in unique if sku not in found]
        if missing:
            raise ProductNotFound(missing[0])
        return [found[sku] for sku in skus]

    def by_code(self, code: str) -> list[Product]:
        """Products whose SKU, MPN or an alias equals `code` after normalize_code (SKU order)."""
        key = normalize_code(code)
        if not key:
            return []
        skus = [r[0] for r in self._query("SELECT DISTINCT sku FROM codes WHERE code = ? ORDER BY sku", (key,))]
        # 'SMBJ3.3CA' and 'SMBJ33CA' normalize alike but are a 3.3 V and a 33 V part: an MPN spelled with its
        # decimal points elsewhere is another part
        return [p for p in self.products(skus) if normalize_code(p.mpn) != key or same_decimals(p.mpn, code)]

    def codes(self) -> list[tuple[str, str]]:
        """Every (normalized code, sku) pair, for fuzzy matching."""
        return [(r[0], r[1]) for r in self._query("SELECT code, sku FROM codes ORDER BY code, sku")]

    def iter_products(self, batch: int = 5000) -> Iterator[Product]:
        """Every product in SKU order, read `batch` rows at a time."""
        return map(_row_product, self._iter_rows(batch))

    def manufacturers(self) -> list[str]:
        """Every maker name some product is listed from."""
        return [row[0] for row in self._query("SELECT DISTINCT manufacturer FROM products") if row[0]]

    def attribute_names(self) -> list[str]:
        """Every attribute key some product states."""
        return [row[0] for row in self._query("SELECT DISTINCT name FROM attributes")]

    def count(self) -> int:
        """Number of products (kept by add(), O(1) to read)."""
        stored = self._query("SELECT value FROM meta WHERE key = 'count'")
        return int(stored[0][0] if stored else self._query("SELECT COUNT(*) FROM products")[0][0])

    def catalog_hash(self) -> str:
        """A stable hash of the whole catalog content, kept up to date by add() (O(1) to read)."""
        meta = dict(self._query("SELECT key, value FROM meta WHERE key IN ('hash_acc', 'count')"))
        return _catalog_hash(meta.get("hash_acc") or "0" * 64, meta.get("count") or "0")

    def with_attribute(
        self,
        name: str,
        value: float | str,
        rel_tol: float = 1e-6,
        limit: int | None = 1000,
        *,
        package: str | None = None,
    ) -> list[str]:
        """SKUs whose attribute `name` equals `value`: numbers within rel_tol, text case-insensitively (ASCII);
        with `package`, only products whose package is it or starts with it ('0603', '0603(1608)')."""
        if isinstance(value, str):
            # LOWER() on both sides, as COLLATE NOCASE did (SQLite has no NOCASE on PostgreSQL); the (name, value)
            # index still narrows to the attribute's rows first, exactly as before.
            where = "a.name = ? AND LOWER(a.raw) = LOWER(?)"
            params: tuple[Any, ...] = (name, value)
        else:
            spread = abs(value) * rel_tol
            where = "a.name = ? AND a.value BETWEEN ? AND ?"
            params = (name, value - spread, value + spread)
        if package:
            sql = (
                f"SELECT a.sku FROM attributes a JOIN products p ON p.sku = a.sku WHERE {where}"
                " AND (LOWER(p.package) = LOWER(?) OR LOWER(p.package) LIKE LOWER(?)) ORDER BY a.sku"
            )
            # LIKE is case-sensitive on PostgreSQL and treats \ as its escape there: both sides lower-cased, the
            # pattern's own wildcards and escapes dropped
            params += (package, re.sub(r"[%_\\]", "", package) + "%")
        else:
            sql = f"SELECT a.sku FROM attributes a WHERE {where} ORDER BY a.sku"
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        return [r[0] for r in self._query(sql, params)]

    def optimize(self) -> None:
        """After a bulk load on PostgreSQL: reclaim the replaced rows and refresh the planner's statistics (VACUUM
        ANALYZE; readers go on meanwhile). SQLite needs nothing."""
        if self.db.dialect == POSTGRESQL:
            self._query("VACUUM ANALYZE products, codes, attributes, meta")

    # -- internals ------------------------------------------------------------------------------------------------

    def _connect(self) -> Connection:
        if self.db.dialect == SQLITE:
            raw = sqlite3.connect(self.db.url, timeout=self.db.timeout_s, isolation_level=None, check_same_thread=False)
            return Connection(raw, SQLITE)
        return self.db.open()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """The rows of one read, under the lock. A PostgreSQL connection lost since the last read (server restart,
        failover, idle timeout) is opened again once."""
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except operational_errors():
                if self.db.dialect != POSTGRESQL or not self._conn.raw.closed:
                    raise
                self._conn = self._connect()
                return self._conn.execute(sql, params).fetchall()

    def _iter_rows(self, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
        """Every product row as stored, in SKU order (keyset paging: no cursor is held between batches)."""
        last = ""
        while True:
            rows = self._query(
                f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE sku > ? ORDER BY sku LIMIT ?", (last, batch)
            )
            if not rows:
                return
            yield from (tuple(row) for row in rows)
            last = rows[-1][0]

    def _write(
        self,
        rows: Iterable[tuple[Any, ...]],
        batch: int,
        *,
        replace: bool,
        expect_hash: str | None = None,
    ) -> int:
        """Insert product rows (as stored) with the codes and attributes read from them and update the hash, in one
        transaction. With `expect_hash`, the transaction rolls back unless the catalog ends up with exactly that hash."""
        added = 0
        with self._lock:
            try:
                with self._transaction() as conn:
                    if conn.dialect == POSTGRESQL:
                        # A second writer (another process) waits here until this one commits; readers never wait.
                        conn.execute("LOCK TABLE meta IN SHARE ROW EXCLUSIVE MODE")
                    if replace:
                        _delete_all(conn)
                    acc = 0 if replace else int(_meta(conn, "hash_acc") or "0", 16)
                    for chunk in _chunks(rows, batch):
                        product_rows: list[tuple[Any, ...]] = []
                        code_rows: list[tuple[str, str]] = []
                        attr_rows: list[tuple[Any, ...]] = []
                        for row in chunk:
                            sku = row[0]
                            product_rows.append(row)
                            acc = (acc + _row_digest(row)) % _HASH_MOD
                            code_rows.extend((code, sku) for code in _codes_of(row))
                            # stored attribute entries: [name, raw, value, unit, value_max, label]
                            attr_rows.extend((sku, a[0], a[2], a[4], a[3], a[1]) for a in json.loads(row[13]))
                        _insert(conn, "products", _PRODUCT_COLUMNS, product_rows)
                        _insert(conn, "codes", "code, sku", code_rows)
                        _insert(conn, "attributes", _ATTRIBUTE_COLUMNS, attr_rows)
                        added += len(product_rows)
                    total = str(conn.execute("SELECT COUNT(*) FROM products").fetchone()[0])
                    if expect_hash is not None and _catalog_hash(f"{acc:064x}", total) != expect_hash:
                        raise CatalogError(
                            f"the copy's catalog hash is {_catalog_hash(f'{acc:064x}', total)}, not {expect_hash};"
                            " nothing was changed",
                            file=self.path,
                        )
                    for key, value in (("hash_acc", f"{acc:064x}"), ("count", total)):
                        conn.execute(
                            "INSERT INTO meta (key, value) VALUES (?, ?)"
                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            (key, value),
                        )
            except integrity_errors() as exc:
                first = str(exc).strip().splitlines()[0]
                raise CatalogError(f"cannot add products: {first} (duplicate sku?)", file=self.path) from exc
        return added

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """BEGIN … COMMIT on the store's own connection, ROLLBACK when the block raises (the caller holds the lock)."""
        conn = self._conn
        if conn.dialect == SQLITE:
            conn.execute("BEGIN IMMEDIATE")
        else:
            conn.raw.autocommit = False
        try:
            yield conn
            conn.raw.commit()
        except BaseException:
            with suppress(*operational_errors()):
                conn.raw.rollback()
            raise
        finally:
            if conn.dialect == POSTGRESQL and not conn.raw.closed:
                conn.raw.autocommit = True


@dataclass(frozen=True)
class PushReport:
    """What push_catalog did: products in the target, its catalog hash (the source's), wall time, and whether the
    target already held this catalog (nothing copied)."""

    count: int
    catalog_hash: str
    seconds: float
    skipped: bool = False


def push_catalog(
    source: CatalogStore, target: CatalogStore, *, force: bool = False, progress: bool = False, batch: int = 5000
) -> PushReport:
    """Copy `source`'s products into `target`, replacing its catalog in one transaction (readers of `target` see the
    old catalog or the new one, never a mix). The stored rows are copied as they are and the copy commits only when
    its catalog_hash equals the source's, so indexes built from the source are current for the target. Skipped when
    the target already has that hash, unless `force`."""
    started = time.perf_counter()
    if _same_place(source.db, target.db):
        raise CatalogError("this is the catalog being copied, not a target", file=target.path)
    wanted = source.catalog_hash()
    target.create()
    if not force and target.catalog_hash() == wanted:
        return PushReport(target.count(), wanted, round(time.perf_counter() - started, 2), skipped=True)
    rows: Iterable[tuple[Any, ...]] = source._iter_rows(batch)
    if progress:
        from tqdm import tqdm

        rows = tqdm(rows, total=source.count(), desc=f"push to {target.path}", unit=" parts", leave=False)
    count = target._write(rows, batch, replace=True, expect_hash=wanted)
    target.optimize()
    return PushReport(count, wanted, round(time.perf_counter() - started, 2))


def _same_place(a: Database, b: Database) -> bool:
    if a.dialect != b.dialect:
        return False
    if a.dialect == POSTGRESQL:
        return a.url == b.url
    return a.url != ":memory:" and Path(a.url).resolve() == Path(b.url).resolve()


def _catalog_hash(acc_hex: str, count: str) -> str:
    return hashlib.sha256(f"{acc_hex}:{count}".encode()).hexdigest()[:32]


def _meta(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _delete_all(conn: Connection) -> None:
    # DELETE, not TRUNCATE: PostgreSQL readers keep seeing the old rows until the replacing transaction commits.
    for table in ("products", "codes", "attributes", "meta"):
        conn.execute(f"DELETE FROM {table}")


def _insert(conn: Connection, table: str, columns: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Append `rows` to `table`: executemany on SQLite, one COPY per batch on PostgreSQL (≈3× execute_batch)."""
    if not rows:
        return
    if conn.dialect == SQLITE:
        marks = ",".join("?" * (columns.count(",") + 1))
        conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        return
    data = io.StringIO()
    csv.writer(data, lineterminator="\n").writerows(rows)  # str() of a float round-trips exactly
    data.seek(0)
    # csv writes None and "" alike (an empty field): only the nullable columns may read it as NULL
    not_null = ", ".join(c for c in columns.split(", ") if c not in _NULLABLE_COLUMNS)
    with conn.raw.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))", data)


_NULLABLE_COLUMNS = frozenset({"stock", "lead_time_days", "value", "value_max"})


def _product_row(p: Product) -> tuple[Any, ...]:
    attrs = [[a.name, a.raw, a.value, a.unit, a.value_max, a.label] for a in p.attributes]
    breaks = [[b.min_qty, b.unit_price] for b in p.price_breaks]
    return (
        p.sku,
        p.mpn,
        p.manufacturer,
        p.category,
        p.name,
        p.description,
        p.package,
        p.datasheet,
        p.currency,
        p.price_source,
        p.stock,
        p.lead_time_days,
        p.source,
        json.dumps(attrs, ensure_ascii=False, separators=(",", ":")),
        json.dumps(breaks, separators=(",", ":")),
        json.dumps(list(p.aliases), ensure_ascii=False, separators=(",", ":")),
    )


def _row_product(row: Sequence[Any]) -> Product:
    attrs = tuple(
        Attribute(name=n, raw=raw, value=v, unit=u, value_max=vmax, label=label)
        for n, raw, v, u, vmax, label in json.loads(row[13])
    )
    breaks = tuple(PriceBreak(int(q), float(p)) for q, p in json.loads(row[14]))
    return Product(
        sku=row[0],
        mpn=row[1],
        manufacturer=row[2],
        category=row[3],
        name=row[4],
        description=row[5],
        package=row[6],
        datasheet=row[7],
        currency=row[8],
        price_source=row[9],
        stock=row[10],
        lead_time_days=row[11],
        source=row[12],
        attributes=attrs,
        price_breaks=breaks,
        aliases=tuple(json.loads(row[15])),
    )


def _row_digest(row: tuple[Any, ...]) -> int:
    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")


def _codes_of(row: Sequence[Any]) -> set[str]:
    """The normalized SKU, MPN and aliases of a stored product row."""
    codes = {normalize_code(row[0]), normalize_code(row[1])} | {normalize_code(a) for a in json.loads(row[15])}
    codes.discard("")
    return codes


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


# --------------------------------------------------------------------------------------------------
# ingest_all
# --------------------------------------------------------------------------------------------------


def ingest_all(
    sources_dir: Path = DEFAULT_SOURCES_DIR, store: CatalogStore | None = None, *, progress: bool = True
) -> IngestReport:
    """Load every shipped source (plus generated passives, bearings, fasteners) into `store`, replacing it."""
    # Imported here: these modules build on RowProblem and helpers defined in this module.
    from tqdm import tqdm

    from knowledge import bearings_iso15, fasteners, passives  # type: ignore[attr-defined,unused-ignore]
    from knowledge.commerce import synthetic_commerce

    started = time.perf_counter()
    store = store if store is not None else CatalogStore()
    sources_dir = Path(sources_dir)
    problems: list[RowProblem] = []
    counts: dict[str, int] = {}
    seen: set[str] = set()
    real_mpns: set[str] = set()
    duplicates = shadowed = 0

    lcsc = sources_dir / "lcsc"
    jlc_parts = _gz_or_plain(lcsc / "jlc_parts.csv")
    jlc_attrs = _gz_or_plain(lcsc / "jlc_attributes.jsonl")
    plan: list[tuple[str, Iterable[Product]]] = [
        ("jlcpcb", read_jlc_parts(jlc_parts, jlc_attrs if jlc_attrs.exists() else None, problems=problems)),
        ("digikey", read_digikey(sources_dir / "digikey_components.csv", problems=problems)),
        ("skf", read_skf(sources_dir / "bearings", problems=problems)),
        (
            "iso15_bearings",
            bearings_iso15.standard_deep_groove_bearings(sources_dir / "fasteners", problems=problems),
        ),
        ("fasteners", fasteners.standard_fasteners(sources_dir / "fasteners", problems=problems)),
        ("passives", passives.generate_passives()),
    ]

    def stream() -> Iterator[Product]:
        nonlocal duplicates, shadowed
        for label, products in plan:
            counts[label] = 0
            for product in tqdm(products, desc=f"ingest {label}", unit=" parts", disable=not progress, leave=False):
                if product.sku in seen:
                    duplicates += 1
                    problems.append(RowProblem(label, None, f"duplicate sku {product.sku!r}: kept the first"))
                    continue
                code = normalize_code(product.mpn)
                if label in _GENERATED_SOURCES and code in real_mpns:
                    shadowed += 1  # a real listing with real price and stock beats a generated twin
                    continue
                if label in _REAL_PART_SOURCES:
                    real_mpns.add(code)
                seen.add(product.sku)
                counts[label] += 1
                yield product if product.price_breaks else synthetic_commerce(product)

    store.create()
    total = store.add(stream(), replace=True)
    return IngestReport(
        counts=dict(counts),
        problems=tuple(problems),
        total=total,
        seconds=round(time.perf_counter() - started, 2),
        duplicates=duplicates,
        shadowed_by_real=shadowed,
        catalog_hash=store.catalog_hash(),
    )


_REAL_PART_SOURCES = frozenset({"jlcpcb", "digikey"})
_GENERATED_SOURCES = frozenset({"passives"})


def _gz_or_plain(path: Path) -> Path:
    gz = path.with_name(path.name + ".gz")
    return gz if gz.exists() else path


# --------------------------------------------------------------------------------------------------
# JLCPCB / LCSC parts table
# --------------------------------------------------------------------------------------------------

JLC_COLUMNS = (
    "LCSC Part",
    "First Category",
    "Second Category",
    "MFR.Part",
    "Package",
    "Solder Joint",
    "Manufacturer",
    "Library Type",
    "Description",
    "Datasheet",
    "Price",
    "Stock",
)

# LCSC / jlcparts attribute name -> (canonical key, priority). When several source names map to one key,
# the lowest priority wins and the others are kept under their own slug.
JLC_ATTRIBUTE_MAP: dict[str, tuple[str, int]] = {
    "Resistance": ("resistance", 0),
    "Capacitance": ("capacitance", 0),
    "Nominal capacitance": ("capacitance", 1),
    "Inductance": ("inductance", 0),
    "Tolerance": ("tolerance", 0),
    "Resistance tolerance": ("tolerance", 1),
    "Power": ("power", 0),
    "Power(Watts)": ("power", 0),
    "Rated power": ("power", 1),
    "Rated wattage": ("power", 1),
    "Power rating": ("power", 1),
    "Power (w)": ("power", 1),
    "Power dissipation (pd)": ("power", 2),
    "Power dissipation": ("power", 2),
    "Total power dissipation(pd)": ("power", 3),
    "Allowable voltage": ("voltage_rating", 0),
    "Voltage Rated": ("voltage_rating", 0),
    "Voltage - Rated": ("voltage_rating", 0),
    "Rated voltage (max)": ("voltage_rating", 1),
    "Voltage rating (max)": ("voltage_rating", 1),
    "Voltage rating (dc)": ("voltage_rating", 1),
    "Voltage rating - dc": ("voltage_rating", 1),
    "Dc rated voltage": ("voltage_rating", 1),
    "Allowable voltage (dc)": ("voltage_rating", 1),
    "Rated voltage": ("voltage_rating", 1),
    "Voltage-supply(max)": ("voltage_rating", 2),
    "Drain to source voltage": ("voltage_rating", 3),
    "Drain source voltage (vdss)": ("voltage_rating", 3),
    "Voltage - dc reverse (vr) (max)": ("voltage_rating", 3),
    "Reverse voltage (vr)": ("voltage_rating", 3),
    "Reverse stand-off voltage (vrwm)": ("voltage_rating", 4),
    "Rated current": ("current_rating", 0),
    "Current Rating": ("current_rating", 0),
    "Current rating (dc)": ("current_rating", 1),
    "Current rating-power": ("current_rating", 1),
    "Current rating - power (max)": ("current_rating", 1),
    "Continuous drain current (id)": ("current_rating", 2),
    "Rectified current": ("current_rating", 2),
    "Current - collector(ic)": ("current_rating", 2),
    "Output current": ("current_rating", 3),
    "Frequency": ("frequency", 0),
    "Load capacitance": ("load_capacitance", 0),
    "Load capacitor": ("load_capacitance", 1),
    "External load capacitor": ("load_capacitance", 1),
    "Built - in load capacitance": ("load_capacitance", 2),
    "Frequency stability": ("frequency_stability", 0),
    "Frequency stability(full temperature range)": ("frequency_stability", 1),
    "Frequency tolerance": ("frequency_tolerance", 0),
    "Normal temperature frequency tolerance": ("frequency_tolerance", 0),
    "Temperature coefficient": ("temperature_coefficient", 0),
    "Operating temperature": ("temperature_range", 0),
    "Operating temperature range": ("temperature_range", 0),
    "Operatingtemperature": ("temperature_range", 1),
    "Operating temperatue": ("temperature_range", 1),
    "Operating temperature\t-": ("temperature_range", 1),
    "Temperature range": ("temperature_range", 1),
    "Working temperature": ("temperature_range", 1),
    "Dielectric material": ("dielectric", 1),
}

_SLUG = re.compile(r"[^a-z0-9]+")
_KIND = {
    "Chip Resistor - Surface Mount": "chip resistor",
    "Multilayer Ceramic Capacitors MLCC - SMD/SMT": "MLCC",
    "Multilayer Ceramic Capacitors MLCC - Leaded": "leaded MLCC",
    "Crystals": "crystal",
}
_TITLE_FACTS = (
    "resistance",
    "capacitance",
    "inductance",
    "frequency",
    "load_capacitance",
    "tolerance",
    "power",
    "voltage_rating",
    "current_rating",
    "dielectric",
)


def read_jlc_parts(
    path: Path | str, attributes_path: Path | str | None = None, *, problems: list[RowProblem] | None = None
) -> Iterator[Product]:
    """Products from a JLCPCB / LCSC parts table (semicolon CSV, plain or .gz) plus optional jsonl attributes."""
    path = Path(path)
    problems = problems if problems is not None else []
    extra = _read_jlc_attributes(Path(attributes_path), problems) if attributes_path else {}
    with _open_text(path) as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader, None)
        if header is None:
            raise CatalogError("empty file, expected a JLCPCB parts table header", file=str(path))
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [c for c in ("LCSC Part", "MFR.Part") if c not in header]
        if missing:
            raise CatalogError(f"not a JLCPCB parts table: missing column(s) {', '.join(missing)}", file=str(path))
        index = {name: header.index(name) for name in JLC_COLUMNS if name in header}
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                line = reader.line_num
                if len(cells) != len(header):
                    problems.append(RowProblem(str(path), line, f"expected {len(header)} fields, found {len(cells)}"))
                    continue
                row = {name: cells[i].strip() for name, i in index.items()}
                try:
                    yield _jlc_product(row, extra.get(row["LCSC Part"], {}), path.name)
                except CatalogError as exc:
                    problems.append(RowProblem(str(path), line, exc.reason))
        except (OSError, EOFError, csv.Error, UnicodeDecodeError) as exc:
            raise CatalogError(f"cannot read: {exc}", file=str(path)) from exc


def _jlc_product(row: Mapping[str, str], raw_attrs: Mapping[str, str], file_name: str) -> Product:
    lcsc = row["LCSC Part"]
    if not re.fullmatch(r"C\d+", lcsc):
        raise CatalogError(f"bad LCSC Part {lcsc!r} (expected C followed by digits)")
    mpn = row["MFR.Part"] or lcsc
    breaks = parse_jlc_price(row.get("Price", ""))
    stock_text = row.get("Stock", "")
    try:
        stock = int(stock_text) if stock_text else None
    except ValueError as exc:
        raise CatalogError(f"bad Stock {stock_text!r}") from exc
    attrs = map_jlc_attributes(raw_attrs)
    second = row.get("Second Category", "")
    first = row.get("First Category", "")
    package = row.get("Package", "")
    return Product(
        sku=lcsc,
        mpn=mpn,
        manufacturer=row.get("Manufacturer", ""),
        category=f"{first} / {second}" if first and second else first or second,
        name=_jlc_title(mpn, attrs, package, second),
        description=row.get("Description", ""),
        package=package,
        datasheet=row.get("Datasheet", ""),
        attributes=attrs,
        price_breaks=breaks,
        currency="USD",
        price_source=JLC_PRICE_SOURCE if breaks else "",
        stock=stock,
        source=f"jlcpcb:{file_name}",
        aliases=(lcsc,) if mpn != lcsc else (),
    )


def parse_jlc_price(text: str) -> tuple[PriceBreak, ...]:
    """Price breaks from a JLCPCB price cell "1-199:0.0052,200-:0.0018"; equal consecutive prices collapse."""
    breaks: list[PriceBreak] = []
    if not text.strip():
        return ()
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d*)\s*:\s*(\d+(?:\.\d+)?)\s*", part)
        if match is None:
            raise CatalogError(f"bad Price break {part!r} (expected 'from-to:price')")
        qty, price = int(match.group(1)), float(match.group(3))
        if breaks and qty <= breaks[-1].min_qty:
            raise CatalogError(f"bad Price: quantities not increasing at {part!r}")
        if breaks and price == breaks[-1].unit_price:
            continue
        breaks.append(PriceBreak(qty, price))
    return tuple(breaks)


def map_jlc_attributes(raw_attrs: Mapping[str, str]) -> tuple[Attribute, ...]:
    """Canonical attributes from jlcparts' attribute names; unmapped names are kept under a slug."""
    chosen: dict[str, tuple[int, str]] = {}
    for name in raw_attrs:
        mapped = JLC_ATTRIBUTE_MAP.get(name)
        if mapped is None:
            continue
        key, priority = mapped
        # MLCC classes (X7R, C0G …) travel in LCSC's "Temperature coefficient" column: they are dielectrics.
        if key == "temperature_coefficient" and "ppm" not in raw_attrs[name].lower():
            key = "dielectric"
        if key not in chosen or priority < chosen[key][0]:
            chosen[key] = (priority, name)
    winners = {name: key for key, (_, name) in chosen.items()}
    attrs = [
        _mapped_attribute(winners[n], n, raw) if n in winners else _slug_attribute(n, raw)
        for n, raw in raw_attrs.items()
    ]
    return tuple(a for a in attrs if a is not None)


@cache
def _mapped_attribute(key: str, label: str, raw: str) -> Attribute:
    """A canonical attribute; cached because the same (key, raw) pair repeats thousands of times."""
    unit = BY_KEY[key].unit if key in BY_KEY else ""
    parsed = parse_value(raw) if unit else None
    if parsed is None:
        return Attribute(name=key, raw=raw, label=label)
    value, value_max, got = parsed
    value, value_max, got = _to_unit(value, value_max, got, unit)
    return Attribute(name=key, raw=raw, value=value, unit=got, value_max=value_max, label=label)


@cache
def _slug_attribute(label: str, raw: str) -> Attribute | None:
    key = slug(label)
    if not key:
        return None
    parsed = parse_value(raw)
    if parsed is None:
        return Attribute(name=key, raw=raw, label=label)
    value, value_max, unit = parsed
    return Attribute(name=key, raw=raw, value=value, unit=unit, value_max=value_max, label=label)


def slug(text: str) -> str:
    """A lower-case snake_case key for a source attribute name ("Voltage - supply" -> "voltage_supply")."""
    return _SLUG.sub("_", text.lower()).strip("_")


_NUMERIC_START = re.compile(r"^\s*[±+\-−]?\s*\.?\d")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


@lru_cache(maxsize=200_000)
def parse_value(raw: str) -> tuple[float, float | None, str] | None:
    """(value, value_max, unit) for a value or range ("10kΩ", "-55℃~+155℃", "45mΩ@4.5V"), None when text."""
    from knowledge.units import parse_quantity, parse_range

    text = raw.split("@")[0].strip()
    if not _NUMERIC_START.match(text):
        return None
    if _PLAIN_NUMBER.fullmatch(text):  # counts such as "Number of pins: 8" have no unit
        return float(text), None, ""
    try:
        if "~" in text:
            lo, hi, unit = parse_range(text)
            return float(lo), float(hi), unit
        value, unit = parse_quantity(text)
        return float(value), None, unit
    except UnitError:
        return None


def _to_unit(value: float, value_max: float | None, unit: str, want: str) -> tuple[float, float | None, str]:
    """Convert between the few unit pairs sources mix for one key (% vs ppm); otherwise keep what parsed."""
    factor = {("%", "ppm"): 1e4, ("ppm", "%"): 1e-4}.get((unit, want))
    if factor is None:
        return value, value_max, unit
    return value * factor, None if value_max is None else value_max * factor, want


def _jlc_title(mpn: str, attrs: tuple[Attribute, ...], package: str, second: str) -> str:
    by_name = {a.name: a for a in attrs}
    facts = []
    for key in _TITLE_FACTS:
        attr = by_name.get(key)
        # A resistor's working voltage clutters its title; buyers name resistors by value, tolerance, power.
        if attr is None or (key == "voltage_rating" and "resistance" in by_name):
            continue
        facts.append(attr.raw)
    kind = _KIND.get(second, second)
    tail = " ".join(t for t in (*facts, package, kind) if t)
    return f"{mpn} — {tail}" if tail else mpn


def _read_jlc_attributes(path: Path, problems: list[RowProblem]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    try:
        with _open_text(path) as handle:
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    attrs = record["attributes"]
                    if not isinstance(attrs, dict):
                        raise TypeError("attributes is not an object")
                    out[str(record["lcsc"])] = {str(k): str(v) for k, v in attrs.items()}
                except (ValueError, KeyError, TypeError) as exc:
                    problems.append(RowProblem(str(path), line_no, f"bad attributes line: {exc}"))
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read: {exc}", file=str(path)) from exc
    return out


def _open_text(path: Path) -> IO[str]:
    """A text handle on a plain or gzip file; CatalogError when it does not exist."""
    if not path.is_file():
        raise CatalogError("file not found", file=str(path))
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8-sig", newline="")


# --------------------------------------------------------------------------------------------------
# Digi-Key KiCad library fields
# --------------------------------------------------------------------------------------------------

_DK_FREQ = re.compile(r"\b(\d+(?:\.\d+)?)\s*(K|M|G)?HZ\b", re.I)
_DK_PF = re.compile(r"\b(\d+(?:\.\d+)?)\s*PF\b", re.I)
_DK_VOLT = re.compile(r"\b(\d+(?:\.\d+)?)\s*(K|M)?V\b", re.I)
_DK_AMP = re.compile(r"\b(\d+(?:\.\d+)?)\s*(M|U)?A\b", re.I)
_SI = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9}
_SMALL = {"": 1.0, "M": 1e-3, "U": 1e-6}


def read_digikey(path: Path | str, *, problems: list[RowProblem] | None = None) -> Iterator[Product]:
    """Products from digikey_components.csv (fields of Digi-Key's KiCad symbols); sku = Digi-Key part number."""
    path = Path(path)
    problems = problems if problems is not None else []
    with _open_text(path) as handle:
        reader = csv.DictReader(handle)
        required = {"mpn", "manufacturer", "digikey_pn", "category", "family", "description"}
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise CatalogError(f"not a Digi-Key components table: missing {', '.join(sorted(missing))}", file=str(path))
        for row in reader:
            line = reader.line_num
            sku, mpn = (row.get("digikey_pn") or "").strip(), (row.get("mpn") or "").strip()
            if not sku or not mpn:
                problems.append(RowProblem(str(path), line, "empty digikey_pn or mpn"))
                continue
            description = (row.get("description") or "").strip()
            family = (row.get("family") or "").strip()
            attrs = list(digikey_facts(description, family))
            status = (row.get("status") or "").strip()
            if status:
                attrs.append(Attribute(name="lifecycle_status", raw=status, label="status"))
            footprint = (row.get("footprint") or "").strip()
            package = footprint.split(":", 1)[-1]
            aliases = tuple(dict.fromkeys(a for a in (mpn, (row.get("value") or "").strip()) if a))
            yield Product(
                sku=sku,
                mpn=mpn,
                manufacturer=(row.get("manufacturer") or "").strip(),
                category=f"{row['category'].strip()} / {family}" if family else row["category"].strip(),
                name=f"{mpn} — {description}" if description else mpn,
                description=description,
                package=package,
                datasheet=(row.get("datasheet") or "").strip(),
                attributes=tuple(attrs),
                source=f"digikey:{path.name}",
                aliases=aliases,
            )


def digikey_facts(description: str, family: str) -> Iterator[Attribute]:
    """Facts Digi-Key's short descriptions state reliably, per family (crystal frequency, FET voltage …)."""
    text = description.upper()
    if family in ("Crystals", "Oscillators") or text.startswith(("CRYSTAL", "XTAL", "MEMS OSC", "OSC ")):
        if m := _DK_FREQ.search(text):
            value = float(m.group(1)) * _SI[(m.group(2) or "").upper()]
            yield Attribute(name="frequency", raw=m.group(0), value=value, unit="Hz", label="description")
        if m := _DK_PF.search(text):
            yield Attribute(
                name="load_capacitance",
                raw=m.group(0),
                value=float(m.group(1)) * 1e-12,
                unit="F",
                label="description",
            )
    elif text.startswith(("MOSFET", "TRANS ", "DIODE", "JFET", "THYRISTOR", "TRIAC")):
        # Digi-Key writes the blocking voltage first and the continuous current after it.
        if m := _DK_VOLT.search(text):
            value = float(m.group(1)) * _SI[(m.group(2) or "").upper()]
            yield Attribute(name="voltage_rating", raw=m.group(0), value=value, unit="V", label="description")
        if m := _DK_AMP.search(text):
            value = float(m.group(1)) * _SMALL[(m.group(2) or "").upper()]
            yield Attribute(name="current_rating", raw=m.group(0), value=value, unit="A", label="description")


# --------------------------------------------------------------------------------------------------
# SKF bearing tables
# --------------------------------------------------------------------------------------------------

# English column of the skf_*.csv tables -> (canonical key, unit)
_SKF_TABLE_COLUMNS = {
    "d[mm]": ("bore_diameter", "mm"),
    "D[mm]": ("outer_diameter", "mm"),
    "B[mm]": ("width", "mm"),
    "C[kN]": ("dynamic_load_rating", "kN"),
    "Co[kN]": ("static_load_rating", "kN"),
    "C0[kN]": ("static_load_rating", "kN"),
    "Pu[kN]": ("fatigue_load_limit", "kN"),
    "G-Speed[r/min]": ("grease_speed", "r/min"),
    "O-Speed[r/min]": ("oil_speed", "r/min"),
    "Reference speed[r/min]": ("reference_speed", "r/min"),
    "Limiting speed[r/min]": ("limiting_speed", "r/min"),
}
_SKF_TABLE_TYPES = {
    "skf_angular_contact_ball_bearings": ("angular contact ball bearing", "角接触球轴承"),
    "skf_angular_contact_thrust_ball_bearings_double_direction": (
        "double direction angular contact thrust ball bearing",
        "双向角接触推力球轴承",
    ),
    "skf_angular_contact_thrust_ball_bearings_for_screw_drives_single_direction": (
        "angular contact thrust ball bearing for screw drives",
        "丝杠支承角接触推力球轴承",
    ),
    "skf_cylindrical_roller_bearings": ("cylindrical roller bearing", "圆柱滚子轴承"),
}
BEARING_TYPES_EN = {
    "角接触球轴承": "angular contact ball bearing",
    "双列圆柱滚子轴承": "double row cylindrical roller bearing",
    "单列圆柱滚子轴承": "single row cylindrical roller bearing",
    "丝杠支承角接触推力球轴承": "angular contact thrust ball bearing for screw drives",
    "带法兰滚珠丝杠轴承套筒单元": "flanged cartridge unit for ball screw support bearings",
    "精密锁紧螺母": "precision lock nut",
    "双向角接触推力球轴承": "double direction angular contact thrust ball bearing",
    "双向角接触推力球轴承高速系列": "double direction angular contact thrust ball bearing, high-speed series",
    "E2能效型深沟球轴承": "SKF E2 energy-efficient deep groove ball bearing",
}
_PRECISION_WORDS = {
    "开式": "open",
    "密封": "sealed",
    "轻": "light",
    "中": "medium",
    "重": "heavy",
    "普通": "normal",
    "大": "large",
    "小": "small",
    "轴承钢": "bearing steel",
    "陶瓷": "ceramic",
    "单列": "single",
    "双列": "double row",
    "四列": "four row",
    "万能自由配组": "universally matchable",
    "锥形内孔": "tapered bore",
    "锥孔": "tapered bore",
    "圆柱内孔": "cylindrical bore",
}


def read_skf(directory: Path | str, *, problems: list[RowProblem] | None = None) -> Iterator[Product]:
    """SKF bearings from skf_*.csv and the Chinese precision catalog, merged by normalized designation."""
    directory = Path(directory)
    problems = problems if problems is not None else []
    precision = {
        normalize_code(p.mpn): p
        for p in read_skf_precision_zh(directory / "skf_precision_catalog_zh.csv", problems=problems)
    }
    used: set[str] = set()
    for product in read_skf_tables(directory, problems=problems):
        key = normalize_code(product.mpn)
        if key in precision and key not in used:
            used.add(key)
            yield merge_products(precision[key], product)
        else:
            yield product
    for key, product in precision.items():
        if key not in used:
            yield product


def merge_products(primary: Product, secondary: Product) -> Product:
    """One product from two records of the same part: union of attributes and aliases, `primary` wins."""
    names = {a.name for a in primary.attributes}
    aliases = tuple(
        dict.fromkeys(a for a in (*primary.aliases, secondary.mpn, *secondary.aliases) if a and a != primary.mpn)
    )
    return replace(
        primary,
        attributes=primary.attributes + tuple(a for a in secondary.attributes if a.name not in names),
        aliases=aliases,
        datasheet=primary.datasheet or secondary.datasheet,
        source=f"{primary.source} + {secondary.source}",
    )


def read_skf_tables(directory: Path | str, *, problems: list[RowProblem] | None = None) -> Iterator[Product]:
    """Bearings from SKF's skf_*.csv tables (Designation, d, D, B [mm], C, C0, Pu [kN], speeds [r/min])."""
    directory = Path(directory)
    problems = problems if problems is not None else []
    files = sorted(p for p in directory.glob("skf_*.csv") if "precision" not in p.name)
    if not files:
        raise CatalogError("no skf_*.csv bearing tables", file=str(directory))
    for path in files:
        type_en, type_zh = _SKF_TABLE_TYPES.get(path.stem, ("rolling bearing", "轴承"))
        with _open_text(path) as handle:
            reader = csv.DictReader(handle)
            if "Designation" not in (reader.fieldnames or ()):
                raise CatalogError("missing column Designation", file=str(path))
            for row in reader:
                designation = (row.get("Designation") or "").strip()
                if not designation:
                    problems.append(RowProblem(str(path), reader.line_num, "empty Designation"))
                    continue
                try:
                    attrs = [
                        _number_attribute(key, unit, row.get(col), col)
                        for col, (key, unit) in _SKF_TABLE_COLUMNS.items()
                        if (row.get(col) or "").strip()
                    ]
                except CatalogError as exc:
                    problems.append(RowProblem(str(path), reader.line_num, exc.reason))
                    continue
                attrs.append(Attribute(name="bearing_type", raw=type_en, label="table"))
                yield _bearing_product(
                    sku="SKF-" + designation.replace(" ", ""),
                    mpn=designation,
                    manufacturer="SKF",
                    type_en=type_en,
                    type_zh=type_zh,
                    attrs=tuple(attrs),
                    source=f"skf:{path.name}",
                    aliases=(),
                )


_PRECISION_COLUMNS = {
    "ind": ("bore_diameter", "mm"),
    "oud": ("outer_diameter", "mm"),
    "wid": ("width", "mm"),
    "speed_g": ("grease_speed", "r/min"),
    "speed_o": ("oil_speed", "r/min"),
    "weight": ("mass", "kg"),
}
_PRECISION_TEXT = {
    "accuracy": "precision_class",
    "preload": "preload",
    "seal": "seal",
    "serie": "series",
    "r_size": "rolling_element_size",
    "r_matel": "rolling_element_material",
    "assembly_no": "rows",
    "assembly_type": "arrangement",
}


def read_skf_precision_zh(path: Path | str, *, problems: list[RowProblem] | None = None) -> Iterator[Product]:
    """SKF super-precision bearings from the Chinese catalog table (zh header row 1, English keys row 2)."""
    path = Path(path)
    problems = problems if problems is not None else []
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        zh = next(reader, None)
        keys = next(reader, None)
        if zh is None or keys is None or "product_model" not in keys:
            raise CatalogError(
                "expected Chinese headers in row 1 and English keys (product_model …) in row 2",
                file=str(path),
            )
        labels = dict(zip(keys, zh, strict=False))
        for cells in reader:
            line = reader.line_num
            row = dict(zip(keys, (c.strip() for c in cells), strict=False))  # short rows: missing cells
            model = row.get("product_model", "")
            if not model:
                problems.append(RowProblem(str(path), line, "empty product_model"))
                continue
            try:
                yield _precision_product(row, labels, path.name)
            except CatalogError as exc:
                problems.append(RowProblem(str(path), line, exc.reason))


def _precision_product(row: Mapping[str, str], labels: Mapping[str, str], file_name: str) -> Product:
    model = row["product_model"]
    attrs = [
        _number_attribute(key, unit, row[col], labels[col])
        for col, (key, unit) in _PRECISION_COLUMNS.items()
        if row.get(col)
    ]
    type_zh = row.get("product_class", "")
    type_en = BEARING_TYPES_EN.get(type_zh, "")
    if type_zh:
        attrs.append(Attribute(name="bearing_type", raw=type_zh, label=labels["product_class"]))
    for col, key in _PRECISION_TEXT.items():
        raw = row.get(col, "")
        if raw:
            attrs.append(Attribute(name=key, raw=raw, label=labels.get(col, col)))
    angle = row.get("angle", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", angle):
        attrs.append(Attribute(name="contact_angle", raw=angle, value=float(angle), unit="°", label=labels["angle"]))
    elif angle:  # the angle column of cylindrical roller bearings holds the bore shape instead
        attrs.append(Attribute(name="bore_type", raw=angle, label=labels["angle"]))
    aliases: list[str] = []
    label = row.get("product_label", "")
    if label and label != model:
        aliases.append(label)
    old_brand, old_model = row.get("product_brand_old", ""), row.get("product_model_old", "")
    if old_model:
        aliases.append(old_model)
        attrs.append(
            Attribute(
                name="superseded_designation",
                raw=f"{old_brand} {old_model}".strip(),
                label=labels.get("product_model_old", "product_model_old"),
            )
        )
    description = " ".join(t for t in (row.get("note", ""), row.get("tag", "")) if t)
    return _bearing_product(
        sku=f"SKF-{model}",
        mpn=model,
        manufacturer=row.get("product_brand") or "SKF",
        type_en=type_en,
        type_zh=type_zh,
        attrs=tuple(attrs),
        source=f"skf:{file_name}",
        aliases=tuple(aliases),
        description=description,
    )


def _bearing_product(
    *,
    sku: str,
    mpn: str,
    manufacturer: str,
    type_en: str,
    type_zh: str,
    attrs: tuple[Attribute, ...],
    source: str,
    aliases: tuple[str, ...],
    description: str = "",
) -> Product:
    by = {a.name: a for a in attrs}
    dims = [by[k].value for k in ("bore_diameter", "outer_diameter", "width") if k in by]
    size = "×".join(f"{v:g}" for v in dims if v is not None)
    en = type_en or "precision bearing part"
    title = f"{manufacturer} {mpn} {en}" + (f" {size} mm" if size and len(dims) == 3 else "")
    if type_zh:
        title += f" / {type_zh}"
    is_nut = "lock nut" in en
    category = "Bearings / Precision lock nuts" if is_nut else f"Bearings / {en[0].upper()}{en[1:]}s"
    facts = [
        f"{_PRECISION_WORDS.get(a.raw, a.raw)} {a.name.replace('_', ' ')}"
        for a in attrs
        if a.name in ("precision_class", "seal", "preload")
    ]
    text = "; ".join([description, *facts]) if description else "; ".join(facts)
    return Product(
        sku=sku,
        mpn=mpn,
        manufacturer=manufacturer,
        category=category,
        name=title,
        description=text,
        attributes=attrs,
        source=source,
        aliases=aliases,
    )


def _number_attribute(key: str, unit: str, raw: str | None, label: str) -> Attribute:
    text = (raw or "").strip()
    try:
        value = float(text)
    except ValueError as exc:
        raise CatalogError(f"{label}: {text!r} is not a number") from exc
    return Attribute(name=key, raw=text, value=value, unit=unit, label=label)


# --------------------------------------------------------------------------------------------------
# Generic brand catalog (CSV / XLSX), documented in catalog/SCHEMA.md
# --------------------------------------------------------------------------------------------------

GENERIC_REQUIRED = ("sku", "mpn", "manufacturer", "category", "name")
GENERIC_OPTIONAL = (
    "description",
    "package",
    "datasheet",
    "price_breaks",
    "currency",
    "stock",
    "lead_time_days",
    "aliases",
    "price_source",
)
_ATTR_HEADER = re.compile(r"^attr:([A-Za-z0-9_]+)\s*(?:\[([^\]]*)\])?$")
_EMPTY_CELLS = {"", "-", "—", "n/a", "na", "none", "null"}


def read_generic(path: Path | str, *, problems: list[RowProblem] | None = None) -> Iterator[Product]:
    """Products from a brand's own catalog file in the generic schema (CSV in any common encoding, or XLSX)."""
    path = Path(path)
    problems = problems if problems is not None else []
    if not path.is_file():
        raise CatalogError("file not found", file=str(path))
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    header_line, header = next(rows, (1, []))
    columns = [h.strip() for h in header]
    lowered = [c.lower() for c in columns]
    missing = [c for c in GENERIC_REQUIRED if c not in lowered]
    if missing:
        raise CatalogError(
            f"missing required column(s) {', '.join(missing)} (see catalog/SCHEMA.md)",
            file=str(path),
            line=header_line,
        )
    attr_columns: list[tuple[int, str, str, str]] = []
    for i, col in enumerate(columns):
        if col.lower().startswith("attr:"):
            match = _ATTR_HEADER.match(col)
            if match is None:
                raise CatalogError(
                    f"bad attribute column {col!r}: use attr:<key> or attr:<key>[<unit>]",
                    file=str(path),
                    line=header_line,
                )
            attr_columns.append((i, match.group(1).lower(), (match.group(2) or "").strip(), col))
    index = {name: lowered.index(name) for name in (*GENERIC_REQUIRED, *GENERIC_OPTIONAL) if name in lowered}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(columns) - len(cells))
        row = {name: cells[i].strip() for name, i in index.items()}
        try:
            yield _generic_product(
                row, [(key, unit, label, cells[i].strip()) for i, key, unit, label in attr_columns], path.name
            )
        except CatalogError as exc:
            problems.append(RowProblem(str(path), line, exc.reason))


def _generic_product(row: Mapping[str, str], attr_cells: list[tuple[str, str, str, str]], file_name: str) -> Product:
    for name in GENERIC_REQUIRED:
        if not row.get(name):
            raise CatalogError(f"empty required cell {name!r}")
    breaks = parse_price_breaks(row.get("price_breaks", ""))
    attrs = tuple(a for a in (_generic_attribute(*cell) for cell in attr_cells) if a is not None)
    aliases = tuple(a.strip() for a in re.split(r"[|;]", row.get("aliases", "")) if a.strip())
    return Product(
        sku=row["sku"],
        mpn=row["mpn"],
        manufacturer=row["manufacturer"],
        category=row["category"],
        name=row["name"],
        description=row.get("description", ""),
        package=row.get("package", ""),
        datasheet=row.get("datasheet", ""),
        attributes=attrs,
        price_breaks=breaks,
        currency=(row.get("currency") or "USD").upper(),
        price_source=(row.get("price_source") or f"{GENERIC_PRICE_SOURCE} {file_name}") if breaks else "",
        stock=_optional_int(row.get("stock", ""), "stock"),
        lead_time_days=_optional_int(row.get("lead_time_days", ""), "lead_time_days"),
        source=f"generic:{file_name}",
        aliases=aliases,
    )


def parse_price_breaks(text: str) -> tuple[PriceBreak, ...]:
    """Price breaks from "1:0.10;100:0.08" (quantity:unit price, ';' between breaks)."""
    if not text.strip():
        return ()
    breaks: list[PriceBreak] = []
    for part in re.split(r"[;；]", text):
        if not part.strip():
            continue
        match = re.fullmatch(r"\s*(\d+)\s*[:：]\s*(\d+(?:\.\d+)?|\.\d+)\s*", part)
        if match is None:
            raise CatalogError(f"bad price_breaks {text!r}: expected 'qty:price;qty:price', e.g. '1:0.10;100:0.08'")
        qty = int(match.group(1))
        if qty < 1 or (breaks and qty <= breaks[-1].min_qty):
            raise CatalogError(f"bad price_breaks {text!r}: quantities must start at 1 or more and increase")
        breaks.append(PriceBreak(qty, float(match.group(2))))
    return tuple(breaks)


def _generic_attribute(key: str, unit: str, label: str, cell: str) -> Attribute | None:
    if cell.lower() in _EMPTY_CELLS:
        return None
    if not unit:
        parsed = parse_value(cell)
        if parsed is None:
            return Attribute(name=key, raw=cell, label=label)
        value, value_max, got = parsed
        return Attribute(name=key, raw=cell, value=value, unit=got, value_max=value_max, label=label)
    from knowledge.units import parse_quantity, parse_range

    try:
        if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cell):
            return Attribute(name=key, raw=cell, value=float(cell), unit=unit, label=label)
        if "~" in cell:
            lo, hi, got = parse_range(cell)
            return Attribute(name=key, raw=cell, value=float(lo), value_max=float(hi), unit=got or unit, label=label)
        value, got = parse_quantity(cell, unit)
        return Attribute(name=key, raw=cell, value=float(value), unit=got or unit, label=label)
    except UnitError as exc:
        raise CatalogError(f"{label}: {cell!r} is not a value in {unit}") from exc


def _optional_int(text: str, column: str) -> int | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError as exc:
        raise CatalogError(f"bad {column} {text!r}: expected a whole number") from exc
    if value != int(value) or value < 0:
        raise CatalogError(f"bad {column} {text!r}: expected a whole number")
    return int(value)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of a CSV in UTF-8, GBK/GB18030 or whatever charset-normalizer detects."""
    text = decode_text(path.read_bytes(), str(path))
    # The delimiter comes from the header alone: data cells such as price_breaks contain ';'.
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise CatalogError(f"cannot parse CSV: {exc}", file=str(path), line=reader.line_num) from exc


def decode_text(data: bytes, file: str = "") -> str:
    """Decode a text file: UTF-8 (with or without BOM) first, else the charset charset-normalizer finds.

    Detection is limited to the encodings brand files come in (GBK/GB18030, Big5, UTF-16, Windows-1252):
    on short GBK files an unrestricted guess often lands on a Japanese code page.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
    if best is None:
        raise CatalogError(f"cannot decode the file (tried UTF-8, {', '.join(_LEGACY_ENCODINGS)})", file=file)
    return str(best)


_LEGACY_ENCODINGS = ("gb18030", "big5", "utf_16", "cp1252")


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for broken files
        raise CatalogError(f"cannot open workbook: {exc}", file=str(path)) from exc
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


__all__ = [
    "DEFAULT_SOURCES_DIR",
    "CatalogStore",
    "IngestReport",
    "RowProblem",
    "decode_text",
    "digikey_facts",
    "ingest_all",
    "map_jlc_attributes",
    "merge_products",
    "normalize_code",
    "parse_jlc_price",
    "parse_price_breaks",
    "parse_value",
    "read_digikey",
    "read_generic",
    "read_jlc_parts",
    "read_skf",
    "read_skf_precision_zh",
    "read_skf_tables",
    "slug",
]
