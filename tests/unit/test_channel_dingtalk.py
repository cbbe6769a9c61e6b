"""DingTalk connector: the robot signature, and the channel over real HTTP with a fake session webhook.

DingTalk documents the algorithm and its inputs but publishes no output value. The known answers below are
what DingTalk's own sample code (the Python snippet in its robot documentation: hmac.new(secret, timestamp +
"\\n" + secret, sha256) then base64) gives for the documentation's inputs: the header example timestamp
1577262236757 with the secrets of its two samples, 'this is a secret' (receiving messages) and 'this is secret'
(robot signing). Independent projects pin the same values (e.g. a Swift test of DingTalk 加签 in the code index:
"hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="). The HMAC-SHA256 + base64 primitive itself matches DingTalk's
published login-free sample (timestamp 1546084445901, appSecret "testappSecret" →
"HCbG3xNE3vzhO+u7qCUL1jS5hsu2n5r2cFhnTrtyDAE=", ding-doc faquestions/hxs5v9, pinned in francistm/dingtalk-sdk
spec/dingtalk_spec.rb), which signs the bare timestamp.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels._im import Rejected
from bot.channels.dingtalk import DingTalkInput, check_request, dingtalk_sign, message_text
from bot.quotes import QuoteStore
from bot.settings import get_settings
from tests.fake_im_vendor import FakeVendor
from tests.unit.im_harness import FakeAgent, serve

SECRET = "this is a secret"
DOC_TIMESTAMP = "1577262236757"


@pytest.mark.parametrize(
    ("timestamp", "secret", "sign"),
    [
        (DOC_TIMESTAMP, "this is a secret", "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="),
        (DOC_TIMESTAMP, "this is secret", "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="),
    ],
)
def test_sign_of_the_documented_inputs(timestamp, secret, sign):
    assert dingtalk_sign(timestamp, secret) == sign


def test_the_hmac_primitive_matches_dingtalks_login_free_sample():
    digest = hmac.new(b"testappSecret", b"1546084445901", hashlib.sha256).digest()
    assert base64.b64encode(digest).decode() == "HCbG3xNE3vzhO+u7qCUL1jS5hsu2n5r2cFhnTrtyDAE="


def test_fresh_signed_request_passes_and_the_same_an_hour_later_does_not():
    now = int(DOC_TIMESTAMP) / 1000
    check_request(DOC_TIMESTAMP, "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=", SECRET, now_s=now + 3599)
    with pytest.raises(Rejected) as stale:
        check_request(DOC_TIMESTAMP, "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=", SECRET, now_s=now + 3601)
    assert stale.value.status == 403
    with pytest.raises(Rejected) as early:  # a clock far ahead is as suspicious as one behind
        check_request(DOC_TIMESTAMP, "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=", SECRET, now_s=now - 3601)
    assert early.value.status == 403


@pytest.mark.parametrize(
    ("timestamp", "sign"),
    [
        (DOC_TIMESTAMP, "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="),  # another secret's sign
        ("1577262236758", "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="),  # timestamp changed
        (DOC_TIMESTAMP, ""),
        ("", "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="),
    ],
)
def test_forged_or_missing_sign_is_401(timestamp, sign):
    with pytest.raises(Rejected) as caught:
        check_request(timestamp, sign, SECRET, now_s=int(DOC_TIMESTAMP) / 1000)
    assert caught.value.status == 401


def test_message_text_reads_text_and_rich_text():
    assert message_text({"msgtype": "text", "text": {"content": " 6205-2RS 内径多少?"}}) == "6205-2RS 内径多少?"
    rich = {"msgtype": "richText", "content": {"richText": [{"text": "6205"}, {"downloadCode": "x"}, {"text": "内径"}]}}
    assert message_text(rich) == "6205 内径"
    assert message_text({"msgtype": "picture", "content": {"downloadCode": "x"}}) == ""


# --- the channel over HTTP --------------------------------------------------------------------------------------


@pytest.fixture
def vendor() -> Iterator[FakeVendor]:
    with FakeVendor() as fake:
        yield fake


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("BRANDSTATION_DATABASE", str(tmp_path / "brandstation.sqlite"))
    get_settings.cache_clear()
    yield tmp_path / "brandstation.sqlite"
    get_settings.cache_clear()


def channel(vendor: FakeVendor, **kwargs) -> DingTalkInput:
    return DingTalkInput(
        SECRET, app_key="ding-app-key", api_base=vendor.url, webhook_prefixes=(f"{vendor.url}/robot/",), **kwargs
    )


def payload(vendor: FakeVendor, text: str = " 6205-2RS 内径多少?", **overrides) -> dict:
    """A message as DingTalk's robot callback delivers it (shape from DingTalk's receive-message document)."""
    body = {
        "conversationId": "cid-1",
        "atUsers": [{"dingtalkId": "$:LWCP_v1:$bot"}],
        "chatbotCorpId": "dingcorp",
        "chatbotUserId": "$:LWCP_v1:$bot",
        "msgId": "msg-1",
        "senderNick": "张三",
        "isAdmin": False,
        "senderStaffId": "user123",
        "sessionWebhookExpiredTime": int(time.time() * 1000) + 3_600_000,
        "createAt": int(time.time() * 1000),
        "senderCorpId": "dingcorp",
        "conversationType": "1",
        "senderId": "$:LWCP_v1:$sender",
        "sessionWebhook": f"{vendor.url}/robot/sendBySession?session=abc",
        "text": {"content": text},
        "robotCode": "dingrobot",
        "msgtype": "text",
    }
    body.update(overrides)
    return body


def signed(timestamp_ms: int | None = None, secret: str = SECRET) -> dict[str, str]:
    timestamp = str(int(time.time() * 1000) if timestamp_ms is None else timestamp_ms)
    return {"timestamp": timestamp, "sign": dingtalk_sign(timestamp, secret), "Content-Type": "application/json"}


async def post(client, url, body, headers):
    raw = json.dumps(body, ensure_ascii=False).encode()
    async with client.post(f"{url}/webhook", data=raw, headers=headers) as response:
        return response.status


def run(vendor: FakeVendor, agent: FakeAgent, *requests: tuple[dict, dict[str, str]], **kwargs) -> list[int]:
    async def go():
        dingtalk = channel(vendor, **kwargs)
        async with serve(dingtalk, agent) as (url, client):
            statuses = [await post(client, url, body, headers) for body, headers in requests]
            await dingtalk.turns.wait()
        return statuses

    return asyncio.run(go())


def test_a_message_is_answered_through_the_session_webhook(vendor):
    agent = FakeAgent()
    assert run(vendor, agent, (payload(vendor), signed())) == [200]
    assert agent.texts == ["6205-2RS 内径多少?"]
    assert agent.messages[0].sender_id == "dingtalk:user123"
    [reply] = vendor.sent("dingtalk", "sendBySession")
    assert reply.query == {"session": "abc"}
    assert reply.body == {
        "msgtype": "text",
        "text": {"content": "6205-2RS 内径 (d): 25 mm — you said 6205-2RS 内径多少?"},
    }


def test_in_a_group_the_reply_mentions_the_buyer(vendor):
    run(vendor, FakeAgent(), (payload(vendor, conversationType="2"), signed()))
    [reply] = vendor.sent("dingtalk", "sendBySession")
    assert reply.body["at"] == {"atUserIds": ["user123"]}
    assert reply.body["text"]["content"].startswith("@user123 6205-2RS 内径 (d): 25 mm")


def test_retries_and_replays_within_the_hour_make_one_turn(vendor):
    agent = FakeAgent()
    headers = signed()
    assert run(vendor, agent, (payload(vendor), headers), (payload(vendor), headers), (payload(vendor), signed())) == [
        200,
        200,
        200,
    ]
    assert len(agent.messages) == 1 and len(vendor.sent("dingtalk", "sendBySession")) == 1


def test_forged_stale_and_redirected_requests_are_refused(vendor):
    agent = FakeAgent()
    two_hours_ago = int(time.time() * 1000) - 2 * 3_600_000
    elsewhere = payload(vendor, msgId="msg-9", sessionWebhook="https://attacker.example/robot/sendBySession?x=1")
    statuses = run(
        vendor,
        agent,
        (payload(vendor, msgId="msg-2"), signed(secret="guessed")),
        (payload(vendor, msgId="msg-3"), signed(two_hours_ago)),
        (payload(vendor, msgId="msg-4"), {"Content-Type": "application/json"}),
        (elsewhere, signed()),
    )
    assert statuses == [401, 403, 401, 403]
    assert agent.messages == [] and vendor.calls == []


def test_an_expired_session_webhook_gets_no_reply(vendor):
    agent = FakeAgent()
    expired = payload(vendor, sessionWebhookExpiredTime=int(time.time() * 1000) - 1000)
    assert run(vendor, agent, (expired, signed())) == [200]
    assert agent.messages == [] and vendor.calls == []


QUOTE = {
    "quote_id": "Q-20261126-0007",
    "revision": 2,
    "downloads": {
        "xlsx": "https://chat.example.com/quotes/tok/Q-20261126-0007-r2.xlsx",
        "pdf": "https://chat.example.com/quotes/tok/Q-20261126-0007-r2.pdf",
        "csv": "https://chat.example.com/quotes/tok/Q-20261126-0007-r2.csv",
    },
}


def test_a_quote_becomes_an_action_card_with_download_buttons(vendor):
    text = "Q-20261126-0007 r2 · keyboard.csv · 500 套\n读取 12 行:型号匹配 10,参数匹配 1,待确认 1,未找到 0"

    def script(message):
        return [{"text": text, "custom": {"data": {"quote": QUOTE}}}]

    run(vendor, FakeAgent(script), (payload(vendor), signed()))
    [reply] = vendor.sent("dingtalk", "sendBySession")
    card = reply.body["actionCard"]
    assert reply.body["msgtype"] == "actionCard"
    assert card["title"] == "报价 Q-20261126-0007 r2"
    assert "读取 12 行" in card["text"]
    assert card["btns"] == [{"title": fmt.upper(), "actionURL": url} for fmt, url in QUOTE["downloads"].items()]


def test_a_product_card_becomes_markdown(vendor):
    card = {"title": "6205-2RS bearing", "mpn": "6205-2RS", "manufacturer": "SKF", "facts": [["Bore d", "25 mm"]]}
    run(
        vendor,
        FakeAgent(lambda m: [{"text": "Bore: 25 mm", "custom": {"data": {"card": card}}}]),
        (payload(vendor), signed()),
    )
    [reply] = vendor.sent("dingtalk", "sendBySession")
    assert reply.body["msgtype"] == "markdown"
    assert reply.body["markdown"]["title"] == "6205-2RS · SKF"
    assert "- Bore d: 25 mm" in reply.body["markdown"]["text"]


def test_a_crashed_turn_tells_the_buyer_in_english_when_asked_in_english(vendor):
    run(vendor, FakeAgent(crash=True), (payload(vendor, text=" what is the bore of 6205-2RS?"), signed()))
    [reply] = vendor.sent("dingtalk", "sendBySession")
    assert reply.body["text"]["content"].startswith("Sorry, something went wrong")


def test_a_file_is_downloaded_with_the_robot_api_and_quoted(vendor, database):
    vendor.files["code-1"] = b"Designator,Qty,Value,Package\nR1,1,10k,0603\n"
    agent = FakeAgent()
    file_message = payload(
        vendor, msgtype="file", content={"downloadCode": "code-1", "fileName": "bom.csv"}, msgId="msg-f"
    )
    del file_message["text"]
    run(vendor, agent, (file_message, signed()))
    token_call = vendor.sent("dingtalk", "oauth2/accessToken")[0]
    assert token_call.body == {"appKey": "ding-app-key", "appSecret": SECRET}
    download = vendor.sent("dingtalk", "messageFiles/download")[0]
    assert download.body == {"downloadCode": "code-1", "robotCode": "dingrobot"}
    assert download.headers["x-acs-dingtalk-access-token"] == "dingtalk-token-0"
    entities = json.loads(agent.texts[0].removeprefix("/upload_bom"))
    stored = QuoteStore(database).upload(entities["upload_id"])
    assert stored.data == vendor.files["code-1"] and stored.name == "bom.csv"


def test_a_file_that_is_not_a_bom_is_refused_without_downloading(vendor, database):
    agent = FakeAgent()
    picture = payload(vendor, msgtype="file", content={"downloadCode": "c", "fileName": "photo.jpg"}, msgId="m-j")
    run(vendor, agent, (picture, signed()))
    assert agent.messages == []
    assert vendor.sent("dingtalk", "messageFiles") == []
    [reply] = vendor.sent("dingtalk", "sendBySession")
    assert "photo.jpg" in reply.body["text"]["content"]


def test_the_webhook_prefix_must_be_a_url():
    with pytest.raises(ValueError):
        DingTalkInput.from_credentials({"app_secret": "s", "webhook_prefix": "oapi.dingtalk.com"})
    assert DingTalkInput.from_credentials({"app_secret": "s"}).api.webhook_prefixes == ("https://oapi.dingtalk.com/",)
