"""Standard deep groove ball bearings: SKF's small-bearing tables (bd-warehouse) and ISO 15 boundary dimensions.

The ISO 15 range is the brand's own standard line: only the dimensions the standard fixes (d × D × B)
are stated, no load ratings or speeds, because those depend on the maker's internal design.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from knowledge.catalog import DEFAULT_SOURCES_DIR, RowProblem, normalize_code
from knowledge.errors import CatalogError
from knowledge.models import Attribute, Product

ISO15_MANUFACTURER = "Brandstation standard range (ISO 15 dimensions)"
ISO15_SOURCE = "ISO 15 boundary dimensions"
ISO15_CATEGORY = "Bearings / Deep groove ball bearings"

# ISO 15 boundary dimensions d × D × B (mm), dimension series 10 (60xx), 02 (62xx) and 03 (63xx).
# Bore code 00 = 10 mm, 01 = 12, 02 = 15, 03 = 17, from 04 on the bore is 5 × code.
ISO15_DEEP_GROOVE: dict[str, tuple[float, float, float]] = {
    "6000": (10, 26, 8),
    "6001": (12, 28, 8),
    "6002": (15, 32, 9),
    "6003": (17, 35, 10),
    "6004": (20, 42, 12),
    "6005": (25, 47, 12),
    "6006": (30, 55, 13),
    "6007": (35, 62, 14),
    "6008": (40, 68, 15),
    "6009": (45, 75, 16),
    "6010": (50, 80, 16),
    "6011": (55, 90, 18),
    "6012": (60, 95, 18),
    "6013": (65, 100, 18),
    "6014": (70, 110, 20),
    "6015": (75, 115, 20),
    "6016": (80, 125, 22),
    "6017": (85, 130, 22),
    "6018": (90, 140, 24),
    "6019": (95, 145, 24),
    "6020": (100, 150, 24),
    "6200": (10, 30, 9),
    "6201": (12, 32, 10),
    "6202": (15, 35, 11),
    "6203": (17, 40, 12),
    "6204": (20, 47, 14),
    "6205": (25, 52, 15),
    "6206": (30, 62, 16),
    "6207": (35, 72, 17),
    "6208": (40, 80, 18),
    "6209": (45, 85, 19),
    "6210": (50, 90, 20),
    "6211": (55, 100, 21),
    "6212": (60, 110, 22),
    "6213": (65, 120, 23),
    "6214": (70, 125, 24),
    "6215": (75, 130, 25),
    "6216": (80, 140, 26),
    "6217": (85, 150, 28),
    "6218": (90, 160, 30),
    "6219": (95, 170, 32),
    "6220": (100, 180, 34),
    "6300": (10, 35, 11),
    "6301": (12, 37, 12),
    "6302": (15, 42, 13),
    "6303": (17, 47, 14),
    "6304": (20, 52, 15),
    "6305": (25, 62, 17),
    "6306": (30, 72, 19),
    "6307": (35, 80, 21),
    "6308": (40, 90, 23),
    "6309": (45, 100, 25),
    "6310": (50, 110, 27),
    "6311": (55, 120, 29),
    "6312": (60, 130, 31),
    "6313": (65, 140, 33),
    "6314": (70, 150, 35),
    "6315": (75, 160, 37),
    "6316": (80, 170, 39),
    "6317": (85, 180, 41),
    "6318": (90, 190, 43),
    "6319": (95, 200, 45),
    "6320": (100, 215, 47),
}

# suffix -> (seal attribute, English, Chinese)
CLOSURES: tuple[tuple[str, str, str, str], ...] = (
    ("", "open", "open", "开式"),
    ("-2RS", "2RS contact seals", "rubber contact seals both sides", "双面接触式橡胶密封"),
    ("-2Z", "2Z shields", "metal shields both sides", "双面金属防尘盖"),
)

# bd-warehouse column -> (canonical key, unit); SKT = SKF's catalog values.
_SKF_COLUMNS = {
    "SKT:d": ("bore_diameter", "mm"),
    "SKT:D": ("outer_diameter", "mm"),
    "SKT:B": ("width", "mm"),
    "SKT:C": ("dynamic_load_rating", "kN"),
    "SKT:C0": ("static_load_rating", "kN"),
    "SKT:Pu": ("fatigue_load_limit", "kN"),
    "SKT:Speed-reference": ("reference_speed", "r/min"),
    "SKT:Speed-limit": ("limiting_speed", "r/min"),
    "SKT:mass": ("mass", "kg"),
}
_BD_FILES = (
    "single_row_deep_groove_ball_bearing_parameters.csv",
    "single_row_capped_deep_groove_ball_bearing_parameters.csv",
)


def standard_deep_groove_bearings(
    directory: Path | str | None = None, *, problems: list[RowProblem] | None = None
) -> Iterator[Product]:
    """SKF small deep groove bearings from bd-warehouse's tables, then the ISO 15 60/62/63 range (3 closures)."""
    directory = Path(directory) if directory is not None else DEFAULT_SOURCES_DIR / "fasteners"
    problems = problems if problems is not None else []
    for name in _BD_FILES:
        yield from _skf_small_bearings(directory / name, problems)
    yield from iso15_bearings()


def iso15_bearings() -> Iterator[Product]:
    """The ISO 15 deep groove range: every 60xx / 62xx / 63xx size, open, -2RS and -2Z."""
    for basic, (d, big_d, b) in ISO15_DEEP_GROOVE.items():
        for suffix, seal, seal_en, seal_zh in CLOSURES:
            designation = basic + suffix
            attrs = (
                Attribute(name="bore_diameter", raw=f"{d:g}", value=float(d), unit="mm", label="d"),
                Attribute(name="outer_diameter", raw=f"{big_d:g}", value=float(big_d), unit="mm", label="D"),
                Attribute(name="width", raw=f"{b:g}", value=float(b), unit="mm", label="B"),
                Attribute(name="bearing_type", raw="deep groove ball bearing", label="type"),
                Attribute(name="seal", raw=seal, label="closure"),
                Attribute(name="standard", raw="ISO 15", label="standard"),
            )
            yield Product(
                sku=f"ISO15-{designation}",
                mpn=designation,
                manufacturer=ISO15_MANUFACTURER,
                category=ISO15_CATEGORY,
                name=f"{designation} deep groove ball bearing {d:g}×{big_d:g}×{b:g} mm, {seal_en} / 深沟球轴承 {seal_zh}",
                description=f"Single row deep groove ball bearing, series {basic[:2]}, ISO 15 boundary dimensions "
                f"d {d:g} mm, D {big_d:g} mm, B {b:g} mm; {seal_en}.",
                attributes=attrs,
                source=ISO15_SOURCE,
            )


def _skf_small_bearings(path: Path, problems: list[RowProblem]) -> Iterator[Product]:
    if not path.is_file():
        raise CatalogError("file not found", file=str(path))
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if "SKT:Designation" not in (reader.fieldnames or ()):
            raise CatalogError("missing column SKT:Designation", file=str(path))
        for row in reader:
            # "* 6000": the star marks an SKF Explorer bearing; it is not part of the designation.
            designation = (row.get("SKT:Designation") or "").replace("*", "").strip()
            if not designation:
                problems.append(
                    RowProblem(
                        str(path),
                        reader.line_num,
                        f"no SKF designation for size {row.get('Size', '?')}: skipped",
                    )
                )
                continue
            attrs: list[Attribute] = []
            try:
                for col, (key, unit) in _SKF_COLUMNS.items():
                    raw = (row.get(col) or "").strip()
                    if raw and raw not in ("–", "-"):
                        attrs.append(Attribute(name=key, raw=raw, value=float(raw), unit=unit, label=col))
            except ValueError as exc:
                problems.append(RowProblem(str(path), reader.line_num, f"bad number: {exc}"))
                continue
            seal, seal_en = _closure_of(designation)
            attrs.append(Attribute(name="bearing_type", raw="deep groove ball bearing", label="table"))
            attrs.append(Attribute(name="seal", raw=seal, label="designation suffix"))
            by = {a.name: a.value for a in attrs}
            size = "×".join(f"{by[k]:g}" for k in ("bore_diameter", "outer_diameter", "width") if by.get(k) is not None)
            yield Product(
                sku=f"SKF-{designation.replace(' ', '')}",
                mpn=designation,
                manufacturer="SKF",
                category=ISO15_CATEGORY,
                name=f"SKF {designation} deep groove ball bearing {size} mm, {seal_en} / 深沟球轴承",
                description=f"SKF single row deep groove ball bearing {designation}; {seal_en}.",
                attributes=tuple(attrs),
                source=f"bd-warehouse:{path.name}",
            )


def _closure_of(designation: str) -> tuple[str, str]:
    code = normalize_code(designation)
    if code.endswith(("2RS1", "2RSH", "2RS", "2RSL")):
        return "2RS contact seals", "rubber contact seals both sides"
    if code.endswith("2RZ"):
        return "2RZ non-contact seals", "non-contact seals both sides"
    if code.endswith("2Z"):
        return "2Z shields", "metal shields both sides"
    return "open", "open"
