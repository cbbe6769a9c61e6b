"""Read real BOM files (csv / tsv / markdown / xlsx, zh and en headers) into item lines, losing none.

Every non-empty row after a header ends up in exactly one of four lists: `lines` (items to quote),
`dnp` (items marked not populated), `skipped` (titles, headers, blanks, totals, notes: each with why)
and `problems` (rows that look like items but carry no part information). The accounting test in
tests/unit/test_bom_read.py holds every dev BOM to that.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.errors import BomFormatError
from knowledge.models import BomLine, BomProblem


@dataclass(frozen=True)
class BomReadResult:
    """What a BOM file holds: item lines, DNP lines, rows skipped with a reason, and problem rows."""

    file: str
    lines: tuple[BomLine, ...]
    dnp: tuple[BomLine, ...]
    problems: tuple[BomProblem, ...]
    skipped: tuple[BomProblem, ...]
    encoding: str = ""
    delimiter: str = ""


def read_bom(path: Path | str, data: bytes | None = None) -> BomReadResult:
    """Read a BOM file (or its bytes, when uploaded) into lines; raise BomFormatError if it cannot be a BOM."""
    name = Path(path).name
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BomFormatError(f"cannot read the file: {exc.strerror or exc}", file=name) from exc
    if not data.strip(b" \t\r\n\x00"):
        raise BomFormatError("empty file: no rows to read", file=name)
    if data.startswith(_OLE2_MAGIC):
        raise BomFormatError("legacy .xls: save as .xlsx or .csv", file=name)
    if data.startswith(b"%PDF"):
        raise BomFormatError("a PDF is not a table: export the BOM as .xlsx or .csv", file=name)
    if data.startswith(b"PK\x03\x04"):
        result, encoding = _read_xlsx(name, data), ""
    else:
        text, encoding = decode_bom_bytes(data, name)
        if name.lower().endswith((".md", ".markdown")) or _looks_like_markdown(text):
            result = _read_markdown(name, text)
        else:
            result = _read_delimited(name, text, pasted=False)
    return BomReadResult(
        result.file, result.lines, result.dnp, result.problems, result.skipped, encoding, result.delimiter
    )


def read_bom_text(text: str, name: str = "pasted") -> BomReadResult:
    """Read BOM rows pasted into the chat (tab, comma, |, or runs of spaces between cells)."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise BomFormatError("nothing pasted: no rows to read", file=name)
    result = _read_markdown(name, text) if _looks_like_markdown(text) else _read_delimited(name, text, pasted=True)
    return BomReadResult(result.file, result.lines, result.dnp, result.problems, result.skipped, "", result.delimiter)


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
class _Acc:
    """Accumulates one file's outcome while rows are classified."""

    lines: list[BomLine] = field(default_factory=list)
    dnp: list[BomLine] = field(default_factory=list)
    problems: list[BomProblem] = field(default_factory=list)
    skipped: list[BomProblem] = field(default_factory=list)


@dataclass(frozen=True)
class _Parsed:
    file: str
    lines: tuple[BomLine, ...]
    dnp: tuple[BomLine, ...]
    problems: tuple[BomProblem, ...]
    skipped: tuple[BomProblem, ...]
    delimiter: str = ""


def _read_delimited(name: str, text: str, pasted: bool) -> _Parsed:
    delimiter = _sniff_delimiter(text, pasted)
    try:
        rows = list(_split_rows(text, delimiter))
    except csv.Error as exc:
        raise BomFormatError(f"not a readable table: {exc}", file=name) from exc
    acc = _Acc()
    if not _classify(rows, acc, name, headerless_ok=pasted):
        raise BomFormatError(
            "no header row found (expected columns such as 位号/Designator, 数量/Qty, 型号/MPN/Value)",
            file=name,
        )
    return _finish(name, acc, delimiter)


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
    return next(csv.reader([line], delimiter=delim), [])


def _split_rows(text: str, delimiter: str) -> Iterator[_Row]:
    if delimiter in {"  ", "|"}:
        for number, line in enumerate(text.splitlines(), start=1):
            yield _Row(number, "", tuple(_split_line(line, delimiter)) if line.strip() else ())
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    for record in reader:
        yield _Row(start, "", tuple(record))
        start = reader.line_num + 1


def _read_markdown(name: str, text: str) -> _Parsed:
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
    acc = _Acc()
    if not _classify(rows, acc, name, headerless_ok=False):
        raise BomFormatError("no table with a BOM header found in the markdown", file=name)
    return _finish(name, acc, "|")


def _markdown_cell(cell: str) -> str:
    cell = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", cell)  # images say nothing about the part
    cell = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell)  # keep a link's text
    return cell.strip()


def _read_xlsx(name: str, data: bytes) -> _Parsed:
    import openpyxl  # imported here: text BOMs should not pay for it

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise BomFormatError("damaged zip/xlsx file", file=name) from exc
    if "xl/workbook.xml" not in members:
        raise BomFormatError("a zip archive but not an .xlsx workbook", file=name)
    # read_only mode streams rows but cannot see merged cells; use it only when no sheet has any.
    merged = any(b"<mergeCell " in archive.read(m) for m in members if m.startswith("xl/worksheets/sheet"))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=not merged, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken parts
        raise BomFormatError(f"cannot open the workbook: {exc}", file=name) from exc
    acc = _Acc()
    found = False
    try:
        for sheet in book.worksheets:
            rows = list(_sheet_rows(sheet))
            while rows and not any(rows[-1].cells):
                rows.pop()
            if not rows:
                continue
            sheet_acc = _Acc()
            if _classify(rows, sheet_acc, name, headerless_ok=False):
                found = True
                acc.lines.extend(sheet_acc.lines)
                acc.dnp.extend(sheet_acc.dnp)
                acc.problems.extend(sheet_acc.problems)
                acc.skipped.extend(sheet_acc.skipped)
            else:
                acc.problems.append(
                    BomProblem(
                        0,
                        sheet.title,
                        f"sheet {sheet.title!r} has {len(rows)} rows but no BOM header; not read",
                    )
                )
    finally:
        book.close()
    if not found:
        raise BomFormatError(
            "no sheet has a BOM header row (expected columns such as 位号/Designator, 数量/Qty, 型号/MPN)",
            file=name,
        )
    return _finish(name, acc, "")


def _sheet_rows(sheet: object) -> Iterator[_Row]:
    fills: dict[tuple[int, int], object] = {}
    merged = getattr(sheet, "merged_cells", None)  # absent in read_only mode, used only without merges
    for rng in merged.ranges if merged is not None else ():
        top_left = sheet.cell(rng.min_row, rng.min_col).value  # type: ignore[attr-defined]
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                fills[(r, c)] = top_left
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        cells: list[str] = []
        percent: set[int] = set()
        number = 0
        for col, cell in enumerate(row):
            number = getattr(cell, "row", None) or number
            value = cell.value
            if value is None and (number, col + 1) in fills:
                value = fills[(number, col + 1)]
            if isinstance(value, (int, float)) and "%" in str(getattr(cell, "number_format", "") or ""):
                percent.add(col)
            cells.append(_cell_text(value))
        if number:
            yield _Row(number, sheet.title, tuple(cells), frozenset(percent))  # type: ignore[attr-defined]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


# ----------------------------------------------------------------------------------------------------------
# Headers

# Each field: normalized header spellings (lower case, no spaces/_-.: ). First matching column with a
# value wins when several columns map to the same field (JLC exports repeat Footprint / JLCPCB Part #).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "designators": (
        "位号", "位置号", "位号名称", "元件位号", "标号", "designator", "designators", "reference", "references",
        "ref", "refdes", "refs", "reference designator", "parts", "part", "topdesignator", "bottomdesignator",
    ),
    "quantity": (
        "数量", "用量", "物料数量", "单机用量", "单板用量", "qty", "quantity", "qnty", "qty per board",
        "quantity per pcb", "count", "menge", "anzahl", "pcs",
    ),
    "mpn": (
        "型号", "零件号", "料号", "mpn", "manufacturer part", "manufacturerpartnumber", "manufacturer part number",
        "mfr part", "mfrpart#", "mfrpartnumber", "mfr#", "mfgpart", "mfgpartnumber", "part#", "partnumber",
        "part number", "pn", "p/n", "制造商料号", "厂家型号", "原厂型号",
    ),
    "value": (
        "value", "comment", "规格", "规格型号", "型号规格", "商品名称", "name", "partname", "参数", "值", "标称值", "wert",
    ),
    "package": ("封装", "footprint", "package", "pcb footprint", "封装规格", "gehäuse", "case"),
    "manufacturer": ("品牌", "厂商", "厂家", "制造商", "manufacturer", "mfr", "mfg", "manufacturer name", "hersteller", "brand"),
    "supplier_code": (
        "lcsc", "lcscpart", "lcscpart#", "lcscpartnumber", "lcsc#", "供应商编号", "供应商料号", "立创编号", "商品编号",
        "supplierpart", "supplierpartnumber", "supplier part", "jlcpcbpart#", "jlcpcbpart", "jlcpart",
        "digikeypart", "digikeypart#", "mouserpartnumber", "mouserpart#", "farnellpartnumber", "rspartnumber",
    ),
    "description": (
        "物料名称", "说明", "描述", "物料描述", "名称", "description", "desc", "beschreibung", "item description",
    ),
    "item_code": ("物料编码", "子项物料代码", "子项物料编码", "物料代码", "物料号", "internal part number", "ipn"),
    "alternates": ("替代料", "替代料1", "替代料2", "替代料3", "替代物料", "alternate", "alternate1", "alternate2",
                   "alternate3", "alternative", "substitute"),
    "attrition": ("损耗率", "损耗", "attrition", "attritionrate", "scrap", "scraprate"),
    "dnp_flag": ("dnp", "dni", "dnf", "不贴", "是否不贴", "donotpopulate", "nopopulate", "notfitted"),
    "fitted_flag": ("fitted", "populate", "populated", "mount", "bestückt", "bestueckt", "是否贴片", "贴片", "是否贴装",
                    "assemble", "install", "place"),
    # recognized, so they count toward a header, but not item identity
    "other": (
        "id", "#", "no", "item", "序号", "项目号", "项次", "价格", "单价", "price", "unitprice", "totalprice", "总价", "金额",
        "备注", "note", "notes", "remark", "remarks", "comments", "链接", "淘宝链接", "link", "url", "supplier", "供应商",
        "image", "device", "datasheet", "category", "分类", "类别", "libtype", "source", "matches", "warning",
        "producttink", "productlink", "parttype", "optional",
    ),
}  # fmt: skip
_IDENTITY = {"mpn", "value", "description", "supplier_code", "item_code"}
_HEADER_INDEX: dict[str, str] = {}
for _field_name, _names in _SYNONYMS.items():
    for _n in _names:
        _HEADER_INDEX.setdefault(re.sub(r"[\s_\-:：.()（）]+", "", _n.lower()), _field_name)


def _header_field(cell: str) -> str | None:
    key = re.sub(r"\.\d+$", "", cell.strip())  # pandas-style duplicate suffix ("VALUE.1")
    key = re.sub(r"[\s_\-:：.()（）*]+", "", key.lower())
    if not key or len(key) > 40:
        return None
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    key = re.sub(r"\d+$", "", key)  # "替代料1", "Source 1"
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    # Headers with a unit or qualifier: "数量(pcs)", "Qty/Board", "型号/规格".
    for probe, name in (("数量", "quantity"), ("用量", "quantity"), ("位号", "designators"), ("qty", "quantity"),
                        ("designator", "designators"), ("替代", "alternates"), ("损耗", "attrition"),
                        ("封装", "package"), ("footprint", "package"), ("manufacturerpart", "mpn"),
                        ("mfrpart", "mpn"), ("lcsc", "supplier_code"), ("规格", "value"), ("型号", "mpn")):  # fmt: skip
        if probe in key:
            return name
    return None


def _header_map(cells: tuple[str, ...]) -> dict[int, str] | None:
    """Column → field when `cells` reads as a header row, else None."""
    mapping = {i: f for i, cell in enumerate(cells) if (f := _header_field(cell))}
    fields = set(mapping.values())
    filled = sum(1 for c in cells if c.strip())
    if not fields & (_IDENTITY | {"designators"}) or len(fields) < 2:
        return None
    if len(mapping) * 2 < filled:  # mostly unknown words: a data row that happens to say "Value"
        return None
    return mapping


# ----------------------------------------------------------------------------------------------------------
# Classifying rows


_SUBTOTAL = re.compile(r"^(合计|总计|小计|共计|总价|总数|total|subtotal|sum|grand total|gesamt|summe)\s*[:：]?", re.I)
_NOTE = re.compile(
    r"^(注|备注|说明|注意|以下|以上|下列|其中|ps|note|nb|hinweis|see |参见|见下|optional)|二选一|任选|选一|仅供参考",
    re.I,
)
_DNP_TOKENS = {
    "dnp", "dni", "dnf", "np", "nc", "n.c.", "nf", "nm", "no pop", "nopop", "not populated", "do not populate",
    "do not place", "do not fit", "not fitted", "not mounted", "不贴", "不贴片", "不焊", "空贴", "未贴", "不安装", "不上件",
}  # fmt: skip
_FALSE_TOKENS = {"false", "falsch", "no", "n", "0", "否", "不", "不贴", "nein", "dnp", "x"}
_TRUE_TOKENS = {"true", "wahr", "yes", "y", "1", "是", "ja", "dnp", "x", "✓", "√"}
_PLACEHOLDERS = {"no part selected", "n/a", "na", "-", "--", "—", "/", "none", "无", "空", "null", "tbd"}
_EMPTY_DESIGNATOR = {"无", "-", "—", "/", "n/a", "na", "none", "null", "空"}


def _classify(rows: list[_Row], acc: _Acc, name: str, headerless_ok: bool) -> bool:
    """Sort rows into acc; return False when no header row was found (and headerless is not allowed)."""
    mapping: dict[int, str] | None = None
    headers: tuple[str, ...] = ()
    last = max((i for i, r in enumerate(rows) if any(c.strip() for c in r.cells)), default=-1)
    before: list[_Row] = []
    band: tuple[str, ...] = ()  # the row above a header: JLC's BOM tool groups columns under bands
    for index, row in enumerate(rows[: last + 1]):
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
            mapping, headers = _order_quantity_band(new_map, band), _unique_headers(cells)
            continue
        band = cells
        if mapping is None:
            before.append(row)
            continue
        _classify_item(row, cells, mapping, headers, rows[index + 1 : last + 1], acc)
    if mapping is None:
        if headerless_ok and before:
            for row in before:
                _classify_headerless(row, acc)
            return True
        return False
    return True


def _order_quantity_band(mapping: dict[int, str], band: tuple[str, ...]) -> dict[int, str]:
    """Demote a Qty column that sits under an "Order Information" band: it is an order total, not per board."""
    out = dict(mapping)
    for col, fld in mapping.items():
        if fld != "quantity":
            continue
        above = next((band[i] for i in range(min(col, len(band) - 1), -1, -1) if band[i]), "")
        if re.search(r"order|订单|订购|采购", above, re.I):
            out[col] = "order_quantity"
    return out


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
    following: list[_Row],
    acc: _Acc,
) -> None:
    filled = [c for c in cells if c]
    first_text = next((c for c in cells if c), "")
    if _SUBTOTAL.match(first_text) or any(_SUBTOTAL.fullmatch(c) for c in cells[:3] if c):
        acc.skipped.append(BomProblem(row.line, row.sheet, f"subtotal row ({first_text[:30]!r})"))
        return
    values: dict[str, list[str]] = {}
    for col, fld in mapping.items():
        if col < len(cells) and cells[col]:
            values.setdefault(fld, []).append(cells[col])
    quantity_cells = values.get("quantity", [])
    if len(filled) == 1 and not quantity_cells and not values.get("designators"):
        text = filled[0]
        nxt = next((r for r in following if any(c.strip() for c in r.cells)), None)
        if text.endswith((":", "：")) or (nxt is not None and _header_map(tuple(c.strip() for c in nxt.cells))):
            acc.skipped.append(BomProblem(row.line, row.sheet, f"section title {text[:40]!r}"))
            return
        if _NOTE.search(text):
            acc.skipped.append(BomProblem(row.line, row.sheet, f"note row {text[:40]!r}"))
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
        return "" if fld != "value" and text.lower() in _PLACEHOLDERS else text

    designators, designator_notes = parse_designators(" , ".join(values.get("designators", [])))
    notes.extend(designator_notes)
    has_qty_column = "quantity" in mapping.values()
    quantity_text = first("quantity")
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
    dnp, dnp_reason = _dnp(cells, mapping)
    if dnp_reason:
        notes.append(dnp_reason)
    value = first("value")
    if value.lower() in {"n/a", "na", "-"}:
        notes.append(f"value {value!r}: may mean not populated")
    raw = {headers[i] if i < len(headers) else f"column {i + 1}": c for i, c in enumerate(cells) if c}
    return BomLine(
        line=row.line,
        sheet=row.sheet,
        designators=designators,
        quantity=quantity,
        quantity_text=quantity_text,
        mpn=first("mpn"),
        manufacturer=first("manufacturer"),
        value=value,
        package=first("package"),
        description=first("description"),
        supplier_code=first("supplier_code"),
        alternates=tuple(_clean_text(a) for a in values.get("alternates", []) if _clean_text(a)),
        attrition_pct=attrition_pct,
        dnp=dnp,
        raw=raw,
        notes=tuple(notes),
    )


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
    if _SUBTOTAL.match(rest[0] if rest else ""):
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
    dnp = any(c.lower() in _DNP_TOKENS for c in rest)
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


def _dnp(cells: tuple[str, ...], mapping: dict[int, str]) -> tuple[bool, str]:
    for col, fld in mapping.items():
        if col >= len(cells) or not cells[col]:
            continue
        token = cells[col].strip().lower()
        if fld == "dnp_flag" and (token in _TRUE_TOKENS or token in _DNP_TOKENS):
            return True, f"marked DNP ({cells[col]!r})"
        if fld == "fitted_flag" and token in _FALSE_TOKENS:
            return True, f"not fitted ({cells[col]!r})"
    for col, cell in enumerate(cells):
        if mapping.get(col) in {"designators", "quantity", "dnp_flag", "fitted_flag", "description"}:
            continue
        token = cell.strip().lower()
        if token in _DNP_TOKENS or re.fullmatch(
            r".*[\s(（\[](dnp|dnf|dni|不贴)[)）\]]?|(dnp|dnf|dni|不贴)[\s(（].*", token
        ):
            return True, f"marked not populated ({cell.strip()!r})"
    return False, ""


# ----------------------------------------------------------------------------------------------------------
# Cell parsers


def parse_designators(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split and expand designators ("R1,R2,R5-R8", "C1 C2") → (("R1", "R2", "R5", ...), notes)."""
    text = _clean_text(text)
    if not text or text.lower() in _EMPTY_DESIGNATOR:
        return (), ()
    text = re.sub(r"\s*([-~–])\s*", r"\1", text)
    out: list[str] = []
    notes: list[str] = []
    for token in re.split(r"[,;，；、\s]+", text):
        if not token or token.lower() in _EMPTY_DESIGNATOR:
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


def parse_quantity(text: str) -> tuple[float | None, str]:
    """Quantity per board from its cell ("12个" → 12, "2 pcs" → 2, "若干" → None) and a note when unusual."""
    text = _clean_text(text)
    if not text:
        return None, ""
    match = re.fullmatch(r"[x×]?\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*([^\d\s].*)?", text, re.I)
    if not match:
        return None, f"quantity {text!r} is not a number"
    number = float(match.group(1).replace(",", ""))
    unit = (match.group(2) or "").strip().lower()
    if unit in _COUNT_UNITS:
        return number, ""
    return number, f"quantity {text!r} is in {unit!r}, not pieces"


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
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")


def _finish(name: str, acc: _Acc, delimiter: str) -> _Parsed:
    return _Parsed(name, tuple(acc.lines), tuple(acc.dnp), tuple(acc.problems), tuple(acc.skipped), delimiter)
