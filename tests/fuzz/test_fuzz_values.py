"""Fuzzing the value and unit parser (knowledge/units.py) with buyer text (issue 14).

Every public parser of buyer text either answers or says it cannot, the way its docstring says: parse_quantity,
parse_range and canonical_unit raise UnitError (a KnowledgeError); parse_thread and parse_bearing_designation
return None; extract_quantities and extract_package return what they found; same_quantity returns False. Never
any other exception, and never slowly: each case is timed. Inputs are random unicode text and near-valid
values: SI prefixes, every µ spelling, RKM codes (4k7, 2R2), tolerances, ranges, thread sizes, bearing codes,
with noise around them. Where the module promises a round trip, it holds: a value formatted then parsed gives
the same number (to the 4 significant digits shown) and unit; the same value in every µ/u/μ spelling and as an
RKM code reads the same; a metric thread and a bearing code read back their parts.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from knowledge.errors import KnowledgeError, UnitError
from knowledge.footprints import Footprint, contradiction, parse_footprint
from knowledge.units import (
    CANONICAL_UNITS,
    PACKAGE_CODES,
    BearingDesignation,
    ThreadSize,
    canonical_unit,
    coarse_pitch,
    extract_dielectric,
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

CASE_LIMIT_S = 1.0  # per generated case, for all the parsers together (a linear parser needs milliseconds)

# Characters that matter to the parser: digits in other scripts, signs, prefixes and units in their variants.
SPECIAL = [
    *"0123456789.,+-±~/xX×*()%°℃ΩΩωµμuUnNpPmMkKGRr \t\n\u3000\u00a0\u2212\u2013\u2014",
    *"０１２３４５６７８９．ｋΩｍ欧千兆毫微纳皮伏安瓦赫至到转分",
    "meg", "MEG", "ohm", "ohms", "Hz", "MHz", "kHz", "mhz", "ppm", "ppm/℃", "r/min", "rpm", "mm", "kN", "to", "...", "+/-",
]  # fmt: skip

# Units as buyers write them, canonical or not.
UNIT_SPELLINGS = [
    "Ω", "ohm", "R", "欧", "F", "f", "H", "V", "VDC", "A", "W", "Hz", "hz", "%", "ppm", "ppm/°C", "ppm/℃", "°C", "℃",
    "mm", "毫米", "kN", "N", "r/min", "rpm", "kg", "g", "°", "s", "",
]  # fmt: skip
PREFIXES = ["", "p", "n", "u", "µ", "μ", "U", "m", "M", "k", "K", "G", "meg", "千", "兆", "毫", "微", "纳", "皮"]

# Values as a parser sees them: numbers in many spellings around a prefix and a unit, with noise.
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["0", "00", ".5", "5.", "1,000", "4,7", "1e3", "1E-3", "1e400", "1/4", "1/0", "3/", "-0", "０.１"]),
)
near_values = st.builds(
    lambda sign, number, space, prefix, unit, tail: f"{sign}{number}{space}{prefix}{unit}{tail}",
    st.sampled_from(["", "", "±", "+/-", "-", "+", "~"]),
    numbers,
    st.sampled_from(["", "", " ", "  ", "\u3000", "\t"]),
    st.sampled_from(PREFIXES),
    st.sampled_from(UNIT_SPELLINGS),
    st.sampled_from(["", "", " ", "s", "/", "x", "%", " to 5V", "~85℃", "..10", "-2RS"]),
)
rkm_codes = st.builds(
    lambda whole, letter, frac, unit: f"{whole}{letter}{frac}{unit}",
    st.sampled_from(["", "0", "1", "4", "10", "999", "1000"]),
    st.sampled_from([*"RrKkMmGpnuμµ", "meg", "MEG"]),
    st.sampled_from(["", "0", "7", "47", "999", "1000"]),
    st.sampled_from(["", "Ω", "ohm", "F", "V", "mm", "x"]),
)
ranges = st.builds(
    lambda lo, sep, hi, unit: f"{lo}{sep}{hi}{unit}",
    numbers,
    st.sampled_from(["~", " to ", "至", "..", "...", "–", "—", "-", " - ", "~+", "to"]),
    numbers,
    st.sampled_from(["", "V", "°C", "℃", "mm", "%", "kHz", "x"]),
)
threads = st.builds(
    lambda m, d, sep1, p, sep2, length, tail: f"{m}{d}{sep1}{p}{sep2}{length}{tail}",
    st.sampled_from(["M", "m", "Ｍ", "", "MM"]),
    st.sampled_from(["3", "1.6", "10", "0.2", "400", "0", "", "3.", "99999999999999999999"]),
    st.sampled_from(["", "-", "x", "X", "×", "*", " x "]),
    st.sampled_from(["", "0.5", "1.25", "8", "20"]),
    st.sampled_from(["", "x", "*", " × ", "-"]),
    st.sampled_from(["", "20", "12", "0.35"]),
    st.sampled_from(["", "mm", " MM", "x", "5", ".", " 不锈钢"]),
)
bearings = st.builds(
    lambda prefix, digits, slash, suffix: f"{prefix}{digits}{slash}{suffix}",
    st.sampled_from(["", "NU", "NJ", "NUP", "N", "QJ", "UC", "SKF ", "X"]),
    st.one_of(st.integers(min_value=0, max_value=999_999).map(str), st.sampled_from(["6205", "608", "618", "62"])),
    st.sampled_from(["", "/4", "/22", "/", "/4.5", "/P4A"]),
    st.sampled_from(["", "-2RS", "ZZ", "-2RS1/C3", "CEGA/P4A", " 2RS", ".2Z", "BEARING", "轴承", "-", "C" * 40]),
)
unicode_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
special_text = st.lists(st.sampled_from(SPECIAL), max_size=20).map("".join)
# Long runs, and values around them: Python's int() refuses strings of 4,300 digits and more.
long_tokens = st.builds(
    lambda head, unit, times, tail: head + unit * times + tail,
    st.sampled_from(["", "1/", "±", "M", "M3x", "62", "6205", "1,", "4k", "0.", "-"]),
    st.sampled_from(["1", "0", "1,", "1.", "k", "4k7", "M3x", "Ω", "±", " ", "C", "2RS", "x", "-", "١"]),
    st.integers(1, 6000),
    st.sampled_from(["", "k", "W", "/3", "x20", "mm", "%", " to 5V", "-2RS"]),
)
buyer_values = st.one_of(near_values, rkm_codes, ranges, threads, bearings, unicode_text, special_text, long_tokens)


def _expect(call, *errors: type[Exception]) -> object:
    try:
        return call()
    except errors:
        return None


@given(buyer_values, st.one_of(st.none(), st.sampled_from(["Ω", "kΩ", "pF", "F", "V", "N", "kN", "kg", "x", ""])))
def test_every_parser_answers_or_raises_unit_error(text: str, unit: str | None) -> None:
    start = time.perf_counter()
    quantity = _expect(lambda: parse_quantity(text, unit), UnitError)
    if quantity is not None:
        value, found = quantity  # type: ignore[misc]
        assert isinstance(value, float) and found in CANONICAL_UNITS
    span = _expect(lambda: parse_range(text), UnitError)
    if span is not None:
        low, high, found = span  # type: ignore[misc]
        assert low <= high or math.isnan(low) or math.isnan(high)
        assert found in CANONICAL_UNITS
    _expect(lambda: canonical_unit(text), UnitError)
    for key, value, found in extract_quantities(text):
        assert isinstance(key, str) and isinstance(value, float) and found in CANONICAL_UNITS
    package = extract_package(text)
    assert package is None or package in PACKAGE_CODES or package.isupper() or "-" in package
    footprint = parse_footprint(text)  # the footprint grammar: a Footprint or None, never an exception
    assert footprint is None or isinstance(footprint, Footprint)
    assert isinstance(contradiction(footprint, parse_footprint("0603")), str)
    assert extract_dielectric(text) in (
        None,
        "C0G",
        "X5R",
        "X6S",
        "X6T",
        "X7R",
        "X7S",
        "X7T",
        "X8R",
        "X8L",
        "Y5V",
        "Z5U",
    )
    thread = parse_thread(text)
    assert thread is None or (isinstance(thread, ThreadSize) and 0.3 <= thread.diameter_mm <= 300)
    bearing = parse_bearing_designation(text)
    assert bearing is None or (isinstance(bearing, BearingDesignation) and bearing.basic)
    assert same_quantity(text, text) in (True, False)
    assert same_quantity(text, "10k", unit) in (True, False)
    elapsed = time.perf_counter() - start
    assert elapsed < CASE_LIMIT_S, f"{len(text)} chars took {elapsed:.2f} s"


@given(unicode_text)
def test_formatting_answers_or_raises_unit_error(unit: str) -> None:
    for value in (0.0, 1e-12, -55.0, 4700.0, 1e300, math.inf, math.nan):
        _expect(lambda: format_quantity(value, unit), UnitError)  # noqa: B023
        _expect(lambda: format_range(-value, value, unit), UnitError)  # noqa: B023


# Round trips. format_quantity shows 4 significant digits; megawatts are left out because in ALL-CAPS text
# ("1 MW", as a BOM spells 1 mW) an "M" before W is read as milli, as the module documents.
ROUND_TRIP_UNITS = sorted(CANONICAL_UNITS)


@given(
    st.sampled_from(ROUND_TRIP_UNITS),
    st.floats(min_value=1e-11, max_value=1e11, allow_nan=False, allow_infinity=False),
    st.booleans(),
)
def test_a_formatted_value_parses_back_to_the_same_number(unit: str, magnitude: float, negative: bool) -> None:
    value = -magnitude if negative else magnitude
    assume(not (unit == "W" and abs(value) >= 999.95e3))
    text = format_quantity(value, unit)
    parsed, found = parse_quantity(text)
    assert found == unit, text
    assert math.isclose(parsed, value, rel_tol=5.001e-4), (text, value)


@given(
    st.sampled_from(["°C", "V", "mm", "%", "Hz", "Ω", "r/min"]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_a_formatted_range_parses_back(unit: str, a: float, b: float) -> None:
    low, high = sorted((round(a, 2), round(b, 2)))
    assume(abs(low) >= 0.01 or low == 0)
    assume(abs(high) >= 0.01 or high == 0)
    text = format_range(low, high, unit)
    parsed_low, parsed_high, found = parse_range(text)
    assert found == unit, text
    assert math.isclose(parsed_low, low, rel_tol=5e-4, abs_tol=1e-9), text
    assert math.isclose(parsed_high, high, rel_tol=5e-4, abs_tol=1e-9), text


@given(
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999"), places=3),
    st.sampled_from([("p", -12), ("n", -9), ("u", -6), ("m", -3), ("", 0)]),
    st.sampled_from(["F", "H", "A"]),
    st.sampled_from(["", " "]),
)
def test_every_micro_spelling_reads_the_same(number: Decimal, prefix: tuple[str, int], unit: str, space: str) -> None:
    letter, exponent = prefix
    expected = float(number.scaleb(exponent))
    spellings = [letter] if letter != "u" else ["u", "µ", "μ", "U", "\u00b5"]
    for spelling in spellings:
        value, found = parse_quantity(f"{number}{space}{spelling}{unit}")
        assert found == unit
        assert value == expected or math.isclose(value, expected, rel_tol=1e-12), (spelling, number)


@given(
    st.integers(min_value=0, max_value=999),
    st.sampled_from([("R", 0, "Ω"), ("k", 3, "Ω"), ("K", 3, "Ω"), ("M", 6, "Ω"), ("p", -12, "F"), ("n", -9, "F")]),
    st.integers(min_value=0, max_value=999),
)
def test_rkm_codes_read_as_their_decimal_value(whole: int, code: tuple[str, int, str], fraction: int) -> None:
    letter, exponent, unit = code
    value, found = parse_quantity(f"{whole}{letter}{fraction}")
    assert found == unit
    assert value == float(Decimal(f"{whole}.{fraction}").scaleb(exponent))


@given(
    st.floats(min_value=0.01, max_value=50, allow_nan=False).map(lambda x: round(x, 2)),
    st.sampled_from(["±", "+/-", "", "+-"]),
)
def test_a_tolerance_reads_as_percent(percent: float, sign: str) -> None:
    assert parse_quantity(f"{sign}{percent:g}%") == (percent, "%")


ISO_DIAMETERS = [1.6, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0, 20.0]  # their pitches are all < 3 mm


@given(
    st.sampled_from(ISO_DIAMETERS),
    st.integers(min_value=3, max_value=200),
    st.sampled_from(["x", "X", "*", "×", " x ", " * "]),
    st.sampled_from(["", "mm", " mm"]),
    st.booleans(),
)
def test_a_metric_thread_reads_back_its_diameter_and_length(
    diameter: float, length: int, sep: str, tail: str, lower: bool
) -> None:
    size = f"{diameter:g}"
    text = f"{'m' if lower else 'M'}{size}{sep}{length}{tail}"
    thread = parse_thread(text)
    assert thread is not None, text
    assert (thread.size, thread.diameter_mm) == (f"M{size}", diameter)
    assert (thread.length_mm, thread.pitch_mm) == (float(length), None), text
    pitch = coarse_pitch(diameter)
    assert pitch is not None
    pitched = parse_thread(f"M{size}x{pitch:g}x{length}")
    assert pitched is not None and (pitched.pitch_mm, pitched.length_mm) == (pitch, float(length))


@given(
    st.sampled_from(["60", "62", "63", "70", "72", "22", "12"]),
    st.integers(min_value=4, max_value=96),
    st.sampled_from(["", "-2RS", "ZZ", "-2Z", "-2RS1/C3", "/P4A", " C3"]),
)
def test_a_bearing_code_reads_back_its_series_and_bore(series: str, bore_code: int, suffix: str) -> None:
    designation = parse_bearing_designation(f"{series}{bore_code:02d}{suffix}")
    assert designation is not None
    assert (designation.series, designation.bore_mm) == (series, bore_code * 5.0)
    assert designation.basic == f"{series}{bore_code:02d}"


def test_the_typed_errors_are_knowledge_errors() -> None:
    assert issubclass(UnitError, KnowledgeError)
