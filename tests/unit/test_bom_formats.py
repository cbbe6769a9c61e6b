"""The file formats buyers send besides .xlsx / .csv: legacy .xls (BIFF), HTML and Excel-2003 XML saved as .xls,
and KiCad's XML export. Content decides the format, never the file name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.bom import FILE_TYPES, BomReadResult, read_bom
from knowledge.errors import BomFormatError, BomLimitError

ROOT = Path(__file__).resolve().parents[2]
MADE = ROOT / "tests" / "fixtures" / "boms" / "made"


def _items(result: BomReadResult) -> dict[int, tuple]:
    return {
        line.line: (line.designators, line.quantity, line.mpn or line.value, line.dnp)
        for line in (*result.lines, *result.dnp)
    }


def test_altium_xls_with_title_block() -> None:
    result = read_bom(MADE / "xls_altium_title_block.xls")
    assert result.format == "xls"
    assert {line.sheet for line in result.lines} == {"Bill of Materials"}
    assert _items(result)[10] == (("C1", "C2", "C3", "C4"), 4.0, "100nF", False)
    assert [line.line for line in result.dnp] == [14]
    assert len(result.lines) == 4
    reasons = {p.line: p.reason for p in result.skipped}
    assert reasons[1].startswith("before the header") and reasons[9] == "header row"
    assert reasons[16].startswith("signature or footer row")  # "Approved" under the table


def test_kingdee_xls_parent_block_attrition_and_total() -> None:
    result = read_bom(MADE / "xls_kingdee_bom_expand.xls")
    by_line = {line.line: line for line in result.lines}
    assert sorted(by_line) == [6, 7, 8, 9]
    assert by_line[6].attrition_pct == pytest.approx(2.0)  # 0.02 in a cell formatted 0.00 %
    assert by_line[6].designators == ("C1", "C2", "C3", "C4") and by_line[6].value == "100nF 50V X7R 0603"
    assert by_line[9].description == "螺丝" and by_line[9].quantity == 4
    reasons = {p.line: p.reason for p in result.skipped}
    assert all(reasons[n].startswith("before the header") for n in (1, 2, 3))  # 父项物料 block
    assert reasons[10].startswith("subtotal row")  # 合计 with a SUM formula's cached value
    assert not result.problems  # the empty Sheet2 is no problem


def test_ooxml_and_biff_are_told_by_content_not_name() -> None:
    data = (MADE / "xls_altium_title_block.xls").read_bytes()
    assert read_bom("bom.xlsx", data).format == "xls"
    assert read_bom("bom.csv", data).format == "xls"


def test_html_table_saved_as_xls() -> None:
    html = """<html><head><style>td {mso-number-format:"\\@";}</style><script>var x = "<tr><td>no</td></tr>";</script>
    </head><body><table border=1>
    <tr><td colspan=5>立创商城 订单明细 SO2024</td></tr>
    <tr><th>序号</th><th>商品编号</th><th>型号</th><th>品牌</th><th>数量</th></tr>
    <tr><td>1</td><td>C14663</td><td>CC0603KRX7R9BB104</td><td>YAGEO(国巨)</td><td>50个</td></tr>
    <tr><td rowspan=2>2</td><td>C25804</td><td>0603WAF1002T5E</td><td rowspan=2>UNI-ROYAL(厚声)</td><td>100</td></tr>
    <tr><td>C25805</td><td>0603WAF1001T5E</td><td>20</td></tr>
    <tr><td colspan=4>合计</td><td>170</td></tr></table></body></html>"""
    result = read_bom("订单.xls", html.encode("gbk"))
    assert result.format == "html"
    assert _items(result) == {
        3: ((), 50.0, "CC0603KRX7R9BB104", False),
        4: ((), 100.0, "0603WAF1002T5E", False),
        5: ((), 20.0, "0603WAF1001T5E", False),
    }
    assert {line.line: line.manufacturer for line in result.lines}[5] == "UNI-ROYAL(厚声)"  # rowspan filled down
    assert [(p.line, p.reason[:8]) for p in result.skipped] == [(1, "before t"), (2, "header r"), (6, "subtotal")]


def test_excel_2003_xml_workbook() -> None:
    xml = """<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="BOM">
  <Table>
   <Row><Cell ss:MergeAcross="3"><Data ss:Type="String">物料清单</Data></Cell></Row>
   <Row ss:Index="3"><Cell><Data ss:Type="String">位号</Data></Cell><Cell><Data ss:Type="String">型号</Data></Cell>
     <Cell><Data ss:Type="String">封装</Data></Cell><Cell><Data ss:Type="String">数量</Data></Cell></Row>
   <Row><Cell><Data ss:Type="String">R1,R2</Data></Cell><Cell><Data ss:Type="String">0603WAF1002T5E</Data></Cell>
     <Cell ss:Index="4"><Data ss:Type="Number">2</Data></Cell></Row>
   <Row><Cell ss:MergeAcross="3"><Data ss:Type="String">机械部分</Data></Cell></Row>
   <Row><Cell><Data ss:Type="String">H1</Data></Cell><Cell><Data ss:Type="String">M3*6 螺丝</Data></Cell>
     <Cell/><Cell><Data ss:Type="Number">4</Data></Cell></Row>
  </Table>
 </Worksheet>
</Workbook>"""
    result = read_bom("export.xls", xml.encode("utf-8"))
    assert result.format == "spreadsheetml"
    assert _items(result) == {4: (("R1", "R2"), 2.0, "0603WAF1002T5E", False), 6: (("H1",), 4.0, "M3*6 螺丝", False)}
    assert {p.line: p.reason for p in result.skipped}[5] == "section title '机械部分'"


KICAD = """<?xml version="1.0" encoding="UTF-8"?>
<export version="E">
  <design><source>board.kicad_sch</source><tool>Eeschema 8.0.1</tool></design>
  <components>
    <comp ref="C1">
      <value>100nF</value>
      <footprint>Capacitor_SMD:C_0603_1608Metric</footprint>
      <datasheet>~</datasheet>
      <fields><field name="LCSC">C14663</field><field name="MPN">CC0603KRX7R9BB104</field></fields>
      <libsource lib="Device" part="C" description="Unpolarized capacitor"/>
    </comp>
    <comp ref="#PWR01"><value>GND</value></comp>
    <comp ref="R1">
      <value>10k</value>
      <footprint>Resistor_SMD:R_0402_1005Metric</footprint>
      <libsource lib="Device" part="R" description="Resistor"/>
    </comp>
    <comp ref="C2">
      <value>100nF</value>
      <footprint>Capacitor_SMD:C_0603_1608Metric</footprint>
      <fields><field name="LCSC">C14663</field><field name="MPN">CC0603KRX7R9BB104</field></fields>
      <libsource lib="Device" part="C" description="Unpolarized capacitor"/>
    </comp>
    <comp ref="R2">
      <value>10k</value>
      <footprint>Resistor_SMD:R_0402_1005Metric</footprint>
      <property name="dnp"/>
    </comp>
    <comp ref="H1">
      <value>MountingHole</value>
      <footprint>MountingHole:MountingHole_3.2mm_M3</footprint>
      <property name="exclude_from_bom"/>
    </comp>
  </components>
  <nets><net code="1" name="GND"><node ref="C1" pin="2"/></net></nets>
</export>
"""


def test_kicad_xml_groups_like_kicads_grouped_bom() -> None:
    result = read_bom("board.xml", KICAD.encode())
    assert result.format == "kicad_xml"
    assert _items(result) == {
        5: (("C1", "C2"), 2.0, "CC0603KRX7R9BB104", False),
        13: (("R1",), 1.0, "10k", False),
        24: (("R2",), 1.0, "10k", True),
    }
    c = result.lines[0]
    assert (c.value, c.supplier_code, c.package) == ("100nF", "C14663", "Capacitor_SMD:C_0603_1608Metric")
    assert result.lines[1].description == "Resistor"  # the symbol's description when no field gives one
    reasons = {p.line: p.reason for p in result.skipped}
    assert reasons[12].startswith("power symbol") and "excluded from the BOM" in reasons[29]
    assert reasons[4] == "header row"  # the <components> element stands for the header


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><export>&b;</export>', "XML with"),
        (b'<?xml version="1.0"?><export version="E"><components><comp ref="R1"></export>', "damaged KiCad"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "an XML file that is neither"),
        (b'<?xml version="1.0"?><export version="E"><design/></export>', "a KiCad export without"),
        (b"<html><body><p>no table here</p></body></html>", "an HTML file without a table"),
    ],
)
def test_xml_and_html_that_are_not_boms(data: bytes, reason: str) -> None:
    with pytest.raises(BomFormatError) as error:
        read_bom("x.xml", data)
    assert error.value.reason.startswith(reason)


def test_kicad_xml_row_limit() -> None:
    from knowledge.bom import BomLimits

    comps = "".join(f'<comp ref="R{i}"><value>{i}k</value></comp>' for i in range(30))
    data = f'<?xml version="1.0"?><export version="E"><components>{comps}</components></export>'.encode()
    with pytest.raises(BomLimitError) as error:
        read_bom("big.xml", data, limits=BomLimits(max_rows=20))
    assert error.value.limit == "rows"


def test_pickers_offer_every_file_type_the_reader_takes() -> None:
    """The web chat's file picker and its client-side check list exactly knowledge.bom.FILE_TYPES."""
    html = (ROOT / "bot" / "web" / "static" / "index.html").read_text(encoding="utf-8")
    accept = re.search(r'accept="([^"]+)"', html)
    assert accept is not None and tuple(accept.group(1).split(",")) == FILE_TYPES
    script = (ROOT / "bot" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    pattern = re.search(r"var BOM_TYPES = /\\\.\(([^)]+)\)\$/i;", script)
    assert pattern is not None and tuple("." + t for t in pattern.group(1).split("|")) == FILE_TYPES


def test_review_findings_stay_fixed() -> None:
    """A stranger's review: part text alone in a row stays an item; "Total Phase" with a designator is a part;
    DNP in a "DNP?" column; LCSC's "Min\\Mult Order Qty." is no quantity; a KiCad export with many unnamed
    fields is still read."""
    result = read_bom("a.csv", b"MPN,Manufacturer,Qty,Designator\nLM358,TI,1,U1\nHeatsink,,,\nNE555,TI,1,U2\n")
    assert [line.mpn for line in result.lines] == ["LM358", "Heatsink", "NE555"]
    result = read_bom("b.csv", b"Manufacturer,MPN,Designator,Qty\nTotal Phase,TP240141,U1,1\n")
    assert [line.mpn for line in result.lines] == ["TP240141"]
    result = read_bom("c.csv", b"Designator,Qty,MPN,DNP?\nR1,1,RC0603FR-0710KL,DNP\nR2,1,RC0603FR-0710KL,\n")
    assert [line.designators for line in result.dnp] == [("R1",)] and len(result.lines) == 1
    lcsc = b"LCSC Part Number,Manufacture Part Number,Order Qty.,Min\\Mult Order Qty.\nC25804,0603WAF1002T5E,300,100\\100\n"
    line = read_bom("d.csv", lcsc).lines[0]
    assert (line.mpn, line.supplier_code, line.quantity) == ("0603WAF1002T5E", "C25804", 300.0)
    fields = "".join(f'<field name="Sim.F{i}">x</field>' for i in range(12)) + '<field name="LCSC">C25804</field>'
    xml = f'<?xml version="1.0"?><export version="E"><components><comp ref="R1"><value>10k</value><fields>{fields}</fields></comp></components></export>'
    assert read_bom("e.xml", xml.encode()).lines[0].supplier_code == "C25804"


def test_headers_of_diptrace_elecrow_and_a_hand_made_markdown_list() -> None:
    """Held-out BOMs of session 9: DipTrace's Pattern / JLCPCB, Elecrow's 'Elecrow PN' (LCSC codes), a markdown
    list's "Manufacturer's  Part Number" and "Part Reference" were dropped, and their lines matched by value alone."""
    from knowledge.bom import read_bom_text

    diptrace = read_bom_text('Comment,RefDes,Pattern,JLCPCB\n100nF,"C1, C2",CAP_0402_N,C307438\n').lines[0]
    assert (diptrace.package, diptrace.supplier_code, diptrace.designators) == ("CAP_0402_N", "C307438", ("C1", "C2"))
    elecrow = read_bom_text('Elecrow PN,Parts,Value,Package,QTY\nC14663,"C1,C7",0.1u,C_0603_1608Metric,2\n').lines[0]
    assert elecrow.supplier_code == "C14663" and elecrow.designators == ("C1", "C7")
    markdown = read_bom_text(
        "| Manufacturer's  Part Number | Manufacturer | Value | FootPrint | Quantity | Part Reference |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| GRM155R71E104KE14D | muRata | 100nF,25V | 0402 | 2 | C101 C102 |\n"
    ).lines[0]
    assert markdown.mpn == "GRM155R71E104KE14D" and markdown.designators == ("C101", "C102")


def test_headers_that_join_maker_and_part_number_and_a_chinese_name_column() -> None:
    """Held-out BOMs of session 10: a hand-made sheet's 'Manufacturer / Part #' (every value of the file) and a
    Chinese list's 元件名 ('SS14', '绿色', '104') were dropped; LCSC's '厂家型号/封装' stays the package column."""
    from knowledge.bom import read_bom_text

    joined = read_bom_text('Item,Qty,Reference,Part Description,Manufacturer / Part #\n1,2,"C1, C2",CAP_0805,0.1uF\n')
    assert joined.lines[0].mpn == "0.1uF" and joined.lines[0].designators == ("C1", "C2")
    zh = read_bom_text("序号,元件名,描述,标号,封装,数量\n3,SS14,肖特基二极管,D1,SOD-123,1\n").lines[0]
    assert (zh.value, zh.description, zh.package) == ("SS14", "肖特基二极管", "SOD-123")
    lcsc = read_bom_text("商品编号,厂家型号/封装,商品名称,订购数量\nC36578,1N4007W A7/SOD-123FL,1N4007W A7 编带,50\n")
    assert lcsc.lines[0].package == "1N4007W A7/SOD-123FL" and lcsc.lines[0].mpn == ""
