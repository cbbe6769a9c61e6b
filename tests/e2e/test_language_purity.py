"""Issue 18: a Chinese conversation gets Chinese replies and an English one English replies, through the real stack
(REST into Rasa and the action server): every reply text and button title of each turn is checked with
`knowledge.language.foreign_runs` (part numbers, codes, units, maker names and quoted words are the same in both)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from bot.stack import Stack
from knowledge.language import foreign_runs

CONVERSATIONS = {
    "zh": [
        "6205-2RS 内径多少?",
        "那外径呢?",
        "6205-2RS 有现货吗",
        "我要一个 100nF 电容",
        "0402",
        "asdkjh qwe zzz",
        "你能做什么",
        "C25804 多少钱?",
    ],
    "en": [
        "what is the bore of 6205-2RS?",
        "what about the outer diameter?",
        "is 6205-2RS in stock?",
        "I need a 100nF capacitor",
        "0402",
        "asdkjh qwe zzz",
        "what can you do?",
        "how much is C25804?",
    ],
}


def _said(replies: list[dict[str, Any]]) -> list[str]:
    """What the buyer reads: each reply's text and its buttons' titles."""
    out = [r["text"] for r in replies if isinstance(r.get("text"), str)]
    out += [b["title"] for r in replies for b in r.get("buttons") or [] if isinstance(b.get("title"), str)]
    return out


@pytest.mark.parametrize("language", sorted(CONVERSATIONS))
def test_a_conversation_is_answered_in_its_language(stack: Stack, sender: str, language: str) -> None:
    found: list[str] = []
    for message in CONVERSATIONS[language]:
        response = requests.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
        )
        assert response.status_code == 200
        replies = response.json()
        assert replies, f"no reply to {message!r}"
        for said in _said(replies):
            found += [f"{message!r} -> {run!r} in {said[:160]!r}" for run in foreign_runs(said, language)]
    assert not found, "\n".join(found)
