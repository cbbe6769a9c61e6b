"""Quote exports: the persisted quote JSON as an Excel workbook, a CSV file or a printable PDF.

One language per file, picked by `lang`: Chinese labels for "zh" (also "zh-CN", "zh_TW" ...), English for anything
else. Labels and status names are translated; the quote's values (part numbers, the buyer's text, numbers) never
are. Money arrives as Decimal strings and stays Decimal: every number in a file is the quote's own, nothing is
recomputed here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-GB2312.ttf"  # built by bot/fonts/build_font.py
PDF_FONT = "NotoSansSC-GB2312"
STATUSES = ("exact", "parametric", "ambiguous", "not_found")
# fill and text colour per match status, the same in XLSX and PDF (Excel's good / neutral / bad palette + teal)
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "exact": ("C6EFCE", "006100"),
    "parametric": ("CCF0EA", "0B5D4F"),
    "ambiguous": ("FFEB9C", "9C5700"),
    "not_found": ("FFC7CE", "9C0006"),
}
CANDIDATE_STATUSES = ("ambiguous", "not_found")  # lines whose candidates the buyer still has to choose from


def to_xlsx(quote: Mapping[str, Any], lang: str = "zh") -> bytes:
    """An Excel workbook: header block, one row per line, totals, DNP, problems, warnings; candidates on sheet 2."""
    zh = _is_zh(lang)
    columns = _columns(quote)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = _t("sheet_quote", zh)
    header_row = _xlsx_header_block(sheet, quote, zh)
    last_row = _xlsx_lines(sheet, quote, columns, header_row, zh)
    row = _xlsx_totals(sheet, quote, columns, last_row + 2, zh)
    row = _xlsx_section(sheet, row, _t("dnp", zh), _dnp_rows(quote, zh), [1, 2, 3])
    row = _xlsx_section(sheet, row, _t("problems", zh), _problem_rows(quote, zh), [1, 2, 3])
    _xlsx_section(sheet, row, _t("warnings", zh), [[w] for w in _texts(quote.get("warnings"))], [1], header=False)
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last_row, header_row)}"
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    _xlsx_candidates(book.create_sheet(_t("sheet_candidates", zh)), quote, zh)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(quote: Mapping[str, Any], lang: str = "zh") -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads Chinese): the lines table, then subtotal / tax / total rows.

    Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a leading ';
    numbers are written as plain numbers and never escaped.
    """
    zh = _is_zh(lang)
    columns = _columns(quote)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_cell(c.label(quote, zh)) for c in columns])
    for line in _lines(quote):
        writer.writerow([_csv_cell(c.value(line, zh)) for c in columns])
    label_at = next(i for i, c in enumerate(columns) if c.key == "ext_price") - 1
    for label, amount in _totals(quote, zh):
        row: list[str] = [""] * len(columns)
        row[label_at] = _csv_cell(label)
        row[label_at + 1] = _csv_cell(amount)
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def to_pdf(quote: Mapping[str, Any], lang: str = "zh") -> bytes:
    """A4 landscape PDF with an embedded Chinese font: header, lines table (header row on every page), totals,
    DNP, problems, warnings; each page's footer says the quote, the validity and the page number."""
    zh = _is_zh(lang)
    styles = _pdf_styles()
    out = io.BytesIO()
    quote_id = str(quote.get("quote_id") or "")
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=12 * mm,
        title=f"{_t('title', zh)} {quote_id}",
        author="Brandstation",
        invariant=1,  # no timestamps or random ids: the same quote gives the same bytes
    )
    story: list[Flowable] = [Paragraph(_p(f"{_t('title', zh)} {quote_id}"), styles["title"])]
    story.append(_pdf_header_block(quote, zh, styles))
    story.append(Spacer(0, 4 * mm))
    story.append(_pdf_lines_table(quote, zh, styles, doc.width))
    story.append(Spacer(0, 3 * mm))
    story.append(_pdf_totals(quote, zh, styles))
    sources = sorted({str(s) for s in (line.get("price_source") for line in _lines(quote)) if s})
    if sources:
        story.append(Paragraph(_p(f"{_t('price_source', zh)}: " + "; ".join(sources)), styles["small"]))
    for title, rows, widths in (
        (_t("dnp", zh), _dnp_rows(quote, zh), [40, 200, 300]),
        (_t("problems", zh), _problem_rows(quote, zh), [40, 100, 500]),
    ):
        if len(rows) > 1:
            story.append(Paragraph(_p(title), styles["heading"]))
            story.append(_pdf_simple_table(rows, widths, styles))
    warnings = _texts(quote.get("warnings"))
    if warnings:
        story.append(Paragraph(_p(_t("warnings", zh)), styles["heading"]))
        story.extend(Paragraph(_p(f"• {w}"), styles["cell"]) for w in warnings)
    doc.build(story, canvasmaker=_footer_canvas(_footer_text(quote, zh), zh))
    return out.getvalue()


EXPORT_FORMATS: dict[str, tuple[Callable[[Mapping[str, Any], str], bytes], str]] = {
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "pdf": (to_pdf, "application/pdf"),
}

# ---------------------------------------------------------------------------------------------------- labels

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("报价单", "Quotation"),
    "sheet_quote": ("报价单", "Quote"),
    "sheet_candidates": ("候选型号", "Candidates"),
    "quote_id": ("报价单号", "Quote"),
    "revision": ("版本", "Revision"),
    "created": ("报价日期", "Date"),
    "valid_until": ("有效期至", "Valid until"),
    "buyer": ("客户", "Buyer"),
    "boards": ("板数", "Boards"),
    "file": ("BOM 文件", "BOM file"),
    "currency": ("币种", "Currency"),
    "subtotal": ("小计", "Subtotal"),
    "tax": ("税额", "Tax"),
    "total": ("合计", "Total"),
    "dnp": ("不贴件 (DNP)", "Do not populate (DNP)"),
    "problems": ("未报价的行", "Lines not quoted"),
    "warnings": ("提示", "Warnings"),
    "reason": ("原因", "Reason"),
    "value": ("值", "Value"),
    "rank": ("序号", "#"),
    "score": ("得分", "Score"),
    "why": ("匹配依据", "Why"),
    "page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "rev_short": ("第 {rev} 版", "rev {rev}"),
    "per_board": ("每板 {n}", "{n} per board"),
    "days": ("{n} 天", "{n} days"),
    "break_from": ("≥{n}", "≥{n}"),
    "none": ("—", "—"),
    "price_source": ("价格来源", "Price source"),
    # line columns
    "line": ("行号", "Line"),
    "sheet": ("工作表", "Sheet"),
    "designators": ("位号", "Designators"),
    "qty_per_board": ("单板用量", "Qty/board"),
    "qty": ("需求数量", "Qty"),
    "input": ("客户输入", "Buyer input"),
    "status": ("状态", "Status"),
    "confidence": ("置信度", "Confidence"),
    "sku": ("SKU", "SKU"),
    "mpn": ("型号", "MPN"),
    "manufacturer": ("制造商", "Manufacturer"),
    "description": ("描述", "Description"),
    "package": ("封装", "Package"),
    "unit_price": ("单价", "Unit price"),
    "price_break": ("价格阶梯", "Price break"),
    "order_qty": ("订购数量", "Order qty"),
    "ext_price": ("金额", "Ext. price"),
    "stock": ("库存", "Stock"),
    "lead_time_days": ("交期(天)", "Lead time (days)"),
    "note": ("备注", "Note"),
    "part": ("料号", "Part"),
    "stock_lead": ("库存 / 交期", "Stock / lead"),
    # statuses
    "exact": ("精确匹配", "Exact"),
    "parametric": ("参数匹配", "Parametric"),
    "ambiguous": ("待确认", "Ambiguous"),
    "not_found": ("未找到", "Not found"),
}


def _is_zh(lang: str) -> bool:
    return lang.lower().replace("_", "-").split("-")[0] == "zh"


def _t(key: str, zh: bool) -> str:
    zh_text, en_text = _TEXT[key]
    return zh_text if zh else en_text


def _status(status: Any, zh: bool) -> str:
    return _t(status, zh) if status in STATUSES else str(status or "")


# ---------------------------------------------------------------------------------------------------- values

Value = str | int | float | Decimal | None  # what a cell holds: numbers stay numbers, text is text


@dataclass(frozen=True)
class _Column:
    """One column of the lines table: its key in a quote line, width in Excel characters and kind of value."""

    key: str
    width: float
    kind: str = "text"  # text | int | money | price | ratio
    wrap: bool = False
    money_label: bool = False  # the header names the currency: "单价 (CNY)"

    def label(self, quote: Mapping[str, Any], zh: bool) -> str:
        return _in_currency(_t(self.key, zh), quote) if self.money_label else _t(self.key, zh)

    def value(self, line: Mapping[str, Any], zh: bool) -> Value:
        if self.key == "designators":
            return ", ".join(_texts(line.get("designators")))
        if self.key == "input":
            return _input_text(line.get("input"))
        if self.key == "status":
            return _status(line.get("status"), zh)
        raw = line.get(self.key)
        if self.kind in ("money", "price"):
            return _decimal(raw)
        if self.kind == "int":
            return _count(raw)
        if self.kind == "ratio":
            return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else _text(raw)
        return _text(raw)


_LINE_COLUMNS = (
    _Column("line", 6, "int"),
    _Column("sheet", 12),
    _Column("designators", 18, wrap=True),
    _Column("qty_per_board", 9, "int"),
    _Column("qty", 10, "int"),
    _Column("input", 30, wrap=True),
    _Column("status", 11),
    _Column("confidence", 10, "ratio"),
    _Column("sku", 11),
    _Column("mpn", 22),
    _Column("manufacturer", 18),
    _Column("description", 40, wrap=True),
    _Column("package", 10),
    _Column("unit_price", 12, "price", money_label=True),
    _Column("price_break", 10, "int"),
    _Column("order_qty", 10, "int"),
    _Column("ext_price", 13, "money", money_label=True),
    _Column("stock", 11, "int"),
    _Column("lead_time_days", 9, "int"),
    _Column("price_source", 24, wrap=True),
    _Column("note", 48, wrap=True),
)


def _columns(quote: Mapping[str, Any]) -> list[_Column]:
    """The lines-table columns; "sheet" only when the buyer's file had several sheets (some line names one)."""
    with_sheet = any(line.get("sheet") for line in _lines(quote))
    return [c for c in _LINE_COLUMNS if c.key != "sheet" or with_sheet]


def _in_currency(label: str, quote: Mapping[str, Any]) -> str:
    currency = _text(quote.get("currency"))
    return f"{label} ({currency})" if currency else label


def _lines(quote: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [line for line in quote.get("lines") or () if isinstance(line, Mapping)]


def _input_text(value: Any) -> str:
    """The buyer's own words for a line, in the order a buyer reads them: part number first."""
    if not isinstance(value, Mapping):
        return _text(value)
    keys = ("mpn", "supplier_code", "manufacturer", "value", "package", "description")
    return " / ".join(t for t in (_text(value.get(k)) for k in keys) if t)


def _totals(quote: Mapping[str, Any], zh: bool) -> list[tuple[str, Value]]:
    """Subtotal, tax (with its rate) and total, each with its currency."""
    rate = _decimal(quote.get("tax_rate"))
    tax = _t("tax", zh)
    if isinstance(rate, Decimal):
        tax = f"{tax} {_percent(rate)}"
    return [
        (_in_currency(_t("subtotal", zh), quote), _decimal(quote.get("subtotal"))),
        (_in_currency(tax, quote), _decimal(quote.get("tax"))),
        (_in_currency(_t("total", zh), quote), _decimal(quote.get("total"))),
    ]


def _dnp_rows(quote: Mapping[str, Any], zh: bool) -> list[list[Value]]:
    rows: list[list[Value]] = [[_t("line", zh), _t("designators", zh), f"{_t('mpn', zh)} / {_t('value', zh)}"]]
    for item in quote.get("dnp") or ():
        part = " / ".join(t for t in (_text(item.get("mpn")), _text(item.get("value"))) if t)
        rows.append([_count(item.get("line")), ", ".join(_texts(item.get("designators"))), part])
    return rows


def _problem_rows(quote: Mapping[str, Any], zh: bool) -> list[list[Value]]:
    rows: list[list[Value]] = [[_t("line", zh), _t("sheet", zh), _t("reason", zh)]]
    for item in quote.get("problems") or ():
        rows.append([_count(item.get("line")), _text(item.get("sheet")), _text(item.get("reason"))])
    return rows


def _candidate_rows(quote: Mapping[str, Any], zh: bool) -> list[list[Value]]:
    keys = ("sku", "mpn", "manufacturer", "package", "description")
    header: list[Value] = [_t("line", zh), _t("input", zh), _t("status", zh), _t("rank", zh)]
    header += [_t(k, zh) for k in keys]
    header += [_t("score", zh), _t("why", zh), _t("unit_price", zh), _t("stock", zh)]  # prices carry a currency
    rows = [header]
    for line in _lines(quote):
        if line.get("status") not in CANDIDATE_STATUSES:
            continue
        for rank, cand in enumerate(line.get("candidates") or (), 1):
            score = cand.get("score")
            row: list[Value] = [_count(line.get("line")), _input_text(line.get("input"))]
            row += [_status(line.get("status"), zh), rank, *(_text(cand.get(k)) for k in keys)]
            row += [
                float(score) if isinstance(score, int | float) and not isinstance(score, bool) else _text(score),
                "; ".join(_texts(cand.get("why"))),
                _decimal(cand.get("unit_price")),
                _count(cand.get("stock")),
            ]
            rows.append(row)
    return rows


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XLSX XML, meaningless in a PDF


def _text(value: Any) -> str:
    if value is None:
        return ""
    return _CONTROL.sub(" ", str(value))


def _texts(value: Any) -> list[str]:
    """A list of strings from a list (or a single string) in the JSON."""
    if value is None:
        return []
    if isinstance(value, str):
        return [_text(value)] if value else []
    return [_text(v) for v in value if v is not None and v != ""]


def _count(value: Any) -> int | float | str | None:
    """A quantity, line number or day count: whole numbers as int, fractions (0.5 per board) as float."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float):
        return value
    return _text(value)  # not a number: shown as the text it is


def _decimal(value: Any) -> Decimal | str | None:
    """Money as an exact Decimal; anything that is not a finite number is kept as text."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return _text(value)
    return number if number.is_finite() else _text(value)


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


# ---------------------------------------------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Value) -> str:
    """A CSV field: our numbers verbatim, text defused against formula injection (OWASP: prefix with ')."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int | float):
        return str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


# ---------------------------------------------------------------------------------------------------- XLSX

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="A6A6A6")
_HEADER_BORDER = Border(bottom=_THIN, top=_THIN)
_TOP = Alignment(vertical="top")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right")
_NUMBER_FORMATS = {"int": "#,##0", "money": "#,##0.00", "price": "#,##0.00####", "ratio": "0%"}
_STATUS_FILLS = {s: PatternFill("solid", fgColor=fill) for s, (fill, _) in STATUS_COLOURS.items()}
_STATUS_FONTS = {s: Font(color=text) for s, (_, text) in STATUS_COLOURS.items()}


def _xlsx_header_block(sheet: Worksheet, quote: Mapping[str, Any], zh: bool) -> int:
    """Title and two columns of label / value pairs; returns the row of the lines-table header."""
    title = sheet.cell(row=1, column=1, value=f"{_t('title', zh)} {_text(quote.get('quote_id'))}")
    title.font = _TITLE
    pairs: list[tuple[str, Value]] = [
        ("quote_id", _text(quote.get("quote_id"))),
        ("created", _text(quote.get("created"))),
        ("revision", _count(quote.get("revision"))),
        ("valid_until", _text(quote.get("valid_until"))),
        ("buyer", _text(quote.get("buyer"))),
        ("boards", _count(quote.get("boards"))),
        ("file", _text(quote.get("file"))),
        ("currency", _text(quote.get("currency"))),
    ]
    for index, (key, value) in enumerate(pairs):
        row, left = 2 + index // 2, index % 2 == 0
        label_col, value_col, value_end = (1, 3, 5) if left else (6, 8, 10)
        label = sheet.cell(row=row, column=label_col, value=_t(key, zh))
        label.font = _BOLD
        sheet.merge_cells(start_row=row, start_column=label_col, end_row=row, end_column=value_col - 1)
        _xlsx_put(sheet, row, value_col, value, "int" if isinstance(value, int) else "text").alignment = Alignment(
            horizontal="left"
        )
        sheet.merge_cells(start_row=row, start_column=value_col, end_row=row, end_column=value_end)
    return 2 + len(pairs) // 2 + 1


def _xlsx_lines(
    sheet: Worksheet, quote: Mapping[str, Any], columns: Sequence[_Column], header_row: int, zh: bool
) -> int:
    """The lines table with its header row; returns the last row written."""
    for index, column in enumerate(columns, 1):
        cell = sheet.cell(row=header_row, column=index, value=column.label(quote, zh))
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _HEADER_BORDER, _HEADER_ALIGN
    status_col = next(i for i, c in enumerate(columns, 1) if c.key == "status")
    row = header_row
    for line in _lines(quote):
        row += 1
        for index, column in enumerate(columns, 1):
            value = column.value(line, zh)
            if value is not None and value != "":  # empty cells stay unstyled: a third of a big sheet
                _xlsx_put(sheet, row, index, value, column.kind).alignment = _TOP_WRAP if column.wrap else _TOP
        status = line.get("status")
        if status in _STATUS_FILLS:
            cell = sheet.cell(row=row, column=status_col)
            cell.fill, cell.font = _STATUS_FILLS[status], _STATUS_FONTS[status]
    return row


def _xlsx_totals(sheet: Worksheet, quote: Mapping[str, Any], columns: Sequence[_Column], row: int, zh: bool) -> int:
    """Subtotal, tax and total under the ext. price column, labels right-aligned beside them; returns next row."""
    amount_col = next(i for i, c in enumerate(columns, 1) if c.key == "ext_price")
    totals = _totals(quote, zh)
    for offset, (label, amount) in enumerate(totals):
        last = offset == len(totals) - 1
        label_cell = sheet.cell(row=row + offset, column=amount_col - 1, value=label)
        label_cell.alignment, label_cell.font = _RIGHT, _BOLD
        amount_cell = _xlsx_put(sheet, row + offset, amount_col, amount, "money")
        if last:
            amount_cell.font = _BOLD
            amount_cell.border = Border(top=_THIN, bottom=Side(style="double"))
    return row + len(totals) + 1


def _xlsx_section(
    sheet: Worksheet,
    row: int,
    title: str,
    rows: Sequence[Sequence[Value]],
    at_columns: Sequence[int],
    *,
    header: bool = True,
) -> int:
    """A titled block of rows (its first row a header when `header`) at the given columns; returns next free row.

    Nothing is written when the block has no data rows."""
    body = rows[1:] if header else rows
    if not body:
        return row
    sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
    row += 1
    for index, values in enumerate(rows):
        for column, value in zip(at_columns, values):
            cell = _xlsx_put(sheet, row, column, value, "int" if isinstance(value, int) else "text")
            if header and index == 0:
                cell.font, cell.fill = _BOLD, _HEADER_FILL
        row += 1
    return row + 1


def _xlsx_candidates(sheet: Worksheet, quote: Mapping[str, Any], zh: bool) -> None:
    rows = _candidate_rows(quote, zh)
    widths = (6, 30, 11, 5, 11, 22, 18, 10, 40, 8, 40, 12, 11)
    kinds = ("int", "text", "text", "int", "text", "text", "text", "text", "text", "ratio", "text", "price", "int")
    for r, values in enumerate(rows, 1):
        for c, (value, kind) in enumerate(zip(values, kinds), 1):
            cell = _xlsx_put(sheet, r, c, value, kind if r > 1 else "text")
            if r == 1:
                cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _HEADER_ALIGN
    for c, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"


def _xlsx_put(sheet: Worksheet, row: int, column: int, value: Value, kind: str) -> Any:
    """Write one cell: numbers with the kind's number format; text always as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    if isinstance(value, str):
        cell.value = value
        if value.startswith(_FORMULA_START):
            cell.data_type = "s"  # openpyxl would store "=..." as a live formula
            cell.quotePrefix = True  # and Excel keeps it text when the buyer edits the cell
        return cell
    cell.value = value
    if kind == "int" and isinstance(value, float):
        cell.number_format = "#,##0.######"  # a fraction per board must not print rounded
    elif kind in _NUMBER_FORMATS:
        cell.number_format = _NUMBER_FORMATS[kind]
    return cell


# ---------------------------------------------------------------------------------------------------- PDF

_PDF_GRID = colors.HexColor("#A6A6A6")
_PDF_HEADER_BG = colors.HexColor("#E7E6E6")


@cache
def _pdf_font() -> str:
    """Register the embedded TrueType subset once per process; characters outside it print as a .notdef box."""
    if not FONT_PATH.is_file():
        raise FileNotFoundError(f"{FONT_PATH}: the PDF font is missing (build it with bot/fonts/build_font.py)")
    pdfmetrics.registerFont(TTFont(PDF_FONT, str(FONT_PATH)))
    pdfmetrics.registerFontFamily(PDF_FONT, normal=PDF_FONT, bold=PDF_FONT, italic=PDF_FONT, boldItalic=PDF_FONT)
    return PDF_FONT


@cache
def _pdf_styles() -> dict[str, ParagraphStyle]:
    font = _pdf_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=7, leading=8.6, wordWrap="CJK")
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=20, spaceAfter=4),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3),
        "label": ParagraphStyle("label", parent=cell, fontSize=8, leading=10, textColor=colors.HexColor("#595959")),
        "field": ParagraphStyle("field", parent=cell, fontSize=8, leading=10),
        "cell": cell,
        "num": ParagraphStyle("num", parent=cell, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=cell, textColor=colors.black),
        "small": ParagraphStyle("small", parent=cell, fontSize=6.5, leading=8, textColor=colors.HexColor("#595959")),
        "total": ParagraphStyle("total", parent=cell, fontSize=9, leading=11, alignment=TA_RIGHT),
    }
    for status, (_, text) in STATUS_COLOURS.items():
        styles[status] = ParagraphStyle(status, parent=cell, textColor=colors.HexColor(f"#{text}"))
    return styles


def _p(text: str) -> str:
    """Paragraph markup for plain text: XML-escaped, control characters dropped."""
    return escape(_pdf_text(text))


def _pdf_text(text: str) -> str:
    """Text as the PDF font can draw it: no control characters, tabs and carriage returns as spaces."""
    return _text(text).replace("\t", " ").replace("\r", " ")


def _pdf_header_block(quote: Mapping[str, Any], zh: bool, styles: Mapping[str, ParagraphStyle]) -> Table:
    revision = _count(quote.get("revision"))
    quote_text = _text(quote.get("quote_id"))
    if revision is not None:
        quote_text += "  " + _t("rev_short", zh).format(rev=revision)
    pairs = [
        ("quote_id", quote_text),
        ("created", _text(quote.get("created"))),
        ("valid_until", _text(quote.get("valid_until"))),
        ("buyer", _text(quote.get("buyer")) or _t("none", zh)),
        ("boards", _fmt_count(_count(quote.get("boards")))),
        ("file", _text(quote.get("file"))),
        ("currency", _text(quote.get("currency"))),
    ]
    if len(pairs) % 2:
        pairs.append(("", ""))
    rows = []
    for i in range(0, len(pairs), 2):
        row: list[Any] = []
        for key, value in pairs[i : i + 2]:
            row += [Paragraph(_p(_t(key, zh) if key else ""), styles["label"]), Paragraph(_p(value), styles["field"])]
        rows.append(row)
    table = Table(rows, colWidths=[22 * mm, 80 * mm, 22 * mm, 80 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


# (label key, width in points (0: whatever is left), right-aligned)
_PDF_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("line", 24, False),
    ("designators", 52, False),
    ("qty", 56, True),
    ("input", 82, False),
    ("status", 46, False),
    ("part", 100, False),
    ("description", 120, False),
    ("package", 38, False),
    ("unit_price", 48, True),
    ("order_qty", 44, True),
    ("ext_price", 52, True),
    ("stock_lead", 46, True),
    ("note", 0, False),
)
_PDF_PAD = 2.0  # cell padding, points


class _CellParagraph(Paragraph):
    """A cell paragraph that remembers its last wrap: a long table wraps each row up to three times (measure,
    split, draw), always at the column's width, and CJK line breaking is most of the PDF's cost."""

    _last: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._last is not None and self._last[0] == availWidth:
            return self._last[1]
        size = super().wrap(availWidth, availHeight)
        self._last = (availWidth, size)
        return size


def _pdf_lines_table(
    quote: Mapping[str, Any], zh: bool, styles: Mapping[str, ParagraphStyle], width: float
) -> Flowable:
    """The lines table, its header row repeated on every page."""
    widths = [w for _, w, _ in _PDF_COLUMNS]
    widths[-1] = max(60.0, width - sum(widths))
    header = []
    for key, _, right in _PDF_COLUMNS:
        label = _in_currency(_t(key, zh), quote) if key in ("unit_price", "ext_price") else _t(key, zh)
        header.append(_CellParagraph(_p(label), styles["num"] if right else styles["head"]))
    rows: list[list[Any]] = [header]
    cells = _CellMaker(widths, styles)
    for line in _lines(quote):
        rows.append(_pdf_line_cells(line, zh, styles, cells))
    align = [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, (_, _, right) in enumerate(_PDF_COLUMNS) if right]
    return _PagedTable(rows[0], rows[1:], widths, _pdf_table_style(styles, align))


def _pdf_table_style(styles: Mapping[str, ParagraphStyle], extra: Sequence[Any] = ()) -> TableStyle:
    """Grey header row, hairlines between rows, the cell font for plain-string cells, tight padding."""
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), _pdf_font()),
            ("FONTSIZE", (0, 0), (-1, -1), styles["cell"].fontSize),
            ("LEADING", (0, 0), (-1, -1), styles["cell"].leading),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), _PDF_HEADER_BG),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, _PDF_GRID),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.black),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), _PDF_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _PDF_PAD),
            ("TOPPADDING", (0, 0), (-1, -1), _PDF_PAD),
            ("BOTTOMPADDING", (0, 0), (-1, -1), _PDF_PAD),
            *extra,
        ]
    )


class _PagedTable(Flowable):
    """A long table that paginates itself: on each page, one Table of the header row plus the rows that fit.

    reportlab's LongTable re-measures the remaining rows at every page break, which is quadratic (a 10,000-line
    quote took 24 s); here each row is measured once, in blocks, and every page is cut from the known heights."""

    _BLOCK = 200  # rows measured per throw-away Table

    def __init__(
        self,
        header: Sequence[Any],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        style: TableStyle,
        heights: Sequence[float] | None = None,
        start: int = 0,
    ) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.style, self.start = header, rows, widths, style, start
        self.heights = list(heights) if heights is not None else self._measure()  # [header, row 0, row 1, ...]
        self.width = sum(widths)
        self.hAlign = "LEFT"

    def _measure(self) -> list[float]:
        heights: list[float] = []
        everything = [self.header, *self.rows]
        for first in range(0, len(everything), self._BLOCK):
            block = Table(everything[first : first + self._BLOCK], colWidths=self.widths, style=self.style)
            block.wrap(self.width, 1e9)
            heights.extend(block._rowHeights)
        return heights

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.height = self.heights[0] + sum(self.heights[1 + self.start :])
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        room = availHeight - self.heights[0] + 1e-6
        end = self.start
        while end < len(self.rows) and self.heights[1 + end] <= room:
            room -= self.heights[1 + end]
            end += 1
        if end == self.start:
            return []  # not even one row fits: next page
        page = self._page(self.start, end)
        if end == len(self.rows):
            return [page]
        return [page, _PagedTable(self.header, self.rows, self.widths, self.style, self.heights, end)]

    def draw(self) -> None:
        table = self._page(self.start, len(self.rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)

    def _page(self, start: int, end: int) -> Table:
        heights = [self.heights[0], *self.heights[1 + start : 1 + end]]
        data = [list(self.header), *(list(row) for row in self.rows[start:end])]
        return Table(data, colWidths=list(self.widths), rowHeights=heights, style=self.style, hAlign="LEFT")


class _CellMaker:
    """Plain strings for cells whose lines fit their column (cheap to lay out), paragraphs for the rest."""

    def __init__(self, widths: Sequence[float], styles: Mapping[str, ParagraphStyle]) -> None:
        self.widths = widths
        self.styles = styles
        self.font = styles["cell"].fontName
        self.size = styles["cell"].fontSize

    def __call__(self, column: int, *lines: str, right: bool = False) -> str | Paragraph:
        text = "\n".join(_pdf_text(line) for line in lines if line)
        room = self.widths[column] - 2 * _PDF_PAD
        limit = int(6 * room)  # ~40 lines of Hanzi at most: a row must never outgrow a page
        if len(text) > limit:
            text = text[: limit - 1] + "…"
        if all(pdfmetrics.stringWidth(part, self.font, self.size) <= room for part in text.split("\n")):
            return text
        return _CellParagraph(_p(text).replace("\n", "<br/>"), self.styles["num" if right else "cell"])


def _pdf_line_cells(
    line: Mapping[str, Any], zh: bool, styles: Mapping[str, ParagraphStyle], cells: _CellMaker
) -> list[Any]:
    """One table row; related facts share a cell: MPN / manufacturer · SKU, order qty / price break ..."""
    status = line.get("status")
    confidence = line.get("confidence")
    status_text = _p(_status(status, zh))
    if status in STATUS_COLOURS:
        status_text = f'<span backColor="#{STATUS_COLOURS[status][0]}">&nbsp;{status_text}&nbsp;</span>'
    if isinstance(confidence, int | float) and not isinstance(confidence, bool) and confidence > 0:
        status_text += f"<br/>{confidence:.0%}"
    qpb = _count(line.get("qty_per_board"))
    price_break = _count(line.get("price_break"))
    lead = _count(line.get("lead_time_days"))
    return [
        cells(0, _text(line.get("line")), _text(line.get("sheet"))),
        cells(1, ", ".join(_texts(line.get("designators")))),
        cells(
            2,
            _fmt_count(_count(line.get("qty"))),
            _t("per_board", zh).format(n=_fmt_count(qpb)) if qpb else "",
            right=True,
        ),
        cells(3, _input_text(line.get("input"))),
        _CellParagraph(status_text, styles.get(str(status), styles["cell"])),
        cells(
            5, _text(line.get("mpn")) or _t("none", zh), " · ".join(_texts([line.get("manufacturer"), line.get("sku")]))
        ),
        cells(6, _text(line.get("description"))),
        cells(7, _text(line.get("package"))),
        cells(8, _fmt_money(_decimal(line.get("unit_price")), unit=True), right=True),
        cells(
            9,
            _fmt_count(_count(line.get("order_qty"))),
            _t("break_from", zh).format(n=_fmt_count(price_break)) if price_break else "",
            right=True,
        ),
        cells(10, _fmt_money(_decimal(line.get("ext_price"))), right=True),
        cells(
            11,
            _fmt_count(_count(line.get("stock"))),
            _t("days", zh).format(n=lead) if lead is not None else "",
            right=True,
        ),
        cells(12, _text(line.get("note"))),
    ]


def _pdf_totals(quote: Mapping[str, Any], zh: bool, styles: Mapping[str, ParagraphStyle]) -> Table:
    rows = [
        [Paragraph(_p(label), styles["total"]), Paragraph(_p(_fmt_value(amount)), styles["total"])]
        for label, amount in _totals(quote, zh)
    ]
    table = Table(rows, colWidths=[60 * mm, 35 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 1, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _pdf_simple_table(rows: Sequence[Sequence[Value]], widths: Sequence[float], styles: Mapping[str, Any]) -> Flowable:
    """DNP and problem lists: a header row and text rows, paginated like the lines table."""
    cells = _CellMaker(widths, styles)
    header = [_CellParagraph(_p(_fmt_value(v)), styles["head"]) for v in rows[0]]
    body = [[cells(i, _fmt_value(v)) for i, v in enumerate(row)] for row in rows[1:]]
    return _PagedTable(header, body, widths, _pdf_table_style(styles))


def _footer_text(quote: Mapping[str, Any], zh: bool) -> tuple[str, str]:
    revision = _count(quote.get("revision"))
    left = _text(quote.get("quote_id"))
    if revision is not None:
        left += "  " + _t("rev_short", zh).format(rev=revision)
    return left, f"{_t('valid_until', zh)} {_text(quote.get('valid_until'))}"


def _footer_canvas(footer: tuple[str, str], zh: bool) -> type[Canvas]:
    """A canvas that holds pages back until the end so that each footer can say "page 3 of 12"."""
    left, middle = footer
    page_text = _t("page", zh)

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self._footer(number, len(self._pages))
                super().showPage()
            super().save()

        def _footer(self, page: int, pages: int) -> None:
            width, _ = self._pagesize
            self.saveState()
            self.setFont(_pdf_font(), 7)
            self.setFillColor(colors.HexColor("#595959"))
            self.drawString(10 * mm, 6 * mm, left)
            self.drawCentredString(width / 2, 6 * mm, middle)
            self.drawRightString(width - 10 * mm, 6 * mm, page_text.format(page=page, pages=pages))
            self.restoreState()

    return FooterCanvas


def _fmt_count(value: int | float | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else f"{value:,g}" if isinstance(value, float) else f"{value:,}"


def _fmt_money(value: Decimal | str | None, *, unit: bool = False) -> str:
    """2 decimals for amounts; unit prices keep up to their 6 decimals (but at least 2)."""
    if not isinstance(value, Decimal):
        return value or ""
    places = 2
    exponent = value.as_tuple().exponent
    if unit and isinstance(exponent, int):
        places = min(6, max(2, -exponent))
    return f"{value:,.{places}f}"


def _fmt_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}" if not isinstance(value, bool) else str(value)
    if isinstance(value, Decimal):
        return _fmt_money(value)
    return str(value)
