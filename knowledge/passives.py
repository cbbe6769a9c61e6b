"""Chip resistors and MLCCs generated from manufacturers' published part-number schemes.

Every product is built by decoding its own part number, so `decode_passive` and the generator can
never disagree. The MPNs follow each maker's ordering-code format; codes the format leaves to the
maker (Murata's 3-character individual specification code, Samsung's thickness letter) use one
representative value per size, so a generated MPN is well-formed but not guaranteed to be orderable.
Commercial data (price breaks, stock) is left empty: another module adds synthetic commerce data.

YAGEO RC series, thick-film chip resistors: ``RC{size}{tol}{pack}-{reel}{value}L``, e.g. RC0603FR-0710KL.
    size 0201 0402 0603 0805 1206 1210 2010 2512 -> 1/20 1/16 1/10 1/8 1/4 1/2 3/4 1 W and
    25 50 75 150 200 200 200 200 V max working voltage; tol F = ±1 %, J = ±5 % (and J with value 0R =
    jumper); pack R = paper tape, K = embossed tape (2010, 2512); reel 07 / 10 / 13 = 7 / 10 / 13 inch,
    7W = 7 inch with double power rating (0603, 0805, 1206); value in RKM code (10K, 4K7, 49R9, 1M, 0R);
    L = lead-free. F covers E96 and E24 values, J covers E24, both 1 Ω to 10 MΩ as in the RC_L datasheet.
    TCR ±200 ppm/°C up to 10 Ω (and for all 0201), ±100 ppm/°C above; -55 °C to +155 °C.
UNI-ROYAL (Uniroyal Elec) thick-film chip resistors: ``{size}{power}{tol}{value}{pack}``, e.g. 0603WAF1002T5E.
    power code 0201 WM, 0402 WG, 0603 WA, 0805 W8, 1206 W4, 1210 W2, 2512 1W (same ratings as RC;
    2010 is left out because its code is not confirmed); tol F = ±1 % with a 4-character value code
    of 3 significant digits + multiplier (1002 = 10 kΩ, 100J = 10 Ω, 100K = 1 Ω: J = ×0.1, K = ×0.01),
    tol J = ±5 % with "0" + 2 digits + multiplier (0103 = 10 kΩ, 010J = 1 Ω); 0000 = jumper;
    pack TEE (0201), TCE (0402), T5E (0603 to 1210), T4E (2512). Values as for RC.
Samsung Electro-Mechanics CL series MLCC: ``CL{size}{dielectric}{cap}{tol}{voltage}{thickness}NNN{pack}``,
    e.g. CL10B104KB8NNNC. size 03 = 0201, 05 = 0402, 10 = 0603, 21 = 0805, 31 = 1206; dielectric C = C0G,
    B = X7R, A = X5R; cap = pF code (104 = 10 × 10^4 pF = 100 nF, 1R0 = 1.0 pF); tol C = ±0.25 pF,
    J = ±5 %, K = ±10 %, M = ±20 %; voltage Q = 6.3, P = 10, O = 16, A = 25, B = 50, C = 100 V;
    thickness 3 / 5 / 8 = 0.3 / 0.5 / 0.8 mm, C = 0.85, F = 1.25, H = 1.6 mm; pack C = paper, E = embossed.
Murata GRM series MLCC: ``GRM{size}{thickness}{dielectric}{voltage}{cap}{tol}{spec}{pack}``, e.g.
    GRM188R71H104KA93D. size 03 = 0201, 15 = 0402, 18 = 0603, 21 = 0805, 31 = 1206; thickness 3 / 5 / 8
    = 0.3 / 0.5 / 0.8 mm, 9 = 0.85, B = 1.25, M = 1.15, C = 1.6 mm; dielectric 5C = C0G, R7 = X7R,
    R6 = X5R; voltage 0J = 6.3, 1A = 10, 1C = 16, 1E = 25, 1H = 50, 2A = 100 V; cap and tol as Samsung;
    spec = individual specification code; pack D = 180 mm paper reel, L = 180 mm embossed reel.
MLCC grid (both makers): E12 values from 1 pF (C0G), 100 pF (X7R) or 1 nF (X5R) up to the largest value
    each size reaches at each rated voltage (table `_MLCC_MAX_PF`, typical of both makers' lines, capped
    at 22 µF); C0G ±0.25 pF below 10 pF and ±5 % above, X7R / X5R in ±10 % and ±20 %.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from knowledge.errors import CatalogError
from knowledge.models import Attribute, Product
from knowledge.units import E12, E24, E96, e_series_values, format_quantity, format_range, parse_quantity

RESISTOR_CATEGORY = "Chip Resistor - Surface Mount"
MLCC_CATEGORY = "Multilayer Ceramic Capacitors MLCC - SMD/SMT"
SKU_PREFIX = "GEN-"


def generate_passives() -> Iterator[Product]:
    """Every generated chip resistor and MLCC; deterministic, sorted by sku."""
    mpns = sorted({*_yageo_mpns(), *_uniroyal_mpns(), *_samsung_mpns(), *_murata_mpns()})
    for mpn in mpns:
        product = decode_passive(mpn)
        if product is None:  # an encoder wrote a code its decoder rejects: a bug here, not bad input
            raise CatalogError(f"generated part number {mpn!r} does not decode", file=__file__)
        yield product


def decode_passive(mpn: str) -> Product | None:
    """A Product decoded from a YAGEO RC, UNI-ROYAL, Samsung CL or Murata GRM part number, else None."""
    code = mpn.strip().upper()
    if code.startswith("RC"):
        return _decode_yageo(code)
    if code.startswith("CL"):
        return _decode_samsung(code)
    if code.startswith("GRM"):
        return _decode_murata(code)
    return _decode_uniroyal(code)


# ---------------------------------------------------------------------------------------------------------
# Chip resistors


@dataclass(frozen=True)
class _ResistorSize:
    """Ratings of one chip size, shared by the RC and UNI-ROYAL thick-film lines."""

    code: str
    metric: str
    power: str  # as datasheets print it: "1/10 W"
    voltage: float
    jumper_current: float


_RESISTOR_SIZES: dict[str, _ResistorSize] = {
    s.code: s
    for s in (
        _ResistorSize("0201", "0603", "1/20", 25.0, 0.5),
        _ResistorSize("0402", "1005", "1/16", 50.0, 1.0),
        _ResistorSize("0603", "1608", "1/10", 75.0, 1.0),
        _ResistorSize("0805", "2012", "1/8", 150.0, 2.0),
        _ResistorSize("1206", "3216", "1/4", 200.0, 2.0),
        _ResistorSize("1210", "3225", "1/2", 200.0, 2.0),
        _ResistorSize("2010", "5025", "3/4", 200.0, 2.0),
        _ResistorSize("2512", "6332", "1", 200.0, 2.0),
    )
}
_DOUBLE_POWER = {"0603": "1/5", "0805": "1/4", "1206": "1/2"}  # RC "7W" reel code
_TOLERANCE_PERCENT = {"F": 1.0, "J": 5.0}
_REELS = {"07": "7-inch", "10": "10-inch", "13": "13-inch", "7W": "7-inch"}
_UNIROYAL_POWER = {"0201": "WM", "0402": "WG", "0603": "WA", "0805": "W8", "1206": "W4", "1210": "W2", "2512": "1W"}
_UNIROYAL_PACK = {"0201": "TEE", "0402": "TCE", "2512": "T4E"}  # T5E otherwise
_MULTIPLIER_LETTERS = {"J": -1, "K": -2, "L": -3, "M": -4}


@lru_cache(maxsize=1)
def _resistor_values() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(±1 % values: E96 and E24, ±5 % values: E24), 1 Ω to 10 MΩ."""
    one_percent = tuple(sorted(set(e_series_values(E96, 1, 1e7)) | set(e_series_values(E24, 1, 1e7))))
    return one_percent, tuple(e_series_values(E24, 1, 1e7))


def _yageo_mpns() -> Iterator[str]:
    """RC{size}{tol}{pack}-{reel}{value}L for every size, tolerance, reel and value."""
    one_percent, five_percent = _resistor_values()
    for size in _RESISTOR_SIZES:
        pack = "K" if size in ("2010", "2512") else "R"
        reels = ["07", "10", "13"] + (["7W"] if size in _DOUBLE_POWER else [])
        for reel in reels:
            for tol, values in (("F", one_percent), ("J", five_percent)):
                for ohms in values:
                    yield f"RC{size}{tol}{pack}-{reel}{_rkm(ohms)}L"
            yield f"RC{size}J{pack}-{reel}0RL"


def _uniroyal_mpns() -> Iterator[str]:
    """{size}{power}{tol}{value}{pack} for every size, tolerance and value."""
    one_percent, five_percent = _resistor_values()
    for size, power in _UNIROYAL_POWER.items():
        pack = _UNIROYAL_PACK.get(size, "T5E")
        for ohms in one_percent:
            yield f"{size}{power}F{_uniroyal_code(ohms, 3)}{pack}"
        for ohms in five_percent:
            yield f"{size}{power}J0{_uniroyal_code(ohms, 2)}{pack}"
        yield f"{size}{power}F0000{pack}"


_YAGEO_RE = re.compile(r"RC(\d{4})([FJ])([RK])-(07|10|13|7W)(\d+[RKM]\d*)L")
_UNIROYAL_RE = re.compile(r"(\d{4})(WM|WG|WA|W8|W4|W2|1W)([FJ])([0-9]{3}[0-9JKLM])(TEE|TCE|T5E|T4E)")


def _decode_yageo(code: str) -> Product | None:
    match = _YAGEO_RE.fullmatch(code)
    if match is None or match.group(1) not in _RESISTOR_SIZES:
        return None
    size_code, tol, pack, reel, value_code = match.groups()
    if reel == "7W" and size_code not in _DOUBLE_POWER:
        return None
    ohms = parse_quantity(value_code, "Ω")[0]
    size = _RESISTOR_SIZES[size_code]
    power = _DOUBLE_POWER[size_code] if reel == "7W" else size.power
    tape = "embossed tape" if pack == "K" else "paper tape"
    return _resistor(
        mpn=code,
        manufacturer="YAGEO",
        size=size,
        ohms=ohms,
        tol=tol,
        power=power,
        packing=f"{tape} on {_REELS[reel]} reel, lead-free",
        source="generated from the YAGEO RC-series part-number scheme",
        value_code=value_code,
    )


def _decode_uniroyal(code: str) -> Product | None:
    match = _UNIROYAL_RE.fullmatch(code)
    if match is None:
        return None
    size_code, power_code, tol, value_code, pack = match.groups()
    if _UNIROYAL_POWER.get(size_code) != power_code or _UNIROYAL_PACK.get(size_code, "T5E") != pack:
        return None
    if value_code == "0000":
        ohms = 0.0
    elif tol == "J" and value_code[0] != "0":
        return None
    else:
        digits = value_code[:3] if tol == "F" else value_code[1:3]
        last = value_code[3]
        exponent = int(last) if last.isdigit() else _MULTIPLIER_LETTERS[last]
        ohms = float(Decimal(digits).scaleb(exponent))
    return _resistor(
        mpn=code,
        manufacturer="UNI-ROYAL(Uniroyal Elec)",
        size=_RESISTOR_SIZES[size_code],
        ohms=ohms,
        tol=tol,
        power=_RESISTOR_SIZES[size_code].power,
        packing=f"tape and reel ({pack})",
        source="generated from the UNI-ROYAL chip-resistor part-number scheme",
        value_code=value_code,
    )


def _resistor(
    *,
    mpn: str,
    manufacturer: str,
    size: _ResistorSize,
    ohms: float,
    tol: str,
    power: str,
    packing: str,
    source: str,
    value_code: str,
) -> Product:
    """The Product for one decoded thick-film chip resistor."""
    power_attr, voltage_attr, package_attr = _size_attributes(size.code, power)
    temperature = _temperature_attribute(-55.0, 155.0)
    volts = voltage_attr.raw
    attributes: tuple[Attribute, ...]
    if ohms == 0:
        current = _fmt(size.jumper_current, "A")
        name = f"0 Ω jumper {size.code} thick film chip resistor"
        attributes = (
            _resistance_attribute(0.0, value_code),
            Attribute("current_rating", current, size.jumper_current, "A", label="jumper rated current"),
            power_attr,
            voltage_attr,
            temperature,
            package_attr,
        )
        rating = f"zero-ohm jumper, {current} rated current"
    else:
        resistance = _resistance_attribute(ohms, value_code)
        tolerance = _tolerance_attribute(tol)
        tcr = _tcr_attribute(200.0 if ohms <= 10 or size.code == "0201" else 100.0)
        watts = _fmt(power_attr.value or 0.0, "W")
        name = f"{resistance.raw} {tolerance.raw} {watts} {size.code} thick film chip resistor"
        attributes = (resistance, tolerance, power_attr, voltage_attr, tcr, temperature, package_attr)
        fraction = f" ({power_attr.raw})" if "/" in power else ""
        rating = f"{resistance.raw} {tolerance.raw}, {watts}{fraction}, {tcr.raw}"
    description = (
        f"{manufacturer} {mpn} thick film chip resistor (厚膜贴片电阻): {rating}, {volts} max working voltage, "
        f"{temperature.raw}, {size.code} ({size.metric} metric), {packing}."
    )
    return Product(
        sku=SKU_PREFIX + mpn,
        mpn=mpn,
        manufacturer=manufacturer,
        category=RESISTOR_CATEGORY,
        name=name,
        description=description,
        package=size.code,
        attributes=attributes,
        source=source,
    )


# Attribute records are immutable, so the few thousand distinct ones are shared across 33k resistors.
@cache
def _size_attributes(size_code: str, power: str) -> tuple[Attribute, Attribute, Attribute]:
    """(power, max working voltage, package) of one size and power code."""
    size = _RESISTOR_SIZES[size_code]
    return (
        Attribute("power", f"{power} W", _fraction(power), "W", label="power rating"),
        Attribute("voltage_rating", _fmt(size.voltage, "V"), size.voltage, "V", label="max working voltage"),
        Attribute("package", size.code, label="size code"),
    )


@cache
def _resistance_attribute(ohms: float, value_code: str) -> Attribute:
    raw = "0 Ω (jumper)" if ohms == 0 else _fmt(ohms, "Ω")
    return Attribute("resistance", raw, ohms, "Ω", label=f"value code {value_code}")


@cache
def _tolerance_attribute(tol: str) -> Attribute:
    percent = _TOLERANCE_PERCENT[tol]
    return Attribute("tolerance", f"±{percent:g}%", percent, "%", label=f"tolerance code {tol}")


@cache
def _tcr_attribute(tcr: float) -> Attribute:
    return Attribute("temperature_coefficient", f"±{tcr:g} ppm/°C", tcr, "ppm/°C", label="TCR")


@cache
def _temperature_attribute(low: float, high: float) -> Attribute:
    return Attribute("temperature_range", format_range(low, high, "°C"), low, "°C", high, "operating temperature")


def _rkm(ohms: float) -> str:
    """RC value code: 10000 -> '10K', 4700 -> '4K7', 49.9 -> '49R9', 1e6 -> '1M', 100 -> '100R'."""
    value = Decimal(repr(ohms))
    for letter, exponent in (("M", 6), ("K", 3), ("R", 0)):
        if value >= Decimal(1).scaleb(exponent) or letter == "R":
            text = format(value.scaleb(-exponent).normalize(), "f")
            return text.replace(".", letter) if "." in text else text + letter
    raise AssertionError("unreachable")  # pragma: no cover


def _uniroyal_code(ohms: float, digits: int) -> str:
    """`digits` significant digits + multiplier: (10000, 3) -> '1002', (10, 3) -> '100J', (10000, 2) -> '103'."""
    value = Decimal(repr(ohms))
    exponent = value.adjusted() - (digits - 1)
    mantissa = value.scaleb(-exponent)
    if mantissa != mantissa.to_integral_value():
        raise CatalogError(f"{ohms} Ω needs more than {digits} significant digits", file=__file__)
    letters = {v: k for k, v in _MULTIPLIER_LETTERS.items()}
    return f"{int(mantissa)}{exponent if exponent >= 0 else letters[exponent]}"


# ---------------------------------------------------------------------------------------------------------
# MLCCs


@dataclass(frozen=True)
class _Dielectric:
    name: str
    low_c: float
    high_c: float
    tempco: str  # capacitance change over the range, as datasheets state it


_DIELECTRICS = {
    "C0G": _Dielectric("C0G", -55.0, 125.0, "0 ±30 ppm/°C"),
    "X7R": _Dielectric("X7R", -55.0, 125.0, "±15 %"),
    "X5R": _Dielectric("X5R", -55.0, 85.0, "±15 %"),
}
_MLCC_METRIC = {"0201": "0603", "0402": "1005", "0603": "1608", "0805": "2012", "1206": "3216"}
_K, _M = 1_000.0, 1_000_000.0  # nF and µF in pF
# Largest capacitance in pF per dielectric, size and rated voltage (typical of both makers' catalogs).
_MLCC_MAX_PF: dict[str, dict[str, dict[float, float]]] = {
    "C0G": {
        "0201": {50: 100, 25: 1 * _K},
        "0402": {100: 1 * _K, 50: 10 * _K},
        "0603": {100: 4.7 * _K, 50: 47 * _K, 25: 100 * _K},
        "0805": {100: 22 * _K, 50: 100 * _K, 25: 220 * _K},
        "1206": {100: 47 * _K, 50: 220 * _K, 25: 470 * _K},
    },
    "X7R": {
        "0201": {50: 1 * _K, 25: 4.7 * _K, 16: 10 * _K, 10: 22 * _K, 6.3: 47 * _K},
        "0402": {100: 4.7 * _K, 50: 100 * _K, 25: 100 * _K, 16: 220 * _K, 10: 1 * _M, 6.3: 1 * _M},
        "0603": {100: 100 * _K, 50: 1 * _M, 25: 1 * _M, 16: 2.2 * _M, 10: 4.7 * _M, 6.3: 10 * _M},
        "0805": {100: 470 * _K, 50: 2.2 * _M, 25: 4.7 * _M, 16: 10 * _M, 10: 10 * _M, 6.3: 22 * _M},
        "1206": {100: 1 * _M, 50: 4.7 * _M, 25: 10 * _M, 16: 22 * _M, 10: 22 * _M, 6.3: 22 * _M},
    },
    "X5R": {
        "0201": {25: 100 * _K, 16: 220 * _K, 10: 470 * _K, 6.3: 1 * _M},
        "0402": {50: 220 * _K, 25: 1 * _M, 16: 2.2 * _M, 10: 4.7 * _M, 6.3: 10 * _M},
        "0603": {50: 1 * _M, 25: 4.7 * _M, 16: 10 * _M, 10: 22 * _M, 6.3: 22 * _M},
        "0805": {50: 4.7 * _M, 25: 22 * _M, 16: 22 * _M, 10: 22 * _M, 6.3: 22 * _M},
        "1206": {50: 10 * _M, 25: 22 * _M, 16: 22 * _M, 10: 22 * _M, 6.3: 22 * _M},
    },
}
_MLCC_MIN_PF = {"C0G": 1.0, "X7R": 100.0, "X5R": 1 * _K}
_CAP_TOLERANCES = {
    "C": (0.25e-12, "F", "±0.25 pF"),
    "J": (5.0, "%", "±5%"),
    "K": (10.0, "%", "±10%"),
    "M": (20.0, "%", "±20%"),
}

_SAMSUNG_SIZES = {"03": "0201", "05": "0402", "10": "0603", "21": "0805", "31": "1206"}
_SAMSUNG_DIELECTRICS = {"C": "C0G", "B": "X7R", "A": "X5R"}
_SAMSUNG_VOLTAGES = {"Q": 6.3, "P": 10.0, "O": 16.0, "A": 25.0, "L": 35.0, "B": 50.0, "C": 100.0}
_SAMSUNG_THICKNESS = {"3": 0.3, "5": 0.5, "8": 0.8, "C": 0.85, "F": 1.25, "H": 1.6}
_MURATA_SIZES = {"03": "0201", "15": "0402", "18": "0603", "21": "0805", "31": "1206"}
_MURATA_DIELECTRICS = {"5C": "C0G", "R7": "X7R", "R6": "X5R"}
_MURATA_VOLTAGES = {"0J": 6.3, "1A": 10.0, "1C": 16.0, "1E": 25.0, "1V": 35.0, "1H": 50.0, "2A": 100.0}
_MURATA_THICKNESS = {"3": 0.3, "5": 0.5, "8": 0.8, "9": 0.85, "M": 1.15, "B": 1.25, "C": 1.6}
# Individual specification codes: Murata-internal; one representative (real) code per size and dielectric.
_MURATA_SPEC = {("18", "R7"): "A93", ("15", "R7"): "A88", ("21", "R6"): "A73", ("31", "R6"): "E15"}


@dataclass(frozen=True)
class _MlccSpec:
    size: str  # imperial code
    dielectric: str
    voltage: float
    picofarads: float
    tolerance: str


def _mlcc_grid() -> Iterator[_MlccSpec]:
    """Every (size, dielectric, voltage, value, tolerance) the capability table allows."""
    values = e_series_values(E12, 1.0, 22 * _M)
    for dielectric, sizes in _MLCC_MAX_PF.items():
        for size, by_voltage in sizes.items():
            for voltage, max_pf in by_voltage.items():
                for pf in values:
                    if not _MLCC_MIN_PF[dielectric] <= pf <= max_pf * (1 + 1e-9):
                        continue
                    if dielectric == "C0G":
                        tolerances: tuple[str, ...] = ("C",) if pf < 10 else ("J",)
                    else:
                        tolerances = ("K", "M")
                    for tol in tolerances:
                        yield _MlccSpec(size, dielectric, voltage, pf, tol)


def _samsung_mpns() -> Iterator[str]:
    sizes = {v: k for k, v in _SAMSUNG_SIZES.items()}
    dielectrics = {v: k for k, v in _SAMSUNG_DIELECTRICS.items()}
    voltages = {v: k for k, v in _SAMSUNG_VOLTAGES.items()}
    for spec in _mlcc_grid():
        thickness = {"0201": "3", "0402": "5", "0603": "8"}.get(spec.size)
        if thickness is None:
            thickness = "C" if spec.picofarads <= 220 * _K else ("F" if spec.size == "0805" else "H")
        pack = "C" if _SAMSUNG_THICKNESS[thickness] <= 0.85 else "E"
        yield (
            f"CL{sizes[spec.size]}{dielectrics[spec.dielectric]}{_cap_code(spec.picofarads)}{spec.tolerance}"
            f"{voltages[spec.voltage]}{thickness}NNN{pack}"
        )


def _murata_mpns() -> Iterator[str]:
    sizes = {v: k for k, v in _MURATA_SIZES.items()}
    dielectrics = {v: k for k, v in _MURATA_DIELECTRICS.items()}
    voltages = {v: k for k, v in _MURATA_VOLTAGES.items()}
    for spec in _mlcc_grid():
        thickness = {"0201": "3", "0402": "5", "0603": "8"}.get(spec.size)
        if thickness is None:
            small = spec.picofarads <= 220 * _K
            thickness = ("9" if small else "B") if spec.size == "0805" else ("M" if small else "C")
        size, dielectric = sizes[spec.size], dielectrics[spec.dielectric]
        spec_code = _MURATA_SPEC.get((size, dielectric), "A01")
        pack = "D" if _MURATA_THICKNESS[thickness] <= 0.85 else "L"
        yield (
            f"GRM{size}{thickness}{dielectric}{voltages[spec.voltage]}{_cap_code(spec.picofarads)}"
            f"{spec.tolerance}{spec_code}{pack}"
        )


_SAMSUNG_RE = re.compile(r"CL(03|05|10|21|31)([CBA])(\d{3}|\dR\d)([CJKM])([QPOALBC])([0-9A-Z])([A-Z]{3})([A-Z])")
_MURATA_RE = re.compile(
    r"GRM(03|15|18|21|31)([0-9A-Z])(5C|R7|R6)(0J|1A|1C|1E|1V|1H|2A)(\d{3}|\dR\d)([CJKM])([0-9A-Z]{3})([A-Z#])"
)


def _decode_samsung(code: str) -> Product | None:
    match = _SAMSUNG_RE.fullmatch(code)
    if match is None:
        return None
    size_code, diel, cap, tol, volt, thick, _, pack = match.groups()
    thickness = _SAMSUNG_THICKNESS.get(thick)
    packing = "paper tape" if pack == "C" else "embossed tape" if pack == "E" else f"packaging code {pack}"
    return _mlcc(
        mpn=code,
        manufacturer="Samsung Electro-Mechanics",
        size=_SAMSUNG_SIZES[size_code],
        dielectric=_SAMSUNG_DIELECTRICS[diel],
        cap_code=cap,
        tol=tol,
        voltage=_SAMSUNG_VOLTAGES[volt],
        thickness=thickness,
        packing=f"{packing}, 7-inch reel",
        source="generated from the Samsung Electro-Mechanics CL-series part-number scheme",
        aliases=(),
    )


def _decode_murata(code: str) -> Product | None:
    match = _MURATA_RE.fullmatch(code)
    if match is None:
        return None
    size_code, thick, diel, volt, cap, tol, _, pack = match.groups()
    packing = {
        "D": "180 mm paper tape reel",
        "L": "180 mm embossed tape reel",
        "J": "330 mm paper tape reel",
        "K": "330 mm embossed tape reel",
    }.get(pack, f"packaging code {pack}")
    return _mlcc(
        mpn=code,
        manufacturer="Murata Electronics",
        size=_MURATA_SIZES[size_code],
        dielectric=_MURATA_DIELECTRICS[diel],
        cap_code=cap,
        tol=tol,
        voltage=_MURATA_VOLTAGES[volt],
        thickness=_MURATA_THICKNESS.get(thick),
        packing=packing,
        source="generated from the Murata GRM-series part-number scheme",
        aliases=(code[:-1] + "#",),  # Murata's own site writes the packaging letter as '#'
    )


def _mlcc(
    *,
    mpn: str,
    manufacturer: str,
    size: str,
    dielectric: str,
    cap_code: str,
    tol: str,
    voltage: float,
    thickness: float | None,
    packing: str,
    source: str,
    aliases: Iterable[str],
) -> Product:
    """The Product for one decoded MLCC."""
    farads = _cap_farads(cap_code)
    capacitance = _fmt(farads, "F")
    tol_value, tol_unit, tol_raw = _CAP_TOLERANCES[tol]
    diel = _DIELECTRICS[dielectric]
    temperature = _temperature_attribute(diel.low_c, diel.high_c)
    attributes = [
        Attribute("capacitance", capacitance, farads, "F", label=f"capacitance code {cap_code}"),
        Attribute("tolerance", tol_raw, tol_value, tol_unit, label=f"tolerance code {tol}"),
        Attribute("voltage_rating", _fmt(voltage, "V"), voltage, "V", label="rated voltage"),
        Attribute("dielectric", dielectric, label="temperature characteristic"),
    ]
    if dielectric == "C0G":
        attributes.append(
            Attribute("temperature_coefficient", diel.tempco, 30.0, "ppm/°C", label="temperature coefficient")
        )
    attributes += [temperature, Attribute("package", size, label="size code")]
    height = f", {thickness:g} mm thick" if thickness is not None else ""
    name = f"{capacitance} {tol_raw} {_fmt(voltage, 'V')} {dielectric} {size} MLCC"
    description = (
        f"{manufacturer} {mpn} multilayer ceramic chip capacitor (贴片电容 MLCC): {capacitance} {tol_raw}, "
        f"{_fmt(voltage, 'V')}, {dielectric} ({temperature.raw}, {diel.tempco}), {size} ({_MLCC_METRIC[size]} "
        f"metric){height}, {packing}."
    )
    return Product(
        sku=SKU_PREFIX + mpn,
        mpn=mpn,
        manufacturer=manufacturer,
        category=MLCC_CATEGORY,
        name=name,
        description=description,
        package=size,
        attributes=tuple(attributes),
        source=source,
        aliases=tuple(aliases),
    )


def _cap_code(picofarads: float) -> str:
    """pF -> 3-character code: 100000 -> '104', 4.7 -> '4R7', 10 -> '100', 1 -> '1R0'."""
    value = Decimal(repr(picofarads))
    if value < 10:
        text = format(value.quantize(Decimal("0.1")), "f")
        return text.replace(".", "R")
    exponent = value.adjusted() - 1
    return f"{int(value.scaleb(-exponent))}{exponent}"


def _cap_farads(code: str) -> float:
    """'104' -> 1e-7 F, '1R0' -> 1e-12 F (the code counts picofarads)."""
    picofarads = Decimal(code.replace("R", ".")) if "R" in code else Decimal(code[:2]).scaleb(int(code[2]))
    return float(picofarads.scaleb(-12))


# ---------------------------------------------------------------------------------------------------------
# Shared helpers


@lru_cache(maxsize=4096)
def _fmt(value: float, unit: str) -> str:
    """format_quantity, cached: the same few thousand values repeat across 40k products."""
    return format_quantity(value, unit)


def _fraction(text: str) -> float:
    """'1/16' -> 0.0625, '1' -> 1.0."""
    numerator, _, denominator = text.partition("/")
    return float(Decimal(numerator) / Decimal(denominator or 1))
