"""Engineering values both ways: every spelling the catalog, BOMs and buyers use."""

from __future__ import annotations

import pytest

from knowledge.errors import UnitError
from knowledge.units import (
    E24,
    E96,
    PACKAGE_CODES,
    BearingDesignation,
    ThreadSize,
    canonical_unit,
    coarse_pitch,
    e_series_values,
    eia_code,
    extract_package,
    extract_quantities,
    format_quantity,
    format_range,
    parse_bearing_designation,
    parse_quantity,
    parse_range,
    parse_thread,
    same_quantity,
)


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("10k", "Ω", (10000.0, "Ω")),
        ("10kΩ", None, (10000.0, "Ω")),
        ("10K ohm", None, (10000.0, "Ω")),
        ("10000 ohm", None, (10000.0, "Ω")),
        ("10KOhms", None, (10000.0, "Ω")),
        ("4k7", None, (4700.0, "Ω")),
        ("4R7", None, (4.7, "Ω")),
        ("R47", None, (0.47, "Ω")),
        ("0R", None, (0.0, "Ω")),
        ("100R", None, (100.0, "Ω")),
        ("1M", "Ω", (1e6, "Ω")),
        ("1m", "Ω", (1e-3, "Ω")),
        ("10mΩ", None, (0.01, "Ω")),
        ("1MΩ", None, (1e6, "Ω")),
        ("2M2", None, (2.2e6, "Ω")),
        ("10 千欧", None, (10000.0, "Ω")),
        ("0.1uF", None, (1e-7, "F")),
        ("100nF", None, (1e-7, "F")),
        ("100n", "F", (1e-7, "F")),
        ("100N", "F", (1e-7, "F")),
        ("0.1µF", None, (1e-7, "F")),
        ("0.1μF", None, (1e-7, "F")),
        ("0.1UF", None, (1e-7, "F")),
        ("2n2", None, (2.2e-9, "F")),
        ("10pF", None, (1e-11, "F")),
        ("4.7uH", None, (4.7e-6, "H")),
        ("1/4W", None, (0.25, "W")),
        ("1/16 W", None, (0.0625, "W")),
        ("100mW", None, (0.1, "W")),
        ("0.1W", None, (0.1, "W")),
        ("±1%", None, (1.0, "%")),
        ("±100ppm/℃", None, (100.0, "ppm/°C")),
        ("±20ppm", None, (20.0, "ppm")),
        ("8.0000MHZ", None, (8e6, "Hz")),
        ("8MHz", None, (8e6, "Hz")),
        ("8mhz", None, (8e6, "Hz")),
        ("32.768kHz", None, (32768.0, "Hz")),
        ("50V", None, (50.0, "V")),
        ("3.3V", None, (3.3, "V")),
        ("2A", None, (2.0, "A")),
        ("500mA", None, (0.5, "A")),
        ("1mA", None, (0.001, "A")),
        ("500MA", None, (0.5, "A")),  # all-caps BOM line: milliamps
        ("25 mm", None, (25.0, "mm")),
        ("25mm", None, (25.0, "mm")),
        ("14.8 kN", None, (14.8, "kN")),
        ("14800 N", "kN", (14.8, "kN")),
        ("30000 r/min", None, (30000.0, "r/min")),
        ("30000rpm", None, (30000.0, "r/min")),
        ("30,000 r/min", None, (30000.0, "r/min")),
        ("0.19 kg", None, (0.19, "kg")),
        ("15°", None, (15.0, "°")),
        ("-55℃", None, (-55.0, "°C")),
        ("１０ｋΩ", None, (10000.0, "Ω")),  # fullwidth digits from Chinese input methods
    ],
)
def test_parse_quantity(text: str, unit: str | None, expected: tuple[float, str]) -> None:
    value, found = parse_quantity(text, unit)
    assert found == expected[1]
    assert value == pytest.approx(expected[0], rel=1e-12, abs=0.0)


def test_equal_spellings_give_the_identical_float() -> None:
    # Decimal arithmetic: no 1.0000000000000001e-07 next to 1e-07.
    spellings = [("0.1uF", None), ("100nF", None), ("100n", "F"), ("0.1µF", None), ("0.1μF", None)]
    assert {parse_quantity(text, unit)[0] for text, unit in spellings} == {1e-7}


@pytest.mark.parametrize(
    ("text", "unit"),
    [("abc", None), ("10 parsecs", None), ("", None), ("10k", None), ("10V", "Ω"), ("5 kmm", None), ("1/0W", None)],
)
def test_parse_quantity_rejects(text: str, unit: str | None) -> None:
    with pytest.raises(UnitError) as info:
        parse_quantity(text, unit)
    assert info.value.text == text


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [("100", "pF", 1e-10), ("4.7", "kΩ", 4700.0), ("100nF", "pF", 1e-7), ("2", "MΩ", 2e6), ("500", "mA", 0.5)],
)
def test_prefixed_unit_hint_scales_plain_numbers(text: str, unit: str, expected: float) -> None:
    assert parse_quantity(text, unit)[0] == pytest.approx(expected, rel=1e-12)


def test_unknown_unit_hint_is_an_error() -> None:
    with pytest.raises(UnitError):
        parse_quantity("10", "furlong")


@pytest.mark.parametrize(
    ("unit", "expected"), [("ohm", "Ω"), ("Ω", "Ω"), ("rpm", "r/min"), ("℃", "°C"), ("kN", "kN"), ("N", "N")]
)
def test_canonical_unit(unit: str, expected: str) -> None:
    assert canonical_unit(unit) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-55℃~+155℃", (-55.0, 155.0, "°C")),
        ("2.7V~5.5V", (2.7, 5.5, "V")),
        ("-40 to 85 °C", (-40.0, 85.0, "°C")),
        ("-40-85℃", (-40.0, 85.0, "°C")),
        ("2.7~5.5V", (2.7, 5.5, "V")),
        ("-40℃ ～ +125℃", (-40.0, 125.0, "°C")),
        ("1.8V – 3.6V", (1.8, 3.6, "V")),
        ("100mA~2A", (0.1, 2.0, "A")),
    ],
)
def test_parse_range(text: str, expected: tuple[float, float, str]) -> None:
    low, high, unit = parse_range(text)
    assert (low, high, unit) == (pytest.approx(expected[0]), pytest.approx(expected[1]), expected[2])


@pytest.mark.parametrize("text", ["abc", "-40 to 85", "10V"])
def test_parse_range_rejects(text: str) -> None:
    with pytest.raises(UnitError):
        parse_range(text)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1e4, "Ω", "10 kΩ"),
        (1e-7, "F", "100 nF"),
        (4700, "Ω", "4.7 kΩ"),
        (49900, "Ω", "49.9 kΩ"),
        (8e6, "Hz", "8 MHz"),
        (25, "mm", "25 mm"),
        (30000, "r/min", "30,000 r/min"),
        (12345, "r/min", "12,345 r/min"),  # unprefixed integers are never rounded
        (0.25, "W", "0.25 W"),
        (0.0625, "W", "0.0625 W"),
        (1.0, "%", "1 %"),
        (1e-5, "F", "10 µF"),
        (5e-13, "F", "0.5 pF"),
        (0.5, "A", "500 mA"),
        (999_960, "Ω", "1 MΩ"),  # rounding up crosses into the next prefix
        (1 / 3, "W", "0.3333 W"),
        (-55, "°C", "-55 °C"),
        (15, "°", "15°"),
        (100, "ppm/°C", "100 ppm/°C"),
        (14.8, "kN", "14.8 kN"),
        (0, "Ω", "0 Ω"),
    ],
)
def test_format_quantity(value: float, unit: str, expected: str) -> None:
    assert format_quantity(value, unit) == expected


def test_format_then_parse_round_trips() -> None:
    for value in e_series_values(E96, 1, 1e7):
        assert parse_quantity(format_quantity(value, "Ω"))[0] == pytest.approx(value, rel=1e-12)


def test_format_range() -> None:
    assert format_range(-55, 155, "°C") == "-55 °C to +155 °C"
    assert format_range(2.7, 5.5, "V") == "2.7 V to 5.5 V"


@pytest.mark.parametrize(
    ("a", "b", "unit", "expected"),
    [
        ("10k", "10kΩ", None, True),
        ("10kΩ", "10000 ohm", None, True),
        ("10k", "10000 ohm", None, True),
        ("0.1uF", "100n", None, True),
        ("14.8 kN", "14800 N", None, True),
        ("10k", "1k", "Ω", False),
        ("10kΩ", "10kHz", None, False),
        ("10k", "10kHz", None, True),  # a bare side borrows the other side's unit
        ("10k", "garbage", None, False),
    ],
)
def test_same_quantity(a: str, b: str, unit: str | None, expected: bool) -> None:
    assert same_quantity(a, b, unit) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M3x20", ThreadSize("M3", 3.0, None, 20.0)),
        ("M3*20", ThreadSize("M3", 3.0, None, 20.0)),
        ("M3×20", ThreadSize("M3", 3.0, None, 20.0)),
        ("M3-0.5x20", ThreadSize("M3", 3.0, 0.5, 20.0)),
        ("M4 x 12", ThreadSize("M4", 4.0, None, 12.0)),
        ("m6", ThreadSize("M6", 6.0, None, None)),
        ("M1.6*4", ThreadSize("M1.6", 1.6, None, 4.0)),
        ("M10x1.25", ThreadSize("M10", 10.0, 1.25, None)),
        ("M8x1.25x30", ThreadSize("M8", 8.0, 1.25, 30.0)),
        ("M8x3", ThreadSize("M8", 8.0, None, 3.0)),  # 3 is no M8 pitch: a set-screw length
        ("内六角螺丝 M3X20mm", ThreadSize("M3", 3.0, None, 20.0)),
        ("STM32F103", None),
        ("LM358", None),
        ("10k 0603", None),
    ],
)
def test_parse_thread(text: str, expected: ThreadSize | None) -> None:
    assert parse_thread(text) == expected


def test_coarse_pitch() -> None:
    assert coarse_pitch(3.0) == 0.5
    assert coarse_pitch(3.3) is None


@pytest.mark.parametrize(
    ("text", "basic", "series", "bore", "closure", "clearance", "precision", "suffixes"),
    [
        ("6205-2RS", "6205", "62", 25.0, "2RS", "", "", ("2RS",)),
        ("6205 2RS", "6205", "62", 25.0, "2RS", "", "", ("2RS",)),
        ("6205-2RS1/C3", "6205", "62", 25.0, "2RS1", "C3", "", ("2RS1", "C3")),
        ("6205ZZ", "6205", "62", 25.0, "ZZ", "", "", ("ZZ",)),
        ("608-2Z", "608", "60", 8.0, "2Z", "", "", ("2Z",)),
        ("623", "623", "62", 3.0, "", "", "", ()),
        ("7008CEGA/P4A", "7008", "70", 40.0, "", "", "P4A", ("CE", "GA", "P4A")),
        ("7008 CE/P4A", "7008", "70", 40.0, "", "", "P4A", ("CE", "P4A")),
        ("61804", "61804", "618", 20.0, "", "", "", ()),
        ("6000", "6000", "60", 10.0, "", "", "", ()),
        ("6001", "6001", "60", 12.0, "", "", "", ()),
        ("6002", "6002", "60", 15.0, "", "", "", ()),
        ("6003", "6003", "60", 17.0, "", "", "", ()),
        ("618/4", "618/4", "618", 4.0, "", "", "", ()),
        ("62/22", "62/22", "62", 22.0, "", "", "", ()),
        ("6204-P63", "6204", "62", 20.0, "", "C3", "P6", ("P63",)),
        ("NU205 ECP", "NU205", "NU2", 25.0, "", "", "", ("ECP",)),
    ],
)
def test_parse_bearing_designation(
    text: str,
    basic: str,
    series: str,
    bore: float,
    closure: str,
    clearance: str,
    precision: str,
    suffixes: tuple[str, ...],
) -> None:
    found = parse_bearing_designation(text)
    assert isinstance(found, BearingDesignation)
    assert (found.basic, found.series, found.bore_mm) == (basic, series, bore)
    assert (found.closure, found.clearance, found.precision, found.suffixes) == (
        closure,
        clearance,
        precision,
        suffixes,
    )


def test_bearing_type() -> None:
    found = parse_bearing_designation("7205 BECBP")
    assert found is not None and found.bearing_type == "angular contact ball bearing"


@pytest.mark.parametrize("text", ["STM32F103", "0603", "2512", "100", "6205 bearing", "6205 轴承", "10k", "6200000"])
def test_not_a_bearing(text: str) -> None:
    assert parse_bearing_designation(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10k 0603 1%", [("resistance", 10000.0, "Ω"), ("tolerance", 1.0, "%")]),
        ("贴片电阻 10K 0603", [("resistance", 10000.0, "Ω")]),
        ("100nF 50V X7R", [("capacitance", 1e-7, "F"), ("voltage_rating", 50.0, "V")]),
        ("8MHz crystal", [("frequency", 8e6, "Hz")]),
        ("10K,0603,1%", [("resistance", 10000.0, "Ω"), ("tolerance", 1.0, "%")]),
        ("0.1uF/50V", [("capacitance", 1e-7, "F"), ("voltage_rating", 50.0, "V")]),
        # a KiCad value of three fields: the voltage before a letters-only dielectric is no 'V/COG' unit
        ("10pF/50V/COG", [("capacitance", 1e-11, "F"), ("voltage_rating", 50.0, "V")]),
        ("0.5V/us slew", []),  # a rate, no voltage
        # LCEDA value cells: a capacitance glued to its voltage; a cable's pins are no picofarads
        ("100NF16V", [("capacitance", 1e-7, "F"), ("voltage_rating", 16.0, "V")]),
        ("100UF6.3V", [("capacitance", 1e-4, "F"), ("voltage_rating", 6.3, "V")]),
        ("SH1.0线材2P", []),
        ("SH1.0双头反向4P线", []),
        ("CAN总线滤波电容 47P", [("capacitance", 4.7e-11, "F")]),  # 总线 is a bus, no cable
        ("22P 线性稳压", [("capacitance", 2.2e-11, "F")]),
        ("4k7 1/4W 5%", [("resistance", 4700.0, "Ω"), ("power", 0.25, "W"), ("tolerance", 5.0, "%")]),
        ("100 nF 50 V", [("capacitance", 1e-7, "F"), ("voltage_rating", 50.0, "V")]),
        ("10k resistor", [("resistance", 10000.0, "Ω")]),
        ("1M 0805", [("resistance", 1e6, "Ω")]),
        ("100n 0402", [("capacitance", 1e-7, "F")]),
        (
            "±100ppm/℃ 2.2uF±10%",
            [("temperature_coefficient", 100.0, "ppm/°C"), ("capacitance", 2.2e-6, "F"), ("tolerance", 10.0, "%")],
        ),
        ("6205 limiting speed 30000rpm", [("limiting_speed", 30000.0, "r/min")]),
        ("24 h delivery, 3 a day", []),
        ("M3x20 6205-2RS X7R C0G", []),
        ("RC0603FR-0710KL", []),
        ("SOT-23-5 qty 2000", []),
    ],
)
def test_extract_quantities(text: str, expected: list[tuple[str, float, str]]) -> None:
    found = extract_quantities(text)
    assert [(k, u) for k, _, u in found] == [(k, u) for k, _, u in expected]
    assert [v for _, v, _ in found] == pytest.approx([v for _, v, _ in expected])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("贴片电阻 10K 0603", "0603"),
        ("10k 1% 2512 1W", "2512"),
        ("R_0603_1608Metric", "0603"),
        ("SOT-23-5", "SOT-23-5"),
        ("SOT23", "SOT-23"),
        ("sot-23 npn", "SOT-23"),
        ("SOIC8", "SOIC-8"),
        ("QFN-20 4x4", "QFN-20"),
        ("LQFP-48 STM32F103", "LQFP-48"),
        ("TO-220", "TO-220"),
        ("SMA diode", "SMA"),
        ("go to 5 pieces", None),
        ("RC0603FR-0710KL", None),
        ("10k 1%", None),
    ],
)
def test_extract_package(text: str, expected: str | None) -> None:
    assert extract_package(text) == expected


def test_package_codes() -> None:
    assert {"01005", "0201", "0402", "0603", "0805", "1206", "1210", "1812", "2010", "2512"} <= PACKAGE_CODES


def test_e_series() -> None:
    assert len(E24) == 24 and len(E96) == 96
    assert tuple(sorted(E96)) == E96 and tuple(sorted(E24)) == E24
    decade = e_series_values(E24, 1000, 9999)
    assert decade[:3] == [1000.0, 1100.0, 1200.0] and decade[-1] == 9100.0 and len(decade) == 24
    values = e_series_values(E96, 10, 1e6)
    assert len(values) == 5 * 96 + 1 and values[0] == 10.0 and values[-1] == 1e6
    assert 49900.0 in values and 4990.0 in values  # exact floats, no 4990.000000000001
    with pytest.raises(UnitError):
        e_series_values(E24, 0, 10)


def test_led_colour_codes_are_read_only_when_asked() -> None:
    from knowledge.units import extract_colours

    assert extract_colours("LED0805-RD", codes=True) == {"red"}
    assert extract_colours("PNK", codes=True) == {"pink"}
    assert extract_colours("LED0805-RD") == set()  # 'RD' is a colour only on an LED line
    assert extract_colours("LED red BL", codes=True) == {"red"}  # a named colour wins over codes


def test_a_decimal_comma_before_a_unit_and_ranges_said_in_words() -> None:
    """'3,3V' is 3.3 V (a European regulator line), '0 PPM/C to - 500 PPM/C' a range with no value to meet; a list
    comma stays a list, 'to' before a word ('10k to ground') is no range."""
    assert extract_quantities("VOLTAGE REGULATOR SMD 3,3V 600mA") == [
        ("voltage_rating", 3.3, "V"),
        ("current_rating", 0.6, "A"),
    ]
    assert extract_quantities("4,7kΩ") == [("resistance", 4700.0, "Ω")]
    assert extract_quantities("100nF,50V") == [("capacitance", 1e-07, "F"), ("voltage_rating", 50.0, "V")]
    assert extract_quantities("1,000V") == [("voltage_rating", 1000.0, "V")]
    said = extract_quantities("Carbon Film 10kOhms 250mW 350V 0 PPM/C to - 500 PPM/C 5%")
    assert [k for k, _, _ in said] == ["resistance", "power", "voltage_rating", "tolerance"]
    assert extract_quantities("10k to ground") == [("resistance", 10000.0, "Ω")]
    assert extract_quantities("up to 5V") == [("voltage_rating", 5.0, "V")]
    assert extract_quantities("3V至5V") == []
    # a space before the unit (a stranger's review: '0,1 µF' read 1 µF, '2,2 kΩ' 2 kΩ)
    assert extract_quantities("0,1 µF") == [("capacitance", 1e-07, "F")]
    assert extract_quantities("2,2 kΩ") == [("resistance", 2200.0, "Ω")]


def test_a_kicad_rkm_value_with_its_unit_inside() -> None:
    """'2nH7' (a KiCad value) is 2.7 nH, as '2n7' is 2.7 nF."""
    assert extract_quantities("2nH7") == [("inductance", 2.7e-09, "H")]
    assert extract_quantities("4uH7 0805") == [("inductance", 4.7e-06, "H")]
    assert extract_quantities("2nF2") == [("capacitance", 2.2e-09, "F")]


@pytest.mark.parametrize(
    ("text", "value"),
    [("104", 1e5), ("472", 4700.0), ("221", 220.0), ("106", 1e7), ("103", 1e4), ("470", None), ("100", None),
     ("1040", None), ("10.4", None), ("194", None), ("107", None)],
)  # fmt: skip
def test_eia_three_digit_codes(text: str, value: float | None) -> None:
    """'104' is 10 × 10⁴ (100 kΩ on a resistor, 100 nF in picofarads on a capacitor); a last digit 0 is a written
    value ('470'), a first pair outside E24 ('19') or a power above 6 ('107') no code."""
    assert eia_code(text) == value


def test_a_thread_stated_again_with_its_length_gives_the_length() -> None:
    """'M5-Screw' in one cell, 'M5x8' in the next: M5, 8 mm; another diameter's length is never borrowed."""
    thread = parse_thread("M5-Screw M5x8")
    assert thread is not None and (thread.size, thread.length_mm) == ("M5", 8.0)
    other = parse_thread("M3 nut for M4x10")
    assert other is not None and (other.size, other.length_mm) == ("M3", None)


def test_a_distributor_s_connector_description_counts_pins_not_picofarads() -> None:
    assert extract_quantities("CONN RCPT FMALE MINI DIN 4P SLDR") == []
    assert extract_quantities("CONN D-SUB HD RCPT 15P R/A SLDR") == []
    assert extract_quantities("CAP CER 22P 50V")[0] == ("capacitance", pytest.approx(22e-12), "F")
    assert extract_quantities("2016_4P") == []  # a crystal body's four pads
    assert extract_quantities("0603-22P")[0] == ("capacitance", pytest.approx(22e-12), "F")
    assert extract_quantities("usb type-c 母座 16p 沉板1.6mm") == []  # a lower-case p beside a connector's words
    assert extract_quantities("22p电容")[0] == ("capacitance", pytest.approx(22e-12), "F")


def test_a_screw_length_said_in_words_after_its_thread() -> None:
    """'M3x0.5 … (length 20mm)': 0.5 is M3's pitch, and the length is said in words; 'M4 screw, 12 mm long' too."""
    said = parse_thread("M3x0.5 socket head screws to mount motor (length 20mm)")
    assert said is not None and (said.pitch_mm, said.length_mm) == (0.5, 20.0)
    long = parse_thread("M4 screw, 12 mm long")
    assert long is not None and long.length_mm == 12.0
    plain = parse_thread("M3x0.5")
    assert plain is not None and plain.length_mm is None
