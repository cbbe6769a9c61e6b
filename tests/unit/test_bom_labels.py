"""The labelled expected matches for the dev BOMs (tests/fixtures/boms/labels/) and the outside BOMs
(tests/fixtures/boms/labels_outside/) are well formed and honest.

Checks that every item line of each BOM has exactly one label, that labels name real catalog SKUs, use the
canonical attribute vocabulary, and that every "match" label can be met by at least one catalog product.
The semantics are documented in tests/fixtures/boms/labels/README.md.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from bench.bom_eval import SETS, labels_dir, meets
from knowledge.attributes import VOCABULARY
from knowledge.bom import read_bom
from knowledge.catalog import CatalogStore
from knowledge.models import Product

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "boms"
# Each set's label files: the dev BOMs, the outside BOMs (real BOMs from public projects, labelled by hand before any
# matcher ran on them) and one held-out set per session from session 8 on (bench/bom_eval.py SETS).
SET_LABELS = {name: sorted(labels_dir(name).glob("*.json")) for name in SETS}
DEV_LABELS = SET_LABELS["dev"]
LABELS = [path for paths in SET_LABELS.values() for path in paths]
DEV = Path(__file__).resolve().parents[2].parent / "shared" / "boms" / "dev"
CATALOG = Path(__file__).resolve().parents[2] / "var" / "catalog.sqlite"

EXPECT = {"sku", "match", "not_found", "not_confident"}
SPECIAL_KEYS = {"category_contains", "package", "description_contains"}
# the curated vocabulary, and keys the catalog states under its source's own name that labels constrain (a zener's
# nominal voltage: the catalog's 'Zener voltage (nom)'; the satisfiability test below checks them on the catalog)
UNITS = {spec.key: spec.unit for spec in VOCABULARY} | {"zener_voltage_nom": "V"}
CHUNK = 400  # products loaded per round when looking for one that meets a "match" label


def _spec(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _bom_path(name: str) -> Path:
    """The BOM a label file describes: the fixture copy (MIT files), else ../shared (GPL files), else skip."""
    for folder in (FIXTURES, DEV, *(FIXTURES / name for name in SETS[1:])):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"{name} is not in the fixtures and {DEV} is absent")


@pytest.fixture(scope="module")
def store() -> Iterator[CatalogStore]:
    if not CATALOG.is_file():
        pytest.skip("var/catalog.sqlite is not built")
    with CatalogStore.open_existing(CATALOG) as opened:
        yield opened


def test_there_is_a_label_file_per_dev_bom() -> None:
    """One label file per dev BOM (the list in fixtures/boms/expected/), named after the BOM's stem."""
    dev_boms = {_spec(p)["file"] for p in (FIXTURES / "expected").glob("*.json")}
    assert {_spec(p)["file"] for p in DEV_LABELS} == dev_boms
    assert all(Path(_spec(p)["file"]).stem == p.stem for p in LABELS)
    for name in SETS[1:]:  # one label file per BOM of the set (outside: some GPL BOMs are read from ../shared)
        files = {p.name for p in (FIXTURES / name).iterdir() if p.is_file() and not p.name.startswith("SOURCES")}
        labelled = {_spec(p)["file"] for p in SET_LABELS[name]}
        assert labelled <= files if name == "outside" else labelled == files, name
        assert len(SET_LABELS[name]) >= 4, name


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_every_item_line_is_labelled_once(path: Path) -> None:
    spec = _spec(path)
    result = read_bom(_bom_path(spec["file"]))
    items = {(item.sheet, item.line) for item in result.lines}
    labelled = [(label["sheet"], label["line"]) for label in spec["labels"]]
    assert len(labelled) == len(set(labelled)), "a line is labelled twice"
    assert set(labelled) - items == set(), "labels for lines that are not item lines"
    assert items - set(labelled) == set(), "item lines without a label"


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_labels_are_well_formed(path: Path) -> None:
    spec = _spec(path)
    assert spec["labelled_by"]
    for label in spec["labels"]:
        where = f"{label.get('sheet')}:{label.get('line')}"
        assert label["expect"] in EXPECT, where
        assert isinstance(label["why"], str) and label["why"].strip(), where
        if label["expect"] == "sku":
            assert label["skus"] and all(isinstance(s, str) and s for s in label["skus"]), where
            assert "constraints" not in label, where
        elif label["expect"] == "match":
            _check_constraints(label["constraints"], where)
            assert all(isinstance(s, str) and s for s in label.get("also_skus", [])), where
        else:
            assert not {"skus", "constraints", "also_skus"} & set(label), where


def _check_constraints(constraints: Mapping[str, Any], where: str) -> None:
    assert constraints, where
    for key, want in constraints.items():
        if key in SPECIAL_KEYS:
            assert isinstance(want, str) and want, f"{where}: {key}"
            continue
        assert key in UNITS, f"{where}: {key} is not a canonical attribute"
        if UNITS[key]:
            ok = _is_number(want) or (isinstance(want, dict) and set(want) <= {"min", "max"} and want)
            assert ok and all(_is_number(v) for v in (want.values() if isinstance(want, dict) else [])), where
        else:
            assert isinstance(want, str) and want, f"{where}: {key} takes the attribute's text"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@pytest.mark.parametrize("path", LABELS, ids=lambda p: p.stem)
def test_skus_exist_and_matches_are_satisfiable(path: Path, store: CatalogStore) -> None:
    checked: set[str] = set()  # identical constraints repeat on many lines (e.g. 220 ohm 0603)
    for label in _spec(path)["labels"]:
        where = f"{label['sheet']}:{label['line']}"
        skus = label.get("skus", []) + label.get("also_skus", [])
        assert len(store.products(skus)) == len(skus), where  # raises ProductNotFound for an unknown SKU
        key = json.dumps(label.get("constraints"), sort_keys=True)
        if label["expect"] == "match" and key not in checked:
            assert _first_match(store, label["constraints"]) is not None, f"{where}: no product meets {label}"
            checked.add(key)


def test_matcher_of_constraints_tells_parts_apart(store: CatalogStore) -> None:
    """The satisfiability check is not vacuous: a 0603 10 kΩ 1 % label holds for C25804 and not for 0805."""
    resistor = store.get("C25804")
    want = {"category_contains": "resistor", "resistance": 10000, "package": "0603", "tolerance": {"max": 1}}
    assert meets(resistor, want)
    assert not meets(resistor, {**want, "package": "0805"})
    assert not meets(resistor, {**want, "resistance": 1000})
    assert not meets(resistor, {**want, "tolerance": {"max": 0.5}})
    assert _first_match(store, {**want, "resistance": 10001.5}) is None


def _first_match(store: CatalogStore, constraints: Mapping[str, Any]) -> Product | None:
    """One product meeting the constraints: candidates narrowed by exact attribute values, then checked."""
    exact = {k: v for k, v in constraints.items() if k not in SPECIAL_KEYS and not isinstance(v, dict)}
    candidates: set[str] | None = None
    for key, want in exact.items():
        found = set(store.with_attribute(key, want, limit=None))
        candidates = found if candidates is None else candidates & found
    if candidates is None:
        candidates = _skus_by_text(
            constraints.get("category_contains", ""), constraints.get("description_contains", "")
        )
    ordered = sorted(candidates)
    for start in range(0, len(ordered), CHUNK):
        for product in store.products(ordered[start : start + CHUNK]):
            if meets(product, constraints):
                return product
    return None


def _skus_by_text(category: str, text: str) -> set[str]:
    """Candidates for labels without an exact attribute value (SQL LIKE only narrows; meets() decides)."""
    sql = "SELECT sku FROM products WHERE category LIKE ? AND (name || ' ' || description) LIKE ?"
    with sqlite3.connect(f"file:{CATALOG}?mode=ro", uri=True) as conn:
        rows = conn.execute(sql, (f"%{category}%", f"%{text}%")).fetchall()
    return {row[0] for row in rows}
