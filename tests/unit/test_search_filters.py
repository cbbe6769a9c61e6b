"""Every stated parameter is a hard filter in search (issue 17): the issue's queries, over a small catalog that
holds the right answer and the wrong ones the search used to show."""

from __future__ import annotations

import pytest

from knowledge.catalog import CatalogStore
from knowledge.models import Attribute, Product
from knowledge.search import SearchEngine
from tests.conftest import engine_over


def _cap(sku: str, farads: float, package: str, dielectric: str = "", category: str = "", stock: int = 1000) -> Product:
    attrs = [Attribute("capacitance", f"{farads:g}F", farads, "F")]
    if dielectric:
        attrs.append(Attribute("dielectric", dielectric))
    return Product(
        sku=sku, mpn=f"MPN-{sku}", manufacturer="Maker", package=package, stock=stock,
        category=category or "Capacitors / Multilayer Ceramic Capacitors MLCC - SMD/SMT",
        name=f"{farads:g} F {dielectric} {package} capacitor", attributes=tuple(attrs),
    )  # fmt: skip


def _part(sku: str, mpn: str, package: str, category: str, **attrs: tuple[str, float, str]) -> Product:
    return Product(
        sku=sku, mpn=mpn, manufacturer="Maker", package=package, category=category, name=f"{mpn} {package}",
        stock=500, attributes=tuple(Attribute(k, raw, v, u) for k, (raw, v, u) in attrs.items()),
    )  # fmt: skip


@pytest.fixture
def engine() -> SearchEngine:
    store = CatalogStore(":memory:")
    store.create()
    store.add(
        [
            _cap("C0G-100N", 100e-9, "0603", "C0G"),
            _cap("NP0-100N", 100e-9, "0603", "NP0"),
            _cap("X7R-100N", 100e-9, "0603", "X7R", stock=9_000_000),
            _cap("X7R-100N-0805", 100e-9, "0805", "X7R"),
            _cap("ELEC-100U", 100e-6, "插件", category="Capacitors / Aluminum Electrolytic Capacitors - Leaded"),
            _cap("CAN-100U", 100e-6, "SMD,D6.3xL7.7mm", category="Capacitors / Aluminum Electrolytic Capacitors - SMD"),
            _cap("X5R-100U-1206", 100e-6, "1206", "X5R"),
            _part("R100", "AC0603FR-07100RL", "0603", "Resistors / Chip Resistor", resistance=("100Ω", 100.0, "Ω")),
            _part("R10", "0603WAF100JT5E", "0603", "Resistors / Chip Resistor", resistance=("10Ω", 10.0, "Ω")),
            _part("R0", "RC0603JR-070RL", "0603", "Resistors / Chip Resistor", resistance=("0Ω", 0.0, "Ω")),
            _part("S8050-SOT", "S8050", "SOT-23", "Transistors / Bipolar Transistors - BJT"),
            _part("S8050-TO92", "S8050", "TO-92", "Transistors / Bipolar Transistors - BJT"),
            _part("TRIAC", "BT169D", "TO-92", "Transistors / TRIACs"),
            _part("ESD", "ESD0402V05", "0402", "Circuit Protection / ESD Protection Devices"),
            _cap("X5R-10U-0402", 10e-6, "0402", "X5R"),
        ]
    )
    return engine_over(store)


def skus(engine: SearchEngine, query: str) -> list[str]:
    return [h.product.sku for h in engine.search(query, k=10)]


def test_a_stated_dielectric_is_a_filter_and_c0g_is_np0(engine: SearchEngine) -> None:
    found = skus(engine, "100nF 0603 C0G")
    assert set(found[:2]) == {"C0G-100N", "NP0-100N"} and "X7R-100N" not in found
    assert set(skus(engine, "100nF 0603 NP0")[:2]) == {"C0G-100N", "NP0-100N"}


def test_a_package_rules_out_through_hole_cans_and_other_parts(engine: SearchEngine) -> None:
    found = skus(engine, "100UF 0603 X7R")
    assert not {"ELEC-100U", "CAN-100U", "R100", "X5R-100U-1206"} & set(found), found  # no part breaks one


def test_every_spelling_of_micro_and_ohms_in_chinese(engine: SearchEngine) -> None:
    for query in ("10 micro Farad 0402", "10µF 0402", "10μF 0402", "10𝛍F 0402", "10𝜇F 0402", "10𝝁F 0402"):
        assert skus(engine, query)[:1] == ["X5R-10U-0402"], query
    assert skus(engine, "10欧 0603 贴片电阻")[:1] == ["R10"]
    assert "R0" not in skus(engine, "10欧 0603 贴片电阻")


def test_an_exact_part_number_comes_first_in_the_asked_package(engine: SearchEngine) -> None:
    found = skus(engine, "S8050 TO-92")
    assert found[0] == "S8050-TO92" and "S8050-SOT" not in found


def test_a_named_kind_is_a_filter(engine: SearchEngine) -> None:
    found = skus(engine, "0603 电阻")
    assert found and all(sku.startswith("R") for sku in found), found
    assert "ESD" not in skus(engine, "0402 capacitor") and "X5R-10U-0402" in skus(engine, "0402 capacitor")


def test_nothing_meets_all_the_closest_without_one_named_parameter(engine: SearchEngine) -> None:
    from bot.cards import search_message

    hits = engine.search("100nF 0805 C0G", k=5)  # no C0G in 0805 here: the 0805 X7R part, said so
    assert hits and hits[0].why[0] == "closest without dielectric C0G" and hits[0].product.sku == "X7R-100N-0805"
    assert "closest without dielectric C0G" in search_message(hits, "en")["text"]
    assert "不限“dielectric C0G”" in search_message(hits, "zh")["text"]
    assert engine.search("100UF 0603 X7R", k=5) == []  # the value that says what the part is is never relaxed


def test_a_bare_number_beside_the_word_resistor_is_its_ohms() -> None:
    from knowledge.search import parse_parameters

    assert parse_parameters("22 0603 Resistor").quantities == (("resistance", 22.0, "Ω"),)
    assert parse_parameters("1m 2512 Resistor").quantities == (("resistance", 0.001, "Ω"),)
    assert parse_parameters("0603 100 pcs capacitor").quantities == ()  # not beside a resistor
