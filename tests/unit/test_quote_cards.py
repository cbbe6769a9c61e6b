"""What the chat says about a quote: the headline never hides unpriced lines; old stored quotes still render."""

from __future__ import annotations

from typing import Any

from bot.cards import quote_card, quote_headline, quote_message


def _quote(lines: list[dict[str, Any]], **summary: Any) -> dict[str, Any]:
    counts = {"exact": 0, "parametric": 0, "ambiguous": 0, "not_found": 0, "dnp": 0, "problems": 0}
    counts.update(summary)
    return {
        "quote_id": "Q-20261206-ABC123",
        "revision": 1,
        "file": "bom.csv",
        "boards": 10,
        "currency": "CNY",
        "subtotal": "0.00",
        "tax": "0.00",
        "total": "0.00",
        "tax_rate": "0.13",
        "valid_until": "2026-12-13",
        "lines": lines,
        "summary": {"lines": len(lines), "longest_lead_time_days": None, **counts},
        "dnp": [],
        "problems": [],
    }


def _line(number: int, status: str, ext_price: str | None = None) -> dict[str, Any]:
    return {
        "line": number,
        "sheet": "",
        "status": status,
        "sku": "C1" if ext_price else None,
        "mpn": "RC0603" if ext_price else None,
        "qty": 10,
        "ext_price": ext_price,
        "input": {"mpn": "", "value": "10k", "description": ""},
        "candidates": [],
        "match_note": "not in the catalog",
    }


def test_nothing_priced_says_so_instead_of_a_zero_total() -> None:
    quote = _quote([_line(2, "not_found"), _line(3, "not_found")], not_found=2, priced=0, to_decide=2)
    zh, en = quote_headline(quote, "zh"), quote_headline(quote, "en")
    assert zh[0] == "已报价 0/2 行:还没有能报价的行 · 2 行待处理" and "合计" not in "".join(zh)
    assert en[0] == "Priced 0 of 2 lines: nothing priced yet · 2 to decide" and "Total" not in "".join(en)


def test_a_partly_priced_quote_names_its_total_the_priced_lines_only() -> None:
    quote = _quote([_line(2, "exact", "1.20"), _line(3, "not_found")], exact=1, not_found=1, priced=1, to_decide=1)
    quote.update(subtotal="1.20", total="1.36")
    assert quote_headline(quote, "zh")[0] == "已报价 1/2 行 · 小计 CNY 1.20(仅已报价行) · 1 行待处理"
    assert quote_headline(quote, "en")[1].startswith("Total of the priced lines CNY 1.36")
    whole = _quote([_line(2, "exact", "1.20")], exact=1, priced=1, to_decide=0)
    whole.update(subtotal="1.20", total="1.36")
    assert quote_headline(whole, "en") == [
        "Priced 1 of 1 lines · subtotal CNY 1.20",
        "Total CNY 1.36 incl. 13% VAT, valid until 2026-12-13",
    ]


def test_a_quote_stored_before_the_preview_and_the_counts_still_renders() -> None:
    quote = _quote([_line(2, "exact", "1.20"), _line(3, "ambiguous")], exact=1, ambiguous=1, unpriced=1)
    quote["lines"][1]["candidates"] = [{"sku": "C2", "mpn": "X", "score": 0.4}]  # no package / stock / price
    message = quote_message(quote, "en")
    assert "Priced 1 of 2 lines" in message["text"] and "1. X" in message["text"]
    card = quote_card(quote, "zh")
    assert card["reading"] == [] and card["decide"][0]["candidates"][0]["label"] == "1. X"


def test_the_rows_the_reader_skipped_are_named_in_the_buyer_s_language() -> None:
    """Every kind of skipped row the catalog names ('skip.*') reads in Chinese in a Chinese reading summary and in
    English in an English one; a kind it does not name falls back to the reader's own reason."""
    from bot.cards import reading_preview
    from knowledge.messages import MESSAGES

    kinds = [entry["en"] for key, entry in MESSAGES.items() if key.startswith("skip.")]
    assert "subtotal row" in kinds and "before the header row" in kinds
    skipped = [
        {"kind": kind, "reason": f"{kind} (reason)", "count": 1, "rows": [{"sheet": "", "line": 3}]} for kind in kinds
    ]
    zh = "\n".join(reading_preview({"reading": {"skipped": skipped}}, "zh"))
    en = "\n".join(reading_preview({"reading": {"skipped": skipped}}, "en"))
    assert "合计行" in zh and "subtotal row" not in zh and "subtotal row" in en
