"""Issue 18: a product's title in the buyer's language (knowledge/titles.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.catalog import CatalogStore
from knowledge.models import Product
from knowledge.titles import KINDS_ZH, product_title

CATALOG = Path(__file__).resolve().parents[2] / "var" / "catalog.sqlite"
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A plain English word (a lower-case letter in it, letters only), not a unit: what a Chinese title must not hold.
_WORD = re.compile(r"(?<![\w.=/-])(?=[A-Za-z]*[a-z])[A-Za-z]{2,}(?![\w=/-])")
_UNITS = {"mm", "mil", "pcs", "ppm", "mW", "mA", "mAh", "uF", "nF", "pF", "uH", "nH", "mH", "kHz", "MHz", "GHz", "Hz"}


def _product(name: str, category: str, mpn: str = "X1") -> Product:
    return Product(sku="S1", mpn=mpn, manufacturer="M", name=name, category=category)


@pytest.mark.parametrize(
    ("name", "category", "zh", "en"),
    [
        (  # the JLCPCB reader's "MPN — facts package kind"
            "0603WAF9311T5E — 9.31kΩ ±1% 100mW 0603 chip resistor",
            "Resistors / Chip Resistor - Surface Mount",
            "0603WAF9311T5E 贴片电阻 9.31kΩ ±1% 100mW 0603",
            "0603WAF9311T5E — 9.31kΩ ±1% 100mW 0603 chip resistor",
        ),
        (  # the kind is the source's category leaf, with its own punctuation
            "SS24-E3/52T — 40V 2A DO-214AA Schottky Barrier Diodes (SBD)",
            "Diodes / Schottky Barrier Diodes (SBD)",
            "SS24-E3/52T 肖特基二极管 40V 2A DO-214AA",
            "SS24-E3/52T — 40V 2A DO-214AA Schottky Barrier Diodes (SBD)",
        ),
        (  # our generated passives: values first, the kind last
            "120 pF ±5% 25 V C0G 0201 MLCC",
            "Multilayer Ceramic Capacitors MLCC - SMD/SMT",
            "120 pF ±5% 25 V C0G 0201 贴片电容",
            "120 pF ±5% 25 V C0G 0201 MLCC",
        ),
        (  # bilingual titles: the Chinese half says the kind, the English half's values stay, its words go
            "SKF S7214 CD/P4A angular contact ball bearing 70×125×24 mm / 角接触球轴承",
            "Bearings / Angular contact ball bearings",
            "SKF S7214 CD/P4A 角接触球轴承 70×125×24 mm",
            "SKF S7214 CD/P4A angular contact ball bearing 70×125×24 mm",
        ),
        (  # a grade both halves state is said once
            "ISO 4014 M39×200 hex head bolt, partially threaded, A2-70 stainless / 外六角螺栓 半牙 不锈钢 A2-70",
            "Fasteners / Hex head bolts",
            "ISO 4014 M39×200 外六角螺栓 半牙 不锈钢 A2-70",
            "ISO 4014 M39×200 hex head bolt, partially threaded, A2-70 stainless",
        ),
        (  # a kind with no Chinese name is left out of the Chinese title, never shown in English
            "LM002H384W-7B3C12 — 7W SMD,13.5x13.5mm Chip On Board (COB) Light Sources",
            "Optoelectronics / Chip On Board (COB) Light Sources",
            "LM002H384W-7B3C12 7W SMD,13.5x13.5mm",
            "LM002H384W-7B3C12 — 7W SMD,13.5x13.5mm Chip On Board (COB) Light Sources",
        ),
    ],
)
def test_a_title_in_each_language(name: str, category: str, zh: str, en: str) -> None:
    product = _product(name, category)
    assert product_title(product, "zh") == zh
    assert product_title(product, "en") == en


def test_every_kind_has_a_chinese_name() -> None:
    assert all(_CJK.search(zh) or zh.isupper() for zh in KINDS_ZH.values())


@pytest.mark.skipif(not CATALOG.exists(), reason="needs the shipped catalog (make ingest)")
def test_chinese_titles_of_the_shipped_catalog_hold_no_english_word_and_mostly_say_the_kind() -> None:
    """Every 50th product of the shipped catalog: its Chinese title keeps the part number, holds no English word
    outside it, and says the kind in Chinese for at least 85 % (the categories KINDS_ZH names)."""
    store = CatalogStore(CATALOG)
    try:
        products = [p for i, p in enumerate(store.iter_products()) if i % 50 == 0]
    finally:
        store.close()
    assert len(products) > 2000
    english: list[str] = []
    with_kind = 0
    for product in products:
        title = product_title(product, "zh")
        shown = title.replace(product.mpn, " ")
        english += [f"{w} in {title!r}" for w in _WORD.findall(shown) if w not in _UNITS]
        with_kind += bool(_CJK.search(title))
    assert not english, english[:20]
    assert with_kind >= 0.85 * len(products), f"{with_kind} of {len(products)}"
