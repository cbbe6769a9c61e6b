"""Parametric selection (选型): narrow the catalog by the parameters a buyer gives, then ask for the one missing
parameter that best splits what is left, until a handful of parts remain.

"I need a 10k resistor, 0402, 1%" -> family resistor, filters resistance / package / tolerance -> either a
question ("which power rating: 0.0625 W (812), 0.1 W (310) ...?") or the parts, in stock first, then price.
The dialogue calls `select()` again with the buyer's accumulated `answers` (attribute -> value).

Families, the words that name them, their sub-kinds and the attributes buyers decide on live in
knowledge/data/selection.yml. A chosen value is a hard filter: a product that does not state it is not counted
(it cannot be verified). Values match exactly, as in a distributor's parametric filter; only when nothing matches
does a rating the buyer wrote become a minimum (5 V -> >= 5 V) or a tolerance a maximum. Each family's columns are
read from the store once and cached per store (rebuilt when the catalog hash changes), so a turn is a few numpy
masks and counts.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from knowledge import bearing_grammar as bg
from knowledge.attributes import BY_KEY, display_name
from knowledge.catalog import CatalogStore, normalize_code
from knowledge.errors import CatalogError, UnitError
from knowledge.messages import message
from knowledge.models import Attribute, Product
from knowledge.search import REL_TOL, SearchEngine, parse_parameters
from knowledge.substitutes import unit_price, wants_in_stock
from knowledge.units import (
    DIELECTRIC_RE,
    canonical_dielectric,
    extract_package,
    extract_quantities,
    format_quantity,
    format_range,
    parse_quantity,
)

FAMILIES_PATH = Path(__file__).resolve().parent / "data" / "selection.yml"
STATUSES = ("ask", "done", "none", "unclear")
DEFAULT_LIMIT = 5
MAX_OPTIONS = 4
ANY = "*"  # the answer "不限 / any": no filter on that attribute, and it is not asked again
# Built-in attributes every family has (they come from product columns, not from the attribute list).
_BUILT_IN = ("kind", "package", "manufacturer")
# Later entries of a family's `ask` list weigh less (score / (1 + rank)): a buyer decides on the dielectric before
# the brand even when more brands than dielectrics remain.
_ORDER_WEIGHT = 1.0
# A question whose values fewer than this share of the candidates state would drop most of them.
_MIN_COVERAGE = 0.3
_RANK_POOL = 200  # when more parts remain than this, the best-stocked ones are ranked by price


@dataclass(frozen=True)
class Selection:
    """One step of a selection dialogue.

    status: ask (a question on `attribute` with `options`), done (`products`, ranked), none (the filters match
    nothing), unclear (no family and no parameter in the text). `filters` are (attribute, value shown) pairs;
    `options` are (value shown, value key to pass back in `answers`, count); `remaining` counts listings.
    """

    status: str
    family: str
    filters: tuple[tuple[str, str], ...] = ()
    remaining: int = 0
    attribute: str | None = None
    options: tuple[tuple[str, str, int], ...] = ()
    products: tuple[Product, ...] = ()
    # status none: per stated filter whose removal finds parts, (attribute, value shown, count without it), the
    # one to relax first leading; `products` are then the closest parts without that one filter.
    relaxed: tuple[tuple[tuple[tuple[str, str], ...], int], ...] = ()


def select(
    engine: SearchEngine, text: str, answers: Mapping[str, str] | None = None, limit: int = DEFAULT_LIMIT
) -> Selection:
    """Filter the catalog by what `text` and `answers` ask for; ask one question or list at most `limit` parts."""
    store = engine.store
    if any(hit.score >= 1.0 for hit in engine.find_by_code(text)):
        return Selection("unclear", "")  # "S8050 TO-92" names the part: a search, not a selection
    text = DIELECTRIC_RE.sub(lambda m: canonical_dielectric(m.group(1)), text)  # NP0 = C0G
    answers = {k: str(v) for k, v in (answers or {}).items() if str(v).strip()}
    families = load_families()
    params = parse_parameters(text)
    in_stock = wants_in_stock(text) or _truthy(answers.get("stock", ""))
    spec = _family_by_answer(answers.get("family", ""), families) or _named_family(text, families)
    if spec is None:
        keys = [key for key, _, _ in params.quantities] + (["thread"] if params.thread else [])
        implied = {f.name: f for f in families if any(key in f.implied_by for key in keys)}
        spec = next(iter(implied.values())) if len(implied) == 1 else None
        if spec is None and not params:
            return Selection("unclear", "")
    if spec is None:
        return _choose_family(store, families, text, params, answers, in_stock, max(1, limit))
    return _select_in(store, spec, text, answers, in_stock, max(1, limit))


def _select_in(
    store: CatalogStore, spec: FamilySpec, text: str, answers: Mapping[str, str], in_stock: bool, limit: int
) -> Selection:
    """One selection step inside a known family."""
    table = _table(store, spec)
    open_ = {attribute for attribute, answer in answers.items() if answer == ANY}
    filters = _filters(spec, table, text, {a: v for a, v in answers.items() if a not in open_}, in_stock)
    mask = _mask(table, filters)
    if not mask.any():
        # Nothing has exactly the rating the buyer wrote ("for a 5V rail"): a better one will do.
        relaxed = [_relaxed(spec, table, f) for f in filters]
        if relaxed != filters and _mask(table, relaxed).any():
            filters, mask = relaxed, _mask(table, relaxed)
    shown = tuple((f.attribute, f.shown) for f in filters)
    remaining = int(mask.sum())
    if remaining == 0:
        return _closest(store, spec, table, filters, shown, limit)
    rows = np.flatnonzero(mask)
    if np.unique(table.mpn[rows]).size > limit:
        question = _best_question(spec, table, rows, {f.attribute for f in filters} | open_)
        if question is not None:
            attribute, options = question
            return Selection("ask", spec.name, shown, remaining, attribute, options)
    return Selection("done", spec.name, shown, remaining, products=_ranked(store, table, rows, limit))


def _closest(
    store: CatalogStore, spec: FamilySpec, table: _Table, filters: Sequence[_Filter],
    shown: tuple[tuple[str, str], ...], limit: int,
) -> Selection:  # fmt: skip
    """Nothing meets every filter: which single filter, dropped, finds parts, and the closest parts without it.
    Ratings and the dielectric are relaxed before the package, the package before the value that says what the
    part is (and the family itself never)."""
    aliases = dict(spec.aliases)
    identity = {aliases.get(k, k) for k in ("resistance", "capacitance", "inductance", "frequency")}
    order = {"package": 5}
    # One filter dropped, else two (never the family nor the value that says what the part is: 100 pF parts
    # are no answer to "100 µF 0603 X7R").
    free = [f for f in filters if f.attribute != "kind" and f.attribute not in identity]
    found: list[tuple[int, tuple[_Filter, ...], int]] = []
    for size in (1, 2):
        for dropped in itertools.combinations(free, size):
            count = int(_mask(table, [g for g in filters if g not in dropped]).sum())
            if count:
                found.append((sum(order.get(f.attribute, 1) for f in dropped), dropped, count))
        if found:
            break
    found.sort(key=lambda item: item[0])
    relaxed = tuple((tuple((f.attribute, f.shown) for f in dropped), count) for _, dropped, count in found)
    products: tuple[Product, ...] = ()
    if found:
        rows = np.flatnonzero(_mask(table, [g for g in filters if g not in found[0][1]]))
        products = _ranked(store, table, rows, min(limit, 3))
    return Selection("none", spec.name, shown, 0, products=products, relaxed=relaxed)


def selection_json(sel: Selection) -> dict[str, Any]:
    """The API / CLI shape of a Selection (products as sku, mpn, maker, package, stock and unit price)."""
    return {
        "status": sel.status,
        "family": sel.family,
        "filters": [{"attribute": a, "name": display_name(a), "value": v} for a, v in sel.filters],
        "remaining": sel.remaining,
        "attribute": sel.attribute,
        "attribute_name": display_name(sel.attribute) if sel.attribute else None,
        "options": [{"value": shown, "key": key, "count": count} for shown, key, count in sel.options],
        "relaxed": [
            {"without": [{"attribute": a, "value": v} for a, v in dropped], "count": count}
            for dropped, count in sel.relaxed
        ],
        "products": [
            {
                "sku": p.sku,
                "mpn": p.mpn,
                "manufacturer": p.manufacturer,
                "name": p.name,
                "package": p.package,
                "stock": p.stock,
                "unit_price": unit_price(p),
            }
            for p in sel.products
        ],
    }


def selection_reply(sel: Selection, language: str = "en") -> str:
    """The buyer-facing message for one step: the question with its options, the parts, or why nothing fits
    (sentences from the message catalog, knowledge/messages.py)."""
    lang = "zh" if language == "zh" else "en"
    spec = next((f for f in load_families() if f.name == sel.family), None)
    noun = (spec.zh if lang == "zh" else spec.name) if spec else message("reply.select.part", lang)
    nouns = _plural(noun)
    given = message("reply.sep.list", lang).join(_filter_text(a, v, lang) for a, v in sel.filters)
    if sel.status == "unclear":
        return message("reply.select.unclear", lang)
    if sel.status == "none":
        if not sel.relaxed:
            return message("reply.select.none", lang, noun=noun, given=given)

        def dropped_text(dropped: tuple[tuple[str, str], ...]) -> str:
            return message("reply.select.and", lang).join(_filter_text(a, v, lang) for a, v in dropped)

        ways = message("reply.sep.clause", lang).join(
            message("reply.select.without", lang, dropped=dropped_text(d), count=f"{c:,}") for d, c in sel.relaxed
        )
        lines = [f"- {_product_line(p, lang)}" for p in sel.products]
        head = message("reply.select.none_all", lang, noun=noun, given=given, ways=ways)
        if not lines:
            return head
        closest = message("reply.select.closest", lang, dropped=dropped_text(sel.relaxed[0][0]))
        return f"{head}\n{closest}\n" + "\n".join(lines)
    if sel.status == "ask":
        counts = [f"{_option_name(sel.attribute or '', shown, lang)} ({count:,})" for shown, _, count in sel.options]
        if sel.attribute == "family":
            what = message("reply.select.kind_of_part", lang)
        else:
            what = display_name(sel.attribute or "", lang)
        if given:
            head = message("reply.select.remaining", lang, count=f"{sel.remaining:,}", nouns=nouns, given=given)
        else:
            head = message("reply.select.remaining_all", lang, count=f"{sel.remaining:,}", nouns=nouns)
        if lang == "zh" or len(counts) == 1:
            options = message("reply.sep.list", lang).join(counts)
        else:
            options = ", ".join(counts[:-1]) + message("reply.select.or", lang) + counts[-1]
        return message("reply.select.ask", lang, head=head, what=what, options=options)
    lines = [f"- {_product_line(p, lang)}" for p in sel.products]
    matching = message("reply.select.matching", lang, nouns=nouns[:1].upper() + nouns[1:], given=given)
    return matching + "\n" + "\n".join(lines)


def prepare(store: CatalogStore) -> dict[str, float]:
    """Read every family's columns now (seconds per family), so no buyer waits for the first read."""
    seconds: dict[str, float] = {}
    for spec in load_families():
        started = time.perf_counter()
        _table(store, spec)
        seconds[spec.name] = time.perf_counter() - started
    return seconds


# --------------------------------------------------------------------------------------------------
# Families (the data file)


@dataclass(frozen=True)
class Kind:
    """A sub-type of a family, recognised by its category leaf and named by the buyer's words."""

    name: str
    zh: str
    words: tuple[str, ...]
    leaf_contains: tuple[str, ...]
    implied_by: tuple[str, ...] = ()  # attributes whose stated value names this kind (a dielectric: MLCC)


@dataclass(frozen=True)
class ValueWords:
    """Buyer words for a text attribute: `words` in the text -> the value must contain one of `contains`."""

    attribute: str
    words: tuple[str, ...]
    contains: tuple[str, ...]


@dataclass(frozen=True)
class FamilySpec:
    """A product family for selection: how to recognise it, and which attributes buyers decide on."""

    name: str
    zh: str
    words: tuple[str, ...]
    category_prefix: tuple[str, ...] = ()
    leaf_contains: tuple[str, ...] = ()
    leaf_excludes: tuple[str, ...] = ()
    implied_by: tuple[str, ...] = ()
    first: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    kinds: tuple[Kind, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    value_words: tuple[ValueWords, ...] = ()
    match_values: tuple[str, ...] = ()
    at_least: tuple[str, ...] = ()
    at_most: tuple[str, ...] = ()

    @property
    def attributes(self) -> tuple[str, ...]:
        """Every attribute a selection in this family filters or asks on."""
        return tuple(dict.fromkeys(self.first + self.ask + _BUILT_IN))

    def matches(self, category: str) -> bool:
        """Whether a product of `category` belongs to this family."""
        category = category.lower()
        leaf = category.split(" / ")[-1]
        if self.category_prefix and not category.startswith(self.category_prefix):
            return False
        if self.leaf_contains and not any(word in leaf for word in self.leaf_contains):
            return False
        return not any(word in leaf for word in self.leaf_excludes)

    def kind_of(self, category: str) -> str | None:
        """The kind a category is, or None when no kind's leaf words fit."""
        leaf = category.lower().split(" / ")[-1]
        return next((k.name for k in self.kinds if any(word in leaf for word in k.leaf_contains)), None)


@lru_cache(maxsize=4)
def load_families(path: Path = FAMILIES_PATH) -> tuple[FamilySpec, ...]:
    """Read the selection families; CatalogError names the file and the bad entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read selection families: {exc}", file=str(path)) from exc
    families: list[FamilySpec] = []
    for block in (data or {}).get("families", []):
        name = str(block.get("name") or "")
        if not name or not block.get("words"):
            raise CatalogError(f"selection family {block!r} needs a name and words", file=str(path))
        match = block.get("match") or {}
        kinds = tuple(
            Kind(
                str(k["name"]),
                str(k.get("zh", "")),
                _lower(k.get("words")),
                _lower(k.get("leaf_contains")),
                tuple(str(a) for a in k.get("implied_by") or ()),
            )
            for k in block.get("kinds") or ()
        )
        value_words = tuple(
            ValueWords(str(attribute), _lower(entry.get("words")), _lower(entry.get("contains")))
            for attribute, entries in (block.get("value_words") or {}).items()
            for entry in entries
        )
        families.append(
            FamilySpec(
                name=name,
                zh=str(block.get("zh", "")),
                words=_lower(block.get("words")),
                category_prefix=_lower(match.get("category_prefix")),
                leaf_contains=_lower(match.get("leaf_contains")),
                leaf_excludes=_lower(match.get("leaf_excludes")),
                implied_by=tuple(block.get("implied_by") or ()),
                first=tuple(block.get("first") or ()),
                ask=tuple(block.get("ask") or ()),
                kinds=kinds,
                aliases=tuple((str(a), str(b)) for a, b in (block.get("aliases") or {}).items()),
                value_words=value_words,
                match_values=tuple(block.get("match_values") or ()),
                at_least=tuple(block.get("at_least") or ()),
                at_most=tuple(block.get("at_most") or ()),
            )
        )
    return tuple(families)


def family_of_category(category: str) -> FamilySpec | None:
    """The first selection family a category belongs to (file order), or None."""
    return next((f for f in load_families() if f.matches(category)), None)


def _lower(items: Sequence[Any] | None) -> tuple[str, ...]:
    return tuple(str(item).lower() for item in items or ())


# --------------------------------------------------------------------------------------------------
# Reading the buyer's text


def _named_family(text: str, families: Sequence[FamilySpec]) -> FamilySpec | None:
    """The family the longest family or kind word in `text` names (earliest on a tie)."""
    lowered = text.lower()
    best: tuple[int, int, FamilySpec] | None = None
    for spec in families:
        for word in spec.words + tuple(w for k in spec.kinds for w in k.words):
            pos = _word_at(lowered, word)
            if pos >= 0 and (best is None or (len(word), -pos) > (best[0], best[1])):
                best = (len(word), -pos, spec)
    return best[2] if best else None


def _named_kind(text: str, spec: FamilySpec) -> Kind | None:
    lowered = text.lower()
    found = [(len(w), k) for k in spec.kinds for w in k.words if _word_at(lowered, w) >= 0]
    return max(found, key=lambda item: item[0])[1] if found else None


def _word_at(lowered: str, word: str) -> int:
    """Where `word` occurs in lower-cased text: ASCII words whole (plural -s / -es allowed), Chinese anywhere."""
    if not word.isascii():
        return lowered.find(word)
    match = re.search(rf"(?<![a-z0-9.]){re.escape(word)}(?:e?s)?(?![a-z0-9])", lowered)
    return match.start() if match else -1


def _family_by_answer(answer: str, families: Sequence[FamilySpec]) -> FamilySpec | None:
    lowered = answer.strip().lower()
    if not lowered:
        return None
    exact = next((f for f in families if lowered in (f.name, f.zh)), None)
    return exact or _named_family(answer, families)


def _truthy(answer: str) -> bool:
    return answer.strip().lower() in ("yes", "y", "true", "1", "in stock", "有货", "现货", "是", "要")


# --------------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class _Filter:
    attribute: str
    shown: str
    codes: frozenset[int] = frozenset()  # accepted value codes of the column (ignored for stock)
    value: float | None = None  # the number asked for, when it is one


def _filters(spec: FamilySpec, table: _Table, text: str, answers: Mapping[str, str], in_stock: bool) -> list[_Filter]:
    """Filters from the text, then the answers (a later answer replaces what the text said about that attribute)."""
    found: dict[str, _Filter] = {}
    kind = _named_kind(text, spec)
    if kind is not None:
        found["kind"] = _kind_filter(table, kind)
    params = parse_parameters(text)
    aliases = dict(spec.aliases)
    for key, value, unit in params.quantities:
        attribute = key if key in table.columns else aliases.get(key, key)
        found.setdefault(attribute, _number_filter(table, attribute, value, unit))
    if params.package:
        found["package"] = _package_filter(table, params.package)
    if params.thread:
        found["thread"] = _text_filter(table, "thread", params.thread, exact=True)
    lowered = text.lower()
    for entry in spec.value_words:
        if entry.attribute not in found and any(_word_at(lowered, w) >= 0 for w in entry.words):
            found[entry.attribute] = _contains_filter(table, entry, _matched_word(lowered, entry.words))
    for attribute in spec.match_values:
        if attribute not in found and attribute in table.columns:
            hit = _value_in_text(table.columns[attribute], lowered)
            if hit is not None:
                found[attribute] = hit
    for attribute, answer in answers.items():
        if attribute in ("family", "stock"):
            continue
        resolved = _answer_filter(spec, table, attribute, answer)
        if resolved is not None:
            found[attribute] = resolved
    if "kind" not in found:  # "X7R" names no kind in words, but only a ceramic capacitor has one
        implied = next((k for k in spec.kinds if any(a in found for a in k.implied_by)), None)
        if implied is not None:
            found["kind"] = _kind_filter(table, implied)
    filters = list(found.values())
    if in_stock:
        filters.append(_Filter("stock", "in stock"))
    return filters


def _mask(table: _Table, filters: Sequence[_Filter]) -> np.ndarray:
    mask = np.ones(len(table.skus), dtype=bool)
    for f in filters:
        if f.attribute == "stock":
            mask &= table.stock > 0
        elif f.attribute not in table.columns or not f.codes:
            mask[:] = False  # a value the family does not have: nothing can be verified to match
        else:
            mask &= np.isin(table.columns[f.attribute].codes, np.fromiter(f.codes, dtype=np.int32))
    return mask


def _number_filter(table: _Table, attribute: str, value: float, unit: str) -> _Filter:
    column = table.columns.get(attribute)
    codes = frozenset(
        code
        for code, number in enumerate(column.numbers if column else ())
        if number is not None and math.isclose(number, value, rel_tol=REL_TOL)
    )
    return _Filter(attribute, _format(value, unit), codes, value)


def _relaxed(spec: FamilySpec, table: _Table, f: _Filter) -> _Filter:
    """A rating as a minimum (power, voltage: `at_least`) or a maximum (tolerance, TCR: `at_most`)."""
    column = table.columns.get(f.attribute)
    if f.value is None or column is None or f.attribute not in spec.at_least + spec.at_most:
        return f
    low = f.attribute in spec.at_least
    want = abs(f.value)
    codes = frozenset(
        code
        for code, number in enumerate(column.numbers)
        if number is not None and (abs(number) >= want * (1 - REL_TOL) if low else abs(number) <= want * (1 + REL_TOL))
    )
    return _Filter(f.attribute, ("≥ " if low else "≤ ") + f.shown, codes, f.value)


def _package_filter(table: _Table, package: str) -> _Filter:
    want = normalize_code(package)
    keys = table.columns["package"].keys
    # '0603' also names '0603(1608)' and a crystal's 'SMD3225-4P' is asked for as '3225'.
    codes = frozenset(i for i, key in enumerate(keys) if key == want or key.removeprefix("SMD").startswith(want))
    return _Filter("package", package, codes)


def _text_filter(table: _Table, attribute: str, value: str, *, exact: bool) -> _Filter:
    column = table.columns.get(attribute)
    want = normalize_code(value) if exact else value.lower()
    codes = frozenset(
        i
        for i, key in enumerate(column.keys if column else ())
        if (normalize_code(key) == want if exact else want in key)
    )
    return _Filter(attribute, value, codes)


def _contains_filter(table: _Table, entry: ValueWords, word: str) -> _Filter:
    column = table.columns.get(entry.attribute)
    codes = frozenset(
        i for i, key in enumerate(column.keys if column else ()) if any(part in key for part in entry.contains)
    )
    return _Filter(entry.attribute, word, codes)


def _kind_filter(table: _Table, kind: Kind) -> _Filter:
    keys = table.columns["kind"].keys
    return _Filter("kind", kind.name, frozenset(i for i, key in enumerate(keys) if key == kind.name.lower()))


def _matched_word(lowered: str, words: Sequence[str]) -> str:
    return next(w for w in words if _word_at(lowered, w) >= 0)


def _value_in_text(column: _Column, lowered: str) -> _Filter | None:
    """A value of `column` written in the text as whole words ('X7R', 'YAGEO', 'P4A')."""
    for code, key in enumerate(column.keys):
        if len(key) >= 3 and key.isascii() and _word_at(lowered, key) >= 0:
            return _Filter(column.name, column.shown[code], frozenset({code}))
    return None


def _answer_filter(spec: FamilySpec, table: _Table, attribute: str, answer: str) -> _Filter | None:
    """What the buyer chose for `attribute`: an option key, a value with or without its unit, or buyer words."""
    if attribute == "kind":
        lowered = answer.strip().lower()
        kind = next((k for k in spec.kinds if lowered in (k.name.lower(), k.zh)), None) or _named_kind(answer, spec)
        return _kind_filter(table, kind) if kind else _Filter("kind", answer.strip())
    column = table.columns.get(attribute)
    if column is None:
        return None  # an answer from another family's dialogue: not about these parts
    text = answer.strip()
    lowered = " ".join(text.lower().split())
    exact = frozenset(
        i for i, (key, shown) in enumerate(zip(column.keys, column.shown)) if lowered in (key, shown.lower())
    )
    if exact:
        return _Filter(attribute, column.shown[min(exact)], exact)
    if attribute == "package":
        return _package_filter(table, extract_package(text) or text)
    if any(number is not None for number in column.numbers):
        value = _read_number(attribute, text)
        if value is not None:
            return _number_filter(table, attribute, value, BY_KEY[attribute].unit if attribute in BY_KEY else "")
    for entry in spec.value_words:
        if entry.attribute == attribute and any(_word_at(lowered, w) >= 0 for w in entry.words):
            return _contains_filter(table, entry, text)
    return _text_filter(table, attribute, text, exact=False)


def _read_number(attribute: str, text: str) -> float | None:
    unit = BY_KEY[attribute].unit if attribute in BY_KEY else ""
    for _key, value, found_unit in extract_quantities(text):
        if not unit or found_unit == unit:
            return value
    try:
        return parse_quantity(text, unit or None)[0]
    except UnitError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------------
# The question and the answer list


def _best_question(
    spec: FamilySpec, table: _Table, rows: np.ndarray, filtered: set[str]
) -> tuple[str, tuple[tuple[str, str, int], ...]] | None:
    """The attribute whose answer splits `rows` best, with its most common values; None when nothing splits."""
    best: tuple[float, str, np.ndarray] | None = None
    order = [a for a in spec.first + spec.ask if a not in filtered and a in table.columns]
    for rank, attribute in enumerate(order):
        column = table.columns[attribute]
        codes = column.codes[rows]
        stated = codes[codes >= 0]
        if stated.size == 0:
            continue
        counts = np.bincount(stated, minlength=len(column.keys))
        if np.count_nonzero(counts) < 2:
            continue
        if attribute in spec.first:
            best = (math.inf, attribute, counts)  # a part has no meaning without it: ask it first
            break
        coverage = stated.size / rows.size
        if coverage < _MIN_COVERAGE:
            continue
        share = counts[counts > 0] / stated.size
        gini = 1.0 - float(np.sum(share**2))  # 0 when one value dominates, towards 1 for an even split
        score = coverage * gini / (1.0 + _ORDER_WEIGHT * rank)
        if best is None or score > best[0]:
            best = (score, attribute, counts)
    if best is None:
        return None
    _, attribute, counts = best
    column = table.columns[attribute]
    top = [int(i) for i in np.argsort(-counts, kind="stable")[:MAX_OPTIONS] if counts[i] > 0]
    if all(column.numbers[i] is not None for i in top):
        top.sort(key=lambda i: column.numbers[i] or 0.0)
    return attribute, tuple((column.shown[i], column.keys[i], int(counts[i])) for i in top)


def _ranked(store: CatalogStore, table: _Table, rows: np.ndarray, limit: int) -> tuple[Product, ...]:
    """At most `limit` parts (one listing per MPN): in stock first, then the lowest unit price."""
    if rows.size > _RANK_POOL:
        stock = table.stock[rows]
        rows = rows[np.argsort(-stock, kind="stable")[:_RANK_POOL]]
    products = store.products([table.skus[i] for i in rows])
    products.sort(key=lambda p: ((p.stock or 0) <= 0, _price(p), -(p.stock or 0), p.sku))
    chosen: list[Product] = []
    seen: set[str] = set()
    for product in products:
        key = normalize_code(product.mpn)
        if key not in seen:
            seen.add(key)
            chosen.append(product)
    return tuple(chosen[:limit])


def _price(product: Product) -> float:
    price = unit_price(product)
    return price if price is not None else math.inf


def _choose_family(
    store: CatalogStore,
    families: Sequence[FamilySpec],
    text: str,
    params: Any,
    answers: Mapping[str, str],
    in_stock: bool,
    limit: int,
) -> Selection:
    """No family named: count the parameters' matches per family; one family goes on, several make a question."""
    counts: list[tuple[FamilySpec, int]] = []
    shown: tuple[tuple[str, str], ...] = ()
    for spec in families:
        aliases = dict(spec.aliases)
        keys = [aliases.get(key, key) for key, _, _ in params.quantities] + (["thread"] if params.thread else [])
        if not all(key in spec.attributes for key in keys):
            continue
        table = _table(store, spec)
        filters = [f for f in _filters(spec, table, text, answers, in_stock) if f.attribute != "kind"]
        shown = shown or tuple((f.attribute, f.shown) for f in filters)
        found = int(_mask(table, filters).sum())
        if found:
            counts.append((spec, found))
    if not shown:
        shown = tuple((key, _format(value, unit)) for key, value, unit in params.quantities)
        shown += (("package", params.package),) if params.package else ()
        shown += (("thread", params.thread),) if params.thread else ()
    if not counts:
        return Selection("none", "", shown, 0)
    if len(counts) == 1:
        return _select_in(store, counts[0][0], text, answers, in_stock, limit)
    counts.sort(key=lambda item: -item[1])
    options = tuple((spec.name, spec.name, n) for spec, n in counts[:MAX_OPTIONS])
    return Selection("ask", "", shown, sum(n for _, n in counts), "family", options)


def _format(value: float, unit: str) -> str:
    try:
        return format_quantity(value, unit) if unit else f"{value:g}"
    except Exception:  # an odd unit from a source: show the plain number
        return f"{value:g} {unit}"


def _option_name(attribute: str, shown: str, language: str) -> str:
    if language != "zh":
        return shown
    families = load_families()
    if attribute == "family":
        return next((f.zh for f in families if f.name == shown), shown)
    if attribute == "kind":
        return next((k.zh for f in families for k in f.kinds if k.name == shown), shown)
    return shown


def _filter_text(attribute: str, shown: str, language: str) -> str:
    if attribute == "stock":
        return message("reply.select.in_stock", language)
    if attribute in ("kind", "family"):
        return _option_name(attribute, shown, language)
    return f"{display_name(attribute, language)} {shown}"


def _product_line(product: Product, language: str) -> str:
    """'0603WAF1002T5E (UNI-ROYAL), 0603, stock 12,000, 0.0014 USD'."""
    parts = [f"{product.mpn} ({product.manufacturer})"]
    if product.package:
        parts.append(product.package)
    if product.stock is not None:
        parts.append(message("reply.select.stock", language, stock=f"{product.stock:,}"))
    price = unit_price(product)
    if price is not None:
        parts.append(f"{price:g} {product.currency}")
    return ", ".join(parts)


def _plural(noun: str) -> str:
    return noun if noun.endswith("s") or not noun.isascii() else noun + "s"


# --------------------------------------------------------------------------------------------------
# Per-family columns, cached per store


@dataclass
class _Column:
    """One attribute over a family's rows: a code per row (-1: not stated) into the value vocabulary."""

    name: str
    keys: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    numbers: list[float | None] = field(default_factory=list)
    codes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))


@dataclass
class _Table:
    spec: FamilySpec
    skus: list[str]
    stock: np.ndarray
    mpn: np.ndarray  # a code per distinct normalized MPN: the same part listed by two sources counts once
    columns: dict[str, _Column]


@dataclass
class _StoreCache:
    digest: str
    categories: list[str]
    tables: dict[str, _Table] = field(default_factory=dict)


_CACHES: weakref.WeakKeyDictionary[CatalogStore, _StoreCache] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def _table(store: CatalogStore, spec: FamilySpec) -> _Table:
    """The family's columns for this store, read once (about 0.5 s for the 49k resistors) and kept."""
    with _CACHE_LOCK:
        digest = store.catalog_hash()
        cache = _CACHES.get(store)
        if cache is None or cache.digest != digest:
            cache = _StoreCache(digest, _categories(store))
            _CACHES[store] = cache
        table = cache.tables.get(spec.name)
        if table is None:
            table = cache.tables[spec.name] = _build_table(store, spec, cache.categories)
        return table


def _categories(store: CatalogStore) -> list[str]:
    # The store has no public listing of categories or bulk column reads; this is a read-only query.
    with store._lock:
        return [row[0] for row in store._conn.execute("SELECT DISTINCT category FROM products")]


def _build_table(store: CatalogStore, spec: FamilySpec, categories: Sequence[str]) -> _Table:
    families = load_families()
    mine = [c for c in categories if next((f for f in families if f.matches(c)), None) is spec]
    wanted = set(spec.attributes)
    builders = {name: _ColumnBuilder(name) for name in wanted}
    skus: list[str] = []
    stock: list[int] = []
    mpns: list[int] = []
    mpn_codes: dict[str, int] = {}
    rows: list[Any] = []
    with store._lock:
        for start in range(0, len(mine), 500):
            chunk = mine[start : start + 500]
            rows += store._conn.execute(
                "SELECT sku, category, package, manufacturer, stock, mpn, attributes FROM products "
                f"WHERE category IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
    rows.sort(key=lambda row: row[0])
    kinds = {category: spec.kind_of(category) for category in mine}
    for sku, category, package, manufacturer, in_stock, mpn, attributes in rows:
        skus.append(sku)
        stock.append(int(in_stock or 0))
        mpns.append(mpn_codes.setdefault(normalize_code(mpn), len(mpn_codes)))
        stated: dict[str, list[Any]] = {}
        for entry in json.loads(attributes):
            if entry[0] in wanted:
                stated.setdefault(entry[0], entry)
        for name, builder in builders.items():
            if name == "kind":
                builder.add_text(kinds[category])
            elif name == "package":
                raw = (package or (stated["package"][1] if "package" in stated else "")).strip()
                builder.add(normalize_code(raw), raw, None) if raw not in ("", "-") else builder.missing()
            elif name == "manufacturer":
                builder.add_text(manufacturer.strip() or None)
            elif name == "seal":
                builder.add_closure(mpn, category, stated.get("seal"))
            elif name == "dielectric" and name in stated and DIELECTRIC_RE.fullmatch(str(stated[name][1]).strip()):
                builder.add_text(canonical_dielectric(str(stated[name][1])))  # NP0 and C0G: one value
            elif name in stated:
                builder.add_attribute(stated[name])
            else:
                builder.missing()
    return _Table(
        spec,
        skus,
        np.array(stock, dtype=np.int64),
        np.array(mpns, dtype=np.int32),
        {name: builder.column() for name, builder in builders.items()},
    )


class _ColumnBuilder:
    """Collects one column: value keys (numbers to 6 significant digits, text lower-cased) and display forms."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.index: dict[str, int] = {}
        self.keys: list[str] = []
        self.shown: list[str] = []
        self.numbers: list[float | None] = []
        self.codes: list[int] = []
        self.text_keys: dict[str, str] = {}

    def add(self, key: str, shown: str | None, number: float | None = None) -> None:
        code = self.index.get(key)
        if code is None:
            code = self.index[key] = len(self.keys)
            self.keys.append(key)
            self.shown.append(shown if shown is not None else key)
            self.numbers.append(number)
        self.codes.append(code)

    def missing(self) -> None:
        self.codes.append(-1)

    def add_text(self, text: str | None) -> None:
        if not text:
            self.missing()
            return
        key = self.text_keys.get(text)
        if key is None:
            key = self.text_keys[text] = " ".join(text.lower().split())
        self.add(key, text)

    def add_attribute(self, entry: Sequence[Any]) -> None:
        _name, raw, value, unit, value_max = entry[:5]
        if value is None or not math.isfinite(value):
            self.add_text(str(raw).strip() or None)
            return
        key = f"{value:.6g}" if value_max is None else f"{value:.6g}..{value_max:.6g}"
        if key in self.index:  # formatting is the slow part of a build: once per distinct value
            self.codes.append(self.index[key])
        elif value_max is not None:
            self.add(key, _shown_range(value, value_max, unit, raw))
        else:
            self.add(key, _format(value, unit) if unit else str(raw).strip() or f"{value:g}", value)

    def add_closure(self, mpn: str, category: str, entry: Sequence[Any] | None) -> None:
        seal = (Attribute("seal", str(entry[1])),) if entry else ()
        closure = bg.closure_class(Product("", mpn, "", category, "", attributes=seal))
        if closure is None:
            self.missing()
        else:
            self.add(closure, bg.CLOSURE_CLASSES[closure][0], None)

    def column(self) -> _Column:
        return _Column(self.name, self.keys, self.shown, self.numbers, np.array(self.codes, dtype=np.int32))


def _shown_range(low: float, high: float, unit: str, raw: str) -> str:
    try:
        return format_range(low, high, unit)
    except Exception:  # an odd unit from a source: show what it wrote
        return str(raw)


__all__ = [
    "DEFAULT_LIMIT",
    "FamilySpec",
    "Kind",
    "Selection",
    "family_of_category",
    "load_families",
    "prepare",
    "select",
    "selection_json",
    "selection_reply",
]
