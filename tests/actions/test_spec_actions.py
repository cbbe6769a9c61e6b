"""Spec and search actions with a real Tracker and CollectingDispatcher over the fixture catalog."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.spec import ActionAnswerSpec, ActionSearchProduct
from tests.actions.conftest import make_tracker


def tracker(text: str, *, entities: list[dict] | None = None, slots: dict | None = None) -> Tracker:
    return make_tracker(text, "ask_spec", entities=entities, slots=slots)


def run(action, t: Tracker) -> tuple[list[dict], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def test_spec_answer_has_value_unit_product_source_and_card():
    messages, events = run(ActionAnswerSpec(), tracker("6205-2RS 内径多少?", slots={"language": "zh"}))
    assert "25 mm" in messages[0]["text"] and "6205-2RS" in messages[0]["text"] and "来源" in messages[0]["text"]
    card = messages[0]["custom"]["data"]["card"]
    assert card["mpn"] == "6205-2RS" and "25 mm" in card["answer"]
    assert SlotSet("last_sku", "ISO15-6205-2RS") in events


def test_follow_up_uses_last_sku_slot():
    messages, _ = run(ActionAnswerSpec(), tracker("and the outer diameter?", slots={"last_sku": "ISO15-6205-2RS"}))
    assert "52 mm" in messages[0]["text"]


def test_clicked_candidate_carries_part_and_attribute_entities():
    t = tracker(
        '/ask_spec{"part_number": "ISO15-6206-2RS", "attribute": "width"}',
        entities=[{"entity": "part_number", "value": "ISO15-6206-2RS"}, {"entity": "attribute", "value": "width"}],
        slots={"language": "en"},
    )
    messages, _ = run(ActionAnswerSpec(), t)
    assert "16 mm" in messages[0]["text"] and "6206-2RS" in messages[0]["text"]


def test_unknown_part_says_so_and_records_demand(injected):
    messages, _ = run(ActionAnswerSpec(), tracker("what is the bore of ZQX9999-77QQ?"))
    assert "could not find" in messages[0]["text"]
    [record] = injected.recent()
    assert (record.kind, record.language, record.sender_id) == ("spec_not_found", "en", "buyer-1")


def test_unknown_attribute_shows_what_is_known(injected):
    messages, _ = run(ActionAnswerSpec(), tracker("6205-2RS 额定动载荷是多少"))
    text = messages[0]["text"]
    assert "没有标注" in text and "25 mm" in text
    assert injected.recent()[0].kind == "attribute_unknown"


def test_search_that_names_a_family_lists_the_parts_meeting_every_value():
    # A family and values: the selection path (选型); with two parts left it lists them, in stock first.
    messages, events = run(ActionSearchProduct(), tracker("找一个 10k 0603 1% 的贴片电阻"))
    slots = {e["name"]: e["value"] for e in events}
    lines = messages[0]["text"].splitlines()
    assert lines[0].startswith("符合 ") and "阻值 10 kΩ" in lines[0] and "封装 0603" in lines[0]
    assert "0603WAF1002T5E" in lines[1] and "RC0603FR-0710KL" in lines[2] and len(lines) == 3
    assert "RC0402" not in messages[0]["text"] and "4701" not in messages[0]["text"]
    assert messages[0]["buttons"] and slots["last_sku"] == "C25804"


def test_search_without_a_family_or_value_is_a_ranked_search():
    messages, events = run(ActionSearchProduct(), tracker("UNI-ROYAL 0603WAF1002T5E"))
    text = messages[0]["text"]
    assert text.startswith("Here is what matches best") and "0603WAF1002T5E" in text.splitlines()[1]
    assert not any(e["name"] == "selection_text" for e in events)


def test_unknown_part_is_not_answered_with_the_previous_one():
    messages, _ = run(
        ActionAnswerSpec(), tracker("what is the bore of ZQX9999-77QQ?", slots={"last_sku": "ISO15-6205-2RS"})
    )
    assert "could not find" in messages[0]["text"] and "25 mm" not in messages[0]["text"]


def test_search_with_no_match_says_so_and_records_demand(injected):
    messages, events = run(ActionSearchProduct(), tracker("QZX-99999-ZZ stock"))
    assert messages[0]["text"].startswith("No product matches"), messages
    assert events == []
    assert injected.recent()[0].kind == "search_empty"


def test_words_naming_no_part_or_value_get_help_and_no_demand_record(injected):
    """Issue 18: gibberish was 'I could not find that part … noted' and an unmet-demand record."""
    for action in (ActionSearchProduct(), ActionAnswerSpec()):
        messages, events = run(action, tracker("qqqq zzzz wwww"))
        assert [m.get("response") for m in messages] == ["utter_fallback"], messages
        assert events == []
    assert injected.recent() == []
