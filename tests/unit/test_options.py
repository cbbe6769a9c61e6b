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
        ("2", MAKERS, 1),  # no title holds a digit: a bare number is a position
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
        ("2", PACKAGES),  # '2' is no package, and a title holds digits: not a position
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
