"""DingTalk (钉钉) robot as a Rasa channel: the robot's HTTP callback in, the conversation's session webhook out.

Message receiving address `https://<host>/webhooks/dingtalk/webhook`. DingTalk POSTs each message the robot
receives as JSON with two headers: `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key=AppSecret,
timestamp + "\\n" + AppSecret)); a timestamp more than an hour from now is refused. The callback is answered at
once and the bot's replies are POSTed to the payload's `sessionWebhook` (only to the configured DingTalk
prefix). A file the buyer sends is fetched with the robot file-download API (needs app_key for a token).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.channels import ConnectorImportError

try:
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
        read_callback,
        run_turn,
        upload_message,
    )
    from knowledge.errors import KnowledgeError
except (ImportError, AttributeError) as error:  # Rasa would hide this behind "failed to find input channel class"
    raise ConnectorImportError(__name__, error) from error

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.dingtalk.com"
DEFAULT_WEBHOOK_PREFIX = "https://oapi.dingtalk.com/"
TEXT_LIMIT = 5000  # characters per message; DingTalk's own limit is larger, long replies read badly anyway


def dingtalk_sign(timestamp: str, app_secret: str) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(key=secret, timestamp + "\\n" + secret))."""
    digest = hmac.new(app_secret.encode(), f"{timestamp}\n{app_secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def check_request(
    timestamp: str, sign: str, app_secret: str, *, max_age_s: float = DEFAULT_MAX_AGE_S, now_s: float | None = None
) -> None:
    """Rejected(401) for a missing or wrong sign, Rejected(403) for a timestamp more than `max_age_s` off."""
    if not timestamp or not sign:
        raise Rejected(401, "the timestamp and sign headers are required")
    if not hmac.compare_digest(dingtalk_sign(timestamp, app_secret).encode(), sign.encode()):
        raise Rejected(401, "sign does not match")
    try:
        millis = int(timestamp)
    except ValueError:
        raise Rejected(400, f"timestamp {timestamp[:20]!r} is not milliseconds") from None
    check_fresh(millis / 1000, max_age_s=max_age_s, now_s=now_s)


class DingTalkApi:
    """Session-webhook replies, and the token + robot file download for attachments."""

    def __init__(
        self,
        base_url: str,
        app_key: str,
        app_secret: str,
        webhook_prefixes: tuple[str, ...],
        http: VendorHttp | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_key = app_key
        self._secret = app_secret
        self.webhook_prefixes = webhook_prefixes
        self.http = http or VendorHttp()
        self.token = AccessToken(self._fetch_token)

    def allowed_webhook(self, url: str) -> bool:
        return any(url.startswith(prefix) for prefix in self.webhook_prefixes)

    async def reply(self, session_webhook: str, message: Mapping[str, Any]) -> None:
        if not self.allowed_webhook(session_webhook):  # checked on receipt too; never POST elsewhere
            raise VendorApiError(f"session webhook outside {self.webhook_prefixes}")
        data = await self.http.json("POST", session_webhook, body=message)
        if str(data.get("errcode", 0)) != "0":
            raise VendorApiError(f"dingtalk sendBySession: errcode {data.get('errcode')}: {data.get('errmsg', '')}")

    async def download(self, download_code: str, robot_code: str, limit: int) -> bytes:
        """A file the buyer sent the robot (msgtype file: content.downloadCode)."""
        if not self.app_key:
            raise VendorApiError("app_key is not configured: file messages cannot be downloaded")
        token = await self.token.get()
        data = await self.http.json(
            "POST",
            f"{self.base_url}/v1.0/robot/messageFiles/download",
            body={"downloadCode": download_code, "robotCode": robot_code},
            headers={"x-acs-dingtalk-access-token": token},
        )
        url = str(data.get("downloadUrl") or "")
        if not url:
            raise VendorApiError(f"dingtalk messageFiles/download: no downloadUrl ({data.get('code', '')})")
        body, _, _ = await self.http.download("GET", url, limit=limit)
        return body

    async def _fetch_token(self) -> tuple[str, float]:
        data = await self.http.json(
            "POST", f"{self.base_url}/v1.0/oauth2/accessToken", body={"appKey": self.app_key, "appSecret": self._secret}
        )
        return str(data.get("accessToken") or ""), float(data.get("expireIn") or 7200)


class DingTalkOutput(IMOutput):
    """Bot replies into one conversation: text (with an @ of the buyer in groups), markdown for product cards,
    an ActionCard with download buttons for quotes."""

    def __init__(
        self, api: DingTalkApi, session_webhook: str, conversation: str, memory: ConversationMemory, at_user: str = ""
    ) -> None:
        super().__init__(conversation, memory)
        self.api = api
        self.session_webhook = session_webhook
        self.at_user = at_user

    @classmethod
    def name(cls) -> str:
        return "dingtalk"

    async def deliver(self, reply: BotReply) -> None:
        await self.api.reply(self.session_webhook, self.render(reply))

    def render(self, reply: BotReply) -> dict[str, Any]:
        """The sendBySession body for one reply."""
        if reply.quote is not None and reply.links():
            return {
                "msgtype": "actionCard",
                "actionCard": {
                    "title": reply.title,
                    "text": as_markdown(reply, with_links=False)[:TEXT_LIMIT],
                    "btnOrientation": "1",
                    "btns": [{"title": label, "actionURL": url} for label, url in reply.links()],
                },
            }
        if reply.rich:
            return {"msgtype": "markdown", "markdown": {"title": reply.title, "text": as_markdown(reply)[:TEXT_LIMIT]}}
        if not self.at_user:
            return {"msgtype": "text", "text": {"content": as_text(reply)[:TEXT_LIMIT]}}
        # DingTalk shows the mention only when the content names the user too.
        content = f"@{self.at_user} {as_text(reply)}"[:TEXT_LIMIT]
        return {"msgtype": "text", "text": {"content": content}, "at": {"atUserIds": [self.at_user]}}


class DingTalkInput(InputChannel):
    """DingTalk robot HTTP callback. credentials.yml: app_secret; optional app_key (file downloads), api_base,
    webhook_prefix (where session webhooks may point), max_age_s, language."""

    @classmethod
    def name(cls) -> str:
        return "dingtalk"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> DingTalkInput:
        credentials = credentials or {}
        if not credentials.get("app_secret"):
            raise ValueError(f"{cls.name()}: credentials.yml lacks app_secret")
        prefixes = credentials.get("webhook_prefix") or DEFAULT_WEBHOOK_PREFIX
        return cls(
            app_secret=str(credentials["app_secret"]),
            app_key=str(credentials.get("app_key") or ""),
            api_base=str(credentials.get("api_base") or DEFAULT_API_BASE),
            webhook_prefixes=tuple(str(p) for p in ([prefixes] if isinstance(prefixes, str) else prefixes)),
            max_age_s=float(credentials.get("max_age_s") or DEFAULT_MAX_AGE_S),
            language=str(credentials.get("language") or "zh"),
        )

    def __init__(
        self,
        app_secret: str,
        *,
        app_key: str = "",
        api_base: str = DEFAULT_API_BASE,
        webhook_prefixes: tuple[str, ...] = (DEFAULT_WEBHOOK_PREFIX,),
        max_age_s: float = DEFAULT_MAX_AGE_S,
        language: str = "zh",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not webhook_prefixes or any(not p.startswith(("https://", "http://")) for p in webhook_prefixes):
            raise ValueError(f"webhook_prefix must be http(s) URLs, got {webhook_prefixes!r}")
        self.app_secret = app_secret
        self.api = DingTalkApi(api_base, app_key, app_secret, webhook_prefixes)
        self.max_age_s = max_age_s
        self.clock = clock
        self.seen = SeenIds()
        self.memory = ConversationMemory(language)
        self.turns = BackgroundTurns()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        dingtalk = Blueprint("dingtalk_webhook", __name__)

        @dingtalk.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @dingtalk.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                payload = self.open_callback(request.headers, await read_callback(request))
            except Rejected as exc:
                logger.warning("dingtalk: callback refused (%s): %s", exc.status, exc.reason)
                return response.json({"error": "forbidden" if exc.status in (401, 403) else "bad request"}, exc.status)
            self.dispatch(payload, on_new_message)
            return response.json({})  # the reply goes through the session webhook

        @dingtalk.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.api.http.close()

        return dingtalk

    def open_callback(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """The JSON payload of a signed, fresh callback whose session webhook is DingTalk's; Rejected otherwise."""
        if len(body) > MAX_CALLBACK_BYTES:
            raise Rejected(400, f"callback of {len(body)} bytes")
        check_request(
            headers.get("timestamp", ""),
            headers.get("sign", ""),
            self.app_secret,
            max_age_s=self.max_age_s,
            now_s=self.clock(),
        )
        try:
            payload = json.loads(body)
        except ValueError:
            raise Rejected(400, "body is not JSON") from None
        if not isinstance(payload, dict):
            raise Rejected(400, "body is not a JSON object")
        webhook = str(payload.get("sessionWebhook") or "")
        if webhook and not self.api.allowed_webhook(webhook):
            raise Rejected(403, "sessionWebhook points outside the configured webhook_prefix")
        return payload

    def dispatch(self, payload: Mapping[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Start the turn for one message (once per msgId)."""
        webhook = str(payload.get("sessionWebhook") or "")
        user = str(payload.get("senderStaffId") or payload.get("senderId") or "")
        msg_id = str(payload.get("msgId") or "")
        if not webhook or not user:
            logger.warning("dingtalk: message %s without sessionWebhook or sender ignored", msg_id)
            return
        if msg_id and not self.seen.first_time(msg_id):
            logger.info("dingtalk: message %s already handled (a retry or replay)", msg_id)
            return
        expires = payload.get("sessionWebhookExpiredTime")
        if isinstance(expires, int | float) and expires / 1000 < self.clock():
            logger.warning("dingtalk: the session webhook of message %s has expired; no reply possible", msg_id)
            return
        group = str(payload.get("conversationType")) == "2"
        at_user = str(payload.get("senderStaffId") or "") if group else ""
        output = DingTalkOutput(self.api, webhook, f"{payload.get('conversationId', '')}:{user}", self.memory, at_user)
        self.turns.start(self._turn(payload, user, output, on_new_message))

    async def _turn(
        self,
        payload: Mapping[str, Any],
        user: str,
        output: DingTalkOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        sender_id = f"dingtalk:{user}"
        kind = str(payload.get("msgtype") or "")
        metadata = {
            "dingtalk": {
                "msg_id": payload.get("msgId", ""),
                "conversation_id": payload.get("conversationId", ""),
                "conversation_type": payload.get("conversationType", ""),
                "type": kind,
            }
        }
        text = message_text(payload)
        if kind == "file":
            text = await self._attachment(payload, output, sender_id)
        elif not text:
            language = self.memory.languages.of(output.conversation)
            await output.deliver(BotReply(text=attachment_refusal(kind or "?", language)))
            return
        if text:
            await run_turn(on_new_message, output, text, sender_id, self.name(), metadata)

    async def _attachment(self, payload: Mapping[str, Any], output: DingTalkOutput, sender_id: str) -> str:
        content = field(payload, "content")
        name = str(content.get("fileName") or "bom")
        language = self.memory.languages.of(output.conversation)
        reason = ""
        try:
            if not is_bom_name(name):
                raise KnowledgeError("not a BOM file type")
            robot = str(payload.get("robotCode") or "")
            data = await self.api.download(str(content.get("downloadCode") or ""), robot, MAX_UPLOAD_BYTES)
            return await asyncio.to_thread(upload_message, name, data, sender_id, language)
        except AttachmentTooLarge:
            reason = "too large"
        except KnowledgeError as exc:
            reason = str(exc)
        except VendorApiError:
            logger.exception("dingtalk: could not download %s for %s", name, sender_id)
        await output.deliver(BotReply(text=attachment_refusal(name, language, reason)))
        return ""


def message_text(payload: Mapping[str, Any]) -> str:
    """The words of a text or rich-text message ('' for other kinds)."""
    kind = payload.get("msgtype")
    if kind == "text":
        text = payload.get("text")
        return str(text.get("content") or "").strip() if isinstance(text, Mapping) else ""
    if kind == "richText":
        content = payload.get("content")
        parts = content.get("richText") if isinstance(content, Mapping) else None
        return " ".join(str(p.get("text")) for p in parts or [] if isinstance(p, Mapping) and p.get("text")).strip()
    return ""
