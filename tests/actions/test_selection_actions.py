"""Parametric selection through the actions: a search that names a family asks, an option narrows, parts come last."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.selection import ActionChooseOption
from actions.spec import ActionSearchProduct
from knowledge.models import Attribute, PriceBreak, Product
from knowledge.search import SearchEngine
from tests.actions.conftest import make_tracker


@pytest.fixture(autouse=True)
def more_resistors(engine: SearchEngine) -> None:
    """Six more 10 kΩ resistors, so that 10 kΩ alone leaves more than five parts and a question is due."""
    engine.store.add(
        Product(
            sku=f"R10K-{package}-{i}",
            mpn=f"TEST{package}10K{i}",
            manufacturer="Test Resistors Ltd",
            category="Chip Resistor - Surface Mount",
            name=f"10 kΩ ±1% {package} chip resistor",
            package=package,
            attributes=(
                Attribute("resistance", "10kΩ", 10_000, "Ω"),
                Attribute("tolerance", "±1%", 1, "%"),
                Attribute("power", "0.25W", 0.25, "W"),
            ),
            price_breaks=(PriceBreak(1, 0.002),),
            stock=1000,
        )
        for package in ("0805", "1206")
        for i in range(3)
    )


def run(action: Any, tracker: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_family_and_a_value_start_a_selection_that_ends_with_parts() -> None:
    # 10 kΩ: two listings in 0603, one in 0402, three each in 0805 and 1206.
    messages, slots = run(ActionSearchProduct(), make_tracker("I need a 10k resistor", "search_product"))
    assert messages[0]["text"].startswith("9 resistors match resistance 10 kΩ. Which package"), messages[0]["text"]
    assert slots["selection_text"] == "I need a 10k resistor" and slots["selection_asked"] == "package"
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/choose_option{"option_value": "0603"}' in payloads and len(payloads) == 5
    assert messages[0]["buttons"][-1] == {"title": "Any", "payload": '/choose_option{"option_value": "*"}'}

    tracker = make_tracker(
        '/choose_option{"option_value": "0603"}',
        "choose_option",
        entities=[{"entity": "option_value", "value": "0603"}],
        slots={**slots, "language": "en"},
    )
    messages, slots = run(ActionChooseOption(), tracker)
    text = messages[0]["text"]
    assert "package 0603" in text and "0603WAF1002T5E" in text and "RC0402FR-0710KL" not in text
    assert slots["selection_text"] is None and slots["last_sku"] == "C25804"  # in stock ranks first
    assert messages[0]["custom"]["data"]["card"]["mpn"] == "0603WAF1002T5E"


def test_a_request_without_a_family_is_a_plain_search() -> None:
    messages, slots = run(ActionSearchProduct(), make_tracker("0603WAF1002T5E", "search_product"))
    assert "selection_text" not in slots and "0603WAF1002T5E" in messages[0]["text"]


def test_nothing_matching_says_so_and_records_demand(injected) -> None:
    messages, slots = run(ActionSearchProduct(), make_tracker("10k resistor 2512", "search_product"))
    assert messages[0]["text"].startswith("No resistor matches")
    assert slots["selection_text"] is None
    assert [r.kind for r in injected.recent()] == ["selection_none"]


def test_an_option_without_a_pending_question_asks_again() -> None:
    messages, slots = run(ActionChooseOption(), make_tracker("0402", "choose_option"))
    assert "Tell me again" in messages[0]["text"] and slots == {}
