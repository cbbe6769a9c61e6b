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


def _options(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons", []) if b["payload"].startswith("/choose_option")]


@pytest.mark.parametrize(
    ("request_text", "typed", "goodbye"),
    [("I need a 100nF capacitor", "title", "Bye"), ("帮我选一个 10k 的电阻", "第二个", "再见")],
)
def test_a_typed_option_answers_the_question(
    stack: Stack, sender: str, request_text: str, typed: str, goodbye: str
) -> None:
    """Issue 18: the buyer types an offered option ('0402', or '第二个') instead of clicking it: the selection goes
    on with that option (the classifier alone took '0402' for goodbye and ended the conversation)."""
    replies = ask(stack, sender, request_text)
    options = _options(replies)
    assert options, f"the first reply should ask a question: {texts(replies)!r}\n{logs(stack)}"
    chosen = options[0] if typed == "title" else options[1]
    said = chosen["title"].rsplit(" (", 1)[0] if typed == "title" else typed  # '0402 (27)' typed as '0402'
    clicked = texts(ask(stack, f"{sender}-clicked", request_text)) and texts(
        ask(stack, f"{sender}-clicked", chosen["payload"])
    )
    answered = texts(ask(stack, sender, said))
    assert answered == clicked, f"typed {said!r}: {answered!r}; clicking gave {clicked!r}"
    farewell = texts(ask(stack, sender, goodbye))  # a goodbye in words still ends it
    assert farewell and farewell != answered, farewell


@pytest.mark.parametrize(
    ("request_text", "any_word"), [("I need a 100nF capacitor", "any"), ("帮我选一个 10k 的电阻", "随便")]
)
def test_any_leaves_the_asked_value_open(stack: Stack, sender: str, request_text: str, any_word: str) -> None:
    """Issue 18: a selection question offers "不限 / Any"; typing it (or '随便') asks the next question instead."""
    replies = ask(stack, sender, request_text)
    options = _options(replies)
    assert options and options[-1]["title"] in ("Any", "不限"), options
    first = texts(replies)
    after = ask(stack, sender, any_word)
    assert texts(after) and texts(after) != first, texts(after)
    asked_before = {b["payload"] for b in options}
    assert not asked_before & {b["payload"] for b in _options(after)} - {options[-1]["payload"]}, texts(after)
