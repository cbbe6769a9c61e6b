"""WeCom (企业微信) self-built app as a Rasa channel: the encrypted callback in, the message-send API out.

Callback URL `https://<host>/webhooks/wecom/webhook`. WeCom checks it with a GET (msg_signature, timestamp,
nonce, echostr: we answer the decrypted echostr) and then POSTs each message as XML whose <Encrypt> is
AES-256-CBC under the EncodingAESKey. msg_signature = SHA1 of the sorted token, timestamp, nonce and
ciphertext. Plaintext = 16 random bytes + 4-byte big-endian length + message + receive id (the corp id),
PKCS#7-padded to 32 bytes. The callback is answered at once (WeCom retries after 5 s); the bot's replies go
out through `cgi-bin/message/send` with a cached access token.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
import os
import struct
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from xml.etree import ElementTree

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
        is_bom_name,
        pkcs7_pad,
        pkcs7_unpad,
        read_callback,
        run_turn,
        split_utf8,
        upload_message,
    )
    from knowledge.errors import KnowledgeError
except (ImportError, AttributeError) as error:  # Rasa would hide this behind "failed to find input channel class"
    raise ConnectorImportError(__name__, error) from error

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"
MESSAGE_LIMIT_BYTES = 2048  # text and markdown content, per WeCom's message-send API
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid credential, invalid access_token, access_token expired


class WeComCrypto:
    """WeCom's callback cipher (WXBizMsgCrypt; DingTalk's event callbacks use the same scheme)."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError(f"the EncodingAESKey has 43 characters, this one {len(encoding_aes_key)}")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error:
            raise ValueError("the EncodingAESKey is not base64") from None
        self._token = token
        self._key = key  # 32 bytes: AES-256; the IV is its first 16 bytes
        self._receive_id = receive_id.encode()

    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return hashlib.sha1("".join(sorted((self._token, timestamp, nonce, encrypted))).encode()).hexdigest()

    def check_signature(self, signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
        """Rejected(401) unless `signature` is this app's msg_signature of the other three."""
        expected = self.signature(timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
            raise Rejected(401, "msg_signature does not match")

    def encrypt(self, message: bytes, random16: bytes | None = None) -> str:
        random16 = os.urandom(16) if random16 is None else random16
        plain = pkcs7_pad(random16 + struct.pack(">I", len(message)) + message + self._receive_id, 32)
        encryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> bytes:
        """The message inside; CryptoError for bad base64, padding, length, or another app's receive id."""
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CryptoError("ciphertext is not base64") from None
        if not raw or len(raw) % 16:
            raise CryptoError(f"ciphertext of {len(raw)} bytes is not whole AES blocks")
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16])).decryptor()
        plain = pkcs7_unpad(decryptor.update(raw) + decryptor.finalize(), 32)
        if len(plain) < 20:
            raise CryptoError("plaintext too short for random bytes and a length")
        (length,) = struct.unpack(">I", plain[16:20])
        if length > len(plain) - 20:
            raise CryptoError(f"stated length {length} exceeds the {len(plain) - 20} bytes present")
        message, receiver = plain[20 : 20 + length], plain[20 + length :]
        if not hmac.compare_digest(receiver, self._receive_id):
            raise CryptoError(f"message for receive id {receiver[:40]!r}, not this app")
        return message


def parse_xml(body: bytes) -> dict[str, str]:
    """The children of a flat <xml> document as tag → text; Rejected(400) otherwise (no DTDs, no entities)."""
    if b"<!" in body.replace(b"<![CDATA[", b""):
        raise Rejected(400, "DTDs and entities are not accepted")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise Rejected(400, f"not XML: {exc}") from None
    return {child.tag: child.text or "" for child in root}


class WeComApi:
    """The parts of WeCom's server API the bot uses: gettoken, message/send, media/get."""

    def __init__(self, base_url: str, corp_id: str, secret: str, agent_id: int, http: VendorHttp | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.corp_id = corp_id
        self.agent_id = agent_id
        self._secret = secret
        self.http = http or VendorHttp()
        self.token = AccessToken(self._fetch_token)

    async def send(self, user_id: str, message: Mapping[str, Any]) -> None:
        """One application message (`{"msgtype": ..., <msgtype>: {...}}`) to one member."""
        body = {"touser": user_id, "agentid": self.agent_id, **message}
        for attempt in (1, 2):
            token = await self.token.get()
            data = await self.http.json(
                "POST", f"{self.base_url}/cgi-bin/message/send", params={"access_token": token}, body=body
            )
            if data.get("errcode") in TOKEN_ERRORS and attempt == 1:
                self.token.invalidate()
                continue
            _ok(data, "message/send")
            return

    async def media(self, media_id: str, limit: int) -> tuple[bytes, str]:
        """A temporary media file (an attachment) and its file name."""
        token = await self.token.get()
        data, content_type, name = await self.http.download(
            "GET",
            f"{self.base_url}/cgi-bin/media/get",
            params={"access_token": token, "media_id": media_id},
            limit=limit,
        )
        if content_type in ("application/json", "text/plain") and data.lstrip().startswith(b"{"):
            raise VendorApiError(f"media/get: {data[:200]!r}")  # errors come back as JSON with HTTP 200
        return data, name

    async def _fetch_token(self) -> tuple[str, float]:
        data = await self.http.json(
            "GET", f"{self.base_url}/cgi-bin/gettoken", params={"corpid": self.corp_id, "corpsecret": self._secret}
        )
        _ok(data, "gettoken")
        return str(data.get("access_token") or ""), float(data.get("expires_in") or 7200)


class WeComOutput(IMOutput):
    """Bot replies to one member: text, or markdown for product cards and quotes (split at 2048 bytes)."""

    def __init__(self, api: WeComApi, user_id: str, memory: ConversationMemory, *, markdown: bool) -> None:
        super().__init__(user_id, memory)
        self.api = api
        self.user_id = user_id
        self.markdown = markdown

    @classmethod
    def name(cls) -> str:
        return "wecom"

    async def deliver(self, reply: BotReply) -> None:
        if reply.rich and self.markdown:
            for piece in split_utf8(as_markdown(reply), MESSAGE_LIMIT_BYTES):
                await self.api.send(self.user_id, {"msgtype": "markdown", "markdown": {"content": piece}})
        else:
            for piece in split_utf8(as_text(reply), MESSAGE_LIMIT_BYTES):
                await self.api.send(self.user_id, {"msgtype": "text", "text": {"content": piece}})


class WeComInput(InputChannel):
    """WeCom self-built app callback. credentials.yml: corp_id, agent_id, secret, token, encoding_aes_key;
    optional api_base, max_age_s (signed timestamp window), markdown (false: plain text only), language."""

    @classmethod
    def name(cls) -> str:
        return "wecom"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeComInput:
        credentials = credentials or {}
        missing = [k for k in ("corp_id", "agent_id", "secret", "token", "encoding_aes_key") if not credentials.get(k)]
        if missing:
            raise ValueError(f"{cls.name()}: credentials.yml lacks {', '.join(missing)}")
        return cls(
            corp_id=str(credentials["corp_id"]),
            agent_id=int(credentials["agent_id"]),
            secret=str(credentials["secret"]),
            token=str(credentials["token"]),
            encoding_aes_key=str(credentials["encoding_aes_key"]),
            api_base=str(credentials.get("api_base") or DEFAULT_API_BASE),
            max_age_s=float(credentials.get("max_age_s") or DEFAULT_MAX_AGE_S),
            markdown=bool(credentials.get("markdown", True)),
            language=str(credentials.get("language") or "zh"),
        )

    def __init__(
        self,
        corp_id: str,
        agent_id: int,
        secret: str,
        token: str,
        encoding_aes_key: str,
        *,
        api_base: str = DEFAULT_API_BASE,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        markdown: bool = True,
        language: str = "zh",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.crypto = WeComCrypto(token, encoding_aes_key, corp_id)
        self.api = WeComApi(api_base, corp_id, secret, agent_id)
        self.agent_id = agent_id
        self.max_age_s = max_age_s
        self.markdown = markdown
        self.clock = clock
        self.seen = SeenIds()
        self.memory = ConversationMemory(language)
        self.turns = BackgroundTurns()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        wecom = Blueprint("wecom_webhook", __name__)

        @wecom.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @wecom.route("/webhook", methods=["GET"])
        async def verify_url(request: Request) -> HTTPResponse:
            try:
                return response.text(self.verify_url(_query(request)))
            except Rejected as exc:
                return _refuse(exc)

        @wecom.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                message = self.open_callback(_query(request), await read_callback(request))
            except Rejected as exc:
                return _refuse(exc)
            self.dispatch(message, on_new_message)
            return response.text("")  # an empty 200: WeCom stops retrying, the reply goes through the API

        @wecom.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.api.http.close()

        return wecom

    def verify_url(self, query: Mapping[str, str]) -> str:
        """The decrypted echostr of WeCom's URL check."""
        echostr = query.get("echostr", "")
        self._authenticate(query, echostr)
        return self._decrypt(echostr).decode()

    def open_callback(self, query: Mapping[str, str], body: bytes) -> dict[str, str]:
        """The decrypted message of a signed, fresh callback; Rejected otherwise."""
        if len(body) > MAX_CALLBACK_BYTES:
            raise Rejected(400, f"callback of {len(body)} bytes")
        encrypted = parse_xml(body).get("Encrypt", "").strip()
        self._authenticate(query, encrypted)
        return parse_xml(self._decrypt(encrypted))

    def dispatch(self, message: Mapping[str, str], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Start the turn for a buyer's message (once per MsgId: WeCom retries)."""
        user = message.get("FromUserName", "").strip()
        kind = message.get("MsgType", "").strip()
        agent = message.get("AgentID", "").strip()
        if agent and agent != str(self.agent_id):
            logger.warning("wecom: message for agent %s ignored (this app is agent %s)", agent, self.agent_id)
            return
        if not user or kind == "event":  # enter_agent, subscribe, ...: nothing to answer
            return
        key = message.get("MsgId", "").strip() or f"{user}:{message.get('CreateTime', '')}"
        if not self.seen.first_time(key):
            logger.info("wecom: message %s already handled (a WeCom retry)", key)
            return
        output = WeComOutput(self.api, user, self.memory, markdown=self.markdown)
        self.turns.start(self._turn(message, kind, output, on_new_message))

    async def _turn(
        self,
        message: Mapping[str, str],
        kind: str,
        output: WeComOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        sender_id = f"wecom:{output.user_id}"
        metadata = {"wecom": {"user_id": output.user_id, "msg_id": message.get("MsgId", ""), "type": kind}}
        if kind == "text":
            text = message.get("Content", "")
        elif kind == "file" and message.get("MediaId"):
            text = await self._attachment(message, output, sender_id)
            if not text:
                return
        else:
            language = self.memory.languages.of(output.user_id)
            await output.deliver(BotReply(text=attachment_refusal(kind or "?", language)))
            return
        await run_turn(on_new_message, output, text, sender_id, self.name(), metadata)

    async def _attachment(self, message: Mapping[str, str], output: WeComOutput, sender_id: str) -> str:
        """Download a file message's media and store it as a BOM upload; '' after telling the buyer why not."""
        language = self.memory.languages.of(output.user_id)
        name = message.get("FileName", "").strip() or "bom"
        try:
            data, served_name = await self.api.media(message["MediaId"].strip(), MAX_UPLOAD_BYTES)
            name = message.get("FileName", "").strip() or served_name or name
            if not is_bom_name(name):
                raise KnowledgeError("not a BOM file type")
            return await asyncio.to_thread(upload_message, name, data, sender_id, language)
        except AttachmentTooLarge:
            reason = "too large"
        except KnowledgeError as exc:
            reason = str(exc)
        except VendorApiError:
            logger.exception("wecom: could not download media for %s", sender_id)
            reason = ""
        await output.deliver(BotReply(text=attachment_refusal(name, language, reason)))
        return ""

    def _authenticate(self, query: Mapping[str, str], encrypted: str) -> None:
        signature, timestamp, nonce = (query.get(k, "") for k in ("msg_signature", "timestamp", "nonce"))
        if not (signature and timestamp and nonce and encrypted):
            raise Rejected(401, "msg_signature, timestamp, nonce and the ciphertext are required")
        self.crypto.check_signature(signature, timestamp, nonce, encrypted)
        try:
            stamp = float(timestamp)
        except ValueError:
            raise Rejected(400, f"timestamp {timestamp[:20]!r} is not a number") from None
        check_fresh(stamp, max_age_s=self.max_age_s, now_s=self.clock())

    def _decrypt(self, encrypted: str) -> bytes:
        try:
            return self.crypto.decrypt(encrypted)
        except CryptoError as exc:
            raise Rejected(403, f"cannot decrypt: {exc}") from None


def _query(request: Request) -> dict[str, str]:
    return {key: str(request.args.get(key) or "") for key in request.args}


def _refuse(exc: Rejected) -> HTTPResponse:
    logger.warning("wecom: callback refused (%s): %s", exc.status, exc.reason)
    return response.text("forbidden" if exc.status in (401, 403) else "bad request", status=exc.status)


def _ok(data: Mapping[str, Any], what: str) -> None:
    if data.get("errcode", 0) != 0:
        raise VendorApiError(
            f"wecom {what}: errcode {data.get('errcode')}: {data.get('errmsg', '')}", data.get("errcode")
        )
