"""Spec answers: map a buyer's question to a product and an attribute, answer with value, unit and source.

Outcomes: `answered`; `ambiguous` (several products fit: ask which, with candidates); `attribute_unknown`
(the product does not state it: say so and show what is known); `overview` (no attribute asked: key
facts); `not_found` (no product: say so, offer sales). Replies are written in the buyer's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge.attributes import BY_KEY, VOCABULARY, display_name
from knowledge.catalog import normalize_code
from knowledge.models import Attribute, Hit, Product
from knowledge.search import SearchEngine, code_candidates, looks_like_part_number
from knowledge.units import format_quantity

# When a product lacks the attribute asked, these stand in for it (precision bearings list speeds per lubricant).
_STAND_INS: dict[str, tuple[str, ...]] = {
    "limiting_speed": ("grease_speed", "oil_speed", "reference_speed"),
    "tolerance": ("precision_class",),
    "precision_class": ("tolerance",),
    "voltage_rating": ("voltage",),
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
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class SpecAnswer:
    """What the bot knows in answer to one spec question."""

    status: str  # answered | ambiguous | attribute_unknown | overview | not_found
    language: str
    text: str
    product: Product | None = None
    attribute: str | None = None
    facts: tuple[Attribute, ...] = ()
    candidates: tuple[Hit, ...] = ()

    @property
    def value_text(self) -> str:
        return "; ".join(_fact_value(a) for a in self.facts)

    def to_json(self) -> dict[str, Any]:
        """The CLI / API shape: answer, product, attribute, value, unit, source, candidates."""
        first = self.facts[0] if self.facts else None
        return {
            "status": self.status,
            "answer": self.text,
            "product": _product_json(self.product) if self.product else None,
            "attribute": self.attribute,
            "value": first.value if first and first.value is not None else (first.raw if first else None),
            "value_max": first.value_max if first else None,
            "unit": first.unit if first else None,
            "value_text": self.value_text or None,
            "source": source_of(self.product, first) if self.product and first else None,
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
) -> SpecAnswer:
    """Answer a spec question.

    `part` and `attributes` are what the dialogue already extracted (a clicked candidate, an entity);
    `last_sku` is the product of the previous turn, used when the question names none.
    """
    lang = language or detect_language(question)
    keys = list(dict.fromkeys([*(k for k in attributes or [] if k), *find_attributes(question)]))
    asked = keys[0] if keys else None
    hits = engine.find_by_code(part) if part else []
    hits = hits or engine.find_by_code(question)
    names_a_part = any(looks_like_part_number(c) for c in code_candidates(part or question))
    if not hits and last_sku and not names_a_part:
        hits = [Hit(engine.store.get(last_sku), 1.0, ("product from the previous question",))]
    if not hits and not names_a_part:
        # No part number named: the buyer described one ("the 8 MHz crystal"); offer the closest products.
        hits = [h for h in engine.search(question, k=5) if h.score >= 0.2]
    if not hits:
        return SpecAnswer("not_found", lang, _not_found_text(lang), attribute=asked)
    product, rest = _pick_product(hits, keys)
    if product is None:
        return SpecAnswer("ambiguous", lang, _which_text(lang), attribute=asked, candidates=tuple(rest))
    chosen = next(h for h in hits if h.product.sku == product.sku)
    note = _closest_note(chosen, lang) if chosen.score < 1.0 else ""
    if not keys:
        facts = key_facts(product)
        return SpecAnswer(
            "overview", lang, note + _overview_text(product, facts, lang), product, None, facts, tuple(rest)
        )
    # Direct facts for any key named beat stand-ins ("精度" is precision class or tolerance, whichever is stated).
    for direct in (True, False):
        for key in keys:
            facts = facts_for(product, key, stand_ins=not direct)
            if facts:
                return SpecAnswer(
                    "answered", lang, note + _answer_text(product, key, facts, lang), product, key, facts, tuple(rest)
                )
    facts = key_facts(product)
    return SpecAnswer(
        "attribute_unknown",
        lang,
        note + _unknown_text(product, keys[0], facts, lang),
        product,
        keys[0],
        facts,
        tuple(rest),
    )


def detect_language(text: str) -> str:
    """'zh' when the text contains Chinese characters, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def find_attributes(question: str) -> list[str]:
    """Canonical attribute keys named in the question, most specific first."""
    found: list[tuple[int, int, str]] = []  # (-length, position, key)
    lowered = question.lower()
    stripped = _strip_codes(question)
    for spec in VOCABULARY:
        for synonym in spec.synonyms:
            if len(synonym) <= 2 and synonym.isascii():
                # Single letters / 'id' / 'od' only as standalone tokens; d vs D is case-sensitive.
                # The synonym comes first, the lookbehind after it: re then scans for the synonym's letters in C
                # instead of trying the lookbehind at every character (14x faster on a long message).
                pattern = rf"{re.escape(synonym)}(?<![A-Za-z0-9]{re.escape(synonym)})(?![A-Za-z0-9])"
                flags = 0 if len(synonym) == 1 else re.IGNORECASE
                match = re.search(pattern, stripped, flags)
                position = match.start() if match else -1
            elif synonym.isascii():
                escaped = re.escape(synonym.lower())
                match = re.search(rf"{escaped}(?<![a-z]{escaped})", lowered)
                position = match.start() if match else -1
            else:
                position = question.find(synonym)
            if position >= 0:
                found.append((-len(synonym), position, spec.key))
    ordered: list[str] = []
    for _, _, key in sorted(found):
        if key not in ordered:
            ordered.append(key)
    return ordered


def facts_for(product: Product, key: str, *, stand_ins: bool = True) -> tuple[Attribute, ...]:
    """The product's attribute(s) answering `key`, with stand-ins (grease / oil speed for limiting speed)."""
    attr = product.attribute(key)
    if attr is not None:
        return (attr,)
    column = {
        "package": product.package,
        "manufacturer": product.manufacturer,
        "datasheet": product.datasheet,
        **commerce_facts(product),
    }
    if column.get(key):
        return (Attribute(key, column[key], label=key),)
    if not stand_ins:
        return ()
    return tuple(a for k in _STAND_INS.get(key, ()) if (a := product.attribute(k)) is not None)


def commerce_facts(product: Product) -> dict[str, str]:
    """Price breaks, stock and lead time as buyer-facing text, each saying whether it is real or demo data."""
    facts: dict[str, str] = {}
    label = f" ({product.price_source})" if product.price_source else ""
    if product.price_breaks:
        breaks = ", ".join(f"{b.unit_price:g} @ {b.min_qty:,}+" for b in product.price_breaks)
        facts["price"] = f"{product.currency} {breaks}{label}"
    if product.stock is not None:
        facts["stock"] = f"{product.stock:,} pcs{label}"
    if product.lead_time_days is not None:
        facts["lead_time"] = f"{product.lead_time_days} days{label}"
    return facts


def key_facts(product: Product, limit: int = 8) -> tuple[Attribute, ...]:
    """The product's most useful facts for a card."""
    chosen = [a for k in KEY_FACTS if (a := product.attribute(k)) is not None]
    return tuple(chosen[:limit])


def source_of(product: Product, fact: Attribute | None = None) -> str:
    """Where a fact came from: the source column and the catalog file it was read from."""
    column = f"'{fact.label}' of " if fact and fact.label else ""
    return f"{column}{product.sku} — {product.source}" if product.source else f"{column}{product.sku}"


def _pick_product(hits: list[Hit], keys: list[str]) -> tuple[Product | None, list[Hit]]:
    """One product when the hits agree; None (ask the buyer) when they are genuinely different parts."""
    exact = [h for h in hits if h.score >= 1.0]
    if exact:
        # Same MPN listed by several sources (e.g. LCSC and Digi-Key) is one part: take the one that states the fact.
        groups = {normalize_code(h.product.mpn) for h in exact}
        if len(groups) == 1 or len(exact) == 1:
            # Prefer the listing that states the fact, then the one with real stock.
            ranked = sorted(
                exact, key=lambda h: (-sum(bool(facts_for(h.product, k)) for k in keys), -(h.product.stock or 0))
            )
            return ranked[0].product, ranked[1:]
        return None, exact
    best = hits[0]
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if best.score >= 0.75 and best.score - runner_up >= 0.05:
        return best.product, hits[1:]
    return None, hits


def _fact_value(attr: Attribute) -> str:
    if attr.value is None:
        return attr.raw
    if attr.value_max is not None:
        return f"{format_quantity(attr.value, attr.unit)} … {format_quantity(attr.value_max, attr.unit)}"
    return format_quantity(attr.value, attr.unit)


def _fact_line(attr: Attribute, lang: str) -> str:
    name = display_name(attr.name, lang) if attr.name in BY_KEY else (attr.label or attr.name)
    return f"{name}: {_fact_value(attr)}"


def _product_json(product: Product) -> dict[str, Any]:
    return {"sku": product.sku, "mpn": product.mpn, "manufacturer": product.manufacturer, "name": product.name}


def _closest_note(hit: Hit, lang: str) -> str:
    """Say plainly when the part answered is the closest match, not the exact code typed."""
    if lang == "zh":
        return f"目录中没有完全一致的型号,最接近的是 {hit.product.mpn}({hit.why[0]})。\n"
    return f"No exact match for that part number; the closest catalog part is {hit.product.mpn} ({hit.why[0]}).\n"


def _title(product: Product) -> str:
    return f"{product.mpn} ({product.manufacturer}, SKU {product.sku})"


def _answer_text(product: Product, key: str, facts: tuple[Attribute, ...], lang: str) -> str:
    source = source_of(product, facts[0])
    name = display_name(key, lang)
    if len(facts) == 1 and facts[0].name == key:
        value = _fact_value(facts[0])
        if lang == "zh":
            return f"{_title(product)} 的{name}是 {value}。\n来源:{source}"
        return f"The {name} of {_title(product)} is {value}.\nSource: {source}"
    # Stand-ins (e.g. grease and oil speeds for "limiting speed"): name each one.
    values = "; ".join(_fact_line(a, lang) for a in facts)
    if lang == "zh":
        return f"{_title(product)} 的{name}:{values}。\n来源:{source}"
    return f"{name[:1].upper()}{name[1:]} of {_title(product)}: {values}.\nSource: {source}"


def _overview_text(product: Product, facts: tuple[Attribute, ...], lang: str) -> str:
    lines = "\n".join(f"• {_fact_line(a, lang)}" for a in facts)
    if lang == "zh":
        return f"{_title(product)}:{product.name}\n{lines}\n想了解哪个参数?例如“{product.mpn} 封装”。"
    return f"{_title(product)}: {product.name}\n{lines}\nWhich spec do you need? e.g. “package of {product.mpn}”."


def _unknown_text(product: Product, key: str, facts: tuple[Attribute, ...], lang: str) -> str:
    lines = "\n".join(f"• {_fact_line(a, lang)}" for a in facts)
    if lang == "zh":
        return (
            f"目录中 {_title(product)} 没有标注{display_name(key, 'zh')}。已知参数:\n{lines}\n"
            "需要的话我可以把问题转给销售确认。"
        )
    return (
        f"The catalog does not state the {display_name(key, 'en')} of {_title(product)}. What it does state:\n"
        f"{lines}\nI can pass the question to sales if you need it confirmed."
    )


def _which_text(lang: str) -> str:
    if lang == "zh":
        return "有几个型号都可能符合,您指的是哪一个?请点选或输入完整型号。"
    return "Several parts could match. Which one do you mean? Pick one or type the full part number."


def _not_found_text(lang: str) -> str:
    if lang == "zh":
        return "目录里没有找到这个型号。我已记录这个需求;需要的话可以转给销售帮您查询(回复“转人工”)。"
    return (
        "I could not find that part in the catalog. I have noted the request; reply “talk to sales” "
        "and a salesperson can source it for you."
    )


def _strip_codes(text: str) -> str:
    """Blank out part-number-like tokens so the 'D' in '7008CEGA/P4A' is not read as 'outer diameter'."""
    return _CODE_LIKE.sub(" ", text)


# A code starts where its run of ASCII letters and digits starts (the lookbehind), so a long run without a digit
# is read once, not once per character (quadratic); or at a non-ASCII digit ("１"), which `\d` also reads.
# The left-to-right scan never started a match inside a run, so the result is the same.
_CODE_LIKE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]*\d[A-Za-z0-9\-/.]*|(?![0-9])\d[A-Za-z0-9\-/.]*")
