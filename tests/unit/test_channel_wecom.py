"""WeCom connector: the callback cipher against WeCom's published samples, and the channel over real HTTP.

Known answers come from WeCom's official callback sample, sbzhu/weworkapi_python callback/Sample.py at commit
16e0b05 (the next commit, 71441bf, blanked the token and key): Token hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo,
EncodingAESKey 6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt, CorpID ww1436e0e65a779aee, one VerifyURL request
and one DecryptMsg request. DingTalk's event callbacks use the same scheme; open-dingtalk/DingTalk-Callback-Crypto
(DingCallbackCrypto3.py, DingTalkCrypto.go) publishes two more vectors with other receive ids.
"""

from __future__ import annotations

import asyncio
import base64
import json
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.channels._im import CryptoError, Rejected
from bot.channels.wecom import WeComCrypto, WeComInput, parse_xml
from bot.quotes import QuoteStore
from bot.settings import get_settings
from tests.fake_im_vendor import FakeVendor
from tests.unit.im_harness import FakeAgent, serve

# sbzhu/weworkapi_python callback/Sample.py @ 16e0b05
TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"
VERIFY = {
    "msg_signature": "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    "timestamp": "1476416373",
    "nonce": "47744683",
    "echostr": "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
}
REQUEST = {
    "msg_signature": "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
    "timestamp": "1476422779",
    "nonce": "1597212914",
}
REQUEST_BODY = (
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3"
    "bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu8"
    "7Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7M"
    "hmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jm"
    "nKiypE+]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
)
AGENT_ID = 1000002


def sample() -> WeComCrypto:
    return WeComCrypto(TOKEN, AES_KEY, CORP_ID)


# --- the cipher ---------------------------------------------------------------------------------------------


def test_signature_and_echostr_of_the_published_url_check():
    crypto = sample()
    assert crypto.signature(VERIFY["timestamp"], VERIFY["nonce"], VERIFY["echostr"]) == VERIFY["msg_signature"]
    assert crypto.decrypt(VERIFY["echostr"]) == b"1288432023552776189"


def test_published_message_decrypts_to_its_xml():
    crypto = sample()
    encrypted = parse_xml(REQUEST_BODY.encode())["Encrypt"]
    assert crypto.signature(REQUEST["timestamp"], REQUEST["nonce"], encrypted) == REQUEST["msg_signature"]
    message = parse_xml(crypto.decrypt(encrypted))
    assert message["FromUserName"] == "ChenJiaShun"
    assert message["Content"] == "你好"
    assert message["MsgId"] == "1456453720" and message["AgentID"] == "1000002"


def test_encrypt_reproduces_the_published_ciphertext_given_its_random_prefix():
    # The sample's first plaintext block, read off by decrypting it; the rest is length + message + corp id.
    assert sample().encrypt(b"1288432023552776189", random16=b"8908d0ff052afda0") == VERIFY["echostr"]


@pytest.mark.parametrize(
    ("token", "aes_key", "receive_id", "signature", "timestamp", "nonce", "encrypted", "plain"),
    [
        (  # DingCallbackCrypto3.py
            "mryue",
            "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
            "ding6ccabc44d2c8d38b",
            "03044561471240d4a14bb09372dfcfd4fd0e40cb",
            "1608001896814",
            "WL4PK6yA",
            "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhE"
            "LOFchzNukR+t8SB/qk4ROMu3",
            b'{"EventType":"check_url"}',
        ),
        (  # DingTalkCrypto.go
            "tokenxxxx",
            "o1w0aum42yaptlz8alnhwikjd3jenzt9cb9wmzptgus",
            "dingxxxxxx",
            "f36f4ba5337d426c7d4bca0dbcb06b3ddc1388fc",
            "1605695694141",
            "WelUQl6bCqcBa2fM",
            "X1VSe9cTJUMZu60d3kyLYTrBq5578ZRJtteU94wG0Q4Uk6E/wQYeJRIC0/UFW5Wkya1Ihz9oXAdLlyC9TRaqsQ==",
            b"success",
        ),
    ],
)
def test_dingtalk_published_vectors_of_the_same_scheme(
    token, aes_key, receive_id, signature, timestamp, nonce, encrypted, plain
):
    crypto = WeComCrypto(token, aes_key, receive_id)
    assert crypto.signature(timestamp, nonce, encrypted) == signature
    assert crypto.decrypt(encrypted) == plain


def test_a_message_for_another_receiver_is_refused():
    with pytest.raises(CryptoError, match="receive id"):
        WeComCrypto(TOKEN, AES_KEY, "ww_another_corp").decrypt(VERIFY["echostr"])


def _raw_cipher(plain: bytes) -> str:
    """Encrypt exactly `plain` (no padding added) under the sample key: to forge bad paddings and lengths."""
    key = base64.b64decode(AES_KEY + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


@pytest.mark.parametrize(
    "last_bytes",
    [b"\x05\x05\x05\x04\x05", b"\x00", b"\x21", b"\x02\x03"],
    ids=["one-pad-byte-differs", "zero", "over-32", "inconsistent"],
)
def test_bad_pkcs7_padding_is_refused(last_bytes):
    # WeCom's own sample only checks the last byte's range; every pad byte must equal n.
    body = b"0123456789abcdef" + struct.pack(">I", 2) + b"hi" + CORP_ID.encode()
    plain = body + b"\x01" * (64 - len(body) - len(last_bytes)) + last_bytes
    with pytest.raises(CryptoError, match="padding"):
        sample().decrypt(_raw_cipher(plain))


def test_a_stated_length_past_the_end_is_refused():
    body = b"0123456789abcdef" + struct.pack(">I", 4000) + b"hi" + CORP_ID.encode()
    n = 32 - len(body) % 32
    with pytest.raises(CryptoError, match="length"):
        sample().decrypt(_raw_cipher(body + bytes([n]) * n))


@pytest.mark.parametrize("encrypted", ["not base64!", "", base64.b64encode(b"x" * 20).decode()])
def test_garbage_ciphertext_is_refused(encrypted):
    with pytest.raises(CryptoError):
        sample().decrypt(encrypted)


def test_round_trip_with_random_prefix_and_unicode():
    crypto = sample()
    message = "<xml><Content><![CDATA[6205-2RS 内径多少?]]></Content></xml>".encode()
    first, second = crypto.encrypt(message), crypto.encrypt(message)
    assert first != second  # a fresh random prefix each time
    assert crypto.decrypt(first) == crypto.decrypt(second) == message


@pytest.mark.parametrize("key", ["short", AES_KEY + "A", "!" * 43])
def test_an_encoding_aes_key_that_is_not_43_base64_characters_is_refused(key):
    with pytest.raises(ValueError):
        WeComCrypto(TOKEN, key, CORP_ID)


def test_xml_with_a_dtd_is_refused():
    with pytest.raises(Rejected) as caught:
        parse_xml(b'<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>')
    assert caught.value.status == 400


# --- the channel over HTTP --------------------------------------------------------------------------------------


@pytest.fixture
def vendor() -> Iterator[FakeVendor]:
    with FakeVendor() as fake:
        yield fake


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Attachments are stored where the settings say, like the web chat's uploads."""
    monkeypatch.setenv("BRANDSTATION_DATABASE", str(tmp_path / "brandstation.sqlite"))
    get_settings.cache_clear()
    yield tmp_path / "brandstation.sqlite"
    get_settings.cache_clear()


def channel(vendor: FakeVendor, now: float | None = None, **kwargs) -> WeComInput:
    return WeComInput(
        CORP_ID,
        AGENT_ID,
        "app-secret",
        TOKEN,
        AES_KEY,
        api_base=vendor.url,
        clock=(lambda: now) if now is not None else time.time,
        **kwargs,
    )


def callback(content: str = "6205-2RS 内径多少?", *, msg_id: str = "7001", kind: str = "text", extra: str = "", **kw):
    """A signed callback (query, body) as WeCom sends it; keyword overrides forge parts of it."""
    crypto: WeComCrypto = kw.get("crypto") or sample()
    inner = (
        f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>"
        f"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[{kind}]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>{AGENT_ID}</AgentID>{extra}</xml>"
    )
    encrypted = crypto.encrypt(inner.encode())
    timestamp = str(kw.get("timestamp", int(time.time())))
    nonce = "1597212914"
    signature = kw.get("signature") or crypto.signature(timestamp, nonce, encrypted)
    body = f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}, body.encode()


async def post(client, url, query, body):
    async with client.post(f"{url}/webhook", params=query, data=body) as response:
        return response.status, await response.text()


def test_url_check_answers_the_published_echostr():
    async def go():
        with FakeVendor() as fake:
            wecom = channel(fake, now=1476416373)
            async with serve(wecom, FakeAgent()) as (url, client):
                async with client.get(f"{url}/webhook", params=VERIFY) as ok:
                    answered = ok.status, await ok.text()
                async with client.get(f"{url}/webhook", params={**VERIFY, "msg_signature": "0" * 40}) as forged:
                    refused = forged.status
        return answered, refused

    answered, refused = asyncio.run(go())
    assert answered == (200, "1288432023552776189")
    assert refused == 401


def test_url_check_replayed_hours_later_is_refused():
    async def go():
        with FakeVendor() as fake:
            async with serve(channel(fake, now=1476416373 + 2 * 3600), FakeAgent()) as (url, client):
                response = await client.get(f"{url}/webhook", params=VERIFY)
                response.release()
                return response.status

    assert asyncio.run(go()) == 403


def test_a_message_is_answered_through_message_send(vendor):
    agent = FakeAgent()

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            status = await post(client, url, *callback())
            await wecom.turns.wait()
        return status

    assert asyncio.run(go()) == (200, "")
    assert agent.texts == ["6205-2RS 内径多少?"]
    assert agent.messages[0].sender_id == "wecom:zhangsan" and agent.messages[0].input_channel == "wecom"
    token_calls = vendor.sent("wecom", "gettoken")
    assert [c.query for c in token_calls] == [{"corpid": CORP_ID, "corpsecret": "app-secret"}]
    [send] = vendor.sent("wecom", "message/send")
    assert send.query["access_token"] == "wecom-token-0"
    assert send.body == {
        "touser": "zhangsan",
        "agentid": AGENT_ID,
        "msgtype": "text",
        "text": {"content": "6205-2RS 内径 (d): 25 mm — you said 6205-2RS 内径多少?"},
    }


def test_retries_of_one_message_make_one_turn(vendor):
    agent = FakeAgent()

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            query, body = callback(msg_id="7002")
            statuses = [(await post(client, url, query, body))[0] for _ in range(3)]  # WeCom retries after 5 s
            await wecom.turns.wait()
        return statuses

    assert asyncio.run(go()) == [200, 200, 200]
    assert len(agent.messages) == 1
    assert len(vendor.sent("wecom", "message/send")) == 1


def test_forged_stale_and_misaddressed_callbacks_are_refused(vendor):
    agent = FakeAgent()
    other_corp = WeComCrypto(TOKEN, AES_KEY, "ww_another_corp")

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            forged = await post(client, url, *callback(signature="a" * 40))
            stale = await post(client, url, *callback(timestamp=int(time.time()) - 2 * 3600))
            misaddressed = await post(client, url, *callback(crypto=other_corp))
            unsigned = await post(client, url, {}, callback()[1])
            not_xml = await post(client, url, callback()[0], b"{}")
            await wecom.turns.wait()
        return forged[0], stale[0], misaddressed[0], unsigned[0], not_xml[0]

    assert asyncio.run(go()) == (401, 403, 403, 401, 400)
    assert agent.messages == []
    assert vendor.calls == []


def test_token_expired_is_fetched_again_and_the_message_resent(vendor):
    vendor.expire_token_once.add("wecom")

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, FakeAgent()) as (url, client):
            await post(client, url, *callback())
            await wecom.turns.wait()

    asyncio.run(go())
    assert len(vendor.sent("wecom", "gettoken")) == 2
    sends = vendor.sent("wecom", "message/send")
    assert [s.query["access_token"] for s in sends] == ["wecom-token-0", "wecom-token-1"]


CARD = {
    "title": "6205-2RS deep groove ball bearing 25×52×15 mm",
    "mpn": "6205-2RS",
    "manufacturer": "Brandstation standard range",
    "sku": "BS-6205-2RS",
    "answer": "内径 (d): 25 mm",
    "facts": [["内径 (d)", "25 mm"], ["外径 (D)", "52 mm"]],
    "datasheet": "https://example.com/6205.pdf",
    "source": "ISO 15 table",
    "price": "",
    "stock": "库存 1,200",
}


def test_a_product_card_goes_out_as_markdown_and_long_text_is_split(vendor):
    long_text = "\n".join(f"第{i}行 · 0603WAF1002T5E 电阻 10kΩ ±1% 100mW" for i in range(120))

    def script(message):
        return [{"text": "6205-2RS 的内径是 25 mm。", "custom": {"data": {"card": CARD}}}, {"text": long_text}]

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, FakeAgent(script)) as (url, client):
            await post(client, url, *callback())
            await wecom.turns.wait()

    asyncio.run(go())
    sends = [s.body for s in vendor.sent("wecom", "message/send")]
    assert sends[0]["msgtype"] == "markdown"
    markdown = sends[0]["markdown"]["content"]
    assert "**内径 (d): 25 mm**" in markdown and "- 外径 (D): 52 mm" in markdown
    assert "[数据手册](https://example.com/6205.pdf)" in markdown
    pieces = [s["text"]["content"] for s in sends[1:]]
    assert len(pieces) > 1 and all(len(p.encode()) <= 2048 for p in pieces)
    assert "\n".join(pieces) == long_text


def test_buttons_are_numbered_and_a_number_clicks_one(vendor):
    agent = FakeAgent(
        lambda m: [
            {
                "text": "哪一个?",
                "buttons": [
                    {"title": "6205-2RS · SKF", "payload": '/ask_spec{"part_number": "A"}'},
                    {"title": "6205-2Z · SKF", "payload": '/ask_spec{"part_number": "B"}'},
                ],
            }
        ]
    )

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            await post(client, url, *callback("6205 内径", msg_id="1"))
            await wecom.turns.wait()
            await post(client, url, *callback("2", msg_id="2"))
            await wecom.turns.wait()

    asyncio.run(go())
    first = vendor.sent("wecom", "message/send")[0].body["text"]["content"]
    assert first == "哪一个?\n回复数字选择:\n1. 6205-2RS · SKF\n2. 6205-2Z · SKF"
    assert agent.texts[1] == '/ask_spec{"part_number": "B"}'


def test_a_number_without_options_just_shown_is_text(vendor):
    agent = FakeAgent()

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            await post(client, url, *callback("3", msg_id="9"))
            await wecom.turns.wait()

    asyncio.run(go())
    assert agent.texts == ["3"]


@pytest.mark.parametrize("crash", [True, False], ids=["turn-raises", "turn-silent"])
def test_a_failed_or_silent_turn_tells_the_buyer(vendor, crash, caplog):
    agent = FakeAgent(script=lambda m: [], crash=crash)

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            await post(client, url, *callback("6205-2RS 内径多少?"))
            await wecom.turns.wait()

    asyncio.run(go())
    [send] = vendor.sent("wecom", "message/send")
    assert send.body["text"]["content"].startswith("抱歉")
    assert any(r.levelname == "ERROR" and "wecom" in r.getMessage() for r in caplog.records)


def test_a_file_message_is_downloaded_and_quoted_as_an_upload(vendor, database):
    vendor.files["MEDIA_1"] = b"Designator,Qty,Value,Package\nR1,1,10k,0603\n"
    agent = FakeAgent()

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            extra = "<MediaId><![CDATA[MEDIA_1]]></MediaId><FileName><![CDATA[keyboard.csv]]></FileName>"
            await post(client, url, *callback("", kind="file", msg_id="77", extra=extra))
            await wecom.turns.wait()

    asyncio.run(go())
    [text] = agent.texts
    assert text.startswith("/upload_bom")
    entities = json.loads(text.removeprefix("/upload_bom"))
    assert entities["language"] == "zh"
    upload = QuoteStore(database).upload(entities["upload_id"])
    assert upload.name == "keyboard.csv" and upload.data == vendor.files["MEDIA_1"]
    assert upload.sender_id == "wecom:zhangsan"


def test_an_image_gets_a_hint_instead_of_a_turn(vendor):
    agent = FakeAgent()

    async def go():
        wecom = channel(vendor)
        async with serve(wecom, agent) as (url, client):
            await post(client, url, *callback("", kind="image", msg_id="78"))
            await wecom.turns.wait()

    asyncio.run(go())
    assert agent.messages == []
    [send] = vendor.sent("wecom", "message/send")
    assert "BOM" in send.body["text"]["content"]


def test_credentials_name_what_is_missing():
    with pytest.raises(ValueError, match="token, encoding_aes_key"):
        WeComInput.from_credentials({"corp_id": CORP_ID, "agent_id": 1, "secret": "s"})
