"""Spec questions and product search, answered from the catalog."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._common import question
from actions.selection import selection_step
from bot import providers
from bot.cards import candidate_buttons, next_step_buttons, option_buttons, search_message, spec_payload
from knowledge.search import names_part_or_values
from knowledge.selection import select
from knowledge.specs import answer_question


class ActionAnswerSpec(Action):
    """Answer "6205-2RS 内径多少?" with value, unit, product and source; ask which part when several fit."""

    def name(self) -> str:
        return "action_answer_spec"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text, language = question(tracker)
        part = next(tracker.get_latest_entity_values("part_number"), None)
        attributes = list(tracker.get_latest_entity_values("attribute"))
        engine = await asyncio.to_thread(providers.get_engine)
        answer = await asyncio.to_thread(
            answer_question,
            text,
            engine,
            part=part,
            attributes=attributes,
            last_sku=tracker.get_slot("last_sku"),
            language=language,
        )
        if answer.status == "not_found" and part is None and not names_part_or_values(text):
            dispatcher.utter_message(response="utter_fallback")  # no part, no value: nothing to look up or record
            return []
        if answer.status == "which_product":
            buttons = candidate_buttons(answer.candidates, answer.attribute, language=answer.language)
        elif answer.status in ("which_attribute", "not_stated"):
            buttons = option_buttons(answer.product, answer.options)
        elif answer.status == "answered" and answer.product is not None:
            buttons = next_step_buttons(answer.product, answer.attribute, language)  # what a buyer does next
        else:
            buttons = []
        dispatcher.utter_message(text=answer.text, buttons=buttons or None, json_message=spec_payload(answer))
        if answer.status in ("not_found", "not_stated"):
            await asyncio.to_thread(
                providers.get_demand_log().record,
                "spec_not_found" if answer.status == "not_found" else "attribute_unknown",
                text,
                part_text=part or (answer.product.mpn if answer.product else ""),
                attribute=answer.attribute or "",
                language=language,
                sender_id=tracker.sender_id,
            )
        events: list[EventType] = [SlotSet("attribute", answer.attribute)]
        if answer.product is not None:
            events.append(SlotSet("last_sku", answer.product.sku))
        return events


class ActionSearchProduct(Action):
    """Find products by free text and parameters ("10k 0603 1% 电阻") and show the best ones."""

    def name(self) -> str:
        return "action_search_product"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text, language = question(tracker)
        engine = await asyncio.to_thread(providers.get_engine)
        # "I need a 10k resistor, 0402, 1%" names a family and values: narrow step by step (选型); a request that
        # names no family ("SS34 现货") is a plain search.
        selection = await asyncio.to_thread(select, engine, text)
        if selection.status != "unclear":
            return await selection_step(dispatcher, tracker, selection, text, {}, language)
        hits = await asyncio.to_thread(engine.search, text, 5)
        if not hits and not names_part_or_values(text):
            dispatcher.utter_message(response="utter_fallback")
            return []
        dispatcher.utter_message(**search_message(hits, language))
        if not hits:
            await asyncio.to_thread(
                providers.get_demand_log().record, "search_empty", text, language=language, sender_id=tracker.sender_id
            )
            return []
        return [SlotSet("last_sku", hits[0].product.sku)]
