"""The catalog store's API on both engines: a SQLite file and PostgreSQL (skipped when it does not answer).

Every PostgreSQL test gets a throw-away schema (`search_path` in the URL) that is dropped afterwards. Start the
server with `make services` (ops/services.sh: 127.0.0.1:55432).
"""

from __future__ import annotations

import sys
import threading
import types
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import knowledge
from knowledge.catalog import CatalogStore, ingest_all, push_catalog
from knowledge.db import Database
from knowledge.errors import CatalogError, ProductNotFound
from knowledge.models import Attribute, PriceBreak, Product
from tests.databases import PG_URL, pg_schema

SOURCES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog" / "sources"


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose tables land in a fresh schema, dropped after the test (skipped when it is down)."""
    with pg_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where an empty catalog lives: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "catalog.sqlite")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture()
def store(url: str) -> Iterator[CatalogStore]:
    with CatalogStore(url) as opened:
        opened.create()
        yield opened


def _product(sku: str = "X-1", **changes: Any) -> Product:
    base = Product(
        sku=sku,
        mpn="RC0603FR-0710KL",
        manufacturer="YAGEO",
        category="Resistors / Chip Resistor - Surface Mount",
        name="RC0603FR-0710KL — 10kΩ ±1% 100mW 0603 chip resistor",
        description='厚膜电阻 10kΩ ±1%, "quoted", 50% off\tand a tab\nand a line',
        package="0603(1608)",
        datasheet="https://example.invalid/rc.pdf",
        attributes=(
            Attribute(name="resistance", raw="10kΩ", value=10000.0, unit="Ω", label="Resistance"),
            Attribute(name="temperature_range", raw="-55℃~+155℃", value=-55.0, unit="°C", value_max=155.0),
            Attribute(name="type", raw="Thick Film Resistor"),
            Attribute(name="power", raw="1/10W", value=0.1, unit="W", label="功率"),
            Attribute(name="capacitance", raw="1.1e-13F", value=1.1e-13, unit="F"),
        ),
        price_breaks=(PriceBreak(1, 0.0014), PriceBreak(1000, 0.0011)),
        currency="USD",
        price_source="JLCPCB list price, snapshot 2026-05-21",
        stock=10_973_398_000,  # beyond a 32-bit integer
        lead_time_days=None,
        source="test",
        aliases=("C25804", "0603 10K 1%", ""),
    )
    return replace(base, **changes)


def test_round_trip_and_lookups(store: CatalogStore) -> None:
    product = _product()
    bare = Product(sku="B-2", mpn="B2", manufacturer="", category="", name="bare")
    other = _product("X-2", mpn="OTHER", aliases=())
    assert store.add([product, bare, other]) == 3
    assert store.get("X-1") == product
    assert store.get("B-2") == bare and store.get("B-2").stock is None
    assert store.count() == 3
    assert [p.sku for p in store.products(["X-2", "X-1", "B-2", "X-1"])] == ["X-2", "X-1", "B-2", "X-1"]
    with pytest.raises(ProductNotFound):
        store.get("nope")
    with pytest.raises(ProductNotFound):
        store.products(["X-1", "missing"])
    assert [p.sku for p in store.by_code("rc0603fr-07 10kl")] == ["X-1"]
    assert [p.sku for p in store.by_code("C25804")] == ["X-1"]
    assert [p.sku for p in store.by_code("x 2")] == ["X-2"]
    assert store.by_code("does-not-exist") == [] and store.by_code("--") == []
    assert ("C25804", "X-1") in store.codes() and ("OTHER", "X-2") in store.codes()


def test_with_attribute_numbers_text_and_package(store: CatalogStore) -> None:
    store.add(
        [
            _product("A"),
            _product("B", attributes=(Attribute("resistance", "1k", 1000.0, "Ω"),)),
            _product("C", package="0402"),
            _product("D", package="0603"),
        ]
    )
    assert store.with_attribute("resistance", 10000.0 * (1 + 1e-9)) == ["A", "C", "D"]
    assert store.with_attribute("resistance", 10000.0 * (1 + 1e-3)) == []
    assert store.with_attribute("resistance", 1000.0) == ["B"]
    assert store.with_attribute("capacitance", 1.1e-13) == ["A", "C", "D"]
    assert store.with_attribute("type", "thick FILM resistor") == ["A", "C", "D"]  # text: any case
    assert store.with_attribute("type", "thick film") == []  # text: whole value only
    assert store.with_attribute("resistance", 10000.0, package="0603") == ["A", "D"]  # the package or a prefix of it
    assert store.with_attribute("resistance", 10000.0, package="0603(1608)") == ["A"]
    assert store.with_attribute("resistance", 10000.0, package="0402") == ["C"]
    assert store.with_attribute("resistance", 10000.0, package="06%3") == []  # % and _ are dropped, not wildcards
    assert store.with_attribute("resistance", 10000.0, package="0_6\\03") == ["A", "D"]
    assert store.with_attribute("resistance", 10000.0, limit=2) == ["A", "C"]
    assert store.with_attribute("resistance", 10000.0, limit=0) == []


def test_sku_and_code_order_is_byte_order_on_both_engines(store: CatalogStore) -> None:
    skus = ["b", "B", "_1", "a-2", "A", "10", "9", "Ω1", "a 1", "Z"]
    store.add([_product(sku, mpn=f"M{sku}", aliases=()) for sku in skus])
    assert [p.sku for p in store.iter_products(batch=3)] == sorted(skus)  # code point = UTF-8 byte order
    assert store.codes() == sorted(store.codes())
    assert store.with_attribute("resistance", 10000.0) == sorted(skus)


def test_catalog_hash_is_the_same_on_both_engines(store: CatalogStore) -> None:
    products = [_product(sku) for sku in ("A", "B", "C")]
    for product in reversed(products):
        store.add([product])
    with CatalogStore(":memory:") as reference:
        reference.create()
        reference.add(products)
        assert store.catalog_hash() == reference.catalog_hash()
        reference.add([_product("D")])
        assert store.catalog_hash() != reference.catalog_hash()


def test_failed_add_keeps_nothing_and_failed_replace_keeps_the_old_catalog(store: CatalogStore) -> None:
    with pytest.raises(CatalogError, match="duplicate"):
        store.add([_product("A"), _product("A")])
    assert store.count() == 0
    store.add([_product("OLD")])
    before = store.catalog_hash()
    with pytest.raises(CatalogError, match="duplicate"):
        store.add([_product("NEW"), _product("NEW")], replace=True)
    assert [p.sku for p in store.iter_products()] == ["OLD"] and store.catalog_hash() == before
    store.add([_product("NEW")], replace=True)
    assert [p.sku for p in store.iter_products()] == ["NEW"] and store.count() == 1
    store.clear()
    assert store.count() == 0 and store.codes() == []


def test_open_existing_needs_the_catalog_tables(url: str) -> None:
    CatalogStore(url).close()  # connects (a SQLite file appears), creates no table
    with pytest.raises(CatalogError, match="not a catalog") as err:
        CatalogStore.open_existing(url)
    assert ("catalog push" if url.startswith("postgresql") else "ingest") in str(err.value)
    with CatalogStore(url) as built:
        built.create()
        built.add([_product("A")])
    with CatalogStore.open_existing(url) as reopened:
        assert reopened.get("A") == _product("A")


def test_reads_from_many_threads_share_one_connection(store: CatalogStore) -> None:
    store.add([_product(f"S{i:03d}", mpn=f"MPN{i}", aliases=()) for i in range(60)])
    failures: list[BaseException] = []

    def reader(offset: int) -> None:
        try:
            for i in range(offset, offset + 40):
                n = i % 60
                assert store.get(f"S{n:03d}").mpn == f"MPN{n}"
                assert [p.sku for p in store.by_code(f"mpn{n}")] == [f"S{n:03d}"]
                assert len(store.with_attribute("resistance", 10000.0, limit=None)) == 60
        except BaseException as exc:  # handed to the main thread
            failures.append(exc)

    threads = [threading.Thread(target=reader, args=(k * 7,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_push_copies_the_stored_rows_and_keeps_the_hash(tmp_path: Path, url: str) -> None:
    with CatalogStore(tmp_path / "source.sqlite") as source, CatalogStore(url) as target:
        source.create()
        source.add([_product(f"P{i}", mpn=f"M{i}", stock=i) for i in range(12)])
        target.create()
        target.add([_product("STALE")])
        report = push_catalog(source, target, batch=5)
        assert (report.count, report.catalog_hash, report.skipped) == (12, source.catalog_hash(), False)
        assert target.catalog_hash() == source.catalog_hash()
        assert list(target.iter_products()) == list(source.iter_products())
        assert target.codes() == source.codes()
        assert target.with_attribute("resistance", 10000.0, limit=None) == sorted(f"P{i}" for i in range(12))
        assert push_catalog(source, target).skipped  # already there
        assert not push_catalog(source, target, force=True).skipped
        source.add([_product("P99")])
        again = push_catalog(source, target)
        assert not again.skipped and again.count == target.count() == 13
        assert target.catalog_hash() == source.catalog_hash()


def test_push_refuses_a_copy_whose_hash_differs(tmp_path: Path, url: str) -> None:
    with CatalogStore(tmp_path / "source.sqlite") as source, CatalogStore(url) as target:
        source.create()
        source.add([_product("A"), _product("B")])
        target.create()
        target.add([_product("KEEP")])
        kept = target.catalog_hash()
        # the stored hash no longer describes the rows (a hand-edited source): the copy must not commit
        source._conn.execute("UPDATE products SET stock = 1 WHERE sku = 'A'")
        with pytest.raises(CatalogError, match="nothing was changed"):
            push_catalog(source, target)
        assert [p.sku for p in target.iter_products()] == ["KEEP"] and target.catalog_hash() == kept


def test_ingest_gives_the_same_catalog_on_both_engines(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("knowledge.passives")
    fake.generate_passives = lambda: iter([_product("GEN-1", mpn="GEN1")])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "knowledge.passives", fake)
    monkeypatch.setattr(knowledge, "passives", fake, raising=False)
    with CatalogStore(":memory:") as reference, CatalogStore(url) as store:
        expected = ingest_all(SOURCES, reference, progress=False)
        report = ingest_all(SOURCES, store, progress=False)
        assert report.total == expected.total == store.count() > 100
        assert report.catalog_hash == expected.catalog_hash == store.catalog_hash()
        assert list(store.iter_products()) == list(reference.iter_products())


def test_a_lost_postgresql_connection_is_opened_again(pg_url: str) -> None:
    with CatalogStore(pg_url) as store:
        store.create()
        store.add([_product("A")])
        pid = store._conn.raw.get_backend_pid()
        with Database(pg_url).connect() as admin:
            assert admin.execute("SELECT pg_terminate_backend(?)", (pid,)).fetchone()[0] is True
        assert store.get("A") == _product("A")
        assert store._conn.raw.get_backend_pid() != pid


def test_push_refuses_to_copy_a_catalog_onto_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "catalog.sqlite"
    with CatalogStore(path) as source:
        source.create()
        source.add([_product("A")])
        monkeypatch.chdir(tmp_path)
        with CatalogStore("sqlite:///catalog.sqlite") as same, pytest.raises(CatalogError, match="not a target"):
            push_catalog(source, same, force=True)
        assert source.count() == 1
        with CatalogStore(":memory:") as memory, CatalogStore(":memory:") as other:
            memory.create()
            assert push_catalog(memory, other).count == 0  # two in-memory stores are two catalogs


def test_a_postgresql_store_holds_one_connection_and_closes_it(pg_url: str) -> None:
    name = f"catalog-test-{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}&application_name={name}"

    def connections() -> int:
        with Database(PG_URL).connect() as conn:
            row = conn.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = ?", (name,)).fetchone()
        return int(row[0])

    with CatalogStore(url) as store:
        store.create()
        store.add([_product("A")])
    assert connections() == 0
    with CatalogStore.open_existing(url) as store:
        store.get("A")
        assert connections() == 1  # the tables check's connection is closed, the store's is held
    assert connections() == 0


def test_postgresql_keys_sort_bytewise_whatever_the_database_locale(pg_url: str) -> None:
    with CatalogStore(pg_url) as store:
        store.create()
        rows = store._conn.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name IN ('sku', 'code') ORDER BY 1, 2"
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("attributes", "sku", "C"),
        ("codes", "code", "C"),
        ("codes", "sku", "C"),
        ("products", "sku", "C"),
    ]
