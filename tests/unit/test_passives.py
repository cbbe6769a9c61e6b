"""Passives generated from the YAGEO, UNI-ROYAL, Samsung and Murata part-number schemes."""

from __future__ import annotations

from collections import Counter
from itertools import islice

import pytest

from knowledge.models import Product
from knowledge.passives import MLCC_CATEGORY, RESISTOR_CATEGORY, decode_passive, generate_passives
from knowledge.units import E24, E96, e_series_values


@pytest.fixture(scope="module")
def products() -> list[Product]:
    return list(generate_passives())


def _facts(product: Product) -> dict[str, tuple[float | None, str, str]]:
    return {a.name: (a.value, a.unit, a.raw) for a in product.attributes}


def _decoded(mpn: str) -> Product:
    product = decode_passive(mpn)
    assert product is not None, mpn
    return product


def test_yageo_rc_decodes() -> None:
    product = _decoded("RC0603FR-0710KL")
    facts = _facts(product)
    assert product.sku == "GEN-RC0603FR-0710KL" and product.mpn == "RC0603FR-0710KL"
    assert (product.manufacturer, product.category, product.package) == ("YAGEO", RESISTOR_CATEGORY, "0603")
    assert product.name == "10 kΩ ±1% 0.1 W 0603 thick film chip resistor"
    assert facts["resistance"][:2] == (10000.0, "Ω")
    assert facts["tolerance"][:2] == (1.0, "%")
    assert facts["power"][:2] == (pytest.approx(0.1), "W")
    assert facts["voltage_rating"][:2] == (75.0, "V")
    assert facts["temperature_coefficient"][:2] == (100.0, "ppm/°C")
    assert facts["package"][2] == "0603"
    temperature = product.attribute("temperature_range")
    assert temperature is not None and (temperature.value, temperature.value_max) == (-55.0, 155.0)
    assert product.price_breaks == () and product.stock is None
    assert product.source == "generated from the YAGEO RC-series part-number scheme"


@pytest.mark.parametrize(
    ("mpn", "ohms", "tolerance", "watts", "volts"),
    [
        ("RC0402FR-0749K9L", 49900.0, 1.0, 1 / 16, 50.0),
        ("RC0805JR-074K7L", 4700.0, 5.0, 0.125, 150.0),
        ("RC1206FR-071RL", 1.0, 1.0, 0.25, 200.0),
        ("RC0603FR-7W22RL", 22.0, 1.0, 0.2, 75.0),  # 7W reel code: double power
        ("RC2512FK-0710ML", 1e7, 1.0, 1.0, 200.0),
        ("RC0201FR-071K02L", 1020.0, 1.0, 0.05, 25.0),
    ],
)
def test_yageo_values(mpn: str, ohms: float, tolerance: float, watts: float, volts: float) -> None:
    facts = _facts(_decoded(mpn))
    assert facts["resistance"][0] == pytest.approx(ohms)
    assert facts["tolerance"][0] == tolerance
    assert facts["power"][0] == pytest.approx(watts)
    assert facts["voltage_rating"][0] == volts


def test_jumper() -> None:
    product = _decoded("RC0603JR-070RL")
    facts = _facts(product)
    assert facts["resistance"][0] == 0.0 and "tolerance" not in facts
    assert facts["current_rating"][:2] == (1.0, "A")


@pytest.mark.parametrize(
    ("mpn", "ohms", "tolerance"),
    [
        ("0603WAF1002T5E", 10000.0, 1.0),
        ("0603WAJ0103T5E", 10000.0, 5.0),
        ("0603WAF100JT5E", 10.0, 1.0),
        ("0603WAF499JT5E", 49.9, 1.0),
        ("0603WAJ010JT5E", 1.0, 5.0),
        ("0402WGF1003TCE", 100000.0, 1.0),
        ("0201WMF4704TEE", 4.7e6, 1.0),
        ("25121WF120KT4E", 1.2, 1.0),
    ],
)
def test_uniroyal_decodes(mpn: str, ohms: float, tolerance: float) -> None:
    product = _decoded(mpn)
    facts = _facts(product)
    assert product.manufacturer == "UNI-ROYAL(Uniroyal Elec)"
    assert facts["resistance"][0] == pytest.approx(ohms)
    assert facts["tolerance"][0] == tolerance


def test_uniroyal_matches_rc_ratings() -> None:
    uniroyal, yageo = _facts(_decoded("0603WAF1002T5E")), _facts(_decoded("RC0603FR-0710KL"))
    for key in ("resistance", "tolerance", "power", "voltage_rating", "package"):
        assert uniroyal[key] == yageo[key]


def test_samsung_cl_decodes() -> None:
    product = _decoded("CL10B104KB8NNNC")
    facts = _facts(product)
    assert (product.manufacturer, product.category, product.package) == (
        "Samsung Electro-Mechanics",
        MLCC_CATEGORY,
        "0603",
    )
    assert facts["capacitance"][:2] == (pytest.approx(1e-7), "F")
    assert facts["dielectric"][2] == "X7R"
    assert facts["voltage_rating"][:2] == (50.0, "V")
    assert facts["tolerance"][:2] == (10.0, "%")
    assert product.name == "100 nF ±10% 50 V X7R 0603 MLCC"


def test_murata_grm_decodes() -> None:
    product = _decoded("GRM188R71H104KA93D")
    facts = _facts(product)
    assert (product.manufacturer, product.package) == ("Murata Electronics", "0603")
    assert facts["capacitance"][0] == pytest.approx(1e-7)
    assert facts["dielectric"][2] == "X7R"
    assert facts["voltage_rating"][0] == 50.0
    assert "GRM188R71H104KA93#" in product.aliases


@pytest.mark.parametrize(
    ("mpn", "farads", "tolerance", "dielectric"),
    [
        ("GRM1555C1H100JA01D", 10e-12, (5.0, "%"), "C0G"),
        ("CL05C1R0CB5NNNC", 1e-12, (0.25e-12, "F"), "C0G"),
        ("CL05A105KA5NQNC", 1e-6, (10.0, "%"), "X5R"),
        ("GRM31CR61E226KE15L", 22e-6, (10.0, "%"), "X5R"),
    ],
)
def test_mlcc_codes(mpn: str, farads: float, tolerance: tuple[float, str], dielectric: str) -> None:
    facts = _facts(_decoded(mpn))
    assert facts["capacitance"][0] == pytest.approx(farads)
    assert facts["tolerance"][0] == pytest.approx(tolerance[0]) and facts["tolerance"][1] == tolerance[1]
    assert facts["dielectric"][2] == dielectric


@pytest.mark.parametrize(
    "mpn", ["STM32F103C8T6", "RC0603FR-0710K", "RC0604FR-0710KL", "0603W8F1002T5E", "CL10Z104KB8NNNC", ""]
)
def test_not_a_passive(mpn: str) -> None:
    assert decode_passive(mpn) is None


def test_counts_and_uniqueness(products: list[Product]) -> None:
    assert 40_000 <= len(products) <= 70_000
    assert len({p.sku for p in products}) == len(products)
    assert all(p.sku == "GEN-" + p.mpn for p in products)
    by_maker = Counter(p.manufacturer for p in products)
    assert set(by_maker) == {"YAGEO", "UNI-ROYAL(Uniroyal Elec)", "Samsung Electro-Mechanics", "Murata Electronics"}
    assert 3_000 <= by_maker["Samsung Electro-Mechanics"] <= 8_000
    assert 3_000 <= by_maker["Murata Electronics"] <= 8_000


def test_sorted_and_deterministic(products: list[Product]) -> None:
    skus = [p.sku for p in products]
    assert skus == sorted(skus)
    # The generator decodes lazily, so a second run's head costs milliseconds.
    assert list(islice(generate_passives(), 500)) == products[:500]


def test_catalog_holds_the_common_parts(products: list[Product]) -> None:
    mpns = {p.mpn for p in products}
    for mpn in (
        "RC0603FR-0710KL",
        "RC0603FR-074K7L",
        "RC0402JR-0710KL",
        "0603WAF1002T5E",
        "0603WAJ0103T5E",
        "0402WGF0000TCE",
        "CL10B104KB8NNNC",
        "CL05B104KO5NNNC",
        "GRM188R71H104KA93D",
        "GRM1555C1H100JA01D",
    ):
        assert mpn in mpns, mpn


def test_every_e96_and_e24_value_in_every_size(products: list[Product]) -> None:
    expected = set(e_series_values(E96, 1, 1e7)) | set(e_series_values(E24, 1, 1e7))
    assert len(expected) == 7 * (96 + 18) + 1  # the 18 E24 mantissas E96 lacks (1.2, 1.6, 4.7, ...), 1 Ω to 10 MΩ
    for prefix in ("RC0201FR-07", "RC0603FR-07", "RC2512FK-13", "0805W8F"):
        found = {_facts(p)["resistance"][0] for p in products if p.mpn.startswith(prefix)}
        assert found - {0.0} == expected, prefix  # UNI-ROYAL writes its jumper as F0000
    rc_0603_j = {_facts(p)["resistance"][0] for p in products if p.mpn.startswith("RC0603JR-07")}
    assert rc_0603_j == set(e_series_values(E24, 1, 1e7)) | {0.0}


def test_every_product_has_its_category_facts(products: list[Product]) -> None:
    for product in products:
        keys = {a.name for a in product.attributes}
        if product.category == RESISTOR_CATEGORY:
            assert {"resistance", "power", "voltage_rating", "package", "temperature_range"} <= keys
        else:
            assert {"capacitance", "tolerance", "voltage_rating", "dielectric", "package"} <= keys
        assert product.package and product.name and product.description and not product.price_breaks
