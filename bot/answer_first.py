"""Context first: a message that answers the question the bot just asked is read as that answer.

When the bot's last reply offered buttons (a selection question "请选择封装: 0402 (27)、0603 (19) …", which part,
which attribute), a typed answer — '0402', '0.1uF', '第二个', 'the second one' — is read as a click on that button
(knowledge/options.py `pick_option`), before the intent classifier is asked: DIET took '0402' for goodbye. And a
message classified as goodbye that says no goodbye in words is not understood rather than a farewell.

`install()` wraps Rasa's `MessageProcessor.parse_message`, which receives the conversation's tracker (Rasa 3.6);
bot/rasa_server.py calls it next to the other guards.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from knowledge.options import Option, pick_option, says_goodbye

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
MAX_ANSWER_CHARS = 200  # an answer to a question is short; a long message is a new request
Parse = Callable[..., Awaitable[dict[str, Any]]]


def offered_options(events: list[Any]) -> list[Option]:
    """The buttons of the bot's reply to the buyer's last message (the events after the last user message), all of
    them so that positions count as shown; none when they are a quote's picks ('第3行 → …'): '第3行用第二个' is
    read by the quote-revision classifier, which knows lines from candidates."""
    from rasa.shared.core.events import BotUttered, UserUttered

    options: list[Option] = []
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            buttons = (event.data or {}).get("buttons") or []
            options[:0] = [
                Option(str(b.get("title") or ""), str(b.get("payload") or ""))
                for b in buttons
                if isinstance(b, dict) and str(b.get("payload") or "").strip()
            ]
    return [] if any(o.payload.startswith("/revise_quote") for o in options) else options


def answering(parse: Parse) -> Parse:
    """`MessageProcessor.parse_message` that reads a typed option as its button, and no goodbye without words."""

    @functools.wraps(parse)
    async def parse_message(self: Any, message: Any, tracker: Any = None, *args: Any, **kwargs: Any) -> dict[str, Any]:
        text = message.text if isinstance(message.text, str) else ""
        if tracker is not None and 0 < len(text) <= MAX_ANSWER_CHARS and not text.startswith("/"):
            chosen = pick_option(text, offered_options(list(tracker.events)))
            if chosen is not None:
                from rasa.core.channels.channel import UserMessage

                clicked = UserMessage(chosen.payload, sender_id=message.sender_id, message_id=message.message_id)
                parsed = await parse(self, clicked, tracker, *args, **kwargs)
                parsed["text"] = text  # the conversation shows what the buyer typed
                logger.debug("typed %r read as the option %r", text, chosen.title)
                return parsed
        parsed = await parse(self, message, tracker, *args, **kwargs)
        intent = parsed.get("intent") or {}
        if intent.get("name") == "goodbye" and text and not text.startswith("/") and not says_goodbye(text):
            parsed["intent"] = {"name": FALLBACK_INTENT, "confidence": intent.get("confidence", 0.0)}
        return parsed

    parse_message.brandstation_answer_first = True  # type: ignore[attr-defined]
    return parse_message


def install() -> None:
    """Wrap Rasa's MessageProcessor.parse_message with `answering` (once)."""
    from rasa.core.processor import MessageProcessor

    if not getattr(MessageProcessor.parse_message, "brandstation_answer_first", False):
        MessageProcessor.parse_message = answering(MessageProcessor.parse_message)
