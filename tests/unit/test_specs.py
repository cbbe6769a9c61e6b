"""Spec answers: attribute mapping in both languages, product choice, unknowns and not-found."""

from __future__ import annotations

import pytest

from knowledge.specs import answer_question, detect_language, find_attributes


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("6205-2RS 内径多少?", "bore_diameter"),
        ("what is the outer diameter of 7008CEGA/P4A?", "outer_diameter"),
        ("7008CEGA/P4A 外径", "outer_diameter"),
        ("NX3225GD-8MHZ-STD-CRA-3 的频率是多少", "frequency"),
        ("power rating of 0603WAF1002T5E?", "power"),
        ("RC0603FR-0710KL 耐压", "voltage_rating"),
        ("6205 额定动载荷", "dynamic_load_rating"),
        ("what's the bore (d) of 6205?", "bore_diameter"),
        ("M3x20 头部直径", "head_diameter"),
    ],
)
def test_question_maps_to_attribute(question, key):
    assert find_attributes(question)[0] == key


def test_letters_inside_part_numbers_are_not_attributes():
    assert find_attributes("7008CEGA/P4A") == []
    assert "outer_diameter" not in find_attributes("what is the bore of 6205-2RS?")


def test_language_detection():
    assert detect_language("6205-2RS 内径多少?") == "zh"
    assert detect_language("bore of 6205?") == "en"


def test_answer_has_value_unit_product_and_source(engine):
    answer = answer_question("6205-2RS 内径多少?", engine)
    assert answer.status == "answered" and answer.language == "zh"
    assert answer.product.mpn == "6205-2RS" and answer.value_text == "25 mm"
    assert "25 mm" in answer.text and "来源" in answer.text and "ISO 15" in answer.text
    data = answer.to_json()
    assert (data["attribute"], data["value"], data["unit"]) == ("bore_diameter", 25.0, "mm")
    assert data["product"] == {
        "sku": "ISO15-6205-2RS",
        "mpn": "6205-2RS",
        "manufacturer": "Brandstation standard range (ISO 15 dimensions)",
        "name": answer.product.name,
    }


def test_english_answer_and_frequency_formatting(engine):
    answer = answer_question("NX3225GD-8MHZ-STD-CRA-3 frequency?", engine)
    assert answer.status == "answered" and "8 MHz" in answer.text and "Source" in answer.text


def test_unknown_attribute_lists_known_facts(engine):
    answer = answer_question("6205-2RS limiting speed?", engine)
    assert answer.status == "not_stated" and answer.to_json()["value"] is None
    assert "does not state" in answer.text and "52 mm" in answer.text


def test_no_attribute_gives_an_overview(engine):
    answer = answer_question("6205-2RS", engine)
    assert answer.status == "which_attribute" and "25 mm" in answer.text and answer.to_json()["value"] is None


def test_description_without_part_number_asks_which(engine):
    answer = answer_question("bore of the sealed deep groove ball bearing?", engine)
    assert answer.status == "which_product" and len(answer.candidates) >= 2


def test_unknown_part_is_not_found(engine):
    answer = answer_question("bore of ZQX9999-77QQ?", engine)
    assert answer.status == "not_found" and answer.product is None


def test_follow_up_uses_previous_product(engine):
    answer = answer_question("那外径呢?", engine, last_sku="ISO15-6205-2RS")
    assert answer.status == "answered" and answer.value_text == "52 mm"


def test_price_and_stock_questions_answer_from_commerce_data(engine):
    price = answer_question("C25804 多少钱?", engine)
    assert price.status == "answered" and price.attribute == "price"
    assert "1+ USD 0.0014, 1,000+ USD 0.0011" in price.text  # no quantity named: every break, not a 1-piece price
    stock = answer_question("is 0603WAF1002T5E in stock?", engine)
    assert stock.attribute == "stock" and "10,973,398 pcs" in stock.text
