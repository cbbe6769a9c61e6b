"""Independent substitute checker, shared by the unit test (tests/unit/test_substitute_checker.py) and `make eval`.

It deliberately shares no code with knowledge/substitutes.py or its rule table: it reads raw attributes and applies
the buyer's rules from issue 4 directly.

- `violations(original, sub)`: the hard rules no returned substitute may break (same package and resistance for
  chip resistors; same capacitance, package and voltage >= for MLCCs; same d, D, B for bearings; same thread and
  length for screws; same frequency for crystals; same kind of product).
- `drop_in_problems(original, candidate)`: why a candidate is not a drop-in (empty list: it is one). Every rule
  the original states must hold with a value the candidate states: equal sizes / values / package, ratings >=,
  tolerances and coefficients <=, temperature range containing the original's. Bearing suffix facts (closure,
  precision class, contact angle, preload, ceramic balls, clearance) are read with knowledge/bearing_grammar.py,
  the designation parser; the comparisons are written here.
- `size_key(product)`: the value every drop-in must share exactly, so an exhaustive scan only needs to look inside
  one bucket of the catalog (an exact partition, not a shortcut: a product outside it fails an equal rule).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable

from knowledge import bearing_grammar as bg
from knowledge.catalog import CatalogStore
from knowledge.models import Attribute, Product

# Kinds with a drop-in definition here (resistors, MLCCs, crystals, two bearing types, screws).
DROP_IN_KINDS = ("resistor", "mlcc", "crystal", "deep groove bearing", "angular contact bearing", "screw")
# EIA dielectrics from the most to the least stable; a smaller number may replace a larger one.
_DIELECTRIC_ORDER = {
    "C0G": 0,
    "NP0": 0,
    "COG": 0,
    "X8R": 1,
    "X7R": 2,
    "X7S": 3,
    "X7T": 3,
    "X6S": 4,
    "X5R": 5,
    "Y5V": 7,
    "Z5U": 7,
}
_PRECISION_ORDER = {"P2": 0, "P4A": 1, "UP": 1, "P4C": 1.5, "P4": 2, "SP": 2.5, "P5": 3, "P6": 4, "P0": 5, "PN": 5}


def kind(product: Product) -> str | None:
    """The checker's own product kind, from the category text."""
    category = product.category.lower()
    if "chip resistor" in category or "current sense resistor" in category:
        return "resistor"
    if "mlcc - smd" in category:
        return "mlcc"
    if "bearing" in category and "thrust" not in category:
        return "bearing"
    if category.startswith("fasteners") and ("screw" in category or "bolt" in category):
        return "screw"
    if category.endswith("/ crystals"):
        return "crystal"
    return None


def drop_in_kind(product: Product) -> str | None:
    """Like `kind`, with bearings split into the types that have a drop-in definition (None for the others)."""
    found = kind(product)
    if found != "bearing":
        return found
    leaf = product.category.lower().split(" / ")[-1]
    if "deep groove" in leaf:
        return "deep groove bearing"
    if "angular contact ball bearing" in leaf:
        return "angular contact bearing"
    return None


def violations(original: Product, sub: Product) -> list[str]:
    """Hard rules `sub` breaks as a substitute for `original` (empty: none)."""
    found = kind(original)
    problems: list[str] = []
    if found == "resistor":
        if package(sub) != package(original):
            problems.append("package")
        if not equal(number(sub, "resistance"), number(original, "resistance")):
            problems.append("resistance")
    elif found == "mlcc":
        if package(sub) != package(original):
            problems.append("package")
        if not equal(number(sub, "capacitance"), number(original, "capacitance")):
            problems.append("capacitance")
        v_orig, v_sub = number(original, "voltage_rating"), number(sub, "voltage_rating")
        if v_orig is not None and (v_sub is None or v_sub < v_orig):
            problems.append("voltage")
    elif found == "bearing":
        for key in ("bore_diameter", "outer_diameter", "width"):
            if not equal(number(sub, key), number(original, key)):
                problems.append(key)
    elif found == "screw":
        if text(sub, "thread") != text(original, "thread") or text(sub, "thread") is None:
            problems.append("thread")
        if not equal(number(sub, "length"), number(original, "length")):
            problems.append("length")
    elif found == "crystal" and not equal(number(sub, "frequency"), number(original, "frequency")):
        problems.append("frequency")
    if found is not None and kind(sub) != found:
        problems.append("product kind")
    return problems


def size_key(product: Product) -> tuple[object, ...] | None:
    """(kind, the values every drop-in must equal) or None when the product has no drop-in definition or key."""
    found = drop_in_kind(product)
    if found is None:
        return None
    if found == "resistor":
        values: tuple[object, ...] = (_rounded(number(product, "resistance")), package(product))
    elif found == "mlcc":
        values = (_rounded(number(product, "capacitance")), package(product))
    elif found == "crystal":
        values = (_rounded(number(product, "frequency")),)
    elif found == "screw":
        values = (text(product, "thread"), _rounded(number(product, "length")))
    else:
        values = tuple(_rounded(number(product, k)) for k in ("bore_diameter", "outer_diameter", "width"))
    return None if any(v is None for v in values) else (found, *values)


def drop_in_problems(original: Product, candidate: Product) -> list[str]:
    """Why `candidate` is not a drop-in for `original`; [] when it is one."""
    found = drop_in_kind(original)
    if found is None:
        return ["no drop-in definition for this kind"]
    if drop_in_kind(candidate) != found:
        return ["product kind"]
    if mpn(candidate) == mpn(original):
        return ["same part"]
    problems: list[str] = []
    for name, check in _DROP_IN_RULES[found]:
        if not check(original, candidate):
            problems.append(name)
    return problems


# --------------------------------------------------------------------------------------------------
# Reading raw facts


def number(product: Product, key: str) -> float | None:
    attr = _attribute(product, key)
    return attr.value if attr is not None and attr.value is not None and math.isfinite(attr.value) else None


def text(product: Product, key: str) -> str | None:
    attr = _attribute(product, key)
    return re.sub(r"[^A-Z0-9.]", "", attr.raw.upper()) if attr is not None else None


def package(product: Product) -> str | None:
    raw = product.package or (text(product, "package") or "")
    raw = re.sub(r"[^A-Z0-9]", "", raw.upper())
    return raw or None


def mpn(product: Product) -> str:
    return re.sub(r"[^A-Z0-9]", "", product.mpn.upper())


def equal(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-6 * max(abs(a), abs(b))


def _attribute(product: Product, key: str) -> Attribute | None:
    for attr in product.attributes:
        if attr.name == key:
            return attr
    return None


def _rounded(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.9g}")


# --------------------------------------------------------------------------------------------------
# Drop-in rules: the original's stated value sets the requirement; the candidate must state a value that meets it


Check = Callable[[Product, Product], bool]


def _same_number(key: str) -> Check:
    def check(original: Product, candidate: Product) -> bool:
        want = number(original, key)
        return want is None or equal(number(candidate, key), want)

    return check


def _required_number(key: str) -> Check:
    """Equal and stated on both sides (the size key: an unknown value cannot be verified)."""
    return lambda original, candidate: equal(number(candidate, key), number(original, key))


def _at_least(key: str) -> Check:
    def check(original: Product, candidate: Product) -> bool:
        want, have = number(original, key), number(candidate, key)
        return want is None or (have is not None and have >= want * (1 - 1e-6))

    return check


def _at_most(key: str) -> Check:
    def check(original: Product, candidate: Product) -> bool:
        want, have = number(original, key), number(candidate, key)
        return want is None or (have is not None and abs(have) <= abs(want) * (1 + 1e-6))

    return check


def _covers(key: str) -> Check:
    def check(original: Product, candidate: Product) -> bool:
        want, have = _attribute(original, key), _attribute(candidate, key)
        if want is None or want.value is None or want.value_max is None:
            return True
        if have is None or have.value is None or have.value_max is None:
            return False
        return have.value <= want.value + 1e-9 and have.value_max >= want.value_max - 1e-9

    return check


def _same_text(key: str) -> Check:
    def check(original: Product, candidate: Product) -> bool:
        want = _attribute(original, key)
        if want is None or not want.raw.strip():
            return True
        have = _attribute(candidate, key)
        return have is not None and " ".join(have.raw.lower().split()) == " ".join(want.raw.lower().split())

    return check


def _same_package(original: Product, candidate: Product) -> bool:
    return package(original) is not None and package(candidate) == package(original)


def _dielectric(original: Product, candidate: Product) -> bool:
    want, have = text(original, "dielectric"), text(candidate, "dielectric")
    if want is None:
        return True
    if have is None:
        return False
    if want == have:
        return True
    return (
        want in _DIELECTRIC_ORDER and have in _DIELECTRIC_ORDER and _DIELECTRIC_ORDER[have] <= _DIELECTRIC_ORDER[want]
    )


def _same_fact(fact: Callable[[Product], object]) -> Check:
    def check(original: Product, candidate: Product) -> bool:
        want = fact(original)
        return want is None or fact(candidate) == want

    return check


def _precision(product: Product) -> str | None:
    ranked = bg.precision_rank(product)
    if ranked is not None:
        return ranked[1]
    return "P0" if bg.parse_bearing_code(product.mpn) is not None else None  # no class suffix: normal


def _precision_not_worse(original: Product, candidate: Product) -> bool:
    want, have = _precision(original), _precision(candidate)
    if want is None:
        return True
    return have is not None and _PRECISION_ORDER.get(have, 99) <= _PRECISION_ORDER.get(want, -1)


_DROP_IN_RULES: dict[str, tuple[tuple[str, Check], ...]] = {
    "resistor": (
        ("resistance", _required_number("resistance")),
        ("package", _same_package),
        ("tolerance", _at_most("tolerance")),
        ("power", _at_least("power")),
        ("voltage", _at_least("voltage_rating")),
        ("TCR", _at_most("temperature_coefficient")),
        ("temperature range", _covers("temperature_range")),
        ("film type", _same_text("type")),
    ),
    "mlcc": (
        ("capacitance", _required_number("capacitance")),
        ("package", _same_package),
        ("voltage", _at_least("voltage_rating")),
        ("tolerance", _at_most("tolerance")),
        ("dielectric", _dielectric),
        ("temperature range", _covers("temperature_range")),
    ),
    "crystal": (
        ("frequency", _required_number("frequency")),
        ("package", _same_package),
        ("load capacitance", _same_number("load_capacitance")),
        ("frequency tolerance", _at_most("frequency_tolerance")),
        ("frequency stability", _at_most("frequency_stability")),
        ("temperature range", _covers("temperature_range")),
    ),
    "deep groove bearing": (
        ("d", _required_number("bore_diameter")),
        ("D", _required_number("outer_diameter")),
        ("B", _required_number("width")),
        ("closure", _same_fact(bg.closure_class)),
        ("precision", _precision_not_worse),
        ("C", _at_least("dynamic_load_rating")),
        ("C0", _at_least("static_load_rating")),
        ("limiting speed", _at_least("limiting_speed")),
        ("reference speed", _at_least("reference_speed")),
        ("grease speed", _at_least("grease_speed")),
        ("clearance", _same_fact(bg.clearance)),
    ),
    "angular contact bearing": (
        ("d", _required_number("bore_diameter")),
        ("D", _required_number("outer_diameter")),
        ("B", _required_number("width")),
        ("contact angle", _same_fact(bg.contact_angle)),
        ("precision", _precision_not_worse),
        ("C", _at_least("dynamic_load_rating")),
        ("C0", _at_least("static_load_rating")),
        ("grease speed", _at_least("grease_speed")),
        ("oil speed", _at_least("oil_speed")),
        ("closure", _same_fact(bg.closure_class)),
        ("preload", _same_fact(bg.preload)),
        ("rolling elements", _same_fact(bg.rolling_elements)),
    ),
    "screw": (
        ("thread", lambda o, c: text(o, "thread") is not None and text(c, "thread") == text(o, "thread")),
        ("pitch", _same_number("pitch")),
        ("length", _required_number("length")),
        ("material", _same_text("material")),
        ("drive size", _same_number("drive_size")),
        ("head type", lambda o, c: o.category.lower() == c.category.lower()),
    ),
}


def sample(store: CatalogStore, per_kind: int, seed: int = 20260521) -> list[Product]:
    """`per_kind` parts per checker kind, drawn with a fixed seed from every SKU of that kind."""
    conn = store._conn  # read-only listing of SKUs and categories; the checker needs nothing else
    rows = conn.execute("SELECT sku, category FROM products ORDER BY sku").fetchall()
    by_kind: dict[str, list[str]] = {}
    for sku, category in rows:
        found = kind(Product(sku, "", "", category, ""))
        if found is not None:
            by_kind.setdefault(found, []).append(sku)
    rng = random.Random(seed)
    chosen: list[str] = []
    for name in sorted(by_kind):
        skus = by_kind[name]
        chosen += rng.sample(skus, min(per_kind, len(skus)))
    return store.products(chosen)
