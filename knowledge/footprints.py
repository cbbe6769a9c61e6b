"""One grammar for packages and footprints: what a footprint or package name says about the part that fits it.

EDA tools and catalogs name the same package in many ways; a buyer's BOM carries whichever its library used:

| source | examples |
|---|---|
| KiCad library | `Resistor_SMD:R_0402_1005Metric`, `LED_D3.0mm`, `PinHeader_1x04_P2.54mm_Vertical`, `SOIC-8_3.9x4.9mm_P1.27mm`, `CP_Radial_D6.3mm_P2.50mm`, `R_Axial_DIN0207_L6.3mm_D2.5mm_P10.16mm_Horizontal` |
| IPC-7351 | `RESC1608X55N`, `SOIC127P600X175-8N`, `SOT95P280X145-5N`, `QFN50P500X500X80-33N`, `SOD3715X135` |
| LCEDA / EasyEDA | `R0603`, `RES-TH_BD2.3-L6.5-P10.50-D0.5`, `CAP-TH_BD6.3-P2.50-D1.0-FD`, `SOP-8_L4.9-W3.9-P1.27-LS6.0-BL`, `HDR-M_2.54_1x4P`, `KEY-TH_4P-L6.0-W6.0-P3.90-LS6.5` |
| Altium | `0603`, `AXIAL-0.4`, `RAD-0.1`, `SO-8`, `TO92`, `HDR1X4`, `DIP-8` |
| JLCPCB / LCSC catalog | `SOT-23-3L`, `SMA(DO-214AC)`, `LQFP-48(7x7)`, `插件,P=2.54mm`, `SMD,D6.3xL7.7mm`, `SMD3225-4P` |
| Chinese words | 贴片 (SMD), 直插 / 插件 / 插脚 (through-hole), 弯插 (right angle), 卧式 (horizontal), 立式 (vertical) |

`parse_footprint(text)` reads any of them into a `Footprint`: a canonical package name where one is named
(`0603`, `SOIC-8`, `SOT-23`, `TO-92`, `Header-1x04-P2.54` ...), mounting (SMD / THT), the kind of part the name
implies (resistor, LED, pin header ...), pins, rows, pitch and body in mm. `contradiction(a, b)` says why two
footprints cannot be the same part (a TO-92 footprint and an SOT-23 part, an axial resistor and a chip), and is
silent when nothing known disagrees. `find_package(text)` finds the package named in free text ("贴片电阻 10K
0603" -> "0603"). Aliases (SOP-8 = SOIC-8 = SO-8, SOT-23-3 = SOT-23, DO-214AC = SMA, ...) are one table below.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace

# Imperial chip-size codes (EIA); "1206" etc. are also numbers, so callers must not read them as values.
CHIP_CODES: frozenset[str] = frozenset({
    "008004", "01005", "0201", "0402", "0603", "0805", "1008", "1206", "1210", "1806", "1808", "1812", "1825",
    "2010", "2211", "2220", "2225", "2512", "2920",
})  # fmt: skip
# Nominal body length × width of each chip size, mm (EIA / IEC 60115-8).
CHIP_BODY_MM: dict[str, tuple[float, float]] = {
    "008004": (0.25, 0.125), "01005": (0.4, 0.2), "0201": (0.6, 0.3), "0402": (1.0, 0.5), "0603": (1.6, 0.8),
    "0805": (2.0, 1.25), "1008": (2.5, 2.0), "1206": (3.2, 1.6), "1210": (3.2, 2.5), "1806": (4.5, 1.6),
    "1808": (4.5, 2.0), "1812": (4.5, 3.2), "1825": (4.5, 6.4), "2010": (5.0, 2.5), "2211": (5.7, 2.8),
    "2220": (5.7, 5.0), "2225": (5.7, 6.3), "2512": (6.4, 3.2), "2920": (7.4, 5.1),
}  # fmt: skip
# Moulded tantalum case codes (EIA 535) and their bodies, mm.
CASE_BODY_MM: dict[str, tuple[float, float]] = {
    "CASE-A": (3.2, 1.6), "CASE-B": (3.5, 2.8), "CASE-C": (6.0, 3.2), "CASE-D": (7.3, 4.3),
}  # fmt: skip
# Metric chip codes (IPC-7351 RESC1608, KiCad _1608Metric) → EIA inch codes.
METRIC_TO_EIA: dict[str, str] = {
    "0402": "01005", "0603": "0201", "1005": "0402", "1608": "0603", "2012": "0805", "2520": "1008",
    "3216": "1206", "3225": "1210", "4516": "1806", "4520": "1808", "4532": "1812", "4564": "1825",
    "5025": "2010", "5650": "2220", "5664": "2225", "6332": "2512", "7451": "2920", "5750": "2220",
}  # fmt: skip

# One name per package: every other spelling on the left.
_ALIASES: dict[str, str] = {
    "SO-8": "SOIC-8", "SOP-8": "SOIC-8", "SOIC-8N": "SOIC-8",
    "SOT-23-3": "SOT-23", "SOT-23-3L": "SOT-23", "TO-236": "SOT-23", "TO-236AB": "SOT-23", "SOT-23W": "SOT-23",
    "SOT-23-5L": "SOT-23-5", "SOT-25": "SOT-23-5", "SOT-753": "SOT-23-5", "SC-74A": "SOT-23-5",
    "SOT-23-6L": "SOT-23-6", "SOT-26": "SOT-23-6", "SOT-457": "SOT-23-6", "SC-74": "SOT-23-6",
    "SC-70-3": "SOT-323", "SOT-323-3": "SOT-323",
    "SC-70-5": "SOT-353", "SC-88A": "SOT-353", "SOT-353-5": "SOT-353",
    "SC-70-6": "SOT-363", "SC-88": "SOT-363", "SOT-363-6": "SOT-363",
    "SOT-89-3": "SOT-89", "SOT-223-3": "SOT-223", "SOT-223-4": "SOT-223",
    "TO-92-3": "TO-92", "TO-92L": "TO-92", "TO-226": "TO-92",
    "TO-220-3": "TO-220", "TO-220AB": "TO-220",
    "TO-252-2": "TO-252", "TO-252-3": "TO-252", "DPAK": "TO-252", "TO-252AA": "TO-252",
    "TO-263-2": "TO-263", "TO-263-3": "TO-263", "D2PAK": "TO-263",
    "DO-214AC": "SMA", "DO-214AA": "SMB", "DO-214AB": "SMC", "SOT-143B": "SOT-143",  # NXP's SOT143B: the usual one
    "LL-34": "MiniMELF", "SOD-80": "MiniMELF", "DO-213AA": "MiniMELF", "MINIMELF": "MiniMELF",
    "LL-41": "MELF", "DO-213AB": "MELF",
    "DO-204AH": "DO-35", "SOD-27": "DO-35", "DO-204AL": "DO-41", "SOD-66": "DO-41",
    "PDIP-8": "DIP-8", "PDIP-14": "DIP-14", "PDIP-16": "DIP-16",
    "VSSOP-10": "MSOP-10",  # TI's DGS: the MSOP-10 body (VSSOP-8 is not always MSOP-8: TI's DCU is 2 x 2.3 mm)
    "HC-49U": "HC-49", "HC-49S": "HC-49", "HC-49US": "HC-49", "HC49": "HC-49", "HC-49SMD": "HC-49-SMD",
}  # fmt: skip

# Families that are always surface-mount or always through-hole.
_SMD_FAMILIES = frozenset({
    "SOIC", "SOP", "SO", "TSSOP", "HTSSOP", "MSOP", "VSSOP", "SSOP", "HSOP", "ESOP", "TSOP", "QSOP", "SOT", "SOD", "SC",
    "QFN", "DFN", "VQFN", "WQFN", "UQFN", "UFQFPN", "TDFN", "WSON", "SON", "USON", "LQFP", "TQFP", "QFP", "BGA", "TSOT",
    "LGA", "WLCSP", "SMA", "SMB", "SMC", "SMAF", "MELF", "MiniMELF", "TO-252", "TO-263", "TO-277", "PLCC",
})  # fmt: skip
_THT_FAMILIES = frozenset({"DIP", "PDIP", "SIP", "ZIP", "TO-92", "TO-220", "TO-247", "TO-3P", "DO-35", "DO-41", "DO-15",
                           "DO-201", "HC-49", "TO-126", "TO-18"})  # fmt: skip

_SMD_WORDS = re.compile(r"贴片|卧贴|表贴|(?<![A-Z])(?:SMD|SMT|SURFACE[ _-]?MOUNT)(?![A-Z])")
_THT_WORDS = re.compile(
    r"直插|插件|插脚|弯插|穿孔|(?<![A-Z])(?:THT|PTH|TH|THROUGH[ _-]?HOLE|PLUGIN|PLUG-IN|DIP直插)(?![A-Z])"
)
# The words that say right angle, in a footprint's name and in a line's words alike ('_90deg', 'Lying', 弯脚, 侧插)
_RIGHT_ANGLE = (
    r"弯插|弯针|弯脚|直角|侧插|90度|90°|RIGHT[ _-]?ANGLE|ANGLED|LYING|(?<![A-Z])SIDE(?![A-Z])"
    r"|(?<![A-Z0-9])90D(?:EG)?(?![A-Z0-9])"
)
_ANGLE_WORDS = (("right_angle", re.compile(rf"{_RIGHT_ANGLE}|(?<![A-Z])R/?A(?![A-Z])")),
                ("horizontal", re.compile(r"卧式|卧贴|HORIZONTAL")),
                ("vertical", re.compile(r"立式|立贴|VERTICAL")))  # fmt: skip

# What the first word of a footprint name says the part is.
_KIND_PREFIXES: tuple[tuple[str, str], ...] = (
    ("CP", "polarized_capacitor"), ("CAPAE", "polarized_capacitor"), ("CAPPM", "polarized_capacitor"),
    ("CAPPR", "polarized_capacitor"), ("ELEC", "polarized_capacitor"),
    ("RES", "resistor"), ("R", "resistor"), ("RN", "resistor"), ("RESISTOR", "resistor"),
    ("CAP", "capacitor"), ("C", "capacitor"), ("CAPACITOR", "capacitor"),
    ("INDUCTOR", "inductor"), ("IND", "inductor"), ("L", "inductor"), ("FB", "inductor"), ("FBEAD", "inductor"),
    ("LED", "led"), ("CHIPLED", "led"), ("LEDC", "led"),
    ("DIO", "diode"), ("D", "diode"),
    ("F", "fuse"), ("FUSE", "fuse"),
    ("PINHEADER", "header"), ("HDR", "header"), ("MHDR", "header"), ("HEADER", "header"),
    ("PINSOCKET", "socket"),
    ("SW", "switch"), ("KEY", "switch"), ("BUTTON", "switch"), ("TS", "switch"),
    ("CRYSTAL", "crystal"), ("XTAL", "crystal"), ("OSC", "crystal"),
    ("USB", "connector"), ("JST", "connector"), ("CONN", "connector"), ("TERMINALBLOCK", "connector"),
)  # fmt: skip


@dataclass(frozen=True)
class Footprint:
    """What a package or footprint name says; empty fields are not stated (never a guess)."""

    text: str
    package: str = ""  # canonical: "0603", "SOIC-8", "SOT-23", "TO-92", "Header-1x04-P2.54", "Axial", "Radial" ...
    mounting: str = ""  # "SMD" | "THT"
    kind: str = ""  # resistor | capacitor | polarized_capacitor | inductor | led | diode | fuse | header | socket |
    # switch | crystal | connector
    pins: int | None = None
    rows: int | None = None
    pitch_mm: float | None = None
    body_mm: tuple[float, ...] = ()
    orientation: str = ""  # horizontal | vertical | right_angle

    @property
    def chip(self) -> str:
        """The EIA chip-size code ('0603') of a chip part, else ''."""
        return self.package if self.package in CHIP_CODES else ""

    def __bool__(self) -> bool:
        return bool(self.package or self.mounting or self.kind)


_DECIMAL_COMMA_MM = re.compile(r"(?<=\d),(?=\d{1,2}MM)")


def parse_footprint(text: str | None) -> Footprint | None:
    """Read a footprint or package cell (see the module docstring); None when it names nothing known."""
    return _parse((text or "").strip())


@functools.lru_cache(maxsize=65_536)  # catalogs and BOMs repeat a few thousand package names
def _parse(raw: str) -> Footprint | None:
    if not raw or len(raw) > 200:
        return None
    norm = unicodedata.normalize("NFKC", raw).upper().replace("×", "X")
    norm = re.sub(r"^[A-Z0-9_.\- ]{1,60}:(?=\S)", "", norm)  # KiCad "Resistor_SMD:R_0402_1005Metric"
    norm = norm.lstrip("_")  # old KiCad module names: "_0603", "_LQFP48"
    norm = _DECIMAL_COMMA_MM.sub(".", norm)  # a decimal comma: KiCad names saved in a German sheet ('P2,54mm')
    if norm in ("402", "603", "805"):
        norm = "0" + norm  # a footprint cell that lost its leading zero (a spreadsheet read '0805' as a number)
    found = Footprint(raw)
    for reader in _READERS:
        result = reader(norm)
        if result is not None:
            found = _merge(found, result)
            if found.package:
                break
    found = _merge(found, _generic(norm))
    found = _with_defaults(found, norm)
    return found if found else None


def canonical(package: str) -> str:
    """The one name of a package ('SOP-8' -> 'SOIC-8', 'DO-214AC' -> 'SMA', 'TO-252-2L' -> 'TO-252', 'SOT-666-6' ->
    'SOT-666', 'WQFN-28' -> 'QFN-28', 'WSON-6' -> 'DFN-6'); unknown names come back as given."""
    name = package.strip().upper()
    name = re.sub(r"^(SOT-(?!23-)\d+)-\d+L?$", r"\1", name)  # a SOT number fixes its pins: only SOT-23-5/-6 differ
    name = re.sub(r"^(?:V|W|U|T|X2|UF)QFN-|^UFQFPN-", "QFN-", name)  # thin QFNs (ST's UFQFPN): one land per pins
    name = re.sub(r"^(?:WSON|USON|VSON|SON|TDFN|UDFN|WDFN|X2SON)-", "DFN-", name)
    name = re.sub(r"^(SOT-\d+-\d+|TO-\d+-\d+|SOP-\d+|SOIC-\d+|SOT-\d+)L$", r"\1", name)  # JLC's '-3L' = 3 leads
    name = re.sub(r"^TSOT-23", "SOT-23", name)  # thin SOT-23: the same land pattern
    name = re.sub(r"^((?:SOD|DO)-\d+[A-Z]*)-2$", r"\1", name)  # two terminals said ('SOD-123-2'): the same package
    name = re.sub(r"^(?:SOP|SO)-(\d+)$", r"SOIC-\1", name)  # narrow body, any pin count
    # SOD-323F / FL (flat leads) and -W (wettable flanks) sit on SOD-323 pads (Nexperia: footprint compatible);
    # SOD-123F is the SOD-123FL family, a wider pad than SOD-123's
    name = {"SOD-123F": "SOD-123FL", "SOD-323F": "SOD-323", "SOD-323FL": "SOD-323", "SOD-323W": "SOD-323"}.get(
        name, name
    )
    return _ALIASES.get(name, _CASE.get(name, name if name != package.strip().upper() else package.strip()))


def same_package(a: str, b: str) -> bool:
    return canonical(a).upper() == canonical(b).upper()


def contradiction(wanted: Footprint | None, offered: Footprint | None) -> str:
    """Why a part with footprint `offered` cannot sit on `wanted` ('' when nothing known disagrees)."""
    if wanted is None or offered is None:
        return ""
    if wanted.mounting and offered.mounting and wanted.mounting != offered.mounting:
        return f"{_mounting_word(wanted.mounting)} footprint, {_mounting_word(offered.mounting)} part"
    if (wanted.chip or wanted.package in CASE_BODY_MM) and not offered.package and offered.body_mm:
        # 'SMD,D6.3xL7.7mm' is no 0603, a 10 mm can no 7343 tantalum
        length = (CHIP_BODY_MM.get(wanted.chip) or CASE_BODY_MM[wanted.package])[0]
        if abs(max(offered.body_mm) - length) > 0.35 * length:
            return f"body {'×'.join(_num(b) for b in offered.body_mm)} mm, footprint {wanted.chip or wanted.package}"
    rows_and_pins = wanted.kind in _COUNTED or offered.kind in _COUNTED
    named_both = bool(wanted.package and offered.package) and _comparable(wanted, offered)
    if not rows_and_pins and named_both and not same_package(wanted.package, offered.package):
        return f"package {offered.package}, footprint {wanted.package}"
    if not rows_and_pins and _outside_family(wanted.package, offered.package):
        return f"package {offered.package}, footprint {wanted.package}"  # a DO-214 pad takes no TO-252
    if {wanted.kind, offered.kind} == {"header", "socket"}:  # pins for a socket footprint, or the reverse
        return f"{'female' if offered.kind == 'socket' else 'male'} part, {'female' if wanted.kind == 'socket' else 'male'} footprint"
    if rows_and_pins and offered.kind in _COUNTED:
        for name, a, b in (("pins", wanted.pins, offered.pins), ("rows", wanted.rows, offered.rows),
                           ("pitch", wanted.pitch_mm, offered.pitch_mm)):  # fmt: skip
            # 5.0 and 5.08 mm terminal blocks are one pitch in libraries; 2.5 (JST XH) and 2.54 mm are not
            if a is not None and b is not None and abs(a - b) > (0.1 if name == "pitch" and min(a, b) >= 3 else 0.02):
                return f"{name} {_num(b)}, footprint {_num(a)}"
        angled = {o: o.replace("horizontal", "right_angle") for o in (wanted.orientation, offered.orientation) if o}
        if len(set(angled.values())) == 2:  # a straight header is no right-angle one (KiCad's Horizontal = R/A)
            return f"{offered.orientation.replace('_', ' ')} part, {wanted.orientation.replace('_', ' ')} footprint"
    # a 6x6 mm tact switch pad (LCEDA's -L6.1-W6.1, never digits of a part number in the name), a 4.2x3.2 part
    if wanted.kind == "switch" and _LW_BODY.search(wanted.text) and offered.body_mm:
        a, b = max(wanted.body_mm), max(offered.body_mm)
        if abs(a - b) > 0.2 * max(a, b):
            return f"body {'×'.join(map(_num, offered.body_mm))} mm, footprint {_num(a)} mm"
    if wanted.kind == "switch" and len(wanted.body_mm) == 2 and len(offered.body_mm) == 2:
        asked, own = sorted(wanted.body_mm), sorted(offered.body_mm)  # a 3x4 tact switch is no 3x2 one
        if any(abs(a - b) > 0.2 * max(a, b) for a, b in zip(asked, own)):
            return f"body {'×'.join(map(_num, offered.body_mm))} mm, footprint {'×'.join(map(_num, wanted.body_mm))} mm"
    if wanted.kind == "inductor" and len(wanted.body_mm) == 2 and len(offered.body_mm) == 2:
        asked, own = sorted(wanted.body_mm), sorted(offered.body_mm)  # a 3x3 mm power inductor pad takes no 4x4 one
        if any(abs(a - b) > 0.2 for a, b in zip(asked, own)):
            return f"body {'×'.join(map(_num, offered.body_mm))} mm, footprint {'×'.join(map(_num, wanted.body_mm))} mm"
    if "crystal" in (wanted.kind, offered.kind):
        sizes = [sorted(wanted.body_mm), sorted(offered.body_mm)]
        if all(len(size) == 2 for size in sizes) and any(abs(a - b) > 0.15 for a, b in zip(*sizes)):
            return f"body {'×'.join(map(_num, offered.body_mm))} mm, footprint {'×'.join(map(_num, wanted.body_mm))} mm"
        if wanted.pins is not None and offered.pins is not None and wanted.pins != offered.pins:
            return f"pins {offered.pins}, footprint {wanted.pins}"
    # An IC's pitch is not compared: libraries measure it differently (IPC's SOT95P… is 0.95 mm between leads,
    # LCEDA's SOT-23-3_…-P1.90 the 1.9 mm between the outer ones); the package name already says it.
    return ""


# Part kinds: the category words of each (a product is of a kind when its category names one), and the words a
# buyer or a BOM line uses for it. `strong` words name the kind even against a footprint's name (a ferrite bead on
# a "RES0805" footprint).
KIND_CATEGORIES: dict[str, tuple[str, ...]] = {
    "resistor": ("resistor",),
    "capacitor": ("capacitor",),
    "polarized_capacitor": ("capacitor",),
    "inductor": ("inductor", "ferrite", "bead", "choke", "coil"),
    "diode": ("diode", "rectifier", "tvs", "zener", "schottky", "esd", "led", "light emitting"),
    "led": ("led", "light emitting", "optoelectronic"),
    "transistor": ("transistor", "mosfet", "bjt", "fet", "thyristor", "triac"),
    "connector": ("connector", "header", "socket", "terminal", "usb", "wire to board", "board to board"),
    "header": ("connector", "header", "pin"),
    "socket": ("connector", "header", "socket"),
    "crystal": ("crystal", "oscillator", "resonator"),
    "oscillator": ("oscillator", "tcxo", "vcxo", "ocxo", "(vco"),  # of the category's last segment (see category_fits)
    "switch": ("switch", "button"),
    "fuse": ("fuse",),
    "thermistor": ("thermistor", "ntc", "ptc"),
    "potentiometer": ("potentiometer", "variable resistor", "trimmer pot", "rheostat"),
}
_KIND_WORDS: tuple[tuple[str, bool, re.Pattern[str]], ...] = (
    ("inductor", True, re.compile(r"ferrite|\bbeads?\b|磁珠|\binductors?\b|电感", re.I)),
    ("crystal", True, re.compile(r"\bcrystals?\b(?! oscillators?\b)|(?<!有源)晶振|\bxtal\b", re.I)),
    # an oscillator (a TCXO, 有源晶振); 'crystal oscillator' and 晶振 are what many call a plain crystal
    (
        "oscillator",
        True,
        re.compile(
            r"(?<!crystal )oscillators?(?![a-z])|active (?:crystal )?oscillator|(?<![a-z])(?:tc|vc|oc)?xo(?![a-z])|有源晶振",
            re.I,
        ),
    ),
    ("fuse", True, re.compile(r"\bfuses?\b|保险丝|自恢复|\bptc\b(?! ?(?:thermistor|热敏))|\bresett?able\b", re.I)),
    ("resistor", False, re.compile(r"\bresistors?\b|电阻", re.I)),
    ("capacitor", False, re.compile(r"\bcapacitors?\b|电容", re.I)),
    ("led", False, re.compile(r"(?<![a-z])leds?(?![a-z])|light[ -]emitting diode|发光二极管|灯珠", re.I)),
    ("header", False, re.compile(r"(?<![a-z])(?:pin ?)?headers?(?![a-z])|排针|排母|(?<![a-z])hdr(?![a-z])", re.I)),
    (
        "switch",
        False,
        re.compile(r"(?<![a-z])tact(?:ile)?(?![a-z])|轻触|按键|(?<![a-z])push ?buttons?(?![a-z])", re.I),
    ),
    ("thermistor", True, re.compile(r"thermistor|热敏|(?<![a-z])ntc(?![a-z])", re.I)),
    (
        "potentiometer",
        True,
        re.compile(
            r"trimmer(?! ?cap)|trim ?pot|potentiometer|rheostat|电位器|可调电阻|微调电阻|(?<![a-z])pot(?![a-z])", re.I
        ),
    ),
    (
        "diode",
        False,
        re.compile(
            r"(?<!light emitting )\bdiodes?\b|(?<!发光)二极管|\btvs\b|\besd\b|zener|稳压管|schottky|肖特基", re.I
        ),
    ),
)


_SPECIFIC_DIODE = re.compile(r"zener|稳压|schottky|肖特基|\btvs\b|\besd\b|整流|rectifier|开关二极管|switching", re.I)


def kind_of_text(text: str, *, strong_only: bool = False) -> str:
    """The kind of part a text names ('10k 电阻' -> 'resistor', 'FERRITE BEAD 220 OHM' -> 'inductor'); '' when it
    names none or more than one."""
    found = {kind for kind, strong, words in _KIND_WORDS if (strong or not strong_only) and words.search(text)}
    if found == {"led", "diode"} and not _SPECIFIC_DIODE.search(text):
        return "led"  # '贴片绿色LED' under a 种类 '二极管': an LED is a diode ('稳压管 LED供电' is a zener)
    if len(found) > 1:  # '热敏电阻': a thermistor, though 电阻 says resistor (one strong kind over weak ones)
        found = {kind for kind, strong, _ in _KIND_WORDS if strong and kind in found}
    return next(iter(found)) if len(found) == 1 else ""


def category_fits(kind: str, category: str) -> bool:
    """Whether a product of `category` can be a part of `kind` (any category fits an unknown kind)."""
    words = KIND_CATEGORIES.get(kind)
    said = category.lower().rsplit(" / ", 1)[-1] if kind == "oscillator" else category.lower()
    # a word's start ('Semiconductor' holds no inductor); 'Crystal Oscillator/… / Crystals' holds no oscillator
    return not words or any(re.search(rf"(?<![a-z]){re.escape(w)}", said) for w in words)


def find_package(text: str) -> str | None:
    """The first package named in free text: a chip code ('贴片电阻 10K 0603' -> '0603') or an IC package
    ('SOT23' -> 'SOT-23', 'SOIC8' -> 'SOIC-8', 'SOT-23-5' -> 'SOT-23-5')."""
    norm = unicodedata.normalize("NFKC", text).upper()
    best: tuple[int, str] | None = None
    for match in _CHIP_CODE_RE.finditer(norm):
        if match.group(1) in CHIP_CODES:
            best = (match.start(), match.group(1))
            break
    ic = _IC_PACKAGE_RE.search(norm)
    if ic is not None and (best is None or ic.start() < best[0]):
        plain, family, pins, variant, extra = ic.groups()
        name = plain or f"{family}-{pins}{variant}" + (f"-{extra}" if extra else "")
        best = (ic.start(), name)
    return best[1] if best else None


# What free text says about a part's form beyond a package name: a buyer's query or a BOM line's description.
_TEXT_SMD = re.compile(r"贴片|表贴|(?<![A-Z])(?:SMD|SMT|SURFACE[ _-]?MOUNT)(?![A-Z])")
_TEXT_THT = re.compile(r"直插|插件|插脚|穿孔|(?<![A-Z0-9])(?:THT|PTH|THROUGH[ _-]?HOLE|AXIAL|RADIAL)(?![A-Z])")
_TEXT_HEADER = re.compile(
    r"HEADER|排针|排母|PIN ?SOCKET|接线端子|TERMINAL|(?<![A-Z])(?:PMOD|M?HDR|PINHD|MICRO-?FIT|MINI-?FIT|PICOBLADE)(?![A-Z])"
    r"|(?<![A-Z])PINS_\d{1,2}X\d"  # a library's 'Pins_2x05_1.27mm'
    r"|(?<![A-Z0-9])(?:XH|PH|GH|ZH|SH|VH|EH)(?:\d(?:\.\d+)?)?[-_ ]?\d{1,2} ?(?:P|PIN|A)(?![A-Z])"  # 'GH1.25-3P', 'XH-2A'
)
# JST-style wire-to-board series named with their pins ('XH2.54-4P', 'PH2.0-2P', 'XH-2A'), and their pitch, mm.
_JST_SERIES = {"XH": 2.5, "PH": 2.0, "GH": 1.25, "ZH": 1.5, "SH": 1.0, "VH": 3.96, "EH": 2.5}
# Connector series whose name fixes the pitch, mm.
_SERIES_PITCH = (
    (re.compile(r"MICRO-?FIT"), 3.0),
    (re.compile(r"MINI-?FIT"), 4.2),
    (re.compile(r"PICOBLADE"), 1.25),
    *(
        (re.compile(rf"(?<![A-Z0-9]){name}(?=[\d.]*[-_ ]?\d{{1,2}} ?(?:P|PIN|A)(?![A-Z]))"), mm)
        for name, mm in _JST_SERIES.items()
    ),
)
_TEXT_SWITCH = re.compile(r"(?<![A-Z])TACT(?:ILE)?|轻触|按键|(?<![A-Z])PUSH ?BUTTON(?![A-Z])")
_TEXT_BOX = re.compile(
    r"(?<![\d.])(\d{1,2}(?:\.\d+)?) ?[X*] ?(\d{1,2}(?:\.\d+)?)(?: ?[X*] ?\d{1,2}(?:\.\d+)?)?(?![\d.])"
)
_TEXT_GENDER = re.compile(r"(?<![A-Z])(?:FE)?MALE(?![A-Z])")
_TEXT_HEADER_PITCH = re.compile(r"(?<![\d.])(?:2\.54|2\.0|1\.27|1\.25|3\.96|2\.5)(?: ?MM)?(?![\d.])")
_TEXT_CRYSTAL = re.compile(r"晶振|晶体|(?<![A-Z])(?:CRYSTALS?|XTAL)(?![A-Z])")
_TEXT_GRID = re.compile(r"(?<![\d.])(\d{1,2}) ?[X*] ?(\d{1,3})(?: ?P(?:IN)?)?(?![\d.X])")
_TEXT_POSITIONS = re.compile(r"(?<![\d.])(\d{1,3}) ?(?:POS|P|PIN|PINS|POSITIONS|WAY|针|位)(?![A-Z0-9])")
_TEXT_ROWS = ((1, re.compile(r"单排|(?<![A-Z])(?:SNGL|SINGLE[ _-]?ROW|1 ?ROW)(?![A-Z])")),
              (2, re.compile(r"双排|(?<![A-Z])(?:DBL|DUAL[ _-]?ROW|DOUBLE[ _-]?ROW|2 ?ROWS?)(?![A-Z])")))  # fmt: skip
_TEXT_PITCH = re.compile(
    r"(?:PITCH|间距|节距|SPACING)[ :=]*(\d+(?:\.\d+)?) ?MM|(\d+(?:\.\d+)?) ?MM[ _-]?(?:PITCH|间距|SPACING)"
    r"|(?<![A-Z0-9.])P=?(\d+(?:\.\d+)?)(?:MM)?(?![\d.A-Z])|(?<![\d.])(\d+(?:\.\d+)?) ?(?:MM)?(?![\d.A-Z])"
)
_TEXT_ORIENTATION = (
    # LCEDA's 'HDR-TH_3P-P2.54-V-M' / '-H-F', IPC-7351's 'HDRV4W64P254' / 'HDRRA6W64P254' say it in a letter
    (
        "right_angle",
        re.compile(
            rf"{_RIGHT_ANGLE}|HORIZONTAL|卧式|(?<![A-Z0-9])R/?A(?![A-Z0-9])"
            r"|-P\d\.\d+-H(?![A-Z0-9])|(?<![A-Z])R?HDRRA\d"
            # Altium's Miscellaneous Connectors name the right-angle twin 'HDR1X4H' / 'Header 4H', Eagle's pinhead
            # library 'PINHD-1X4/90' / '1X04/90' (their plain names are not read as straight: labellers disagree
            # on them, so that stays a question for the buyer)
            r"|(?<![A-Z])M?HDR\d{1,2}X\d{1,3}H(?![A-Z0-9])|^HEADER \d{1,2}(?:X\d{1,2})?H$|(?<![A-Z0-9])(?:PINHD-)?\d{1,2}X\d{1,3}/90"
        ),
    ),
    (
        "vertical",
        re.compile(
            r"直针|立式|VERTICAL|STRAIGHT|(?<![A-Z])STR(?![A-Z])|-P\d\.\d+-V(?![A-Z0-9])"
            r"|(?<![A-Z])R?HDRV\d"
        ),
    ),
)
# Female (sockets, receptacles, 排母) and male (pins, 排针) when the words say which; else the kind is 'connector'.
# LCEDA's 'HDR-TH_4P-P2.54-V-F' / '-H-M' say it in the letter after the orientation's.
_TEXT_FEMALE = re.compile(
    r"排母|母座|FEMALE|RECEPTACLE|PIN ?SOCKET|HDR-F|(?<![A-Z])RCPT(?![A-Z])|-P\d\.\d+-[VH]-F(?![A-Z0-9])"
)
_TEXT_MALE = re.compile(
    r"排针|(?<!FE)MALE|PIN ?HEADER|CONN HEADER|HDR-M|(?<![A-Z])(?:M?HDR|PMOD)(?![A-Z-])|(?<![A-Z])PINS_\d{1,2}X\d"
    r"|-P\d\.\d+-[VH]-M(?![A-Z0-9])|^PINHD-"
)
_LW_BODY = re.compile(r"[-_]L\d+(?:\.\d+)?-W\d", re.IGNORECASE)
_HEADER_PITCHES = (1.0, 1.25, 1.27, 1.5, 2.0, 2.5, 2.54, 3.5, 3.81, 3.96, 5.0, 5.08, 7.5, 7.62, 10.16)
_TEXT_INCH_PITCH = re.compile(r"(?<![\d.])(?:0?\.100|0?\.1 ?(?:\"|INCH|IN)(?![A-Z])|0?\.050|0?\.079)(?![\d])")
_TEXT_CRYSTAL_CODE = re.compile(r"(?<![\dA-Z.])(\d{4})(?![\d.])")
_TEXT_CRYSTAL_DIMS = re.compile(r"(?<![\d.])(\d\.\d{1,2}) ?(?:MM)? ?X ?\.?(\d\.\d{1,2})(?![\d])")
_TEXT_HC49 = re.compile(r"(?<![A-Z0-9])(?:HC-?)?49 ?(?:U|US|S)(?![A-Z0-9])")
_TEXT_CRYSTAL_PINS = re.compile(r"(?<![\d.])([2-8]) ?(?:P|PIN|PINS|-PIN)(?![A-Z0-9])|(TWO|FOUR)[ _-]?PINS?")


def form_of_text(text: str) -> Footprint | None:
    """What free text states about a part's form, beyond the package `find_package` names: mounting words
    (贴片 / SMD, 直插 / through hole / axial), a header's rows, pins and pitch ('pin header 1x03 pitch 2mm',
    'CONN HEADER .100 SNGL 12POS', '2x06 排母'), a crystal's size and pins ('3225', '3.2x2.5mm', '49S直插', '4P').
    None when it states none of them. A mounting both ways ('SMD/THT') states none."""
    norm = unicodedata.normalize("NFKC", text or "").upper().replace("×", "X")
    if not norm.strip() or len(norm) > 2_000:
        return None
    norm = _DECIMAL_COMMA_MM.sub(".", norm)  # 'P2,54mm'
    smd, tht = bool(_TEXT_SMD.search(norm)), bool(_TEXT_THT.search(norm))
    mounting = "SMD" if smd and not tht else ("THT" if tht and not smd else "")
    if _TEXT_HEADER.search(norm) or (
        _TEXT_GENDER.search(norm) and _TEXT_GRID.search(norm) and _TEXT_HEADER_PITCH.search(norm)
    ):
        return _header_text(norm, mounting)  # 'HRD-1x8-2.54-FEMALE': a gender, a grid and a header pitch
    if _TEXT_CRYSTAL.search(norm):
        return _crystal_text(norm, mounting)
    if _TEXT_SWITCH.search(norm) and (box := _TEXT_BOX.search(norm)) is not None:
        # '3x4x2.5mm 贴片 轻触按键', 'ButtonTACT_3x4x2_180H': a tact switch's body, length x width (x height)
        return Footprint(norm, "", mounting, "switch", body_mm=(float(box.group(1)), float(box.group(2))))
    return Footprint(text, mounting=mounting) if mounting else None


def _header_text(norm: str, mounting: str) -> Footprint:
    rows = pins = None
    if (grid := _TEXT_GRID.search(norm)) is not None:  # '1x03', '2*20P', '6X2' (rows are the smaller number)
        a, b = int(grid.group(1)), int(grid.group(2))
        rows, pins = min(a, b), a * b
    else:
        rows = next((n for n, words in _TEXT_ROWS if words.search(norm)), None)
        if (count := _TEXT_POSITIONS.search(norm)) is not None:
            pins = int(count.group(1))
    pitch = None
    for m in _TEXT_PITCH.finditer(norm):
        value = float(next(g for g in m.groups() if g))
        if m.group(4) is None or (value in _HEADER_PITCHES and "." in m.group(4)):  # a bare '2.54' or '2.0mm' only
            pitch = value
            break
    series_pitch = next((mm for series, mm in _SERIES_PITCH if series.search(norm)), None)
    if pitch is None or (series_pitch is not None and abs(pitch - series_pitch) <= 0.05):
        pitch = series_pitch or pitch  # 'XH-2A 2.54mm间距': JST XH is 2.5 mm, which sellers and buyers call 2.54
    if pitch is None and (inch := _TEXT_INCH_PITCH.search(norm)) is not None:
        said = inch.group(0)
        pitch = 1.27 if "050" in said else (2.0 if "079" in said else 2.54)
    orientation = next((name for name, words in _TEXT_ORIENTATION if words.search(norm)), "")
    kind = "socket" if _TEXT_FEMALE.search(norm) else ("header" if _TEXT_MALE.search(norm) else "connector")
    return Footprint(norm, "", mounting, kind, pins, rows, pitch, orientation=orientation)


def angled(text: str) -> bool | None:
    """Whether a text says right angle ('弯插', 'R/A', KiCad's 'Horizontal': True) or straight ('Vertical', '直针':
    False); None when it says neither."""
    norm = unicodedata.normalize("NFKC", text).upper()
    said = {name for name, words in _TEXT_ORIENTATION if words.search(norm)}
    return None if len(said) != 1 else said == {"right_angle"}


def _crystal_text(norm: str, mounting: str) -> Footprint:
    if _TEXT_HC49.search(norm) is not None:  # '49S直插': an HC-49S can; 贴片 / SMD makes it the SMD one
        return Footprint(norm, "", mounting or "THT", "crystal", 2)
    body: tuple[float, ...] = ()
    if (dims := _TEXT_CRYSTAL_DIMS.search(norm)) is not None:
        body = (float(dims.group(1)), float(dims.group(2)))
    else:
        code = next((m.group(1) for m in _TEXT_CRYSTAL_CODE.finditer(norm) if m.group(1) in _CRYSTAL_SIZES), None)
        body = crystal_body(code) if code else ()
    pins = None
    if (count := _TEXT_CRYSTAL_PINS.search(norm)) is not None:
        pins = int(count.group(1)) if count.group(1) else {"TWO": 2, "FOUR": 4}[count.group(2)]
    return Footprint(norm, "", mounting or ("SMD" if body else ""), "crystal", pins, None, None, body)


# Catalog attributes that state a part's form where its package name does not.
_PINS_KEYS = ("number_of_pins", "number_of_positions", "number_of_holes", "number_of_contacts")
_GRID_KEYS = ("pin_structure", "holes_structure")


def form_of_listing(package: str, category: str, attributes: dict[str, tuple[str, float | None]]) -> Footprint | None:
    """What a catalog listing states about its form: its package name read by the grammar, completed by the
    attributes that state pitch, rows, pins and mounting (`attributes`: key -> (raw text, value)), and the kind its
    category names (a header, a crystal)."""
    found = parse_footprint(package) or Footprint(package)
    low = category.lower()
    kind = found.kind
    if not kind and any(w in low for w in ("header", "connector", "socket", "terminal")):
        female, male = "female" in low or "socket" in low, "pin header" in low or "male pin" in low
        kind = "socket" if female and not male else ("header" if male and not female else "connector")
    elif not kind and "crystal" in low:
        kind = "crystal"
    rows, pins, pitch, mounting = found.rows, found.pins, found.pitch_mm, found.mounting
    if kind == "connector" and rows is None and (grid := _TEXT_GRID.search(package.upper())) is not None:
        rows, pins = int(grid.group(1)), int(grid.group(1)) * int(grid.group(2))  # 'Term_Block_1x2_P5.08MM'
        pitch = pitch or _pitch(package.upper())
    for key in _GRID_KEYS:
        if key in attributes and (grid := _TEXT_GRID.search(attributes[key][0].upper())) is not None:
            rows, pins = int(grid.group(1)), int(grid.group(1)) * int(grid.group(2))
            break
    if rows is None and (stated := attributes.get("number_of_rows")) and stated[1]:
        rows = int(stated[1])
    if pins is None:
        for key in _PINS_KEYS:
            if key in attributes and (count := re.match(r"\s*(\d{1,3})", attributes[key][0])) is not None:
                pins = int(count.group(1))
                break
    if pitch is None and (stated := attributes.get("pitch")) and stated[1]:
        pitch = stated[1]
    if not mounting and (stated := attributes.get("mounting_type")):
        said = stated[0].upper()
        smd, tht = bool(_SMD_WORDS.search(said)), bool(_THT_WORDS.search(said))
        mounting = "SMD" if smd and not tht else ("THT" if tht and not smd else "")
    found = replace(found, kind=kind, rows=rows, pins=pins, pitch_mm=pitch, mounting=mounting)
    return found if found or found.body_mm or pins or pitch else None


# ---------------------------------------------------------------------------------------------------------
# Readers, tried in order on the normalized (NFKC, upper-case) text; each returns what it can tell or None.


def _ipc(norm: str) -> Footprint | None:
    """IPC-7351 land-pattern names."""
    # 'RESC1608X55N', and the short form with only the density level (L / N / M) Altium libraries use: 'RESC1608L',
    # 'CAPC2012N' (and a library's 'FUSE2012L')
    if (m := re.match(r"(RES|CAP|IND|LED|DIO|FUS)(?:C|(?<=FUS)E)(\d{4})(?:X\d|[LNM]$)", norm)) is not None:
        eia = METRIC_TO_EIA.get(m.group(2), "") or _near_metric(m.group(2))
        kind = {"RES": "resistor", "CAP": "capacitor", "IND": "inductor", "LED": "led", "DIO": "diode",
                "FUS": "fuse"}[m.group(1)]  # fmt: skip
        return Footprint(norm, eia, "SMD", kind)
    if (m := re.match(r"CAP(?:PM|AE)(\d{4})X\d", norm)) is not None:
        return Footprint(norm, _tantalum_case(m.group(1)), "SMD", "polarized_capacitor")
    if m := re.match(r"(SOIC|SOP|TSOP|SOT|QFN|SON|DFN)(\d{2,3})P(\d{3,4})X\d+(?:X\d+)*-(\d{1,3})N?", norm):
        family, pitch, span, pins = m.group(1), int(m.group(2)) / 100, int(m.group(3)), int(m.group(4))
        if family == "SOT":
            by_pitch = {
                0.95: {3: "SOT-23", 5: "SOT-23-5", 6: "SOT-23-6"},
                0.65: {3: "SOT-323", 5: "SOT-353", 6: "SOT-363"},
            }
            name = by_pitch.get(pitch, {}).get(pins, f"SOT-{pins}")
            if pitch >= 2.0:
                name = "SOT-223"
        elif family in ("QFN", "SON", "DFN"):
            name = f"{family}-{pins - 1 if pins % 2 else pins}"  # the exposed pad counts as a pin in IPC
        elif pitch <= 0.65:
            name = f"TSSOP-{pins}"
        else:
            name = f"SOIC-{pins}" + ("-W" if span >= 750 else "")  # a 7.9 / 10.3 mm span is a wide body
        count = pins - 1 if family in ("QFN", "SON", "DFN") and pins % 2 else pins
        return Footprint(norm, name, "SMD", "", count, None, pitch, (span / 100,))
    if (m := re.match(r"SOD(\d{4})X", norm)) is not None:
        name = {"3715": "SOD-123", "3716": "SOD-123", "2512": "SOD-323", "2513": "SOD-323", "1608": "SOD-523",
                "1005": "SOD-923"}.get(m.group(1), "")  # fmt: skip
        return Footprint(norm, name, "SMD", "diode") if name else None
    return None


def _chip(norm: str) -> Footprint | None:
    """Chip parts named by size: 0603, R0603, C_0805_2012Metric, RES0402, LED0603-RD, 0603-RES, c0402, R 0805_L, SM0603, and
    Eagle (SparkFun) device names: CAP_CERAMIC_0805MP, RESISTOR_0805MP."""
    m = re.match(
        r"(?:([A-Z]{1,9})(?:[ _\-](?:CERAMIC|MLCC))?[ _\-]?)?(?:SMD[ _\-])?(\d{4,5})(?:[ _\-]?(\d{4})METRIC)?(?![\d.])(?!X\d)(?:[ _\-@]*([A-Z]{0,4}))?",
        norm,
    )
    if m is None:
        return None
    prefix, code, metric, tail = m.group(1) or "", m.group(2), m.group(3), m.group(4) or ""
    if code not in CHIP_CODES:
        if metric or prefix in ("", "C", "R", "L"):
            code = METRIC_TO_EIA.get(code, "") if metric is None and prefix in ("RESC", "CAPC") else code
        if code not in CHIP_CODES:
            return None
    kind = _kind(prefix) or _kind(tail)
    if prefix and not kind and prefix not in ("SMD", "SM", "SIZE", "CASE", "CHIP"):
        return None  # "SOT1206", "DFN1006": not a chip size ('SM0603': KiCad 4's chip pad)
    return Footprint(norm, code, "SMD", kind)


def _case(norm: str) -> Footprint | None:
    """Tantalum case codes (CASE-A_3216, CASE-B-3528) and chip arrays (0603x4, 0402X4, LCEDA's
    RES-ARRAY-SMD_0603-8P: 8 pads, four resistors; KiCad's R_Array_Convex_4x0402)."""
    array = re.match(r"(RES|R|CAP|C)[_\-]ARRAY[_\-](?:SMD[_\-])?(\d{4})[_\-](\d{1,2})P", norm)
    if array is not None and array.group(2) in CHIP_CODES and int(array.group(3)) % 2 == 0:
        kind = "resistor" if array.group(1).startswith("R") else "capacitor"
        return Footprint(norm, f"{array.group(2)}x{int(array.group(3)) // 2}", "SMD", kind, int(array.group(3)))
    if (m := re.match(r"(R|C)_ARRAY_(?:CONVEX|CONCAVE)_(\d)X(\d{4})", norm)) is not None and m.group(3) in CHIP_CODES:
        kind = "resistor" if m.group(1) == "R" else "capacitor"
        return Footprint(norm, f"{m.group(3)}x{m.group(2)}", "SMD", kind, 2 * int(m.group(2)))
    if (m := re.match(r"CASE[ _\-]?([A-EPRSTUVWXY])(?![A-Z])", norm)) is not None:
        return Footprint(norm, f"CASE-{m.group(1)}", "SMD", "polarized_capacitor")
    if (m := re.fullmatch(r"SMC_([A-E])", norm)) is not None:  # Eagle rcl.lbr's tantalum cases (SMC alone: a diode)
        return Footprint(norm, f"CASE-{m.group(1)}", "SMD", "polarized_capacitor")
    if (m := re.match(r"(?:CD ?)?([A-E]) ?\((3216|3528|6032|7343)\)", norm)) is not None:
        if _CASE_SIZE[m.group(1)] != m.group(2):
            return None  # 'C(3216)': a letter and a size that disagree name no case
        return Footprint(norm, f"CASE-{m.group(1)}", "SMD", "polarized_capacitor")  # Altium's 'CD A(3216)'
    if (m := re.match(r"(?:CAP|TAN|TANT|CP)[ _\-]*(?:SMD[ _\-]*)?(3216|3528|6032|7343)(?![\d.])", norm)) is not None:
        return Footprint(norm, _tantalum_case(m.group(1)), "SMD", "polarized_capacitor")  # CAP-SMD_7343
    if (m := re.search(r"TANTALUM[ _\-]*(?:\d{4}[ _\-]*)?\(?(3216|3528|6032|7343)[ _\-]?METRIC", norm)) is not None:
        return Footprint(
            norm, _tantalum_case(m.group(1)), "SMD", "polarized_capacitor"
        )  # 'C-POL_TANTALUM-2412(6032-METRIC)'
    if (m := re.match(r"(\d{4})X(\d)(?![\d.])", norm)) is not None and m.group(1) in CHIP_CODES:
        return Footprint(norm, f"{m.group(1)}x{m.group(2)}", "SMD", "")
    return None


def _header(norm: str) -> Footprint | None:
    """Pin headers and sockets: PinHeader_1x04_P2.54mm_Vertical, PinSocket_2x05, HDR-M_2.54_1x4P, HDR1X4,
    MHDR2X5, Header 4, HDR-TH_3P-P2.54-V-M, 1X03 / 2X05 (Eagle), pin_array_13x2 (KiCad 4)."""
    m = re.match(
        r"(PINHEADER|PINSOCKET|RHDR|M?HDR|PINHD|HEADER|PIN[ _]?HEADER|PIN_ARRAY|PINS(?=_\d)|排针|排母)?[ _\-]*(?:[MF][ _\-]+)?",
        norm,
    )
    word = (m.group(1) or "") if m else ""
    rows_pins = re.search(r"(?<![\d.])(\d{1,2})X(\d{1,3})(?:P|PIN)?(?![\d.X])", norm)
    only_pins = re.search(r"(?:[_\-]|^HEADER ?)(\d{1,3})P(?:IN)?(?![A-Z0-9])|^HEADER[ _\-]?(\d{1,3})H?$", norm)
    eagle = bool(rows_pins and re.fullmatch(r"\d{1,2}X\d{1,3}", norm))  # Eagle's "1X03"
    # KiCad's 'PinHeader_1x03_P2.54mm_Vertical' with its library word lost ('1x03_P2,54mm_Vertical'): a pin array
    # of that pitch, male or female not said
    bare = bool(re.fullmatch(r"\d{1,2}X\d{1,3}_P\d(?:\.\d{1,2})?MM(?:_(?:VERTICAL|HORIZONTAL)(?:_SMD)?)?", norm))
    if not word and not eagle and not bare and not re.match(r"(排针|排母)", norm):
        return None
    # IPC-7351 names a receptacle 'RHDRV4W80P254_4X1_…' (a pin header 'HDRV4W64P254_1X4_…')
    kind = "socket" if word in ("PINSOCKET", "RHDR") or "排母" in norm or re.search(r"HDR-F|FEMALE", norm) else "header"
    if re.search(r"-P\d\.\d+-[VH]-F(?![A-Z0-9])", norm):
        kind = "socket"  # LCEDA's 'HDR-TH_4P-P2.54-V-F'
    rows = pins = None
    if (grid := re.search(r"-R(\d)-C(\d{1,3})(?![\d.])", norm)) is not None and only_pins is not None:
        rows, pins = int(grid.group(1)), int(grid.group(1)) * int(grid.group(2))  # LCEDA's '…-R2-C5': 2 rows of 5
    elif rows_pins is not None:
        a, b = int(rows_pins.group(1)), int(rows_pins.group(2))
        rows, pins = min(a, b), a * b  # IPC's '_4X1_' is one row of four
    elif only_pins is not None:
        rows, pins = 1, int(only_pins.group(1) or only_pins.group(2))
    pitch = _pitch(norm) or (
        2.54
        if word in ("HDR", "MHDR", "RHDR", "PINHD", "HEADER", "PIN_ARRAY") and not re.search(r"2\.0|2MM", norm)
        else None
    )
    name = f"Header-{rows}x{pins // rows:02d}" if rows and pins else "Header"
    if pitch:
        name += f"-P{_num(pitch)}"
    mounting = "SMD" if _SMD_WORDS.search(norm) else "THT"
    if not bare:
        return Footprint(norm, name, mounting, kind, pins, rows, pitch)
    orientation = "vertical" if "VERTICAL" in norm else ("horizontal" if "HORIZONTAL" in norm else "")
    return Footprint(norm, name, mounting, "connector", pins, rows, pitch, (), orientation)


def _lceda_th(norm: str) -> Footprint | None:
    """EasyEDA through-hole families: RES-TH_BD2.3-L6.5-P10.50, CAP-TH_BD6.3-P2.50, LED-TH_BD3.0-P2.54,
    KEY-TH_4P-L6.0-W6.0-P3.90, SW-TH_..., and their -SMD_ twins."""
    m = re.match(r"([A-Z]{1,8})-(TH|SMD)_(.*)", norm)
    if m is None:
        return None
    word, mounting, rest = m.group(1), "THT" if m.group(2) == "TH" else "SMD", m.group(3)
    kind = _kind(word)
    if kind == "header":
        return _header(norm)  # 'HDR-TH_4P-P2.54-V-F': male or female, rows ('-R2-C5') read there
    # the body: its diameter (BD; a bare D only without one: '-D0.6' after BD8.0 is the lead's), length and width,
    # each kept (a 7.3 x 7.3 mm inductor is two sizes, not one)
    diameter = _first_number(rest, "BD")
    if diameter is None:
        diameter = _first_number(rest, "D")
    body = tuple(v for v in (diameter, _first_number(rest, "L"), _first_number(rest, "W")) if v is not None)
    pitch = _pitch("-" + rest)
    pins = _pins(rest)
    package = ""
    if kind == "resistor" and mounting == "THT":
        package = "Axial"
    elif kind in ("capacitor", "polarized_capacitor") and mounting == "THT":
        package = "Radial"
    elif kind == "led" and mounting == "THT" and (size := _first_number(rest, "BD")) is not None:
        package = f"LED-{_num(size)}mm"
    return Footprint(norm, package, mounting, kind, pins, None, pitch, body)


def _kicad_tht(norm: str) -> Footprint | None:
    """KiCad and Altium through-hole passives and LEDs: R_Axial_DIN0207_..., CP_Radial_D6.3mm_P2.50mm,
    C_Disc_D5.0mm, LED_D3.0mm, AXIAL-0.4, RAD-0.1, CAPPR2-5x11, D_DO-35_SOD27_P7.62mm_Horizontal."""
    if (m := re.match(r"([A-Z]+)_AXIAL", norm)) is not None or norm.startswith("AXIAL"):
        kind = _kind(m.group(1)) if m else ""
        pitch = _pitch(norm) or _inch_pitch(norm)
        return Footprint(norm, "Axial", "THT", kind or "", 2, None, pitch, _numbers_after(norm, ("D", "L")))
    if (m := re.match(r"([A-Z]+)_(RADIAL|DISC|RECT)", norm)) is not None or norm.startswith(("RAD-", "CAPPR")):
        kind = _kind(m.group(1)) if m else ("polarized_capacitor" if norm.startswith("CAPPR") else "capacitor")
        pitch = _pitch(norm) or _inch_pitch(norm)
        return Footprint(norm, "Radial", "THT", kind or "capacitor", 2, None, pitch, _numbers_after(norm, ("D", "W")))
    if (m := re.match(r"LED[_\-]D?(\d(?:\.\d)?)MM", norm)) is not None:
        return Footprint(norm, f"LED-{_num(float(m.group(1)))}mm", "THT", "led", 2, None, _pitch(norm))
    if (m := re.match(r"CP_ELEC_(\d+(?:\.\d+)?)X(\d+(?:\.\d+)?)", norm)) is not None:
        return Footprint(norm, "", "SMD", "polarized_capacitor", 2, None, None, (float(m.group(1)), float(m.group(2))))
    return None


def _crystal(norm: str) -> Footprint | None:
    """Crystal_SMD_3225-4Pin_3.2x2.5mm, XTAL-SMD_3225-4P, SMD3225-4P (JLC), HC-49US, Crystal_HC49-U_Vertical."""
    if (m := re.search(r"(?<![A-Z0-9])HC-?49(?:[/ _\-]?(U|US|S|SMD|U-S))?", norm)) is not None:
        smd = m.group(1) == "SMD" or bool(_SMD_WORDS.search(norm))
        pins = int(p.group(1)) if (p := re.search(r"[_\-](\d)P(?![A-Z0-9])", norm[m.end() :])) else 2  # 'HC-49U-3P'
        return Footprint(norm, "HC-49-SMD" if smd else "HC-49", "SMD" if smd else "THT", "crystal", pins)
    if (m := re.search(r"(?:CRYSTAL|XTAL|OSC)?[_\-]?SMD[_\-]?(\d{4})[_\-](\d)P", norm)) is not None:
        crystal = m.group(1) in _CRYSTAL_SIZES or bool(re.search(r"CRYSTAL|XTAL|OSC", norm))  # SMD2835-2P: an LED
        body = crystal_body(m.group(1)) if crystal else ()
        return Footprint(
            norm,
            f"SMD{m.group(1)}-{m.group(2)}P",
            "SMD",
            "crystal" if crystal else "",
            int(m.group(2)),
            None,
            None,
            body,
        )
    if re.search(r"CRYSTAL|XTAL", norm) and (form := _crystal_text(norm, "")).body_mm and form.pins:
        # KiCad's 'Crystal_2.0x1.6mm_4pin', 'Crystal_SMD_Abracon_ABM8-4Pin_3.2x2.5mm': the body and pins name it
        return replace(form, package=crystal_package(form.body_mm, form.pins))
    return None


def crystal_form(text: str) -> Footprint:
    """What a crystal line's text says about its form ('3.2x2.5x0.8' -> body 3.2 x 2.5, '3225 12MHz' -> body
    3.2 x 2.5, '4Pin' -> 4 pins), when the line is known to be a crystal (its words need not say so)."""
    return _crystal_text(unicodedata.normalize("NFKC", text).upper().replace("×", "X"), "")


def crystal_package(body: tuple[float, ...], pins: int | None) -> str:
    """The catalog's name of an SMD crystal package: body (3.2, 2.5) with 4 pins -> 'SMD3225-4P', with pins not
    known -> 'SMD3225' (a body only: 2 and 4 pins are two land patterns); '' when the body is no crystal size."""
    if len(body) != 2:
        return ""
    code = "".join(f"{round(size * 10):02d}" for size in sorted(body, reverse=True))
    if code not in _CRYSTAL_SIZES:
        return ""
    return f"SMD{code}-{pins}P" if pins else f"SMD{code}"


def crystal_body(code: str) -> tuple[float, float] | tuple[()]:
    """A crystal's size code is its body in tenths of a millimetre: '3225' -> (3.2, 2.5), '2016' -> (2.0, 1.6)."""
    if not re.fullmatch(r"\d{4}", code):
        return ()
    return (int(code[:2]) / 10, int(code[2:]) / 10)


def _jlc(norm: str) -> Footprint | None:
    """JLCPCB catalog forms: '插件,P=2.54mm', '弯插,P=2mm', 'SMD,P=0.5mm,卧贴', 'SMD,D6.3xL7.7mm', 'SMD,4x4mm',
    'Through Hole,P=2mm', 'P=2.54mm'."""
    if not re.match(r"(插件|弯插|直插|SMD|THROUGH HOLE|P=)", norm):
        return None
    mounting = "SMD" if norm.startswith("SMD") else ("" if norm.startswith("P=") else "THT")
    body: tuple[float, ...] = ()
    if (m := re.search(r"D(\d+(?:\.\d+)?)XL(\d+(?:\.\d+)?)", norm)) is not None or (
        m := re.search(r"(\d+(?:\.\d+)?)X(\d+(?:\.\d+)?)MM", norm)
    ) is not None:
        body = (float(m.group(1)), float(m.group(2)))
    elif (m := re.search(r"D=(\d+(?:\.\d+)?)MM", norm)) is not None:  # '插件,D=3mm': a 3 mm round lamp
        body = (float(m.group(1)),)
    return Footprint(norm, "", mounting, "", _pins(norm), None, _pitch(norm), body)


def _ic(norm: str) -> Footprint | None:
    """IC and discrete packages with or without a pin count: SOIC-8_3.9x4.9mm_P1.27mm, SOP-8_L4.9-W3.9-P1.27,
    TO-92-3_L5.1-W4.1, SOT23, SO8, LQFP-48(7x7), QFN-32-1EP_5x5mm, SMA(DO-214AC), DIP-8_W7.62mm, TO-220-3."""
    m = _IC_NAME_RE.search(norm)
    if m is None:
        return None
    family, pins, tail = m.group(1), m.group(2), m.group(3) or ""
    if family == "HSOP" and (not pins or not pins.isdigit() or int(pins) <= 8):
        return None  # an HSOP-8 is TI's SO PowerPAD, listed as SOIC-8, ESOP-8 or HSOP-8 alike: read only PowerSO-10+
    family = {"SOT": "SOT", "SO": "SO"}.get(family, family)
    if pins and re.fullmatch(r"\d+L", pins) and family not in ("TO", "DO", "SOD", "SOT", "TSOT", "SC", "LL"):
        pins = pins[:-1]  # ST's 'LGA-14L', 'VFQFPN-48L': 14 leads
    if family == "TSOT" and pins == "23" and not tail:
        name = "TSOT"  # 'LTC4412_TSOT23': a ThinSOT whose pins the name does not say
    elif family in ("TO", "DO", "SC", "SOD", "SOT", "TSOT", "LL") and pins:
        name = f"{family}-{pins}" + (f"-{tail}" if tail else "")
    elif pins:
        name = f"{family}-{pins}"
    else:
        name = family
    lceda_width = re.search(r"-W(\d+(?:\.\d+)?)", norm)  # LCEDA's body width: W3.9 narrow, W7.5 wide
    # '_75MM' (LCSC order lines: 'SOIC16_75MM'), '_W7.50mm' (KiCad): the body width
    body_width = re.search(r"_(\d+(?:\.\d+)?)X\d+(?:\.\d+)?MM", norm)  # KiCad 'SOIC-8_5.28x4.9mm': 5.28 wide
    wide = (
        bool(re.search(r"300MIL|208MIL|WIDE|7\.5X|5\.3X|5\.2X|_W?(?:7\.?5|5\.?3)0?MM", norm))
        or (body_width is not None and float(body_width.group(1)) >= 5.0)
        or (lceda_width is not None and float(lceda_width.group(1)) >= 5.0)
    )
    if family in ("SOIC", "SOP", "SO") and wide:
        name += "-W"  # wide body (7.5 / 5.3 mm): another land pattern than the 3.9 mm one
    name = canonical(name)
    body: tuple[float, ...] = ()
    if (b := re.search(r"\((\d+(?:\.\d+)?)X(\d+(?:\.\d+)?)\)|_(\d+(?:\.\d+)?)X(\d+(?:\.\d+)?)MM", norm)) is not None:
        nums = [g for g in b.groups() if g]
        body = (float(nums[0]), float(nums[1]))
    head = name.split("-")[0]
    fam = name if name in _THT_FAMILIES or name in _SMD_FAMILIES else head
    mounting = "SMD" if fam in _SMD_FAMILIES else ("THT" if fam in _THT_FAMILIES else "")
    count = (
        int(pins)
        if pins and pins.isdigit() and family not in ("TO", "DO", "SOD", "SOT", "TSOT", "SC", "LL", "DFN")
        else None
    )
    return Footprint(norm, name, mounting, "", count, None, _pitch(norm), body)


def _named(norm: str) -> Footprint | None:
    """Parts whose footprint names the part family: switches, USB connectors, terminal blocks, LEDs in PLCC."""
    if re.match(r"(SW|KEY|BUTTON)[_\-]", norm) or re.match(r"TS-?\d", norm):
        mounting = "THT" if re.search(r"[_\-]TH[_\-]|TH_|THT", norm) else ("SMD" if _SMD_WORDS.search(norm) else "")
        body: tuple[float, ...] = ()
        if (m := re.search(r"(\d+(?:\.\d+)?)X(\d+(?:\.\d+)?)(?:X(\d+(?:\.\d+)?))?", norm)) is not None:
            body = tuple(float(g) for g in m.groups() if g)
        return Footprint(norm, "", mounting, "switch", _pins(norm), None, _pitch(norm), body)
    if re.search(r"USB[_\- ]?(TYPE[_\- ]?)?C|TYPE-C", norm):
        return Footprint(norm, "USB-C", "SMD" if _SMD_WORDS.search(norm) else "", "connector", _pins(norm))
    if norm.startswith("TERMINALBLOCK"):
        # KiCad's TerminalBlock library: the poles as 'bornier-2', '1x02' or '_2P' ('TerminalBlock_bornier-2_P5.08mm',
        # 'TerminalBlock_Phoenix_MKDS-1,5-2_1x02_P5.00mm_Horizontal')
        poles = re.search(r"BORNIER-(\d{1,2})(?!\d)|_1X(\d{1,2})(?!\d)", norm)
        count = int(next(g for g in poles.groups() if g)) if poles else _pins(norm)
        return Footprint(norm, "", "THT", "connector", count, 1, _pitch(norm))
    return None


def _eagle_rcl(norm: str) -> Footprint | None:
    """Eagle rcl.lbr leaded passives: resistors by DIN body code and grid ('0204/5', 'R-US_0207/10': a 0207 body,
    2.5 x 6.3 mm), capacitors by grid and body ('C025-025X050', 'C-US025-025X050': 2.5 mm pitch, 2.5 x 5 mm)."""
    if (m := re.match(r"(?:R-(?:US|EU)_?)?(0204|0207|0309|0411|0414|0617|0922)/\d+(V)?(?![\d.])", norm)) is not None:
        return Footprint(norm, "Axial", "THT", "resistor", 2, None, None, _DIN_BODY_MM[m.group(1)])
    if (m := re.match(r"C(?:-(?:US|EU))?(\d{3})-(\d{3})X(\d{3})(?![\d.])", norm)) is not None:
        body = (int(m.group(2)) / 10, int(m.group(3)) / 10)
        return Footprint(norm, "Radial", "THT", "capacitor", 2, None, int(m.group(1)) / 10, body)
    return None


_CASE_SIZE = {"A": "3216", "B": "3528", "C": "6032", "D": "7343", "E": "7343"}  # EIA 535 tantalum cases
# DIN body codes of leaded resistors: diameter x length, mm (a '0207' is about 2.5 x 6.3 mm).
_DIN_BODY_MM = {"0204": (1.8, 3.6), "0207": (2.5, 6.3), "0309": (3.2, 9.0), "0411": (4.0, 11.0), "0414": (4.0, 14.0),
                "0617": (6.0, 17.0), "0922": (9.0, 22.0)}  # fmt: skip

_READERS = (_ipc, _kicad_tht, _lceda_th, _eagle_rcl, _case, _header, _crystal, _chip, _ic, _named, _jlc)


def _generic(norm: str) -> Footprint:
    """Mounting and orientation words anywhere (贴片 / 插件 / SMD / THT / 卧式 ...), the kind from the first word."""
    mounting = "SMD" if _SMD_WORDS.search(norm) else ("THT" if _THT_WORDS.search(norm) else "")
    orientation = next((name for name, words in _ANGLE_WORDS if words.search(norm)), "")
    first = re.match(r"([A-Z]+)[_\- ]", norm)  # 'D_SMA' is a diode's, 'D2PAK' is no diode's
    return Footprint(norm, "", mounting, _kind(first.group(1)) if first else "", orientation=orientation)


def _merge(a: Footprint, b: Footprint | None) -> Footprint:
    """`a` with what `b` adds; what `a` already says stays."""
    if b is None:
        return a
    return replace(
        a,
        package=a.package or b.package,
        mounting=a.mounting or b.mounting,
        kind=a.kind or b.kind,
        pins=a.pins if a.pins is not None else b.pins,
        rows=a.rows if a.rows is not None else b.rows,
        pitch_mm=a.pitch_mm if a.pitch_mm is not None else b.pitch_mm,
        body_mm=a.body_mm or b.body_mm,
        orientation=a.orientation or b.orientation,
    )


def _with_defaults(found: Footprint, norm: str) -> Footprint:
    """What the package implies when the name does not say it: a chip code is SMD, an LED-3mm through-hole."""
    if found.package and not found.mounting:
        if found.package in CHIP_CODES:
            found = replace(found, mounting="SMD")
        elif found.package.split("-")[0] in _THT_FAMILIES or found.package in _THT_FAMILIES:
            found = replace(found, mounting="THT")
    return found


def _comparable(a: Footprint, b: Footprint) -> bool:
    """Package names are compared only when both name one package exactly: 'SOIC' alone (no pin count) or a
    generic 'Axial' / 'Header' says too little to disagree with 'SOIC-8'."""
    return _specific(a.package) and _specific(b.package)


# pin count not said (SC70: 3, 5 or 6; a bare TSOT-23 is a ThinSOT of 5, 6 or 8), or the suffix (DO-214: SMA / B / C)
_FAMILY_NAMES = frozenset({"SC-70", "SC-88", "SOT", "SOD", "TO", "DO", "TSOT", "DO-214"})
# What a family name alone covers, where it is read as one (the canonical names of its members).
_FAMILY_MEMBERS: dict[str, frozenset[str]] = {
    "DO-214": frozenset({"SMA", "SMB", "SMC", "DO-214", "DO-214BA"}),  # SMAF, SOD-123FL are no DO-214 member
    "TSOT": frozenset({"SOT-23", "SOT-23-5", "SOT-23-6", "SOT-23-8", "TSOT"}),
}


def family_of(package: str) -> bool:
    """Whether a package name is a family whose members are told apart by a suffix (DO-214: SMA / SMB / SMC)."""
    return package in _FAMILY_MEMBERS


def _outside_family(a: str, b: str) -> bool:
    """Whether one of two package names is a family (DO-214, a bare TSOT-23) the other, a specific one, is not in."""
    for family, other in ((a, b), (b, a)):
        members = _FAMILY_MEMBERS.get(family)
        if members and _specific(other) and canonical(other).upper() not in members:
            return True
    return False


_COUNTED = frozenset({"header", "socket", "connector"})  # told apart by pins, rows and pitch, not by a name
_PINLESS = frozenset({"SMA", "SMB", "SMC", "SMAF", "MELF", "MiniMELF", "USB-C", "HC-49", "HC-49-SMD"})


def specific(package: str) -> bool:
    """Whether a canonical package name names one package ('SOIC-8', 'SMA', 'Header-1x04-P2.54'), not a family
    ('SOIC', 'Axial', 'Header')."""
    return _specific(package)


def _specific(package: str) -> bool:
    if package in _FAMILY_NAMES:
        return False
    if package in _PINLESS or package.startswith("CASE-"):
        return True
    return any(c.isdigit() for c in package) and package not in ("Axial", "Radial")


def _kind(word: str) -> str:
    word = word.upper()
    return next((kind for prefix, kind in _KIND_PREFIXES if word == prefix), "")


def _near_metric(code: str) -> str:
    """The EIA code of a metric chip size a vendor's IPC name rounds otherwise (KOA's 'RESC2013': 2.0 x 1.3 mm, an
    0805's 2.0 x 1.25): the one size within 0.1 mm in both length and width, else ''."""
    length, width = int(code[:2]), int(code[2:])
    near = {eia for metric, eia in METRIC_TO_EIA.items()
            if abs(int(metric[:2]) - length) <= 1 and abs(int(metric[2:]) - width) <= 1}  # fmt: skip
    return near.pop() if len(near) == 1 else ""


def _tantalum_case(metric: str) -> str:
    return {"3216": "CASE-A", "3528": "CASE-B", "6032": "CASE-C", "7343": "CASE-D"}.get(metric, f"CASE-{metric}")


def _pitch(norm: str) -> float | None:
    """'P=2.54MM', '_P2.54MM', '-P1.27-', '_2.54_' (LCEDA HDR), 'P2.00'."""
    m = re.search(r"(?:P=|[_\-]P)(\d+(?:\.\d+)?)(?:MM)?(?![\d.])", norm) or re.search(
        r"[_\-](1\.27|2\.0|2\.00|2\.54|2\.5|3\.96|3\.81|5\.08|5\.0|1\.25|1\.0|0\.5|0\.8)(?:MM)?(?=[_\-]|$)", norm
    )
    return float(m.group(1)) if m else None


def _inch_pitch(norm: str) -> float | None:
    """Altium AXIAL-0.4 / RAD-0.1: lead spacing in inches."""
    m = re.search(r"(?:AXIAL|RAD)-?(0\.\d+)", norm)
    return round(float(m.group(1)) * 25.4, 2) if m else None


def _pins(text: str) -> int | None:
    m = re.search(r"(?<![\dA-Z.])(\d{1,3})(?:P|PIN|PINS)(?![A-Z0-9])", text)
    return int(m.group(1)) if m else None


def _first_number(text: str, key: str) -> float | None:
    m = re.search(rf"(?<![A-Z]){key}(\d+(?:\.\d+)?)", text)
    return float(m.group(1)) if m else None


def _numbers_after(text: str, keys: tuple[str, ...]) -> tuple[float, ...]:
    out = []
    for key in keys:
        value = _first_number(text, key)
        if value is not None and value not in out:
            out.append(value)
    return tuple(out)


def _mounting_word(mounting: str) -> str:
    return {"SMD": "SMD", "THT": "through-hole"}.get(mounting, mounting)


def _num(value: float) -> str:
    return f"{value:g}"


_CASE = {name.upper(): name for name in ("MiniMELF",)}
_CRYSTAL_SIZES = frozenset({"1210", "1610", "1612", "2012", "2016", "2520", "3215", "3225", "5032", "6035", "7050"})
_CHIP_CODE_RE = re.compile(r"(?<![A-Z0-9.])(\d{4,6})(?![A-Z0-9.])")
# Packages named without a pin count, then families that always carry one ("TO" alone is the English word).
_IC_PACKAGE_RE = re.compile(
    r"(?<![A-Z0-9])(?:(D2PAK|D3PAK|DPAK|SMA|SMB|SMC|MINIMELF|MELF)"
    r"|(HTSSOP|TSSOP|MSOP|SSOP|ESOP|SOIC|SOP|TSOT|SOT|SOD|SC|VQFN|WQFN|UQFN|QFN|DFN|LQFP|TQFP|QFP|WLCSP|BGA|LGA"
    r"|PDIP|DIP|TO|DO)-?(\d{1,4})([A-Z]{0,2})(?:-(\d{1,2}))?)(?![A-Z0-9])"
)
# A package name inside a footprint name: family, pin count / number, and a short variant (SOT-23-5, TO-92L).
_IC_NAME_RE = re.compile(
    r"(?<![A-Z0-9])(HTSSOP|TSSOP|VSSOP|MSOP|SSOP|HSOP|ESOP|QSOP|TSOP|SOIC|SOP|SO|TSOT|SOT|SOD|SC|VQFN|WQFN|UQFN|UFQFPN"
    r"|QFN|TDFN|DFN|WSON|USON|SON|LQFP|TQFP|QFP|WLCSP|BGA|LGA|PDIP|DIP|SIP|ZIP|PLCC|TO|DO|LL|SMAF|SMA|SMB|SMC|MINIMELF"
    r"|MELF|DPAK|D2PAK)(?:-?(\d{1,4}(?:A[A-C]|[A-Z]{1,2})?)(?:-(\d{1,2}L?|[A-Z]{1,2}))?)?(?![A-Z0-9])"
)
