"""Helpers every action shares: what the buyer said and which language to answer in."""

from __future__ import annotations

from rasa_sdk import Tracker

from knowledge.specs import detect_language


def question(tracker: Tracker) -> tuple[str, str]:
    """The buyer's latest text and the language to answer in."""
    text = tracker.latest_message.get("text") or ""
    return text, language_of(tracker, text)


def language_of(tracker: Tracker, text: str) -> str:
    """The `language` slot when set (it follows the buyer every turn), else the language of `text`."""
    slot = tracker.get_slot("language")
    return slot if slot in ("zh", "en") else detect_language(text)
