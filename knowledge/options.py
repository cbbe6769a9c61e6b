"""A typed answer to a question the bot just asked with buttons: which offered option it names.

The buyer types '0402' instead of clicking "0402 (27)", '0.1uF' for "100 nF (12)", '第二个' / 'the second one' /
'2' for the second button. `pick_option` says which option that is, or None when the text names none of them or
more than one (then the message is read as a new request, as before). Pure: the Rasa side (bot/answer_first.py)
reads the buttons of the bot's last reply and hands the chosen button's payload to NLU.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from knowledge.units import extract_quantities


@dataclass(frozen=True)
class Option:
    """One offered button: what it shows and what clicking it sends."""

    title: str
    payload: str


_COUNT = re.compile(r"\s*[(（]\s*[\d,，]+\s*[)）]\s*$")  # "0402 (27)": the count of parts behind the option
_FILLER = re.compile(
    r"^(?:(?:i'?ll |i )?(?:take|choose|pick|want|need|go with)(?: the)?|选|要|用|就|我要|我选|选择|请选|就要)\s*"
    r"|\s*(?:please|pls|thanks|thank you|吧|的|就行|就好|就可以|可以|好了|即可|呢|啊|哈|谢谢|。|!|！|\.|,|，)+$",
    re.IGNORECASE,
)
_ANY_WORDS = frozenset({
    "any", "anything", "any one", "whatever", "either", "doesn't matter", "does not matter", "no preference",
    "don't care", "不限", "随便", "都行", "都可以", "无所谓", "任意", "没要求", "没有要求", "不要求",
})  # fmt: skip
_CHINESE_ORDINALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ENGLISH_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "last": -1,
}  # fmt: skip
# '第3行' names a BOM line, not the third button: no 行 here
_ORDINAL_ZH = re.compile(r"^第\s*([一二两三四五六七八九十]|\d{1,2})\s*(?:个|项|种|条|款)?$|^最后一?个$")
_ORDINAL_EN = re.compile(r"^(?:the |option |number |no\.? ?|#)?(\w+)(?: one| option)?$", re.IGNORECASE)


def pick_option(text: str, options: list[Option] | tuple[Option, ...]) -> Option | None:
    """The one option `text` names: its title (without the part count), a value equal to the title's by the value
    grammar (0.1uF = 100nF), or its position (第二个, the second one, #2); None when none or several fit."""
    said = _core(_COUNT.sub("", text))  # a copied title keeps its count
    if not said or not options or len(said) > 60:
        return None
    titles = [_core(_COUNT.sub("", option.title)) for option in options]
    exact = [o for o, t in zip(options, titles, strict=True) if t == said]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    plain = unicodedata.normalize("NFKC", text).strip().lower().rstrip("。!！.,，吧")
    if said in _ANY_WORDS or plain in _ANY_WORDS:  # '随便' / 'doesn't matter' for the "不限 / Any" button
        open_ = [o for o, t in zip(options, titles, strict=True) if t in _ANY_WORDS]
        return open_[0] if len(open_) == 1 else None
    ranked = [o for o, t in zip(options, titles, strict=True) if t not in _ANY_WORDS]  # 'the last one' is no "Any"
    position = _position(said, len(ranked))
    if position is not None:
        return ranked[position]
    wanted = _values(unicodedata.normalize("NFKC", _COUNT.sub("", text)))  # '50V': units read in their own case
    if wanted:
        same = [o for o in options if _values(unicodedata.normalize("NFKC", _COUNT.sub("", o.title))) == wanted]
        if len(same) == 1:
            return same[0]
    # the title's leading token ('X7R' for "X7R (120)"; 'ISO 4762' typed for "ISO 4762 socket head")
    starts = [o for o, t in zip(options, titles, strict=True) if re.match(rf"{re.escape(said)}(?![\w.])", t)]
    return starts[0] if len(starts) == 1 else None


_GOODBYE = re.compile(
    r"\b(?:bye|goodbye|farewell|cya|see (?:you|ya)|later|good ?night|take care|gotta go|that'?s (?:all|it)|i'?m done"
    r"|end (?:the )?chat|nice day)\b|再见|拜拜|下次见|回见|晚安|先这样|就这样吧|没事了|回头见|明天见|我走了|先走了|回聊"
    r"|有空再聊|不聊了|结束|退出|下次再问|先不问了|^\s*拜\s*[!！~。]*\s*$|(?<![\w.])88(?![\w.])|(?<![\w.])886(?![\w.])",
    re.IGNORECASE,
)


def says_goodbye(text: str) -> bool:
    """Whether a message says goodbye in words ('bye', '再见', '88'): only such a message may end a conversation
    (a classifier's 'goodbye' for '0402' must not)."""
    return _GOODBYE.search(unicodedata.normalize("NFKC", text)) is not None


def _core(text: str) -> str:
    norm = unicodedata.normalize("NFKC", text).strip().lower()
    norm = re.sub(r"\s+", " ", norm)
    for _ in range(3):  # '我选 0402 吧' -> '0402'
        stripped = _FILLER.sub("", norm).strip()
        if stripped == norm:
            break
        norm = stripped
    return norm


def _position(said: str, count: int) -> int | None:
    """0-based index of an ordinal ('第二个', 'the second one', '#2'); never a bare '2': a quantity or a value."""
    number: int | None = None
    if (zh := _ORDINAL_ZH.match(said)) is not None:
        if zh.group(1) is None:
            number = -1
        else:
            word = zh.group(1)
            number = int(word) if word.isdigit() else _CHINESE_ORDINALS[word]
    elif (en := _ORDINAL_EN.match(said)) is not None:
        word = en.group(1).lower()
        if word in _ENGLISH_ORDINALS:
            number = _ENGLISH_ORDINALS[word]
        elif word.isdigit() and said != word:
            number = int(word)
    if number is None:
        return None
    if number == -1:
        return count - 1
    return number - 1 if 1 <= number <= count else None


def _values(text: str) -> frozenset[tuple[str, float]]:
    return frozenset((key, round(value, 15)) for key, value, _ in extract_quantities(text))
