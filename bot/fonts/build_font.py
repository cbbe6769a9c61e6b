"""Build `NotoSansSC-GB2312.ttf`, the font the PDF quote export embeds. Run once by hand; the output is committed.

reportlab embeds TrueType (`glyf`) fonts only, and Noto Sans CJK ships CFF outlines, so this script
1. opens the Simplified Chinese face of the Noto Sans CJK collection (found by name, not by index),
2. subsets it to what a quote prints: ASCII + Latin-1, Greek, general punctuation, letterlike symbols
   (Ω ℃ №), arrows, maths operators (≤ ≥ ≈ ±), a few shapes and dingbats (✓ ✗), CJK symbols and
   punctuation, full-width forms, every character the GB2312 codec can encode (6,763 Hanzi and its symbol
   rows), plus `EXTRA` (characters the project's own texts use outside GB2312),
3. drops what reportlab never reads (GSUB/GPOS/GDEF/BASE, vertical metrics, hinting, glyph names),
4. converts the cubic CFF outlines to quadratic TrueType outlines with cu2qu (the fontTools `otf2ttf`
   snippet, max error 1 unit of 1000), and
5. renames the family so that it is not mistaken for the full font; the OFL reserves only "Source".

    .venv/bin/python bot/fonts/build_font.py [--source NotoSansCJK-Regular.ttc] [--output bot/fonts/...ttf]

The result is byte-for-byte reproducible for the same source font and fontTools version (timestamps are
copied from the source, not taken from the clock); the script prints its size, glyph count and SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian/Ubuntu fonts-noto-cjk
OUTPUT = Path(__file__).with_name("NotoSansSC-GB2312.ttf")
FACE = "Noto Sans CJK SC"  # full name of the wanted face inside the collection (not the Mono one)
FAMILY = "Noto Sans SC GB2312"
POSTSCRIPT_NAME = "NotoSansSC-GB2312"
MAX_ERR = 1.0  # cu2qu approximation error in font units (1000 per em): invisible at print sizes

RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ° ± µ × ÷ ² ³ ½ Ø
    (0x0391, 0x03C9),  # Greek: Ω μ α β θ
    (0x2000, 0x206F),  # general punctuation: — – ‑ • … ‰ ′ ″
    (0x20A0, 0x20CF),  # currency: € ₩
    (0x2100, 0x218F),  # letterlike and number forms: ℃ Ω № ™ Ⅰ–Ⅻ
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # maths operators: − ≤ ≥ ≈ ≠ ∞ √ ∅
    (0x2300, 0x23FF),  # technical: ⌀
    (0x2460, 0x24FF),  # enclosed alphanumerics: ①
    (0x25A0, 0x25FF),  # geometric shapes: ■ □ ▲ ● ○ ◆
    (0x2600, 0x26FF),  # misc symbols: ★ ☆ ⚠
    (0x2700, 0x27BF),  # dingbats: ✓ ✗
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。《》「」【】〜
    (0xFF00, 0xFFEF),  # half-width and full-width forms: （）：，％
)
EXTRA = "啰"  # used in the project's chat texts, not in GB2312


def main(argv: list[str] | None = None) -> None:
    """Build the font and print what was built."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="Noto Sans CJK Regular .ttc (or an SC .otf)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    font = open_face(args.source, FACE)
    wanted = wanted_codepoints()
    subset_font(font, wanted)
    cff_to_glyf(font)
    rename(font)
    font.save(args.output)
    data = args.output.read_bytes()
    covered = set(TTFont(args.output)["cmap"].getBestCmap())
    missing = sorted(chr(c) for c in wanted - covered if chr(c).isprintable() and not chr(c).isspace())
    print(f"{args.output}: {len(data):,} bytes, {len(font.getGlyphOrder()):,} glyphs, {len(covered):,} characters")
    print(f"sha256 {hashlib.sha256(data).hexdigest()}")
    print(f"asked for but not in the source font: {len(missing)}")


def open_face(path: Path, full_name: str) -> TTFont:
    """The face called `full_name` from a collection, or the font itself when `path` is a single font."""
    if path.suffix.lower() not in {".ttc", ".otc"}:
        return TTFont(path, recalcTimestamp=False)
    for number, face in enumerate(TTCollection(path, lazy=True).fonts):
        if face["name"].getDebugName(4) == full_name:
            return TTFont(path, fontNumber=number, recalcTimestamp=False)
    raise SystemExit(f"{path}: no face named {full_name!r}")


def wanted_codepoints() -> set[int]:
    """Every code point the subset should cover (the font may lack a few of them)."""
    wanted = {cp for first, last in RANGES for cp in range(first, last + 1)}
    wanted.update(cp for cp in range(0x80, 0x10000) if _in_gb2312(cp))
    wanted.update(ord(ch) for ch in EXTRA)
    return wanted


def _in_gb2312(cp: int) -> bool:
    if 0xD800 <= cp <= 0xDFFF:
        return False
    try:
        chr(cp).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def subset_font(font: TTFont, codepoints: set[int]) -> None:
    """Keep only `codepoints` and the tables reportlab reads; a visible .notdef box stands in for the rest."""
    options = subset.Options()
    options.layout_features = []  # reportlab does no shaping
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)


def cff_to_glyf(font: TTFont) -> None:
    """Replace the CFF table by quadratic `glyf` outlines (after fontTools' Snippets/otf2ttf.py)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs: dict[str, Any] = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise, TrueType ones clockwise
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):  # TrueType wants left side bearing == xMin
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = maxp.maxStorage = maxp.maxFunctionDefs = maxp.maxInstructionDefs = 0
    maxp.maxStackElements = maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max(len(getattr(g, "components", [])) for g in glyf.glyphs.values())
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and reportlab writes format 3 into PDFs anyway
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    """A new family and PostScript name, so the subset never passes for the full Noto Sans CJK SC."""
    name = font["name"]
    version = name.getDebugName(5) or ""
    for name_id, text in (
        (1, FAMILY),
        (3, f"{version};{POSTSCRIPT_NAME}"),
        (4, FAMILY),
        (6, POSTSCRIPT_NAME),
        (10, "Subset of Noto Sans CJK SC Regular (GB2312 and symbols), TrueType outlines; bot/fonts/build_font.py"),
    ):
        name.setName(text, name_id, 3, 1, 0x409)
    name.names = [n for n in name.names if n.nameID not in (16, 17)]  # typographic names would still say CJK


if __name__ == "__main__":
    main()
