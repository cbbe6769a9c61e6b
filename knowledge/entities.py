"""Find part numbers and attribute words in a buyer's question, Chinese, English or both mixed.

spaCy does the matching over a tokenizer of our own: every Chinese character is one token (so a Chinese
synonym matches inside any run of Chinese, spaced or not: "6205-2RS内径多少"), and a run of letters and
digits joined by - / . * × stays whole (7008CEGA/P4A, NX3225GD-8MHZ-STD-CRA-3, M3x20). A Matcher finds part
numbers, a PhraseMatcher the synonyms of knowledge/attributes.py, matched on a typo-corrected form.

Not part numbers, by design: values and search parameters ("10k", "100nF", "50V", "1%", "25mm", "0603",
"X7R", "SOT-23"), a thread size alone ("M3": a parameter; "M3x20" is a part), standards ("DIN912"),
material grades ("A2-70") and bearing suffixes alone ("2RS"). A bare number is a part only when it reads as
a bearing designation (6205, 7008, 71906, 22210) and is not a quantity or a value ("6000 pcs", "转速6000").
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import spacy
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from knowledge.attributes import VOCABULARY

PART_NUMBER = "part_number"
ATTRIBUTE = "attribute"


@dataclass(frozen=True)
class Entity:
    """A span of the buyer's text: `start`/`end` are character offsets into it, `value` the normalized form.

    For a part number `value` is the text with full-width characters made ASCII and spaces collapsed;
    for an attribute it is the canonical key (see `attribute_keys` when a synonym is ambiguous).
    """

    kind: str
    text: str
    start: int
    end: int
    value: str


def extract_entities(text: str) -> list[Entity]:
    """Part numbers and attribute words in `text`, in order of position."""
    # Chat-sized texts are cached (the NLU components ask twice per message); a long one only until the next,
    # so a buyer sending many long messages cannot grow the process.
    return list(_extract(text) if len(text) <= _CACHED_LENGTH else _extract_long(text))


def attribute_keys(synonym: str) -> tuple[str, ...]:
    """Every canonical key `synonym` can mean, the one `extract_entities` reports first ("精度": 2 keys)."""
    return _SYNONYM_KEYS.get(_normalize_synonym(synonym), ())


# --- text normalization -------------------------------------------------------------------------------

_CJK_CHAR = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_CHAR = r"A-Za-z0-9µμΩ"
_CONNECTOR = r"\-/.*×#_+"
_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK_CHAR}])"
    rf"|(?P<word>[{_WORD_CHAR}]+(?:[{_CONNECTOR}][{_WORD_CHAR}]+)*)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.S,
)
_HAS_DIGIT = re.compile(r"\d")
_CONNECTOR_SPLIT = re.compile(rf"([{_CONNECTOR}])")


def _halfwidth(text: str) -> str:
    """Full-width ASCII (Chinese input methods type "６２０５－２ＲＳ") as ASCII, one char for one char."""
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else (" " if c == "\u3000" else c) for c in text)


def _tokenize(vocab: Vocab, text: str) -> Doc:
    """A Doc of `text` made half-width (same length: offsets stay valid); CJK chars, whole codes, marks."""
    words: list[str] = []
    spaces: list[bool] = []
    for match in _TOKEN.finditer(_halfwidth(text)):
        piece = match.group()
        if match.lastgroup == "space":
            if piece == " " and words and not spaces[-1]:
                spaces[-1] = True
                continue
        elif match.lastgroup == "word" and not _HAS_DIGIT.search(piece):
            # A connector only binds codes: "oil-air" and "r/min" are words a synonym can match one by one.
            for part in _CONNECTOR_SPLIT.split(piece):
                if part:
                    words.append(part)
                    spaces.append(False)
            continue
        words.append(piece)
        spaces.append(False)
    doc = Doc(vocab, words=words, spaces=spaces)
    for token in doc:
        token.norm_ = _corrected(token.lower_)
    return doc


# --- typo tolerance for English attribute words ---------------------------------------------------------

# Real words one edit away from a vocabulary word; correcting them would invent attributes.
_NOT_TYPOS = frozenset({"with", "dinner", "eight", "seed", "powder", "currently", "rate", "tread", "bread"})
_KNOWN_WORDS: frozenset[str] = frozenset(
    word for spec in VOCABULARY for synonym in spec.synonyms for word in re.split(r"[^a-z]+", synonym.lower())
)
_VOCAB_WORDS = frozenset(word for word in _KNOWN_WORDS if len(word) >= 5)
_KEEP_AS_TYPED = _KNOWN_WORDS | _NOT_TYPOS


# One edit (a substitution costs 2) changes the length by at most 2: a longer word is no typo of a vocabulary word.
_LONGEST_TYPO = max(map(len, _VOCAB_WORDS), default=0) + 2


def _corrected(word: str) -> str:
    """`word` with one typo fixed ("outter" -> "outer", "powr" -> "power"), else `word`."""
    if len(word) < 4 or len(word) > _LONGEST_TYPO or not (word.isalpha() and word.isascii()):
        return word  # checked before the cache, which holds only words that could be typos
    return _typo_fixed(word)


@lru_cache(maxsize=4096)
def _typo_fixed(word: str) -> str:
    if word in _KEEP_AS_TYPED:
        return word
    # Substitutions cost 2 so "lower" never becomes "power"; one insertion or deletion costs 1.
    best = process.extractOne(
        word, _VOCAB_WORDS, scorer=Levenshtein.distance, scorer_kwargs={"weights": (1, 1, 2)}, score_cutoff=2
    )
    if best is None:
        return word
    candidate, distance = best[0], best[1]
    return candidate if distance <= 1 or len(candidate) >= 6 else word


# --- part numbers -----------------------------------------------------------------------------------

_UNIT = (
    r"(?:[pnuµμmkKMG]?(?:F|H|Hz|V|VAC|VDC|A|Ah|W|Ω|ohms?)|[kKMGR]|mm|cm|um|mil|in|inch|kg|g|"
    r"pcs|pc|ppm|rpm|%|°C|dB|s|ms|h|hrs?|days?|weeks?|usd|rmb|cny|eur)"
)
_NOT_A_PART = [
    re.compile(p, re.I)
    for p in (
        rf"^\d+(?:[.,]\d+)?{_UNIT}?$",  # 10k 100nF 50V 25mm 8MHz 100pcs
        r"^\d+[kmr]\d+$",  # 4k7 2R2 1M0
        r"^\d+/\d+w?$",  # 1/4W
        r"^\d+(?:\.\d+)?(?:[x×*]\d+(?:\.\d+)?)+(?:mm)?$",  # 25x52x15 3.2x2.5mm
        r"^(?:[xyz]\d[a-z]|c0g|cog|np0|npo)$",  # dielectrics X7R C0G NP0
        r"^(?:sot|sod|sop|ssop|tssop|msop|soic|qfn|dfn|vqfn|wqfn|lqfp|tqfp|qfp|bga|lga|to|dip|pdip|sma|smb|smc|"
        r"do|sc|sip|plcc|dpak|d2pak|wlcsp|csp|sot|hc)-?\d+[a-z0-9\-]*$",  # packages SOT-23-5 TO-220 HC-49
        r"^m\d+(?:\.\d+)?$",  # thread size alone: a search parameter
        r"^[a-z]\d{1,3}$",  # designators and grades: R12 C3 P4
        r"^(?:din|iso|gb|gb/t|jis|ansi|asme|en|iec|ul|ip|aec|ipc)[-/]?[a-z]?\d[\d.\-]*$",  # DIN912 IP67 AEC-Q200
        r"^(?:a[2-5]-\d{2}|sus\d{3}l?|ss\d{3}l?|q\d{3}[a-z]?|gcr15)$",  # A2-70 SUS304 Q235 GCr15
        r"^2?(?:rs|rz|z|zz)\d?[hrl]?$",  # bearing suffix alone: 2RS ZZ
        r"^v\d+(?:\.\d+)*$",  # versions
        r"^\d+(?:st|nd|rd|th)$",
    )
]
_CODE = r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9µμΩ][A-Za-z0-9µμΩ\-/.*×#_+]{2,}$"
# Bare numbers read as bearing designations: 6205, 6000-6999 deep groove, 7008 angular contact, 71906,
# 1205 self-aligning, 22210 spherical roller, 30205 tapered, 51105 thrust. Chip sizes are not bearings here.
_BEARING_NUMBER = (
    r"^(?:6[0-4]\d{2,3}|6[89]\d{2}|16\d{3}|7[0-3]\d{2,3}|71[89]\d{2}|1[23]\d{2}|2[23]\d{3}"
    r"|3[0-3]\d{3}|5[1-3]\d{3})$"
)
_CHIP_SIZES = frozenset({"1206", "1210", "1218", "1225"})
_SUFFIX = r"^(?=[A-Z0-9/]*[A-Z])[A-Z0-9]{2,10}(?:/[A-Z0-9]{1,8})*$"  # 2RS ZZ C3 CEGA/P4A ACE/HCP4A ECP
_SUFFIX_STOP = frozenset(
    {
        "SKF",
        "NSK",
        "FAG",
        "NTN",
        "KOYO",
        "TIMKEN",
        "INA",
        "HRB",
        "ZWZ",
        "LYC",
        "NACHI",
        "IKO",
        "THK",
        "NMB",
        "MM",
        "PCS",
        "PC",
        "OK",
        "ID",
        "OD",
        "RPM",
        "KN",
        "USD",
        "RMB",
    }
)
_ROLLER_PREFIX = [
    "NU",
    "NJ",
    "NUP",
    "NF",
    "NN",
    "NNU",
    "NA",
    "NK",
    "NKI",
    "RNA",
    "QJ",
    "HK",
    "UC",
    "UCP",
    "UCF",
    "UCFL",
    "SN",
    "NUTR",
    "KR",
    "GE",
]
_QUANTITY_AFTER = frozenset(
    {
        "pcs",
        "pc",
        "pieces",
        "piece",
        "units",
        "unit",
        "rpm",
        "r",
        "mm",
        "个",
        "只",
        "件",
        "套",
        "颗",
        "片",
        "盘",
        "卷",
        "转",
        "元",
        "块",
        "米",
        "毫",
        "k",
    }
)
_SPEED_KEYS = frozenset({"limiting_speed", "reference_speed", "grease_speed", "oil_speed"})
_PART_CUES = [["sku"], ["pn"], ["mpn"], ["part"], ["型", "号"], ["料", "号"], ["编", "号"], ["编", "码"]]


def _part_spans(doc: Doc, matcher: Matcher, attribute_spans: list[Span]) -> list[Span]:
    """Part-number spans, longest first when candidates overlap ("6205 2RS" over "2RS")."""
    # Only a speed reads as a value in bearing-number range: "转速6000" is 6000 r/min, "内径 6205" is a part.
    speed_ends = {span.end for span in attribute_spans if span.label_ in _SPEED_KEYS}
    spans: list[Span] = []
    for match_id, start, end in matcher(doc):
        label = doc.vocab.strings[match_id]
        span = doc[start:end]
        if label == "CODE" and _is_value_like(span.text):
            continue
        if label == "CUED_NUMBER":
            span = doc[end - 1 : end]
        if label in ("BEARING", "ROLLER"):
            while len(span) > (2 if label == "ROLLER" else 1) and not _is_suffix(span[-1].text):
                span = span[:-1]  # "6205 SKF", "6205 25MM": a brand or a value, not a suffix
            if label == "BEARING" and len(span) == 1 and not _is_bearing_number(doc, start, speed_ends):
                continue
        spans.append(span)
    return filter_spans(spans)


def _is_value_like(code: str) -> bool:
    """True for "10k", "3.3V/5V", "X7R", "SOT-23": values and parameters that look like codes."""
    if any(p.match(code) for p in _NOT_A_PART):
        return True
    pieces = [p for p in re.split(r"[-/]", code) if p]
    return len(pieces) > 1 and all(any(p.match(piece) for p in _NOT_A_PART[:2]) for piece in pieces)


def _is_suffix(text: str) -> bool:
    """A bearing suffix after the number: "2RS", "ZZ", "C3", "CEGA/P4A", never a brand or a value."""
    return bool(re.match(_SUFFIX, text)) and text not in _SUFFIX_STOP and not _NOT_A_PART[0].match(text)


def _is_bearing_number(doc: Doc, i: int, speed_ends: set[int]) -> bool:
    """A bare "6205" is a part unless it is a chip size, a quantity ("6000 pcs") or a value ("转速6000")."""
    if doc[i].text in _CHIP_SIZES:
        return False
    after = next((t for t in doc[i + 1 :] if not t.is_space), None)
    if after is not None and after.lower_ in _QUANTITY_AFTER:
        return False
    before = i
    while before > 0 and doc[before - 1].text.strip() in ("", ":", "：", "=", "≥", "≤", ">", "<"):
        before -= 1
    return before not in speed_ends


# --- attributes ------------------------------------------------------------------------------------

# Homophone slips of Chinese input methods (内经 for 内径), kept apart from the lead vocabulary.
_EXTRA_SYNONYMS: dict[str, tuple[str, ...]] = {"bore_diameter": ("内经",), "outer_diameter": ("外经",)}
_STANDALONE_NEIGHBOURS = set(" \t\n?？,，.。:：;；=()（）!！") | {""}


def _normalize_synonym(synonym: str) -> str:
    return " ".join(synonym.lower().split())


def _synonym_tables() -> tuple[dict[str, tuple[str, ...]], dict[str, str], dict[str, str]]:
    """(synonym -> keys in vocabulary order, one-letter synonyms by case, two-letter ones lower-cased)."""
    keys: dict[str, tuple[str, ...]] = {}
    cased: dict[str, str] = {}
    any_case: dict[str, str] = {}
    extra = [(key, s) for key, synonyms in _EXTRA_SYNONYMS.items() for s in synonyms]
    for key, synonym in [(spec.key, s) for spec in VOCABULARY for s in spec.synonyms] + extra:
        normalized = _normalize_synonym(synonym)
        keys[normalized] = (*keys.get(normalized, ()), key)
        if len(synonym) == 1 and synonym.isascii():
            cased.setdefault(synonym, key)  # "d" bore, "D" outer diameter
        elif len(synonym) == 2 and synonym.isascii():
            any_case.setdefault(normalized, key)  # "id", "OD", "C0"
    return keys, cased, any_case


_SYNONYM_KEYS, _SHORT_CASED, _SHORT_ANY_CASE = _synonym_tables()


def _attribute_spans(doc: Doc, matcher: PhraseMatcher) -> list[Span]:
    """Attribute spans labelled with their key; the longest synonym wins, neighbours of one key merge."""
    spans = [
        Span(doc, start, end, label=_SYNONYM_KEYS[doc.vocab.strings[match_id]][0])
        for match_id, start, end in matcher(doc)
    ]
    for token in doc:
        key = _SHORT_CASED.get(token.text) or _SHORT_ANY_CASE.get(token.lower_)
        if key and _standalone(doc, token.i):
            spans.append(Span(doc, token.i, token.i + 1, label=key))
    merged: list[Span] = []
    for span in sorted(filter_spans(spans), key=lambda s: s.start):
        gap = doc[merged[-1].end : span.start] if merged else doc[0:0]
        if merged and merged[-1].label_ == span.label_ and all(t.is_space or t.text in "(（" for t in gap):
            end = span.end
            if any(t.text in "(（" for t in gap) and end < len(doc) and doc[end].text in ")）":
                end += 1
            merged[-1] = Span(doc, merged[-1].start, end, label=span.label_)  # "内径d", "外径 D", "bore (d)"
        else:
            merged.append(span)
    return merged


def _standalone(doc: Doc, i: int) -> bool:
    """A one- or two-letter synonym stands between spaces, Chinese or punctuation, and not after a number."""
    text = doc.text
    start, end = doc[i].idx, doc[i].idx + len(doc[i])
    before, after = text[start - 1 : start], text[end : end + 1]
    if not all(c in _STANDALONE_NEIGHBOURS or re.match(f"[{_CJK_CHAR}]", c) for c in (before, after)):
        return False
    previous = next((t for t in reversed(doc[:i]) if not t.is_space), None)
    # "10 k" is a value, not the head height k; "6205 D" is the outer diameter of a bearing.
    return previous is None or not previous.like_num or bool(re.match(_BEARING_NUMBER, previous.text))


# --- pipeline ----------------------------------------------------------------------------------------

_LOCK = threading.Lock()
_NLP: tuple[Language, Matcher, PhraseMatcher] | None = None


# spaCy keeps every word it has seen in its vocabulary for good (about 450 bytes each): messages full of distinct
# made-up words would grow the process without end, so past this many the pipeline is built afresh (30-70 ms).
_MAX_LEXEMES = 100_000


def _pipeline() -> tuple[Language, Matcher, PhraseMatcher]:
    """The spaCy pipeline and its matchers, built once per process (again when its vocabulary grew too large)."""
    global _NLP
    with _LOCK:
        if _NLP is None or len(_NLP[0].vocab) > _MAX_LEXEMES:
            _NLP = _build()
        return _NLP


def _build() -> tuple[Language, Matcher, PhraseMatcher]:
    nlp = spacy.blank("xx")
    nlp.tokenizer = lambda text: _tokenize(nlp.vocab, text)

    parts = Matcher(nlp.vocab)
    parts.add("CODE", [[{"TEXT": {"REGEX": _CODE}}]])
    suffix = {"TEXT": {"REGEX": _SUFFIX}, "OP": "?"}
    parts.add("BEARING", [[{"TEXT": {"REGEX": _BEARING_NUMBER}}, suffix, suffix]])
    parts.add("ROLLER", [[{"TEXT": {"IN": _ROLLER_PREFIX}}, {"TEXT": {"REGEX": r"^\d{2,5}$"}}, suffix]])
    parts.add(
        "FASTENER",
        [
            [
                {"TEXT": {"REGEX": r"^[Mm]\d+(?:\.\d+)?$"}},
                {"LOWER": {"IN": ["x", "×", "*"]}},
                {"TEXT": {"REGEX": r"^\d+(?:\.\d+)?$"}},
            ]
        ],
    )
    colon = {"TEXT": {"IN": [":", "：", "#"]}, "OP": "?"}
    parts.add(
        "CUED_NUMBER", [[*({"LOWER": w} for w in cue), colon, {"TEXT": {"REGEX": r"^\d{4,}$"}}] for cue in _PART_CUES]
    )

    # Short ASCII synonyms are matched token by token (`_standalone`), the rest as phrases on fixed norms.
    attributes = PhraseMatcher(nlp.vocab, attr="NORM")
    for synonym in _SYNONYM_KEYS:
        if not (len(synonym) <= 2 and synonym.isascii()):
            attributes.add(synonym, [nlp.make_doc(synonym)])
    return nlp, parts, attributes


_CACHED_LENGTH = 4_000


@lru_cache(maxsize=2048)
def _extract(text: str) -> tuple[Entity, ...]:
    return _entities(text)


@lru_cache(maxsize=1)
def _extract_long(text: str) -> tuple[Entity, ...]:
    return _entities(text)


def _entities(text: str) -> tuple[Entity, ...]:
    nlp, part_matcher, attribute_matcher = _pipeline()
    doc = nlp.make_doc(text)
    attribute_spans = _attribute_spans(doc, attribute_matcher)
    part_spans = _part_spans(doc, part_matcher, attribute_spans)
    taken = {i for span in part_spans for i in range(span.start, span.end)}
    entities = [
        Entity(PART_NUMBER, text[s.start_char : s.end_char], s.start_char, s.end_char, " ".join(s.text.split()))
        for s in part_spans
    ]
    entities += [
        Entity(ATTRIBUTE, text[s.start_char : s.end_char], s.start_char, s.end_char, s.label_)
        for s in attribute_spans
        if not taken.intersection(range(s.start, s.end))
    ]
    return tuple(sorted(entities, key=lambda e: e.start))
