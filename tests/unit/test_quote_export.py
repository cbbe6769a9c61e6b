"""Quote exports read back: XLSX with openpyxl, CSV with the csv module, PDF text and pixels with pdfium."""

from __future__ import annotations

import copy
import csv
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import openpyxl
import pypdfium2 as pdfium
import pytest

from bot.quote_export import EXPORT_FORMATS, STATUS_COLOURS, to_csv, to_pdf, to_xlsx
from knowledge.messages import match_note_text

HYPERLINK = '=HYPERLINK("http://x")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _input(**given: str) -> dict[str, str]:
    fields = dict.fromkeys(("mpn", "manufacturer", "value", "package", "description", "supplier_code"), "")
    return {**fields, **given}


def _line(line: int, status: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "line": line,
        "sheet": "",
        "designators": [],
        "qty_per_board": 1,
        "qty": 505,
        "input": _input(),
        "status": status,
        "confidence": 0.0,
        "sku": None,
        "mpn": None,
        "manufacturer": None,
        "description": None,
        "package": None,
        "unit_price": None,
        "price_break": None,
        "order_qty": None,
        "ext_price": None,
        "stock": None,
        "lead_time_days": None,
        "price_source": None,
        "candidates": [],
        "note": "",
    }
    return {**base, **fields}


def _candidate(sku: str, mpn: str, score: float) -> dict[str, Any]:
    return {
        "sku": sku,
        "mpn": mpn,
        "manufacturer": "ST(意法半导体)",
        "package": "LQFP-48",
        "description": "ARM Cortex-M3 单片机 72MHz 64KB Flash",
        "score": score,
        "why": ["part number prefix", "package"],
        "unit_price": "5.120000",
        "stock": 2400,
    }


LINES = [
    _line(
        2,
        "exact",
        designators=["R1", "R2", "R5"],
        qty_per_board=3,
        qty=1530,
        input=_input(value="10k", package="0603"),
        confidence=0.93,
        sku="C25804",
        mpn="0603WAF1002T5E",
        manufacturer="UNI-ROYAL(厚声)",
        description="10kΩ ±1% 100mW 0603 厚膜电阻",
        package="0603",
        unit_price="0.001950",
        price_break=1000,
        order_qty=2000,
        ext_price="3.90",
        stock=123456,
        lead_time_days=3,
        price_source="JLCPCB list price, snapshot 2026-05-21",
        note="ordering 2,000 instead of 1,530 is cheaper",
    ),
    _line(
        3,
        "parametric",
        designators=["C1", "C2", "C3", "C4"],
        qty_per_board=4,
        qty=2040,
        input=_input(value="100nF", package="0402", description="X7R 16V"),
        confidence=0.81,
        sku="C1525",
        mpn="CL05B104KO5NNNC",
        manufacturer="SAMSUNG(三星)",
        description="100nF ±10% 16V X7R 0402 贴片电容",
        package="0402",
        unit_price="0.000820",
        price_break=2000,
        order_qty=2040,
        ext_price="1.67",
        stock=880000,
        lead_time_days=3,
        price_source="synthetic demo price (seeded)",
    ),
    _line(
        5,
        "ambiguous",
        designators=["U1"],
        input=_input(mpn="STM32F103C8", manufacturer="@SUM(1)"),
        confidence=0.55,
        candidates=[
            _candidate("C8734", "STM32F103C8T6", 0.91),
            # as knowledge/quote.py writes them: reasons joined, the price with its currency
            {
                **_candidate("C77994", "STM32F103C8T7", 0.88),
                "why": "part number prefix; package",
                "unit_price": "0.72 USD",
            },
        ],
        note="2 parts match: choose one",
    ),
    _line(
        6,
        "not_found",
        designators=["J1"],
        input=_input(mpn=HYPERLINK, description="USB-C 16P 母座"),
        note="no product matches",
    ),
    _line(8, "not_found", designators=["X1"], input=_input(manufacturer="@SUM(1)")),
    _line(10, "ambiguous", designators=["TH1"], input=_input(description="+86 联系人 张工")),
    _line(
        11,
        "parametric",
        designators=["NTC1"],
        qty_per_board=0.5,  # one part shared by two boards
        qty=255,
        input=_input(value="-40~+85℃", package="0603"),
        confidence=0.7,
    ),
]


def _quote(lines: list[dict[str, Any]]) -> dict[str, Any]:
    subtotal = sum((Decimal(line["ext_price"]) for line in lines if line["ext_price"]), Decimal("0.00"))
    tax = (subtotal * Decimal("0.13")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {
        "quote_id": "Q-20261126-0007",
        "revision": 2,
        "currency": "CNY",
        "created": "2026-11-26",
        "valid_until": "2026-12-03",
        "boards": 500,
        "buyer": "深圳某某电子有限公司",
        "file": "keyboard.csv",
        "tax_rate": "0.13",
        "lines": lines,
        "dnp": [{"line": 9, "designators": ["R9"], "mpn": "", "value": "10k"}],
        "problems": [{"line": 7, "sheet": "", "reason": "没有型号、值或描述 (no part number, value or description)"}],
        "subtotal": f"{subtotal:.2f}",
        "tax": f"{tax:.2f}",
        "total": f"{subtotal + tax:.2f}",
        "warnings": ["3 lines need a decision", "line 12: quantity 2 but 3 designators"],
    }


QUOTE = _quote(LINES)


def _many_lines(count: int) -> list[dict[str, Any]]:
    """`count` lines cycling through the sample lines, renumbered, with long notes to force wrapping."""
    lines = []
    for i in range(count):
        line = copy.deepcopy(LINES[i % len(LINES)])
        line["line"] = i + 2
        line["note"] = f"{line['note']} — 第 {i + 2} 行 " + "长备注 long note " * (i % 4)
        lines.append(line)
    return lines


# ---------------------------------------------------------------------------------------------------- XLSX


def _book(quote: dict[str, Any], lang: str = "zh") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(quote, lang)))


def _find(sheet: Any, value: Any) -> tuple[int, int]:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not on sheet {sheet.title}")


def _table(sheet: Any, first_label: str) -> tuple[int, list[str]]:
    header_row, _ = _find(sheet, first_label)
    labels = [c.value for c in sheet[header_row] if c.value is not None]
    return header_row, labels


def test_xlsx_header_block_names_the_quote() -> None:
    sheet = _book(QUOTE).worksheets[0]
    expected = {
        "报价单号": "Q-20261126-0007",
        "版本": 2,
        "报价日期": "2026-11-26",
        "有效期至": "2026-12-03",
        "客户": "深圳某某电子有限公司",
        "板数": 500,
        "BOM 文件": "keyboard.csv",
        "币种": "CNY",
    }
    for label, value in expected.items():
        row, column = _find(sheet, label)
        values = [c.value for c in sheet[row][column:] if c.value is not None]
        assert values[0] == value, label


def test_xlsx_lines_table_holds_every_line_with_numbers_as_numbers() -> None:
    sheet = _book(QUOTE).worksheets[0]
    header_row, labels = _table(sheet, "行号")
    assert labels[:3] == ["行号", "位号", "单板用量"]
    assert "单价 (CNY)" in labels and "金额 (CNY)" in labels and "交期(天)" in labels
    assert sheet.freeze_panes == f"A{header_row + 1}"
    col = {label: i + 1 for i, label in enumerate(labels)}
    rows = {sheet.cell(header_row + 1 + i, 1).value: header_row + 1 + i for i in range(len(LINES))}
    assert sorted(rows) == [line["line"] for line in LINES]
    r = rows[2]
    assert sheet.cell(r, col["位号"]).value == "R1, R2, R5"
    assert sheet.cell(r, col["客户输入"]).value == "10k / 0603"
    assert sheet.cell(r, col["状态"]).value == "精确匹配"
    assert sheet.cell(r, col["描述"]).value == "10kΩ ±1% 100mW 0603 厚膜电阻"
    assert sheet.cell(r, col["单价 (CNY)"]).value == pytest.approx(0.00195)
    assert sheet.cell(r, col["单价 (CNY)"]).number_format == "#,##0.00####"
    assert sheet.cell(r, col["金额 (CNY)"]).value == pytest.approx(3.90)
    assert sheet.cell(r, col["金额 (CNY)"]).number_format == "#,##0.00"
    assert sheet.cell(r, col["订购数量"]).value == 2000
    assert sheet.cell(r, col["置信度"]).value == pytest.approx(0.93)
    assert sheet.cell(r, col["置信度"]).number_format == "0%"
    assert sheet.cell(rows[5], col["SKU"]).value is None  # nothing chosen yet: empty, not "None"
    assert sheet.cell(rows[11], col["单板用量"]).value == 0.5
    assert sheet.cell(rows[11], col["单板用量"]).number_format == "#,##0.######"  # not rounded to 1


def test_xlsx_status_cells_are_coloured_by_status() -> None:
    sheet = _book(QUOTE).worksheets[0]
    header_row, labels = _table(sheet, "行号")
    status_col = labels.index("状态") + 1
    seen: dict[str, str] = {}
    for i, line in enumerate(LINES):
        fill = sheet.cell(header_row + 1 + i, status_col).fill
        assert fill.fill_type == "solid"
        seen.setdefault(line["status"], fill.fgColor.rgb[-6:])
        assert seen[line["status"]] == fill.fgColor.rgb[-6:], "one colour per status"
    assert seen == {status: STATUS_COLOURS[status][0] for status in seen}
    assert len(seen) == 4
    assert len({fill for fill, _ in STATUS_COLOURS.values()}) == len(STATUS_COLOURS), "one colour per status"

    def rgb(hex_: str) -> tuple[int, ...]:
        return tuple(int(hex_[i : i + 2], 16) for i in (0, 2, 4))

    red, green, blue = rgb(seen["exact"])
    assert green > red and green > blue  # green
    red, green, blue = rgb(seen["not_found"])
    assert red > green and red > blue  # red
    red, green, blue = rgb(seen["ambiguous"])
    assert red > blue and green > blue  # amber


def test_xlsx_totals_dnp_problems_and_warnings_follow_the_lines() -> None:
    sheet = _book(QUOTE).worksheets[0]
    header_row, _ = _table(sheet, "行号")
    totals = {}
    for row in sheet.iter_rows(min_row=header_row + len(LINES) + 1):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(("小计", "税额", "合计", "已报价部分合计")):
                totals[cell.value] = sheet.cell(cell.row, cell.column + 1)
    # QUOTE has unpriced lines: subtotal and total say they cover the priced lines only
    assert set(totals) == {"小计(已报价部分) (CNY)", "税额 13% (CNY)", "已报价部分合计 (CNY)"}
    assert totals["小计(已报价部分) (CNY)"].value == pytest.approx(float(QUOTE["subtotal"]))
    assert totals["税额 13% (CNY)"].value == pytest.approx(float(QUOTE["tax"]))
    assert totals["已报价部分合计 (CNY)"].value == pytest.approx(float(QUOTE["total"]))
    assert totals["已报价部分合计 (CNY)"].number_format == "#,##0.00"

    dnp_row, _ = _find(sheet, "不贴件 (DNP)")
    assert dnp_row > header_row + len(LINES)
    assert [c.value for c in sheet[dnp_row + 2]][:3] == [9, "R9", "10k"]
    problems_row, _ = _find(sheet, "未报价的行")
    assert problems_row > dnp_row
    assert sheet.cell(problems_row + 2, 1).value == 7
    assert sheet.cell(problems_row + 2, 3).value == QUOTE["problems"][0]["reason"]
    warnings_row, _ = _find(sheet, "提示")
    assert sheet.cell(warnings_row + 1, 1).value == "3 lines need a decision"


def test_xlsx_never_stores_buyer_text_as_a_formula() -> None:
    data = to_xlsx(QUOTE)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    row, column = _find(sheet, f"{HYPERLINK} / USB-C 16P 母座")
    assert sheet.cell(row, column).data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
        strings = archive.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in archive.namelist() else ""
    assert "<f>" not in xml  # no formula anywhere
    assert "=HYPERLINK(" in xml + strings  # the payload is there, as text


def test_xlsx_candidates_sheet_lists_choices_for_undecided_lines() -> None:
    sheet = _book(QUOTE).worksheets[1]
    assert sheet.title == "候选型号"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[3], r[5]) for r in rows] == [(5, 1, "STM32F103C8T6"), (5, 2, "STM32F103C8T7")]
    # the reasons in the file's language, clause by clause (knowledge/messages.py why_text); one no entry reads stays
    assert rows[0][10] == rows[1][10] == "part number prefix; 封装"
    assert rows[0][11] == pytest.approx(5.12) and rows[1][11] == "0.72 USD"  # a price with a currency stays text


def test_xlsx_in_english() -> None:
    book = _book(QUOTE, "en")
    sheet = book.worksheets[0]
    assert [s.title for s in book.worksheets] == ["Quote", "Candidates"]
    header_row, labels = _table(sheet, "Line")
    assert {"Designators", "Buyer input", "Unit price (CNY)", "Ext. price (CNY)", "Lead time (days)"} <= set(labels)
    statuses = {sheet.cell(header_row + 1 + i, labels.index("Status") + 1).value for i in range(len(LINES))}
    assert statuses == {"Exact", "Parametric", "Ambiguous", "Not found"}
    _find(sheet, "Tax 13% (CNY)")


def test_xlsx_sheet_column_appears_only_for_multi_sheet_boms() -> None:
    assert "工作表" not in _table(_book(QUOTE).worksheets[0], "行号")[1]
    lines = copy.deepcopy(LINES)
    lines[0]["sheet"] = "Power"
    sheet = _book(_quote(lines)).worksheets[0]
    header_row, labels = _table(sheet, "行号")
    assert labels[1] == "工作表"
    assert sheet.cell(header_row + 1, 2).value == "Power"


# ---------------------------------------------------------------------------------------------------- CSV


def _csv_rows(quote: dict[str, Any], lang: str = "zh") -> list[list[str]]:
    data = to_csv(quote, lang)
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8 Chinese"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def test_csv_has_header_one_row_per_line_and_totals() -> None:
    rows = _csv_rows(QUOTE)
    header = rows[0]
    assert len(rows) == 1 + len(LINES) + 3
    assert all(len(r) == len(header) for r in rows)
    assert header == [c.value for c in _book(QUOTE).worksheets[0][_table(_book(QUOTE).worksheets[0], "行号")[0]]]
    by_line = {r[0]: dict(zip(header, r)) for r in rows[1 : 1 + len(LINES)]}
    first = by_line["2"]
    assert first["单价 (CNY)"] == "0.001950"  # the quote's own Decimal string, untouched
    assert first["金额 (CNY)"] == "3.90"
    assert first["需求数量"] == "1530" and first["库存"] == "123456" and first["置信度"] == "0.93"
    assert first["描述"] == "10kΩ ±1% 100mW 0603 厚膜电阻"
    assert first["状态"] == "精确匹配"
    assert by_line["5"]["SKU"] == "" and by_line["5"]["单价 (CNY)"] == ""
    assert by_line["11"]["单板用量"] == "0.5"
    ext = header.index("金额 (CNY)")
    totals = {r[ext - 1]: r[ext] for r in rows[-3:]}
    assert totals == {
        "小计(已报价部分) (CNY)": QUOTE["subtotal"],
        "税额 13% (CNY)": QUOTE["tax"],
        "已报价部分合计 (CNY)": QUOTE["total"],
    }


def test_csv_defuses_formula_injection_but_leaves_numbers_alone() -> None:
    rows = _csv_rows(QUOTE)
    header = rows[0]
    by_line = {r[0]: dict(zip(header, r)) for r in rows[1 : 1 + len(LINES)]}
    assert by_line["6"]["客户输入"] == f"'{HYPERLINK} / USB-C 16P 母座"
    assert by_line["8"]["客户输入"] == "'@SUM(1)"
    assert by_line["10"]["客户输入"] == "'+86 联系人 张工"
    assert by_line["11"]["客户输入"] == "'-40~+85℃ / 0603"
    assert by_line["5"]["客户输入"] == "STM32F103C8 / @SUM(1)"  # only a leading character is dangerous
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell


@pytest.mark.parametrize("payload", ["=1+1", "+1", "-2+3", "@A1", "\t=1", "\r=1", "=cmd|' /C calc'!A0"])
def test_csv_escapes_every_dangerous_first_character(payload: str) -> None:
    quote = _quote([_line(4, "not_found", designators=[payload], input=_input(description=payload))])
    rows = _csv_rows(quote)
    header = rows[0]
    line = dict(zip(header, rows[1]))
    assert line["客户输入"] == "'" + payload
    assert line["位号"] == "'" + payload
    assert line["行号"] == "4"


def test_csv_in_english() -> None:
    rows = _csv_rows(QUOTE, "en")
    assert rows[0][:3] == ["Line", "Designators", "Qty/board"]
    assert rows[-1][rows[0].index("Ext. price (CNY)")] == QUOTE["total"]


# ---------------------------------------------------------------------------------------------------- PDF


def _pdf_text(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def _ink(image: Any) -> int:
    """Pixels clearly darker than paper."""
    return sum(1 for p in image.convert("L").getdata() if p < 160)


def test_pdf_embeds_the_subset_font_and_holds_the_quote() -> None:
    data = to_pdf(QUOTE)
    assert data.startswith(b"%PDF-")
    assert b"NotoSansSC-GB2312" in data and b"/FontFile2" in data  # embedded TrueType, not a CID font by name
    pages = _pdf_text(data)
    text = "\n".join(pages)
    unwrapped = re.sub(r"\s", "", text)  # narrow cells wrap long text anywhere
    for expected in ("Q-20261126-0007", "报价单", "厚膜电阻", "贴片电容", "0603WAF1002T5E", "深圳某某电子有限公司"):
        assert expected in unwrapped, expected
    for amount in (QUOTE["subtotal"], QUOTE["tax"], QUOTE["total"]):
        assert amount in text
    assert "13%" in text and "不贴件" in text and "未报价的行" in text and "有效期至 2026-12-03" in text
    assert f"第 1 / {len(pages)} 页" in pages[0]


def test_pdf_page_renders_chinese_glyphs_not_blank_boxes() -> None:
    pdf = pdfium.PdfDocument(to_pdf(QUOTE))
    try:
        page = pdf[0]
        scale = 3
        image = page.render(scale=scale).to_pil()
        width, height = image.size
        assert _ink(image) > 0.005 * width * height, "page 1 is (nearly) blank"
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        start = text.index("电阻")
        page_height = page.get_height()
        glyphs = []
        for index in (start, start + 1):
            left, bottom, right, top = textpage.get_charbox(index)
            box = (int(left * scale), int((page_height - top) * scale), int(right * scale) + 1)
            crop = image.crop((*box, int((page_height - bottom) * scale) + 1))
            assert _ink(crop) > 5, f"no ink where {text[index]!r} is drawn"
            glyphs.append(crop.convert("L").resize((16, 16)).tobytes())
        assert glyphs[0] != glyphs[1], "two different Hanzi drew the same shape (a .notdef box?)"
    finally:
        pdf.close()


def test_pdf_survives_characters_outside_the_font() -> None:
    lines = copy.deepcopy(LINES[:1])
    lines[0]["description"] = "한국어 𠀀 emoji 🙂 and a control \x07\t char <b>&amp;"
    text = "\n".join(_pdf_text(to_pdf(_quote(lines), "en")))
    assert "Q-20261126-0007" in text and "<b>&amp;" in text and "Quotation" in text


def test_pdf_is_reproducible() -> None:
    assert to_pdf(QUOTE) == to_pdf(QUOTE)  # no timestamps or random ids: a re-export is the same file


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_quote_with_nothing_in_it_still_exports(lang: str) -> None:
    empty = {"quote_id": "Q-20261126-0001", "lines": []}
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(empty, lang))).worksheets[0]
    header_row, _ = _table(sheet, "行号" if lang == "zh" else "Line")
    assert sheet.cell(header_row + 1, 1).value is None
    assert len(_csv_rows(empty, lang)) == 1 + 3
    assert "Q-20261126-0001" in _pdf_text(to_pdf(empty, lang))[0]


def test_export_formats_table() -> None:
    assert set(EXPORT_FORMATS) == {"xlsx", "csv", "pdf"}
    assert EXPORT_FORMATS["pdf"][1] == "application/pdf"
    assert EXPORT_FORMATS["csv"][1] == "text/csv; charset=utf-8"
    assert EXPORT_FORMATS["xlsx"][1] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for export, _ in EXPORT_FORMATS.values():
        assert isinstance(export(QUOTE, "en"), bytes)


# ---------------------------------------------------------------------------------------------------- size


def test_a_thousand_line_quote_exports_in_every_format() -> None:
    quote = _quote(_many_lines(1000))
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(quote))).worksheets[0]
    header_row, _ = _table(sheet, "行号")
    numbers = [sheet.cell(header_row + 1 + i, 1).value for i in range(1000)]
    assert numbers == list(range(2, 1002))
    assert sheet.cell(header_row + 1001, 1).value is None

    assert len(_csv_rows(quote)) == 1 + 1000 + 3

    pages = _pdf_text(to_pdf(quote))
    assert len(pages) > 10
    first = next(i for i, page in enumerate(pages) if "描述" in page)  # after the summary and lines to decide
    assert all("描述" in page for page in pages[first:-1]), "header row repeats on every page of the table"
    text = "\n".join(pages)
    assert all(f"第 {n} 行" in text for n in (2, 500, 1001))
    assert quote["total"] in pages[-1] or quote["total"] in pages[-2]


# ---------------------------------------------------------------------------------------------------- summary, decisions


def _offer(sku: str, mpn: str, package: str, price: str | None, stock: int) -> dict[str, Any]:
    """A candidate as knowledge/quote.py writes it: the price a string with its currency (or None)."""
    return {
        "sku": sku,
        "mpn": mpn,
        "manufacturer": "YAGEO(国巨)",
        "package": package,
        "description": "贴片电阻 10kΩ ±1% 100mW 厚膜电阻 AEC-Q200",
        "score": 0.8,
        "why": "value; package",
        "unit_price": price,
        "stock": stock,
    }


PRICED_NOTE = (
    "matched by parameters (10kΩ ±1% 100mW, package 0603); not stated in the BOM, quoted as: ±1%, 100mW; "
    "price: JLCPCB list price, snapshot 2026-05-21; ordering 5,000 instead of 4,545 is cheaper (break at 5,000): "
    "saves CNY 0.42; only 4,000 in stock: 545 more in ~14 days; in stock instead: RC0603FR-0710KL (drop-in, "
    "1,200,000 in stock): same value, package and tolerance, price break 100+"
)


def _realistic_lines(count: int = 100) -> list[dict[str, Any]]:
    """A BOM like the buyer's 103-line one: half the lines priced, half to decide (ambiguous with three
    candidates, not found, or a product whose quantity is no number), long designator lists, long notes."""
    kinds = ["exact", "parametric", "ambiguous", "not_found", "exact", "ambiguous", "chosen", "parametric"]
    kinds += ["ambiguous", "unpriced"]  # 5 of every 10 lines priced, 5 to decide
    lines = []
    for i in range(count):
        number, kind = i + 1, kinds[i % len(kinds)]
        per_board = 1 + (i % 6) * 3
        designators = [f"R{number * 20 + j}" for j in range(per_board)]
        wanted = _input(value="10k", package="0603", description="RES SMD 10K OHM 1% 1/10W 0603 厚膜电阻")
        line = _line(number, kind, designators=designators, qty_per_board=per_board, qty=per_board * 505)
        line["input"] = wanted
        if kind in ("exact", "parametric", "chosen", "unpriced"):
            line.update(
                confidence=0.93,
                sku=f"C{25804 + i}",
                mpn=f"0603WAF1002T5E-{number}",
                manufacturer="UNI-ROYAL(厚声)",
                description="10kΩ ±1% 100mW 0603 厚膜电阻 贴片电阻 AEC-Q200 汽车级",
                package="0603",
                stock=4000,
                lead_time_days=14,
                price_source="JLCPCB list price, snapshot 2026-05-21",
                note=PRICED_NOTE,
            )
            if kind == "unpriced":
                line.update(status="exact", qty=None, note="quantity 'see drawing' is not a number: not priced")
            else:
                ext = Decimal(1000 + i * 37) + Decimal("0.13")
                line.update(unit_price="0.001950", price_break=5000, order_qty=5000, ext_price=f"{ext:.2f}")
            if kind == "chosen":
                line["note"] = f"chosen by the buyer (candidate 2 of line {number}); {PRICED_NOTE}"
        elif kind == "ambiguous":
            line.update(
                confidence=0.5,
                candidates=[
                    _offer(f"C{9000 + i}1", f"RC0603FR-07{number}KL", "0603", "0.0123 CNY", 120000),
                    _offer(f"C{9000 + i}2", f"RC0402FR-07{number}KL", "0402", "0.0098 CNY", 0),
                    _offer(f"C{9000 + i}3", f"RC0805FR-07{number}KL", "0805", None, 56000),
                ],
                note="no part meets every stated value (10kΩ, ±1%, 0603); same value and package: check",
            )
        else:
            line["note"] = "no product matches: 专用连接器, ask sales for a quote"
        lines.append(line)
    return lines


REALISTIC = _quote(_realistic_lines())


def test_pdf_of_a_realistic_100_line_quote_fits_in_six_pages() -> None:
    """The buyer's 103-line BOM ran to 16+ pages: rows were as tall as their longest note in a narrow column."""
    data = to_pdf(REALISTIC)
    pages = _pdf_text(data)
    assert len(pages) <= 6, f"{len(pages)} pages"
    text = "\n".join(pages)
    for line in REALISTIC["lines"]:
        if line["ext_price"]:
            amount = f"{Decimal(line['ext_price']):,.2f}"
            assert re.search(rf"(?<![\d,.]){re.escape(amount)}(?![\d,])", text), f"{amount} missing or broken"
    assert "0.001950" in text and "5,000" in text  # unit price and order quantity never wrapped
    # a cut note shows what stops the order first, in the file's language (knowledge/messages.py)
    assert "现货仅 4,000 个" in text and "only 4,000 in stock" not in text
    sheet = _book(REALISTIC).worksheets[0]  # the XLSX keeps every note whole, in the file's language
    header_row, labels = _table(sheet, "行号")
    note = sheet.cell(header_row + 1, labels.index("备注") + 1).value
    assert note == match_note_text(PRICED_NOTE, "zh") and note.startswith("按参数匹配(10kΩ ±1% 100mW、封装 0603)")
    english = _book(REALISTIC, "en").worksheets[0]
    header_row, labels = _table(english, "Line")
    assert english.cell(header_row + 1, labels.index("Note") + 1).value == PRICED_NOTE


@pytest.mark.parametrize(
    ("lang", "wording", "bare_total"),
    [
        ("zh", ["已报价 50/100 行", "小计(已报价部分) CNY {subtotal}", "50 行待处理"], r"(?<!已报价部分)合计"),
        (
            "en",
            ["Priced 50 of 100 lines", "subtotal of priced lines CNY {subtotal}", "50 lines to decide"],
            r"\bTotal\b(?! of the priced lines)",
        ),
    ],
    ids=["zh", "en"],
)
def test_pdf_opens_with_how_much_is_priced_and_never_a_bare_total(
    lang: str, wording: list[str], bare_total: str
) -> None:
    pages = _pdf_text(to_pdf(REALISTIC, lang))
    subtotal = f"{Decimal(REALISTIC['subtotal']):,.2f}"
    headline = " · ".join(wording).format(subtotal=subtotal)
    assert headline in pages[0]
    assert pages[0].index(headline) < pages[0].index("报价单号" if lang == "zh" else "Quote\x20"), "summary first"
    text = "\n".join(pages)
    assert f"{Decimal(REALISTIC['total']):,.2f}" in pages[0]  # the total is in the summary, labelled
    assert not re.findall(bare_total, text), "a total that silently leaves the unpriced lines out"
    assert ("已报价部分合计" if lang == "zh" else "Total of the priced lines") in pages[0]
    assert ("最长交期 14 天" if lang == "zh" else "Longest lead time 14 days") in pages[0]


def test_a_fully_priced_quote_has_a_plain_total() -> None:
    quote = _quote(LINES[:2])
    text = "\n".join(_pdf_text(to_pdf(quote)))
    assert f"已报价 2/2 行 · 小计 CNY {quote['subtotal']}" in text
    assert "待处理" not in text and "已报价部分合计" not in text and "合计 (CNY)" in text
    rows = _csv_rows(quote)
    assert rows[-1][rows[0].index("金额 (CNY)") - 1] == "合计 (CNY)"


def test_stored_summary_counts_win_and_old_quotes_count_from_their_lines() -> None:
    quote = copy.deepcopy(QUOTE)  # no "summary": counted from the lines
    assert (
        _book(quote).worksheets[0].cell(2, 1).value
        == f"已报价 2/7 行 · 小计(已报价部分) CNY {QUOTE['subtotal']} · 4 行待处理"
    )
    quote["summary"] = {"lines": 7, "priced": 2, "unpriced": 5, "to_decide": 5, "longest_lead_time_days": 3}
    assert "5 行待处理" in _book(quote).worksheets[0].cell(2, 1).value


def test_xlsx_first_sheet_starts_with_the_summary() -> None:
    sheet = _book(REALISTIC).worksheets[0]
    header_row, _ = _table(sheet, "行号")
    subtotal = f"{Decimal(REALISTIC['subtotal']):,.2f}"
    assert sheet.cell(2, 1).value == f"已报价 50/100 行 · 小计(已报价部分) CNY {subtotal} · 50 行待处理"
    expected: dict[str, Any] = {
        "已报价": "50 / 100",
        "待处理": 50,
        "小计(已报价部分) (CNY)": pytest.approx(float(REALISTIC["subtotal"])),
        "已报价部分合计 (CNY)": pytest.approx(float(REALISTIC["total"])),
        "最长交期": "14 天",
    }
    for label, value in expected.items():
        row, column = _find(sheet, label)
        assert row < header_row, f"{label} is not above the lines"
        assert next(c.value for c in sheet[row][column:] if c.value is not None) == value, label
    assert "合计 (CNY)" not in [c.value for row in sheet.iter_rows() for c in row]
    english = _book(REALISTIC, "en").worksheets[0]
    assert (
        english.cell(2, 1).value
        == f"Priced 50 of 100 lines · subtotal of priced lines CNY {subtotal} · 50 lines to decide"
    )
    _find(english, "Total of the priced lines (CNY)")


def test_chosen_status_is_labelled_and_coloured_in_every_format() -> None:
    chosen = _line(4, "chosen", sku="C8734", mpn="STM32F103C8T6", unit_price="5.12", ext_price="2585.60", qty=505)
    quote = _quote([*copy.deepcopy(LINES[:2]), chosen])
    for lang, label in (("zh", "已选定"), ("en", "Chosen by you")):
        sheet = _book(quote, lang).worksheets[0]
        row, column = _find(sheet, label)
        fill = sheet.cell(row, column).fill.fgColor.rgb[-6:]
        assert fill == STATUS_COLOURS["chosen"][0]
        red, _, blue = (int(fill[i : i + 2], 16) for i in (0, 2, 4))
        assert blue > red, "a calm blue, not the green of exact"
        assert label in " ".join("\n".join(_pdf_text(to_pdf(quote, lang))).split())
        rows = _csv_rows(quote, lang)
        assert label in [r[rows[0].index("状态" if lang == "zh" else "Status")] for r in rows[1:4]]
    assert "已选定" not in "\n".join(_pdf_text(to_pdf(QUOTE)))


def test_pdf_lists_the_lines_to_decide_with_numbered_candidates_before_the_table() -> None:
    text = "\n".join(_pdf_text(to_pdf(REALISTIC)))
    decisions, table = text.index("待处理的行 (50)"), text.index("报价明细 (100 行)")
    assert decisions < table
    section = text[decisions:table]
    assert "第 3 行用第 2 个" in section  # the hint names a real line, in the words the chat understands
    assert "1. RC0603FR-073KL · YAGEO(国巨)" in section
    assert "2. RC0402FR-073KL · YAGEO(国巨)" in section
    assert "3. RC0805FR-073KL · YAGEO(国巨)" in section
    assert "0603 · 库存 120,000 · 0.0123 CNY" in section
    assert "0402 · 库存 0 · 0.0098 CNY" in section
    assert "0805 · 库存 56,000 · 无价格" in section
    assert "no product matches" in section  # not found: the reason instead of candidates
    assert "quantity 'see drawing' is not a number" in section  # a product without a price
    assert "0603WAF1002T5E-1\n" not in section and "0603WAF1002T5E-1 " not in section  # priced lines stay out
    english = "\n".join(_pdf_text(to_pdf(REALISTIC, "en")))
    section = english[english.index("Lines to decide (50)") : english.index("All lines (100)")]
    assert '"line 3: use the 2nd one"' in section
    assert "1. RC0603FR-073KL" in section and "0805 · stock 56,000 · no price" in section


def test_descriptions_are_in_the_files_language_and_old_quotes_keep_theirs() -> None:
    """Issue 18: a line's product title in the file's language (knowledge/titles.py); a quote saved before lines
    had a Chinese title shows the one it has."""
    titled = _line(
        1,
        "exact",
        sku="C23126",
        mpn="0603WAF9311T5E",
        description="0603WAF9311T5E — 9.31kΩ ±1% 100mW 0603 chip resistor",
        description_zh="0603WAF9311T5E 贴片电阻 9.31kΩ ±1% 100mW 0603",
    )
    old = _line(2, "exact", sku="C1", mpn="X1", description="X1 — 5V SOT-23 Zener Diodes")
    quote = _quote([titled, old])
    for lang, want in (("zh", "贴片电阻 9.31kΩ"), ("en", "0603 chip resistor")):
        rows = _csv_rows(quote, lang)
        column = rows[0].index("描述" if lang == "zh" else "Description")
        assert want in rows[1][column]
        assert rows[2][column] == "X1 — 5V SOT-23 Zener Diodes"
    assert "贴片电阻9.31kΩ" in re.sub(r"\s+", "", "".join(_pdf_text(to_pdf(quote, "zh"))))  # a cell wraps
