"""knowledge/options.py: a typed answer names one offered option, or none."""

from __future__ import annotations

import pytest

from knowledge.options import Option, pick_option

PACKAGES = [Option(f"{p} ({n})", f'/choose_option{{"option_value": "{p}"}}') for p, n in
            (("0402", 27), ("0603", 19), ("0805", 8), ("1206", 3))]  # fmt: skip
CAPACITANCES = [Option("100 nF (12)", "/c1"), Option("1 µF (30)", "/c2"), Option("10 µF (4)", "/c3")]
MAKERS = [
    Option("Murata (12)", "/m1"),
    Option("Samsung (9)", "/m2"),
    Option("Yageo (4)", "/m3"),
    Option("不限", "/any"),
]


@pytest.mark.parametrize(
    ("text", "options", "index"),
    [
        ("0402", PACKAGES, 0),
        (" 0603 ", PACKAGES, 1),
        ("0805吧", PACKAGES, 2),
        ("我选1206", PACKAGES, 3),
        ("0402 (27)", PACKAGES, 0),
        ("第二个", PACKAGES, 1),
        ("第3个", PACKAGES, 2),
        ("最后一个", PACKAGES, 3),
        ("the second one", PACKAGES, 1),
        ("#4", PACKAGES, 3),
        ("0.1uF", CAPACITANCES, 0),
        ("1uf", CAPACITANCES, 1),
        ("10μF", CAPACITANCES, 2),
        ("samsung", MAKERS, 1),
        ("I'll take Yageo", MAKERS, 2),
        ("随便", MAKERS, 3),
        ("都可以", MAKERS, 3),
        ("doesn't matter", MAKERS, 3),
    ],
)
def test_a_typed_option_is_that_option(text: str, options: list[Option], index: int) -> None:
    assert pick_option(text, options) == options[index]


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("bye", PACKAGES),
        ("2", PACKAGES),  # '2' is no package: a bare number is a quantity or a value, never a position
        ("2", MAKERS),
        ("0201", PACKAGES),  # not offered
        ("第九个", PACKAGES),
        ("10k 0402 1% 电阻", PACKAGES),  # a new request that mentions an option
        ("4.7uF", CAPACITANCES),
        ("", PACKAGES),
        ("0402", []),
    ],
)
def test_anything_else_is_no_option(text: str, options: list[Option]) -> None:
    assert pick_option(text, options) is None


@pytest.mark.parametrize("text", ["bye", "ok bye!", "再见", "拜拜啦", "see you later", "88", "that's all, thanks"])
def test_goodbye_in_words(text: str) -> None:
    from knowledge.options import says_goodbye

    assert says_goodbye(text)


@pytest.mark.parametrize("text", ["0402", "0603", "X5R", "第二个", "好的", "1880", "asdkjh qwe zzz"])
def test_no_goodbye_in_a_short_answer(text: str) -> None:
    from knowledge.options import says_goodbye

    assert not says_goodbye(text)


def test_review_findings_on_typed_options() -> None:
    """A stranger's review (session 9): a rating typed in its own case, 'the last one' beside an "Any" button,
    goodbye words the training data uses, and '88' inside a part number."""
    from knowledge.options import says_goodbye

    volts = [Option("25 V (12)", "/v25"), Option("50 V (50)", "/v50"), Option("不限", "/any")]
    assert pick_option("50V", volts) == volts[1] and pick_option("25v please", volts) == volts[0]
    assert pick_option("the last one", volts) == volts[1] and pick_option("最后一个", volts) == volts[1]
    assert not says_goodbye("ATmega88PA-AU datasheet") and not says_goodbye("1.88V 稳压")


def test_every_goodbye_the_model_is_trained_on_says_goodbye() -> None:
    """The guard must not undo the bot's own training: each goodbye example of data/nlu says goodbye in words."""
    from pathlib import Path

    import yaml

    from knowledge.options import says_goodbye

    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "data" / "nlu" / "chitchat.yml").read_text("utf-8"))
    block = next(b for b in data["nlu"] if b.get("intent") == "goodbye")
    examples = [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
    assert examples and [e for e in examples if not says_goodbye(e)] == []
