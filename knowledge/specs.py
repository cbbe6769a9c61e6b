"""Spec answers: map a buyer's question to a part and an attribute the catalog states, or abstain honestly.

Statuses (`SpecAnswer.status`, also `brandstation ask --json`):
- `answered`: one value, from the part's own listing(s); when several listings (manufacturers, sources) or
  several standard parts (every ISO 4762 M6) answer, they all state the same value and the answer says which.
- `not_stated`: the part is known, the question names an attribute, the catalog does not state it for this
  part: say so and show the nearest facts it does state.
- `which_attribute`: the part is known, but the question names no attribute we can pin down ("AO3400A?",
  "AO3400A 栅极电压" when only Vds and Vgs(th) are stated): show the candidates with their values and ask.
- `which_product`: several parts fit, or the listings of one part number disagree on the value: show the
  distinct values with the parts that state each, and ask which.
- `not_found`: no catalog part matches.

A value is only given when the words of the question and the unit agree with one attribute of the part
(knowledge/spec_terms.py): never the value of a different attribute, part or package.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from knowledge.attributes import BY_KEY, display_name
from knowledge.catalog import CatalogStore, normalize_code
from knowledge.errors import KnowledgeError
from knowledge.language import foreign_runs
from knowledge.messages import data_text, message, note_text
from knowledge.models import Attribute, Hit, Product
from knowledge.pricing import PricingSettings, price_line, terms_for
from knowledge.search import FRAGMENT_WHY, SearchEngine, code_candidates, looks_like_part_number, parse_parameters
from knowledge.spec_terms import (
    STOPWORDS,
    ZH_PART_NOUNS,
    Concept,
    Lexicon,
    QuestionTerms,
    TermMatch,
    build_lexicon,
    concept_by_key,
    is_temperature,
    key_words,
    normalize,
    without_quantity,
)
from knowledge.titles import product_title
from knowledge.units import DIELECTRIC_RE, extract_package, format_quantity, parse_quantity, parse_thread

STATUSES = ("answered", "not_stated", "which_attribute", "which_product", "not_found")
# When a product lacks the attribute asked, these stand in for it (precision bearings list speeds per lubricant).
_STAND_INS: dict[str, tuple[str, ...]] = {
    "limiting_speed": ("grease_speed", "oil_speed", "reference_speed"),
    "tolerance": ("precision_class",),
    "precision_class": ("tolerance",),
    # A part's only pitch answers "pin pitch" (a header's, a screw thread's); a screw's thread is its "screw size".
    "lead_spacing": ("pitch",),
    "screw_size": ("thread",),
}
# Facts shown on a product card, in this order, when the product states them.
KEY_FACTS: tuple[str, ...] = (
    "resistance",
    "capacitance",
    "inductance",
    "frequency",
    "tolerance",
    "power",
    "voltage_rating",
    "current_rating",
    "load_capacitance",
    "dielectric",
    "temperature_coefficient",
    "bore_diameter",
    "outer_diameter",
    "width",
    "dynamic_load_rating",
    "static_load_rating",
    "limiting_speed",
    "grease_speed",
    "oil_speed",
    "precision_class",
    "seal",
    "thread",
    "length",
    "material",
    "standard",
    "temperature_range",
)
FIELD_CONCEPTS = (
    "manufacturer",
    "package",
    "datasheet",
    "mpn",
    "sku",
    "digikey_part_number",
    "description",
    "category",
)
COMMERCE = ("price", "stock", "lead_time")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MAX_FAMILY = 60  # standard parts answered together ("every ISO 4762 M6")
_SHOWN_OPTIONS = 6


@dataclass(frozen=True)
class Fact:
    """One thing a listing states, under the key the question resolved to."""

    key: str
    attribute: Attribute
    product: Product

    @property
    def text(self) -> str:
        return fact_value(self.attribute)


@dataclass(frozen=True)
class ValueGroup:
    """A distinct value and the parts that state it (for `which_product`)."""

    text: str
    products: tuple[Product, ...]


@dataclass(frozen=True)
class Option:
    """An attribute the buyer may have meant (for `which_attribute` / `not_stated`)."""

    key: str
    name: str
    value_text: str


@dataclass(frozen=True)
class SpecAnswer:
    """What the bot knows in answer to one spec question."""

    status: str
    language: str
    text: str
    product: Product | None = None
    attribute: str | None = None
    attribute_name: str | None = None
    facts: tuple[Attribute, ...] = ()
    candidates: tuple[Hit, ...] = ()
    covers: tuple[Product, ...] = ()  # every listing / part the one answer holds for
    groups: tuple[ValueGroup, ...] = ()
    options: tuple[Option, ...] = ()
    quantity: int | None = None
    price: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def value_text(self) -> str:
        return "; ".join(fact_value(a) for a in self.facts)

    def to_json(self) -> dict[str, Any]:
        """The CLI / API shape: status, answer, product, attribute, value, unit, source, and what to choose from."""
        first = self.facts[0] if self.facts and self.status == "answered" else None
        return {
            "status": self.status,
            "answer": self.text,
            "product": _product_json(self.product) if self.product else None,
            "attribute": self.attribute,
            "attribute_name": self.attribute_name,
            "value": first.value if first and first.value is not None else (first.raw if first else None),
            "value_max": first.value_max if first else None,
            "unit": first.unit if first else None,
            "value_text": self.value_text if first else None,
            "source": source_of(self.product, first, self.language) if self.product and first else None,
            "covers": [_product_json(p) for p in self.covers],
            "values": [{"value_text": g.text, "parts": [_product_json(p) for p in g.products]} for g in self.groups],
            "options": [{"attribute": o.key, "name": o.name, "value_text": o.value_text} for o in self.options],
            "quantity": self.quantity,
            "price": self.price,
            "candidates": [
                {**_product_json(h.product), "score": round(h.score, 4), "why": list(h.why)} for h in self.candidates
            ],
        }


def answer_question(
    question: str,
    engine: SearchEngine,
    *,
    part: str | None = None,
    attributes: list[str] | None = None,
    last_sku: str | None = None,
    language: str | None = None,
    pricing: PricingSettings | None = None,
) -> SpecAnswer:
    """Answer a spec question.

    `part` is a part number the dialogue already extracted (a clicked candidate); `attributes` are attribute
    keys it already knows (a button); `last_sku` is the product of the previous turn, used when the question
    names no part.
    """
    question = unicodedata.normalize("NFKC", question)  # full-width ＡＯ３４００Ａ is AO3400A
    lang = language or detect_language(question)
    lexicon = lexicon_for(engine)
    hits = engine.find_by_code(part) if part else []
    hits = hits or engine.find_by_code(question)
    codes = part_codes(part or question)
    if not part:
        several = _separate_parts(engine, codes)
        if len(several) > 1:
            # "need 6205-2RS, what is the bore of 6206?": two parts named; never answer for the wrong one.
            return _which_product_plain(lang, [Hit(p, 1.0) for p in several], lexicon.read(question, strip=codes))
    if codes and all(_is_standard_size(c, question) for c in codes):
        # A standard and a size ("ISO 4762 M6"): a catalog code when exact, else a description of a family.
        hits = [h for h in hits if h.score >= 1.0]
        codes = [c for c in codes if any(h.score >= 1.0 for h in hits)]
    # A button's payload (/ask_spec{"part_number": ..., "attribute": ...}) carries its part and attribute.
    asked = lexicon.read("" if question.startswith("/") else question, strip=[*codes, part or ""])
    wanted = [k for k in attributes or [] if k]
    if not hits and last_sku and not codes and _is_follow_up(question, asked):
        # The part of the previous turn, with every listing of its part number, as if named again.
        before = engine.store.get(last_sku)
        same = engine.store.by_code(before.mpn) or [before]
        hits = [Hit(p, 1.0, ("product from the previous question",)) for p in same]
    family = False
    if not hits and not codes and not (asked.leftover or parse_parameters(question)):
        # "100个多少钱" with no part named and none before: ask which part, never price a random one.
        return SpecAnswer("which_product", lang, _which_part_text(lang), quantity=asked.quantity)
    if not hits and not codes:
        # No part number: a standard part or a description ("M6 socket head cap screw", "the 8 MHz crystal").
        hits = [h for h in engine.search(question, k=_MAX_FAMILY) if h.score >= 0.2]
        # The buyer's own words must describe what was found ("socket head cap screw"), not just any part.
        described = set(asked.leftover) - set(asked.unknown)
        hits = [h for h in hits if described and described <= _product_words([h.product])]
        hits = [h for h in hits if _meets_standards(h.product, question)]
        family = True
    stem = ""
    if codes and not family and not any(h.score >= 1.0 or FRAGMENT_WHY in " ".join(h.why) for h in hits):
        # "ATmega328", "CH340": a stem that no part number is, but several begin with; they answer together
        # when they agree, else the buyer sees each value and chooses.
        stem, kin = _code_family(engine, codes)
        if kin:
            hits, family = [Hit(p, 1.0, (f"part number begins with {stem}",)) for p in kin], True
    if not hits:
        return SpecAnswer("not_found", lang, _not_found_text(lang), quantity=asked.quantity)
    listings, rest = _listings(hits, question, family)
    if not listings:
        return _which_product_plain(lang, rest, asked)
    packaged = _named_package(listings, question, asked)
    if packaged is not None:
        if not packaged:  # "SS14 SOD-123FL": no listing of SS14 in that package
            return _which_product_plain(lang, [Hit(p, 1.0) for p in listings], asked)
        listings = packaged
    variant = _unmatched_variant(engine, listings, codes, asked, lexicon)
    if variant:
        # "6205 ZZ": 6205 is in the catalog, 6205 ZZ is not; the suffix may change the very thing asked.
        return SpecAnswer(
            "which_product",
            lang,
            _variant_text(variant, listings, lang),
            candidates=tuple(Hit(p, 1.0) for p in listings),
        )
    product = listings[0]
    # Read again without exactly the codes that named these listings ("S71924 CB/P4A D[mm]": the D is asked).
    own = {normalize_code(c) for p in listings for c in (p.mpn, p.sku, *p.aliases)}
    named = [c for c in [*codes, part or ""] if c and normalize_code(c) in own]
    if named and not question.startswith("/"):
        asked = lexicon.read(question, strip=named)
    resolved = resolve_attribute(asked, listings, lexicon, wanted, described=family and not stem)
    if resolved.keys and resolved.keys[0] in COMMERCE:
        if stem:  # stock and prices are each listing's own: never one for a stem
            return _which_product_plain(lang, [Hit(p, 1.0) for p in listings], asked)
        return _commerce_answer(resolved.keys[0], product, listings, asked, lang, rest, pricing)
    if not resolved.keys:
        status = "not_stated" if resolved.named else "which_attribute"
        options = _options(listings, resolved, lexicon, lang, _ranker(engine, asked))
        name = resolved.named_name(lang) if resolved.named else None
        if family and len(listings) > 1 and status == "which_attribute":
            return _which_product_plain(lang, [Hit(p, 1.0) for p in listings], asked)
        text = (
            _not_stated_text(product, listings, name or "", options, lang)
            if status == "not_stated"
            else _which_attribute_text(product, listings, options, lang)
        )
        return SpecAnswer(
            status,
            lang,
            text,
            product,
            resolved.named_key,
            name,
            tuple(_option_attr(o) for o in options),
            tuple(rest),
            options=tuple(options),
            quantity=asked.quantity,
        )
    key = resolved.keys[0]
    given = {k for k, _, _ in parse_parameters(question).quantities}
    if family and (key in given or len(listings) < 2):
        # Found by the very value asked ("the 3.3 V regulator's voltage"), or one part matched a description
        # loosely: ask which part rather than answer for a part the buyer did not name.
        return _which_product_plain(lang, [Hit(p, 1.0) for p in listings], asked)
    name = attribute_display(key, lang, resolved.label, product)
    facts = [f for p in listings if (f := _fact_on(p, key, asked, lexicon, wanted, family and not stem))]
    groups = _value_groups(facts)
    if len(groups) > 1:
        text = _which_product_values_text(product, name, groups, lang)
        return SpecAnswer(
            "which_product",
            lang,
            text,
            product,
            key,
            name,
            (),
            tuple(Hit(f.product, 1.0) for f in facts),
            groups=tuple(groups),
            quantity=asked.quantity,
        )
    covers = tuple(f.product for f in facts)
    first = facts[0]
    more = [k for k in resolved.keys[1:3] if all(fact_for(p, k) for p in covers)]
    # the concept's other keys when they add something ("1x3P" under structure and under pins says it once)
    extra = tuple(
        a for k in more if (a := _agreed(covers, k)) is not None and _comparable(a) != _comparable(first.attribute)
    )
    text = _answer_text(first, name, covers, family, lang, extra, len(listings), stem)
    return SpecAnswer(
        "answered",
        lang,
        text,
        first.product,
        key,
        name,
        (first.attribute, *extra),
        tuple(rest),
        covers=covers,
        quantity=asked.quantity,
    )


def _fact_on(
    product: Product, key: str, asked: QuestionTerms, lexicon: Lexicon, wanted: Sequence[str], family: bool
) -> Fact | None:
    """What one listing states for the question: the key resolved on all listings, else its own resolution
    (one maker files "Output current" under current_rating, another under output_current)."""
    fact = fact_for(product, key)
    if fact is not None:
        return fact
    own = resolve_attribute(asked, [product], lexicon, wanted, described=family)
    return fact_for(product, own.keys[0]) if own.keys and own.keys[0] not in COMMERCE else None


def _code_family(engine: SearchEngine, codes: Sequence[str]) -> tuple[str, list[Product]]:
    """The longest code typed that at least two part numbers begin with (and at most _MAX_FAMILY listings)."""
    for code in codes:  # longest first
        norm = normalize_code(code)
        if len(norm) < 4 or not any(ch.isdigit() for ch in norm) or " " in code.strip():
            continue
        skus = engine.extended_codes(code, limit=_MAX_FAMILY + 1, shortest=4)
        if len(skus) > _MAX_FAMILY:
            return "", []
        kin = engine.store.products(skus)
        if len({normalize_code(p.mpn) for p in kin}) >= 2:
            return code, kin
    return "", []


def _separate_parts(engine: SearchEngine, codes: Sequence[str]) -> list[Product]:
    """One product per distinct part number named exactly, when the question names more than one."""
    matched = [(c, engine.store.by_code(c)) for c in codes]
    matched = [(normalize_code(c), found) for c, found in matched if found]
    kept = [(c, found) for c, found in matched if not any(c != other and c in other for other, _ in matched)]
    parts: dict[str, Product] = {}
    for _, found in kept:
        parts.setdefault(normalize_code(found[0].mpn), found[0])
    return list(parts.values())


def _is_follow_up(question: str, asked: QuestionTerms) -> bool:
    """A follow-up names no part of its own: no unknown word, no part noun ("电源芯片的封装"), no "the other one"."""
    if asked.unknown or any(noun in question for noun in ZH_PART_NOUNS) or _OTHER.search(question):
        return False
    return not parse_parameters(without_quantity(question))


_OTHER = re.compile(r"\b(?:other|another|different)\b|另一|别的|其他|其它", re.IGNORECASE)


def _named_package(listings: Sequence[Product], question: str, asked: QuestionTerms) -> list[Product] | None:
    """The listings in the package the question names ("SS14 SOD-123FL"), [] when none is; None when none named,
    or when the package is what is asked ("封装是0603吗", "0402 or 0603?": the answer says which it is)."""
    wanted = extract_package(question)
    asks_package = any("package" in m.concepts for m in asked.matches) or bool(asked.offered)
    if not wanted or asks_package:
        return None
    norm = normalize_code(wanted)
    packaged = [p for p in listings if p.package and normalize_code(p.package).startswith(norm)]
    if any(normalize_code(p.mpn).endswith(norm) or norm in normalize_code(p.mpn) for p in listings):
        return None  # the package is part of the part number itself
    return packaged


def _unmatched_variant(
    engine: SearchEngine, listings: Sequence[Product], codes: Sequence[str], asked: QuestionTerms, lexicon: Lexicon
) -> str:
    """A longer code the buyer typed that contains these listings' part number and matches nothing itself."""
    own = {normalize_code(c) for p in listings for c in (p.mpn, p.sku, *p.aliases)}
    offered = {normalize_code(v) for v in asked.offered}
    for code in codes:
        norm = normalize_code(code)
        base = max((o for o in own if norm.startswith(o) and norm != o), key=len, default=None)
        if base is None or engine.store.by_code(code):
            continue
        extra = norm[len(base) :]
        # A letter asked about ("6018-2Z B", "S71924 CB/P4A D"), a term ("6304-2RS OD"), a unit or a number
        # ("耐压多少V", "100个") or a value offered ("X7R") is not a suffix.
        if len(extra) <= 1 or extra in offered or any(extra.startswith(o) for o in offered if o):
            continue
        if lexicon.is_term_or_value(extra) or _asked_words_only(code, base):
            continue
        return code
    return ""


# Words typed after a part number that ask about it rather than extend it: a dielectric offered ("X7R还是X5R") or
# the distributor whose number is wanted ("FRC0603J511 TS LCSC编号").
_SOURCE_WORDS = frozenset({"lcsc", "jlc", "jlcpcb", "digikey", "digi-key", "mouser"})


def _asked_words_only(code: str, base: str) -> bool:
    """The words of `code` after those that spell `base` are all dielectric codes or distributor names."""
    words = code.split()
    for n in range(1, len(words)):
        if normalize_code(" ".join(words[:n])) == base:
            tail = words[n:]
            words_only = all(DIELECTRIC_RE.fullmatch(w) or w.lower() in _SOURCE_WORDS for w in tail)
            return words_only or is_temperature(" ".join(tail))
    return False


# --- Which attribute -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """The attribute keys a question resolves to on these listings (best first), or what it named in vain."""

    keys: tuple[str, ...] = ()
    label: str = ""
    named_key: str | None = None  # asked, recognisably, but not stated
    named_concept: Concept | None = None
    suggestions: tuple[str, ...] = ()  # keys worth showing when abstaining

    @property
    def named(self) -> bool:
        return self.named_key is not None

    def named_name(self, lang: str) -> str:
        if self.named_concept is not None:
            return self.named_concept.zh if lang == "zh" else self.named_concept.en
        return attribute_display(self.named_key or "", lang)


_ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")  # a word, not a symbol ('dk', 'Vgs(th)', 'P')
_STANDARD_BODIES = frozenset({"iso", "din", "iec", "en", "gb", "jis", "ansi", "asme", "astm", "bs", "nf", "uni"})


def resolve_attribute(
    asked: QuestionTerms,
    listings: Sequence[Product],
    lexicon: Lexicon,
    wanted: Sequence[str] = (),
    *,
    described: bool = False,
) -> Resolution:
    """The attribute(s) the question asks about, on what these listings state; abstain unless words and unit agree.

    `described`: the listings were found from the question's own words ("sealed deep groove ball bearing"), so the
    words that are not attribute terms describe the part.
    """
    stated = _stated_keys(listings, lexicon)
    # 1. Concepts named by a term of the lexicon.
    concept_keys: list[str] = []
    named_concept = None
    for match in asked.matches:
        if match.narrowed:
            continue
        for cid in match.concepts:
            concept = lexicon.concepts[cid]
            named_concept = named_concept or concept
            keys = [k for k in concept.keys if k in stated and _unit_agrees(stated[k], asked.unit_hint)]
            # Precision bearings state speeds per lubricant instead of one limiting speed.
            keys = keys or [
                k for k in _STAND_INS.get(cid, ()) if k in stated and _unit_agrees(stated[k], asked.unit_hint)
            ]
            concept_keys.extend(keys)
    # Attributes before the part's own fields: "which SNFA part number did it replace" asks the old designation.
    # "How much static load can it take" asks the load, not the price: price and stock only when nothing else is.
    concept_keys = sorted(dict.fromkeys(concept_keys), key=lambda k: (k in COMMERCE, k in _OWN_FIELDS))
    words = set(asked.words) - _maker_words(listings)
    # 2. The catalog's own words: every content word of the question appears in the key or its label.
    covering = [
        (len(words) / max(1, len(kw)), k)
        for k, (attr, kw) in stated.items()
        if words and words <= kw and _unit_agrees((attr, kw), asked.unit_hint) and _kind_said(words, kw, asked)
    ]
    covering.sort(key=lambda t: -t[0])
    label_hits = [
        k
        for k, (attr, _) in stated.items()
        if attr.label
        and _CJK.search(attr.label)
        and _label_in(attr.label, asked)
        and _unit_agrees(stated[k], asked.unit_hint)
    ]
    narrowed = [k for m in asked.matches if m.narrowed for c in m.concepts for k in lexicon.concepts[c].keys]
    if concept_keys and not asked.leftover:
        return Resolution(tuple(concept_keys), label=_label(stated, concept_keys[0]))
    # The catalog's words decide only when they agree with every term named ("Vos 温漂" is the drift of Vos).
    covering = [(sc, k) for sc, k in covering if all(_agrees(m, k, stated[k][1], lexicon) for m in asked.matches)]
    if covering:
        best = covering[0][0]
        top = [k for score, k in covering if score == best]
        if _same_value(top, stated):
            return Resolution((top[0],), label=_label(stated, top[0]))
        return Resolution(suggestions=tuple(top))
    # Words that name the product, not an attribute ("how wide is the NN3032K bearing").
    leftover = set() if described else set(asked.leftover) - _product_words(listings)
    # Words of the answer itself ("which SNFA number", "the DIN standard"): the buyer names what to expect.
    leftover -= {w for k in concept_keys for w in re.findall(r"[a-z]+", stated[k][0].raw.lower())}
    if "standard" in concept_keys:  # "which standard does it follow, ISO / DIN / IEC?": the bodies it may be of
        leftover -= _STANDARD_BODIES
    # a dimension's symbol after its name ("hex socket depth t", "六角孔深t"): the one letter the standard gives it
    leftover -= {
        name.rsplit(" ", 1)[-1]
        for m in asked.matches
        for cid in m.concepts
        for name in (lexicon.concepts[cid].en, lexicon.concepts[cid].zh)
        if re.search(r" [a-z]{1,2}$", name)
    }
    if concept_keys and not leftover:
        return Resolution(tuple(concept_keys), label=_label(stated, concept_keys[0]))
    if label_hits:
        return Resolution(tuple(label_hits[:1]), label=_label(stated, label_hits[0]))
    for key in wanted:
        if key in stated:
            return Resolution((key,), label=_label(stated, key))
    if concept_keys or narrowed:
        return Resolution(suggestions=tuple(dict.fromkeys([*concept_keys, *(k for k in narrowed if k in stated)])))
    # 3. Only a unit ("AO3400A 多少伏"): the one attribute in that unit, or ask.
    # Other words may be verbs and fillers ("how many watts can it handle"), but none may name a stated attribute.
    idle = not any(set(asked.leftover) & kw for _, kw in stated.values())
    if asked.unit_hint and idle and not asked.matches:
        in_unit = [k for k, v in stated.items() if _unit_agrees(v, asked.unit_hint) and v[0].value is not None]
        if asked.unit_hint != "count" and len(in_unit) == 1:
            return Resolution((in_unit[0],), label=_label(stated, in_unit[0]))
        # "How many volts is it rated for?": the rating of that unit, which the catalog keeps under one key.
        rating = _RATING_OF_UNIT.get(asked.unit_hint)
        if rating in in_unit:
            return Resolution((rating,), label=_label(stated, rating))
        return Resolution(suggestions=tuple(in_unit))
    # 4. A choice ("1% or 5%?", "X7R还是X5R", "公头还是母头"): the one attribute whose value is among those offered.
    chosen = _choice_key(asked.offered, stated)
    if chosen is not None:
        return Resolution((chosen,), label=_label(stated, chosen))
    # Named, recognisably, but not stated here: a concept, or every word of some catalog key.
    if named_concept is not None:
        return Resolution(named_key=named_concept.keys[0], named_concept=named_concept)
    if words and not asked.unknown and asked.unit_hint is None:
        for key in sorted(lexicon.catalog_keys):
            if words <= key_words(key) and len(words) * 2 >= len(key_words(key)):
                return Resolution(named_key=key)
    partial = [k for k, (_, kw) in stated.items() if words & kw]
    return Resolution(suggestions=tuple(partial))


_OWN_FIELDS = frozenset({"mpn", "description", "category"})
_NOT_CHOICES = frozenset({"description", "category", "mpn", "sku", "digikey_part_number", "datasheet"})


def _choice_key(offered: Sequence[str], stated: dict[str, tuple[Attribute, frozenset[str]]]) -> str | None:
    """The attribute a choice question is about: the one whose value is offered, else the one whose kind every
    offered value has ("0402 or 0603?" is the package even when the part is an 0805; "M3 or M4?" the thread)."""
    if not offered:
        return None
    by_shape = _shape_key(offered, stated)
    if by_shape:
        return by_shape
    keys = []
    for key, (attr, _) in stated.items():
        raw = normalize(attr.raw).replace(" ", "")
        if not raw or key in COMMERCE or key in _NOT_CHOICES:
            continue
        for value in offered:
            if value == raw or (len(value) >= 2 and re.search(rf"(?<![a-z0-9.]){re.escape(value)}(?![a-z0-9])", raw)):
                keys.append(key)
                break
            if _CJK.search(value) and len(raw) >= 2 and raw in value:
                keys.append(key)
                break
    return keys[0] if len(keys) == 1 else None


def _shape_key(offered: Sequence[str], stated: dict[str, tuple[Attribute, frozenset[str]]]) -> str | None:
    if all(extract_package(v.upper()) for v in offered) and "package" in stated:
        return "package"
    if all(parse_thread(v.upper()) for v in offered) and "thread" in stated:
        return "thread"
    units = set()
    for value in offered:
        try:
            units.add(parse_quantity(value)[1])
        except KnowledgeError:
            return None
    if len(units) != 1:
        return None
    (unit,) = units
    in_unit = [k for k, (attr, _) in stated.items() if attr.unit == unit and attr.value is not None]
    return in_unit[0] if len(in_unit) == 1 else None


_RATING_OF_UNIT = {
    "V": "voltage_rating",
    "A": "current_rating",
    "W": "power",
    "Ω": "resistance",
    "F": "capacitance",
    "H": "inductance",
    "Hz": "frequency",
}


def _agrees(match: TermMatch, key: str, words: frozenset[str], lexicon: Lexicon) -> bool:
    """A term and a catalog key agree when the key is one of the term's concepts or its name and label hold the
    term's words ("vdss" and voltage_rating labelled "Drain source voltage (vdss)")."""
    if any(key in lexicon.concepts[c].keys for c in match.concepts):
        return True
    return not _CJK.search(match.text) and set(match.words) - STOPWORDS <= words


# Words that say what kind of quantity a key is: a question that matches the rest of the key must say the kind
# too, or ask it by unit ("socket size" is not the socket *depth*; "how many GPIOs" is the GPIO *number*).
_KIND_WORDS = frozenset(
    [
        "depth",
        "width",
        "height",
        "length",
        "diameter",
        "thickness",
        "voltage",
        "current",
        "power",
        "time",
        "frequency",
        "resistance",
        "impedance",
        "capacitance",
        "inductance",
        "temperature",
        "speed",
        "number",
        "count",
        "quantity",
        "weight",
        "mass",
        "force",
        "angle",
    ]
)


def _kind_said(words: set[str], key_words_: frozenset[str], asked: QuestionTerms) -> bool:
    missing = (key_words_ & _KIND_WORDS) - words
    return not missing or bool(words & _KIND_WORDS) or asked.unit_hint is not None


def _maker_words(listings: Sequence[Product]) -> set[str]:
    return {w for p in listings for w in re.findall(r"[a-z]{2,}", p.manufacturer.lower())}


def _product_words(listings: Sequence[Product]) -> set[str]:
    words: set[str] = set()
    for product in listings[:5]:
        text = f"{product.mpn} {product.manufacturer} {product.name} {product.category} {product.description}".lower()
        for word in re.findall(r"[a-z]{3,}", text):
            words.update((word, word[:-1] if word.endswith("s") else word))
    return words


def fact_for(product: Product, key: str) -> Fact | None:
    """What `product` states under `key` (an attribute or a product field), or None."""
    attr = product.attribute(key)
    if attr is None:
        attr = _field_fact(product, key)
    return Fact(key, attr, product) if attr is not None else None


def _field_fact(product: Product, key: str) -> Attribute | None:
    source = product.source.lower()
    value = {
        "manufacturer": product.manufacturer,
        "package": product.package,
        "datasheet": product.datasheet,
        "mpn": product.mpn,
        "description": product.description or product.name,
        "category": product.category,
    }.get(key)
    if key == "sku" and not source.startswith("digikey"):
        value = product.sku
    if key == "digikey_part_number" and source.startswith("digikey"):
        value = product.sku
    if not value:
        return None
    label = {"sku": "LCSC part number" if source.startswith("jlcpcb") else "SKU"}.get(key, key)
    return Attribute(key, value, label=label)


def _stated_keys(listings: Sequence[Product], lexicon: Lexicon) -> dict[str, tuple[Attribute, frozenset[str]]]:
    """Every key the listings state (attributes and fields), with its words."""
    stated: dict[str, tuple[Attribute, frozenset[str]]] = {}
    for product in listings:
        for attr in product.attributes:
            if attr.name not in stated:
                stated[attr.name] = (attr, key_words(attr.name, attr.label))
        for key in (*FIELD_CONCEPTS, *COMMERCE):
            if key in stated:
                continue
            found = _field_fact(product, key) if key not in COMMERCE else _commerce_attr(product, key)
            if found is not None:
                stated[key] = (found, key_words(key, found.label))
    return stated


def _unit_agrees(stated: tuple[Attribute, frozenset[str]], hint: str | None) -> bool:
    if hint is None:
        return True
    attr = stated[0]
    if hint == "count":
        return attr.unit in ("", "unit") or attr.name in COMMERCE
    return attr.unit in hint.split("|")


def _label_in(label: str, asked: QuestionTerms) -> bool:
    core = re.sub(r"[\sA-Za-z0-9()（）/]+$", "", label).strip()
    return len(core) >= 2 and core in asked.text


def _label(stated: dict[str, tuple[Attribute, frozenset[str]]], key: str) -> str:
    return stated[key][0].label if key in stated else ""


def _same_value(keys: Sequence[str], stated: dict[str, tuple[Attribute, frozenset[str]]]) -> bool:
    return len({fact_value(stated[k][0]) for k in keys}) == 1


# --- Which product ---------------------------------------------------------------------------------------


def _listings(hits: list[Hit], question: str, family: bool) -> tuple[list[Product], list[Hit]]:
    """The listing(s) the question is about, best first, and the other hits; none when the question is unclear.

    Several listings of one part number (LCSC and Digi-Key, or several makers of AO3400A) answer together; a
    manufacturer the question names narrows them. A description answers as a family of standard parts.
    """
    exact = [h for h in hits if h.score >= 1.0] if not family else []
    if exact:
        groups = {normalize_code(h.product.mpn) for h in exact}
        if len(groups) > 1 and len({h.product.sku for h in exact}) > 1:
            return [], exact
        chosen = [h.product for h in exact]
        named = _named_makers(chosen, question)
        if named:
            chosen = named
        chosen.sort(key=lambda p: (-(p.stock or 0), p.sku))
        return chosen, [h for h in hits if h.product not in chosen]
    if family:
        top = hits[0].score
        # Every kind of part the description fits ("M6 screw": socket, hex and button heads); the values decide.
        near = [h for h in hits if h.score >= top - 0.25]
        return [h.product for h in near], [h for h in hits if h not in near]
    best = hits[0]
    # The code typed is exactly a part's, with a value or letter after it ("CL10A823MB8NNNC X7R", "6018-2Z 宽度B"):
    # that part's listings.
    fragments = {h.product.sku: h.product for h in hits if FRAGMENT_WHY in " ".join(h.why)}
    if fragments and best.product.sku in fragments and len({normalize_code(p.mpn) for p in fragments.values()}) == 1:
        chosen = sorted(fragments.values(), key=lambda p: (-(p.stock or 0), p.sku))
        return chosen, [h for h in hits if h.product.sku not in fragments]
    # A near match is another part number ("6205-RS" is not 6205-2RS): ask, never answer for it.
    return [], hits


def _named_makers(listings: list[Product], question: str) -> list[Product]:
    """The listings whose maker the question names: its first word when distinctive ("UMW"), else its whole name
    ("TECH PUBLIC" is not "tech specs", "ON Semiconductor" not "on resistance")."""
    squashed = _maker_key(question)
    common = _lexicon_words()
    named = []
    for product in listings:
        maker = product.manufacturer.lower()
        first = re.split(r"[\s(（,&]+", maker)[0] if maker else ""
        # Distinctive: not a word the lexicon knows, and long or typed in capitals ("UMW", "onsemi", not "tech").
        typed = re.search(rf"(?<![A-Za-z0-9]){re.escape(first)}(?![A-Za-z0-9])", question, re.IGNORECASE)
        distinctive = len(first) >= 3 and first not in common and typed is not None
        if (distinctive and typed and (len(first) >= 5 or typed.group(0).isupper())) or (
            len(key := _maker_key(maker)) >= 4 and key in squashed
        ):
            named.append(product)
    return named if len(named) < len(listings) else []


def _lexicon_words() -> frozenset[str]:
    return build_lexicon().word_set


def _value_groups(facts: Sequence[Fact]) -> list[ValueGroup]:
    by_value: dict[str, list[Product]] = {}
    for fact in facts:
        by_value.setdefault(_comparable(fact.attribute), []).append(fact.product)
    shown = {_comparable(f.attribute): f.text for f in facts}
    groups = [ValueGroup(shown[v], tuple(ps)) for v, ps in by_value.items()]
    return sorted(groups, key=lambda g: -len(g.products))


def _agreed(products: Sequence[Product], key: str) -> Attribute | None:
    facts = [f for p in products if (f := fact_for(p, key))]
    return facts[0].attribute if facts and len(_value_groups(facts)) == 1 else None


def _comparable(attr: Attribute) -> str:
    if attr.name == "manufacturer":
        return _maker_key(attr.raw)
    if attr.value is not None:
        hi = f"{attr.value_max:.6g}" if attr.value_max is not None else ""
        return f"{attr.value:.6g}|{hi}|{attr.unit}"
    return re.sub(r"\s+", " ", attr.raw.strip().lower())


_MAKER_NOISE = re.compile(
    r"\(.*?\)|（.*?）|[^a-z0-9\u3400-\u9fff]+|(?:semiconductors?|semi|electronics?|technology|technologies|tech"
    r"|incorporated|inc|corporation|corp|company|co|ltd|limited|llc|gmbh|ag|group|international|intl)$"
)


def _maker_key(name: str) -> str:
    """'ON Semiconductor' and 'onsemi' compare equal; so do 'Texas Instruments Inc.' and 'Texas Instruments'."""
    key = name.lower()
    for _ in range(4):
        key = _MAKER_NOISE.sub("", key.strip())
    return key


# --- Commerce --------------------------------------------------------------------------------------------


def _commerce_answer(
    key: str,
    product: Product,
    listings: list[Product],
    asked: QuestionTerms,
    lang: str,
    rest: list[Hit],
    pricing: PricingSettings | None,
) -> SpecAnswer:
    """Stock (with lead time) or the price at the asked quantity, for the listing that can supply."""
    priced = [p for p in listings if (p.price_breaks if key == "price" else p.stock is not None or p.lead_time_days)]
    product = priced[0] if priced else product
    name = attribute_display(key, lang)
    if key == "price" and product.price_breaks and asked.quantity is None:
        # No quantity named: every price break, never one price quietly taken for a single piece.
        breaks = ", ".join(f"{b.min_qty:,}+ {product.currency} {b.unit_price:g}" for b in product.price_breaks)
        src = f" ({data_text(product.price_source, lang)})" if product.price_source else ""
        text = (
            f"{_title(product, lang)} 价格:{breaks}{src}。告诉我数量,我按对应的价格档算总价。"
            if lang == "zh"
            else f"{_title(product, lang)} price breaks: {breaks}{src}. Tell me the quantity for the total."
        )
        first = product.price_breaks[0]
        fact = Attribute("price", f"{product.currency} {first.unit_price:g}", first.unit_price, label="price")
        return SpecAnswer("answered", lang, text, product, key, name, (fact,), tuple(rest), covers=(product,))
    if key == "price" and product.price_breaks:
        qty = asked.quantity or 1
        settings = pricing or PricingSettings(currency=product.currency.upper(), tax_rate=Decimal(0))
        try:
            line = price_line(terms_for(product), qty, 1, settings, attrition_pct=Decimal(0))
        except KnowledgeError:
            line = None
        if line is not None and line.priced:
            price = {
                "quantity": qty,
                "order_quantity": line.order_qty,
                "unit_price": _money(line.unit_price),
                "price_break": line.price_break,
                "extended_price": _money(line.ext_price),
                "currency": line.currency,
                "notes": list(line.notes),
                "source": product.price_source,
            }
            text = _price_text(product, price, lang, asked.quantity is not None)
            fact = Attribute("price", f"{line.currency} {price['unit_price']}", float(line.unit_price), label="price")
            return SpecAnswer(
                "answered",
                lang,
                text,
                product,
                key,
                name,
                (fact,),
                tuple(rest),
                covers=(product,),
                quantity=asked.quantity,
                price=price,
            )
    if key in ("stock", "lead_time") and (product.stock is not None or product.lead_time_days is not None):
        facts = tuple(a for k in ("stock", "lead_time") if (a := _commerce_attr(product, k)) is not None)
        if key == "lead_time":
            facts = tuple(sorted(facts, key=lambda a: a.name != "lead_time"))
        return SpecAnswer(
            "answered",
            lang,
            _stock_text(product, facts, lang),
            product,
            key,
            name,
            facts,
            tuple(rest),
            covers=(product,),
            quantity=asked.quantity,
        )
    text = _not_stated_text(product, [product], name, [], lang)
    return SpecAnswer("not_stated", lang, text, product, key, name, (), tuple(rest), quantity=asked.quantity)


def _money(amount: Decimal) -> str:
    """At least two decimals, no trailing zeros beyond: 153.1 -> '153.10', 0.001400 -> '0.0014'."""
    text = f"{amount.normalize():f}"
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def _commerce_attr(product: Product, key: str) -> Attribute | None:
    """Price (its presence: the answer prices a quantity), stock or lead time as an attribute, or None."""
    if key == "price" and product.price_breaks:
        return Attribute("price", "", label="price")
    if key == "stock" and product.stock is not None:
        return Attribute("stock", f"{product.stock:,} pcs", float(product.stock), label="stock")
    if key == "lead_time" and product.lead_time_days is not None:
        return Attribute(
            "lead_time", f"{product.lead_time_days} days", float(product.lead_time_days), label="lead time"
        )
    return None


# --- Shared helpers --------------------------------------------------------------------------------------


_LEXICONS: weakref.WeakKeyDictionary[CatalogStore, Lexicon] = weakref.WeakKeyDictionary()
_LEXICONS_LOCK = threading.Lock()


def lexicon_for(engine: SearchEngine) -> Lexicon:
    """The lexicon for this engine's catalog (its attribute keys), built once per store."""
    with _LEXICONS_LOCK:
        lexicon = _LEXICONS.get(engine.store)
        if lexicon is None:
            lexicon = _LEXICONS[engine.store] = build_lexicon(engine.store.attribute_names())
        return lexicon


def detect_language(text: str) -> str:
    """'zh' when the text contains Chinese characters, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def find_attributes(question: str) -> list[str]:
    """Concept ids named in the question, in order (for tests and the NLU's attribute entity)."""
    lexicon = build_lexicon()
    return list(lexicon.read(question).concept_ids)  # part numbers carry digits: the reader blanks them


def part_codes(text: str) -> list[str]:
    """Part-number-like tokens, without standard numbers ('ISO 4762', 'DIN 912', 'GB/T 70.1')."""
    standards = {m.group(1) for m in _STANDARD.finditer(text)}
    return [
        c
        for c in code_candidates(text)
        if looks_like_part_number(c) and not _STANDARD.fullmatch(c) and c not in standards and not is_temperature(c)
    ]


def _meets_standards(product: Product, text: str) -> bool:
    """A part found from a description meets every standard the buyer named ("DIN 912" = ISO 4762's equivalent)."""
    named = {normalize_code(m.group(0)) for m in _STANDARD.finditer(text)}
    if not named:
        return True
    own = " ".join(
        [
            product.mpn,
            product.name,
            *(a.raw for a in product.attributes if a.name in ("standard", "equivalent_standard")),
        ]
    )
    stated = {normalize_code(m.group(0)) for m in _STANDARD.finditer(own)}
    return named <= stated


def _is_standard_size(code: str, text: str) -> bool:
    """'ISO 4762 M6' or its tail '4762 M6': a standard's number starts it."""
    numbers = {m.group(1) for m in _STANDARD.finditer(text)}
    return bool(_STANDARD.match(code)) or code.split()[0] in numbers


_STANDARD = re.compile(r"(?:ISO|DIN|GB/T|GB|EN|JIS|ANSI|IEC|ASME|BS|NF)\s*/?\s*(\d[\d.\-]*)", re.IGNORECASE)


def attribute_display(key: str, lang: str, label: str = "", product: Product | None = None) -> str:
    """The buyer-facing name of a key: the vocabulary's, else the source's own column name. The pitch of a
    `product` without a thread (a header's) is not called a thread pitch."""
    if key == "pitch" and product is not None and fact_for(product, "thread") is None:
        return display_name("pin_pitch", lang)
    if key in BY_KEY:
        return display_name(key, lang)
    concept = concept_by_key().get(key)
    if concept is not None:
        return concept.zh if lang == "zh" else concept.en
    return label or key.replace("_", " ")


def key_facts(product: Product, limit: int = 8) -> tuple[Attribute, ...]:
    """The product's most useful facts for a card."""
    chosen = [a for k in KEY_FACTS if (a := product.attribute(k)) is not None]
    return tuple(chosen[:limit])


def source_of(product: Product, fact: Attribute | None = None, lang: str = "en") -> str:
    """Where a fact came from: the source column and the catalog file it was read from, in the reply's language."""
    cited = message("source.of", lang, label=fact.label, sku=product.sku) if fact and fact.label else product.sku
    return f"{cited} — {data_text(product.source, lang)}" if product.source else cited


def fact_value(attr: Attribute) -> str:
    """A value in the buyer's units: '4 ns', '1 µF', '-40 °C … 85 °C', '37'; text as the source wrote it."""
    if attr.value is None or attr.name in COMMERCE:
        return attr.raw
    try:
        if not attr.unit or attr.unit == "unit":
            return attr.raw or f"{attr.value:g}"
        if attr.value_max is not None:
            span = f"{format_quantity(attr.value, attr.unit)} … {format_quantity(attr.value_max, attr.unit)}"
            condition = attr.raw.partition("@")[2].strip()
            return f"{span} @ {condition}" if condition else span
        shown = format_quantity(attr.value, attr.unit)
        shown = f"±{shown}" if "±" in attr.raw and attr.value >= 0 else shown
        # The condition a datasheet value holds under stays with it: "48 mΩ @ 2.5V", not "48 mΩ".
        condition = attr.raw.partition("@")[2].strip()
        return f"{shown} @ {condition}" if condition else shown
    except KnowledgeError:
        return attr.raw


def _options(
    listings: Sequence[Product],
    resolved: Resolution,
    lexicon: Lexicon,
    lang: str,
    ranker: Callable[[list[Attribute]], list[Attribute]] | None = None,
) -> list[Option]:
    """What to show when abstaining: the candidates the words pointed at, the attributes in the unit asked, then
    the rest ranked by dense similarity between the question and each attribute's name (or the key facts)."""
    product = listings[0]
    keys = list(resolved.suggestions)
    if resolved.named_concept is not None:
        unit = resolved.named_concept.unit
        keys += [a.name for a in product.attributes if unit and a.unit == unit]
    if ranker is not None:
        keys += [a.name for a in ranker(list(product.attributes))[:3]]
    keys += [a.name for a in key_facts(product)]
    keys += [a.name for a in product.attributes if a.value is not None]  # a part with few key facts (an IC)
    options: list[Option] = []
    for key in dict.fromkeys(keys):
        fact = fact_for(product, key)
        if fact is None:
            continue
        options.append(Option(key, attribute_display(key, lang, fact.attribute.label, fact.product), fact.text))
        if len(options) >= _SHOWN_OPTIONS:
            break
    return options


def _ranker(engine: SearchEngine, asked: QuestionTerms) -> Callable[[list[Attribute]], list[Attribute]] | None:
    """Attributes ordered by cosine between the question and their names: a ranking for abstaining, never a value."""
    embedder = engine.embedder
    question = re.sub(r"\s+", " ", asked.text).strip()
    if embedder is None or not (asked.leftover or asked.matches or _CJK.search(question)):
        return None

    def rank(attrs: list[Attribute]) -> list[Attribute]:
        named = [a for a in attrs if a.label or a.name]
        if not named:
            return []
        vectors = embedder.encode([question, *(_attr_text(a) for a in named)])
        scores = vectors[1:] @ vectors[0]
        return [a for _, a in sorted(zip(scores.tolist(), named, strict=True), key=lambda t: -t[0])]

    return rank


def _attr_text(attr: Attribute) -> str:
    return f"{attribute_display(attr.name, 'en', attr.label)} {attribute_display(attr.name, 'zh', attr.label)}"


def _option_attr(option: Option) -> Attribute:
    return Attribute(option.key, option.value_text, label=option.name)


def _product_json(product: Product) -> dict[str, Any]:
    return {"sku": product.sku, "mpn": product.mpn, "manufacturer": product.manufacturer, "name": product.name}


def _title(product: Product, lang: str = "en") -> str:
    return f"{product.mpn} ({data_text(product.manufacturer, lang)}, SKU {product.sku})"


def _which_product_plain(lang: str, hits: Sequence[Hit], asked: QuestionTerms) -> SpecAnswer:
    return SpecAnswer("which_product", lang, _which_text(lang), candidates=tuple(hits), quantity=asked.quantity)


# --- Replies (zh / en) -----------------------------------------------------------------------------------


def _answer_text(
    fact: Fact,
    name: str,
    covers: Sequence[Product],
    family: bool,
    lang: str,
    extra: Sequence[Attribute],
    listed: int,
    stem: str = "",
) -> str:
    product = fact.product
    source = source_of(product, fact.attribute, lang)
    value = data_text(fact.text, lang)  # our range's maker name, in the reply's language
    also = "".join(f"; {attribute_display(a.name, lang, a.label)}: {fact_value(a)}" for a in extra)
    label = fact.attribute.label
    shown_label = f"({label})" if label and label.lower() not in name.lower() and label != fact.key else ""
    if shown_label and (foreign_runs(shown_label, lang) or (lang == "zh" and _ENGLISH_WORD.search(label))):
        # the source's own column name ('外径D', 'Data rate') in the other language: the source line quotes it
        shown_label = ""
    if stem:  # never as if the one listing that states it were the part the buyer named
        return message(
            "reply.spec_stem",
            lang,
            name=name if lang == "zh" else name[:1].upper() + name[1:],
            label=shown_label if lang == "zh" or not shown_label else " " + shown_label,
            value=value,
            also=also,
            stem=stem,
            covers=len(covers),
            listed=listed,
            names=_names(covers),
            source=source,
        )
    if family and len(covers) > 1:
        names = _names(covers)
        if lang == "zh":
            return f"{name}{shown_label}:{value}{also}。\n适用于目录中的 {len(covers)} 个型号({names}),它们标注的值相同。\n来源:{source}"
        return (
            f"{name[:1].upper()}{name[1:]}{' ' + shown_label if shown_label else ''}: {value}{also}.\n"
            f"The {len(covers)} matching catalog parts ({names}) all state this value.\n"
            f"Source: {source}"
        )
    makers = ""
    if listed > 1:
        listed_n = listed
        makers_shown = ", ".join(sorted({data_text(p.manufacturer, lang) for p in covers}))
        makers = (
            f"\n目录中 {product.mpn} 的 {listed_n} 个列表里有 {len(covers)} 个标注了此值,且相同({makers_shown})。"
            if lang == "zh"
            else f"\n{len(covers)} of the {listed_n} catalog listings of {product.mpn} state it, all the same "
            f"({makers_shown})."
        )
    if lang == "zh":
        return f"{_title(product, lang)} 的{name}{shown_label}是 {value}{also}。{makers}\n来源:{source}"
    return f"The {name}{' ' + shown_label if shown_label else ''} of {_title(product, lang)} is {value}{also}.{makers}\nSource: {source}"


def _which_product_values_text(product: Product, name: str, groups: Sequence[ValueGroup], lang: str) -> str:
    lines = "\n".join(f"• {g.text} — {len(g.products)}: {_names(g.products)}" for g in groups[:8])
    if lang == "zh":
        return f"目录中的型号对{name}标注的值不同:\n{lines}\n您要的是哪一个?请给出完整型号或品牌。"
    return (
        f"The catalog parts that match state different values for the {name}:\n{lines}\n"
        "Which one do you mean? Give the full part number or the manufacturer."
    )


def _which_attribute_text(product: Product, listings: Sequence[Product], options: Sequence[Option], lang: str) -> str:
    lines = "\n".join(f"• {o.name}: {o.value_text}" for o in options)
    if lang == "zh":
        return f"{_title(product, lang)}:{product_title(product, lang)}\n{lines}\n您想了解哪个参数?例如“{product.mpn} 封装”。"
    return f"{_title(product, lang)}: {product_title(product, lang)}\n{lines}\nWhich spec do you need? e.g. “package of {product.mpn}”."


def _not_stated_text(
    product: Product, listings: Sequence[Product], name: str, options: Sequence[Option], lang: str
) -> str:
    lines = "\n".join(f"• {o.name}: {o.value_text}" for o in options)
    if lang == "zh":
        known = f"已知参数:\n{lines}\n" if lines else ""
        return f"目录中 {_title(product, lang)} 没有标注{name}。{known}需要的话我可以把问题转给销售确认。"
    known = f" What it does state:\n{lines}\n" if lines else " "
    return (
        f"The catalog does not state the {name} of {_title(product, lang)}.{known}"
        "I can pass the question to sales if you need it confirmed."
    )


def _price_text(product: Product, price: dict[str, Any], lang: str, asked_qty: bool) -> str:
    cur = price["currency"]
    qty, order = price["quantity"], price["order_quantity"]
    notes = "; ".join(note_text(n, lang) for n in price["notes"])
    src = f" ({data_text(price['source'], lang)})" if price["source"] else ""
    if lang == "zh":
        head = f"{_title(product, lang)} {qty:,} 个" if asked_qty else f"{_title(product, lang)}"
        return (
            f"{head}:单价 {cur} {price['unit_price']}({price['price_break']:,}+ 价格档),"
            f"订购 {order:,} 个,合计 {cur} {price['extended_price']}{src}。\n{notes}"
        )
    head = f"{_title(product, lang)} for {qty:,} pcs" if asked_qty else f"{_title(product, lang)}"
    return (
        f"{head}: unit price {cur} {price['unit_price']} (break {price['price_break']:,}+), "
        f"order {order:,} pcs, extended {cur} {price['extended_price']}{src}.\n{notes}"
    )


def _stock_text(product: Product, facts: Sequence[Attribute], lang: str) -> str:
    parts = {a.name: a.raw for a in facts}
    src = f" ({data_text(product.price_source, lang)})" if product.price_source else ""
    if lang == "zh":
        stock = f"库存 {parts['stock']}" if "stock" in parts else "库存未标注"
        lead = f",交期 {parts['lead_time'].replace(' days', ' 天')}" if "lead_time" in parts else ""
        return f"{_title(product, lang)}:{stock}{lead}{src}。"
    stock = f"stock {parts['stock']}" if "stock" in parts else "stock not stated"
    lead = f", lead time {parts['lead_time']}" if "lead_time" in parts else ""
    return f"{_title(product, lang)}: {stock}{lead}{src}."


def _names(products: Sequence[Product], limit: int = 4) -> str:
    one_maker = len({p.manufacturer for p in products}) == 1
    shown = ", ".join(
        p.mpn if one_maker or not p.manufacturer else f"{p.mpn} ({p.manufacturer})" for p in products[:limit]
    )
    return shown + (f" … +{len(products) - limit}" if len(products) > limit else "")


def _variant_text(code: str, listings: Sequence[Product], lang: str) -> str:
    names = _names(listings)
    if lang == "zh":
        return f"目录中没有 {code} 这个型号;有 {names}。后缀不同可能参数也不同,请确认您要的型号。"
    return (
        f"{code} is not in the catalog; {names} is. A different suffix can change the very spec asked: "
        "which part do you mean?"
    )


def _which_text(lang: str) -> str:
    if lang == "zh":
        return "有几个型号都可能符合,您指的是哪一个?请点选或输入完整型号。"
    return "Several parts could match. Which one do you mean? Pick one or type the full part number."


def _which_part_text(lang: str) -> str:
    if lang == "zh":
        return "请问是哪个型号?请输入型号或立创编号。"
    return "Which part do you mean? Type its part number."


def _not_found_text(lang: str) -> str:
    if lang == "zh":
        return "目录里没有找到这个型号。我已记录这个需求;需要的话可以转给销售帮您查询(回复“转人工”)。"
    return (
        "I could not find that part in the catalog. I have noted the request; reply “talk to sales” "
        "and a salesperson can source it for you."
    )
