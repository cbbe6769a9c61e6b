"""Parametric selection (选型): filters from the buyer's words, the question that splits best, answers, ranking."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from knowledge.catalog import CatalogStore
from knowledge.models import Attribute, PriceBreak, Product
from knowledge.search import SearchEngine
from knowledge.selection import load_families, prepare, select, selection_json, selection_reply

CATALOG = Path(__file__).resolve().parents[2] / "var" / "catalog.sqlite"
CHIP_R = "Resistors / Chip Resistor - Surface Mount"


def _resistor(
    sku: str,
    *,
    ohms: float = 10_000,
    package: str = "0402",
    tol: float = 1,
    watts: float | None = 0.0625,
    maker: str = "YAGEO",
    stock: int = 1000,
    price: float = 0.001,
) -> Product:
    attrs = [
        Attribute("resistance", f"{ohms:g}Ω", ohms, "Ω"),
        Attribute("tolerance", f"±{tol:g}%", tol, "%"),
        Attribute("temperature_coefficient", "±100ppm/℃", 100.0, "ppm/°C"),
    ]
    if watts is not None:
        attrs.append(Attribute("power", f"{watts:g}W", watts, "W"))
    return Product(
        sku,
        f"MPN-{sku}",
        maker,
        CHIP_R,
        f"{ohms:g} Ω {package} resistor",
        package=package,
        attributes=tuple(attrs),
        price_breaks=(PriceBreak(1, price),),
        stock=stock,
    )


def _mlcc(sku: str, farads: float, package: str, dielectric: str, tol: float = 10) -> Product:
    return Product(
        sku,
        f"MPN-{sku}",
        "Samsung",
        "Capacitors / Multilayer Ceramic Capacitors MLCC - SMD/SMT",
        f"{farads:g} F {package} {dielectric}",
        package=package,
        attributes=(
            Attribute("capacitance", f"{farads:g}F", farads, "F"),
            Attribute("tolerance", f"±{tol:g}%", tol, "%"),
            Attribute("dielectric", dielectric),
            Attribute("voltage_rating", "16V", 16.0, "V"),
        ),
        stock=500,
    )


def _screw(sku: str, category: str, length: float, material: str, thread: str = "M4") -> Product:
    return Product(
        sku,
        sku,
        "Brandstation standard range",
        f"Fasteners / {category}",
        f"{thread}x{length:g} {category} {material}",
        attributes=(
            Attribute("thread", thread),
            Attribute("length", f"{length:g}", length, "mm"),
            Attribute("material", material),
        ),
        price_breaks=(PriceBreak(1, 0.05),),
        stock=100,
    )


def _catalog() -> list[Product]:
    return [
        # 10k 0402 1%: four at 1/16 W, four at 1/10 W, one that does not state its power
        _resistor("R1", stock=5000, price=0.0010),
        _resistor("R2", stock=0, price=0.0001),  # cheapest, but none in stock
        _resistor("R3", stock=200, price=0.0008, maker="UNI-ROYAL"),
        _resistor("R4", stock=9000, price=0.0030),
        _resistor("R5", watts=0.1),
        _resistor("R6", watts=0.1, maker="UNI-ROYAL"),
        _resistor("R7", watts=0.1),
        _resistor("R8", watts=0.1),
        _resistor("R9", watts=None),
        _resistor("R-0603", package="0603", watts=0.1),
        _resistor("R-5PCT-A", tol=5),
        _resistor("R-5PCT-B", tol=5),
        _resistor("R-4K7", ohms=4_700),
        _mlcc("C1", 100e-9, "0402", "X7R"),
        _mlcc("C2", 100e-9, "0402", "X7R"),
        _mlcc("C3", 100e-9, "0603", "X5R"),
        _mlcc("C4", 100e-12, "0402", "C0G", tol=1),
        _screw("ISO4762-M4X12-A2", "Socket head cap screws", 12, "A2-70 stainless"),
        _screw("ISO4762-M4X12-A4", "Socket head cap screws", 12, "A4-80 stainless"),
        _screw("ISO4762-M4X12-88ZN", "Socket head cap screws", 12, "steel 8.8 zinc plated"),
        _screw("ISO4762-M4X16-A2", "Socket head cap screws", 16, "A2-70 stainless"),
        _screw("ISO4017-M4X12-A2", "Hex head screws", 12, "A2-70 stainless"),
    ]


@pytest.fixture
def store() -> CatalogStore:
    store = CatalogStore(":memory:")
    store.create()
    store.add(_catalog())
    return store


@pytest.fixture
def engine(store: CatalogStore) -> SearchEngine:
    return SearchEngine(store)


def test_parameters_in_the_text_narrow_and_the_best_split_is_asked(engine: SearchEngine) -> None:
    sel = select(engine, "I need a 10k resistor, 0402, 1%")
    assert (sel.status, sel.family) == ("ask", "resistor")
    assert dict(sel.filters) == {"resistance": "10 kΩ", "package": "0402", "tolerance": "1 %"}
    assert sel.remaining == 9  # R1..R9: not the 0603, the 5 % or the 4.7k
    # Power splits 4 / 4; the TCR is the same on all of them and the brand is a later choice.
    assert sel.attribute == "power"
    assert sel.options == (("0.0625 W", "0.0625", 4), ("0.1 W", "0.1", 4))


def test_each_answer_shrinks_the_set_to_the_option_count(engine: SearchEngine) -> None:
    first = select(engine, "I need a 10k resistor, 0402, 1%")
    for shown, key, count in first.options:
        for answer in (key, shown):
            after = select(engine, "I need a 10k resistor, 0402, 1%", {"power": answer})
            assert after.remaining == count < first.remaining  # R9 (power not stated) is no longer counted
    # The buyer may type the value their own way.
    typed = select(engine, "I need a 10k resistor, 0402, 1%", {"power": "62.5mW"})
    assert typed.remaining == 4 and dict(typed.filters)["power"] == "0.0625 W"


def test_any_leaves_the_attribute_open_and_asks_the_next_one(engine: SearchEngine) -> None:
    from knowledge.selection import ANY

    sel = select(engine, "I need a 10k resistor, 0402, 1%", {"power": ANY})
    assert sel.remaining == 9 and "power" not in dict(sel.filters)  # R9 (power not stated) still counts
    assert sel.status == "done" or sel.attribute != "power"


def test_done_lists_in_stock_first_then_price(engine: SearchEngine) -> None:
    sel = select(engine, "I need a 10k resistor, 0402, 1%", {"power": "1/16W"})
    assert sel.status == "done" and sel.attribute is None
    # In stock by price (R3 0.0008, R1 0.0010, R4 0.0030), then the cheaper one nobody has.
    assert [p.sku for p in sel.products] == ["R3", "R1", "R4", "R2"]
    fewer = select(engine, "I need a 10k resistor, 0402, 1%", {"power": "1/16W"}, limit=2)
    assert fewer.status == "ask" and fewer.attribute == "manufacturer"
    assert {key for _, key, _ in fewer.options} == {"yageo", "uni-royal"}


def test_value_attribute_is_asked_first_when_missing(engine: SearchEngine) -> None:
    sel = select(engine, "0402 resistor")
    assert sel.status == "ask" and sel.attribute == "resistance"
    assert {key for _, key, _ in sel.options} == {"10000", "4700"}


def test_a_value_that_matches_nothing_gives_none_with_the_filters(engine: SearchEngine) -> None:
    sel = select(engine, "10k resistor 0402 0.5%")
    assert sel.status == "none" and sel.remaining == 0
    assert ("tolerance", "0.5 %") in sel.filters and ("package", "0402") in sel.filters
    assert "0.5 %" in selection_reply(sel)
    # Which one filter has no match, and the closest parts without it (never a part that breaks another one).
    assert sel.relaxed[0] == ((("tolerance", "0.5 %"),), 11)
    assert sel.products and all(p.package == "0402" and p.attribute("resistance").value == 10_000 for p in sel.products)
    assert "without tolerance 0.5 %: 11" in selection_reply(sel)


def test_the_value_that_says_what_the_part_is_is_never_relaxed(engine: SearchEngine) -> None:
    sel = select(engine, "47k resistor 0402")
    assert sel.status == "none" and sel.relaxed == () and sel.products == ()
    # A parameter the family does not have is not ignored either.
    assert select(engine, "10k capacitor").status == "none"


def test_a_rating_nobody_has_exactly_becomes_a_minimum(engine: SearchEngine) -> None:
    sel = select(engine, "10k 0402 resistor 1% 0.08W")
    assert sel.status == "done" and ("power", "≥ 0.08 W") in sel.filters
    assert {p.sku for p in sel.products} == {"R5", "R6", "R7", "R8"}  # the 0.1 W ones, not the 0.0625 W ones
    looser = select(engine, "10k 0402 resistor 2%")
    assert ("tolerance", "≤ 2 %") in looser.filters and looser.remaining == 9
    # An exact match wins over the relaxed reading; a value nothing meets stays 'none'.
    assert select(engine, "10k 0402 resistor 1% 0.1W").remaining == 4
    assert select(engine, "10k 0402 resistor 1% 0.5W").status == "none"


def test_no_family_and_no_parameter_is_unclear(engine: SearchEngine) -> None:
    sel = select(engine, "hello, can you help me?")
    assert sel.status == "unclear" and sel.family == "" and sel.remaining == 0


def test_parameters_that_fit_several_families_ask_which(engine: SearchEngine) -> None:
    sel = select(engine, "0402 1%")
    assert (sel.status, sel.attribute) == ("ask", "family")
    assert dict((key, count) for _, key, count in sel.options) == {"resistor": 10, "capacitor": 1}
    capacitor = select(engine, "0402 1%", {"family": "电容"})
    assert capacitor.family == "capacitor" and [p.sku for p in capacitor.products] == ["C4"]
    # One family only: it goes on by itself.
    assert select(engine, "100nF").family == "capacitor"


def test_chinese_screw_request_with_kind_and_material(engine: SearchEngine) -> None:
    sel = select(engine, "帮我选一个 M4 内六角螺丝 不锈钢 长度 12")
    assert (sel.status, sel.family) == ("done", "screw")
    assert dict(sel.filters)["kind"] == "socket head cap screw" and dict(sel.filters)["length"] == "12 mm"
    # Not the zinc-plated one, not the 16 mm one, not the hex head.
    assert {p.sku for p in sel.products} == {"ISO4762-M4X12-A2", "ISO4762-M4X12-A4"}
    assert "螺丝" in selection_reply(sel, "zh")


def test_dielectric_named_in_the_text_and_answers_override_the_text(engine: SearchEngine) -> None:
    assert [p.sku for p in select(engine, "100nF X7R 电容").products] == ["C1", "C2"]
    sel = select(engine, "10k 0402 1% resistor", {"tolerance": "5%"})
    assert {p.sku for p in sel.products} == {"R-5PCT-A", "R-5PCT-B"}
    assert dict(sel.filters)["tolerance"] == "5 %"


def test_in_stock_filter(engine: SearchEngine) -> None:
    sel = select(engine, "10k 0402 1% resistor 有货", {"power": "0.0625"})
    assert [p.sku for p in sel.products] == ["R3", "R1", "R4"] and ("stock", "in stock") in sel.filters


def test_cached_columns_follow_catalog_changes(engine: SearchEngine, store: CatalogStore) -> None:
    assert set(prepare(store)) == {f.name for f in load_families()}
    assert select(engine, "4.7k resistor").remaining == 1
    store.add([_resistor("R-4K7-NEW", ohms=4_700)])
    assert select(engine, "4.7k resistor").remaining == 2


def test_json_shape_and_replies(engine: SearchEngine) -> None:
    sel = select(engine, "I need a 10k resistor, 0402, 1%")
    data = selection_json(sel)
    assert data["attribute"] == "power" and data["attribute_name"] == "power rating"
    assert data["options"][0] == {"value": "0.0625 W", "key": "0.0625", "count": 4}
    assert {"attribute": "package", "name": "package", "value": "0402"} in data["filters"]
    assert selection_reply(sel) == (
        "9 resistors match resistance 10 kΩ, tolerance 1 %, package 0402. "
        "Which power rating: 0.0625 W (4) or 0.1 W (4)? Or any."
    )
    assert "请选择额定功率" in selection_reply(sel, "zh")
    done = selection_json(select(engine, "I need a 10k resistor, 0402, 1%", {"power": "0.1"}))
    assert done["status"] == "done" and done["products"][0]["unit_price"] == 0.001


def test_family_table_is_consistent() -> None:
    families = load_families()
    names = [f.name for f in families]
    assert {"resistor", "capacitor", "inductor", "crystal", "bearing", "screw"} <= set(names)
    for family in families:
        assert family.first and family.words, family.name
        assert not set(family.first) & set(family.ask), family.name
    resistor = families[names.index("resistor")]
    assert resistor.matches(CHIP_R) and not resistor.matches("Resistors / Resistor Networks & Arrays")


# --------------------------------------------------------------------------------------------------
# The shipped catalog


@pytest.fixture(scope="module")
def real_engine() -> SearchEngine:
    if not CATALOG.is_file():
        pytest.skip(f"{CATALOG} missing: build it with `brandstation ingest`")
    return SearchEngine(CatalogStore.open_existing(CATALOG))


@pytest.mark.slow
def test_real_catalog_resistor_dialogue(real_engine: SearchEngine) -> None:
    text = "I need a 10k resistor, 0402, 1%"
    sel = select(real_engine, text)
    assert sel.family == "resistor" and sel.status in ("ask", "done")
    answers: dict[str, str] = {}
    for _ in range(6):  # every answer narrows to exactly the count its option promised
        if sel.status != "ask":
            break
        assert sel.attribute is not None and sel.options and sum(c for _, _, c in sel.options) <= sel.remaining
        _, key, count = sel.options[0]
        answers[sel.attribute] = key
        sel = select(real_engine, text, answers)
        assert sel.remaining == count
    assert sel.status == "done" and 1 <= len(sel.products) <= 5
    for product in sel.products:
        assert product.attribute("resistance").value == pytest.approx(10_000)  # type: ignore[union-attr]
        assert product.package == "0402"


@pytest.mark.slow
def test_real_catalog_none_screw_and_speed(real_engine: SearchEngine) -> None:
    none = select(real_engine, "10k resistor 0402 5W")
    assert none.status == "none" and ("power", "5 W") in none.filters
    screws = select(real_engine, "帮我选一个 M4 内六角螺丝 不锈钢 长度 12")
    assert screws.status == "done" and screws.products
    for product in screws.products:
        assert product.category == "Fasteners / Socket head cap screws"
        assert product.attribute("thread").raw == "M4"  # type: ignore[union-attr]
        assert "stainless" in product.attribute("material").raw  # type: ignore[union-attr]
    queries = ["100nF capacitor", "10k 0603 resistor", "8MHz crystal", "10uH inductor", "bearing bore 25mm"]
    for query in queries:
        select(real_engine, query)  # the first call per family reads its columns
    timings = []
    for query in queries * 3:
        started = time.perf_counter()
        select(real_engine, query)
        timings.append(time.perf_counter() - started)
    assert statistics.median(timings) < 0.1
