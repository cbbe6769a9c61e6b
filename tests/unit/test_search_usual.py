"""Search reads what a buyer's words mean (issue 17), found on real BOM lines (bench/search_eval.py): a crystal's
'20pF' is its load capacitance and 'SMD3225-4P' no 4 pF; an unlisted passive code states its tolerance;
'FHCS M3-10' is a countersunk screw; a plain nut the regular ISO 4032 one; '4.7uF 0603 capacitor' an MLCC; an
ASME 'B18.3.4M - 6 x 1.0 x 12' a screw's diameter × pitch × length, not a bearing's."""

from __future__ import annotations

import pytest

from knowledge.catalog import CatalogStore
from knowledge.models import Attribute, Product
from knowledge.search import SearchEngine, parse_parameters
from tests.conftest import engine_over


def _part(sku: str, category: str, package: str = "", **attrs: tuple[str, float | None, str]) -> Product:
    return Product(
        sku=sku, mpn=f"MPN-{sku}", manufacturer="Maker", category=category, name=f"{sku} {category}",
        package=package, stock=100, attributes=tuple(Attribute(k, raw, v, u) for k, (raw, v, u) in attrs.items()),
    )  # fmt: skip


@pytest.fixture
def engine() -> SearchEngine:
    crystal, mlcc, tant = (
        "Crystals / Crystals",
        "Capacitors / Multilayer Ceramic Capacitors MLCC - SMD/SMT",
        ("Capacitors / Tantalum Capacitors"),
    )
    store = CatalogStore(":memory:")
    store.create()
    store.add(
        [
            _part("XTAL-16M-3225", crystal, "SMD3225-4P", frequency=("16MHz", 16e6, "Hz"),
                  load_capacitance=("20pF", 20e-12, "F")),
            _part("XTAL-16M-5032", crystal, "SMD5032-2P", frequency=("16MHz", 16e6, "Hz"),
                  load_capacitance=("20pF", 20e-12, "F")),
            _part("XTAL-16M-3225-12P", crystal, "SMD3225-4P", frequency=("16MHz", 16e6, "Hz"),
                  load_capacitance=("12pF", 12e-12, "F")),
            _part("TANT-4U7", tant, "0603", capacitance=("4.7uF", 4.7e-6, "F")),
            _part("MLCC-4U7", mlcc, "0603", capacitance=("4.7uF", 4.7e-6, "F")),
            _part("MLCC-18N-K", mlcc, "0402", capacitance=("18nF", 18e-9, "F"), tolerance=("±10%", 10.0, "%")),
            _part("MLCC-18N-M", mlcc, "0402", capacitance=("18nF", 18e-9, "F"), tolerance=("±20%", 20.0, "%")),
            _part("FHCS-M3X10", "Fasteners / Countersunk screws", thread=("M3", None, ""), length=("10", 10.0, "mm")),
            _part("HEX-M3X10", "Fasteners / Hex head screws", thread=("M3", None, ""), length=("10", 10.0, "mm")),
            _part("NUT-4035", "Fasteners / Hex nuts", thread=("M3", None, ""), standard=("ISO 4035", None, "")),
            _part("NUT-4032", "Fasteners / Hex nuts", thread=("M3", None, ""), standard=("ISO 4032", None, "")),
            _part("BHCS-M6X12", "Fasteners / Button head screws", thread=("M6", None, ""), length=("12", 12.0, "mm")),
        ]
    )  # fmt: skip
    return engine_over(store)


def _found(engine: SearchEngine, query: str) -> list[str]:
    return [h.product.sku for h in engine.search(query, k=10)]


def test_a_crystal_s_picofarads_are_its_load_and_a_footprint_s_pins_no_value(engine: SearchEngine) -> None:
    assert parse_parameters("ABM8-16.000MHZ-B2-T 16MHz SMD3225-4P Crystal").quantities[-1][0] == "frequency"
    found = _found(engine, "3225 16MHz 20pF 晶振")
    assert found[:1] == ["XTAL-16M-3225"] and not {"XTAL-16M-5032", "XTAL-16M-3225-12P"} & set(found), found


def test_an_unlisted_passive_code_states_its_tolerance(engine: SearchEngine) -> None:
    found = _found(engine, "CC0402KRX7R7BB183 18nF 0402")  # K: ±10 %
    assert "MLCC-18N-K" in found and "MLCC-18N-M" not in found, found


def test_a_chip_capacitor_is_an_mlcc_unless_the_words_say_otherwise(engine: SearchEngine) -> None:
    assert _found(engine, "4.7uF 0603 Capacitor")[:1] == ["MLCC-4U7"]
    assert _found(engine, "4.7uF 0603 tantalum capacitor")[:1] == ["TANT-4U7"]


def test_fastener_types_in_words_and_the_usual_standard(engine: SearchEngine) -> None:
    assert _found(engine, "FHCS M3-10") == ["FHCS-M3X10"]
    assert _found(engine, "M3六角螺帽")[:1] == ["NUT-4032"]
    assert _found(engine, "M3 jam nut")[:1] == ["NUT-4035"]
    assert _found(engine, "B18.3.4M - 6 x 1.0 x 12 SBHCS --N 圆头内六角M6*12") == ["BHCS-M6X12"]


@pytest.fixture
def rated() -> SearchEngine:
    fuse, zener, led = "Circuit Protection / Fuses", "Diodes / Zener Diodes", "Optoelectronics / LED Indication"
    store = CatalogStore(":memory:")
    store.create()
    store.add(
        [
            _part("FUSE-2A-63V", fuse, "1206", current_rating=("2A", 2.0, "A"), voltage_rating=("63V", 63.0, "V")),
            _part("FUSE-8A-32V", fuse, "1206", current_rating=("8A", 8.0, "A"), voltage_rating=("32V", 32.0, "V")),
            _part("ZENER-3V9", zener, "SOT-23", voltage_rating=("3.9V", 3.9, "V")),
            _part("ZENER-15V", zener, "SOT-23", voltage_rating=("15V", 15.0, "V")),
            _part("LED-WHITE-YLENS", led, "0805", illumination_color=("White", None, ""),
                  lens_color=("Yellow Lens", None, "")),
            _part("LED-YELLOW", led, "0805", illumination_color=("Yellow", None, "")),
            _part("HDR-1X40", "Connectors / Pin Headers", "插件,P=2.54mm", pin_structure=("1x40P", None, ""),
                  pitch=("2.54mm", 2.54, "mm")),
            _part("CAP-40P", "Capacitors / Multilayer Ceramic Capacitors MLCC", "0603",
                  capacitance=("40pF", 40e-12, "F")),
            _part("NUT-M3", "Fasteners / Hex nuts", thread=("M3", None, ""), standard=("ISO 4032", None, "")),
        ]
    )  # fmt: skip
    return engine_over(store)


def test_a_rating_is_a_minimum_only_where_more_serves(rated: SearchEngine) -> None:
    """A stranger's review: '1206 fuse 2A 32V' showed 8 A fuses as '≥ 2 A', 'zener 3.9V' 15 V zeners. A fuse's
    current and a zener's voltage are what the part is; a fuse's voltage rating is a minimum."""
    assert _found(rated, "1206 fuse 2A 32V") == ["FUSE-2A-63V"]
    assert _found(rated, "zener 3.9V SOT-23") == ["ZENER-3V9"]


def test_an_led_s_colour_is_its_light_not_its_lens(rated: SearchEngine) -> None:
    assert _found(rated, "yellow LED 0805") == ["LED-YELLOW"]


def test_a_count_beside_a_header_is_pins_and_unstocked_fasteners_are_not_answered(rated: SearchEngine) -> None:
    assert _found(rated, "2.54mm 单排 40P 排针")[:1] == ["HDR-1X40"]
    assert "CAP-40P" not in _found(rated, "2.54mm 单排 40P 排针")
    assert _found(rated, "M3 尼龙防松螺母") == [] and _found(rated, "M3 spring lock washer") == []
    assert _found(rated, "M3 螺母") == ["NUT-M3"]
