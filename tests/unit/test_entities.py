"""Rule-based entities: part numbers and attribute words in Chinese, English and mixed questions."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.entities import ATTRIBUTE, PART_NUMBER, Entity, attribute_keys, extract_entities


def parts(text: str) -> list[str]:
    return [e.value for e in extract_entities(text) if e.kind == PART_NUMBER]


def attributes(text: str) -> list[str]:
    return [e.value for e in extract_entities(text) if e.kind == ATTRIBUTE]


@pytest.mark.parametrize(
    ("question", "part", "attribute"),
    [
        ("6205-2RS 内径多少?", "6205-2RS", "bore_diameter"),
        ("what is the outer diameter of 7008CEGA/P4A?", "7008CEGA/P4A", "outer_diameter"),
        ("NX3225GD-8MHZ-STD-CRA-3 的频率是多少", "NX3225GD-8MHZ-STD-CRA-3", "frequency"),
        ("power rating of 0603WAF1002T5E?", "0603WAF1002T5E", "power"),
        ("RC0603FR-0710KL 精度", "RC0603FR-0710KL", "precision_class"),
        ("M3x20 内六角螺丝 头部直径", "M3x20", "head_diameter"),
        ("6205内径多少", "6205", "bore_diameter"),
        ("LCSC C25804 tolerance", "C25804", "tolerance"),
        ("STM32F103C8T6 工作温度", "STM32F103C8T6", "temperature_range"),
        ("AMS1117-3.3 耐压", "AMS1117-3.3", "voltage_rating"),
        ("GRM188R71H104KA93D 容值", "GRM188R71H104KA93D", "capacitance"),
        ("CL10A106KP8NNNC capacitance?", "CL10A106KP8NNNC", "capacitance"),
        ("6001ZZ 宽度多少", "6001ZZ", "width"),
        ("6204-2Z的外径", "6204-2Z", "outer_diameter"),
        ("71906 ACE/HCP4A 极限转速是多少", "71906 ACE/HCP4A", "limiting_speed"),
        ("NU 205 ECP 额定动载荷", "NU 205 ECP", "dynamic_load_rating"),
        ("M6*30 螺距多少", "M6*30", "pitch"),
        ("M4x12 长度", "M4x12", "length"),
        ("M3 x 20 头径", "M3 x 20", "head_diameter"),
        ("6205 2RS 外径", "6205 2RS", "outer_diameter"),
    ],
)
def test_question_gives_part_and_attribute(question, part, attribute):
    assert parts(question) == [part]
    assert attributes(question) == [attribute]


@pytest.mark.parametrize(
    "search",
    [
        "找一个 10k 0603 1% 的电阻",
        "I need a 100nF 50V X7R 0603 capacitor",
        "deep groove ball bearing 25mm bore",
        "3.3V/5V LDO in SOT-23-5, 0.1uF 4k7 1/4W",
        "M3 screw 20mm, DIN912, A2-70, SUS304",
        "25x52x15 bearing with 2RS seals, 1206 package",
        "I need 6000 pcs",
        "转速6000的轴承",
    ],
)
def test_values_and_parameters_are_not_part_numbers(search):
    assert parts(search) == []


def test_offsets_point_into_the_original_text():
    text = "请问 6205-2RS内径多少? and outer diameter of 7008CEGA/P4A"
    found = extract_entities(text)
    assert [(e.kind, e.start, e.end) for e in found] == [
        (PART_NUMBER, 3, 11),
        (ATTRIBUTE, 11, 13),
        (ATTRIBUTE, 21, 35),
        (PART_NUMBER, 39, 51),
    ]
    assert all(text[e.start : e.end] == e.text for e in found)


def test_full_width_input_keeps_offsets_and_normalizes_the_value():
    text = "６２０５－２ＲＳ 内径"
    part = extract_entities(text)[0]
    assert (part.text, part.start, part.end, part.value) == ("６２０５－２ＲＳ", 0, 8, "6205-2RS")


def test_single_letter_synonyms_are_case_sensitive_and_standalone():
    assert attributes("6206 的d是多少") == ["bore_diameter"]
    assert attributes("6206 的D是多少") == ["outer_diameter"]
    assert attributes("B of 6000ZZ") == ["width"]
    assert attributes("I'd like 10 k resistors") == []  # an apostrophe's d, a value's k
    assert attributes("USB-C connector, 5 V") == []


def test_a_synonym_repeated_with_its_symbol_is_one_entity():
    found = extract_entities("what's the bore (d) of 6205?")
    assert [(e.text, e.value) for e in found if e.kind == ATTRIBUTE] == [("bore (d)", "bore_diameter")]
    assert [(e.text, e.value) for e in extract_entities("内径d多少")] == [("内径d", "bore_diameter")]


@pytest.mark.parametrize(
    ("typo", "attribute"),
    [
        ("outter diameter of 6305-2RS", "outer_diameter"),
        ("powr rating of RC0805FR-0710KL", "power"),
        ("tolerence of 0402WGF1001TCE", "tolerance"),
        ("frequncy of ABM8-25.000MHZ-B2-T", "frequency"),
        ("6305-2RS 内经多少", "bore_diameter"),
    ],
)
def test_common_typos_still_name_the_attribute(typo, attribute):
    assert attributes(typo) == [attribute]


def test_real_words_near_a_synonym_are_not_corrected():
    # "poker" is one letter from "power", "pride" two from "price": real words, not typos.
    assert attributes("the poker night") == []
    assert attributes("a matter of pride") == []
    assert attributes("with lower price") == ["price"]


def test_longest_synonym_wins():
    assert attributes("ABM8-16.000MHZ-B2-T 频率公差") == ["frequency_tolerance"]
    assert attributes("0603WAF1002T5E 额定功率") == ["power"]


def test_follow_up_without_part():
    assert extract_entities("那外径呢?") == [Entity(ATTRIBUTE, "外径", 1, 3, "outer_diameter")]
    assert parts("what's the tolerance?") == []


def test_bare_bearing_numbers_need_bearing_shape_and_no_quantity():
    assert parts("6000 pcs of 6205 ZZ") == ["6205 ZZ"]
    assert parts("SKF 6205 SKF") == ["6205"]
    assert parts("型号 123456 的重量") == ["123456"]


def test_ambiguous_synonyms_list_every_key():
    assert attribute_keys("精度") == ("precision_class", "tolerance")
    assert attribute_keys("Inner Diameter") == ("bore_diameter",)
    assert attribute_keys("not a synonym") == ()


def test_entities_are_frozen_records_in_text_order():
    found = extract_entities("power rating of 0603WAF1002T5E?")
    assert [e.start for e in found] == sorted(e.start for e in found)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].value = "x"  # type: ignore[misc]
    assert extract_entities("") == []
