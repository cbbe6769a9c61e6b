"""Tables side by side on one sheet (a column empty from their header rows down between them): each read as
a table of its own, from its own columns; and an empty spacer column inside one table never splits it."""

from __future__ import annotations

import io
from collections import Counter

import openpyxl

from bench.bom_read_eval import accounted
from knowledge.bom import BomReadResult, ReadOverrides, read_bom, read_bom_text


def _xlsx(rows: list[list[object]], merged: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _columns(result: BomReadResult) -> list[tuple[int, list[str], int]]:
    return [(lay.header_line, [f"{c.letter}:{c.field}" for c in lay.columns], lay.lines) for lay in result.layouts]


def _held(rows: list[list[object]]) -> set[tuple[str, int]]:
    return {("Sheet1", n) for n, row in enumerate(rows, start=1) if any(c not in (None, "") for c in row)}


# Screws (size, head, quantity; then bearings with the quantity one column left) beside printed parts, apart by
# the empty column D; section titles merged over each table, as a hand-made mechanical BOM lays them out.
MECHANICAL: list[list[object]] = [
    ["Arm BOM, rev 2"],
    [],
    ["Screws:", "Screws:", "Screws:", None, "Printed parts:", "Printed parts:"],
    ["Size", "Head", "Quantity", None, "Name", "Qty"],
    ["M3 x 10", "pan", 12, None, "Base plate", 1],
    ["M3 x 20", "socket", 8, None, "Arm link", 2],
    [None, None, None, None, "Gripper finger", 2],
    ["Bearings:", "Bearings:", None, None, "Cover", 1],
    ["Type", "Quantity", None, None, "Spacer", 6],
    ["608ZZ", 4, None, None, "Cable clip", 10],
    ["MR63ZZ", 12],
    ["Total", 36],
]


def test_two_tables_side_by_side_are_read_each_from_its_own_columns() -> None:
    result = read_bom("arm.xlsx", _xlsx(MECHANICAL, merged=("A3:C3", "E3:F3", "A8:B8")))
    assert (len(result.lines), len(result.dnp), result.problems) == (10, 0, ())
    assert _columns(result) == [
        (4, ["A:description", "C:quantity"], 2),
        (9, ["A:description", "B:quantity"], 2),
        (4, ["E:value", "F:quantity"], 6),
    ]
    found = {(i.line, i.value or i.description): i.quantity for i in result.lines}
    assert found == {
        (5, "M3 x 10"): 12, (6, "M3 x 20"): 8, (10, "608ZZ"): 4, (11, "MR63ZZ"): 12,
        (5, "Base plate"): 1, (6, "Arm link"): 2, (7, "Gripper finger"): 2, (8, "Cover"): 1, (9, "Spacer"): 6,
        (10, "Cable clip"): 10,
    }  # fmt: skip
    assert {line.raw.get("Head") for line in result.lines if line.line in (5, 6) and line.quantity in (12, 8)} == {
        "pan",
        "socket",
    }
    # every row held is accounted, and once in each table it has cells in (row 8: a title and a part)
    assert _held(MECHANICAL) <= accounted(result)
    per_row = Counter((p.sheet, p.line) for p in (*result.lines, *result.skipped, *result.problems))
    assert per_row[("Sheet1", 8)] == 2 and per_row[("Sheet1", 1)] == 1 and per_row[("Sheet1", 11)] == 1
    assert max(per_row.values()) == 2
    assert ("Sheet1", 8, "section title 'Bearings:'") in {(p.sheet, p.line, p.reason) for p in result.skipped}


def test_headers_on_both_sides_of_an_empty_column_split_without_titles() -> None:
    """Each side a header of its own naming a part and a count in common (Qty ‖ Qty), a title merged across
    the whole sheet above both: two tables, whatever the CSV or workbook they come in."""
    rows: list[list[object]] = [
        ["Purchase list", "Purchase list", "Purchase list", "Purchase list", "Purchase list"],
        ["Part Number", "Qty", None, "Description", "Qty"],
        ["RC0603FR-0710KL", 10, None, "M3 nut", 20],
        ["GRM188R71H104KA93D", 4, None, "Heat-set insert", 8],
        ["STM32F103C8T6", 1],
    ]
    workbook = read_bom("list.xlsx", _xlsx(rows, merged=("A1:E1",)))
    text = read_bom_text("\n".join(",".join("" if c is None else str(c) for c in row) for row in rows[1:]))
    for result in (workbook, text):
        assert sorted((i.mpn or i.description, i.quantity) for i in result.lines) == [
            ("GRM188R71H104KA93D", 4),
            ("Heat-set insert", 8),
            ("M3 nut", 20),
            ("RC0603FR-0710KL", 10),
            ("STM32F103C8T6", 1),
        ]
        assert [[c.letter for c in lay.columns] for lay in result.layouts] == [["A", "B"], ["D", "E"]]
    assert _held(rows) <= accounted(workbook)


def test_section_titles_without_a_colon_over_each_table_split_them() -> None:
    """机械部分 / 电子部分 over tables whose headers name no count in common (数量 ‖ 位号): the titles show it."""
    text = (
        "机械部分\t\t\t\t电子部分\t\n"
        "名称\t数量\t备注\t\t型号\t位号\n"
        "M3螺丝\t20\t不锈钢\t\tSTM32F103C8T6\tU1\n"
        "轴承608\t4\t\t\tAMS1117-3.3\tU2\n"
    )
    result = read_bom_text(text)
    assert [[f"{c.letter}:{c.field}" for c in lay.columns] for lay in result.layouts] == [
        ["A:description", "B:quantity"],
        ["E:mpn", "F:designators"],
    ]
    assert sorted((i.line, i.description or i.mpn, i.quantity) for i in result.lines) == [
        (3, "M3螺丝", 20),
        (3, "STM32F103C8T6", 1),
        (4, "AMS1117-3.3", 1),
        (4, "轴承608", 4),
    ]


def test_a_spacer_column_inside_one_table_does_not_split_it() -> None:
    """An empty column between Qty and Value (header cells on both sides forming one header) or between two
    halves that each read as a header but name no count in common stays one table, as does a sheet whose
    empty column holds a cell under the header."""
    spacer: list[list[object]] = [
        ["Designator", "Qty", None, "Value", "Package"],
        ["R1,R2", 2, None, "10k", "0603"],
        ["C1", 1, None, "100nF", "0402"],
        ["U1", 1, None, "STM32F103C8T6", "LQFP-48"],
    ]
    halves: list[list[object]] = [
        ["Designator", "Value", None, "MPN", "Qty"],
        ["R1,R2", "10k", None, "RC0603FR-0710KL", 2],
        ["C1", "100nF", None, "GRM188R71H104KA93D", 1],
        ["U1", "MCU", None, "STM32F103C8T6", 1],
    ]
    noted: list[list[object]] = [
        ["Name", "Qty", None, "Name", "Qty"],
        ["Base plate", 1, None, "M3 nut", 4],
        ["Arm link", 2, "spare: 1", "M3 washer", 4],
        ["Cover", 1, None, "M3 x 10", 8],
    ]
    for rows, letters in ((spacer, ["A", "B", "D", "E"]), (halves, ["A", "D", "E", "B"])):
        result = read_bom("one.xlsx", _xlsx(rows))
        assert (len(result.lines), result.problems) == (3, ()), rows[0]
        assert len(result.layouts) == 1
        assert sorted(c.letter for c in result.layouts[0].columns) == sorted(letters)
        assert Counter(i.line for i in result.lines) == {2: 1, 3: 1, 4: 1}
    result = read_bom("noted.xlsx", _xlsx(noted))
    assert len(result.layouts) == 1 and Counter(i.line for i in result.lines) == {2: 1, 3: 1, 4: 1}


def test_a_column_correction_applies_to_the_table_it_falls_in() -> None:
    """'quantity is column C' moves the quantity of the left table only; the right table keeps its own."""
    rows: list[list[object]] = [
        ["Name", "Qty", "Spare", None, "Name", "Qty"],
        ["Base plate", 1, 2, None, "M3 nut", 4],
        ["Arm link", 2, 1, None, "M3 washer", 8],
    ]
    result = read_bom("arm.xlsx", _xlsx(rows), overrides=ReadOverrides(columns=(("quantity", 2),)))
    assert sorted((i.value, i.quantity) for i in result.lines) == [
        ("Arm link", 1),
        ("Base plate", 2),
        ("M3 nut", 4),
        ("M3 washer", 8),
    ]
    assert [[f"{c.letter}:{c.field}" for c in lay.columns] for lay in result.layouts] == [
        ["A:value", "C:quantity"],
        ["E:value", "F:quantity"],
    ]


def test_a_hand_made_list_names_its_parts_in_its_first_column_when_only_the_count_is_named() -> None:
    """'Bauteil | Anzahl', 'Size | Head | Quantity': only the count is a header word, every cell a heading word;
    the first unnamed column holds the parts. A unit beside a part ('Nut | pcs') is no header."""
    result = read_bom_text("Bauteil,Anzahl\nSchraube M3,4\nMutter M3,4\n")
    assert [(i.description, i.quantity) for i in result.lines] == [("Schraube M3", 4), ("Mutter M3", 4)]
    result = read_bom_text("Size\tHead\tQuantity\nM3 x 10\tpan\t12\n")
    assert [(i.description, i.quantity, i.raw["Head"]) for i in result.lines] == [("M3 x 10", 12, "pan")]
    result = read_bom_text("Part,Unit,Qty\nNut,pcs,\nWasher,pcs,4\n")
    assert [(i.line, i.value, i.quantity) for i in result.lines] == [(2, "Nut", None), (3, "Washer", 4)]


def test_more_than_four_tables_side_by_side_read_as_one() -> None:
    """Up to four tables side by side are read each on its own; a sheet parted into more is a matrix, not BOMs,
    and reads as one table (the lines a sheet gives stay bounded by its rows)."""
    for tables, layouts in ((4, 4), (5, 1)):
        header = ",,".join(["Name,Qty"] * tables)
        rows = [",,".join([f"part {i},{i + 1}"] * tables) for i in range(3)]
        result = read_bom_text("\n".join([header, *rows]))
        assert len(result.layouts) == layouts, tables
        assert len(result.lines) == 3 * layouts
