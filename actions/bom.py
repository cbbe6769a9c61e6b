"""BOM quotes in the chat: an uploaded file or pasted rows → quote; "第7行用第二个" / "quote for 500 boards" /
"数量在第5列" → revision."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._common import question
from bot import providers
from bot.cards import quote_error_message, quote_message
from knowledge.bom import FILE_TYPES_TEXT, looks_like_pasted_bom
from knowledge.errors import KnowledgeError
from knowledge.messages import message
from knowledge.quote import Revision, parse_revision


class ActionQuoteBom(Action):
    """Read, match and price the BOM the buyer attached (upload id) or pasted (the message text)."""

    def name(self) -> str:
        return "action_quote_bom"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text, language = question(tracker)
        upload_id = next(tracker.get_latest_entity_values("upload_id"), None)
        stated = parse_revision(text).boards if not text.startswith("/") else None
        boards = stated or _whole(tracker.get_slot("boards")) or 1
        if not upload_id and not looks_like_pasted_bom(text):
            dispatcher.utter_message(text=_ask_for_file(language, stated))
            return [SlotSet("boards", float(stated))] if stated else []
        service = await asyncio.to_thread(providers.get_quote_service)
        try:
            if upload_id:
                quote = await asyncio.to_thread(
                    service.quote_upload, upload_id, boards=boards, sender_id=tracker.sender_id
                )
            else:
                quote = await asyncio.to_thread(service.quote_text, text, boards=boards, sender_id=tracker.sender_id)
        except KnowledgeError as exc:
            dispatcher.utter_message(**quote_error_message(str(exc), language))
            return []
        dispatcher.utter_message(**quote_message(quote, language))
        return [SlotSet("quote_id", quote["quote_id"]), SlotSet("boards", float(boards))]


class ActionReviseQuote(Action):
    """Apply the buyer's change to the current quote: board count, a candidate for one line, or a correction of
    how the file was read."""

    def name(self) -> str:
        return "action_revise_quote"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text, language = question(tracker)
        quote_id = tracker.get_slot("quote_id")
        picked = _picked(tracker)
        if not quote_id:
            boards = parse_revision(text).boards
            dispatcher.utter_message(text=_ask_for_file(language, boards))
            return [SlotSet("boards", float(boards))] if boards else []
        service = await asyncio.to_thread(providers.get_quote_service)
        try:
            if picked is not None:  # a picker or button: its row, sheet and the revision it was shown on
                quote = await asyncio.to_thread(service.revise, quote_id, picked, sender_id=tracker.sender_id)
            else:
                quote = await asyncio.to_thread(service.revise_text, quote_id, text, sender_id=tracker.sender_id)
        except KnowledgeError as exc:
            dispatcher.utter_message(text=message("reply.bom.not_revised", language, error=exc))
            return []
        if quote is None:
            dispatcher.utter_message(text=message("reply.bom.what_to_change", language))
            return []
        dispatcher.utter_message(**quote_message(quote, language))
        return [SlotSet("boards", float(quote["boards"]))]


def _picked(tracker: Tracker) -> Revision | None:
    """A pick from a button's entities (/revise_quote{"quote_line": 7, "candidate": 2, "quote_revision": 3}),
    or None for typed words."""
    line = _whole(next(tracker.get_latest_entity_values("quote_line"), None))
    if line is None:
        return None
    return Revision(
        line=line,
        choice=_whole(next(tracker.get_latest_entity_values("candidate"), None)) or 1,
        sheet=next(tracker.get_latest_entity_values("quote_sheet"), None),
        seen=_whole(next(tracker.get_latest_entity_values("quote_revision"), None)),
    )


def _ask_for_file(language: str, boards: int | None) -> str:
    count = message("reply.bom.for_boards", language, boards=f"{boards:,}") if boards else ""
    return message("reply.bom.ask_for_file", language, types=FILE_TYPES_TEXT, count=count)


def _whole(value: object) -> int | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return int(number) if number.is_integer() and number > 0 else None
