"""'in stock' as a substitute filter: the buyer's words switch it on, and no substitute without stock comes back."""

from __future__ import annotations

import pytest

from knowledge.catalog import CatalogStore
from knowledge.models import Attribute, PriceBreak, Product
from knowledge.search import SearchEngine
from knowledge.substitutes import find_substitutes, wants_in_stock


def _resistor(sku: str, mpn: str, stock: int, price: float) -> Product:
    return Product(
        sku,
        mpn,
        "Maker",
        "Resistors / Chip Resistor - Surface Mount",
        f"{mpn} 10k 0603 resistor",
        package="0603",
        attributes=(
            Attribute("resistance", "10kΩ", 10_000.0, "Ω"),
            Attribute("tolerance", "±1%", 1.0, "%"),
            Attribute("power", "0.1W", 0.1, "W"),
        ),
        price_breaks=(PriceBreak(1, price),),
        stock=stock,
    )


@pytest.fixture
def engine() -> SearchEngine:
    store = CatalogStore(":memory:")
    store.create()
    store.add(
        [
            _resistor("R-ORIG", "RC0603FR-0710KL", stock=0, price=0.002),
            _resistor("R-NONE", "CHEAP-10K-0603", stock=0, price=0.0001),  # the cheapest drop-in, none in stock
            _resistor("R-SOME", "0603WAF1002T5E", stock=5000, price=0.0014),
            _resistor("R-MORE", "CRCW060310K0FKEA", stock=800, price=0.004),
        ]
    )
    return SearchEngine(store)


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("RC0603FR-0710KL alternatives in stock", True),
        ("in-stock replacement for 6205-2RS", True),
        ("RC0603FR-0710KL 有货的替代", True),
        ("6205 现货替代", True),
        ("有库存的替代料", True),
        ("RC0603FR-0710KL alternatives", False),
        ("6205-2RS 缺货, 有什么可以替代?", False),  # the original is out of stock: not a filter
        ("RC0603FR-0710KL is out of stock", False),
        ("没有库存了, 换什么?", False),
        ("how much stock of RC0603FR-0710KL", False),  # a stock question, not a filter
    ],
)
def test_wants_in_stock(text: str, wanted: bool) -> None:
    assert wants_in_stock(text) is wanted


def test_in_stock_words_keep_only_stocked_substitutes(engine: SearchEngine) -> None:
    every = find_substitutes("RC0603FR-0710KL alternatives", engine, k=10, crossrefs=())
    assert every.substitutes[0].product.sku == "R-SOME"  # in stock ranks first among equals
    assert "R-NONE" in {s.product.sku for s in every.substitutes}
    stocked = find_substitutes("RC0603FR-0710KL alternatives in stock", engine, k=10, crossrefs=())
    assert stocked.status == "found"
    assert [s.product.sku for s in stocked.substitutes] == ["R-SOME", "R-MORE"]
    assert all((s.product.stock or 0) > 0 for s in stocked.substitutes)
    # The flag does the same without the words.
    flagged = find_substitutes("RC0603FR-0710KL", engine, k=10, in_stock_only=True, crossrefs=())
    assert [s.product.sku for s in flagged.substitutes] == ["R-SOME", "R-MORE"]
