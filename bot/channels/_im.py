"""What the WeCom, DingTalk and Feishu connectors share.

PKCS#7 that checks every padding byte, a freshness check and a TTL set of seen ids (vendors retry; attackers
replay), an aiohttp client for the vendors' APIs with a cached access token, one Rasa turn that never goes
silent, numbered replies for buttons, BOM attachments handed to the quote flow, and bot replies (text, buttons,
a product `card`, a `quote`) rendered as plain text or markdown.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.quotes import MAX_UPLOAD_BYTES, QuoteStore
from bot.settings import get_settings
from knowledge.bom import FILE_TYPES, FILE_TYPES_TEXT
from knowledge.messages import message
from knowledge.specs import detect_language

logger = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 256 * 1024  # vendors' callbacks are a few KB; anything larger is not theirs
DEFAULT_MAX_AGE_S = 3600.0  # DingTalk's documented window; the other two sign a timestamp we hold to the same


class Rejected(Exception):
    """A callback the connector refuses; `status` is the HTTP answer (400 malformed, 401 forged, 403 stale)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class CryptoError(ValueError):
    """Ciphertext that does not decrypt to a well-formed message for this app (bad key, padding or receiver)."""


class VendorApiError(RuntimeError):
    """The vendor's API failed: an HTTP error, a body that is not JSON, or an error code in the JSON."""

    def __init__(self, message: str, code: object = None) -> None:
        super().__init__(message)
        self.code = code


class AttachmentTooLarge(VendorApiError):
    """A file from the chat is larger than BOM uploads may be."""


# --- padding, freshness, replays ---------------------------------------------------------------------------


def pkcs7_pad(data: bytes, block_size: int) -> bytes:
    """Pad to a multiple of `block_size` (1..255) with n bytes of value n; a full block when already aligned."""
    n = block_size - len(data) % block_size
    return data + bytes([n]) * n


def pkcs7_unpad(data: bytes, block_size: int) -> bytes:
    """Strip PKCS#7 padding; CryptoError unless the length is a block multiple and all n pad bytes equal n."""
    if not data or len(data) % block_size:
        raise CryptoError(f"decrypted length {len(data)} is not a multiple of {block_size}")
    n = data[-1]
    if not 1 <= n <= block_size or data[-n:] != bytes([n]) * n:
        raise CryptoError("bad PKCS#7 padding")
    return data[:-n]


def check_fresh(timestamp_s: float, *, max_age_s: float, now_s: float | None = None) -> None:
    """Rejected(403) when a signed timestamp is further than `max_age_s` from now (a replayed request)."""
    now = time.time() if now_s is None else now_s
    if abs(now - timestamp_s) > max_age_s:
        raise Rejected(403, f"timestamp {timestamp_s:.0f} is {abs(now - timestamp_s):.0f} s from now")


class SeenIds:
    """Ids seen in the last `ttl_s` seconds (at most `max_items`), so a vendor's retry is handled once."""

    def __init__(
        self, ttl_s: float = 12 * 3600, max_items: int = 50_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_s
        self._max = max_items
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time `key` comes (and remembers it); False for a repeat within the TTL."""
        now = self._clock()
        while self._seen and (next(iter(self._seen.values())) < now - self._ttl or len(self._seen) >= self._max):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


# --- numbered buttons ------------------------------------------------------------------------------------------


class ButtonChoices:
    """The buttons last shown in each conversation, so that replying "2" clicks the second one.

    IM text messages have no quick replies; the options are numbered instead. Each turn forgets the previous
    options, so a number only ever means an option the buyer has just seen.
    """

    def __init__(
        self, ttl_s: float = 3600, max_conversations: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_s
        self._max = max_conversations
        self._clock = clock
        self._shown: OrderedDict[str, tuple[float, list[str]]] = OrderedDict()

    def remember(self, conversation: str, payloads: list[str]) -> None:
        self._shown.pop(conversation, None)
        self._shown[conversation] = (self._clock(), payloads)
        while len(self._shown) > self._max:
            self._shown.popitem(last=False)

    def take(self, conversation: str, text: str) -> str:
        """The payload of button `text` ("1", "２", " 3 ") if one was just shown, else `text`; forgets the options."""
        shown = self._shown.pop(conversation, None)
        number = text.strip()
        if shown is None or not number.isdigit() or self._clock() - shown[0] > self._ttl:
            return text
        index = int(number) - 1  # int() reads full-width digits too
        payloads = shown[1]
        return payloads[index] if 0 <= index < len(payloads) else text


class ConversationMemory:
    """What a connector keeps per conversation between turns: the options last shown, the language last used."""

    def __init__(self, default_language: str = "zh", clock: Callable[[], float] = time.monotonic) -> None:
        self.choices = ButtonChoices(clock=clock)
        self.languages = RecentLanguages(default_language)


# --- bot replies ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotReply:
    """One bot message as Rasa hands it to an output channel, with our custom payloads unpacked."""

    text: str = ""
    buttons: tuple[Button, ...] = ()
    card: Mapping[str, Any] | None = None  # bot.cards.product_card
    quote: Mapping[str, Any] | None = None  # bot.cards.quote_card
    image: str = ""
    attachment: str = ""

    @classmethod
    def from_rasa(cls, message: Mapping[str, Any]) -> BotReply:
        raw_buttons = message.get("buttons") or message.get("quick_replies") or []
        buttons = tuple(
            Button(str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or b.get("title") or ""))
            for b in raw_buttons
            if isinstance(b, Mapping)
        )
        custom = message.get("custom")
        data = custom.get("data", custom) if isinstance(custom, Mapping) else {}
        data = data if isinstance(data, Mapping) else {}
        card, quote = data.get("card"), data.get("quote")
        return cls(
            text=str(message.get("text") or "").strip(),
            buttons=buttons,
            card=card if isinstance(card, Mapping) else None,
            quote=quote if isinstance(quote, Mapping) else None,
            image=str(message.get("image") or ""),
            attachment=str(message.get("attachment") or ""),
        )

    @property
    def empty(self) -> bool:
        return not (self.text or self.buttons or self.card or self.quote or self.image or self.attachment)

    @property
    def rich(self) -> bool:
        """Has a product card or a quote: worth the vendor's markdown / card format."""
        return self.card is not None or self.quote is not None

    @property
    def language(self) -> str:
        return detect_language(self.text or str((self.card or {}).get("title", "")))

    @property
    def title(self) -> str:
        """A short heading: the product's MPN · maker, the quote id, or the first line of the text."""
        if self.card is not None:
            head = " · ".join(str(x) for x in (self.card.get("mpn"), self.card.get("manufacturer")) if x)
            return head or str(self.card.get("title") or "")
        if self.quote is not None:
            quote_id, revision = self.quote.get("quote_id", ""), self.quote.get("revision", "")
            return message("im.quote_title", self.language, quote_id=quote_id, revision=revision)
        return self.text.split("\n", 1)[0][:60]

    def links(self) -> list[tuple[str, str]]:
        """(label, URL) for the quote's downloads and the product's datasheet."""
        links: list[tuple[str, str]] = []
        if self.quote is not None:
            downloads = self.quote.get("downloads") or {}
            links += [(fmt.upper(), str(url)) for fmt, url in downloads.items() if _is_web_url(url)]
        if self.card is not None and _is_web_url(self.card.get("datasheet")):
            links.append((message("im.datasheet", self.language), str(self.card["datasheet"])))
        return links


def as_text(reply: BotReply) -> str:
    """Plain text: the message, the card's facts, links as bare URLs, and numbered options."""
    parts = [reply.text] if reply.text else []
    if reply.card is not None:
        parts.append("\n".join(_card_lines(reply.card, markdown=False, said=reply.text)))
    parts += [f"{label}: {url}" for label, url in reply.links()]
    for url in (reply.image, reply.attachment):
        if url:
            parts.append(url)
    if reply.buttons:
        parts.append(numbered_options(reply))
    return "\n".join(p for p in parts if p)


def as_markdown(reply: BotReply, *, with_links: bool = True) -> str:
    """Markdown that WeCom, DingTalk and Feishu (lark_md) all render: bold title, facts list, links, options."""
    parts = [_md_text(reply.text)] if reply.text else []
    if reply.card is not None:
        parts.append("  \n".join(_card_lines(reply.card, markdown=True, said=reply.text)))
    if with_links and reply.links():
        parts.append("  ".join(f"[{_md_label(label)}]({url})" for label, url in reply.links()))
    if reply.image:
        parts.append(f"![]({reply.image})")
    if reply.buttons:
        parts.append(numbered_options(reply))
    return "\n\n".join(p for p in parts if p)


def numbered_options(reply: BotReply) -> str:
    head = message("reply.pick_number", reply.language)
    return "\n".join([head, *(f"{i}. {b.title}" for i, b in enumerate(reply.buttons, 1))])


def split_utf8(text: str, limit_bytes: int) -> list[str]:
    """Cut text into pieces of at most `limit_bytes` UTF-8 bytes, at line breaks where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit_bytes:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line.encode()) > limit_bytes:  # one line longer than a message: cut it by characters
            cut = len(line.encode()[:limit_bytes].decode(errors="ignore"))
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def _card_lines(card: Mapping[str, Any], *, markdown: bool, said: str) -> list[str]:
    """The card as lines; the answer and the source are left out when the message text already says them."""
    bold = (lambda s: f"**{s}**") if markdown else (lambda s: s)
    codes = " · ".join(str(x) for x in (card.get("mpn"), card.get("manufacturer"), card.get("sku")) if x)
    lines = [bold(str(card.get("title") or codes))]
    if codes and codes != card.get("title"):
        lines.append(codes)
    if card.get("answer") and str(card["answer"]) not in said:
        lines.append(bold(str(card["answer"])))
    for fact in list(card.get("facts") or [])[:8]:
        if isinstance(fact, list | tuple) and len(fact) == 2:
            lines.append(f"- {fact[0]}: {fact[1]}")
    trade = " · ".join(str(x) for x in (card.get("price"), card.get("stock")) if x)
    if trade:
        lines.append(trade)
    if card.get("source") and str(card["source"]) not in said:
        lines.append(str(card["source"]))
    return lines


def _md_text(text: str) -> str:
    # Markdown would join single line breaks; the bot's text is line-oriented, so keep each line.
    return "  \n".join(text.split("\n"))


def _md_label(label: str) -> str:
    return re.sub(r"[\[\]()]", "", label)


def field(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """`data[key]` when it is an object, else {}: vendor payloads are read defensively."""
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _is_web_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


# --- one turn ------------------------------------------------------------------------------------------------


def failure_notice(language: str) -> str:
    return message("reply.failure", language)


class IMOutput(OutputChannel):
    """Renders each bot message as one vendor message and sends it right away; counts what it sent."""

    def __init__(self, conversation: str, memory: ConversationMemory) -> None:
        self.conversation = conversation
        self.memory = memory
        self.sent = 0

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        reply = BotReply.from_rasa(message)
        if reply.empty:
            return
        if reply.buttons:
            self.memory.choices.remember(self.conversation, [b.payload for b in reply.buttons])
        await self.deliver(reply)
        self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def deliver(self, reply: BotReply) -> None:
        """Send one reply through the vendor's API."""
        raise NotImplementedError


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    output: IMOutput,
    text: str,
    sender_id: str,
    input_channel: str,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Hand one buyer message to Rasa. If the turn fails or says nothing (a crashed action leaves Rasa silent),
    log it and tell the buyer, in their language, that something went wrong."""
    text = output.memory.choices.take(output.conversation, text)
    output.memory.languages.note(output.conversation, text)
    language = output.memory.languages.of(output.conversation)
    try:
        await on_new_message(UserMessage(text, output, sender_id, input_channel=input_channel, metadata=metadata))
    except Exception:
        logger.exception("%s: the turn for %s failed", input_channel, sender_id)
    else:
        if output.sent:
            return
        logger.error(
            "%s: the turn for %s produced no reply (a failed action?); text %r", input_channel, sender_id, text
        )
    try:
        await output.deliver(BotReply(text=failure_notice(language)))
    except Exception:
        logger.exception("%s: could not tell %s that the turn failed", input_channel, sender_id)


class BackgroundTurns:
    """Turns run after the callback has been answered (vendors retry when a callback takes seconds)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, turn: Awaitable[None]) -> None:
        task = asyncio.ensure_future(turn)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait(self) -> None:
        """Until every started turn has finished (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


# --- attachments ------------------------------------------------------------------------------------------------


def upload_message(name: str, data: bytes, sender_id: str, language: str) -> str:
    """Store a BOM from the chat like the web chat's upload does; the message that asks Rasa to quote it.

    KnowledgeError (empty or too large) carries the reason for the buyer. Blocking (SQLite): run it in a thread.
    """
    upload_id = QuoteStore(get_settings().db()).save_upload(name, data, sender_id)
    return "/upload_bom" + json.dumps({"upload_id": upload_id, "language": language})


class RecentLanguages:
    """The language each conversation last wrote in, so a file sent without words is answered in it."""

    def __init__(self, default: str = "zh", max_conversations: int = 10_000) -> None:
        self.default = default
        self._max = max_conversations
        self._last: OrderedDict[str, str] = OrderedDict()

    def note(self, conversation: str, text: str) -> None:
        if text.startswith("/"):  # a button payload says nothing about the buyer's language
            return
        self._last.pop(conversation, None)
        self._last[conversation] = detect_language(text)
        while len(self._last) > self._max:
            self._last.popitem(last=False)

    def of(self, conversation: str) -> str:
        return self._last.get(conversation, self.default)


def attachment_refusal(name: str, language: str, reason: str = "") -> str:
    """What to tell a buyer whose attachment cannot be quoted."""
    why = message("reply.paren", language, text=reason) if reason else ""
    mb = MAX_UPLOAD_BYTES // 2**20
    return message("reply.attachment.refused", language, name=name, why=why, types=FILE_TYPES_TEXT, mb=mb)


def is_bom_name(name: str) -> bool:
    return name.lower().endswith(FILE_TYPES)


# --- callbacks -----------------------------------------------------------------------------------------------------


async def read_callback(request: Any, limit: int = MAX_CALLBACK_BYTES) -> bytes:
    """The body of a vendor callback (a Sanic route with `stream=True`), refused with Rejected(413) before it is
    read when it declares more than `limit` bytes, and as soon as more than `limit` have arrived otherwise."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Rejected(413, f"callback of {declared} bytes (limit {limit})")
    body = bytearray()
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return bytes(body)
        body += chunk
        if len(body) > limit:
            raise Rejected(413, f"callback of more than {limit} bytes")


# --- vendor HTTP --------------------------------------------------------------------------------------------------


class VendorHttp:
    """JSON calls to a vendor's API over one aiohttp session, opened on first use inside the server's loop.

    Errors name the method and the URL without its query string: query strings carry access tokens.
    """

    def __init__(self, timeout_s: float = 15.0) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        async with self._open().request(method, url, params=params, json=body, headers=headers) as response:
            raw = await response.read()
            if response.status >= 400:
                raise VendorApiError(f"{method} {_bare(url)}: HTTP {response.status}: {raw[:300]!r}", response.status)
            try:
                data = json.loads(raw)
            except ValueError:
                raise VendorApiError(f"{method} {_bare(url)}: not JSON: {raw[:300]!r}") from None
        if not isinstance(data, dict):
            raise VendorApiError(f"{method} {_bare(url)}: expected a JSON object, got {type(data).__name__}")
        return data

    async def download(
        self,
        method: str,
        url: str,
        *,
        limit: int,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[bytes, str, str]:
        """(body, content type, file name from Content-Disposition) of a file of at most `limit` bytes."""
        async with self._open().request(method, url, params=params, headers=headers) as response:
            if response.status >= 400:
                raise VendorApiError(f"{method} {_bare(url)}: HTTP {response.status}", response.status)
            data = await response.content.read(limit + 1)
            if len(data) > limit:
                raise AttachmentTooLarge(f"{method} {_bare(url)}: larger than {limit} bytes")
            disposition = response.content_disposition
            name = (disposition.filename if disposition else None) or ""
            return data, response.content_type, name

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session


class AccessToken:
    """A vendor access token, fetched on first use and again shortly before it expires; one fetch at a time."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[tuple[str, float]]],
        *,
        margin_s: float = 300,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch  # returns (token, seconds it is valid for)
        self._margin = margin_s
        self._clock = clock
        self._token = ""
        self._expires = 0.0
        self._lock: asyncio.Lock | None = None

    async def get(self) -> str:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if not self._token or self._clock() >= self._expires:
                token, valid_s = await self._fetch()
                if not token:
                    raise VendorApiError("the token endpoint returned no token")
                self._token = token
                self._expires = self._clock() + max(0.0, valid_s - self._margin)
            return self._token

    def invalidate(self) -> None:
        self._token = ""


def _bare(url: str) -> str:
    return url.split("?", 1)[0]
