"""Fuzzing the chat input path in-process (issue 14): what our own code does with the text of any chat message.

The NLU components of bot/nlu/components.py on real Rasa Messages (part numbers and attributes, the buyer's
language, a pasted BOM table), and what the actions do with the same text: extract_entities, language_span,
looks_like_pasted_bom, detect_language, parse_revision, the lead form's validators and parsers and the consent
parser. Inputs: full unicode (no surrogates), Chinese, right-to-left and zero-width marks, combining marks,
full-width forms, chat phrases run together and very long tokens. For every case: no exception (the lead parsers
may refuse with LeadFieldError, as documented), every entity span lies inside the text and is consistent with
it, and the whole path finishes in bounded time.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._common import question
from actions.leads import ValidateLeadForm, consent_answer
from bot.leads import Contact, LeadFieldError, Region, Volume, parse_contact, parse_region, parse_volume
from bot.nlu.components import BomPasteClassifier, LanguageTagger, PartEntityExtractor, language_span
from knowledge.attributes import BY_KEY
from knowledge.bom import looks_like_pasted_bom
from knowledge.entities import ATTRIBUTE, PART_NUMBER, extract_entities
from knowledge.quote import Revision, parse_revision
from knowledge.specs import detect_language

CASE_LIMIT_S = 1.0  # the whole path, per case (texts here are up to ~10,000 characters)

# What buyers type, to be run together, repeated and broken up.
PHRASES = [
    "6205-2RS", "6205 2RS", "6205", "7008CEGA/P4A", "NX3225GD-8MHZ-STD-CRA-3", "M3x20", "M3", "0603", "10k", "4k7",
    "100nF", "X7R", "SOT-23", "NU205ECP", "618/4", "６２０５－２ＲＳ", "内径", "内经", "外径", "多少", "转速6000", "6000 pcs",
    "bore", "outter diameter", "what is the", "d", "D", "ID", "OD", "替代", "有替代吗", "报价 500 套", "quote for 500 boards",
    "第7行用第二个", "line 7 use the second one", "L7 #2", "wang@example.com", "http://example.com/x", "www.x.cn",
    "138 1234 5678", "+86 138-1234-5678", "0755-86001234", "+49 30 1234567", "广东深圳", "Suzhou, Jiangsu", "Germany",
    "每月5000片", "预算 5 万元", "USD 2,000", "同意", "不同意", "yes", "no", "改电话", "change my phone", "转人工",
    "位号\t数量\t型号", "R1,R2\t2\t10k", "C1\t1\t100nF", "Designator,Qty,MPN", "a@", "@", ".", "..", "http://",
]  # fmt: skip
MARKS = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2069", "\u061c",
    "\u0300", "\u0301", "\u0308", "\u20dd", "\u0e31", "\u3099",  # combining
    "\u3000", "\u00a0", "\t", "\n", "\r\n", "\u2028", "\x00", "\x1a", "\x85",
    "Ω", "Ω", "µ", "μ", "℃", "±", "×", "K", "ſ", "İ", "ı", "ß", "ﬁ", "١", "٢", "０", "９", "Ａ", "ｚ", "－", "／",
    "𠀀", "😀", "👍🏽", "🇨🇳",
]  # fmt: skip

any_unicode = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=200)
marked = st.lists(st.one_of(st.sampled_from(PHRASES), st.sampled_from(MARKS)), max_size=30).map("".join)
phrases = st.lists(
    st.tuples(st.sampled_from(PHRASES), st.sampled_from(["", " ", "  ", ",", "，", "\n", "\t", "?", "。"])),
    max_size=25,
).map(lambda pairs: "".join(p + s for p, s in pairs))
long_tokens = st.builds(
    lambda head, unit, times, tail: head + unit * times + tail,
    st.sampled_from(["", "6205", "x", "@", "第", "quote for ", "+", "http://", "a@b."]),
    st.sampled_from(
        ["a", "1", "a@", ".", "中", "a中", " ", "6205-2RS ", "http://", "@", "1,", "Ω", "\u0301", "\u200b"]
    ),
    st.integers(1, 5000),
    st.sampled_from(["", "x", ".com", " boards", "行", "套", "中", "\n1\t2"]),
)
chat_text = st.one_of(any_unicode, chinese, marked, phrases, long_tokens)

ATTRIBUTE_KEYS = set(BY_KEY) | {"bore_diameter", "outer_diameter"}


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory) -> list[GraphComponent]:
    kwargs: dict[str, Any] = {
        "config": {},
        "model_storage": LocalModelStorage(Path(tmp_path_factory.mktemp("model"))),
        "resource": Resource("nlu_component"),
        "execution_context": ExecutionContext(GraphSchema({}), "test-model"),
    }
    created = [c.create(**kwargs) for c in (PartEntityExtractor, LanguageTagger, BomPasteClassifier)]
    # Warm once: the first message loads lazy tables (a run of 23,000 characters failed the time limit on its first
    # call only), and the limit below is about the work a message costs, not about loading.
    warm = Message.build(text="6205-2RS 10k 0603 第二个 2 boards")
    for component in created:
        component.process([warm])  # type: ignore[attr-defined]
    for text in ("6205-2RS " * 2000, "第二个 " * 2000):
        extract_entities(text), language_span(text), detect_language(text), parse_revision(text)
        looks_like_pasted_bom(text)
    return created


@given(text=chat_text)
def test_the_chat_input_path_never_fails_and_its_entities_fit_the_text(
    components: list[GraphComponent], text: str
) -> None:
    start = time.perf_counter()
    message = Message.build(text=text)
    for component in components:
        component.process([message])  # type: ignore[attr-defined]
    found = message.get("entities") or []
    for entity in found:
        assert 0 <= entity["start"] < entity["end"] <= len(text), entity
        assert entity["extractor"] in ("PartEntityExtractor", "LanguageTagger")
    pasted = looks_like_pasted_bom(text)
    assert pasted in (True, False)
    intent = message.get("intent")
    if pasted:
        assert intent["name"] == "upload_bom" and intent["confidence"] == 1.0
    else:
        assert intent is None

    entities = extract_entities(text)
    assert [e for e in found if e["extractor"] == "PartEntityExtractor"] == [
        {"entity": e.kind, "value": e.value, "start": e.start, "end": e.end, "confidence": 1.0}
        | {"extractor": "PartEntityExtractor"}
        for e in entities
    ]
    for before, after in itertools.pairwise(entities):
        assert before.end <= after.start, (before, after)  # in order, never overlapping
    for entity in entities:
        assert entity.text == text[entity.start : entity.end] and entity.text
        assert entity.kind in (PART_NUMBER, ATTRIBUTE)
        if entity.kind == ATTRIBUTE:
            assert entity.value in ATTRIBUTE_KEYS, entity
        else:
            assert entity.value and entity.value == " ".join(entity.value.split()), entity

    span = language_span(text)
    tagged = [e for e in found if e["extractor"] == "LanguageTagger"]
    if span is None:
        assert tagged == []
    else:
        language, first, last = span
        assert language in ("zh", "en") and 0 <= first < last <= len(text)
        assert [(e["value"], e["start"], e["end"]) for e in tagged] == [span]
    assert detect_language(text) in ("zh", "en")

    revision = parse_revision(text)
    assert isinstance(revision, Revision)
    for number in (revision.boards, revision.line, revision.choice):
        assert number is None or (isinstance(number, int) and number >= 0)
    assert time.perf_counter() - start < CASE_LIMIT_S, f"{len(text)} chars"


@given(text=chat_text)
def test_the_lead_form_answers_or_asks_again_never_fails(text: str) -> None:
    start = time.perf_counter()
    tracker = Tracker("buyer-1", {}, {"text": text}, [], False, None, {"name": "lead_form"}, "action_listen")
    assert question(tracker) == (text, detect_language(text))
    form = ValidateLeadForm()
    for slot, validate in (
        ("lead_company", form.validate_lead_company),
        ("lead_name", form.validate_lead_name),
        ("lead_contact", form.validate_lead_contact),
        ("lead_region", form.validate_lead_region),
        ("lead_volume", form.validate_lead_volume),
        ("lead_timing", form.validate_lead_timing),
        ("lead_consent", form.validate_lead_consent),
    ):
        dispatcher = CollectingDispatcher()
        answer = validate(text, dispatcher, tracker, {})
        assert slot in answer, (slot, answer)
        if answer.get(slot) is None and slot != "lead_consent":
            assert dispatcher.messages, slot  # a refused answer is asked again with a reason
    for parse, kind in ((parse_contact, Contact), (parse_region, Region), (parse_volume, Volume)):
        try:
            parsed = parse(text)
        except LeadFieldError as refused:
            assert refused.reason
        else:
            assert isinstance(parsed, kind)
    assert consent_answer(text) in (True, False, None)
    assert time.perf_counter() - start < CASE_LIMIT_S, f"{len(text)} chars"
