"""What the reader tells the buyer it read (SheetLayout: each header, its columns, its line counts) and the
buyer's corrections ("数量在第5列", "quantity is column E", "skip the first sheet": ReadOverrides), read from
chat words by parse_reading_correction and applied in process and through the sandbox."""

from __future__ import annotations

import io
import time
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from bench.bom_read_eval import accounted, non_empty_rows
from knowledge.bom import (
    BomReadResult,
    ColumnUse,
    ReadOverrides,
    SheetLayout,
    column_letter,
    field_label,
    parse_reading_correction,
    read_bom,
    read_bom_text,
)
from knowledge.errors import BomFormatError

CSV = (
    "Designator,Comment,Footprint,Qty,Price,Order\n"
    "R1 R2,10k,0603,2,0.01,200\n"
    "C1,100nF,0402,1,0.02,100\n"
    "U1,STM32F103C8T6,LQFP-48,1,1.50,10\n"
)


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TWO_SHEETS: dict[str, list[list[object]]] = {
    "notes": [["Project", "Widget"], ["Revision", "B"]],
    "main_board": [
        ["位号", "型号", "封装", "数量", "单价", "需求"],
        ["R1,R2", "RC0603FR-0710KL", "0603", 2, 0.01, 200],
        ["C1", "CL10B104KB8NNNC", "0603", 1, 0.02, 100],
    ],
    "spare": [
        ["Part Number", "Qty", "Description"],
        ["6205-2RS", 4, "bearing"],
    ],
}


def _all_rows_accounted(result: BomReadResult, path: Path) -> None:
    assert accounted(result) == non_empty_rows(path)


# ------------------------------------------------------------------------------------------------
# Layouts


def test_csv_layout_names_each_column_read_and_leaves_out_the_unused_ones() -> None:
    result = read_bom("bom.csv", CSV.encode())
    assert result.sheets == ()
    assert result.layouts == (
        SheetLayout(
            sheet="",
            header_line=1,
            columns=(
                ColumnUse(0, "A", "Designator", "designators"),
                ColumnUse(1, "B", "Comment", "value"),
                ColumnUse(2, "C", "Footprint", "package"),
                ColumnUse(3, "D", "Qty", "quantity"),
            ),
            lines=3,
            dnp=0,
        ),
    )


def test_xlsx_with_two_sheets_has_every_sheet_name_and_a_layout_per_sheet(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    path.write_bytes(_xlsx(TWO_SHEETS))
    result = read_bom(path)
    assert result.format == "xlsx"
    assert result.sheets == ("notes", "main_board", "spare")  # file order, the unread "notes" included
    assert [(lay.sheet, lay.header_line, lay.lines, lay.dnp) for lay in result.layouts] == [
        ("main_board", 1, 2, 0),
        ("spare", 1, 1, 0),
    ]
    main = result.layouts[0]
    assert [(c.letter, c.header, c.field) for c in main.columns] == [
        ("A", "位号", "designators"),
        ("B", "型号", "mpn"),
        ("C", "封装", "package"),
        ("D", "数量", "quantity"),
    ]
    assert [(c.letter, c.field) for c in result.layouts[1].columns] == [("A", "mpn"), ("B", "quantity"),
                                                                         ("C", "description")]  # fmt: skip
    assert sum(lay.lines for lay in result.layouts) == len(result.lines)
    _all_rows_accounted(result, path)


def test_a_header_repeated_on_each_printed_page_is_one_layout() -> None:
    page = "Designator,Value,Qty\n"
    text = page + "R1,10k,1\nR2,1k,1\n\nPage 2\n" + page + "C1,100n,1\nC2,1u,1\nC3,10u,1\n"
    result = read_bom("paged.csv", text.encode())
    assert len(result.lines) == 5
    assert len(result.layouts) == 1
    assert (result.layouts[0].header_line, result.layouts[0].lines) == (1, 5)


def test_two_header_blocks_are_two_layouts(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["物料名称", "物料数量"],
        ["M3x8 螺丝", 20],
        ["轴承 6205", 4],
        [],
        ["型号", "数量", "位号"],
        ["STM32F103C8T6", 1, "U1"],
        ["AMS1117-3.3", 1, "U2"],
        ["10k", 3, "R1,R2,R3"],
    ]
    path = tmp_path / "blocks.xlsx"
    path.write_bytes(_xlsx({"Sheet1": rows}))
    result = read_bom(path)
    assert [(lay.header_line, lay.lines) for lay in result.layouts] == [(1, 2), (5, 3)]
    assert [c.field for c in result.layouts[0].columns] == ["description", "quantity"]
    assert [c.field for c in result.layouts[1].columns] == ["mpn", "quantity", "designators"]


def test_dnp_lines_are_counted_apart_in_the_layout() -> None:
    text = "Designator,Value,Qty,DNP\nR1,10k,1,\nR2,1k,1,DNP\nR3,4k7,1,\n"
    result = read_bom("dnp.csv", text.encode())
    (layout,) = result.layouts
    assert (layout.lines, layout.dnp) == (2, 1) == (len(result.lines), len(result.dnp))
    assert ColumnUse(3, "D", "DNP", "dnp_flag") in layout.columns


def test_an_eagle_part_column_shows_what_its_cells_were_read_as() -> None:
    eagle = "Part,Value,Package\nR1,10k,0603\nC1,100n,0402\n"
    assert read_bom("eagle.csv", eagle.encode()).layouts[0].columns[0] == ColumnUse(0, "A", "Part", "designators")
    hand = "Part,Qty\nM3 screw,10\nbearing 6205,2\n"
    assert read_bom("hand.csv", hand.encode()).layouts[0].columns[0] == ColumnUse(0, "A", "Part", "value")


def test_a_pasted_list_without_header_has_one_layout_without_columns() -> None:
    result = read_bom_text("R1 10k 0603 2\nC1 100nF 0402 1\nU1 STM32F103C8T6 1\n")
    assert result.format == "pasted"
    assert result.layouts == (SheetLayout("", 0, (), len(result.lines), len(result.dnp)),)


# ------------------------------------------------------------------------------------------------
# Overrides


def test_moving_the_quantity_changes_every_lines_quantity() -> None:
    plain = read_bom("bom.csv", CSV.encode())
    assert [line.quantity for line in plain.lines] == [2, 1, 1]
    moved = read_bom("bom.csv", CSV.encode(), overrides=ReadOverrides(columns=(("quantity", 5),)))
    assert [line.quantity for line in moved.lines] == [200, 100, 10]
    assert [c.field for c in moved.layouts[0].columns] == ["designators", "value", "package", "quantity"]
    assert [c.letter for c in moved.layouts[0].columns] == ["A", "B", "C", "F"]  # D gave the quantity up
    assert moved.layouts[0].columns[-1] == ColumnUse(5, "F", "Order", "quantity")
    assert moved.lines[0].notes == ("quantity 200 disagrees with 2 designators",)


def test_overrides_apply_under_every_header_and_in_text_and_workbooks(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    path.write_bytes(_xlsx(TWO_SHEETS))
    result = read_bom(path, overrides=ReadOverrides(columns=(("mpn", 2), ("package", 1))))
    by_sheet = {line.sheet: line for line in reversed(result.lines)}  # the first line of each sheet
    assert (by_sheet["main_board"].mpn, by_sheet["main_board"].package) == ("0603", "RC0603FR-0710KL")
    assert by_sheet["spare"].mpn == "bearing" and by_sheet["spare"].package == "4"
    pasted = read_bom_text(CSV.replace(",", "\t"), overrides=ReadOverrides(columns=(("quantity", 5),)))
    assert [line.quantity for line in pasted.lines] == [200, 100, 10]


def test_a_column_beyond_the_table_is_refused_with_the_width() -> None:
    with pytest.raises(BomFormatError, match=r"the table has only 6 columns; there is no column H"):
        read_bom("bom.csv", CSV.encode(), overrides=ReadOverrides(columns=(("quantity", 7),)))
    with pytest.raises(BomFormatError, match=r"there is no column H"):
        read_bom_text(CSV, overrides=ReadOverrides(columns=(("quantity", 7),)))


def test_a_column_beyond_one_sheet_but_within_another_applies_where_it_fits(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    path.write_bytes(_xlsx(TWO_SHEETS))
    result = read_bom(path, overrides=ReadOverrides(columns=(("quantity", 5),)))
    by_sheet = {line.sheet: line for line in reversed(result.lines)}  # the first line of each sheet
    assert by_sheet["main_board"].quantity == 200  # column F of main_board
    assert by_sheet["spare"].quantity == 4  # spare has 3 columns: left as read
    with pytest.raises(BomFormatError, match="the widest table has only 6 columns; there is no column G"):
        read_bom(path, overrides=ReadOverrides(columns=(("quantity", 6),)))


def test_column_overrides_need_a_header() -> None:
    with pytest.raises(BomFormatError, match="no header row"):
        read_bom_text("R1 10k 0603 2\nC1 100nF 0402 1\n", overrides=ReadOverrides(columns=(("quantity", 3),)))


def test_skipping_a_sheet_accounts_its_rows_and_keeps_its_name(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    path.write_bytes(_xlsx(TWO_SHEETS))
    result = read_bom(path, overrides=ReadOverrides(skip_sheets=("main_board",)))
    assert {line.sheet for line in result.lines} == {"spare"}
    assert result.sheets == ("notes", "main_board", "spare")
    assert [lay.sheet for lay in result.layouts] == ["spare"]
    reasons = Counter(p.reason for p in result.skipped if p.sheet == "main_board")
    assert reasons == {"sheet 'main_board' skipped at the buyer's request": 3}
    _all_rows_accounted(result, path)
    loose = read_bom(path, overrides=ReadOverrides(skip_sheets=(" MAIN_BOARD",)))  # case and spaces aside
    assert {line.sheet for line in loose.lines} == {"spare"}


def test_skipping_every_sheet_with_a_header_or_an_unknown_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    path.write_bytes(_xlsx(TWO_SHEETS))
    with pytest.raises(BomFormatError, match=r"no sheet has a BOM header row.*'main_board', 'spare'"):
        read_bom(path, overrides=ReadOverrides(skip_sheets=("main_board", "spare")))
    with pytest.raises(BomFormatError, match="there is no sheet 'Sheet9' to skip; the workbook's sheets are"):
        read_bom(path, overrides=ReadOverrides(skip_sheets=("Sheet9",)))
    with pytest.raises(BomFormatError, match="single table"):
        read_bom("bom.csv", CSV.encode(), overrides=ReadOverrides(skip_sheets=("Sheet1",)))


def test_empty_overrides_read_as_none() -> None:
    assert read_bom("bom.csv", CSV.encode(), overrides=ReadOverrides()) == read_bom("bom.csv", CSV.encode())


def test_read_overrides_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown BOM field"):
        ReadOverrides(columns=(("colour", 1),))
    with pytest.raises(ValueError, match="0-based"):
        ReadOverrides(columns=(("quantity", -1),))


# ------------------------------------------------------------------------------------------------
# The buyer's words

SHEETS = ("Sheet1", "main_board", "spare")


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("数量在第5列", (("quantity", 4),)),
        ("数量是E列", (("quantity", 4),)),
        ("数量 = 第 5 列", (("quantity", 4),)),
        ("用量在第五列", (("quantity", 4),)),
        ("型号在C列", (("mpn", 2),)),
        ("料号在第3列", (("mpn", 2),)),
        ("规格型号在C列", (("mpn", 2),)),
        ("位号在第2列", (("designators", 1),)),
        ("封装在D列", (("package", 3),)),
        ("值在第4列", (("value", 3),)),
        ("描述在第十二列", (("description", 11),)),
        ("品牌在AA列", (("manufacturer", 26),)),
        ("E列是数量", (("quantity", 4),)),
        ("把数量改成第5列", (("quantity", 4),)),
        ("不对，数量在第5列，型号在C列", (("quantity", 4), ("mpn", 2))),
        ("quantity is column E", (("quantity", 4),)),
        ("qty in column 5", (("quantity", 4),)),
        ("Quantity is in column e.", (("quantity", 4),)),
        ("the part number is in column C", (("mpn", 2),)),
        ("MPN = col. 3", (("mpn", 2),)),
        ("designators are in column B", (("designators", 1),)),
        ("the refdes is column 1", (("designators", 0),)),
        ("footprint in column D", (("package", 3),)),
        ("value is the 4th column", (("value", 3),)),
        ("column E is the quantity", (("quantity", 4),)),
        ("no, the manufacturer is column ZZ", (("manufacturer", 701),)),
        ("description in column 2 and qty in column 3", (("description", 1), ("quantity", 2))),
        ("ｑｔｙ ｉｎ ｃｏｌｕｍｎ ５", (("quantity", 4),)),  # full-width, as some IMEs type
    ],
)
def test_column_corrections_are_read_in_both_languages(text: str, columns: tuple[tuple[str, int], ...]) -> None:
    assert parse_reading_correction(text) == ReadOverrides(columns=columns)
    assert parse_reading_correction(text, SHEETS) == ReadOverrides(columns=columns)


@pytest.mark.parametrize(
    ("text", "skip"),
    [
        ("skip the first sheet", ("Sheet1",)),
        ("please skip the last sheet", ("spare",)),
        ("ignore the 2nd sheet", ("main_board",)),
        ("跳过第一个工作表", ("Sheet1",)),
        ("跳过第一个表", ("Sheet1",)),
        ("第一个表不要读", ("Sheet1",)),
        ("跳过第二张表", ("main_board",)),
        ("skip sheet Sheet1", ("Sheet1",)),
        ("skip sheet 'spare'", ("spare",)),
        ("不要读 Sheet1", ("Sheet1",)),
        ("don't read the spare sheet", ("spare",)),
        ("only read sheet main_board", ("Sheet1", "spare")),
        ("only use main_board", ("Sheet1", "spare")),
        ("只读 main_board", ("Sheet1", "spare")),
        ("只读第二个表", ("Sheet1", "spare")),
    ],
)
def test_sheet_corrections_name_the_sheets_to_skip(text: str, skip: tuple[str, ...]) -> None:
    assert parse_reading_correction(text, SHEETS) == ReadOverrides(skip_sheets=skip)


def test_sheet_corrections_without_the_sheets() -> None:
    assert parse_reading_correction("skip sheet Sheet1") == ReadOverrides(skip_sheets=("Sheet1",))
    assert parse_reading_correction("不要读 Sheet1") == ReadOverrides(skip_sheets=("Sheet1",))
    assert parse_reading_correction("不要读 main_board") == ReadOverrides(skip_sheets=("main_board",))
    assert parse_reading_correction("skip sheet BOM-old") == ReadOverrides(skip_sheets=("BOM-old",))
    # an ordinal or "only" names a sheet through the sheets: without them, a correction naming none (an intent
    # classifier knows it is one; the action reads it again with the sheets)
    for text in ("skip the first sheet", "跳过第一个工作表", "跳过第一个表", "only read sheet main_board",
                 "只读 main_board"):  # fmt: skip
        assert parse_reading_correction(text) == ReadOverrides(), text
    assert parse_reading_correction("skip the fifth sheet", SHEETS) == ReadOverrides()
    assert parse_reading_correction("only read sheet other_board", SHEETS) == ReadOverrides()
    assert parse_reading_correction("只读 main_board", ("main_board",)) == ReadOverrides()  # nothing else to skip
    # a bare name that is no sheet, once the sheets are known, is no sheet correction
    assert parse_reading_correction("只读 other_board", SHEETS) is None
    assert parse_reading_correction("不要读 other_board", SHEETS) is None


def test_a_column_and_a_sheet_correction_together() -> None:
    assert parse_reading_correction("跳过第一个表，数量在第5列", SHEETS) == ReadOverrides(
        columns=(("quantity", 4),), skip_sheets=("Sheet1",)
    )


@pytest.mark.parametrize(
    "text",
    [
        "第3行用第二个",
        "报价 500 套",
        "6205-2RS 有现货吗",
        "数量是500",
        "数量在第5行",
        "quantity is 5",
        "skip the first row",
        "skip this sheet",
        "这个表不要",
        "不要 500 套",
        "只要 RC0603FR-0710KL",
        "只用 6205-2RS",
        "不要读第3行",
        "价格在第5列",
        "column E",
        "第0列是数量",
        "",
        "R1,R2 10k 0603 2",
    ],
)
def test_other_words_are_not_corrections(text: str) -> None:
    assert parse_reading_correction(text) is None
    assert parse_reading_correction(text, SHEETS) is None


def test_parsing_words_is_linear_on_hostile_text() -> None:
    for unit in ("a", "1", "数量在第", "column ", "skip sheet ", " \t", "第5列"):
        for size in (300, 100_000):
            text = (unit * (size // len(unit) + 1))[:size]
            started = time.perf_counter()
            parse_reading_correction(text, SHEETS)
            assert time.perf_counter() - started < 0.5, (unit, size)


def test_column_letters() -> None:
    assert [column_letter(c) for c in (0, 4, 25, 26, 27, 701)] == ["A", "E", "Z", "AA", "AB", "ZZ"]


def test_field_labels() -> None:
    assert [field_label(f, True) for f in ("mpn", "quantity", "designators", "value", "package")] == [
        "型号", "数量", "位号", "值", "封装",
    ]  # fmt: skip
    assert [field_label(f, False) for f in ("mpn", "quantity", "supplier_code", "order_quantity")] == [
        "part number", "quantity", "supplier code", "order quantity",
    ]  # fmt: skip
    assert (field_label("item_code", True), field_label("alternates", True), field_label("attrition", True)) == (
        "物料编码", "替代料", "损耗",
    )  # fmt: skip
    assert field_label("some_new_field", False) == "some new field"


def test_a_layout_reads_back_in_the_buyers_words() -> None:
    """What the bot can show: "数量 ← D 列 (Qty)" from a layout, with field_label."""
    (layout,) = read_bom("bom.csv", CSV.encode()).layouts
    shown = [f"{field_label(c.field, True)} ← {c.letter} ({c.header})" for c in layout.columns]
    assert shown[3] == "数量 ← D (Qty)"


# ------------------------------------------------------------------------------------------------
# Through the sandbox


def test_overrides_and_layouts_cross_the_sandbox(tmp_path: Path) -> None:
    from bot.bom_sandbox import _loads, read_bom_isolated, read_bom_text_isolated

    data = _xlsx(TWO_SHEETS)
    overrides = ReadOverrides(columns=(("quantity", 5),), skip_sheets=("spare",))
    isolated = read_bom_isolated("two.xlsx", data, overrides=overrides)
    assert isolated == read_bom("two.xlsx", data, overrides=overrides)
    assert isolated.sheets == ("notes", "main_board", "spare")
    assert [line.quantity for line in isolated.lines] == [200, 100]
    assert isinstance(isolated.layouts[0], SheetLayout) and isinstance(isolated.layouts[0].columns[0], ColumnUse)
    assert isolated.layouts[0].columns[-1] == ColumnUse(5, "F", "需求", "quantity")
    text = read_bom_text_isolated(CSV, overrides=ReadOverrides(columns=(("quantity", 5),)))
    assert [line.quantity for line in text.lines] == [200, 100, 10]
    with pytest.raises(BomFormatError, match="there is no column H"):
        read_bom_isolated("bom.csv", CSV.encode(), overrides=ReadOverrides(columns=(("quantity", 7),)))
    assert len(read_bom_isolated("bom.csv", CSV.encode()).lines) == 3  # the worker goes on

    import pickle

    with pytest.raises(pickle.UnpicklingError):  # the allow-list still holds
        _loads(pickle.dumps(("ok", Path("x"), 0)))


@pytest.mark.parametrize(
    "text",
    ["不看 datasheet", "ignore sheet metal", "不要读英文说明书,中文就行", "only read datasheets", "不要这一页", "ignore the tab",
     "6205-2RS 的第2列参数", "A列", "sheet", "line 2", "0402", "第二个"],
)  # fmt: skip
def test_ordinary_messages_are_no_reading_corrections(text: str) -> None:
    """A stranger's review found these read as "skip a sheet" (so the classifier made them quote revisions)."""
    assert parse_reading_correction(text) is None
