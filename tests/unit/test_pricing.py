"""Quote arithmetic: exact Decimal results for breaks, MOQ, multiples, attrition, currency, tax and stock."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from knowledge.catalog import JLC_PRICE_SOURCE
from knowledge.commerce import SYNTHETIC_PRICE_SOURCE, synthetic_commerce
from knowledge.errors import KnowledgeError
from knowledge.models import Attribute, PriceBreak, Product
from knowledge.pricing import (
    NO_PRICE_NOTE,
    LinePrice,
    PriceTerms,
    PricingError,
    PricingSettings,
    new_quote_id,
    price_line,
    quote_totals,
    terms_for,
)

CNY = PricingSettings()  # quote in CNY, 13 % VAT, 7 days, 7.10 CNY/USD
TODAY = date(2026, 11, 26)


def _terms(
    *breaks: tuple[int, float],
    currency: str = "CNY",
    moq: int = 1,
    multiple: int = 1,
    stock: int | None = None,
    lead: int | None = None,
    source: str = "test list",
) -> PriceTerms:
    return PriceTerms(
        breaks=tuple(PriceBreak(q, p) for q, p in breaks),
        currency=currency,
        moq=moq,
        multiple=multiple,
        stock=stock,
        lead_time_days=lead,
        price_source=source,
    )


def _jlc_resistor(**changes: object) -> Product:
    fields: dict[str, object] = {
        "sku": "C25804",
        "mpn": "0603WAF1002T5E",
        "manufacturer": "UNI-ROYAL(Uniroyal Elec)",
        "category": "Resistors / Chip Resistor - Surface Mount",
        "name": "10kΩ ±1% 100mW 0603",
        "package": "0603",
        "price_breaks": (PriceBreak(1, 0.0020), PriceBreak(1000, 0.0015)),
        "currency": "USD",
        "price_source": JLC_PRICE_SOURCE,
        "stock": 37_165_000,
    }
    fields.update(changes)
    return Product(**fields)  # type: ignore[arg-type]


# --- break selection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qty", "brk", "unit", "ext"),
    [
        (9, 1, "1.000000", "9.00"),  # one below the 10 break (10 × 0.95 = 9.50 is dearer)
        (10, 10, "0.950000", "9.50"),  # exactly on the break
        (11, 10, "0.950000", "10.45"),
        (100, 100, "0.900000", "90.00"),
        (101, 100, "0.900000", "90.90"),
    ],
)
def test_break_applies_from_its_min_qty(qty: int, brk: int, unit: str, ext: str) -> None:
    terms = _terms((1, 1.00), (10, 0.95), (100, 0.90))
    line = price_line(terms, 1, qty, CNY)
    assert (line.order_qty, line.price_break, line.unit_price, line.ext_price) == (
        qty,
        brk,
        Decimal(unit),
        Decimal(ext),
    )
    assert not any("cheaper" in n for n in line.notes)


def test_ordering_up_to_next_break_when_total_is_lower() -> None:
    line = price_line(terms_for(_jlc_resistor()), 1, 800, CNY)
    # 800 × 0.0020 × 7.10 = 11.36; 1,000 × 0.0015 × 7.10 = 10.65.
    assert (line.needed, line.order_qty, line.price_break) == (800, 1000, 1000)
    assert line.unit_price == Decimal("0.010650")
    assert line.ext_price == Decimal("10.65")
    assert "ordering 1,000 instead of 800 is cheaper (break at 1,000): saves CNY 0.71" in line.notes


def test_not_ordering_up_when_total_is_not_lower() -> None:
    line = price_line(terms_for(_jlc_resistor()), 1, 500, CNY)
    # 500 × 0.0020 × 7.10 = 7.10 < 10.65 for 1,000.
    assert (line.order_qty, line.price_break, line.ext_price) == (500, 1, Decimal("7.10"))
    assert not any("cheaper" in n for n in line.notes)


def test_equal_totals_keep_the_smaller_quantity() -> None:
    # 750 × 0.0020 = 1.50 = 1,000 × 0.0015: no reason to take 250 more pieces.
    line = price_line(_terms((1, 0.0020), (1000, 0.0015)), 1, 750, CNY)
    assert (line.order_qty, line.ext_price) == (750, Decimal("1.50"))


def test_ordering_up_never_turns_an_in_stock_line_into_a_backorder() -> None:
    line = price_line(terms_for(_jlc_resistor(stock=900)), 1, 800, CNY)
    assert (line.order_qty, line.short_qty, line.ext_price) == (800, 0, Decimal("11.36"))


# --- MOQ, multiples, attrition ---------------------------------------------------------------------


def test_moq_raises_the_order_quantity() -> None:
    line = price_line(_terms((1, 0.5), moq=10), 1, 3, CNY)
    assert (line.needed, line.order_qty, line.ext_price) == (3, 10, Decimal("5.00"))
    assert "MOQ 10" in line.notes


def test_order_multiple_rounds_up() -> None:
    line = price_line(_terms((1, 0.5), multiple=5), 1, 12, CNY)
    assert (line.needed, line.order_qty, line.ext_price) == (12, 15, Decimal("7.50"))
    assert "rounded up to multiple of 5" in line.notes
    exact = price_line(_terms((1, 0.5), multiple=5, stock=100), 1, 15, CNY)
    assert exact.order_qty == 15 and exact.notes == ("price: test list",)


def test_moq_then_multiple() -> None:
    line = price_line(_terms((1, 0.5), moq=10, multiple=4), 1, 3, CNY)
    assert line.order_qty == 12
    assert line.notes[:2] == ("MOQ 10", "rounded up to multiple of 4")


def test_attrition_from_settings_and_per_line_override() -> None:
    terms = _terms((1, 0.01))
    two_pct = PricingSettings(attrition_pct=Decimal("2"))
    with_settings = price_line(terms, 1, 1000, two_pct)
    assert (with_settings.needed, with_settings.order_qty) == (1020, 1020)
    override = price_line(terms, 1, 1000, two_pct, attrition_pct=Decimal("0.5"))
    assert override.needed == 1005
    assert price_line(terms, 1, 1000, CNY).needed == 1000


def test_needed_is_exact_decimal_and_rounds_up() -> None:
    terms = _terms((1, 0.01))
    # As floats 0.07 × 100 = 7.000000000000001, which would wrongly round up to 8.
    assert price_line(terms, 0.07, 100, CNY).needed == 7
    assert price_line(terms, 0.5, 3, CNY).needed == 2
    assert price_line(terms, 1, 3, CNY, attrition_pct=Decimal("10")).needed == 4  # 3.3 → 4


@pytest.mark.parametrize(
    ("per_board", "boards", "attrition", "message"),
    [
        (0, 10, None, "quantity per board must be a positive number, got 0"),
        (-2, 10, None, "quantity per board must be a positive number, got -2"),
        (float("nan"), 10, None, "quantity per board must be a positive number"),
        (1, 0, None, "number of boards must be a positive whole number, got 0"),
        (1, -5, None, "number of boards must be a positive whole number, got -5"),
        (1, 10, Decimal("-1"), "attrition must be a percentage ≥ 0, got -1"),
    ],
)
def test_zero_and_negative_quantities_are_refused(
    per_board: float, boards: int, attrition: Decimal | None, message: str
) -> None:
    with pytest.raises(PricingError, match="^" + message.replace("(", r"\(")) as err:
        price_line(_terms((1, 0.01)), per_board, boards, CNY, attrition_pct=attrition)
    assert isinstance(err.value, KnowledgeError)


# --- currency and rounding -------------------------------------------------------------------------


def test_usd_converted_and_rounded_once_per_line() -> None:
    product = _jlc_resistor(price_breaks=(PriceBreak(1, 0.0018),))
    line = price_line(terms_for(product), 1, 10_000, CNY)
    # 0.0018 USD × 7.10 = 0.01278 CNY a piece; × 10,000 = 127.80, rounded once.
    assert line.unit_price == Decimal("0.012780")
    assert line.ext_price == Decimal("127.80")
    assert line.currency == "CNY"
    unit_rounded = (Decimal("0.0018") * Decimal("7.10")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    rounding_unit_first = unit_rounded * 10_000
    assert rounding_unit_first == Decimal("100.00") != line.ext_price
    assert "price: JLCPCB list price, snapshot 2026-05-21, converted at 7.10 CNY/USD" in line.notes


def test_line_total_rounds_half_up() -> None:
    # Banker's rounding would give 0.12.
    assert price_line(_terms((1, 0.125)), 1, 1, CNY).ext_price == Decimal("0.13")
    assert price_line(_terms((1, 0.0050)), 1, 1, CNY).ext_price == Decimal("0.01")


def test_custom_fx_rate_and_missing_rate() -> None:
    settings = PricingSettings(fx={"USD": Decimal("7.2345")})
    line = price_line(_terms((1, 2.0), currency="USD"), 1, 3, settings)
    assert (line.unit_price, line.ext_price) == (Decimal("14.469000"), Decimal("43.41"))  # 43.407
    with pytest.raises(PricingError, match="no exchange rate EUR→CNY"):
        price_line(_terms((1, 2.0), currency="EUR"), 1, 3, settings)


def test_quote_in_usd_needs_no_rate_for_usd_prices() -> None:
    line = price_line(
        _terms((1, 0.0018), currency="USD", stock=10_000), 1, 10_000, PricingSettings(currency="USD", fx={})
    )
    assert (line.ext_price, line.currency) == (Decimal("18.00"), "USD")
    assert line.notes == ("price: test list",)


# --- totals ----------------------------------------------------------------------------------------


def test_tax_is_13_percent_of_the_sum_of_rounded_lines() -> None:
    line = price_line(_terms((1, 0.125)), 1, 1, CNY)  # 0.13
    totals = quote_totals([line, line], CNY, TODAY)
    assert (totals.subtotal, totals.tax, totals.total) == (Decimal("0.26"), Decimal("0.03"), Decimal("0.29"))
    per_line_tax = 2 * (Decimal("0.13") * Decimal("0.13")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert per_line_tax == Decimal("0.04") != totals.tax
    assert totals.valid_until == date(2026, 12, 3)
    assert (totals.currency, totals.unpriced_lines) == ("CNY", 0)


def test_totals_with_configured_tax_and_validity() -> None:
    settings = PricingSettings(tax_rate=Decimal("0.06"), validity_days=30)
    lines = [price_line(_terms((1, 12.34)), 1, 10, settings), price_line(_terms((1, 0.5)), 2, 5, settings)]
    totals = quote_totals(lines, settings, TODAY)
    assert totals.subtotal == Decimal("128.40")  # 123.40 + 5.00
    assert (totals.tax, totals.total) == (Decimal("7.70"), Decimal("136.10"))  # 7.704 → 7.70
    assert totals.valid_until == date(2026, 12, 26)


def test_empty_quote_and_currency_mismatch() -> None:
    totals = quote_totals([], CNY, TODAY)
    assert (totals.subtotal, totals.tax, totals.total) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    usd_line = price_line(_terms((1, 1.0), currency="USD"), 1, 1, PricingSettings(currency="USD"))
    with pytest.raises(PricingError, match="line 1 is in USD, the quote in CNY"):
        quote_totals([usd_line], CNY, TODAY)


# --- stock -----------------------------------------------------------------------------------------


def test_short_stock_is_flagged_with_lead_time() -> None:
    line = price_line(_terms((1, 0.1), stock=300, lead=21), 1, 800, CNY)
    assert (line.order_qty, line.in_stock_qty, line.short_qty, line.lead_time_days) == (800, 300, 500, 21)
    assert "only 300 in stock: 500 more in ~21 days" in line.notes
    assert line.ext_price == Decimal("80.00")  # the whole quantity is quoted; the shortfall is flagged


def test_no_stock_unknown_lead_and_unknown_stock() -> None:
    none = price_line(_terms((1, 0.1), stock=0), 1, 1200, CNY)
    assert none.short_qty == 1200
    assert "none in stock: 1,200 (lead time: ask sales)" in none.notes
    unknown = price_line(_terms((1, 0.1)), 1, 5, CNY)
    assert (unknown.in_stock_qty, unknown.short_qty) == (None, 0)
    assert "stock not stated: ask sales" in unknown.notes
    enough = price_line(_terms((1, 0.1), stock=5, lead=2), 1, 5, CNY)
    assert enough.short_qty == 0 and enough.notes == ("price: test list",)


# --- products without a price, terms from products ---------------------------------------------------


def test_product_without_price_gives_an_unpriced_line() -> None:
    terms = terms_for(_jlc_resistor(price_breaks=(), price_source="", stock=0, lead_time_days=None))
    line = price_line(terms, 2, 50, CNY)
    assert isinstance(line, LinePrice)
    assert (line.priced, line.order_qty, line.unit_price, line.ext_price, line.price_break) == (
        False,
        100,
        Decimal(0),
        Decimal("0.00"),
        0,
    )
    assert NO_PRICE_NOTE in line.notes
    priced = price_line(_terms((1, 1.0)), 1, 1, CNY)
    totals = quote_totals([line, priced], CNY, TODAY)
    assert (totals.subtotal, totals.unpriced_lines) == (Decimal("1.00"), 1)


def test_terms_for_a_jlcpcb_product() -> None:
    terms = terms_for(_jlc_resistor())
    assert terms == PriceTerms(
        breaks=(PriceBreak(1, 0.0020), PriceBreak(1000, 0.0015)),
        currency="USD",
        moq=1,
        multiple=1,
        stock=37_165_000,
        lead_time_days=None,
        price_source="JLCPCB list price, snapshot 2026-05-21",
        sku="C25804",
    )


def test_terms_for_a_synthetic_commerce_product() -> None:
    bare = Product(
        sku="ISO4762-M3X20-A2",
        mpn="ISO 4762 M3×20 A2",
        manufacturer="Brandstation",
        category="Fasteners / Socket head cap screws",
        name="ISO 4762 M3×20",
        attributes=(
            Attribute("thread", "M3"),
            Attribute("length", "20", 20.0, "mm"),
            Attribute("material", "A2-70"),
        ),
    )
    product = synthetic_commerce(bare)
    terms = terms_for(product)
    assert terms.breaks == product.price_breaks and terms.breaks[0].min_qty == 1
    assert (terms.currency, terms.moq, terms.multiple) == ("USD", 1, 1)
    assert (terms.stock, terms.lead_time_days) == (product.stock, product.lead_time_days)
    assert terms.price_source == SYNTHETIC_PRICE_SOURCE
    line = price_line(terms, 4, 25, CNY)
    assert f"price: {SYNTHETIC_PRICE_SOURCE}, converted at 7.10 CNY/USD" in line.notes


def test_terms_for_a_price_list_stating_moq_and_multiple() -> None:
    product = _jlc_resistor(
        price_breaks=(PriceBreak(10, 0.5), PriceBreak(100, 0.4)),
        currency="cny",
        attributes=(Attribute("moq", "50"), Attribute("order_multiple", "25 pcs")),
    )
    terms = terms_for(product)
    assert (terms.currency, terms.moq, terms.multiple) == ("CNY", 50, 25)
    line = price_line(terms, 1, 60, CNY)  # 60 → 75 (multiple); 100 × 0.40 = 40.00 is dearer than 37.50
    assert (line.order_qty, line.ext_price) == (75, Decimal("37.50"))
    with pytest.raises(PricingError, match="C25804: order_multiple 'a few'"):
        terms_for(_jlc_resistor(attributes=(Attribute("order_multiple", "a few"),)))


def test_first_break_is_the_moq_when_terms_say_less() -> None:
    line = price_line(_terms((10, 0.5), moq=1), 1, 3, CNY)
    assert (line.order_qty, line.price_break, line.ext_price) == (10, 10, Decimal("5.00"))
    assert "MOQ 10" in line.notes


def test_bad_terms_and_settings_are_refused() -> None:
    with pytest.raises(PricingError, match="price breaks not increasing at 10"):
        _terms((10, 0.5), (10, 0.4))
    with pytest.raises(PricingError, match="order multiple must be at least 1"):
        _terms((1, 0.5), multiple=0)
    with pytest.raises(PricingError, match="tax rate must not be negative"):
        PricingSettings(tax_rate=Decimal("-0.13"))
    with pytest.raises(PricingError, match="exchange rate USD→CNY must be a positive Decimal"):
        PricingSettings(fx={"USD": Decimal(0)})


# --- quote ids -------------------------------------------------------------------------------------


def test_new_quote_id() -> None:
    assert new_quote_id(TODAY, "7K3QX9") == "Q-20261126-7K3QX9"
    assert new_quote_id(date(2027, 1, 2), "ab12") == "Q-20270102-AB12"
    for bad in ("", "7K3", "7K3QX9ABC", "7K-3QX", "报价报价"):
        with pytest.raises(PricingError, match="quote id code must be 4 to 8 letters or digits"):
            new_quote_id(TODAY, bad)
