"""Synthetic demo commerce data (price breaks, stock, lead time) for parts without a real price.

Deterministic: every number derives from a BLAKE2 hash of the SKU and a seed, never from Python's
randomized hash(), so the same catalog always gets the same demo prices. Every product it touches is
labelled SYNTHETIC_PRICE_SOURCE so nobody mistakes it for an offer.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import replace

from knowledge.models import PriceBreak, Product

DEFAULT_SEED = 20261126
SYNTHETIC_PRICE_SOURCE = "synthetic demo price (seeded script, not a real offer)"
BREAK_QUANTITIES = (1, 10, 100, 1000, 5000)
# Unit price at each break relative to the single-piece price (before a small per-part jitter).
_BREAK_FACTORS = (1.0, 0.82, 0.66, 0.52, 0.45)
_PRECISION_CLASSES = {"P4", "P4A", "P4C", "P2", "SP", "UP", "P5", "PA9A", "HG"}
_MATERIAL_FACTOR = (("A4", 2.6), ("A2", 1.8), ("12.9", 1.35), ("10.9", 1.25), ("45H", 1.2))


def synthetic_commerce(product: Product, seed: int = DEFAULT_SEED) -> Product:
    """`product` with seeded demo price breaks (USD), stock and lead time, labelled as synthetic."""
    rng = random.Random(_seed_of(product.sku, seed))
    base = _unit_price(product, rng)
    count = rng.randint(3, 5)
    breaks: list[PriceBreak] = []
    for qty, factor in zip(BREAK_QUANTITIES[:count], _BREAK_FACTORS[:count], strict=True):
        jitter = 1.0 if qty == 1 else rng.uniform(0.96, 1.04)
        price = _round_price(base * factor * jitter)
        if breaks and price >= breaks[-1].unit_price:
            price = _round_price(breaks[-1].unit_price * 0.97)
        breaks.append(PriceBreak(qty, price))
    in_stock = rng.random() >= 0.15
    stock = _stock(rng, base) if in_stock else 0
    lead = rng.randint(1, 3) if in_stock else rng.randint(14, 56)
    return replace(
        product,
        price_breaks=tuple(breaks),
        currency="USD",
        price_source=SYNTHETIC_PRICE_SOURCE,
        stock=stock,
        lead_time_days=lead,
    )


def _seed_of(sku: str, seed: int) -> int:
    digest = hashlib.blake2b(f"{seed}:{sku}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _unit_price(product: Product, rng: random.Random) -> float:
    """Single-piece price in USD by product family and size."""
    category = product.category.lower()
    if "bearing" in category or "lock nut" in category:
        return _bearing_price(product, rng)
    if category.startswith("fasteners"):
        return _fastener_price(product, rng)
    if "resistor" in category:
        return rng.uniform(0.001, 0.01)
    if "capacitor" in category or "mlcc" in category:
        cap = _value(product, "capacitance")
        # Bigger MLCC values cost more: ~0.002 USD at 100 pF up to ~0.05 USD at 22 µF.
        scale = 0.0 if cap is None else min(1.0, max(0.0, (math.log10(cap) + 10) / 5.3))
        return 0.002 + scale * 0.045 * rng.uniform(0.7, 1.1)
    if "inductor" in category:
        return rng.uniform(0.01, 0.4)
    if "integrated circuit" in category or category.startswith("ic"):
        return rng.uniform(0.3, 8.0)
    return rng.uniform(0.05, 3.0)


def _bearing_price(product: Product, rng: random.Random) -> float:
    outer = _value(product, "outer_diameter") or _value(product, "bore_diameter") or 40.0
    precision = product.attribute("precision_class")
    if precision is not None and precision.raw.upper() in _PRECISION_CLASSES:
        # Super-precision bearings: 60 USD for the smallest up to ~600 USD at 280 mm outside diameter.
        return min(600.0, 60.0 + 540.0 * min(1.0, outer / 280.0)) * rng.uniform(0.85, 1.1)
    if "lock nut" in product.category.lower():
        return rng.uniform(15.0, 80.0)
    # Standard bearings: ~1 USD at 10 mm outside diameter, ~40 USD at 215 mm.
    return min(40.0, max(1.0, 40.0 * (outer / 215.0) ** 1.6)) * rng.uniform(0.9, 1.1)


def _fastener_price(product: Product, rng: random.Random) -> float:
    thread = product.attribute("thread")
    match = re.search(r"(\d+(?:\.\d+)?)", thread.raw if thread else "")
    diameter = float(match.group(1)) if match else 6.0
    length = _value(product, "length") or diameter * 1.5
    material = product.attribute("material")
    factor = next((f for key, f in _MATERIAL_FACTOR if material and key in material.raw.upper()), 1.0)
    # Steel M3×10 ≈ 0.02 USD; the price grows with the volume of steel and with the material, up to 0.6 USD.
    size = min(1.0, diameter * diameter * (length + 2 * diameter) / 250_000.0) ** 0.6
    grade = (factor - 1.0) / (_MATERIAL_FACTOR[0][1] - 1.0)
    return (0.02 + 0.58 * min(1.0, 0.75 * size + 0.25 * grade)) * rng.uniform(0.92, 1.0)


def _stock(rng: random.Random, price: float) -> int:
    # Cheap parts are stocked in reels and boxes, expensive ones in tens.
    top = 200_000 if price < 0.05 else 20_000 if price < 1 else 500 if price < 60 else 40
    return int(math.exp(rng.uniform(math.log(max(2, top // 200)), math.log(top))))


def _value(product: Product, name: str) -> float | None:
    attr = product.attribute(name)
    return attr.value if attr is not None else None


def _round_price(price: float) -> float:
    """Four significant digits, never below 0.0001 USD."""
    price = max(price, 0.0001)
    digits = 3 - math.floor(math.log10(price))
    return round(price, max(0, digits))
