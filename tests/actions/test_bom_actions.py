"""BOM quote actions: a pasted table or an uploaded file becomes a quote; revisions keep the quote id."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.bom import ActionQuoteBom, ActionReviseQuote
from bot import providers
from bot.quotes import QuoteService, QuoteStore
from knowledge.pricing import PricingSettings
from tests.actions.conftest import make_tracker

PASTED = "位号\t数量\t规格型号\t封装\nR1,R2\t2\t10k\tR0603\nR3\t1\t10k\t\nU9\t1\tNOPE-XYZ-123\t\n"


@pytest.fixture
def service(engine, injected, tmp_path) -> QuoteService:
    svc = QuoteService(
        engine, QuoteStore(tmp_path / "quotes.sqlite"), injected, PricingSettings(), "http://127.0.0.1:9"
    )
    providers.set_quote_service(svc)
    yield svc
    providers.set_quote_service(None)


def run(action: Any, tracker: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_pasted_bom_is_quoted_with_decisions_first(service: QuoteService) -> None:
    messages, events = run(ActionQuoteBom(), make_tracker(PASTED, "upload_bom", slots={"language": "zh"}))
    text = messages[0]["text"]
    assert "读取 3 行" in text and "第3行" in text
    # The headline says what is priced and what is not; no bare total over a quote with unpriced lines.
    assert "已报价 1/3 行" in text and "2 行待处理" in text and "已报价部分合计 CNY" in text
    assert "\n合计" not in text
    quote = messages[0]["custom"]["data"]["quote"]
    assert quote["revision"] == 1 and quote["boards"] == 1
    assert set(quote["downloads"]) == {"xlsx", "csv", "pdf"}
    assert slots_of(events)["quote_id"] == quote["quote_id"]
    # The value-only line offers candidates as buttons that revise the quote.
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert any(p.startswith("/revise_quote") and '"quote_line": 3' in p for p in payloads)
    # The part number nobody stocks is recorded as unmet demand.
    assert any("NOPE-XYZ-123" in r.text for r in service.demand.recent())  # type: ignore[union-attr]


def test_uploaded_file_is_read_from_the_store(service: QuoteService) -> None:
    upload_id = service.store.save_upload("bom.csv", b"Designator,Qty,Value,Footprint\nR1,1,10k,R0603\n", "buyer-1")
    tracker = make_tracker(
        f'/upload_bom{{"upload_id": "{upload_id}"}}',
        "upload_bom",
        entities=[{"entity": "upload_id", "value": upload_id}],
        slots={"language": "en", "boards": 250.0},
    )
    messages, _events = run(ActionQuoteBom(), tracker)
    quote = messages[0]["custom"]["data"]["quote"]
    assert quote["file"] == "bom.csv" and quote["boards"] == 250 and quote["lines"][0]["qty"] == 250
    assert "1 lines read: 1 exact" in messages[0]["text"] or "1 by parameters" in messages[0]["text"]


def test_another_buyers_upload_is_not_quoted(service: QuoteService) -> None:
    upload_id = service.store.save_upload("theirs.csv", b"Designator,Qty,Value,Footprint\nR1,1,10k,R0603\n", "buyer-2")
    tracker = make_tracker("/upload_bom", "upload_bom", entities=[{"entity": "upload_id", "value": upload_id}])
    messages, events = run(ActionQuoteBom(), tracker)  # the tracker is buyer-1's
    assert not messages[0]["custom"] and "upload it again" in messages[0]["text"] and events == []


def test_a_request_without_a_table_asks_for_the_file(service: QuoteService) -> None:
    messages, events = run(ActionQuoteBom(), make_tracker("BOM 报价 300 套", "upload_bom"))
    assert "上传" in messages[0]["text"] and "300" in messages[0]["text"]
    assert slots_of(events) == {"boards": 300.0}


def test_a_file_that_is_not_a_bom_gets_the_reason(service: QuoteService) -> None:
    upload_id = service.store.save_upload("photo.csv", b"\x00\x01\x02binary\x00" * 20, "buyer-1")
    tracker = make_tracker("/upload_bom", "upload_bom", entities=[{"entity": "upload_id", "value": upload_id}])
    messages, events = run(ActionQuoteBom(), tracker)
    assert "binary" in messages[0]["text"] and events == []


def test_revisions_keep_the_id_and_apply_the_change(service: QuoteService) -> None:
    messages, _ = run(ActionQuoteBom(), make_tracker(PASTED, "upload_bom", slots={"language": "en"}))
    first = messages[0]["custom"]["data"]["quote"]
    slots = {"language": "en", "quote_id": first["quote_id"]}
    messages, _ = run(ActionReviseQuote(), make_tracker("quote for 500 boards", "revise_quote", slots=slots))
    second = messages[0]["custom"]["data"]["quote"]
    assert (second["quote_id"], second["revision"], second["boards"]) == (first["quote_id"], 2, 500)
    button = json.dumps({"quote_line": 3, "candidate": 2})
    tracker = make_tracker(
        f"/revise_quote{button}",
        "revise_quote",
        entities=[{"entity": "quote_line", "value": 3}, {"entity": "candidate", "value": 2}],
        slots=slots,
    )
    messages, _events = run(ActionReviseQuote(), tracker)
    third = messages[0]["custom"]["data"]["quote"]
    line3 = next(line for line in third["lines"] if line["line"] == 3)
    assert third["revision"] == 3 and line3["status"] == "chosen" and line3["ext_price"] is not None
    # The reply opens with what changed and what it did to the subtotal.
    picked = next(c for c in line3["candidates"] if c["current"])
    assert picked["n"] == 2 and messages[0]["text"].startswith(f"Changed: line 3: to decide → {picked['mpn']}")
    assert f"Subtotal CNY {second['subtotal']} → {third['subtotal']}" in messages[0]["text"]
    assert second["change"].startswith("Changed: boards 1 → 500.")
    assert service.store.revisions(first["quote_id"]) == [1, 2, 3]


def test_revision_errors_are_explained(service: QuoteService) -> None:
    messages, _ = run(ActionReviseQuote(), make_tracker("line 7 use the second one", "revise_quote"))
    assert "no quote yet" in messages[0]["text"].lower() or "BOM" in messages[0]["text"]
    run(ActionQuoteBom(), make_tracker(PASTED, "upload_bom"))
    quote_id = service.store.latest_id()
    slots = {"language": "en", "quote_id": quote_id}
    messages, _ = run(ActionReviseQuote(), make_tracker("line 99 use the second one", "revise_quote", slots=slots))
    assert "no line 99" in messages[0]["text"]


def test_a_substitute_request_about_a_quote_line_uses_that_lines_part(service: QuoteService) -> None:
    from actions.substitutes import ActionFindSubstitutes

    messages, _ = run(ActionQuoteBom(), make_tracker(PASTED, "upload_bom", slots={"language": "en"}))
    quote = messages[0]["custom"]["data"]["quote"]
    line2 = next(line for line in quote["lines"] if line["line"] == 2)
    assert line2["mpn"] == "0603WAF1002T5E"
    slots = {"language": "en", "quote_id": quote["quote_id"], "last_sku": "ISO15-6205-2RS"}
    messages, _ = run(ActionFindSubstitutes(), make_tracker("alternatives for line 2", "ask_substitute", slots=slots))
    text = messages[0]["text"]
    assert text.startswith("Substitutes for 0603WAF1002T5E") and "6205" not in text, text


def test_the_buyer_sees_what_was_read_and_corrects_a_column_in_the_chat(service: QuoteService) -> None:
    # "Qty" holds the per-board count the buyer did not mean; "Per board" (not a header word we know) does.
    pasted = "Designator\tQty\tValue\tFootprint\tPer board\nR1\t1\t10k\tR0603\t4\nR2\t1\t10k\tR0603\t2\n"
    messages, _ = run(ActionQuoteBom(), make_tracker(pasted, "upload_bom", slots={"language": "en"}))
    first = messages[0]["custom"]["data"]["quote"]
    text = messages[0]["text"]
    assert "Header on row 1: A “Designator” → designators, B “Qty” → quantity" in text, text
    assert first["reading"] and first["reading"][0].startswith("Header on row 1")
    assert [line["qty"] for line in first["lines"]] == [1, 1]
    slots = {"language": "en", "quote_id": first["quote_id"]}
    messages, _ = run(ActionReviseQuote(), make_tracker("quantity is column E", "revise_quote", slots=slots))
    second = messages[0]["custom"]["data"]["quote"]
    assert (second["quote_id"], second["revision"]) == (first["quote_id"], 2)
    assert [line["qty"] for line in second["lines"]] == [4, 2]
    assert messages[0]["text"].startswith("Changed: read again: quantity ← column E"), messages[0]["text"]
    assert "E “Per board” → quantity" in messages[0]["text"] and "B “Qty”" not in messages[0]["text"]
    # A correction the file cannot take says why, and changes nothing.
    messages, _ = run(ActionReviseQuote(), make_tracker("quantity is column H", "revise_quote", slots=slots))
    assert "no column H" in messages[0]["text"] and not messages[0]["custom"]
    assert service.store.revisions(first["quote_id"]) == [1, 2]


def test_skip_the_first_sheet_of_an_uploaded_workbook(service: QuoteService) -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "old_rev"
    book.active.append(["Designator", "Qty", "Value", "Footprint"])
    book.active.append(["R1", 1, "10k", "R0603"])
    main = book.create_sheet("main_board")
    main.append(["位号", "数量", "规格型号", "封装"])
    main.append(["R1,R2", 2, "0603WAF1002T5E", "R0603"])
    main.append(["C1", 1, "100nF", "C0603"])
    data = io.BytesIO()
    book.save(data)
    upload_id = service.store.save_upload("two_sheets.xlsx", data.getvalue(), "buyer-1")
    tracker = make_tracker(
        "/upload_bom", "upload_bom", entities=[{"entity": "upload_id", "value": upload_id}], slots={"language": "zh"}
    )
    messages, _ = run(ActionQuoteBom(), tracker)
    first = messages[0]["custom"]["data"]["quote"]
    assert first["summary"]["lines"] == 3 and "表 old_rev 第 1 行表头" in messages[0]["text"]
    slots = {"language": "zh", "quote_id": first["quote_id"]}
    messages, _ = run(ActionReviseQuote(), make_tracker("跳过第一个表", "revise_quote", slots=slots))
    second = messages[0]["custom"]["data"]["quote"]
    assert second["summary"]["lines"] == 2 and {line["designators"] for line in second["lines"]} == {"R1 R2", "C1"}
    assert messages[0]["text"].startswith("已修改:重新读取:跳过表 old_rev"), messages[0]["text"]
    assert "按您的要求跳过的工作表 2(表 old_rev 第 1, 2 行)" in messages[0]["text"]
    # Corrections add up: the next one keeps the sheet skipped.
    messages, _ = run(ActionReviseQuote(), make_tracker("数量在第2列", "revise_quote", slots=slots))
    third = messages[0]["custom"]["data"]["quote"]
    assert third["summary"]["lines"] == 2 and third["revision"] == 3


def _two_sheet_upload(service: QuoteService, second_qty_col: str = "数量") -> str:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "power"
    book.active.append(["Designator", "Qty", "Value", "Footprint", "Note"])
    book.active.append(["R1", 1, "10k", "", "7"])  # no package: a line to decide, row 2
    main = book.create_sheet("main_board")
    main.append(["位号", second_qty_col, "规格型号", "封装", "每板"])
    main.append(["R5", 1, "10k", "", 4])  # row 2 too
    data = io.BytesIO()
    book.save(data)
    return service.store.save_upload("two_sheets.xlsx", data.getvalue(), "buyer-1")


def _quote_upload(upload_id: str, language: str = "en") -> dict[str, Any]:
    tracker = make_tracker(
        "/upload_bom",
        "upload_bom",
        entities=[{"entity": "upload_id", "value": upload_id}],
        slots={"language": language},
    )
    messages, _ = run(ActionQuoteBom(), tracker)
    return messages[0]


def test_rows_of_two_sheets_sharing_a_number_are_never_guessed(service: QuoteService) -> None:
    first = _quote_upload(_two_sheet_upload(service))
    quote = first["custom"]["data"]["quote"]
    assert [(d["name"], d["line"]) for d in quote["decide"]] == [("power line 2", 2), ("main_board line 2", 2)]
    assert "power line 2 [to decide]" in first["text"] and "main_board line 2 [to decide]" in first["text"]
    slots = {"language": "en", "quote_id": quote["quote_id"]}
    messages, _ = run(ActionReviseQuote(), make_tracker("line 2 use the second one", "revise_quote", slots=slots))
    assert "line 2 is on several sheets (power, main_board)" in messages[0]["text"] and not messages[0]["custom"]
    messages, _ = run(
        ActionReviseQuote(), make_tracker("main_board line 2 use the second one", "revise_quote", slots=slots)
    )
    revised = messages[0]["custom"]["data"]["quote"]
    assert [(line["name"], line["status"]) for line in revised["lines"]] == [
        ("power line 2", "ambiguous"),
        ("main_board line 2", "chosen"),
    ]
    # The picker's payload names the sheet and the revision it was shown on.
    payload = quote["decide"][1]["candidates"][0]["payload"]
    assert json.loads(payload.removeprefix("/revise_quote")) == {
        "quote_line": 2,
        "candidate": 1,
        "quote_revision": 1,
        "quote_sheet": "main_board",
    }


def test_a_pick_from_an_older_quote_is_refused_not_applied_to_the_newest(service: QuoteService) -> None:
    messages, _ = run(ActionQuoteBom(), make_tracker(PASTED, "upload_bom", slots={"language": "en"}))
    first = messages[0]["custom"]["data"]["quote"]
    slots = {"language": "en", "quote_id": first["quote_id"]}
    run(ActionReviseQuote(), make_tracker("quote for 500 boards", "revise_quote", slots=slots))
    old = first["decide"][0]["candidates"][1]["payload"]  # still on the r1 card
    entities = [{"entity": k, "value": v} for k, v in json.loads(old.removeprefix("/revise_quote")).items()]
    messages, _ = run(ActionReviseQuote(), make_tracker(old, "revise_quote", entities=entities, slots=slots))
    assert "made on revision 1, and the quote is at revision 2" in messages[0]["text"]
    assert service.store.revisions(first["quote_id"]) == [1, 2]


def test_a_column_correction_over_several_tables_asks_first(service: QuoteService) -> None:
    quote = _quote_upload(_two_sheet_upload(service))["custom"]["data"]["quote"]
    slots = {"language": "en", "quote_id": quote["quote_id"]}
    messages, _ = run(ActionReviseQuote(), make_tracker("quantity is column E", "revise_quote", slots=slots))
    assert "the file has 2 tables" in messages[0]["text"] and "skip" in messages[0]["text"]
    # Skip one, then the column: both kept, with the board count said in the same message.
    run(ActionReviseQuote(), make_tracker("skip sheet power", "revise_quote", slots=slots))
    messages, _ = run(
        ActionReviseQuote(), make_tracker("quote for 10 boards, quantity is column E", "revise_quote", slots=slots)
    )
    third = messages[0]["custom"]["data"]["quote"]
    assert third["revision"] == 3 and third["boards"] == 10 and [line["qty"] for line in third["lines"]] == [40]
    assert "boards 1 → 10" in third["change"] and "quantity ← column E" in third["change"]


def test_picks_survive_a_reading_correction(service: QuoteService) -> None:
    pasted = "Designator\tQty\tValue\tFootprint\tPer board\nR1\t1\t10k\t\t4\nR2\t1\t10k\tR0603\t2\n"
    messages, _ = run(ActionQuoteBom(), make_tracker(pasted, "upload_bom", slots={"language": "en"}))
    first = messages[0]["custom"]["data"]["quote"]
    slots = {"language": "en", "quote_id": first["quote_id"]}
    messages, _ = run(ActionReviseQuote(), make_tracker("line 2 use the second one", "revise_quote", slots=slots))
    picked = messages[0]["custom"]["data"]["quote"]["lines"][0]
    assert picked["status"] == "chosen"
    messages, _ = run(ActionReviseQuote(), make_tracker("quantity is column E", "revise_quote", slots=slots))
    third = messages[0]["custom"]["data"]["quote"]["lines"]
    assert (third[0]["status"], third[0]["mpn"], third[0]["qty"]) == ("chosen", picked["mpn"], 4)
