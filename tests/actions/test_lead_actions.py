"""The lead form's checks and the hand-off: consent → one stored, routed lead with its delivery queued; no
consent or cancel → nothing stored."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.leads import ActionSubmitLead, ValidateLeadForm
from bot import providers
from bot.leads import LeadService, LeadStore
from bot.outbox import Outbox
from bot.settings import ROOT
from knowledge.db import Database

ANSWERS = {
    "lead_company": "深圳测试电子有限公司",
    "lead_name": "王工",
    "lead_contact": "13812345678",
    "lead_region": "广东深圳",
    "lead_volume": "每月5000片",
    "lead_timing": "下个月",
}


@pytest.fixture
def service(tmp_path: Path, app_db: Database) -> LeadService:
    routing = tmp_path / "routing.yml"
    shutil.copy(ROOT / "config" / "routing.yml", routing)
    svc = LeadService(
        LeadStore(app_db), Outbox(app_db), routing, "Test Brand", category_of=lambda sku: "Resistors / Chip"
    )
    providers.set_lead_service(svc)
    yield svc
    providers.set_lead_service(None)


def tracker(text: str, intent: str, slots: dict[str, Any], events: list[dict[str, Any]] | None = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent}, "entities": []}
    return Tracker("buyer-9", slots, message, events or [], False, None, {"name": "lead_form"}, "action_listen")


def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_consent_stores_one_routed_lead_and_queues_its_delivery(service: LeadService) -> None:
    slots = {**ANSWERS, "lead_consent": True, "language": "zh", "last_sku": "C25804"}
    messages, set_slots = run(ActionSubmitLead(), tracker("同意", "affirm", slots))
    lead_id = set_slots["lead_id"]
    assert "已转给 华南电子" in messages[0]["text"] and lead_id in messages[0]["text"]
    assert all(set_slots[k] is None for k in ANSWERS)  # the form's answers leave the conversation state
    lead = service.store.get(lead_id)
    assert lead["target"] == "huanan-electronics" and lead["route"]["rule"] == "match"
    assert lead["contact"]["phone"] == "+8613812345678" and lead["region"]["province"] == "广东"
    assert lead["consent"]["given"] and "Test Brand" in lead["consent"]["text"]
    jobs = service.outbox.list_jobs("pending")
    assert [(j.target, j.kind) for j in jobs] == [("huanan-electronics", "lead")]
    assert json.loads(json.dumps(jobs[0].payload))["lead_id"] == lead_id
    assert jobs[0].payload["crm"]["mapping"] == "hubspot"


def test_no_consent_keeps_nothing(service: LeadService) -> None:
    slots = {**ANSWERS, "lead_consent": False, "language": "en"}
    messages, set_slots = run(ActionSubmitLead(), tracker("no", "deny", slots))
    assert "nothing goes to sales" in messages[0]["text"] and "cleared" in messages[0]["text"]
    assert "lead_id" not in set_slots and all(set_slots[k] is None for k in ANSWERS)
    assert service.store.for_sender("buyer-9") == [] and service.outbox.list_jobs() == []


def test_cancel_keeps_nothing(service: LeadService) -> None:
    messages, _ = run(ActionSubmitLead(), tracker("取消", "stop", {**ANSWERS, "language": "zh"}))
    assert messages[0]["text"].startswith("好的,已取消") and service.outbox.list_jobs() == []


@pytest.mark.parametrize(
    ("slot", "value", "accepted"),
    [
        ("lead_contact", "138 1234 5678", True),
        ("lead_contact", "12345", False),
        ("lead_region", "苏州", True),
        ("lead_region", "somewhere", False),
        ("lead_company", "A", False),
        ("lead_volume", "不确定", True),
    ],
)
def test_each_answer_is_checked(slot: str, value: str, accepted: bool) -> None:
    dispatcher = CollectingDispatcher()
    validator = getattr(ValidateLeadForm(), f"validate_{slot}")
    result = validator(value, dispatcher, tracker(value, "inform", {"language": "zh"}), {})
    assert (result[slot] is not None) == accepted
    assert bool(dispatcher.messages) == (not accepted)  # a refusal says why


@pytest.mark.parametrize(
    ("text", "consent"),
    [("同意", True), ("好的!", True), ("yes", True), ("不同意", False), ("No thanks", False), ("what?", None)],
)
def test_consent_is_read_from_the_buyers_words(text: str, consent: bool | None) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateLeadForm().validate_lead_consent(text, dispatcher, tracker(text, "inform", {}), {})
    assert result == {"lead_consent": consent}
    assert bool(dispatcher.messages) == (consent is None)  # an unclear answer is asked again


@pytest.mark.parametrize(
    ("slot", "text", "cleared"),
    [
        ("lead_consent", "改电话", "lead_contact"),
        ("lead_region", "公司名称写错了", "lead_company"),
        ("lead_timing", "change my phone", "lead_contact"),
    ],
)
def test_a_correction_clears_that_answer_so_the_form_asks_it_again(slot: str, text: str, cleared: str) -> None:
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateLeadForm(), f"validate_{slot}")(text, dispatcher, tracker(text, "inform", {}), {})
    assert result == {cleared: None, slot: None}
    assert dispatcher.messages and (
        "重新填写" in dispatcher.messages[0]["text"] or "correct" in dispatcher.messages[0]["text"]
    )


def test_a_company_name_with_correction_words_is_an_answer() -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateLeadForm().validate_lead_company(
        "深圳更正科技有限公司", dispatcher, tracker("x", "inform", {}), {}
    )
    assert result == {"lead_company": "深圳更正科技有限公司"} and not dispatcher.messages


def test_the_consent_question_shows_what_would_be_passed_on() -> None:
    from actions.leads import ASK_ACTIONS

    ask = next(a for a in ASK_ACTIONS if a().name() == "action_ask_lead_consent")()
    messages, _ = run(ask, tracker("下个月", "inform", {**ANSWERS, "language": "zh"}))
    text = messages[0]["text"]
    assert "请确认" in text and "13812345678" in text and "深圳测试电子有限公司" in text and "同意" in text


def test_a_broken_routing_file_is_told_to_the_buyer_and_stores_nothing(service: LeadService) -> None:
    service.routing_file.write_text("brand: [this is not a routing file", encoding="utf-8")
    slots = {**ANSWERS, "lead_consent": True, "language": "en"}
    messages, set_slots = run(ActionSubmitLead(), tracker("yes", "affirm", slots))
    assert "could not pass this to sales" in messages[0]["text"] and set_slots == {}
    assert service.store.for_sender("buyer-9") == [] and service.outbox.list_jobs() == []


def test_an_english_buyer_reads_the_distributors_english_name(service: LeadService) -> None:
    """Issue 18: the routing file's `name_en` is what an English reply shows (the demo: 华南电子 / South China
    Electronics); a Chinese reply keeps `name`."""
    slots = {**ANSWERS, "lead_consent": True, "language": "en", "last_sku": "C25804"}
    messages, _ = run(ActionSubmitLead(), tracker("yes", "affirm", slots))
    assert "Passed to South China Electronics (DEMO)" in messages[0]["text"], messages[0]["text"]
    assert not re.search(r"[\u4e00-\u9fff]", messages[0]["text"])
