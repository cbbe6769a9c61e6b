"""BOM quotes through the real stack: upload to the web server and quote through Rasa + the action server as the web
chat does (socket.io, the server's session), pick a candidate, change the board count, download the XLSX / PDF /
CSV of the revision; pasted tables over REST."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import requests

from bot.stack import Stack
from tests.e2e.conftest import logs
from tests.e2e.test_spec_turns import ask
from tests.e2e.webchat import WebChat, texts
from tests.e2e.webchat import quote_in as quote_of
from tests.unit.test_bom_read import FIXTURES

BOM = (
    "Designator,Qty,Manufacturer Part,LCSC,Value,Footprint\n"
    '"R1,R2,R3",3,0603WAF1002T5E,C25804,10k,R0603\n'
    "R4,1,RC0603FR-0710KL,,10k,R_0603_1608Metric\n"
    "R5,1,,,10k,\n"
    "U1,1,QQZ9000-NOT-A-PART,,QQZ9000,SOIC-8\n"
)


def test_upload_pick_requote_and_download(stack: Stack) -> None:
    with WebChat(stack) as chat:
        _upload_pick_requote_and_download(stack, chat)


def _upload_pick_requote_and_download(stack: Stack, chat: WebChat) -> None:
    replies = chat.quote_upload("board.csv", BOM.encode())
    reply = texts(replies)
    quote = quote_of(replies)
    assert quote["revision"] == 1 and quote["summary"]["lines"] == 4, f"{reply!r}\n{logs(stack)}"
    assert quote["summary"]["exact"] == 2 and quote["summary"]["not_found"] == 1, quote["summary"]
    assert "4 lines read: 2 exact" in reply or "读取 4 行" in reply, reply
    lines = {line["line"]: line for line in quote["lines"]}
    assert lines[2]["mpn"] == "0603WAF1002T5E" and lines[2]["qty"] == 3 and lines[2]["ext_price"]
    assert lines[4]["status"] == "ambiguous" and len(lines[4]["candidates"]) >= 2
    assert lines[5]["status"] == "not_found"

    # Every line to decide comes with its numbered candidates (package, stock, price) and a picker.
    assert [d["line"] for d in quote["decide"]] == [4, 5] and quote["decide"][0]["pickable"]
    offered = quote["decide"][0]["candidates"]
    assert [c["n"] for c in offered] == list(range(1, len(offered) + 1)) and offered[1]["label"].startswith("2. ")
    assert quote["headline"][0].startswith("Priced 2 of 4 lines") and "2 to decide" in quote["headline"][0]

    second_replies = chat.say("line 4 use the second one")
    second = quote_of(second_replies)
    assert (second["quote_id"], second["revision"]) == (quote["quote_id"], 2)
    picked = next(line for line in second["lines"] if line["line"] == 4)
    assert picked["status"] == "chosen" and picked["mpn"] == offered[1]["mpn"]
    assert second["summary"]["ambiguous"] == 0
    # The reply says what changed and what it did to the subtotal, first.
    change = f"Changed: line 4: to decide → {offered[1]['mpn']}"
    assert texts(second_replies).startswith(change) and second["change"].startswith(change), texts(second_replies)
    assert f"Subtotal CNY {quote['subtotal']} → {second['subtotal']}" in second["change"]

    third = quote_of(chat.say("quote for 500 boards"))
    assert (third["quote_id"], third["revision"], third["boards"]) == (quote["quote_id"], 3, 500)
    assert next(line for line in third["lines"] if line["line"] == 2)["qty"] == 1500
    assert float(third["total"]) > float(second["total"])

    xlsx = requests.get(third["downloads"]["xlsx"], timeout=30)
    assert xlsx.status_code == 200, xlsx.text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(quote["quote_id"] in c for c in cells) and "0603WAF1002T5E" in cells
    pdf = requests.get(third["downloads"]["pdf"], timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    rows = list(
        csv.reader(io.StringIO(requests.get(third["downloads"]["csv"], timeout=30).content.decode("utf-8-sig")))
    )
    assert any("QQZ9000-NOT-A-PART" in cell for row in rows for cell in row)
    demand = stack.settings.database
    assert demand.exists()


def test_pasted_bom_is_quoted_in_chinese(stack: Stack, sender: str) -> None:
    pasted = "位号\t数量\t规格型号\t封装\nR1,R2\t2\t0603WAF1002T5E\tR0603\nR9\t1\t10k\t\n"
    replies = ask(stack, sender, pasted)
    reply = texts(replies)
    quote = quote_of(replies)
    assert quote["summary"]["lines"] == 2 and "读取 2 行" in reply and "第3行" in reply, f"{reply!r}\n{logs(stack)}"
    replies = ask(stack, sender, "报价 200 套")
    assert quote_of(replies)["boards"] == 200 and quote_of(replies)["quote_id"] == quote["quote_id"]


def test_real_dev_bom_is_read_with_every_line(stack: Stack) -> None:
    path = FIXTURES / "csv_lceda_utf16_tab_keyboard_nano.csv"
    with WebChat(stack) as chat:
        quote = quote_of(chat.quote_upload(path.name, path.read_bytes()))
    assert quote["summary"]["lines"] == 13, quote["summary"]
    assert sum(quote["summary"][s] for s in ("exact", "parametric", "ambiguous", "not_found")) == 13


@pytest.mark.parametrize(
    ("name", "lines", "dnp"),
    [
        ("outside/altium_limesdr_mini_1v3_bom.xls", 69, 15),  # legacy BIFF .xls, Altium, NF(...) markers
        ("outside/lcsc_order_nixie_clock.xls", 21, 0),  # LCSC (立创商城) order export, BIFF
        ("outside/kicad_xml_picoice_rev3_k7.xml", 27, 7),  # KiCad 7 XML export
        ("outside/hand_opendog_sections.ods", 41, 0),  # OpenDocument, section rows
    ],
)
def test_real_exports_in_other_formats_are_quoted_whole(stack: Stack, name: str, lines: int, dnp: int) -> None:
    """Formats the web chat refused or did not know (issue 16), uploaded as the page does and quoted."""
    path = FIXTURES / name
    with WebChat(stack) as chat:
        quote = quote_of(chat.quote_upload(path.name, path.read_bytes()))
    assert quote["summary"]["lines"] == lines, quote["summary"]
    assert sum(quote["summary"][s] for s in ("exact", "parametric", "ambiguous", "not_found")) == lines
    assert quote["summary"]["dnp"] == dnp, quote["summary"]


def test_a_file_that_is_not_a_bom_gets_a_clear_reason(stack: Stack) -> None:
    with WebChat(stack) as chat:
        reply = texts(chat.quote_upload("notes.pdf", b"%PDF-1.4 not a table"))
    assert "PDF" in reply and (".xlsx" in reply or "xlsx" in reply), reply


def test_oversized_upload_is_refused_by_the_web_server(stack: Stack) -> None:
    response = requests.post(
        stack.web_url + "uploads", files={"file": ("big.csv", b"x" * (6 * 1024 * 1024))}, timeout=60
    )
    assert response.status_code == 413 and "5 MB" in response.json()["error"]
