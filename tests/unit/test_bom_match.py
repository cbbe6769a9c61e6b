"""BOM line matching: codes, packaging suffixes, alternates, package conflicts, parameters, fasteners, search."""

from __future__ import annotations

import pytest

from knowledge.bom_match import BomMatcher, LineMatch, footprint_package
from knowledge.catalog import CatalogStore
from knowledge.models import Attribute, BomLine, PriceBreak, Product
from knowledge.search import SearchEngine
from tests.conftest import fixture_products


def _mlcc(sku: str, mpn: str, farads: float, package: str, volts: float, dielectric: str, stock: int) -> Product:
    return Product(
        sku=sku,
        mpn=mpn,
        manufacturer="Samsung Electro-Mechanics",
        category="Capacitors / Multilayer Ceramic Capacitors MLCC - SMD/SMT",
        name=f"{mpn} MLCC",
        package=package,
        attributes=(
            Attribute("capacitance", "cap", farads, "F"),
            Attribute("voltage_rating", f"{volts:g}V", volts, "V"),
            Attribute("dielectric", dielectric),
            Attribute("tolerance", "±10%", 10, "%"),
        ),
        price_breaks=(PriceBreak(1, 0.002),),
        stock=stock,
    )


def _screw(sku: str, standard: str, category: str, thread: str, length: float, material: str, price: float) -> Product:
    return Product(
        sku=sku,
        mpn=f"{standard} {thread}×{length:g} {material}",
        manufacturer="Brandstation standard range",
        category=f"Fasteners / {category}",
        name=f"{standard} {thread}×{length:g} {material}",
        attributes=(
            Attribute("thread", thread),
            Attribute("length", f"{length:g}", length, "mm"),
            Attribute("material", material),
            Attribute("standard", standard),
        ),
        price_breaks=(PriceBreak(1, price),),
        stock=1000,
    )


@pytest.fixture
def matcher() -> BomMatcher:
    store = CatalogStore(":memory:")
    store.create()
    store.add(
        [
            *fixture_products(),
            _mlcc("C14663", "CC0603KRX7R9BB104", 1e-7, "0603", 50, "X7R", 44_000_000),
            _mlcc("C1591", "CL10B104KB8NNNC", 1e-7, "0603", 50, "X7R", 6_000_000),
            _mlcc("C24497", "CL31B104KBCNNNC", 1e-7, "1206", 50, "X7R", 900_000),
            _mlcc("C1525", "CL05B104KO5NNNC", 1e-7, "0402", 16, "X7R", 10_000_000),
            _mlcc("C307331", "CL05A104KA5NNNC", 1e-7, "0402", 25, "X5R", 5_000_000),
            _screw("SHCS-M3X8-A2", "ISO 4762", "Socket head cap screws", "M3", 8, "A2-70 stainless", 0.05),
            _screw("SHCS-M3X8-88", "ISO 4762", "Socket head cap screws", "M3", 8, "steel 8.8 zinc plated", 0.02),
            _screw("BHCS-M3X8-88", "ISO 7380", "Button head screws", "M3", 8, "steel 8.8 zinc plated", 0.03),
        ]
    )
    return BomMatcher(SearchEngine(store))


def line(**fields: object) -> BomLine:
    base: dict[str, object] = dict(
        line=5, sheet="", designators=("R1",), quantity=2.0, quantity_text="2", mpn="", manufacturer="",
        value="", package="", description="", supplier_code="",
    )  # fmt: skip
    base.update(fields)
    return BomLine(**base)  # type: ignore[arg-type]


def test_supplier_code_and_mpn_that_agree_are_exact_with_full_confidence(matcher: BomMatcher) -> None:
    m = matcher.match(line(mpn="0603WAF1002T5E", supplier_code="C25804", package="R0603"))
    assert (m.status, m.confidence, m.product and m.product.sku) == ("exact", 1.0, "C25804")


def test_codes_naming_two_different_parts_are_a_decision_not_a_match(matcher: BomMatcher) -> None:
    m = matcher.match(line(mpn="0603WAF4701T5E", supplier_code="C25804"))
    assert m.status == "ambiguous" and m.product is None
    assert {c.product.sku for c in m.candidates} == {"C25804", "C25905"}
    assert "C25804" in m.note and "0603WAF4701T5E" in m.note


def test_packaging_suffix_is_ignored_but_said(matcher: BomMatcher) -> None:
    m = matcher.match(line(mpn="CL10B104KB8NNNC-TR", designators=("C1",)))
    assert m.status == "exact" and m.product is not None and m.product.sku == "C1591"
    assert m.confidence < 0.97 and "packaging suffix" in m.note


def test_similar_mpn_is_only_a_candidate(matcher: BomMatcher) -> None:
    m = matcher.match(line(mpn="CL10B104KB8WPNC", designators=("C1",), package="C0603"))  # another grade letter
    assert m.status != "exact"
    assert "C1591" in [c.product.sku for c in m.candidates] + [m.product.sku if m.product else ""]


def test_a_code_that_reads_the_same_but_for_the_packaging_letter_is_that_part(matcher: BomMatcher) -> None:
    m = matcher.match(line(mpn="CL10B104KB8NNNE", designators=("C1",), package="C0603"))  # E: 13" reel, C: 7"
    assert (m.status, m.product and m.product.sku) == ("exact", "C1591")
    assert m.confidence < 0.97 and "packaging letters" in m.note


def test_buyers_approved_alternate_is_honoured(matcher: BomMatcher) -> None:
    m = matcher.match(line(mpn="XYZ-NOT-LISTED-1", alternates=("ABC-NOPE", "RC0402FR-0710KL")))
    assert m.status == "exact" and m.product is not None and m.product.mpn == "RC0402FR-0710KL"
    assert "alternate 2" in m.note


def test_mpn_whose_package_contradicts_the_footprint_is_not_exact(matcher: BomMatcher) -> None:
    # A 1206 capacitor on a 0603 pad: the classic BOM-tool failure. The buyer decides, with a fitting part offered.
    m = matcher.match(line(mpn="CL31B104KBCNNNC", designators=("C4",), value="100nF", package="C0603"))
    assert m.status == "ambiguous"
    skus = [c.product.sku for c in m.candidates]
    assert skus[0] == "C24497" and any(s in skus for s in ("C14663", "C1591"))
    assert "1206" in m.note and "0603" in m.note


def test_value_and_footprint_match_by_parameters_and_prefer_stock(matcher: BomMatcher) -> None:
    m = matcher.match(line(value="10k", package="R_0603_1608Metric"))
    assert m.status == "parametric" and m.product is not None
    assert m.product.sku == "C25804"  # the other 10k 0603 (GEN-RC0603FR-0710KL) has no stock
    assert 0.6 <= m.confidence < 0.97


def test_stated_ratings_are_hard_requirements(matcher: BomMatcher) -> None:
    m = matcher.match(line(value="100nF 16V X7R", package="0402", designators=("C2",)))
    assert m.status == "parametric" and m.product is not None and m.product.sku == "C1525"
    # 25 V and X7R: the 0402 parts are 16 V X7R and 25 V X5R, so neither qualifies: the buyer decides.
    m = matcher.match(line(value="100nF 25V X7R", package="0402", designators=("C2",)))
    assert m.status == "ambiguous" and m.product is None
    assert {c.product.sku for c in m.candidates} == {"C1525", "C307331"}
    assert "no part meets every stated value" in m.note


def test_value_without_package_never_matches(matcher: BomMatcher) -> None:
    m = matcher.match(line(value="100nF", designators=("C9",)))
    assert m.status == "ambiguous" and m.product is None
    packages = {c.product.package for c in m.candidates}
    assert {"0402", "0603", "1206"} <= packages
    assert "package" in m.note


def test_bare_number_on_a_resistor_designator_is_ohms(matcher: BomMatcher) -> None:
    m = matcher.match(line(value="4700", package="R0603"))
    assert m.status == "parametric" and m.product is not None and m.product.sku == "C25905"


def test_screw_with_type_and_material_matches_by_parameters(matcher: BomMatcher) -> None:
    m = matcher.match(line(designators=(), description="M3x8 ISO 4762 A2"))
    assert m.status == "parametric" and m.product is not None and m.product.sku == "SHCS-M3X8-A2"


def test_screw_without_type_asks_which_type(matcher: BomMatcher) -> None:
    m = matcher.match(line(designators=(), description="M3x8螺丝"))
    assert m.status == "ambiguous"
    assert {c.product.category for c in m.candidates} == {
        "Fasteners / Socket head cap screws",
        "Fasteners / Button head screws",
    }


def test_board_features_are_not_parts(matcher: BomMatcher) -> None:
    m = matcher.match(line(designators=("H1",), value="MountingHole_3.2mm_M3", package="MountingHole_3.2mm_M3"))
    assert m.status == "not_found" and "board feature" in m.note


def test_unknown_part_number_is_not_found_and_says_so(matcher: BomMatcher) -> None:
    m = matcher.match(line(mpn="QQZ9000-XYZ", designators=("U7",)))
    assert m.status == "not_found" and m.product is None and "QQZ9000-XYZ" in m.note


def test_empty_line_is_not_found(matcher: BomMatcher) -> None:
    assert matcher.match(line(designators=())).status == "not_found"


def test_repeated_lines_reuse_the_match_but_keep_their_own_line(matcher: BomMatcher) -> None:
    a, b = matcher.match_all([line(line=3, value="10k", package="0603"), line(line=9, value="10k", package="0603")])
    assert (a.line.line, b.line.line) == (3, 9) and a.product == b.product


def test_line_match_refuses_inconsistent_states() -> None:
    with pytest.raises(ValueError):
        LineMatch(line(), "exact", 1.0, None)
    with pytest.raises(ValueError):
        LineMatch(line(), "weird", 1.0, None)


@pytest.mark.parametrize(
    ("text", "package"),
    [
        ("C0603", "0603"),
        ("R0805", "0805"),
        ("LED0603-R-RD_BLUE", "0603"),
        ("R_0603_1608Metric", "0603"),
        ("RESC1608X55N", "0603"),
        ("CAPC1005X55N", "0402"),
        ("SOIC-16_L9.9-W3.9-P1.27", "SOIC-16"),
        ("CONN-TH_B3B", None),
        ("", None),
    ],
)
def test_footprint_package(text: str, package: str | None) -> None:
    assert footprint_package(text) == package
