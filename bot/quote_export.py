"""Quote exports: the persisted quote JSON as an Excel workbook, a CSV file or a printable PDF.

One language per file, picked by `lang`: Chinese labels for "zh" (also "zh-CN", "zh_TW" ...), English for anything
else. Labels and status names are translated; the quote's values (part numbers, the buyer's text, numbers) never
are. Money arrives as Decimal strings and stays Decimal: every number in a file is the quote's own, nothing is
recomputed here. Only line counts (priced X of Y, lines to decide) are counted from the lines where a quote
stored before its `summary` had them lacks them.

Every file says how much of the BOM is priced: while any line has no price, subtotal and total are labelled
as covering the priced lines only. The PDF opens with that summary and the lines to decide (candidates numbered
as the chat counts them), then a compact lines table: each cell at most two lines, numbers never broken.
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
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from knowledge.messages import MESSAGES, data_text, match_note_text, why_text
from knowledge.quote import needs_decision

FONT_PATH = Path(__file__).parent / "fonts" / "NotoSansSC-GB2312.ttf"  # built by bot/fonts/build_font.py
PDF_FONT = "NotoSansSC-GB2312"
STATUSES = ("exact", "chosen", "parametric", "ambiguous", "not_found")
# fill and text colour per match status, the same in XLSX and PDF (Excel's good / neutral / bad palette, teal
# for a parametric match, calm blue for a candidate the buyer picked in the chat)
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "exact": ("C6EFCE", "006100"),
    "chosen": ("DDEBF7", "1F4E79"),
    "parametric": ("CCF0EA", "0B5D4F"),
    "ambiguous": ("FFEB9C", "9C5700"),
    "not_found": ("FFC7CE", "9C0006"),
}
CANDIDATE_STATUSES = ("ambiguous", "not_found")  # lines whose candidates the buyer still has to choose from
PDF_CANDIDATES = 3  # candidates per line in the PDF's "lines to decide" (a quote keeps at most 3 from now on)


def to_xlsx(quote: Mapping[str, Any], lang: str = "zh") -> bytes:
    """An Excel workbook: summary (how much is priced), header block, one row per line, totals, DNP, problems,
    warnings; candidates on sheet 2."""
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
    _xlsx_section(sheet, row, _t("warnings", zh), [[w] for w in _warnings(quote, zh)], [1], header=False)
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
    """A4 landscape PDF with an embedded Chinese font: title, summary (priced X of Y lines, subtotal of the
    priced lines, lines to decide, tax, total, validity, lead time, boards), the lines to decide with their
    numbered candidates, the lines table (header row on every page, each cell at most two lines), totals, DNP,
    problems, warnings; each page's footer says the quote, the validity and the page number."""
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
    story.extend(_pdf_summary(quote, zh, styles))
    story.extend(_pdf_decisions(quote, zh, styles, doc.width))
    story.append(Paragraph(_p(_t("all_lines", zh).format(n=len(_lines(quote)))), styles["heading"]))
    story.append(_pdf_lines_table(quote, zh, styles, doc.width))
    totals: list[Flowable] = [Spacer(0, 2 * mm), _pdf_totals(quote, zh, styles)]
    lang = "zh" if zh else "en"
    sources = sorted({data_text(str(s), lang) for s in (line.get("price_source") for line in _lines(quote)) if s})
    if sources:
        totals.append(Paragraph(_p(f"{_t('price_source', zh)}: " + "; ".join(sources)), styles["small"]))
    story.append(KeepTogether(totals))  # subtotal, tax and total on one page
    for title, rows, widths in (
        (_t("dnp", zh), _dnp_rows(quote, zh), [40, 200, 300]),
        (_t("problems", zh), _problem_rows(quote, zh), [40, 100, 500]),
    ):
        if len(rows) > 1:
            story.append(Paragraph(_p(title), styles["heading"]))
            story.append(_pdf_simple_table(rows, widths, styles))
    warnings = _warnings(quote, zh)
    if warnings:
        story.append(Paragraph(_p(_t("warnings", zh)), styles["heading"]))
        story.extend(Paragraph(_p(f"• {w}"), styles["warning"]) for w in warnings)
    doc.build(story, canvasmaker=_footer_canvas(_footer_text(quote, zh), zh))
    return out.getvalue()


EXPORT_FORMATS: dict[str, tuple[Callable[[Mapping[str, Any], str], bytes], str]] = {
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "pdf": (to_pdf, "application/pdf"),
}

# ---------------------------------------------------------------------------------------------------- labels


def _is_zh(lang: str) -> bool:
    return lang.lower().replace("_", "-").split("-")[0] == "zh"


def _t(key: str, zh: bool) -> str:
    """The export label `key` as written (its fields, if any, are filled by the caller)."""
    return MESSAGES[f"export.{key}"]["zh" if zh else "en"]


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
        if self.key == "note":  # the matcher's and pricing's clauses, in the file's language
            return match_note_text(_text(line.get("note")), "zh" if zh else "en")
        if self.key == "description":
            return _description(line, zh)
        if self.key == "price_source":  # 'JLCPCB list price, snapshot …' in the file's language
            return data_text(_text(line.get("price_source")), "zh" if zh else "en")
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


def _in_language(item: Mapping[str, Any], key: str, zh: bool) -> Any:
    """A field kept in both languages (`key` and `key_zh`: a line's product title, the quote's warnings) in the
    file's language; a quote saved before it kept both has only its English `key`."""
    return item.get(f"{key}_zh") if zh and item.get(f"{key}_zh") else item.get(key)


def _warnings(quote: Mapping[str, Any], zh: bool) -> list[str]:
    return _texts(_in_language(quote, "warnings", zh))


def _description(item: Mapping[str, Any], zh: bool) -> str:
    return _text(_in_language(item, "description", zh))


def _input_text(value: Any) -> str:
    """The buyer's own words for a line, in the order a buyer reads them: part number first."""
    if not isinstance(value, Mapping):
        return _text(value)
    keys = ("mpn", "supplier_code", "manufacturer", "value", "package", "description")
    return " / ".join(t for t in (_text(value.get(k)) for k in keys) if t)


@dataclass(frozen=True)
class _Summary:
    """How much of the quote is priced: the quote's own `summary` where it has the field, else counted here."""

    lines: int
    priced: int  # lines with an extended price
    to_decide: int  # lines the buyer must decide on (knowledge.quote.needs_decision)
    unpriced: int
    longest_lead: int | float | str | None

    @property
    def partial(self) -> bool:
        """Some lines carry no price: subtotal and total cover the priced lines only."""
        return self.unpriced > 0


def _has_price(line: Mapping[str, Any]) -> bool:
    return line.get("ext_price") not in (None, "")


def _summary(quote: Mapping[str, Any]) -> _Summary:
    stored = quote.get("summary")
    stored = stored if isinstance(stored, Mapping) else {}
    lines = _lines(quote)

    def pick(key: str, fallback: int) -> int:
        value = stored.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        return fallback

    total = pick("lines", len(lines))
    priced = pick("priced", sum(1 for line in lines if _has_price(line)))
    leads = [n for n in (_count(line.get("lead_time_days")) for line in lines) if isinstance(n, int | float)]
    longest = stored.get("longest_lead_time_days") if "longest_lead_time_days" in stored else max(leads, default=None)
    return _Summary(
        lines=total,
        priced=priced,
        to_decide=pick("to_decide", sum(1 for line in lines if needs_decision(line))),
        unpriced=pick("unpriced", max(0, total - priced)),
        longest_lead=_count(longest),
    )


def _headline(quote: Mapping[str, Any], summary: _Summary, zh: bool) -> str:
    """已报价 49/103 行 · 小计(已报价部分) CNY 17.15 · 54 行待处理"""
    parts = [_t("priced_of", zh).format(priced=summary.priced, lines=summary.lines)]
    subtotal = _fmt_value(_decimal(quote.get("subtotal"))) or _t("none", zh)
    label = _t("subtotal_priced" if summary.partial else "subtotal", zh)
    if not zh:
        label = label[0].lower() + label[1:]
    parts.append(" ".join(t for t in (label, _text(quote.get("currency")), subtotal) if t))
    if summary.to_decide:
        parts.append(_t("to_decide_1" if summary.to_decide == 1 else "to_decide_n", zh).format(n=summary.to_decide))
    return " · ".join(parts)


def _totals(quote: Mapping[str, Any], zh: bool) -> list[tuple[str, Value]]:
    """Subtotal, tax (with its rate) and total, each with its currency; while any line is unpriced, subtotal
    and total say they cover the priced lines only (never a bare total that silently leaves lines out)."""
    partial = _summary(quote).partial
    rate = _decimal(quote.get("tax_rate"))
    tax = _t("tax", zh)
    if isinstance(rate, Decimal):
        tax = f"{tax} {_percent(rate)}"
    return [
        (_in_currency(_t("subtotal_priced" if partial else "subtotal", zh), quote), _decimal(quote.get("subtotal"))),
        (_in_currency(tax, quote), _decimal(quote.get("tax"))),
        (_in_currency(_t("total_priced" if partial else "total", zh), quote), _decimal(quote.get("total"))),
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
            row += [_status(line.get("status"), zh), rank]
            row += [_description(cand, zh) if k == "description" else _text(cand.get(k)) for k in keys]
            row += [
                float(score) if isinstance(score, int | float) and not isinstance(score, bool) else _text(score),
                why_text("; ".join(_texts(cand.get("why"))), "zh" if zh else "en"),
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
    """Title, the summary (priced X/Y, subtotal of the priced lines, lines to decide, total labelled for what it
    covers), then two columns of label / value pairs; returns the row of the lines-table header."""
    title = sheet.cell(row=1, column=1, value=f"{_t('title', zh)} {_text(quote.get('quote_id'))}")
    title.font = _TITLE
    summary = _summary(quote)
    headline = sheet.cell(row=2, column=1, value=_headline(quote, summary, zh))
    headline.font = Font(bold=True, size=12)
    lead = summary.longest_lead
    (subtotal, subtotal_amount), (tax, tax_amount), (total, total_amount) = _totals(quote, zh)
    summary_pairs: list[tuple[str, Value]] = [
        (_t("priced", zh), f"{summary.priced} / {summary.lines}"),
        (_t("to_decide", zh), summary.to_decide),
        (subtotal, subtotal_amount),
        (tax, tax_amount),
        (total, total_amount),
        (_t("longest_lead", zh), _t("days", zh).format(n=_fmt_count(lead)) if lead is not None else None),
    ]
    row = _xlsx_pairs(sheet, 3, summary_pairs)
    pairs: list[tuple[str, Value]] = [
        (_t(key, zh), value)
        for key, value in (
            ("quote_id", _text(quote.get("quote_id"))),
            ("created", _text(quote.get("created"))),
            ("revision", _count(quote.get("revision"))),
            ("valid_until", _text(quote.get("valid_until"))),
            ("buyer", _text(quote.get("buyer"))),
            ("boards", _count(quote.get("boards"))),
            ("file", _text(quote.get("file"))),
            ("currency", _text(quote.get("currency"))),
        )
    ]
    return _xlsx_pairs(sheet, row, pairs) + 1


def _xlsx_pairs(sheet: Worksheet, first_row: int, pairs: Sequence[tuple[str, Value]]) -> int:
    """Label / value pairs, two to a row (labels bold, values left-aligned); returns the next free row."""
    for index, (text, value) in enumerate(pairs):
        row, left = first_row + index // 2, index % 2 == 0
        label_col, value_col, value_end = (1, 3, 5) if left else (6, 8, 10)
        label = sheet.cell(row=row, column=label_col, value=text)
        label.font = _BOLD
        sheet.merge_cells(start_row=row, start_column=label_col, end_row=row, end_column=value_col - 1)
        kind = "money" if isinstance(value, Decimal) else "int" if isinstance(value, int) else "text"
        _xlsx_put(sheet, row, value_col, value, kind).alignment = Alignment(horizontal="left")
        sheet.merge_cells(start_row=row, start_column=value_col, end_row=row, end_column=value_end)
    return first_row + (len(pairs) + 1) // 2


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
    grey = colors.HexColor("#595959")
    cell = ParagraphStyle("cell", fontName=font, fontSize=6.5, leading=7.2, wordWrap="CJK")  # tables
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=14, leading=17, spaceAfter=2),
        "headline": ParagraphStyle("headline", fontName=font, fontSize=10.5, leading=13, spaceAfter=3),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=10, leading=12.5, spaceBefore=6, spaceAfter=2),
        "label": ParagraphStyle("label", parent=cell, fontSize=7.5, leading=9, textColor=grey),
        "field": ParagraphStyle("field", parent=cell, fontSize=7.5, leading=9),
        "cell": cell,
        "num": ParagraphStyle("num", parent=cell, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=cell, textColor=colors.black),
        "small": ParagraphStyle("small", parent=cell, fontSize=6.5, leading=8, textColor=grey),
        "warning": ParagraphStyle("warning", parent=cell, fontSize=6.5, leading=8),
        "total": ParagraphStyle("total", parent=cell, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
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


def _pdf_summary(quote: Mapping[str, Any], zh: bool, styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    """Right under the title: "已报价 49/103 行 · 小计(已报价部分) CNY … · 54 行待处理", then tax, total (labelled
    for what it covers), validity, longest lead time, boards and the quote's particulars, three pairs a row."""
    summary = _summary(quote)
    revision = _count(quote.get("revision"))
    quote_text = _text(quote.get("quote_id"))
    if revision is not None:
        quote_text += "  " + _t("rev_short", zh).format(rev=revision)
    _, (tax, tax_amount), (total, total_amount) = _totals(quote, zh)
    lead = summary.longest_lead
    pairs = [
        (tax, _fmt_value(tax_amount)),
        (total, _fmt_value(total_amount)),
        (_t("valid_until", zh), _text(quote.get("valid_until"))),
        (_t("longest_lead", zh), _t("days", zh).format(n=_fmt_count(lead)) if lead is not None else _t("none", zh)),
        (_t("boards", zh), _fmt_count(_count(quote.get("boards")))),
        (_t("currency", zh), _text(quote.get("currency"))),
        (_t("quote_id", zh), quote_text),
        (_t("created", zh), _text(quote.get("created"))),
        (_t("buyer", zh), _text(quote.get("buyer")) or _t("none", zh)),
        (_t("file", zh), _text(quote.get("file"))),
    ]
    while len(pairs) % 3:
        pairs.append(("", ""))
    rows = []
    for i in range(0, len(pairs), 3):
        row: list[Any] = []
        for label, value in pairs[i : i + 3]:
            row += [Paragraph(_p(label), styles["label"]), Paragraph(_p(value), styles["field"])]
        rows.append(row)
    table = Table(rows, colWidths=[36 * mm, 44 * mm, 38 * mm, 44 * mm, 22 * mm, 86 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
            ]
        )
    )
    return [Paragraph(_p(_headline(quote, summary, zh)), styles["headline"]), table]


def _pdf_decisions(
    quote: Mapping[str, Any], zh: bool, styles: Mapping[str, ParagraphStyle], width: float
) -> list[Flowable]:
    """The lines the buyer must decide on, before the full table: line number, the buyer's input, status, note
    and the candidates numbered 1..3 as the chat counts them ("第3行用第二个" picks number 2)."""
    lines = [line for line in _lines(quote) if needs_decision(line)]
    if not lines:
        return []
    fixed = (20.0, 120.0, 42.0, 180.0)
    option = (width - sum(fixed)) / PDF_CANDIDATES
    widths = [*fixed, *(option,) * PDF_CANDIDATES]
    labels = [_t("line", zh), _t("input", zh), _t("status", zh), _t("note", zh)]
    labels += [_t("option", zh).format(n=n) for n in range(1, PDF_CANDIDATES + 1)]
    header = [_CellParagraph(_p(label), styles["head"]) for label in labels]
    cells = _CellMaker(widths, styles)
    sources = _price_source_notes(quote)
    rows, row_styles = [], []
    for line in lines:
        candidates = [c for c in line.get("candidates") or () if isinstance(c, Mapping)]
        note = _pdf_note(line, sources, zh)
        if len(candidates) > PDF_CANDIDATES:
            note = "; ".join(
                t for t in (_t("more_candidates", zh).format(n=len(candidates) - PDF_CANDIDATES), note) if t
            )
        row: list[Any] = [
            cells.text(0, _text(line.get("line"))),
            cells.text(1, _input_text(line.get("input")), _designator_text(_texts(line.get("designators")))),
            cells.text(2, _status(line.get("status"), zh)),
            cells.text(3, note),
        ]
        for number in range(1, PDF_CANDIDATES + 1):
            cand = candidates[number - 1] if number <= len(candidates) else None
            row.append(_pdf_candidate_cell(cells, 3 + number, number, cand, zh))
        rows.append(row)
        row_styles.append(_status_cell_style(line.get("status"), 2))
    example = next((line.get("line") for line in lines if line.get("candidates")), None)
    hint = _t("decisions_hint", zh).format(line=example) if example is not None else _t("decisions_hint_plain", zh)
    return [
        Paragraph(_p(f"{_t('decisions', zh)} ({len(lines)})"), styles["heading"]),
        Paragraph(_p(hint), styles["small"]),
        Spacer(0, 1 * mm),
        _PagedTable(header, rows, widths, _pdf_table_style(styles), row_styles=row_styles),
    ]


def _pdf_candidate_cell(cells: _CellMaker, column: int, number: int, cand: Mapping[str, Any] | None, zh: bool) -> str:
    """ "1. MPN · maker" / "package · 库存 12,000 · 0.0123 CNY", a line each (the XLSX has the descriptions)."""
    if cand is None:
        return ""
    stock = _count(cand.get("stock"))
    part = [f"{number}. {_text(cand.get('mpn')) or _text(cand.get('sku'))}", _text(cand.get("manufacturer"))]
    facts = [
        _text(cand.get("package")),
        _t("stock_n", zh).format(n=_fmt_count(stock)) if stock is not None else "",
        _text(cand.get("unit_price")) or _t("no_price", zh),
    ]
    return cells.text(column, " · ".join(t for t in part if t), " · ".join(t for t in facts if t), one_line_each=True)


# (label key, width in points (0: whatever is left), a number (never broken, right-aligned))
_PDF_COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("line", 20, False),
    ("designators", 50, False),
    ("qty", 40, True),
    ("input", 86, False),
    ("status", 42, False),
    ("part", 96, False),
    ("description", 92, False),
    ("package", 34, False),
    ("unit_price", 40, True),
    ("order_qty", 38, True),
    ("ext_price", 44, True),
    ("stock_lead", 38, True),
    ("note", 0, False),
)
_PDF_PAD = 2.0  # cell padding left and right, points
_PDF_VPAD = 1.2  # cell padding top and bottom
_PDF_MAX_LINES = 2  # a row of the lines table is at most this many lines high: the full texts are in the XLSX


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
    rows: list[list[Any]] = []
    row_styles = []
    cells = _CellMaker(widths, styles)
    sources = _price_source_notes(quote)
    for line in _lines(quote):
        rows.append(_pdf_line_cells(line, zh, cells, sources))
        row_styles.append(_status_cell_style(line.get("status"), 4))
    align = [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, (_, _, right) in enumerate(_PDF_COLUMNS) if right]
    return _PagedTable(header, rows, widths, _pdf_table_style(styles, align), row_styles=row_styles)


def _status_cell_style(status: Any, column: int) -> list[tuple[str, int, Any]]:
    """The status cell filled and lettered in the status's colours (as in the XLSX)."""
    if status not in STATUS_COLOURS:
        return []
    fill, text = STATUS_COLOURS[status]
    return [("BACKGROUND", column, colors.HexColor(f"#{fill}")), ("TEXTCOLOR", column, colors.HexColor(f"#{text}"))]


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
            ("TOPPADDING", (0, 0), (-1, -1), _PDF_VPAD),
            ("BOTTOMPADDING", (0, 0), (-1, -1), _PDF_VPAD),
            *extra,
        ]
    )


RowStyle = Sequence[tuple[str, int, Any]]  # (command, column, value) for one cell of one row


class _PagedTable(Flowable):
    """A long table that paginates itself: on each page, one Table of the header row plus the rows that fit.

    reportlab's LongTable re-measures the remaining rows at every page break, which is quadratic (a 10,000-line
    quote took 24 s); here each row is measured once, in blocks, and every page is cut from the known heights.
    `row_styles` style single cells of a row (the status colours) wherever the row lands."""

    _BLOCK = 200  # rows measured per throw-away Table

    def __init__(
        self,
        header: Sequence[Any],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        style: TableStyle,
        heights: Sequence[float] | None = None,
        start: int = 0,
        row_styles: Sequence[RowStyle] = (),
    ) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.style, self.start = header, rows, widths, style, start
        self.row_styles = row_styles
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
        rest = _PagedTable(self.header, self.rows, self.widths, self.style, self.heights, end, self.row_styles)
        return [page, rest]

    def draw(self) -> None:
        table = self._page(self.start, len(self.rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)

    def _page(self, start: int, end: int) -> Table:
        heights = [self.heights[0], *self.heights[1 + start : 1 + end]]
        data = [list(self.header), *(list(row) for row in self.rows[start:end])]
        table = Table(data, colWidths=list(self.widths), rowHeights=heights, style=self.style, hAlign="LEFT")
        cell_styles = [
            (command, (column, row), (column, row), value)
            for row, commands in enumerate(self.row_styles[start:end], 1)
            for command, column, value in commands
        ]
        if cell_styles:
            table.setStyle(TableStyle(cell_styles))
        return table


_NO_LINE_START = set(",.;:!?%)]}，。；：！？、）》」』·…")  # a line never starts with these
_NO_LINE_END = set("([{（《「『")  # nor ends with these
_BREAK_AFTER = set(",;/·，；、）)")  # a line may end after these (unless a digit follows: 10,000 stays whole)


def _cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def _can_break(text: str, at: int) -> bool:
    """May a line end between text[at - 1] and text[at]?"""
    before, after = text[at - 1], text[at]
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return False
    if before == " ":
        return True
    if before in _BREAK_AFTER:
        return not after.isdigit()
    return _cjk(before) or _cjk(after)


class _CellMaker:
    """Table cells laid out here rather than by reportlab's Paragraph: each cell is at most `max_lines` lines,
    broken at spaces and punctuation and between Hanzi, never inside a number or word unless one alone is wider
    than its column; what does not fit ends in "…" (the XLSX keeps every text whole). The result is a plain
    string, which a Table draws without measuring paragraphs: cheap for a 10,000-line quote.

    Numbers (`number`) are never broken at all: one too wide for its column is drawn in a smaller size."""

    def __init__(
        self, widths: Sequence[float], styles: Mapping[str, ParagraphStyle], max_lines: int = _PDF_MAX_LINES
    ) -> None:
        self.widths = widths
        self.font = styles["cell"].fontName
        self.size = styles["cell"].fontSize
        self.leading = styles["cell"].leading
        self.max_lines = max_lines
        self._char_widths: dict[str, float] = {}

    def text(self, column: int, *parts: str, one_line_each: bool = False) -> str:
        """Each part starts a new line; all of them together fill at most max_lines lines (or one line each)."""
        room = self.widths[column] - 2 * _PDF_PAD
        out: list[str] = []
        for text in (t for t in (" ".join(_pdf_text(p).split()) for p in parts) if t):
            if len(out) >= self.max_lines:  # a part left over
                out[-1] = self._ellipsis(out[-1], room)
                break
            lines, cut = self._wrap(text, room, 1 if one_line_each else self.max_lines - len(out))
            out += lines
            if cut:
                out[-1] = self._ellipsis(out[-1], room)
        return "\n".join(out)

    def number(self, column: int, *parts: str) -> str | Flowable:
        """Right-aligned lines that never wrap: a number too wide for the column shrinks instead."""
        lines = [p for p in (_pdf_text(p).strip() for p in parts) if p]
        room = self.widths[column] - 2 * _PDF_PAD
        if all(self._width(line) <= room for line in lines):
            return "\n".join(lines)
        return _FitText(lines, self.font, self.size, self.leading)

    def _width(self, text: str) -> float:
        known = self._char_widths
        total = 0.0
        for char in text:
            width = known.get(char)
            if width is None:
                width = known[char] = pdfmetrics.stringWidth(char, self.font, self.size)
            total += width
        return total

    def _wrap(self, text: str, room: float, limit: int) -> tuple[list[str], bool]:
        """Up to `limit` lines of `text` each within `room` points; whether text was left over."""
        cap = int(room * limit) + 1  # more characters than fit (no glyph is under a point wide at this size)
        capped, text = len(text) > cap, text[:cap]
        if not capped and self._width(text) <= room:
            return [text], False
        known = self._char_widths
        lines: list[str] = []
        start, size = 0, len(text)
        while start < size and len(lines) < limit:
            used, at, last_break = 0.0, start, -1
            while at < size:
                char = text[at]
                width = known.get(char)
                if width is None:
                    width = known[char] = pdfmetrics.stringWidth(char, self.font, self.size)
                if used + width > room and at > start:
                    break
                used += width
                at += 1
                if at < size and _can_break(text, at):
                    last_break = at
            if at >= size:
                lines.append(text[start:].rstrip())
                start = size
                break
            end = at if text[at] == " " else last_break if last_break > start else at
            lines.append(text[start:end].rstrip())
            start = end
            while start < size and text[start] == " ":
                start += 1
        return lines, capped or start < size

    def _ellipsis(self, line: str, room: float) -> str:
        """The line with "…" at its end, shortened to keep within the column."""
        if line.endswith("…"):
            return line
        while line and self._width(line + "…") > room:
            line = line[:-1]
        return line.rstrip(" ,;·/，；、") + "…"


class _FitText(Flowable):
    """Lines drawn whole and right-aligned, in a size small enough for the column: a number never wraps."""

    def __init__(self, lines: Sequence[str], font: str, size: float, leading: float) -> None:
        super().__init__()
        self.lines, self.font, self.size, self.leading = list(lines), font, size, leading
        self.fit = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        widest = max((pdfmetrics.stringWidth(line, self.font, self.size) for line in self.lines), default=0.0)
        self.fit = self.size * min(1.0, availWidth / widest) if widest > 0 else self.size
        self.width, self.height = availWidth, self.leading * len(self.lines)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFont(self.font, self.fit)
        self.canv.setFillColor(colors.black)
        for index, line in enumerate(self.lines):
            self.canv.drawRightString(self.width, self.height - self.size - index * self.leading, line)


def _designator_text(designators: Sequence[str]) -> str:
    """R1, R2, R3, R4, R7 → R1–R4, R7: runs of three or more consecutive reference designators as a range."""
    out: list[str] = []
    run: list[tuple[str, int, str]] = []  # (prefix, number, text) of the current run

    def flush() -> None:
        if len(run) >= 3:
            out.append(f"{run[0][2]}–{run[-1][2]}")
        else:
            out.extend(item[2] for item in run)
        run.clear()

    for text in designators:
        match = _DESIGNATOR.fullmatch(text)
        if match is None:
            flush()
            out.append(text)
            continue
        prefix, number = match.group(1), int(match.group(2))
        if run and (run[-1][0] != prefix or run[-1][1] + 1 != number):
            flush()
        run.append((prefix, number, text))
    flush()
    return ", ".join(out)


_DESIGNATOR = re.compile(r"([A-Za-z_]+)(\d{1,9})")


def _price_source_notes(quote: Mapping[str, Any]) -> set[str]:
    """The "price: <source>" note clauses (knowledge/pricing.py) that only repeat the sources the PDF lists."""
    return {f"price: {s}" for s in (_text(line.get("price_source")) for line in _lines(quote)) if s}


def _pdf_note(line: Mapping[str, Any], sources: set[str], zh: bool) -> str:
    """The line's note for a cell of two lines: what stops or changes the order first (not priced, short of
    stock, end of life, an in-stock substitute), then the rest in its order; no clause that only names the price
    source (listed once, under the totals)."""
    clauses = [part for part in _text(line.get("note")).split("; ") if part and part not in sources]
    ordered = "; ".join(sorted(clauses, key=lambda part: not part.startswith(_URGENT_NOTES)))  # stable: order kept
    return match_note_text(ordered, "zh" if zh else "en")


# note clauses (knowledge/quote.py, knowledge/pricing.py) the buyer must see even when the note is cut
_URGENT_NOTES = ("not priced", "quantity", "only ", "none in stock", "lifecycle:", "in stock instead:")


def _pdf_line_cells(line: Mapping[str, Any], zh: bool, cells: _CellMaker, sources: set[str]) -> list[Any]:
    """One table row; related facts share a cell: MPN / manufacturer · SKU, order qty / price break ..."""
    status = line.get("status")
    confidence = line.get("confidence")
    conf_text = ""
    if (
        isinstance(confidence, int | float)
        and not isinstance(confidence, bool)
        and confidence > 0
        and status != "chosen"
    ):
        conf_text = f"{confidence:.0%}"
    qpb = _count(line.get("qty_per_board"))
    price_break = _count(line.get("price_break"))
    lead = _count(line.get("lead_time_days"))
    note = _pdf_note(line, sources, zh)
    return [
        cells.text(0, _text(line.get("line")), _text(line.get("sheet"))),
        cells.text(1, _designator_text(_texts(line.get("designators")))),
        cells.number(
            2, _fmt_count(_count(line.get("qty"))), _t("per_board", zh).format(n=_fmt_count(qpb)) if qpb else ""
        ),
        cells.text(3, _input_text(line.get("input"))),
        cells.text(4, _status(status, zh), conf_text),
        cells.text(
            5, _text(line.get("mpn")) or _t("none", zh), " · ".join(_texts([line.get("manufacturer"), line.get("sku")]))
        ),
        cells.text(6, _description(line, zh)),
        cells.text(7, _text(line.get("package"))),
        cells.number(8, _fmt_money(_decimal(line.get("unit_price")), unit=True)),
        cells.number(
            9,
            _fmt_count(_count(line.get("order_qty"))),
            _t("break_from", zh).format(n=_fmt_count(price_break)) if price_break else "",
        ),
        cells.number(10, _fmt_money(_decimal(line.get("ext_price")))),
        cells.number(
            11, _fmt_count(_count(line.get("stock"))), _t("days", zh).format(n=lead) if lead is not None else ""
        ),
        cells.text(12, note),
    ]


def _pdf_totals(quote: Mapping[str, Any], zh: bool, styles: Mapping[str, ParagraphStyle]) -> Table:
    rows = [
        [Paragraph(_p(label), styles["total"]), Paragraph(_p(_fmt_value(amount)), styles["total"])]
        for label, amount in _totals(quote, zh)
    ]
    table = Table(rows, colWidths=[70 * mm, 35 * mm], hAlign="RIGHT")
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
    cells = _CellMaker(widths, styles, max_lines=3)
    header = [_CellParagraph(_p(_fmt_value(v)), styles["head"]) for v in rows[0]]
    body = [[cells.text(i, _fmt_value(v)) for i, v in enumerate(row)] for row in rows[1:]]
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
