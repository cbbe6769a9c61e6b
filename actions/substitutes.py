"""Substitute requests ("VEX67CE1UL 有替代吗?", "what can replace it?"), answered from cross-references and rules."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._common import question
from bot import providers
from bot.cards import substitutes_message
from knowledge.errors import KnowledgeError
from knowledge.quote import parse_revision
from knowledge.substitutes import SubstituteResult, find_substitutes

# Statuses where the buyer leaves without a usable part: the brand should hear about them.
_UNMET = ("none_qualify", "part_not_found")


class ActionFindSubstitutes(Action):
    """Show the top substitutes with why and every difference; offer sales when nothing qualifies."""

    def name(self) -> str:
        return "action_find_substitutes"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text, language = question(tracker)
        part = next(tracker.get_latest_entity_values("part_number"), None)
        # A clicked button ("/ask_substitute{"part_number": "SKF-706CEGA/P4A"}") names the part, not a sentence.
        query = part if part and text.startswith("/") else text
        last_sku = tracker.get_slot("last_sku")
        # "第5行有替代吗?" / "alternatives for line 5" after a BOM quote: that line's part.
        line_number = parse_revision(text).line
        quote_id = tracker.get_slot("quote_id")
        if line_number is not None and quote_id and not part:
            line = await asyncio.to_thread(_quote_line, quote_id, line_number, tracker.sender_id)
            if line is not None:
                last_sku = line.get("sku") or last_sku
                if not line.get("sku") and line["input"]["mpn"]:
                    query = f"{line['input']['mpn']} {text}"
        engine = await asyncio.to_thread(providers.get_engine)
        result = await asyncio.to_thread(find_substitutes, query, engine, last_sku=last_sku)
        dispatcher.utter_message(**substitutes_message(result, language))
        if result.status in _UNMET:
            await asyncio.to_thread(
                providers.get_demand_log().record,
                "substitute_none",
                text,
                part_text=result.part.mpn if result.part else (part or ""),
                language=language,
                sender_id=tracker.sender_id,
            )
        return [SlotSet("last_sku", sku)] if (sku := _carried_sku(result)) else []


def _quote_line(quote_id: str, number: int, owner: str) -> dict[str, Any] | None:
    """Line `number` of this conversation's current quote, or None."""
    try:
        quote = providers.get_quote_service().store.latest(quote_id, owner=owner)
    except KnowledgeError:
        return None
    return next((line for line in quote["lines"] if line["line"] == number), None)


def _carried_sku(result: SubstituteResult) -> str | None:
    """The part follow-ups are about; a part outside the catalog (SNFA VEX67CE1UL) hands over to its successor."""
    if result.part is not None and result.part.sku:
        return result.part.sku
    vouched = [s for s in result.substitutes if s.kind == "cross-reference"]
    return vouched[0].product.sku if vouched else None
