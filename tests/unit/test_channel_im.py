"""Shared IM connector parts: PKCS#7, freshness, retry de-duplication, numbered options, reply rendering, and the
loud start-up failure of a connector that cannot import its dependencies."""

from __future__ import annotations

import importlib
import sys

import pytest
from rasa.core.run import _create_single_channel
from rasa.shared.exceptions import RasaException

from bot.channels import ConnectorImportError
from bot.channels._im import (
    BotReply,
    ButtonChoices,
    CryptoError,
    Rejected,
    SeenIds,
    as_markdown,
    as_text,
    check_fresh,
    pkcs7_pad,
    pkcs7_unpad,
    split_utf8,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("size", [0, 1, 15, 16, 31, 32, 33])
@pytest.mark.parametrize("block", [16, 32])
def test_pkcs7_round_trip_always_adds_padding(size, block):
    data = bytes(range(size))
    padded = pkcs7_pad(data, block)
    assert len(padded) % block == 0 and len(padded) > size
    assert pkcs7_unpad(padded, block) == data


@pytest.mark.parametrize(
    "padded",
    [b"", b"x" * 15 + b"\x01", b"x" * 16 + b"\x00" * 16, b"x" * 31 + b"\x21", b"x" * 29 + b"\x02\x03\x03"],
    ids=["empty", "not-a-block", "zero", "longer-than-block", "mixed"],
)
def test_pkcs7_unpad_refuses(padded):
    with pytest.raises(CryptoError):
        pkcs7_unpad(padded, 32)


def test_check_fresh_is_symmetric_around_now():
    check_fresh(1000, max_age_s=60, now_s=1060)
    for stamp in (939, 1061 + 60):
        with pytest.raises(Rejected) as caught:
            check_fresh(stamp, max_age_s=60, now_s=1000)
        assert caught.value.status == 403


def test_seen_ids_forget_after_the_ttl_and_beyond_capacity():
    clock = Clock()
    seen = SeenIds(ttl_s=60, max_items=3, clock=clock)
    assert seen.first_time("a") and not seen.first_time("a")
    clock.now += 61
    assert seen.first_time("a")  # expired, so a new message again
    for key in "bcd":
        assert seen.first_time(key)
    assert seen.first_time("a")  # evicted as the oldest when capacity ran out


def test_button_choices_map_a_number_once_and_only_just_after():
    clock = Clock()
    choices = ButtonChoices(ttl_s=60, clock=clock)
    choices.remember("c", ["/one", "/two"])
    assert choices.take("other", "2") == "2"
    assert choices.take("c", "３") == "３"  # out of range: text, and the options are gone
    choices.remember("c", ["/one", "/two"])
    assert choices.take("c", " 2 ") == "/two"
    assert choices.take("c", "2") == "2"
    choices.remember("c", ["/one"])
    clock.now += 61
    assert choices.take("c", "1") == "1"
    choices.remember("c", ["/one"])
    assert choices.take("c", "1 个") == "1 个"


def test_split_utf8_keeps_lines_and_byte_limits():
    text = "\n".join(["短"] * 5 + ["长" * 100])
    pieces = split_utf8(text, 60)
    assert all(len(p.encode()) <= 60 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")
    assert pieces[0] == "\n".join(["短"] * 5)
    assert split_utf8("", 10) == [""]


def test_reply_from_rasa_unpacks_custom_payloads_and_ignores_junk():
    reply = BotReply.from_rasa(
        {
            "text": " 外径: 52 mm ",
            "buttons": [{"title": "6205-2Z", "payload": "/ask_spec"}, "junk"],
            "custom": {"data": {"card": {"mpn": "6205-2RS", "manufacturer": "SKF", "datasheet": "javascript:x"}}},
            "timestamp": 1.0,
        }
    )
    assert reply.text == "外径: 52 mm" and reply.rich and reply.language == "zh"
    assert [b.payload for b in reply.buttons] == ["/ask_spec"]
    assert reply.links() == []  # only http(s) links become buttons
    assert BotReply.from_rasa({"text": None, "custom": "x"}).empty


def test_text_and_markdown_carry_the_same_facts_and_options():
    reply = BotReply(
        text="Bore: 25 mm\nSource: ISO 15",
        buttons=(),
        card={"title": "6205-2RS", "facts": [["Bore d", "25 mm"]], "datasheet": "https://e.com/d.pdf"},
    )
    plain, markdown = as_text(reply), as_markdown(reply)
    assert "- Bore d: 25 mm" in plain and "Datasheet: https://e.com/d.pdf" in plain
    assert "Bore: 25 mm  \nSource: ISO 15" in markdown and "[Datasheet](https://e.com/d.pdf)" in markdown


CREDENTIALS = {
    "bot.channels.wecom.WeComInput": {
        "corp_id": "ww1",
        "agent_id": 1,
        "secret": "s",
        "token": "t",
        "encoding_aes_key": "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    },
    "bot.channels.dingtalk.DingTalkInput": {"app_secret": "s"},
    "bot.channels.feishu.FeishuInput": {
        "app_id": "a",
        "app_secret": "b",
        "verification_token": "c",
        "encrypt_key": "d",
    },
}


@pytest.mark.parametrize("path", sorted(CREDENTIALS))
def test_rasa_loads_each_connector_from_its_class_path(path):
    channel = _create_single_channel(path, CREDENTIALS[path])
    assert type(channel).__name__ == path.rsplit(".", 1)[1]


@pytest.mark.parametrize("path", sorted(CREDENTIALS))
def test_a_connector_that_cannot_import_fails_loudly_with_the_cause(path, monkeypatch):
    module = path.rsplit(".", 1)[0]
    # A missing dependency: importing aiohttp (used by every connector through _im) now raises ImportError.
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    monkeypatch.delitem(sys.modules, module)
    monkeypatch.delitem(sys.modules, "bot.channels._im")
    with pytest.raises(ConnectorImportError) as caught:
        _create_single_channel(path, CREDENTIALS[path])
    assert "aiohttp" in str(caught.value) and module in str(caught.value)
    assert isinstance(caught.value.__cause__, ImportError)
    monkeypatch.undo()
    importlib.import_module(module)


def test_a_misspelled_connector_still_gets_rasas_message():
    with pytest.raises(RasaException, match="Failed to find input channel class"):
        _create_single_channel("bot.channels.wecom.WeComInputt", {})


def test_a_card_does_not_repeat_what_the_text_already_says():
    card = {"title": "6205-2RS", "answer": "内径 d: 25 mm", "source": "ISO 15 table", "facts": [["外径 D", "52 mm"]]}
    said = BotReply(text="6205-2RS 内径 d: 25 mm\n来源: ISO 15 table", card=card)
    assert as_text(said).count("内径 d: 25 mm") == 1 and as_text(said).count("ISO 15 table") == 1
    terse = BotReply(text="见下", card=card)
    assert "**内径 d: 25 mm**" in as_markdown(terse) and "ISO 15 table" in as_markdown(terse)
