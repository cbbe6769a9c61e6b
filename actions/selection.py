"""Parametric selection (选型) across turns: each option the buyer picks narrows the parts until ≤ 5 remain."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._common import question
from bot import providers
from bot.cards import selection_message
from knowledge.messages import message
from knowledge.selection import Selection, select


class ActionChooseOption(Action):
    """The buyer picked an option of the pending question: add it to the answers and select again."""

    def name(self) -> str:
        return "action_choose_option"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        text, language = question(tracker)
        request = tracker.get_slot("selection_text")
        asked = tracker.get_slot("selection_asked")
        value = next(tracker.get_latest_entity_values("option_value"), None)
        if not request or not asked:
            dispatcher.utter_message(text=message("reply.select.again", language))
            return []
        answers = dict(tracker.get_slot("selection_answers") or {})
        answers[asked] = str(value if value is not None else text)
        engine = await asyncio.to_thread(providers.get_engine)
        selection = await asyncio.to_thread(select, engine, request, answers)
        return await selection_step(dispatcher, tracker, selection, request, answers, language)


async def selection_step(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    selection: Selection,
    request: str,
    answers: dict[str, str],
    language: str,
) -> list[EventType]:
    """Reply with the question or the parts; keep the request and answers while a question is open."""
    dispatcher.utter_message(**selection_message(selection, language))
    if selection.status == "ask":
        return [
            SlotSet("selection_text", request),
            SlotSet("selection_answers", answers),
            SlotSet("selection_asked", selection.attribute),
        ]
    events: list[EventType] = [
        SlotSet("selection_text", None),
        SlotSet("selection_answers", None),
        SlotSet("selection_asked", None),
    ]
    if selection.status == "done" and selection.products:
        events.append(SlotSet("last_sku", selection.products[0].sku))
    if selection.status == "none":
        await asyncio.to_thread(
            providers.get_demand_log().record,
            "selection_none",
            request + "".join(f"; {k}={v}" for k, v in answers.items()),
            language=language,
            sender_id=tracker.sender_id,
        )
    return events
