"""Substitutes (选型替换): cross-references first, then drop-in and functional replacements from rule tables.

The rules live in `knowledge/data/substitution_rules.yml`, one block per product family. The original
part sets each requirement; a candidate that breaks a hard rule is never returned. Kinds:
`cross-reference` (a documented equivalent or successor), `drop-in` (every checked rule holds with known
values), `functional` (the hard `equal` rules hold but a soft rule differs or a rating is unknown).
Bearing suffixes are compared by meaning (knowledge/bearing_grammar.py), never by string similarity.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge import bearing_grammar as bg
from knowledge.attributes import display_name
from knowledge.catalog import CatalogStore, normalize_code
from knowledge.errors import CatalogError, ProductNotFound
from knowledge.models import Attribute, Difference, Hit, Product, Substitute
from knowledge.search import REL_TOL, SearchEngine, looks_like_part_number
from knowledge.units import format_quantity, format_range

RULES_PATH = Path(__file__).resolve().parent / "data" / "substitution_rules.yml"
DEFAULT_CROSSREF_PATH = Path(__file__).resolve().parents[1] / "catalog" / "crossref.csv"
KINDS = ("cross-reference", "drop-in", "functional")
RULE_KINDS = ("equal", "at_least", "at_most", "covers", "may_differ")
CROSSREF_COLUMNS = ("from_mpn", "from_manufacturer", "to_sku", "relation", "note")
RELATIONS = ("equivalent", "successor")
# Above this many same-value candidates the pool is cut (SKU order) so one request stays in tens of ms.
MAX_POOL = 6000
_BASE_SCORE = {"cross-reference": 1.0, "drop-in": 0.9, "functional": 0.6}
_ASCII_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.]*")
# "out of stock" / 缺货 describe the original part; only these ask for substitutes that are in stock.
_NOT_IN_STOCK = re.compile(
    r"out[\s-]+of[\s-]+stock|not[\s-]+in[\s-]+stock|no[\s-]+stock|缺货|无货|没货|没有货|断货|"
    r"没有库存|无库存|零库存|库存不足|不在库",
    re.IGNORECASE,
)
_IN_STOCK = re.compile(r"\bin[\s-]*stock\b|\bstocked\b|\bavailable now\b|有货|现货|有库存|库存", re.IGNORECASE)


@dataclass(frozen=True)
class SubstituteResult:
    """The answer to "what can replace X?"; `part` has an empty SKU when X is not itself in the catalog."""

    status: str  # found | none_qualify | part_not_found | ambiguous
    part: Product | None
    substitutes: tuple[Substitute, ...] = ()
    candidates: tuple[Hit, ...] = ()


@dataclass(frozen=True)
class CrossRef:
    """One row of a brand cross-reference file: `from_mpn` (by `from_manufacturer`) -> catalog SKU `to_sku`."""

    from_mpn: str
    from_manufacturer: str
    to_sku: str
    relation: str  # equivalent | successor
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Rule:
    """One line of a family's rule table."""

    attribute: str
    kind: str
    soft: bool = False
    ranks: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Family:
    """A product family, how to recognise it, and its rules."""

    name: str
    rules: tuple[Rule, ...]
    candidates_by: tuple[str, ...]
    leaf_contains: tuple[str, ...] = ()
    leaf_excludes: tuple[str, ...] = ()
    category_prefix: tuple[str, ...] = ()
    same_category: bool = False

    def matches(self, product: Product) -> bool:
        """Whether `product`'s category puts it in this family."""
        category = product.category.lower()
        leaf = category.split(" / ")[-1]
        if self.category_prefix and not any(category.startswith(p) for p in self.category_prefix):
            return False
        if self.leaf_contains and not any(word in leaf for word in self.leaf_contains):
            return False
        return not any(word in leaf for word in self.leaf_excludes)


def find_substitutes(
    text: str,
    engine: SearchEngine,
    *,
    k: int = 5,
    last_sku: str | None = None,
    in_stock_only: bool = False,
    crossrefs: Sequence[CrossRef] | None = None,
) -> SubstituteResult:
    """Resolve the part named in `text` (or `last_sku` when it names none) and list its substitutes.

    `in_stock_only` (or "in stock" / 有货 / 现货 in `text`) keeps only substitutes with stock > 0.
    """
    store = engine.store
    in_stock_only = in_stock_only or wants_in_stock(text)
    refs = default_crossrefs() if crossrefs is None else tuple(crossrefs)
    foreign = _foreign_part(text, store, refs)
    if foreign is not None:
        part, vouched = foreign
        subs = [s for s in vouched if not in_stock_only or (s.product.stock or 0) > 0]
        if part.category:
            seen = {s.product.sku for s in subs}
            target = vouched[0].product if vouched else None
            # Beyond the documented successor, what also replaces that successor under the rules.
            more = substitutes_for(target, store, k=k, in_stock_only=in_stock_only, crossrefs=refs) if target else ()
            subs += [s for s in more if s.product.sku not in seen and s.kind != "cross-reference"]
        return SubstituteResult("found" if subs else "none_qualify", part, tuple(subs[:k]))
    hits = engine.find_by_code(text)
    names_a_part = any(looks_like_part_number(c) for c in _ascii_runs(text))
    if not hits and last_sku and not names_a_part:
        hits = [Hit(store.get(last_sku), 1.0, ("product from the previous question",))]
    if not hits:
        return SubstituteResult("part_not_found", None)
    exact = [h for h in hits if h.score >= 1.0]
    typed = set(_code_windows(text))
    # A successor listing the typed code as its history designation is a substitute, not the part itself.
    own = [h for h in exact if not (bg.superseded_codes(h.product) & typed)]
    exact = own or exact
    groups = {normalize_code(h.product.mpn) for h in exact}
    if len(groups) != 1:
        return SubstituteResult("ambiguous", None, candidates=tuple(hits[:10]))
    # One part listed by several sources counts as one: take the listing that states the most facts.
    part = max((h.product for h in exact), key=lambda p: (len(p.attributes), -len(p.sku)))
    found = substitutes_for(part, store, k=k, in_stock_only=in_stock_only, crossrefs=refs)
    return SubstituteResult("found" if found else "none_qualify", part, found)


def wants_in_stock(text: str) -> bool:
    """Whether the buyer asks for parts in stock ("alternatives in stock", 有货, 现货, 库存), not "out of stock"."""
    return bool(_IN_STOCK.search(_NOT_IN_STOCK.sub(" ", text)))


def substitutes_for(
    product: Product,
    store: CatalogStore,
    *,
    k: int = 5,
    in_stock_only: bool = False,
    crossrefs: Sequence[CrossRef] = (),
) -> tuple[Substitute, ...]:
    """The best `k` substitutes for a catalog product: cross-references, then drop-ins, then functional ones."""
    family = family_of(product)
    found: dict[str, Substitute] = {}
    for target, why in _documented(product, store, crossrefs):
        sub = _cross_reference(product, target, family, why)
        if sub is not None:
            found.setdefault(target.sku, sub)
    if family is not None:
        for candidate in _pool(product, family, store):
            if candidate.sku in found or _same_part(candidate, product):
                continue
            sub = evaluate(product, candidate, family)
            if sub is not None:
                found[candidate.sku] = sub
    subs = [s for s in found.values() if not in_stock_only or (s.product.stock or 0) > 0]
    subs.sort(key=_rank_key)
    unique: list[Substitute] = []
    seen_mpns: set[str] = set()
    for sub in subs:  # the same MPN from two sources is one substitute (the better-ranked listing)
        key = normalize_code(sub.product.mpn)
        if key not in seen_mpns:
            seen_mpns.add(key)
            unique.append(sub)
    return tuple(unique[:k])


def evaluate(original: Product, candidate: Product, family: Family, *, vouched: bool = False) -> Substitute | None:
    """Judge `candidate` against `original` under `family`'s rules; None when a hard rule is broken.

    `vouched` (a documented cross-reference): a hard `equal` the original does not state is skipped and a
    worse rating is listed instead of rejecting, since the reference itself vouches for the part.
    """
    if not family.matches(candidate):
        return None
    if family.same_category and candidate.category.lower() != original.category.lower():
        return None
    differences: list[Difference] = []
    soft_issue = False
    for rule in family.rules:
        if rule.kind == "may_differ":
            continue
        judged = _judge(rule, original, candidate, vouched=vouched)
        if judged is None:
            continue
        difference, effect = judged
        if effect == "reject":
            return None
        soft_issue = soft_issue or effect == "soft"
        differences.append(difference)
    kind = "cross-reference" if vouched else ("functional" if soft_issue else "drop-in")
    penalty = sum(1.0 if d.verdict == "worse" else 0.5 if d.verdict == "unknown" else 0.0 for d in differences)
    score = _BASE_SCORE[kind] - min(0.25, 0.04 * penalty)
    return Substitute(candidate, kind, round(score, 3), tuple(differences), _why(kind, differences))


def family_of(product: Product) -> Family | None:
    """The first rule family whose category match fits `product`, or None (no substitution rules)."""
    return next((f for f in load_rules() if f.matches(product)), None)


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_PATH) -> tuple[Family, ...]:
    """Read and validate the YAML rule table; CatalogError names the file and the bad entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"cannot read substitution rules: {exc}", file=str(path)) from exc
    families: list[Family] = []
    for number, block in enumerate((data or {}).get("families", []), 1):
        name = str(block.get("name") or f"family {number}")
        rules: list[Rule] = []
        for entry in block.get("rules", []):
            kind = entry.get("rule")
            if kind not in RULE_KINDS or not entry.get("attribute"):
                raise CatalogError(f"{name}: bad rule {entry!r} (rule must be one of {RULE_KINDS})", file=str(path))
            ranks = tuple((str(key).upper(), float(value)) for key, value in (entry.get("ranks") or {}).items())
            rules.append(Rule(str(entry["attribute"]), kind, bool(entry.get("soft", False)), ranks))
        match = block.get("match") or {}
        families.append(
            Family(
                name=name,
                rules=tuple(rules),
                candidates_by=tuple(block.get("candidates_by") or ()),
                leaf_contains=tuple(s.lower() for s in match.get("leaf_contains", ())),
                leaf_excludes=tuple(s.lower() for s in match.get("leaf_excludes", ())),
                category_prefix=tuple(s.lower() for s in match.get("category_prefix", ())),
                same_category=bool(block.get("same_category", False)),
            )
        )
    return tuple(families)


def load_crossref(path: str | Path) -> list[CrossRef]:
    """Read a brand cross-reference CSV (format in catalog/CROSSREF.md); CatalogError with file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogError(f"cannot read cross-reference file: {exc}", file=str(path)) from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in CROSSREF_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(f"missing column(s) {', '.join(missing)}", file=str(path), line=1)
    refs: list[CrossRef] = []
    for row in reader:
        line = reader.line_num
        cells = {key: (row.get(key) or "").strip() for key in CROSSREF_COLUMNS}
        if not any(cells.values()) or cells["from_mpn"].startswith("#"):
            continue
        if not cells["from_mpn"] or not cells["to_sku"]:
            raise CatalogError("from_mpn and to_sku are required", file=str(path), line=line)
        relation = cells["relation"].lower()
        if relation not in RELATIONS:
            raise CatalogError(f"relation {cells['relation']!r} is not one of {RELATIONS}", file=str(path), line=line)
        refs.append(
            CrossRef(
                cells["from_mpn"],
                cells["from_manufacturer"],
                cells["to_sku"],
                relation,
                cells["note"],
                f"{path.name}:{line}",
            )
        )
    return refs


@lru_cache(maxsize=1)
def default_crossrefs() -> tuple[CrossRef, ...]:
    """The deployment's cross-reference file (catalog/crossref.csv) when there is one."""
    return tuple(load_crossref(DEFAULT_CROSSREF_PATH)) if DEFAULT_CROSSREF_PATH.is_file() else ()


def result_json(result: SubstituteResult) -> dict[str, Any]:
    """The CLI / API shape: part, substitutes with kind, score, differences, stock and unit price."""
    return {
        "status": result.status,
        "part": _product_json(result.part) if result.part else None,
        "substitutes": [
            {
                **_product_json(s.product),
                "kind": s.kind,
                "score": s.score,
                "why": s.why,
                "differences": [
                    {"attribute": d.attribute, "original": d.original, "substitute": d.substitute, "verdict": d.verdict}
                    for d in s.differences
                ],
                "stock": s.product.stock,
                "unit_price": unit_price(s.product),
                "currency": s.product.currency,
            }
            for s in result.substitutes
        ],
        "candidates": [
            {**_product_json(h.product), "score": round(h.score, 4), "why": list(h.why)} for h in result.candidates
        ],
    }


def unit_price(product: Product) -> float | None:
    """The unit price at the first (smallest-quantity) price break, or None without a price."""
    if not product.price_breaks:
        return None
    return min(product.price_breaks, key=lambda b: b.min_qty).unit_price


# --------------------------------------------------------------------------------------------------
# Values and rules


@dataclass(frozen=True)
class _Value:
    number: float | None  # numeric value, or the rank of a ranked text value
    high: float | None = None  # top of a range
    text: str = ""  # normalized text for equality
    shown: str = ""  # what the buyer reads
    unit: str = ""


def _judge(rule: Rule, original: Product, candidate: Product, *, vouched: bool) -> tuple[Difference, str] | None:
    """(difference, effect) with effect ok | soft | reject; None when the rule does not apply."""
    want = _value(original, rule)
    have = _value(candidate, rule)
    hard_equal = rule.kind == "equal" and not rule.soft
    if want is None:
        if hard_equal and not vouched:
            return _diff(rule, None, have, "unknown"), "reject"  # an unverifiable footprint / value is no match
        return None
    if have is None:
        return _diff(rule, want, None, "unknown"), "reject" if hard_equal else "soft"
    verdict = _compare(rule, want, have)
    if verdict == "worse" or verdict == "different":
        # A documented reference is trusted on ratings (listed as worse); only a contradicting size / value rejects it.
        effect = "soft" if rule.soft or (vouched and rule.kind != "equal") else "reject"
        if verdict == "different":
            verdict = "worse"
        return _diff(rule, want, have, verdict), effect
    if rule.kind == "equal" and rule.soft and verdict == "better":
        return _diff(rule, want, have, verdict), "soft"  # a different closure class is never a drop-in
    return _diff(rule, want, have, verdict), "ok"


def _compare(rule: Rule, want: _Value, have: _Value) -> str:
    if rule.kind == "equal":
        if want.number is not None and have.number is not None and not want.text:
            return "same" if _close(want.number, have.number) else "different"
        if want.text == have.text:
            return "same"
        if want.number is not None and have.number is not None:  # ranked text (closure protection)
            return "better" if have.number > want.number else "worse"
        return "different"
    if rule.kind == "covers":
        if want.high is None or have.high is None or want.number is None or have.number is None:
            return "same" if want.text == have.text else "worse"
        if have.number <= want.number + 1e-9 and have.high >= want.high - 1e-9:
            return "same" if _close(have.number, want.number) and _close(have.high, want.high) else "better"
        return "worse"
    if want.number is None or have.number is None:
        return "same" if want.text == have.text else "worse"
    if _close(want.number, have.number):
        return "same"
    higher = have.number > want.number
    return "better" if higher == (rule.kind == "at_least") else "worse"


def _value(product: Product, rule: Rule) -> _Value | None:
    name = rule.attribute
    if name == "package":
        stated = product.attribute("package")
        raw = (product.package or (stated.raw if stated else "")).strip()
        return None if raw in ("", "-") else _Value(None, text=normalize_code(raw), shown=raw)
    if name == "seal":
        closure = bg.closure_class(product)
        if closure is None:
            return None
        shown, protection = bg.CLOSURE_CLASSES[closure]
        return _Value(float(protection), text=closure, shown=shown)
    if name == "precision_class":
        ranked = bg.precision_rank(product)
        if ranked is None and bg.parse_bearing_code(product.mpn) is not None:
            ranked = (bg.PRECISION_RANKS["P0"], "P0")  # no class suffix on a designation = normal (P0)
        return None if ranked is None else _Value(ranked[0], text=ranked[1], shown=ranked[1])
    if name in _DERIVED:
        found = _DERIVED[name](product)
        if found is None:
            return None
        if isinstance(found, float):
            return _Value(found, shown=format_quantity(found, "°"), unit="°")
        return _Value(None, text=found.lower(), shown=found)
    attr = product.attribute(name)
    if attr is None:
        return None
    if rule.ranks:
        # A value the rank table does not know (X8G, U2J ...) can only be matched by the same value.
        rank = dict(rule.ranks).get(attr.raw.strip().upper())
        return _Value(None if rank is None else rank, text=attr.raw.strip().upper(), shown=attr.raw.strip())
    if attr.value is not None and math.isfinite(attr.value):
        if name in _SPREADS:  # '-20%~+80%' is a 80 % spread, not -20 (which would beat ±5 %)
            spread = max(abs(attr.value), abs(attr.value_max if attr.value_max is not None else attr.value))
            return _Value(spread, shown=_shown(attr), unit=attr.unit)
        return _Value(attr.value, attr.value_max, shown=_shown(attr), unit=attr.unit)
    raw = attr.raw.strip()
    return _Value(None, text=normalize_code(raw) if name == "thread" else raw.lower(), shown=raw) if raw else None


# Tolerances: compared by their widest side, whatever sign or range the source wrote.
_SPREADS = frozenset({"tolerance", "frequency_tolerance", "frequency_stability"})

_DERIVED: dict[str, Any] = {
    "contact_angle": bg.contact_angle,
    "preload": bg.preload,
    "rolling_elements": bg.rolling_elements,
    "clearance": bg.clearance,
}


def _shown(attr: Attribute) -> str:
    assert attr.value is not None
    try:
        if attr.value_max is not None:
            return format_range(attr.value, attr.value_max, attr.unit)
        return format_quantity(attr.value, attr.unit) if attr.unit else f"{attr.value:g}"
    except Exception:  # an odd unit: show what the source wrote
        return attr.raw


def _diff(rule: Rule, want: _Value | None, have: _Value | None, verdict: str) -> Difference:
    return Difference(
        rule.attribute,
        want.shown if want else "unknown",
        have.shown if have else "unknown",
        verdict,
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL)


# --------------------------------------------------------------------------------------------------
# Candidates, cross-references and ranking


def _pool(product: Product, family: Family, store: CatalogStore) -> list[Product]:
    skus: set[str] | None = None
    for name in family.candidates_by:
        attr = product.attribute(name)
        if attr is None:
            return []  # the size key is unknown: nothing can be verified as the same part
        value: float | str = attr.value if attr.value is not None else attr.raw
        found = set(store.with_attribute(name, value, limit=None))
        skus = found if skus is None else skus & found
    chosen = sorted(skus or ())[:MAX_POOL]
    return store.products(chosen)


def _same_part(candidate: Product, original: Product) -> bool:
    return candidate.sku == original.sku or normalize_code(candidate.mpn) == normalize_code(original.mpn)


def _documented(product: Product, store: CatalogStore, refs: Sequence[CrossRef]) -> Iterable[tuple[Product, str]]:
    """Catalog products a cross-reference row names as equivalent to or successor of `product`."""
    mpn = normalize_code(product.mpn)
    for successor in store.by_code(product.mpn):
        if mpn in bg.superseded_codes(successor) and successor.sku != product.sku:
            yield successor, f"{successor.manufacturer} {successor.mpn} supersedes {product.mpn} (history designation)"
    for ref in refs:
        if normalize_code(ref.from_mpn) == mpn and _maker_fits(ref.from_manufacturer, product.manufacturer):
            try:
                target = store.get(ref.to_sku)
            except ProductNotFound:
                continue
            if target.sku != product.sku:
                yield target, _crossref_why(ref, target)
        elif ref.relation == "equivalent" and ref.to_sku == product.sku:
            for other in store.by_code(ref.from_mpn):
                if other.sku != product.sku and _maker_fits(ref.from_manufacturer, other.manufacturer):
                    yield other, f"listed as equivalent to {product.mpn} ({ref.source})"


def _cross_reference(original: Product, target: Product, family: Family | None, why: str) -> Substitute | None:
    rules_family = family or family_of(target)
    if rules_family is None:
        return Substitute(target, "cross-reference", 1.0, (), why)
    judged = evaluate(original, target, replace(rules_family, same_category=False), vouched=True)
    if judged is None:
        return None  # a documented reference the data contradicts on size / value is not trusted
    return replace(judged, why=why + _deviation_note(judged.differences))


def _foreign_part(text: str, store: CatalogStore, refs: Sequence[CrossRef]) -> tuple[Product, list[Substitute]] | None:
    """A part named in `text` that is not sold itself but has a documented successor / equivalent."""
    by_from: dict[str, list[CrossRef]] = {}
    for ref in refs:
        by_from.setdefault(normalize_code(ref.from_mpn), []).append(ref)
    for code in _code_windows(text):
        listed = store.by_code(code)
        if any(normalize_code(p.mpn) == code for p in listed):
            return None  # the catalog sells this very part: the normal path handles it
        for successor in listed:
            if code in bg.superseded_codes(successor):
                old = _snfa_part(code, successor)
                sub = _cross_reference(
                    old,
                    successor,
                    family_of(successor),
                    f"{successor.manufacturer} {successor.mpn} supersedes SNFA {code} (SKF/SNFA history designation)",
                )
                return old, [sub] if sub else []
        if code in by_from:
            subs: list[Substitute] = []
            part: Product | None = None
            for ref in by_from[code]:
                try:
                    target = store.get(ref.to_sku)
                except ProductNotFound:
                    continue
                part = part or Product(
                    sku="",
                    mpn=ref.from_mpn,
                    manufacturer=ref.from_manufacturer,
                    category=target.category,
                    name=f"{ref.from_manufacturer} {ref.from_mpn}".strip(),
                    source=f"cross-reference {ref.source}",
                )
                sub = _cross_reference(part, target, family_of(target), _crossref_why(ref, target))
                if sub is not None:
                    subs.append(sub)
            if part is not None:
                return part, subs
    return None


def _snfa_part(code: str, successor: Product) -> Product:
    facts = bg.decode_snfa(code)
    label = "decoded from the SNFA designation"
    attrs: list[Attribute] = []
    for key in ("bore_diameter", "contact_angle"):
        if key in facts:
            value = float(facts[key])  # type: ignore[arg-type]
            attrs.append(Attribute(key, f"{value:g}", value, "mm" if key == "bore_diameter" else "°", label=label))
    if facts.get("preload"):
        attrs.append(Attribute("preload", str(facts["preload"]), label=label))
    if "closure" in facts:
        attrs.append(Attribute("seal", "open" if facts["closure"] == bg.OPEN else "密封", label=label))
    if "rolling_elements" in facts:
        attrs.append(Attribute("rolling_element_material", str(facts["rolling_elements"]), label=label))
    return Product(
        sku="",
        mpn=code,
        manufacturer="SNFA",
        category=successor.category,
        name=f"SNFA {code} (superseded; history designation of {successor.mpn})",
        attributes=tuple(attrs),
        source=f"superseded_designation of {successor.sku}",
    )


def _code_windows(text: str) -> list[str]:
    """Normalized codes from 1..5 adjacent ASCII tokens, longest first ('VEX 67 CE1 UL' -> 'VEX67CE1UL')."""
    runs = _ascii_runs(text)
    out: list[str] = []
    for size in (5, 4, 3, 2, 1):
        for i in range(len(runs) - size + 1):
            code = normalize_code("".join(runs[i : i + size]))
            if len(code) >= 5 and any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
                out.append(code)
    return list(dict.fromkeys(out))


def _ascii_runs(text: str) -> list[str]:
    return [m.group(0) for m in _ASCII_RUN.finditer(text)]


def _maker_fits(wanted: str, maker: str) -> bool:
    return not wanted or wanted.lower() in maker.lower() or maker.lower() in wanted.lower()


def _crossref_why(ref: CrossRef, target: Product) -> str:
    relation = "successor of" if ref.relation == "successor" else "equivalent to"
    note = f"; {ref.note}" if ref.note else ""
    return (
        f"{target.manufacturer} {target.mpn} is the documented {relation} {ref.from_manufacturer} {ref.from_mpn}{note}"
    )


def _rank_key(sub: Substitute) -> tuple[int, float, bool, float, str]:
    price = unit_price(sub.product)
    return (
        KINDS.index(sub.kind),
        -sub.score,
        (sub.product.stock or 0) <= 0,
        price if price is not None else math.inf,
        sub.product.sku,
    )


_SIZE_KEYS = ("bore_diameter", "outer_diameter", "width")


def _why(kind: str, differences: Sequence[Difference]) -> str:
    """One buyer-facing line: what is the same, what is better, what differs."""
    same = {d.attribute: d for d in differences if d.verdict == "same"}
    parts: list[str] = []
    if all(key in same for key in _SIZE_KEYS):
        dims = "×".join(same[key].substitute.replace(" mm", "") for key in _SIZE_KEYS)
        parts.append(f"{dims} mm")
    parts += [f"{_label(d.attribute)} {d.substitute}" for d in same.values() if d.attribute not in _SIZE_KEYS][:3]
    line = "same " + ", ".join(parts) if parts else ""
    better = [
        f"{_label(d.attribute)} ≥" if _is_rating(d) else f"{_label(d.attribute)} better"
        for d in differences
        if d.verdict == "better"
    ]
    if better:
        line += ("; " if line else "") + ", ".join(better[:3])
    return (line or kind) + _deviation_note(differences)


def _deviation_note(differences: Sequence[Difference]) -> str:
    notes = [
        f"{_label(d.attribute)} {d.original} → {d.substitute}"
        if d.verdict == "worse"
        else f"{_label(d.attribute)} unknown"
        for d in differences
        if d.verdict in ("worse", "unknown")
    ]
    return f"; differs: {', '.join(notes[:3])}" if notes else ""


def _is_rating(d: Difference) -> bool:
    return d.attribute.endswith(("rating", "speed", "power"))


def _label(key: str) -> str:
    short = {
        "bore_diameter": "d",
        "outer_diameter": "D",
        "width": "B",
        "dynamic_load_rating": "C",
        "static_load_rating": "C0",
        "temperature_coefficient": "TCR",
        "grease_speed": "grease speed",
        "oil_speed": "oil speed",
        "seal": "seal",
        "limiting_speed": "limiting speed",
        "reference_speed": "reference speed",
    }
    return short.get(key) or display_name(key)


def _product_json(product: Product) -> dict[str, Any]:
    return {"sku": product.sku, "mpn": product.mpn, "manufacturer": product.manufacturer, "name": product.name}


__all__ = [
    "CrossRef",
    "Family",
    "Rule",
    "SubstituteResult",
    "evaluate",
    "family_of",
    "find_substitutes",
    "load_crossref",
    "load_rules",
    "result_json",
    "substitutes_for",
    "unit_price",
    "wants_in_stock",
]
