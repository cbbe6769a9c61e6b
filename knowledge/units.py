"""Engineering values both ways: "10k", "0.1uF" = "100nF", "1/4W", "4k7", ranges, threads, bearing codes.

A small SI-prefix table beats pint here: catalog text mixes RKM codes ("4k7", "4R7"), all-caps BOM
spellings ("500MA" = 500 mA), Chinese units (欧, 毫米) and non-SI trade units (r/min) that pint does
not read. Arithmetic runs on Decimal so that "0.1uF" and "100nF" give the very same float.

Case rules for the one ambiguous letter: "m" is milli and "M" mega ("1mA" vs "1MΩ"), except that
megahertz is the only plausible reading of "mhz" in component data, and that in ALL-CAPS text
("500MA", "100MW") an "M" before a unit other than Ω or Hz is read as milli, because BOM tools
upper-case whole lines and mega-amps do not occur.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation, getcontext

from knowledge.errors import UnitError
from knowledge.footprints import CHIP_CODES, find_package

CANONICAL_UNITS: frozenset[str] = frozenset(
    ("Ω", "F", "H", "V", "A", "W", "Hz", "%", "ppm", "ppm/°C", "°C", "mm", "kN", "N", "r/min", "kg", "g", "°", "s")
)
# Units that take SI prefixes; the rest (mm, kN, r/min, kg, %, ...) are already scaled trade units.
PREFIXABLE: frozenset[str] = frozenset({"Ω", "F", "H", "V", "A", "W", "Hz", "s"})

# IEC 60063 preferred-number mantissas.
# fmt: off
E6: tuple[float, ...] = (1.0, 1.5, 2.2, 3.3, 4.7, 6.8)
E12: tuple[float, ...] = (1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2)
E24: tuple[float, ...] = (
    1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.8, 2.0, 2.2, 2.4, 2.7, 3.0,
    3.3, 3.6, 3.9, 4.3, 4.7, 5.1, 5.6, 6.2, 6.8, 7.5, 8.2, 9.1,
)
E96: tuple[float, ...] = (
    1.00, 1.02, 1.05, 1.07, 1.10, 1.13, 1.15, 1.18, 1.21, 1.24, 1.27, 1.30,
    1.33, 1.37, 1.40, 1.43, 1.47, 1.50, 1.54, 1.58, 1.62, 1.65, 1.69, 1.74,
    1.78, 1.82, 1.87, 1.91, 1.96, 2.00, 2.05, 2.10, 2.15, 2.21, 2.26, 2.32,
    2.37, 2.43, 2.49, 2.55, 2.61, 2.67, 2.74, 2.80, 2.87, 2.94, 3.01, 3.09,
    3.16, 3.24, 3.32, 3.40, 3.48, 3.57, 3.65, 3.74, 3.83, 3.92, 4.02, 4.12,
    4.22, 4.32, 4.42, 4.53, 4.64, 4.75, 4.87, 4.99, 5.11, 5.23, 5.36, 5.49,
    5.62, 5.76, 5.90, 6.04, 6.19, 6.34, 6.49, 6.65, 6.81, 6.98, 7.15, 7.32,
    7.50, 7.68, 7.87, 8.06, 8.25, 8.45, 8.66, 8.87, 9.09, 9.31, 9.53, 9.76,
)

# Imperial chip-size codes (EIA): one table, in knowledge/footprints.py.
PACKAGE_CODES: frozenset[str] = CHIP_CODES
# fmt: on

# The attribute key (knowledge/attributes.py) a free-text value of each unit stands for.
_KEY_BY_UNIT: dict[str, str] = {
    "Ω": "resistance",
    "F": "capacitance",
    "H": "inductance",
    "V": "voltage_rating",
    "A": "current_rating",
    "W": "power",
    "Hz": "frequency",
    "%": "tolerance",
    "ppm": "frequency_tolerance",
    "ppm/°C": "temperature_coefficient",
    "r/min": "limiting_speed",
    "kg": "mass",
    "°": "contact_angle",
}
# A rating a buyer writes is the least they need (a 2 W resistor serves a 1 W line), a tolerance or a drift the
# most they accept; identity values (10 kΩ, 100 nF) and frequencies are exact.
AT_LEAST_KEYS: frozenset[str] = frozenset({"voltage_rating", "power", "current_rating"})
AT_MOST_KEYS: frozenset[str] = frozenset(
    {"tolerance", "temperature_coefficient", "frequency_tolerance", "frequency_stability", "dc_resistance"}
)


@dataclass(frozen=True)
class ThreadSize:
    """An ISO metric thread with optional pitch and screw length, all in mm."""

    size: str
    diameter_mm: float
    pitch_mm: float | None = None
    length_mm: float | None = None


@dataclass(frozen=True)
class BearingDesignation:
    """A rolling-bearing designation split into basic number and suffixes (ISO 15 / SKF style)."""

    basic: str
    series: str
    bore_mm: float | None
    closure: str = ""
    clearance: str = ""
    precision: str = ""
    suffixes: tuple[str, ...] = ()
    bearing_type: str = ""


def parse_quantity(text: str, unit: str | None = None) -> tuple[float, str]:
    """Parse one engineering value -> (value in canonical base unit, canonical unit). Raises UnitError.

    `unit` supplies the unit when the text has none ("10k" for Ω) and is the unit the caller expects:
    a value in another unit raises UnitError, except N <-> kN and g <-> kg, which are converted.
    A prefixed `unit` scales plain numbers, as in a column headed "Capacitance (pF)": ("100", "pF") -> 1e-10 F.
    """
    target, exponent = _unit_hint(unit) if unit else (None, 0)
    value, found = _resolve(_read(text), target, text, exponent)
    return float(value), found


def parse_range(text: str) -> tuple[float, float, str]:
    """'-55℃~+155℃' -> (-55.0, 155.0, '°C'); '2.7V~5.5V' -> (2.7, 5.5, 'V'); '-40 to 85 °C'. Raises UnitError.

    A unit on either end applies to both ("2.7~5.5V"); the ends come back in ascending order.
    """
    norm = _normalize(text)
    match = _RANGE_SEP_RE.fullmatch(norm) or _RANGE_HYPHEN_RE.fullmatch(norm)
    if match is None:
        raise UnitError(text, "not a range such as '-40 to 85 °C' or '2.7V~5.5V'")
    left, right = _read(match.group(1)), _read(match.group(2))
    unit = right.unit or left.unit
    if unit is None:
        raise UnitError(text, "range has no unit")
    lo, lo_unit = _resolve(left, None if left.unit else unit, text)
    hi, _ = _resolve(right, lo_unit, text)
    low, high = sorted((float(lo), float(hi)))
    return low, high, lo_unit


def format_quantity(value: float, unit: str) -> str:
    """Human form with an SI prefix where the unit takes one: (1e4, 'Ω') -> '10 kΩ', (30000, 'r/min') -> '30,000 r/min'.

    Up to 4 significant digits, never rounding away integer digits of unprefixed values; no trailing
    zeros. W gets no sub-unit prefix (0.25 W, 0.0625 W), as resistor datasheets print it.
    """
    unit = canonical_unit(unit)
    if not math.isfinite(value):
        raise UnitError(repr(value), "not a finite number")
    number = Decimal(repr(float(value)))
    prefixes = _DISPLAY_PREFIXES.get(unit, (("", 0),))
    symbol, scaled = _scale(number, prefixes)
    text = _plain_number(scaled)
    if unit == "°":
        return f"{text}°"
    return f"{text} {symbol}{unit}"


def format_range(low: float, high: float, unit: str) -> str:
    """(-55, 155, '°C') -> '-55 °C to +155 °C' (a plus sign on the top end when the bottom is negative)."""
    top = format_quantity(high, unit)
    if low < 0 <= high:
        top = "+" + top
    return f"{format_quantity(low, unit)} to {top}"


def same_quantity(a: str, b: str, unit: str | None = None, rel: float = 1e-6) -> bool:
    """'10k' vs '10kΩ' vs '10000 ohm' -> True. A side without a unit borrows the other's; unreadable -> False."""
    try:
        target = canonical_unit(unit) if unit else None
        first, second = _read(a), _read(b)
        target = target or first.unit or second.unit
        va, ua = _resolve(first, target, a)
        vb, ub = _resolve(second, ua, b)
    except UnitError:
        return False
    return ua == ub and math.isclose(float(va), float(vb), rel_tol=rel, abs_tol=0.0)


def canonical_unit(unit: str) -> str:
    """The canonical spelling of a unit name ('ohm' -> 'Ω', 'rpm' -> 'r/min', '℃' -> '°C'). Raises UnitError."""
    norm = _normalize(unit).replace(" ", "")
    if norm in CANONICAL_UNITS:
        return norm
    found = _CASE_UNITS.get(norm) or _UNIT_WORDS.get(norm.lower())
    if found is None or found[1] != 1:
        raise UnitError(unit, "unknown unit")
    return found[0]


def e_series_values(series: tuple[float, ...], lo: float, hi: float) -> list[float]:
    """Every value of an E-series between lo and hi inclusive, across decades, as exact-rounded floats."""
    if lo <= 0 or hi < lo:
        raise UnitError(f"{lo}..{hi}", "E-series range must be positive and ascending")
    out: list[float] = []
    for exponent in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for mantissa in series:
            value = float(Decimal(repr(mantissa)).scaleb(exponent))
            if lo * (1 - 1e-12) <= value <= hi * (1 + 1e-12):
                out.append(value)
    return sorted(set(out))


def extract_quantities(text: str) -> list[tuple[str, float, str]]:
    """Parametric values in free text for search filters, in order of appearance.

    '10k 0603 1%' -> [('resistance', 10000.0, 'Ω'), ('tolerance', 1.0, '%')]. A bare prefixed number
    counts as resistance for k/K/M/R/G ("10k", "4k7") and capacitance for p/n/u ("100n");
    plain numbers (package codes, quantities) are never reported.
    """
    norm = _normalize(text)
    found: list[tuple[str, float, str]] = []
    for match in _TOKEN_RE.finditer(norm):
        token = match.group(0)
        candidates = [token]
        spaced = _SPACED_UNIT_RE.match(norm, match.end())
        if spaced and _spaced_unit_ok(match.group("tail"), spaced.group(1)):
            candidates.insert(0, token + spaced.group(1))
        slash = token.rfind("/")
        if "/" in match.group("tail") and DIELECTRIC_RE.fullmatch(token[slash + 1 :]):
            candidates.append(token[:slash])  # '10pF/50V/COG': the voltage, then the dielectric (no 'V/COG' unit)
        for candidate in candidates:
            item = _extract_one(candidate)
            if item is None:
                continue  # most tokens (plain numbers) stop here: the checks below run on values only
            if item[0] in ("capacitance", "inductance") and item[1] >= 1000:
                continue  # '91K F': a 91 kΩ resistor's tolerance letter after it, never 91 kF
            end = match.end() + (len(spaced.group(0)) if spaced and candidate != token else 0)
            if _in_range(norm, match.start(), match.end()) or _range_words(norm, match.start(), end):
                break  # '1.9V~2.3V', '0 PPM/C to - 500 PPM/C': a range, no value to meet
            if _code_tail(norm, match):
                break  # '1.9V~2.3V' (a typical range), 'KT-0805R' / 'GH1.25-3P' (a part number's tail)
            before = norm[max(0, match.start() - 8) : match.start()].rstrip()
            signed = token.startswith(("±", "+/-")) or before.endswith(("±", "+/-"))
            if signed and "%" not in item[2] and "ppm" not in item[2]:
                break  # '±0.1pF', '±0.25pF': a small capacitor's absolute tolerance, no second capacitance
            found.append(item)
            break
    return found


def eia_code(text: str) -> float | None:
    """The value a three-digit EIA code on a chip part spells ('104', '472', '221'): two significant digits of an
    E24 value and a power of ten (1 to 6), so '104' is 10 × 10⁴; the caller knows the unit (ohms for a resistor,
    picofarads for a capacitor). None for anything else: '470' and '100' are written values (their last digit is
    0), '103.5' or '1040' are no codes."""
    m = _EIA_CODE.fullmatch(text.strip())
    if m is None or not any(abs(int(m.group(1)) / 10 - e) < 1e-9 for e in E24):
        return None
    return float(m.group(1)) * 10 ** int(m.group(2))


_EIA_CODE = re.compile(r"([1-9]\d)([1-6])")


def _e_series(number: float) -> bool:
    """Whether a number's mantissa is an E24 or E96 value (the values parts are made in: 4.7, 10, 9.09)."""
    if number <= 0:
        return number == 0
    mantissa = number / 10 ** math.floor(math.log10(number))
    return any(abs(mantissa - e) < 1e-6 for e in (*E24, *E96, 10.0))


# Words that make a 'P' after digits pins: a socket, a header, a cable ('SH1.0线材2P', '…4P线'); not 插件
# (through-hole: '插件瓷片电容 33P' is 33 pF), nor 线 in 天线 / 总线 / 线性 / 线圈 (antenna, bus, linear, coil)
_PIN_WORDS = re.compile(r"座|针|接插件|端子|排母|排针|连接器|杜邦|线材|排线|连接线|线束|\dP线")
# Distributors' connector descriptions ('CONN RCPT FMALE MINI DIN 4P SLDR', 'CONN D-SUB HD RCPT 15P R/A'): the P is pins.
_PIN_WORDS_EN = re.compile(
    r"(?<![A-Za-z])(?:conn|connector|header|receptacle|rcpt|plug|socket|jack|terminal|housing|d-?sub|mini din)(?![A-Za-z])",
    re.I,
)
_GLUED_CODE = re.compile(r"([A-Za-z0-9.]+)[-_]\Z")  # the code a token is joined to by '-' / '_'
_JST_BEFORE = re.compile(r"(?<![A-Za-z0-9])(?:XH|PH|GH|ZH|SH|VH|EH)[\d.]*-\Z", re.I)
_B_CONSTANT = re.compile(r"(?<![A-Za-z])B(?:值|25/50|25/85)?\s*[=:：]?\s*\Z")
_CAPACITOR_WORDS = re.compile(r"电容|capacitor|\bcap\b|mlcc|瓷片", re.I)
_RANGE = "~～"


def _in_range(norm: str, start: int, end: int) -> bool:
    """Whether the token at norm[start:end] is one end of a range ('1.9V~2.3V', '3.0 ~ 3.6V')."""
    for i in (start - 1, start - 2):  # the character before, or the one before a space
        if i >= 0 and norm[i] != " ":
            if norm[i] in _RANGE:
                return True
            break
    for i in (end, end + 1):
        if i < len(norm) and norm[i] != " ":
            return norm[i] in _RANGE
    return False


_RANGE_BEFORE = re.compile(r"\d\s*[A-Za-zμΩ°%/]*\s*(?:\bto|至|到)\s*[-+]?\s*$", re.I)  # '0 ppm/C to -'
_RANGE_AFTER = re.compile(r"\s*(?:to\b|至|到)\s*[-+]?\s*[\d.]", re.I)  # 'to -500', never 'to ground'


def _range_words(norm: str, start: int, end: int) -> bool:
    """Whether the value at norm[start:end] (its unit included) is one end of a range said in words
    ('0 PPM/C to -500 PPM/C', '3V至5V'); a small window each side keeps this linear."""
    return bool(_RANGE_BEFORE.search(norm[max(0, start - 24) : start]) or _RANGE_AFTER.match(norm, end, end + 8))


def _code_tail(norm: str, match: re.Match[str]) -> bool:
    """Whether a token that names no unit, only a prefix, is the tail of a code, not a value: a size code with its
    leading zero ('KT-0805R', '0603K'), or pins after a hyphen ('XH-2P', 'GH1.25-3P'; '100P' alone stays 100 pF), or
    beside a Chinese connector word ('usb type-c 母座 16p'; '47p 0402 type-c CC filter' stays 47 pF)."""
    tail, num, start = match.group("tail"), match.group("num"), match.start()
    before = norm[max(0, start - 24) : start]  # a window: linear in the text, however long
    if tail == "A":
        return bool(_JST_BEFORE.search(before))  # JST's 'XH-2A' is a two-pin housing, no 2 A rating
    if tail.lower() not in _BARE_TAILS:
        return False
    if tail in ("K", "k") and _B_CONSTANT.search(before):
        return True  # an NTC's 'B值3950K' / 'B=3435K' is its B constant in kelvin, no 3.95 MΩ
    if num[:1] == "0" and _LEADING_ZERO.fullmatch(num):
        return True
    if tail in ("P", "p") and _PIN_WORDS.search(norm, max(0, start - 8), match.end() + 8):
        return True  # '14P底座', 'KF2510直针2P': a socket's or a connector's pins ('22P电容' stays 22 pF)
    window = norm[max(0, start - 24) : match.end() + 24]
    if (
        tail == "P"
        and _PIN_WORDS_EN.search(window)
        and not _CAPACITOR_WORDS.search(window)
        and not DIELECTRIC_RE.search(window)
    ):
        return True
    if before[-1:] not in ("-", "_"):
        return False  # the rules below are about a token joined to the code before it
    if before[-2:-1].isalpha() and num.isdigit() and not _e_series(float(num)):
        return True  # 'TRIMPOT-3386P': a series number after a word, no 3386 pF ('RES-10K', 'C1-100n' stay values)
    glued = _GLUED_CODE.search(before)
    if tail == "P" and glued is not None and num in _CRYSTAL_PADS.get(glued.group(1)[-4:], ()):
        return True  # '2016_4P', 'SMD3225-4P': a crystal body's pads, no 4 pF
    # 'XH-2P', 'GH1.25-3P': pins after a connector's code; 'NP0-22P', '0603-22P', 'C0G-33P-50V' stay capacitances
    return (
        tail == "P"
        and len(num) <= 2
        and num.isdigit()
        and glued is not None
        and not DIELECTRIC_RE.fullmatch(glued.group(1))
        and not (len(glued.group(1)) == 4 and glued.group(1).isdigit())
        and not _CAPACITOR_WORDS.search(norm, max(0, start - 40), match.end() + 40)
    )


# Crystal bodies (metric) and the pad counts they come with: '2016_4P' is pads, '2016_6P' is 6 pF.
_CRYSTAL_PADS = {"1612": ("4",), "2016": ("4",), "2520": ("4",), "3225": ("4",), "5032": ("2", "4"),
                 "6035": ("2", "4"), "7050": ("4", "6")}  # fmt: skip
_SCREW_NAME_ONLY = re.compile(r"[\s\-_,;:/()]*(?:SCREW|BOLT|SCHRAUBE|TORNILLO|螺丝|螺钉|螺栓)?[\s\-_,;:/()]*")
_BARE_TAILS = frozenset({"", "r", "k", "m", "g", "p", "n", "u", "μ", "meg"})
_LEADING_ZERO = re.compile(r"0\d{2,}")


def extract_package(text: str) -> str | None:
    """The first package named in text ('贴片电阻 10K 0603' -> '0603', 'SOT23' -> 'SOT-23'): the footprint grammar's
    `find_package` (knowledge/footprints.py)."""
    return find_package(text)


# Ceramic dielectric (temperature characteristic) codes; C0G, NP0 and COG (letter O) name the same class I.
DIELECTRIC_RE = re.compile(
    r"(?<![A-Za-z0-9])(C0G|NP0|NPO|COG|X5R|X6S|X6T|X7R|X7S|X7T|X8R|X8L|Y5V|Z5U)(?![A-Za-z0-9])", re.I
)


def canonical_dielectric(code: str) -> str:
    """'NP0' / 'npo' / 'COG' -> 'C0G'; other codes upper-cased ('x7r' -> 'X7R')."""
    code = code.strip().upper()
    return "C0G" if code in ("NP0", "NPO", "COG", "C0G") else code


def extract_dielectric(text: str) -> str | None:
    """The dielectric a text names, canonical ('100nF 0603 NP0' -> 'C0G'); None when it names none."""
    m = DIELECTRIC_RE.search(text)
    return canonical_dielectric(m.group(1)) if m else None


# Colours (LEDs, wires, housings) and USB connector types, in English and Chinese.
COLOURS: dict[str, tuple[str, ...]] = {
    "red": ("red", "红"), "green": ("green", "绿"), "blue": ("blue", "蓝"), "white": ("white", "白"),
    "yellow": ("yellow", "黄"), "orange": ("orange", "橙"), "amber": ("amber",), "infrared": ("infrared", "红外"),
    "pink": ("pink", "粉红", "粉色"), "purple": ("purple", "violet", "紫"),
}  # fmt: skip
# Colour codes in LED part names and footprints ('LED0805-RD', 'PNK'): read only where the text is known to be an LED.
COLOUR_CODES = {
    "rd": "red", "gn": "green", "grn": "green", "bl": "blue", "blu": "blue", "yel": "yellow", "ylw": "yellow",
    "wht": "white", "org": "orange", "pnk": "pink",
}  # fmt: skip
USB_KINDS: dict[str, tuple[str, ...]] = {
    "usb-c": ("usb-c", "usb c", "type-c", "type c", "typec"), "micro-b": ("micro-b", "micro b", "micro usb", "microusb"),
    "mini-b": ("mini-b", "mini b", "mini usb"), "usb-a": ("usb-a", "usb a", "type-a", "type a"),
}  # fmt: skip
_COLOUR_RE = {k: re.compile("|".join(rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in ws)) for k, ws in COLOURS.items()}
_USB_RE = {k: re.compile("|".join(rf"(?<![a-z]){re.escape(w)}(?![a-z])" for w in ws)) for k, ws in USB_KINDS.items()}


def extract_colours(text: str, *, codes: bool = False) -> set[str]:
    """The colours a text names ('LED_BLUE' -> {'blue'}, '红色 0603' -> {'red'}; infrared is not red); with
    `codes`, an LED's colour codes too when no colour is named ('LED0805-RD' -> {'red'}, 'PNK' -> {'pink'})."""
    low = text.lower().replace("_", " ")
    found = {key for key, words in _COLOUR_RE.items() if words.search(low)}
    if codes and not found:
        found = {COLOUR_CODES[t] for t in re.split(r"[^a-z]+", low) if t in COLOUR_CODES}
    if "infrared" in found:
        found.discard("red")
    return found


def extract_usb_kinds(text: str) -> set[str]:
    """The USB connector types a text names ('USB Type-C 母座' -> {'usb-c'})."""
    low = text.lower().replace("_", " ")
    return {key for key, words in _USB_RE.items() if words.search(low)}


def parse_thread(text: str) -> ThreadSize | None:
    """'M3x20', 'M3*20', 'M3×20', 'M3-0.5x20', 'M4 x 12', 'm6', 'M1.6*4' -> ThreadSize; None if no metric thread.

    "M10x1.25" is read as a pitch when the number is an ISO 261 pitch of that diameter, else as a length.
    """
    normalized = _normalize(text).upper()
    match = _THREAD_RE.search(normalized)
    if match is None:
        return None
    if not any(match.group(2, 3, 4)):  # 'M5-Screw, M5x8': the same thread stated again with its length
        again = next((m for m in _THREAD_RE.finditer(normalized, match.end()) if m.group(1) == match.group(1)), None)
        between = normalized[match.end() : again.start()] if again is not None else ""
        # only where nothing but a screw's own name stands between ('Hex nut M3 for M3x8 screw' is a nut); a short
        # stretch only, so the check stays linear whatever the message
        near = len(between) <= 40
        if again is not None and any(again.group(2, 3, 4)) and near and _SCREW_NAME_ONLY.fullmatch(between):
            match = again
    diameter = float(match.group(1))
    if not 0.3 <= diameter <= 300:
        return None
    dash, first, second = (float(g) if g else None for g in match.group(2, 3, 4))
    pitch: float | None
    length: float | None
    if dash is not None and first is None and not _is_pitch(diameter, dash):
        pitch, length = None, dash  # 'M2-8' in a mechanical BOM: M2, 8 mm long (8 is no M2 pitch)
    elif dash is not None:
        pitch, length = dash, first
    elif second is not None:
        pitch, length = first, second
    elif first is not None and _is_pitch(diameter, first):
        pitch, length = first, None
    else:
        pitch, length = None, first
    if length is None and (said := _LENGTH_SAID.search(normalized[match.end() : match.end() + 80])) is not None:
        length = float(said.group(1) or said.group(2))  # 'M3x0.5 socket head screws (length 20mm)', 'M4, 12 mm long'
    return ThreadSize(
        size="M" + _plain_number(Decimal(match.group(1))), diameter_mm=diameter, pitch_mm=pitch, length_mm=length
    )


# A screw's length said in words after its thread (read upper-cased): 'LENGTH 20MM', 'L=20', '20MM LONG', '长20MM'
_LENGTH_SAID = re.compile(
    r"(?:\bLENGTH|\bL\s*=|长度?)\s*[:=]?\s*(\d+(?:\.\d+)?)\s*MM\b|\b(\d+(?:\.\d+)?)\s*MM\s+LONG\b"
)


def coarse_pitch(diameter_mm: float) -> float | None:
    """The ISO 261 coarse pitch for a metric diameter (M3 -> 0.5), or None for a non-standard diameter."""
    pitches = _ISO_PITCHES.get(diameter_mm)
    return pitches[0] if pitches else None


def parse_bearing_designation(text: str) -> BearingDesignation | None:
    """'6205-2RS1/C3', '6205ZZ', '608-2Z', '7008CEGA/P4A', '618/4', '61804' -> BearingDesignation; else None.

    Bore code: 00=10, 01=12, 02=15, 03=17, 04..96 = code × 5 mm; a three-digit miniature number ends in
    the bore itself (608 -> 8 mm); "618/4" and "62/22" give the bore after the slash.
    """
    norm = re.sub(r"\s+", " ", _normalize(text).upper()).strip()
    match = _BEARING_RE.match(norm)
    if match is None:
        return None
    prefix, digits, slash_bore, rest = (
        match.group("prefix") or "",
        match.group("digits"),
        match.group("bore"),
        match.group("rest"),
    )
    if rest and not (rest[0] in " -/." or rest[0].isalpha()):
        return None
    bore: float | None
    if slash_bore is not None:
        series, bore, basic = prefix + digits, float(slash_bore), f"{prefix}{digits}/{slash_bore}"
    elif len(digits) == 3 and not prefix:
        series, bore, basic = digits[:2], float(digits[2]), digits
        if series not in _MINIATURE_SERIES or bore == 0:
            return None
    elif len(digits) >= 4 - (1 if prefix else 0) and len(digits) <= 5:
        series, bore, basic = prefix + digits[:-2], _bore_from_code(digits[-2:]), prefix + digits
    else:
        return None
    kind = _BEARING_SERIES.get(series)
    if kind is None:
        return None
    suffixes = _bearing_suffixes(rest)
    if suffixes is None:
        return None
    closure = next((s for s in suffixes if s in _CLOSURES), "")
    clearance = next((s for s in suffixes if s in _CLEARANCES), "")
    precision = next((s for s in suffixes if s in _PRECISIONS), "")
    if "P63" in suffixes:  # combined code: P6 precision + C3 clearance
        precision, clearance = precision if precision != "P63" else "P6", clearance or "C3"
    return BearingDesignation(
        basic=basic,
        series=series,
        bore_mm=bore,
        closure=closure,
        clearance=clearance,
        precision=precision,
        suffixes=suffixes,
        bearing_type=kind,
    )


# ---------------------------------------------------------------------------------------------------------
# Parsing internals


@dataclass(frozen=True)
class _Reading:
    """What the text says before a unit hint is applied."""

    number: Decimal
    prefix: str  # normalized prefix symbol: "", "p", "n", "u", "m", "k", "M", "G", "meg"
    unit: str | None  # canonical unit the text names, None when it names none
    factor: Decimal  # unit-word scaling into the canonical unit ("cm" -> 10 mm)
    upper_only: bool  # no lowercase ASCII letter anywhere: an all-caps BOM spelling
    default_unit: str | None = None  # what an RKM code implies when nothing else says ("4k7" -> Ω)
    nano_or_newton: bool = False  # a lone "N": newton, or nano when the caller expects F or H ("100N")


_PREFIX_EXPONENT: dict[str, int] = {"p": -12, "n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "meg": 6}
_PREFIX_FORMS: dict[str, str] = {
    "p": "p",
    "P": "p",
    "n": "n",
    "N": "n",
    "u": "u",
    "U": "u",
    "μ": "u",
    "m": "m",
    "M": "M",
    "k": "k",
    "K": "k",
    "G": "G",
    "meg": "meg",
    "Meg": "meg",
    "MEG": "meg",
    "皮": "p",
    "纳": "n",
    "微": "u",
    "毫": "m",
    "千": "k",
    "兆": "M",
}
# Prefix forms accepted before a unit word ("mA", "KOhm"); single uppercase N/U/P are nano/micro/pico too.
_PREFIX_BEFORE_UNIT = sorted(_PREFIX_FORMS, key=len, reverse=True)

_ONE = Decimal(1)
# Case-sensitive unit spellings first ("N" newton vs "n" nano), then the case-folded table.
_CASE_UNITS: dict[str, tuple[str, Decimal]] = {"N": ("N", _ONE), "kN": ("kN", _ONE), "KN": ("kN", _ONE)}
_UNIT_WORDS: dict[str, tuple[str, Decimal]] = {
    **{w: ("Ω", _ONE) for w in ("ω", "ohm", "ohms", "r", "欧", "欧姆")},
    **{w: ("F", _ONE) for w in ("f", "farad", "farads", "法", "法拉")},
    **{w: ("Hz", _ONE) for w in ("hertz",)},
    **{w: ("H", _ONE) for w in ("h", "henry", "henries", "亨", "亨利")},
    **{w: ("V", _ONE) for w in ("v", "vdc", "vac", "volt", "volts", "伏", "伏特")},
    **{w: ("A", _ONE) for w in ("a", "amp", "amps", "ampere", "amperes", "安", "安培")},
    **{w: ("W", _ONE) for w in ("w", "watt", "watts", "瓦", "瓦特")},
    **{w: ("Hz", _ONE) for w in ("hz", "赫", "赫兹")},
    **{w: ("s", _ONE) for w in ("s", "sec", "秒")},
    "%": ("%", _ONE),
    "ppm": ("ppm", _ONE),
    **{w: ("ppm/°C", _ONE) for w in ("ppm/°c", "ppm/c", "ppm/k", "ppm/degc")},
    **{w: ("°C", _ONE) for w in ("°c", "degc", "deg.c", "摄氏度")},
    **{w: ("mm", _ONE) for w in ("mm", "毫米")},
    "cm": ("mm", Decimal(10)),
    "um": ("mm", Decimal("0.001")),
    "μm": ("mm", Decimal("0.001")),
    **{w: ("kN", _ONE) for w in ("kn", "千牛")},
    **{w: ("kg", _ONE) for w in ("kg", "千克", "公斤")},
    **{w: ("g", _ONE) for w in ("g", "克")},
    "mg": ("g", Decimal("0.001")),
    **{w: ("r/min", _ONE) for w in ("r/min", "rpm", "rev/min", "min-1", "转/分", "转/分钟")},
    **{w: ("°", _ONE) for w in ("°", "deg", "度")},
}
# Conversions between canonical units of one dimension, applied only when the caller asks for the other.
_CONVERSIONS: dict[tuple[str, str], Decimal] = {
    ("N", "kN"): Decimal("0.001"),
    ("kN", "N"): Decimal(1000),
    ("g", "kg"): Decimal("0.001"),
    ("kg", "g"): Decimal(1000),
}
_MEGA_UNITS = frozenset({"Ω", "Hz"})  # where an all-caps "M" still means mega

_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?"
_GENERAL_RE = re.compile(rf"({_NUMBER})\s*(.*)", re.DOTALL)
_FRACTION_RE = re.compile(r"(\d+)\s*/\s*(\d+)\s*(.*)", re.DOTALL)
_RKM_RE = re.compile(r"([+-]?)(\d{0,3})(meg|MEG|[RrKkMmGpnuμ])(\d{1,3})\s*(.*)", re.DOTALL)
_RANGE_SEP_RE = re.compile(r"(.*?\S)\s*(?:~|\bto\b|至|\.{2,3}|–|—)\s*(\S.*)", re.DOTALL)
_RANGE_HYPHEN_RE = re.compile(r"(.*?[0-9A-Za-z°%Ω])\s*-\s*(\+?\d.*)", re.DOTALL)
_SIGN_PREFIX_RE = re.compile(r"^(?:±|\+/-|\+-)\s*")


def _read(text: str) -> _Reading:
    """Split text into number, prefix and unit without applying any hint."""
    norm = _SIGN_PREFIX_RE.sub("", _normalize(text))
    upper_only = not any(ch.isascii() and ch.islower() for ch in norm)
    rkm = _RKM_RE.fullmatch(norm)
    if rkm and (rkm.group(2) or rkm.group(3) in "Rr"):
        sign, whole, letter, frac, tail = rkm.groups()
        number = Decimal(f"{sign}{whole or 0}.{frac}")
        unit, factor = _unit_word(tail, text) if tail else (None, _ONE)
        prefix = "" if letter in "Rr" else _PREFIX_FORMS[letter]
        default = "F" if prefix in ("p", "n", "u") else "Ω"
        if unit is not None and prefix and unit not in PREFIXABLE:
            raise UnitError(text, f"an RKM code cannot carry the unit {unit}")
        return _Reading(number, prefix, unit, factor, upper_only, default)
    fraction = _FRACTION_RE.fullmatch(norm)
    if fraction:
        numerator, denominator, tail = fraction.groups()
        if Decimal(denominator) == 0:  # not int(): it refuses 4,300 digits and more with a ValueError
            raise UnitError(text, "division by zero")
        number = Decimal(numerator) / Decimal(denominator)
        unit, prefix, factor = _split_tail(tail.replace(" ", ""), text)
        return _Reading(number, prefix, unit, factor, upper_only)
    general = _GENERAL_RE.fullmatch(norm)
    if general is None:
        raise UnitError(text, "no number found")
    number = _to_decimal(general.group(1), text)
    tail = general.group(2).replace(" ", "")
    unit, prefix, factor = _split_tail(tail, text)
    return _Reading(number, prefix, unit, factor, upper_only, nano_or_newton=tail == "N")


def _unit_hint(unit: str) -> tuple[str, int]:
    """A caller's unit: canonical ('ohm' -> ('Ω', 0)) or prefixed ('kΩ' -> ('Ω', 3), 'pF' -> ('F', -12))."""
    try:
        return canonical_unit(unit), 0
    except UnitError:
        norm = _normalize(unit).replace(" ", "")
        for form in _PREFIX_BEFORE_UNIT:
            found = _UNIT_WORDS.get(norm[len(form) :].lower()) if norm.startswith(form) else None
            if found is not None and found[0] in PREFIXABLE and found[1] == 1 and len(norm) > len(form):
                return found[0], _PREFIX_EXPONENT[_PREFIX_FORMS[form]]
        raise


def _resolve(reading: _Reading, target: str | None, text: str, hint_exponent: int = 0) -> tuple[Decimal, str]:
    """Apply a unit hint and the case rules; return the value in the canonical unit."""
    if hint_exponent and reading.unit is None and not reading.prefix and reading.default_unit is None:
        reading = replace(reading, number=reading.number.scaleb(hint_exponent))
    unit = reading.unit or target or reading.default_unit
    if unit is None:
        raise UnitError(text, "no unit; pass unit= to say what the number measures")
    prefix = reading.prefix
    if reading.nano_or_newton and target in PREFIXABLE:
        unit, prefix = target, "n"
    if prefix and unit not in PREFIXABLE:
        raise UnitError(text, f"{unit} takes no SI prefix")
    if prefix == "M" and reading.upper_only and unit not in _MEGA_UNITS:
        prefix = "m"  # all-caps "500MA": milliamps, not megaamps
    elif prefix == "m" and unit == "Hz":
        prefix = "M"  # "8mhz": nobody sells millihertz parts
    value = reading.number * reading.factor
    if prefix:
        value = value.scaleb(_PREFIX_EXPONENT[prefix])
    if target is not None and unit != target:
        ratio = _CONVERSIONS.get((unit, target))
        if ratio is None:
            raise UnitError(text, f"expected a value in {target}, found {unit}")
        value, unit = value * ratio, target
    return value, unit


def _split_tail(tail: str, text: str) -> tuple[str | None, str, Decimal]:
    """'kΩ' -> ('Ω', 'k', 1); 'k' -> (None, 'k', 1); '' -> (None, '', 1); 'mm' -> ('mm', '', 1)."""
    if not tail:
        return None, "", _ONE
    if tail in _PREFIX_FORMS and tail != "N":
        return None, _PREFIX_FORMS[tail], _ONE
    found = _CASE_UNITS.get(tail) or _UNIT_WORDS.get(tail.lower())
    if found is not None:
        return found[0], "", found[1]
    for form in _PREFIX_BEFORE_UNIT:
        if tail.startswith(form) and len(tail) > len(form):
            rest = _UNIT_WORDS.get(tail[len(form) :].lower())
            if rest is not None and rest[0] in PREFIXABLE:
                return rest[0], _PREFIX_FORMS[form], rest[1]
    raise UnitError(text, f"unknown unit {tail!r}")


def _unit_word(tail: str, text: str) -> tuple[str, Decimal]:
    """A bare unit word (no prefix) after an RKM code: '4k7Ω', '4R7 ohm'."""
    found = _CASE_UNITS.get(tail) or _UNIT_WORDS.get(tail.replace(" ", "").lower())
    if found is None:
        raise UnitError(text, f"unknown unit {tail!r}")
    return found


def _to_decimal(number: str, text: str) -> Decimal:
    """'30,000' -> 30000 (thousands); '4,7' -> 4.7 (decimal comma)."""
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[eE][+-]?\d+)?", number):
        number = number.replace(",", "")
    else:
        number = number.replace(",", ".")
    try:
        return Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex only lets numbers through
        raise UnitError(text, "bad number") from exc


def _normalize(text: str) -> str:
    """NFKC folds fullwidth digits, ℃ -> °C, Ω sign -> Ω, µ and the mathematical mu letters -> μ; minus signs
    become '-'; spelled-out prefixes join their unit ("10 micro Farad" -> "10 uFarad", "4.7 kilo ohm")."""
    norm = unicodedata.normalize("NFKC", text).replace("\u2212", "-").replace("\u00a0", " ")
    if _RKM_UNIT_INSIDE.search(norm):
        norm = _RKM_UNIT_INSIDE.sub(r"\1\2\4\3", norm)  # '2nH7' (a KiCad value) is 2n7H: 2.7 nH
    if _PREFIX_WORD_RE.search(norm):
        norm = _PREFIX_WORD_RE.sub(lambda m: _PREFIX_WORDS[m.group(1).lower()] + m.group(2), norm)
    if _GLUED_RATING.search(norm):
        norm = _GLUED_RATING.sub(r"\1 \2", norm)  # '100NF16V' (an LCEDA value cell): 100 nF, 16 V
    return norm.strip()


_RKM_UNIT_INSIDE = re.compile(r"(?<![A-Za-z0-9.])(\d{1,3})([pnuμ])([HF])(\d{1,3})(?![A-Za-z0-9])")
# A capacitance written straight before its voltage, the whole cell nothing else: '100NF16V', '2.2NF50V', '100UF6.3V'.
_GLUED_RATING = re.compile(
    r"(?<![A-Za-z0-9.])(\d{1,4}(?:\.\d{1,3})?[pnuμ]F)(\d{1,4}(?:\.\d{1,2})?V)(?![A-Za-z0-9])", re.I
)
_PREFIX_WORDS = {"pico": "p", "nano": "n", "micro": "u", "milli": "m", "kilo": "k", "mega": "M"}
_PREFIX_WORD_RE = re.compile(
    r"(?i)\b(pico|nano|micro|milli|kilo|mega)[\s-]?(farads?|henr(?:y|ies)|ohms?|volts?|amps?|amperes?|watts?|hertz)\b"
)


# ---------------------------------------------------------------------------------------------------------
# Formatting internals

_DISPLAY_PREFIXES: dict[str, tuple[tuple[str, int], ...]] = {
    "Ω": (("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9)),
    "F": (("p", -12), ("n", -9), ("µ", -6), ("m", -3), ("", 0)),
    "H": (("n", -9), ("µ", -6), ("m", -3), ("", 0)),
    "V": (("m", -3), ("", 0), ("k", 3)),
    "A": (("n", -9), ("µ", -6), ("m", -3), ("", 0)),
    "W": (("", 0), ("k", 3), ("M", 6)),
    "Hz": (("", 0), ("k", 3), ("M", 6), ("G", 9)),
    "s": (("p", -12), ("n", -9), ("µ", -6), ("m", -3), ("", 0)),
}


def _scale(number: Decimal, prefixes: tuple[tuple[str, int], ...]) -> tuple[str, Decimal]:
    """Pick the largest prefix that keeps the mantissa >= 1, rounded to 4 significant digits."""
    if number == 0:
        return "", Decimal(0)
    index = 0
    for i, (_, exponent) in enumerate(prefixes):
        if abs(number) >= Decimal(1).scaleb(exponent):
            index = i
    while True:
        symbol, exponent = prefixes[index]
        scaled = _round_significant(number.scaleb(-exponent))
        if abs(scaled) >= 1000 and index + 1 < len(prefixes) and prefixes[index + 1][1] == exponent + 3:
            index += 1  # 999.96 k rounds to 1000 k: show 1 M instead
            continue
        return symbol, scaled


def _round_significant(number: Decimal, digits: int = 4) -> Decimal:
    """Round to `digits` significant digits but never into the integer part."""
    if number == 0:
        return number
    places = max(digits - (number.adjusted() + 1), 0)
    # Enough precision for every integer digit: the default 28 digits made quantize fail above 1e28 (1e300 F).
    context = getcontext().copy()
    context.prec = max(context.prec, number.adjusted() + places + 2)
    return number.quantize(Decimal(1).scaleb(-places), context=context)


def _plain_number(number: Decimal) -> str:
    """Decimal -> '4.7', '30,000', '-55', '0.0625' (no exponent, no trailing zeros)."""
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    if text in ("-0", "0"):
        sign = ""
    return sign + whole + (f".{fraction}" if fraction else "")


# ---------------------------------------------------------------------------------------------------------
# Free-text extraction internals

_TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9.])(?:±|\+/-)?"
    r"(?P<num>\d{1,3}(?:meg|MEG|[RrKkMGpnuμ])\d{1,3}|\d+/\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d{1,3},\d{1,2}(?= ?[A-Za-zμΩ%欧法亨伏瓦安赫])|\d+(?:\.\d+)?|\.\d+)"  # '3,3V' '0,1 µF': a decimal comma
    r"(?P<tail>[A-Za-zμΩω°%]*(?:/(?:°C|[A-Za-z]+))?(?:[千兆毫微纳皮]?(?:欧姆|欧|法拉|法|亨利|亨|伏特|伏|瓦特|瓦|安培|安|赫兹|赫))?)"
    r"(?![A-Za-z0-9])"
)
_SPACED_UNIT_RE = re.compile(r" ([A-Za-zμΩω°%][A-Za-zΩω°/]*)(?![A-Za-z0-9])")
_BARE_RESISTANCE = frozenset({"k", "M", "G", "meg"})
_BARE_CAPACITANCE = frozenset({"p", "n", "u"})


def _spaced_unit_ok(attached: str, word: str) -> bool:
    """'10 kΩ' joins; '24 h', '3 a day' and '10k resistor' do not."""
    if attached and attached not in _PREFIX_FORMS:
        return False
    return not (len(word) == 1 and (word in "hHs" or (word.islower() and word not in "kmnpuμ")))


def _extract_one(candidate: str) -> tuple[str, float, str] | None:
    """One token -> (attribute key, value, unit), or None when it is not a reportable value."""
    try:
        reading = _read(candidate)
    except UnitError:
        return None
    unit = reading.unit
    if unit is None:
        if reading.default_unit is not None:
            unit = reading.default_unit  # RKM code: 4k7 is resistance, 2n2 capacitance
        elif reading.prefix in _BARE_RESISTANCE:
            unit = "Ω"
        elif reading.prefix in _BARE_CAPACITANCE:
            unit = "F"
        else:
            return None  # a plain number: quantity, package code, year
    if unit == "H" and not reading.prefix:
        return None  # "24h" is hours far more often than henries
    key = _KEY_BY_UNIT.get(unit)
    if key is None:
        return None
    try:
        value, unit = _resolve(reading, unit, candidate)
    except UnitError:
        return None
    return key, float(value), unit


# ---------------------------------------------------------------------------------------------------------
# Thread internals

_THREAD_NUMBER = r"(\d+(?:\.\d+)?)"
_THREAD_RE = re.compile(
    rf"(?<![A-Z0-9.])M{_THREAD_NUMBER}(?:\s*-\s*{_THREAD_NUMBER})?(?:\s*[X×*]\s*{_THREAD_NUMBER})?"
    rf"(?:\s*[X×*]\s*{_THREAD_NUMBER})?(?:\s*MM)?(?![A-Z0-9.])"
)
# ISO 261: coarse pitch first, then the fine pitches, for the common diameters.
_ISO_PITCHES: dict[float, tuple[float, ...]] = {
    1.0: (0.25, 0.2),
    1.2: (0.25, 0.2),
    1.4: (0.3, 0.2),
    1.6: (0.35, 0.2),
    2.0: (0.4, 0.25),
    2.5: (0.45, 0.35),
    3.0: (0.5, 0.35),
    3.5: (0.6, 0.35),
    4.0: (0.7, 0.5),
    5.0: (0.8, 0.5),
    6.0: (1.0, 0.75),
    7.0: (1.0, 0.75),
    8.0: (1.25, 1.0, 0.75),
    10.0: (1.5, 1.25, 1.0, 0.75),
    12.0: (1.75, 1.5, 1.25, 1.0),
    14.0: (2.0, 1.5, 1.25, 1.0),
    16.0: (2.0, 1.5, 1.0),
    18.0: (2.5, 2.0, 1.5, 1.0),
    20.0: (2.5, 2.0, 1.5, 1.0),
    22.0: (2.5, 2.0, 1.5, 1.0),
    24.0: (3.0, 2.0, 1.5, 1.0),
    27.0: (3.0, 2.0, 1.5, 1.0),
    30.0: (3.5, 3.0, 2.0, 1.5, 1.0),
    33.0: (3.5, 3.0, 2.0, 1.5),
    36.0: (4.0, 3.0, 2.0, 1.5),
    39.0: (4.0, 3.0, 2.0, 1.5),
    42.0: (4.5, 4.0, 3.0, 2.0, 1.5),
    45.0: (4.5, 4.0, 3.0, 2.0, 1.5),
    48.0: (5.0, 4.0, 3.0, 2.0, 1.5),
    52.0: (5.0, 4.0, 3.0, 2.0, 1.5),
    56.0: (5.5, 4.0, 3.0, 2.0, 1.5),
    64.0: (6.0, 4.0, 3.0, 2.0, 1.5),
}
_ALL_PITCHES = frozenset(p for pitches in _ISO_PITCHES.values() for p in pitches)


def _is_pitch(diameter: float, number: float) -> bool:
    """Whether 'M{diameter}x{number}' names a pitch (M10x1.25) rather than a length (M3x20)."""
    pitches = _ISO_PITCHES.get(diameter)
    if pitches is not None:
        return number in pitches
    return number in _ALL_PITCHES and number < diameter / 2


# ---------------------------------------------------------------------------------------------------------
# Bearing internals

_BEARING_RE = re.compile(
    r"(?P<prefix>NUP|NJ|NU|NN|NF|N|QJ|UC)?(?P<digits>\d{2,5})(?:/(?P<bore>\d+(?:\.\d+)?)(?![A-Z0-9]))?(?P<rest>.*)"
)
# fmt: off
_BEARING_TYPES: dict[str, tuple[str, ...]] = {
    "deep groove ball bearing": (
        "60", "62", "63", "64", "67", "68", "69", "160", "161", "617", "618", "619", "622", "623", "42", "43",
    ),
    "angular contact ball bearing": ("70", "71", "72", "73", "718", "719", "32", "33", "52", "53", "QJ2", "QJ3"),
    "self-aligning ball bearing": ("12", "13", "22", "23"),
    "spherical roller bearing": ("213", "222", "223", "230", "231", "232", "238", "239", "240", "241", "248", "249"),
    "tapered roller bearing": ("302", "303", "313", "320", "322", "323", "329", "330", "331", "332"),
    "thrust ball bearing": ("511", "512", "513", "514", "522", "523"),
    "cylindrical roller bearing": (
        "N2", "N3", "N4", "N10", "NU2", "NU3", "NU4", "NU10", "NU22", "NU23", "NJ2", "NJ3", "NJ4", "NJ22", "NJ23",
        "NUP2", "NUP3", "NUP22", "NUP23", "NN30", "NF2", "NF3",
    ),
    "insert bearing": ("UC2", "UC3"),
}
_BEARING_SERIES: dict[str, str] = {s: kind for kind, series in _BEARING_TYPES.items() for s in series}
_MINIATURE_SERIES = frozenset({"60", "62", "63", "67", "68", "69", "12", "13"})
_CLOSURES = frozenset({
    "2RS1", "2RS2", "2RSH", "2RSL", "2RSR", "2RS", "RS1", "RSH", "RSR", "RS", "2RZ", "RZ", "2Z", "ZZ", "Z",
    "2ZR", "ZR", "DDU", "DU", "VV", "LLU", "LLB", "LLH", "LU", "LB",
})
_CLEARANCES = frozenset({"C2", "C3", "C4", "C5", "CN", "CM"})
_PRECISIONS = frozenset({"P0", "P6", "P5", "P4", "P2", "P4A", "P2A", "P63", "SP", "UP"})
# Contact angle, cage, preload, arrangement, bore and lubricant codes: kept as suffixes, not interpreted.
_OTHER_SUFFIXES = frozenset({
    "A", "B", "C", "AC", "ACE", "ACD", "CE", "CD", "BE", "BEP", "BECBP", "BECBM", "BECBY", "GA", "GB", "GC",
    "GD", "DB", "DF", "DT", "DBA", "DBB", "E", "EC", "ECP", "ECJ", "ECM", "J", "J2", "M", "MA", "MB", "TN",
    "TN9", "TVP", "TVH", "Y", "K", "N", "NR", "W33", "W", "GJN", "MT33", "HT", "LT", "VA201", "Q", "NSE",
    "2NSE",
})
# fmt: on
_SUFFIX_TOKENS = sorted(_CLOSURES | _CLEARANCES | _PRECISIONS | _OTHER_SUFFIXES, key=len, reverse=True)
# The longest token first, as one regex: a long run of suffix letters ("6205CCCC…") is read in C, not by trying
# every token in Python at every letter (0.7 s for 100,000 letters).
_SUFFIX_TOKEN_RE = re.compile("|".join(map(re.escape, _SUFFIX_TOKENS)))


def _bore_from_code(code: str) -> float | None:
    """ISO 15 bore code: 00=10, 01=12, 02=15, 03=17, 04..96 = code × 5 mm."""
    number = int(code)
    fixed = {0: 10.0, 1: 12.0, 2: 15.0, 3: 17.0}
    if number in fixed:
        return fixed[number]
    return float(number * 5) if number <= 96 else None


def _bearing_suffixes(rest: str) -> tuple[str, ...] | None:
    """'-2RS1/C3' -> ('2RS1', 'C3'); 'CEGA/P4A' -> ('CE', 'GA', 'P4A'); None for long unknown words."""
    tokens: list[str] = []
    for chunk in re.split(r"[\s\-/.]+", rest):
        pos = 0
        while pos < len(chunk):
            found = _SUFFIX_TOKEN_RE.match(chunk, pos)
            if found is None:
                unknown = chunk[pos:]
                if (
                    len(unknown) > 6
                    or not (unknown.isascii() and unknown.isalnum())
                    or (chunk.isalpha() and len(chunk) > 4)
                ):
                    return None  # "6205 BEARING", "6205 轴承": a word, not a designation suffix
                tokens.append(unknown)
                break
            tokens.append(found.group())
            pos = found.end()
    return tuple(tokens)
