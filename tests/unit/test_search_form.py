"""What a buyer's words state about a part's form is a hard filter too (issue 17): a header's rows, pins, pitch
and orientation, a crystal's size and can, mounting words, an LED's colour; and a rating is a minimum (a 2 W
resistor serves '1W', ranked after the exact one). Found on real BOM lines (bench/search_eval.py): 'CONN HEADER
.100 SNGL STR 12POS' was shown a 2x5 1.27 mm header, '12MHz 49S直插' an SMD can, '3225 crystal' a 5032 one."""

from __future__ import annotations

import pytest

from knowledge.catalog import CatalogStore
from knowledge.footprints import contradiction, form_of_listing, form_of_text
from knowledge.models import Attribute, Product
from knowledge.search import SearchEngine, parse_parameters
from tests.conftest import engine_over


@pytest.mark.parametrize(
    ("text", "kind", "rows", "pins", "pitch", "mounting", "orientation"),
    [
        ("CONN HEADER .100 SNGL STR 12POS", "header", 1, 12, 2.54, "", "vertical"),
        ("TMM-103-01-G-S RTC pin header 1x03 pitch 2mm through hole", "header", 1, 3, 2.0, "THT", ""),
        ("DW254W-22-12-85 6X2 Female Header PMOD_2x06_P2.54mm_Horizontal", "socket", 2, 12, 2.54, "", "right_angle"),
        ("2x5 排针 2.54", "header", 2, 10, 2.54, "", ""),
        ("排母 单排 40P 2.0mm 贴片", "socket", 1, 40, 2.0, "SMD", ""),
        ("Pin header 2x20 100 pcs", "header", 2, 40, None, "", ""),  # 100 pcs is no pitch
        ("Molex-Microfit-2", "connector", None, None, 3.0, "", ""),  # a series that fixes the pitch
        ("ScrewTerminal_1x3 1935174", "connector", 1, 3, None, "", ""),
    ],
)
def test_a_header_stated_in_words(
    text: str, kind: str, rows: int | None, pins: int | None, pitch: float | None, mounting: str, orientation: str
) -> None:
    form = form_of_text(text)
    assert form is not None
    assert (form.kind, form.rows, form.pins, form.pitch_mm, form.mounting, form.orientation) == (
        kind, rows, pins, pitch, mounting, orientation,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "body", "pins", "mounting"),
    [
        ("3225-8.00-12-10-10/A 8MHz crystal SMD", (3.2, 2.5), None, "SMD"),
        ("32.768kHz 2.0x1.2x0.6 Crystal 12.5pF", (2.0, 1.2), None, "SMD"),
        ("12MHz 49S直插无源晶振", (), 2, "THT"),
        ("16MHz crystal 3225 4P", (3.2, 2.5), 4, "SMD"),
    ],
)
def test_a_crystal_stated_in_words(text: str, body: tuple[float, ...], pins: int | None, mounting: str) -> None:
    form = form_of_text(text)
    assert form is not None and form.kind == "crystal"
    assert (form.body_mm, form.pins, form.mounting) == (body, pins, mounting)


def test_words_that_state_no_form() -> None:
    assert form_of_text("100nF 0603 X7R") is None
    assert form_of_text("SMD/THT mixed 10k") is None  # both ways: neither
    assert form_of_text("M3x10 socket head cap screw") is None  # a socket head is no pin socket
    assert form_of_text("x" * 3000) is None


def _listing(package: str, category: str, **attrs: tuple[str, float | None]) -> Product:
    return Product(
        sku=package, mpn="X", manufacturer="M", category=category, name="x", package=package,
        attributes=tuple(Attribute(k, raw, v, "") for k, (raw, v) in attrs.items()),
    )  # fmt: skip


def test_a_listing_states_its_form_in_attributes_and_contradicts_the_words() -> None:
    two_by_five = form_of_listing(
        "插件,P=2.54mm", "Connectors / Pin Headers", {"pin_structure": ("2x5P", None), "number_of_rows": ("2", 2.0)}
    )
    assert two_by_five is not None and (two_by_five.rows, two_by_five.pins, two_by_five.pitch_mm) == (2, 10, 2.54)
    assert "pins" in contradiction(form_of_text("CONN HEADER .100 SNGL STR 12POS"), two_by_five)
    two_by_six = form_of_listing("插件,P=2.54mm", "Connectors / Pin Headers", {"holes_structure": ("2x6P", None)})
    assert "rows" in contradiction(form_of_text("CONN HEADER .100 SNGL STR 12POS"), two_by_six)
    assert contradiction(form_of_text("2x5 排针 2.54"), two_by_five) == ""
    bent = form_of_listing("弯插,P=2.54mm", "Connectors / Pin Headers", {"pin_structure": ("1x12P", None)})
    assert "right angle" in contradiction(form_of_text("CONN HEADER .100 SNGL STR 12POS"), bent)
    female = form_of_listing("插件,P=2.54mm", "Connectors / Female Headers", {"holes_structure": ("1x4P", None)})
    assert "female part" in contradiction(form_of_text("2.54-1*4P反弯排针"), female)
    can = form_of_listing("HC-49S-SMD", "Crystals", {})
    assert "SMD" in contradiction(form_of_text("12MHz 49S直插无源晶振"), can)
    big = form_of_listing("SMD5032-2P", "Crystals", {})
    assert "5×3.2" in contradiction(form_of_text("8MHz crystal 3225"), big)
    assert contradiction(form_of_text("8MHz crystal 3225"), form_of_listing("SMD3225-4P", "Crystals", {})) == ""


@pytest.fixture
def engine() -> SearchEngine:
    def part(sku: str, category: str, package: str, **attrs: tuple[str, float | None, str]) -> Product:
        return Product(
            sku=sku, mpn=f"MPN-{sku}", manufacturer="Maker", category=category, name=f"{sku} {category}",
            package=package, stock=100, attributes=tuple(Attribute(k, raw, v, u) for k, (raw, v, u) in attrs.items()),
        )  # fmt: skip

    header = "Connectors / Pin Headers"
    store = CatalogStore(":memory:")
    store.create()
    store.add(
        [
            part("H-1x12", header, "插件,P=2.54mm", pin_structure=("1x12P", None, ""), pitch=("2.54mm", 2.54, "mm")),
            part("H-1x12-RA", header, "弯插,P=2.54mm", pin_structure=("1x12P", None, ""), pitch=("2.54mm", 2.54, "mm")),
            part("H-2x6", header, "插件,P=2.54mm", pin_structure=("2x6P", None, ""), pitch=("2.54mm", 2.54, "mm")),
            part("H-2x5-127", header, "PinHeader_2x5_P1.27mm", pitch=("1.27mm", 1.27, "mm")),
            part("LED-BLUE", "Optoelectronics / LED Indication - Discrete", "0603", color=("Blue", None, "")),
            part("LED-RED", "Optoelectronics / LED Indication - Discrete", "0603", color=("Red", None, "")),
            part("R39-1W", "Resistors / Through Hole Resistors", "Axial", resistance=("39Ω", 39.0, "Ω"),
                 power=("1W", 1.0, "W")),
            part("R39-2W", "Resistors / Through Hole Resistors", "Axial", resistance=("39Ω", 39.0, "Ω"),
                 power=("2W", 2.0, "W")),
            part("R39-QW", "Resistors / Through Hole Resistors", "Axial", resistance=("39Ω", 39.0, "Ω"),
                 power=("0.25W", 0.25, "W")),
        ]
    )  # fmt: skip
    return engine_over(store)


def _found(engine: SearchEngine, query: str) -> list[str]:
    return [h.product.sku for h in engine.search(query, k=10)]


def test_search_shows_no_header_the_words_rule_out(engine: SearchEngine) -> None:
    found = _found(engine, "CONN HEADER .100 SNGL STR 12POS")
    assert found[:1] == ["H-1x12"] and not {"H-1x12-RA", "H-2x6", "H-2x5-127"} & set(found), found
    assert _found(engine, "6X2 Female Header 2.54mm")[:1] == ["H-2x6"]


def test_search_shows_no_led_of_another_colour(engine: SearchEngine) -> None:
    found = _found(engine, "BLUE 0603 LED")
    assert "LED-BLUE" in found and "LED-RED" not in found


def test_a_rating_is_a_minimum_and_the_exact_one_comes_first(engine: SearchEngine) -> None:
    found = _found(engine, "RES 39 OHM 1W 5% AXIAL")
    assert found[:2] == ["R39-1W", "R39-2W"] and "R39-QW" not in found, found
    assert parse_parameters("39 ohm 1W resistor").quantities[-1] == ("power", 1.0, "W")
