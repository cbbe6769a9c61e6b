"""Feishu / Lark (飞书) app as a Rasa channel: event subscription v2 in, the IM message API out.

Request URL `https://<host>/webhooks/feishu/webhook`, with an Encrypt Key set (required here). Every request
body is `{"encrypt": base64(iv + AES-256-CBC(key=SHA256(encrypt_key), iv, event))}`. The URL check decrypts to
`{"type": "url_verification", "challenge", "token"}` and is answered with the challenge when the token is this
app's Verification Token. Events carry `X-Lark-Request-Timestamp`, `-Nonce` and `X-Lark-Signature` =
hex SHA256(timestamp + nonce + encrypt_key + raw body); Feishu retries an event until it gets a 200, so each
event id is handled once. Replies go out through `im/v1/messages` with a cached tenant_access_token.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.channels import ConnectorImportError

try:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from rasa.core.channels.channel import InputChannel, UserMessage
    from sanic import Blueprint, response
    from sanic.request import Request
    from sanic.response import HTTPResponse

    from bot.channels._im import (
        DEFAULT_MAX_AGE_S,
        MAX_CALLBACK_BYTES,
        MAX_UPLOAD_BYTES,
        AccessToken,
        AttachmentTooLarge,
        BackgroundTurns,
        BotReply,
        ConversationMemory,
        CryptoError,
        IMOutput,
        Rejected,
        SeenIds,
        VendorApiError,
        VendorHttp,
        as_markdown,
        as_text,
        attachment_refusal,
        check_fresh,
        field,
        is_bom_name,
        pkcs7_pad,
        pkcs7_unpad,
        read_callback,
        run_turn,
        upload_message,
    )
    from knowledge.errors import KnowledgeError
except (ImportError, AttributeError) as error:  # Rasa would hide this behind "failed to find input channel class"
    raise ConnectorImportError(__name__, error) from error

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://open.feishu.cn"  # Lark (international): https://open.larksuite.com
TOKEN_ERRORS = {99991661, 99991663, 99991668}  # missing, invalid, expired tenant_access_token
MESSAGE_EVENT = "im.message.receive_v1"


class FeishuCrypto:
    """Feishu's event encryption: AES-256-CBC, key = SHA256(encrypt key), IV = the first 16 bytes."""

    def __init__(self, encrypt_key: str) -> None:
        self.encrypt_key = encrypt_key
        self._key = hashlib.sha256(encrypt_key.encode()).digest()

    def decrypt(self, encrypted: str) -> bytes:
        """The event JSON; CryptoError for bad base64, a short or ragged ciphertext, or bad padding."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CryptoError("encrypt is not base64") from None
        if len(raw) < 32 or len(raw) % 16:
            raise CryptoError(f"{len(raw)} bytes are not an IV and whole AES blocks")
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(raw[:16])).decryptor()
        return pkcs7_unpad(decryptor.update(raw[16:]) + decryptor.finalize(), 16)

    def encrypt(self, plaintext: bytes, iv: bytes | None = None) -> str:
        iv = os.urandom(16) if iv is None else iv
        encryptor = Cipher(algorithms.AES(self._key), modes.CBC(iv)).encryptor()
        return base64.b64encode(iv + encryptor.update(pkcs7_pad(plaintext, 16)) + encryptor.finalize()).decode()


def feishu_signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """X-Lark-Signature: hex SHA256 of timestamp + nonce + encrypt_key (UTF-8) + the raw request body."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


class FeishuApi:
    """tenant_access_token, im/v1/messages (send) and message resources (attachments)."""

    def __init__(self, base_url: str, app_id: str, app_secret: str, http: VendorHttp | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret
        self.http = http or VendorHttp()
        self.token = AccessToken(self._fetch_token)

    async def send(self, chat_id: str, msg_type: str, content: Mapping[str, Any], uuid: str = "") -> None:
        """One message into a chat; `uuid` makes Feishu drop a duplicate of the same send."""
        body: dict[str, Any] = {
            "receive_id": chat_id,
            "msg_type": msg_type,
            "content": json.dumps(content, ensure_ascii=False),
        }
        if uuid:
            body["uuid"] = uuid[:50]
        for attempt in (1, 2):
            data = await self.http.json(
                "POST",
                f"{self.base_url}/open-apis/im/v1/messages",
                params={"receive_id_type": "chat_id"},
                body=body,
                headers={"Authorization": f"Bearer {await self.token.get()}"},
            )
            if data.get("code") in TOKEN_ERRORS and attempt == 1:
                self.token.invalidate()
                continue
            _ok(data, "im/v1/messages")
            return

    async def resource(self, message_id: str, file_key: str, limit: int) -> bytes:
        """A file attached to a message."""
        body, _, _ = await self.http.download(
            "GET",
            f"{self.base_url}/open-apis/im/v1/messages/{message_id}/resources/{file_key}",
            params={"type": "file"},
            headers={"Authorization": f"Bearer {await self.token.get()}"},
            limit=limit,
        )
        return body

    async def _fetch_token(self) -> tuple[str, float]:
        data = await self.http.json(
            "POST",
            f"{self.base_url}/open-apis/auth/v3/tenant_access_token/internal",
            body={"app_id": self.app_id, "app_secret": self._secret},
        )
        _ok(data, "tenant_access_token")
        return str(data.get("tenant_access_token") or ""), float(data.get("expire") or 7200)


class FeishuOutput(IMOutput):
    """Bot replies into one chat: text, or an interactive card (lark_md body, link buttons) for products and
    quotes."""

    def __init__(self, api: FeishuApi, chat_id: str, conversation: str, memory: ConversationMemory, event_id: str):
        super().__init__(conversation, memory)
        self.api = api
        self.chat_id = chat_id
        self.event_id = event_id
        self._count = 0

    @classmethod
    def name(cls) -> str:
        return "feishu"

    async def deliver(self, reply: BotReply) -> None:
        self._count += 1
        msg_type, content = render(reply)
        await self.api.send(self.chat_id, msg_type, content, uuid=f"{self.event_id}-{self._count}")


def render(reply: BotReply) -> tuple[str, dict[str, Any]]:
    """(msg_type, content) for one reply."""
    if not reply.rich:
        return "text", {"text": as_text(reply)}
    elements: list[dict[str, Any]] = [
        {"tag": "div", "text": {"tag": "lark_md", "content": as_markdown(reply, with_links=False)}}
    ]
    links = reply.links()
    if links:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": label},
                        "type": "primary" if i == 0 else "default",
                        "url": url,
                    }
                    for i, (label, url) in enumerate(links)
                ],
            }
        )
    card = {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": reply.title}, "template": "blue"},
        "elements": elements,
    }
    return "interactive", card


class FeishuInput(InputChannel):
    """Feishu / Lark event subscription. credentials.yml: app_id, app_secret, verification_token, encrypt_key;
    optional api_base (https://open.larksuite.com for Lark), max_age_s, language."""

    @classmethod
    def name(cls) -> str:
        return "feishu"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> FeishuInput:
        credentials = credentials or {}
        missing = [k for k in ("app_id", "app_secret", "verification_token", "encrypt_key") if not credentials.get(k)]
        if missing:
            raise ValueError(f"{cls.name()}: credentials.yml lacks {', '.join(missing)}")
        return cls(
            app_id=str(credentials["app_id"]),
            app_secret=str(credentials["app_secret"]),
            verification_token=str(credentials["verification_token"]),
            encrypt_key=str(credentials["encrypt_key"]),
            api_base=str(credentials.get("api_base") or DEFAULT_API_BASE),
            max_age_s=float(credentials.get("max_age_s") or DEFAULT_MAX_AGE_S),
            language=str(credentials.get("language") or "zh"),
        )

    def __init__(
        self,
        app_id: str,
        app_secret: str,
        verification_token: str,
        encrypt_key: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        language: str = "zh",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not encrypt_key:
            raise ValueError("feishu: set an Encrypt Key; unencrypted events carry no signature")
        self.crypto = FeishuCrypto(encrypt_key)
        self.verification_token = verification_token
        self.api = FeishuApi(api_base, app_id, app_secret)
        self.max_age_s = max_age_s
        self.clock = clock
        self.seen = SeenIds()
        self.memory = ConversationMemory(language)
        self.turns = BackgroundTurns()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        feishu = Blueprint("feishu_webhook", __name__)

        @feishu.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @feishu.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                event = self.open_callback(request.headers, await read_callback(request))
            except Rejected as exc:
                logger.warning("feishu: callback refused (%s): %s", exc.status, exc.reason)
                return response.json({"msg": "forbidden" if exc.status in (401, 403) else "bad request"}, exc.status)
            if event.get("type") == "url_verification":
                return response.json({"challenge": event.get("challenge", "")})
            self.dispatch(event, on_new_message)
            return response.json({"msg": "success"})

        @feishu.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.api.http.close()

        return feishu

    def open_callback(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """The decrypted event of an authentic request; Rejected otherwise.

        The URL check is not signed (as in Feishu's SDKs); only this app's Encrypt Key yields a ciphertext that
        decrypts, and the decrypted token must match. Every other event must be signed and fresh as well.
        """
        if len(body) > MAX_CALLBACK_BYTES:
            raise Rejected(400, f"callback of {len(body)} bytes")
        envelope = _json_object(body)
        encrypted = envelope.get("encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise Rejected(401, "unencrypted callback: this app expects encrypted events (Encrypt Key)")
        try:
            event = _json_object(self.crypto.decrypt(encrypted))
        except CryptoError as exc:
            raise Rejected(403, f"cannot decrypt: {exc}") from None
        if event.get("type") == "url_verification":
            self._check_token(event.get("token"))
            return event
        self._check_signature(headers, body)
        header = field(event, "header")
        self._check_token(header.get("token"))
        return event

    def dispatch(self, event: Mapping[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Start the turn for a buyer's message (once per event id: Feishu retries)."""
        header = field(event, "header")
        if header.get("event_type") != MESSAGE_EVENT:
            return
        event_id = str(header.get("event_id") or "")
        if not event_id or not self.seen.first_time(event_id):
            logger.info("feishu: event %r already handled (a Feishu retry)", event_id)
            return
        body = field(event, "event")
        sender = field(body, "sender")
        message = field(body, "message")
        if sender.get("sender_type") != "user":  # never answer bots (or ourselves)
            return
        ids = field(sender, "sender_id")
        user = str(ids.get("open_id") or ids.get("user_id") or ids.get("union_id") or "")
        chat_id = str(message.get("chat_id") or "")
        if not user or not chat_id:
            logger.warning("feishu: event %s without sender or chat ignored", event_id)
            return
        output = FeishuOutput(self.api, chat_id, f"{chat_id}:{user}", self.memory, event_id)
        self.turns.start(self._turn(message, user, event_id, output, on_new_message))

    async def _turn(
        self,
        message: Mapping[str, Any],
        user: str,
        event_id: str,
        output: FeishuOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        sender_id = f"feishu:{user}"
        kind = str(message.get("message_type") or "")
        content = _content(message)
        metadata = {
            "feishu": {
                "event_id": event_id,
                "message_id": message.get("message_id", ""),
                "chat_id": output.chat_id,
                "chat_type": message.get("chat_type", ""),
                "type": kind,
            }
        }
        if kind == "text":
            text = strip_mentions(str(content.get("text") or ""), message.get("mentions"))
        elif kind == "file":
            text = await self._attachment(message, content, output, sender_id)
        else:
            language = self.memory.languages.of(output.conversation)
            await output.deliver(BotReply(text=attachment_refusal(kind or "?", language)))
            return
        if text:
            await run_turn(on_new_message, output, text, sender_id, self.name(), metadata)

    async def _attachment(
        self, message: Mapping[str, Any], content: Mapping[str, Any], output: FeishuOutput, sender_id: str
    ) -> str:
        name = str(content.get("file_name") or "bom")
        language = self.memory.languages.of(output.conversation)
        reason = ""
        try:
            if not is_bom_name(name):
                raise KnowledgeError("not a BOM file type")
            data = await self.api.resource(
                str(message.get("message_id") or ""), str(content.get("file_key") or ""), MAX_UPLOAD_BYTES
            )
            return await asyncio.to_thread(upload_message, name, data, sender_id, language)
        except AttachmentTooLarge:
            reason = "too large"
        except KnowledgeError as exc:
            reason = str(exc)
        except VendorApiError:
            logger.exception("feishu: could not download %s for %s", name, sender_id)
        await output.deliver(BotReply(text=attachment_refusal(name, language, reason)))
        return ""

    def _check_signature(self, headers: Mapping[str, str], body: bytes) -> None:
        timestamp = headers.get("X-Lark-Request-Timestamp", "")
        nonce = headers.get("X-Lark-Request-Nonce", "")
        signature = headers.get("X-Lark-Signature", "")
        if not (timestamp and nonce and signature):
            raise Rejected(401, "X-Lark-Request-Timestamp, X-Lark-Request-Nonce and X-Lark-Signature are required")
        expected = feishu_signature(timestamp, nonce, self.crypto.encrypt_key, body)
        if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
            raise Rejected(401, "X-Lark-Signature does not match")
        try:
            stamp = float(timestamp)
        except ValueError:
            raise Rejected(400, f"timestamp {timestamp[:20]!r} is not seconds") from None
        check_fresh(stamp, max_age_s=self.max_age_s, now_s=self.clock())

    def _check_token(self, token: object) -> None:
        if not isinstance(token, str) or not hmac.compare_digest(token.encode(), self.verification_token.encode()):
            raise Rejected(401, "verification token does not match")


def strip_mentions(text: str, mentions: object) -> str:
    """The text without the @ placeholders (`@_user_1`) Feishu puts where someone was mentioned."""
    for mention in mentions if isinstance(mentions, list) else []:
        if isinstance(mention, Mapping) and mention.get("key"):
            text = text.replace(str(mention["key"]), " ")
    text = re.sub(r"@_user_\d+", " ", text)
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")).strip()


def _content(message: Mapping[str, Any]) -> dict[str, Any]:
    try:
        content = json.loads(str(message.get("content") or "{}"))
    except ValueError:
        return {}
    return content if isinstance(content, dict) else {}


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        raise Rejected(400, "not JSON") from None
    if not isinstance(data, dict):
        raise Rejected(400, "not a JSON object")
    return data


def _ok(data: Mapping[str, Any], what: str) -> None:
    if data.get("code", 0) != 0:
        raise VendorApiError(f"feishu {what}: code {data.get('code')}: {data.get('msg', '')}", data.get("code"))
