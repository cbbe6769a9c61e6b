"""Standard metric fasteners expanded from bd-warehouse's dimension tables: standard × size × length × material.

Dimensions (head diameter, head height, drive size, nominal lengths) come from the tables; the
material / finish grid is the brand's stocking range for each standard.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.catalog import DEFAULT_SOURCES_DIR, RowProblem
from knowledge.errors import CatalogError
from knowledge.models import Attribute, Product
from knowledge.units import coarse_pitch

FASTENER_SOURCE = "bd-warehouse 0.4.0 fastener tables (ISO / DIN dimensions), expanded by material"


@dataclass(frozen=True)
class Material:
    """A material / property class / finish the range stocks, with its SKU code and bilingual label."""

    code: str
    en: str
    zh: str


STEEL_129 = Material("129", "steel 12.9 black oxide", "12.9级合金钢 发黑")
STEEL_109 = Material("109", "steel 10.9 black oxide", "10.9级合金钢 发黑")
STEEL_88 = Material("88ZN", "steel 8.8 zinc plated", "8.8级碳钢 镀锌")
STEEL_88_HDG = Material("88HDG", "steel 8.8 hot-dip galvanized", "8.8级碳钢 热镀锌")
STEEL_45H = Material("45H", "steel 45H black oxide", "45H级合金钢 发黑")
STEEL_8_NUT = Material("8ZN", "steel class 8 zinc plated", "8级碳钢 镀锌")
STEEL_04_NUT = Material("04ZN", "steel class 04 zinc plated", "04级碳钢 镀锌")
STEEL_200HV = Material("ZN", "steel 200 HV zinc plated", "200HV碳钢 镀锌")
A2_70 = Material("A2", "A2-70 stainless", "不锈钢 A2-70")
A4_80 = Material("A4", "A4-80 stainless", "不锈钢 A4-80")
A2 = Material("A2", "A2 stainless", "不锈钢 A2")
A4 = Material("A4", "A4 stainless", "不锈钢 A4")


@dataclass(frozen=True)
class FastenerStandard:
    """One product line: which table columns describe it and which materials it comes in."""

    standard: str  # "ISO 4762"
    equivalent: str  # "DIN 912"
    table: str  # bd-warehouse file
    prefix: str  # column prefix in the table, e.g. "iso4762"
    lengths: str  # row of nominal_screw_lengths.csv, "" for nuts and washers
    en: str
    zh: str
    category: str
    materials: tuple[Material, ...]
    columns: Mapping[str, tuple[str, str]]  # column suffix -> (attribute key, label)
    threaded: bool = True  # washers have a nominal size but no thread pitch


STANDARDS: tuple[FastenerStandard, ...] = (
    FastenerStandard(
        "ISO 4762",
        "DIN 912",
        "socket_head_cap_parameters.csv",
        "iso4762",
        "iso4762",
        "socket head cap screw",
        "内六角圆柱头螺钉",
        "Fasteners / Socket head cap screws",
        (STEEL_129, STEEL_88, A2_70, A4_80),
        {
            "dk": ("head_diameter", "dk"),
            "k": ("head_height", "k"),
            "s": ("drive_size", "s"),
            "t": ("socket_depth", "t"),
        },
    ),
    FastenerStandard(
        "ISO 4017",
        "DIN 933",
        "hex_head_parameters.csv",
        "iso4017",
        "iso4017",
        "hex head screw, fully threaded",
        "外六角螺栓 全牙",
        "Fasteners / Hex head screws",
        (STEEL_88, STEEL_88_HDG, STEEL_109, A2_70, A4_80),
        {"k": ("head_height", "k"), "s": ("drive_size", "s")},
    ),
    FastenerStandard(
        "ISO 4014",
        "DIN 931",
        "hex_head_parameters.csv",
        "iso4014",
        "iso4014",
        "hex head bolt, partially threaded",
        "外六角螺栓 半牙",
        "Fasteners / Hex head bolts",
        (STEEL_88, STEEL_88_HDG, STEEL_109, A2_70, A4_80),
        {"k": ("head_height", "k"), "s": ("drive_size", "s")},
    ),
    FastenerStandard(
        "ISO 7380",
        "",
        "button_head_parameters.csv",
        "iso7380_1",
        "iso7380_1",
        "button head socket screw",
        "内六角圆头螺钉 (半圆头)",
        "Fasteners / Button head screws",
        (STEEL_109, A2_70, A4_80),
        {
            "dk": ("head_diameter", "dk"),
            "k": ("head_height", "k"),
            "s": ("drive_size", "s"),
            "t": ("socket_depth", "t"),
        },
    ),
    FastenerStandard(
        "ISO 10642",
        "DIN 7991",
        "countersunk_head_parameters.csv",
        "iso10642",
        "iso10642",
        "countersunk head socket screw",
        "内六角沉头螺钉 (平杯)",
        "Fasteners / Countersunk screws",
        (STEEL_109, STEEL_88, A2_70, A4_80),
        {
            "dk": ("head_diameter", "dk"),
            "k": ("head_height", "k"),
            "s": ("drive_size", "s"),
            "t": ("socket_depth", "t"),
        },
    ),
    FastenerStandard(
        "ISO 4026",
        "DIN 913",
        "setscrew_parameters.csv",
        "iso4026",
        "iso4026",
        "socket set screw, flat point",
        "内六角平端紧定螺钉 (机米)",
        "Fasteners / Set screws",
        (STEEL_45H, A2, A4),
        {"s": ("drive_size", "s"), "t": ("socket_depth", "t")},
    ),
    FastenerStandard(
        "ISO 4032",
        "DIN 934",
        "hex_nut_parameters.csv",
        "iso4032",
        "",
        "hex nut",
        "六角螺母",
        "Fasteners / Hex nuts",
        (STEEL_8_NUT, A2_70, A4_80),
        {"m": ("nut_height", "m"), "s": ("drive_size", "s")},
    ),
    FastenerStandard(
        "ISO 4035",
        "DIN 439",
        "hex_nut_parameters.csv",
        "iso4035",
        "",
        "thin hex nut",
        "薄型六角螺母",
        "Fasteners / Hex nuts",
        (STEEL_04_NUT, A2, A4),
        {"m": ("nut_height", "m"), "s": ("drive_size", "s")},
    ),
    FastenerStandard(
        "ISO 7089",
        "DIN 125-A",
        "plain_washer_parameters.csv",
        "iso7089",
        "",
        "plain washer",
        "平垫圈",
        "Fasteners / Washers",
        (STEEL_200HV, A2, A4),
        {"d1": ("bore_diameter", "d1"), "d2": ("outer_diameter", "d2"), "h": ("width", "h")},
        threaded=False,
    ),
    FastenerStandard(
        "ISO 7093",
        "DIN 9021",
        "plain_washer_parameters.csv",
        "iso7093",
        "",
        "large plain washer",
        "大垫圈",
        "Fasteners / Washers",
        (STEEL_200HV, A2, A4),
        {"d1": ("bore_diameter", "d1"), "d2": ("outer_diameter", "d2"), "h": ("width", "h")},
        threaded=False,
    ),
)

_SIZE = re.compile(r"^M(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$")


def standard_fasteners(
    directory: Path | str | None = None,
    *,
    problems: list[RowProblem] | None = None,
    standards: Sequence[FastenerStandard] = STANDARDS,
) -> Iterator[Product]:
    """Every fastener SKU of the standard range: each standard × size × nominal length × material."""
    directory = Path(directory) if directory is not None else DEFAULT_SOURCES_DIR / "fasteners"
    problems = problems if problems is not None else []
    lengths = _nominal_lengths(directory / "nominal_screw_lengths.csv")
    for std in standards:
        for line, row in _read_table(directory / std.table):
            size = _SIZE.match(row.get("Size", "").strip())
            if size is None:
                continue  # imperial rows (#4-40, 1/4-20) belong to ASME columns this range does not stock
            dims = {suffix: row.get(f"{std.prefix}:{suffix}", "").strip() for suffix in std.columns}
            if not any(dims.values()):
                continue  # size not covered by this standard (empty cells are normal in these tables)
            try:
                values = {suffix: float(text) for suffix, text in dims.items() if text}
                short, long = _range(row, std)
            except ValueError as exc:
                problems.append(RowProblem(str(directory / std.table), line, f"{std.standard}: bad number ({exc})"))
                continue
            nominal = float(size.group(1))
            # Every standard here is a coarse-thread one; the table's pitch is a fallback (its ISO 4035
            # M3 row says 0.45, the coarse pitch of M3 is 0.5).
            pitch = coarse_pitch(nominal) or (float(size.group(2)) if size.group(2) else None)
            choices: list[float | None] = [None]
            if std.lengths:
                choices = [n for n in lengths.get(std.lengths, ()) if short <= n <= long]
            for length in choices:
                for material in std.materials:
                    yield _fastener(std, nominal, pitch, length, material, values)


def _fastener(
    std: FastenerStandard,
    nominal: float,
    pitch: float | None,
    length: float | None,
    material: Material,
    values: Mapping[str, float],
) -> Product:
    thread = f"M{nominal:g}"
    size = thread if length is None else f"{thread}×{length:g}"
    sku = f"{std.standard.replace(' ', '').replace('-', '')}-{size.replace('×', 'X')}-{material.code}"
    attrs = [Attribute(name="thread", raw=thread, label="Size")]
    if pitch is not None and std.threaded:
        attrs.append(Attribute(name="pitch", raw=f"{pitch:g}", value=pitch, unit="mm", label="Size"))
    if length is not None:
        attrs.append(Attribute(name="length", raw=f"{length:g}", value=length, unit="mm", label="l"))
    for suffix, (key, label) in std.columns.items():
        if suffix in values:
            attrs.append(Attribute(name=key, raw=f"{values[suffix]:g}", value=values[suffix], unit="mm", label=label))
    attrs.append(Attribute(name="material", raw=material.en, label="material"))
    attrs.append(Attribute(name="standard", raw=std.standard, label="standard"))
    if std.equivalent:
        attrs.append(Attribute(name="equivalent_standard", raw=std.equivalent, label="≈"))
    equivalent = f" (≈{std.equivalent})" if std.equivalent else ""
    return Product(
        sku=sku,
        mpn=f"{std.standard} {size} {material.code}",
        manufacturer="Brandstation standard range",
        category=std.category,
        name=f"{std.standard} {size} {std.en}, {material.en} / {std.zh} {material.zh}",
        description=f"{std.standard}{equivalent} {std.en} {size}, {material.en}. "
        f"{std.zh} {size} {material.zh}，{std.standard}{equivalent}。",
        attributes=tuple(attrs),
        source=FASTENER_SOURCE,
    )


def _range(row: Mapping[str, str], std: FastenerStandard) -> tuple[float, float]:
    if not std.lengths:
        return 0.0, 0.0
    return float(row[f"{std.prefix}:short"]), float(row[f"{std.prefix}:long"])


def _nominal_lengths(path: Path) -> dict[str, tuple[float, ...]]:
    out: dict[str, tuple[float, ...]] = {}
    for line, row in _read_table(path):
        try:
            out[row["Screw_Type"].strip()] = tuple(sorted({float(v) for v in row["Nominal_Sizes"].split(",") if v}))
        except (KeyError, ValueError) as exc:
            raise CatalogError(f"bad nominal length row: {exc}", file=str(path), line=line) from exc
    return out


def _read_table(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a bd-warehouse CSV with header names stripped (some carry trailing spaces)."""
    if not path.is_file():
        raise CatalogError("file not found", file=str(path))
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        for cells in reader:
            yield reader.line_num, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}


# ---------------------------------------------------------------------------------------------------------
# What buyers' words say about a fastener: one vocabulary for search and BOM matching.

# Fastener types (the catalog's category leaf) and the words buyers and BOMs use for them.
_FASTENER_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Order matters: 圆头内六角 (button head socket) and 沉头内六角 (countersunk socket) name the head first, as does
    # Spanish 'Tornillo Allen Botón'. Spanish and German words as hand-made lists write them; German head shapes
    # alone (Zylinderkopf, Linsenkopf, Senkkopf) also name slotted and cross-recess screws, so only with their drive.
    ("Button head screws", ("button head", "iso 7380", "bhcs", "sbhcs", "圆头", "半圆头", "allen boton", "allen botón",
                            "cabeza de boton", "cabeza botón", "cabeza abombada", "allen cabeza redonda",
                            "linsenkopfschraube innensechskant", "linsenkopf innensechskant")),
    ("Countersunk screws", ("countersunk", "iso 10642", "din 7991", "flat head", "fhcs", "沉头", "allen avellanado",
                            "allen cabeza plana", "senkkopfschraube innensechskant", "senkschraube innensechskant")),
    ("Socket head cap screws", ("socket head", "iso 4762", "din 912", "shcs", "cap screw", "内六角圆柱", "杯头",
                                "tornillo allen", "allen screw", "allen bolt", "zylinderkopfschraube innensechskant",
                                "zylinderschraube innensechskant")),
    ("Set screws", ("set screw", "grub", "iso 4026", "iso 4027", "iso 4028", "iso 4029", "din 913", "din 916", "紧定",
                    "机米", "prisionero", "opresor", "gewindestift", "madenschraube")),
    ("Hex head bolts", ("hex head bolt", "iso 4014", "din 931")),
    ("Hex head screws", ("hex head screw", "hex screw", "iso 4017", "din 933", "外六角", "cabeza hexagonal",
                         "sechskantschraube")),
    ("Hex nuts", ("hex nut", "jam nut", "thin nut", "iso 4032", "iso 4035", "din 934", "din 439", "六角螺母", "螺帽", "螺母",
                  "tuerca", "sechskantmutter")),
    ("Washers", ("washer", "iso 7089", "din 125", "垫片", "平垫", "垫圈", "arandela", "unterlegscheibe")),
    ("Countersunk screws", ("平头",)),  # last: 平头机米 is a flat-point set screw, 平头螺丝 a countersunk one
)  # fmt: skip
# Words that name one standard within a type ("jam nut" is the thin ISO 4035 nut, not the regular ISO 4032).
_STANDARD_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ISO 4035", ("jam nut", "thin nut", "薄螺母", "iso 4035", "din 439")),
)
_STANDARD_CODE = re.compile(r"\b(ISO|DIN|GB/?T?)\s*(\d{2,5})\b", re.IGNORECASE)

# The standard a type means when the words name none (a plain "hex nut" is the regular ISO 4032, not the thin one).
DEFAULT_FASTENER_STANDARD: dict[str, str] = {
    "Socket head cap screws": "ISO 4762",
    "Button head screws": "ISO 7380",
    "Countersunk screws": "ISO 10642",
    "Hex head screws": "ISO 4017",
    "Hex head bolts": "ISO 4014",
    "Hex nuts": "ISO 4032",
    "Washers": "ISO 7089",
}


# Fastener types the catalog does not stock (knurled nuts, T-nuts, standoffs, nylon lock nuts, spring washers ...):
# words that name one are never answered with a plain screw, nut or washer.
_NOT_STOCKED_FASTENER = (
    "knurl", "滚花", "t型", "t nut", "tnut", "tee nut", "teenut", "hammer nut", "drop in nut", "cage nut", "t slot",
    "insert", "standoff", "铜柱", "rivet", "dowel", "pin",
    "self tapping", "自攻", "自贡", "thumb", "wing", "蝶形", "flange", "法兰",  # 自贡: pinyin input's slip for 自攻
    "lock nut", "locknut", "nyloc", "nylock", "nylon", "尼龙", "防松", "铆钉", "塞打", "膨胀", "expansion",
    "spring washer", "lock washer", "split washer", "弹簧垫", "弹垫",
    "cap nut", "acorn", "square nut", "fender washer", "sealing washer", "copper", "phillips", "pozidriv", "slotted",
    "cross recess", "十字", "一字",
    # Spanish and German names of the same (a plain 'Tuerca' / 'Arandela' is the standard part)
    "autoblocante", "ciega", "mariposa", "cuadrada", "remach", "tuerca en t", "grower", "presión", "presion", "ancha",
    "dentada", "flügel", "flugel", "hutmutter", "rändelmutter", "randelmutter", "sicherungs", "selbstsichernd", "stopmutter",
    "vierkant", "einschlag", "käfig", "kafig", "niet", "federscheibe", "zahnscheibe", "kotflügel", "dichtscheibe",
    "kreuzschlitz", "schlitz",
)  # fmt: skip
NOT_STOCKED = "not stocked"  # the type search filters on when the words name one of them: nothing fits


def not_stocked_fastener(english: str) -> bool:
    """Whether lower-case text names a fastener type the catalog does not stock ('m3 尼龙防松螺母')."""
    return any(word in english for word in _NOT_STOCKED_FASTENER)


def fastener_standard(product: Product) -> str:
    """The standard a fastener listing states ('ISO 4032'), '' when none."""
    attr = product.attribute("standard")
    return attr.raw if attr is not None else ""


def fastener_type(english: str) -> str | None:
    """The fastener type (catalog category leaf: 'Countersunk screws', 'Hex nuts' ...) lower-case text names,
    English or Chinese ('fhcs m3-10', '沉头内六角m5*10', 'm3六角螺帽'); None when it names none."""
    return next((leaf for leaf, words in _FASTENER_TYPES if any(w in english for w in words)), None)


def wanted_fastener_standard(english: str) -> str | None:
    """The standard a line names ('ISO 4762', 'DIN 912') or implies ('jam nut' = ISO 4035)."""
    for standard, words in _STANDARD_WORDS:
        if any(w in english for w in words):
            return standard
    m = _STANDARD_CODE.search(english)
    return f"{m.group(1).upper()} {m.group(2)}" if m else None
