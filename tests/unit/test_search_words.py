"""What real BOM lines state, read as their writers meant it (issue 17, session 10; bench/search_eval.py): the tail
of a part number is no value ('KT-0805R' is no 805 Ω, 'GH1.25-3P' no 3 pF), a range is no value a part must equal,
a crystal's land pattern names the kind and makes a bare '24M' its frequency, JST-style series and IPC receptacle
names are connectors with their pins and pitch, a tact switch's '3x4x2' is its body (no bearing), a chip size in
millimetres is its inch code, a resistor's ppm is its drift, a resettable fuse's current is its hold current, and a
value that says what a part is ranks that kind first."""

from __future__ import annotations

import pytest

from knowledge.catalog import CatalogStore
from knowledge.footprints import form_of_text, kind_of_text, parse_footprint
from knowledge.models import Attribute, Product
from knowledge.search import SearchEngine, parse_parameters
from knowledge.units import extract_quantities
from tests.conftest import engine_over


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("KT-0805R 0805 Red", []),  # an LED's part number, no 805 Ω
        ("GH1.25-3P", []),  # three pins
        ("XH-2P", []),
        ("100P 0603", [("capacitance", 1e-10, "F")]),  # alone, 100P is 100 pF
        ("0603-10K", [("resistance", 10000.0, "Ω")]),  # a value after a size code still counts
        ("10uF-16V", [("capacitance", 1e-05, "F"), ("voltage_rating", 16.0, "V")]),
        ("1.9V~2.3V", []),  # a typical forward-voltage range
        ("3.0 ~ 3.6V 100mA", [("current_rating", 0.1, "A")]),
        ("2pF ± 0.1pF", [("capacitance", 2e-12, "F")]),  # a spaced ± is a tolerance too
    ],
)
def test_values_in_codes_and_ranges(text: str, values: list[tuple[str, float, str]]) -> None:
    assert extract_quantities(text) == values


def test_a_crystal_land_pattern_names_the_kind_and_its_size() -> None:
    params = parse_parameters("JF4024M00009T8188070 24M SMD3225-4P")
    assert params.kind == "crystal" and params.quantities == (("frequency", 24e6, "Hz"),)
    params = parse_parameters("XL7EL89COI-111YLC-27M SMD2016-4P")
    assert params.form is not None and params.form.body_mm == (2.0, 1.6) and params.form.pins == 4


@pytest.mark.parametrize(
    ("text", "pins", "pitch"),
    [("GH1.25-3P connector SMD", 3, 1.25), ("PH2.0-2P", 2, 2.0), ("XH-2A", None, 2.5), ("VH3.96-5P", 5, 3.96)],
)
def test_jst_style_series_are_connectors(text: str, pins: int | None, pitch: float) -> None:
    form = form_of_text(text)
    assert form is not None and form.kind == "connector" and form.pins == pins and form.pitch_mm == pitch


def test_ipc_receptacle_names_and_gendered_grids() -> None:
    socket = parse_footprint("RHDRV4W80P254_4X1_1066X250H875_AP1")
    assert socket is not None and (socket.kind, socket.rows, socket.pins, socket.pitch_mm) == ("socket", 1, 4, 2.54)
    form = form_of_text("HRD-2x3-2.54-MALE")
    assert form is not None and (form.kind, form.rows, form.pins, form.pitch_mm) == ("header", 2, 6, 2.54)
    assert form_of_text("pH 7 buffer") is None


def test_a_tact_switch_size_is_its_body_not_a_bearing() -> None:
    params = parse_parameters("TACT 2P ButtonTACT_3x4x2_180H Button")
    assert params.quantities == ()  # no 2 pF, no bore / outer diameter / width
    assert params.form is not None and params.form.kind == "switch" and params.form.body_mm == (3.0, 4.0)
    assert kind_of_text("3x4x2.5mm 贴片 两脚 轻触按键") == "switch"


@pytest.mark.parametrize(
    ("text", "package"),
    [("Fixed Inductors 3.3uH 2MHz 20% 2012", "0805"), ("68uH 2520-L 磁珠", "1008"), ("3216 resetable fuse 0.5A", "1206"),
     ("12MHz,30ppm,20pf 3225", None), ("Tantalum B case 68uF/10V", "CASE-B"), ("100uF in a case 0805", "0805")],
)  # fmt: skip
def test_chip_sizes_in_millimetres_and_tantalum_cases(text: str, package: str | None) -> None:
    assert parse_parameters(text).package == package


def test_a_resistor_s_ppm_is_its_drift_and_a_jumper_is_zero_ohm() -> None:
    keys = [k for k, _, _ in parse_parameters("Thin Film Resistors - SMD 20K ohm 0.1% 25 ppm").quantities]
    assert keys == ["resistance", "tolerance", "temperature_coefficient"]
    assert ("resistance", 0.0, "Ω") in parse_parameters("跳线 0402 Resistor").quantities


def _part(sku: str, category: str, package: str = "", **attrs: tuple[str, float | None, str]) -> Product:
    return Product(
        sku=sku, mpn=f"MPN-{sku}", manufacturer="Maker", category=category, name=f"{sku}", package=package,
        stock=100, attributes=tuple(Attribute(k, raw, v, u) for k, (raw, v, u) in attrs.items()),
    )  # fmt: skip


@pytest.fixture
def engine() -> SearchEngine:
    store = CatalogStore(":memory:")
    store.create()
    store.add(
        [
            _part("PTC-035", "Circuit Protection / Resettable Fuses", "0603", hold_current=("350mA", 0.35, "A"),
                  current_rating=("40A", 40.0, "A")),
            _part("PTC-020", "Circuit Protection / Resettable Fuses", "0603", hold_current=("20mA", 0.02, "A"),
                  current_rating=("20A", 20.0, "A")),
            _part("FUSE-500", "Circuit Protection / Fuses", "1206", current_rating=("500mA", 0.5, "A")),
            _part("PTC-500", "Circuit Protection / Resettable Fuses", "1206", hold_current=("500mA", 0.5, "A")),
            _part("RES-100K-OTHER", "Others / Others", "0402", resistance=("100kΩ", 1e5, "Ω")),
            _part("RES-100K", "Resistors / Chip Resistor - Surface Mount", "0402", resistance=("100kΩ", 1e5, "Ω")),
            _part("OSC-16M", "Crystals/Oscillators/Resonators / Oscillators", "SMD3225-4P",
                  frequency=("16MHz", 16e6, "Hz"), voltage_supply=("3.3V", 3.3, "V")),
            _part("XTAL-16M", "Crystals/Oscillators/Resonators / Crystals", "SMD3225-4P",
                  frequency=("16MHz", 16e6, "Hz")),
            _part("TACT-3X2", "Switches / Tactile Switches", "SMD,3x2mm"),
            _part("TACT-4X3", "Switches / Tactile Switches", "SMD,4x3mm"),
        ]
    )  # fmt: skip
    return engine_over(store)


def _found(engine: SearchEngine, query: str) -> list[str]:
    return [h.product.sku for h in engine.search(query, k=10)]


def test_a_resettable_fuse_current_is_its_hold_current(engine: SearchEngine) -> None:
    assert _found(engine, "0603 PTC RESET FUSE 6V 350MA") == ["PTC-035"]
    assert _found(engine, "3216 resetable fuse 0.5A")[0] == "PTC-500"  # resettable first, the one-shot fuse after


def test_a_value_ranks_its_kind_first_and_a_bare_frequency_a_crystal(engine: SearchEngine) -> None:
    assert _found(engine, "100k 0402")[0] == "RES-100K"
    assert _found(engine, "16MHz 3225")[0] == "XTAL-16M"
    assert _found(engine, "16MHz 3.3V oscillator 3225")[0] == "OSC-16M"


def test_a_tact_switch_of_another_size_is_not_shown(engine: SearchEngine) -> None:
    found = _found(engine, "TACT 3x4x2.5mm SMD tact switch")
    assert "TACT-4X3" in found and "TACT-3X2" not in found


def test_footprint_cells_and_chinese_pin_counts() -> None:
    """Fourth held-out set: '805' is a footprint cell that lost its zero, Altium's 'CD A(3216)' a tantalum case A,
    '14P底座' / 'KF2510直针2P' count pins ('22P电容' stays 22 pF)."""
    assert parse_footprint("805") is not None and parse_footprint("805").package == "0805"  # type: ignore[union-attr]
    case = parse_footprint("CD A(3216)")
    assert case is not None and (case.package, case.kind) == ("CASE-A", "polarized_capacitor")
    assert extract_quantities("14P底座") == extract_quantities("KF2510直针2P") == []
    assert extract_quantities("22P电容") == [("capacitance", 2.2e-11, "F")]


def test_what_the_fourth_held_out_set_writes() -> None:
    """An LCSC description's '91K F N' is 91 kΩ with its tolerance letter (no 91 kF); 'TRIMPOT-3386P' a series
    number (no 3.386 nF); '4u7 … inductor' 4.7 µH; an inductor's '5mΩ' its DC resistance (a maximum); a land
    pattern 'RES_SMD_0805_2012_M' names a resistor, so '330' beside it is 330 Ω; '5mm spacing' is a pitch."""
    assert [k for k, _, _ in extract_quantities("RMC 0603 91K F N")] == ["resistance"]
    assert extract_quantities("10K TRIMPOT-3386P") == [("resistance", 10000.0, "Ω")]
    assert extract_quantities("RES-4K99") == [("resistance", 4990.0, "Ω")]
    assert parse_parameters("TYS80404R7N-10 4u7 8 x 4 x 8mm inductor").quantities == (("inductance", 4.7e-06, "H"),)
    assert ("dc_resistance", 0.005, "Ω") in parse_parameters("0603 700mA 2.2nH ±2% 5mΩ Inductors (SMD)").quantities
    params = parse_parameters("330 RES_SMD_0805_2012_M")
    assert params.kind == "resistor" and params.quantities == (("resistance", 330.0, "Ω"),)
    assert ("pitch", 5.0, "mm") in parse_parameters("2 position 5mm spacing phoenix terminal block").quantities


def test_a_strangers_review_of_these_rules() -> None:
    """Session 10's review: 插件 (through-hole) counts no pins, a dielectric or size code before '-22P' keeps it a
    capacitance, JST's 'XH-2A' is no 2 A rating, an NTC's B constant is no resistance, a gender and a grid without a
    header pitch name no header, a button head screw is no switch, a tantalum's '3216' and a count '2012 个' are no
    chip size, and a case letter must agree with its size."""
    assert extract_quantities("插件瓷片电容 33P 50V") == [("capacitance", 3.3e-11, "F"), ("voltage_rating", 50.0, "V")]
    assert extract_quantities("NP0-22P") == extract_quantities("0603-22P") == [("capacitance", 2.2e-11, "F")]
    assert parse_parameters("XH-2A 直针").quantities == (("pitch", 2.5, "mm"),)
    assert parse_parameters("热敏电阻 10K B值3950K").quantities == (("resistance", 10000.0, "Ω"),)
    assert parse_parameters("NTC 10K 3950K").kind == "thermistor"
    assert form_of_text("RJ45 female 1x2 ganged") is None
    assert parse_parameters("button head screw M4x10").kind == ""
    assert parse_parameters("4.7uF CD A(3216) 贴片钽电容").package is None
    assert parse_parameters("10k 电阻 2012 个").package is None
    assert parse_footprint("C(3216)") is None
