"""Shared fixtures: a small in-memory catalog of real-shaped products and a search engine over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.catalog import CatalogStore
from knowledge.db import Database
from knowledge.embedder import HashingEmbedder
from knowledge.index import VectorIndex
from knowledge.indexing import dense_text
from knowledge.models import Attribute, PriceBreak, Product
from knowledge.search import SearchEngine
from tests.databases import ENGINES, app_database

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _resistor(
    sku: str, mpn: str, maker: str, ohms: float, package: str, tol: float, watts: float, stock: int
) -> Product:
    return Product(
        sku=sku,
        mpn=mpn,
        manufacturer=maker,
        category="Chip Resistor - Surface Mount",
        name=f"{mpn} — {ohms:g} Ω ±{tol:g}% {watts:g} W {package} chip resistor",
        package=package,
        attributes=(
            Attribute("resistance", f"{ohms:g}Ω", ohms, "Ω", label="Resistance"),
            Attribute("tolerance", f"±{tol:g}%", tol, "%", label="Tolerance"),
            Attribute("power", f"{watts:g}W", watts, "W", label="Power(Watts)"),
        ),
        price_breaks=(PriceBreak(1, 0.0014), PriceBreak(1000, 0.0011)),
        stock=stock,
        lead_time_days=2,
        source="fixture jlc_parts.csv line 2",
    )


def _bearing(sku: str, mpn: str, d: float, big_d: float, b: float, seal: str) -> Product:
    return Product(
        sku=sku,
        mpn=mpn,
        manufacturer="Brandstation standard range (ISO 15 dimensions)",
        category="Deep groove ball bearings",
        name=f"{mpn} deep groove ball bearing {d:g}×{big_d:g}×{b:g} mm",
        attributes=(
            Attribute("bore_diameter", f"{d:g}", d, "mm", label="d"),
            Attribute("outer_diameter", f"{big_d:g}", big_d, "mm", label="D"),
            Attribute("width", f"{b:g}", b, "mm", label="B"),
            Attribute("seal", seal, label="seal"),
        ),
        stock=120,
        lead_time_days=2,
        source="ISO 15 boundary dimensions",
    )


def fixture_products() -> list[Product]:
    return [
        _resistor("C25804", "0603WAF1002T5E", "UNI-ROYAL(Uniroyal Elec)", 10_000, "0603", 1, 0.1, 10_973_398),
        _resistor("GEN-RC0603FR-0710KL", "RC0603FR-0710KL", "YAGEO", 10_000, "0603", 1, 0.1, 0),
        _resistor("GEN-RC0402FR-0710KL", "RC0402FR-0710KL", "YAGEO", 10_000, "0402", 1, 0.0625, 500),
        _resistor("C25905", "0603WAF4701T5E", "UNI-ROYAL(Uniroyal Elec)", 4_700, "0603", 1, 0.1, 300),
        _bearing("ISO15-6205-2RS", "6205-2RS", 25, 52, 15, "2RS contact seals"),
        _bearing("ISO15-6205-2Z", "6205-2Z", 25, 52, 15, "2Z shields"),
        _bearing("ISO15-6205", "6205", 25, 52, 15, "open"),
        _bearing("ISO15-6206-2RS", "6206-2RS", 30, 62, 16, "2RS contact seals"),
        Product(
            sku="644-1178-1-ND",
            mpn="NX3225GD-8MHZ-STD-CRA-3",
            manufacturer="NDK America, Inc.",
            category="Crystals",
            name="CRYSTAL 8.0000MHZ 8PF SMD",
            attributes=(Attribute("frequency", "8.0000MHZ", 8e6, "Hz", label="description"),),
            source="digikey_components.csv line 40",
        ),
    ]


@pytest.fixture
def store() -> CatalogStore:
    s = CatalogStore(":memory:")
    s.create()
    s.add(fixture_products())
    return s


@pytest.fixture
def engine(store: CatalogStore) -> SearchEngine:
    return engine_over(store)


def engine_over(store: CatalogStore) -> SearchEngine:
    """A search engine over `store` with the deterministic hashing embedder and a flat index (no lexical index)."""
    embedder = HashingEmbedder(256)
    products = list(store.iter_products())
    vectors = VectorIndex.build(
        embedder.encode([dense_text(p) for p in products]),
        [p.sku for p in products],
        model=embedder.name,
        catalog_hash=store.catalog_hash(),
    )
    return SearchEngine(store, embedder, vectors, None)


@pytest.fixture(params=ENGINES)
def app_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The app database (leads, outbox, quotes, console) on SQLite and on PostgreSQL (skipped when not running)."""
    with app_database(request.param, tmp_path) as database:
        yield database
