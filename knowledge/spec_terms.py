"""What a spec question asks: attribute concepts, the buyer's own words, a unit hint and a quantity.

A question is read as tokens: each ASCII word is a token, each Chinese character is a token. A term of the
lexicon matches a run of tokens when their letters, joined, equal the term's letters joined ("Rds(on)",
"rds on" and "rdson" are one term; "漏源电压" is four tokens). Matching is longest first and never overlaps.

The lexicon is, in this order of trust:
1. concepts: the general vocabulary (knowledge/attributes.py) and the zh/en synonym and abbreviation table
   (knowledge/data/attribute_terms.yml), each naming the catalog keys that state it;
2. the catalog's own words: every attribute key is a slug of its source column ("reverse_recovery_time_trr"),
   so a question whose words all appear in one key or column label names that attribute;
3. a unit hint ("多少伏", "how many volts", "how wide"): whatever attribute is chosen must be in that unit.

`Lexicon.read` has no side effect but a cache of repaired words, is linear in the length of the question and
reads at most MAX_QUESTION_CHARS of it (the chat caps messages at 1,000 characters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.attributes import VOCABULARY

TERMS_FILE = Path(__file__).parent / "data" / "attribute_terms.yml"
_MAX_TERM_TOKENS = 12
MAX_QUESTION_CHARS = 2_000
# Greek letters stay in a word: "λd" (dominant wavelength) and "φd" are not "d".
_TOKEN = re.compile(r"[a-z0-9\u0370-\u03ff]+|[\u3400-\u9fff]")
_TOKEN_ANY_CASE = re.compile(r"[A-Za-z0-9\u0370-\u03ff]+|[\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Words that carry no attribute: question words, fillers, politeness. ASCII lower-case; Chinese per character.
STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "on",
        "in",
        "at",
        "to",
        "by",
        "is",
        "are",
        "was",
        "be",
        "been",
        "being",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "what",
        "whats",
        "which",
        "who",
        "whom",
        "how",
        "much",
        "many",
        "does",
        "do",
        "did",
        "can",
        "could",
        "would",
        "will",
        "should",
        "please",
        "tell",
        "me",
        "my",
        "we",
        "our",
        "us",
        "you",
        "your",
        "i",
        "need",
        "want",
        "know",
        "give",
        "show",
        "check",
        "find",
        "get",
        "got",
        "have",
        "has",
        "about",
        "and",
        "or",
        "with",
        "from",
        "as",
        "there",
        "any",
        "some",
        "spec",
        "specs",
        "specification",
        "specifications",
        "value",
        "part",
        "parts",
        "chip",
        "device",
        "component",
        "components",
        "ic",
        "number",
        "no",
        "pn",
        "info",
        "information",
        "details",
        "detail",
        "say",
        "said",
        "list",
        "listed",
        "stated",
        "state",
        "regarding",
        "re",
        "hi",
        "hello",
        "thanks",
        "thank",
        "also",
        "just",
        "exactly",
        "roughly",
        "approx",
        "approximately",
        "around",
        "here",
        "pls",
        "plz",
        "kindly",
        "same",
        "other",
        "one",
        "ones",
        "s",
        "pcs",
        "pc",
        "piece",
        "pieces",
        "unit",
        "units",
        "qty",
        "iso",
        "gb",
        "jis",
        "ansi",
        "now",
        "fit",
        "fits",
        "currently",
        "today",
        "teh",
        "hte",
        "waht",
        "wat",
        "whta",
        "wich",
        "wihch",
        "hwo",
        "thx",
        "tech",
        "tolerant",
        "operate",
        "work",
        "handle",
        "carry",
        "withstand",
        "support",
        "take",
        "match",
        "matches",
        "follow",
        "follows",
        "belong",
        "belongs",
        "use",
        "used",
    ]
)
# Words that sharpen an attribute but need not appear in its name ("max drain voltage" = drain voltage).
MODIFIERS: frozenset[str] = frozenset(
    [
        "max",
        "maximum",
        "min",
        "minimum",
        "rated",
        "rating",
        "ratings",
        "typical",
        "typ",
        "nominal",
        "nom",
        "absolute",
        "abs",
        "peak",
        "continuous",
        "actual",
        "real",
        "total",
        "overall",
        "allowed",
        "allowable",
        "permissible",
        "operating",
        "size",
        "dimension",
        "dimensions",
        "value",
        "values",
    ]
)
# What a part is called, written onto the attribute asked ("螺丝头多高"): names the part, does not narrow.
ZH_PART_NOUNS: tuple[str, ...] = (
    "螺丝",
    "螺钉",
    "螺栓",
    "螺母",
    "垫圈",
    "轴承",
    "电阻",
    "电容",
    "电感",
    "磁珠",
    "芯片",
    "二极管",
    "三极管",
    "晶体管",
    "晶振",
    "连接器",
    "端子",
    "插座",
    "开关",
    "保险丝",
    "继电器",
    "模块",
    "灯",
    "管",
)
ZH_FILLER: frozenset[str] = frozenset(
    "的是多少吗呢请问这个那一下有几什么么啊呀吧能可以它该款型号个大概帮我查看和与及还再要为值尺寸参数最大小高低约多带范围料颗"
)

# Unit hints: a phrase that says which unit the answer is in. "mm" hints length, "count" a plain number.
_UNIT_HINTS: tuple[tuple[str, str], ...] = (
    (r"多少伏|几伏|多少v\b|伏特|多高电压|多大电压|\bvolts?\b|\bhow many v\b|\bwhat voltage\b", "V"),
    (r"多少安|几安|多少毫安|多少ma\b|多大电流|\bamps?\b|\bamperes?\b|\bhow much current\b|\bwhat current\b", "A"),
    (r"多少欧|几欧|多少毫欧|\bohms?\b|\bhow many ohm|\bmilliohms?\b|\bk?ohms?\b", "Ω"),
    (r"多少瓦|几瓦|\bwatts?\b|\bhow many w\b", "W"),
    (r"多少赫|\bhertz\b|多少兆|\bhow fast\b.*\bclock|\bwhat clock\b", "Hz"),
    (r"多少法|多少皮法|多少纳法|多少微法|\bfarads?\b|多少\s*(?:uf|nf|pf)\b|\bhow many (?:uf|nf|pf)\b", "F"),
    (r"多少\s*(?:uh|mh|nh)\b|\bhow many (?:uh|mh|nh)\b|多少亨", "H"),
    (r"\bppm\b", "ppm/°C|ppm"),
    (r"多少纳秒|多少微秒|多少毫秒|多少秒|多久|多长时间|\bhow long does\b|\bhow quickly\b|\bnanoseconds?\b", "s"),
    (r"多少度|几度|\bdegrees?\b|\bhow hot\b|\bhow cold\b", "°C|°"),
    (r"多少毫米|几毫米|多少mm\b|多宽|多厚|多粗|多高|多长|多大尺寸|\bhow (?:wide|thick|tall|high|long|big)\b", "mm"),
    (r"多少个|几个|多少路|几路|多少脚|几脚|多少针|几针|多少位|\bhow many\b", "count"),
    (r"多重|多少克|多少公斤|\bhow heavy\b", "kg|g"),
)
_UNIT_HINT_RES = tuple((re.compile(p), u) for p, u in _UNIT_HINTS)
# "work from -40 to 125C", "150°C", "-40℃~85℃": temperatures written with their unit (read before numbers are blanked)
_TEMPERATURE_HINT = re.compile(
    r"(?<![a-z0-9.])[-−+]?\d+(?:\.\d+)?\s*(?:°\s*c|℃)(?![a-z])"
    r"|[-−]\d+\s*(?:°\s*c|℃|c)?\s*(?:to|~|～|至|到)\s*\+?\d+\s*(?:°\s*c|℃|c)(?![a-z0-9])"
)
# The same as a whole code-like span ("125C", "-40 to 125C", "-40°C~85°C"): a temperature, not a part number or its
# suffix
_TEMPERATURES = re.compile(
    r"[-−+]?\d+(?:\.\d+)?\s*(?:°\s*C|℃|C)?(?:\s*(?:to|~|～|至|到)?\s*[-−+]?\d+(?:\.\d+)?\s*(?:°\s*C|℃|C)?)?", re.I
)
_DEGREES = re.compile(r"\d\s*(?:°\s*C|℃|C)(?![A-Za-z])", re.I)


def is_temperature(text: str) -> bool:
    """Whether `text` as a whole is a temperature or a range of them, with its unit ('125C', '-40 to 125C')."""
    return _TEMPERATURES.fullmatch(text) is not None and _DEGREES.search(text) is not None


# A quantity for a price question: "for 10 pcs", "100个", "10k pieces", "qty 500".
_QTY = re.compile(
    r"(?:(?:qty|quantity|数量)\s*[:=]?\s*(\d[\d,]*)(k?))"
    r"|(?<![A-Za-z0-9\-/.,⁄])(\d[\d,]*(?:\.\d+)?)\s*(k|千|万)?\s*(?:pcs|pc|pieces?|units?|ea|个|只|片|颗|件|套|条|粒)(?![a-z])"
    r"|(?:\bfor|\bat|@|买|订|要|(?<![A-Za-z0-9])[x×*]|\bqty)\s*(\d[\d,]*)(k?)(?![A-Za-z0-9\-/.])(?:\s*(?:pcs|pc|pieces?|units?|个|只|片|颗|件))?",
    re.IGNORECASE,
)
_ASCII_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.#*×+_()]*")


@dataclass(frozen=True)
class Concept:
    """A thing a buyer asks about, the catalog keys that state it, and the words that name it."""

    id: str
    keys: tuple[str, ...]
    unit: str
    en: str
    zh: str
    terms: tuple[str, ...]
    generic: bool = False  # a broad word ("voltage", "电流") that a nearby unknown word may narrow


@dataclass(frozen=True)
class TermMatch:
    """A lexicon term found in the question: the concept ids it names, where (token span) and how long."""

    concepts: tuple[str, ...]
    start: int
    end: int
    text: str
    narrowed: bool = False  # an unknown word right next to it may ask something narrower
    words: tuple[str, ...] = ()  # the question's own tokens it spans ("output", "current")


@dataclass(frozen=True)
class QuestionTerms:
    """What one question asks, before any product is known."""

    matches: tuple[TermMatch, ...]
    words: tuple[str, ...]  # content words (ASCII, stemmed, corrected), attribute or not
    leftover: tuple[str, ...]  # content words no concept covered
    unknown: tuple[str, ...]  # content words found nowhere in the lexicon
    unit_hint: str | None
    quantity: int | None
    text: str = ""  # the question as read: lower case, part numbers and quantities blanked
    offered: tuple[str, ...] = ()  # values offered as a choice: "0402 or 0603?", "公头还是母头"

    @property
    def concept_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for m in self.matches for c in m.concepts))

    @property
    def narrowed(self) -> bool:
        """A term has an unknown word written onto it ("栅极电压", "gate voltage")."""
        return any(m.narrowed for m in self.matches)

    @property
    def asks_anything(self) -> bool:
        return bool(self.matches or self.leftover or self.unit_hint)


@dataclass
class Lexicon:
    """Concepts and catalog words; built once per catalog (see `lexicon_for`)."""

    concepts: dict[str, Concept]
    catalog_keys: frozenset[str] = frozenset()
    _terms: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _case_terms: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _by_key: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _words: frozenset[str] = field(default=frozenset(), repr=False)
    _fuzzy_pool: list[str] = field(default_factory=list, repr=False)
    _concept_words: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _prefixes: set[str] = field(default_factory=set, repr=False)
    _canon_cache: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for concept in self.concepts.values():
            for term in concept.terms:
                if len(term) <= 2 and term.isascii() and term.isalpha():
                    # 'd', 'D', 'B', 'C', 'k', 'id', 'od': a standalone token, case as written for single letters.
                    self._case_terms.setdefault(term if len(term) == 1 else term.lower(), set()).add(concept.id)
                    continue
                compact = compact_of(term)
                if compact:
                    self._terms.setdefault(compact, set()).add(concept.id)
            for key in concept.keys:
                self._by_key.setdefault(key, set()).add(concept.id)
        self._prefixes = {compact[:k] for compact in self._terms for k in range(1, len(compact) + 1)}
        for concept in self.concepts.values():
            own = {t for term in concept.terms for t in _TOKEN.findall(normalize(term)) if t.isascii()}
            self._concept_words[concept.id] = frozenset(own - STOPWORDS)
        words = {t for c in self.concepts.values() for term in c.terms for t in _TOKEN.findall(normalize(term))}
        words |= {w for key in self.catalog_keys for w in key.split("_") if w}
        words = {w for w in words if w.isascii() and not w.isdigit()}
        self._words = frozenset(words | STOPWORDS | MODIFIERS)
        self._fuzzy_pool = sorted(w for w in words | STOPWORDS | MODIFIERS if len(w) >= 4)

    def is_term_or_value(self, text: str) -> bool:
        """'OD', 'RDS(on)', 'V', '100': a term, a unit word or a number, not a part-number suffix."""
        compact = compact_of(text)
        lowered = compact.lower()
        return (
            compact in self._terms
            or text.strip() in self._case_terms
            or lowered in self._case_terms
            or lowered in UNIT_WORDS
            or lowered.isdigit()
            or lowered in {"v", "a", "w", "mm", "pcs"}
            or _COUNT.fullmatch(lowered) is not None  # "10pcs", "2k", "500个"
        )

    @property
    def word_set(self) -> frozenset[str]:
        """Every ASCII word the lexicon knows (terms, catalog keys, stopwords, modifiers)."""
        return self._words

    def read(self, question: str, *, strip: Iterable[str] = ()) -> QuestionTerms:
        """Read `question`; the texts in `strip` (the part numbers found) are blanked out first.

        Only the first MAX_QUESTION_CHARS are read: the chat refuses longer messages before NLU (1,000
        characters), and a spec question is a sentence; a pasted page costs no more than that."""
        question = question[:MAX_QUESTION_CHARS]
        text = question
        for code in sorted(set(strip), key=len, reverse=True):
            if code:
                text = text.replace(code, " ")
        quantity = find_quantity(text)
        text = _QTY.sub(" ", text) if quantity is not None else text
        offered = offered_values(text)
        offered_words = {w for v in offered for w in _TOKEN.findall(v)}
        temperature = _TEMPERATURE_HINT.search(normalize(text)) is not None
        text = _strip_codes(text, self)
        lowered = normalize(text)
        unit_hint = next((u for rx, u in _UNIT_HINT_RES if rx.search(lowered)), "°C|°" if temperature else None)
        found = list(_TOKEN.finditer(lowered))
        raw_tokens = [m.group(0) for m in found]
        joined = [i > 0 and found[i - 1].end() == m.start() for i, m in enumerate(found)]
        cased = _cased_tokens(text)
        tokens = [self._canonical(t) for t in raw_tokens]
        matches = self._match(tokens, cased)
        covered = {i for m in matches for i in range(m.start, m.end)}
        # A word of another term of a concept already matched ("hex" of "hex key" when "key size" matched).
        own = {w for m in matches for c in m.concepts for w in self._concept_words.get(c, ())}
        covered |= {i for i, tok in enumerate(tokens) if tok in own and not _CJK.match(tok)}
        words: list[str] = []
        leftover: list[str] = []
        unknown: list[str] = []
        for i, tok in enumerate(tokens):
            if _CJK.match(tok) or tok in STOPWORDS or tok in UNIT_WORDS or tok.isdigit():
                continue
            if tok not in MODIFIERS:
                words.append(tok)
            if i in covered or tok in MODIFIERS or tok in offered_words:
                continue
            leftover.append(tok)
            if tok not in self._words:
                unknown.append(tok)
        matches = [replace(m, narrowed=self._is_narrowed(m, tokens, covered, joined)) for m in matches]
        return QuestionTerms(
            matches=tuple(matches),
            words=tuple(dict.fromkeys(words)),
            leftover=tuple(dict.fromkeys(leftover)),
            unknown=tuple(dict.fromkeys(unknown)),
            unit_hint=unit_hint,
            quantity=quantity,
            text=lowered,
            offered=offered,
        )

    def _canonical(self, token: str) -> str:
        """Plural and typo repair for ASCII words the lexicon does not know ('gpios', 'tolerence'), cached."""
        found = self._canon_cache.get(token)
        if found is None:
            if len(self._canon_cache) > 50_000:
                self._canon_cache.clear()
            found = self._canon_cache[token] = self._repair(token)
        return found

    def _repair(self, token: str) -> str:
        if token in _WORD_SYNONYMS:
            return _WORD_SYNONYMS[token]
        if _CJK.match(token) or token in self._words or token.isdigit() or not token.isascii():
            return token
        for cut in ("es", "s"):
            if token.endswith(cut) and token[: -len(cut)] in self._words:
                return token[: -len(cut)]
        if len(token) >= 4 and self._fuzzy_pool and not any(c.isdigit() for c in token):
            # One slip (a letter wrong, missing, extra, or two swapped: 'voltgae', 'heigth'); two in long words.
            limit = 1 if len(token) < 8 else 2
            found = process.extract(token, self._fuzzy_pool, scorer=OSA.distance, score_cutoff=limit, limit=8)
            if not found and len(token) >= 5:
                # Two swaps in a short word ('wihdt'): the same letters, two edits apart.
                near = process.extract(token, self._fuzzy_pool, scorer=OSA.distance, score_cutoff=2, limit=8)
                found = [f for f in near if sorted(f[0]) == sorted(token)]
            if found:
                # Among equally close words, the one with the same letters wins ('barnd' is 'brand', not 'band').
                # then the one that keeps the last letter ('thred' is 'thread', not 'three')
                best = min(
                    found,
                    key=lambda f: (
                        f[1],
                        sorted(f[0]) != sorted(token),
                        f[0][-1] != token[-1],
                        abs(len(f[0]) - len(token)),
                    ),
                )
                return str(best[0])
        return token

    def _match(self, tokens: list[str], cased: dict[int, str]) -> list[TermMatch]:
        found: list[TermMatch] = []
        n = len(tokens)
        for i in range(n):
            # Grow the span while its letters still begin some term: a few steps per token, never a scan of 12.
            compact, longest = "", None
            for j in range(i, min(n, i + _MAX_TERM_TOKENS)):
                compact += tokens[j]
                if compact not in self._prefixes:
                    break
                if compact in self._terms:
                    longest = (j + 1, compact)
            if longest is not None:
                end, text = longest
                found.append(TermMatch(tuple(sorted(self._terms[text])), i, end, text, words=tuple(tokens[i:end])))
            else:
                single = cased.get(i)
                if single is None or _CJK.match(tokens[i]):
                    continue
                ids = self._case_terms.get(single if len(single) == 1 else tokens[i])
                if ids:
                    found.append(TermMatch(tuple(sorted(ids)), i, i + 1, tokens[i], words=(tokens[i],)))
        # Longest first, then leftmost; a chosen match blocks any overlapping one.
        chosen: list[TermMatch] = []
        taken: set[int] = set()
        for m in sorted(found, key=lambda m: (-len(m.text), m.start)):
            span = set(range(m.start, m.end))
            if span & taken:
                continue
            chosen.append(m)
            taken |= span
        return sorted(chosen, key=lambda m: m.start)

    def _is_narrowed(self, match: TermMatch, tokens: list[str], covered: set[int], joined: list[bool]) -> bool:
        """A term with an unknown word right next to it asks something narrower: "gate voltage" (a broad English
        term), "栅极电压", "温度特性", "DIN标准" (a Chinese term: Chinese compounds narrow by what is written onto
        them, before or after). `joined[i]` says token i is written onto token i - 1 (no space between)."""
        chinese = bool(_CJK.match(tokens[match.start]))
        generic = all(self.concepts[c].generic for c in match.concepts)
        if not (chinese or generic):
            return False
        before = match.start - 1
        while before >= 0 and tokens[before] in MODIFIERS:
            before -= 1
        if before >= 0 and before not in covered and (joined[match.start] or not chinese):
            tok = tokens[before]
            if _CJK.match(tok):
                noun = "".join(tokens[max(0, before - 2) : before + 1])
                if tok not in ZH_FILLER and not any(noun.endswith(n) for n in ZH_PART_NOUNS):
                    return True
            elif tok not in STOPWORDS and tok not in UNIT_WORDS and not tok.isdigit():
                return True
        after = match.end
        if chinese and after < len(tokens) and after not in covered and joined[after]:
            tok = tokens[after]
            noun = "".join(tokens[after : after + 3])
            return bool(_CJK.match(tok)) and tok not in ZH_FILLER and not any(noun.startswith(n) for n in ZH_PART_NOUNS)
        return False


# Adjectives and verbs that name a dimension: "how tall is the head" asks the head *height*.
_WORD_SYNONYMS = {"tall": "height", "heavy": "weight"}  # not 'deep' -> 'depth': a deep groove ball bearing


def normalize(text: str) -> str:
    """NFKC, lower case, 'µ' as 'u', 'colour' as 'color': the form both questions and terms are read in."""
    text = unicodedata.normalize("NFKC", text).lower().replace("µ", "u").replace("μ", "u")
    return text.replace("colour", "color")


def compact_of(term: str) -> str:
    """The letters of a term joined: 'Rds(on)' -> 'rdson', '漏源 电压' -> '漏源电压'."""
    return "".join(_TOKEN.findall(normalize(term)))


# The lookbehind starts a match only where a run of spaces starts: linear on a long run of spaces.
_CHOICE = re.compile(r"(?<!\s)\s+or\s+|还是|或者|或是")
_SIDE = re.compile(r"[a-z0-9±%.\-/]+|[\u3400-\u9fff]{1,4}")


def offered_values(text: str) -> tuple[str, ...]:
    """The alternatives of a choice question: '1% or 5%?' -> ('1%', '5%'); '是公头还是母头' -> ('公头', '母头')."""
    lowered = normalize(text)
    parts = _CHOICE.split(lowered)
    if len(parts) < 2:
        return ()
    values: list[str] = []
    for i, part in enumerate(parts):
        runs = [r for r in (r.strip("是的吗呢?级") for r in _SIDE.findall(part)) if r and r not in STOPWORDS]
        latin = [r for r in runs if r.isascii()] or runs  # "是P4级还是P5级": the codes, not the 级
        if latin:
            values.append(latin[-1] if i < len(parts) - 1 else latin[0])
    return tuple(values) if len(values) >= 2 else ()


def without_quantity(text: str) -> str:
    """The text with the quantities of a price question blanked ('price for 100 pcs?' -> 'price ?')."""
    return _QTY.sub(" ", unicodedata.normalize("NFKC", text))


_COUNT = re.compile(r"\d+(?:\.\d+)?(?:k|pcs|pc|pieces|units|个|只|片|颗|件)?")
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_ZH_QTY = re.compile(r"([一二两三四五六七八九十])([十百千万])(?:个|只|片|颗|件|pcs)?")
# A bare count next to a price word: "STM32F103C8T6 price 500", "价格 5000", "2.5k price".
_BARE_QTY = re.compile(r"(?<![A-Za-z0-9\-/.,⁄])(\d+(?:\.\d+)?)(k?)(?![A-Za-z0-9\-/.,%⁄])", re.IGNORECASE)


def find_quantity(question: str) -> int | None:
    """The quantity a price question names ('for 10 pcs', '100个', '2k pieces', '两千个', 'price 500'), or None.

    Part numbers must be blanked first (Lexicon.read does): '6011-2RS' has no quantity."""
    text = unicodedata.normalize("NFKC", question)
    found = _pattern_quantity(text)
    if found is not None:
        return found
    zh = _ZH_QTY.search(text)
    if zh:
        return _ZH_DIGITS[zh.group(1)] * _ZH_UNITS[zh.group(2)]
    bare = _BARE_QTY.findall(text)
    if len(bare) == 1:
        number, k = bare[0]
        value = float(number) * (1000 if k else 1)
        if 0 < value < 1e9 and value == int(value):
            return int(value)
    return None


def _pattern_quantity(text: str) -> int | None:
    for m in _QTY.finditer(text):
        number = next((g for g in (m.group(1), m.group(3), m.group(5)) if g), None)
        if number is None:
            continue
        scale = (m.group(2) or m.group(4) or m.group(6) or "").lower()
        try:
            value = float(number.replace(",", ""))
        except ValueError:
            continue
        value *= {"k": 1000, "千": 1000, "万": 10000}.get(scale, 1)
        if 0 < value < 1e9 and value == int(value):
            return int(value)
    return None


@lru_cache(maxsize=1)
def load_concepts(path: Path = TERMS_FILE) -> dict[str, Concept]:
    """The general vocabulary plus the synonym table, by concept id."""
    concepts: dict[str, Concept] = {}
    for spec in VOCABULARY:
        concepts[spec.key] = Concept(
            spec.key, (spec.key,), spec.unit, spec.en, spec.zh, spec.synonyms, generic=spec.key in GENERIC_KEYS
        )
    if path.exists():
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cid = str(entry["id"])
            old = concepts.get(cid)
            keys = tuple(str(k) for k in entry.get("keys") or [cid])
            terms = tuple(str(t) for t in entry.get("terms") or [])
            if old is not None:  # the table adds words (and keys) to a general concept
                concepts[cid] = Concept(
                    cid,
                    tuple(dict.fromkeys(old.keys + keys)),
                    old.unit,
                    old.en,
                    old.zh,
                    tuple(dict.fromkeys(old.terms + terms)),
                    old.generic,
                )
                continue
            concepts[cid] = Concept(
                cid,
                keys,
                str(entry.get("unit") or ""),
                str(entry.get("en") or cid.replace("_", " ")),
                str(entry.get("zh") or entry.get("en") or cid),
                terms,
                bool(entry.get("generic", False)),
            )
    return concepts


@lru_cache(maxsize=1)
def concept_by_key() -> dict[str, Concept]:
    """The first concept (in load order) that lists each catalog key: the name an answer shows for that key."""
    found: dict[str, Concept] = {}
    for concept in load_concepts().values():
        for key in concept.keys:
            found.setdefault(key, concept)
    return found


# General concepts named by a broad word: an unknown word right before it ("gate voltage") asks something else.
GENERIC_KEYS: frozenset[str] = frozenset(
    {"voltage_rating", "current_rating", "power", "temperature_range", "limiting_speed", "bearing_type", "package"}
)


def build_lexicon(catalog_keys: Iterable[str] = ()) -> Lexicon:
    """The lexicon over the concepts and these catalog keys; built once per set of keys."""
    return _lexicon(frozenset(catalog_keys))


@lru_cache(maxsize=4)
def _lexicon(catalog_keys: frozenset[str]) -> Lexicon:
    return Lexicon(load_concepts(), catalog_keys)


def key_words(key: str, label: str = "") -> frozenset[str]:
    """The words of a catalog key and its source label: 'reverse_recovery_time_trr' -> reverse, recovery, time, trr."""
    words = {w for w in key.split("_") if w and not w.isdigit()}
    words |= {w for w in _TOKEN.findall(normalize(label)) if w.isascii() and not w.isdigit()}
    return frozenset(words - STOPWORDS - UNIT_WORDS)


# Unit symbols in a column label ("D[mm]", "C[kN]") say nothing about which attribute it is.
UNIT_WORDS: frozenset[str] = frozenset(
    [
        "mm",
        "kn",
        "n",
        "r",
        "min",
        "rpm",
        "kg",
        "g",
        "v",
        "mv",
        "a",
        "ma",
        "ua",
        "w",
        "mw",
        "hz",
        "khz",
        "mhz",
        "pf",
        "nf",
        "uf",
        "ohm",
        "ohms",
        "volt",
        "volts",
        "amp",
        "amps",
        "watt",
        "watts",
        "degree",
        "degrees",
        "ppm",
        "milliohm",
        "milliohms",
        "mohm",
        "kohm",
        "kohms",
    ]
)


def _cased_tokens(text: str) -> dict[int, str]:
    """Original-case ASCII tokens of one or two letters by position, where they stand alone (single-letter terms
    are case-sensitive: d ≠ D); the C of "°C" or "C编号" is no load rating, the D of "的D是" is a diameter."""
    out: dict[int, str] = {}
    norm = unicodedata.normalize("NFKC", text).replace("µ", "u")
    for i, m in enumerate(_TOKEN_ANY_CASE.finditer(norm)):
        token = m.group(0)
        if len(token) > 2 or not token.isascii():
            continue
        before = norm[m.start() - 1] if m.start() else " "
        after = norm[m.end()] if m.end() < len(norm) else " "
        if before not in "°/\\-.#" and all(not _CJK.match(c) or c in ZH_FILLER for c in (before, after)):
            out[i] = token
    return out


def _strip_codes(text: str, lexicon: Lexicon) -> str:
    """Blank out tokens that look like part numbers or values (digits inside) unless they are lexicon terms."""

    def keep(m: re.Match[str]) -> str:
        run = m.group(0)
        if not any(c.isdigit() for c in run):
            return run
        compact = compact_of(run)
        if compact in lexicon._terms or run in lexicon._case_terms or run.lower() in lexicon._case_terms:
            return run
        return " "

    return _ASCII_RUN.sub(keep, unicodedata.normalize("NFKC", text))
