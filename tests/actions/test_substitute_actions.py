"""The substitute action with a real Tracker and CollectingDispatcher: stubbed results, then the fixture catalog."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import substitutes as action_module
from actions.substitutes import ActionFindSubstitutes
from knowledge.models import Attribute, Difference, Hit, Product, Substitute
from knowledge.substitutes import SubstituteResult
from tests.actions.conftest import make_tracker


def tracker(text: str, *, entities: list[dict] | None = None, slots: dict | None = None) -> Tracker:
    return make_tracker(text, "ask_substitute", entities=entities, slots=slots)


def run(t: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFindSubstitutes().run(dispatcher, t, {}))
    return dispatcher.messages, events


def bearing(sku: str, mpn: str, maker: str = "SKF") -> Product:
    return Product(
        sku=sku,
        mpn=mpn,
        manufacturer=maker,
        category="Deep groove ball bearings",
        name=f"{mpn} deep groove ball bearing",
        attributes=(Attribute("bore_diameter", "25", 25.0, "mm"),),
        stock=40,
    )


PART = bearing("ISO15-6205-2RS", "6205-2RS", "Brandstation standard range")
SEAL = Difference("seal", "2RS", "2Z", "worse")
SAME_BORE = Difference("bore_diameter", "25 mm", "25 mm", "same")
LOAD = Difference("dynamic_load_rating", "14 kN", "14.8 kN", "better")
SPEED = Difference("limiting_speed", "", "", "unknown")
DROP_IN = Substitute(bearing("SKF-6205-2RSH", "6205-2RSH"), "drop-in", 0.97, (SAME_BORE, LOAD), "same d×D×B and seal")
FUNCTIONAL = Substitute(
    bearing("ISO15-6205-2Z", "6205-2Z"),
    "functional",
    0.71,
    (SAME_BORE, SEAL, SPEED),
    "same 25×52×15 mm; differs: seal 2RS → 2Z",
)
FOURTH = Substitute(bearing("ISO15-6205", "6205"), "functional", 0.5, (), "open bearing")
CROSS = Substitute(bearing("SKF-706CEGA/P4A", "706CEGA/P4A"), "cross-reference", 1.0, (), "SKF successor of SNFA")


@pytest.fixture
def stub(monkeypatch):
    """Replace find_substitutes with one that returns `stub.result` and keeps the arguments it got."""

    class Stub:
        def __init__(self) -> None:
            self.result = SubstituteResult("part_not_found", None, (), ())
            self.calls: list[tuple[str, dict]] = []

        def __call__(self, text, engine, **kwargs):
            self.calls.append((text, kwargs))
            return self.result

    fake = Stub()
    monkeypatch.setattr(action_module, "find_substitutes", fake)
    return fake


def test_found_shows_top_three_with_kind_why_and_differences_in_chinese(stub):
    stub.result = SubstituteResult("found", PART, (DROP_IN, FUNCTIONAL, FOURTH, CROSS), ())
    messages, events = run(tracker("6205-2RS 缺货, 有什么可以替代?", slots={"language": "zh"}))
    [message] = messages
    lines = message["text"].splitlines()
    assert lines[0] == "6205-2RS · Brandstation 标准系列 的替代料,按匹配度排序:"
    # The English `why` is not shown to a Chinese buyer: the localized differences (and sames) say it.
    assert lines[1] == "1. 直接替换 · 6205-2RSH · SKF — 相同:内径 d; 额定动载荷 C: 14 kN → 14.8 kN(更好)"
    assert lines[2] == "2. 功能替代 · 6205-2Z · SKF — 相同:内径 d; 密封形式: 2RS → 2Z(更差); 极限转速: ? → ?(未知)"
    assert len(lines) == 4 and "25 mm → 25 mm" not in message["text"], "same values are not differences"
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_spec{"part_number": "SKF-6205-2RSH"}',
        '/ask_spec{"part_number": "ISO15-6205-2Z"}',
        '/ask_spec{"part_number": "ISO15-6205"}',
    ]
    card = message["custom"]["data"]["card"]
    # the card says what the list line says, in Chinese (it carried the English summary before)
    assert card["mpn"] == "6205-2RSH" and card["answer"] == "直接替换: 相同:内径 d"
    assert events == [SlotSet("last_sku", "ISO15-6205-2RS")]


def test_found_in_english_labels_a_cross_reference(stub):
    stub.result = SubstituteResult("found", bearing("SKF-706CEGA/P4A", "706CEGA/P4A"), (CROSS,), ())
    messages, _ = run(tracker("replacement for SNFA VEX67CE1UL", slots={"language": "en"}))
    text = messages[0]["text"]
    assert text.splitlines()[1] == "1. cross-reference · 706CEGA/P4A · SKF — SKF successor of SNFA"
    assert messages[0]["buttons"][0]["title"] == "cross-reference · 706CEGA/P4A · SKF"


def test_follow_up_passes_the_last_sku_slot_and_the_text(stub):
    stub.result = SubstituteResult("found", PART, (DROP_IN,), ())
    run(tracker("有替代吗?", slots={"last_sku": "ISO15-6205-2RS", "language": "zh"}))
    assert stub.calls[-1] == ("有替代吗?", {"last_sku": "ISO15-6205-2RS"})


def test_clicked_candidate_asks_by_the_part_it_names(stub):
    stub.result = SubstituteResult("found", PART, (DROP_IN,), ())
    payload = '/ask_substitute{"part_number": "ISO15-6205-2RS"}'
    run(tracker(payload, entities=[{"entity": "part_number", "value": "ISO15-6205-2RS"}]))
    assert stub.calls[-1][0] == "ISO15-6205-2RS"


def test_nothing_qualifies_offers_sales_and_records_demand(stub, injected):
    stub.result = SubstituteResult("none_qualify", PART, (), ())
    messages, events = run(tracker("6205-2RS 有替代吗", slots={"language": "zh"}))
    text = messages[0]["text"]
    assert "6205-2RS" in text and "转人工" in text and not messages[0]["buttons"]
    assert messages[0]["custom"]["data"]["card"]["mpn"] == "6205-2RS"
    [record] = injected.recent()
    assert (record.kind, record.part_text, record.language, record.sender_id) == (
        "substitute_none",
        "6205-2RS",
        "zh",
        "buyer-1",
    )
    assert events == [SlotSet("last_sku", "ISO15-6205-2RS")]


def test_unknown_part_says_so_in_english_and_records_demand(stub, injected):
    stub.result = SubstituteResult("part_not_found", None, (), ())
    messages, events = run(
        tracker("alternatives to ZQX9999-77QQ", entities=[{"entity": "part_number", "value": "ZQX9999-77QQ"}])
    )
    assert "could not find" in messages[0]["text"] and "talk to sales" in messages[0]["text"]
    [record] = injected.recent()
    assert (record.kind, record.part_text, record.language) == ("substitute_none", "ZQX9999-77QQ", "en")
    assert events == []


def test_ambiguous_part_shows_candidate_buttons_that_ask_for_substitutes(stub, injected):
    hits = (Hit(bearing("SKF-6205", "6205"), 0.9), Hit(bearing("ISO15-6205", "6205", "ISO"), 0.9))
    stub.result = SubstituteResult("ambiguous", None, (), hits)
    messages, events = run(tracker("6205 有替代吗", slots={"language": "zh"}))
    assert "哪一个" in messages[0]["text"]
    payloads = [json.loads(b["payload"].removeprefix("/ask_substitute")) for b in messages[0]["buttons"]]
    assert payloads == [{"part_number": "SKF-6205"}, {"part_number": "ISO15-6205"}]
    assert injected.recent() == [] and events == []


# --- the real find_substitutes over the fixture catalog (tests/conftest.py) ---------------------------


def test_real_engine_resistor_out_of_stock_gets_the_stocked_equivalent():
    messages, events = run(tracker("RC0603FR-0710KL alternatives in stock", slots={"language": "en"}))
    text = messages[0]["text"]
    assert text.startswith("Substitutes for RC0603FR-0710KL · YAGEO"), text
    assert "0603WAF1002T5E" in text.splitlines()[1], text
    assert "RC0402" not in text, "another package never qualifies"
    assert events == [SlotSet("last_sku", "GEN-RC0603FR-0710KL")]


def test_real_engine_follow_up_uses_the_part_from_the_spec_answer():
    messages, events = run(tracker("有替代吗?", slots={"last_sku": "ISO15-6205-2RS", "language": "zh"}))
    text = messages[0]["text"]
    assert "6205-2RS" in text.splitlines()[0], text
    assert "6206" not in text, "another size never qualifies"
    assert events == [SlotSet("last_sku", "ISO15-6205-2RS")]
