"""Substitutes: rule tables, bearing suffix grammar, cross-references (SNFA history + brand CSV), ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.bearing_grammar import closure_class, decode_snfa, parse_bearing_code
from knowledge.catalog import CatalogStore
from knowledge.errors import CatalogError
from knowledge.models import Attribute, PriceBreak, Product
from knowledge.search import SearchEngine
from knowledge.substitutes import find_substitutes, load_crossref, load_rules, result_json, substitutes_for

EXAMPLE_CSV = Path(__file__).resolve().parents[2] / "catalog" / "crossref_example.csv"


def _resistor(
    sku: str,
    mpn: str,
    package: str,
    tol: float,
    watts: float,
    *,
    ohms: float = 10_000,
    tcr: float | None = 100,
    stock: int = 100,
    price: float = 0.002,
) -> Product:
    attrs = [
        Attribute("resistance", f"{ohms:g}Ω", ohms, "Ω"),
        Attribute("tolerance", f"±{tol:g}%", tol, "%"),
        Attribute("power", f"{watts:g}W", watts, "W"),
        Attribute("temperature_range", "-55~155", -55.0, "°C", 155.0),
    ]
    if tcr is not None:
        attrs.append(Attribute("temperature_coefficient", f"±{tcr:g}ppm/℃", tcr, "ppm/°C"))
    return Product(
        sku,
        mpn,
        "Maker",
        "Resistors / Chip Resistor - Surface Mount",
        f"{mpn} resistor",
        package=package,
        attributes=tuple(attrs),
        price_breaks=(PriceBreak(1, price),),
        stock=stock,
    )


def _bearing(
    sku: str,
    mpn: str,
    *,
    d: float = 25,
    big_d: float = 52,
    b: float = 15,
    c: float | None = 14.8,
    speed: float | None = 10_000,
    seal: str = "",
    maker: str = "SKF",
    stock: int = 10,
    category: str = "Bearings / Deep groove ball bearings",
    extra: tuple[Attribute, ...] = (),
) -> Product:
    attrs = [
        Attribute("bore_diameter", f"{d:g}", d, "mm"),
        Attribute("outer_diameter", f"{big_d:g}", big_d, "mm"),
        Attribute("width", f"{b:g}", b, "mm"),
    ]
    if c is not None:
        attrs += [
            Attribute("dynamic_load_rating", f"{c:g}", c, "kN"),
            Attribute("static_load_rating", "7.8", 7.8, "kN"),
        ]
    if speed is not None:
        attrs.append(Attribute("limiting_speed", f"{speed:g}", speed, "r/min"))
    if seal:
        attrs.append(Attribute("seal", seal))
    return Product(
        sku,
        mpn,
        maker,
        category,
        f"{mpn} bearing",
        attributes=tuple(attrs) + extra,
        price_breaks=(PriceBreak(1, 4.0),),
        stock=stock,
    )


def _products() -> list[Product]:
    return [
        _resistor("R-ORIG", "RC0603FR-0710KL", "0603", 1, 0.1, stock=0),
        _resistor("R-DROP", "0603WAF1002T5E", "0603", 1, 0.1, stock=5000, price=0.0014),
        _resistor("R-DROP-PRICEY", "CRCW060310K0FKEA", "0603", 0.5, 0.125, stock=5000, price=0.004),
        _resistor("R-NOTCR", "ERJ-3EKF1002V", "0603", 1, 0.1, tcr=None, stock=200),
        _resistor("R-0402", "RC0402FR-0710KL", "0402", 1, 0.1, stock=9000, price=0.0001),
        _resistor("R-5PCT", "RC0603JR-0710KL", "0603", 5, 0.1, stock=9000),
        _resistor("R-LOWPOWER", "RC0603FR-0710KL-LP", "0603", 1, 0.063, stock=9000),
        _resistor("R-4K7", "RC0603FR-074K7L", "0603", 1, 0.1, ohms=4_700),
        _bearing("B-2RS", "6205-2RS", seal="2RS contact seals", maker="Brandstation", stock=0),
        _bearing("B-2RS1", "6205-2RS1", c=14.8, speed=10_000),
        _bearing("B-LLU", "6205LLU", c=15.5, speed=10_000, maker="NTN", seal=""),
        _bearing("B-2RSH-SLOW", "6205-2RSH", speed=8_000),
        _bearing("B-2Z", "6205-2Z", speed=17_000),
        _bearing("B-OPEN", "6205", speed=20_000),
        _bearing("B-WEAK", "6205-2RSR", c=12.0),
        _bearing("B-NORATING", "6205 DDU", c=None, maker="NSK"),
        _bearing("B-6206", "6206-2RS1", d=30, big_d=62, b=16),
        _bearing("B-ACBB", "7205 BEP", category="Bearings / Angular contact ball bearings"),
        _bearing(
            "SKF-706CEGA/P4A",
            "706CEGA/P4A",
            d=6,
            big_d=17,
            b=6,
            c=None,
            speed=None,
            category="Bearings / Angular contact ball bearings",
            extra=(
                Attribute("precision_class", "P4A"),
                Attribute("contact_angle", "15", 15.0, "°"),
                Attribute("preload", "轻"),
                Attribute("seal", "开式"),
                Attribute("superseded_designation", "SNFA VEX67CE1UL"),
            ),
        ),
    ]


@pytest.fixture
def sub_store() -> CatalogStore:
    store = CatalogStore(":memory:")
    store.create()
    products = _products()
    # The SNFA history designation is an alias of the SKF product, as the catalog adapter stores it.
    products[-1] = Product(**{**products[-1].__dict__, "aliases": ("VEX67CE1UL",)})
    store.add(products)
    return store


@pytest.fixture
def sub_engine(sub_store: CatalogStore) -> SearchEngine:
    return SearchEngine(sub_store)


def _by_sku(result_subs: tuple) -> dict:
    return {s.product.sku: s for s in result_subs}


def test_resistor_same_value_and_package_tolerance_and_power_not_worse(sub_engine: SearchEngine) -> None:
    result = find_substitutes("RC0603FR-0710KL alternatives in stock", sub_engine, k=10, crossrefs=())
    assert result.status == "found" and result.part is not None and result.part.sku == "R-ORIG"
    subs = _by_sku(result.substitutes)
    assert set(subs) == {"R-DROP", "R-DROP-PRICEY", "R-NOTCR"}  # never the 0402, the 5 %, the 63 mW or 4.7k
    assert subs["R-DROP"].kind == "drop-in" and subs["R-DROP-PRICEY"].kind == "drop-in"
    # Unknown TCR: shown as unknown, never as the same, and the part is only functional.
    notcr = subs["R-NOTCR"]
    assert notcr.kind == "functional"
    tcr = next(d for d in notcr.differences if d.attribute == "temperature_coefficient")
    assert (tcr.substitute, tcr.verdict) == ("unknown", "unknown")
    # Drop-ins first, then cheaper first among equally close in-stock parts; tighter tolerance is "better".
    assert [s.product.sku for s in result.substitutes][:2] == ["R-DROP", "R-DROP-PRICEY"]
    tol = next(d for d in subs["R-DROP-PRICEY"].differences if d.attribute == "tolerance")
    assert tol.verdict == "better"


def test_bearing_drop_ins_share_size_and_closure_class(sub_engine: SearchEngine) -> None:
    result = find_substitutes("6205-2RS 缺货, 有什么可以替代?", sub_engine, k=10, crossrefs=())
    assert result.part is not None and result.part.sku == "B-2RS"
    subs = _by_sku(result.substitutes)
    # 2RS1 and LLU are the same closure class (contact seals both sides) with C and speed >= : drop-in.
    assert subs["B-2RS1"].kind == "drop-in" and subs["B-LLU"].kind == "drop-in"
    assert "25×52×15 mm" in subs["B-2RS1"].why
    # Shields instead of seals: functional, with the seal difference spelled out.
    two_z = subs["B-2Z"]
    assert two_z.kind == "functional"
    seal = next(d for d in two_z.differences if d.attribute == "seal")
    assert (seal.original, seal.substitute) == ("contact seals both sides", "shields both sides")
    # Lower speed is a near miss (functional); a lower load rating, another size or type is never returned.
    assert subs["B-2RSH-SLOW"].kind == "functional"
    speed = next(d for d in subs["B-2RSH-SLOW"].differences if d.attribute == "limiting_speed")
    assert speed.verdict == "worse"
    assert not {"B-WEAK", "B-6206", "B-ACBB"} & set(subs)
    # An unknown load rating is never a drop-in.
    assert subs["B-NORATING"].kind == "functional"
    kinds = [s.kind for s in result.substitutes]
    assert kinds == sorted(kinds, key=["cross-reference", "drop-in", "functional"].index)


def test_snfa_history_designation_gives_skf_cross_reference(sub_engine: SearchEngine) -> None:
    for text in ("VEX67CE1UL 有替代吗?", "replacement for SNFA vex 67 ce1 ul", "VEX-67-CE1UL"):
        result = find_substitutes(text, sub_engine, crossrefs=())
        assert result.status == "found", text
        assert result.part is not None and result.part.mpn == "VEX67CE1UL" and result.part.sku == ""
        top = result.substitutes[0]
        assert (top.product.sku, top.kind) == ("SKF-706CEGA/P4A", "cross-reference")
        verdicts = {d.attribute: d.verdict for d in top.differences}
        assert verdicts["bore_diameter"] == "same" and verdicts["contact_angle"] == "same"


def test_brand_csv_cross_reference_comes_first(sub_engine: SearchEngine) -> None:
    refs = load_crossref(EXAMPLE_CSV)
    assert len(refs) == 5 and refs[0].from_mpn == "6205DDU" and refs[0].relation == "equivalent"
    ref = next(r for r in refs if r.from_mpn == "6205LLU")
    refs = [type(ref)("6205-2RS1", "SKF", "B-LLU", "equivalent", "LLU = 2RS1", "t.csv:2")]
    forward = find_substitutes("6205-2RS1", sub_engine, crossrefs=refs)
    assert forward.part is not None and forward.part.sku == "B-2RS1"
    assert (forward.substitutes[0].product.sku, forward.substitutes[0].kind) == ("B-LLU", "cross-reference")
    assert "LLU = 2RS1" in forward.substitutes[0].why
    assert forward.substitutes[1].kind == "drop-in"
    # "equivalent" works both ways.
    backward = find_substitutes("6205LLU", sub_engine, crossrefs=refs)
    assert (backward.substitutes[0].product.sku, backward.substitutes[0].kind) == ("B-2RS1", "cross-reference")
    # Its lower load rating is spelled out, not hidden.
    load = next(d for d in backward.substitutes[0].differences if d.attribute == "dynamic_load_rating")
    assert (load.original, load.substitute, load.verdict) == ("15.5 kN", "14.8 kN", "worse")


def test_crossref_for_a_part_not_in_the_catalog(sub_engine: SearchEngine, tmp_path: Path) -> None:
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("from_mpn,from_manufacturer,to_sku,relation,note\nBRG-25-52,Acme,B-2RS1,equivalent,\n")
    result = find_substitutes("brg 25 52", sub_engine, crossrefs=load_crossref(csv_path))
    assert result.part is not None and (result.part.mpn, result.part.manufacturer) == ("BRG-25-52", "Acme")
    assert result.substitutes[0].product.sku == "B-2RS1" and result.substitutes[0].kind == "cross-reference"


def test_crossref_file_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("from_mpn,from_manufacturer,to_sku,relation\nA1,X,SKU1,equivalent\nB2,X,SKU2,maybe\n")
    with pytest.raises(CatalogError) as err:
        load_crossref(bad)
    assert err.value.line == 3 and "maybe" in str(err.value)
    missing = tmp_path / "missing.csv"
    missing.write_text("from_mpn,to_sku\nA,B\n")
    with pytest.raises(CatalogError, match="relation"):
        load_crossref(missing)


def test_status_part_not_found_ambiguous_and_last_sku(sub_engine: SearchEngine) -> None:
    assert find_substitutes("XQZ12345", sub_engine, crossrefs=()).status == "part_not_found"
    carried = find_substitutes("有什么可以替代?", sub_engine, last_sku="B-2RS", crossrefs=())
    assert carried.part is not None and carried.part.sku == "B-2RS" and carried.status == "found"
    none = find_substitutes("6206-2RS1", sub_engine, crossrefs=())
    assert none.status == "none_qualify" and none.substitutes == ()


def test_in_stock_only_and_json_shape(sub_engine: SearchEngine, sub_store: CatalogStore) -> None:
    part = sub_store.get("R-ORIG")
    subs = substitutes_for(part, sub_store, in_stock_only=True)
    assert subs and all((s.product.stock or 0) > 0 for s in subs)
    data = result_json(find_substitutes("RC0603FR-0710KL", sub_engine, k=2, crossrefs=()))
    first = data["substitutes"][0]
    assert data["part"]["sku"] == "R-ORIG"
    assert set(first) >= {"sku", "mpn", "manufacturer", "kind", "score", "differences", "stock", "unit_price"}
    assert first["unit_price"] == 0.0014 and first["differences"][0]["verdict"] in ("same", "better")


@pytest.mark.parametrize(
    ("mpn", "closure", "clearance", "precision", "angle"),
    [
        ("6205-2RS1/C3", "contact-seals-2", "C3", None, None),
        ("6205LLU", "contact-seals-2", None, None, None),
        ("6205DDU", "contact-seals-2", None, None, None),
        ("6205ZZ", "shields-2", None, None, None),
        ("E2.6205-2Z/C3", "shields-2", "C3", None, None),
        ("7205 ACD/HCP4A", None, None, "P4A", 25.0),
        ("706CEGA/P4A", None, None, "P4A", 15.0),
        ("S7205CDGA/P4A", "capped-2", None, "P4A", 15.0),
    ],
)
def test_bearing_suffix_grammar(
    mpn: str, closure: str | None, clearance: str | None, precision: str | None, angle: float | None
) -> None:
    code = parse_bearing_code(mpn)
    assert code is not None
    assert (code.closure, code.clearance, code.precision, code.contact_angle) == (closure, clearance, precision, angle)


def test_closure_from_text_and_snfa_decoding() -> None:
    assert closure_class(_bearing("x", "6205", seal="2Z shields")) == "shields-2"  # plain designation says open
    assert closure_class(_bearing("x", "NJ205", seal="")) == "open"
    assert decode_snfa("VEX67CE1UL") == {
        "bore_diameter": 6.0,
        "contact_angle": 15.0,
        "preload": "light",
        "closure": "open",
        "rolling_elements": "steel",
    }
    assert decode_snfa("E225/NS7CE3UL")["bore_diameter"] == 25.0
    assert decode_snfa("E225/NS7CE3UL")["rolling_elements"] == "ceramic"


def test_rule_table_loads_every_family() -> None:
    names = {f.name for f in load_rules()}
    assert {
        "chip resistor",
        "MLCC capacitor",
        "crystal",
        "deep groove ball bearing",
        "angular contact ball bearing",
        "screw",
    } <= names
