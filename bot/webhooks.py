"""Signed webhooks per the Standard Webhooks specification (https://www.standardwebhooks.com/).

Every delivery carries three headers:

    webhook-id:        the idempotency key (the same on every retry of one lead or task)
    webhook-timestamp: unix seconds of this attempt
    webhook-signature: "v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>", one per active secret,
                       space separated (two while a secret is being rotated)

Secrets are "whsec_" + base64 of 24-64 random bytes (`new_secret()` makes one). A receiver verifies with the
`standardwebhooks` package from PyPI:

    from standardwebhooks import Webhook
    lead = Webhook("whsec_...").verify(request_body, request_headers)   # raises on a bad or stale request

or with its own ten lines (this block is executed by tests/unit/test_webhooks.py; keep it self-contained):

    # --- receiver example ---
    import base64, hashlib, hmac, time

    def verify_webhook(secret: str, headers, body: bytes, seen: set) -> bool:
        '''True: authentic and new, store it. False: a retry of a webhook already stored, answer 200 and
        do nothing. ValueError: forged or stale, answer 400. Add webhook-id to `seen` once stored.'''
        msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
        if abs(time.time() - int(timestamp)) > 300:
            raise ValueError("timestamp outside the 5-minute tolerance")
        key = base64.b64decode(secret.removeprefix("whsec_"))
        mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
        expected = "v1," + base64.b64encode(mac).decode()
        if not any(hmac.compare_digest(expected, s) for s in headers["webhook-signature"].split()):
            raise ValueError("no valid signature")
        return msg_id not in seen
    # --- end of receiver example ---

Verify the raw body bytes, before any JSON parsing: re-serialized JSON does not match the signature. Delivery
is at least once, so a receiver must dedupe on webhook-id (the outbox retries until it gets a 2xx).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets as _random
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence

from knowledge.errors import KnowledgeError

SECRET_PREFIX = "whsec_"
TOLERANCE_S = 300
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64
# The spec forbids "." in ids (it delimits the signed content); header values must be plain ASCII.
MSG_ID_PATTERN = re.compile(r"[A-Za-z0-9_:\-]{1,200}")


class WebhookError(KnowledgeError):
    """Base of the webhook errors."""


class WebhookSecretError(WebhookError):
    """A secret that is not "whsec_" + base64 of 24-64 bytes."""


class WebhookVerificationError(WebhookError):
    """A request that must be rejected; `reason` says why (missing header, stale timestamp, bad signature)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class ReplayedWebhook(WebhookVerificationError):
    """An authentic request whose webhook-id was already processed: acknowledge it (2xx) but do nothing."""


def new_secret() -> str:
    """A fresh signing secret, "whsec_" + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(_random.token_bytes(32)).decode()


def decode_secret(secret: str) -> bytes:
    """The key bytes of a "whsec_<base64>" secret (the prefix is optional, as in the reference library)."""
    text = secret.strip()
    text = text[len(SECRET_PREFIX) :] if text.startswith(SECRET_PREFIX) else text
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookSecretError(f"webhook secret {_redact(secret)} is not base64 after 'whsec_'") from exc
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise WebhookSecretError(
            f"webhook secret {_redact(secret)} has {len(key)} bytes; use {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES}"
            " random bytes (brandstation's new_secret() makes one)"
        )
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The "v1,<base64>" signature of one message."""
    content = f"{msg_id}.{int(timestamp)}.".encode() + body
    mac = hmac.new(decode_secret(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def headers(secrets: str | Sequence[str], msg_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature for one attempt, signed with every active secret."""
    keys = _as_list(secrets)
    if not keys:
        raise WebhookSecretError(f"no signing secret for webhook {msg_id!r}: configure at least one 'whsec_...'")
    if not MSG_ID_PATTERN.fullmatch(msg_id):
        raise WebhookError(f"webhook id {msg_id!r} must be 1-200 characters of A-Z a-z 0-9 _ : - (no dots)")
    timestamp = int(time.time() if now is None else now)
    signatures = list(dict.fromkeys(sign(key, msg_id, timestamp, body) for key in keys))
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "webhook-signature": " ".join(signatures)}


def verify(
    secrets: str | Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
    tolerance: int = TOLERANCE_S,
    *,
    seen: SeenIds | None = None,
) -> None:
    """Accept a request signed with any of `secrets` within `tolerance` seconds, or raise WebhookVerificationError.

    With `seen`, an id already processed raises ReplayedWebhook (answer it 2xx; record ids with `seen.add`
    only after the webhook has been stored, so a failed store is retried rather than dropped).
    """
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id = lower.get("webhook-id", "")
    stamp = lower.get("webhook-timestamp", "")
    signature_header = lower.get("webhook-signature", "")
    missing = [
        name for name, value in (("id", msg_id), ("timestamp", stamp), ("signature", signature_header)) if not value
    ]
    if missing:
        raise WebhookVerificationError("missing header(s): " + ", ".join("webhook-" + m for m in missing))
    try:
        timestamp = int(stamp)
    except ValueError:
        raise WebhookVerificationError(f"webhook-timestamp {stamp[:20]!r} is not unix seconds") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        age = current - timestamp
        raise WebhookVerificationError(
            f"webhook-timestamp is {abs(age):.0f} s {'old' if age > 0 else 'in the future'}; tolerance {tolerance} s"
        )
    offered = [s for s in signature_header.split() if s.startswith("v1,")]
    for key in _as_list(secrets):
        expected = sign(key, msg_id, timestamp, body)
        if any(hmac.compare_digest(expected.encode(), s.encode()) for s in offered):
            break
    else:
        raise WebhookVerificationError("no webhook-signature matches a configured secret")
    if seen is not None and msg_id in seen:
        raise ReplayedWebhook(f"webhook {msg_id!r} was already processed")


class SeenIds:
    """Receiver-side dedupe: the webhook ids processed in the last `keep_s` seconds (at most `max_ids`).

    In memory, so one process only; a production receiver keeps the id in its own store (a unique column).
    Keep ids for longer than the sender retries (the outbox retries for about a day by default).
    """

    def __init__(self, keep_s: float = 7 * 86400, max_ids: int = 1_000_000) -> None:
        self.keep_s = keep_s
        self.max_ids = max_ids
        self._ids: OrderedDict[str, float] = OrderedDict()

    def __contains__(self, msg_id: object) -> bool:
        return msg_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, msg_id: str, now: float | None = None) -> bool:
        """Remember an id; True when it was new."""
        current = time.time() if now is None else now
        self._forget_before(current - self.keep_s)
        if msg_id in self._ids:
            return False
        self._ids[msg_id] = current
        while len(self._ids) > self.max_ids:
            self._ids.popitem(last=False)
        return True

    def _forget_before(self, cutoff: float) -> None:
        while self._ids:
            oldest = next(iter(self._ids.values()))
            if oldest >= cutoff:
                break
            self._ids.popitem(last=False)


def _as_list(secrets: str | Sequence[str]) -> list[str]:
    return [secrets] if isinstance(secrets, str) else [s for s in secrets if s]


def _redact(secret: str) -> str:
    """Name a secret in an error without revealing it."""
    shown = SECRET_PREFIX + "…" if secret.startswith(SECRET_PREFIX) else "…"
    return f"'{shown}' ({len(secret)} characters)"
