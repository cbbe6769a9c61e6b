"""Hybrid product search: exact code -> fuzzy code -> parametric filters + dense and lexical retrieval.

Every `Hit` carries the reasons it matched, in the buyer's terms ("exact MPN match", "resistance 10 kΩ").
Parameters parsed from the query are hard filters: a product that states a different value is dropped,
whatever its embedding score; a product that does not state it is kept but ranked lower.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.catalog import CatalogStore, normalize_code
from knowledge.embedder import Embedder
from knowledge.errors import UnitError
from knowledge.fasteners import (
    DEFAULT_FASTENER_STANDARD,
    NOT_STOCKED,
    fastener_standard,
    fastener_type,
    not_stocked_fastener,
    wanted_fastener_standard,
)
from knowledge.footprints import (
    CHIP_CODES,
    METRIC_TO_EIA,
    Footprint,
    category_fits,
    contradiction,
    crystal_form,
    form_of_listing,
    form_of_text,
    kind_of_text,
    parse_footprint,
    same_package,
)
from knowledge.glossary import GLOSSARY, expand_query
from knowledge.index import VectorIndex
from knowledge.lexical import LexicalIndex
from knowledge.models import Attribute, Hit, Product
from knowledge.mpn_codes import decode_mpn
from knowledge.units import (
    AT_LEAST_KEYS,
    AT_MOST_KEYS,
    PACKAGE_CODES,
    canonical_dielectric,
    extract_colours,
    extract_dielectric,
    extract_package,
    extract_quantities,
    format_quantity,
    parse_quantity,
    parse_thread,
)

FUZZY_CUTOFF = 85.0
REL_TOL = 1e-6  # values equal up to float noise ('10k' vs 10000.0000001)
STRONG_FUZZY = 90.0  # a close match of a longer span beats an exact match of its fragment
_RRF_K = 60
COVERAGE_WEIGHT = 0.2
IN_STOCK_BONUS = 0.03  # among near-equal matches, a buyer wants the one they can order today
_ASCII_RUN = re.compile(r"[A-Za-z0-9±][A-Za-z0-9\-/.#*×+_%]*")
# '10k', '4k7', '100nF', '1/4W', and a capacitance glued to its voltage ('47UF10V', '100UF6.3V')
_VALUE_SHAPE = re.compile(r"[±+-]?\d+(?:[.,/]\d+)?[A-Za-zµμ%Ω℃°]{0,4}(?:\d+(?:\.\d+)?V|\d*)")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class QueryParameters:
    """Values a buyer typed that a matching product must share."""

    quantities: tuple[tuple[str, float, str], ...] = ()
    package: str | None = None
    thread: str | None = None
    dielectric: str | None = None  # canonical: C0G (= NP0), X7R ...
    kind: str = ""  # the kind of part the words name ('电阻' -> resistor): knowledge/footprints.py
    # The form the words state beyond the package: mounting, a header's rows / pins / pitch, a crystal's size
    form: Footprint | None = None
    colours: frozenset[str] = frozenset()  # 'BLUE 0603 LED' -> {'blue'}
    fastener: str = ""  # the fastener type a thread query names: 'FHCS M3-10' -> 'Countersunk screws'
    polarized: bool = False  # the words name an electrolytic or tantalum capacitor (铝电解, 钽, tantalum)

    def __bool__(self) -> bool:
        return bool(self.quantities or self.package or self.thread or self.dielectric or self.form or self.colours)


# find_by_code's reason for an exact code found inside a longer span the buyer typed
FRAGMENT_WHY = "part of a longer code"


@dataclass
class SearchEngine:
    """Search over a catalog store; dense and lexical indexes are optional (codes and parameters still work)."""

    store: CatalogStore
    embedder: Embedder | None = None
    vectors: VectorIndex | None = None
    lexical: LexicalIndex | None = None
    # Below this cosine a dense neighbour is noise (unrelated zh/en pairs score ~0.2 with the default embedder).
    min_cosine: float = 0.3
    _codes: list[str] = field(default_factory=list, repr=False)
    _code_skus: list[str] = field(default_factory=list, repr=False)

    def search(self, text: str, k: int = 10, *, codes: bool = True) -> list[Hit]:
        """Ranked hits for free text; exact and fuzzy part-number matches come first (unless `codes` is False,
        for callers that looked the codes up themselves)."""
        scored: dict[str, tuple[float, list[str]]] = {}
        for hit in self.find_by_code(text) if codes else ():
            _merge(scored, hit.product.sku, hit.score, hit.why)
        params = parse_parameters(text)
        for sku, score, why in self._retrieve(text, params, pool=max(50, 5 * k)):
            _merge(scored, sku, score, why)
        products = {p.sku: p for p in self.store.products(list(scored))}
        hits = self._rank(text, scored, products, params)
        if not hits:  # nothing meets every stated parameter: the closest without one named parameter, said so
            expanded = expand_query(text)
            for name, fewer in relaxations(params)[:MAX_RELAXATIONS]:
                # Only the value-filtered candidates are looked up again (the meaning and word lists do not
                # depend on the values), and only parts that verify every value still asked for are shown.
                again = dict(scored)
                for rank, sku in enumerate(self._parametric_candidates(fewer, expanded, max(50, 5 * k))):
                    _merge(again, sku, 0.55 / (1 + 0.02 * rank), ["parameters match"])
                products.update({p.sku: p for p in self.store.products([s for s in again if s not in products])})
                hits = [
                    Hit(h.product, h.score, (f"{RELAXED} {name}", *h.why))
                    for h in self._rank(text, again, products, fewer, verified_only=True)
                ]
                if hits:
                    break
        hits.sort(key=lambda h: (-h.score, (h.product.stock or 0) <= 0, h.product.sku))
        return hits[:k]

    def _rank(
        self,
        text: str,
        scored: dict[str, tuple[float, list[str]]],
        products: dict[str, Product],
        params: QueryParameters,
        *,
        verified_only: bool = False,
    ) -> list[Hit]:
        """Hits that state no conflicting value; with `verified_only`, only those that state every value asked
        (a relaxed answer shows no guess)."""
        terms = query_terms(text)
        mlcc_expected = (
            params.package in PACKAGE_CODES
            and any(key == "capacitance" for key, _, _ in params.quantities)
            and not _POLARIZED_WORDS.search(text)
        )
        keys = {key for key, _, _ in params.quantities}
        implied_kind = "" if params.kind else next((k for v, k in _VALUE_KINDS if v in keys), "")
        wanted_category = _wanted_category(text, params)
        passive_crystal = (
            "frequency" in keys
            and params.kind != "oscillator"
            and not keys & {"voltage_rating", "voltage_supply"}
            and not _OSCILLATOR_WORDS.search(text)
        )
        hits: list[Hit] = []
        for sku, (score, why) in scored.items():
            product = products[sku]
            verdict = check_parameters(product, params)
            if verdict is None or (verified_only and len(verdict) < _param_count(params)):
                continue  # states a conflicting value: never shown, whatever the score
            bonus = 0.25 * len(verdict) / max(1, _param_count(params))
            better = sum(" (≥ " in r or " (≤ " in r for r in verdict)  # the exact rating first (below the ceiling)
            # A part that leaves a stated value unverified (no dielectric stated) ranks below every part that
            # verifies them all, whatever its words or embedding say.
            bonus -= 0.3 * (_param_count(params) - len(verdict))
            # Rerank: how many of the buyer's words (socket head, 不锈钢 ...) the product's own text contains.
            bonus += COVERAGE_WEIGHT * term_coverage(terms, product)
            if score < 1.0 and (product.stock or 0) > 0:
                bonus += IN_STOCK_BONUS
            # What the words mean when they do not say it, applied below the ceiling so that it orders near-ties:
            # a plain 'hex nut' is the regular ISO 4032 one (not the thin ISO 4035), '4.7uF 0603 capacitor' an
            # MLCC unless it says tantalum or electrolytic.
            usual = -0.01 * better
            if params.fastener and not fastener_standard(product).startswith(
                wanted_fastener_standard(text.lower()) or DEFAULT_FASTENER_STANDARD.get(params.fastener, "-")
            ):
                usual -= 0.2
            if mlcc_expected and not _MLCC_CATEGORY.search(product.category):
                usual -= 0.2
            if implied_kind and not category_fits(implied_kind, product.category):
                usual -= 0.2  # '100k 0402' is a resistor, even where a source files one under 'Others'
            if wanted_category and not any(w in product.category.lower() for w in wanted_category):
                usual -= 0.2  # 'pin header 1x03' is a pin header first, 'resettable fuse' no one-shot fuse
            if passive_crystal and category_fits("oscillator", product.category):
                usual -= 0.1  # '16MHz 3225' with no supply voltage: a crystal before an oscillator
            # Retrieval never reaches an exact part-number match (1.0), however many words and values agree.
            ceiling = 1.0 if score >= 1.0 else 0.99
            hits.append(Hit(product, min(ceiling, score + bonus) + usual, tuple(why + verdict)))
        return hits

    def find_by_code(self, text: str) -> list[Hit]:
        """Products whose SKU, MPN or alias equals (score 1) or closely resembles (score < 1) a code in `text`.

        Longer spans win: in "6205 2RS1" a close match of the whole span (6205-2RS) ranks above an exact
        match of a fragment of it (the open 6205).
        """
        candidates = code_candidates(text)
        exact: dict[str, tuple[int, Hit]] = {}
        for code in candidates:  # longest spans come first
            span = len(normalize_code(code))
            for product in self.store.by_code(code):
                exact.setdefault(product.sku, (span, Hit(product, 1.0, (f"exact part number match: {code}",))))
        exact_span = max((span for span, _ in exact.values()), default=0)
        longer = [c for c in candidates if len(normalize_code(c)) > exact_span]
        fuzzy = self._fuzzy(longer, cutoff=FUZZY_CUTOFF if not exact else STRONG_FUZZY)
        full = [hit for span, hit in exact.values() if span == exact_span and not fuzzy]
        fragments = [
            Hit(hit.product, 0.7, (f"{hit.why[0]} ({FRAGMENT_WHY})",))
            for span, hit in exact.values()
            if span < exact_span or fuzzy
        ]
        return full + fuzzy + fragments

    def similar_codes(self, code: str, cutoff: float = FUZZY_CUTOFF, limit: int = 5) -> list[tuple[str, float]]:
        """SKUs whose code is close to `code` (rapidfuzz ratio ≥ cutoff), comparing only codes that share its
        first two characters: ~100× faster than the full scan, and a typo there is rare."""
        norm = normalize_code(code)
        self._load_codes()
        lo = bisect.bisect_left(self._codes, norm[:2])
        hi = bisect.bisect_left(self._codes, norm[:2] + "\uffff")
        found = process.extract(norm, self._codes[lo:hi], scorer=fuzz.ratio, limit=limit * 3, score_cutoff=cutoff)
        best: dict[str, float] = {}
        for _, ratio, idx in found:
            sku = self._code_skus[lo + idx]
            best[sku] = max(best.get(sku, 0.0), ratio)
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]

    def extended_codes(self, code: str, limit: int = 5, shortest: int = 6) -> list[str]:
        """SKUs whose code starts with `code` (normalized, ≥ `shortest` characters): 'TB6612FNG' ->
        'TB6612FNG,C,8,EL'."""
        norm = normalize_code(code)
        if len(norm) < shortest:
            return []
        self._load_codes()
        lo = bisect.bisect_left(self._codes, norm)
        hi = bisect.bisect_left(self._codes, norm + "\uffff")
        return list(dict.fromkeys(self._code_skus[i] for i in range(lo, hi) if self._codes[i] != norm))[:limit]

    def _fuzzy(self, candidates: list[str], cutoff: float) -> list[Hit]:
        best: dict[str, tuple[float, str]] = {}
        for code in candidates:
            norm = normalize_code(code)
            if len(norm) < 5 or not looks_like_part_number(code):
                continue
            self._load_codes()
            for _, ratio, idx in process.extract(norm, self._codes, scorer=fuzz.ratio, limit=10, score_cutoff=cutoff):
                sku = self._code_skus[idx]
                if ratio > best.get(sku, (0.0, ""))[0]:
                    best[sku] = (ratio, code)
        products = {p.sku: p for p in self.store.products(list(best))}
        hits = [
            Hit(
                products[sku],
                round(0.6 + 0.35 * (ratio - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF), 4),
                (f"part number similar to {code} ({ratio:.0f}% alike)",),
            )
            for sku, (ratio, code) in best.items()
        ]
        hits.sort(key=lambda h: (-h.score, h.product.sku))
        return hits

    def _retrieve(self, text: str, params: QueryParameters, pool: int) -> Iterable[tuple[str, float, list[str]]]:
        expanded = expand_query(text)
        ranked_lists: list[tuple[str, list[str]]] = []
        if self.vectors is not None and self.embedder is not None:
            # The multilingual embedder pairs zh with en by itself; the glossary only helps the lexical side
            # (zh->en acc@1 0.985 raw vs 0.908 expanded, make bench).
            query_vector = self.embedder.encode([text])
            dense = [sku for sku, cosine in self.vectors.search(query_vector, pool)[0] if cosine >= self.min_cosine]
            ranked_lists.append(("semantic match", dense))
        if self.lexical is not None:
            ranked_lists.append(("words match", [sku for sku, _ in self.lexical.search(expanded, pool)]))
        if params:
            ranked_lists.append(("parameters match", self._parametric_candidates(params, expanded, pool)))
        fused: dict[str, float] = {}
        reasons: dict[str, list[str]] = {}
        for label, skus in ranked_lists:
            for rank, sku in enumerate(skus):
                fused[sku] = fused.get(sku, 0.0) + 1.0 / (_RRF_K + rank)
                reasons.setdefault(sku, []).append(label)
        if not fused:
            return []
        best = max(fused.values())
        # Retrieval alone never outranks a code match: its scores live in (0, 0.55].
        return [(sku, 0.55 * score / best, reasons[sku]) for sku, score in fused.items()]

    def _parametric_candidates(self, params: QueryParameters, text: str, pool: int) -> list[str]:
        """Products stating every parsed value, ordered by name similarity to the query then stock."""
        skus: list[str] | None = None
        # A rating is a minimum or a maximum: candidates come from the exact values (39 Ω), and the ratings
        # (≥ 1 W) are checked on them; only a query of ratings alone looks its ratings up as written.
        exact = (
            [q for q in params.quantities if q[0] not in AT_LEAST_KEYS | AT_MOST_KEYS]
            or [
                q
                for q in params.quantities
                if q[0] != "voltage_rating"  # '1206 fuse 2A 32V': the 63 V ones too
            ]
            or params.quantities
        )
        for key, value, _unit in exact:
            found = self.store.with_attribute(key, value, limit=20_000)
            for other in _STATED_AS.get(key, ()):
                found += self.store.with_attribute(other, value, limit=20_000)
            skus = found if skus is None else [s for s in skus if s in set(found)]
        if params.thread:
            found = self.store.with_attribute("thread", params.thread, limit=20_000)
            skus = found if skus is None else [s for s in skus if s in set(found)]
        if skus is None:
            return []
        products = [p for p in self.store.products(skus[:20_000]) if check_parameters(p, params)]
        if not products:
            return []
        similarity = np.array([fuzz.token_set_ratio(text, f"{p.name} {p.category}") for p in products])
        # Among parts that all fit, the one stocked in depth is what most buyers want: log-stock breaks near-ties.
        availability = np.log10(1.0 + np.array([max(0, p.stock or 0) for p in products], dtype=float))
        order = np.argsort(-(similarity + 3.0 * availability), kind="stable")
        return [products[i].sku for i in order[:pool]]

    def _load_codes(self) -> None:
        if not self._codes:
            pairs = self.store.codes()
            self._codes = [code for code, _ in pairs]
            self._code_skus = [sku for _, sku in pairs]


_MLCC_CATEGORY = re.compile(r"ceramic|MLCC", re.IGNORECASE)
_POLARIZED_WORDS = re.compile(
    r"tantalum|electrolytic|polymer|polari[sz]ed|钽|电解|固态|\bCP\b|\bTAJ|\bcase[ -]?[A-E]\b", re.IGNORECASE
)

RELAXED = "closest without"  # the first reason of a hit found with one stated parameter dropped
MAX_RELAXATIONS = 3  # each is one value-filtered lookup: a message stating twenty ratings costs no more than three


# What a value says a part is when the words do not: '100k 0402' is a resistor.
_VALUE_KINDS = (("resistance", "resistor"), ("capacitance", "capacitor"), ("inductance", "inductor"))
_OSCILLATOR_WORDS = re.compile(r"osc|有源|tcxo|vcxo|cmos|lvds|\bxo\b", re.I)
_RESETTABLE = re.compile(r"resett?able|reset fuse|polyfuse|pptc|自恢复|\bptc\b", re.I)
_IC_SOCKET = re.compile(r"IC ?座|底座|IC ?sockets?|DIP ?sockets?|芯片座", re.I)
_IDC = re.compile(r"(?<![A-Za-z])IDC(?![A-Za-z])|简易牛角|牛角", re.I)


def _wanted_category(text: str, params: QueryParameters) -> tuple[str, ...]:
    """Category words the query's kind narrows to, when a listing elsewhere in the kind also fits: a resettable fuse,
    an IDC box header, a plain pin header ('' when none)."""
    if _RESETTABLE.search(text):
        return ("resettable",)
    if _IDC.search(text):
        return ("idc", "box header")
    if _IC_SOCKET.search(text):
        return ("ic socket", "sockets for ics", "ic / transistor socket")
    kind = params.form.kind if params.form is not None and params.form.kind else params.kind
    if kind == "header":
        return ("pin header",)
    if kind == "socket":
        return ("female header",)
    return ()


def relaxations(params: QueryParameters) -> list[tuple[str, QueryParameters]]:
    """The stated parameters one at a time, dropped, least defining first (ratings and dielectric, then the
    package); never the value nor the kind that says what a part is, and nothing when fewer than two are stated."""
    if _param_count(params) + bool(params.kind) < 2:
        return []
    out: list[tuple[str, QueryParameters]] = []
    for i, (key, value, unit) in enumerate(params.quantities):
        if key not in IDENTITY_VALUES:
            fewer = params.quantities[:i] + params.quantities[i + 1 :]
            out.append((f"{key.replace('_', ' ')} {format_quantity(value, unit)}", replace(params, quantities=fewer)))
    if params.dielectric:
        out.append((f"dielectric {params.dielectric}", replace(params, dielectric=None)))
    if params.colours:
        out.append((f"colour {'/'.join(sorted(params.colours))}", replace(params, colours=frozenset())))
    if params.form is not None:
        out.append((f"form {describe_form(params.form)}", replace(params, form=None)))
    if params.package:
        out.append((f"package {params.package}", replace(params, package=None)))
    return out  # the kind, like the value, says what the part is: never relaxed (no resistor for a ferrite bead)


def parse_parameters(text: str) -> QueryParameters:
    """The values, package, thread size and dimensions a query asks for."""
    thread = None
    length = None
    for token in _ASCII_RUN.findall(text):
        spec = parse_thread(token)
        if spec is not None:
            thread, length = spec.size, spec.length_mm
            break
    form = form_of_text(text)
    quantities = tuple(q for q in stated_values(text, form) if not (thread and q[0] == "length"))
    dimensions = parse_dimensions(text, default="length" if thread else None)
    # the words' kind, else one a library land pattern names ('330 RES_SMD_0805_2012_M')
    kind = kind_of_text(text) or next((k for t in text.split() if (k := _land_kind(t)) in _LAND_KINDS), "")
    if thread or kind or (form is not None and form.kind):
        # 'B18.3.4M - 6 x 1.0 x 12 … M6*12' is diameter × pitch × length (ASME), 'TACT 3x4x2' a switch's body: a
        # bearing's d × D × B only where no other kind of part is named
        dimensions = {k: v for k, v in dimensions.items() if k not in ("bore_diameter", "outer_diameter", "width")}
    if length is not None:
        dimensions = {**dimensions, "length": float(length)}
    quantities += tuple((key, value, "mm") for key, value in dimensions.items())
    if (
        form is not None
        and form.kind in ("header", "socket", "connector")
        and form.pitch_mm
        and not any(k == "pitch" for k, _, _ in quantities)
    ):
        quantities += (("pitch", form.pitch_mm, "mm"),)  # 'pin header 1x03 pitch 2mm': the catalog states pitch
    if kind == "resistor" and not any(key == "resistance" for key, _, _ in quantities) and JUMPER_WORDS.search(text):
        quantities += (("resistance", 0.0, "Ω"),)  # '跳线 0402 Resistor': a zero-ohm link
    if kind == "resistor" and not any(key == "resistance" for key, _, _ in quantities):
        # '22 0603 Resistor': a bare number beside the word resistor is its ohms (not a package code or a count)
        bare = [t for t in _BARE_NUMBER.findall(text) if t not in PACKAGE_CODES]
        milli = _MILLI.findall(text)  # '1m 2512 Resistor': 1 mΩ (a lone m is milli beside a resistor)
        if len(bare) == 1 and not milli:
            quantities += (("resistance", float(bare[0]), "Ω"),)
        elif len(milli) == 1 and not bare:
            quantities += (("resistance", float(milli[0]) / 1000, "Ω"),)
    package, dielectric = extract_package(text), extract_dielectric(text)
    keys = {k for k, _, _ in quantities}
    passive = kind in ("resistor", "capacitor", "inductor", "fuse") or bool(keys & IDENTITY_VALUES)
    crystal_words = ("frequency" in keys and "inductance" not in keys) or _TEXT_CRYSTAL_WORDS.search(text)
    if package is None and passive and not crystal_words and not _TANTALUM.search(text):
        package = _metric_chip(text)  # '3.3uH 2012', '3216 resettable fuse': a chip size in millimetres (a crystal's
        # '3225' is its body, read below)
    if package is None and _TANTALUM.search(text) and (case := _TANTALUM_CASE.search(text)) is not None:
        package = f"CASE-{(case.group(1) or case.group(2)).upper()}"  # 'Tantalum B case 68uF/10V'
    quantities = tuple(_ppm_as_tempco(list(quantities), text))
    coded = next((d for t in _ASCII_RUN.findall(text) if (d := decode_mpn(t)) is not None), None)
    if coded is not None:  # 'CC0402KRX7R7BB183 18nF': the code also says ±10 %, 16 V, X7R (knowledge/mpn_codes.py)
        stated = {key for key, _, _ in quantities}
        quantities += tuple(q for q in coded.values if q[0] not in stated)
        package, dielectric = package or coded.package, dielectric or coded.dielectric or None
        kind = kind or coded.kind
    keys = {k for k, _, _ in quantities}
    if not kind and {"frequency", "frequency_tolerance"} <= keys:
        kind = "crystal"  # '8MHz ±20ppm 20pF': a frequency with its tolerance in ppm is a crystal's
    if kind == "thermistor":  # 'NTC 10K 3950K': the second is its B constant; only the first is a resistance
        resistances = [q for q in quantities if q[0] == "resistance"]
        quantities = tuple(q for q in quantities if q[0] != "resistance" or q is resistances[0])
    if kind == "inductor" and "inductance" not in keys:
        # '4u7 ... inductor': an RKM value beside the word inductor is microhenries, not microfarads
        quantities = tuple(("inductance", v, "H") if k == "capacitance" else (k, v, u) for k, v, u in quantities)
    if kind == "inductor" or "inductance" in keys:  # '2.2nH ±2% 5mΩ': an inductor's milliohms are its DC resistance
        quantities = tuple(
            ("dc_resistance", v, u) if k == "resistance" and v < 1 else (k, v, u) for k, v, u in quantities
        )
    land = next((fp for t in text.split() if (fp := _named_form(t)) is not None and fp.kind == "crystal"), None)
    if land is not None and kind in ("", "crystal"):
        kind = "crystal"  # 'JF4024M00009T8188070 24M SMD3225-4P': the land pattern names it, and its size
        form = land if form is None or not form.body_mm else form
    if kind == "crystal":  # '20pF' on a crystal is its load capacitance, a bare '24M' its frequency (no megohms)
        said_hz = "frequency" in keys
        quantities = tuple(
            ("load_capacitance", v, u)
            if k == "capacitance"
            else ("frequency", v, "Hz")
            if k == "resistance" and not said_hz
            else (k, v, u)
            for k, v, u in quantities
            if not (k == "resistance" and said_hz)
        )
        if form is None and (body := crystal_form(text)).body_mm:
            form = body  # '12MHz,30ppm,20pf 3225': the size code is the crystal's body
    if (kind == "inductor" and _BEAD.search(text)) or _AT_FREQUENCY.search(text):
        # a ferrite bead's '600R' / '600Ω@100MHz' is its impedance at 100 MHz, never a resistance (nor 100 MHz a
        # frequency of the part)
        quantities = tuple(
            ("impedance_frequency", v, u) if k == "resistance" else (k, v, u)
            for k, v, u in quantities
            if not (k == "frequency" and _AT_FREQUENCY.search(text))
        )
    colours = frozenset(extract_colours(text)) if kind in ("led", "") else frozenset()
    fastener = ""
    if thread is not None:  # 'FHCS M3-10', '沉头内六角M5*10', 'M3六角螺帽': knowledge/fasteners.py
        english = re.sub(r"[-_]+", " ", f"{expand_query(text)} {text}".lower())
        # a nylon lock nut or a spring washer is no plain nut or flat washer: a type the catalog does not stock
        fastener = NOT_STOCKED if not_stocked_fastener(english) else (fastener_type(english) or "")
    polarized = bool(_POLARIZED_WORDS.search(text))
    return QueryParameters(quantities, package, thread, dielectric, kind, form, colours, fastener, polarized)


_BEAD = re.compile(r"ferrite|\bbeads?\b|磁珠", re.I)
_LAND_KINDS = ("resistor", "capacitor", "inductor", "crystal", "led")
_TEXT_CRYSTAL_WORDS = re.compile(r"晶振|晶体|crystal|xtal|\d\s*ppm", re.I)
JUMPER_WORDS = re.compile(r"跳线|零欧|\bjumper\b|zero[ -]?ohm", re.I)  # a zero-ohm link (also BOM lines)
_TANTALUM = re.compile(r"tantal|钽", re.I)
_TANTALUM_CASE = re.compile(r"(?<![A-Za-z])(?:([A-EPRSTUVWXY])[ -]?case|case[ -]?([A-EPRSTUVWXY]))(?![A-Za-z])", re.I)
_METRIC_ONLY = frozenset(METRIC_TO_EIA) - CHIP_CODES
_SIZE_TOKEN = re.compile(r"(?<![\w.(])(\d{4})(?:-[A-Z])?(?![\w.)])(?!\s*(?:个|只|pcs|pieces|pc\b))", re.I)


def _metric_chip(text: str) -> str | None:
    """The inch code of a chip size written in millimetres ('2012' -> '0805', '2520-L' -> '1008'); codes that are
    also inch codes ('0603', '0402') are left to `extract_package`, which reads them as inches."""
    for m in _SIZE_TOKEN.finditer(text):
        if m.group(1) in _METRIC_ONLY:
            return METRIC_TO_EIA[m.group(1)]
    return None


_AT_FREQUENCY = re.compile(r"(?:Ω|ohms?|R)\s*@\s*\d+(?:\.\d+)?\s*MHz", re.I)
_PPM = re.compile(r"\d\s*ppm", re.I)  # a frequency tolerance: a crystal's or an oscillator's


_UNREAD = Footprint("")  # stated_values' default: read the form from the text (None is a form already read: none)


def stated_values(text: str, form: Footprint | None = _UNREAD) -> list[tuple[str, float, str]]:
    """The values a text states (knowledge/units.py `extract_quantities`) without its pin counts: 'SMD3225-4P' and
    'HDR-M_2.54_1x4P' are footprints whose '4P' counts pins, never 4 pF; so does '40P' beside 排针 / header and '4P'
    beside a crystal. `form` is `form_of_text(text)` when the caller has it (None included)."""
    values_text = " ".join(t for t in text.split() if not _footprint_token(t))
    form = form_of_text(text) if form is _UNREAD else form
    if form is not None and form.kind in ("header", "socket", "connector", "switch"):
        values_text = _PIN_COUNT.sub(" ", values_text)  # 'TACT 2P': two pins
    elif (form is not None and form.kind == "crystal") or _PPM.search(text):
        values_text = _CRYSTAL_PINS.sub(" ", values_text)  # '20pF/5032_2P' beside '±20ppm': 2 pins, not 2 pF
    return _ppm_as_tempco(extract_quantities(values_text), text)


_CRYSTAL_SAID = re.compile(r"晶振|晶体|谐振|crystal|xtal|resonator|oscillat", re.I)


def _ppm_as_tempco(quantities: list[tuple[str, float, str]], text: str) -> list[tuple[str, float, str]]:
    """'20K ohm 0.1% 25 ppm': a resistor's (or capacitor's) ppm is its temperature coefficient, a crystal's
    ('8MHz ±20ppm', '12M 20pF ±10ppm': a bare 12M reads as ohms beside its load capacitance) its frequency
    tolerance: only a resistance or a capacitance alone, with no frequency and no crystal word, is renamed."""
    keys = {k for k, _, _ in quantities}
    if len({"resistance", "capacitance"} & keys) != 1 or "frequency" in keys or _CRYSTAL_SAID.search(text):
        return quantities
    return [("temperature_coefficient", v, u) if k == "frequency_tolerance" else (k, v, u) for k, v, u in quantities]


_PIN_COUNT = re.compile(r"(?<![\d.])\d{1,3}\s?P(?![A-Za-z0-9])")
_CRYSTAL_PINS = re.compile(r"(?<![\d.])[24]\s?P(?![A-Za-z0-9])")


def _land_kind(token: str) -> str:
    """The kind of part a library land pattern in free text names ('RES_SMD_0805_2012_M' -> 'resistor')."""
    if not re.search(r"[A-Za-z]{2}", token) or not re.search(r"\d", token) or not re.search(r"[-_]", token):
        return ""
    fp = parse_footprint(token)
    return fp.kind if fp is not None else ""


def _named_form(token: str) -> Footprint | None:
    """The form a footprint name inside free text names ('SMD3225-4P': a 4-pin 3.2 x 2.5 mm crystal)."""
    return parse_footprint(token) if _footprint_token(token) else None


def _footprint_token(token: str) -> bool:
    """A footprint name inside free text that counts pins ('SMD3225-4P', 'HDR-M_2.54_1x4P'): no values in it."""
    if not re.search(r"[A-Za-z]", token) or not re.search(r"\d", token) or not re.search(r"[-_]", token):
        return False
    fp = parse_footprint(token)
    return fp is not None and (fp.pins is not None or fp.kind in ("header", "socket", "connector", "switch", "crystal"))


def describe_form(form: Footprint) -> str:
    """A stated form in words: 'through-hole 1x03 pitch 2 mm', 'SMD 3.2×2.5 mm'."""
    words = [{"SMD": "SMD", "THT": "through-hole"}.get(form.mounting, "")]
    if form.rows and form.pins:
        words.append(f"{form.rows}x{form.pins // form.rows:02d}")
    elif form.pins:
        words.append(f"{form.pins} pins")
    if form.pitch_mm:
        words.append(f"pitch {form.pitch_mm:g} mm")
    if form.body_mm:
        words.append("×".join(f"{b:g}" for b in form.body_mm) + " mm")
    return " ".join(w for w in words if w)


_MILLI = re.compile(r"(?<![\w.,/-])(\d+(?:\.\d+)?)m(?![\w.,/%-])")
_BARE_NUMBER = re.compile(r"(?<![\w.,/-])(\d+(?:\.\d+)?)(?![\w.,/%-])")


def parse_dimensions(text: str, default: str | None = None) -> dict[str, float]:
    """Millimetre dimensions in a query: '25x52x15' (d × D × B), 'bore 25mm', '内径25', 'M4 ... 12mm' (length)."""
    boxed = _BOX.search(text)
    if boxed and not _THREAD_START.search(text[: boxed.start() + 1]):
        d, big_d, b = (float(g) for g in boxed.groups())
        return {"bore_diameter": d, "outer_diameter": big_d, "width": b}
    found: dict[str, float] = {}
    for match in _MM_VALUE.finditer(text):
        if _THREAD_START.search(text[max(0, match.start() - 2) : match.start() + 1]):
            continue  # the 3 of M3 is a thread, not a dimension
        has_unit = bool(match.group(2))
        # '内径25' / 'bore 25mm' / '25mm bore'; a bare number before the word is a code ('6205 外径'), not a size.
        key = _nearest_dimension_word(text, match.start(), match.end(), after=has_unit)
        if key is None and has_unit and default:
            key = default
        if key is not None and key not in found:
            found[key] = float(match.group(1))
    return found


def _nearest_dimension_word(text: str, start: int, end: int, *, after: bool) -> str | None:
    """The dimension named right before the number (or right after it, when `after`)."""
    best: tuple[int, str] | None = None
    lowered = text.lower()
    for key, words in _DIMENSION_WORDS.items():
        for word in words:
            for hit in re.finditer(re.escape(word), lowered):
                if hit.end() <= start:
                    gap = start - hit.end()
                elif after:
                    gap = hit.start() - end
                else:
                    continue
                if 0 <= gap <= 8 and (best is None or gap < best[0]):
                    best = (gap, key)
    return best[1] if best else None


# Numbers standing alone (Chinese characters may touch them: 内径25), never inside a code like 6205-2RS.
_BOX = re.compile(
    r"(?<![A-Za-z0-9.\-/])(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)\s*[x×*]\s*(\d+(?:\.\d+)?)(?![A-Za-z0-9.\-/])"
)
_MM_VALUE = re.compile(r"(?<![A-Za-z0-9.\-/])(\d+(?:\.\d+)?)\s*(mm|毫米)?(?![A-Za-z0-9.\-/%])")
_THREAD_START = re.compile(r"[Mm]\d*\.?$|[Mm]\d")
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{2,}")
_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "need",
        "want",
        "what",
        "which",
        "find",
        "show",
        "any",
        "are",
        "is",
        "of",
        "a",
        "an",
        "in",
        "on",
        "to",
        "me",
        "i",
        "you",
        "have",
        "got",
        "do",
        "does",
    ]
)
_DIMENSION_WORDS: dict[str, tuple[str, ...]] = {
    "bore_diameter": ("内径", "孔径", "bore", "inner diameter", "inside diameter"),
    "outer_diameter": ("外径", "outer diameter", "outside diameter"),
    "width": ("宽度", "厚度", "width", "thickness"),
    "length": ("长度", "长", "length", "long"),
}


def query_terms(text: str) -> list[str]:
    """Content words of a query, with the English of its Chinese trade terms: what a matching product should say."""
    english = [w.lower() for w in _WORD.findall(expand_query(text)) if w.lower() not in _STOPWORDS]
    chinese = [zh for zh in GLOSSARY if zh in text]
    return list(dict.fromkeys(english + chinese))


def term_coverage(terms: list[str], product: Product) -> float:
    """Share of `terms` found in the product's name, category, description and text attributes."""
    if not terms:
        return 0.0
    stated = " ".join(a.raw for a in product.attributes if a.value is None)  # seal, material, dielectric ...
    own = f"{product.name} {product.category} {product.description} {stated}".lower()
    return sum(term in own for term in terms) / len(terms)


# Values that say what a part is: a product must state them to be shown (a resistor states no capacitance, and
# "100 µF 0603" must not list it); ratings a product leaves unstated only rank it lower.
IDENTITY_VALUES = frozenset({"resistance", "capacitance", "inductance"})


def check_parameters(product: Product, params: QueryParameters) -> list[str] | None:
    """Reasons for each parameter the product matches; None when it states a conflicting value (or lacks a value
    that says what it is, or has a package or mounting the asked one rules out: knowledge/footprints.py)."""
    reasons: list[str] = []
    if params.kind and not category_fits(params.kind, product.category):
        return None  # "10欧 贴片电阻" never lists a capacitor or a TVS diode
    for key, value, unit in params.quantities:
        attr = _stated(product, key)
        if attr is None or attr.value is None:
            if key in IDENTITY_VALUES:
                return None
            continue
        name = key.replace("_", " ")
        if math.isclose(attr.value, value, rel_tol=REL_TOL):
            reasons.append(f"{name} {format_quantity(value, unit)}")
        elif better_rated(key, attr.value, value, product.category):  # 2 W for '1W', ±1 % for '5%': after the exact
            reasons.append(f"{name} {attr.raw} ({'≥' if key in AT_LEAST_KEYS else '≤'} {format_quantity(value, unit)})")
        else:
            return None
    if params.package:
        verdict = _package_verdict(product, params.package)
        if verdict is None:
            return None
        reasons += verdict
    if params.dielectric:
        attr = product.attribute("dielectric")
        if attr is not None and attr.raw.strip():
            if canonical_dielectric(attr.raw) != params.dielectric:
                return None
            reasons.append(f"dielectric {params.dielectric}")
        elif "ceramic" not in product.category.lower():
            return None  # a dielectric code names a ceramic capacitor: no electrolytic can, whatever it states
    if params.thread:
        attr = product.attribute("thread")
        if attr is not None:
            if normalize_code(attr.raw) != normalize_code(params.thread):
                return None
            reasons.append(f"thread {params.thread}")
    if params.fastener:
        if not product.category.lower().endswith(params.fastener.lower()):
            return None  # a countersunk screw is asked: no hex bolt, whatever its thread and length
        reasons.append(params.fastener.lower())
    if params.form is not None:
        offered = listing_form(product)
        if contradiction(params.form, offered):
            return None  # a 2x5 header for '12POS SNGL', an SMD part for '直插', a 5032 crystal for '3225'
        if offered is not None and form_confirmed(params.form, offered):
            reasons.append(describe_form(params.form))
    if params.colours:
        offered_colours = stated_colours(product)
        if offered_colours and not offered_colours & params.colours:
            return None  # a red LED for 'BLUE 0603 LED'
        if offered_colours:
            reasons.append("colour " + "/".join(sorted(params.colours & offered_colours)))
    return reasons


_STATED_AS = {"current_rating": ("hold_current",)}  # the names `_stated` reads a fact under, besides its own


def _stated(product: Product, key: str) -> Attribute | None:
    """The product's fact for `key`; a resettable fuse's rated current is its hold current (sources list the fault
    current it survives, 40 A, as 'current rating')."""
    if key == "current_rating" and "resettable" in product.category.lower():
        return product.attribute("hold_current") or product.attribute(key)
    return product.attribute(key)


def better_rated(key: str, stated: float, asked: float, category: str) -> bool:
    """Whether a listing's rating serves more than the buyer asked: above a minimum (a resistor's power, a
    capacitor's voltage, an inductor's current), below a maximum (tolerance, drift); never for values that say
    what a part is, and never for parts whose rating is what they are (a 2 A fuse, a 5.1 V zener, a 5 V fan)."""
    if key in AT_LEAST_KEYS:
        low = category.lower()
        fuse = re.search(r"\bfuses?\b", low) is not None and re.search(r"tvs|esd|diode", low) is None
        passive = _RATED_PASSIVE.search(low) is not None and not fuse
        serves = passive or (fuse and key == "voltage_rating")  # a 63 V fuse serves 32 V; no 3 A one serves 2 A
        return serves and abs(stated) >= abs(asked) * (1 - REL_TOL)
    if key in AT_MOST_KEYS:
        return abs(stated) <= abs(asked) * (1 + REL_TOL)
    return False


# Parts a higher voltage / power / current rating serves as well (not fuses, varistors, thermistors: their rating
# is what they are).
_RATED_PASSIVE = re.compile(r"resistor|capacitor|inductor|ferrite|bead|choke")


def listing_form(product: Product) -> Footprint | None:
    """What a listing states about its form: knowledge/footprints.py `form_of_listing` over its package, category
    and attributes."""
    stated = {a.name: (a.raw, a.value) for a in product.attributes}
    return form_of_listing(product.package, product.category, stated)


def form_confirmed(wanted: Footprint, offered: Footprint) -> bool:
    """Whether the listing states every part of the form asked for, and states it the same."""
    pairs: list[tuple[object, object]] = [
        (wanted.mounting or None, offered.mounting or None),
        (wanted.rows, offered.rows),
        (wanted.pins, offered.pins),
        (
            None if wanted.pitch_mm is None else round(wanted.pitch_mm, 2),
            None if offered.pitch_mm is None else round(offered.pitch_mm, 2),
        ),
        (tuple(sorted(wanted.body_mm)) or None, tuple(sorted(offered.body_mm)) or None),
    ]
    asked = [(a, b) for a, b in pairs if a is not None]
    return bool(asked) and all(a == b for a, b in asked)


_COLOUR_KEYS = ("illumination_color", "emitted_color", "emitting_color", "color")


def stated_colours(product: Product) -> set[str]:
    """The colours a listing states for itself: its colour attributes, else its name and description (never a
    lens colour: a white LED in a 'Yellow Lens' is white)."""
    said = " ".join(a.raw for a in product.attributes if a.name in _COLOUR_KEYS)
    return extract_colours(said or f"{product.name} {product.description}")


def _package_verdict(product: Product, package: str) -> list[str] | None:
    """['package 0603'] when the product's package is the asked one, [] when it cannot tell (unstated, or a bare
    'SMD'), None when it rules the asked one out ('插件' for 0603, SOT-23 for TO-92, 0603x4 for 0603)."""
    own = (product.package or "").strip()
    if not own or own == "-":
        return []
    offered = parse_footprint(own)
    wanted = parse_footprint(package)
    if offered is None or wanted is None:  # a name the grammar does not know: the catalog's own spelling decides
        return [f"package {package}"] if normalize_code(own).startswith(normalize_code(package)) else None
    if contradiction(wanted, offered):
        return None
    if offered.package and wanted.package and same_package(offered.package, wanted.package):
        return [f"package {package}"]
    if offered.package and wanted.package:  # both named, neither contradicts (a generic name): not verified
        return [] if not normalize_code(own).startswith(normalize_code(package)) else [f"package {package}"]
    return []


def code_candidates(text: str) -> list[str]:
    """Tokens that may be part numbers, plus adjacent pairs/triples joined ('6205 2RS'); values are skipped."""
    runs = [m.group(0).rstrip(".-/") for m in _ASCII_RUN.finditer(_CJK.sub(" ", text))]
    # A standard designation keeps its size: 'ISO 4762 M6×12 A4' is one catalog code, 'M6×12' alone a value.
    standard = any(r.upper() in _STANDARD_PREFIXES for r in runs)
    runs = [r for r in runs if r and (standard or not _is_plain_value(r))]
    out: list[str] = []
    for size in (4, 3, 2, 1):
        for i in range(len(runs) - size + 1):
            window = runs[i : i + size]
            joined = " ".join(window)
            # Tokens joined to a code carry digits or are upper-case suffixes ('2RS', 'NU 205 ECP'), not words.
            if size > 1 and not all(any(c.isdigit() for c in t) or (t.isupper() and len(t) <= 6) for t in window):
                continue
            if size == 1 and standard and _is_plain_value(joined):
                continue
            if any(ch.isdigit() for ch in joined) and len(normalize_code(joined)) >= 3:
                out.append(joined)
    return list(dict.fromkeys(out))


_STANDARD_PREFIXES = frozenset({"ISO", "DIN", "GB", "GB/T", "EN", "JIS", "ANSI", "ASME"})


def _is_plain_value(token: str) -> bool:
    """'10k', '100nF', '0603', '1%', 'M3x20' are search parameters, not part numbers."""
    if extract_package(token) == token or parse_thread(token) is not None:
        return True
    if _VALUE_SHAPE.fullmatch(token) and extract_quantities(token):
        return True
    try:
        parse_quantity(token)
    except UnitError:
        return False
    return True


def names_part_or_values(text: str) -> bool:
    """Whether a message names a part number or states a value, a package or a thread: what the bot cannot find
    for it is unmet demand worth a record; 'asdkjh qwe zzz' is not."""
    return any(looks_like_part_number(t) for t in _ASCII_RUN.findall(text)) or bool(parse_parameters(text))


def looks_like_part_number(code: str) -> bool:
    norm = normalize_code(code)
    has_alpha = any(c.isalpha() for c in norm)
    return (has_alpha and any(c.isdigit() for c in norm)) or (norm.isdigit() and len(norm) >= 4)


def _merge(scored: dict[str, tuple[float, list[str]]], sku: str, score: float, why: Sequence[str]) -> None:
    old_score, old_why = scored.get(sku, (0.0, []))
    scored[sku] = (max(old_score, score), old_why + [w for w in why if w not in old_why])


def meets_every_stated(product: Product, params: QueryParameters) -> bool:
    """Whether a product verifies every value the words state, and they state one that says what a part is (a
    capacitance, a resistance): a fit, whatever words its listing uses."""
    verdict = check_parameters(product, params)
    identity = any(key in IDENTITY_VALUES for key, _, _ in params.quantities)
    if params.polarized and _MLCC_CATEGORY.search(product.category):
        return False  # '100uF 铝电解', '贴片钽电容': no MLCC, whatever values it shares
    return identity and verdict is not None and len(verdict) >= _param_count(params)


def _param_count(params: QueryParameters) -> int:
    return (
        len(params.quantities)
        + bool(params.package)
        + bool(params.thread)
        + bool(params.dielectric)
        + (params.form is not None)
        + bool(params.colours)
        + bool(params.fastener)
    )
