"""Read real BOM files (csv / tsv / markdown / xlsx, zh and en headers) into item lines, losing none.

Every non-empty row after a header ends up in exactly one of four lists: `lines` (items to quote),
`dnp` (items marked not populated), `skipped` (titles, headers, blanks, totals, notes: each with why)
and `problems` (rows that look like items but carry no part information). The accounting test in
tests/unit/test_bom_read.py holds every dev BOM to that.
"""

from __future__ import annotations

import bisect
import contextlib
import csv
import functools
import io
import itertools
import math
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from knowledge.errors import BomFormatError, BomLimitError
from knowledge.footprints import parse_footprint
from knowledge.models import BomLine, BomProblem
from knowledge.units import extract_quantities

# What a buyer may send as a BOM file (the reader goes by content, not by name: these are for file pickers and
# for telling a BOM attachment from a photo in IM chats). FILE_TYPES_TEXT names them in every buyer message.
FILE_TYPES = (".xlsx", ".xlsm", ".xls", ".et", ".csv", ".tsv", ".txt", ".md", ".markdown", ".xml", ".htm", ".html")
FILE_TYPES_TEXT = ".xlsx / .xls / .csv / .tsv / .md / KiCad .xml"


@dataclass(frozen=True)
class BomLimits:
    """What the reader accepts, checked before (or while) a file is inflated and read; anything over a limit is
    refused with a BomLimitError that names the limit and the value. The defaults are generous for real BOMs:

    * 20,000 rows: the biggest real BOMs (server boards, whole-machine MRO lists) have 2,000 to 5,000 lines.
    * 200 columns: ERP exports carry up to about 60; JLC / Altium / KiCad exports 10 to 30.
    * 10,000 characters per cell: a designator list of 1,000 parts ("C1001, C1002, …") is about 7,000.
    * 50 MB decompressed: uploads are capped at 5 MB and real .xlsx parts compress 2 to 15 times (the shipped
      and dev workbooks: 1.5 to 12), so no real upload unpacks past 50 MB, and 50 MB of XML reads in a few
      seconds within the sandbox's memory (bot/bom_sandbox.py).
    * 100:1 compression for any part over 1 MB unpacked: Apache POI's ZipSecureFile default; a zip bomb is
      about 1,000:1 (deflate's maximum).
    * 10,000 merged ranges and 1,000,000 merged cells filled (after clamping each range to the used range):
      real sheets merge a title row and some cells over a few rows.
    * 100,000 pieces per board: more is a typo or a total, never a quantity to price as is.
    """

    max_rows: int = 20_000
    max_columns: int = 200
    max_cell_chars: int = 10_000
    max_decompressed_bytes: int = 50_000_000
    max_compression_ratio: int = 100
    ratio_checked_from_bytes: int = 1_000_000
    max_merged_ranges: int = 10_000
    max_merged_cells: int = 1_000_000
    max_quantity_per_board: float = 100_000


DEFAULT_LIMITS = BomLimits()


@dataclass(frozen=True)
class ColumnUse:
    """One column of a header and the field its cells were read as (what the buyer sees before the quote)."""

    col: int  # 0-based
    letter: str  # "A", "B" … "AA", as a spreadsheet names the column
    header: str  # the header cell's text as written ("" for a column a correction named beyond the header)
    field: str  # a line field: mpn, quantity, designators, value, package, description, manufacturer, …


@dataclass(frozen=True)
class SheetLayout:
    """How one header block was read: its sheet, the row of its header and the columns read, with how many
    item lines (DNP excluded) and DNP lines came from under it.

    A header repeated further down with the same column → field mapping (a header printed on every page) adds
    its lines to the first one's layout; a header with another mapping is a layout of its own. Rows read
    without any header (a pasted list, cells guessed from their shapes) give one layout with header_line 0 and
    no columns. `columns` lists every column the header maps to a field the line is built from, in column
    order; columns the reader does not use (field "other": 序号, price, notes, links …) are left out. A KiBoM /
    Eagle "Part" column is shown as what its cells were read as (designators or value)."""

    sheet: str
    header_line: int
    columns: tuple[ColumnUse, ...]
    lines: int
    dnp: int


@dataclass(frozen=True)
class ReadOverrides:
    """The buyer's corrections to how a file is read ("数量在第5列", "skip the first sheet").

    `columns`: (field, 0-based column) pairs. Under every header found, each pair gives that column that field
    and takes the field from any other column (so "quantity is column E" moves the quantity); pairs apply in
    order. A pair whose column is beyond a table's width leaves that table as it is; one beyond every table's
    width is refused (BomFormatError: "the table has only 6 columns; there is no column H"). Rows without any
    header (a pasted headerless list) have no columns to reassign: column pairs are refused there too.
    `skip_sheets`: workbook sheets not to read, matched exactly or else ignoring case and surrounding spaces
    (their rows are still unpacked, within BomLimits, so that each is accounted in `skipped`); a name that is
    no sheet of the workbook, or any name for a single-table file, is refused with BomFormatError, and so is
    skipping every sheet that has a header. Field names are those of `field_label` (ValueError for another).
    Empty overrides read as none."""

    columns: tuple[tuple[str, int], ...] = ()
    skip_sheets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for pair in self.columns:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ValueError(f"a column override is a (field, column) pair, not {pair!r}")
            fld, col = pair
            if fld not in _FIELDS:
                raise ValueError(f"unknown BOM field {fld!r} (known: {', '.join(sorted(_FIELDS))})")
            if not isinstance(col, int) or isinstance(col, bool) or col < 0:
                raise ValueError(f"a column is a 0-based index, not {col!r}")


@dataclass(frozen=True)
class BomReadResult:
    """What a BOM file holds: item lines, DNP lines, rows skipped with a reason, and problem rows; `sheets`
    names every sheet of a workbook in file order, read or not (empty for single-table formats), and
    `layouts` says how each header block was read (SheetLayout)."""

    file: str
    lines: tuple[BomLine, ...]
    dnp: tuple[BomLine, ...]
    problems: tuple[BomProblem, ...]
    skipped: tuple[BomProblem, ...]
    encoding: str = ""
    delimiter: str = ""
    format: str = ""  # xlsx | xls | ods | html | spreadsheetml | kicad_xml | markdown | text | pasted
    sheets: tuple[str, ...] = ()
    layouts: tuple[SheetLayout, ...] = ()


def read_bom(
    path: Path | str,
    data: bytes | None = None,
    *,
    limits: BomLimits = DEFAULT_LIMITS,
    overrides: ReadOverrides | None = None,
) -> BomReadResult:
    """Read a BOM file (or its bytes, when uploaded) into lines; raise BomFormatError if it cannot be a BOM
    (BomLimitError, a kind of it, when it is over one of `limits`) or `overrides` cannot apply to it."""
    name = Path(path).name
    ov = overrides if overrides is not None and (overrides.columns or overrides.skip_sheets) else None
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BomFormatError(f"cannot read the file: {exc.strerror or exc}", file=name) from exc
    if not data.startswith(b"PK\x03\x04") and len(data) > limits.max_decompressed_bytes:
        raise BomLimitError(
            f"the file is {_mb(len(data))}; a BOM file may be at most {_mb(limits.max_decompressed_bytes)}"
            " (size limit)",
            limit="decompressed_bytes",
            value=len(data),
            maximum=limits.max_decompressed_bytes,
            file=name,
        )
    if not data.strip(b" \t\r\n\x00"):
        raise BomFormatError("empty file: no rows to read", file=name)
    if data.startswith(_OLE2_MAGIC):
        return _result(_read_xls(name, data, limits, ov), "", "xls", ov)
    if data.startswith(b"%PDF"):
        raise BomFormatError("a PDF is not a table: export the BOM as .xlsx or .csv", file=name)
    if data.startswith(b"PK\x03\x04"):
        return _result(_read_xlsx(name, data, limits, ov), "", "xlsx", ov)
    text, encoding = decode_bom_bytes(data, name)
    head = text[:4096].lstrip("\ufeff \t\r\n").lower()
    if head.startswith("<?xml") or head.startswith("<export"):
        if "<export" in head:
            return _result(_read_kicad_xml(name, text, limits, ov), encoding, "kicad_xml", ov)
        if "urn:schemas-microsoft-com:office:spreadsheet" in head:
            return _result(_read_spreadsheetml(name, text, limits, ov), encoding, "spreadsheetml", ov)
        raise BomFormatError(
            "an XML file that is neither a KiCad BOM/netlist export nor an Excel 2003 XML workbook", file=name
        )
    if re.search(r"<(html|table)\b", head):
        return _result(_read_html(name, text, limits, ov), encoding, "html", ov)
    if name.lower().endswith((".md", ".markdown")) or _looks_like_markdown(text):
        return _result(_read_markdown(name, text, limits, ov), encoding, "markdown", ov)
    return _result(_read_delimited(name, text, pasted=False, limits=limits, overrides=ov), encoding, "text", ov)


def _result(parsed: _Parsed, encoding: str, form: str, overrides: ReadOverrides | None = None) -> BomReadResult:
    if overrides is not None and overrides.skip_sheets and not parsed.sheets:
        raise BomFormatError(
            f"the file is a single table, without sheets: there is no sheet {overrides.skip_sheets[0]!r} to skip",
            file=parsed.file,
        )
    return BomReadResult(
        parsed.file,
        parsed.lines,
        parsed.dnp,
        parsed.problems,
        parsed.skipped,
        encoding,
        parsed.delimiter,
        parsed.form or form,
        parsed.sheets,
        parsed.layouts,
    )


def read_bom_text(
    text: str,
    name: str = "pasted",
    *,
    limits: BomLimits = DEFAULT_LIMITS,
    overrides: ReadOverrides | None = None,
) -> BomReadResult:
    """Read BOM rows pasted into the chat (tab, comma, |, or runs of spaces between cells), with the buyer's
    `overrides` (ReadOverrides) when given."""
    ov = overrides if overrides is not None and (overrides.columns or overrides.skip_sheets) else None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise BomFormatError("nothing pasted: no rows to read", file=name)
    if len(text) > limits.max_decompressed_bytes:
        raise BomLimitError(
            f"the text is {len(text):,} characters; at most {limits.max_decompressed_bytes:,} are read (size limit)",
            limit="decompressed_bytes",
            value=len(text),
            maximum=limits.max_decompressed_bytes,
            file=name,
        )
    if _looks_like_markdown(text):
        return _result(_read_markdown(name, text, limits, ov), "", "markdown", ov)
    return _result(_read_delimited(name, text, pasted=True, limits=limits, overrides=ov), "", "pasted", ov)


def looks_like_pasted_bom(text: str) -> bool:
    """Whether chat text is a BOM table: three lines or more, and a header with two item rows or, without a
    header, two rows whose cells read as designators or quantities."""
    if text.count("\n") < 2 or len(text) > 2_000_000:
        return False
    try:
        read = read_bom_text(text)
    except BomFormatError:
        return False
    if any(p.reason.startswith("header row") for p in read.skipped):
        return len(read.lines) + len(read.dnp) >= 2
    # No header: rows that still read as items (designators or a quantity in their own cell).
    return sum(1 for line in read.lines if len(line.raw) >= 2 and (line.designators or line.quantity)) >= 2


def decode_bom_bytes(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode BOM text bytes; returns (text, encoding). Byte-order marks first, then UTF-8, then detection."""
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return data[len(mark) :].decode(encoding, errors="replace"), encoding
    nul_even, nul_odd = data[0:4000:2].count(0), data[1:4000:2].count(0)
    sample = len(data[:4000]) // 2 or 1
    for guess, wide in (("utf-16-le", nul_odd > sample * 0.3 and nul_even < sample * 0.05),
                        ("utf-16-be", nul_even > sample * 0.3 and nul_odd < sample * 0.05)):  # fmt: skip
        if wide and _control_ratio(text := data.decode(guess, errors="replace")) < 0.05:
            return text, guess
    if b"\x00" in data[:4000]:
        raise BomFormatError("binary file: not a text BOM, .xlsx or .csv", file=name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect_legacy_encoding(data)
    text = data.decode(encoding, errors="replace")
    if _control_ratio(text) > 0.05:
        raise BomFormatError("binary file: not a text BOM, .xlsx or .csv", file=name)
    return text, encoding


# ----------------------------------------------------------------------------------------------------------
# Encodings and formats

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _detect_legacy_encoding(data: bytes) -> str:
    """Pick GB18030 or Latin-1 (cp1252) for bytes that are not UTF-8."""
    # A BOM that is not UTF-8 comes, in practice, from a Chinese Windows tool (GBK) or a European one
    # (cp1252 / Latin-1). GB18030 decodes much Latin-1 text too, so ask charset-normalizer to choose
    # between exactly these and fall back on a CJK-character test when it has no opinion.
    from charset_normalizer import from_bytes

    best = from_bytes(data[:20000], cp_isolation=["gb18030", "cp1252", "latin_1", "big5"]).best()
    if best is not None and best.encoding in {"gb18030", "big5"}:
        return best.encoding
    try:
        as_gb = data.decode("gb18030")
    except UnicodeDecodeError:
        return "cp1252" if _decodes(data, "cp1252") else "latin-1"
    cjk = sum(1 for ch in as_gb if "\u4e00" <= ch <= "\u9fff")
    high = sum(1 for byte in data if byte >= 0x80)
    # Real Chinese text is mostly two-byte CJK characters; Latin-1 accents decoded as GBK give rare ones.
    if best is None or (high and cjk * 2 >= high * 0.9 and _common_cjk_ratio(as_gb) > 0.5):
        return "gb18030"
    return "cp1252" if _decodes(data, "cp1252") else "latin-1"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# Characters that make up most of any Chinese BOM; GBK mojibake of Latin-1 text rarely hits them.
_COMMON_CJK = set(
    "的一是不了在人有我他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天"
    "而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些"
    "与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相"
    "次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立"
    "马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共"
    "风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快"
    "条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李"
    "息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯"
    "专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴错值型号规格封装数量位料电阻容感螺丝钉母垫片轴承铝板线插座针排"
    "贴备注说明称编码替代损耗率厂商品牌供应元器件二极管晶振开关芯模块单价合计总套个只颗卷米"
)


def _common_cjk_ratio(text: str) -> float:
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    if not cjk:
        return 0.0
    return sum(1 for ch in cjk if ch in _COMMON_CJK) / len(cjk)


def _control_ratio(text: str) -> float:
    sample = text[:4000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if unicodedata.category(ch) in {"Cc", "Co", "Cn"} and ch not in "\r\n\t")
    return bad / len(sample)


def _looks_like_markdown(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return any(re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", ln) for ln in lines[:400])


# ----------------------------------------------------------------------------------------------------------
# Rows from each format: (line, sheet, cells)


@dataclass(frozen=True)
class _Row:
    line: int
    sheet: str
    cells: tuple[str, ...]
    percent_cols: frozenset[int] = frozenset()  # xlsx cells formatted as % (0.02 shown as 2%)
    kind: str = ""  # "" for table rows; "text"/"separator" for markdown rows outside table cells


@dataclass
class _Tally:
    """One distinct header mapping of a sheet while its rows are classified (becomes a SheetLayout)."""

    sheet: str
    header_line: int
    mapping: dict[int, str]
    headers: tuple[str, ...]  # the header cells, stripped
    lines: int = 0
    dnp: int = 0
    # KiBoM / Eagle "Part" columns: how many of their cells on item rows read as designators, of how many
    shaped: Counter[int] = field(default_factory=Counter)
    filled: Counter[int] = field(default_factory=Counter)

    def layout(self) -> SheetLayout:
        columns = []
        for col, fld in sorted(self.mapping.items()):
            if fld == "other":
                continue
            if fld in _TOLD_BY_CELL:  # what _classify_item reads its cells as, on most rows
                has_designators = "designators" in self.mapping.values()
                shaped = not has_designators and self.shaped[col] * 2 > self.filled[col]
                fld = "designators" if shaped else _TOLD_BY_CELL[fld]
            header = self.headers[col] if col < len(self.headers) else ""
            columns.append(ColumnUse(col, column_letter(col), header, fld))
        return SheetLayout(self.sheet, self.header_line, tuple(columns), self.lines, self.dnp)


@dataclass
class _Acc:
    """Accumulates one file's outcome while rows are classified."""

    lines: list[BomLine] = field(default_factory=list)
    dnp: list[BomLine] = field(default_factory=list)
    problems: list[BomProblem] = field(default_factory=list)
    skipped: list[BomProblem] = field(default_factory=list)
    tallies: dict[tuple[Any, ...], _Tally] = field(default_factory=dict)  # (sheet, mapping items) → its tally
    widths: list[int] = field(default_factory=list)  # of each table read under a header (column overrides only)

    def extend(self, other: _Acc) -> None:
        self.lines.extend(other.lines)
        self.dnp.extend(other.dnp)
        self.problems.extend(other.problems)
        self.skipped.extend(other.skipped)
        self.tallies.update(other.tallies)
        self.widths.extend(other.widths)


@dataclass(frozen=True)
class _Parsed:
    file: str
    lines: tuple[BomLine, ...]
    dnp: tuple[BomLine, ...]
    problems: tuple[BomProblem, ...]
    skipped: tuple[BomProblem, ...]
    delimiter: str = ""
    form: str = ""  # set where a reader knows better than its caller (an .ods inside a zip)
    sheets: tuple[str, ...] = ()
    layouts: tuple[SheetLayout, ...] = ()


def _read_delimited(
    name: str, text: str, pasted: bool, limits: BomLimits = DEFAULT_LIMITS, overrides: ReadOverrides | None = None
) -> _Parsed:
    delimiter = _sniff_delimiter(text, pasted)
    rows = list(_within_limits(_split_rows(text, delimiter, name, limits), name, limits))
    acc = _Acc()
    if not _classify(rows, acc, name, headerless_ok=pasted, overrides=overrides):
        fixed = _fixed_width_rows(text)
        acc = _Acc()
        if fixed is None or not _classify(
            list(_within_limits(fixed, name, limits)), acc, name, headerless_ok=False, overrides=overrides
        ):
            raise BomFormatError(
                "no header row found (expected columns such as 位号/Designator, 数量/Qty, 型号/MPN/Value)",
                file=name,
            )
        delimiter = "fixed width"
    return _finish(name, acc, delimiter, overrides)


def _fixed_width_rows(text: str) -> list[_Row] | None:
    """Columns aligned with spaces (Eagle's Partlist, OrCAD and ERP print reports): cut every line where the
    header's words start, so an empty cell stays empty instead of pulling the next one left. None without a
    header line."""
    raw = text.splitlines()
    lines = [line.expandtabs(8).rstrip() for line in raw]
    for at, line in enumerate(lines[:60]):
        best: tuple[int, list[int]] = (0, [])
        for pattern in (r"\S+(?: \S+)*", r"\S+"):  # "Part Number  Qty", or "Qty Value  Device" (one space)
            words = list(re.finditer(pattern, line))
            mapping = _header_map(tuple(w.group(0) for w in words)) if len(words) >= 3 else None
            if mapping is not None and len(mapping) > best[0]:
                best = (len(mapping), [w.start() for w in words])
        if not best[0]:
            continue
        starts = best[1]
        rows = [_Row(n, "", (ln.strip(),) if ln.strip() else ()) for n, ln in enumerate(lines[:at], start=1)]
        for number, row in enumerate(lines[at:], start=at + 1):
            # a hand-edited line with tabs between its cells: taken in order when it has one cell per column
            split = re.split(r"\s*\t\s*|\s{2,}", raw[number - 1].strip())
            cells = tuple(split) if "\t" in raw[number - 1] and len(split) == len(starts) else _cut(row, starts)
            rows.append(_Row(number, "", cells if row.strip() else ()))
        return rows
    return None


def _cut(line: str, starts: list[int]) -> tuple[str, ...]:
    cuts = []
    for start in starts[1:]:
        while 0 < start < len(line) and line[start - 1] != " " and line[start] != " ":
            start -= 1  # a cell written a little left of its column belongs to that column
        cuts.append(start)
    bounds = [0, *cuts, max(len(line), cuts[-1] if cuts else 0)]
    return tuple(line[a:b].strip() for a, b in itertools.pairwise(bounds))


def _sniff_delimiter(text: str, pasted: bool) -> str:
    """The delimiter that splits the most lines into the same number (>1) of cells."""
    sample = [ln for ln in text.splitlines() if ln.strip()][:60]
    best, best_score = ",", -1.0
    candidates = ["\t", ",", ";", "|"] + (["  "] if pasted else [])
    for delim in candidates:
        counts = [len(_split_line(ln, delim)) for ln in sample]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode, hits = Counter(multi).most_common(1)[0]
        score = hits + 0.01 * mode + 0.5 * len(multi) / len(sample)
        if score > best_score:
            best, best_score = delim, score
    return best


def _split_line(line: str, delim: str) -> list[str]:
    if delim == "  ":
        return [c for c in re.split(r"\s{2,}", line.strip())]
    if delim == "|":
        return [c.strip() for c in line.strip().strip("|").split("|")]
    try:
        # skipinitialspace: column-aligned exports write `, "Through Hole,P=2mm"   ,` (a quote after spaces)
        return next(csv.reader([line], delimiter=delim, skipinitialspace=True), [])
    except csv.Error:  # a field over csv's size limit, a NUL: one cell here; _split_rows says what is wrong
        return [line]


def _split_rows(text: str, delimiter: str, name: str = "", limits: BomLimits = DEFAULT_LIMITS) -> Iterator[_Row]:
    if delimiter in {"  ", "|"}:
        for number, line in enumerate(text.splitlines(), start=1):
            yield _Row(number, "", tuple(_split_line(line, delimiter)) if line.strip() else ())
        return
    consumed = 0  # characters of `text` the csv reader has taken: the end of the record it just returned

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in io.StringIO(text, newline=""):
            consumed += len(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, skipinitialspace=True)
    start, start_at = 1, 0  # line and offset where the next record starts
    last, last_at = 1, 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            _refuse_unclosed_quote(text, start_at, start, delimiter, name)
            if "field larger than field limit" in str(exc):
                limit = csv.field_size_limit()
                raise BomLimitError(
                    f"a cell of the row on line {start:,} holds more than {limit:,} characters; a BOM cell may hold"
                    f" at most {limits.max_cell_chars:,} (cell size limit)",
                    limit="cell_chars",
                    value=limit + 1,
                    maximum=limits.max_cell_chars,
                    file=name,
                    line=start,
                ) from exc
            raise BomFormatError(f"not a readable table: {exc}", file=name, line=start) from exc
        yield _Row(start, "", tuple(record))
        last, last_at = start, start_at
        start, start_at = reader.line_num + 1, consumed
    # A quote that never closes makes csv read the rest of the file as one cell of the last record.
    _refuse_unclosed_quote(text, last_at, last, delimiter, name)


def _refuse_unclosed_quote(text: str, start_at: int, start_line: int, delimiter: str, name: str) -> None:
    """BomFormatError when the record at `start_at` opens a quoted cell that never closes (csv's own rules with
    skipinitialspace: a quote opens a cell only as its first character after spaces; "" inside it is a quote)."""
    if text.find('"', start_at) < 0:
        return
    opened = _unclosed_quote(text, start_at, delimiter)
    if opened is None:
        return
    line = start_line + _line_breaks(text, start_at, opened)
    raise BomFormatError(
        f"a quote opened on line {line:,} is never closed: the rest of the file would be read as one cell and"
        " its rows lost; close the quote (or remove it) and upload again",
        file=name,
        line=line,
    )


def _line_breaks(text: str, start: int, end: int) -> int:
    """How many lines end between `start` and `end` (\\r\\n, \\r or \\n, as csv counts them)."""
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)


def _unclosed_quote(text: str, at: int, delimiter: str) -> int | None:
    """Offset of the quote that opens a cell and is never closed in the record starting at `at`; else None."""
    ends = re.compile("[" + re.escape(delimiter) + "\r\n]")
    n = len(text)
    while at < n:
        while at < n and text[at] == " ":  # skipinitialspace: spaces before a cell's first character are skipped
            at += 1
        if at < n and text[at] == '"':  # a quoted cell: find its closing quote ("" is an escaped quote)
            close = at + 1
            while True:
                close = text.find('"', close)
                if close < 0:
                    return at
                if text.startswith('"', close + 1):
                    close += 2
                    continue
                break
            at = close + 1
        # an unquoted cell (or what follows a closing quote): quotes are plain characters up to the cell's end
        end = ends.search(text, at)
        if end is None or end.group() != delimiter:
            return None  # the record (or the text) ends with its quotes closed
        at = end.end()
    return None


def _within_limits(rows: Iterable[_Row], name: str, limits: BomLimits) -> Iterator[_Row]:
    """Rows with their trailing empty cells dropped, refused past the row, column and cell size limits.

    The row limit counts rows up to the last one that holds something (blank rows after it are dropped), so
    that a run of blank lines can neither fill memory nor hide a row past the limit."""
    count = 0
    for row in rows:
        count += 1
        cells = row.cells
        width = len(cells)
        while width and not cells[width - 1].strip():
            width -= 1
        if not width:
            if count <= limits.max_rows:  # one blank cell where it held spaces or a quoted line break: said as a
                # blank row when it comes after the table's last row (_classify_table)
                kept = (" ",) if any(cells) else ()
                yield row if not cells else _Row(row.line, row.sheet, kept, row.percent_cols, row.kind)
            continue
        if count > limits.max_rows:
            raise BomLimitError(
                f"the table has more than {limits.max_rows:,} rows (line {row.line:,} is row {count:,}); a BOM is"
                f" read up to {limits.max_rows:,} rows (row limit)",
                limit="rows",
                value=count,
                maximum=limits.max_rows,
                file=name,
                line=row.line,
            )
        if row.kind == "":
            if width > limits.max_columns:
                raise BomLimitError(
                    f"line {row.line:,} has {width:,} columns; a BOM is read up to {limits.max_columns:,} columns"
                    " (column limit)",
                    limit="columns",
                    value=width,
                    maximum=limits.max_columns,
                    file=name,
                    line=row.line,
                )
            for index, cell in enumerate(cells[:width]):
                if len(cell) > limits.max_cell_chars:
                    raise BomLimitError(
                        f"the cell in column {index + 1} of line {row.line:,} holds {len(cell):,} characters; a BOM"
                        f" cell may hold at most {limits.max_cell_chars:,} (cell size limit)",
                        limit="cell_chars",
                        value=len(cell),
                        maximum=limits.max_cell_chars,
                        file=name,
                        line=row.line,
                        column=str(index + 1),
                    )
        yield row if width == len(cells) else _Row(row.line, row.sheet, cells[:width], row.percent_cols, row.kind)


def _mb(size: float) -> str:
    """Bytes as a buyer reads them: "629 MB", "1.5 MB", "512 KB"."""
    if size >= 10_000_000:
        return f"{size / 1_000_000:,.0f} MB"
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000)):,} KB"


def _read_markdown(
    name: str, text: str, limits: BomLimits = DEFAULT_LIMITS, overrides: ReadOverrides | None = None
) -> _Parsed:
    rows: list[_Row] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            rows.append(_Row(number, "", ()))
        elif re.fullmatch(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?", stripped):
            rows.append(_Row(number, "", (stripped,), kind="separator"))
        elif stripped.startswith("|") or stripped.count("|") >= 2:
            cells = stripped.strip("|").split("|") if stripped.startswith("|") else stripped.split("|")
            rows.append(_Row(number, "", tuple(_markdown_cell(c) for c in cells)))
        else:
            rows.append(_Row(number, "", (stripped,), kind="text"))
    rows = list(_within_limits(rows, name, limits))
    acc = _Acc()
    if not _classify(rows, acc, name, headerless_ok=False, overrides=overrides):
        raise BomFormatError("no table with a BOM header found in the markdown", file=name)
    return _finish(name, acc, "|", overrides)


def _markdown_cell(cell: str) -> str:
    cell = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", cell)  # images say nothing about the part
    cell = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell)  # keep a link's text
    return cell.strip()


def _read_xlsx(
    name: str, data: bytes, limits: BomLimits = DEFAULT_LIMITS, overrides: ReadOverrides | None = None
) -> _Parsed:
    import openpyxl  # imported here: text BOMs should not pay for it

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except MemoryError:
        raise
    except Exception as exc:  # BadZipFile, and what a damaged directory makes zipfile raise (NotImplementedError…)
        raise BomFormatError("damaged zip/xlsx file", file=name) from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names and b"opendocument.spreadsheet" in _member(archive, "mimetype", 200):
            _check_unpacked_size(name, infos, limits)
            return replace(_read_ods(name, archive, limits, overrides), form="ods")
        raise BomFormatError("a zip archive but not an .xlsx or .ods workbook", file=name)
    _check_unpacked_size(name, infos, limits)
    try:
        # read_only streams each sheet's XML; merged cells are read from the XML here (_merged_ranges), never
        # materialised by openpyxl (which makes one object per merged cell: A5:XFD1048576 is 17 billion).
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for broken parts
        _raise_if_out_of_memory(exc)
        # Some writers (web shops, old WPS) emit a styles part openpyxl refuses; the cells do not need it.
        try:
            book = openpyxl.load_workbook(io.BytesIO(_without_styles(archive)), read_only=True, data_only=True)
        except MemoryError:
            raise
        except Exception:
            raise BomFormatError(f"cannot open the workbook: {exc}", file=name) from exc
    budget = _Budget()

    def sheets() -> Iterator[tuple[str, list[_Row]]]:
        for sheet in book.worksheets:
            try:
                yield sheet.title, _sheet_rows(sheet, archive, name, limits, budget)
            except (BomFormatError, MemoryError):
                raise
            except Exception as exc:  # a part openpyxl cannot parse (broken XML, bad cell references)
                _raise_if_out_of_memory(exc)
                raise BomFormatError(f"cannot read sheet {sheet.title!r}: {exc}", file=name) from exc

    try:
        return _read_sheets(name, sheets(), overrides)
    finally:
        book.close()


def _raise_if_out_of_memory(exc: BaseException) -> None:
    """zlib says Z_MEM_ERROR (-4) where Python would raise MemoryError: under the reader's memory limit it is one."""
    if isinstance(exc, zlib.error) and "Error -4" in str(exc):
        raise MemoryError(str(exc)) from exc


def _member(archive: zipfile.ZipFile, part: str, size: int) -> bytes:
    try:
        with archive.open(part) as source:
            return bytes(source.read(size))
    except (KeyError, OSError, zipfile.BadZipFile):
        return b""


def _read_ods(
    name: str, archive: zipfile.ZipFile, limits: BomLimits, overrides: ReadOverrides | None = None
) -> _Parsed:
    """An OpenDocument spreadsheet (LibreOffice, WPS, Excel "Save as .ods"): content.xml streamed through expat.
    Repeated rows and cells (table:number-*-repeated) advance the position without being materialised unless
    they hold text; spans fill like merged cells; a cell's text is its paragraphs joined by line breaks."""
    parser = _expat(name)
    sheets: list[tuple[str, list[_Row]]] = []
    budget = _Budget()
    st: dict[str, Any] = {}

    def attr(attrs: dict[str, str], key: str) -> str:
        return attrs.get(key, "")

    def repeat(attrs: dict[str, str], key: str) -> int:
        try:
            return max(1, int(attrs.get(key, "1")))
        except ValueError:
            return 1

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "table:table":
            st.update(title=attr(attrs, "table:name") or f"Sheet{len(sheets) + 1}", rows={}, pct={}, boxes=[], row=0)
        elif tag == "table:table-row" and "rows" in st:
            st.update(row_repeat=repeat(attrs, "table:number-rows-repeated"), col=0, cells={}, pcts=set())
        elif tag in {"table:table-cell", "table:covered-table-cell"} and "cells" in st:
            st.update(cell_repeat=repeat(attrs, "table:number-columns-repeated"), text=[], para=0, in_cell=True, size=0)
            kind = attr(attrs, "office:value-type")
            st["number"] = attr(attrs, "office:value") if kind in {"float", "percentage", "currency"} else ""
            st["percent"] = kind == "percentage"
            down = repeat(attrs, "table:number-rows-spanned")
            across = repeat(attrs, "table:number-columns-spanned")
            if down > 1 or across > 1:
                top, left = st["row"] + 1, st["col"] + 1
                st["boxes"].append((left, top, left + across - 1, top + down - 1))
        elif tag == "text:p" and st.get("in_cell") and not st.get("note"):
            if st["para"]:
                st["text"].append("\n")
            st["para"] += 1
        elif tag == "office:annotation":
            st["note"] = st.get("note", 0) + 1  # a comment on the cell is not its value
        elif tag == "text:s" and st.get("in_cell") and not st.get("note"):
            st["text"].append(" " * min(repeat(attrs, "text:c"), limits.max_cell_chars + 1))
        elif tag in {"text:line-break", "text:tab"} and st.get("in_cell") and not st.get("note"):
            st["text"].append("\n" if tag == "text:line-break" else "\t")

    def chars(data: str) -> None:
        if st.get("in_cell") and st["para"] and not st.get("note"):
            st["text"].append(data)
            st["size"] = st.get("size", 0) + len(data)
            if st["size"] > limits.max_cell_chars * 4:
                raise BomLimitError(
                    f"a cell of sheet {st['title']!r} holds more than {limits.max_cell_chars:,} characters (cell size limit)",
                    limit="cell_chars",
                    value=st["size"],
                    maximum=limits.max_cell_chars,
                    file=name,
                )

    def end(tag: str) -> None:
        if tag == "office:annotation":
            st["note"] = max(0, st.get("note", 0) - 1)
        elif tag in {"table:table-cell", "table:covered-table-cell"} and st.get("in_cell"):
            st["in_cell"], st["size"] = False, 0
            text = "".join(st["text"]).strip()
            if st["number"] and text:
                with contextlib.suppress(ValueError):
                    text = _cell_text(float(st["number"]))
            count = st["cell_repeat"]
            if text:
                _check_cell(len(text), name, limits, st["title"], st["row"] + 1, st["col"] + 1)
                _check_width(st["col"] + count, name, limits, st["title"], st["row"] + 1)
                for c in range(st["col"], st["col"] + count):
                    st["cells"][c] = text
                    if st["percent"]:
                        st["pcts"].add(c)
            st["col"] += count
        elif tag == "table:table-row" and "cells" in st:
            cells = st.pop("cells")
            count = st["row_repeat"]
            if cells:
                width = max(cells) + 1
                for _ in range(min(count, limits.max_rows + 1)):
                    st["row"] += 1
                    _count_row(st["title"], st["row"], name, limits, budget)
                    st["rows"][st["row"]] = [cells.get(c, "") for c in range(width)]
                    if st["pcts"]:
                        st["pct"][st["row"]] = set(st["pcts"])
            else:
                st["row"] += count
        elif tag == "table:table" and "rows" in st:
            rows_by: dict[int, list[str]] = st.pop("rows")
            used_rows = max(rows_by, default=0)
            used_cols = max((len(c) for c in rows_by.values()), default=0)
            sheets.append((st["title"], _merged_sheet(st["title"], rows_by, st["pct"], st["boxes"], used_rows, used_cols,
                                                      name, limits, budget)))  # fmt: skip

    parser.StartElementHandler, parser.CharacterDataHandler, parser.EndElementHandler = start, chars, end
    import xml.parsers.expat

    try:
        with archive.open("content.xml") as source:
            parser.ParseFile(source)
    except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise BomFormatError(f"damaged .ods workbook: {exc}", file=name) from exc
    return _read_sheets(name, sheets, overrides)


def _without_styles(archive: zipfile.ZipFile) -> bytes:
    """The workbook without its styles part (sizes already checked: it unpacks within the limit)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            if info.filename != "xl/styles.xml":
                copy.writestr(info.filename, archive.read(info))
    return out.getvalue()


def _read_xls(
    name: str, data: bytes, limits: BomLimits = DEFAULT_LIMITS, overrides: ReadOverrides | None = None
) -> _Parsed:
    """A legacy Excel workbook (BIFF5/8 in an OLE2 file: Altium's BOM template, Mouser carts, Kingdee and LCSC
    order exports, WPS) through xlrd. Formula cells hold their cached values; merged boxes are filled."""
    import xlrd  # imported here: other formats should not pay for it

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except MemoryError:
        raise
    except Exception as exc:  # xlrd.XLRDError ("Workbook is encrypted", "Unsupported format"), CompDocError …
        text = str(exc)
        if "encrypt" in text.lower():
            raise BomFormatError(
                "the .xls workbook is password-protected: save it without a password", file=name
            ) from exc
        if "expected BOF record" in text or "Can't find workbook" in text:
            raise BomFormatError(
                "an Office (OLE2) file but not an Excel workbook (a Word or Outlook file?): send the BOM as"
                " .xls, .xlsx or .csv",
                file=name,
            ) from exc
        raise BomFormatError(f"damaged .xls workbook ({text[:200]})", file=name) from exc
    budget = _Budget()

    def sheets() -> Iterator[tuple[str, list[_Row]]]:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
                rows = _xls_sheet_rows(book, sheet, name, limits, budget)
            except (BomFormatError, MemoryError):
                raise
            except Exception as exc:  # a damaged sheet record
                raise BomFormatError(f"cannot read sheet {index + 1} of the .xls workbook: {exc}", file=name) from exc
            finally:
                book.unload_sheet(index)
            yield sheet.name, rows

    try:
        return _read_sheets(name, sheets(), overrides)
    finally:
        book.release_resources()


def _xls_sheet_rows(book: Any, sheet: Any, name: str, limits: BomLimits, budget: _Budget) -> list[_Row]:
    import xlrd

    cells_by_row: dict[int, list[str]] = {}
    percent_by_row: dict[int, set[int]] = {}
    used_rows = used_cols = 0
    for r in range(sheet.nrows):
        number = r + 1
        texts: dict[int, str] = {}
        percent: set[int] = set()
        for c, cell in enumerate(sheet.row(r), start=1):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                continue
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    text = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode).isoformat(sep=" ")
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    text = _cell_text(cell.value)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                text = _cell_text(bool(cell.value))
            else:
                text = _cell_text(cell.value).strip() if cell.ctype == xlrd.XL_CELL_TEXT else _cell_text(cell.value)
            if not text:
                continue
            _check_cell(len(text), name, limits, sheet.name, number, c)
            texts[c] = text
            if cell.ctype == xlrd.XL_CELL_NUMBER and _xls_percent(book, cell.xf_index):
                percent.add(c - 1)
        if not texts:
            continue
        width = max(texts)
        _check_width(width, name, limits, sheet.name, number)
        _count_row(sheet.name, number, name, limits, budget)
        used_rows, used_cols = number, max(used_cols, width)
        cells_by_row[number] = [texts.get(c, "") for c in range(1, width + 1)]
        if percent:
            percent_by_row[number] = percent
    if len(sheet.merged_cells) > limits.max_merged_ranges:
        raise BomLimitError(
            f"sheet {sheet.name!r} has {len(sheet.merged_cells):,} merged ranges; a BOM sheet may have at most"
            f" {limits.max_merged_ranges:,} (merged range limit)",
            limit="merged_ranges",
            value=len(sheet.merged_cells),
            maximum=limits.max_merged_ranges,
            file=name,
        )
    # xlrd's boxes are 0-based, half-open: (row_lo, row_hi, col_lo, col_hi)
    boxes = [(clo + 1, rlo + 1, chi, rhi) for rlo, rhi, clo, chi in sheet.merged_cells if rhi > rlo and chi > clo]
    return _merged_sheet(sheet.name, cells_by_row, percent_by_row, boxes, used_rows, used_cols, name, limits, budget)


def _xls_percent(book: Any, xf_index: int | None) -> bool:
    try:
        xf = book.xf_list[xf_index]
        return "%" in book.format_map[xf.format_key].format_str
    except (IndexError, KeyError, TypeError, AttributeError):
        return False


def _expat(name: str) -> Any:
    """An expat parser that refuses entity declarations (the billion-laughs and external-entity attacks), as
    defusedxml does; element depth and size are bounded by the file size limit."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()

    def forbid(*_args: object) -> Any:
        raise BomFormatError("XML with entity declarations (a DTD) is not a BOM export: refused", file=name)

    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    return parser


def _parse_xml(parser: Any, text: str, name: str, what: str) -> None:
    import xml.parsers.expat

    try:
        parser.Parse(text.lstrip("\ufeff"), True)
    except xml.parsers.expat.ExpatError as exc:
        raise BomFormatError(f"damaged {what}: {exc}", file=name, line=getattr(exc, "lineno", None)) from exc


@dataclass
class _KicadComp:
    ref: str
    line: int
    value: str = ""
    footprint: str = ""
    datasheet: str = ""
    description: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    dnp: bool = False
    excluded: bool = False


_KICAD_TEXT = {"value", "footprint", "datasheet", "description", "field"}


def _read_kicad_xml(
    name: str, text: str, limits: BomLimits = DEFAULT_LIMITS, overrides: ReadOverrides | None = None
) -> _Parsed:
    """KiCad's schematic export (`<export version=…>`: the intermediate netlist that eeschema hands to BOM
    scripts). Components are grouped as KiCad's own grouped BOM does: one line for each value + footprint +
    fields + DNP state, its designators in schematic order, at the XML line of its first <comp>. Power symbols
    (#PWR, #FLG) and components excluded from the BOM are skipped with their reason."""
    parser = _expat(name)
    comps: list[_KicadComp] = []
    state: dict[str, Any] = {"comp": None, "tag": "", "field": "", "buffer": [], "components": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        comp: _KicadComp | None = state["comp"]
        if tag == "components" and not state["components"]:
            state["components"] = parser.CurrentLineNumber
        elif tag == "comp":
            if len(comps) >= limits.max_rows:
                raise BomLimitError(
                    f"the export has more than {limits.max_rows:,} components; a BOM is read up to"
                    f" {limits.max_rows:,} (row limit)",
                    limit="rows",
                    value=len(comps) + 1,
                    maximum=limits.max_rows,
                    file=name,
                    line=parser.CurrentLineNumber,
                )
            state["comp"] = _KicadComp(attrs.get("ref", "").strip(), parser.CurrentLineNumber)
        elif comp is not None and tag in _KICAD_TEXT:
            state["tag"], state["field"], state["buffer"] = tag, attrs.get("name", ""), []
        elif comp is not None and tag == "libsource" and not comp.description:
            comp.description = attrs.get("description", "").strip()
        elif comp is not None and tag == "property":
            prop = attrs.get("name", "").strip().lower()
            comp.dnp |= prop == "dnp"
            comp.excluded |= prop == "exclude_from_bom"

    def chars(data: str) -> None:
        if state["tag"]:
            state["buffer"].append(data)

    def end(tag: str) -> None:
        comp: _KicadComp | None = state["comp"]
        if comp is None:
            return
        if tag == "comp":
            comps.append(comp)
            state["comp"] = None
        elif tag == state["tag"]:
            value = "".join(state["buffer"]).strip()
            if len(value) > limits.max_cell_chars:
                raise BomLimitError(
                    f"a field of {comp.ref} holds {len(value):,} characters; a BOM cell may hold at most"
                    f" {limits.max_cell_chars:,} (cell size limit)",
                    limit="cell_chars",
                    value=len(value),
                    maximum=limits.max_cell_chars,
                    file=name,
                    line=comp.line,
                )
            if tag == "field":
                comp.fields[state["field"]] = value
            elif tag == "description" and value:
                comp.description = value
            elif tag != "description":
                setattr(comp, tag, value)
            state["tag"] = ""

    parser.StartElementHandler, parser.CharacterDataHandler, parser.EndElementHandler = start, chars, end
    _parse_xml(parser, text, name, "KiCad XML export")
    if not state["components"]:
        raise BomFormatError("a KiCad export without a <components> section: no parts to read", file=name)
    acc = _Acc()
    groups: dict[tuple[Any, ...], list[_KicadComp]] = {}
    for comp in comps:
        if comp.ref.startswith("#") or not comp.ref:
            acc.skipped.append(BomProblem(comp.line, "", f"power symbol or flag {comp.ref!r}, not a part"))
        elif comp.excluded:
            acc.skipped.append(BomProblem(comp.line, "", f"{comp.ref} is excluded from the BOM in the schematic"))
        else:
            key = (comp.value, comp.footprint, tuple(sorted(comp.fields.items())), comp.dnp)
            groups.setdefault(key, []).append(comp)
    own = {"reference", "value", "footprint", "datasheet", "description", "qty", "dnp"}
    extra = list(dict.fromkeys(f for c in comps for f in c.fields if f.strip().lower() not in own))
    header = ("Reference", "Value", "Footprint", "Datasheet", "Description", *extra, "Qty", "DNP")
    if _header_map(header) is None:  # many fields the reader has no name for (Sim.*, Tolerance …): keep the known
        extra = [f for f in extra if _header_field(f)]
        header = ("Reference", "Value", "Footprint", "Datasheet", "Description", *extra, "Qty", "DNP")
    rows = [_Row(state["components"], "", header)]
    for members in groups.values():
        first = members[0]
        fields = {k.strip().lower(): v for k, v in first.fields.items()}
        description = fields.get("description") or first.description
        datasheet = "" if first.datasheet in {"~", ""} else first.datasheet
        cells = (", ".join(c.ref for c in members), first.value, first.footprint, datasheet, description,
                 *(first.fields.get(f, "") for f in extra), str(len(members)), "DNP" if first.dnp else "")  # fmt: skip
        rows.append(_Row(first.line, "", cells))
    rows.sort(key=lambda r: r.line)
    if not _classify(rows, acc, name, headerless_ok=False, overrides=overrides):
        raise BomFormatError("the KiCad export lists no components", file=name)
    return _finish(name, acc, "", overrides)


def _read_html(
    name: str, text: str, limits: BomLimits = DEFAULT_LIMITS, overrides: ReadOverrides | None = None
) -> _Parsed:
    """An HTML table saved with an .xls name (web shops and ERPs export so; Excel opens it as one sheet). Rows
    are numbered 1, 2, … over every table in order, as Excel shows them; row and column spans are filled like
    merged cells."""
    from html.parser import HTMLParser

    cells_by_row: dict[int, list[str]] = {}
    boxes: list[tuple[int, int, int, int]] = []
    budget = _Budget()
    covered: dict[int, set[int]] = {}  # cells taken by a rowspan from above

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.row = 0
            self.col = 0
            self.cell: list[str] | None = None
            self.span = (1, 1)
            self.skip = 0  # inside <script> / <style>

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in {"script", "style"}:
                self.skip += 1
            elif tag == "tr":
                self.close_cell()
                self.row += 1
                self.col = 0
                _count_row("", self.row, name, limits, budget)
                cells_by_row.setdefault(self.row, [])
            elif tag in {"td", "th"} and self.row:
                self.close_cell()
                spans = dict(attrs)
                self.span = (_span(spans.get("rowspan")), _span(spans.get("colspan")))
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in {"script", "style"}:
                self.skip = max(0, self.skip - 1)
            elif tag in {"td", "th", "tr", "table"}:
                self.close_cell()

        def handle_data(self, data: str) -> None:
            if self.cell is not None and not self.skip:
                self.cell.append(data)

        def close_cell(self) -> None:
            if self.cell is None:
                return
            value = re.sub(r"[ \t\r\f\v\xa0]+", " ", "".join(self.cell)).strip()
            self.cell = None
            row = cells_by_row[self.row]
            while self.col in covered.get(self.row, ()):
                self.col += 1
            _check_width(self.col + 1, name, limits, "", self.row)
            _check_cell(len(value), name, limits, "", self.row, self.col + 1)
            row.extend([""] * (self.col + 1 - len(row)))
            row[self.col] = value
            down, across = self.span
            across = min(across, max(1, limits.max_columns - self.col))
            down = min(down, max(1, limits.max_rows - self.row + 1))
            if down > 1 or across > 1:
                budget.merged_cells += down * across
                if budget.merged_cells > limits.max_merged_cells:
                    raise BomLimitError(
                        f"the row and column spans cover more than {limits.max_merged_cells:,} cells; a BOM may merge"
                        f" at most {limits.max_merged_cells:,} (merged cell limit)",
                        limit="merged_cells",
                        value=budget.merged_cells,
                        maximum=limits.max_merged_cells,
                        file=name,
                    )
                boxes.append((self.col + 1, self.row, self.col + across, self.row + down - 1))
                for r in range(self.row + 1, self.row + down):
                    covered.setdefault(r, set()).update(range(self.col, self.col + across))
            self.col += across

    reader = Tables()
    reader.feed(text)
    reader.close()
    reader.close_cell()
    used_rows = max((n for n, cells in cells_by_row.items() if any(cells)), default=0)
    if not used_rows:
        raise BomFormatError("an HTML file without a table: no rows to read", file=name)
    used_cols = max(len(cells) for cells in cells_by_row.values())
    rows = _merged_sheet("", cells_by_row, {}, boxes, used_rows, used_cols, name, limits, _Budget())
    return _read_sheets(name, [("", rows)], overrides, workbook=False)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except ValueError:
        return 1


def _read_spreadsheetml(
    name: str, text: str, limits: BomLimits = DEFAULT_LIMITS, overrides: ReadOverrides | None = None
) -> _Parsed:
    """An Excel 2003 XML workbook (SpreadsheetML: <Workbook><Worksheet><Table><Row><Cell><Data>), written by
    some ERPs and .NET exporters with an .xls name. ss:Index skips rows and cells; MergeAcross / MergeDown fill."""
    parser = _expat(name)
    parser.namespace_prefixes = False
    sheets: list[tuple[str, list[_Row]]] = []
    budget = _Budget()
    state: dict[str, Any] = {}

    def local(tag: str) -> str:
        return tag.rsplit(":", 1)[-1]

    def attr(attrs: dict[str, str], key: str) -> str:
        return next((v for k, v in attrs.items() if local(k) == key), "")

    def start(tag: str, attrs: dict[str, str]) -> None:
        tag = local(tag)
        if tag == "Worksheet":
            state.update(title=attr(attrs, "Name") or f"Sheet{len(sheets) + 1}", rows={}, boxes=[], row=0, col=0)
        elif tag == "Row" and "rows" in state:
            state["row"] = int(attr(attrs, "Index") or state["row"] + 1)
            if state["row"] < 1:
                raise ValueError(f"row index {state['row']}")
            state["col"] = 0
            _count_row(state["title"], state["row"], name, limits, budget)
            state["rows"].setdefault(state["row"], [])
        elif tag == "Cell" and "rows" in state:
            state["col"] = int(attr(attrs, "Index") or state["col"] + 1)
            if state["col"] < 1:
                raise ValueError(f"cell index {state['col']}")
            _check_width(state["col"], name, limits, state["title"], state["row"])
            across, down = int(attr(attrs, "MergeAcross") or 0), int(attr(attrs, "MergeDown") or 0)
            if across < 0 or down < 0:
                raise ValueError(f"merge of {across} x {down} cells")
            across, down = min(across, limits.max_columns), min(down, limits.max_rows)
            if across or down:
                state["boxes"].append((state["col"], state["row"], state["col"] + across, state["row"] + down))
            state["span"] = across
            state["buffer"] = []
        elif tag == "Data" and "buffer" in state:
            state["data"] = True

    def chars(data: str) -> None:
        if state.get("data"):
            state["buffer"].append(data)

    def end(tag: str) -> None:
        tag = local(tag)
        if tag == "Data":
            state["data"] = False
        elif tag == "Cell" and "buffer" in state:
            value = "".join(state.pop("buffer")).strip()
            _check_cell(len(value), name, limits, state["title"], state["row"], state["col"])
            row = state["rows"][state["row"]]
            row.extend([""] * (state["col"] - len(row)))
            row[state["col"] - 1] = value
            state["col"] += state.pop("span", 0)
        elif tag == "Worksheet" and "rows" in state:
            cells_by_row: dict[int, list[str]] = state.pop("rows")
            used = [n for n, cells in cells_by_row.items() if any(cells)]
            used_rows, used_cols = max(used, default=0), max((len(c) for c in cells_by_row.values()), default=0)
            rows = _merged_sheet(state["title"], cells_by_row, {}, state["boxes"], used_rows, used_cols, name, limits,
                                 budget)  # fmt: skip
            sheets.append((state["title"], rows))

    parser.StartElementHandler, parser.CharacterDataHandler, parser.EndElementHandler = start, chars, end
    try:
        _parse_xml(parser, text, name, "Excel 2003 XML workbook")
    except ValueError as exc:  # a non-numeric ss:Index
        raise BomFormatError(f"damaged Excel 2003 XML workbook: {exc}", file=name) from exc
    return _read_sheets(name, sheets, overrides)


def _read_sheets(
    name: str,
    sheets: Iterable[tuple[str, list[_Row]]],
    overrides: ReadOverrides | None = None,
    *,
    workbook: bool = True,
) -> _Parsed:
    """Classify each sheet of a workbook on its own; a sheet without a BOM header is reported, not read, and so
    is one the buyer asked to skip (`overrides.skip_sheets`). `workbook` False: one table (an HTML page), whose
    sheet is not named in the result."""
    acc = _Acc()
    found = False
    titles: list[str] = []
    skip = _skip_matcher(overrides.skip_sheets if overrides is not None else ())
    asked: set[str] = set()
    for title, rows in sheets:
        titles.append(title)
        wanted = skip(title) if workbook else None
        if wanted is not None:
            asked.add(wanted)
            reason = f"sheet {title!r} skipped at the buyer's request"
            acc.skipped.extend(BomProblem(r.line, title, reason) for r in rows if any(c.strip() for c in r.cells))
            continue
        if not rows:
            continue
        sheet_acc = _Acc()
        if _classify(rows, sheet_acc, name, headerless_ok=False, overrides=overrides):
            found = True
            acc.extend(sheet_acc)
        else:
            reason = f"sheet {title!r} has no BOM header row: not read"
            acc.skipped.extend(BomProblem(r.line, title, reason) for r in rows if any(c.strip() for c in r.cells))
    if workbook and overrides is not None and (unknown := [s for s in overrides.skip_sheets if s not in asked]):
        raise BomFormatError(
            f"there is no sheet {unknown[0]!r} to skip; the workbook's sheets are {', '.join(map(repr, titles))}",
            file=name,
        )
    if not found:
        why = f"; skipped at the buyer's request: {', '.join(map(repr, sorted(asked)))}" if asked else ""
        raise BomFormatError(
            f"no sheet has a BOM header row (expected columns such as 位号/Designator, 数量/Qty, 型号/MPN){why}",
            file=name,
        )
    return _finish(name, acc, "", overrides, tuple(titles) if workbook else ())


def _skip_matcher(names: tuple[str, ...]) -> Any:
    """title → the name in `names` that asks for it to be skipped (exactly, else ignoring case and the
    spaces around it), or None."""
    exact = set(names)
    loose = {_sheet_key(n): n for n in names}

    def wanted(title: str) -> str | None:
        if title in exact:
            return title
        return loose.get(_sheet_key(title))

    return wanted


def _sheet_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _check_unpacked_size(name: str, infos: list[zipfile.ZipInfo], limits: BomLimits) -> None:
    """Refuse a workbook that would unpack past the limit, from the zip's central directory, before inflating.

    zipfile never returns more than a member's declared `file_size` (a member that inflates further fails its
    CRC check), so the declared sizes bound what openpyxl can be made to read."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_decompressed_bytes:
        raise BomLimitError(
            f"the workbook unpacks to {_mb(total)} ({_mb(sum(i.compress_size for i in infos))} packed); a BOM"
            f" workbook may unpack to at most {_mb(limits.max_decompressed_bytes)} (decompressed size limit)",
            limit="decompressed_bytes",
            value=total,
            maximum=limits.max_decompressed_bytes,
            file=name,
        )
    for info in infos:
        if info.file_size < limits.ratio_checked_from_bytes:
            continue
        ratio = info.file_size / max(1, info.compress_size)
        if ratio > limits.max_compression_ratio:
            raise BomLimitError(
                f"part {info.filename[:80]!r} of the workbook is compressed {ratio:,.0f} to 1 ({_mb(info.file_size)}"
                f" from {_mb(info.compress_size)}); a real workbook is at most {limits.max_compression_ratio:,} to 1"
                " (compression ratio limit)",
                limit="compression_ratio",
                value=round(ratio),
                maximum=limits.max_compression_ratio,
                file=name,
            )


@dataclass
class _Budget:
    """What a whole workbook may still use: rows with content, and merged cells filled."""

    rows: int = 0
    merged_cells: int = 0


_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)[\"']"
)


def _merged_ranges(archive: zipfile.ZipFile, part: str, sheet: str, name: str, limits: BomLimits) -> list[bytes]:
    """The merged ranges of one sheet (their refs), read from its XML in chunks; refused past the limit."""
    refs: list[bytes] = []
    carry = b""
    with archive.open(part) as source:
        while True:
            chunk = source.read(1 << 20)
            buffer = carry + chunk
            # keep an element cut by the chunk's end for the next one (a mergeCell tag is short: a longer tail
            # is something else, scanned as it is)
            cut = buffer.rfind(b"<") if chunk else -1
            if cut < 0 or buffer.find(b">", cut) >= 0 or len(buffer) - cut > 65536:
                scan, carry = buffer, b""
            else:
                scan, carry = buffer[:cut], buffer[cut:]
            refs.extend(_MERGE_CELL.findall(scan))
            if len(refs) > limits.max_merged_ranges:
                raise BomLimitError(
                    f"sheet {sheet!r} has more than {limits.max_merged_ranges:,} merged ranges; a BOM sheet may have"
                    f" at most {limits.max_merged_ranges:,} (merged range limit)",
                    limit="merged_ranges",
                    value=len(refs),
                    maximum=limits.max_merged_ranges,
                    file=name,
                )
            if not chunk:
                return refs


def _sheet_rows(sheet: Any, archive: zipfile.ZipFile, name: str, limits: BomLimits, budget: _Budget) -> list[_Row]:
    """One sheet's rows up to the last that holds something, merged cells filled from their top-left cell.

    Cells are streamed from the sheet's XML (only the cells it holds, whatever its <dimension> claims); rows,
    columns and cell sizes are checked as they come. Merged ranges are clamped to the used range before they
    are filled, so a range over the whole sheet costs no more than the cells that hold something."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import WorkSheetParser

    part = getattr(sheet, "_worksheet_path", "")
    merges = _merged_ranges(archive, part, sheet.title, name, limits) if part else []
    book = sheet.parent
    cells_by_row: dict[int, list[str]] = {}
    percent_by_row: dict[int, set[int]] = {}
    used_rows = used_cols = 0
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, row in parser.parse():
            if not row:
                continue
            texts: dict[int, str] = {}
            percent: set[int] = set()
            for cell in row:
                value = cell["value"]
                text = "" if value is None else _cell_text(value)
                if not text:
                    continue
                col = int(cell["column"])
                _check_cell(len(text), name, limits, sheet.title, number, col)
                texts[col] = text
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    styled = ReadOnlyCell(sheet, number, col, value, cell["data_type"], cell["style_id"])
                    try:
                        shown = str(styled.number_format or "")
                    except IndexError:  # read without its styles part (_without_styles)
                        shown = ""
                    if "%" in shown:
                        percent.add(col - 1)
            width = max(texts, default=0)
            _check_width(width, name, limits, sheet.title, number)
            if texts:
                _count_row(sheet.title, number, name, limits, budget)
                used_rows, used_cols = max(used_rows, number), max(used_cols, max(texts))
            elif number > limits.max_rows:
                continue  # an empty row past the limit: trailing, or a row with data after it is refused
            cells_by_row[number] = [texts.get(c, "") for c in range(1, width + 1)]
            if percent:
                percent_by_row[number] = percent
    boxes = []
    for ref in merges:
        try:
            boxes.append(range_boundaries(ref.decode("ascii")))
        except (ValueError, TypeError):
            continue
    return _merged_sheet(sheet.title, cells_by_row, percent_by_row, boxes, used_rows, used_cols, name, limits, budget)


def _merged_sheet(
    title: str,
    cells_by_row: dict[int, list[str]],
    percent_by_row: dict[int, set[int]],
    boxes: list[tuple[int, int, int, int]],
    used_rows: int,
    used_cols: int,
    name: str,
    limits: BomLimits,
    budget: _Budget,
) -> list[_Row]:
    """A sheet's rows with each merged box (min_col, min_row, max_col, max_row; 1-based) filled from its top-left
    cell, as a reader sees it: a category merged down, a title merged across."""
    for min_col, min_row, max_col, max_row in boxes:
        top = cells_by_row.get(min_row, [])
        value = top[min_col - 1] if min_col <= len(top) else ""
        # clamped to the used range: cells past it hold nothing, and a range over the sheet fills only these
        max_row, max_col = min(max_row, used_rows), min(max_col, used_cols)
        if not value or min_row > max_row or min_col > max_col:
            continue
        budget.merged_cells += (max_row - min_row + 1) * (max_col - min_col + 1)
        if budget.merged_cells > limits.max_merged_cells:
            raise BomLimitError(
                f"the merged ranges of sheet {title!r} cover more than {limits.max_merged_cells:,} cells of its"
                f" used range; a BOM may merge at most {limits.max_merged_cells:,} (merged cell limit)",
                limit="merged_cells",
                value=budget.merged_cells,
                maximum=limits.max_merged_cells,
                file=name,
            )
        top_percent = (min_col - 1) in percent_by_row.get(min_row, set())
        for r in range(min_row, max_row + 1):
            cells = cells_by_row.setdefault(r, [])
            if len(cells) < max_col:
                cells.extend([""] * (max_col - len(cells)))
            for c in range(min_col - 1, max_col):
                if not cells[c]:
                    cells[c] = value
                    if top_percent:
                        percent_by_row.setdefault(r, set()).add(c)
    # Without merges, the rows the sheet holds; with merges, every row of the used range (blank ones too), as a
    # spreadsheet shows them (openpyxl's full mode, used for merged sheets before, read them so).
    numbers = range(1, used_rows + 1) if boxes else sorted(n for n in cells_by_row if n <= used_rows)
    return [
        _Row(n, title, tuple(cells_by_row.get(n, ())), frozenset(percent_by_row.get(n, ())))
        for n in numbers
        if boxes or n in cells_by_row
    ]


def _check_cell(size: int, name: str, limits: BomLimits, sheet: str, line: int, col: int = 0) -> None:
    """Refuse a workbook cell over the cell size limit (col: 1-based column when the reader knows it)."""
    if size <= limits.max_cell_chars:
        return
    where = f"{_column_letter(col)}{line}" if col else ""
    place = (f"cell {where}" if where else f"a cell of row {line:,}") + (f" of sheet {sheet!r}" if sheet else "")
    raise BomLimitError(
        f"{place} holds {size:,} characters; a BOM cell may hold at most {limits.max_cell_chars:,} (cell size limit)",
        limit="cell_chars",
        value=size,
        maximum=limits.max_cell_chars,
        file=name,
        line=line,
        column=where,
    )


def _check_width(width: int, name: str, limits: BomLimits, sheet: str, line: int) -> None:
    """Refuse a workbook row that uses more columns than the column limit."""
    if width <= limits.max_columns:
        return
    of_sheet = f" of sheet {sheet!r}" if sheet else ""
    raise BomLimitError(
        f"row {line:,}{of_sheet} uses {width:,} columns (up to column {_column_letter(width)}); a BOM is read up to"
        f" {limits.max_columns:,} columns (column limit)",
        limit="columns",
        value=width,
        maximum=limits.max_columns,
        file=name,
        line=line,
        column=_column_letter(width),
    )


def _count_row(sheet: str, number: int, name: str, limits: BomLimits, budget: _Budget) -> None:
    budget.rows += 1
    if number > limits.max_rows or budget.rows > limits.max_rows:
        where = f"row {number:,} of sheet {sheet!r}"
        raise BomLimitError(
            f"the workbook has data past {limits.max_rows:,} rows ({where}); a BOM is read up to"
            f" {limits.max_rows:,} rows (row limit)",
            limit="rows",
            value=max(number, budget.rows),
            maximum=limits.max_rows,
            file=name,
            line=number,
        )


def column_letter(col: int) -> str:
    """A 0-based column index as a spreadsheet names the column: 0 → "A", 25 → "Z", 26 → "AA"."""
    return _column_letter(col + 1)


def _column_letter(col: int) -> str:  # 1-based
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):  # a whole number whole (a Würth number 885012208073), else without float noise
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.10g}"
    return str(value)


# ----------------------------------------------------------------------------------------------------------
# Headers

# Each field: header spellings, most specific first (lower case; spaces, _-:.() are ignored). When several
# columns name one field, the most specific with a value wins: "Manufacturer Part Number" over "Part Number",
# "References" over KiBoM's "Part" (the symbol name). Generic names (GENERIC) give way to a specific column of
# their field and are then read as the buyer's own code (item_code) or ignored.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "designators": (
        "位号", "位置号", "位号名称", "元件位号", "标号", "designator", "designators", "reference", "references",
        "ref", "refdes", "refs", "reference designator", "topdesignator", "bottomdesignator", "part reference",
        "part references", "parts", "ref desc", "ref des", "reference designators", "schematic reference", "repère",
    ),
    "quantity": (
        "数量", "用量", "物料数量", "单机用量", "单板用量", "单套用量", "qty", "quantity", "qnty", "qty per board",
        "quantity per pcb", "count", "menge", "anzahl", "stückzahl", "pcs", "quantité", "qté", "part quantity",
        "need", "need pcs",
        "cantidad", "cant", "quantidade", "qtd", "quantità", "qtà", "ilość", "ilosc",  # Spanish, Portuguese, Italian, Polish
    ),
    # Eagle's "Part" lists designators (R204), OrCAD's and hand-made lists' name the part: told by the cell
    "part_or_designators": ("part",),
    "order_quantity": ("需求用量", "需求数量", "订购数量", "采购数量", "order qty", "orderqty", "order quantity"),
    "mpn": (
        "manufacturer part", "manufacturerpartnumber", "manufacturer part number", "manufacturer's part number",
        "mfr part", "mfrpart#",
        "mfrpartnumber", "manufacturepartnumber", "mfr#", "mfrno", "mfr no", "mfgpart", "mfgpartnumber", "manf#", "mpn", "mfn", "mfpn", "制造商料号",
        "herstnr", "herstellernr", "herstellerteilenummer", "herstellerartikelnummer",  # German Mouser / Digi-Key carts
        "référence fabricant", "réf fabricant",  # French
        "código productor", "código fabricante", "código del fabricante", "número de parte", "referencia fabricante",
        "código do fabricante", "codice produttore", "numero parte", "kod producenta",
        "厂家型号", "原厂型号", "型号", "零件号", "料号", "part#", "partnumber", "part number", "pn", "p/n",
    ),
    "value": (
        "value", "comment", "规格", "规格型号", "型号规格", "商品名称", "name", "partname", "参数", "值", "标称值", "wert",
        "数值", "阻值", "容值", "参数值", "元件名", "器件名", "designation", "valeur",  # KiCad pcbnew's BOM: the value
    ),
    # Eagle's "Device" is the library device, which names the land pattern ('CAP_CERAMIC_0805MP'): read as the
    # package only where no column names one
    "package": ("封装", "footprint", "package", "pcb footprint", "封装规格", "gehäuse", "boîtier", "empreinte", "case",
                "pattern", "device"),
    "manufacturer": ("品牌", "厂商", "厂家", "制造商", "厂牌", "manufacturer", "mfr", "mfg", "manf", "mf", "manufacturer name",
                     "hersteller", "fabricant", "brand", "vendor", "fabricante", "productor", "marca", "produttore",
                     "producent"),
    "supplier_code": (
        "lcsc", "lcscpart", "lcscpart#", "lcscpartnumber", "lcsc#", "供应商编号", "供应商料号", "立创编号", "商品编号",
        "配单c编号", "c编号", "supplierpart", "supplierpartnumber", "supplier part", "supplier part number",
        "jlcpcbpart#", "jlcpcbpart#optional", "jlcpcbpart", "jlcpart", "jlcpcb", "jlc", "elecrowpn", "elecrowpart",
        "digikeypart", "digikeypart#", "digikeypartnumber", "digikeypartnum", "digikeypn", "digikey",
        "digikey#", "mouserpartnumber", "mouserpartnum", "mouserpart#", "mouserno", "mousernr", "mouser#", "mouser",
        "part#mouser", "part#digikey", "farnellpartnumber", "farnell",
        "spn", "supplierpn",  # KiCad field plugins: SPR names the supplier, SPN its number
        "fournisseur et réf", "réf fournisseur", "référence fournisseur", "code fournisseur",  # French KiCad lists
        "element14", "newark", "rspartnumber", "ocdigikey", "ocmouser", "ocnewark", "ocfarnell", "oclcsc",
    ),
    "description": (
        "物料名称", "材料名称", "配件名称", "元件名称", "器件名称", "零件名称", "部件名称", "产品名称", "物品名称", "品名",
        "说明", "描述", "物料描述", "名称", "description", "desc", "beschreibung", "item description", "part description",
        "nombre", "descripción", "descrição", "descrizione", "nazwa", "opis",
    ),
    "item_code": ("物料编码", "子项物料代码", "子项物料编码", "物料代码", "物料号", "internal part number", "ipn"),
    # the kind of part in a column of its own (类别 '弹簧垫圈' beside 型号 'M3', Category 'Resistors'): said before
    # the line's description, so an 'M4' under 薄螺母 is a nut, never the M4 rectifier diode
    "kind": ("类别", "分类", "类目", "种类", "category", "kind", "part type", "parttype"),
    "alternates": ("替代料", "替代料1", "替代料2", "替代料3", "替代物料", "alternate", "alternate1", "alternate2",
                   "alternate3", "alternative", "substitute"),
    "attrition": ("损耗率", "损耗", "attrition", "attritionrate", "scrap", "scraprate"),
    "dnp_flag": ("dnp", "dni", "dnf", "不贴", "是否不贴", "donotpopulate", "nopopulate", "notfitted"),
    "fitted_flag": ("fitted", "populate", "populated", "mount", "bestückt", "bestueckt", "是否贴片", "贴片", "是否贴装",
                    "assemble", "install", "place"),
    # recognized, so they count toward a header, but not item identity
    "other": (
        "id", "#", "no", "item", "序号", "项目号", "项次", "价格", "单价", "price", "unitprice", "totalprice", "总价", "金额",
        "备注", "note", "notes", "remark", "remarks", "comments", "链接", "淘宝链接", "购买链接", "link", "url", "supplier",
        "供应商", "spr", "spurl", "image", "datasheet", "libtype", "source", "matches",
        "warning", "producttink", "productlink", "optional", "rohs", "lifecycle", "lebenszyklus",
        # a cart's column for the buyer's own reference: designators for some buyers ('C15, C20, C23'), a project
        # code for others, beside an order quantity that is the order's, not one board's: not read
        "customerpart", "customerpartnumber", "customerno", "customerreference", "customer#", "kundenteilenr",
        "kundenteilenummer", "unitofmeasure", "uom", "单位", "location", "渠道来源", "匹配结果",
        "availablequantity", "backorderquantity", "backorder", "extendedprice", "ext", "libref", "component", "index",
        "assemblyinfo", "config",
        "número", "comentario", "comentarios", "precio", "peso", "enlace", "observaciones", "uwagi", "cena",
    ),
}  # fmt: skip
_IDENTITY = {"mpn", "value", "description", "supplier_code", "item_code"}
# Columns told by their cells: Eagle's "Part" is designators where its cells are designator lists, else the value;
# a "Reference" beside a designator column is the MPN where its cells hold a maker's number (see _classify_item).
_TOLD_BY_CELL = {"part_or_designators": "value", "ref_or_mpn": "mpn"}
# Names that mean a field only when nothing more specific names it (else: what they become).
# A "Reference" column beside a "Designator" (or French "Repère") one holds the maker's reference: its part number.
_GENERIC = {"parts": "other", "device": "other", "reference": "ref_or_mpn", "references": "ref_or_mpn", "partnumber": "item_code", "pn": "item_code", "p/n": "item_code",
            "part#": "item_code", "料号": "item_code", "零件号": "item_code"}  # fmt: skip
# Column names that hold an item's name in hand-made lists when no other column identifies the part.
_NAME_HEADERS = {"item", "component", "article", "项目", "物品", "配件", "材料", "名称"}
_HEADER_INDEX: dict[str, tuple[str, int]] = {}


def _unnumbered(header: str) -> str:
    """A header's key without the number of its copy: KiCad's second-source 'PN_1' is another 'PN'."""
    return re.sub(r"(?<=[^\d])\d$", "", _header_key(header))


def _header_key(text: str) -> str:
    """A header's words without case, punctuation or accents ('Quantité' = 'quantite', 'Stückzahl' = 'stuckzahl')."""
    text = unicodedata.normalize("NFKD", text.lower())
    return _HEADER_PUNCT.sub("", "".join(c for c in text if not unicodedata.combining(c)))


_HEADER_PUNCT = re.compile(r"[\s_\-:：.()（）*?？'’]+")


for _field_name, _names in _SYNONYMS.items():
    for _rank, _n in enumerate(_names):
        _HEADER_INDEX.setdefault(_header_key(_n), (_field_name, _rank + 100 * (_field_name == "part_or_designators")))


def _is_device_column(headers: tuple[str, ...] | list[str], col: int) -> bool:
    return col < len(headers) and _header_key(headers[col]) == "device"


def _device_field(cell: str, cells: tuple[str, ...], headers: tuple[str, ...], mapping: dict[int, str]) -> str:
    """What a "Device" cell holds. Beside a "Footprint" column with no part-number column (EasyEDA Pro's export)
    it is the part the library device was made from ('CL10A106KP8NNNC', 'M7_C95872'); Eagle's device names the
    land pattern ('CAP_CERAMIC_0805MP') beside its "Package"; a hand-made list's is words about the part ('Screw
    M2.5 15mm DIN912', 'Socket DIP-8')."""
    text = cell.strip()
    beside_footprint = any(_header_key(headers[c]) == "footprint" for c, f in mapping.items() if f == "package")
    if beside_footprint and "mpn" not in mapping.values():
        # a code: not a value ('10uF'), a name in words ('m3_梅花螺丝孔') or the value cell again ('TYPE-C-12P')
        said = {cells[c].strip().lower() for c, f in mapping.items() if f == "value" and c < len(cells)}
        if text.lower() in said or any(_coded(t) and not _same_code(t, text) for t in said):
            # the value again, or another part number the line names ('AO3401A' beside 'AO3400A': the line's own
            # words say which is meant, not the library's)
            return "other"
        return "mpn" if _coded(text) else "other"
    if any(f == "package" and not _is_device_column(headers, c) for c, f in mapping.items()):
        return "other"  # Eagle's device beside its package column
    return "package" if _land_pattern_name(text) else "description"


def _coded(text: str) -> bool:
    """A part number's shape: printable ASCII without spaces, letters and digits, not a value ('10uF')."""
    coded = re.fullmatch(r"[\x21-\x7e]+", text) and re.search(r"[A-Za-z]", text) and re.search(r"\d", text)
    return bool(coded) and not extract_quantities(text)


def _same_code(a: str, b: str) -> bool:
    """Whether two cells name one part number (an EasyEDA library name's '_C12345' aside)."""

    def key(text: str) -> str:
        named = _LCSC_SUFFIX.fullmatch(text.strip())
        return re.sub(r"[^0-9a-z]", "", (named.group(1) if named else text).lower())

    return key(a) == key(b)


def _land_pattern_name(cell: str) -> bool:
    """An Eagle library device named after its land pattern ('CAP_CERAMIC_0805MP', 'PINHD-1X2'): one token the
    footprint grammar reads; 'Socket DIP-8' or 'NE555 DIP-8' are words about the part."""
    text = cell.strip()
    return bool(text) and " " not in text and parse_footprint(text) is not None


_NAMES_PACKAGE = re.compile(r"封装|package|footprint")  # LCSC's '厂家型号/封装' holds a package: read as one


@functools.lru_cache(maxsize=4096)  # every row is tried as a header: a wide sheet repeats its cell texts
def _header_field(cell: str) -> tuple[str, int] | None:
    """The field a header cell names and its rank among that field's names (0 = most specific)."""
    key = re.sub(r"\.\d+$", "", cell.strip())  # pandas-style duplicate suffix ("VALUE.1")
    key = _header_key(_simplified(key))
    if not key or len(key) > 40:
        return None
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    key = re.sub(r"\d+$", "", key)  # "替代料1", "Source 1"
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    # Headers with a unit or qualifier: "数量(pcs)", "Qty/Board", "型号/规格", "Price (GBP)", "Ext.: (GBP)".
    if re.search(r"^min|mult|moq|起订|倍数|最小", key):
        return "other", 100  # "Min\\Mult Order Qty.": ordering rules, not a quantity
    if ("order" in key and "qty" in key) or "订购数量" in key:
        return "order_quantity", 100
    if (
        re.search(r"manufactur|mfr|mfg|厂", key)
        and re.search(r"part|型号|料号", key)
        and not _NAMES_PACKAGE.search(key)
    ):
        return "mpn", 100  # 'Manufacturer / Part #': the maker's part number
    named = {hit[0] if (hit := _HEADER_INDEX.get(part)) else "" for part in key.split("/")} if "/" in key else set()
    if len(named) > 1 and named <= {"value", "description"}:
        return "value", 100  # 'value/description', '名称/规格': what the part is, read as its value
    for probe, name in (("数量", "quantity"), ("用量", "quantity"), ("位号", "designators"), ("qty", "quantity"),
                        ("designator", "designators"), ("替代", "alternates"), ("损耗", "attrition"),
                        ("封装", "package"), ("footprint", "package"), ("manufacturerpart", "mpn"),
                        ("mfrpart", "mpn"), ("lcsc", "supplier_code"), ("规格", "value"), ("型号", "mpn"),
                        ("名称", "description"), ("price", "other"), ("价", "other"), ("cost", "other"),
                        ("ext", "other"), ("preis", "other")):  # fmt: skip
        if probe in key:
            return name, 100
    return None


def _header_map(cells: tuple[str, ...]) -> dict[int, str] | None:
    """Column → field when `cells` reads as a header row, else None. Columns of one field are ordered most
    specific first (dict order), so the first with a value in a row is the one to read."""
    found = {i: f for i, cell in enumerate(cells) if (f := _header_field(cell))}
    for col, (fld, _rank) in list(found.items()):
        demoted = _GENERIC.get(_unnumbered(cells[col]))
        if demoted and any(f == fld and _unnumbered(cells[c]) not in _GENERIC for c, (f, _) in found.items()):
            found[col] = (demoted, 200)
    fields = {f for f, _ in found.values()}
    if "quantity" in fields and not fields & (_IDENTITY | {"part_or_designators"}):
        # a hand-made list: "Item | Qty | Cost" names its parts in the Item column; where no column has a
        # name word ("Bauteil | Anzahl", "No. | Size | Kind | Quantity") and every cell is a heading word, the
        # first unnamed column, left of the count, names the parts (not where the count is a word a cell may
        # hold as a unit: "Nut | pcs")
        name_col = next((i for i, c in enumerate(cells) if _header_key(c) in _NAME_HEADERS), None)
        if name_col is None and "designators" not in fields:
            written = [i for i, c in enumerate(cells) if c]
            unnamed = next((i for i in written if i not in found), len(cells))
            count = next(i for i, (f, _) in found.items() if f == "quantity")
            if (
                unnamed < count
                and cells[count].lower() not in _COUNT_UNITS
                and all(_heading_words(cells[i]) for i in written)
            ):
                name_col = unnamed
        if name_col is not None:
            found[name_col] = ("description", 50)
    mapping = {col: fld for col, (fld, _) in sorted(found.items(), key=lambda kv: (kv[1][1], kv[0]))}
    fields = set(mapping.values())
    filled = sum(1 for c in cells if c.strip())
    if not fields & (_IDENTITY | {"designators", "part_or_designators"}) or len(fields) < 2:
        return None
    if len(mapping) * 2 < filled:  # mostly unknown words: a data row that happens to say "Value"
        return None
    return mapping


# ----------------------------------------------------------------------------------------------------------
# Classifying rows


_SUBTOTAL = re.compile(r"^(合计|总计|小计|共计|总价|总数|total|subtotal|sum|grand total|gesamt|summe)\s*[:：]?", re.I)
_NOTE = re.compile(
    r"^(注|备注|说明|注意|以下|以上|下列|其中|ps|note|nb|hinweis|see |参见|见下|optional)|二选一|任选|选一|仅供参考"
    r"|^(制表|编制|审核|批准|核准|会签|日期|prepared by|checked by|approved|approved by|drawn by|date)\s*(人)?\s*[:：]?",
    re.I,
)
# A footnote under a table ('* Fuse holders 6 mm are used as …', '** …', '※ …'), or a sentence there: six words
# or more ending in a full stop, no digit among them ('точнее они есть, но стоят не дешево.'); only alone in a
# row with no quantity or designators.
_FOOTNOTE = re.compile(r"[*※]+\s*\S|(?=\D*$)(?:[^\W\d_][\w'’-]*[\s,;:]+){5,}\S*[.。!！]$")
_FOOTER = re.compile(
    r"^(制表|编制|审核|批准|核准|会签|prepared by|checked by|approved|drawn by)\s*(人|by)?\s*[:：]?\s*$", re.I
)
_RESULT_BAND = re.compile(r"推荐|匹配|替换|result|recommend|matched|suggest", re.I)
_DIGIKEY = re.compile(r"[A-Z0-9][A-Z0-9./#-]{1,40}-ND")
# A distributor's name ('mouser.com', 'Digi-Key', 淘宝): in a maker column it names where to buy, not who makes the
# part; a row of them under a header names the distributor of each code column (Octopart's second header row).
DISTRIBUTOR = re.compile(
    r"^(?:www\.)?(?:mouser|digi-?key|lcsc|立创|jlcpcb|arrow|farnell|element14|newark|rs ?components|tme|"
    r"aliexpress|taobao|淘宝|1688|amazon|ebay|adafruit|sparkfun|onlinecomponents|avnet|verical|"
    r"future electronics)(?:\.[a-z.]+)?$",
    re.I,
)
# A part number with LCSC's code appended the way EasyEDA's library names its parts ('HR911105A_C12074'; not a
# footprint word before a size: 'RES_C1206')
_LCSC_SUFFIX = re.compile(r"((?=[^_\s]*\d)(?=[^_\s]*[A-Za-z])[A-Za-z0-9][^_\s]{1,60})_(C[1-9]\d{2,8})")
_DNP_TOKENS = {
    "dnp", "dni", "dnf", "np", "nc", "n.c.", "nf", "nm", "no pop", "nopop", "not populated", "do not populate",
    "do not place", "do not fit", "not fitted", "not mounted", "不贴", "不贴片", "不焊", "空贴", "未贴", "不安装", "不上件",
    "预留", "暂不贴", "暂不焊", "不焊接",
}  # fmt: skip
# A marker written beside the part in a part cell: "10K DNP", "DNF_0R", "100nF(NC)", "NC(10K)"; Chinese markers
# need no separator ("10K不贴", "预留10uF"). Latin ones stand apart, so NC7SZ08 or DNPH are parts, and NC only in
# brackets, so a relay's "NO/NC" contacts are not a marker; Olimex writes "NA(1nF/2000V/…)", "NA/R0603".
_DNP_BESIDE = re.compile(
    r".*[\s(（\[@_/-](dnp|dnf|dni)[)）\]]?|(dnp|dnf|dni)[\s(（/_].*|.*[(（\[]nc[)）\]]|nc[(（].*|na[(（/].*"
    r"|.*(不贴|不贴片|预留|空贴|不焊|不焊接|暂不贴|不上件)[)）]?|[(（]?(不贴|预留|空贴|不焊|不焊接|暂不贴)[)）]?.*"
)
# What makes such a text no marker: a normally-closed contact ('常闭(NC)', 'Reed switch (NC)'), spare stock
# ('预留5%损耗'), a part soldered by hand after the SMT run ('插件 不贴片', '后焊，不贴片').
_NOT_A_MARKER = re.compile(
    r"常闭|常开|normally|switch|relay|开关|继电器|温控|thermostat|reed|干簧|限位|预留\s*\d+(?:\.\d+)?\s*%|损耗|备料|备品|插件|后焊|手焊|手工"
)
_FALSE_TOKENS = {"false", "falsch", "no", "n", "0", "否", "不", "不贴", "nein", "dnp", "x"}
_TRUE_TOKENS = {"true", "wahr", "yes", "y", "1", "是", "ja", "dnp", "x", "✓", "√"}
_PLACEHOLDERS = {"no part selected", "n/a", "na", "-", "--", "—", "/", "none", "无", "空", "null", "tbd"}
_EMPTY_DESIGNATOR = {"无", "-", "—", "/", "n/a", "na", "none", "null", "空"}


def _classify(
    rows: list[_Row], acc: _Acc, name: str, headerless_ok: bool, overrides: ReadOverrides | None = None
) -> bool:
    """Sort rows into acc; return False when no header row was found (and headerless is not allowed).
    `overrides.columns` re-map the columns under every header found (see ReadOverrides). Tables side by side
    (_side_by_side) are read one after the other, each from its own columns: a row holding a line in each
    gives two lines of the same row number, and a row is accounted once in each table it has cells in."""
    starts = _side_by_side(rows)
    if starts:
        tables: list[_Acc] = []
        for lo, hi in zip((0, *starts), (*starts, None)):
            table = _Acc()
            if not _classify_table(_table_rows(rows, lo, hi), table, name, False, overrides, lo):
                break  # each table showed its header, so only a safeguard: the sheet is then read as one table
            tables.append(table)
        else:
            for table in tables:
                acc.extend(table)
            return True
    return _classify_table(rows, acc, name, headerless_ok, overrides)


# Tables side by side (_side_by_side): they show it in the first 5 rows with cells on both sides of the empty
# column, within 50 rows under its last cell (a section title's header: within 3 rows under it); a sheet parted
# into more than 4 tables (a matrix, not BOMs) reads as one; the work stays a few passes over the rows.
_SIDE_BY_SIDE_ROWS, _SIDE_BY_SIDE_SCAN, _SIDE_BY_SIDE_TABLES = 5, 50, 4


def _side_by_side(rows: list[_Row]) -> tuple[int, ...]:
    """The first column of each table after the first where a sheet holds tables side by side, else ().

    A column parts two blocks of columns where it is empty from a row down (rows holding one text, such as a
    title or note merged across the sheet, aside) and rows under it have cells on both sides. The blocks are
    two tables only when the first rows under it with cells on both sides (where two tables begin) show it:
    each side reads as a header of its own that names a part column and a count (quantity or designators)
    named on both sides ("Name | Qty ‖ Name | Qty"), or each side holds a section title of its own ("Screws:",
    "3D Printed parts:", 机械部分) right above a header of its own. An empty spacer column inside one table never
    parts it: one side alone is no header ("Qty ‖ Value | Package"), the two sides name no count in common
    ("Designator | Value ‖ MPN | Qty"), or the column holds a cell under the header."""
    width = max((len(r.cells) for r in rows), default=0)
    if width < 3:
        return ()
    last = [-1] * width  # each column's last row holding a cell there (rows holding one text aside)
    spans: list[tuple[int, int, int]] = []  # (row, first column, last column) of those rows, bottom up
    unseen = width
    for index in range(len(rows) - 1, -1, -1):  # from the bottom: a full table is done at its last row
        cells = rows[index].cells
        cols = [i for i, c in enumerate(cells) if c and not c.isspace()]
        if len(cols) < 2 or (
            cells[cols[0]].strip() == cells[cols[-1]].strip() and len({cells[i].strip() for i in cols}) == 1
        ):
            continue
        spans.append((index, cols[0], cols[-1]))
        for i in cols:
            if last[i] < 0:
                last[i] = index
                unseen -= 1
        if not unseen:
            break
    spans.reverse()
    below = [index for index, _, _ in spans]
    gaps = [
        g
        for g in range(1, width - 1)
        if any(lo < g < hi for _, lo, hi in itertools.islice(spans, bisect.bisect_right(below, last[g]), None))
    ]
    runs: list[list[int]] = []  # empty columns side by side part the same blocks
    for g in gaps:
        if runs and runs[-1][-1] == g - 1:
            runs[-1].append(g)
        else:
            runs.append([g])
    options = [sorted(run, key=lambda g: (last[g], -g)) for run in runs]  # the column empty from highest up first
    alive = list(range(len(runs)))
    for _ in range(_SIDE_BY_SIDE_TABLES):  # a run of empty columns without its evidence joins its two blocks
        chosen = {}
        for k, run in enumerate(alive):
            lo = runs[alive[k - 1]][-1] + 1 if k else 0
            hi = runs[alive[k + 1]][0] if k + 1 < len(alive) else None
            gap = next((g for g in options[run] if _parted(rows, lo, g, last[g], hi)), None)
            if gap is not None:
                chosen[run] = gap
        if len(chosen) == len(alive):
            return tuple(chosen[run] + 1 for run in alive) if len(alive) < _SIDE_BY_SIDE_TABLES else ()
        alive = list(chosen)  # and the others are checked again, beside the wider blocks
    return ()


def _parted(rows: list[_Row], lo: int, gap: int, after: int, hi: int | None) -> bool:
    """Whether columns lo:gap and gap+1:hi are two tables side by side, apart by the column `gap`, empty under
    row `after` (see _side_by_side)."""
    tried = 0
    for index in range(after + 1, min(len(rows), after + 1 + _SIDE_BY_SIDE_SCAN)):
        cells = rows[index].cells
        left, right = tuple(c.strip() for c in cells[lo:gap]), tuple(c.strip() for c in cells[gap + 1 : hi])
        if not any(left) or not any(right):
            continue
        left_map, right_map = _header_map(left), _header_map(right)
        if left_map and right_map and _names_a_line(left_map) & _names_a_line(right_map):
            return True
        if _section_title(left) and _section_title(right) and _section_title(left) != _section_title(right):
            under = [_header_below(rows, index, lo, gap), _header_below(rows, index, gap + 1, hi)]
            if all(m is not None and _names_a_line(m) for m in under):
                return True
        tried += 1
        if tried == _SIDE_BY_SIDE_ROWS:
            break
    return False


def _names_a_line(mapping: dict[int, str]) -> set[str]:
    """The count fields (quantity, designators) of a header that also names a part column, else none."""
    fields = set(mapping.values())
    return fields & {"quantity", "designators"} if fields & (_IDENTITY | {"part_or_designators"}) else set()


def _section_title(cells: tuple[str, ...]) -> str:
    """The one text of cells that hold a section title ("Screws:", "3D Printed parts:", 机械部分), alone or
    merged across them, else ""."""
    texts = {c for c in cells if c}
    if len(texts) != 1:
        return ""
    text = texts.pop()
    if len(text) > 40 or _number(text) or _header_field(text):
        return ""
    return text if text.endswith((":", "：")) or _heading_words(text) else ""


def _header_below(rows: list[_Row], index: int, lo: int, hi: int | None) -> dict[int, str] | None:
    """The header map of the next row with cells in columns lo:hi within 3 rows under row `index`, if it reads
    as one."""
    for row in rows[index + 1 : index + 4]:
        cells = tuple(c.strip() for c in row.cells[lo:hi])
        if any(cells):
            return _header_map(cells)
    return None


def _table_rows(rows: list[_Row], lo: int, hi: int | None) -> list[_Row]:
    """The rows of one table of a sheet holding tables side by side: its columns lo:hi, in place (cells left of
    lo read empty, so columns keep their letters); rows empty there are left to the table they have cells in
    (a wholly empty row to the first table)."""
    out = []
    for row in rows:
        part = row.cells[lo:hi]
        if any(c and not c.isspace() for c in part):
            out.append(replace(row, cells=("",) * lo + part))
        elif lo == 0 and not any(c and not c.isspace() for c in row.cells):
            out.append(row)
    return out


def _classify_table(
    rows: list[_Row],
    acc: _Acc,
    name: str,
    headerless_ok: bool,
    overrides: ReadOverrides | None = None,
    first_col: int = 0,
) -> bool:
    """_classify for one table; `first_col`: where its columns begin (tables side by side), so that a
    column correction left of them leaves it as it is."""
    mapping: dict[int, str] | None = None
    headers: tuple[str, ...] = ()
    last = max((i for i, r in enumerate(rows) if any(c.strip() for c in r.cells)), default=-1)
    before: list[_Row] = []
    band: tuple[str, ...] = ()  # the row above a header: JLC's BOM tool groups columns under bands
    columns = overrides.columns if overrides is not None else ()
    width = _table_width(rows[: last + 1]) if columns else 0
    tally: _Tally | None = None
    counts = (0, 0)  # lines and DNP lines in acc when the current header's block began
    part_cols: tuple[int, ...] = ()  # the current mapping's "Part" columns (designators or value, by their cells)
    # rows of only spaces or line breaks after the last one that says something (a quoted line break) are said
    # as blank rows, not dropped unaccounted
    end = max((i for i, r in enumerate(rows) if any(r.cells)), default=-1)
    for index, row in enumerate(rows[: max(last, end) + 1]):
        cells = tuple(c.strip() for c in row.cells)
        if row.kind == "text":
            acc.skipped.append(BomProblem(row.line, row.sheet, "text outside a table (title, heading or note)"))
            continue
        if row.kind == "separator":
            acc.skipped.append(BomProblem(row.line, row.sheet, "markdown table separator"))
            continue
        if not any(cells):
            if mapping is not None:
                acc.skipped.append(BomProblem(row.line, row.sheet, "blank row"))
            continue
        new_map = _header_map(cells)
        if new_map is not None:
            if mapping is None:
                for early in before:
                    acc.skipped.append(BomProblem(early.line, early.sheet, "before the header row (preamble or title)"))
                before = []
            reason = "header row" if mapping is None else "header row of a new block"
            acc.skipped.append(BomProblem(row.line, row.sheet, reason))
            mapping, headers = _overridden(_read_band(new_map, band), columns, width, first_col), _unique_headers(cells)
            if not columns:
                mapping = _mpn_by_cells(mapping, cells, rows[index + 1 : index + 31])
            _close_block(tally, acc, counts)
            key = (row.sheet, tuple(mapping.items()))  # a header repeated on each page adds to its first layout
            if key not in acc.tallies:
                acc.tallies[key] = _Tally(row.sheet, row.line, mapping, cells)
            tally = acc.tallies[key]
            counts = (len(acc.lines), len(acc.dnp))
            part_cols = tuple(c for c, f in mapping.items() if f in _TOLD_BY_CELL)
            continue
        band = cells
        if mapping is None:
            before.append(row)
            continue
        items = len(acc.lines) + len(acc.dnp)
        _classify_item(row, cells, mapping, headers, (rows[i] for i in range(index + 1, last + 1)), acc)
        if part_cols and tally is not None and len(acc.lines) + len(acc.dnp) > items:
            for col in part_cols:
                if col < len(cells) and cells[col]:
                    tally.filled[col] += 1
                    tally.shaped[col] += bool(_DESIGNATOR_LIST.fullmatch(cells[col]))
    if mapping is None:
        if headerless_ok and before:
            if columns:
                raise BomFormatError(
                    "the rows have no header row, so no column can be given a meaning: paste the header row"
                    " (位号/Designator, 数量/Qty, 型号/MPN …) with them",
                    file=name,
                )
            counts = (len(acc.lines), len(acc.dnp))
            for row in before:
                _classify_headerless(row, acc)
            sheet = before[0].sheet
            tally = acc.tallies.setdefault((sheet, ()), _Tally(sheet, 0, {}, ()))
            _close_block(tally, acc, counts)
            return True
        return False
    _close_block(tally, acc, counts)
    if columns:
        acc.widths.append(width)
    return True


def _mpn_by_cells(mapping: dict[int, str], header: tuple[str, ...], below: list[_Row]) -> dict[int, str]:
    """'MFN' is the number under Eagle's 'MF' (MFN 'BAT54C,215') but the maker's name beside a 'PN' column in a
    KiBoM export ('MFN' Kemet, 'PN' C0603C104K5RACAUTO): told by the cells of the rows under the header (names
    without a digit over codes). Only that pair of headers; an MPN column of placeholders ('Generic', 'TBD') or an
    internal part number (物料编码, IPN) is never promoted."""
    named = [c for c, f in mapping.items() if f == "mpn" and c < len(header) and _header_key(header[c]) == "mfn"]
    coded = [
        c
        for c, f in mapping.items()
        if f == "item_code" and c < len(header) and _header_key(header[c]) in ("pn", "p/n")
    ]
    if len(named) != 1 or len(coded) != 1 or "manufacturer" in mapping.values():
        return mapping

    def cells(col: int) -> list[str]:
        return [r.cells[col].strip() for r in below if col < len(r.cells) and r.cells[col].strip()]

    names, codes = cells(named[0]), cells(coded[0])
    if len(names) < 2 or any(re.search(r"\d", c) for c in names) or not codes:
        return mapping
    if sum(bool(re.search(r"\d", c)) for c in codes) < 0.8 * len(codes):
        return mapping
    return {**mapping, named[0]: "manufacturer", coded[0]: "mpn"}


def _close_block(tally: _Tally | None, acc: _Acc, counts: tuple[int, int]) -> None:
    """Add the lines read since `counts` to the layout of the header they were read under."""
    if tally is not None:
        tally.lines += len(acc.lines) - counts[0]
        tally.dnp += len(acc.dnp) - counts[1]


def _table_width(rows: list[_Row]) -> int:
    """Columns up to the last that holds something, in the widest table row."""
    widest = 0
    for row in rows:
        if row.kind:
            continue
        filled = [i for i, c in enumerate(row.cells) if c.strip()]
        if filled:
            widest = max(widest, filled[-1] + 1)
    return widest


def _overridden(
    mapping: dict[int, str], columns: tuple[tuple[str, int], ...], width: int, first_col: int = 0
) -> dict[int, str]:
    """The buyer's (field, column) corrections applied to a header's mapping: the column gets the field and no
    other column keeps it (its reading is dropped: "other"). A column beyond the table's width (or left of a
    table beside another, `first_col`) is left out here; _finish refuses it when no table is that wide."""
    if not columns:
        return mapping
    out = dict(mapping)
    for fld, col in columns:
        if col >= width or col < first_col:
            continue
        for other, was in out.items():
            if was == fld and other != col:
                out[other] = "other"
        out[col] = fld
    return out


def _heading_words(text: str) -> bool:
    """Words that read as a heading ("Electronics", "Fasteners & Hardware", 电子部分): no digits, short."""
    return len(text) <= 40 and not re.search(r"\d", text)


def _states_quantity(row: _Row, mapping: dict[int, str]) -> bool:
    return any(
        fld == "quantity" and col < len(row.cells) and parse_quantity(row.cells[col].strip())[0] is not None
        for col, fld in mapping.items()
    )


def _continue_designators(row: _Row, values: dict[str, list[str]], acc: _Acc) -> bool:
    """A row holding only designators right under an item whose list ends with a comma or falls short of its
    quantity (OrCAD wraps long reference lists onto the next row): they belong to that item."""
    last = max((*acc.lines[-1:], *acc.dnp[-1:]), key=lambda item: item.line, default=None)
    if last is None or last.sheet != row.sheet or not last.designators:
        return False
    wraps = any(text.rstrip().endswith((",", "，")) for text in last.raw.values())
    if not (wraps or (last.quantity or 0) > len(last.designators)):
        return False
    more, notes = parse_designators(" , ".join(values["designators"]))
    if not more:
        return False
    designators = last.designators + more
    kept = tuple(n for n in last.notes if not (n.startswith("quantity ") and "disagrees with" in n))
    if last.quantity is not None and abs(last.quantity - len(designators)) > 1e-9:
        kept += (f"quantity {last.quantity:g} disagrees with {_plural(len(designators), 'designator')}",)
    merged = replace(last, designators=designators, notes=kept + tuple(notes))
    bucket = acc.dnp if last.dnp else acc.lines
    bucket[bucket.index(last)] = merged
    acc.skipped.append(BomProblem(row.line, row.sheet, f"continues the designators of the line on row {last.line}"))
    return True


def _read_band(mapping: dict[int, str], band: tuple[str, ...]) -> dict[int, str]:
    """Read a two-row header's band: a Qty column under "Order Information" is an order total, not per board;
    a part number under another tool's result ("嘉立创推荐用料", "Matched part") is read before the buyer's own
    under "原始需求" (the buyer's stays the answer on lines the tool left unmatched: first with a value wins)."""
    out = dict(mapping)
    if len({c for c in band if c}) < 2:  # one title merged across the sheet is not a band over some columns
        return out

    def above(col: int) -> str:
        return _simplified(next((band[i] for i in range(min(col, len(band) - 1), -1, -1) if band[i]), ""))

    for col, fld in mapping.items():
        if fld == "quantity" and re.search(r"order|订单|订购|采购", above(col), re.I):
            out[col] = "order_quantity"
    result = [
        c for c, f in out.items() if f in _IDENTITY | {"package", "manufacturer"} and _RESULT_BAND.search(above(c))
    ]
    return {c: out[c] for c in result} | {c: f for c, f in out.items() if c not in result}


def _unique_headers(cells: tuple[str, ...]) -> tuple[str, ...]:
    seen: Counter[str] = Counter()
    out = []
    for i, cell in enumerate(cells):
        label = re.sub(r"\s+", " ", cell) or f"column {i + 1}"
        seen[label] += 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return tuple(out)


def _classify_item(
    row: _Row,
    cells: tuple[str, ...],
    mapping: dict[int, str],
    headers: tuple[str, ...],
    following: Iterable[_Row],
    acc: _Acc,
) -> None:
    filled = [c for c in cells if c]
    first_text = next((c for c in cells if c), "")
    has_refs = any(mapping.get(i) == "designators" and _DESIGNATOR_LIST.fullmatch(c) for i, c in enumerate(cells))
    if not has_refs and (
        _SUBTOTAL.match(_simplified(first_text)) or any(_SUBTOTAL.fullmatch(_simplified(c)) for c in cells[:3] if c)
    ):
        acc.skipped.append(BomProblem(row.line, row.sheet, f"subtotal row ({first_text[:30]!r})"))
        return
    if _FOOTER.match(_simplified(first_text)):
        acc.skipped.append(BomProblem(row.line, row.sheet, f"signature or footer row ({first_text[:30]!r})"))
        return
    values: dict[str, list[str]] = {}
    for col, fld in mapping.items():
        if col < len(cells) and cells[col]:
            if fld == "ref_or_mpn":  # designators again ('R1') add nothing; a maker's number (letters and digits)
                # is the part number; digits alone are a distributor's order code (Farnell '1935161', RS '123-4567')
                numbered = re.search(r"[A-Za-z]", cells[col]) and re.search(r"\d", cells[col])
                fld = _TOLD_BY_CELL[fld] if numbered and not _DESIGNATOR_LIST.fullmatch(cells[col]) else "other"
            elif fld in _TOLD_BY_CELL:
                shaped = _DESIGNATOR_LIST.fullmatch(cells[col]) and "designators" not in values
                fld = "designators" if shaped and "designators" not in mapping.values() else _TOLD_BY_CELL[fld]
            elif fld in ("package", "other") and _is_device_column(headers, col):
                fld = _device_field(cells[col], cells, headers, mapping)
            values.setdefault(fld, []).append(cells[col])
    quantity_cells = values.get("quantity", [])
    if (
        set(values) == {"designators"}
        and len(filled) == len(values["designators"])
        and _continue_designators(row, values, acc)
    ):
        return
    # one text, alone or merged across the row (a section title filled into every cell it spans)
    if (
        len(set(filled)) == 1
        and (len(filled) == 1 or not _number(filled[0]))
        and not (len(filled) == 1 and (quantity_cells or values.get("designators")))
    ):
        text = filled[0]
        if _NOTE.search(_simplified(text)) or (
            not quantity_cells and not values.get("designators") and _FOOTNOTE.match(text)
        ):
            acc.skipped.append(BomProblem(row.line, row.sheet, f"note row {text[:40]!r}"))
            return
        nxt = next((r for r in following if any(c.strip() for c in r.cells)), None)
        part_cols = _IDENTITY | {"package", "manufacturer", "designators", "part_or_designators"}
        outside = [i for i, c in enumerate(cells) if c and mapping.get(i) not in part_cols]  # e.g. 序号, 数量, 单价
        named = {mapping.get(i) for i, c in enumerate(cells) if c}
        if (
            text.endswith((":", "："))
            or (nxt is not None and _header_map(tuple(c.strip() for c in nxt.cells)))
            or (len(filled) >= 3 and outside)  # merged across the table, over columns no part text goes in
            or (len(filled) == 1 and outside and not _number(text))
            or (
                named
                <= {
                    "description",
                    "part_or_designators",
                }  # a heading in a hand-made list's name column, before quantity rows
                and len(filled) == 1
                and _heading_words(text)
                and nxt is not None
                and _states_quantity(nxt, mapping)
            )
        ):
            acc.skipped.append(BomProblem(row.line, row.sheet, f"section title {text[:40]!r}"))
            return
    if filled and not quantity_cells and all(DISTRIBUTOR.match(c.strip()) for c in filled):
        acc.skipped.append(BomProblem(row.line, row.sheet, f"distributor names under the header ({first_text[:30]!r})"))
        return
    if len(filled) == 2 and filled[0].endswith((":", "：")) and not values.get("designators"):
        acc.skipped.append(BomProblem(row.line, row.sheet, f"summary row {filled[0][:40]!r}"))  # "Component Count:,90"
        return
    line = _build_line(row, cells, mapping, headers, values)
    if not (line.mpn or line.value or line.description or line.supplier_code or line.alternates
            or values.get("item_code") or line.package):  # fmt: skip
        what = "designators and quantity only" if line.designators else "no part number, value or description"
        acc.problems.append(BomProblem(row.line, row.sheet, f"no part information ({what})"))
        return
    (acc.dnp if line.dnp else acc.lines).append(line)


def _build_line(
    row: _Row,
    cells: tuple[str, ...],
    mapping: dict[int, str],
    headers: tuple[str, ...],
    values: dict[str, list[str]],
) -> BomLine:
    notes: list[str] = []

    def first(fld: str) -> str:
        text = _clean_text(values.get(fld, [""])[0])
        # "No Part Selected" (JLC), "无", "-": placeholders, not part numbers
        return "" if fld != "value" and _simplified(text.lower()) in _PLACEHOLDERS else text

    designators, designator_notes = parse_designators(" , ".join(values.get("designators", [])))
    notes.extend(designator_notes)
    has_qty_column = "quantity" in mapping.values()
    quantity_text = first("quantity")
    if not quantity_text and not designators and (order := first("order_quantity")):
        quantity_text = order  # an order list without designators: the ordered count is what to buy
        notes.append("quantity taken from the order quantity column")
    quantity, qty_note = parse_quantity(quantity_text)
    if qty_note:
        notes.append(qty_note)
    if not quantity_text:
        if designators:
            quantity = float(len(designators))
            why = "quantity empty" if has_qty_column else "no quantity column"
            if "order_quantity" in mapping.values():
                why = "the Qty column is an order total (under 'Order Information')"
            notes.append(f"{why}: counted {_plural(len(designators), 'designator')}")
        else:
            notes.append("no quantity stated")
    elif quantity is not None and designators and abs(quantity - len(designators)) > 1e-9:
        notes.append(f"quantity {quantity:g} disagrees with {_plural(len(designators), 'designator')}")
    attrition_pct = None
    for col, fld in mapping.items():
        if fld == "attrition" and col < len(cells) and cells[col]:
            attrition_pct = _parse_percent(cells[col], col in row.percent_cols)
            if attrition_pct is None:
                notes.append(f"attrition {cells[col]!r} is not a percentage")
            break
    dnp, dnp_reason = _dnp(cells, mapping, headers)
    if not dnp and (partial := _not_fitted_list(cells, designators)):
        dnp, dnp_reason = partial
    if dnp_reason:
        notes.append(dnp_reason)
    mpn, supplier_code, item_code = first("mpn"), first("supplier_code"), first("item_code")
    remark = ""
    if supplier_code and _REMARK.fullmatch(supplier_code):
        # a remark in a distributor's column ('1% tolerance, temperature -20 to +70 °C.'): what the part must be
        notes.append(f"{supplier_code!r} in the supplier code column read as a remark")
        remark, supplier_code = supplier_code, ""
    if not supplier_code:  # a Digi-Key cart's "Part Number" is Digi-Key's own (…-ND), not the maker's
        if _DIGIKEY.fullmatch(mpn):
            mpn, supplier_code = "", mpn
        elif _DIGIKEY.fullmatch(item_code):
            supplier_code = item_code
    value = first("value")
    if not supplier_code:  # an EasyEDA library name with its LCSC code: 'HR911105A_C12074'
        if (m := _LCSC_SUFFIX.fullmatch(mpn)) is not None:
            mpn, supplier_code = m.groups()
        elif (m := _LCSC_SUFFIX.fullmatch(value)) is not None:
            value, supplier_code = m.groups()
    description = first("description")
    a_code = bool(re.search(r"[A-Za-z]", value) and re.search(r"\d", value)) and not extract_quantities(value)
    if not description and not a_code:
        # a second value column the first gave way to (DipTrace's Name 'CAP_0805_L' beside Value '1uF') still says
        # what the part is: its description. Not beside a part number ('LM358' beside 'LM4562NA': a symbol name)
        more = [t for t in (_clean_text(v) for v in values.get("value", [])[1:]) if t and t.lower() != value.lower()]
        description = " ".join(dict.fromkeys(more))
    description = f"{description} {remark}".strip()
    kind = first("kind")
    if kind and kind.lower() not in description.lower() and kind.lower() not in value.lower():
        description = f"{kind} {description}".strip()
    if value.lower() in {"n/a", "na", "-"}:
        notes.append(f"value {value!r}: may mean not populated")
    raw = {headers[i] if i < len(headers) else f"column {i + 1}": c for i, c in enumerate(cells) if c}
    return BomLine(
        line=row.line,
        sheet=row.sheet,
        designators=designators,
        quantity=quantity,
        quantity_text=quantity_text,
        mpn=mpn,
        manufacturer=first("manufacturer"),
        value=value,
        package=first("package"),
        description=description,
        supplier_code=supplier_code,
        alternates=_alternates(mpn, values),
        attrition_pct=attrition_pct,
        dnp=dnp,
        raw=raw,
        notes=tuple(notes),
    )


# A cell of words, no code: several words, one of three letters or more without a digit, no distributor number
_REMARK = re.compile(r"(?=.*\s)(?=.*\b[^\W\d_]{3,}\b)(?!.*\b[A-Z0-9]+[-/][A-Z0-9-]*\d)(?!.*\d{5})[^\n]{6,}", re.I)


def _alternates(mpn: str, values: dict[str, list[str]]) -> tuple[str, ...]:
    """The buyer's alternates: an alternates column, then the part numbers of further MPN columns (a second source
    'PN_1', Kitspace's Manufacturer / MPN pairs), each once."""
    found = [_clean_text(a) for a in [*values.get("alternates", []), *values.get("mpn", [])[1:]]]
    return tuple(dict.fromkeys(a for a in found if a and a != mpn))


def _classify_headerless(row: _Row, acc: _Acc) -> None:
    """A pasted row without a header: guess each cell's role from its shape."""
    designators: tuple[str, ...] = ()
    quantity: float | None = None
    quantity_text = supplier = package = ""
    rest: list[str] = []
    for cell in (c.strip() for c in row.cells):
        if not cell:
            continue
        if not designators and _DESIGNATOR_LIST.fullmatch(cell):
            designators, _ = parse_designators(cell)
        elif not package and cell.upper() in _PACKAGES:
            package = cell
        elif quantity is None and re.fullmatch(r"[x×]?\d+(\.\d+)?\s*(pcs?|个|只|颗|片|套|ea|x)?\.?", cell, re.I):
            quantity, _ = parse_quantity(cell)
            quantity_text = cell
        elif not supplier and re.fullmatch(r"C\d{3,9}", cell):
            supplier = cell
        else:
            rest.append(cell)
    if _SUBTOTAL.match(_simplified(rest[0]) if rest else ""):
        acc.skipped.append(BomProblem(row.line, row.sheet, "subtotal row"))
        return
    notes = ["no header: columns guessed from cell shapes"]
    if not rest and not supplier:
        acc.problems.append(BomProblem(row.line, row.sheet, "no part information (no header, no part text)"))
        return
    if quantity is None and designators:
        quantity = float(len(designators))
        notes.append(f"no quantity: counted {len(designators)} designators")
    text = " ".join(rest)
    dnp = any(_simplified(c.lower()) in _DNP_TOKENS for c in rest)
    line = BomLine(
        line=row.line, sheet=row.sheet, designators=designators, quantity=quantity, quantity_text=quantity_text,
        mpn="", manufacturer="", value=text, package=package, description="", supplier_code=supplier,
        dnp=dnp, raw={f"column {i + 1}": c for i, c in enumerate(row.cells) if c.strip()}, notes=tuple(notes),
    )  # fmt: skip
    (acc.dnp if dnp else acc.lines).append(line)


_PACKAGES = {"0201", "0402", "0603", "0805", "1206", "1210", "2010", "2512", "SOT-23", "SOT23", "SOD-123", "SOP-8",
             "SOIC-8", "QFN-32", "LQFP-48", "TO-220", "SMA", "SMB", "SMC"}  # fmt: skip
_DESIGNATOR = r"[A-Za-z]{1,6}_?\d{1,5}[A-Za-z]?"
_DESIGNATOR_LIST = re.compile(
    rf"{_DESIGNATOR}(\s*[-~–]\s*(?:[A-Za-z]{{1,6}}_?)?\d{{1,5}})?(\s*[,;，；、 ]\s*{_DESIGNATOR}(\s*[-~–]\s*(?:[A-Za-z]{{1,6}}_?)?\d{{1,5}})?)*"
)


# Columns where a buyer writes that a part is not fitted, besides value / part number / the DNP flag columns.
_DNP_HOST = re.compile(
    r"^(column \d+)?$|备注|注释|装配|贴装|状态|变体|note|remark|comment|assembly|status|config|variant|option|fit|pop",
    re.I,
)
_NOT_FITTED_LIST = re.compile(r"\b(?:NF|DNP|DNF|DNI|NC)\s*\(([^)]*)\)", re.I)


def _dnp(cells: tuple[str, ...], mapping: dict[int, str], headers: tuple[str, ...] = ()) -> tuple[bool, str]:
    for col, fld in mapping.items():
        if col >= len(cells) or not cells[col]:
            continue
        token = _simplified(cells[col].strip().lower())
        if fld == "dnp_flag" and (token in _TRUE_TOKENS or token in _DNP_TOKENS):
            return True, f"marked DNP ({cells[col]!r})"
        if fld == "fitted_flag" and token in _FALSE_TOKENS:
            return True, f"not fitted ({cells[col]!r})"
    for col, cell in enumerate(cells):
        scanned = {"mpn", "value", "part_or_designators", "manufacturer", "item_code"}
        if mapping.get(col) not in scanned and not (col < len(headers) and _DNP_HOST.search(headers[col])):
            continue  # a marker counts only where the buyer writes one, not in another tool's result columns
        token = _simplified(cell.strip().lower())
        if token in _DNP_TOKENS or (_DNP_BESIDE.fullmatch(token) and not _NOT_A_MARKER.search(token)):
            return True, f"marked not populated ({cell.strip()!r})"
    return False, ""


def _not_fitted_list(cells: tuple[str, ...], designators: tuple[str, ...]) -> tuple[bool, str] | None:
    """Altium assembly notes "NF(R1 R2)": not fitted when they name every designator of the line; a note when
    they name some (the stated quantity is kept: the buyer decides)."""
    for cell in cells:
        if not (m := _NOT_FITTED_LIST.search(cell)):
            continue
        named = set(parse_designators(m.group(1).replace(" ", ","))[0])
        if designators and named >= set(designators):
            return True, f"not fitted ({m.group(0)[:60]!r})"
        if named & set(designators):
            return (
                False,
                f"{len(named & set(designators))} of {len(designators)} designators not fitted ({m.group(0)[:60]!r})",
            )
    return None


# ----------------------------------------------------------------------------------------------------------
# Cell parsers


def parse_designators(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split and expand designators ("R1,R2,R5-R8", "C1 C2") → (("R1", "R2", "R5", ...), notes)."""
    text = _clean_text(text)
    if not text or _simplified(text.lower()) in _EMPTY_DESIGNATOR:
        return (), ()
    text = re.sub(r"\s*([-~–])\s*", r"\1", text)
    out: list[str] = []
    notes: list[str] = []
    for token in re.split(r"[,;，；、\s]+", text):
        if not token or _simplified(token.lower()) in _EMPTY_DESIGNATOR:
            continue
        match = re.fullmatch(r"([A-Za-z]+_?)(\d+)[-~–]([A-Za-z]+_?)?(\d+)", token)
        if match and (match.group(3) in {None, match.group(1)}):
            start, end = int(match.group(2)), int(match.group(4))
            if start <= end and end - start <= 5000:
                out.extend(f"{match.group(1)}{n}" for n in range(start, end + 1))
                continue
            notes.append(f"designator range {token!r} not expanded")
        out.append(token)
    unique = tuple(dict.fromkeys(out))
    if len(unique) != len(out):
        notes.append(f"{len(out) - len(unique)} repeated designators")
    return unique, tuple(notes)


_COUNT_UNITS = {"", "pcs", "pc", "pcs.", "ea", "x", "×", "个", "只", "颗", "片", "套", "条", "根", "件", "块", "粒", "支",
                "pieces", "piece", "stk", "stück", "units", "unit", "set", "sets", "pair"}  # fmt: skip


def parse_quantity(text: str, *, limits: BomLimits = DEFAULT_LIMITS) -> tuple[float | None, str]:
    """Quantity per board from its cell ("12个" → 12, "2 pcs" → 2, "若干" → None) and a note when unusual.

    A quantity that cannot be one per board (0, negative, not finite, over `limits.max_quantity_per_board`)
    is None with a note saying why: the line is left for the buyer to decide, never priced as written."""
    text = _clean_text(text)
    if not text:
        return None, ""
    match = _QUANTITY.fullmatch(text)
    if not match:
        return None, f"quantity {text!r} is not a number"
    sign, digits, exponent, unit = match.group("sign", "digits", "exp", "unit")
    try:
        number = float(digits.replace(",", "") + (f"e{exponent}" if exponent else ""))
    except (OverflowError, ValueError):
        number = math.inf
    if sign in {"-", "−"} and number:
        return None, f"quantity {text!r} is negative: check the quantity"
    if not math.isfinite(number) or number > limits.max_quantity_per_board:
        return None, (
            f"quantity {text!r} per board is more than {limits.max_quantity_per_board:,.0f}: check the quantity"
            " (a total or a typo?)"
        )
    if number == 0:
        return None, f"quantity {text!r} is zero: confirm the quantity or mark the line not populated (DNP)"
    unit = _simplified((unit or "").strip().lower())
    if unit in _COUNT_UNITS:
        return number, ""
    return number, f"quantity {text!r} is in {unit!r}, not pieces"


# "12", "1,000", "2.5", "1e9", "1.2E+3", "-5" (refused), then an optional unit: "pcs", "个", "m"
_QUANTITY = re.compile(
    r"[x×]?\s*(?P<sign>[-+−]?)\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)"
    r"(?:[eE](?P<exp>[-+]?\d{1,6}))?\s*(?P<unit>[^\d\s].*)?",
    re.I,
)


def _parse_percent(text: str, formatted_percent: bool) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|‰)?\s*", text)
    if not match:
        return None
    number = float(match.group(1))
    if match.group(2) == "‰":
        return number / 10
    if formatted_percent:  # Excel stores 2% as 0.02 and shows it with a % format
        return number * 100
    return number


def _number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _clean_text(text: str) -> str:
    """Collapse a cell's line breaks and runs of spaces; rejoin words that a cell wrap split (CJK, digits)."""
    if "\n" in text or "\r" in text:
        pieces = re.split(r"([ \t]*[\r\n]+[ \t]*)", text)
        joined = pieces[0]
        for sep, part in zip(pieces[1::2], pieces[2::2]):
            prev, nxt = joined[-1:], part[:1]
            wrapped = not sep.strip("\r\n") and (_is_cjk(prev) or _is_cjk(nxt) or (prev.isdigit() and nxt.isdigit()))
            joined += ("" if wrapped else " ") + part
        text = joined
    return _SPACES.sub(" ", text).strip() if ("  " in text or "\t" in text or "\u3000" in text) else text.strip()


_SPACES = re.compile(r"[ \t\u3000]+")


# Traditional characters of the words the reader knows (headers, subtotals, notes, DNP marks, count units), to
# their simplified forms: 位號 / 數量 / 型號 / 規格 / 封裝 / 廠商 / 製造商 / 備註 / 單價 / 說明 read as 位号 / 数量 / ….
_TRADITIONAL = str.maketrans(
    "號數規裝廠製備註單價稱貼應編碼損項總額鏈寶類別說説參標機產個顆條塊隻組無計選訂購採創見僅圖庫貨際錢報態與",
    "号数规装厂制备注单价称贴应编码损项总额链宝类别说说参标机产个颗条块只组无计选订购采创见仅图库货际钱报态与",
)


def _simplified(text: str) -> str:
    """`text` with the traditional characters of the reader's vocabulary in their simplified forms."""
    return text.translate(_TRADITIONAL)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")


def _finish(
    name: str, acc: _Acc, delimiter: str, overrides: ReadOverrides | None = None, sheets: tuple[str, ...] = ()
) -> _Parsed:
    if overrides is not None and overrides.columns and acc.widths:
        widest = max(acc.widths)
        for fld, col in overrides.columns:
            if col >= widest:
                table = "the table has" if len(acc.widths) == 1 else "the widest table has"
                raise BomFormatError(
                    f"{table} only {_plural(widest, 'column')}; there is no column {column_letter(col)}"
                    f" (asked to read the {field_label(fld, False)} there)",
                    file=name,
                )
    layouts = tuple(tally.layout() for tally in acc.tallies.values())
    return _Parsed(
        name,
        tuple(acc.lines),
        tuple(acc.dnp),
        tuple(acc.problems),
        tuple(acc.skipped),
        delimiter,
        sheets=sheets,
        layouts=layouts,
    )


# ----------------------------------------------------------------------------------------------------------
# The buyer's corrections to a reading ("数量在第5列", "quantity is column E", "skip the first sheet")

_FIELDS = frozenset(_SYNONYMS)
_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "mpn": ("型号", "part number"),
    "quantity": ("数量", "quantity"),
    "designators": ("位号", "designators"),
    "part_or_designators": ("位号或型号", "part or designators"),
    "value": ("值", "value"),
    "package": ("封装", "package"),
    "description": ("描述", "description"),
    "kind": ("类别", "kind"),
    "manufacturer": ("品牌", "manufacturer"),
    "supplier_code": ("供应商编号", "supplier code"),
    "item_code": ("物料编码", "item code"),
    "alternates": ("替代料", "alternates"),
    "attrition": ("损耗", "attrition"),
    "order_quantity": ("订货数量", "order quantity"),
    "dnp_flag": ("不贴标记", "DNP flag"),
    "fitted_flag": ("是否贴装", "fitted"),
    "other": ("其他", "other"),
}


def field_label(field: str, zh: bool) -> str:
    """The buyer-facing name of a line field (型号 / part number, 数量 / quantity …); a field this module does
    not name reads as its words ("foo_bar" → "foo bar")."""
    labels = _FIELD_LABELS.get(field)
    if labels is None:
        return field.replace("_", " ")
    return labels[0] if zh else labels[1]


# What a buyer calls each field (lower case; longest first when compiled, so 规格型号 wins over 型号).
_CORRECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "quantity": ("数量", "用量", "单机用量", "单板用量", "qty", "quantity", "quantities", "count"),
    "mpn": ("型号", "料号", "规格型号", "型号规格", "厂家型号", "原厂型号", "part number", "part numbers", "part no",
            "part #", "part#", "mpn", "pn", "p/n", "manufacturer part number", "mfr part number"),
    "designators": ("位号", "标号", "designator", "designators", "reference", "references", "refdes", "ref des",
                    "refs", "reference designators"),
    "value": ("值", "参数", "规格", "标称值", "数值", "阻值", "容值", "value", "values"),
    "package": ("封装", "package", "footprint", "packages"),
    "description": ("描述", "名称", "物料名称", "品名", "说明", "description", "name", "part name"),
    "manufacturer": ("品牌", "厂家", "厂商", "制造商", "manufacturer", "brand", "mfr", "maker"),
    "supplier_code": ("供应商编号", "立创编号", "商品编号", "lcsc", "lcsc part", "supplier code", "supplier part"),
    "item_code": ("物料编码", "物料代码", "item code", "internal part number"),
    "alternates": ("替代料", "替代", "alternate", "alternates", "substitute"),
    "attrition": ("损耗", "损耗率", "attrition", "scrap rate"),
}  # fmt: skip
_FIELD_BY_WORD = {w: f for f, words in _CORRECTION_FIELDS.items() for w in words}
_FIELD_WORDS = "|".join(re.escape(w) for w in sorted(_FIELD_BY_WORD, key=len, reverse=True))
_ZH_DIGITS = "一二三四五六七八九十两"
# A column: 第5列, E列, 第E列, 第五列; column E, col. 5, column #5, the 5th column, the fifth column.
_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_COLUMN = (
    rf"(?:第\s*(?P<zn>\d{{1,3}}|[{_ZH_DIGITS}]{{1,3}}|[a-z]{{1,2}})|(?P<zl>[a-z]{{1,2}}|\d{{1,3}}))\s*[列栏]"
    r"|col(?:umn)?\s*[.#:]?\s*(?P<en>\d{1,3})\b"
    r"|col(?:umn)?(?:\s+|\s*[.#:]\s*)(?P<el>[a-z]{1,2})\b"
    r"|(?:the\s+)?(?P<eo>\d{1,3})(?:st|nd|rd|th)\s+col(?:umn)?\b"
    rf"|(?:the\s+)?(?P<ew>{'|'.join(_ORDINAL_WORDS)})\s+col(?:umn)?\b"
)
_FIELD = rf"(?:the\s+)?(?P<field>{_FIELD_WORDS})(?:\s*(?:column|col|列|栏))?"
_VERB = r"(?:(?:read|take|get|use)\s+(?:the\s+)?|把\s*|将\s*)?"
# Between the two: 在 / 是 / 为 / = / : / is (in) / are in / in / at / should be …
_LINK = (
    r"\s*(?:(?:is|are|should\s+be|for|as|=|:|->|→|在|是|为|应该在|应该是|应在|应是|其实在|其实是|就是|就在|对应|放在|改成"
    r"|改为|换成|要用|应该用|用|取|读)\s*)?"
    r"(?:(?:actually|really)\s+)?(?:(?:in|at|on|from)\s+)?(?:the\s+)?"
)
_FIELD_AT_COLUMN = re.compile(rf"{_VERB}{_FIELD}{_LINK}(?:{_COLUMN})", re.I)
_COLUMN_IS_FIELD = re.compile(rf"{_VERB}(?:{_COLUMN}){_LINK}{_FIELD}", re.I)
# Skipping sheets: a verb, then what to skip ("the first sheet", "sheet Sheet1", "第一个工作表", "Sheet1").
_SKIP_EN = re.compile(r"(?:please\s+)?(?:skip|ignore|exclude|drop|don'?t\s+read|do\s+not\s+read)\s+(?P<rest>.+)", re.I)
_ONLY_EN = re.compile(r"(?:please\s+)?(?:only\s+(?:read|use|quote)|(?:read|use|quote)\s+only)\s+(?P<rest>.+)", re.I)
_SKIP_ZH = re.compile(r"请?\s*(?:跳过|不要读|不用读|别读|不读|忽略|不要看|不看|去掉|不要)\s*(?P<rest>.+)", re.I)
_ONLY_ZH = re.compile(r"请?\s*(?:只读|只看|只用|只要|只报|仅读|只算)\s*(?P<rest>.+)", re.I)
_SKIP_ZH_AFTER = re.compile(r"(?P<rest>.+)(?:不要读|不用读|别读|不读|跳过|不要|忽略)", re.I)
_SHEET_WORD = r"(?:worksheet|sheet|tab|工作表|表格|表单|页签|表|页)"
_SHEET_BEFORE = re.compile(rf"(?:the\s+)?{_SHEET_WORD}\s+(?P<name>.+)", re.I)
_SHEET_WORDS = ("worksheet", "sheet", "tab", "工作表", "表格", "表单", "页签", "表", "页")
_ORDINAL_EN = re.compile(rf"(?:the\s+)?(?P<n>{'|'.join(_ORDINAL_WORDS)}|last|\d{{1,3}}(?:st|nd|rd|th))", re.I)
_ORDINAL_ZH = re.compile(rf"(?:第\s*(?P<n>\d{{1,3}}|[{_ZH_DIGITS}]{{1,3}})|(?P<last>最后))\s*[个张]?", re.I)
# A connective's spaces are tried only from the start of a run of spaces ((?<!\s)), so a long run costs its length
# once, not its length squared.
_CLAUSES = re.compile(r"[,;，；。！!？?\n、]|(?<!\s)\s+(?:and|then)\s+|并且|而且|然后|另外|还有")
_POLITE = re.compile(r"(?:please|pls|thanks|thank you|thx|吧|呀|啊|哦|哈|呢|了|谢谢|谢了|\.|…|~)$", re.I)
_POLITE_START = re.compile(r"(?:please|pls|also|but|actually|no|请|其实|另外|但是|不过|注意)\s*", re.I)


def parse_reading_correction(text: str, sheets: tuple[str, ...] = ()) -> ReadOverrides | None:
    """The buyer's correction to how a BOM was read, as ReadOverrides, or None when `text` is not one.

    Columns: "数量在第5列", "数量是E列", "数量 = 第 5 列", "型号在C列", "把数量改成第5列", "E列是数量",
    "quantity is column E", "qty in column 5", "the part number is in column C", "column E is the quantity",
    "read the quantity from column E" (letters A..ZZ and numbers 1..999, 1-based in the text, 0-based in the
    result). Sheets: "skip the first sheet", "跳过第一个工作表", "skip sheet Sheet1", "不要读 Sheet1",
    "only read sheet main_board", "只读 main_board" (every other sheet skipped).

    `sheets` are the workbook's sheet names (BomReadResult.sheets). An ordinal ("the first sheet", "第二个表")
    and "only …" resolve to names through them; without them (or when they name no such sheet) the text is
    still a correction but names nothing: an empty ReadOverrides() is returned, so a caller that knows no
    sheets (an intent classifier) can tell a correction, and one that knows them reads it again with them.
    A name after a sheet word ("sheet X", "X 表") is kept as written when no sheet is called so (the reader
    then refuses it and lists the sheets); a bare name ("不要读 main_board") must be one of `sheets`, or, with
    no sheets known, follow a verb of reading (读 / read) or be a default name ("Sheet2", "工作表1").

    Clauses are split at commas and connectives ("and", 然后, 另外 …); clauses that are neither kind of
    correction are ignored, so "不对，数量在第5列" reads; a field named twice keeps its last column. Texts over
    300 characters are never corrections (and every pattern here is linear anyway)."""
    if len(text) > 300:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    columns: dict[str, int] = {}
    skip: list[str] = []
    said = False  # a sheet correction that leaves every sheet read ("only read main_board" of one sheet)
    for clause in _CLAUSES.split(text):
        clause = _tidy_clause(clause)
        if not clause:
            continue
        if (pair := _column_correction(clause)) is not None:
            columns.pop(pair[0], None)
            columns[pair[0]] = pair[1]
            continue
        names = _sheet_correction(clause, sheets)
        said |= names is not None
        for name in names or ():
            if name not in skip:
                skip.append(name)
    if not columns and not said:
        return None
    return ReadOverrides(columns=tuple(columns.items()), skip_sheets=tuple(skip))


def _tidy_clause(clause: str) -> str:
    clause = clause.strip()
    for _ in range(3):  # "please … thanks." — a few polite words at either end
        clause = _POLITE_START.sub("", clause, count=1) if _POLITE_START.match(clause) else clause
        if (m := _POLITE.search(clause)) is not None:
            clause = clause[: m.start()]
        clause = clause.strip()
    return clause


def _column_correction(clause: str) -> tuple[str, int] | None:
    for pattern in (_FIELD_AT_COLUMN, _COLUMN_IS_FIELD):
        m = pattern.fullmatch(clause)
        if m is None:
            continue
        col = _column_index(m)
        fld = _FIELD_BY_WORD.get(m.group("field").lower())
        if col is not None and fld is not None:
            return fld, col
    return None


def _column_index(m: re.Match[str]) -> int | None:
    """The 0-based column a _COLUMN match names (1-based numbers, letters A..ZZ, ordinal words)."""
    text = next((m.group(g) for g in ("zn", "zl", "en", "el", "eo", "ew") if m.group(g)), None)
    if text is None:
        return None
    text = text.lower()
    if text in _ORDINAL_WORDS:
        return _ORDINAL_WORDS.index(text)
    if text.isdigit():
        number = int(text)
    elif text[0] in _ZH_DIGITS:
        number = _zh_number(text)
    else:
        number = 0
        for ch in text:
            number = number * 26 + ord(ch) - ord("a") + 1
    return number - 1 if number >= 1 else None


def _zh_number(text: str) -> int:
    """一 … 九十九 (十二, 二十, 二十三); 0 when it is not one."""
    digits = {ch: i + 1 for i, ch in enumerate("一二三四五六七八九")} | {"两": 2}
    if "十" not in text:
        return digits.get(text, 0) if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in digits) or (ones and ones not in digits):
        return 0
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _sheet_correction(clause: str, sheets: tuple[str, ...]) -> list[str] | None:
    """The sheets a clause asks not to read ([] when it speaks of sheets but names none of `sheets`), or None
    when it says nothing of sheets."""
    for pattern, only in ((_ONLY_EN, True), (_ONLY_ZH, True), (_SKIP_EN, False), (_SKIP_ZH, False),
                          (_SKIP_ZH_AFTER, False)):  # fmt: skip
        m = pattern.fullmatch(clause)
        if m is None:
            continue
        reads = bool(_READ_VERB.search(clause[: m.start("rest")] + clause[m.end("rest") :]))
        target = _sheet_target(m.group("rest").strip(), sheets, only, reads)
        if target is None:
            continue
        if not target:
            return []
        return [s for s in sheets if s != target] if only else [target]
    return None


def _sheet_target(rest: str, sheets: tuple[str, ...], only: bool, reads: bool) -> str | None:
    """The sheet `rest` names ("the first sheet", "sheet Sheet1", "第一个工作表", "main_board"); "" when it
    speaks of a sheet that `sheets` cannot name (an ordinal without them or beyond them, "only" a sheet not
    among them); None when it is no sheet. While the sheets are not known (an intent classifier asks), a name is
    a sheet's only when it reads like one: Excel's default names ("Sheet2"), or an identifier ("main_board",
    "BOM-old") after a sheet word or a verb of reading (`reads`): "ignore sheet metal", "不要读英文说明书" and
    "不要这一页" are no corrections."""
    rest = rest.strip().strip(_QUOTES)
    by_key = {_sheet_key(s): s for s in sheets}
    if (known := by_key.get(_sheet_key(rest))) is not None:
        return known  # a sheet's own name, whatever words it holds ("BOM表")
    m = _SHEET_BEFORE.fullmatch(rest)
    named = m.group("name") if m is not None else _before_sheet_word(rest)
    named = named.strip().strip(_QUOTES)
    if named and named.lower() not in _NOT_NAMES:
        index = _sheet_ordinal(named)
        if index is None and named.isdigit() and sheets and _sheet_key(named) not in by_key:
            index = int(named) - 1  # "sheet 2": the second sheet, when none is called "2"
        if index is not None:
            return sheets[index] if -len(sheets) <= index < len(sheets) else ""
        if (known := by_key.get(_sheet_key(named))) is not None:
            return known
        if only:
            return ""
        if not sheets:
            return named if _DEFAULT_SHEET.fullmatch(named) or _identifier(named) else None
        return named if _sheet_name_like(named) else None
    if sheets:
        return None
    if _DEFAULT_SHEET.fullmatch(rest) or (reads and _identifier(rest)):
        return "" if only else rest  # Excel's and WPS's default names, or an identifier after 不要读 / only read
    return None


_DEFAULT_SHEET = re.compile(r"(?:sheet|工作表)\s*\d{1,3}", re.I)


def _identifier(name: str) -> bool:
    """A name no sentence word is: Latin with a digit, '_', '-' or a capital ('main_board', 'BOM-old')."""
    return (
        _sheet_name_like(name)
        and bool(re.fullmatch(r"[A-Za-z0-9_.\-]+", name))
        and bool(re.search(r"[0-9_\-A-Z]", name))
    )


_READ_VERB = re.compile(r"读|read", re.I)


def _before_sheet_word(rest: str) -> str:
    """'the first sheet' -> 'the first', '第一个表' -> '第一个', 'main_board 这个表' -> 'main_board'; '' when `rest`
    does not end in a sheet word (a Latin one as a whole word: 'datasheet' is no sheet). Linear: no regex
    backtracking over the name (a 300-character clause of spaces took 0.3 s with one)."""
    text = rest.rstrip()
    low = text.lower()
    for word in _SHEET_WORDS:
        if not low.endswith(word):
            continue
        head = text[: len(text) - len(word)]
        if word.isascii() and head and (head[-1].isascii() and head[-1].isalnum()):
            continue  # 'datasheet', 'tabs'
        head = head.rstrip()
        for demonstrative in ("这个", "那个", "这张", "那张"):
            head = head.removesuffix(demonstrative)
        head = head.rstrip()
        return head[4:] if head.lower().startswith("the ") else head
    return ""


def _sheet_name_like(name: str) -> bool:
    """Could be a sheet's name: Excel's rules (31 characters, none of []:*?/\\), and not a count or a phrase."""
    return (
        0 < len(name) <= 31
        and not re.search(r"[\[\]:*?/\\\s]", name)
        and not re.fullmatch(r"[\d.,]+", name)
        and not re.search(r"^第|[行列栏]$|^(?:rows?|lines?|col(?:umn)?s?)\d*$", name, re.I)  # a row or a column
        and name.lower() not in _NOT_NAMES
    )


_QUOTES = "'\"‘’“”「」『』《》"
_NOT_NAMES = {"the", "this", "that", "a", "an", "these", "those", "other", "这个", "那个", "这张", "那张", "此", "该",
              "本", "这", "那", "其他", "别的"}  # fmt: skip


def _sheet_ordinal(text: str) -> int | None:
    """The 0-based index "first" / "2nd" / "第一个" / "最后一个" names (-1 for the last), or None."""
    if (m := _ORDINAL_EN.fullmatch(text)) is not None:
        word = m.group("n").lower()
        if word == "last":
            return -1
        if word in _ORDINAL_WORDS:
            return _ORDINAL_WORDS.index(word)
        number = int(word[:-2])
        return number - 1 if number >= 1 else None
    if (m := _ORDINAL_ZH.fullmatch(text)) is not None:
        if m.group("last"):
            return -1
        raw = m.group("n")
        number = int(raw) if raw.isdigit() else _zh_number(raw)
        return number - 1 if number >= 1 else None
    if re.fullmatch(r"最后一\s*[个张]?", text):
        return -1
    return None
