"""BOM matching accuracy against the labelled dev BOMs (tests/fixtures/boms/labels/, semantics in its README).

For each dev BOM: lines read vs lines in the file, status counts, and per label kind how often the matcher
was right. The headline figures are precision of confident matches (exact + parametric that are right) and
coverage (lines that name a catalog part matched confidently and right). Run through `make eval`.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from knowledge.bom import read_bom
from knowledge.bom_match import BomMatcher, LineMatch
from knowledge.catalog import normalize_code
from knowledge.models import Product
from knowledge.search import SearchEngine
from knowledge.units import canonical_dielectric, extract_package

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "boms"
DEV = ROOT.parent / "shared" / "boms" / "dev"
# The label sets, in the order they were made: the dev BOMs the matcher was shaped on, the outside BOMs (real BOMs
# from public projects, labelled before any matcher run, worked on since session 7), then one held-out set per
# session from session 8 on, each collected by helpers from repositories no earlier set used
# (used_repos_before_holdoutN.txt) and labelled before any matcher ran on it, measured once blind before any
# change made for it (history, sources and licences: each set's labels_*/README.md and SOURCES*.md).
SETS = ("dev", "outside", "holdout", *(f"holdout{k}" for k in range(2, 12)))


def labels_dir(name: str) -> Path:
    """The label folder of a set ('dev' → labels/, 'holdout3' → labels_holdout3/)."""
    return FIXTURES / ("labels" if name == "dev" else f"labels_{name}")


LABELS_DIR = labels_dir("dev")
# Confidence bands of the reliability table: a matcher that says 0.97 should be right about that often.
BANDS = ((0.95, 1.01), (0.9, 0.95), (0.8, 0.9), (0.7, 0.8), (0.0, 0.7))
CONFIDENT = ("exact", "parametric")


def bom_path(name: str) -> Path | None:
    """The fixture copy of a dev BOM (MIT ones), else ../shared (GPL ones), else an outside or held-out BOM, else
    None."""
    for folder in (FIXTURES, DEV, *(FIXTURES / name for name in SETS[1:])):
        if (folder / name).is_file():
            return folder / name
    return None


def load_labels(folder: Path = LABELS_DIR) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def judge(label: Mapping[str, Any], match: LineMatch) -> str:
    """right | wrong_match (a confident match that is wrong) | missed (no confident match where one was due)
    | over_cautious (not found labelled, ambiguous returned: candidates offered, nothing claimed)."""
    expect = label["expect"]
    confident = match.status in CONFIDENT and match.product is not None
    if expect in ("sku", "match"):
        if not confident:
            return "missed"
        assert match.product is not None
        ok = match.product.sku in label.get("skus", ()) or match.product.sku in label.get("also_skus", ())
        if expect == "match" and not ok:
            ok = meets(match.product, label["constraints"])
        return "right" if ok else "wrong_match"
    if confident:
        return "wrong_match"
    if expect == "not_found" and match.status != "not_found":
        return "over_cautious"
    return "right"


def evaluate(engine: SearchEngine, folder: Path = LABELS_DIR) -> dict[str, Any]:
    """Per-BOM and overall figures for one label set; BOMs whose file is absent are listed as skipped."""
    matcher = BomMatcher(engine)
    bands: dict[str, Counter[str]] = {}
    per_bom: dict[str, Any] = {}
    totals: Counter[str] = Counter()
    by_expect: dict[str, Counter[str]] = {}
    wrong: list[str] = []
    per_line: list[str] = []
    seconds = 0.0
    for spec in load_labels(folder):
        path = bom_path(spec["file"])
        if path is None:
            per_bom[spec["file"]] = {"skipped": "file absent"}
            continue
        read = read_bom(path)
        started = time.perf_counter()
        matches = {(m.line.line, m.line.sheet): m for m in matcher.match_all(read.lines)}
        seconds += time.perf_counter() - started
        outcomes: Counter[str] = Counter()
        for label in spec["labels"]:
            match = matches.get((label["line"], label.get("sheet", "")))
            if match is None:
                outcomes["unread"] += 1
                continue
            outcome = judge(label, match)
            outcomes[outcome] += 1
            mpn = match.product.mpn if match.product else "-"
            per_line.append(
                f"{spec['file']}\t{label.get('sheet', '')}\t{label['line']}\t{outcome}\t{match.status}\t{mpn}"
            )
            if match.status in CONFIDENT:
                band = _band(match.confidence)
                bands.setdefault(band, Counter())["right" if outcome == "right" else "wrong"] += 1
                bands.setdefault(f"{match.status} (all)", Counter())["right" if outcome == "right" else "wrong"] += 1
            by_expect.setdefault(label["expect"], Counter())[outcome] += 1
            if outcome == "wrong_match":
                got = match.product.mpn if match.product else "-"
                wrong.append(f"{spec['file']}:{label['line']} expected {label['expect']}, got {match.status} {got}")
        totals.update(outcomes)
        per_bom[spec["file"]] = {
            "lines_read": len(read.lines),
            "dnp": len(read.dnp),
            "problems": len(read.problems),
            "statuses": dict(Counter(m.status for m in matches.values())),
            "outcomes": dict(outcomes),
        }
    confident_right = sum(c["right"] for k, c in by_expect.items() if k in ("sku", "match"))
    confident_total = confident_right + totals["wrong_match"]
    due = sum(sum(c.values()) for k, c in by_expect.items() if k in ("sku", "match"))
    labelled = sum(totals.values())
    return {
        "boms": per_bom,
        "labels": labelled,
        "outcomes": dict(totals),
        "by_expect": {k: dict(v) for k, v in by_expect.items()},
        "precision_of_confident_matches": _ratio(confident_right, confident_total),
        "coverage_of_catalog_parts": _ratio(confident_right, due),
        "accuracy_all_labels": _ratio(totals["right"], labelled),
        "no_false_match_rate": _ratio(labelled - totals["wrong_match"], labelled),
        "wrong_matches": wrong,
        "per_line": per_line,
        "match_seconds": round(seconds, 2),
        "reliability": {
            band: {**counts, "share_right": _ratio(counts["right"], counts["right"] + counts["wrong"])}
            for band, counts in sorted(bands.items())
        },
    }


def _band(confidence: float) -> str:
    low, high = next((lo, hi) for lo, hi in BANDS if lo <= confidence < hi)
    return f"confidence {low:.2f}–{min(high, 1.0):.2f}"


def evaluate_all(engine: SearchEngine) -> dict[str, Any]:
    """Every label set (SETS), each worked on from its first measurement on."""
    return {name: evaluate(engine, labels_dir(name)) for name in SETS}


def meets(product: Product, constraints: Mapping[str, Any]) -> bool:
    """Whether a catalog product satisfies every constraint of a "match" label (labels/README.md semantics)."""
    for key, want in constraints.items():
        if key == "category_contains":
            ok = want.lower() in product.category.lower()
        elif key == "description_contains":  # what the product states in words: its name, description, text facts
            stated = " ".join(a.raw for a in product.attributes if a.value is None)
            ok = want.lower() in f"{product.name} {product.description} {stated}".lower()
        elif key == "package":
            ok = _package_is(product, want)
        else:
            ok = _attribute_is(product, key, want)
        if not ok:
            return False
    return True


def _package_is(product: Product, want: str) -> bool:
    attr = product.attribute("package")
    texts = [t for t in (product.package, attr.raw if attr else "") if t]
    key = normalize_code(want)
    return any(normalize_code(t) == key or normalize_code(extract_package(t) or "") == key for t in texts)


def _attribute_is(product: Product, key: str, want: Any) -> bool:
    attr = product.attribute(key)
    if attr is None:
        return False
    if isinstance(want, str):
        if key == "dielectric":  # C0G and NP0 are one class (knowledge.units.canonical_dielectric)
            return canonical_dielectric(attr.raw) == canonical_dielectric(want)
        return attr.raw.strip().lower() == want.strip().lower()
    if attr.value is None:
        return False
    if isinstance(want, dict):
        return bool(want.get("min", -math.inf) <= attr.value <= want.get("max", math.inf))
    return math.isclose(attr.value, float(want), rel_tol=1e-6, abs_tol=1e-12)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def report(result: Mapping[str, Any], name: str = "dev") -> str:
    """A few lines for the terminal."""
    lines = [
        f"BOM matching on {result['labels']} labelled lines of the {name} BOMs ({result['match_seconds']} s):",
        f"  precision of confident matches (exact + parametric right): {result['precision_of_confident_matches']}",
        f"  coverage of lines naming a catalog part: {result['coverage_of_catalog_parts']}",
        f"  all labels right: {result['accuracy_all_labels']}; no false match: {result['no_false_match_rate']}",
        f"  outcomes: {result['outcomes']}",
    ]
    for name, figures in result["boms"].items():
        lines.append(f"  {name}: {figures.get('statuses', figures)} {figures.get('outcomes', '')}")
    lines += [f"  WRONG {w}" for w in result["wrong_matches"][:30]]
    lines += [
        f"  reliability {band}: {c.get('right', 0)} right, {c.get('wrong', 0)} wrong ({c['share_right']})"
        for band, c in result.get("reliability", {}).items()
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    from bot.providers import load_engine
    from bot.settings import get_settings

    both = evaluate_all(load_engine(get_settings()))
    for name, figures in both.items():
        print(report(figures, name))
    if len(sys.argv) == 3 and sys.argv[1] == "--lines":  # one row per labelled line, to diff two runs
        Path(sys.argv[2]).write_text(
            "".join(f"{name}\t{row}\n" for name, figures in both.items() for row in figures["per_line"]), "utf-8"
        )
