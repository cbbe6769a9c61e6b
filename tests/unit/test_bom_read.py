"""Reading BOM files: encodings, delimiters, headers, designators, quantities, DNP, and no row lost."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from bench.bom_read_eval import non_empty_rows
from knowledge.bom import BomReadResult, parse_designators, parse_quantity, read_bom, read_bom_text
from knowledge.errors import BomFormatError
from knowledge.models import BomLine

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "boms"
DEV = Path(__file__).resolve().parents[2].parent / "shared" / "boms" / "dev"
EXPECTED = sorted((FIXTURES / "expected").glob("*.json"))


def _dev_path(name: str, copied: bool) -> Path:
    if copied:
        return FIXTURES / name
    if not (DEV / name).exists():
        pytest.skip(f"GPL dev BOM {name} is not copied into the project and {DEV} is absent")
    return DEV / name


def _line(result: BomReadResult, line: int, sheet: str = "") -> BomLine:
    found = [item for item in (*result.lines, *result.dnp) if item.line == line and item.sheet == sheet]
    assert len(found) == 1, f"no single item at {sheet}:{line}"
    return found[0]


# ------------------------------------------------------------------------------------------------
# The eight real dev BOMs


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.stem)
def test_dev_bom_counts_and_spot_checks(expected: Path) -> None:
    spec = json.loads(expected.read_text(encoding="utf-8"))
    result = read_bom(_dev_path(spec["file"], spec["copied_to_fixtures"]))
    counts = {k: len(getattr(result, k)) for k in ("lines", "dnp", "skipped", "problems")}
    assert counts == spec["counts"]
    for check in spec["spot_checks"]:
        item = _line(result, check["line"], check.get("sheet", ""))
        for key, want in check.items():
            if key in {"line", "sheet"}:
                continue
            got = getattr(item, key)
            assert (list(got) if isinstance(got, tuple) else got) == want, f"line {check['line']} {key}"


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.stem)
def test_dev_bom_loses_no_row(expected: Path) -> None:
    """lines + dnp + skipped + problems account for every non-empty row, each exactly once."""
    spec = json.loads(expected.read_text(encoding="utf-8"))
    path = _dev_path(spec["file"], spec["copied_to_fixtures"])
    result = read_bom(path)
    accounted = [
        *((i.sheet, i.line) for i in (*result.lines, *result.dnp)),
        *((p.sheet, p.line) for p in (*result.skipped, *result.problems)),
    ]
    assert len(accounted) == len(set(accounted)), "a row was counted twice"
    non_empty = non_empty_rows(path)
    assert non_empty - set(accounted) == set(), "rows lost"
    blanks = {(p.sheet, p.line) for p in result.skipped if p.reason == "blank row"}
    assert set(accounted) - non_empty == blanks


# ------------------------------------------------------------------------------------------------
# Encodings and delimiters


def test_lceda_export_is_utf16_tab_separated() -> None:
    result = read_bom(FIXTURES / "csv_lceda_utf16_tab_keyboard_nano.csv")
    assert (result.encoding, result.delimiter) == ("utf-16-le", "\t")
    assert _line(result, 7).value == "键盘键轴"


def test_eagle_export_reads_without_mojibake_and_counts_designators() -> None:
    result = read_bom(FIXTURES / "eagle_espheatcontroller_latin1.csv")
    item = _line(result, 32)
    assert (item.designators, item.quantity, item.value) == (("R101",), 1.0, "12k")
    assert "no quantity column: counted 1 designator" in item.notes
    assert _line(result, 36).notes[-1] == "value 'n/a': may mean not populated"


def test_gbk_erp_export_reads_every_column() -> None:
    result = read_bom(FIXTURES / "gbk_erp_export.csv")
    assert result.encoding == "gb18030"
    r = _line(result, 5)
    assert r.designators == ("R1", "R2", "R5", "R6", "R7", "R8")
    assert (r.quantity, r.value, r.description) == (6.0, "0603 10K 1%", "贴片电阻")
    assert (r.alternates, r.attrition_pct) == (("RC0603FR-0710KL",), 2.0)
    assert r.raw["物料编码"] == "1.01.0001"
    assert [d.line for d in result.dnp] == [8]
    assert "quantity 2 disagrees with 1 designator" in result.dnp[0].notes
    reasons = {p.line: p.reason for p in (*result.skipped, *result.problems)}
    assert reasons[9] == "blank row"
    assert reasons[11].startswith("no part information")
    assert reasons[12].startswith("subtotal row")
    assert reasons[1].startswith("before the header row")


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("gbk", b""),
    ],
)
def test_encodings(encoding: str, prefix: bytes) -> None:
    text = "位号,数量,型号,封装\nR1,1,RC0603FR-0710KL,0603\nC1;C2,2,贴片电容 100nF,0402\n"
    result = read_bom("x.csv", prefix + text.encode(encoding))
    assert [i.mpn for i in result.lines] == ["RC0603FR-0710KL", "贴片电容 100nF"]
    assert result.lines[1].designators == ("C1", "C2")


def test_latin1_german_export_with_fitted_flag() -> None:
    text = "Bauteil;Wert;Gehäuse;Menge;Bestückt\nR1;10k;0603;1;WAHR\nR2;4k7;0603;1;FALSCH\n"
    result = read_bom("de.csv", text.encode("cp1252"))
    assert result.encoding in {"cp1252", "latin-1"}
    assert result.delimiter == ";"
    assert [i.value for i in result.lines] == ["10k"]
    assert [(i.value, i.package, i.dnp) for i in result.dnp] == [("4k7", "0603", True)]


def test_german_mouser_cart_xls() -> None:
    """Mouser's German "Warenkorb" export (mistay/openevsetester, MIT): headers Mouser-Nr., Herst.- Nr., Hersteller,
    Kunden-Teilenr, Beschreibung, Stückzahl, Preis (EUR) under a title; it was refused ("no BOM header row")."""
    result = read_bom(FIXTURES / "xls_mouser_cart_de_openevsetester.xls")
    fields = {c.header: c.field for c in result.layouts[0].columns}
    assert fields == {
        "Mouser-Nr.": "supplier_code",
        "Herst.- Nr.": "mpn",
        "Hersteller": "manufacturer",
        # "Kunden-Teilenr" (empty here) is read as designators only where its cells are designator lists
        "Beschreibung": "description",
        "Stückzahl": "quantity",
    }
    line = _line(result, 12, "Cart")
    assert (line.mpn, line.supplier_code, line.manufacturer, line.quantity) == (
        "RC1210JR-07100RL",
        "603-RC1210JR-07100RL",
        "Yageo",
        10.0,
    )
    assert len(result.lines) == 18


@pytest.mark.parametrize(
    ("header", "row", "field", "expected"),
    [
        # a cart's customer reference is not read: designators for one buyer, a project code for another, beside
        # an order quantity that is the order's (reviewer: an LCSC cart's 100 pieces became 3)
        ("Customer NO.,LCSC Part Number,Order Qty.", '"R1,R2,R7",C25804,100', "designators", ()),
        # KiCad field plugins: SPN is the supplier's number (SPR the supplier)
        ("Refs,Value,Footprint,Quantity,MFR,MPN,SPR,SPN", "C1,0.1uF,C_0603,1,Samsung,CL10B104KO8WPNC,Digikey,1276-6582-1-ND",
         "supplier_code", "1276-6582-1-ND"),
        # Eagle: the library Device names the land pattern where no column names a package
        ("Qty,Value,Device,Parts,MANUFACTURER_PART_NUMBER", "1,1.2nF,CAP_CERAMIC_0805MP,C12,C0805C122K5RACTU",
         "package", "CAP_CERAMIC_0805MP"),
        ("Qty,Value,Device,Package,Parts", "1,1.2nF,CAP_CERAMIC_0805MP,C0603,C12", "package", "C0603"),
        # a hand-made list's Device that names no land pattern describes the part
        ("Qty,Device,Parts,MANF#", "3,Screw M2.5 15mm DIN912 ISO4762,,29306", "description",
         "Screw M2.5 15mm DIN912 ISO4762"),
        ("Ref Desc,Quantity,Manufacturer Part Number", '"C2, C3",2,EMK325BJ476MM-T', "designators", ("C2", "C3")),
        ("Part/Designator,Manufacture Part Number/Seeed SKU,Quantity", "U1,ATMEGA328P-AU,1", "mpn", "ATMEGA328P-AU"),
        # a hand-made list's "Reference" beside its "Designator" holds the maker's reference (DRV8662 devkit)
        ("Description,Designator,Quantity,Reference", "Resistor 0603 100K 1%,R1,1,ERJ3EKF1003V", "mpn", "ERJ3EKF1003V"),
        ("Description,Designator,Quantity,Reference", "Resistor 0603 100K 1%,R1,1,ERJ3EKF1003V", "designators", ("R1",)),
        ("Comment,Designator,Reference", "10k,R1,R1", "designators", ("R1",)),  # designators twice: read once
        ("Query,Qty,MPN,Schematic Reference", "X,1,AT28C256-15JU,U3", "designators", ("U3",)),
        # an Eagle Device that is words about the part is its description, not a package (reviewer)
        ("Device,Value,Qty", "Socket DIP-8,NE555,1", "package", ""),
        # French hand-made lists: Repère is the designator, Référence beside it the part number
        ("Repère;Qté;Désignation;Référence;Fabricant", "R1,R2;2;Résistance 10k;RC0603FR-0710KL;Yageo", "mpn",
         "RC0603FR-0710KL"),
        ("Repère;Qté;Désignation;Référence;Fabricant", "R1,R2;2;Résistance 10k;RC0603FR-0710KL;Yageo", "designators",
         ("R1", "R2")),
        # digits alone beside a Designator column are a distributor's order code (Farnell), not the MPN
        ("Description,Designator,Quantity,Reference", "Terminal block,J1,1,1935161", "mpn", ""),
    ],
)  # fmt: skip
def test_distributor_and_eda_columns(header: str, row: str, field: str, expected: object) -> None:
    result = read_bom("b.csv", f"{header}\n{row}\n".encode())
    (line,) = result.lines
    assert getattr(line, field) == expected


def test_octopart_distributor_row_under_the_header_is_no_item() -> None:
    """Octopart's BOM tool names the distributor of each repeated SKU column in a second header row."""
    text = "Qty,MPN,Digi-Key,Mouser\n,,Digi-Key,Mouser\n1,AT28C256-15JU,AT28C256-15JU-ND,556-AT28C25615JU\n"
    result = read_bom("o.csv", text.encode())
    assert [(line.line, line.supplier_code) for line in result.lines] == [(3, "AT28C256-15JU-ND")]
    assert any(p.line == 2 and "distributor" in p.reason for p in result.skipped)


def test_footnotes_under_a_table_are_notes() -> None:
    """EasyEDA sheet with Russian footnotes under it (diyruz/geiger): a lone '* …' cell, or a sentence of six words
    or more ending in a full stop, with no quantity or designators, is a note, not an item."""
    text = (
        "Name,Designator,Quantity\n10k,R1,1\n"
        "* В качестве держателей используются держатели для предохранителей 6мм,,\n"
        '"точнее они есть, но стоят не дешево.",,\n'
        "Screws for the lid see drawing,,\n"
    )
    result = read_bom("f.csv", text.encode())
    assert [line.value for line in result.lines] == ["10k", "Screws for the lid see drawing"]
    assert {p.line for p in result.skipped} >= {3, 4}


def test_semicolon_utf8_sig_with_preamble_and_dnp_column() -> None:
    text = "Project: demo\nExported 2024-01-01\n\nReference;Qty;Value;Footprint;DNP\nR1 R2;2;10k;R0603;\nR3;1;1k;R0603;DNP\n"
    result = read_bom("s.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (result.encoding, result.delimiter) == ("utf-8-sig", ";")
    assert [(i.line, i.designators) for i in result.lines] == [(5, ("R1", "R2"))]
    assert [i.line for i in result.dnp] == [6]
    assert [p.line for p in result.skipped] == [1, 2, 4]  # the blank line before the header is not a row


# ------------------------------------------------------------------------------------------------
# Markdown and pasted text


def test_markdown_table_with_chinese_header() -> None:
    result = read_bom(FIXTURES / "markdown_zh.md")
    assert [(i.line, i.mpn, i.designators) for i in result.lines] == [
        (5, "RC0603FR-0710KL", ("R1", "R2", "R3", "R4")),
        (6, "GRM155R71H104KE14D", ("C1", "C2")),
    ]
    assert [i.line for i in result.dnp] == [7]
    assert {p.line for p in result.skipped} == {1, 3, 4, 8, 9}


@pytest.mark.parametrize(
    "pasted",
    [
        "Designator\tQty\tMPN\nR1,R2\t2\tRC0603FR-0710KL\nU1\t1\tAMS1117-3.3\n",
        "Designator | Qty | MPN\nR1,R2 | 2 | RC0603FR-0710KL\nU1 | 1 | AMS1117-3.3\n",
        "Designator    Qty    MPN\nR1,R2    2    RC0603FR-0710KL\nU1    1    AMS1117-3.3\n",
    ],
    ids=["tab", "pipe", "spaces"],
)
def test_pasted_rows(pasted: str) -> None:
    result = read_bom_text(pasted)
    assert [(i.designators, i.quantity, i.mpn) for i in result.lines] == [
        (("R1", "R2"), 2.0, "RC0603FR-0710KL"),
        (("U1",), 1.0, "AMS1117-3.3"),
    ]


def test_pasted_rows_without_header_guess_columns() -> None:
    result = read_bom_text("R1-R3\t10k 1%\t0603\t3\nC5\t100nF\tC14663\n")
    first, second = result.lines
    assert (first.designators, first.quantity, first.value, first.package) == (
        ("R1", "R2", "R3"),
        3.0,
        "10k 1%",
        "0603",
    )
    assert (second.quantity, second.supplier_code) == (1.0, "C14663")


# ------------------------------------------------------------------------------------------------
# xlsx


def _xlsx(build: object) -> bytes:
    book = openpyxl.Workbook()
    build(book)  # type: ignore[operator]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_merged_cells_sheets_and_blocks() -> None:
    def build(book: openpyxl.Workbook) -> None:
        ws = book.active
        ws.title = "PCBA"
        ws.append(["整机物料清单"])
        ws.append(["位号", "数量", "规格型号", "品牌", "损耗率"])
        ws.append(["R1,R2", 2, "10K 0603", "YAGEO", 0.02])
        ws.append(["R3", 1, "1K 0603", None, 0.02])
        ws.merge_cells("D3:D4")  # 品牌 merged over two rows: the lower row takes YAGEO
        ws["E3"].number_format = "0%"
        ws.append([])
        ws.append(["合计", 3])
        second = book.create_sheet("结构件")
        second.append(["名称", "用量"])
        second.append(["M3x8 ISO 4762 A2", "8个"])
        book.create_sheet("empty")

    result = read_bom("bom.xlsx", _xlsx(build))
    r12, r3 = _line(result, 3, "PCBA"), _line(result, 4, "PCBA")
    assert (r12.designators, r12.value, r12.manufacturer, r12.attrition_pct) == (
        ("R1", "R2"),
        "10K 0603",
        "YAGEO",
        2.0,
    )
    assert r3.manufacturer == "YAGEO"
    screw = _line(result, 2, "结构件")
    assert (screw.description, screw.quantity, screw.quantity_text) == ("M3x8 ISO 4762 A2", 8.0, "8个")
    reasons = {(p.sheet, p.line): p.reason for p in result.skipped}
    assert reasons[("PCBA", 5)] == "blank row" and reasons[("PCBA", 6)].startswith("subtotal")


def test_xls_name_holding_ooxml_is_read_by_magic_bytes() -> None:
    result = read_bom(FIXTURES / "xls_drawbot_plotter_mechanical.xls")
    assert len(result.lines) == 48
    assert result.skipped[-1].reason == "subtotal row ('合计')"


def test_two_header_blocks_in_one_sheet() -> None:
    result = read_bom(FIXTURES / "xlsx_rubiks_cube_robot_mro_and_pcba.xlsx")
    reasons = [p.reason for p in result.skipped]
    assert reasons == [
        "before the header row (preamble or title)",
        "header row",
        "section title 'PCBA上的元器件：'",
        "header row of a new block",
    ]
    assert len(_line(result, 38, "Sheet1").designators) == 31


# ------------------------------------------------------------------------------------------------
# Broken files


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "damaged .xls workbook",
        ),
        ("empty.csv", b"", "empty file"),
        ("blank.csv", b" \r\n\r\n", "empty file"),
        ("garbage.bin", bytes(range(256)) * 20, "binary file"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x01" * 100, "binary file"),
        ("archive.xlsx", b"PK\x03\x04" + b"\x00" * 100, "damaged zip"),
        ("prose.txt", b"This is a letter, not a bill of materials.\nRegards\n", "no header row"),
    ],
)
def test_files_that_cannot_be_a_bom(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(BomFormatError) as error:
        read_bom(name, data)
    assert error.value.reason.startswith(reason)
    assert error.value.file == name


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(BomFormatError, match=r"not an \.xlsx or \.ods workbook"):
        read_bom("x.xlsx", buffer.getvalue())


# ------------------------------------------------------------------------------------------------
# Cell parsers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R1,R2,R5-R8", ("R1", "R2", "R5", "R6", "R7", "R8")),
        ("C1 C2", ("C1", "C2")),
        ("R1-R4", ("R1", "R2", "R3", "R4")),
        ("R1 - R3；R7", ("R1", "R2", "R3", "R7")),
        ("U1~3", ("U1", "U2", "U3")),
        ("无", ()),
        ("LED红", ("LED红",)),
    ],
)
def test_parse_designators(text: str, expected: tuple[str, ...]) -> None:
    assert parse_designators(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "quantity", "noted"),
    [
        ("12个", 12.0, False),
        ("2 pcs", 2.0, False),
        ("1,000", 1000.0, False),
        ("x3", 3.0, False),
        ("1 m", 1.0, True),
        ("若干", None, True),
        ("少量", None, True),
        ("一卷", None, True),
    ],
)
def test_parse_quantity(text: str, quantity: float | None, noted: bool) -> None:
    got, note = parse_quantity(text)
    assert got == quantity
    assert bool(note) is noted


def test_quantity_mismatch_keeps_stated_quantity() -> None:
    result = read_bom_text("Designator,Qty,Value\nR1,R2,R3,4,10k\n".replace("R1,R2,R3", '"R1,R2,R3"'))
    item = result.lines[0]
    assert item.quantity == 4.0
    assert item.notes == ("quantity 4 disagrees with 3 designators",)


@pytest.mark.parametrize(
    "flag",
    ["DNP", "不贴", "NC", "Do not populate", "DNF", "预留", "10K 不贴", "10K(NC)", "NC(10K)", "预留10K", "10K_DNP"],
)
def test_dnp_markers_in_value(flag: str) -> None:
    result = read_bom_text(f"Designator,Qty,Value,Footprint\nR1,1,10k,0603\nR2,1,{flag},0603\n")
    assert [i.designators for i in result.lines] == [("R1",)]
    assert [i.designators for i in result.dnp] == [("R2",)]


@pytest.mark.parametrize(
    "value",
    ["NC7SZ08", "DNPH-2", "SPDT NO/NC", "10K", "KSD301 85℃ 常闭(NC)", "Reed switch (NC)", "预留5%损耗", "插件 不贴片"],
)
def test_parts_that_only_look_like_dnp_markers_stay_lines(value: str) -> None:
    result = read_bom_text(f"Designator,Qty,Value,Footprint\nR1,1,10k,0603\nR2,1,{value},0603\n")
    assert [i.designators for i in result.lines] == [("R1",), ("R2",)] and not result.dnp


def test_a_part_number_header_over_maker_names_is_the_makers_column() -> None:
    """KiBoM's 'MFN' holds the maker's name and 'PN' the number; under Eagle's 'MF' the same 'MFN' is the number."""
    kibom = read_bom_text(
        "Component,References,Value,Footprint,Quantity Per PCB,MFN,PN\n"
        "1,C101 C122,100n,C_0603_1608Metric,2,Kemet,C0603C104K5RACAUTO\n2,C104,1u,C_0603_1608Metric,1,TDK,CGA3E1X7R1V105K080AE\n"
    )
    assert [(i.mpn, i.manufacturer) for i in kibom.lines] == [
        ("C0603C104K5RACAUTO", "Kemet"),
        ("CGA3E1X7R1V105K080AE", "TDK"),
    ]
    eagle = read_bom_text('"Qty";"Value";"Parts";"MF";"MFN"\n"2";"BAT54C";"D1, D2";"Nexperia";"BAT54C,215"\n')
    assert [(i.mpn, i.manufacturer) for i in eagle.lines] == [("BAT54C,215", "Nexperia")]


def test_note_and_title_rows_are_skipped_with_reason() -> None:
    text = "商品名称,数量,价格\nESP-WROOM-32,1,11.5\n以下磁铁二选一购买,,\n径向磁铁 6*3mm,10,9.9\n排母 3P,,0.25\n"
    result = read_bom("t.csv", text.encode("utf-8"))
    assert [(i.line, i.quantity) for i in result.lines] == [(2, 1.0), (4, 10.0), (5, None)]
    assert result.skipped[-1].reason == "note row '以下磁铁二选一购买'"


# ------------------------------------------------------------------------------------------------
# Traditional-Chinese headers and words (issue 14, item 8)


def test_traditional_chinese_headers_read_like_simplified_ones() -> None:
    traditional = "序號,位號,數量,型號,規格,封裝,製造商,描述,單價,備註\n1,R1 R2,2個,RC0603FR-0710KL,10K 1%,0603,國巨,貼片電阻,0.01,\n"
    simplified = "序号,位号,数量,型号,规格,封装,制造商,描述,单价,备注\n1,R1 R2,2个,RC0603FR-0710KL,10K 1%,0603,國巨,貼片電阻,0.01,\n"
    trad, simp = read_bom_text(traditional), read_bom_text(simplified)
    assert trad.skipped[0].reason == "header row"
    item = trad.lines[0]
    assert (item.designators, item.quantity, item.mpn, item.value, item.package) == (
        ("R1", "R2"),
        2.0,
        "RC0603FR-0710KL",
        "10K 1%",
        "0603",
    )
    assert (item.manufacturer, item.description, item.notes) == ("國巨", "貼片電阻", ())
    assert [(i.designators, i.quantity, i.mpn, i.value, i.manufacturer) for i in simp.lines] == [
        (i.designators, i.quantity, i.mpn, i.value, i.manufacturer) for i in trad.lines
    ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("廠商", "manufacturer"),
        ("廠家", "manufacturer"),
        ("物料名稱", "description"),
        ("說明", "description"),
        ("物料編碼", "item_code"),
        ("損耗率", "attrition"),
        ("供應商編號", "supplier_code"),
        ("封裝規格", "package"),
        ("元件位號", "designators"),
        ("單機用量", "quantity"),
        ("數量(pcs)", "quantity"),
    ],
)
def test_traditional_header_words(header: str, field: str) -> None:
    from knowledge.bom import _header_field

    assert (_header_field(header) or ("",))[0] == field


def test_traditional_subtotal_note_and_dnp_rows() -> None:
    text = "位號,數量,型號\nR1,1,RC0603FR-0710KL\nR2,1,不貼\n,,備註：僅供參考\n合計,2,\n"
    result = read_bom("t.csv", text.encode("utf-8"))
    assert [i.designators for i in result.lines] == [("R1",)]
    assert [i.designators for i in result.dnp] == [("R2",)]
    reasons = {p.line: p.reason for p in result.skipped}
    assert reasons[4].startswith("note row") and reasons[5].startswith("subtotal row")


def test_big5_traditional_bom() -> None:
    text = "位號,數量,型號,規格\nR1,2,RC0603FR-0710KL,電阻 10K\nC1,1,CL10B104KB8NNNC,電容 100nF\n"
    result = read_bom("big5.csv", text.encode("big5"))
    assert [(i.designators, i.quantity, i.mpn) for i in result.lines] == [
        (("R1",), 2.0, "RC0603FR-0710KL"),
        (("C1",), 1.0, "CL10B104KB8NNNC"),
    ]


# ------------------------------------------------------------------------------------------------
# Quantities that cannot be per board (issue 14, item 5): None, with the reason


@pytest.mark.parametrize(
    ("text", "quantity", "reason"),
    [
        ("1e9", None, "more than 100,000"),
        ("1000000000", None, "more than 100,000"),
        ("100000000000000000000", None, "more than 100,000"),
        ("1e400", None, "more than 100,000"),
        ("0", None, "is zero"),
        ("0.0", None, "is zero"),
        ("-5", None, "is negative"),
        ("NaN", None, "is not a number"),
        ("inf", None, "is not a number"),
        ("1.2E+3", 1200.0, ""),
        ("100,000", 100000.0, ""),
        ("12個", 12.0, ""),
        ("2 ea", 2.0, ""),
    ],
)
def test_parse_quantity_refuses_what_cannot_be_per_board(text: str, quantity: float | None, reason: str) -> None:
    got, note = parse_quantity(text)
    assert got == quantity
    assert reason in note and bool(note) is bool(reason)


def test_kicad_pcbnew_designation_is_the_value_and_a_second_value_column_is_kept() -> None:
    """KiCad pcbnew's BOM names the value 'Designation' (fifth outside set: 47 lines reached the matcher with a
    footprint only); a DipTrace export's 'Name' ('CAP_0805_L') gives way to 'Value' and is kept as the description,
    where its package is read (19 lines lost their 0805)."""
    pcbnew = b'"Id";"Designator";"Footprint";"Quantity";"Designation";"Supplier and ref";\n1;"R105,R103";"R_0603_1608Metric";2;"10k";;;\n'
    (line,) = read_bom("bom.csv", pcbnew).lines
    assert (line.value, line.package, line.designators) == ("10k", "R_0603_1608Metric", ("R105", "R103"))
    diptrace = b'"RefDes","Value","Name","Manufacturer","Quantity","Datasheet"\n"C101","1uF","CAP_0805_L","","1",""\n'
    (cap,) = read_bom("bom.csv", diptrace).lines
    assert (cap.value, cap.description) == ("1uF", "CAP_0805_L")
    # a description column still wins; a second value column equal to the first adds nothing
    both = b"Ref,Value,Comment,Description\nR1,10k,10k,Thick film resistor\n"
    (r1,) = read_bom("bom.csv", both).lines
    assert (r1.value, r1.description) == ("10k", "Thick film resistor")


def test_a_symbol_name_beside_a_part_number_is_not_kept_as_the_description() -> None:
    """'LM358' (the symbol's Comment) beside the Value 'LM4562NA' is no second reading of the part."""
    data = b"Comment,Designator,Footprint,Quantity,Value\nLM358,U1,SOIC-8,1,LM4562NA\n"
    (line,) = read_bom("bom.csv", data).lines
    assert (line.value, line.description) == ("LM4562NA", "")
    diptrace = b'"RefDes","Value","Name"\n"R1","100","RES_0805_L"\n"R2","Jumper","RES_0805_L"\n'
    assert [(x.value, x.description) for x in read_bom("bom.csv", diptrace).lines] == [
        ("100", "RES_0805_L"),
        ("Jumper", "RES_0805_L"),
    ]


def test_spanish_and_other_hand_made_headers_are_read() -> None:
    """A hand-made Spanish list (Nombre, Productor, Código Productor, Cantidad) was refused; Polish and Portuguese
    quantity / description words as well."""
    spanish = read_bom_text(
        "Número\tNombre\tProductor\tCódigo Productor\tComentario\tCantidad\n"
        "1\tRodamiento\tSKF\tW 626-2Z\t-\t5\n2\tTornillo Allen Boton M3x10\tFercor\t-\t-\t21\n",
        "bom.tsv",
    )
    first, second = spanish.lines
    assert (first.mpn, first.manufacturer, first.description, first.quantity) == ("W 626-2Z", "SKF", "Rodamiento", 5)
    assert second.description == "Tornillo Allen Boton M3x10" and second.quantity == 21
    polish = read_bom_text("Nazwa\tIlość\tProducent\nRezystor 10k 0603\t4\tYageo\n", "bom.tsv")
    assert polish.lines[0].quantity == 4 and polish.lines[0].manufacturer == "Yageo"


def test_a_kind_column_a_two_name_header_an_lcsc_suffix_and_a_digikey_column_are_read() -> None:
    """Held out 9: 类别 (the kind) says what the 型号's size is of; 'value/description' holds the value; EasyEDA's
    'HR911105A_C12074' is the part and its LCSC code; 'Digikey Part Num' is a supplier code."""
    fasteners = read_bom_text("类别\t型号\t数量\n弹簧垫圈\tM3\t4\n", "bom.tsv").lines[0]
    assert (fasteners.mpn, fasteners.description) == ("M3", "弹簧垫圈")
    text = (
        "Designator\tQty\tvalue/description\tFootprint\tDigikey Part Num\n"
        "R1\t1\t10k Ohms resistor\t0603\t311-10.0KHRCT-ND\n"
        "J2\t1\tHR911105A_C12074\tRJ45\t\n"
    )
    r1, j2 = read_bom_text(text, "bom.tsv").lines
    assert (r1.value, r1.supplier_code) == ("10k Ohms resistor", "311-10.0KHRCT-ND")
    assert (j2.value, j2.supplier_code) == ("HR911105A", "C12074")


def test_an_easyeda_pro_device_column_olimex_not_assembled_marks_and_shop_columns_are_read() -> None:
    """Held out 10: EasyEDA Pro's "Device" beside its "Footprint" is the part number ('M7_C95872' with its LCSC
    code), not a value ('10uF'), the value again or a part number other than the one the value names; Eagle's "Device" beside "Package" stays out of the MPN;
    Olimex's 'NA(...)' / 'NA/R0603' mean not assembled; 'Part # Mouser' is a supplier code and 'Need (pcs)' /
    'Part Quantity' a quantity; a long whole number in a spreadsheet cell keeps every digit."""
    pro = (
        "No.\tQuantity\tDesignator\tFootprint\tValue\tName\tDevice\n"
        "1\t6\tC1,C5,C6,C7,C19,C21\tC0603\t10uF\t10uF\tCL10A106KP8NNNC\n"
        "2\t1\tD1\tSMA_L4.3-W2.6-LS5.2-RD\tM7\tM7\tM7_C95872\n"
        "3\t1\tC2\tC0603\t1uF\t1uF\t1uF\n"
        "4\t1\tQ1\tSOT-23\tAO3401A\tAO3401A\tAO3400A\n"
    )
    cap, diode, plain, other = read_bom_text(pro, "bom.tsv").lines
    assert (cap.mpn, cap.value) == ("CL10A106KP8NNNC", "10uF")
    assert (diode.mpn, diode.supplier_code) == ("M7", "C95872")
    assert plain.mpn == ""
    assert (other.mpn, other.value) == ("", "AO3401A")  # the line's own part number, not the library's
    eagle = "Part\tValue\tDevice\tPackage\nR1\t10k\tR-EU_R0805\tR0805\n"
    (resistor,) = read_bom_text(eagle, "partlist.tsv").lines
    assert resistor.mpn == "" and resistor.package == "R0805"
    olimex = '"Id";"Designator";"Package";"Quantity";"Designation"\n1;"C20";"C_1206";1;"NA(1nF/2000V/10%/X7R/C1206)"\n'
    olimex += '2;"R17";"R_0603";1;"NA/R0603"\n3;"C1";"C_0603";1;"100nF/50V/20%/Y5V/C0603"\n'
    read = read_bom_text(olimex, "bom.csv")
    assert [x.value for x in read.dnp] == ["NA(1nF/2000V/10%/X7R/C1206)", "NA/R0603"] and len(read.lines) == 1
    shop = "Category\tItem\tNeed (pcs)\tPart # Mouser\nIC\tShift Register\t2\t595-SN74HC165N\n"
    (register,) = read_bom_text(shop, "bom.tsv").lines
    assert (register.quantity, register.supplier_code) == (2, "595-SN74HC165N")
    (counted,) = read_bom_text("Part Name\tPart Quantity\nM3x6mm\t8\n", "bom.tsv").lines
    assert counted.quantity == 8

    def build(book: openpyxl.Workbook) -> None:
        book.active.append(["Description", "Part #", "Qty"])
        book.active.append(["470 pF Capacitor", 885012208073, 10])

    (wurth,) = read_bom("bom.xlsx", _xlsx(build)).lines
    assert "885012208073" in (wurth.mpn, wurth.value, wurth.supplier_code), wurth


def test_what_the_twelfth_set_taught_the_reader_in_session_18() -> None:
    """A second-source column ('PN_1' beside 'PN', Kitspace's Manufacturer / MPN pairs) is an alternate, never the
    line's part number in place of the first; a remark in a distributor's column is what the part must be, not a
    supplier code."""
    kicad = (
        '"Item","Qty","Reference(s)","Value","Footprint","Mfg","Mfg_1","PN","PN_1"\n'
        '"1","2","C1, C2","100nF","C_0201_0603Metric","Samsung Electro-Mechanics","YAGEO","CL03A104KQ3NNNC",'
        '"CC0201KRX5R7BB104"\n'
        '"2","1","FB1","600R","L_0402_1005Metric","Murata","TDK","BLM15AG601SN1D",""\n'
    )
    cap, bead = read_bom_text(kicad, "bom.csv").lines
    assert (cap.mpn, cap.manufacturer, cap.alternates) == (
        "CL03A104KQ3NNNC",
        "Samsung Electro-Mechanics",
        ("CC0201KRX5R7BB104",),
    )
    assert (bead.mpn, bead.alternates) == ("BLM15AG601SN1D", ())
    pairs = "References,Qty,Description,Manufacturer,MPN,Manufacturer,MPN,LCSC\n"
    pairs += '"C7, C6",2,100nF 0805,Yageo,CC0805KRX7R9BB104,Guangdong Fenghua Advanced Tech,0805B104K500NT,C161260\n'
    (pair,) = read_bom_text(pairs, "bom.csv").lines
    assert (pair.mpn, pair.alternates, pair.supplier_code) == ("CC0805KRX7R9BB104", ("0805B104K500NT",), "C161260")
    remark = "Id;Designator;Package;Quantity;Designation;Digikey Part Number\n"
    remark += "4;R1,R2;r_0402;2;510;1% tolerance, temperature -20 to +70 °C.\n5;R3;r_0402;1;22;311-22.0LRCT-ND\n"
    noted, coded = read_bom_text(remark, "bom.csv").lines
    assert noted.supplier_code == "" and "1% tolerance" in noted.description
    assert coded.supplier_code == "311-22.0LRCT-ND"
