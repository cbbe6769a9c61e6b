"""Parametric selection (选型) through the real stack: each clicked option narrows until ≤ 5 parts are listed."""

from __future__ import annotations

import pytest

from bot.stack import Stack
from tests.e2e.conftest import logs
from tests.e2e.test_spec_turns import ask, texts


@pytest.mark.parametrize(
    ("request_text", "must_say"),
    [("I need a 100nF capacitor", "100 nF"), ("帮我选一个 10k 的电阻", "10 kΩ")],
)
def test_clicking_options_narrows_to_a_short_list(stack: Stack, sender: str, request_text: str, must_say: str) -> None:
    replies = ask(stack, sender, request_text)
    seen = [texts(replies)]
    for _ in range(6):
        buttons = [b for r in replies for b in r.get("buttons", [])]
        options = [b for b in buttons if b["payload"].startswith("/choose_option")]
        if not options:
            break
        replies = ask(stack, sender, options[0]["payload"])
        seen.append(texts(replies))
    final = seen[-1]
    assert len(seen) >= 2, f"the first reply should ask a question: {seen!r}\n{logs(stack)}"
    assert must_say in final and "\n- " in final, seen
    parts = [b for r in replies for b in r.get("buttons", []) if b["payload"].startswith("/ask_spec")]
    assert 1 <= len(parts) <= 5, replies
    # The product the list ends with is what a follow-up ("有替代吗?") is about.
    follow = texts(ask(stack, sender, "有替代吗?"))
    assert follow and "没有找到您要替代的型号" not in follow, follow
