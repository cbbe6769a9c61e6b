"""The catalog store on SQLite vs PostgreSQL: the same calls, the same seeded queries, side by side.

    python -m bench.catalog_backends [--pg URL] [--queries 300] [--force-push]

Copies var/catalog.sqlite into PostgreSQL first (`push_catalog`, skipped when that schema already holds this catalog;
`--force-push` times a full copy over it) and then times each lookup the search engine makes on both stores, the
two engines taking turns call by call so a busy machine slows both alike. Needs `make services` (or --pg).
Prints a table and writes bench/results/catalog_backends.json (machine and load average included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from knowledge.catalog import CatalogStore, push_catalog
from knowledge.db import Database

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "var" / "catalog.sqlite"
RESULTS = ROOT / "bench" / "results" / "catalog_backends.json"
SCHEMA = "catalog_bench"
DEFAULT_PG = (
    f"postgresql://brandstation:{os.environ.get('BRANDSTATION_PG_PASSWORD', 'brandstation')}"
    f"@127.0.0.1:{os.environ.get('BRANDSTATION_PG_PORT', '55432')}/brandstation"
)
SEED = 20261126

Call = Callable[[CatalogStore], object]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=DEFAULT_PG, help=f"PostgreSQL URL (tables go to schema {SCHEMA})")
    parser.add_argument("--queries", type=int, default=300, help="calls per lookup kind and engine")
    parser.add_argument("--force-push", action="store_true", help="copy the catalog even when it is already there")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    with Database(args.pg).connect() as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    pg_url = f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{SCHEMA}"
    sqlite = CatalogStore.open_existing(CATALOG)
    pg = CatalogStore(pg_url)
    push = push_catalog(sqlite, pg, force=args.force_push, progress=True)
    print(
        f"push: {push.count:,} products, hash {push.catalog_hash}, "
        + ("already there" if push.skipped else f"copied in {push.seconds:.1f} s")
    )
    assert pg.catalog_hash() == sqlite.catalog_hash()

    suites = _suites(sqlite, args.queries)
    rows: list[dict[str, Any]] = []
    for name, calls in suites:
        timings = _interleaved(calls, {"sqlite": sqlite, "postgresql": pg})
        rows.append({"lookup": name, "calls": len(calls), **timings})
    threaded = _threaded(sqlite, pg, args.queries)
    _print(rows, threaded)
    result = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_avg": os.getloadavg()},
        "catalog": {"products": push.count, "catalog_hash": push.catalog_hash},
        "push": {"seconds": push.seconds, "skipped": push.skipped},
        "lookups": rows,
        "threads": threaded,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"-> {args.out}")
    sqlite.close()
    pg.close()
    return 0


def _suites(store: CatalogStore, n: int) -> list[tuple[str, list[Call]]]:
    """Seeded lookups drawn from the catalog itself, each as a call that works on either store."""
    rng = random.Random(SEED)
    pairs = store.codes()
    skus = sorted({sku for _, sku in pairs})
    sample = store.products(rng.sample(skus, n))
    numeric: list[tuple[str, float, str]] = []
    text: list[tuple[str, str]] = []
    for product in sample:
        with_value = [a for a in product.attributes if a.value is not None]
        without = [a for a in product.attributes if a.value is None and a.raw.strip()]
        if with_value:
            attr = rng.choice(with_value)
            numeric.append((attr.name, float(attr.value or 0.0), product.package))
        if without:
            attr = rng.choice(without)
            text.append((attr.name, attr.raw.upper()))
    codes = [code for code, _ in rng.sample(pairs, n)]
    batches = [rng.sample(skus, 50) for _ in range(max(1, n // 10))]
    return [
        ("get(sku)", [_get(p.sku) for p in sample]),
        ("by_code(code)", [_by_code(c) for c in codes]),
        ("products(50 skus)", [_products(b) for b in batches]),
        ("with_attribute number", [_numeric(name, value, None, 1000) for name, value, _ in numeric]),
        ("with_attribute number, limit 20k", [_numeric(name, value, None, 20_000) for name, value, _ in numeric]),
        ("with_attribute number + package", [_numeric(name, value, pkg, 1000) for name, value, pkg in numeric if pkg]),
        ("with_attribute text (any case)", [_text(name, raw) for name, raw in text]),
        ("catalog_hash()", [CatalogStore.catalog_hash] * 50),
        ("count()", [CatalogStore.count] * 20),
        ("codes() (engine start)", [CatalogStore.codes] * 3),
        ("iter_products() (index build)", [_scan]),
    ]


def _get(sku: str) -> Call:
    return lambda store: store.get(sku)


def _by_code(code: str) -> Call:
    return lambda store: store.by_code(code)


def _products(skus: list[str]) -> Call:
    return lambda store: store.products(skus)


def _numeric(name: str, value: float, package: str | None, limit: int) -> Call:
    return lambda store: store.with_attribute(name, value, limit=limit, package=package)


def _text(name: str, raw: str) -> Call:
    return lambda store: store.with_attribute(name, raw)


def _scan(store: CatalogStore) -> int:
    return sum(1 for _ in store.iter_products())


def _interleaved(calls: list[Call], stores: dict[str, CatalogStore]) -> dict[str, Any]:
    """Median and p95 milliseconds per engine; the engines alternate which goes first, call by call."""
    names = list(stores)
    for call in calls[:3]:  # warm caches and plans on both
        for name in names:
            call(stores[name])
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for i, call in enumerate(calls):
        for name in names if i % 2 == 0 else reversed(names):
            started = time.perf_counter()
            result = call(stores[name])
            seconds[name].append(time.perf_counter() - started)
            del result
    out: dict[str, Any] = {}
    for name in names:
        ms = sorted(s * 1000 for s in seconds[name])
        out[f"{name}_median_ms"] = round(statistics.median(ms), 3)
        out[f"{name}_p95_ms"] = round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 3)
    out["ratio_median"] = round(out["postgresql_median_ms"] / max(out["sqlite_median_ms"], 1e-6), 2)
    return out


def _threaded(sqlite: CatalogStore, pg: CatalogStore, n: int) -> dict[str, float]:
    """get() from 4 threads at once (actions run in a thread pool): calls per second through the one connection."""
    skus = random.Random(SEED).sample(sorted({sku for _, sku in sqlite.codes()}), n)
    out: dict[str, float] = {}
    for name, store in (("sqlite", sqlite), ("postgresql", pg)):

        def worker(part: list[str], store: CatalogStore = store) -> None:
            for sku in part:
                store.get(sku)

        threads = [threading.Thread(target=worker, args=(skus[k::4],)) for k in range(4)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        out[f"{name}_calls_per_s"] = round(len(skus) / (time.perf_counter() - started), 1)
    return out


def _print(rows: list[dict[str, Any]], threaded: dict[str, float]) -> None:
    head = (
        f"{'lookup (ms)':<36}{'calls':>6}  {'SQLite med':>10} {'p95':>8}  {'PG med':>10} {'p95':>8}  {'PG/SQLite':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['lookup']:<36}{r['calls']:>6}  {r['sqlite_median_ms']:>10.3f} {r['sqlite_p95_ms']:>8.3f}"
            f"  {r['postgresql_median_ms']:>10.3f} {r['postgresql_p95_ms']:>8.3f}  {r['ratio_median']:>8.2f}x"
        )
    sq, pg = threaded["sqlite_calls_per_s"], threaded["postgresql_calls_per_s"]
    print(f"get() from 4 threads: SQLite {sq:,.0f} calls/s, PostgreSQL {pg:,.0f} calls/s ({pg / sq:.2f}x)")


if __name__ == "__main__":
    raise SystemExit(main())
