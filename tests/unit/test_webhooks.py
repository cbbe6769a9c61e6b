"""Standard Webhooks signing: the spec's test vector, the reference library, and every way a request is refused."""

from __future__ import annotations

import base64
import json
import re
import textwrap
import time
from collections.abc import Callable
from typing import cast

import pytest

from bot import webhooks
from bot.webhooks import (
    ReplayedWebhook,
    SeenIds,
    WebhookError,
    WebhookSecretError,
    WebhookVerificationError,
    headers,
    sign,
    verify,
)

# The example in the reference library's tests (standard-webhooks, libraries/python/tests/test_webhooks.py).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

OLD, NEW = webhooks.new_secret(), webhooks.new_secret()
LEAD = json.dumps({"lead_id": "L-20261126-0001", "contact": {"name": "张三"}}, ensure_ascii=False).encode()
NOW = 1_800_000_000


def test_sign_reproduces_the_spec_example() -> None:
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    # the whsec_ prefix is optional, as in the reference library
    assert sign(SPEC_SECRET.removeprefix("whsec_"), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE
    verify(SPEC_SECRET, _spec_headers(), SPEC_BODY, now=SPEC_TIMESTAMP + 10)


def test_reference_library_verifies_our_headers_and_we_verify_its_signatures() -> None:
    from datetime import datetime, timezone

    from standardwebhooks import Webhook
    from standardwebhooks import WebhookVerificationError as LibraryRejects

    sent = headers([OLD, NEW], "lead:L-20261126-0001:dist-sz", LEAD)  # rotation: signed with both
    assert len(sent["webhook-signature"].split()) == 2
    for secret in (OLD, NEW):  # a receiver holding either secret accepts it
        assert Webhook(secret).verify(LEAD, sent)["contact"]["name"] == "张三"
    with pytest.raises(LibraryRejects):
        Webhook(webhooks.new_secret()).verify(LEAD, sent)
    with pytest.raises(LibraryRejects):  # one changed byte
        Webhook(NEW).verify(LEAD.replace(b"0001", b"0002"), sent)

    stamp = int(time.time())
    theirs = Webhook(NEW).sign("msg_1", datetime.fromtimestamp(stamp, tz=timezone.utc), LEAD.decode())
    assert theirs == sign(NEW, "msg_1", stamp, LEAD)
    verify(NEW, {"webhook-id": "msg_1", "webhook-timestamp": str(stamp), "webhook-signature": theirs}, LEAD)


def test_headers_sign_once_per_distinct_secret_and_check_the_id() -> None:
    sent = headers([NEW, NEW, OLD], "lead:L-1:brand", LEAD, now=NOW)
    assert sent["webhook-id"] == "lead:L-1:brand"
    assert sent["webhook-timestamp"] == str(NOW)
    assert sent["webhook-signature"].split() == [
        sign(NEW, "lead:L-1:brand", NOW, LEAD),
        sign(OLD, "lead:L-1:brand", NOW, LEAD),
    ]
    with pytest.raises(WebhookSecretError, match="no signing secret"):
        headers([], "lead:L-1:brand", LEAD)
    for bad_id in ("lead.L-1", "lead L-1", "线索", ""):  # a dot would make the signed content ambiguous
        with pytest.raises(WebhookError, match="webhook id"):
            headers(NEW, bad_id, LEAD)


def test_secrets_must_be_base64_of_24_to_64_bytes_and_errors_do_not_show_them() -> None:
    assert len(webhooks.decode_secret(NEW)) == 32
    short = "whsec_" + base64.b64encode(b"x" * 16).decode()
    with pytest.raises(WebhookSecretError, match="16 bytes") as caught:
        sign(short, "m", NOW, LEAD)
    assert short[6:] not in str(caught.value)
    with pytest.raises(WebhookSecretError, match="not base64") as caught:
        sign("whsec_not*base64*at*all*but*long*enough", "m", NOW, LEAD)
    assert "base64*at" not in str(caught.value)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda h, b: (h, b + b" "), "no webhook-signature matches"),  # body changed after signing
        (lambda h, b: ({**h, "webhook-id": "lead:L-2:brand"}, b), "no webhook-signature matches"),  # id swapped
        (lambda h, b: ({**h, "webhook-timestamp": str(NOW + 1)}, b), "no webhook-signature matches"),
        (lambda h, b: ({**h, "webhook-signature": h["webhook-signature"].replace("v1,", "v2,")}, b), "no webhook-sig"),
        (lambda h, b: ({**h, "webhook-signature": "v1," + base64.b64encode(b"\0" * 32).decode()}, b), "no webhook-s"),
        (lambda h, b: ({**h, "webhook-signature": ""}, b), "missing header"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "missing header.*webhook-id"),
        (lambda h, b: ({**h, "webhook-timestamp": "yesterday"}, b), "not unix seconds"),
    ],
)
def test_forged_or_malformed_requests_are_rejected(
    tamper: Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]], reason: str
) -> None:
    sent = headers(NEW, "lead:L-1:brand", LEAD, now=NOW)
    verify(NEW, sent, LEAD, now=NOW)  # the untouched request passes
    forged_headers, forged_body = tamper(dict(sent), LEAD)
    with pytest.raises(WebhookVerificationError, match=reason):
        verify(NEW, forged_headers, forged_body, now=NOW)


def test_wrong_secret_is_rejected_and_any_configured_secret_is_accepted() -> None:
    sent = headers(OLD, "lead:L-1:brand", LEAD, now=NOW)
    with pytest.raises(WebhookVerificationError, match="no webhook-signature matches"):
        verify(NEW, sent, LEAD, now=NOW)
    verify([NEW, OLD], sent, LEAD, now=NOW)  # a receiver mid-rotation holds both


def test_timestamps_outside_the_tolerance_are_rejected_both_ways() -> None:
    sent = headers(NEW, "lead:L-1:brand", LEAD, now=NOW)
    verify(NEW, sent, LEAD, now=NOW + 300)
    verify(NEW, sent, LEAD, now=NOW - 300)
    with pytest.raises(WebhookVerificationError, match="301 s old"):
        verify(NEW, sent, LEAD, now=NOW + 301)
    with pytest.raises(WebhookVerificationError, match="in the future"):
        verify(NEW, sent, LEAD, now=NOW - 301)
    with pytest.raises(WebhookVerificationError, match="tolerance 60"):
        verify(NEW, sent, LEAD, now=NOW + 61, tolerance=60)


def test_header_names_are_case_insensitive() -> None:
    sent = headers(NEW, "lead:L-1:brand", LEAD, now=NOW)
    verify(NEW, {k.title(): v for k, v in sent.items()}, LEAD, now=NOW)


def test_a_replayed_request_is_refused_once_its_id_is_stored() -> None:
    seen = SeenIds()
    sent = headers(NEW, "lead:L-1:brand", LEAD, now=NOW)
    verify(NEW, sent, LEAD, now=NOW, seen=seen)  # first time: process it
    assert seen.add("lead:L-1:brand", now=NOW)
    with pytest.raises(ReplayedWebhook, match="already processed"):
        verify(NEW, sent, LEAD, now=NOW + 5, seen=seen)
    # a retry re-signs with a fresh timestamp: still the same id, still a duplicate
    with pytest.raises(ReplayedWebhook):
        verify(NEW, headers(NEW, "lead:L-1:brand", LEAD, now=NOW + 60), LEAD, now=NOW + 60, seen=seen)
    # a forgery is refused as a forgery, not acknowledged as a duplicate
    with pytest.raises(WebhookVerificationError) as caught:
        verify(OLD, sent, LEAD, now=NOW, seen=seen)
    assert not isinstance(caught.value, ReplayedWebhook)


def test_seen_ids_forget_after_keep_s_and_beyond_max_ids() -> None:
    seen = SeenIds(keep_s=100, max_ids=3)
    assert seen.add("a", now=0) and not seen.add("a", now=50)
    assert seen.add("b", now=60) and "a" in seen
    assert seen.add("c", now=150)  # "a" (t=0) is older than 100 s now
    assert "a" not in seen and "b" in seen
    for name in ("d", "e"):
        seen.add(name, now=151)
    assert len(seen) == 3 and "b" not in seen and "e" in seen


# -- the receiver example in bot/webhooks.py's docstring, executed as written ----------------------------------


def _receiver_example() -> Callable[..., bool]:
    doc = webhooks.__doc__ or ""
    block = re.search(r"# --- receiver example ---\n(.*?)# --- end of receiver example ---", doc, re.S)
    assert block is not None, "the receiver example markers are missing from bot/webhooks.py"
    code = textwrap.dedent(block.group(1))
    assert len([line for line in code.splitlines() if line.strip()]) <= 16  # "your own ten lines", give or take
    namespace: dict[str, object] = {}
    exec(code, namespace)
    function = namespace["verify_webhook"]
    assert callable(function)
    return cast(Callable[..., bool], function)


def test_receiver_example_accepts_our_requests_and_flags_replays() -> None:
    verify_webhook = _receiver_example()
    seen: set[str] = set()
    sent = headers([OLD, NEW], "lead:L-1:brand", LEAD)
    assert verify_webhook(NEW, sent, LEAD, seen) is True
    seen.add(sent["webhook-id"])
    assert verify_webhook(NEW, sent, LEAD, seen) is False  # replayed body: answer 200, do nothing
    # the spec's example message, re-signed at the current time by the formula the spec gives
    stamp = int(time.time())
    spec_now = {**_spec_headers(), "webhook-timestamp": str(stamp)}
    spec_now["webhook-signature"] = sign(SPEC_SECRET, SPEC_ID, stamp, SPEC_BODY)
    assert verify_webhook(SPEC_SECRET, spec_now, SPEC_BODY, set()) is True
    with pytest.raises(ValueError, match="tolerance"):  # the original is from 2021
        verify_webhook(SPEC_SECRET, _spec_headers(), SPEC_BODY, set())


def test_receiver_example_rejects_forged_stale_and_wrong_secret_requests() -> None:
    verify_webhook = _receiver_example()
    sent = headers(NEW, "lead:L-1:brand", LEAD)
    with pytest.raises(ValueError, match="no valid signature"):
        verify_webhook(NEW, sent, LEAD.replace("张三".encode(), "李四".encode()), set())
    with pytest.raises(ValueError, match="no valid signature"):
        verify_webhook(OLD, sent, LEAD, set())
    stale = headers(NEW, "lead:L-1:brand", LEAD, now=time.time() - 301)
    with pytest.raises(ValueError, match="tolerance"):
        verify_webhook(NEW, stale, LEAD, set())
    future = headers(NEW, "lead:L-1:brand", LEAD, now=time.time() + 301)
    with pytest.raises(ValueError, match="tolerance"):
        verify_webhook(NEW, future, LEAD, set())


def _spec_headers() -> dict[str, str]:
    return {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": SPEC_SIGNATURE}
