"""Talk to sales through the real stack: the lead form over REST turns, then the signed webhook arrives at the
receiver (the action server's delivery worker sends it); no consent, no lead."""

from __future__ import annotations

import time

from bot.stack import Stack
from tests.e2e.conftest import logs
from tests.e2e.receiver import Receiver
from tests.e2e.test_spec_turns import ask, texts

FORM = [
    ("深圳测试电子有限公司", "怎么称呼"),
    ("王工", "联系方式"),
    ("138 1234 5678", "省市"),
    ("广东深圳", "采购量"),
    ("每月5000片", "什么时候"),
    ("下个月", "同意"),
]


def fill_form(stack: Stack, sender: str, consent: str) -> str:
    reply = texts(ask(stack, sender, "我要询价"))
    assert "公司名称" in reply, f"{reply!r}\n{logs(stack)}"
    for answer, next_question in FORM:
        reply = texts(ask(stack, sender, answer))
        assert next_question in reply, f"after {answer!r}: {reply!r}\n{logs(stack)}"
    return texts(ask(stack, sender, consent))


def test_consent_delivers_exactly_one_signed_lead_to_the_right_distributor(
    stack: Stack, receiver: Receiver, sender: str
) -> None:
    texts(ask(stack, sender, "0603WAF1002T5E 功率多少?"))  # interest: a chip resistor (electronics)
    reply = fill_form(stack, sender, "同意")
    assert "已转给 华南电子" in reply, f"{reply!r}\n{logs(stack)}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not receiver.leads_for(sender):
        time.sleep(0.3)
    time.sleep(1.5)  # a duplicate would arrive within the worker's poll interval
    delivered = receiver.leads_for(sender)
    assert len(delivered) == 1, f"{delivered!r} rejected={receiver.rejected!r}\n{logs(stack)}"
    target, lead = delivered[0]
    assert target == "huanan-electronics" and lead["lead_id"] in reply
    assert lead["contact"] == {
        "name": "王工",
        "company": "深圳测试电子有限公司",
        "phone": "+8613812345678",
        "email": "",
    }
    assert lead["region"]["province"] == "广东" and lead["consent"]["given"] is True
    assert lead["score"] > 0 and lead["score_signals"]
    assert not receiver.rejected


def test_a_typo_in_the_phone_is_asked_again(stack: Stack, sender: str) -> None:
    ask(stack, sender, "转人工")
    ask(stack, sender, "某某公司")
    ask(stack, sender, "李工")
    reply = texts(ask(stack, sender, "12345"))
    assert "没认出手机号" in reply and "联系方式" in reply, reply
    assert "省市" in texts(ask(stack, sender, "wang@example.com"))


def test_no_consent_delivers_nothing(stack: Stack, receiver: Receiver, sender: str) -> None:
    reply = fill_form(stack, sender, "不同意")
    assert "不转给销售" in reply, reply
    time.sleep(2)
    assert receiver.leads_for(sender) == []


def test_cancel_in_the_middle_stops_the_form(stack: Stack, sender: str) -> None:
    ask(stack, sender, "talk to sales")
    reply = texts(ask(stack, sender, "cancel"))
    assert "Cancelled" in reply, reply
    assert "6205-2RS" in texts(ask(stack, sender, "6205-2RS 内径多少?"))  # the bot is back to normal


def test_a_field_can_be_corrected_before_consent(stack: Stack, receiver: Receiver, sender: str) -> None:
    ask(stack, sender, "我要询价")
    for answer, _ in FORM:
        reply = texts(ask(stack, sender, answer))
    assert "请确认" in reply and "+8613812345678" not in reply and "138 1234 5678" in reply, reply
    reply = texts(ask(stack, sender, "改电话"))
    assert "重新填写联系方式" in reply and "联系方式" in reply, reply
    reply = texts(ask(stack, sender, "13912345678"))
    assert "请确认" in reply and "13912345678" in reply, reply
    assert "已转给" in texts(ask(stack, sender, "同意"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not receiver.leads_for(sender):
        time.sleep(0.3)
    assert [lead["contact"]["phone"] for _, lead in receiver.leads_for(sender)] == ["+8613912345678"]
