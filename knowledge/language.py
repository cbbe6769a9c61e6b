"""Is a reply in one language? The check behind issue 18's language-purity tests: a Chinese reply carries no English
sentence and an English reply no Chinese, outside what is the same in both languages — part numbers, codes,
standards, units, brand and maker names (all-caps or mixed with digits), quoted buyer words.

`foreign_runs(text, "zh")` lists the English word runs in a Chinese reply (three or more plain words in a row, the
length of a phrase, not of a name like 'Murata'); `foreign_runs(text, "en")` the Chinese runs in an English one.
Pure functions, no Rasa: tests and the console use them alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# A plain word: lower case letters (a capitalised first letter allowed), no digits; codes, acronyms and units are
# left out by this shape ('6205-2RS', 'SKF', 'MLCC', 'mm', 'MHz' are not plain words of two or more lower letters).
_WORD = re.compile(r"[A-Za-z][a-z]+(?:'[a-z]+)?|a|I")
# words: runs between spaces and Chinese punctuation ('10 µF、Aluminum Electrolytic Capacitors' holds three)
_TOKEN = re.compile(r"[^\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+")
_UNITS = frozenset(
    {"mm", "cm", "kg", "pcs", "pc", "ppm", "mhz", "khz", "ghz", "hz", "ohm", "ohms", "mah", "mw", "kw", "rpm", "min",
     "max", "typ", "usd", "cny", "rmb", "eur"}
)  # fmt: skip
_QUOTED = re.compile(r"[\"“‘'「『][^\"”’'」』]{1,200}[\"”’'」』]")  # the buyer's own words, quoted back
MIN_RUN = 3  # English words in a row that make a phrase in a Chinese reply


def foreign_runs(text: str, language: str, names: Iterable[str] = ()) -> list[str]:
    """The runs of the other language in `text` (a reply meant to be in `language`: 'zh' or 'en'); `names` are
    said the same in both (makers' own names: 'Guangdong Fenghua Advanced Tech', '风华')."""
    unquoted = _QUOTED.sub(" ", text or "")
    for name in sorted(names, key=len, reverse=True):
        if name and name in unquoted:
            unquoted = unquoted.replace(name, " ")
    if language == "en":
        return _CJK_RUN.findall(unquoted)
    runs: list[str] = []
    current: list[str] = []
    for token in _TOKEN.findall(_CJK_RUN.sub(" | ", unquoted)):
        word = token.strip(".,;:!?()[]{}，。；：！？（）、")
        if _WORD.fullmatch(word) and word.lower() not in _UNITS:
            current.append(word)
            continue
        if len(current) >= MIN_RUN:
            runs.append(" ".join(current))
        current = []
    if len(current) >= MIN_RUN:
        runs.append(" ".join(current))
    return runs
