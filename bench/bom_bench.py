"""Time to quote a 1,000-line and a 10,000-line BOM (read → match → price), plus the XLSX / PDF exports.

The BOMs are generated from catalog items (seeded) with the mess real BOMs have: MPNs in other case or with
packaging suffixes, supplier codes only, values with footprints ("10k" + "R0603"), screws written in Chinese
or English, free-text descriptions, part numbers the catalog does not have. Run: `make bench` (suite `bom`).
"""

from __future__ import annotations

import csv
import io
import random
import time
from datetime import date
from typing import Any

from knowledge.bom import read_bom_text
from knowledge.bom_match import BomMatcher
from knowledge.catalog import CatalogStore
from knowledge.models import Product
from knowledge.pricing import PricingSettings
from knowledge.quote import build_quote
from knowledge.search import SearchEngine
from knowledge.units import format_quantity

SEED = 20261126
SIZES = (1000, 10000)
# Share of each kind of line in a generated BOM.
MIX = (
    ("mpn", 0.35),
    ("mpn_messy", 0.10),
    ("supplier_code", 0.10),
    ("value_footprint", 0.20),
    ("fastener", 0.10),
    ("description", 0.10),
    ("unknown", 0.05),
)
_SCREWS = ("M3x8 ISO 4762 A2", "M4*12 内六角 不锈钢", "M5x16 button head", "M2.5x6 沉头", "M6 hex nut", "M3 垫片")
_SUFFIXES = ("-TR", "/TR", "#PBF", "-REEL7")


def generate_bom(store: CatalogStore, lines: int, seed: int = SEED) -> str:
    """A BOM as CSV text with `lines` item lines of the MIX kinds, drawn from the catalog."""
    rng = random.Random(seed)
    skus = [r[0] for r in store._conn.execute("SELECT sku FROM products ORDER BY sku")]
    passives = [
        r[0]
        for r in store._conn.execute(
            "SELECT sku FROM products WHERE (category LIKE '%Chip Resistor%' OR category LIKE '%MLCC%')"
            " AND package IN ('0402', '0603', '0805', '1206') ORDER BY sku"
        )
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Designator", "Qty", "Manufacturer Part", "Manufacturer", "LCSC", "Value", "Footprint", "Description"]
    )
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    for i in range(lines):
        kind = rng.choices(kinds, weights)[0]
        qty = rng.choice((1, 1, 1, 2, 4, 10))
        row = [f"X{i + 1}", str(qty), "", "", "", "", "", ""]
        if kind in ("mpn", "mpn_messy", "supplier_code"):
            product = store.get(rng.choice(skus))
            mpn = product.mpn
            if kind == "mpn_messy":
                mpn = rng.choice((mpn.lower(), mpn + rng.choice(_SUFFIXES), mpn.replace("-", " ")))
            if kind == "supplier_code":
                row[4] = product.sku
            else:
                row[2], row[3] = mpn, product.manufacturer
            row[6] = product.package
        elif kind == "value_footprint":
            product = store.get(rng.choice(passives))
            row[0] = ("R" if "resistor" in product.category.lower() else "C") + str(i + 1)
            row[5] = _value_text(product)
            row[6] = rng.choice(("", "R", "C_")) + product.package if row[0][0] == "R" else "C" + product.package
        elif kind == "fastener":
            row[7] = rng.choice(_SCREWS)
        elif kind == "description":
            row[7] = store.get(rng.choice(skus)).name
        else:
            row[2] = f"ZZ{rng.randrange(10**6):06d}-NOPE"
        writer.writerow(row)
    return out.getvalue()


def _value_text(product: Product) -> str:
    for key in ("resistance", "capacitance"):
        attr = product.attribute(key)
        if attr is not None and attr.value is not None:
            text = format_quantity(attr.value, attr.unit).replace(" ", "")
            tolerance = product.attribute("tolerance")
            return text + (f" {tolerance.raw}" if tolerance is not None else "")
    return product.mpn


def bench_bom(engine: SearchEngine, sizes: tuple[int, ...] = SIZES) -> dict[str, Any]:
    """Seconds per phase for each BOM size, after a warm-up (indexes and code tables loaded once per process)."""
    from bot.quote_export import to_pdf, to_xlsx

    store = engine.store
    warm = BomMatcher(engine)
    warm.prepare()  # what the quote service does at start-up
    warm.match_all(read_bom_text(generate_bom(store, 50, seed=1)).lines)
    results: dict[str, Any] = {}
    for size in sizes:
        text = generate_bom(store, size)
        started = time.perf_counter()
        read = read_bom_text(text, name=f"bench-{size}.csv")
        t_read = time.perf_counter()
        matches = BomMatcher(engine).match_all(read.lines)
        t_match = time.perf_counter()
        quote = build_quote(
            read, matches, store, boards=100, settings=PricingSettings(), today=date(2026, 11, 26), quote_id="Q-B"
        )
        t_quote = time.perf_counter()
        xlsx = to_xlsx(quote)
        t_xlsx = time.perf_counter()
        pdf = to_pdf(quote) if size <= 1000 else b""
        t_pdf = time.perf_counter()
        results[str(size)] = {
            "lines": len(read.lines),
            "statuses": quote["summary"],
            "read_s": round(t_read - started, 3),
            "match_s": round(t_match - t_read, 3),
            "price_s": round(t_quote - t_match, 3),
            "quote_total_s": round(t_quote - started, 3),
            "xlsx_s": round(t_xlsx - t_quote, 3),
            "xlsx_bytes": len(xlsx),
            "pdf_s": round(t_pdf - t_xlsx, 3) if pdf else None,
            "pdf_bytes": len(pdf) or None,
        }
    return results


if __name__ == "__main__":
    import json

    from bot.providers import load_engine
    from bot.settings import get_settings

    print(json.dumps(bench_bom(load_engine(get_settings())), indent=2))
