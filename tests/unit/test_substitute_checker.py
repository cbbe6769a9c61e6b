"""Independent checker: no substitute returned for real catalog parts breaks a hard rule.

Deliberately shares no code with knowledge/substitutes.py or its rule table: it reads raw attributes and
applies the buyer's rules directly (same package and resistance for chip resistors; same capacitance,
package and voltage >= for MLCCs; same d, D, B for bearings; same thread and length for screws).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from knowledge.catalog import CatalogStore
from knowledge.models import Product
from knowledge.substitutes import substitutes_for

CATALOG = Path(__file__).resolve().parents[2] / "var" / "catalog.sqlite"
SAMPLE_PER_KIND = 40  # 5 kinds x 40 = 200 parts


def _num(product: Product, key: str) -> float | None:
    for attr in product.attributes:
        if attr.name == key:
            return attr.value
    return None


def _text(product: Product, key: str) -> str | None:
    for attr in product.attributes:
        if attr.name == key:
            return re.sub(r"[^A-Z0-9.]", "", attr.raw.upper())
    return None


def _package(product: Product) -> str | None:
    raw = product.package or (_text(product, "package") or "")
    raw = re.sub(r"[^A-Z0-9]", "", raw.upper())
    return raw or None


def _equal(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-6 * max(abs(a), abs(b))


def _kind(product: Product) -> str | None:
    category = product.category.lower()
    if "chip resistor" in category or "current sense resistor" in category:
        return "resistor"
    if "mlcc - smd" in category:
        return "mlcc"
    if "bearing" in category and "thrust" not in category:
        return "bearing"
    if category.startswith("fasteners") and ("screw" in category or "bolt" in category):
        return "screw"
    if category.endswith("/ crystals"):
        return "crystal"
    return None


def _violations(original: Product, sub: Product) -> list[str]:
    kind = _kind(original)
    problems: list[str] = []
    if kind == "resistor":
        if _package(sub) != _package(original):
            problems.append("package")
        if not _equal(_num(sub, "resistance"), _num(original, "resistance")):
            problems.append("resistance")
    elif kind == "mlcc":
        if _package(sub) != _package(original):
            problems.append("package")
        if not _equal(_num(sub, "capacitance"), _num(original, "capacitance")):
            problems.append("capacitance")
        v_orig, v_sub = _num(original, "voltage_rating"), _num(sub, "voltage_rating")
        if v_orig is not None and (v_sub is None or v_sub < v_orig):
            problems.append("voltage")
    elif kind == "bearing":
        for key in ("bore_diameter", "outer_diameter", "width"):
            if not _equal(_num(sub, key), _num(original, key)):
                problems.append(key)
    elif kind == "screw":
        if _text(sub, "thread") != _text(original, "thread") or _text(sub, "thread") is None:
            problems.append("thread")
        if not _equal(_num(sub, "length"), _num(original, "length")):
            problems.append("length")
    elif kind == "crystal" and not _equal(_num(sub, "frequency"), _num(original, "frequency")):
        problems.append("frequency")
    if kind is not None and _kind(sub) != kind:
        problems.append("product kind")
    return problems


def _sample(store: CatalogStore) -> list[Product]:
    """SAMPLE_PER_KIND parts per kind, drawn with a fixed seed from every SKU of that kind."""
    conn = store._conn  # read-only listing of SKUs and categories; the checker needs nothing else
    rows = conn.execute("SELECT sku, category FROM products ORDER BY sku").fetchall()
    by_kind: dict[str, list[str]] = {}
    for sku, category in rows:
        kind = _kind(Product(sku, "", "", category, ""))
        if kind is not None:
            by_kind.setdefault(kind, []).append(sku)
    rng = random.Random(20260521)
    chosen: list[str] = []
    for kind in sorted(by_kind):
        skus = by_kind[kind]
        chosen += rng.sample(skus, min(SAMPLE_PER_KIND, len(skus)))
    return store.products(chosen)


@pytest.mark.skipif(not CATALOG.is_file(), reason=f"{CATALOG} missing: build it with `brandstation ingest`")
def test_no_substitute_breaks_a_hard_rule_on_the_real_catalog() -> None:
    store = CatalogStore.open_existing(CATALOG)
    sample = _sample(store)
    assert len(sample) >= 150
    returned = 0
    bad: list[str] = []
    for original in sample:
        for sub in substitutes_for(original, store, k=10):
            if sub.kind == "cross-reference":
                continue  # documented references are vouched for by their source, checked in the unit tests
            returned += 1
            problems = _violations(original, sub.product)
            if problems:
                bad.append(f"{original.sku} -> {sub.product.sku}: {', '.join(problems)}")
    assert returned > 100, "the sample should exercise the engine"
    assert bad == []
