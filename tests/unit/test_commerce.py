"""Synthetic demo commerce data: deterministic, labelled, plausible per category."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from knowledge.commerce import BREAK_QUANTITIES, SYNTHETIC_PRICE_SOURCE, synthetic_commerce
from knowledge.models import Attribute, Product


def _resistor(sku: str = "R-1") -> Product:
    return Product(
        sku=sku,
        mpn="RC0603FR-0710KL",
        manufacturer="YAGEO",
        category="Resistors / Chip Resistor - Surface Mount",
        name="10k 0603",
    )


def _bearing(sku: str, outer: float, precision: str = "") -> Product:
    attrs = [Attribute("outer_diameter", f"{outer:g}", outer, "mm")]
    if precision:
        attrs.append(Attribute("precision_class", precision))
    return Product(
        sku=sku,
        mpn=sku,
        manufacturer="SKF",
        category="Bearings / Deep groove ball bearings",
        name=sku,
        attributes=tuple(attrs),
    )


def _screw(sku: str, thread: str, length: float, material: str) -> Product:
    attrs = (
        Attribute("thread", thread),
        Attribute("length", f"{length:g}", length, "mm"),
        Attribute("material", material),
    )
    return Product(
        sku=sku,
        mpn=sku,
        manufacturer="std",
        category="Fasteners / Socket head cap screws",
        name=sku,
        attributes=attrs,
    )


def _unit_price(product: Product) -> float:
    return product.price_breaks[0].unit_price


def test_deterministic_and_labelled() -> None:
    first, again = synthetic_commerce(_resistor()), synthetic_commerce(_resistor())
    assert first == again
    assert first.price_source == SYNTHETIC_PRICE_SOURCE and first.currency == "USD"
    assert synthetic_commerce(_resistor(), seed=1) != first
    assert synthetic_commerce(_resistor("R-2")) != first


def test_only_commerce_fields_change() -> None:
    product = _resistor()
    priced = synthetic_commerce(product)
    assert replace(priced, price_breaks=(), price_source="", stock=None, lead_time_days=None) == product


@pytest.mark.parametrize("sku", [f"R-{i}" for i in range(40)])
def test_breaks_decrease_and_stock_matches_lead_time(sku: str) -> None:
    priced = synthetic_commerce(_resistor(sku))
    quantities = [b.min_qty for b in priced.price_breaks]
    prices = [b.unit_price for b in priced.price_breaks]
    assert 3 <= len(quantities) <= 5 and quantities == list(BREAK_QUANTITIES[: len(quantities)])
    assert all(a > b for a, b in itertools.pairwise(prices))
    assert 0.0005 <= prices[0] <= 0.01
    assert priced.stock is not None and priced.lead_time_days is not None
    if priced.stock == 0:
        assert 14 <= priced.lead_time_days <= 56
    else:
        assert 1 <= priced.lead_time_days <= 3


def test_some_parts_are_out_of_stock() -> None:
    stocks = [synthetic_commerce(_resistor(f"R-{i}")).stock for i in range(200)]
    assert 0 < stocks.count(0) < 100


def test_bearing_prices_scale_with_size_and_precision() -> None:
    small = _unit_price(synthetic_commerce(_bearing("B-626", 19)))
    large = _unit_price(synthetic_commerce(_bearing("B-6320", 215)))
    precision = _unit_price(synthetic_commerce(_bearing("B-7008", 68, "P4A")))
    assert 1 <= small < large <= 44
    assert 60 <= precision <= 600


def test_fastener_prices_scale_with_size_length_and_material() -> None:
    m3 = _unit_price(synthetic_commerce(_screw("S-1", "M3", 10, "steel 8.8 zinc plated")))
    m12 = _unit_price(synthetic_commerce(_screw("S-2", "M12", 80, "steel 8.8 zinc plated")))
    m12_a4 = _unit_price(synthetic_commerce(_screw("S-3", "M12", 80, "A4-80 stainless")))
    assert 0.015 <= m3 < m12 < m12_a4 <= 0.6
