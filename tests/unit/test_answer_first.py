"""bot/answer_first.py: a typed option is parsed as its button's payload; 'goodbye' needs goodbye words."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.events import BotUttered, UserUttered

from bot.answer_first import answering, offered_options

BUTTONS = [
    {"title": "0402 (27)", "payload": '/choose_option{"option_value": "0402"}'},
    {"title": "0603 (19)", "payload": '/choose_option{"option_value": "0603"}'},
]


@dataclass
class Message:
    text: str
    sender_id: str = "buyer"
    message_id: str = "m1"


@dataclass
class Tracker:
    events: list[Any] = field(default_factory=list)


async def _classifier(self: Any, message: Any, tracker: Any = None, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Stands in for NLU: '/intent{...}' payloads by their intent, anything else as DIET did ('goodbye')."""
    if message.text.startswith("/"):
        name = message.text[1:].split("{", 1)[0]
        return {"text": message.text, "intent": {"name": name, "confidence": 1.0}, "entities": []}
    return {"text": message.text, "intent": {"name": "goodbye", "confidence": 0.999}, "entities": []}


def _parse(text: str, events: list[Any]) -> dict[str, Any]:
    return asyncio.run(answering(_classifier)(object(), Message(text), Tracker(events)))


QUESTION = [UserUttered("I need a 100nF capacitor"), BotUttered("Which package?", {"buttons": BUTTONS})]


def test_only_the_reply_to_the_last_message_offers_options() -> None:
    assert [o.title for o in offered_options(QUESTION)] == ["0402 (27)", "0603 (19)"]
    assert offered_options([*QUESTION, UserUttered("0402"), BotUttered("Here are the parts")]) == []


def test_a_typed_option_is_its_button_and_keeps_the_typed_text() -> None:
    parsed = _parse("0603", QUESTION)
    assert parsed["intent"]["name"] == "choose_option" and parsed["text"] == "0603"


def test_goodbye_needs_words() -> None:
    assert _parse("0201", QUESTION)["intent"]["name"] == "nlu_fallback"  # not offered, no goodbye in it
    assert _parse("ok bye", QUESTION)["intent"]["name"] == "goodbye"
    assert _parse("0402", [])["intent"]["name"] == "nlu_fallback"  # nothing asked: still no goodbye


def test_a_quote_s_picks_are_left_to_the_revision_classifier() -> None:
    """'第3行' after a quote named line 3, and was read as the third button (line 12's candidate)."""
    quote = [
        UserUttered("报价"),
        BotUttered("…", {"buttons": [{"title": f"第{n}行 → X", "payload": f'/revise_quote{{"quote_line": {n}}}'}
                                      for n in (3, 7, 12)]}),
    ]  # fmt: skip
    assert offered_options(quote) == []


def test_text_buttons_count_in_positions() -> None:
    help_buttons = [
        {"title": "6205-2RS 内径多少?", "payload": "6205-2RS 内径多少?"},
        {"title": "上传", "payload": "/upload_bom"},
    ]
    options = offered_options([UserUttered("asdf"), BotUttered("…", {"buttons": help_buttons})])
    assert [o.payload for o in options] == ["6205-2RS 内径多少?", "/upload_bom"]
