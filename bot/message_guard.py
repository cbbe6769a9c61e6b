"""What a buyer's message must be before Rasa spends any work on it: one check for every channel.

Rasa's NLU pipeline is not linear in the message length (DIET's attention is quadratic in tokens): one 100 kB
message once stopped the bot answering every buyer for minutes, another grew Rasa to 21 GB. So, before the
conversation lock and before NLU (`install()` wraps `Agent.handle_message`, which web chat, REST and the IM
connectors all call):

- a pasted BOM table (any length up to MAX_PASTE_CHARS) skips NLU: it is the `upload_bom` intent by its
  shape, and the quote action reads the rows from the message text;
- any other message longer than MAX_MESSAGE_CHARS is answered, in the buyer's language, that it is too long,
  and goes no further (nothing stored, no NLU, no action);
- a conversation id with control characters or of absurd length is refused (it would end up in transcripts,
  exports and logs).

The limits are also enforced where bytes enter: socket.io's buffer (bot/channels/socketio.py), Sanic's request
size (bot/rasa_server.py), the REST body check (bot/channels/rest.py), IM callbacks (bot/channels/_im.py).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from knowledge.bom import looks_like_pasted_bom
from knowledge.errors import KnowledgeError
from knowledge.messages import message
from knowledge.specs import detect_language

logger = logging.getLogger(__name__)

# A question, a form answer, a few lines of text. NLU cost grows faster than the length (DIET's attention): measured
# 31 / 45 ms at 1,000 characters (Latin / Chinese), 64 / 168 ms at 2,000, 553 / 940 ms at 8,000 (README, Security).
MAX_MESSAGE_CHARS = 1_000
MAX_PASTE_CHARS = 100_000  # a pasted BOM table (about 1,500 rows); larger tables come as files
MAX_SENDER_CHARS = 128
TABLE_HEAD_LINES, TABLE_HEAD_CHARS = 40, 8_000  # what is_table looks at
_SENDER = re.compile(rf"[^\x00-\x1f\x7f-\x9f\u2028\u2029]{{1,{MAX_SENDER_CHARS}}}")
UPLOAD_BOM = "upload_bom"


def valid_sender_id(sender_id: object) -> bool:
    """A conversation id that can safely go into the tracker store, transcripts, exports and logs."""
    return isinstance(sender_id, str) and _SENDER.fullmatch(sender_id) is not None


def too_long_reply(length: int, language: str) -> str:
    """What the buyer is told when a message is over the limit."""
    return message(
        "reply.too_long", language, length=f"{length:,}", limit=f"{MAX_MESSAGE_CHARS:,}", paste=f"{MAX_PASTE_CHARS:,}"
    )


def table_parse_data(text: str) -> dict[str, Any]:
    """Rasa parse data for a pasted BOM table: the quote intent and the buyer's language, without NLU."""
    language = detect_language(text)
    intent = {"name": UPLOAD_BOM, "confidence": 1.0}
    entity = {"entity": "language", "value": language, "start": 0, "end": 0, "confidence": 1.0, "extractor": "guard"}
    return {"text": text, "intent": intent, "intent_ranking": [intent], "entities": [entity]}


def is_table(text: str) -> bool:
    """A pasted BOM table (header and item rows), judged by its first TABLE_HEAD_LINES lines so that the check
    costs the same for any length (the quote action reads the whole table, in the BOM reader's worker process);
    a table the reader refuses is not one."""
    if text.count("\n", 0, TABLE_HEAD_CHARS) < 2:
        return False
    head = "\n".join(text[:TABLE_HEAD_CHARS].split("\n", TABLE_HEAD_LINES)[:TABLE_HEAD_LINES])
    try:
        return looks_like_pasted_bom(head)
    except KnowledgeError:
        return False


async def screen(message: Any) -> bool:
    """Decide what happens to one `UserMessage` before Rasa handles it: True to hand it on (its parse data set
    when it is a table), False when it was answered or refused here."""
    if not valid_sender_id(message.sender_id):
        logger.warning("message refused: invalid conversation id %r", str(message.sender_id)[:60])
        return False
    text = message.text if isinstance(message.text, str) else ""
    if message.parse_data is None and len(text) <= MAX_PASTE_CHARS and is_table(text):  # a few ms: its head only
        message.parse_data = table_parse_data(text)
        return True
    if len(text) <= MAX_MESSAGE_CHARS:
        return True
    logger.info("message of %d characters from %s answered as too long", len(text), message.sender_id)
    reply = too_long_reply(len(text), detect_language(text[:MAX_MESSAGE_CHARS]))
    await message.output_channel.send_text_message(message.sender_id, reply)
    return False


class MessageTooLong(ValueError):
    """A text over MAX_MESSAGE_CHARS reached NLU by a way that skips the screen (Rasa's HTTP API:
    `POST /conversations/<id>/messages`, `POST /model/parse`); Rasa answers the caller with an error."""


def install() -> None:
    """Wrap `Agent.handle_message` with `screen`, and make NLU itself refuse a text over MAX_MESSAGE_CHARS that
    comes another way (Rasa's HTTP API, token holders only); idempotent."""
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor

    if getattr(Agent.handle_message, "_screened", False):
        return
    Agent.handle_message = _screened(Agent.handle_message)
    MessageProcessor.parse_message = _bounded(MessageProcessor.parse_message)


def _bounded(parse: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(parse)
    async def parse_message(self: Any, message: Any, *args: Any, **kwargs: Any) -> Any:
        text = message.text if isinstance(message.text, str) else ""
        if len(text) > MAX_MESSAGE_CHARS:
            raise MessageTooLong(f"{len(text):,} characters; NLU reads at most {MAX_MESSAGE_CHARS:,}")
        return await parse(self, message, *args, **kwargs)

    return parse_message


def _screened(handle: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(handle)
    async def handle_message(self: Any, message: Any) -> Any:
        if not await screen(message):
            return None
        return await handle(self, message)

    handle_message._screened = True  # type: ignore[attr-defined]
    return handle_message
