"""Catalog adapters and the SQLite store, on small fixture files (tests/fixtures/catalog)."""

from __future__ import annotations

import gzip
import shutil
import sys
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import knowledge
from knowledge.bearings_iso15 import ISO15_DEEP_GROOVE, iso15_bearings, standard_deep_groove_bearings
from knowledge.catalog import (
    CatalogStore,
    RowProblem,
    ingest_all,
    normalize_code,
    parse_jlc_price,
    read_digikey,
    read_generic,
    read_jlc_parts,
    read_skf,
)
from knowledge.commerce import SYNTHETIC_PRICE_SOURCE
from knowledge.errors import CatalogError, ProductNotFound
from knowledge.fasteners import STANDARDS, standard_fasteners
from knowledge.models import Attribute, PriceBreak, Product

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalog"
SOURCES = FIXTURES / "sources"


def _product(sku: str = "X-1", **changes: Any) -> Product:
    base = Product(
        sku=sku,
        mpn="RC0603FR-0710KL",
        manufacturer="YAGEO",
        category="Resistors / Chip Resistor - Surface Mount",
        name="RC0603FR-0710KL — 10kΩ ±1% 100mW 0603 chip resistor",
        description="厚膜电阻 10kΩ ±1%",
        package="0603",
        datasheet="https://example.invalid/rc.pdf",
        attributes=(
            Attribute(name="resistance", raw="10kΩ", value=10000.0, unit="Ω", label="Resistance"),
            Attribute(name="temperature_range", raw="-55℃~+155℃", value=-55.0, unit="°C", value_max=155.0),
            Attribute(name="type", raw="Thick Film Resistor"),
            Attribute(name="power", raw="1/10W", value=0.1, unit="W", label="功率"),
        ),
        price_breaks=(PriceBreak(1, 0.0014), PriceBreak(1000, 0.0011)),
        currency="USD",
        price_source="JLCPCB list price, snapshot 2026-05-21",
        stock=10973398,
        lead_time_days=None,
        source="test",
        aliases=("C25804", "0603 10K 1%"),
    )
    return replace(base, **changes)


def _attr(product: Product, name: str) -> Attribute:
    attr = product.attribute(name)
    assert attr is not None, f"{product.sku} has no {name}"
    return attr


def _value(product: Product, name: str) -> float:
    value = _attr(product, name).value
    assert value is not None, f"{product.sku}: {name} has no number"
    return value


def _raw(product: Product, name: str) -> str:
    return _attr(product, name).raw


@pytest.fixture()
def store() -> CatalogStore:
    s = CatalogStore(":memory:")
    s.create()
    return s


# -- normalize_code -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6205-2RS", "62052RS"), ("7008 CE GA / P4A", "7008CEGAP4A"), ("c25804", "C25804"), ("—", "")],
)
def test_normalize_code(text: str, expected: str) -> None:
    assert normalize_code(text) == expected


# -- store ----------------------------------------------------------------------------------------------------


def test_store_round_trip_is_exact(store: CatalogStore) -> None:
    product = _product()
    bare = Product(sku="B-2", mpn="B2", manufacturer="", category="", name="bare")
    assert store.add([product, bare]) == 2
    assert store.get("X-1") == product
    assert store.get("B-2") == bare
    assert store.get("B-2").stock is None
    assert store.count() == 2


def test_get_unknown_sku_raises(store: CatalogStore) -> None:
    with pytest.raises(ProductNotFound):
        store.get("nope")


def test_products_keeps_requested_order(store: CatalogStore) -> None:
    store.add([_product("A"), _product("B"), _product("C")])
    assert [p.sku for p in store.products(["C", "A", "B", "A"])] == ["C", "A", "B", "A"]
    with pytest.raises(ProductNotFound):
        store.products(["A", "missing"])


def test_by_code_matches_sku_mpn_and_aliases(store: CatalogStore) -> None:
    store.add([_product("X-1"), _product("X-2", mpn="OTHER", aliases=())])
    assert [p.sku for p in store.by_code("rc0603fr-07 10kl")] == ["X-1"]  # mpn, normalized
    assert [p.sku for p in store.by_code("C25804")] == ["X-1"]  # alias (LCSC number)
    assert [p.sku for p in store.by_code("x 2")] == ["X-2"]  # sku
    assert store.by_code("does-not-exist") == []
    assert store.by_code("--") == []
    assert ("C25804", "X-1") in store.codes()


def test_with_attribute_numbers_and_text(store: CatalogStore) -> None:
    store.add([_product("A"), _product("B", attributes=(Attribute("resistance", "1k", 1000.0, "Ω"),))])
    assert store.with_attribute("resistance", 10000.0 * (1 + 1e-9)) == ["A"]
    assert store.with_attribute("resistance", 1000.0) == ["B"]
    assert store.with_attribute("type", "thick film resistor") == ["A"]
    assert store.with_attribute("resistance", 10000.0, limit=0) == []


def test_iter_products_in_sku_order_across_batches(store: CatalogStore) -> None:
    store.add([_product(sku) for sku in ("C", "A", "E", "B", "D")])
    assert [p.sku for p in store.iter_products(batch=2)] == ["A", "B", "C", "D", "E"]


def test_catalog_hash_depends_on_content_not_order(tmp_path: Path) -> None:
    hashes = []
    for order in (("A", "B"), ("B", "A")):
        s = CatalogStore(tmp_path / f"{''.join(order)}.sqlite")
        s.create()
        for sku in order:
            s.add([_product(sku)])
        hashes.append(s.catalog_hash())
        s.close()
    assert hashes[0] == hashes[1]
    changed = CatalogStore()
    changed.create()
    changed.add([_product("A"), _product("B", stock=1)])
    assert changed.catalog_hash() != hashes[0]
    reopened = CatalogStore(tmp_path / "AB.sqlite")
    assert reopened.catalog_hash() == hashes[0]  # stored at ingest time, read back O(1)


def test_open_existing_refuses_missing_or_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="ingest"):
        CatalogStore.open_existing(tmp_path / "absent.sqlite")
    foreign = tmp_path / "foreign.sqlite"
    CatalogStore(foreign).close()
    with pytest.raises(CatalogError, match="not a catalog"):
        CatalogStore.open_existing(foreign)
    built = CatalogStore(tmp_path / "built.sqlite")
    built.create()
    built.add([_product("A")])
    built.close()
    with CatalogStore.open_existing(tmp_path / "built.sqlite") as reopened:
        assert reopened.get("A") == _product("A")


def test_add_duplicate_sku_raises_and_keeps_nothing(store: CatalogStore) -> None:
    with pytest.raises(CatalogError, match="duplicate"):
        store.add([_product("A"), _product("A")])
    assert store.count() == 0


def test_replace_is_atomic(store: CatalogStore) -> None:
    store.add([_product("OLD")])
    before = store.catalog_hash()
    with pytest.raises(CatalogError):
        store.add([_product("NEW"), _product("NEW")], replace=True)
    assert [p.sku for p in store.iter_products()] == ["OLD"] and store.catalog_hash() == before
    store.add([_product("NEW")], replace=True)
    assert [p.sku for p in store.iter_products()] == ["NEW"]


# -- JLCPCB / LCSC ------------------------------------------------------------------------------------------


def test_jlc_reads_good_rows_and_reports_the_bad_one() -> None:
    problems: list[RowProblem] = []
    products = list(
        read_jlc_parts(SOURCES / "lcsc/jlc_parts.csv", SOURCES / "lcsc/jlc_attributes.jsonl", problems=problems)
    )
    assert [p.sku for p in products] == ["C25804", "C14663"]
    bad_rows = [p for p in problems if p.file.endswith("jlc_parts.csv")]
    assert len(bad_rows) == 1 and bad_rows[0].line == 3 and "Price" in bad_rows[0].reason
    assert any(p.file.endswith("jlc_attributes.jsonl") and p.line == 3 for p in problems)

    resistor = products[0]
    assert resistor.price_breaks == (
        PriceBreak(1, 0.0014),
        PriceBreak(1000, 0.0011),
        PriceBreak(5000, 0.0009),
        PriceBreak(10000, 0.0008),
        PriceBreak(50000, 0.0007),
    )
    assert resistor.price_source == "JLCPCB list price, snapshot 2026-05-21"
    assert resistor.stock == 10973398
    assert resistor.package == "0603"
    assert "C25804" in resistor.aliases
    assert resistor.name == "0603WAF1002T5E — 10kΩ ±1% 100mW 0603 chip resistor"
    assert resistor.description.startswith("-55℃~+155℃ 100mW 10kΩ")


def test_jlc_attribute_mapping_to_canonical_keys() -> None:
    resistor, mlcc = read_jlc_parts(SOURCES / "lcsc/jlc_parts.csv", SOURCES / "lcsc/jlc_attributes.jsonl")
    r = resistor.attribute("resistance")
    assert r is not None and (r.value, r.unit, r.raw, r.label) == (10000.0, "Ω", "10kΩ", "Resistance")
    tol, power = resistor.attribute("tolerance"), resistor.attribute("power")
    assert tol is not None and (tol.value, tol.unit) == (1.0, "%")
    assert power is not None and power.value == pytest.approx(0.1) and power.unit == "W"
    temp = resistor.attribute("temperature_range")
    assert temp is not None and (temp.value, temp.value_max, temp.unit) == (-55.0, 155.0, "°C")
    tc = resistor.attribute("temperature_coefficient")
    assert tc is not None and tc.value == 100.0
    kept = resistor.attribute("type")
    assert kept is not None and kept.raw == "Thick Film Resistor" and kept.label == "Type"
    assert mlcc.attribute("dielectric") is not None and _raw(mlcc, "dielectric") == "X7R"
    cap = mlcc.attribute("capacitance")
    assert cap is not None and cap.value == pytest.approx(100e-9)
    assert _value(mlcc, "voltage_rating") == 50.0


def test_jlc_reads_gzip(tmp_path: Path) -> None:
    gz = tmp_path / "jlc_parts.csv.gz"
    gz.write_bytes(gzip.compress((SOURCES / "lcsc/jlc_parts.csv").read_bytes()))
    assert [p.sku for p in read_jlc_parts(gz)] == ["C25804", "C14663"]


def test_jlc_bad_file_raises_with_file_name(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as missing:
        list(read_jlc_parts(tmp_path / "absent.csv"))
    assert missing.value.file.endswith("absent.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="LCSC Part"):
        list(read_jlc_parts(wrong))


def test_parse_jlc_price() -> None:
    assert parse_jlc_price("1-199:0.0052,200-:0.0018") == (PriceBreak(1, 0.0052), PriceBreak(200, 0.0018))
    assert parse_jlc_price("") == ()
    with pytest.raises(CatalogError):
        parse_jlc_price("200-:0.1,1-199:0.2")


# -- Digi-Key ---------------------------------------------------------------------------------------------------


def test_digikey_description_facts_and_bad_row() -> None:
    problems: list[RowProblem] = []
    products = {p.mpn: p for p in read_digikey(SOURCES / "digikey_components.csv", problems=problems)}
    crystal = products["NX3225GD-8MHZ-STD-CRA-3"]
    assert crystal.sku == "644-1178-1-ND"
    assert _value(crystal, "frequency") == 8e6
    assert _value(crystal, "load_capacitance") == pytest.approx(8e-12)
    fet = products["BSS138-7-F"]
    assert (_value(fet, "voltage_rating"), _value(fet, "current_rating")) == (50.0, 0.2)
    assert products["TL082IP"].attribute("frequency") is None
    assert fet.package == "SOT-23-3"
    assert [(p.line, p.reason) for p in problems] == [(5, "empty digikey_pn or mpn")]


# -- SKF -------------------------------------------------------------------------------------------------------


def test_skf_merges_two_spellings_into_one_product() -> None:
    problems: list[RowProblem] = []
    products = list(read_skf(SOURCES / "bearings", problems=problems))
    btw35 = [p for p in products if normalize_code(p.mpn) == "BTW35CTN9SP"]
    assert len(btw35) == 1
    merged = btw35[0]
    assert merged.sku == "SKF-BTW35CTN9/SP" and merged.manufacturer == "SKF"
    assert {"BTW 35 CTN9/SP", "BTW 35 CTN9 / SP"} <= set(merged.aliases)
    assert _value(merged, "dynamic_load_rating") == 16.8  # table only
    assert _value(merged, "mass") == 0.35  # precision table only
    speed = merged.attribute("grease_speed")
    assert speed is not None and speed.label == "油脂转速"  # precision table wins on conflicts
    assert _attr(merged, "bore_diameter").label == "内径d"
    assert len(products) == 4 and problems == []


def test_snfa_designation_finds_the_skf_bearing(store: CatalogStore) -> None:
    store.add(read_skf(SOURCES / "bearings"))
    (found,) = store.by_code("VEX407CE1UL")
    assert found.sku == "SKF-7008CEGA/P4A"
    superseded = found.attribute("superseded_designation")
    assert superseded is not None and superseded.raw == "SNFA VEX407CE1UL"
    assert _value(found, "contact_angle") == 15.0
    assert _raw(found, "precision_class") == "P4A"
    assert [p.sku for p in store.by_code("7008 CE GA / P4A")] == ["SKF-7008CEGA/P4A"]


# -- ISO 15 bearings -------------------------------------------------------------------------------------------


def test_iso15_6205_2rs_dimensions() -> None:
    by_mpn = {p.mpn: p for p in iso15_bearings()}
    bearing = by_mpn["6205-2RS"]
    dims = [_value(bearing, k) for k in ("bore_diameter", "outer_diameter", "width")]
    assert dims == [25.0, 52.0, 15.0]
    assert _raw(bearing, "seal") == "2RS contact seals"
    assert bearing.attribute("dynamic_load_rating") is None  # the standard fixes no load rating
    assert _value(by_mpn["6320-2Z"], "outer_diameter") == 215.0
    assert len(by_mpn) == 3 * 63


def test_iso15_table_follows_the_bore_code_rule() -> None:
    for basic, (d, big_d, b) in ISO15_DEEP_GROOVE.items():
        code = int(basic[2:])
        assert d == {0: 10, 1: 12, 2: 15, 3: 17}.get(code, code * 5), basic
        assert big_d > d and 0 < b < big_d - d
    # widths and outer diameters grow from series 60 to 62 to 63 for the same bore
    for code in range(21):
        sizes = [ISO15_DEEP_GROOVE[f"6{s}{code:02d}"] for s in "023"]
        assert sizes[0][1] < sizes[1][1] < sizes[2][1] and sizes[0][2] < sizes[1][2] < sizes[2][2]


def test_skf_small_bearings_match_iso15_and_report_missing_designation() -> None:
    problems: list[RowProblem] = []
    products = {p.sku: p for p in standard_deep_groove_bearings(SOURCES / "fasteners", problems=problems)}
    skf6000 = products["SKF-6000"]
    assert _value(skf6000, "dynamic_load_rating") == 4.75
    iso = products["ISO15-6000"]
    for key in ("bore_diameter", "outer_diameter", "width"):
        assert _value(skf6000, key) == _value(iso, key)
    assert _raw(products["SKF-623-2Z"], "seal") == "2Z shields"
    assert len(problems) == 1 and problems[0].line == 3


# -- fasteners ---------------------------------------------------------------------------------------------


def test_fasteners_expand_iso4762_m3x20_a2() -> None:
    products = {p.sku: p for p in standard_fasteners(SOURCES / "fasteners")}
    screw = products["ISO4762-M3X20-A2"]
    assert _raw(screw, "thread") == "M3"
    assert _value(screw, "length") == 20.0
    assert _value(screw, "pitch") == 0.5
    assert _value(screw, "head_diameter") == 5.68
    assert _raw(screw, "material") == "A2-70 stainless"
    assert screw.name == "ISO 4762 M3×20 socket head cap screw, A2-70 stainless / 内六角圆柱头螺钉 不锈钢 A2-70"
    lengths = sorted({_value(p, "length") for p in products.values() if p.sku.startswith("ISO4762-")})
    assert lengths == [5, 6, 8, 10, 12, 16, 20, 25, 30]  # ISO 4762 M3: 5..30 mm
    assert "ISO4032-M3-A4" in products and "ISO7089-M3-A2" in products


def test_fasteners_can_expand_one_standard() -> None:
    only = [s for s in STANDARDS if s.standard == "ISO 4762"]
    skus = [p.sku for p in standard_fasteners(SOURCES / "fasteners", standards=only)]
    assert len(skus) == 9 * 4 and all(s.startswith("ISO4762-") for s in skus)


# -- generic schema ----------------------------------------------------------------------------------------


def test_generic_csv_gbk_with_bad_price_cell() -> None:
    problems: list[RowProblem] = []
    products = list(read_generic(FIXTURES / "generic_gbk.csv", problems=problems))
    assert [p.sku for p in products] == ["HRB-6205-2RS", "HRB-6000", "HRB-6206"]
    first = products[0]
    assert first.manufacturer == "哈轴 HRB" and first.category == "轴承 / 深沟球轴承"
    assert first.price_breaks == (PriceBreak(1, 1.2), PriceBreak(100, 0.95), PriceBreak(1000, 0.8))
    assert (first.currency, first.stock, first.lead_time_days) == ("CNY", 1200, 3)
    bore = first.attribute("bore_diameter")
    assert bore is not None and (bore.value, bore.unit, bore.label) == (25.0, "mm", "attr:bore_diameter[mm]")
    assert _raw(first, "seal") == "双面接触密封 2RS"
    assert first.aliases == ("6205RS", "6205-2RS1")
    assert products[2].price_breaks == () and products[2].stock is None
    assert len(problems) == 1 and problems[0].line == 4 and "price_breaks" in problems[0].reason


def test_generic_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["SKU", "MPN", "Manufacturer", "Category", "Name", "attr:resistance[Ω]", "stock"])
    sheet.append(["R-1", "R1", "Acme", "Resistors", "1k resistor", "1k", 25])
    sheet.append(["R-2", "R2", "Acme", "Resistors", "bad resistor", "ten", 5])
    path = tmp_path / "brand.xlsx"
    book.save(path)
    problems: list[RowProblem] = []
    (product,) = read_generic(path, problems=problems)
    assert (product.sku, product.stock) == ("R-1", 25)
    assert _value(product, "resistance") == 1000.0
    assert [p.line for p in problems] == [3]


def test_generic_missing_required_column_raises(tmp_path: Path) -> None:
    path = tmp_path / "no_mpn.csv"
    path.write_text("sku,name\nA,a\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="mpn") as err:
        list(read_generic(path))
    assert err.value.file == str(path)


# -- ingest_all -------------------------------------------------------------------------------------------


def test_ingest_all_on_fixture_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    passive = Product(sku="C25804", mpn="DUP", manufacturer="x", category="Resistors / Chip", name="dup")
    twin = Product(sku="GEN-0603WAF1002T5E", mpn="0603WAF1002T5E", manufacturer="x", category="R", name="twin")
    fresh = Product(
        sku="GEN-1",
        mpn="RC0603FR-0710KL",
        manufacturer="YAGEO",
        category="Resistors / Chip",
        name="generated",
    )
    fake = types.ModuleType("knowledge.passives")
    fake.generate_passives = lambda: iter([passive, twin, fresh])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "knowledge.passives", fake)
    monkeypatch.setattr(knowledge, "passives", fake, raising=False)
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)

    store = CatalogStore(tmp_path / "catalog.sqlite")
    report = ingest_all(sources, store, progress=False)

    assert report.counts["jlcpcb"] == 2 and report.counts["digikey"] == 3 and report.counts["passives"] == 1
    assert report.duplicates == 1
    assert report.shadowed_by_real == 1  # the generated twin of real part C25804 is left out
    assert report.total == store.count() == sum(report.counts.values())
    assert any("duplicate sku 'C25804'" in p.reason for p in report.problems)
    assert store.get("C25804").price_source == "JLCPCB list price, snapshot 2026-05-21"  # real prices kept
    generated = store.get("GEN-1")
    assert generated.price_source == SYNTHETIC_PRICE_SOURCE and generated.price_breaks
    assert store.get("ISO4762-M3X20-129").lead_time_days is not None
    assert report.catalog_hash == store.catalog_hash()
