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


@dataclass(frozen=True)
class BomLine:
    """One item line of a buyer's BOM, as the file states it (see knowledge/bom.py).

    `line` is the 1-based text line (text files) or row (xlsx) where the item starts; `quantity` is per
    board as stated (None when the text is not a number, e.g. "若干", with `quantity_text` kept);
    `alternates` are the buyer's approved substitutes (替代料1–3); `attrition_pct` is 损耗率 in percent;
    `raw` maps each header to the original cell text; `notes` say what looked odd about the line.
    """

    line: int
    sheet: str
    designators: tuple[str, ...]
    quantity: float | None
    quantity_text: str
    mpn: str
    manufacturer: str
    value: str
    package: str
    description: str
    supplier_code: str
    alternates: tuple[str, ...] = ()
    attrition_pct: float | None = None
    dnp: bool = False
    raw: dict[str, str] = field(default_factory=dict, hash=False, compare=True)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BomProblem:
    """A BOM row that is not an item line, or cannot be read as one, and why."""

    line: int
    sheet: str
    reason: str


@dataclass(frozen=True)
class Difference:
    """How a substitute compares with the original on one attribute (display strings, not numbers)."""

    attribute: str
    original: str
    substitute: str
    verdict: str  # same | better | worse | unknown


@dataclass(frozen=True)
class Substitute:
    """A product that can replace another: kind, a score in [0, 1], every compared attribute and one line why."""

    product: Product
    kind: str  # cross-reference | drop-in | functional
    score: float
    differences: tuple[Difference, ...]
    why: str
