"""`make bench`: embedder, catalog, search, ANN and substitute / selection benchmarks; prints a table per suite, writes bench/results/<suite>.json.

    python -m bench.run [--quick] [--only embedders,catalog,search,ann,substitutes]

Suites measure their contenders side by side in one process, so ratios between them hold even on a busy
machine; absolute numbers depend on the host (machine info and the load average go into every JSON file).
Everything is seeded: two runs on the same catalog ask the same queries.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from knowledge.catalog import CatalogStore, ingest_all, normalize_code
from knowledge.embedder import load_embedder
from knowledge.glossary import expand_query
from knowledge.index import HNSW_EF_SEARCH, build_faiss_index, ivf_nprobe
from knowledge.indexing import dense_text
from knowledge.models import Product

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
PAIRS_FILE = BENCH_DIR / "zh_en_pairs.tsv"
EMBEDDERS = ("use-multilingual-v3", "minilm", "hashing-256")
SEED = 20240611
K = 10
THREADS = faiss.omp_get_max_threads()  # faiss's default; single-query latency is measured on 1 thread and on this


@dataclass
class Table:
    """One printed table: a title, column headers, rows of cells and notes under it."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)


@dataclass
class SuiteResult:
    """What a suite measured: tables for the terminal, plain data for the JSON file."""

    tables: list[Table]
    data: dict[str, Any]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected suites, print their tables and write one JSON file per suite."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes; skips the catalog ingest")
    parser.add_argument("--only", default="", help=f"comma-separated suites out of {','.join(SUITES)}")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    if args.quick and "catalog" in names and not args.only:
        names.remove("catalog")
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_VERBOSITY", "error"),
        ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
    ):
        os.environ.setdefault(key, value)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    walls: list[list[Any]] = []
    for name in names:
        print(f"\n=== {name}{' (quick)' if args.quick else ''}", flush=True)
        machine = machine_info()
        started = time.perf_counter()
        result = SUITES[name](args.quick)
        wall = time.perf_counter() - started
        for table in result.tables:
            print_table(table)
        payload = {
            "suite": name,
            "quick": args.quick,
            "command": " ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])]),
            "wall_seconds": round(wall, 1),
            "machine": machine,
            "results": result.data,
        }
        out = RESULTS_DIR / f"{name}.json"
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default), encoding="utf-8")
        print(f"[{name}: {wall:.1f} s wall -> {out.relative_to(BENCH_DIR.parent)}]", flush=True)
        walls.append([name, round(wall, 1), " ".join(f"{x:.2f}" for x in machine["load_average_at_start"])])
    total = ["total", sum(w[1] for w in walls), ""]
    print_table(Table("wall time per suite", ["suite", "seconds", "load avg at start (1/5/15 min)"], [*walls, total]))
    return 0


# --------------------------------------------------------------------------------------------------
# embedders: zh <-> en retrieval quality, throughput, load time
# --------------------------------------------------------------------------------------------------


def bench_embedders(quick: bool) -> SuiteResult:
    """zh <-> en pair retrieval and encode throughput for each embedder the project ships."""
    pairs = read_pairs(PAIRS_FILE)
    zh = [p[0] for p in pairs]
    en = [p[1] for p in pairs]
    titles = _sample_titles(500 if quick else 2000)
    rows: list[list[Any]] = []
    data: dict[str, Any] = {"pairs": len(pairs), "titles": len(titles), "embedders": {}}
    for spec in EMBEDDERS:
        print(f"  {spec}: loading", flush=True)
        started = time.perf_counter()
        embedder = load_embedder(spec)
        embedder.encode(["warm-up"])  # some models read their weights on first use: count that as loading
        load_s = time.perf_counter() - started
        zh_vec, en_vec = embedder.encode(zh), embedder.encode(en)
        zh_glossary = embedder.encode([expand_query(t) for t in zh])
        quality = pair_retrieval(zh_vec, en_vec)
        back = pair_retrieval(en_vec, zh_vec)
        glossary = pair_retrieval(zh_glossary, en_vec)
        embedder.encode(titles[:32])  # warm-up: first call pays lazy initialisation
        started = time.perf_counter()
        embedder.encode(titles)
        per_s = len(titles) / (time.perf_counter() - started)
        data["embedders"][spec] = {
            "dimension": embedder.dimension,
            "load_seconds": load_s,
            "zh_to_en": quality,
            "en_to_zh": back,
            "zh_with_glossary_to_en": glossary,
            "titles_per_second": per_s,
        }
        rows.append(
            [
                spec,
                embedder.dimension,
                quality["pair_cosine"],
                quality["non_pair_cosine"],
                quality["margin"],
                quality["accuracy_at_1"],
                quality["mrr"],
                back["accuracy_at_1"],
                glossary["accuracy_at_1"],
                per_s,
                load_s,
            ]
        )
    base = data["embedders"][EMBEDDERS[0]]["titles_per_second"]
    for row in rows:
        row.append(f"x{row[9] / base:.2f}")
    table = Table(
        f"embedders: {len(pairs)} zh/en pairs ({PAIRS_FILE.name}), throughput on {len(titles)} catalog titles",
        [
            "embedder",
            "dim",
            "cos pair",
            "cos non-pair",
            "margin",
            "zh->en acc@1",
            "zh->en MRR",
            "en->zh acc@1",
            "zh+gloss->en acc@1",
            "titles/s",
            "load s",
            "speed vs USE",
        ],
        rows,
        [
            "acc@1 / MRR: rank of the true English side among all English sides (chance acc@1 = "
            f"{1 / len(pairs):.3f}); 'zh+gloss' appends knowledge/glossary.py terms, as search does.",
            "titles = dense_text() of random catalog products; load s = import + load + first encode (torch for "
            "minilm). Most pairs share codes or values (10K, 0603), which lets hashing beat chance.",
        ],
    )
    return SuiteResult([table], data)


def read_pairs(path: Path) -> list[tuple[str, str, str]]:
    """(zh, en, family) rows of the pairs file, header skipped."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return [(r[0].strip(), r[1].strip(), r[2].strip() if len(r) > 2 else "") for r in rows]


def pair_retrieval(queries: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Row i of `queries` should retrieve row i of `targets`: mean cosines, accuracy@1 and MRR."""
    sims = queries @ targets.T
    n = len(sims)
    diagonal = np.diag(sims)
    off = sims[~np.eye(n, dtype=bool)]
    ranks = (sims > diagonal[:, None]).sum(axis=1) + 1  # ties count in the pair's favour
    return {
        "pair_cosine": float(diagonal.mean()),
        "non_pair_cosine": float(off.mean()),
        "margin": float(diagonal.mean() - off.mean()),
        "accuracy_at_1": float((ranks == 1).mean()),
        "mrr": float((1.0 / ranks).mean()),
    }


def _sample_titles(n: int) -> list[str]:
    store = CatalogStore.open_existing(_settings().catalog_db)
    try:
        return [dense_text(p) for p in store.products(_sample_skus(store, n))]
    finally:
        store.close()


# --------------------------------------------------------------------------------------------------
# catalog: full ingest into a temporary store
# --------------------------------------------------------------------------------------------------


def bench_catalog(quick: bool) -> SuiteResult:
    """Ingest every shipped source into a fresh SQLite file; compare with the catalog in var/."""
    settings = _settings()
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as tmp:
        path = Path(tmp) / "catalog.sqlite"
        store = CatalogStore(path)
        started = time.perf_counter()
        report = ingest_all(settings.catalog_sources, store, progress=False)
        seconds = time.perf_counter() - started
        count = store.count()
        store.close()
        size = path.stat().st_size
    shipped_hash = shipped_count = None
    if settings.catalog_db.exists():
        with CatalogStore.open_existing(settings.catalog_db) as shipped:
            shipped_hash, shipped_count = shipped.catalog_hash(), shipped.count()
    data = {
        "seconds": seconds,
        "products": count,
        "products_per_second": count / seconds,
        "db_bytes": size,
        "counts_by_source": report.counts,
        "problems": len(report.problems),
        "duplicates": report.duplicates,
        "shadowed_by_real": report.shadowed_by_real,
        "catalog_hash": report.catalog_hash,
        "same_hash_as_var_catalog": shipped_hash == report.catalog_hash if shipped_hash else None,
        "var_catalog_products": shipped_count,
    }
    rows: list[list[Any]] = [[label, n] for label, n in report.counts.items()]
    tables = [
        Table(
            "catalog ingest (ingest_all into a temporary SQLite file)",
            ["ingest s", "products", "products/s", "db MB", "row problems", "same hash as var/catalog.sqlite"],
            [[seconds, count, count / seconds, size / 1e6, len(report.problems), data["same_hash_as_var_catalog"]]],
        ),
        Table("products by source", ["source", "products"], rows),
    ]
    return SuiteResult(tables, data)


# --------------------------------------------------------------------------------------------------
# search: the saved index vs exact flat (and the other ANN kind), then SearchEngine.search / answer_question end to end
# --------------------------------------------------------------------------------------------------


def bench_search(quick: bool) -> SuiteResult:
    """Saved-index recall and latency against exact search, then end-to-end search and spec answers."""
    from bot.providers import load_engine
    from knowledge.specs import answer_question

    settings = _settings()
    manifest = settings.index_dir / "manifest.json"
    if not manifest.exists():
        raise SystemExit(f"{manifest} is missing: build the index first (`make index`)")
    started = time.perf_counter()
    engine = load_engine(settings)
    assert engine.embedder is not None and engine.vectors is not None
    engine.embedder.encode(["warm-up"])  # the USE model reads its weights on first use
    engine_load_s = time.perf_counter() - started
    tables: list[Table] = []
    data: dict[str, Any] = {"engine_load_seconds": engine_load_s, "manifest": json.loads(manifest.read_text())}

    # (a) the saved index against exact search over the very same vectors; IVF alongside for comparison
    kind = data["manifest"]["kind"]
    saved = faiss.read_index(str(settings.index_dir / "index.faiss"))
    if isinstance(saved, faiss.IndexHNSW):
        saved.hnsw.efSearch = HNSW_EF_SEARCH
    if isinstance(saved, faiss.IndexIVF):
        saved.nprobe = ivf_nprobe(saved.nlist)
        saved.make_direct_map()  # IVF keeps no id -> vector map unless asked; needed to reconstruct
    vectors = saved.reconstruct_n(0, saved.ntotal)
    queries = engine.embedder.encode([p.name for p in engine.store.products(_sample_skus(engine.store, 500))])
    other = "hnsw" if kind == "ivf" else "ivf"
    print(
        f"  building flat, {kind} (rebuild, for its build time) and {other} over {len(vectors):,} vectors", flush=True
    )
    flat_s, flat = _timed(lambda: build_faiss_index(vectors, "flat"))
    saved_s = _timed(lambda: build_faiss_index(vectors, kind))[0]  # the saved one is measured; this times a rebuild
    other_s, other_index = _timed(lambda: build_faiss_index(vectors, other))
    truth_scores, truth_ids = flat.search(queries, K)
    index_data: dict[str, Any] = {}
    for label, index, build_s in (
        ("flat (exact)", flat, flat_s),
        (f"saved {kind} ({_setting(saved)})", saved, saved_s),
        (f"{other} ({_setting(other_index)})", other_index, other_s),
    ):
        index_data[label] = {
            "build_seconds": build_s,
            "bytes": int(faiss.serialize_index(index).nbytes),
            **_measure(index, queries, truth_ids, truth_scores),
        }
    hnsw = saved if isinstance(saved, faiss.IndexHNSW) else other_index
    ivf = saved if isinstance(saved, faiss.IndexIVF) else other_index
    sweep: list[dict[str, Any]] = []
    if isinstance(hnsw, faiss.IndexHNSW):
        for ef in (32, 64, 256, 512):
            hnsw.hnsw.efSearch = ef
            sweep.append({"setting": f"hnsw efSearch={ef}", **_measure(hnsw, queries, truth_ids, truth_scores)})
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    if isinstance(ivf, faiss.IndexIVF):
        default_nprobe = ivf.nprobe
        for nprobe in sorted({max(1, ivf.nlist // d) for d in (64, 32, 16, 8)} - {default_nprobe}):
            ivf.nprobe = nprobe
            sweep.append({"setting": f"ivf nprobe={nprobe}", **_measure(ivf, queries, truth_ids, truth_scores)})
        ivf.nprobe = default_nprobe
    base = index_data["flat (exact)"]["p50_ms"]

    def row(label: str, build: Any, megabytes: Any, d: dict[str, Any]) -> list[Any]:
        measured = ["recall_at_10", "recall_at_10_ties", "top1_ties", "p50_ms", "p95_ms", "p50_ms_all_threads"]
        return [label, build, megabytes, *(d[key] for key in measured), f"x{base / d['p50_ms']:.1f}"]

    rows = [row(label, d["build_seconds"], d["bytes"] / 1e6, d) for label, d in index_data.items()]
    rows += [row(f"  {d['setting']}", "", "", d) for d in sweep]
    data["index"] = index_data
    data["sweep"] = sweep
    data["index_queries"] = "500 random product names (without the ' | category' suffix the index embeds), embedded"
    tables.append(
        Table(
            f"saved index vs exact flat (and IVF): {len(vectors):,} x {vectors.shape[1]} vectors "
            f"({engine.embedder.name}), 500 queries",
            [
                "index",
                "build s",
                "MB",
                "recall@10",
                "recall@10 ties",
                "top-1",
                "p50 ms",
                "p95 ms",
                f"p50 ms {THREADS} thr",
                "speed-up",
            ],
            rows,
            [
                "vectors = reconstruct_n() of the saved index; queries = 500 random product names embedded "
                "(the index holds 'name | category'); ground truth = exact flat over the same vectors.",
                "recall@10 ties / top-1: a hit counts when its exact score reaches the k-th true score "
                "(catalogs repeat titles, so equal vectors tie); build s of the saved index = a rebuild, timed.",
                "latency = one query per faiss call on 1 faiss thread; "
                f"'{THREADS} thr' = faiss's default threads, as the bot runs it. speed-up = flat p50 / p50.",
            ],
        )
    )

    # (b) SearchEngine.search and answer_question end to end
    per_kind = 40 if quick else 200
    search_queries = build_search_queries(engine.store, per_kind)
    cold_s = _timed(lambda: engine.search(search_queries["misspelled MPN"][0][0]))[0]
    rows = []
    e2e: dict[str, Any] = {"cold_first_query_seconds": cold_s}
    all_ms: list[float] = []
    for kind, items in search_queries.items():
        latencies = []
        found = top1 = 0
        for text, target in items:
            elapsed, hits = _timed(lambda text=text: engine.search(text, k=K))
            latencies.append(elapsed * 1000)
            if target is not None:
                codes = [normalize_code(h.product.mpn) for h in hits]
                skus = [h.product.sku for h in hits]
                found += target.sku in skus or normalize_code(target.mpn) in codes
                top1 += bool(hits) and (skus[0] == target.sku or codes[0] == normalize_code(target.mpn))
        all_ms += latencies
        with_target = sum(t is not None for _, t in items)
        e2e[kind] = {
            "queries": len(items),
            "p50_ms": float(np.percentile(latencies, 50)),
            "p95_ms": float(np.percentile(latencies, 95)),
            "target_top1": top1 / with_target if with_target else None,
            "target_in_top10": found / with_target if with_target else None,
            "examples": [t for t, _ in items[:8]],
        }
        d = e2e[kind]
        rows.append(
            [
                kind,
                len(items),
                d["p50_ms"],
                d["p95_ms"],
                d["target_top1"] if with_target else "-",
                d["target_in_top10"] if with_target else "-",
                " / ".join(d["examples"][:2]),
            ]
        )
    rows.append(["all", len(all_ms), float(np.percentile(all_ms, 50)), float(np.percentile(all_ms, 95)), "", "", ""])
    # Spec questions: the generated questions of bench/spec_eval.py (buyer phrasings, every source), timed one by one.
    from bench.spec_eval import generate, judge

    questions = generate(engine, 5 * per_kind, random.Random(SEED + 2))
    latencies = []
    verdicts: Counter[str] = Counter()
    for question in questions:
        elapsed, answer = _timed(lambda text=question.text: answer_question(text, engine))
        latencies.append(elapsed * 1000)
        verdicts[judge(question, answer.to_json(), answer.facts)] += 1
    e2e["answer_question"] = {
        "questions": len(questions),
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
        "verdicts": dict(verdicts),
        "right": verdicts["right"] / len(questions),
        "examples": [q.text for q in questions[:8]],
    }
    rows.append(
        [
            "answer_question",
            len(questions),
            e2e["answer_question"]["p50_ms"],
            e2e["answer_question"]["p95_ms"],
            "-",
            verdicts["right"] / len(questions),
            " / ".join(q.text for q in questions[:2]),
        ]
    )
    data["end_to_end"] = e2e
    tables.append(
        Table(
            "SearchEngine.search (k=10) and answer_question end to end, warm",
            ["queries", "n", "p50 ms", "p95 ms", "target top-1", "target in top-10", "examples"],
            rows,
            [
                f"engine load {engine_load_s:.1f} s (catalog, {engine.embedder.name} + first encode, faiss, lexical); first query "
                f"(cold, loads the fuzzy code list) {cold_s * 1000:.0f} ms, not counted.",
                "target = the product whose MPN the query was made from (same MPN counts); for answer_question the "
                "'top-10' column is the share answered right (bench/spec_eval.py judges: the labelled value, "
                f"from the catalog alone). Verdicts: {dict(verdicts)}.",
            ],
        )
    )
    return SuiteResult(tables, data)


def build_search_queries(store: CatalogStore, per_kind: int) -> dict[str, list[tuple[str, Product | None]]]:
    """Seeded buyer-style queries of five kinds; code queries carry the product they were made from."""
    rng = np.random.default_rng(SEED)
    products = store.products(_sample_skus(store, per_kind * 3, seed=SEED + 1, real_first=True))
    coded = [p for p in products if len(normalize_code(p.mpn)) >= 6][: per_kind * 2]
    exact = [(p.mpn, p) for p in coded[:per_kind]]
    misspelled = [(misspell(p.mpn, rng), p) for p in coded[per_kind : 2 * per_kind]]
    pairs = read_pairs(PAIRS_FILE)
    return {
        "exact MPN": exact,
        "misspelled MPN": misspelled,
        "parametric": [(q, None) for q in _templated(PARAMETRIC, per_kind, rng)],
        "Chinese free text": [(q, None) for q in _mixed([p[0] for p in pairs], ZH_FREE, per_kind, rng)],
        "English free text": [(q, None) for q in _mixed([p[1] for p in pairs], EN_FREE, per_kind, rng)],
    }


def misspell(code: str, rng: np.random.Generator) -> str:
    """One typo a buyer makes: a look-alike swap, a dropped or a doubled character, or two swapped neighbours."""
    positions = [i for i, c in enumerate(code) if c.isalnum() and i > 0]
    i = int(rng.choice(positions))
    look_alike = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2"}
    op = int(rng.integers(4))
    if op == 0 and code[i].upper() in look_alike:
        return code[:i] + look_alike[code[i].upper()] + code[i + 1 :]
    if op == 1:
        return code[:i] + code[i + 1 :]
    if op == 2:
        return code[:i] + code[i] + code[i:]
    j = i - 1 if code[i - 1].isalnum() else min(i + 1, len(code) - 1)
    a, b = sorted((i, j))
    return code[:a] + code[b] + code[a + 1 : b] + code[a] + code[b + 1 :] if a != b else code[:i] + code[i + 1 :]


# Templates filled from the value lists below; they read like what buyers type into a search box.
_R = ["10k", "4.7k", "1k", "100R", "220", "47k", "100k", "2.2k", "330R", "1M", "0R", "49.9k", "120", "10R"]
_C = ["100nF", "10uF", "1uF", "22pF", "4.7uF", "10nF", "1nF", "100pF", "0.1uF", "2.2uF", "47nF"]
_PKG = ["0402", "0603", "0805", "1206"]
_V = ["6.3V", "10V", "16V", "25V", "50V"]
_THREAD = ["M2", "M2.5", "M3", "M4", "M5", "M6", "M8", "M10"]
_LEN = ["6", "8", "10", "12", "16", "20", "25", "30"]
_BEARING = ["6205", "6001", "6203", "6305", "6200", "6004", "7205", "7008", "NU206", "6806"]
_MHZ = ["8", "12", "16", "25", "32.768k", "24", "26"]
PARAMETRIC = [
    "{r} {pkg} 1%",
    "{r} {pkg} 5%",
    "{r} ohm {pkg}",
    "{c} {v} {pkg}",
    "{c} {pkg} X7R",
    "{c} {v}",
    "{t}x{l}",
    "{t}x{l} socket head",
    "{t}x{l} A2",
    "{r} {pkg}",
    "{c} {pkg}",
    "{mhz}MHz crystal",
    "{b}-2RS",
    "{t} nut",
]
ZH_FREE = [
    "贴片电阻 {r} {pkg}",
    "贴片电容 {c} {v}",
    "{pkg}封装 电容 {c}",
    "深沟球轴承 {b} 密封",
    "{t}不锈钢内六角螺丝",
    "晶振 {mhz}MHz",
    "{t}x{l} 外六角螺栓 镀锌",
    "轴承 {b} 防尘盖",
    "{t} 螺母 不锈钢",
    "{t} 平垫片",
    "电阻 {r} 1% {pkg}",
    "陶瓷电容 {c} {pkg} X7R",
    "稳压芯片 3.3V",
    "单片机 STM32",
    "{t}x{l} 沉头螺丝",
]
EN_FREE = [
    "{r} {pkg} chip resistor",
    "{c} {v} ceramic capacitor",
    "deep groove ball bearing {b} sealed",
    "{t} stainless socket head cap screw",
    "{mhz} MHz crystal",
    "{t}x{l} hex bolt zinc plated",
    "{b} shielded bearing",
    "{t} hex nut stainless",
    "{t} flat washer",
    "3.3V LDO regulator",
    "STM32 microcontroller",
    "{c} MLCC {pkg}",
    "{t}x{l} countersunk screw",
    "schottky diode 3A SMA",
]


def _templated(templates: Sequence[str], n: int, rng: np.random.Generator) -> list[str]:
    out: list[str] = []
    for i in range(n):
        values = {
            k: str(rng.choice(v))
            for k, v in (
                ("r", _R),
                ("c", _C),
                ("pkg", _PKG),
                ("v", _V),
                ("t", _THREAD),
                ("l", _LEN),
                ("b", _BEARING),
                ("mhz", _MHZ),
            )
        }
        out.append(templates[i % len(templates)].format(**values))
    return out


def _mixed(fixed: Sequence[str], templates: Sequence[str], n: int, rng: np.random.Generator) -> list[str]:
    """Half hand-written phrases (the pairs file), half templated ones."""
    chosen = [fixed[int(i)] for i in rng.choice(len(fixed), size=min(len(fixed), n // 2), replace=False)]
    return chosen + _templated(templates, n - len(chosen), rng)


# --------------------------------------------------------------------------------------------------
# substitutes and selection: latency of a substitute request and of one selection (选型) step
# --------------------------------------------------------------------------------------------------

SELECTION = [
    "{r} resistor {pkg} 1%",
    "I need a {r} resistor",
    "{c} capacitor",
    "{c} {v} {pkg} 电容",
    "贴片电阻 {r} {pkg}",
    "{t} 内六角螺丝 不锈钢 长度 {l}",
    "{t}x{l} screw",
    "{mhz}MHz crystal",
    "10uH inductor",
    "深沟球轴承 内径25",
    "bearing 25x52x15",
    "{t} nut stainless",
    "{pkg} 1%",
    "resistor",
]


def bench_substitutes(quick: bool) -> SuiteResult:
    """substitutes_for / find_substitutes latency on seeded rule-family parts; select() per turn, cold and warm."""
    from knowledge.search import SearchEngine
    from knowledge.selection import load_families, select
    from knowledge.substitutes import family_of, find_substitutes, substitutes_for

    store = CatalogStore.open_existing(_settings().catalog_db)
    engine = SearchEngine(store)  # codes, parameters and rules: no dense index needed
    n = 100 if quick else 400
    candidates = store.products(_sample_skus(store, n * 6, seed=SEED + 4))
    parts = [p for p in candidates if family_of(p) is not None][:n]
    # the first unknown code reads the fuzzy code list once: not a per-request cost
    warm_s = _timed(lambda: find_substitutes("QXZ9ZZ12345 有替代吗?", engine))[0]
    by_family: dict[str, list[float]] = {}
    direct: list[float] = []
    end_to_end: list[float] = []
    found: Counter[str] = Counter()
    for product in parts:
        elapsed, _ = _timed(partial(substitutes_for, product, store))
        direct.append(elapsed * 1000)
        by_family.setdefault(family_of(product).name, []).append(elapsed * 1000)  # type: ignore[union-attr]
        elapsed, result = _timed(partial(find_substitutes, f"{product.mpn} 有替代吗?", engine))
        end_to_end.append(elapsed * 1000)
        found[result.status] += 1
    rows: list[list[Any]] = [
        _latency_row("substitutes_for(part), k=5", direct),
        _latency_row("find_substitutes('<MPN> 有替代吗?')", end_to_end),
    ]
    rows += [_latency_row(f"  {name}", ms) for name, ms in sorted(by_family.items())]
    data: dict[str, Any] = {
        "parts": len(parts),
        "first_request_seconds": warm_s,
        "substitutes_for": _latency(direct),
        "find_substitutes": {**_latency(end_to_end), "statuses": dict(found)},
        "by_family": {name: _latency(ms) for name, ms in sorted(by_family.items())},
    }
    tables = [
        Table(
            f"substitutes: {len(parts)} seeded catalog parts of the rule families",
            ["request", "n", "p50 ms", "p95 ms", "max ms"],
            rows,
            [
                f"find_substitutes statuses {dict(found)}; the first fuzzy lookup ({warm_s:.1f} s, reads the code list) "
                "is not counted.",
            ],
        )
    ]

    # selection: the first call per family reads that family's columns; later turns are numpy masks
    cold: dict[str, float] = {}
    for spec in load_families():
        cold[spec.name] = _timed(partial(select, engine, spec.words[0]))[0]
    rng = np.random.default_rng(SEED + 5)
    queries = _templated(SELECTION, 60 if quick else 280, rng)
    turns: list[float] = []
    first_turns: list[float] = []
    steps: list[int] = []
    statuses: Counter[str] = Counter()
    for query in queries:
        answers: dict[str, str] = {}
        for step in range(8):  # follow the most common option until the parts are listed
            elapsed, sel = _timed(partial(select, engine, query, dict(answers)))
            turns.append(elapsed * 1000)
            if step == 0:
                first_turns.append(elapsed * 1000)
                statuses[sel.status] += 1
            if sel.status != "ask" or not sel.options or sel.attribute is None:
                steps.append(step + 1)
                break
            answers[sel.attribute] = sel.options[0][1]
    data["selection"] = {
        "queries": len(queries),
        "cold_first_call_seconds_by_family": cold,
        "first_turn": {**_latency(first_turns), "statuses": dict(statuses)},
        "every_turn": _latency(turns),
        "turns_to_done": {"mean": float(np.mean(steps)), "max": int(max(steps))},
        "examples": queries[:8],
    }
    tables.append(
        Table(
            f"select() (选型): {len(queries)} seeded requests, each followed through its most common option",
            ["turn", "n", "p50 ms", "p95 ms", "max ms"],
            [_latency_row("first turn (the request)", first_turns), _latency_row("every turn", turns)],
            [
                f"first-turn statuses {dict(statuses)}; turns until the parts are listed: mean {np.mean(steps):.1f}, "
                f"max {max(steps)}.",
                "cold first call per family (reads its columns, then cached per store): "
                + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in cold.items()),
            ],
        )
    )
    store.close()
    return SuiteResult(tables, data)


def _latency(ms: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(np.max(ms)),
    }


def _latency_row(label: str, ms: Sequence[float]) -> list[Any]:
    d = _latency(ms)
    return [label, len(ms), d["p50_ms"], d["p95_ms"], d["max_ms"]]


# --------------------------------------------------------------------------------------------------
# ann: flat vs IVF vs HNSW on synthetic clustered vectors
# --------------------------------------------------------------------------------------------------

ANN_DIM = 64
ANN_CLUSTERS = 1000
ANN_SIGMA = 0.16  # per-dimension noise around unit-norm centres: clusters overlap, so low nprobe / efSearch lose recall


def bench_ann(quick: bool) -> SuiteResult:
    """Build and query flat, IVF and HNSW (the project's settings) on 1M (quick: 200k) clustered vectors."""
    n = 200_000 if quick else 1_000_000
    rng = np.random.default_rng(SEED)
    centres = _normalize(rng.standard_normal((ANN_CLUSTERS, ANN_DIM), dtype=np.float32))
    started = time.perf_counter()
    data_vectors = clustered(centres, n, rng)
    queries = clustered(centres, 1000, rng)
    gen_s = time.perf_counter() - started
    print(f"  generated {n:,} x {ANN_DIM} in {gen_s:.1f} s", flush=True)
    results: dict[str, Any] = {}
    truth_scores = truth_ids = None
    indexes: dict[str, faiss.Index] = {}
    for kind in ("flat", "ivf", "hnsw"):
        print(f"  building {kind}", flush=True)
        build_s, index = _timed(lambda kind=kind: build_faiss_index(data_vectors, kind))
        indexes[kind] = index
        if truth_ids is None:
            truth_scores, truth_ids = index.search(queries, K)
        results[kind] = {
            "build_seconds": build_s,
            "bytes": int(faiss.serialize_index(index).nbytes),
            **_measure(index, queries, truth_ids, truth_scores),
            "setting": _setting(index),
        }
    sweep: list[dict[str, Any]] = []
    ivf = faiss.extract_index_ivf(indexes["ivf"])
    default_nprobe = ivf.nprobe
    for nprobe in sorted({max(1, ivf.nlist // d) for d in (128, 64, 32, 16)} | {default_nprobe}):
        ivf.nprobe = nprobe
        sweep.append(
            {
                "index": "ivf",
                "setting": f"nprobe={nprobe}",
                **_measure(ivf, queries, truth_ids, truth_scores, both=False),
            }
        )
    ivf.nprobe = default_nprobe
    hnsw = indexes["hnsw"]
    for ef in (16, 32, 64, 128, 256):
        hnsw.hnsw.efSearch = ef
        sweep.append(
            {
                "index": "hnsw",
                "setting": f"efSearch={ef}",
                **_measure(hnsw, queries, truth_ids, truth_scores, both=False),
            }
        )
    hnsw.hnsw.efSearch = HNSW_EF_SEARCH
    flat_p50 = results["flat"]["p50_ms"]
    rows = [
        [
            kind,
            r["setting"],
            r["build_seconds"],
            r["bytes"] / 1e6,
            r["recall_at_10"],
            r["p50_ms"],
            r["p95_ms"],
            r["p50_ms_all_threads"],
            f"x{flat_p50 / r['p50_ms']:.1f}",
            r["batch_qps"],
        ]
        for kind, r in results.items()
    ]
    sweep_rows = [
        [s["index"], s["setting"], s["recall_at_10"], s["p50_ms"], s["p95_ms"], f"x{flat_p50 / s['p50_ms']:.1f}"]
        for s in sweep
    ]
    tables = [
        Table(
            f"ANN on {n:,} synthetic clustered vectors, d={ANN_DIM} ({ANN_CLUSTERS} gaussian clusters, "
            "L2-normalized, inner product), 1,000 held-out queries",
            [
                "index",
                "setting",
                "build s",
                "MB",
                "recall@10",
                "p50 ms",
                "p95 ms",
                f"p50 ms {THREADS} thr",
                "speed-up",
                "batch q/s",
            ],
            rows,
            [
                "settings are knowledge/index.py's (build_faiss_index); MB = bytes of faiss.serialize_index; "
                "latency = one query per call on 1 faiss thread ('thr' column: faiss's default threads); "
                f"speed-up = flat p50 / p50; batch q/s = all 1,000 queries in one call on {THREADS} threads."
            ],
        ),
        Table(
            "ANN search-time knob sweep (same indexes)",
            ["index", "setting", "recall@10", "p50 ms", "p95 ms", "speed-up vs flat"],
            sweep_rows,
        ),
    ]
    data = {
        "vectors": n,
        "dimension": ANN_DIM,
        "clusters": ANN_CLUSTERS,
        "sigma": ANN_SIGMA,
        "queries": 1000,
        "generate_seconds": gen_s,
        "indexes": results,
        "sweep": sweep,
    }
    return SuiteResult(tables, data)


def clustered(centres: np.ndarray, n: int, rng: np.random.Generator, chunk: int = 100_000) -> np.ndarray:
    """`n` L2-normalized float32 points from a mixture of gaussians around `centres` (chunked to bound memory)."""
    out = np.empty((n, centres.shape[1]), dtype=np.float32)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        points = centres[rng.integers(len(centres), size=m)]
        points += ANN_SIGMA * rng.standard_normal(points.shape, dtype=np.float32)
        out[start : start + m] = _normalize(points)
    return out


def _measure(
    index: faiss.Index, queries: np.ndarray, truth_ids: np.ndarray, truth_scores: np.ndarray, *, both: bool = True
) -> dict[str, float]:
    """Recall against the exact answers, single-query latency (1 and, if `both`, all faiss threads), batch q/s."""
    latencies = single_query_ms(index, queries)
    all_threads = single_query_ms(index, queries, threads=THREADS) if both else np.full(1, np.nan)
    batch_s, (scores, ids) = _timed(lambda: index.search(queries, K))
    return {
        "recall_at_10": recall_at_k(ids, truth_ids),
        "recall_at_10_ties": recall_with_ties(scores, truth_scores),
        "top1_ties": recall_with_ties(scores[:, :1], truth_scores[:, :1]),
        "p50_ms": float(np.percentile(latencies, 50)),
        "p95_ms": float(np.percentile(latencies, 95)),
        "p50_ms_all_threads": float(np.percentile(all_threads, 50)),
        "p95_ms_all_threads": float(np.percentile(all_threads, 95)),
        "batch_qps": len(queries) / batch_s,
    }


def _setting(index: faiss.Index) -> str:
    if isinstance(index, faiss.IndexHNSW):
        return f"M={index.hnsw.nb_neighbors(0) // 2}, efC={index.hnsw.efConstruction}, efS={index.hnsw.efSearch}"
    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:
        return "exact"
    return f"nlist={ivf.nlist}, nprobe={ivf.nprobe}"


# --------------------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------------------


def single_query_ms(index: faiss.Index, queries: np.ndarray, k: int = K, threads: int = 1) -> np.ndarray:
    """Milliseconds per search call, one query per call (what a chat turn does), on `threads` faiss threads."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    out = np.empty(len(queries))
    try:
        for i in range(len(queries)):
            started = time.perf_counter()
            index.search(queries[i : i + 1], k)
            out[i] = (time.perf_counter() - started) * 1000
    finally:
        faiss.omp_set_num_threads(before)
    return out


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    """Share of the true top-k ids that the approximate search returned."""
    return float(np.mean([len(set(f[f >= 0]) & set(t)) / len(t) for f, t in zip(found, truth)]))


def recall_with_ties(found_scores: np.ndarray, truth_scores: np.ndarray, eps: float = 1e-5) -> float:
    """Recall that accepts any hit scoring at least the k-th true score (duplicate vectors tie)."""
    kth = truth_scores[:, -1:]
    return float(
        np.mean(np.minimum((found_scores >= kth - eps).sum(axis=1), truth_scores.shape[1]) / truth_scores.shape[1])
    )


def machine_info() -> dict[str, Any]:
    """Host facts that every JSON file carries, so numbers from different machines are not compared blindly."""
    cpu_model = ""
    mem_gb = None
    try:
        cpu_model = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        mem_gb = round(mem_kb / 1024**2, 1)
    except (OSError, StopIteration):
        pass
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": mem_gb,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "faiss": faiss.__version__,
        "faiss_threads": faiss.omp_get_max_threads(),
    }


def print_table(table: Table) -> None:
    """Print `table` with aligned columns; floats get 3 significant decimals, big numbers thousands separators."""
    cells = [[_cell(c) for c in row] for row in table.rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(table.headers)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{table.title}")
    print("  ".join(h.ljust(w) for h, w in zip(table.headers, widths)))
    print(line)
    for row in cells:
        print("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths)))
    for note in table.notes:
        print(f"  * {note}")


def _cell(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    if isinstance(value, (float, np.floating)):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _numeric(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("x", "").replace("-", "").isdigit()


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _normalize(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _sample_skus(store: CatalogStore, n: int, seed: int = SEED, real_first: bool = False) -> list[str]:
    """A seeded sample of SKUs; `real_first` draws half from listings of real parts (jlcpcb, digikey)."""
    db = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT sku, source FROM products ORDER BY sku").fetchall()
    finally:
        db.close()
    rng = np.random.default_rng(seed)
    if not real_first:
        return [rows[int(i)][0] for i in rng.choice(len(rows), size=min(n, len(rows)), replace=False)]
    real = [sku for sku, source in rows if source.startswith(("jlcpcb", "digikey"))]
    other = [sku for sku, source in rows if not source.startswith(("jlcpcb", "digikey"))]
    picks = [real[int(i)] for i in rng.choice(len(real), size=min(n // 2, len(real)), replace=False)]
    picks += [other[int(i)] for i in rng.choice(len(other), size=min(n - len(picks), len(other)), replace=False)]
    return [picks[int(i)] for i in rng.permutation(len(picks))]


def _settings() -> Any:
    from bot.settings import get_settings

    return get_settings()


def bench_bom(quick: bool) -> SuiteResult:
    """Quote a generated 1,000- and 10,000-line BOM: read, match, price; XLSX and PDF exports (bench/bom_bench.py)."""
    from bench.bom_bench import bench_bom as run_bom
    from bot.providers import load_engine
    from bot.settings import get_settings

    faiss.omp_set_num_threads(1)
    sizes = (1000,) if quick else (1000, 10000)
    data = run_bom(load_engine(get_settings()), sizes)
    rows = [
        [
            size,
            f"{d['statuses']['exact']}/{d['statuses']['parametric']}/{d['statuses']['ambiguous']}/{d['statuses']['not_found']}",
            d["read_s"],
            d["match_s"],
            d["price_s"],
            d["quote_total_s"],
            d["xlsx_s"],
            d["pdf_s"] if d["pdf_s"] is not None else "-",
        ]
        for size, d in data.items()
    ]
    notes = [
        "Generated from the catalog (seed 20261126): 35 % MPNs, 10 % messy MPNs (case, packaging suffix, spaces), "
        "10 % supplier codes only, 20 % value + footprint, 10 % screws/nuts in zh/en, 10 % descriptions, "
        "5 % unknown part numbers. Goal: quote (read + match + price) of 1,000 lines ≤ 3 s on 2 cores.",
        "Warm: the matcher's code tables are built once at start-up (BomMatcher.prepare), as the quote service does.",
    ]
    headers = ["lines", "exact/param/ambig/none", "read s", "match s", "price s", "quote s", "xlsx s", "pdf s"]
    return SuiteResult([Table("BOM quote time", headers, rows, notes)], data)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


SUITES: dict[str, Callable[[bool], SuiteResult]] = {
    "embedders": bench_embedders,
    "catalog": bench_catalog,
    "search": bench_search,
    "ann": bench_ann,
    "substitutes": bench_substitutes,
    "bom": bench_bom,
}

if __name__ == "__main__":
    raise SystemExit(main())
