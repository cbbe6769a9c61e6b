"""Hybrid search on the fixture catalog: code tiers, parameters as hard filters, reasons on every hit."""

from __future__ import annotations

from knowledge.search import code_candidates, parse_parameters


def skus(hits):
    return [h.product.sku for h in hits]


def test_exact_mpn_comes_first_with_reason(engine):
    hits = engine.search("0603WAF1002T5E")
    assert hits[0].product.sku == "C25804" and hits[0].score == 1.0
    assert hits[0].why[0].startswith("exact part number match")


def test_spaced_and_dashed_spellings_are_the_same_code(engine):
    for text in ("6205-2RS", "6205 2RS", "62052rs", "6205/2RS"):
        assert engine.find_by_code(text)[0].product.mpn == "6205-2RS", text


def test_close_misspelling_is_a_fuzzy_match_below_exact(engine):
    hits = engine.find_by_code("6205-2RS1")
    assert hits[0].product.mpn == "6205-2RS"
    assert 0.6 <= hits[0].score < 1.0 and "alike" in hits[0].why[0]


def test_values_are_not_mistaken_for_part_numbers():
    assert code_candidates("10k 0603 1% resistor") == []
    assert code_candidates("6205 2RS 内径") == ["6205 2RS", "6205", "2RS"]
    assert "10k" not in code_candidates("10k 0603") and "M3x20" not in code_candidates("M3x20 screw")


def test_parameters_filter_hard_and_explain(engine):
    hits = engine.search("10k 0603 1% chip resistor", k=10)
    assert hits[0].product.sku in {"C25804", "GEN-RC0603FR-0710KL"}
    assert any("resistance 10 kΩ" in w for w in hits[0].why)
    # 0402 and 4.7 kΩ state conflicting values: never returned, whatever their text similarity.
    assert "GEN-RC0402FR-0710KL" not in skus(hits) and "C25905" not in skus(hits)
    # In stock first among equals.
    assert hits[0].product.sku == "C25804"


def test_chinese_and_english_queries_retrieve_the_same_products(engine):
    zh = skus(engine.search("贴片电阻 10K 0603", k=5))
    en = skus(engine.search("10k 0603 chip resistor", k=5))
    assert set(zh[:2]) == set(en[:2]) == {"C25804", "GEN-RC0603FR-0710KL"}
    assert zh[0] == en[0] == "C25804"  # the one in stock first


def test_parse_parameters_reads_values_package_and_thread():
    params = parse_parameters("M3x20 内六角 不锈钢")
    assert params.thread == "M3" and ("length", 20.0, "mm") in params.quantities
    params = parse_parameters("100nF 50V 0603")
    assert params.package == "0603"
    assert {q[0] for q in params.quantities} == {"capacitance", "voltage_rating"}


def test_exact_match_of_the_whole_span_beats_its_fragment(engine):
    hits = engine.find_by_code("6205 2RS")
    assert hits[0].product.mpn == "6205-2RS" and hits[0].score == 1.0
    assert [(h.product.mpn, h.score) for h in hits[1:]] == [("6205", 0.7)]


def test_dimensions_are_read_from_words_and_boxes_not_from_codes():
    assert parse_parameters("deep groove ball bearing 25mm bore").quantities == (("bore_diameter", 25.0, "mm"),)
    assert parse_parameters("内径25 外径52 的轴承").quantities == (
        ("bore_diameter", 25.0, "mm"),
        ("outer_diameter", 52.0, "mm"),
    )
    assert {q[0] for q in parse_parameters("bearing 25x52x15").quantities} == {
        "bore_diameter",
        "outer_diameter",
        "width",
    }
    assert parse_parameters("M4 socket head cap screw 12mm").quantities == (("length", 12.0, "mm"),)
    assert parse_parameters("6205-2RS 内径多少").quantities == ()
    assert parse_parameters("6205 2RS1 外径").quantities == ()


def test_bore_parameter_filters_bearings(engine):
    hits = engine.search("deep groove ball bearing 30mm bore", k=5)
    assert hits[0].product.mpn == "6206-2RS"
    # Bearings stating another bore never appear; products not stating a bore at all may, below.
    bores = [h.product.attribute("bore_diameter") for h in hits]
    assert all(b is None or b.value == 30 for b in bores)


def test_words_the_product_states_lift_it(engine):
    hits = engine.search("sealed bearing 25mm bore contact seals", k=3)
    assert hits[0].product.mpn == "6205-2RS", [h.product.mpn for h in hits]
