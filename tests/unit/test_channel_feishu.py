"""Feishu connector: event decryption against published vectors, the signature, and the channel over real HTTP.

Known answers: Feishu's documentation example, pinned in go-lark/lark crypto_test.go (TestAESDecrypt): encrypt
key "test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=" → "hello world"; and the encrypted event of
larksuite/oapi-sdk-go event/dispatcher/dispatcher_test.go (TestDecryptEvent, encrypt key "1212121212"), whose
plaintext that file also lists. Feishu publishes no fixed X-Lark-Signature value; the signature tests follow
larksuite/oapi-sdk-python lark_oapi/event/dispatcher_handler.py `_verify_sign` (sha256 of (timestamp + nonce +
encrypt_key).encode() + raw body, hex) on fixed inputs.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.channels._im import BotReply, CryptoError
from bot.channels.feishu import FeishuCrypto, FeishuInput, feishu_signature, render, strip_mentions
from bot.quotes import QuoteStore
from bot.settings import get_settings
from tests.fake_im_vendor import FakeVendor
from tests.unit.im_harness import FakeAgent, serve

SDK_GO_EVENT = (
    "bZ3L7yh6m3Fkuffl4g+3uGjIHnhOm5fVZbKVuyT8t7tcd5ABMYm8l28/X900ZL3knZ7n+sCREu/H2WnIzft0amC7+xWqNH8o25IU63N4BnZWfHh+4hyG"
    "76QPd19vkw2bPJCx9aqxK8Nz+xqFNbk0RdgyWhmgd30jSxHtcQXAllkI7FMpGpOCteJad3bLXPDBQIV/xkCtKICCS7Z63gakpxZCLaRZ3qCXP1fapHh+"
    "LBIupxenrU6ysc7I3nHmjmKie41IiWwS5puG4zQHhVbq6KWLcgWm/3NBZOPQy53ucMu75SXA55I7jarVLZXWUcqBGrcgE3vouWbtwgZuzmoTQl0GSh5"
    "VYSVvpW992BuGxUWj0XjPYdICJm6Cr7xouNXwMcdb7N8caVdkdSZeEnswG19qSyDoQhklwzNGW0yiaayulBqJNjfge/G5V3401c2XaIuAeEIo+QQ4RSN"
    "pRGfnHkbu/j55FGQAGWjpuBNaIwZbaUoVP3NkGP+vM5rpEDe3sL2GN+Xsd+g9yBs7FqdMV8mXTGgLjCqjrPrke5/km76Q3Pe6KPs2YexMRG4MkSx3xUT"
    "zZnNn7zIzShPcjeSwBd2pxk6ht5N+fzueZdxl6Oo="
)
ENCRYPT_KEY = "encrypt-key-of-this-app"
TOKEN = "verification-token"


def test_the_documented_vector_decrypts_to_hello_world():
    assert FeishuCrypto("test key").decrypt("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == b"hello world"


def test_the_go_sdk_event_vector_decrypts_to_its_event():
    event = json.loads(FeishuCrypto("1212121212").decrypt(SDK_GO_EVENT))
    assert event["header"]["event_id"] == "f7984f25108f8137722bb63cee927e66"
    assert event["header"]["event_type"] == "contact.user.created_v3"
    assert event["event"]["object"]["name"] == "张三"


def test_encrypt_with_a_given_iv_is_iv_then_aes_cbc_under_sha256_of_the_key():
    iv = bytes(range(16))
    encrypted = base64.b64decode(FeishuCrypto("test key").encrypt(b"hello world", iv=iv))
    key = hashlib.sha256(b"test key").digest()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    assert encrypted[:16] == iv
    assert decryptor.update(encrypted[16:]) + decryptor.finalize() == b"hello world" + b"\x05" * 5


def test_round_trip_and_wrong_key():
    crypto = FeishuCrypto(ENCRYPT_KEY)
    event = json.dumps({"challenge": "1b6aef1a", "type": "url_verification"}).encode()
    assert crypto.decrypt(crypto.encrypt(event)) == event
    with pytest.raises(CryptoError):  # another key leaves the padding (and everything else) garbage
        FeishuCrypto("another key").decrypt(crypto.encrypt(event * 3))


@pytest.mark.parametrize("pad", [b"\x00", b"\x11", b"\x03\x03\x04"], ids=["zero", "over-16", "differs"])
def test_bad_padding_is_refused(pad):
    key = hashlib.sha256(ENCRYPT_KEY.encode()).digest()
    iv = bytes(16)
    plain = b"{}" + b"\x20" * (32 - 2 - len(pad)) + pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    encrypted = base64.b64encode(iv + encryptor.update(plain) + encryptor.finalize()).decode()
    with pytest.raises(CryptoError, match="padding"):
        FeishuCrypto(ENCRYPT_KEY).decrypt(encrypted)


@pytest.mark.parametrize(
    "encrypted", ["", "***", base64.b64encode(bytes(16)).decode(), base64.b64encode(bytes(40)).decode()]
)
def test_short_or_ragged_ciphertext_is_refused(encrypted):
    with pytest.raises(CryptoError):
        FeishuCrypto(ENCRYPT_KEY).decrypt(encrypted)


def test_signature_is_sha256_hex_over_timestamp_nonce_key_and_the_raw_body():
    body = b'{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}'
    # The official Python SDK's construction, evaluated once and pinned.
    expected = "002a272a435d056759149cce18e88064ff320d38d91a09432445c344c4296949"
    assert hashlib.sha256(("1700000000" + "nonce-1" + "test key").encode("utf-8") + body).hexdigest() == expected
    assert feishu_signature("1700000000", "nonce-1", "test key", body) == expected
    assert feishu_signature("1700000000", "nonce-2", "test key", body) != expected
    assert feishu_signature("1700000000", "nonce-1", "test key", body + b" ") != expected


def test_mentions_are_stripped_and_lines_kept():
    mentions = [{"key": "@_user_1", "name": "Brandstation"}]
    assert strip_mentions("@_user_1 6205-2RS 内径多少?", mentions) == "6205-2RS 内径多少?"
    assert strip_mentions("@_user_1 报价\nMPN,Qty\nC25804,10", mentions) == "报价\nMPN,Qty\nC25804,10"


def test_a_quote_renders_as_an_interactive_card_with_download_buttons():
    quote = {"quote_id": "Q-1", "revision": 1, "downloads": {"xlsx": "https://x.example/q.xlsx"}}
    msg_type, card = render(BotReply(text="Q-1 r1 · bom.csv · 1 board(s)\nTotal CNY 12.00", quote=quote))
    assert msg_type == "interactive"
    assert card["header"]["title"]["content"] == "Quote Q-1 r1"
    assert card["elements"][0]["text"] == {
        "tag": "lark_md",
        "content": "Q-1 r1 · bom.csv · 1 board(s)  \nTotal CNY 12.00",
    }
    [button] = card["elements"][1]["actions"]
    assert button["url"] == "https://x.example/q.xlsx" and button["text"]["content"] == "XLSX"


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


def messages(vendor: FakeVendor):
    """What the bot sent through im/v1/messages (not the resource downloads under that path)."""
    return [c for c in vendor.sent("feishu") if c.path == "/open-apis/im/v1/messages"]


def channel(vendor: FakeVendor) -> FeishuInput:
    return FeishuInput("cli_app", "app-secret", TOKEN, ENCRYPT_KEY, api_base=vendor.url)


def message_event(text: str = "@_user_1 6205-2RS 内径多少?", *, event_id: str = "", kind: str = "text", **content):
    """An im.message.receive_v1 event (schema 2.0) as Feishu documents it."""
    return {
        "schema": "2.0",
        "header": {
            "event_id": event_id or uuid.uuid4().hex,
            "token": TOKEN,
            "create_time": str(int(time.time() * 1000)),
            "event_type": "im.message.receive_v1",
            "tenant_key": "tenant",
            "app_id": "cli_app",
        },
        "event": {
            "sender": {"sender_id": {"open_id": "ou_buyer", "user_id": "u1"}, "sender_type": "user"},
            "message": {
                "message_id": "om_1",
                "chat_id": "oc_chat",
                "chat_type": "p2p",
                "message_type": kind,
                "content": json.dumps(content or {"text": text}, ensure_ascii=False),
                "mentions": [{"key": "@_user_1", "name": "Brandstation"}],
            },
        },
    }


def request(event: dict, *, key: str = ENCRYPT_KEY, timestamp: int | None = None, sign: bool = True, nonce: str = ""):
    body = json.dumps({"encrypt": FeishuCrypto(key).encrypt(json.dumps(event).encode())}).encode()
    headers = {"Content-Type": "application/json"}
    if sign:
        stamp, nonce = str(int(time.time()) if timestamp is None else timestamp), nonce or uuid.uuid4().hex
        headers |= {
            "X-Lark-Request-Timestamp": stamp,
            "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": feishu_signature(stamp, nonce, key, body),
        }
    return body, headers


def run(vendor: FakeVendor, agent: FakeAgent, *requests: tuple[bytes, dict[str, str]]) -> list[tuple[int, dict]]:
    async def go():
        feishu = channel(vendor)
        async with serve(feishu, agent) as (url, client):
            answers = []
            for body, headers in requests:
                async with client.post(f"{url}/webhook", data=body, headers=headers) as response:
                    answers.append((response.status, await response.json()))
            await feishu.turns.wait()
        return answers

    return asyncio.run(go())


def test_url_verification_answers_the_challenge_for_this_apps_token(vendor):
    good = {"challenge": "1b6aef1a-401f-406a-be41-f48911eabcef", "token": TOKEN, "type": "url_verification"}
    answers = run(
        vendor,
        FakeAgent(),
        request(good, sign=False),
        request({**good, "token": "someone else"}, sign=False),
        (json.dumps(good).encode(), {"Content-Type": "application/json"}),  # unencrypted
    )
    assert answers[0] == (200, {"challenge": "1b6aef1a-401f-406a-be41-f48911eabcef"})
    assert [status for status, _ in answers[1:]] == [401, 401]


def test_a_message_is_answered_through_the_message_api(vendor):
    agent = FakeAgent()
    assert run(vendor, agent, request(message_event(event_id="ev-1"))) == [(200, {"msg": "success"})]
    assert agent.texts == ["6205-2RS 内径多少?"]
    assert agent.messages[0].sender_id == "feishu:ou_buyer"
    [token] = vendor.sent("feishu", "tenant_access_token")
    assert token.body == {"app_id": "cli_app", "app_secret": "app-secret"}
    [sent] = messages(vendor)
    assert sent.query == {"receive_id_type": "chat_id"}
    assert sent.headers["Authorization"] == "Bearer feishu-token-0"
    assert sent.body["receive_id"] == "oc_chat" and sent.body["msg_type"] == "text"
    assert json.loads(sent.body["content"]) == {"text": "6205-2RS 内径 (d): 25 mm — you said 6205-2RS 内径多少?"}
    assert sent.body["uuid"] == "ev-1-1"


def test_retried_events_make_one_turn(vendor):
    agent = FakeAgent()
    event = message_event(event_id="ev-retry")
    answers = run(vendor, agent, request(event), request(event), request(event))  # each re-signed, like a retry
    assert [status for status, _ in answers] == [200, 200, 200]
    assert len(agent.messages) == 1 and len(messages(vendor)) == 1


def test_forged_stale_and_undecryptable_events_are_refused(vendor):
    agent = FakeAgent()
    body, headers = request(message_event(event_id="ev-f"))
    tampered = {**headers, "X-Lark-Signature": "0" * 64}
    wrong_token = message_event(event_id="ev-t")
    wrong_token["header"]["token"] = "guess"
    answers = run(
        vendor,
        agent,
        (body, tampered),
        request(message_event(event_id="ev-s"), timestamp=int(time.time()) - 2 * 3600),
        request(message_event(event_id="ev-u"), sign=False),
        request(message_event(event_id="ev-k"), key="another key"),
        request(wrong_token),
        (b'{"encrypt": "not base64"}', headers),
    )
    assert [status for status, _ in answers] == [401, 403, 401, 403, 401, 403]
    assert agent.messages == [] and vendor.calls == []


def test_messages_from_bots_are_not_answered(vendor):
    agent = FakeAgent()
    event = message_event(event_id="ev-bot")
    event["event"]["sender"]["sender_type"] = "app"
    run(vendor, agent, request(event))
    assert agent.messages == [] and vendor.calls == []


def test_an_expired_token_is_fetched_again(vendor):
    vendor.expire_token_once.add("feishu")
    run(vendor, FakeAgent(), request(message_event(event_id="ev-x")))
    assert len(vendor.sent("feishu", "tenant_access_token")) == 2
    sent = messages(vendor)
    assert [s.headers["Authorization"] for s in sent] == ["Bearer feishu-token-0", "Bearer feishu-token-1"]


def test_a_product_card_goes_out_as_an_interactive_card(vendor):
    card = {
        "title": "NX3225GD-8MHZ-STD-CRA-3 crystal",
        "mpn": "NX3225GD-8MHZ-STD-CRA-3",
        "manufacturer": "NDK",
        "facts": [["频率", "8 MHz"]],
        "datasheet": "https://example.com/nx3225.pdf",
    }
    run(
        vendor,
        FakeAgent(lambda m: [{"text": "频率: 8 MHz", "custom": {"data": {"card": card}}}]),
        request(message_event()),
    )
    [sent] = messages(vendor)
    assert sent.body["msg_type"] == "interactive"
    content = json.loads(sent.body["content"])
    assert content["header"]["title"]["content"] == "NX3225GD-8MHZ-STD-CRA-3 · NDK"
    assert "- 频率: 8 MHz" in content["elements"][0]["text"]["content"]
    assert content["elements"][1]["actions"][0]["url"] == "https://example.com/nx3225.pdf"


def test_a_file_is_downloaded_from_the_message_resources_and_quoted(vendor, database):
    vendor.files["file_v2_abc"] = b"MPN,Qty\nC25804,10\n"
    agent = FakeAgent()
    event = message_event(kind="file", file_key="file_v2_abc", file_name="报价单.csv", event_id="ev-file")
    run(vendor, agent, request(event))
    [download] = vendor.sent("feishu", "resources")
    assert download.path == "/open-apis/im/v1/messages/om_1/resources/file_v2_abc"
    assert download.query == {"type": "file"}
    entities = json.loads(agent.texts[0].removeprefix("/upload_bom"))
    stored = QuoteStore(database).upload(entities["upload_id"])
    assert stored.name == "报价单.csv" and stored.data == vendor.files["file_v2_abc"]


def test_a_file_the_api_cannot_serve_gets_an_explanation(vendor, database):
    agent = FakeAgent()
    run(vendor, agent, request(message_event(kind="file", file_key="missing", file_name="bom.xlsx", event_id="ev-m")))
    assert agent.messages == []
    [sent] = messages(vendor)
    assert "bom.xlsx" in json.loads(sent.body["content"])["text"]


def test_credentials_require_an_encrypt_key():
    with pytest.raises(ValueError, match="encrypt_key"):
        FeishuInput.from_credentials({"app_id": "a", "app_secret": "b", "verification_token": "c"})
