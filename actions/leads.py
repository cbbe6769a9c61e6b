"""Talk to sales (转人工): the lead form's answer checks, and the hand-off once it is complete."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions._common import language_of
from bot import providers
from bot.leads import LeadFieldError, conversation_events, parse_contact, parse_region, parse_volume
from bot.settings import get_settings
from knowledge.errors import KnowledgeError
from knowledge.messages import message

log = logging.getLogger(__name__)
LEAD_SLOTS = ("lead_company", "lead_name", "lead_contact", "lead_region", "lead_volume", "lead_timing", "lead_consent")
# The form's questions (Rasa calls action_ask_<slot>); Chinese when the buyer writes Chinese.
# The form's questions (Rasa calls action_ask_<slot>), in the buyer's language: reply.lead.ask.<slot>.
# Why an answer was refused (LeadFieldError.reason starts with the English), said in the buyer's language.
_REFUSED = {
    "phone number not recognised": "reply.lead.refused.phone",
    "no phone number or e-mail found": "reply.lead.refused.no_contact",
    "region not recognised": "reply.lead.refused.region",
}


class ValidateLeadForm(FormValidationAction):
    """Checks each answer; a refused one is asked again with the reason (slot left empty)."""

    def name(self) -> str:
        return "validate_lead_form"

    def validate_lead_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        zh = language_of(tracker, text) == "zh"
        fix = _correction(text)
        if fix is not None:
            return _reask(fix, "lead_consent", dispatcher, zh)
        answer = consent_answer(text)
        if answer is None:
            dispatcher.utter_message(text=message("reply.lead.consent_again", "zh" if zh else "en"))
        return {"lead_consent": answer}

    def validate_lead_company(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _text_field("lead_company", value, 2, 120, dispatcher, tracker)

    def validate_lead_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _text_field("lead_name", value, 1, 60, dispatcher, tracker)

    def validate_lead_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _parsed_field("lead_contact", value, parse_contact, dispatcher, tracker)

    def validate_lead_region(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _parsed_field("lead_region", value, parse_region, dispatcher, tracker)

    def validate_lead_volume(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _parsed_field("lead_volume", value, parse_volume, dispatcher, tracker)

    def validate_lead_timing(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _text_field("lead_timing", value, 1, 200, dispatcher, tracker)


class ActionSubmitLead(Action):
    """With consent: store the lead, route it (1 + N) and queue its signed delivery, in one transaction.
    Without consent, or cancelled: nothing is handed over and the form's answers are cleared."""

    def name(self) -> str:
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        language = language_of(tracker, tracker.latest_message.get("text") or "")
        zh = language == "zh"
        clear = [SlotSet(slot, None) for slot in LEAD_SLOTS]
        cancelled = tracker.latest_message.get("intent", {}).get("name") == "stop"
        if cancelled or tracker.get_slot("lead_consent") is not True:
            said = message("reply.lead.cancelled" if cancelled else "reply.lead.declined", language)
            dispatcher.utter_message(text=said + message("reply.lead.cleared", language))
            return clear
        answers = {slot: tracker.get_slot(slot) for slot in LEAD_SLOTS}
        service = await asyncio.to_thread(providers.get_lead_service)
        channel = (
            (tracker.get_latest_input_channel() or "rest") if hasattr(tracker, "get_latest_input_channel") else "rest"
        )
        events = await asyncio.to_thread(
            conversation_events, get_settings().tracker_db(), tracker.sender_id, list(tracker.events)
        )
        try:
            lead, decision = await asyncio.to_thread(
                service.submit,
                answers=answers,
                language=language,
                channel=channel,
                sender_id=tracker.sender_id,
                events=events,
                slots=dict(tracker.slots),
            )
        except KnowledgeError:  # e.g. a broken routing file: nothing was stored; the answers stay for a retry
            log.exception("lead hand-off failed for %s", tracker.sender_id)
            dispatcher.utter_message(text=message("reply.lead.not_passed", language))
            return []
        name = service.target_name(decision.target_id, "zh" if zh else "en")
        text = message("reply.lead.passed", language, name=name, lead=lead["lead_id"])
        if decision.queued_until is not None:
            when = f"{decision.queued_until:%m-%d %H:%M}" if zh else f"{decision.queued_until:%b %d %H:%M}"
            text += message("reply.lead.queued", language, when=when)
        dispatcher.utter_message(text=text)
        return [*clear, SlotSet("lead_id", lead["lead_id"])]


def _text_field(
    slot: str, value: Any, shortest: int, longest: int, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any]:
    text = str(value or "").strip()
    fix = _correction(text)
    if fix is not None:
        return _reask(fix, slot, dispatcher, language_of(tracker, text) == "zh")
    if shortest <= len(text) <= longest:
        return {slot: text}
    zh = language_of(tracker, text) == "zh"
    dispatcher.utter_message(text=message("reply.lead.length", "zh" if zh else "en"))
    return {slot: None}


def _parsed_field(
    slot: str, value: Any, parse: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> dict[str, Any]:
    text = str(value or "").strip()
    fix = _correction(text)
    if fix is not None:
        return _reask(fix, slot, dispatcher, language_of(tracker, text) == "zh")
    try:
        parse(text)
    except LeadFieldError as exc:
        zh = language_of(tracker, text) == "zh"
        key = next((key for prefix, key in _REFUSED.items() if exc.reason.startswith(prefix)), None)
        reason = message(key, "zh") if zh and key else exc.reason
        dispatcher.utter_message(text=reason + "。" if zh else exc.reason[:1].upper() + exc.reason[1:] + ".")
        return {slot: None}
    return {slot: text}


def _ask_action(slot: str) -> type[Action]:
    """The action that asks for one answer of the lead form, in the buyer's language."""

    def name(self: Action) -> str:
        return f"action_ask_{slot}"

    async def run(
        self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = language_of(tracker, tracker.latest_message.get("text") or "")
        question = message(f"reply.lead.ask.{slot}", language)
        if slot == "lead_consent":  # the buyer sees what would be passed on before agreeing
            question = _summary(tracker, language == "zh") + "\n" + question
        dispatcher.utter_message(text=question)
        return []

    return type(f"ActionAsk_{slot}", (Action,), {"name": name, "run": run, "__doc__": f"Asks for {slot}."})


def _summary(tracker: Tracker, zh: bool) -> str:
    lines = [
        f"{message(f'reply.lead.field.{slot}', 'zh' if zh else 'en')}: {tracker.get_slot(slot)}"
        for slot in LEAD_SLOTS[:-1]
        if tracker.get_slot(slot)
    ]
    head = message("reply.lead.check", "zh" if zh else "en")
    return "\n".join([head, *lines])


# One action class per question (Rasa calls action_ask_<slot>); rasa_sdk registers every Action subclass here.
ASK_ACTIONS = [_ask_action(slot) for slot in LEAD_SLOTS]


# "改电话" / "change my phone": the answer to correct. The form asks the first empty answer next, so clearing it
# (and the current question) brings the form back to it.
_FIX_FIELD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("lead_company", ("公司", "单位", "company")),
    ("lead_name", ("名字", "姓名", "称呼", "name")),
    ("lead_contact", ("电话", "手机", "号码", "邮箱", "联系方式", "phone", "mobile", "email", "e-mail", "contact")),
    ("lead_region", ("地区", "省", "城市", "地址", "所在地", "region", "city", "location", "province")),
    ("lead_volume", ("数量", "采购量", "用量", "预算", "volume", "quantity", "budget")),
    ("lead_timing", ("时间", "交期", "什么时候", "timing", "date", "when")),
)


def _correction(text: str) -> str | None:
    """The answer a buyer asks to correct ("改一下电话", "电话写错了", "change my phone"), or None. Only the
    sentence shapes of a request count, so an answer that merely contains the words (a company called
    "深圳更正科技有限公司") is not one."""
    lowered = text.strip().lower()
    for slot, words in _FIX_FIELD:
        field = "|".join(re.escape(w) for w in words)
        if re.fullmatch(
            rf"(?:我要|我想|请|帮我)?(?:改|修改|更正|更改|重填)(?:一下)?(?:我的)?(?:{field})\w{{0,4}}", lowered
        ):
            return slot
        if re.fullmatch(rf"(?:我的)?(?:{field})\w{{0,4}}(?:写|填)?错了", lowered):
            return slot
        if re.fullmatch(rf"(?:please )?(?:change|correct|fix|update)(?: my| the)? (?:{field})\w*", lowered):
            return slot
        if re.fullmatch(rf"(?:my |the )?(?:{field})\w* (?:is )?wrong", lowered):
            return slot
    return None


def _reask(fix: str, current: str, dispatcher: CollectingDispatcher, zh: bool) -> dict[str, Any]:
    language = "zh" if zh else "en"
    field = message(f"reply.lead.field.{fix}", language)
    dispatcher.utter_message(text=message("reply.lead.correct", language, field=field))
    return {fix: None, current: None}


_YES = re.compile(
    r"^(?:同意|我同意|好的?|可以|是的?|行|对|嗯|确认|没问题|当然|yes|y|yep|sure|ok|okay|agree|i agree|agreed|of course|fine)"
    r"(?![a-z])",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(?:不同意|不要|不用|不行|不可以|不愿意|拒绝|否|不|no|n|nope|don't|do not|disagree|i disagree|decline)(?![a-z])",
    re.IGNORECASE,
)


def consent_answer(text: str) -> bool | None:
    """True for a clear yes, False for a clear no, None otherwise (the question is asked again)."""
    text = text.strip().rstrip("。.!！ ")  # not re.sub("[…]+$"): quadratic on a long run of dots inside the text
    if _NO.match(text):
        return False
    if _YES.match(text):
        return True
    return None
