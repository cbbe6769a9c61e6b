"""`make eval`: quality figures on the shipped catalog and the dev BOMs (not tests; prints and writes JSON).

- SKF <- SNFA cross-reference hit@1 / hit@3 over every real supersession in the catalog, with noisy spellings
  (lower case, spaces, no slash / dash);
- hard-rule violations among substitutes for 1,000 sampled catalog parts, judged by the independent checker of
  tests/unit/test_substitute_checker.py (it shares no code with the engine), plus substitute latency;
- BOM reading: for every dev BOM (../shared/boms/dev when present, and tests/fixtures/boms) lines, DNP, skipped
  and problem rows, i.e. that no row is lost.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from knowledge.bom import read_bom
from knowledge.catalog import CatalogStore
from knowledge.search import SearchEngine
from knowledge.substitutes import find_substitutes, substitutes_for
from tests.unit.test_substitute_checker import _kind, _violations

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SAMPLE = 1000


def main() -> int:
    store = CatalogStore.open_existing(ROOT / "var" / "catalog.sqlite")
    engine = SearchEngine(store)  # codes and rules only: no dense index needed for these figures
    results = {"crossref": crossref_hits(engine), "hard_rules": hard_rule_violations(store), "bom_read": bom_reading()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "eval.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\n-> {RESULTS / 'eval.json'}")
    return 0 if results["hard_rules"]["violations"] == 0 else 1


def crossref_hits(engine: SearchEngine) -> dict[str, Any]:
    """hit@1 / hit@3 of the SKF successor for every SNFA history designation, in four spellings."""
    rows = engine.store._conn.execute(
        "SELECT sku, raw FROM attributes WHERE name = 'superseded_designation' ORDER BY sku"
    ).fetchall()
    pairs = [(sku, raw.split(" ", 1)[-1]) for sku, raw in rows]
    # History codes equal to the SKF part's own MPN are renames, not supersessions.
    pairs = [(sku, old) for sku, old in pairs if old.replace(" ", "") != engine.store.get(sku).mpn.replace(" ", "")]
    spellings = {
        "exact": lambda s: s,
        "lower case": str.lower,
        "spaced": lambda s: " ".join([s[:3], s[3:]]),
        "no punctuation": lambda s: s.replace("/", "").replace("-", ""),
    }
    out: dict[str, Any] = {"pairs": len(pairs)}
    for name, spell in spellings.items():
        hit1 = hit3 = 0
        for sku, old in pairs:
            found = [s.product.sku for s in find_substitutes(spell(old), engine, k=3).substitutes]
            hit1 += found[:1] == [sku]
            hit3 += sku in found
        out[name] = {"hit_at_1": hit1 / len(pairs), "hit_at_3": hit3 / len(pairs)}
        print(
            f"SNFA -> SKF cross-reference, {name:>14}: hit@1 {hit1 / len(pairs):.3f}  hit@3 {hit3 / len(pairs):.3f}"
            f"  ({len(pairs)} pairs)"
        )
    return out


def hard_rule_violations(store: CatalogStore) -> dict[str, Any]:
    """Substitutes for SAMPLE random parts of the rule families, judged by the independent checker."""
    rows = store._conn.execute("SELECT sku, category FROM products ORDER BY sku").fetchall()
    from knowledge.models import Product

    eligible = [sku for sku, category in rows if _kind(Product(sku, "", "", category, "")) is not None]
    sample = store.products(random.Random(1126).sample(eligible, min(SAMPLE, len(eligible))))
    returned = violations = 0
    kinds: dict[str, int] = {}
    latencies: list[float] = []
    examples: list[str] = []
    for original in sample:
        started = time.perf_counter()
        subs = substitutes_for(original, store, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
        for sub in subs:
            kinds[sub.kind] = kinds.get(sub.kind, 0) + 1
            if sub.kind == "cross-reference":
                continue
            returned += 1
            problems = _violations(original, sub.product)
            if problems:
                violations += 1
                examples.append(f"{original.sku} -> {sub.product.sku}: {', '.join(problems)}")
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"hard-rule check: {len(sample)} parts, {returned} substitutes returned {kinds}, violations {violations}")
    print(f"substitutes_for latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return {
        "parts": len(sample),
        "returned": returned,
        "by_kind": kinds,
        "violations": violations,
        "examples": examples[:20],
        "p50_ms": p50,
        "p95_ms": p95,
    }


def bom_reading() -> dict[str, Any]:
    """Lines / DNP / skipped / problems for every dev BOM: the accounting that shows no row was lost."""
    folders = [ROOT.parent / "shared" / "boms" / "dev", ROOT / "tests" / "fixtures" / "boms"]
    out: dict[str, Any] = {}
    for folder in folders:
        if not folder.is_dir():
            print(f"(no {folder}: skipped)")
            continue
        for path in sorted(
            p for p in folder.iterdir() if p.is_file() and p.suffix in {".csv", ".xlsx", ".xls", ".md", ".tsv"}
        ):
            if path.name in out or path.name.upper().startswith(("INDEX", "LICENSES")):
                continue
            result = read_bom(path)
            out[path.name] = {
                "lines": len(result.lines),
                "dnp": len(result.dnp),
                "skipped": len(result.skipped),
                "problems": len(result.problems),
            }
            print(
                f"BOM {path.name:<48} lines {len(result.lines):>3}  dnp {len(result.dnp):>2}  "
                f"skipped {len(result.skipped):>3}  problems {len(result.problems):>2}"
            )
    return out


if __name__ == "__main__":
    sys.exit(main())
