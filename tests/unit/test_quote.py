"""Quote assembly and revisions: quantities, prices, totals, statuses, candidate picks, board changes."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from knowledge.bom import read_bom_text
from knowledge.bom_match import BomMatcher
from knowledge.language import foreign_runs
from knowledge.models import Hit
from knowledge.pricing import PricingSettings
from knowledge.quote import CANDIDATES_SHOWN, QuoteError, Revision, build_quote, parse_revision, revise_quote
from knowledge.search import SearchEngine

TODAY = date(2026, 11, 26)
SETTINGS = PricingSettings(currency="USD", fx={})  # fixture prices are USD: no conversion to reason about
BOM = """Designator\tQty\tValue\tFootprint\tMPN\t损耗率
R1,R2\t2\t10k\tR0603\t\t
R3\t1\t4.7k\tR0603\t0603WAF4701T5E\t5%
C1\t1\t100nF\tC0603\t\t
U1\t1\t\t\tNOPE-XYZ-123\t
R9\t1\t10k\tR0603\tDNP\t
"""


@pytest.fixture
def quote(engine: SearchEngine) -> dict[str, Any]:
    read = read_bom_text(BOM, name="board.tsv")
    matches = BomMatcher(engine).match_all(read.lines)
    return build_quote(
        read, matches, engine.store, boards=100, settings=SETTINGS, today=TODAY, quote_id="Q-20261126-0001"
    )


def line_of(quote: dict[str, Any], number: int) -> dict[str, Any]:
    return next(line for line in quote["lines"] if line["line"] == number)


def test_lines_are_priced_from_the_catalog_breaks(quote: dict[str, Any]) -> None:
    r12 = line_of(quote, 2)
    assert (r12["status"], r12["sku"], r12["qty_per_board"], r12["qty"]) == ("parametric", "C25804", 2, 200)
    # 200 pieces sit below the 1,000 break (0.0011) but ordering 1,000 costs more: 200 × 0.0014 = 0.28.
    assert (r12["order_qty"], r12["unit_price"], r12["ext_price"]) == (200, "0.001400", "0.28")


def test_attrition_raises_the_quantity(quote: dict[str, Any]) -> None:
    r3 = line_of(quote, 3)
    assert r3["status"] == "exact" and r3["sku"] == "C25905"
    assert r3["qty"] == 105  # 1 × 100 boards × (1 + 5 %)


def test_totals_are_the_sum_of_rounded_lines_plus_tax(quote: dict[str, Any]) -> None:
    priced = [Decimal(line["ext_price"]) for line in quote["lines"] if line["ext_price"]]
    assert Decimal(quote["subtotal"]) == sum(priced)
    assert Decimal(quote["tax"]) == (Decimal(quote["subtotal"]) * Decimal("0.13")).quantize(Decimal("0.01"))
    assert Decimal(quote["total"]) == Decimal(quote["subtotal"]) + Decimal(quote["tax"])
    assert quote["valid_until"] == "2026-12-03" and quote["currency"] == "USD"


def test_unmatched_lines_are_listed_unpriced_and_counted(quote: dict[str, Any]) -> None:
    u1 = line_of(quote, 5)
    assert u1["status"] == "not_found" and u1["ext_price"] is None and "NOPE-XYZ-123" in u1["note"]
    summary = quote["summary"]
    assert summary["lines"] == 4 and summary["dnp"] == 1 and summary["not_found"] >= 1
    assert sum(summary[s] for s in ("exact", "parametric", "ambiguous", "not_found")) == 4
    assert any("need a decision" in w for w in quote["warnings"])
    # the same warnings in Chinese for a Chinese buyer's chat and files (issue 18), one for one
    assert len(quote["warnings_zh"]) == len(quote["warnings"])
    assert any("需要确认" in w for w in quote["warnings_zh"]) and any("不贴件" in w for w in quote["warnings_zh"])
    assert not [w for w in quote["warnings_zh"] if foreign_runs(w, "zh")]
    assert quote["dnp"][0]["designators"] == ["R9"]


def test_value_without_a_fitting_part_offers_candidates(quote: dict[str, Any]) -> None:
    c1 = line_of(quote, 4)  # no 100 nF capacitor in the fixture catalog
    assert c1["status"] in ("ambiguous", "not_found") and c1["sku"] is None


def test_board_change_is_a_new_revision_of_the_same_quote(engine: SearchEngine, quote: dict[str, Any]) -> None:
    revised = revise_quote(quote, engine.store, Revision(boards=1000), settings=SETTINGS, today=TODAY)
    assert (revised["quote_id"], revised["revision"], revised["boards"]) == (quote["quote_id"], 2, 1000)
    r12 = line_of(revised, 2)
    assert r12["qty"] == 2000 and r12["price_break"] == 1000 and r12["ext_price"] == "2.20"
    assert quote["revision"] == 1 and line_of(quote, 2)["qty"] == 200  # the old revision is untouched


def test_picking_a_candidate_prices_that_part(engine: SearchEngine) -> None:
    read = read_bom_text("Designator\tQty\tValue\nR5\t1\t10k\n")  # no package: candidates only
    matches = BomMatcher(engine).match_all(read.lines)
    quote = build_quote(read, matches, engine.store, boards=10, settings=SETTINGS, today=TODAY, quote_id="Q-1")
    first = quote["lines"][0]
    assert first["status"] == "ambiguous" and len(first["candidates"]) >= 2
    second = first["candidates"][1]["sku"]
    revised = revise_quote(quote, engine.store, parse_revision("第2行用第二个"), settings=SETTINGS, today=TODAY)
    picked = revised["lines"][0]
    # The buyer's choice, not an exact match: labelled as chosen, with the matcher's score kept.
    assert (picked["status"], picked["sku"]) == ("chosen", second)
    assert picked["confidence"] == first["candidates"][1]["score"] < 1.0
    assert picked["ext_price"] is not None and "chosen by the buyer" in picked["note"]
    assert revised["summary"]["ambiguous"] == 0 and revised["summary"]["chosen"] == 1
    # What changed and what it did to the subtotal, for the reply.
    (change,) = revised["changes"]
    assert (change["kind"], change["line"], change["choice"], change["before"]) == ("pick", 2, 2, None)
    assert change["after"] == picked["mpn"] and change["ext_price"] == picked["ext_price"]
    assert revised["before"]["subtotal"] == quote["subtotal"] and revised["before"]["to_decide"] == 1
    # The numbers the buyer saw keep their meaning: candidate 2 is still the chosen part.
    assert [c["sku"] for c in picked["candidates"]] == [c["sku"] for c in first["candidates"]]


def test_only_candidates_the_buyer_was_shown_can_be_picked(engine: SearchEngine) -> None:
    read = read_bom_text("Designator\tQty\tValue\nR5\t1\t10k\n")
    (match,) = BomMatcher(engine).match_all(read.lines)
    five = tuple(Hit(p, 0.4, ("value only",)) for p in list(engine.store.iter_products())[:5])
    match = dataclasses.replace(match, candidates=five)  # the matcher may offer up to five
    quote = build_quote(read, [match], engine.store, boards=10, settings=SETTINGS, today=TODAY, quote_id="Q-1")
    assert len(quote["lines"][0]["candidates"]) == CANDIDATES_SHOWN
    with pytest.raises(QuoteError, match="there is no number 4"):
        revise_quote(quote, engine.store, Revision(line=2, choice=4), settings=SETTINGS, today=TODAY)


def test_picks_keep_the_numbers_the_buyer_saw(engine: SearchEngine) -> None:
    read = read_bom_text("Designator\tQty\tValue\nR5\t1\t10k\n")
    matches = BomMatcher(engine).match_all(read.lines)
    quote = build_quote(read, matches, engine.store, boards=10, settings=SETTINGS, today=TODAY, quote_id="Q-1")
    shown = [c["sku"] for c in quote["lines"][0]["candidates"]]
    once = revise_quote(quote, engine.store, Revision(line=2, choice=1), settings=SETTINGS, today=TODAY)
    twice = revise_quote(once, engine.store, Revision(line=2, choice=2), settings=SETTINGS, today=TODAY)
    line = twice["lines"][0]
    assert line["sku"] == shown[1] and [c["sku"] for c in line["candidates"]] == shown
    assert twice["changes"][0]["before"] == once["lines"][0]["mpn"]


def test_an_exact_match_offers_nothing_to_pick(engine: SearchEngine, quote: dict[str, Any]) -> None:
    exact = next(line for line in quote["lines"] if line["status"] == "exact")
    with pytest.raises(QuoteError, match="matched exactly"):
        revise_quote(quote, engine.store, Revision(line=exact["line"], choice=1), settings=SETTINGS, today=TODAY)


def test_impossible_revisions_say_why(engine: SearchEngine, quote: dict[str, Any]) -> None:
    with pytest.raises(QuoteError, match="no line 99"):
        revise_quote(quote, engine.store, Revision(line=99, choice=1), settings=SETTINGS, today=TODAY)
    with pytest.raises(QuoteError, match=r"no candidates|there is no number"):
        revise_quote(quote, engine.store, Revision(line=2, choice=5), settings=SETTINGS, today=TODAY)
    with pytest.raises(QuoteError, match="boards"):
        revise_quote(quote, engine.store, Revision(boards=0), settings=SETTINGS, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quote for 500 boards", Revision(boards=500)),
        ("报价 500 套", Revision(boards=500)),
        ("改成1,000套", Revision(boards=1000)),
        ("make it 200 units", Revision(boards=200)),
        ("line 7 use the second one", Revision(line=7, choice=2)),
        ("第7行用第二个", Revision(line=7, choice=2)),
        ("第 12 行 换成第3个", Revision(line=12, choice=3)),
        ("L7 #2", Revision(line=7, choice=2)),
        ("row 9 first", Revision(line=9, choice=1)),
        ("6205-2RS 内径多少?", Revision()),
    ],
)
def test_parse_revision(text: str, expected: Revision) -> None:
    assert parse_revision(text) == expected


def test_obsolete_part_is_flagged_with_an_in_stock_substitute(engine: SearchEngine) -> None:
    from knowledge.models import Attribute, PriceBreak, Product

    engine.store.add(
        [
            Product(
                sku="OLD-10K",
                mpn="OLD0603-10K",
                manufacturer="Gone Corp",
                category="Chip Resistor - Surface Mount",
                name="10 kΩ ±1% 0603 chip resistor",
                package="0603",
                attributes=(
                    Attribute("resistance", "10kΩ", 10_000, "Ω"),
                    Attribute("tolerance", "±1%", 1, "%"),
                    Attribute("power", "0.1W", 0.1, "W"),
                    Attribute("lifecycle_status", "Obsolete NonStock"),
                ),
                price_breaks=(PriceBreak(1, 0.001),),
                stock=5000,
            )
        ]
    )
    read = read_bom_text("Designator\tQty\tMPN\nR1\t1\tOLD0603-10K\n")
    quote = build_quote(
        read, BomMatcher(engine).match_all(read.lines), engine.store,
        boards=10, settings=SETTINGS, today=TODAY, quote_id="Q-1",
    )  # fmt: skip
    line = quote["lines"][0]
    assert line["status"] == "exact" and line["lifecycle"] == "Obsolete NonStock"
    assert "lifecycle: Obsolete NonStock" in line["note"] and "in stock instead: 0603WAF1002T5E" in line["note"]
    assert any("OLD0603-10K is Obsolete NonStock" in w for w in quote["warnings"])


def test_a_part_replaced_by_a_pick_stays_choosable_under_a_new_number(
    engine: SearchEngine, quote: dict[str, Any]
) -> None:
    line = line_of(quote, 2)  # R1,R2 10k R0603: matched by parameters
    assert line["status"] == "parametric" and line["sku"]
    others = [p for p in engine.store.iter_products() if p.sku != line["sku"]][:2]
    line["candidates"] = [
        {"sku": p.sku, "mpn": p.mpn, "manufacturer": p.manufacturer, "package": p.package, "score": 0.5} for p in others
    ]
    before = line["mpn"]
    revised = revise_quote(quote, engine.store, Revision(line=2, choice=2), settings=SETTINGS, today=TODAY)
    picked = line_of(revised, 2)
    assert picked["sku"] == others[1].sku and picked["status"] == "chosen"
    assert [c["sku"] for c in picked["candidates"]] == [others[0].sku, others[1].sku, line["sku"]]
    back = revise_quote(revised, engine.store, Revision(line=2, choice=3), settings=SETTINGS, today=TODAY)
    assert line_of(back, 2)["mpn"] == before
    with pytest.raises(QuoteError, match="already uses candidate 3"):
        revise_quote(back, engine.store, Revision(line=2, choice=3), settings=SETTINGS, today=TODAY)


def test_a_pick_stored_before_the_chosen_status_can_be_changed(engine: SearchEngine) -> None:
    read = read_bom_text("Designator\tQty\tValue\nR5\t1\t10k\n")
    quote = build_quote(
        read, BomMatcher(engine).match_all(read.lines), engine.store, boards=1, settings=SETTINGS, today=TODAY,
        quote_id="Q-1",
    )  # fmt: skip
    revised = revise_quote(quote, engine.store, Revision(line=2, choice=1), settings=SETTINGS, today=TODAY)
    revised["lines"][0]["status"] = "exact"  # how older code stored a pick
    again = revise_quote(revised, engine.store, Revision(line=2, choice=2), settings=SETTINGS, today=TODAY)
    assert again["lines"][0]["status"] == "chosen"
