"""Quote arithmetic: price breaks, MOQ and order multiples, stock, currency, tax and totals.

All money is `Decimal`. A catalog unit price (a float in the product's currency) enters as the exact
decimal it was written as, is converted with the configured rate, multiplied by the order quantity
and rounded ONCE per line (ROUND_HALF_UP to 0.01 of the quote currency). The unit price shown on a
line keeps 6 decimals and is for display only: the line total never comes from it.

Rules (documented here because buyers ask):
* MOQ = the product's first price break (at least 1), raised by an `moq` attribute when the price
  list states one; order multiple = 1 unless the product has an `order_multiple` attribute. Neither
  JLCPCB's listing nor the synthetic demo data states either, so both are the defaults there; a brand's
  generic price list can carry them as `attr:moq` / `attr:order_multiple` columns.
* needed = ceil(per board × boards × (1 + attrition % / 100)); order quantity = max(needed, MOQ)
  rounded up to the multiple; then ordering up to a higher break is chosen when its line total is
  strictly lower, except when that would order more than is in stock while the plain quantity is not.
* A product without price breaks gives a line with `priced=False`, 0.00 total and the note
  "no price: ask sales" rather than an error, so one unpriced part never blocks a whole BOM quote.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from knowledge.errors import KnowledgeError
from knowledge.models import PriceBreak, Product

CENT = Decimal("0.01")
UNIT_PRICE_STEP = Decimal("0.000001")
NO_PRICE_NOTE = "no price: ask sales"
MOQ_ATTRIBUTE = "moq"
MULTIPLE_ATTRIBUTE = "order_multiple"


class PricingError(KnowledgeError):
    """A quantity, price term or setting cannot be priced; says which value and why."""

    def __init__(self, reason: str, *, sku: str = "") -> None:
        self.reason = reason
        self.sku = sku
        super().__init__(f"{sku}: {reason}" if sku else reason)


def _default_fx() -> dict[str, Decimal]:
    # Demo rate only, not a market quote: a deployment sets its own in settings.
    return {"USD": Decimal("7.10")}


@dataclass(frozen=True)
class PriceTerms:
    """What a product's price list says about buying it: breaks, currency, MOQ, multiple, stock, lead time."""

    breaks: tuple[PriceBreak, ...]
    currency: str
    moq: int
    multiple: int
    stock: int | None
    lead_time_days: int | None
    price_source: str
    sku: str = ""

    def __post_init__(self) -> None:
        if self.moq < 1:
            raise PricingError(f"MOQ must be at least 1, got {self.moq}", sku=self.sku)
        if self.multiple < 1:
            raise PricingError(f"order multiple must be at least 1, got {self.multiple}", sku=self.sku)
        for before, after in zip(self.breaks, self.breaks[1:]):
            if after.min_qty <= before.min_qty:
                raise PricingError(f"price breaks not increasing at {after.min_qty}", sku=self.sku)
        for brk in self.breaks:
            if brk.min_qty < 1 or not math.isfinite(brk.unit_price) or brk.unit_price < 0:
                raise PricingError(f"bad price break {brk.min_qty}:{brk.unit_price}", sku=self.sku)


@dataclass(frozen=True)
class PricingSettings:
    """Quote currency, tax, validity, exchange rates (to the quote currency) and default attrition (%)."""

    currency: str = "CNY"
    tax_rate: Decimal = Decimal("0.13")
    validity_days: int = 7
    # Units of the quote currency per unit of the key currency; configurable demo rate.
    fx: Mapping[str, Decimal] = field(default_factory=_default_fx, hash=False)
    # Percent, not a fraction: Decimal("2") means 2 % extra (the 损耗率 column of ERP BOMs).
    attrition_pct: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        if self.tax_rate < 0:
            raise PricingError(f"tax rate must not be negative, got {self.tax_rate}")
        if self.validity_days < 0:
            raise PricingError(f"validity must not be negative, got {self.validity_days} days")
        if self.attrition_pct < 0:
            raise PricingError(f"attrition must not be negative, got {self.attrition_pct} %")
        for code, rate in self.fx.items():
            if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
                pair = f"{code}→{self.currency}"
                raise PricingError(f"exchange rate {pair} must be a positive Decimal, got {rate!r}")


@dataclass(frozen=True)
class LinePrice:
    """One priced BOM line; `ext_price` is rounded to 0.01, `unit_price` (display) to 6 decimals.

    `price_break` is the min_qty of the break used (0 when unpriced); `short_qty` the pieces beyond
    stock (0 when stock is unknown); `priced` is False when the product has no price at all.
    """

    needed: int
    order_qty: int
    unit_price: Decimal
    price_break: int
    ext_price: Decimal
    currency: str
    in_stock_qty: int | None
    short_qty: int
    lead_time_days: int | None
    notes: tuple[str, ...]
    priced: bool = True


@dataclass(frozen=True)
class QuoteTotals:
    """Sum of the rounded lines, tax on that sum, total and the last day the quote holds."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal
    currency: str
    valid_until: date
    unpriced_lines: int = 0


def terms_for(product: Product) -> PriceTerms:
    """The price terms a product's price list states (see the module docstring for MOQ and multiple)."""
    breaks = tuple(product.price_breaks)
    moq = max(1, breaks[0].min_qty if breaks else 1)
    stated_moq = _whole_attribute(product, MOQ_ATTRIBUTE)
    if stated_moq is not None:
        moq = max(moq, stated_moq)
    multiple = _whole_attribute(product, MULTIPLE_ATTRIBUTE) or 1
    return PriceTerms(
        breaks=breaks,
        currency=product.currency.upper(),
        moq=moq,
        multiple=multiple,
        stock=product.stock,
        lead_time_days=product.lead_time_days,
        price_source=product.price_source,
        sku=product.sku,
    )


def price_line(
    terms: PriceTerms,
    needed_per_board: float | Decimal,
    boards: int,
    settings: PricingSettings,
    attrition_pct: Decimal | None = None,
) -> LinePrice:
    """Price one line for `boards` boards; `attrition_pct` (percent) overrides the settings' default."""
    needed = needed_quantity(
        needed_per_board, boards, settings.attrition_pct if attrition_pct is None else attrition_pct
    )
    notes: list[str] = []
    moq = max(terms.moq, terms.breaks[0].min_qty) if terms.breaks else terms.moq
    order_qty = needed
    if order_qty < moq:
        order_qty = moq
        notes.append(f"MOQ {moq:,}")
    rounded = _round_up(order_qty, terms.multiple)
    if rounded != order_qty:
        order_qty = rounded
        notes.append(f"rounded up to multiple of {terms.multiple:,}")

    if not terms.breaks:
        return LinePrice(
            needed=needed,
            order_qty=order_qty,
            unit_price=Decimal(0),
            price_break=0,
            ext_price=Decimal("0.00"),
            currency=settings.currency,
            in_stock_qty=terms.stock,
            short_qty=_short(order_qty, terms.stock),
            lead_time_days=terms.lead_time_days,
            notes=(*notes, NO_PRICE_NOTE, *_stock_notes(order_qty, terms)),
            priced=False,
        )

    rate = _rate(terms, settings)
    plain_break, plain_ext = _cost(terms, order_qty, rate)
    best_qty, best_break, best_ext = order_qty, plain_break, plain_ext
    for brk in terms.breaks:
        if brk.min_qty <= order_qty:
            continue
        qty = _round_up(brk.min_qty, terms.multiple)
        # Ordering up must not turn an in-stock line into a backorder.
        if terms.stock is not None and order_qty <= terms.stock < qty:
            continue
        used, ext = _cost(terms, qty, rate)
        if ext < best_ext:
            best_qty, best_break, best_ext = qty, used, ext
    if best_qty != order_qty:
        notes.append(
            f"ordering {best_qty:,} instead of {order_qty:,} is cheaper (break at {best_break.min_qty:,}): "
            f"saves {settings.currency} {plain_ext - best_ext:,.2f}"
        )
    notes.extend(_stock_notes(best_qty, terms))
    notes.append(_price_note(terms, settings, rate))
    return LinePrice(
        needed=needed,
        order_qty=best_qty,
        unit_price=(_decimal(best_break.unit_price) * rate).quantize(UNIT_PRICE_STEP, ROUND_HALF_UP),
        price_break=best_break.min_qty,
        ext_price=best_ext,
        currency=settings.currency,
        in_stock_qty=terms.stock,
        short_qty=_short(best_qty, terms.stock),
        lead_time_days=terms.lead_time_days,
        notes=tuple(notes),
    )


def needed_quantity(needed_per_board: float | Decimal, boards: int, attrition_pct: Decimal) -> int:
    """ceil(per board × boards × (1 + attrition % / 100)), computed exactly; rejects zero and negatives."""
    per_board = _decimal(needed_per_board)
    if not per_board.is_finite() or per_board <= 0:
        raise PricingError(f"quantity per board must be a positive number, got {needed_per_board!r}")
    if isinstance(boards, bool) or not isinstance(boards, int) or boards <= 0:
        raise PricingError(f"number of boards must be a positive whole number, got {boards!r}")
    if not attrition_pct.is_finite() or attrition_pct < 0:
        raise PricingError(f"attrition must be a percentage ≥ 0, got {attrition_pct}")
    exact = per_board * boards * (1 + attrition_pct / 100)
    return int(exact.to_integral_value(rounding=ROUND_CEILING))


def quote_totals(lines: Sequence[LinePrice], settings: PricingSettings, today: date) -> QuoteTotals:
    """Subtotal of the rounded lines, tax on the subtotal (rounded once), total and validity date."""
    for index, line in enumerate(lines, start=1):
        if line.currency != settings.currency:
            raise PricingError(f"line {index} is in {line.currency}, the quote in {settings.currency}")
    subtotal = sum((line.ext_price for line in lines), Decimal("0.00"))
    tax = (subtotal * settings.tax_rate).quantize(CENT, ROUND_HALF_UP)
    return QuoteTotals(
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        currency=settings.currency,
        valid_until=today + timedelta(days=settings.validity_days),
        unpriced_lines=sum(1 for line in lines if not line.priced),
    )


def new_quote_id(today: date, code: str) -> str:
    """Quote id of a quote made `today` with the caller's unique `code`, e.g. "Q-20261126-7K3QX9"."""
    if not isinstance(code, str) or not (code.isascii() and code.isalnum()) or not 4 <= len(code) <= 8:
        raise PricingError(f"quote id code must be 4 to 8 letters or digits, got {code!r}")
    return f"Q-{today:%Y%m%d}-{code.upper()}"


def _cost(terms: PriceTerms, qty: int, rate: Decimal) -> tuple[PriceBreak, Decimal]:
    """The break that applies at `qty` and the line total, rounded once."""
    brk = next(b for b in reversed(terms.breaks) if b.min_qty <= qty)
    return brk, (_decimal(brk.unit_price) * rate * qty).quantize(CENT, ROUND_HALF_UP)


def _rate(terms: PriceTerms, settings: PricingSettings) -> Decimal:
    if terms.currency == settings.currency:
        return Decimal(1)
    rate = settings.fx.get(terms.currency)
    if rate is None:
        raise PricingError(
            f"no exchange rate {terms.currency}→{settings.currency} in the pricing settings (fx)",
            sku=terms.sku,
        )
    return rate


def _price_note(terms: PriceTerms, settings: PricingSettings, rate: Decimal) -> str:
    note = f"price: {terms.price_source or 'price list'}"
    if terms.currency != settings.currency:
        note += f", converted at {rate} {settings.currency}/{terms.currency}"
    return note


def _stock_notes(qty: int, terms: PriceTerms) -> list[str]:
    short = _short(qty, terms.stock)
    if terms.stock is None:
        return ["stock not stated: ask sales"]
    if short == 0:
        return []
    lead = terms.lead_time_days
    when = f"in ~{lead} days" if lead is not None else "(lead time: ask sales)"
    if terms.stock == 0:
        return [f"none in stock: {short:,} {when}"]
    return [f"only {terms.stock:,} in stock: {short:,} more {when}"]


def _short(qty: int, stock: int | None) -> int:
    return 0 if stock is None else max(0, qty - max(stock, 0))


def _round_up(qty: int, multiple: int) -> int:
    return -(-qty // multiple) * multiple


def _decimal(number: float | Decimal | int) -> Decimal:
    # str() of a float is its shortest round-tripping text, i.e. the price as the source wrote it.
    if isinstance(number, Decimal):
        return number
    try:
        return Decimal(str(number))
    except InvalidOperation as exc:
        raise PricingError(f"{number!r} is not a number") from exc


def _whole_attribute(product: Product, name: str) -> int | None:
    """A whole-number fact such as `moq` stated by a price list (attr:moq), or None."""
    attr = product.attribute(name)
    if attr is None:
        return None
    match = re.fullmatch(r"\s*(\d[\d,]*)\s*(?:pcs|pc|个|只|片)?\s*", attr.raw)
    if match is not None:
        value = int(match.group(1).replace(",", ""))
    elif attr.value is not None and attr.value == int(attr.value):
        value = int(attr.value)
    else:
        raise PricingError(f"{name} {attr.raw!r} is not a whole number of pieces", sku=product.sku)
    if value < 1:
        raise PricingError(f"{name} must be at least 1, got {attr.raw!r}", sku=product.sku)
    return value
