"""What a passive part's ordering code says: size, value, tolerance, voltage and dielectric, read from the makers'
published part-numbering systems, so that a BOM's MPN the catalog does not list still states its part.

A BOM line "RS-05K6802FT, 100R, R0805" (Fenghua) names a 68 kΩ resistor: the value column contradicts it, and the
line is a decision, not a 100 Ω match. "GRM155R61A105KE15D" on a line without a value is a 1 µF 10 V X5R 0402
MLCC: a parametric match can use all of that. Table-driven, one entry per maker family; `decode_mpn` returns None
for any code it does not recognise (never a guess). Checked against every listing of these families in the
shipped catalog (tests/unit/test_mpn_codes.py: decoded facts agree with what each listing states).

| family | example | reads |
|---|---|---|
| Samsung CL (MLCC) | CL10A106KP8NNNC | 0603, X5R, 10 µF, ±10 %, 10 V |
| Murata GRM / GCM / GCJ / GJM / GRT / ZRB | GRM188R61A106KE69D | 0603, X5R, 10 V, 10 µF, ±10 % |
| Yageo CC / AC (MLCC) | CC0603KRX7R9BB104 | 0603, ±10 %, X7R, 50 V, 100 nF |
| Kemet C (MLCC) | C0805C225K4RACTU, C0805X104K5RAC (flexible termination) | 0805, 2.2 µF, ±10 %, 16 V, X7R |
| TDK C (MLCC) | C1608X5R1A106K080AC | 0603, X5R, 10 V, 10 µF, ±10 % |
| TDK CGA (automotive MLCC) | CGA3E1X7R1V105K080AE | 0603, X7R, 35 V, 1 µF, ±10 % |
| Taiyo Yuden (MLCC) | LMK107BJ475KA-T | 10 V, 0603, X5R, 4.7 µF, ±10 % |
| Kyocera AVX (MLCC) | 06031C104MAT2A | 0603, 100 V, X7R, 100 nF, ±20 % |
| Walsin / Fenghua / CCTC style (MLCC) | 0603B104K500NT, TCC0603X7R104K500CT | 0603, X7R, 100 nF, ±10 %, 50 V |
| Yageo RC / AC (resistor) | RC0603FR-0710KL | 0603, ±1 %, 10 kΩ |
| Yageo RT / AT (thin film) | RT0603DRD071K8L | 0603, ±0.5 %, 1.8 kΩ |
| UNI-ROYAL (resistor) | 0603WAF1002T5E | 0603, ±1 %, 10 kΩ |
| FOJAN FRC (resistor) | FRC0805F10R0TS | 0805, ±1 %, 10 Ω |
| Panasonic ERJ (resistor) | ERJ-3EKF1002V | 0603, ±1 %, 10 kΩ |
| Vishay CRCW / WSL (resistor) | CRCW060310K0FKEA, WSL2512R0010FEA | 0603, 10 kΩ, ±1 % / 2512, 1 mΩ, ±1 % |
| Walsin WR (resistor) | WR06X1002FTL | 0603, 10 kΩ, ±1 % |
| Fenghua RS (resistor) | RS-05K6802FT | 0805, 68 kΩ, ±1 % |
| Viking AR (thin-film resistor) | AR03BTC1002 | 0603, ±0.1 %, 10 kΩ |
| Bourns CR (resistor) | CR1206-JW-120ELF, CR0402-FX-4703GLF | 1206, ±5 %, 12 Ω / 0402, ±1 %, 470 kΩ |
| Stackpole RMCF / RNCP (resistor) | RNCP0603FTD1K00 | 0603, ±1 %, 1 kΩ |
| KOA RK73 / RN73 (resistor) | RK73B2ATTD101J, RN73R2ATD1004D25 | 0805, 100 Ω, ±5 % / 0805, 1 MΩ, ±0.5 % |
| Susumu RR (thin-film resistor) | RR1220P-302-D | 0805, 3 kΩ, ±0.5 % |
| Panasonic ERA (thin-film resistor) | ERA-2VEB1003X | 0402, ±0.1 %, 100 kΩ |
| ROHM MCR / ESR / KTR / SFR (resistor) | ESR03EZPD1002, MCR01MZPJ103 | 0603, 10 kΩ, ±0.5 % / 0402, 10 kΩ, ±5 % |
| TE CRG / TT Welwyn WCR (resistor) | CRG0805J470R, WCR0805-1K8FI | 0805, 470 Ω, ±5 % / 0805, 1.8 kΩ, ±1 % |
| KEMET T491 (tantalum, standard) | T491D227M010AT | case D, 220 µF, ±20 %, 10 V |
| AVX TAJ (tantalum, standard) | TAJB106K016RNJ | case B, 10 µF, ±10 %, 16 V |
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DecodedPart:
    """What an ordering code states. `values` hold (attribute key, value, unit) in the catalog's vocabulary."""

    family: str
    kind: str  # "resistor" | "capacitor"
    package: str  # EIA inch size code: "0603"
    values: tuple[tuple[str, float, str], ...]
    dielectric: str = ""  # canonical: C0G, X5R, X7R ...
    kind_words: str = ""  # what the code says the part is beyond its kind: 'tantalum'

    def value(self, key: str) -> float | None:
        return next((v for k, v, _ in self.values if k == key), None)


# EIA tolerance letters: the ordering codes here, and a BOM's tolerance column (knowledge/bom_match.py)
TOLERANCE_LETTERS = {"A": 0.05, "B": 0.1, "C": 0.25, "D": 0.5, "F": 1.0, "G": 2.0, "J": 5.0, "K": 10.0, "M": 20.0}
_PF_TOLERANCE = {"B": 0.1, "C": 0.25, "D": 0.5}  # absolute pF tolerances of small capacitors: not a % figure
_METRIC = {"0402": "01005", "0603": "0201", "1005": "0402", "1608": "0603", "2012": "0805", "3216": "1206",
           "3225": "1210", "4532": "1812", "5750": "2220"}  # fmt: skip


def _pf(code: str) -> float | None:
    """A 3-character EIA capacitance code in farads: '104' -> 100 nF, '1R5' -> 1.5 pF, '010' -> 1 pF."""
    if re.fullmatch(r"\d{3}", code):  # EIA: a third digit of 8 or 9 multiplies by 0.01 or 0.1 ('479' = 4.7 pF)
        return int(code[:2]) * {"8": 0.01, "9": 0.1}.get(code[2], 10 ** int(code[2])) * 1e-12
    if re.fullmatch(r"\d?R\d{1,2}|\dR\d", code):
        return float(code.replace("R", ".")) * 1e-12
    return None


def _ohms_digits(code: str) -> float | None:
    """'103' -> 10 kΩ, '1002' -> 10 kΩ, '0473' -> 47 kΩ, '4R7' -> 4.7 Ω, 'R010' -> 10 mΩ, '0' / '000' -> 0 Ω."""
    if re.fullmatch(r"0+|0R0+", code):
        return 0.0
    if "R" in code and re.fullmatch(r"\d*R\d*", code):
        return float(code.replace("R", "."))
    if re.fullmatch(r"\d{3,4}", code):
        return int(code[:-1]) * 10 ** int(code[-1])
    return None


def _ohms_rkm(code: str) -> float | None:
    """RKM values: '10K' -> 10 kΩ, '4K7' / '4K70' -> 4.7 kΩ, '100R' -> 100 Ω, '1M' -> 1 MΩ, '0R' -> 0 Ω."""
    m = re.fullmatch(r"(\d*)([RKM])(\d*)", code)
    if m is None or not (m.group(1) or m.group(3)):
        return None
    number = float(f"{m.group(1) or '0'}.{m.group(3) or '0'}")
    return number * {"R": 1.0, "K": 1e3, "M": 1e6}[m.group(2)]


def _cap(
    family: str, package: str, farads: float | None, tolerance: str, volts: float | None, dielectric: str
) -> DecodedPart | None:
    if farads is None or not package:
        return None
    values: list[tuple[str, float, str]] = [("capacitance", farads, "F")]
    if tolerance in TOLERANCE_LETTERS and not (tolerance in _PF_TOLERANCE and farads < 10e-12):
        values.append(("tolerance", TOLERANCE_LETTERS[tolerance], "%"))
    if volts is not None:
        values.append(("voltage_rating", volts, "V"))
    return DecodedPart(family, "capacitor", package, tuple(values), dielectric)


def _res(family: str, package: str, ohms: float | None, tolerance: str) -> DecodedPart | None:
    if ohms is None or not package:
        return None
    values: list[tuple[str, float, str]] = [("resistance", ohms, "Ω")]
    if tolerance in TOLERANCE_LETTERS and ohms > 0:
        values.append(("tolerance", TOLERANCE_LETTERS[tolerance], "%"))
    return DecodedPart(family, "resistor", package, tuple(values))


# --- capacitors -------------------------------------------------------------------------------------------

_SAMSUNG = re.compile(r"CL(03|05|10|21|31|32|43|55)([ABCFXYZ])(\d{3}|\dR\d|R\d{2})([A-DFGJKMZ])([A-Z])[A-Z0-9]{2,6}")
_SAMSUNG_SIZE = {"03": "0201", "05": "0402", "10": "0603", "21": "0805", "31": "1206", "32": "1210", "43": "1812",
                 "55": "2220"}  # fmt: skip
_SAMSUNG_TC = {"A": "X5R", "B": "X7R", "C": "C0G", "F": "Y5V", "X": "X6S", "Y": "X7S", "Z": "X7T"}
_SAMSUNG_V = {"R": 4, "Q": 6.3, "P": 10, "O": 16, "A": 25, "L": 35, "B": 50, "C": 100, "D": 200, "E": 250, "G": 500,
              "H": 630, "I": 1000, "J": 2000, "K": 3000}  # fmt: skip


def _samsung(m: re.Match[str]) -> DecodedPart | None:
    return _cap("Samsung CL", _SAMSUNG_SIZE[m[1]], _pf(m[3]), m[4], _SAMSUNG_V.get(m[5]), _SAMSUNG_TC[m[2]])


_MURATA = re.compile(
    r"(GRM|GCM|GCJ|GJM|GRT|GCQ|GQM|ZRB)(\d{2})[0-9A-Z]([0-9A-Z]{2})(\d[A-Z]|Y[A-Z])(\d{3}|\dR\d|R\d{2})([A-Z])"
)
_MURATA_SIZE = {"02": "01005", "03": "0201", "15": "0402", "18": "0603", "21": "0805", "31": "1206", "32": "1210",
                "43": "1812", "55": "2220"}  # fmt: skip
_MURATA_TC = {"5C": "C0G", "R6": "X5R", "R7": "X7R", "C7": "X7S", "C8": "X6S", "D7": "X7T", "F5": "Y5V", "E7": "X7U"}
_MURATA_V = {"0E": 2.5, "0G": 4, "0J": 6.3, "1A": 10, "1C": 16, "1E": 25, "YA": 35, "1V": 35, "1H": 50, "2A": 100,
             "2D": 200, "2E": 250, "2W": 450, "2J": 630}  # fmt: skip


def _murata(m: re.Match[str]) -> DecodedPart | None:
    if m[2] not in _MURATA_SIZE or m[3] not in _MURATA_TC:
        return None
    return _cap(f"Murata {m[1]}", _MURATA_SIZE[m[2]], _pf(m[5]), m[6], _MURATA_V.get(m[4]), _MURATA_TC[m[3]])


_YAGEO_CC = re.compile(
    r"(?:CC|AC)(0201|0402|0603|0805|1206|1210|1812)([A-Z])[A-Z](NPO|X7R|X5R|Y5V|X6S|X7S|X8R)(\d)[A-Z]{2}(\d{3}|\dR\d)"
)
_YAGEO_V = {"4": 4, "5": 6.3, "6": 10, "7": 16, "8": 25, "9": 50, "0": 100, "1": 200, "2": 500, "3": 1000}


def _yageo_cc(m: re.Match[str]) -> DecodedPart | None:
    dielectric = "C0G" if m[3] == "NPO" else m[3]
    return _cap("Yageo CC", m[1], _pf(m[5]), m[2], _YAGEO_V.get(m[4]), dielectric)


# C = standard, X = flexible termination (C0805X104K5RAC…), J = high-temperature solder: one value code
_KEMET = re.compile(r"C(0201|0402|0603|0805|1206|1210|1812|2220)[CXJ](\d{3}|\dR\d)([A-Z])([0-9A-Z])([GRPUV])")
_KEMET_V = {"9": 6.3, "8": 10, "4": 16, "3": 25, "6": 35, "5": 50, "1": 100, "2": 200, "A": 250}
_KEMET_TC = {"G": "C0G", "R": "X7R", "P": "X5R", "U": "Z5U", "V": "Y5V"}


def _kemet(m: re.Match[str]) -> DecodedPart | None:
    return _cap("Kemet C", m[1], _pf(m[2]), m[3], _KEMET_V.get(m[4]), _KEMET_TC[m[5]])


_TDK = re.compile(
    r"C(0603|1005|1608|2012|3216|3225|4532|5750)(C0G|X5R|X7R|X6S|X7S|X7T|X8R|NP0|CH)(0G|0J|1A|1C|1E|1V|1H|2A|2E)(\d{3}|\dR\d)([A-Z])"
)
_TDK_V = {"0G": 4, "0J": 6.3, "1A": 10, "1C": 16, "1E": 25, "1V": 35, "1H": 50, "2A": 100, "2E": 250}


def _tdk(m: re.Match[str]) -> DecodedPart | None:
    dielectric = "C0G" if m[2] in ("C0G", "NP0", "CH") else m[2]
    return _cap("TDK C", _METRIC[m[1]], _pf(m[4]), m[5], _TDK_V[m[3]], dielectric)


# TDK's automotive and mid-voltage series: size digit (3 = 1608 / 0603 ... 9 = 5750), thickness letter and a digit,
# then as the C series ('CGA3E1X7R1V105K080AE': 0603, X7R, 35 V, 1 µF, ±10 %)
_TDK_CGA = re.compile(
    r"(?:CGA|CGJ|CNA|CNC)([2-9])[A-Z]\d(C0G|X5R|X7R|X6S|X7S|X7T|X8R|NP0|CH)(0G|0J|1A|1C|1E|1V|1H|2A|2E)(\d{3}|\dR\d)([A-Z])"
)
_TDK_CGA_SIZE = {"2": "0402", "3": "0603", "4": "0805", "5": "1206", "6": "1210", "8": "1812", "9": "2220"}


def _tdk_cga(m: re.Match[str]) -> DecodedPart | None:
    if m[1] not in _TDK_CGA_SIZE:
        return None
    dielectric = "C0G" if m[2] in ("C0G", "NP0", "CH") else m[2]
    return _cap("TDK CGA", _TDK_CGA_SIZE[m[1]], _pf(m[4]), m[5], _TDK_V[m[3]], dielectric)


_AVX = re.compile(
    r"(0201|0402|0603|0805|1206|1210|1812|2220)([46ZY3D5127])([ACDGZW])(\d{3}|\dR\d)([A-DFGJKMZ])[A-Z][A-Z0-9]"
)
_AVX_V = {"4": 4, "6": 6.3, "Z": 10, "Y": 16, "3": 25, "D": 35, "5": 50, "1": 100, "2": 200, "7": 500}
_AVX_TC = {"A": "C0G", "C": "X7R", "D": "X5R", "G": "Y5V", "Z": "X7S", "W": "X6S"}


def _avx(m: re.Match[str]) -> DecodedPart | None:
    return _cap("Kyocera AVX", m[1], _pf(m[4]), m[5], _AVX_V[m[2]], _AVX_TC[m[3]])


_TAIYO = re.compile(r"([AJLETGUH])([MVW])K(063|105|107|212|316|325|432)(BJ|B7|C6|C7|CG|F|SD|AB)(\d{3}|\dR\d)([A-Z])")
_TAIYO_V = {"A": 4, "J": 6.3, "L": 10, "E": 16, "T": 25, "G": 35, "U": 50, "H": 100}
_TAIYO_SIZE = {"063": "0201", "105": "0402", "107": "0603", "212": "0805", "316": "1206", "325": "1210", "432": "1812"}
_TAIYO_TC = {"BJ": "X5R", "B7": "X7R", "C6": "X6S", "C7": "X7S", "CG": "C0G", "F": "Y5V"}


def _taiyo(m: re.Match[str]) -> DecodedPart | None:
    return _cap("Taiyo Yuden", _TAIYO_SIZE[m[3]], _pf(m[5]), m[6], _TAIYO_V[m[1]], _TAIYO_TC.get(m[4], ""))


# Walsin, Fenghua, CCTC and their many makers' copies: size, dielectric, value, tolerance, 3-digit voltage.
_EIA_STYLE = re.compile(
    r"(?:TCC)?(0201|0402|0603|0805|1206|1210|1812)(B|N|X|F|CG|X7R|X5R|COG|C0G|NPO|NP0|Y5V)(\d{3}|\dR\d)([A-Z])(\d{3}|\dR\d)[A-Z]{1,2}T"
)
_EIA_STYLE_TC = {"B": "X7R", "N": "C0G", "X": "X5R", "F": "Y5V", "CG": "C0G", "COG": "C0G", "NPO": "C0G", "NP0": "C0G"}


def _eia_style(m: re.Match[str]) -> DecodedPart | None:
    volts = float(m[5].replace("R", ".")) if "R" in m[5] else int(m[5][:2]) * 10 ** int(m[5][2])
    dielectric = _EIA_STYLE_TC.get(m[2], m[2])
    return _cap("EIA-style MLCC", m[1], _pf(m[3]), m[4], volts, dielectric)


# Tantalum chips: the case letter is the maker's own (KEMET's E is 7360-38, AVX's E is 7343-43), so a code reads as
# the case the catalog names by that letter ('CASE-D-7343-31(mm)' -> CASE-D) only where the letter means one size
# for that maker and the catalog's listings of it; KEMET's E is left unread. Volts as three digits ('010' = 10 V, '006' = 6.3 V).
# Only the standard series: a low-ESR one (KEMET T494 / T495, AVX TPS / TRJ) is no general part's equal.
_KEMET_TANT = re.compile(r"T491([ABCDRSTUVX])(\d{3})([KM])(\d{3})[A-Z]")
_AVX_TANT = re.compile(r"TAJ([ABCDE])(\d{3})([KM])(\d{3})[A-Z]")


def _tantalum(family: str, case: str, code: str, tolerance: str, volts: str) -> DecodedPart | None:
    farads = _pf(code)
    if farads is None or not 1e-7 <= farads <= 2e-3:
        return None
    rating = {"002": 2.5, "006": 6.3}.get(volts, int(volts))  # '006' is 6.3 V
    values = (
        ("capacitance", farads, "F"),
        ("tolerance", TOLERANCE_LETTERS[tolerance], "%"),
        ("voltage_rating", rating, "V"),
    )
    return DecodedPart(family, "capacitor", f"CASE-{case}", values, kind_words="tantalum")


def _kemet_tant(m: re.Match[str]) -> DecodedPart | None:
    return _tantalum("KEMET T491", m[1], m[2], m[3], m[4])


def _avx_tant(m: re.Match[str]) -> DecodedPart | None:
    return _tantalum("AVX TAJ", m[1], m[2], m[3], m[4])


# --- resistors --------------------------------------------------------------------------------------------

_YAGEO_RC = re.compile(
    r"(?:RC|AC)(0201|0402|0603|0805|1206|1210|2010|2512)([BCDFJ])[RK]-(?:07|10|13|7W|17)(\d*[RKM]\d*)L"
    # thin film RT / AT: tolerance, taping, TCR letter, reel: RT0603BRD0710KL, RT0603DRD071K8L
    r"|(?:RT|AT)(0201|0402|0603|0805|1206|1210|2010|2512)([ABCDF])[RK][A-G](?:07|10|13)(\d*[RKM]\d*)L"
)


def _yageo_rc(m: re.Match[str]) -> DecodedPart | None:
    if m[1] is None:  # RT / AT thin film
        return _res("Yageo RT", m[4], _ohms_rkm(m[6]), m[5])
    return _res("Yageo RC", m[1], _ohms_rkm(m[3]), m[2])


_UNIROYAL = re.compile(
    r"(0201|0402|0603|0805|1206|1210|2010|2512)W[A-Z0-9]([BDFJ])(\d{3,4}|\d+R\d*|R\d+)(?:T5E|TCE|T5G|TC|T5)"
)


def _uniroyal(m: re.Match[str]) -> DecodedPart | None:
    return _res("UNI-ROYAL", m[1], _ohms_digits(m[3]), m[2])


_FOJAN = re.compile(r"FRC(0201|0402|0603|0805|1206|1210|2010|2512)([BDFJ])(\d{3,4}|\d+R\d*|R\d+|0)\s?(?:TS|T5E|TC)")


def _fojan(m: re.Match[str]) -> DecodedPart | None:
    return _res("FOJAN FRC", m[1], _ohms_digits(m[3]), m[2])


# The last letter is the packing: V paper tape, X punched (0402), U / Y embossed (1210 and up); ERJ-12Z is 2010.
_PANASONIC = re.compile(r"ERJ-?(1G|1R|2|3|6|8|14|12Z|12|1T)([A-Z0-9]{1,3}?)([BDFGJ])(\d{3,4}|\d+R\d+|R\d+)[VXUY]")
_PANASONIC_SIZE = {"1G": "0201", "1R": "0201", "2": "0402", "3": "0603", "6": "0805", "8": "1206", "14": "1210",
                   "12": "1812", "12Z": "2010", "1T": "2512"}  # fmt: skip


def _panasonic(m: re.Match[str]) -> DecodedPart | None:
    return _res("Panasonic ERJ", _PANASONIC_SIZE[m[1]], _ohms_digits(m[4]), m[3])


_VISHAY = re.compile(r"(?:CRCW|RCG|TNPW)(0201|0402|0603|0805|1206|1210|2010|2512)(\d*[RKM]\d*)([BCDFJ])[A-Z]{2,4}")
_WSL = re.compile(r"WSL(0603|0805|1206|2010|2512|2816|3637)(R\d+|\d+L\d+|L\d+)([DFJ])[A-Z]{2}")


def _vishay(m: re.Match[str]) -> DecodedPart | None:
    return _res("Vishay CRCW", m[1], _ohms_rkm(m[2]), m[3])


def _wsl(m: re.Match[str]) -> DecodedPart | None:
    code = m[2]
    ohms = float(code.replace("R", ".")) if "R" in code else float(code.replace("L", ".")) / 1000  # L = milliohm
    return _res("Vishay WSL", m[1], ohms, m[3])


_WALSIN = re.compile(r"WR(02|04|06|08|12)[A-Z]([0-9R]{3,4})([BDFJ])[A-Z]{2,3}")
_WALSIN_SIZE = {"02": "0201", "04": "0402", "06": "0603", "08": "0805", "12": "1206"}


def _walsin(m: re.Match[str]) -> DecodedPart | None:
    return _res("Walsin WR", _WALSIN_SIZE[m[1]], _ohms_digits(m[2]), m[3])


_FENGHUA = re.compile(r"RS-(02|03|05|06|10|20)K(\d{3,4}|\d+R\d*|R\d+)([BDFJ])T")
_FENGHUA_SIZE = {"02": "0402", "03": "0603", "05": "0805", "06": "1206", "10": "2010", "20": "2512"}


def _fenghua(m: re.Match[str]) -> DecodedPart | None:
    return _res("Fenghua RS", _FENGHUA_SIZE[m[1]], _ohms_digits(m[2]), m[3])


_VIKING = re.compile(r"AR(01|02|03|05|06|12|13)([BCDF])T[A-Z][A-Z]?(\d{3,4}|\d+R\d*|R\d+)$")
_VIKING_SIZE = {"01": "0201", "02": "0402", "03": "0603", "05": "0805", "06": "1206", "12": "2512", "13": "1210"}


def _viking(m: re.Match[str]) -> DecodedPart | None:
    return _res("Viking AR", _VIKING_SIZE[m[1]], _ohms_digits(m[3]), m[2])


_BOURNS = re.compile(r"CR(0201|0402|0603|0805|1206|1210|2010|2512)-([FJ])[WX]-(\d{3,4}|\d+R\d+)[EG]?LF")


def _bourns(m: re.Match[str]) -> DecodedPart | None:
    return _res("Bourns CR", m[1], _ohms_digits(m[3]), m[2])


# TE CRG: size, tolerance, RKM value ('CRG0805J470R' = 470 Ω ±5 %); TT Welwyn WCR: size, RKM value, tolerance
# ('WCR0805-1K8FI' = 1.8 kΩ ±1 %).
_TE_CRG = re.compile(r"CRG(0201|0402|0603|0805|1206|1210|2010|2512)([BDFGJ])(\d*[RKM]\d*)")
_WELWYN = re.compile(r"WCR(0201|0402|0603|0805|1206|1210|2010|2512)-(\d*[RKM]\d*)([BDFGJ])")


def _te_crg(m: re.Match[str]) -> DecodedPart | None:
    return _res("TE CRG", m[1], _ohms_rkm(m[3]), m[2])


def _welwyn(m: re.Match[str]) -> DecodedPart | None:
    return _res("TT Welwyn WCR", m[1], _ohms_rkm(m[2]), m[3])


_STACKPOLE = re.compile(
    r"(?:RMCF|RMCP|RNCP|RNCF|RNCS)(0201|0402|0603|0805|1206|1210|2010|2512)([BCDFGJZ])T[A-Z]?(\d+[RKM]\d*)"
)


def _stackpole(m: re.Match[str]) -> DecodedPart | None:
    return _res("Stackpole RMCF", m[1], _ohms_rkm(m[3]), m[2])


# KOA: type, size code (1E = 0402, 1J = 0603, 2A = 0805 ...), taping letters, value, tolerance
_KOA = re.compile(r"(?:RK73[BHG]|RN73[A-Z]?)(1H|1E|1J|2A|2B|2E|2H|3A)T[A-Z]{1,3}?(\d{3,4}|\d+R\d+|R\d+)([BCDFGJ])")
_KOA_SIZE = {"1H": "0201", "1E": "0402", "1J": "0603", "2A": "0805", "2B": "1206", "2E": "1210", "2H": "2010",
             "3A": "2512"}  # fmt: skip


def _koa(m: re.Match[str]) -> DecodedPart | None:
    return _res("KOA RK73", _KOA_SIZE[m[1]], _ohms_digits(m[2]), m[3])


_SUSUMU = re.compile(r"RR(0306|0510|0816|1220)[A-Z]-(\d{3,4}|\d+R\d+)-([BCDF])")
_SUSUMU_SIZE = {"0306": "0201", "0510": "0402", "0816": "0603", "1220": "0805"}


def _susumu(m: re.Match[str]) -> DecodedPart | None:
    return _res("Susumu RR", _SUSUMU_SIZE[m[1]], _ohms_digits(m[2]), m[3])


# Panasonic ERA thin film: size digit, type, TCR, tolerance, value, packaging ('ERA-2VEB1003X', 'ERA-3AEB103V')
_PANASONIC_ERA = re.compile(r"ERA-?([12368])[A-Z][A-Z]([ABCDF])(\d{3,4})[VX]")
_ERA_SIZE = {"1": "0201", "2": "0402", "3": "0603", "6": "0805", "8": "1206"}


def _panasonic_era(m: re.Match[str]) -> DecodedPart | None:
    return _res("Panasonic ERA", _ERA_SIZE[m[1]], _ohms_digits(m[3]), m[2])


# ROHM general, anti-surge, high-voltage and anti-sulphur chip resistors: series, size, packaging (3 letters),
# tolerance, value ('ESR03EZPD1002', 'MCR01MZPJ103', 'MCR03ERTJ164'); the low-ohm UCR / PMR codes are left unread.
_ROHM = re.compile(r"(?:MCR|ESR|KTR|SFR)(01|03|10|18|25|50|100)[EMJH][A-Z]{2}([BDFGJ])(\d{3,4}|\d+R\d+)")
_ROHM_SIZE = {"01": "0402", "03": "0603", "10": "0805", "18": "1206", "25": "1210", "50": "2010", "100": "2512"}


def _rohm(m: re.Match[str]) -> DecodedPart | None:
    return _res("ROHM MCR", _ROHM_SIZE[m[1]], _ohms_digits(m[3]), m[2])


_FAMILIES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], DecodedPart | None]], ...] = (
    (_SAMSUNG, _samsung), (_MURATA, _murata), (_YAGEO_CC, _yageo_cc), (_KEMET, _kemet), (_TDK, _tdk), (_TAIYO, _taiyo),
    (_TDK_CGA, _tdk_cga),
    (_YAGEO_RC, _yageo_rc), (_UNIROYAL, _uniroyal), (_FOJAN, _fojan), (_PANASONIC, _panasonic),
    (_VISHAY, _vishay), (_WSL, _wsl), (_WALSIN, _walsin), (_FENGHUA, _fenghua), (_VIKING, _viking), (_AVX, _avx),
    (_BOURNS, _bourns), (_STACKPOLE, _stackpole), (_KOA, _koa), (_SUSUMU, _susumu), (_PANASONIC_ERA, _panasonic_era),
    (_EIA_STYLE, _eia_style), (_KEMET_TANT, _kemet_tant), (_AVX_TANT, _avx_tant),
    (_TE_CRG, _te_crg), (_WELWYN, _welwyn), (_ROHM, _rohm),
)  # fmt: skip


def decode_mpn(mpn: str) -> DecodedPart | None:
    """The size, value, tolerance, voltage and dielectric a passive's ordering code states (see the module
    docstring); None for a code no family here reads."""
    code = (mpn or "").strip().upper()
    if not 8 <= len(code) <= 40:
        return None
    for pattern, read in _FAMILIES:
        m = pattern.match(code)
        if m is not None:
            return read(m)
    return None
