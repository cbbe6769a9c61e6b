"""Frozen domain records. Functions across knowledge/ take and return these, never loose dicts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attribute:
    """One fact about a product.

    `name` is the canonical key (see knowledge/attributes.py), `value` the number in the canonical
    unit `unit` (Ω, F, H, V, A, W, Hz, %, ppm, °C, mm, kN, r/min, kg, °) or None for text facts;
    `value_max` is set for ranges (temperature -55..155 °C); `raw` is the text as the source wrote it;
    `label` is the source's own column name ("内径d", "Resistance").
    """

    name: str
    raw: str
    value: float | None = None
    unit: str = ""
    value_max: float | None = None
    label: str = ""


@dataclass(frozen=True)
class PriceBreak:
    """Unit price from `min_qty` pieces up."""

    min_qty: int
    unit_price: float


@dataclass(frozen=True)
class Product:
    """A sellable catalog item with its normalized attributes and commercial data."""

    sku: str
    mpn: str
    manufacturer: str
    category: str
    name: str
    description: str = ""
    package: str = ""
    datasheet: str = ""
    attributes: tuple[Attribute, ...] = ()
    price_breaks: tuple[PriceBreak, ...] = ()
    currency: str = "USD"
    price_source: str = ""
    stock: int | None = None
    lead_time_days: int | None = None
    source: str = ""
    aliases: tuple[str, ...] = ()

    def attribute(self, name: str) -> Attribute | None:
        """The attribute with canonical key `name`, or None when the product does not state it."""
        for attr in self.attributes:
            if attr.name == name:
                return attr
        return None


@dataclass(frozen=True)
class Hit:
    """A search result: the product, a score in [0, 1] where higher is better, and why it matched."""

    product: Product
    score: float
    why: tuple[str, ...] = field(default_factory=tuple)
