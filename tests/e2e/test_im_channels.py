"""WeCom, DingTalk and Feishu connectors in the real stack: signed vendor callbacks into Rasa + the action server,
and the bot's answers caught by a local fake of the vendors' APIs.

The stack here is started with a credentials file that adds the three connectors, pointed at the fake.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from bot.channels.dingtalk import dingtalk_sign
from bot.channels.feishu import FeishuCrypto, feishu_signature
from bot.channels.wecom import WeComCrypto
from bot.settings import ROOT, Settings
from bot.stack import Stack
from tests.e2e.conftest import MODEL, free_port, logs
from tests.fake_im_vendor import FakeVendor, Sent

QUESTION = "6205-2RS 内径多少?"
WECOM = {"corp_id": "ww-e2e-corp", "agent_id": 1000002, "secret": "wecom-secret", "token": "wecom-token"}
WECOM_AES_KEY = base64.b64encode(os.urandom(32)).decode().rstrip("=")
DINGTALK_SECRET = "dingtalk-app-secret"
FEISHU = {"app_id": "cli_e2e", "app_secret": "feishu-secret", "verification_token": "feishu-token", "encrypt_key": "k"}


@pytest.fixture(scope="module")
def vendor() -> Iterator[FakeVendor]:
    with FakeVendor() as fake:
        yield fake


@pytest.fixture(scope="module")
def im_stack(e2e_settings: Settings, vendor: FakeVendor, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make e2e does)")
    run_dir = tmp_path_factory.mktemp("im-stack")
    credentials = run_dir / "credentials.yml"
    credentials.write_text(
        yaml.safe_dump(
            {
                "rest": None,
                "bot.channels.wecom.WeComInput": {**WECOM, "encoding_aes_key": WECOM_AES_KEY, "api_base": vendor.url},
                "bot.channels.dingtalk.DingTalkInput": {
                    "app_secret": DINGTALK_SECRET,
                    "webhook_prefix": f"{vendor.url}/robot/",
                },
                "bot.channels.feishu.FeishuInput": {**FEISHU, "api_base": vendor.url},
            }
        ),
        encoding="utf-8",
    )
    # Own ports and tracker store; the catalog and indexes are the session's subset.
    settings = e2e_settings.copy(
        update={"var_dir": run_dir, "rasa_port": free_port(), "actions_port": free_port(), "web_port": free_port()}
    )
    stack = Stack(settings, MODEL, run_dir / "logs", web=False, credentials=credentials)
    stack.start()
    yield stack
    stack.stop()


def replies(vendor: FakeVendor, name: str, path: str, since: int) -> list[Sent]:
    return [c for c in vendor.calls[since:] if c.vendor == name and c.path == path]


def wait_for_answer(vendor: FakeVendor, name: str, path: str, since: int, stack: Stack, needle: str = "25 mm") -> str:
    """All text the bot sent through `path` since call `since`, once it contains `needle`."""

    def text() -> str:
        return "\n".join(json.dumps(c.body, ensure_ascii=False) for c in replies(vendor, name, path, since))

    assert vendor.wait_for(lambda: needle in text(), timeout=90), f"no {needle!r} in {text()!r}\n{logs(stack)}"
    return text()


def test_wecom_url_check_and_a_turn_answered_through_message_send(im_stack, vendor):
    crypto = WeComCrypto(WECOM["token"], WECOM_AES_KEY, WECOM["corp_id"])
    url = f"{im_stack.rasa_url}/webhooks/wecom/webhook"
    timestamp, nonce = str(int(time.time())), "1597212914"
    echostr = crypto.encrypt(b"echo-4242")
    check = requests.get(
        url,
        params={
            "msg_signature": crypto.signature(timestamp, nonce, echostr),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": echostr,
        },
        timeout=10,
    )
    assert (check.status_code, check.text) == (200, "echo-4242")

    inner = (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName><FromUserName><![CDATA[buyer-e2e]]></FromUserName>"
        f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{QUESTION}]]></Content>"
        f"<MsgId>{uuid.uuid4().int % 10**16}</MsgId><AgentID>{WECOM['agent_id']}</AgentID></xml>"
    )
    encrypted = crypto.encrypt(inner.encode())
    body = (
        f"<xml><ToUserName><![CDATA[{WECOM['corp_id']}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    )
    query = {"msg_signature": crypto.signature(timestamp, nonce, encrypted), "timestamp": timestamp, "nonce": nonce}
    forged = requests.post(url, params={**query, "msg_signature": "0" * 40}, data=body.encode(), timeout=10)
    assert forged.status_code == 401
    since = len(vendor.calls)
    answered = requests.post(url, params=query, data=body.encode(), timeout=10)
    assert (answered.status_code, answered.text) == (200, "")
    text = wait_for_answer(vendor, "wecom", "/cgi-bin/message/send", since, im_stack)
    sent = replies(vendor, "wecom", "/cgi-bin/message/send", since)
    assert all(c.body["touser"] == "buyer-e2e" and c.body["agentid"] == WECOM["agent_id"] for c in sent)
    assert sent[0].body["msgtype"] == "markdown" and "6205-2RS" in text  # the product card


def test_dingtalk_turn_answered_through_the_session_webhook(im_stack, vendor):
    timestamp = str(int(time.time() * 1000))
    payload = {
        "conversationId": "cid-e2e",
        "msgId": f"msg-{uuid.uuid4().hex}",
        "senderNick": "买家",
        "senderStaffId": "buyer-e2e",
        "senderId": "$:LWCP_v1:$buyer",
        "conversationType": "1",
        "sessionWebhook": f"{vendor.url}/robot/sendBySession?session=e2e",
        "sessionWebhookExpiredTime": int(timestamp) + 3_600_000,
        "createAt": int(timestamp),
        "robotCode": "dingrobot",
        "msgtype": "text",
        "text": {"content": f" {QUESTION}"},
    }
    url = f"{im_stack.rasa_url}/webhooks/dingtalk/webhook"
    forged = requests.post(url, json=payload, headers={"timestamp": timestamp, "sign": "forged"}, timeout=10)
    assert forged.status_code == 401
    since = len(vendor.calls)
    headers = {"timestamp": timestamp, "sign": dingtalk_sign(timestamp, DINGTALK_SECRET)}
    assert requests.post(url, json=payload, headers=headers, timeout=10).status_code == 200
    text = wait_for_answer(vendor, "dingtalk", "/robot/sendBySession", since, im_stack)
    assert "6205-2RS" in text
    assert replies(vendor, "dingtalk", "/robot/sendBySession", since)[0].body["msgtype"] in ("markdown", "text")


def test_feishu_challenge_and_a_turn_answered_through_the_message_api(im_stack, vendor):
    crypto = FeishuCrypto(FEISHU["encrypt_key"])
    url = f"{im_stack.rasa_url}/webhooks/feishu/webhook"
    challenge = {"challenge": "c-e2e", "token": FEISHU["verification_token"], "type": "url_verification"}
    check = requests.post(url, json={"encrypt": crypto.encrypt(json.dumps(challenge).encode())}, timeout=10)
    assert (check.status_code, check.json()) == (200, {"challenge": "c-e2e"})

    event = {
        "schema": "2.0",
        "header": {
            "event_id": uuid.uuid4().hex,
            "token": FEISHU["verification_token"],
            "create_time": str(int(time.time() * 1000)),
            "event_type": "im.message.receive_v1",
            "tenant_key": "tenant",
            "app_id": FEISHU["app_id"],
        },
        "event": {
            "sender": {"sender_id": {"open_id": "ou_buyer_e2e"}, "sender_type": "user"},
            "message": {
                "message_id": "om_e2e",
                "chat_id": "oc_e2e",
                "chat_type": "p2p",
                "message_type": "text",
                "content": json.dumps({"text": QUESTION}, ensure_ascii=False),
            },
        },
    }
    body = json.dumps({"encrypt": crypto.encrypt(json.dumps(event, ensure_ascii=False).encode())}).encode()
    timestamp, nonce = str(int(time.time())), uuid.uuid4().hex
    headers = {
        "Content-Type": "application/json",
        "X-Lark-Request-Timestamp": timestamp,
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": feishu_signature(timestamp, nonce, FEISHU["encrypt_key"], body),
    }
    forged = requests.post(url, data=body, headers={**headers, "X-Lark-Signature": "0" * 64}, timeout=10)
    assert forged.status_code == 401
    since = len(vendor.calls)
    for _ in range(2):  # Feishu retries an event it thinks was not received; the bot answers once
        assert requests.post(url, data=body, headers=headers, timeout=10).status_code == 200
    text = wait_for_answer(vendor, "feishu", "/open-apis/im/v1/messages", since, im_stack)
    sent = replies(vendor, "feishu", "/open-apis/im/v1/messages", since)
    assert all(c.body["receive_id"] == "oc_e2e" for c in sent)
    assert sent[0].body["msg_type"] == "interactive" and "6205-2RS" in text
    time.sleep(2)  # a second turn, if the retry had started one, would have answered by now
    assert len(replies(vendor, "feishu", "/open-apis/im/v1/messages", since)) == len(sent)


def test_rasa_run_with_a_connector_that_cannot_import_shows_the_real_error(tmp_path: Path):
    """A connector whose dependency is missing stops `rasa run` with that ImportError, not with Rasa's
    "Failed to find input channel class" (the module follows the pattern of bot/channels/*.py)."""
    package = tmp_path / "broken_connector"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "channel.py").write_text(
        "from bot.channels import ConnectorImportError\n"
        "try:\n    import vendor_sdk_that_is_not_installed  # noqa: F401\n"
        "except ImportError as error:\n    raise ConnectorImportError(__name__, error) from error\n"
    )
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("broken_connector.channel.BrokenInput:\n  key: value\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)}
    env["RASA_TELEMETRY_ENABLED"] = "false"
    port = str(free_port())
    command = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--credentials",
        str(credentials),
        "--port",
        port,
        "--model",
        str(MODEL),
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]
    assert "ConnectorImportError" in output and "vendor_sdk_that_is_not_installed" in output, output[-3000:]
    assert "Failed to find input channel class" not in output
