"""Match each BOM line to a catalog product: codes first, then parameters, then search, never a silent guess.

Order, per line (the first step that decides wins):
1. Exact codes: the supplier code (LCSC C-number), the MPN (the manufacturer column breaks ties), the buyer's
   approved alternates (替代料1–3) and a part number written in the value column. A supplier code and an
   MPN that name different parts, or an MPN whose package contradicts the footprint (a 1206 part on a 0603
   pad), is a decision for the buyer (`ambiguous`), not a match.
2. The MPN without packaging suffixes (-TR, /NOPB, ,115, #PBF, -REEL7 ...): the same part on another reel,
   `exact` with a note and lower confidence. A merely similar MPN (a typo or a different grade) is only ever
   a candidate.
3. Parameters: value + package (+ tolerance, voltage, dielectric ...) for chip resistors, MLCCs and
   crystals, checked with the substitution rule table (knowledge/data/substitution_rules.yml), so the same
   hard rules hold: the package must be stated and agree; value alone never matches. Screws, nuts and
   washers by thread, length, type (words or standard) and material. Result `parametric`.
4. Hybrid search over the line's text as a last resort: candidates to pick from (`ambiguous`) when the
   best one shares the line's words or parameters, otherwise `not_found` with the closest items.

Confidence: 1.0 supplier code and MPN agree; 0.97 one exact code; 0.9 suffix-normalized MPN or a code in the
value column; 0.7–0.9 parametric (more stated facts, more confidence); ≤ 0.5 ambiguous; 0 not found.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from knowledge.bom import DISTRIBUTOR
from knowledge.catalog import CatalogStore, normalize_code
from knowledge.fasteners import (
    DEFAULT_FASTENER_STANDARD,
    fastener_standard,
    fastener_type,
    not_stocked_fastener,
    wanted_fastener_standard,
)
from knowledge.footprints import (
    CHIP_CODES,
    Footprint,
    angled,
    canonical,
    category_fits,
    contradiction,
    crystal_form,
    crystal_package,
    family_of,
    form_of_text,
    kind_of_text,
    parse_footprint,
    same_package,
    specific,
)
from knowledge.glossary import expand_query
from knowledge.models import Attribute, BomLine, Hit, Product, Substitute
from knowledge.mpn_codes import TOLERANCE_LETTERS, DecodedPart, decode_mpn
from knowledge.search import (
    IDENTITY_VALUES,
    JUMPER_WORDS,
    SearchEngine,
    better_rated,
    code_candidates,
    describe_form,
    listing_form,
    looks_like_part_number,
    meets_every_stated,
    parse_parameters,
    query_terms,
    stated_colours,
    stated_values,
    term_coverage,
)
from knowledge.substitutes import Family, evaluate, load_rules, unit_price
from knowledge.units import (
    AT_LEAST_KEYS,
    AT_MOST_KEYS,
    DIELECTRIC_RE,
    canonical_dielectric,
    eia_code,
    extract_colours,
    extract_package,
    extract_quantities,
    extract_usb_kinds,
    format_quantity,
    parse_thread,
)

STATUSES = ("exact", "parametric", "ambiguous", "not_found")
MAX_CANDIDATES = 5
FUZZY_MPN = 90.0  # rapidfuzz ratio above which a different MPN is shown as a candidate
_POOL_LIMIT = 20_000


@dataclass(frozen=True)
class LineMatch:
    """How one BOM line matched: status, confidence in [0, 1], the product (None unless exact/parametric),
    up to five candidates to choose from, how it was found (`via`) and a note the buyer reads."""

    line: BomLine
    status: str
    confidence: float
    product: Product | None = None
    candidates: tuple[Hit, ...] = ()
    via: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown match status {self.status!r}")
        if (self.product is None) != (self.status in ("ambiguous", "not_found")):
            raise ValueError(f"status {self.status} and product {self.product} disagree")


@dataclass
class BomMatcher:
    """Matches BOM lines against a search engine's catalog; results are memoized per distinct line text."""

    engine: SearchEngine
    _memo: dict[tuple[str, ...], LineMatch] = field(default_factory=dict, repr=False)
    _makers: tuple[str, ...] | None = field(default=None, repr=False)

    def prepare(self) -> None:
        """Build the lookup tables once (packaging-suffix index, code list: ~3 s on 146k products), so the
        first buyer does not wait for them."""
        _base_code_index(self.engine)
        self.engine.similar_codes("WARMUP")

    def match_all(self, lines: Iterable[BomLine]) -> list[LineMatch]:
        """One LineMatch per line, in order."""
        return [self.match(line) for line in lines]

    def match(self, line: BomLine) -> LineMatch:
        """Match one line (see the module docstring for the order and the confidence scale)."""
        key: tuple[str, ...] = (line.supplier_code, line.mpn, line.manufacturer, line.value, line.package)
        key += (line.description, _designator_prefix(line))
        key += line.alternates + tuple(v for k, v in line.raw.items() if _REMARK_HEADERS.search(k))
        cached = self._memo.get(key)
        if cached is None:
            cached = self._memo[key] = self._match(line)
        return replace(cached, line=line)

    # -------------------------------------------------------------------------------------------------

    def _match(self, line: BomLine) -> LineMatch:
        line = self._distributor_number(self._maker_and_number(_code_in_value(line)))
        either = _either_numbers(line.mpn) or (() if line.mpn.strip() else _either_numbers(line.value))
        if either and not self.engine.store.by_code(line.mpn or line.value):
            # 'STM32F030F6/STM32F042F6': the designer takes either; the first the catalog serves, said so
            # 'STM32F030F6/STM32F042F6', but also 'AO3400A/AO3401A' (N- and P-channel) or 'AMS1117-3.3/AMS1117-5.0'
            # (a build variant): the buyer says which; the parts each number names are offered, never one chosen
            offered: list[Product] = []
            for number in either:
                got = self._match(replace(line, mpn=number))
                if got.status in ("exact", "parametric") and got.product is not None:
                    offered.append(got.product)
                elif got.status == "ambiguous":  # its listings, not look-alikes of its letters
                    offered += [
                        h.product
                        for h in got.candidates
                        if normalize_code(h.product.mpn).startswith(normalize_code(number))
                    ]
            if offered:
                note = f"the line names {' or '.join(either)}: which one?"
                return _ambiguous(line, list(dict.fromkeys(offered)), note, via="either number")
        if _board_feature(line):
            return LineMatch(
                line, "not_found", 0.0, note="a board feature (hole / test point / fiducial): nothing to buy"
            )
        if not _is_code(line.mpn) and len(values := _values_to_choose(line)) > 1:
            shown = " or ".join(format_quantity(v, u) for v, u in values)
            fp = parse_footprint(line.package)
            size = fp.package if fp is not None else ""
            kind = {"Ω": "resistor", "F": "capacitor", "H": "inductor"}.get(values[0][1], "")
            options = [h for v, u in values for h in self.engine.search(f"{format_quantity(v, u)} {size} {kind}", k=2)]
            note = f"{shown}? The line gives {len(values)} values"
            return LineMatch(line, "ambiguous", 0.3, None, tuple(options[:MAX_CANDIDATES]), "values", note)
        found = self._by_codes(line)
        if (found is None or found.via == "similar MPN") and (decoded := _unknown_code_read(line)) is not None:
            by_code = self._by_what_the_code_says(line, decoded, found)
            if by_code is not None:
                return by_code
        if found is not None and found.via == "similar MPN" and (suffixed := self._one_suffixed(line)) is not None:
            # the maker's number with a suffix that may name a variant (a brightness bin, a lead length): the
            # buyer's question, never a part of the same value from another series
            note = f"{line.mpn} by {line.manufacturer} is listed only as {suffixed.mpn}: is that the part?"
            return _ambiguous(line, [suffixed, *(h.product for h in found.candidates)], note, via="MPN + suffix")
        if found is not None and found.via == "similar MPN":
            # The MPN is not in the catalog, only look-alikes: the values and footprint the line states decide
            # first (04023A100JAT2A '10pF, 5%' on CAP0402); the look-alikes stay candidates.
            by_values = self._by_parameters(line)
            if by_values is not None and by_values.status == "parametric":
                return replace(by_values, candidates=_with_look_alikes(by_values, found.candidates))
        if found is not None:
            return found
        found = self._by_parameters(line)
        if found is not None:
            return found
        return self._by_search(line)

    def _one_suffixed(self, line: BomLine) -> Product | None:
        """The one listing whose MPN is the BOM's, from the maker it names, plus a suffix after a separator
        ('LS Q976-NR-1' by OSRAM listed as 'LS Q976-NR-1-0-20-R18', Everlight's '204-10UYD/S530-A3' as '…-A3-L');
        None when the line names no maker, the catalog has two such listings (LM1117 -3.3 / -5.0 / -ADJ) or the
        words rule it out."""
        if not _is_code(line.mpn) or len(normalize_code(line.mpn)) < 8 or not _names_maker(line.manufacturer):
            return None
        longer = self.engine.store.products(self.engine.extended_codes(line.mpn, limit=20))
        suffixed = [p for p in longer if _tail(p.mpn, line.mpn)[:1] in ("-", "/", "(", " ")]
        if len(suffixed) != 1 or len(longer) != 1:
            return None
        (product,) = suffixed
        if not _maker_fits(line.manufacturer, product.manufacturer) or _COPY_HOUSES.search(product.manufacturer):
            return None
        return None if _text_conflict(line, product) or _rating_conflict(line, product) else product

    def _distributor_number(self, line: BomLine) -> BomLine:
        """A Mouser number in the MPN column ('80-C0805X104K5R3316', '660-RN73R2ATD1004D25': Mouser's maker prefix
        and the maker's number): the maker's number, when the whole is no catalog code and the rest reads as one."""
        code = line.supplier_code.strip()
        if not line.mpn.strip() and code.upper().endswith("-ND") and not self.engine.store.by_code(code):
            # a Digi-Key number alone ('RNCP0603FTD1K00CT-ND'): the maker's number and a packaging suffix; the
            # number stands for the MPN when the catalog lists it or its maker's numbering reads it (an opaque
            # '1276-1066-1-ND' is neither)
            stems = [code[:-3]] + [code[: -3 - len(s)] for s in ("CT", "TR", "DKR") if code[:-3].upper().endswith(s)]
            stems = [s for s in stems if len(s) >= 5 and looks_like_part_number(s)]
            number = next((s for s in stems if self.engine.store.by_code(s)), None)
            number = number or next((s for s in stems if decode_mpn(s) is not None), None)
            return replace(line, mpn=number) if number else line
        if not line.mpn.strip() and (m := _MOUSER_NUMBER.fullmatch(code)) and not self.engine.store.by_code(code):
            # a Mouser number alone ('595-SN74LV1T34DBVR' under 'Part # Mouser'): the maker's number after the prefix
            return replace(line, mpn=m.group(1)) if looks_like_part_number(m.group(1)) else line
        m = _MOUSER_NUMBER.fullmatch(line.mpn.strip())
        if m is None or self.engine.store.by_code(line.mpn) or not looks_like_part_number(m.group(1)):
            return line
        return replace(line, mpn=m.group(1), supplier_code=line.supplier_code or line.mpn.strip())

    def _known_maker(self, name: str) -> bool:
        """Whether some catalog listing's maker is the maker `name` names (a brand, an alias, a close spelling)."""
        if self._makers is None:
            self._makers = tuple(self.engine.store.manufacturers())
        return any(_maker_fits(name, maker) for maker in self._makers)

    def _maker_and_number(self, line: BomLine) -> BomLine:
        """A cell that holds a maker and its number ('Murata GRM188R71H104KA93D' under 'Manufacturer / Part #'): the
        number as the MPN and the maker as the manufacturer, when the catalog lists the number from that maker."""
        words = line.mpn.split()
        if len(words) < 2 or len(words) > 5 or _is_code(line.mpn):
            return line
        for i, word in enumerate(words):
            maker = " ".join(words[:i] + words[i + 1 :])
            if len(normalize_code(word)) < 6 or not _is_code(word) or not maker:
                continue
            listed = self.engine.store.by_code(word)
            if listed and any(_maker_fits(maker, p.manufacturer) for p in listed):
                return replace(line, mpn=word, manufacturer=line.manufacturer or maker)
        return line

    def _other_packages(self, code: str, listed: list[Product]) -> list[Product]:
        """Listings of the same number with a packaging suffix ('S9014-TA', 'S9014/J6') in a package none of
        `listed` has: the number alone does not say which."""
        packages = {canonical(p.package) for p in listed}
        base = normalize_code(code)
        out: dict[str, Product] = {}
        for product in self.engine.store.products(self.engine.extended_codes(code, limit=20, shortest=4)):
            mpn = product.mpn.upper()
            suffixed = mpn.startswith(code.upper()) and mpn[len(code) : len(code) + 1] in ("-", "/", "(")
            own = canonical(product.package)
            named = (fp := parse_footprint(product.package)) is not None and bool(fp.package)  # not '-' nor a module
            if suffixed and normalize_code(product.mpn).startswith(base) and named and own not in packages:
                out.setdefault(own, product)
        return list(out.values())

    def _by_what_the_code_says(self, line: BomLine, decoded: DecodedPart, found: LineMatch | None) -> LineMatch | None:
        """A passive's MPN the catalog does not list, read by its maker's numbering (knowledge/mpn_codes.py): a
        decision when the line's value, footprint or kind says otherwise (a code copied from the row above), else
        a parametric match that also meets the tolerance, voltage and dielectric the code states."""
        read, shown = _decoded_words(decoded), _decoded_words(decoded, shown=True)
        alike = [
            h.product
            for h in (found.candidates if found is not None else ())
            if decode_mpn(h.product.mpn) == decoded and _differ_at_end(h.product.mpn, line.mpn)
        ]
        if (
            alike and not _text_conflict(line, alike[0]) and not _rating_conflict(line, alike[0])
        ):  # 'CRCW0603100RJNEAC' is 'CRCW0603100RJNEA' on another reel
            note = f"{line.mpn} is listed as {alike[0].mpn}: the same code ({shown}), other packaging letters: check"
            return self._exact(line, alike[0], 0.9, "MPN, same code reading", note, line.package, alike[1:])
        clash = _decoded_clash(line, decoded)
        if clash:
            by_words = self._by_parameters(replace(line, mpn=""))
            products = [by_words.product] if by_words is not None and by_words.product is not None else []
            products += [h.product for h in (found.candidates if found is not None else ())]
            note = f"{line.mpn} is not in the catalog and reads {shown}, but the line says {clash}: which one?"
            return _ambiguous(line, products, note, via="MPN reads otherwise")
        said = replace(line, description=f"{line.description} {read}".strip())
        if not parse_footprint(line.package):
            said = replace(said, package=decoded.package)
        by_values = self._by_parameters(said)
        if by_values is None or by_values.status != "parametric" or by_values.product is None:
            return None
        note = f"{line.mpn} is not in the catalog; matched by what it encodes ({shown})"
        return replace(
            by_values, line=line, note=f"{note}; {by_values.note}" if by_values.note else note,
            candidates=_with_look_alikes(by_values, found.candidates if found is not None else ()),
        )  # fmt: skip

    def _by_codes(self, line: BomLine) -> LineMatch | None:
        store = self.engine.store
        footprint = line.package or _said_package(line)  # a 备注 'SOD-123' chooses among listings as a footprint does
        by_supplier = _one_part(store.by_code(line.supplier_code)) if _is_code(line.supplier_code) else []
        by_mpn = _prefer_maker(_by_code(store, line.mpn, line), line.manufacturer) if _is_code(line.mpn) else []
        if _names_a_size(line):
            by_mpn = []  # '型号 M3' under 弹簧垫圈: a thread size, not the 'M3' listing of a rectifier or a stud
        if by_supplier and by_mpn and not _same_mpn(by_supplier[0], by_mpn[0]):
            winner = _words_decide(line, by_mpn[0], by_supplier[0])
            if winner is not None:  # the line's value, package or colour is one part's and not the other's
                loser = by_supplier[0] if winner is by_mpn[0] else by_mpn[0]
                column = "MPN" if winner is by_mpn[0] else "supplier code"
                other = "supplier code " + line.supplier_code if column == "MPN" else "MPN " + line.mpn
                note = (
                    f"{other} names {loser.mpn}, which the line's own words rule out; matched by the {column} "
                    f"({winner.mpn}): check"
                )
                rest = by_mpn[1:] if winner is by_mpn[0] else by_supplier[1:]
                return self._exact(line, winner, 0.85, f"{column} (codes disagree)", note, footprint, extra=rest)
            listed = _among_alternates(by_supplier[0], line)
            if (listed or _equal_passive(by_supplier[0], _facts_of(by_mpn[0]))) and not _text_conflict(line, by_mpn[0]):
                # two makers' numbers for one passive (a Mouser MPN, the LCSC part JLC places): the buyer's MPN
                why = "an alternate the line lists" if listed else f"the same value, size and ratings as {line.mpn}"
                note = f"supplier code {line.supplier_code} is {by_supplier[0].mpn}, {why}: matched by the MPN"
                return self._exact(line, by_mpn[0], 0.9, "MPN (codes name equal parts)", note, footprint, by_mpn[1:])
            note = (
                f"supplier code {line.supplier_code} is {by_supplier[0].mpn} but the MPN column says {line.mpn}: "
                "which one?"
            )
            return _ambiguous(line, [by_mpn[0], by_supplier[0]], note, via="conflicting codes")
        maker_stated = _names_maker(line.manufacturer) and not _generic_number(line.mpn)
        if by_mpn and maker_stated and not _maker_fits(line.manufacturer, by_mpn[0].manufacturer):
            # The BOM names a maker the catalog does not list this MPN from: its own reel variant, else a decision
            # (a clone under the same number is another part).
            own = [
                p
                for p in self._by_base_code(_strip_packaging(line.mpn))
                if _maker_fits(line.manufacturer, p.manufacturer)
            ]
            if own and not by_supplier:
                note = f"{line.mpn} by {line.manufacturer} matched as {own[0].mpn} (packaging suffix differs)"
                return self._exact(line, own[0], 0.9, "MPN and maker", note, footprint, extra=own[1:])
            makers = ", ".join(dict.fromkeys(p.manufacturer for p in by_mpn[:4]))
            if (
                (not by_supplier or _same_mpn(by_supplier[0], by_mpn[0]))
                and len({p.manufacturer for p in by_mpn}) == 1
                and _distinctive(line.mpn)
                and not _COPY_HOUSES.search(by_mpn[0].manufacturer)
                and _another_name_for(line.manufacturer, by_mpn[0].manufacturer)
                and not self._known_maker(line.manufacturer)
            ):  # '国星光电' for NationStar's NCD0603R1, 'Didoes': the listed maker's own name in Chinese or misspelt
                note = (
                    f"the BOM names {line.manufacturer}, a maker no catalog listing names; {line.mpn} is listed from "
                    f"{makers} only: the same part, or a copy under its number: check the maker"
                )
                return self._exact(line, by_mpn[0], 0.85, "MPN, maker unknown", note, footprint, extra=by_mpn[1:])
            note = f"the BOM names {line.manufacturer}; the catalog lists {line.mpn} from {makers}: which one?"
            return _ambiguous(line, by_mpn, note, via="MPN, other maker")
        named_mpn = _is_code(line.mpn) and not _value_codes_only(line.mpn)  # not "100uF 25V" in the MPN column
        if by_supplier and named_mpn and _among_alternates(by_supplier[0], line):
            # the MPN column's part, and the supplier code names one of the buyer's own alternates (Kitspace's
            # second Manufacturer / MPN pair): the part the buyer lists and the supplier places
            note = f"supplier code {line.supplier_code} is {by_supplier[0].mpn}, an alternate the line lists"
            if by_mpn:
                return self._exact(line, by_mpn[0], 0.9, "MPN (code is a listed alternate)", note, footprint)
            return self._exact(line, by_supplier[0], 0.9, "supplier code (a listed alternate)", note, footprint)
        if by_supplier and named_mpn and not by_mpn and not _same_base(line.mpn, by_supplier[0].mpn):
            decoded = decode_mpn(line.mpn)
            if (
                decoded is not None
                and not _GRADE_OF_ITS_OWN.search(line.mpn)
                and not _GRADE_SAID.search(_line_text(line))
                and _equal_passive(by_supplier[0], _facts_decoded(decoded))
                and not _text_conflict(line, by_supplier[0])
            ):
                # the maker's number the catalog lacks reads as the very passive the supplier code names
                note = (
                    f"MPN {line.mpn} is not in the catalog and reads {_decoded_words(decoded, shown=True)}; supplier "
                    f"code {line.supplier_code} ({by_supplier[0].mpn}) is that part"
                )
                return self._exact(line, by_supplier[0], 0.9, "supplier code (MPN reads the same)", note, footprint)
            note = (
                f"supplier code {line.supplier_code} is {by_supplier[0].mpn} but the MPN column says {line.mpn} "
                "(not in the catalog): which one?"
            )
            return _ambiguous(line, by_supplier, note, via="supplier code vs MPN")
        exact = by_supplier or by_mpn
        if by_mpn and not by_supplier and not maker_stated and not line.package.strip() and not _said_package(line):
            # 'S8050' listed in SOT-23 and in TO-92, 'S9014' also as 'S9014-TA' in TO-92: which package?
            elsewhere = _in_other_packages(by_mpn[0], by_mpn[1:]) + self._other_packages(line.mpn, by_mpn)
            if elsewhere:  # 'S9014' with no footprint: SOT-23 listings, and 'S9014-TA' in TO-92
                listings = [by_mpn[0], *elsewhere]
                return _which_package(line, line.mpn, listings, [p.package for p in listings])
        if exact:
            product = exact[0]
            confidence = 1.0 if by_supplier and by_mpn else 0.97
            note = ""
            if by_supplier and _is_code(line.mpn) and not by_mpn:
                note = f"MPN {line.mpn} not in the catalog; matched by supplier code {line.supplier_code}"
                confidence = 0.95
            via = "supplier code" if by_supplier else "MPN"
            return self._exact(line, product, confidence, via, note, footprint, extra=exact[1:])
        for number, alternate in enumerate(line.alternates, start=1):
            if not _is_code(alternate):
                continue
            found = _prefer_maker(store.by_code(alternate), "")
            if found:
                note = f"the buyer's approved alternate {number} ({alternate})"
                if _is_code(line.mpn):
                    note += f"; {line.mpn} is not in the catalog"
                return self._exact(line, found[0], 0.95, f"alternate {number}", note, footprint, extra=found[1:])
        stripped = _strip_packaging(line.mpn) if _is_code(line.mpn) else ""
        if stripped and stripped != normalize_code(line.mpn):
            once = _unpacked(line.mpn)  # the index reads stored codes, which lost their dashes: one suffix off each
            # the full strip may also take a letter of the number ('BAT54T-7-F' is no BAT54): then one suffix only
            dropped = once != normalize_code(line.mpn) and re.fullmatch(r"[TR]", once[len(stripped) :])
            found = [] if dropped else self._by_base_code(stripped)  # ('TPS54202DDCT' is the listed …DDCR)
            found += [  # side, 'MMSZ5226B-F' is the listed 'MMSZ5226B-7-F' ('…-240R' is no '…-100R')
                p
                for p in store.products(self.engine.extended_codes(once, limit=20))
                if _unpacked(p.mpn) == once and p not in found
            ]
            found = _prefer_maker(found, line.manufacturer)
            found = [p for p in found if not _rating_conflict(line, p)]  # '80V 125MA' rules out a 75 V listing
            if found and maker_stated and not _maker_fits(line.manufacturer, found[0].manufacturer):
                found = []  # another maker's part under a similar number (a TI LM1117 is no HGSEMI clone)
            if found:
                note = f"{line.mpn} matched as {found[0].mpn} (packaging suffix differs: check reel / tape)"
                return self._exact(line, found[0], 0.9, "MPN without packaging suffix", note, footprint, found[1:])
        reel = _large_reel_code(line.mpn) if _is_code(line.mpn) else ""
        if reel:
            found = [p for p in store.by_code(reel) if _maker_fits("Texas Instruments", p.manufacturer)]
            if found and (not maker_stated or _maker_fits(line.manufacturer, found[0].manufacturer)):
                note = f"{line.mpn} matched as {found[0].mpn} (TI's large-reel code of the same part)"
                return self._exact(line, found[0], 0.9, "MPN, large reel", note, footprint, found[1:])
        named_by_footprint = _footprint_codes(line.package)
        # a listed number with a space in it: 'S8050 J3Y(RANGE:200-350)', not its 'S8050' (but 'AO3400 SOT-23' is
        # AO3400 in SOT-23, not the copy house's 'AO3400-SOT23')
        whole = line.value.strip()
        tail = whole.split()[1:]
        placed = any(extract_package(w) or _names_land(w) or _VALUE_TOKEN.fullmatch(w) for w in tail)
        spelt = [p for p in store.by_code(whole) if p.mpn.strip().upper() == whole.upper()] if tail else []
        listed_whole = [whole] if spelt and not placed and _is_code(whole) else []  # not 'LM393 ST' as 'LM393ST'

        for code in dict.fromkeys(listed_whole + _value_codes(line)):
            # '2.54-1*4P' in '2.54-1*4P反弯排针' is also the code of '2.54-1*4P母': a listing whose MPN carries
            # Chinese words the line does not (母, female) is another part
            found = [p for p in _by_code(store, code) if _CJK_RUN.sub("", p.mpn) == p.mpn or _cjk_said(p.mpn, line)]
            unpacked = _unpacked(code)
            extends = not found and bool(self.engine.extended_codes(code, limit=1))  # 'BZT52C5V1-13': '…-13-F'
            if not found and not extends and unpacked != normalize_code(code) and len(normalize_code(code)) >= 8:
                # one packing suffix off: 'ICE40UP5K-SG48ITR' is the tray's '…-SG48I', '1N4148WT-7' the 1N4148WT
                found = _one_part([p for p in store.by_code(unpacked) if not _rating_conflict(line, p)])
            if not found and code in named_by_footprint:  # 'S2B-EH' is listed as JST's 'S2B-EH(LF)(SN)'
                found = _one_part(self._by_base_code(_strip_packaging(code)))
            found = _prefer_maker(found, line.manufacturer)
            unplaced = not specific(footprint_package(line.package) or "") and not _said_package(line)
            named = list(dict.fromkeys(k for p in found if specific(k := footprint_package(p.package) or "")))
            if found and unplaced and len(named) > 1:  # 'SS56', 'S8050 三极管' with no package: which one?
                return _which_package(line, code, found, named)
            if found and _other_number(line.mpn, code):
                # the MPN column names a part the catalog lacks, the value column another number ('SN74AHCT125RGYR'
                # / 'SN74AHCT125N': a QFN and a DIP; 'ASXHSXH22K254' / 'JUMPER SXH-001T-P0.6'): which one is meant?
                note = f"the MPN column says {line.mpn} (not in the catalog), the value column {code}: which one?"
                return _ambiguous(line, found, note, via="MPN vs value column")
            digits_only = bool(found) and code.strip().isdigit() and len(code.strip()) <= 6
            if (
                digits_only
                and not _footprint_confirms(line, found[0])
                and not (_names_maker(line.manufacturer) and _maker_fits(line.manufacturer, found[0].manufacturer))
            ):  # Keystone's '2477' or Würth's '744223' under their maker's name are those parts
                # '7805' names a family many makers list under longer numbers (L7805CV, LM7805CT); one maker's
                # listing called plain '7805' (a TO-252) is the part only where the footprint says that package
                note = f"{code} in the value column names a family; {found[0].mpn} is one maker's listing: which part?"
                return _ambiguous(line, found, note, via="value column, digits only")
            if found:
                where = "the footprint's name" if code in named_by_footprint else "the value column"
                note = f"part number {code} read from {where}"
                if normalize_code(found[0].mpn) != normalize_code(code):
                    note += f"; listed as {found[0].mpn} (packaging suffix differs: check reel / tape)"
                return self._exact(line, found[0], 0.9, "value column", note, footprint, extra=found[1:])
        for code in [line.mpn] * _is_code(line.mpn) + _value_codes(line):
            if len(normalize_code(code)) < 5:
                continue
            longer = self.engine.extended_codes(code)
            completed = None
            if longer and code == line.mpn:  # the MPN column only: a value cell's 'PMEG2010' names a family
                completed = _one_part_completed(store.products(longer), code, line.manufacturer)
            # a KiCad symbol's trailing 'x' is a wildcard ('STM32H563RGTx': the temperature grade): the listings of
            # the number without it, when the footprint leaves one part
            fitted = self._completed_by_footprint(_WILDCARD_TAIL.sub("", code), line)
            if fitted:  # 'SN74HC595' on a TSSOP-16 footprint is SN74HC595PW(R): the footprint says which listing
                note = f"{code} on footprint {line.package.strip()} matched as {fitted[0].mpn}: check the variant"
                return self._exact(line, fitted[0], 0.9, "code + footprint", note, footprint, extra=fitted[1:])
            shorter = _one_part(self._shorter_listing(code)) if code == line.mpn else []
            # 'IRF3205S' is no TO-220 IRF3205; 'CRCW06034K70FKEAHP' (333 mW) no 100 mW CRCW06034K70FKEA
            # or a code one letter longer that says the same in the maker's numbering ('CRCW0402330RFKEDC' is the
            # listed CRCW0402330RFKED: 330 Ω 1 % 0402 both; never two letters: '…FKEAHP' is a 333 mW part)
            shorter = [
                p
                for p in shorter
                if (_footprint_confirms(line, p) or _same_decoded(code, p.mpn)) and not _rating_conflict(line, p)
            ]
            if shorter and (  # a listing that names no maker ('Global Sourcing Parts') does not contradict one
                not _names_maker(line.manufacturer)
                or not shorter[0].manufacturer.strip()
                or _maker_fits(line.manufacturer, shorter[0].manufacturer)
            ):
                note = f"{code} matched as {shorter[0].mpn} (the BOM's code has extra ordering letters: check)"
                return self._exact(line, shorter[0], 0.9, "MPN without extra letters", note, footprint, shorter[1:])
            if completed:  # 'CRCW08051K00F' is the ordering code 'CRCW08051K00FKEA' without its packaging letters
                note = f"{code} matched as {completed[0].mpn} (the ordering code completed: check reel / tape)"
                return self._exact(line, completed[0], 0.9, "MPN completed", note, footprint, extra=completed[1:])
            close = [(sku, 95.0) for sku in longer] + self.engine.similar_codes(code, cutoff=FUZZY_MPN)
            close = list(dict(reversed(close)).items())[::-1]
            wanted = parse_footprint(line.package)
            products = {
                p.sku: p
                for p in store.products([sku for sku, _ in close])
                if not contradiction(wanted, parse_footprint(p.package))  # no DIP-16 look-alike on a SOIC-16 pad
            }
            close = [(sku, ratio) for sku, ratio in close if sku in products][:MAX_CANDIDATES]
            if close:
                similar = [
                    Hit(products[sku], round(0.5 * ratio / 100, 3), (f"part number {ratio:.0f}% alike",))
                    for sku, ratio in close
                ]
                note = f"{code} is not in the catalog; similar part numbers: check which one is meant"
                return _ambiguous(line, [h.product for h in similar], note, via="similar MPN", scores=similar)
        return None

    def _exact(
        self,
        line: BomLine,
        product: Product,
        confidence: float,
        via: str,
        note: str,
        footprint: str,
        extra: Sequence[Product] = (),
    ) -> LineMatch:
        """An exact code match, unless the part's package contradicts the footprint on the board or the
        line asks for a module built around that chip."""
        if _MODULE_WORDS.search(_line_text(line)) and not _MODULE_WORDS.search(f"{product.name} {product.category}"):
            note = f"the BOM asks for a module; {product.mpn} in the catalog is the bare part: check"
            return _ambiguous(line, [product, *extra], note, via=f"{via}, module vs part")
        listings = [product, *extra]
        # the footprint, else a package the line's words name ('TP4056 SOT-23-5' in the value column, a 备注 'SOD-123')
        wanted = _either_package(line.package, listings) or parse_footprint(_said_package(line))
        if wanted is None and not line.package.strip() and (described := parse_footprint(line.description)):
            # a description that names a land pattern ('Crystal THT HC-49 U 16Mhz'): the part must fit it
            # ('MCU, 16MHz crystal HC-49 next to it' speaks of another part: only a land of the part's own kind)
            kinds = {own.kind for p in listings if (own := listing_form(p)) is not None}
            same_kind = described.kind == "" or described.kind in kinds
            wanted = described if described.package and described.mounting and same_kind else None
        worded = None  # a header's gender in the line's words ('Pin header 1x4 male'), when nothing else places it
        if wanted is None and (form := form_of_text(f"{line.value} {line.description}")) is not None:
            wanted = worded = form if form.kind in ("header", "socket") else None
        own = parse_footprint(product.package)
        if (
            wanted is not None
            and not line.package.strip()
            and own is not None
            and re.fullmatch(r"SOIC-\d+", wanted.package)
            and own.package == f"{wanted.package}-W"
            and not _WIDTH_SAID.search(_line_text(line))
        ):
            wanted = own  # words say 'soic8' (a family, not a land pattern): the body width is the part's
        # each listing as it states itself (package, category, attributes): a PinSocket pad picks the female one
        on_pad = [p for p in listings if wanted and not contradiction(wanted, listing_form(p))]
        # A listing whose package the grammar cannot read ('SMAG') does not confirm a pad that the readable
        # listings of the same MPN all contradict (SS34 in SMA / SMB / SMC for a DO-214BA footprint)
        readable = [p for p in on_pad if parse_footprint(p.package) is not None]
        ruled_out = [p for p in listings if wanted and contradiction(wanted, parse_footprint(p.package))]
        on_pad = readable or ([] if ruled_out else on_pad)
        if worded is not None and len(on_pad) < len(listings):
            # the number names several listings ('2.54-1*4P母', '2.54-1*4P反弯排针') and the words rule some out:
            # the rest may differ in what the words leave open (straight or right angle): the buyer says
            kind = "female" if worded.kind == "socket" else "male"
            note = f"{line.mpn or product.mpn} is listed as {len(listings)} parts; the line says {kind}: which one?"
            rest = [p for p in listings if p not in on_pad]
            return _ambiguous(line, [*on_pad, *rest], note, via=f"{via}, words choose")
        members = {footprint_package(p.package) or p.package for p in on_pad}
        if wanted is not None and family_of(wanted.package) and len(members) > 1:
            # a family footprint ('Diodes:DO214') fits SMA, SMB and SMC listings of one number: which one?
            note = (
                f"{product.mpn} is listed in {', '.join(sorted(members))}; the footprint says {wanted.package}: which?"
            )
            return _ambiguous(line, on_pad, note, via=f"{via}, package family")
        if on_pad and on_pad[0] is not product:  # the same MPN in several packages: the one for this footprint
            product, extra = on_pad[0], [p for p in listings if p is not on_pad[0]]
        clash = contradiction(wanted, parse_footprint(product.package))
        if not clash and not on_pad and ruled_out:
            clash = contradiction(wanted, parse_footprint(ruled_out[0].package))
        own_code = normalize_code(product.mpn)
        named_after = len(own_code) >= 6 and own_code in normalize_code(line.package) and len(listings) == 1
        if clash and named_after and wanted is not None and wanted.kind in ("connector", "switch"):
            clash = ""  # a connector's footprint drawn for the part, named after it ('USB-SMD_KH-TYPE-C-2P'): the
            # listing's package text is what disagrees (not an IC's 'TO-92_HT7333': that package is the board's)
        said = _text_conflict(line, product)
        if clash and not said and (fitted := self._completed_by_footprint(product.mpn, line)):
            # 'LM7805' is listed in TO-263; on a TO-220 footprint it is the LM7805CT the catalog also lists
            note = f"{product.mpn} on footprint {line.package.strip()} matched as {fitted[0].mpn}: check the variant"
            return LineMatch(line, "exact", 0.85, fitted[0], tuple(Hit(p, 0.9, ("same part, other listing",))
                             for p in fitted[1:MAX_CANDIDATES]), f"{via}, completed by footprint", note)  # fmt: skip
        if clash or said:
            note = (
                f"{product.mpn} does not fit the footprint {line.package.strip()} ({clash}): which one?"
                if clash
                else f"{product.mpn} is not what the line says ({said}): which one?"
            )
            alternatives = [product]
            fitting = self._by_parameters(replace(line, mpn="", supplier_code=""))
            if fitting is not None and fitting.product is not None:
                alternatives.append(fitting.product)
            return _ambiguous(line, alternatives, note, via=f"{via}, package conflict")
        extra = [p for p in extra if not contradiction(wanted, parse_footprint(p.package))]  # not the SOT-23 S8050
        candidates = tuple(Hit(p, 0.9, ("same part number, other listing",)) for p in extra[: MAX_CANDIDATES - 1])
        return LineMatch(line, "exact", confidence, product, candidates, via, note)

    def _completed_by_footprint(self, code: str, line: BomLine) -> list[Product]:
        """Listings whose MPN extends `code` and whose package is the line's footprint, when they are one part
        (one MPN without its packaging suffix); [] otherwise or when the footprint names no package."""
        wanted = parse_footprint(line.package)
        if wanted is None or not specific(wanted.package) or len(normalize_code(code)) < 5:
            return []
        longer = self.engine.store.products(self.engine.extended_codes(code, limit=60))
        fits = [
            p
            for p in longer
            if (own := parse_footprint(p.package)) is not None
            and specific(own.package)
            and same_package(own.package, wanted.package)
        ]
        # a copy house's own tag on a listed number ('SN74LVC1G14DBVR-MS' beside SN74LVC1G14DBVR) is its part, not the
        # maker's one the BOM names: left out, unless the line names that house; a tag on a number not listed
        # untagged ('2SC2712-Y': a gain grade, 'AMS1117-ADJ') stays
        untagged = {_strip_packaging(p.mpn) for p in fits if not _copy_tagged(p)}
        fits = [
            p
            for p in fits
            if not _copy_tagged(p)
            or _strip_packaging(p.mpn.rsplit("-", 1)[0]) not in untagged
            or (_names_maker(line.manufacturer) and _maker_fits(line.manufacturer, p.manufacturer))
        ]
        if not _AUTOMOTIVE.search(_line_text(line)):  # 'ISO7741' is the ISO7741DWR, not its Q1 automotive grade
            fits = [p for p in fits if not _AUTOMOTIVE.search(p.mpn)] or fits
        form = {p.sku: _strip_packaging(_CLONE_TAG.sub("", p.mpn)) for p in fits}  # each listing's number, once
        forms = Counter(form[p.sku] for p in fits)
        (top, count), *_ = forms.most_common(1) or [("", 0)]
        package_letters = (
            re.fullmatch(r"[A-Z]{1,2}", top[len(normalize_code(code)) :])
            if top.startswith(normalize_code(code))
            else None
        )
        if package_letters and count >= 5 and count >= 0.85 * len(fits):
            # many makers list the number in this package under one name ('1N4148' on SOD-323: nineteen
            # 1N4148WS listings beside a '1N4148SOD-323' and a '1N4148WS-6AF'): that name is the part
            fits, forms = [p for p in fits if form[p.sku] == top], Counter({top: count})
        if not fits or len(forms) != 1:
            return []  # one part, on reels or from another maker under its number ('SN74HC595PW(LX)'), or none
        if len(fits) == len(longer) and _option_tail(code, fits[0].mpn) and not _copy_tagged(fits[0]):
            return []  # the footprint chose nothing: the suffix names an option ('MCP73833-AMI/UN': its voltage), not
            # a copy house's tag ('RZ7899-MS')
        if _names_maker(line.manufacturer) and not _maker_fits(line.manufacturer, fits[0].manufacturer):
            return []
        if not all(_states_values(p, f"{line.value} {line.description}") for p in fits):
            return []  # 'LM3671' '1.8V' is no LM3671MFX-3.3: a value the line states must be the part's own
        return _prefer_maker(fits, line.manufacturer)

    def _shorter_listing(self, code: str) -> list[Product]:
        """Listings whose MPN is `code` without one or two trailing letters ('CRCW060310K0FKEAC' ->
        'CRCW060310K0FKEA'): a distributor's ordering letter the catalog does not carry."""
        norm = normalize_code(code)
        if len(norm) < 8:
            return []
        for cut in (1, 2):
            if norm[-cut:].isalpha():
                found = self.engine.store.by_code(norm[:-cut])
                if found:
                    return found
        return []

    def _by_base_code(self, base: str) -> list[Product]:
        skus = _base_code_index(self.engine).get(base, ())
        return self.engine.store.products(list(skus)) if skus else []

    def _by_parameters(self, line: BomLine) -> LineMatch | None:
        if _UNDECIDED.search(line.value) or _TBD.search(line.description):
            return None  # 'color?', '10k TBD': the designer has not decided; the buyer picks from what search shows
        text = _line_text(line)
        if parse_thread(text) is not None and not _placed_as_electronics(line):
            return _fastener_match(self.engine, line, text)
        said_led = kind_of_text(f"{line.value} {line.description}") == "led" and _designator_prefix(line) in ("D", "")
        if line_kind(line) == "led" or _designator_prefix(line) == "LED" or said_led:  # D4 'LED_Blue'
            return _led_match(self.engine, line)
        if _BEAD_WORDS.search(f"{line.value} {line.description}") or _designator_prefix(line) == "FB":
            return _bead_match(self.engine, line)
        if (header := _header_match(self.engine, line)) is not None:
            return header
        if (dip := _dip_match(self.engine, line)) is not None:
            return dip
        if (block := _terminal_block_match(self.engine, line)) is not None:
            return block
        if (zener := _zener_match(self.engine, line)) is not None:
            return zener
        if (leaded := _leaded_match(self.engine, line)) is not None:
            return leaded
        if (polarized := _polarized_match(self.engine, line)) is not None:
            return polarized
        if (inductor := _inductor_match(self.engine, line)) is not None:
            return inductor
        wanted, family = wanted_product(line)
        if family is None or wanted is None:
            return None
        if not wanted.package:
            return _value_only(self.engine, line, wanted, family)
        # a part number we cannot read, in the MPN column or the value cell ('ABM8-25.000MHZ-B2-T' as a value), or
        # a Digi-Key number, which carries the maker's ('CRA2512-FZ-R100ELFCT-ND': a 1 % shunt)
        # (not '541-10.0KHCT-ND': a maker prefix and the value, no series)
        digikey = line.supplier_code if re.fullmatch(r"[A-Z][A-Z0-9./#-]*-ND", line.supplier_code.upper()) else ""
        unread = next((c for c in (line.mpn, line.value, digikey) if _unread_code(c)), "")
        # its series, where the catalog lists others of it ('TC0325D…': thin film ±0.5 %; 'ECHU1C…': film capacitors)
        series, kin = _series(self.engine, unread) if unread else ("", [])
        wanted = _with_series_values(wanted, family, kin)
        checked = _as_stated(family, wanted)
        needed = line.quantity or 1
        options = [replace(wanted, package=p) for p in _package_options(wanted.package)]
        # the maker the line names, else the one its Digi-Key number's prefix names: preferred among equal parts
        maker = line.manufacturer if _names_maker(line.manufacturer) else _digikey_maker(line.supplier_code)
        tried = [(option, *self._judged(option, checked, needed, maker)) for option in options]
        fitting = [t for t in tried if any(sub.kind == "drop-in" for sub, _ in t[1])]
        if len(fitting) > 1:  # a crystal body without its pins: 2 and 4 pins are two land patterns
            products = [judged[0][1] for _, judged, _ in fitting]
            note = f"{' or '.join(o.package for o, _, _ in fitting)}: the BOM does not say how many pins"
            return _ambiguous(line, products, note, via="parameters (pins not stated)")
        wanted, judged, pool = fitting[0] if fitting else tried[0]
        if not judged:
            if not pool:
                return None
            # Same value and package, but a stated rating (voltage, dielectric, tolerance ...) is not met.
            nearest = sorted(pool, key=lambda p: (-(p.stock or 0), p.sku))[:MAX_CANDIDATES]
            shown = ", ".join(_shown(a) for a in wanted.attributes)
            note = f"no part meets every stated value ({shown}, {wanted.package}); same value and package: check"
            return _ambiguous(line, nearest, note, via="parameters (ratings not met)")
        judged.sort(key=lambda sp: sp[0].kind != "drop-in")  # stable: keeps the stock / price order
        if kin:
            kinds = {_leaf(p.category) for p in kin}
            same_kind = [(sub, p) for sub, p in judged if _leaf(p.category) in kinds]
            if not same_kind:
                shown_kinds = " / ".join(sorted({p.category.rsplit("/", 1)[-1].strip() for p in kin}))
                note = f"{unread} is not in the catalog; its series {series}… is {shown_kinds}: none with these values"
                return _ambiguous(line, [p for _, p in judged[:MAX_CANDIDATES]], note, via="parameters (series kind)")
            judged = same_kind
        unknown_mpn = bool(unread)
        size = _chip_size_in(unread)
        if size and not same_package(size, wanted.package):  # 'VJ1206Y105…' with 'SMD 1210' beside it
            note = f"{unread} names the {size} size, the line says {wanted.package}: which one?"
            return _ambiguous(line, [p for _, p in judged[:MAX_CANDIDATES]], note, via="parameters (sizes disagree)")
        unchecked = [r.attribute for r in family.rules if r not in checked.rules]
        if unknown_mpn and unchecked:
            # a value that has no safe direction (a crystal's load capacitance) is in a part number we cannot read
            open_values = ", ".join(u.replace("_", " ") for u in unchecked)
            note = f"{unread} is not in the catalog and its {open_values} is not stated otherwise: which one?"
            return _ambiguous(line, [p for _, p in judged[:MAX_CANDIDATES]], note, via="parameters (code unread)")
        if unknown_mpn:  # its ratings are in a part number we cannot read: the best-rated part is the safe one,
            # in the dielectric the line states (an X7R line's code is an X7R part, not the C0G that outranks it)
            dielectric = wanted.attribute("dielectric")
            judged.sort(
                key=lambda sp: (
                    sp[0].kind != "drop-in",
                    not _same_dielectric(dielectric, sp[1]),
                    bool(maker) and not _maker_fits(maker, sp[1].manufacturer),  # the named maker's, still
                    _rating_key(sp[1]),
                )
            )
        best_sub, best = judged[0]
        stated = [a.name for a in wanted.attributes]
        confidence = min(0.9, 0.7 + 0.05 * (len(stated) - 1)) if best_sub.kind == "drop-in" else 0.6
        if len(checked.rules) < len(family.rules) or len(options) > 1:
            confidence = min(confidence, 0.7)  # a value that names the part, or its pins, is quoted, not stated
        shown = ", ".join(_shown(a) for a in wanted.attributes)
        note = f"matched by parameters ({shown}, package {wanted.package})"
        if len(options) > 1:
            note += f"; the BOM states the body, not the pins: the {wanted.package} parts meet the stated values"
        if unknown_mpn:
            note += f"; {unread} is not in the catalog: the highest-rated part with these values"
        if best_sub.kind != "drop-in":
            note += "; differs: " + best_sub.why
        unstated = _unstated(family, wanted, best)
        if unstated:
            note += "; not stated in the BOM, quoted as: " + ", ".join(unstated)
        others = [Hit(p, round(s.score, 3), (s.why,)) for s, p in judged[1:MAX_CANDIDATES]]
        status = "parametric" if best_sub.kind == "drop-in" else "ambiguous"
        if status == "ambiguous":
            return _ambiguous(line, [p for _, p in judged[:MAX_CANDIDATES]], note, via="parameters (not all verified)")
        return LineMatch(line, status, round(confidence, 2), best, tuple(others), "parameters", note)

    def _judged(
        self, wanted: Product, family: Family, needed: float, maker: str = ""
    ) -> tuple[list[tuple[Substitute, Product]], list[Product]]:
        """The catalog parts with the wanted value and package, judged by the family's rules, best first (the maker
        the line names, enough stock, then price); judging stops once MAX_CANDIDATES drop-ins are found, since
        drop-ins outrank functional ones and the pool is already in the order a buyer wants. Also the pool itself."""
        pool = _pool(self.engine, family, wanted)
        dielectric = wanted.attribute("dielectric")
        # the named maker's parts first, but in the stated dielectric before that maker's better one (an X7R line
        # is not KEMET's C0G of the same value, though C0G outranks X7R)
        pool.sort(key=lambda p: (bool(maker) and not _same_dielectric(dielectric, p),
                                 bool(maker) and not _maker_fits(maker, p.manufacturer), (p.stock or 0) < needed,
                                 _price(p), p.sku))  # fmt: skip
        judged: list[tuple[Substitute, Product]] = []
        for product in pool:
            # the grammar's one name for a land pattern the listings spell several ways ('HC-49' for an 'HC-49S' can):
            # the listing's own name when it reads as the same land pattern, so the package rule compares like with like
            probe = replace(wanted, package=product.package) if _same_land(wanted.package, product.package) else wanted
            sub = evaluate(probe, product, family)
            if sub is not None:
                judged.append((sub, product))
                if sum(1 for j, _ in judged if j.kind == "drop-in") >= MAX_CANDIDATES:
                    break
        return judged, pool

    def _by_search(self, line: BomLine) -> LineMatch:
        text = _line_text(line)
        if not text.strip():
            return LineMatch(line, "not_found", 0.0, note="the line states no part number, value or description")
        named = [c for c in (line.mpn, line.value) if _is_code(c) and not _value_codes_only(c)]
        listed = _by_code(self.engine.store, named[0]) if named else []
        packages = [footprint_package(p.package) or p.package for p in listed]
        if len(set(packages)) > 1:  # a short generic number with no footprint ('SS56': SMA, SMB and SMC listings)
            return _which_package(line, named[0], listed, packages)
        if named and len(line.description.split()) < 3:
            # A part number neither in the catalog nor close to one (checked above), with no description:
            # search would only return look-alikes of its letters.
            return LineMatch(line, "not_found", 0.0, None, (), "codes", f"{named[0]} is not in the catalog")
        # Only parts that can be this line: its kind (designator R / C / J ..., footprint, words) and a package or
        # mounting its footprint allows; a resistor line is never offered TVS diodes, a connector line no ICs.
        hits = [h for h in self.engine.search(text, k=2 * MAX_CANDIDATES, codes=False) if _fits_line(line, h.product)]
        hits = hits[:MAX_CANDIDATES]
        if named:  # described: the closest items by function help the buyer, but they are not this part
            return LineMatch(line, "not_found", 0.0, None, tuple(hits[:3]), "search",
                             f"{named[0]} is not in the catalog; closest items listed")  # fmt: skip
        terms = query_terms(text)
        # Candidates must share the line's words; matching a parsed number alone (a "length 2 mm" thermistor
        # for "直径2mm 铁棒") is not enough.
        params = parse_parameters(text)
        relevant = [
            h
            for h in hits
            if (cover := term_coverage(terms, h.product)) >= 0.66
            or ("parameters match" in " ".join(h.why) and cover >= 0.34)
            or meets_every_stated(
                h.product, params
            )  # '4.7uF CD A(3216) 贴片钽电容': a fit is never "not in the catalog"
        ]
        if relevant:
            note = "no exact part number or full parameters: pick the right one"
            top = relevant[0].score
            return LineMatch(line, "ambiguous", round(min(0.5, 0.5 * top), 2), None, tuple(relevant), "search", note)
        return LineMatch(
            line, "not_found", 0.0, None, tuple(hits[:3]), "search", "not in the catalog; closest items listed"
        )


# ---------------------------------------------------------------------------------------------------------
# Parameters


# Family name in the rule table → (category the wanted part is given, value attribute that identifies it,
# designator prefixes, words naming it). Words are matched on the line text after glossary expansion.
_FAMILIES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "chip resistor": ("Resistors / Chip Resistor - Surface Mount", "resistance", ("R", "RN"), ("resistor", "res")),
    "MLCC capacitor": (
        "Capacitors / Multilayer Ceramic Capacitors MLCC - SMD/SMT",
        "capacitance",
        ("C",),
        ("capacitor", "mlcc", "cap", "ceramic"),
    ),
    "crystal": ("Crystals / Crystals", "frequency", ("Y", "X", "XTAL"), ("crystal", "xtal")),
}
_NOT_CHIP_RESISTOR = re.compile(
    r"排阻|网络电阻|光敏|压敏|热敏|电位器|可调|微调|\bnetwork|\barray|varistor|thermistor|\bldr\b|photoresistor|potentiometer|"
    r"trimmer|trimpot|\bntc\b|\bptc\b|\d+P\d+R\b",
    re.I,
)
_NOT_MLCC = ("electrolytic", "tantalum", "电解", "钽", "film", "supercap", "polymer", "薄膜", "涤纶", "聚丙烯", "cbb",
             "安规", "x1电容", "x2电容", "y1电容", "y2电容", "y电容", "超级电容", "金属化")  # fmt: skip
_DIELECTRICS = re.compile(r"\b(C0G|NP0|COG|X5R|X7R|X7S|X7T|X6S|X8R|Y5V|Z5U)\b", re.IGNORECASE)
# a kind the line rules out ('No tantalum', 'not electrolytic', 'non-polarized', 不要钽, 非电解): one character after
# 无 / 非 (无极电解 is a bipolar electrolytic, 无感薄膜 a non-inductive film capacitor)
_NEGATED = re.compile(
    r"\b(?:no|not|non|never|without)[\s-]+\w+(?:/\w+)*|(?:不要|不用|非|无)\s*[\u4e00-\u9fff]", re.IGNORECASE
)
_DESIGNATOR_PREFIX = re.compile(r"^([A-Za-z]+)\d")


def _series(engine: SearchEngine, code: str) -> tuple[str, list[Product]]:
    """The listings of the longest stem of `code` (at least half of it, five characters) that three or more part
    numbers begin with: the series an unlisted part number belongs to ('TC0325D2103T5H' -> 'TC0325D2…')."""
    norm = normalize_code(code)
    for n in range(len(norm) - 1, max(5, len(norm) // 2) - 1, -1):
        skus = engine.extended_codes(norm[:n], limit=_SERIES_MAX, shortest=5)
        if len(skus) >= _SERIES_MAX:
            return "", []  # too broad to say what the series shares
        if len(skus) < 3:
            continue  # three part numbers need three listings: no store query for a stem this narrow
        kin = engine.store.products(skus)
        if len({normalize_code(p.mpn) for p in kin}) >= 3:
            return norm[:n], kin
    return "", []


_SERIES_MAX = 100
_SERIES_KEYS = frozenset({"tolerance", "dielectric"})


def _with_series_values(wanted: Product, family: Family, kin: Sequence[Product]) -> Product:
    """`wanted` with the tolerance or dielectric every listing of its series states alike, where the line leaves it
    open (the letter of the code that says it). Not a series' ratings: a 1/4 W anti-surge series says what its
    parts can take, not what a design needs (tried for graded series: it turned right answers elsewhere wrong)."""
    if not kin:
        return wanted
    added = []
    for rule in family.rules:
        if wanted.attribute(rule.attribute) is not None or rule.attribute not in _SERIES_KEYS:
            continue
        stated = [p.attribute(rule.attribute) for p in kin]
        if any(a is None for a in stated):
            continue
        shapes = {(a.value, a.unit, a.value_max) if a.value is not None else a.raw.strip().lower() for a in stated if a}
        if len(shapes) == 1 and (first := stated[0]) is not None:
            added.append(first)
    return replace(wanted, attributes=(*wanted.attributes, *added)) if added else wanted


def _leaf(category: str) -> str:
    """The last level of a category, in letters only ('Crystals, Oscillators, Resonators / Ceramic Resonators')."""
    return re.sub(r"[^a-z]", "", category.rsplit("/", 1)[-1].lower())


# A passive's facts: (key, value, unit) of its values and ratings, its size, kind and dielectric.
_Facts = tuple[tuple[tuple[str, float, str], ...], str, str, str]
_PASSIVE_KEYS = ("resistance", "capacitance", "inductance", "tolerance", "voltage_rating", "power")


def _facts_of(product: Product) -> _Facts | None:
    kind = "resistor" if "resistor" in product.category.lower() else "capacitor"
    if not re.search(r"chip resistor|multilayer ceramic|mlcc", product.category, re.I):
        return None  # chip resistors and MLCCs only: their values and ratings say all that makes them equal
    values = tuple(
        (key, attr.value, attr.unit)
        for key in _PASSIVE_KEYS
        if (attr := product.attribute(key)) is not None and attr.value is not None
    )
    said = product.attribute("dielectric")
    dielectric = canonical_dielectric(said.raw) if said is not None else ""
    return values, footprint_package(product.package) or product.package, kind, dielectric


def _facts_decoded(decoded: DecodedPart) -> _Facts:
    return decoded.values, decoded.package, decoded.kind, decoded.dielectric


# Passive series that are a grade of their own, which a code's reading (value, size, tolerance, voltage) does not
# show: automotive MLCCs (Murata GCM / GCJ / GCG / GCB / GRT, TDK CGA / CGJ, Yageo AC, KEMET …AUTO), anti-surge,
# anti-sulfur and high-power resistors (ROHM ESR / SFR / KTR, Panasonic ERJ-P / ERJ-U, Vishay …HP, Yageo AF / PA / PE)
_GRADE_OF_ITS_OWN = re.compile(
    r"^(?:GC[MJGB]|GRT|CGA|CGJ|AC\d{4}|AF\d{4}|PA\d{4}|PE\d{4}|ESR|SFR|KTR|ERJ-?P|ERJ-?U|RCS|CRGP|CRGH)|(?:HP|AUTO)$",
    re.IGNORECASE,
)
_GRADE_SAID = re.compile(
    r"automotive|AEC-?Q|surge|pulse|high[- ]?power|sulfur|high[- ]?voltage|车规|汽车|浪涌|硫化|大功率|高功率|高压",
    re.IGNORECASE,
)


def _among_alternates(product: Product, line: BomLine) -> bool:
    """Whether `product` is one of the alternates the line lists (its MPN, packaging suffixes aside)."""
    own = _strip_packaging(product.mpn)
    return any(_strip_packaging(a) == own for a in line.alternates if _is_code(a))


def _equal_passive(product: Product, facts: _Facts | None) -> bool:
    """Whether `product` is the passive the facts describe: same kind, size, value and dielectric, every rating
    stated at least as good (a tighter tolerance, a higher voltage or power)."""
    own = _facts_of(product)
    if facts is None or own is None:
        return False
    values, package, kind, dielectric = facts
    if own[1:3] != (package, kind) or not any(k in ("resistance", "capacitance") for k, _, _ in values):
        return False
    if kind == "capacitor" and (not dielectric or own[3] != dielectric):
        return False
    mine = {k: v for k, v, _ in own[0]}
    for key, value, _unit in values:
        if key not in mine:
            return False
        if key in ("resistance", "capacitance", "inductance"):
            if not _close_value(mine[key], value):
                return False
        elif not (_close_value(mine[key], value) or better_rated(key, mine[key], value, product.category)):
            return False
    return True


def _in_other_packages(first: Product, others: list[Product]) -> list[Product]:
    """Listings of the same number whose named package rules out `first`'s (one per package)."""
    seen = parse_footprint(first.package)
    out: dict[str, Product] = {}
    for product in others:
        own = parse_footprint(product.package)
        if seen is not None and own is not None and seen.package and own.package and contradiction(seen, own):
            out.setdefault(canonical(own.package), product)
    return list(out.values())


def _said_package(line: BomLine) -> str:
    """A package the line's words name outside its footprint column ('NPN BJT SOT-23 40V', a 备注 'SOD-123'), ''
    when none."""
    remarks = " ".join(v for k, v in line.raw.items() if _REMARK_HEADERS.search(k))
    words = line.mpn if _CJK.search(line.mpn) else ""  # 'S8050 直插 TO-92' in the MPN column
    return extract_package(f"{line.value} {line.description} {words} {remarks}") or ""


def _values_to_choose(line: BomLine) -> list[tuple[float, str]]:
    """The values of one kind a value cell gives ('75R/100R' -> 75 Ω, 100 Ω: a fit-time choice); one or none for a
    plain line."""
    said = [(k, v, u) for k, v, u in stated_values(line.value) if k in IDENTITY_VALUES]
    if len({k for k, _, _ in said}) != 1 or kind_of_text(f"{line.value} {line.description}") == "thermistor":
        return [(v, u) for _, v, u in said[:1]]
    return list(dict.fromkeys((v, u) for _, v, u in said))


def wanted_product(line: BomLine) -> tuple[Product | None, Family | None]:
    """What the line asks for as a partial product (category, package, stated values), and its rule family.

    The family comes from the designator prefix (R, C, Y) or a word (resistor, 电容), else from the unit of
    the value (Ω, F, Hz); a bare number in the value cell is ohms only when the line names a resistor.
    """
    text = _line_text(line)
    if len(_values_to_choose(line)) > 1:
        return None, None  # '75R/100R': two values to fit, the buyer's choice
    quantities = {key: (value, unit) for key, value, unit in reversed(stated_values(text))}
    english = expand_query(text).lower()
    affirmed = _NEGATED.sub(" ", f"{english} {text}")  # 'No tantalum, tolerance 20%': the words that say what it is
    if any(w in affirmed for w in _NOT_MLCC) and "capacitance" in quantities:
        return None, None  # electrolytic / tantalum / film: not in the MLCC rules
    prefix = _designator_prefix(line)
    named = [
        name
        for name, (_, _, prefixes, words) in _FAMILIES.items()
        if prefix in prefixes or any(re.search(rf"\b{w}", english) for w in words)
    ]
    if "crystal" in named and "frequency" not in quantities and (bare := _CRYSTAL_VALUE.match(line.value)):
        # a crystal's '24M' / '32.768K' is its frequency (the value grammar reads a bare M as megohms)
        number, scale = float(bare.group(1)), {"K": 1e3, "M": 1e6}[bare.group(2).upper()]
        quantities.pop("resistance", None)
        quantities["frequency"] = (number * scale, "Hz")
    by_value = [name for name, (_, key, _, _) in _FAMILIES.items() if key in quantities]
    choice = next((n for n in named if n in by_value), None)
    if choice is None and len(by_value) == 1 and not named:
        choice = by_value[0]
    code = eia_code(line.value) if named and not line.mpn.strip() else None
    if code is not None and choice in ("chip resistor", "MLCC capacitor"):
        key, said = ("resistance", code) if choice == "chip resistor" else ("capacitance", code * 1e-12)
        if abs(quantities[key][0] - said) > 1e-9 * said:
            return None, None  # '103' beside '4.7K': the code and the written value disagree, the buyer says which
    not_mlcc = any(w in affirmed for w in _NOT_MLCC)  # '104' on an electrolytic or film line: no MLCC
    if (
        choice is None
        and code is not None
        and (named[0] == "chip resistor" or (named[0] == "MLCC capacitor" and not not_mlcc))
    ):
        # a chip part's three-digit code: '103' on R5 is 10 kΩ, '104' on C3 is 100 nF (Chinese BOMs write them so)
        key, value = ("resistance", code) if named[0] == "chip resistor" else ("capacitance", code * 1e-12)
        quantities[key] = (value, "Ω" if key == "resistance" else "F")
        choice = named[0]
    if choice is None and named and named[0] == "chip resistor" and _BARE_NUMBER.fullmatch(line.value.strip()):
        quantities["resistance"] = (float(line.value.strip()), "Ω")  # '470' on an R designator = 470 Ω
        choice = "chip resistor"
    if (
        choice is None
        and named
        and named[0] == "chip resistor"
        and (milli := _MILLIOHMS.fullmatch(line.value))
        and (_SHUNT_SAID.search(text) or footprint_package(line.package) in _SHUNT_SIZES)
    ):
        # '100m' on R105, a 2512 (a shunt): 100 mΩ; on an 0805 '1m' may be a writer's megohm: not read
        quantities["resistance"] = (float(milli.group(1)) / 1000, "Ω")
        choice = "chip resistor"
    if choice is None and named and named[0] == "chip resistor" and JUMPER_WORDS.search(text):
        quantities["resistance"] = (0.0, "Ω")  # 'Jumper' on a RES_0805 part, 跳线: a zero-ohm link
        choice = "chip resistor"
    if choice == "crystal" and (
        kind_of_text(text, strong_only=True) == "oscillator"
        or prefix in ("XO", "OSC", "U")
        or _OSCILLATOR_SAID.search(f"{line.package} {line.value} {line.description}")
        or "voltage_rating" in quantities
    ):
        return None, None  # an oscillator (TCXO, 有源晶振, an Oscillator_SMD pad, a supply voltage) is no crystal
    if choice == "chip resistor" and (prefix == "RN" or _NOT_CHIP_RESISTOR.search(f"{text} {english}")):
        return None, None  # a network, an array, an LDR, a varistor, a thermistor or a trimmer is no chip resistor
    family = next((f for f in load_rules() if f.name == choice), None)
    if family is None or choice is None:
        return None, None
    kind = line_kind(line)
    if kind and kind not in _FAMILY_KINDS.get(choice, ("",)):
        return None, None  # a ferrite bead's "220 Ω @ 100 MHz" is no chip resistor
    category = _FAMILIES[choice][0]
    if choice == "crystal" and "capacitance" in quantities:  # a crystal's pF is its load capacitance
        quantities.setdefault("load_capacitance", quantities.pop("capacitance"))
    attrs = [Attribute(k, _raw(v, u), v, u) for k, (v, u) in quantities.items() if _relevant(family, k)]
    if choice == "MLCC capacitor" and (dielectric := _DIELECTRICS.search(_NEGATED.sub(" ", text))) is not None:
        attrs.append(Attribute("dielectric", dielectric.group(1).upper().replace("COG", "C0G")))
    fp = parse_footprint(line.package) or parse_footprint(extract_package(text) or "")
    if fp is not None and not _fits_family(choice, fp, kind):
        return None, None  # an axial resistor or a radial capacitor is no chip part: search, with its mounting
    package = (fp.package if fp is not None else "") or ""
    if choice == "crystal" and not package:  # a size in the package or value cell: '3.2x2.5x0.8', '3225 12MHz'
        form = crystal_form(f"{line.package} {text}")
        # or an LCEDA crystal land's body ('CRYSTAL-SMD_L3.2-W1.5')
        land = fp is not None and fp.mounting == "SMD" and re.match(r"\s*(?:CRYSTAL|XTAL)", line.package, re.I)
        body = form.body_mm or (fp.body_mm if land and fp is not None else ())  # not an 'OSC-SMD' oscillator land
        package = crystal_package(body, form.pins or (fp.pins if fp is not None else None))  # 'SMD3225': pins unsaid
    product = Product(sku="", mpn="", manufacturer="", category=category, name=text, package=package)
    return replace(product, attributes=tuple(attrs)), family


_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MILLIOHMS = re.compile(r"\s*(\d+(?:\.\d+)?)\s*m\s*")  # lower-case m only: '1M' is a megohm
_SHUNT_SAID = re.compile(r"shunt|sens(?:e|ing)|current|采样|分流|检流|电流", re.IGNORECASE)
_SHUNT_SIZES = frozenset({"2010", "2512", "2816", "3920"})
# KiCad's 'Oscillator_SMD_…' pad, 'active', 有源 (LCEDA's 'OSC-SMD_4P' pad carries passive crystals too)
_OSCILLATOR_SAID = re.compile(r"(?<![A-Za-z])OSCILLATOR(?![a-z])|\bactive\b|有源", re.I)
_CRYSTAL_VALUE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KM])\s*$", re.IGNORECASE)
# Footprint kinds each parametric family can sit on ('' = the footprint does not say).
_FAMILY_KINDS = {
    "chip resistor": ("", "resistor"),
    "MLCC capacitor": ("", "capacitor"),
    "crystal": ("", "crystal"),
}


def _fits_family(family: str, fp: Footprint, kind: str = "") -> bool:
    """Whether a footprint can carry a part of the family: a chip resistor needs an SMD chip footprint, not an
    axial one (RES-TH_BD2.3-L6.5-P10.50) nor a pin header (HDR-M_2.54_1x4P). A chip land named for another chip
    kind ('C0402' under R1) carries the line's kind (`line_kind`): the pads are the same."""
    allowed = _FAMILY_KINDS.get(family, ("",))
    if fp.kind not in allowed and not (fp.chip and fp.kind in _CHIP_KINDS and kind in allowed):
        return False
    if family in ("chip resistor", "MLCC capacitor"):
        return fp.mounting != "THT" and (not fp.package or bool(fp.chip))
    return not fp.package or fp.package.startswith(("SMD", "HC-49"))  # a crystal in SOIC-8 is another part


def _designator_prefix(line: BomLine) -> str:
    """'R' for R12, 'LED' for LED3, '' when there is none."""
    if line.designators and (m := _DESIGNATOR_PREFIX.match(line.designators[0])):
        return m.group(1).upper()
    return ""


def _relevant(family: Family, key: str) -> bool:
    return any(rule.attribute == key for rule in family.rules)


def _as_stated(family: Family, wanted: Product) -> Family:
    """The family's rules for a BOM line: a hard `equal` on a value the line does not state (a crystal's load
    capacitance) is not checked but quoted (see `_unstated`); the identifying value and the package stay hard."""
    keep = (*family.candidates_by, "package")
    rules = tuple(
        rule
        for rule in family.rules
        if rule.attribute in keep or rule.kind != "equal" or rule.soft or wanted.attribute(rule.attribute) is not None
    )
    return replace(family, rules=rules)


def _same_land(wanted: str, listed: str) -> bool:
    """Whether a listing's package name reads as the wanted land pattern: the same package, mounting and pins."""
    if wanted == listed:
        return False
    a, b = parse_footprint(wanted), parse_footprint(listed)
    return (
        a is not None
        and b is not None
        and bool(a.package)
        and (a.package, a.mounting, a.pins) == (b.package, b.mounting, b.pins)
        and a.kind == b.kind
    )


def _package_options(package: str) -> list[str]:
    """The packages a wanted package can be: itself, or a crystal body without pins ('SMD3225') as its 4- and 2-pin
    land patterns."""
    return [f"{package}-4P", f"{package}-2P"] if re.fullmatch(r"SMD\d{4}", package) else [package]


def _pool(engine: SearchEngine, family: Family, wanted: Product) -> list[Product]:
    """Catalog products with the wanted identifying value(s) and the same package (SQL does the package)."""
    skus: set[str] | None = None
    for name in family.candidates_by:
        attr = wanted.attribute(name)
        if attr is None or attr.value is None:
            return []
        found = set(engine.store.with_attribute(name, attr.value, limit=_POOL_LIMIT, package=wanted.package))
        skus = found if skus is None else skus & found
    return engine.store.products(sorted(skus or ()))


def _value_only(engine: SearchEngine, line: BomLine, wanted: Product, family: Family) -> LineMatch | None:
    """A value with no package: never a match; the buyer picks from parts in the common packages."""
    key = family.candidates_by[0]
    attr = wanted.attribute(key)
    if attr is None or attr.value is None:
        return None
    skus = engine.store.with_attribute(key, attr.value, limit=_POOL_LIMIT)
    products = [p for p in engine.store.products(skus) if family.matches(p)]
    by_package: dict[str, Product] = {}
    for product in sorted(products, key=lambda p: ((p.stock or 0) <= 0, _price(p), p.sku)):
        by_package.setdefault(footprint_package(product.package) or product.package, product)
    if not by_package:
        return None
    shown = sorted(by_package.values(), key=lambda p: -(p.stock or 0))[:MAX_CANDIDATES]
    note = f"{_shown(attr)} with no package or footprint: which package ({', '.join(p.package for p in shown)})?"
    return _ambiguous(line, shown, note, via="value only")


# LEDs: colour (as the catalog's illumination / emitted colour states it) and package.
_LED_COLOURS = {
    "red": ("red",), "green": ("green", "emerald green", "emerald", "pure green"), "blue": ("blue",),
    "white": ("white",), "yellow": ("yellow",), "orange": ("orange",), "amber": ("amber",), "pink": ("pink",),
    "purple": ("purple",),
}  # fmt: skip


_ELECTROLYTIC_SAID = re.compile(r"electrolytic|电解", re.I)
_POLYMER_SAID = re.compile(r"polymer|固态|hybrid|POSCAP|OS-?CON", re.I)
# polymer tantalums (AVX TCJ, KEMET T520 / T52x / T55, Panasonic POSCAP TPE) and polymer aluminium cans are other
# parts: a plain line's ESR may be what keeps its regulator stable
_POLYMER_PART = re.compile(
    r"polymer|hybrid|(?<![A-Z0-9])(?:TCJ|T52\d|T53\d|T5[5-9][A-Z0-9]|\d+TP[A-Z]|SPT\d|PCJ|PCV|PLV)",  # Vishay T55B…
    re.I,
)
_NOT_WET = re.compile(
    r"ceramic|mlcc|陶瓷|瓷片|niobium|铌|(?<![A-Z0-9])(?:X5R|X7R|X6S|X7S|C0G|NP0|Y5V)(?![A-Z0-9])", re.I
)
_CAN_SIZE = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d)?) ?(?:mm)? ?[*xX×] ?(\d{1,2}(?:\.\d{1,2})?)(?![\d.])")
_CAN_DIAMETERS = (3.0, 4.0, 5.0, 6.3, 8.0, 10.0, 12.5, 16.0, 18.0, 22.0, 25.0, 30.0, 35.0)


def _polarized_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A tantalum by its value and case (CASE-A_3216, Altium 'CD A(3216)', Eagle SMC_B), or an aluminium
    electrolytic the words (or a KiCad CP_Elec pad) call so by its value, stated voltage, can diameter (and height
    when given: else the lowest can) and mounting: the parts of that value and form meeting every stated rating; a
    tantalum with no voltage stated is quoted at the highest voltage its case offers (one below its circuit's
    voltage fails short). Never a polymer part. None when the line names a part number the catalog cannot read
    (its series: polymer or not, low ESR, is then unknown), states a polymer, ceramic or niobium part, or two
    values."""
    text = _line_text(line)
    # a code the makers' numbering reads as a standard tantalum states its series; any other code may be polymer
    unread_mpn = _unread_code(line.mpn)
    coded = decode_mpn(line.mpn) if unread_mpn else None
    tantalum_code = coded is not None and coded.kind_words == "tantalum"
    unread = (unread_mpn and not tantalum_code) or _unread_code(line.value)
    if unread or _POLYMER_SAID.search(text) or _NOT_WET.search(text):
        return None  # a ceramic, niobium or polymer line on the same pads is another part
    spelt = f" {line.mpn}" if line.mpn.strip() and _value_codes_only(line.mpn) else ""  # '47UF10V' as the MPN
    said = stated_values(f"{line.value} {line.description}{spelt}")
    values = {v for k, v, _ in said if k == "capacitance"}
    if len(values) != 1:
        return None
    (value,) = values
    fp = parse_footprint(line.package)
    if fp is not None and fp.package.startswith("CASE-") and fp.kind == "polarized_capacitor":
        category, form = "tantalum", fp.package
        fits = lambda own: own is not None and own.package == fp.package  # noqa: E731
    else:
        size = _can_size(line, fp)
        if size is None:
            return None
        diameter, height, mounting = size
        category, form = "aluminum electrolytic", f"D{diameter:g}" + (f"×L{height:g}" if height else "") + " mm"

        def fits(own: Footprint | None) -> bool:
            if own is None or own.mounting != mounting or not own.body_mm or abs(own.body_mm[0] - diameter) > 0.15:
                return False
            return height is None or (len(own.body_mm) > 1 and abs(own.body_mm[1] - height) <= 0.3)

    voltage_said = any(k == "voltage_rating" for k, _, _ in said)
    if category != "tantalum" and not voltage_said:
        return None  # a can quoted at the highest voltage would be the tallest: the buyer says which
    pool = [
        p
        for p in engine.store.products(engine.store.with_attribute("capacitance", value, limit=5000))
        if category in p.category.lower()
        and not _POLYMER_PART.search(f"{p.category} {p.name} {p.description} {p.mpn}")
        and fits(listing_form(p))
        and not _rating_conflict(line, p)
    ]
    if not pool:
        return None
    note = f"matched by parameters ({format_quantity(value, 'F')}, {category}, {form})"
    if category != "tantalum":  # a can: the lowest of the stated size (its voltage is stated: checked above)
        heights = [(listing_form(p) or Footprint("")).body_mm[1:2] or (99.0,) for p in pool]
        low = min(h[0] for h in heights)
        pool = [p for p, h in zip(pool, heights) if h[0] == low]
        if "×L" not in form and low < 99:
            note += f"; height not stated: the lowest can, {low:g} mm: check"
    elif not voltage_said:
        volts = [(p.attribute("voltage_rating") or Attribute("voltage_rating", "")).value or 0.0 for p in pool]
        top = max(volts)
        pool = [p for p, v in zip(pool, volts) if v == top]
        note += f"; voltage not stated: quoted at the highest in this form, {format_quantity(top, 'V')}: check"
    return _best_listing(line, pool, note, "series", f"same value, {category} and form")


def _construction(product: Product) -> str:
    """A leaded resistor's construction as its listing states it ('Metal Oxide Film Resistor' is no metal film)."""
    stated = f"{(product.attribute('type') or Attribute('type', '')).raw} {product.name} {product.mpn}"
    for name in ("oxide", "wire", "cement", "metal film", "carbon"):
        if _CONSTRUCTIONS[name].search(stated) or (name == "oxide" and re.search(r"^MO\d|^RSF", product.mpn)):
            return name
    if re.search(r"^KNP|^KN\d", product.mpn):
        return "wire"
    return ""


def _number(product: Product, name: str) -> float | None:
    attr = product.attribute(name)
    return None if attr is None else attr.value


def _inductor_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """An inductor by its one inductance and its size: a chip code (0402, 0805, 1008: a 'RES0402' pad under an
    'INDUCTOR, RF, 27NH' line) or a body (LCEDA IND-SMD_L7.3-W6.6: within 0.15 mm each way); every stated rating
    (current, DCR, tolerance) met; with no current stated, the highest rated current of that value and size. A part
    number the catalog lacks is named in the note (its core, shielding and Q are not compared). None for another
    kind's words, two inductances, or a ferrite bead's ohms."""
    own = f"{line.value} {line.description}" + (f" {line.mpn}" if not _unread_code(line.mpn) else "")
    words = f"{own} {line.package}"
    if kind_of_text(own) not in ("inductor", "") or _designator_prefix(line) in _OTHER_KIND_PREFIXES:
        return None  # a 10 uH value on R7, Q7 or C5 is no inductor line
    if _NOT_ONE_INDUCTOR.search(words):
        return None  # a common-mode choke, a coupled inductor or a transformer is no single inductor
    fp = parse_footprint(line.package) or parse_footprint(extract_package(words) or "")
    said = stated_values(own)
    values = {v for k, v, _ in said if k == "inductance"}
    if len(values) != 1 or any(k == "resistance" and v > 1 for k, v, _ in said):
        return None  # none or two inductances; '600Ω@100MHz' is a bead's
    (value,) = values
    if fp is None or fp.mounting == "THT":
        return None
    chip = fp.package if fp.package in CHIP_CODES else ""
    body = tuple(sorted(fp.body_mm, reverse=True)) if len(fp.body_mm) == 2 and not chip else ()
    if not chip and not body:
        return None

    def fits(own: Footprint | None) -> bool:  # the listing's form: this size, two terminals
        if own is None or own.pins not in (None, 2):
            return False
        if chip:
            return own.package == chip
        have = tuple(sorted(own.body_mm, reverse=True))
        return len(have) == 2 and all(abs(a - b) <= 0.15 for a, b in zip(have, body))

    pool = [
        p
        for p in engine.store.products(engine.store.with_attribute("inductance", value, limit=5000))
        if _SINGLE_INDUCTOR.search(p.category) and fits(listing_form(p))
        and not _NOT_ONE_INDUCTOR.search(f"{p.name} {p.description} {p.package}") and not _rating_conflict(line, p)
    ]  # fmt: skip
    if not pool:
        return None
    form = chip or "×".join(f"{b:g}" for b in body) + " mm"
    note = f"matched by parameters ({format_quantity(value, 'H')}, inductor, {form})"
    if not any(k == "current_rating" for k, _, _ in said):
        currents = [_number(p, "current_rating") or 0.0 for p in pool]
        top = max(currents)
        pool = [p for p, c in zip(pool, currents) if c == top]
        if top:
            note += f"; current not stated: quoted at the highest of this value and size, {format_quantity(top, 'A')}"
    return _best_listing(line, pool, note, "core, shielding and Q", "same value, inductor and size")


def _can_size(line: BomLine, fp: Footprint | None) -> tuple[float, float | None, str] | None:
    """An electrolytic's can (diameter, height or None, mounting) from its footprint or the words, when the words
    call it electrolytic and name one can size and the mounting."""
    text = f"{line.value} {line.description} {line.package}"
    can_footprint = fp is not None and fp.kind == "polarized_capacitor" and "ELEC" in fp.text.upper()
    if not _ELECTROLYTIC_SAID.search(text) and not can_footprint:  # KiCad's CP_Elec_10x10.5 is an electrolytic's
        return None
    mounting = (fp.mounting if fp is not None else "") or _mounting_said(text)
    sizes = {(float(a), float(b)) for a, b in _CAN_SIZE.findall(line.package)}
    if fp is not None and fp.body_mm and fp.kind in ("capacitor", "polarized_capacitor"):
        diameter = fp.body_mm[0]
        height = fp.body_mm[1] if len(fp.body_mm) > 1 and fp.body_mm[1] > 2 else None  # not a lead's D0.6
        if re.match(r"CAP-SMD_BD", fp.text.upper()):
            height = None  # LCEDA's -L10.3-W10.3 of an SMD can is its base plate, not its height
    elif len(sizes) == 1:
        ((diameter, height_read),) = sizes
        height = height_read
    elif (m := re.search(r"(\d{1,2}(?:\.\d)?) ?mm diameter", text)) is not None:
        diameter, height = float(m.group(1)), None
    else:
        return None
    if not mounting or not any(abs(diameter - d) < 0.05 for d in _CAN_DIAMETERS):
        return None
    return diameter, height, mounting


def _mounting_said(text: str) -> str:
    if re.search(r"radial|axial|through[- ]hole|直插|插件|\bTHT?\b", text, re.I):
        return "THT"
    if re.search(r"\bSMD\b|\bSMT\b|贴片|V-?chip", text, re.I):
        return "SMD"
    return ""


def _led_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """An LED by its one stated colour and its footprint (a chip size, or a 3 / 5 mm through-hole lamp): the
    best-stocked listing that states both; None when the line does not state both."""
    # colour codes only in the value cell ('PNK'): LCEDA's 'LED0603-RD' pad is used for LEDs of any colour
    colours = extract_colours(f"{line.value} {line.description}") or extract_colours(line.value, codes=True)
    colours &= set(_LED_COLOURS)
    valued = extract_colours(line.value) & set(_LED_COLOURS)
    many = re.search(r"双色|三色|全彩|七彩|bi-?colou?r|tri-?colou?r|\brgb|multi-?colou?r", _line_text(line), re.I)
    if len(valued) == 1 and len(extract_colours(line.description)) >= 3 and not many:
        colours = valued  # Altium's generic 'Typical RED, GREEN, YELLOW, AMBER GaAs LED' beside a value 'BLUE'
    wanted = parse_footprint(line.package) or parse_footprint(extract_package(_line_text(line)) or "")
    if len(colours) != 1 or wanted is None or not (wanted.chip or wanted.package.startswith("LED-")):
        return None
    twins = _twins(engine, line.mpn) or [t for code in _value_codes(line) for t in _twins(engine, code)]
    if twins:  # the part itself under another reel / bin code, or its series in another size: not a generic LED
        note = f"{line.mpn} is not in the catalog; {twins[0].mpn} ({twins[0].package}) differs only in its last code: check"
        return _ambiguous(line, twins, note, via="similar MPN")
    colour = next(iter(colours))
    said = f"{line.value} {line.description}".lower()
    raws = _LED_COLOURS[colour]
    if colour == "white" and re.search(r"warm|暖白|cold|cool|冷白|正白|\d{4}\s*k\b", said):
        # a colour temperature the catalog states only as words: warm / cold white, or none to compare (3000K)
        raws = ("warm white",) if re.search(r"warm|暖白", said) else ("cold white", "cool white")
        if re.search(r"\d{4}\s*k\b", said) and not re.search(r"warm|暖白|cold|cool|冷白", said):
            return None
    skus: list[str] = []
    for name in ("illumination_color", "emitted_color"):
        for raw in raws:
            skus += engine.store.with_attribute(name, raw, limit=5000, package=wanted.chip or None)
    pool = []
    for product in engine.store.products(sorted(set(skus))):
        category = product.category.lower()
        if not category_fits("led", category) or any(
            w in category for w in ("organic", "display", "infrared", "driver")
        ):
            continue
        own = parse_footprint(product.package)
        if own is None or contradiction(wanted, own):
            continue
        if wanted.chip and own.chip != wanted.chip:
            continue
        lamp = own.package == wanted.package or bool(own.body_mm and abs(own.body_mm[0] - _lamp_mm(wanted)) <= 0.1)
        if not wanted.chip and (own.mounting != "THT" or not lamp):
            continue
        pool.append(product)
    if not pool:
        return None
    note = f"matched by parameters (LED, {colour}, {wanted.package})"
    return _best_listing(line, pool, note, "brightness and wavelength", "same colour and package")


def _twins(engine: SearchEngine, mpn: str) -> list[Product]:
    """Listings whose code is `mpn` but for its last segment ('19-217/R6C-AL1M2VY/6T' for '…/3T'); asked only for
    a part number the catalog does not list (the codes were looked up first)."""
    head = re.split(r"[/-](?=[^/-]*$)", mpn.strip(), maxsplit=1)[0]
    if not _is_code(mpn) or _value_codes_only(mpn) or head == mpn.strip() or len(normalize_code(head)) < 5:
        return []
    skus = [sku for sku, _ in engine.similar_codes(mpn, cutoff=FUZZY_MPN)]
    return [p for p in engine.store.products(skus) if normalize_code(p.mpn).startswith(normalize_code(head))]


# A value the designer left open: a cell of question marks, or words ending in one ('color?'), TBD, 待定; not a '?'
# after a number ('10K?', '?1%': a mangled 'Ω' or '±') nor one inside a description.
_TBD = re.compile(r"(?<![a-z])tbd(?![a-z])|待定", re.I)
_UNDECIDED = re.compile(rf"^\s*\?+\s*$|^[^\d?]*\?\s*$|{_TBD.pattern}", re.I)  # 'color?', '?', not '10K?'

_BEAD_WORDS = re.compile(r"ferrite|\bbeads?\b|磁珠", re.I)


def _bead_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A ferrite bead by its impedance at 100 MHz (what '220R' / '600Ω' on a bead line means), its chip size and
    any current it states (as a minimum): the best-stocked listing; None when the line does not state both."""
    text = f"{line.value} {line.description}"
    ohms = [v for key, v, _ in extract_quantities(text) if key == "resistance"]
    amps = [v for key, v, _ in extract_quantities(text) if key == "current_rating"]
    wanted = parse_footprint(line.package) or parse_footprint(extract_package(text) or "")
    if len(set(ohms)) != 1 or wanted is None or not wanted.chip:
        return None
    skus = engine.store.with_attribute("impedance_frequency", ohms[0], limit=5000, package=wanted.chip)
    pool = []
    for product in engine.store.products(skus):
        attr = product.attribute("impedance_frequency")
        own = parse_footprint(product.package)
        if "ferrite bead" not in product.category.lower() or attr is None or "100mhz" not in attr.raw.lower():
            continue
        if own is None or own.chip != wanted.chip:
            continue
        current = product.attribute("current_rating")
        if amps and (current is None or current.value is None or current.value < max(amps) * (1 - 1e-9)):
            continue
        pool.append(product)
    if not pool:
        return None
    if _is_code(line.mpn) and not _value_codes_only(line.mpn):  # its current and DC resistance are unread
        pool.sort(key=lambda p: (-((p.attribute("current_rating") or Attribute("", "")).value or 0.0), _price(p)))
    else:
        pool.sort(key=lambda p: ((p.stock or 0) < (line.quantity or 1), _price(p), p.sku))
    shown = format_quantity(ohms[0], "Ω") + " @ 100 MHz" + (f", ≥ {format_quantity(max(amps), 'A')}" if amps else "")
    note = f"matched by parameters (ferrite bead, {shown}, {wanted.chip})"
    others = tuple(Hit(p, 0.7, ("same impedance and size",)) for p in pool[1:MAX_CANDIDATES])
    return LineMatch(line, "parametric", 0.75, pool[0], others, "parameters", note)


# Words that make a line on a header footprint another part: a shrouded / IDC / crimp connector, or a module,
# display or board plugged into it.
_NOT_PLAIN_HEADER = re.compile(
    r"\bidc\b|shroud|\bbox\b|牛角|简牛|\bjst\b|\bmolex\b|\bpicoblade\b|\busb\b|module|模块|\boled\b|\blcd\b|display"
    r"|ic ?座|ic ?socket|圆孔|machined|round ?pin"
    r"|sensor|传感器|arduino|\besp\d|board|screen|屏|battery|电池|terminal|端子",
    re.I,
)


_KICAD_GENERIC_CONNECTOR = re.compile(r"\s*Generic (?:connector|screw terminal), (?:single|double) row", re.I)
# Header footprints of libraries that hold 0.1" (2.54 mm) headers only: Altium's Miscellaneous Connectors
# ('HDR1X4', right angle 'HDR1X4H') and Eagle's pinhead library ('PINHD-1X2', right angle 'PINHD-1X2/90').
_HUNDRED_MIL_LIBRARY = re.compile(r"\s*(?:M?HDR\d{1,2}X\d{1,3}H?|PINHD-\d{1,2}X\d{1,3}(?:/90)?)\s*", re.I)


def _header_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A plain pin header or female header by what its footprint states (rows x pins, pitch, mounting, straight or
    right angle; KiCad's PinHeader_2x05_P2.54mm_Vertical, LCEDA's HDR-F-2.54_1x10): the best-stocked listing that
    states the same form; None when the footprint does not state it all or the line names another part."""
    fp = parse_footprint(line.package)
    if fp is None or fp.kind not in ("header", "socket", "connector") or not (fp.rows and fp.pins and fp.pitch_mm):
        return None
    rows, pins, pitch = fp.rows, fp.pins, fp.pitch_mm
    # KiCad's generic connector symbols ('Generic connector, single row, 01x05') carry a net name as the value
    # ('LED3_IN', 'GND'): it names no part
    value = "" if _KICAD_GENERIC_CONNECTOR.match(line.description) else line.value
    said = f"{line.mpn} {value} {line.description}"
    if _NOT_PLAIN_HEADER.search(said) or kind_of_text(said) not in ("", "header", "socket", "connector"):
        return None  # an OLED module or a JST connector on a header footprint is not a header
    form = form_of_text(f"{line.package} {said}")
    if fp.kind == "connector" and form is not None and form.kind in ("header", "socket"):
        fp = replace(fp, kind=form.kind)  # KiCad's bare '1x03_P2.54mm_Vertical': 'PinHeader' / 'PinSocket' says which
    if form is None or form.kind != fp.kind:
        return None  # LCEDA's 'HDR-TH_8P-P2.54-V' says neither pins nor socket (its -M / -F twins do)
    if (
        form.pitch_mm is None
        and not re.search(r"\d\.\d", line.package)
        and not _HUNDRED_MIL_LIBRARY.fullmatch(line.package)
    ):
        return None  # 'HDR-2x8': the pitch is a library's habit, not stated
    said_angle = angled(line.package)
    said_angle = angled(said) if said_angle is None else said_angle
    per_row = pins // rows
    words = f"{_KIND_SEARCH_WORDS[fp.kind]} {rows}x{per_row:02d} pitch {pitch:g}mm"
    words += " SMD" if fp.mounting == "SMD" else " through hole"
    if said_angle is None and _HUNDRED_MIL_LIBRARY.fullmatch(line.package):
        # Eagle's 'PINHD-1X2', Altium's 'HDR1X3' stand for any 0.1" header (a Pmod's right-angle socket sits on
        # HDR2X6): straight or right angle is not said: a question, with both kinds to choose from
        both = _header_pool(engine, fp, words, False)[:3] + _header_pool(engine, fp, words, True)[:2]
        if not both:
            return None
        hits = tuple(Hit(p, 0.5, ("same rows, pins and pitch",)) for p in both)
        note = "straight or right angle? The footprint does not say"
        return LineMatch(line, "ambiguous", 0.5, None, hits, "parameters", note)
    # A footprint that names its pitch and form marks the right-angle twin when it is one (KiCad's '_Horizontal',
    # LCEDA's '-H-', 弯针, 'R/A', '/90'): without the mark it is the straight one
    wanted_angle = bool(said_angle)
    pool = _header_pool(engine, fp, words, wanted_angle)
    if not pool:
        return None
    shape = f"{fp.rows}x{per_row}, {fp.pitch_mm:g} mm, {'right angle' if wanted_angle else 'straight'}"
    if said_angle is None:
        shape += ", no right-angle mark"
    note = f"matched by parameters ({'female header' if fp.kind == 'socket' else 'pin header'} {shape})"
    return _best_listing(line, pool, note, "pin length and plating", "same rows, pins, pitch and mounting")


_IC_SOCKET_SAID = re.compile(
    r"(?<![A-Za-z])IC\s*(?:插?座|socket)|芯片座|集成电路座|DIP\s*(?:插?座|socket)|\bsocket\b.*\bDIP\b", re.I
)
_DIP_SWITCH_SAID = re.compile(r"DIP[-_ ]?SW|DIP\s*switch|拨码", re.I)
# sockets and switches that are not the plain DIP kind: ZIF / SMD-package sockets, rotary (BCD / hex) switches
_NOT_PLAIN_DIP = re.compile(r"ZIF|锁紧|SOP|SOIC|PLCC|QFN|\bSIP|test|burn|老化|旋转|rotary|BCD|\bhex\b|8421", re.I)
# a socket's pins ('14Pin', '16P', 'DIP-16', '16脚'); a switch's positions ('8位', '4路', '8 Position', 'DIP-SW-8P'),
# never a grid ('2x8P') nor a switch's pins ('DIP-8' is four positions)
_PINS_SAID = re.compile(r"(?<![\d.xX×*])(\d{1,2})\s*(?:P|PIN|PINS|脚|针)(?![A-Za-z0-9])|DIP-?(\d{1,2})(?!\d)", re.I)
_POSITIONS_SAID = re.compile(r"(?<![\d.xX×*])(\d{1,2})\s*(?:P|POS|positions?|位|路)(?![A-Za-z0-9])", re.I)
_NARROW_SAID = re.compile(r"窄|narrow|300\s*mil|7\.62", re.I)
_WIDE_SAID = re.compile(r"宽|wide|600\s*mil|15\.24", re.I)


def _dip_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A DIP IC socket ('14Pin' 'IC座', 'DIP-16 IC socket') or a DIP switch ('DIP-SW-8P', '8位拨码开关') by what its
    words state: a socket's pins in the row spacing JEDEC gives that count (7.62 mm up to 20 pins, 15.24 mm from 36;
    22 to 32 pins come in more than one: a question unless the words say which); a switch's positions, SMD or
    through hole as said, at the stated pitch (2.54 mm unless 1.27 / half pitch is said). Never a ZIF, SOP or test
    socket, nor a rotary (BCD / hex) switch. The contact kind (machined round / stamped square holes) and a
    switch's actuator are left to the check note."""
    if any(_unread_code(c) and not _PINS_SAID.fullmatch(c.strip()) and not _DIP_SWITCH_SAID.match(c)
           for c in (line.mpn, line.value)):  # fmt: skip
        return None  # a maker's number the catalog lacks ('219-2MSTR' on 'CTS_219-2_SMT'; not '14Pin', 'DIP-SW-8P')
    words = f"{line.value} {line.description} {line.package} {line.mpn}"
    socket, switch = bool(_IC_SOCKET_SAID.search(words)), bool(_DIP_SWITCH_SAID.search(words))
    if socket == switch or _NOT_PLAIN_DIP.search(words):
        return None
    if _designator_prefix(line) not in ("", "U", "IC", "J", "X", "SW", "S", "K"):
        return None
    said = _PINS_SAID if socket else _POSITIONS_SAID
    counts = {int(next(g for g in m.groups() if g)) for m in said.finditer(words)}
    if len(counts) != 1:
        return None  # no count, or two ('8P DIP-16'): which one the line means is not plain
    (count,) = counts
    smd = (form := form_of_text(words)) is not None and form.mounting == "SMD"
    pitch = 1.27 if re.search(r"1\.27|half[ -]?pitch|半间距", words, re.I) else 2.54
    narrow, wide = bool(_NARROW_SAID.search(words)), bool(_WIDE_SAID.search(words))
    if socket and not (narrow or wide):  # JEDEC: up to 20 pins narrow, 22 to 32 both (and 400 mil), 36 up wide
        if 22 <= count <= 32:
            narrow = wide = False
        else:
            narrow, wide = count <= 20, count >= 36
    pool = []
    store = engine.store
    # the catalog states a DIP switch's positions as a number ('8'), a socket's as text ('14P')
    skus = store.with_attribute("number_of_positions", count, limit=20_000)
    skus += store.with_attribute("number_of_positions", f"{count}P", limit=20_000)
    for product in store.products(list(dict.fromkeys(skus))):
        category = product.category.lower()
        if socket:
            if not re.search(r"ic sockets|ic / transistor socket|sockets for ics", category):
                continue
            if canonical(footprint_package(product.package) or product.package) != f"DIP-{count}":
                continue
            rows = _number(product, "row_spacing")
            if rows is None or (narrow and abs(rows - 7.62) > 0.1) or (wide and abs(rows - 15.24) > 0.1):
                continue
        else:
            offered = listing_form(product)
            if "dip switch" not in category or offered is None or not offered.mounting:
                continue  # a listing whose mounting is not stated ('-') is not known to fit
            if (offered.mounting == "SMD") != smd or abs((_number(product, "lead_pitch") or 2.54) - pitch) > 0.01:
                continue
        pool.append(product)
    if not pool:
        return None
    if socket and not (narrow or wide):
        note = f"DIP-{count} sockets come in more than one row spacing (7.62 / 10.16 / 15.24 mm): which one?"
        return _ambiguous(line, pool, note, via="parameters (row spacing not stated)")
    shape = f"DIP-{count} IC socket" if socket else f"{count}-position DIP switch, {'SMD' if smd else 'through hole'}"
    note = f"matched by parameters ({shape}, {pitch:g} mm)"
    unstated = "contact kind (round / square holes)" if socket else "actuator (slide / piano) and colour"
    return _best_listing(line, pool, note, unstated, "same kind, count and mounting")


# KiCad TerminalBlock footprints of fixed PCB screw terminals (the generic 'bornier', Phoenix MKDS / MPT / PT,
# 4Ucon, Altech AK, CUI TB); spring-clamp (Wago, Phoenix PTSM) and pluggable ones are other parts.
_SCREW_TERMINAL_FOOTPRINT = re.compile(
    r"TERMINALBLOCK(?:_[A-Z0-9]+)?[:_](?:TERMINALBLOCK_)?(?:BORNIER|PHOENIX_(?:MKDS|MPT|PT-)|4UCON|ALTECH_AK|CUI_TB)",
    re.I,
)
# words that name another kind of block or part than a fixed straight PCB screw terminal
_NOT_SCREW_TERMINAL = re.compile(
    r"plug|插拔|spring|弹簧|push|wago|barrier|栅栏|right[ -]?angle|90\s*°|弯|SMD|贴片|header|排针|排母|fuse|保险|"
    r"euro|PTSM|wire[ -]to[ -]board|rail|导轨",
    re.I,
)
_POLES_SAID = re.compile(r"(\d{1,2})\s*(?:P|pin|pins|pole|poles|way|位|脚|针)(?![A-Za-z0-9])|1x0?(\d{1,2})(?!\d)", re.I)
_PITCH_SAID = re.compile(r"(?<![\d.])(\d(?:\.\d{1,2})?)\s*mm", re.I)
# a terminal block's own number in a value cell ('KF2EDGK-5.08-2P', 'DG301-5.0-02P', '1935161'), not a net name
# ('OUTPUT 1', 'LED3_IN', '24V INPUT')
_BLOCK_NUMBER = re.compile(r"[A-Za-z]*\d[\w.]*-[\w.\-]*\d|\d{6,}")


def _terminal_block_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A PCB screw terminal block by what its KiCad footprint states ('TerminalBlock_bornier-2_P5.08mm': 2 poles,
    5.08 mm, through hole, wire entry from the side): the best-stocked screw terminal listing with those poles in
    one row, that pitch (5.0 is not 5.08: the error adds up along the row), through hole and straight pins. None for a
    vertical (top-entry) footprint, words naming another kind (pluggable, spring, barrier, right angle, SMD, a header
    or fuse holder), a pole count or pitch in the words that the footprint does not have, or a part number of the
    line's own (digits only too: Phoenix '1935161')."""
    fp = parse_footprint(line.package)
    if fp is None or not _SCREW_TERMINAL_FOOTPRINT.match(fp.text) or not (fp.pins and fp.pitch_mm):
        return None
    if fp.orientation == "vertical" or _is_code(line.mpn) or _BLOCK_NUMBER.search(line.value):
        return None
    # KiCad's generic symbol names the block by its grid ('01x02') and carries a net name as the value
    words = f"{line.value} {line.description}"
    if _NOT_SCREW_TERMINAL.search(words) or _NOT_SCREW_TERMINAL.search(line.mpn):
        return None
    if not _KICAD_GENERIC_CONNECTOR.match(line.description) and _unread_code(line.value):
        return None  # a maker's number in the value: that part, not any one
    poles = {int(next(g for g in m.groups() if g)) for m in _POLES_SAID.finditer(words)}
    pitches = {float(m.group(1)) for m in _PITCH_SAID.finditer(words)}
    if poles - {fp.pins} or any(abs(p - fp.pitch_mm) > 0.02 for p in pitches):
        return None  # 'Screw terminal 3 pole' or '5.0mm pitch' on a 2-pole 5.08 mm footprint: which one?
    pool = []
    for product in engine.store.products(engine.store.with_attribute("number_of_pins_per_row", fp.pins, limit=20_000)):
        if not re.search(r"screw terminal", product.category, re.I) or "capacitor" in product.category.lower():
            continue
        pitch, rows = _number(product, "pitch"), _number(product, "number_of_rows")
        mounting = product.attribute("mounting_type")
        style = product.attribute("mounting_style")
        if pitch is None or abs(pitch - fp.pitch_mm) > 0.02 or rows not in (None, 1):
            continue
        if mounting is None or "through" not in mounting.raw.lower():
            continue
        if style is not None and re.search(r"right|bend|弯|90", style.raw, re.I):
            continue
        pool.append(product)
    if not pool:
        return None
    note = f"matched by parameters (PCB screw terminal block, {fp.pins} poles, {fp.pitch_mm:g} mm, through hole)"
    return _best_listing(line, pool, note, "current and voltage rating, wire size and colour", "same poles and pitch")


_ZENER_SAID = re.compile(r"zener|齐纳|稳压(?:二极)?管|稳压二极", re.I)
# words of another kind of part a zener rule must not answer: regulators and shunt references (a TL431 / AZ431 is
# '稳压管' in many Chinese BOMs), TVS / ESD parts, varistors, Schottky and rectifier diodes, LEDs, dual zeners
_NOT_A_ZENER = re.compile(
    r"regulator|LDO|稳压(?:芯片|IC|器)|三端|reference|基准|shunt|TL431|431|TVS|transient|瞬态|ESD|静电|varistor|"
    r"\bMOV\b|压敏|schottky|肖特基|rectifier|整流|\bLED\b|发光|bidirectional|双向|dual|双|pair|common|共阳|共阴",
    re.I,
)
# a zener voltage in RKM form ('5V1', '3V3', 'Z5V6', '12V'), the whole value cell
_ZENER_RKM = re.compile(r"\s*Z?(\d{1,3})V(\d{1,2})?\s*", re.I)
# zener series whose number carries the voltage ('MM3Z3V9', 'BZT52C5V1', 'BZX84-C12', 'MMSZ5231B', '1N4733A')
_ZENER_SERIES = re.compile(
    r"(?:SZ)?(?:MM3Z|MMSZ|BZT52|BZX\d{2}|BZV\d{2}|ZMM|ZMY|PDZ|UDZ|TDZ|RLZ|EDZ|1N47\d\d|1N52\d\d)", re.I
)


def _zener_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A zener diode by its one voltage and the package its footprint names ('12V' under 'Zener diode' on
    D_SOD-323, '稳压管 5V1' on SOD-123, designator ZD1 '3V3' on SOT-23): listings of single zeners stating that
    nominal voltage, in that package; a stated power is a minimum and a stated tolerance a maximum (listings that
    state one meeting it first; when the pick does not state it, the note says so). A maker's number the catalog
    lacks is taken only from a zener series whose number carries that voltage ('MM3Z3V9' '3.9V 5%'); None for words
    of another kind (a regulator or shunt reference, TVS, ESD, varistor, Schottky, LED, a dual zener), no or two
    voltages, or no package."""
    words = f"{line.value} {line.description}"
    rkm = _ZENER_RKM.fullmatch(line.value)
    said = bool(_ZENER_SAID.search(words)) or _designator_prefix(line) in ("Z", "ZD", "DZ")
    said = said or (rkm is not None and line.value.strip()[:1] in "Zz")  # D3 'Z3V3'
    if not said or _NOT_A_ZENER.search(f"{words} {line.mpn}"):
        return None
    values = stated_values(words)
    volts = {v for k, v, _ in values if k == "voltage_rating"}
    if not volts and rkm is not None:
        volts = {float(f"{rkm.group(1)}.{rkm.group(2) or 0}")}
    if len(volts) != 1 or (_unread_code(line.value) and rkm is None):
        return None
    (volt,) = volts
    if _is_code(line.mpn) and not _zener_number_says(line.mpn, volt):
        return None  # 'AZ431AN-ATRE1' '2.5V' 稳压管 is a shunt regulator, not a 2.5 V zener
    wanted = parse_footprint(line.package) or parse_footprint(_said_package(line))
    if wanted is None or not specific(wanted.package):
        return None
    power = max((v for k, v, _ in values if k == "power"), default=None)
    tolerance = min((v for k, v, _ in values if k == "tolerance"), default=None)
    pool = []
    for product in engine.store.products(engine.store.with_attribute("zener_voltage_nom", volt, 1e-3, _POOL_LIMIT)):
        if "zener" not in product.category.lower():
            continue
        config = product.attribute("diode_configuration")
        if config is not None and not re.fullmatch(r"\s*(?:1\s+independent|single|standalone)\s*", config.raw, re.I):
            continue  # '1 Pair Common Anode' (AZ23C, BZB784) is two zeners with another pinout
        own = listing_form(product)
        if own is None or not own.package or contradiction(wanted, own):
            continue
        # a listing stating less power or a wider tolerance is left out; one not stating them is kept, noted
        rated, spread = _number(product, "power"), _number(product, "tolerance")
        if power is not None and rated is not None and rated < power - 1e-9:
            continue
        if tolerance is not None and spread is not None and spread > tolerance + 1e-9:
            continue
        pool.append(product)
    if not pool:
        return None
    if tolerance is not None:  # those that state a tolerance meeting it, when any does
        pool = [p for p in pool if _number(p, "tolerance") is not None] or pool
    note = f"matched by parameters (zener diode {volt:g} V, {wanted.package})"
    match = _best_listing(line, pool, note, "power and tolerance", "same zener voltage and package")
    chosen = match.product
    if chosen is None:
        return match
    unstated = [f"tolerance {tolerance:g}%"] if tolerance is not None and _number(chosen, "tolerance") is None else []
    unstated += ["power"] if power is not None and _number(chosen, "power") is None else []
    if unstated:
        match = replace(match, note=f"{match.note}; {' and '.join(unstated)} not stated by the part: check")
    return match


def _zener_number_says(mpn: str, volt: float) -> bool:
    """Whether a zener series number carries `volt` ('MM3Z3V9' 3.9 V, 'BZX84-C12' 12 V, 'BZT52C5V1S' 5.1 V); the
    JEDEC 1N47xx / 1N52xx and MMSZ52xx numbers say no voltage in their digits, so they are not read as saying it."""
    code = normalize_code(mpn)
    if not _ZENER_SERIES.match(code):
        return False
    found = re.search(r"(\d{1,3})V(\d{0,2})", code) or re.search(r"[BC](\d{1,3})()(?![\dV])", code[4:])
    return found is not None and abs(float(f"{found.group(1)}.{found.group(2) or 0}") - volt) < 1e-6


def _leaded_match(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A leaded resistor or ceramic capacitor by its value and the form its footprint states: a resistor's body
    (KiCad R_Axial_DIN0207_L6.3mm_D2.5mm, LCEDA RES-TH_BD2.3-L6.5, Eagle 0204/5: 1.8 x 3.6 mm) within a fifth, a
    capacitor's lead pitch (Eagle C025-025X050, KiCad C_Disc_…_P2.50mm); None when the footprint states neither or
    the line names no single value."""
    fp = parse_footprint(line.package)
    if fp is None or fp.mounting != "THT" or fp.kind not in ("resistor", "capacitor"):
        return _axial_by_power(engine, line) if fp is None or fp.mounting == "THT" else None
    key = "resistance" if fp.kind == "resistor" else "capacitance"
    said = {(v, u) for k, v, u in stated_values(f"{line.value} {line.description}") if k == key}
    if not said and key == "resistance" and _BARE_NUMBER.fullmatch(line.value.strip()):
        said = {(float(line.value.strip()), "Ω")}  # '10' on an R-US_0204/5 footprint: 10 Ω
    if (
        len(said) != 1
        or (fp.kind == "resistor" and len(fp.body_mm) != 2)
        or (fp.kind == "capacitor" and not fp.pitch_mm)
    ):
        return None
    ((value, unit),) = said
    if fp.kind == "capacitor" and _NOT_CERAMIC.search(_line_text(line)):
        return None  # a film, safety (X2 / Y1), electrolytic or tantalum capacitor on the same pads is no MLCC
    category = "through hole resistor" if fp.kind == "resistor" else "mlcc - leaded"
    pool = []
    for product in engine.store.products(engine.store.with_attribute(key, value, limit=5000)):
        offered = listing_form(product)
        if category not in product.category.lower() or offered is None or offered.mounting != "THT":
            continue
        if _rating_conflict(line, product):
            continue  # a stated voltage or power the part does not serve
        if fp.kind == "resistor":
            if len(offered.body_mm) != 2 or any(
                abs(a - b) > 0.2 * b for a, b in zip(sorted(offered.body_mm), sorted(fp.body_mm))
            ):
                continue
        elif offered.pitch_mm is None or abs(offered.pitch_mm - (fp.pitch_mm or 0)) > 0.1:
            continue
        pool.append(product)
    if not pool:
        return None
    form = f"body {'×'.join(f'{b:g}' for b in fp.body_mm)} mm" if fp.kind == "resistor" else f"pitch {fp.pitch_mm:g} mm"
    note = f"matched by parameters ({format_quantity(value, unit)}, leaded, {form})"
    return _best_listing(line, pool, note, "power and tolerance", "same value, mounting and form")


_NOT_FIXED = re.compile(
    r"trim|\bpot|potentiometer|rheostat|thermistor|\bNTC\b|\bPTC\b|varistor|\bMOV\b|fus|flame ?proof|电位器|可调|"
    r"热敏|压敏|保险|variable|adjustable|preset|\bLDR\b|photo|光敏|network|array|bussed|isolated|\bSIP|\bDIP|排阻",
    re.I,
)
_RESISTOR_SAID = re.compile(r"resistor|(?<![a-z])res(?![a-z])|电阻", re.I)
# carbon film, a construction only leaded resistors have (Jameco's 'RES,CF,5.1K OHM,1/4 WATT')
_CARBON_FILM = r"carbon film|碳膜|\bRES\W{0,2}CF\b"
# what a leaded resistor is made of: a stated one is a hard filter, an unstated one excludes the special kinds
_CONSTRUCTIONS = {
    "carbon": re.compile(_CARBON_FILM, re.I),
    "metal film": re.compile(r"metal film|金属膜", re.I),
    "oxide": re.compile(r"metal oxide|oxide film|氧化膜", re.I),
    "wire": re.compile(r"wire ?wound|线绕|non[- ]?inductive", re.I),
    "cement": re.compile(r"cement|水泥", re.I),
}
# JST-style wire-to-board series: '…A' is the board header (卖家叫插座), '…Y' the cable housing (插头, 胶壳).
_JST_BOARD_PART = re.compile(r"(?<![A-Z0-9])(?:XH|PH|ZH|EH|VH|SH|GH)[-_ ]?\d{1,2}A(?![A-Z0-9])", re.I)
_PLUG_SAID = re.compile(r"插头|胶壳|线端|(?<![a-z])(?:plug|housing)(?![a-z])", re.I)
_OTHER_KIND_PREFIXES = frozenset(
    {"R", "RN", "C", "Q", "U", "IC", "D", "J", "P", "SW", "S", "Y", "X", "F", "LED", "K", "T"}
)
_SINGLE_INDUCTOR = re.compile(r"/ (?:Power Inductors|Inductors \(SMD\))$", re.I)
_NOT_ONE_INDUCTOR = re.compile(
    r"common[ -]?mode|共模|coupled|耦合|(?<![a-z])cmc(?![a-z])|transformer|变压器|choke|扼流|(?<![a-z])dual(?![a-z])|"
    r"SMD-4P|4P(?![a-z0-9])",
    re.I,
)
# Digi-Key's numbers start with the maker's supplier prefix ('541-10.0KHCT-ND' is a Vishay Dale resistor): an opaque
# number still names its maker, so a part chosen by value is that maker's where the catalog lists one (a preference
# among parts that meet the line, never a stated maker that rules other listings out).
_DIGIKEY_MAKERS: tuple[tuple[str, str], ...] = (
    ("541-", "Vishay Dale"), ("311-", "Yageo"), ("1276-", "Samsung Electro-Mechanics"), ("399-", "KEMET"),
    ("445-", "TDK"), ("490-", "Murata"), ("587-", "Taiyo Yuden"), ("478-", "AVX"), ("296-", "Texas Instruments"),
    ("497-", "STMicroelectronics"), ("568-", "NXP"), ("1727-", "Nexperia"), ("160-", "Lite-On"),
    ("754-", "Kingbright"), ("732-", "Wurth Elektronik"),
)  # fmt: skip


def _either_numbers(cell: str) -> tuple[str, ...]:
    """Two part numbers of one family written as alternatives ('STM32F030F6/STM32F042F6'), or part numbers listed
    with commas ('ICL7660M/TR,LM393'), else (): both sides of a slash six characters or more and alike in their
    first four, so 'LM1117MPX-3.3/NOPB' or 'GP560/10-15' stay one number."""
    listed = tuple(p.strip() for p in cell.split(","))
    if len(listed) > 1 and all(
        len(normalize_code(p)) >= 4 and _is_code(p) and looks_like_part_number(p) for p in listed
    ):
        return listed  # 'ICL7660M/TR,LM393': two chips on one line (not NXP's 'PCA9306D,118' reel code)
    parts = tuple(p.strip() for p in cell.split("/"))
    if len(parts) != 2 or not all(len(normalize_code(p)) >= 6 and looks_like_part_number(p) for p in parts):
        return ()
    return parts if normalize_code(parts[0])[:4] == normalize_code(parts[1])[:4] else ()


def _digikey_maker(code: str) -> str:
    code = code.strip().upper()
    if not code.endswith("-ND"):
        return ""
    return next((name for prefix, name in _DIGIKEY_MAKERS if code.startswith(prefix)), "")


_MOUSER_NUMBER = re.compile(r"\d{2,3}-([A-Za-z][A-Za-z0-9\-./#,]{4,40})")
# a leaded body, or a construction only leaded resistors have
_AXIAL_SAID = re.compile(rf"\baxial\b|through[- ]hole|\bTHT?\b|直插|插件|卧式|{_CARBON_FILM}", re.I)


def _axial_by_power(engine: SearchEngine, line: BomLine) -> LineMatch | None:
    """A leaded resistor a line describes by its value, power and mounting, with no footprint ('RES 39 OHM 1W 5%
    AXIAL', Mouser's 'Carbon Film Resistors - Through Hole 1.2K ohm 1/4W'): the through-hole resistors of that
    value in the lowest power class that serves the stated power (a 1/4 W line gets a 1/4 W body, not a 3 W
    one), meeting the stated tolerance. None unless the words name a resistor, its mounting, one value and a
    power: the power is what sizes a leaded resistor's body."""
    words = f"{line.value} {line.description} {line.package}"
    if not _AXIAL_SAID.search(words) or kind_of_text(words) not in ("resistor", "") or _NOT_FIXED.search(words):
        return None  # a thermistor, trimmer, potentiometer, fusible resistor or network states ohms too
    prefix = _designator_prefix(line)
    if prefix not in ("R", "") or (not prefix and not _RESISTOR_SAID.search(words)):
        return None  # with no designator, the words must name a resistor ('DC motor 1W 10 ohm' is none)
    said = stated_values(f"{line.value} {line.description}")
    values = {v for k, v, _ in said if k == "resistance"}
    power = [v for k, v, _ in said if k == "power"]
    if len(values) != 1 or len(power) != 1:
        return None
    (value,) = values
    rated = [
        (p, own)
        for p in engine.store.products(engine.store.with_attribute("resistance", value, limit=5000))
        if "through hole resistor" in p.category.lower()
        and (own := _number(p, "power")) is not None
        and own >= power[0] - 1e-9
        and not _rating_conflict(line, p)
    ]
    built = [name for name, words_re in _CONSTRUCTIONS.items() if words_re.search(words)]
    if len(built) > 1:
        return None
    # 'Carbon Film Resistors', 金属膜: a part of another construction is another part; with none said, no
    # wirewound (inductive), metal oxide or cement part, and no vertical (P=) body for an axial line
    rated = [(p, w) for p, w in rated if _construction(p) == (built[0] if built else _construction(p))]
    if not built:
        rated = [(p, w) for p, w in rated if _construction(p) in ("carbon", "metal film", "")]
    rated = [(p, w) for p, w in rated if "P=" not in p.package]
    if not rated:
        return None
    lowest = min(w for _, w in rated)
    pool = [p for p, w in rated if abs(w - lowest) < 1e-9]
    note = f"matched by parameters ({format_quantity(value, 'Ω')}, leaded, {format_quantity(power[0], 'W')})"
    if lowest > power[0] + 1e-9:
        note += f"; no {format_quantity(power[0], 'W')} part: {format_quantity(lowest, 'W')}, a larger body: check"
    return _best_listing(line, pool, note, "body size", "same value, mounting and power")


_NOT_CERAMIC = re.compile(
    r"film|polyester|polypropylene|\b(?:MKT|MKP|CBB\d*|X[12]|Y[12])\b|safety|安规|薄膜|涤纶|电解|钽|electrolytic|tantal",
    re.I,
)


def _header_pool(engine: SearchEngine, fp: Footprint, words: str, wanted_angle: bool) -> list[Product]:
    """Listings of the footprint's header kind with its rows, pins, pitch, mounting and orientation."""
    pool = []
    for hit in engine.search(words + (" right angle" if wanted_angle else ""), k=60, codes=False):
        product = hit.product
        offered = listing_form(product)
        category = product.category.lower()
        kind = "socket" if "female header" in category else ("header" if "pin header" in category else "")
        if offered is None or kind != fp.kind:
            continue
        if (offered.rows, offered.pins, offered.mounting) != (fp.rows, fp.pins, fp.mounting):
            continue
        if offered.pitch_mm is None or fp.pitch_mm is None or abs(offered.pitch_mm - fp.pitch_mm) > 0.02:
            continue
        listing_angle = angled(f"{product.package} {product.mpn} {product.name} {product.description}")
        if bool(listing_angle) != wanted_angle:
            continue
        pool.append(product)
    return sorted(pool, key=lambda p: (-(p.stock or 0), p.sku))


def _with_look_alikes(match: LineMatch, alike: Sequence[Hit]) -> tuple[Hit, ...]:
    """A parametric match's candidates, then the part numbers like the BOM's that do not contradict a value or
    rating the line states (CFR-25JR-52-20K is no look-alike to offer for a 10 kΩ line), each part once."""
    seen = {h.product.sku for h in match.candidates} | {match.product.sku if match.product else ""}
    said = [(k, v) for k, v, _ in stated_values(f"{match.line.value} {match.line.description}") if k in _PART_VALUES]
    extra = []
    wanted = parse_footprint(match.line.package)
    for hit in alike:
        own = [hit.product.attribute(k) for k, _ in said]
        if hit.product.sku in seen or _rating_conflict(match.line, hit.product):
            continue
        if wanted is not None and contradiction(wanted, listing_form(hit.product)):
            continue  # another size: SLW4012S220MST (4 x 4 mm) beside a 3 x 3 mm pad
        if any(a is not None and a.value is not None and not _close_value(a.value, v) for a, (_, v) in zip(own, said)):
            continue
        seen.add(hit.product.sku)
        extra.append(hit)
    return (match.candidates + tuple(extra))[:MAX_CANDIDATES]


_PART_VALUES = frozenset({"resistance", "capacitance", "inductance", "frequency"})  # what a part is, not its ratings


def _which_package(line: BomLine, code: str, listings: Sequence[Product], packages: Sequence[str]) -> LineMatch:
    """The question a number listed in several packages asks when the line names none ('SS56: SMA, SMB, SMC')."""
    note = f"{code} is listed in {', '.join(dict.fromkeys(packages))}: which package?"
    return _ambiguous(line, listings, note, via="MPN, package not stated")


def _close_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _best_listing(line: BomLine, pool: list[Product], note: str, not_compared: str, why: str) -> LineMatch:
    """A parametric match on the best of `pool` (enough stock, then price), the rest as candidates; when the line
    names a part number the catalog lacks, the note says what of it was `not_compared`."""
    named = normalize_code(line.mpn) if _is_code(line.mpn) else ""
    # among parts that all meet the line, one whose number is the BOM's but for a letter (CFR-25JB-52-10K for
    # CFR-25JR-52-10K: bulk vs tape) is the series the designer chose
    pool = sorted(
        pool,
        key=lambda p: (
            not named or fuzz.ratio(named, normalize_code(p.mpn)) < 90,
            (p.stock or 0) < (line.quantity or 1),
            _price(p),
            p.sku,
        ),
    )
    if _is_code(line.mpn) and not _value_codes_only(line.mpn):
        note += f"; {line.mpn} is not in the catalog: {not_compared} not compared"
    others = tuple(Hit(p, 0.7, (why,)) for p in pool[1:MAX_CANDIDATES])
    return LineMatch(line, "parametric", 0.75, pool[0], others, "parameters", note)


def _lamp_mm(fp: Footprint) -> float:
    m = re.match(r"LED-(\d+(?:\.\d+)?)mm", fp.package)
    return float(m.group(1)) if m else 0.0


_MATERIALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("A4", ("a4", "316", "不锈钢316")),
    ("A2", ("a2", "304", "stainless", "不锈钢", "ss")),
    ("12.9", ("12.9",)),
    ("10.9", ("10.9",)),
    ("8.8", ("8.8",)),
)


def _fastener_match(engine: SearchEngine, line: BomLine, text: str) -> LineMatch | None:
    thread = parse_thread(text)
    if thread is None:
        return None
    english = re.sub(r"[-_]+", " ", f"{expand_query(text)} {text}".lower())
    if not_stocked_fastener(english):
        return None  # knurled nuts, T-nuts, dowels ...: not standard screws; search decides
    kind = fastener_type(english) or ("Hex nuts" if "nut" in english else None)
    english = re.sub(r"(?:非|不是|not |non[- ]?)(?:不锈钢|stainless|a2|a4)", " ", english)
    material = next(
        (m for m, words in _MATERIALS if any(re.search(rf"(?<![\w.]){re.escape(w)}", english) for w in words)), None
    )
    needs_length = kind not in ("Hex nuts", "Washers")
    pool = list(_fasteners(engine, thread.size))
    if thread.length_mm is not None:
        pool = [p for p in pool if _length(p) is not None and abs((_length(p) or 0) - thread.length_mm) < 1e-6]
    elif needs_length:
        pool = [p for p in pool if p.category.endswith(("nuts", "Washers"))] if kind is None else []
    if kind is not None:
        pool = [p for p in pool if p.category.endswith(kind)]
    if material is not None:
        pool = [p for p in pool if material.lower() in _material(p).lower()]
    wanted_standard = wanted_fastener_standard(english)
    if wanted_standard and any(_has_standard(p, wanted_standard) for p in pool):
        pool = [p for p in pool if _has_standard(p, wanted_standard)]
    if not pool:
        return None
    default = DEFAULT_FASTENER_STANDARD.get(kind or "", "")
    pool.sort(
        key=lambda p: (
            (p.stock or 0) < (line.quantity or 1),
            not fastener_standard(p).startswith(default),
            _price(p),
            p.sku,
        )
    )
    size = thread.size + (f"×{format_quantity(thread.length_mm, 'mm')}" if thread.length_mm else "")
    if kind is None or (needs_length and thread.length_mm is None):
        kinds: dict[str, Product] = {}
        for product in pool:
            kinds.setdefault(product.category, product)
        note = f"{size}: which type ({', '.join(k.split(' / ')[-1].lower() for k in kinds)})?"
        return _ambiguous(line, list(kinds.values()), note, via="thread (type not stated)")
    best = pool[0]
    note = f"matched by parameters ({size}, {kind.lower()}"
    note += f", {material})" if material else f"); material not stated, quoted as {_material(best)}"
    confidence = 0.85 if material else 0.75
    others = tuple(Hit(p, 0.7, ("same thread, length and type",)) for p in pool[1:MAX_CANDIDATES])
    return LineMatch(line, "parametric", confidence, best, others, "parameters", note)


# The everyday standard of each type, preferred when the BOM names only the type ("M3 螺母" = ISO 4032).


def _has_standard(product: Product, standard: str) -> bool:
    norm = normalize_code(standard)
    return any(
        normalize_code(a.raw) == norm for a in product.attributes if a.name in ("standard", "equivalent_standard")
    )


_FASTENER_POOLS: dict[tuple[int, str, str], tuple[Product, ...]] = {}


def _fasteners(engine: SearchEngine, thread: str) -> tuple[Product, ...]:
    """Every catalog fastener of one thread size (cached per catalog: M3 alone is ~700 products)."""
    key = (id(engine.store), engine.store.catalog_hash(), thread)
    found = _FASTENER_POOLS.get(key)
    if found is None:
        skus = engine.store.with_attribute("thread", thread, limit=_POOL_LIMIT)
        found = tuple(p for p in engine.store.products(skus) if p.category.startswith("Fasteners"))
        if len(_FASTENER_POOLS) > 256:
            _FASTENER_POOLS.clear()
        _FASTENER_POOLS[key] = found
    return found


def _length(product: Product) -> float | None:
    attr = product.attribute("length")
    return attr.value if attr is not None else None


def _material(product: Product) -> str:
    attr = product.attribute("material")
    return attr.raw if attr is not None else ""


def _rating_key(product: Product) -> tuple[float, int, float, float]:
    """Tighter tolerance (by its widest side), better dielectric class, then higher voltage and power first: what
    satisfies any rating a part number may encode."""

    def value(name: str) -> float | None:
        attr = product.attribute(name)
        return attr.value if attr is not None and attr.value is not None else None

    tolerance = product.attribute("tolerance")
    spread = 100.0
    if tolerance is not None and tolerance.value is not None:
        spread = max(abs(tolerance.value), abs(tolerance.value_max if tolerance.value_max is not None else 0.0))
    dielectric = product.attribute("dielectric")
    rank = _DIELECTRIC_RANKS.get(canonical_dielectric(dielectric.raw), 9) if dielectric is not None else 9
    return (spread, rank, -(value("voltage_rating") or 0.0), -(value("power") or 0.0))


def _same_dielectric(said: Attribute | None, product: Product) -> bool:
    """Whether `product` states the dielectric the line does (True when the line states none)."""
    if said is None:
        return True
    own = product.attribute("dielectric")
    return own is not None and canonical_dielectric(own.raw) == canonical_dielectric(said.raw)


_DIELECTRIC_RANKS = {"C0G": 1, "X8R": 2, "X7R": 3, "X7S": 4, "X7T": 4, "X6S": 5, "X5R": 6, "Y5V": 8, "Z5U": 8}


def _other_number(mpn: str, code: str) -> bool:
    """Whether the MPN cell holds a maker's number that is not `code` nor `code` with an ordering suffix."""
    if not _is_code(mpn) or mpn.strip().upper().endswith("-ND"):
        return False
    a, b = _strip_packaging(mpn), _strip_packaging(code)
    return not (a.startswith(b) and len(a) - len(b) <= 5) and not b.startswith(a)  # Infineon ATMA1: packing


def _same_decoded(code: str, listed: str) -> bool:
    """Whether `code` is `listed` and one more letter, and the maker's numbering reads the same facts in both."""
    longer, shorter = normalize_code(code), normalize_code(listed)
    if len(longer) != len(shorter) + 1 or not longer.startswith(shorter) or not longer[-1].isalpha():
        return False
    said, own = decode_mpn(code), decode_mpn(listed)
    return said is not None and said == own


def _footprint_confirms(line: BomLine, product: Product) -> bool:
    """The line's footprint (or a package its words name) is the product's package."""
    wanted = parse_footprint(line.package) or parse_footprint(extract_package(_line_text(line)) or "")
    own = parse_footprint(product.package)
    return bool(
        wanted
        and own
        and specific(wanted.package)
        and specific(own.package)
        and same_package(wanted.package, own.package)
    )


def _words_decide(line: BomLine, a: Product, b: Product) -> Product | None:
    """Of two parts the line's codes name, the one its own words (value, description, footprint) support: it
    confirms more of what they state and the other confirms fewer or contradicts one. None when the words do
    not tell them apart (two blue 0805 LEDs): the buyer decides."""
    named = [normalize_code(c) for c in code_candidates(f"{line.value} {line.description}") if _is_code(c)]
    named = [c for c in named if len(c) >= 5]
    in_a = any(c in normalize_code(a.mpn) for c in named)
    in_b = any(c in normalize_code(b.mpn) for c in named)
    if in_a != in_b:  # 'ESP32-C3' in the description: the ESP32-C3 module, not the S3 the other code names
        return a if in_a else b
    score_a, score_b = _words_score(line, a), _words_score(line, b)
    if score_a == score_b or max(score_a, score_b) < 1:
        return None
    return a if score_a > score_b else b


def _words_score(line: BomLine, product: Product) -> int:
    """-1 when the line's words contradict the part (another value, package or colour), else how many of the
    facts they state the part states the same (a better rating neither confirms nor contradicts)."""
    said = f"{line.value} {line.description}"
    wanted = parse_footprint(line.package) or parse_footprint(extract_package(said) or "")
    if _text_conflict(line, product) or contradiction(wanted, parse_footprint(product.package)):
        return -1
    score = 0
    for key, value, _unit in extract_quantities(said):
        attr = product.attribute(key)
        if attr is None or attr.value is None:
            continue
        if _close_value(attr.value, value):
            score += 1
        elif not better_rated(key, attr.value, value, product.category):
            return -1
    colours = extract_colours(said)
    score += bool(colours and colours & extract_colours(f"{product.name} {product.description}"))
    return score + _footprint_confirms(line, product)


def _states_values(product: Product, text: str) -> bool:
    """Every value `text` states (1.8V, 10k ...) is one the product states too: under the key the grammar gives
    it, or any of the product's attributes in that unit (a regulator's '3,3V' is its output voltage)."""
    for key, value, unit in extract_quantities(text):
        own = [product.attribute(key)] + [a for a in product.attributes if a.unit == unit and a.name != key]
        if not any(a is not None and a.value is not None and _close_value(a.value, value) for a in own):
            return False
    return True


def _unstated(family: Family, wanted: Product, product: Product) -> list[str]:
    """The chosen part's values for the family's rules the BOM did not state (what the buyer gets by default)."""
    out = []
    for rule in family.rules:
        if rule.kind == "may_differ" or rule.attribute in ("package", "temperature_range"):
            continue
        if wanted.attribute(rule.attribute) is None and (attr := product.attribute(rule.attribute)) is not None:
            out.append(f"{rule.attribute.replace('_', ' ')} {attr.raw}")
    return out[:3]


# ---------------------------------------------------------------------------------------------------------
# Codes


# Packaging / ordering suffixes that do not change the part: reel, tape, lead-free marks, distributor codes.
_PACKAGING_SUFFIX = re.compile(
    # Diodes Inc.'s '-7' / '-13' (7- and 13-inch reels) and '-F' (lead-free); MCC's '-TP' / '-BP' (tape / bulk)
    r"(?:[-/#,](?:TR|T&R|TRPBF|PBF|NOPB|REEL7?|RL7?|R7|R13|CT|ND|CT-ND|TR-ND|1-ND|7-F|13-F|\d{3})|-(?:7|13|F|TP|BP)$"
    r"|-?(?:TR|T|R)$"
    r"|\(LF\)(?:\(SN\))?|(?<=[A-Z0-9])LFSN"  # JST's lead-free / tin-plated '(LF)(SN)', also as stored: 'LFSN'
    # TI's finish after the package letters: 'SN74AVC4T774PWG4', 'LM358DRG4'
    r"|(?:(?<=\d[A-Z])|(?<=\d[A-Z]{2})|(?<=\d[A-Z]{3}))[RT]?[GE]4)$",
    re.IGNORECASE,
)


def footprint_package(text: str) -> str | None:
    """The package a footprint or package cell names, canonical (knowledge/footprints.py): 'C0603' /
    'R_0603_1608Metric' / 'RESC1608X55N' / 'LED0603-R-RD' -> '0603', 'SOIC-16_L9.9-W3.9' -> 'SOIC-16',
    'SOT-23-3L' -> 'SOT-23'; None when it names no package (a bare 'SMD', a connector family)."""
    fp = parse_footprint(text)
    return fp.package if fp is not None and specific(fp.package) else None


# Automotive grades of a part (TI's Q1 suffix, Nexperia's -Q100, AEC-Q qualified): a line that names none means
# the standard grade.
_AUTOMOTIVE = re.compile(r"Q1$|-Q10[01]|AEC-?Q|automotive|车规", re.IGNORECASE)
_RANGE_NOTE = re.compile(r"\s*\(RANGE:[^)]*\)$")
# The maker tag a distributor appends to another maker's listing under the original number: '(LX)', '(XBLW)'.
_CLONE_TAG = re.compile(r"\([A-Z]{2,12}\)$")  # letters only: '(B-TP)' is a CTR bin, '(040)' a variant


_WILDCARD_TAIL = re.compile(r"(?<=[A-Z0-9])x{1,2}$")  # 'STM32G474CETx', 'STM32F030F4Px', not 'MAX' nor '2x'


def _copy_tagged(product: Product) -> bool:
    """A copy house's listing under another maker's number with its own letters after a dash ('…DBVR-MS')."""
    return bool(_COPY_HOUSES.search(product.manufacturer)) and re.search(r"-[A-Z]{1,4}$", product.mpn) is not None


def _option_tail(code: str, mpn: str) -> bool:
    """Whether a listing completes `code` with an option after a dash ('MCP73833' as 'MCP73833-AMI/UN': the charge
    voltage; 'AMS1117' as 'AMS1117-3.3'), not with a temperature letter ('-I/SN') or packing ('-TR')."""
    if not mpn.upper().startswith(code.strip().upper()):
        return False
    m = re.match(r"-[A-Z0-9.]{2,}", mpn[len(code.strip()) :].upper())
    return m is not None and _strip_packaging(code + m.group(0)) != normalize_code(code)


def _chip_size_in(code: str) -> str:
    """The imperial chip size a passive's part number spells after its series letters ('VJ1206Y105MXJTW1BC',
    'CRCW0603…', 'RC0805…' -> '1206', '0603', '0805'), '' when it spells none. Never after a lone 'C': TDK's
    C0603… is the metric 0603 (an 0201), KEMET's C0603… the imperial one."""
    m = re.match(r"[A-Z]{2,4}-?(0201|0402|0603|0805|1206|1210|1812|2010|2512)(?=[A-Z])", code.strip().upper())
    return m.group(1) if m else ""


def _unpacked(code: str) -> str:
    """The normalized MPN without its last packaging suffix ('1N4148WT-7' -> '1N4148WT', 'MMSZ5226B-7-F' ->
    'MMSZ5226B'): one only, so a value before it stays ('CFR-25JB-52-240R' -> 'CFR25JB52240'), and never a lone
    T or R written onto the number ('BZT52C5V1T' is the SOD-523 part)."""
    text = code.strip().upper()
    m = _PACKAGING_SUFFIX.search(text)
    if m is None or re.fullmatch(r"[TR]", m.group(0)):
        return normalize_code(text)
    return normalize_code(text[: m.start()])


def _strip_packaging(code: str) -> str:
    """The normalized MPN without packaging suffixes ('TPS7A0533PDBVR-TR' -> 'TPS7A0533PDBVR') and without LCSC's
    gain-range note ('MMBT3904(RANGE:100-300)' -> 'MMBT3904')."""
    text = _RANGE_NOTE.sub("", code.strip().upper())
    for _ in range(3):
        stripped = _PACKAGING_SUFFIX.sub("", text)
        if stripped == text or len(normalize_code(stripped)) < 4:
            break
        text = stripped
    return normalize_code(text)


_BASE_INDEXES: dict[tuple[int, str], dict[str, tuple[str, ...]]] = {}
_BASE_LOCK = threading.Lock()


def _base_code_index(engine: SearchEngine) -> dict[str, tuple[str, ...]]:
    """normalized catalog code without packaging suffix -> SKUs (built once per catalog, ~1 s for 146k)."""
    key = (id(engine.store), engine.store.catalog_hash())
    with _BASE_LOCK:
        if key not in _BASE_INDEXES:
            index: dict[str, list[str]] = {}
            for code, sku in engine.store.codes():
                index.setdefault(_strip_packaging(code), []).append(sku)
            _BASE_INDEXES.clear()
            _BASE_INDEXES[key] = {k: tuple(dict.fromkeys(v)) for k, v in index.items()}
        return _BASE_INDEXES[key]


_MODULE_WORDS = re.compile(
    r"模块|模组|开发板|核心板|评估板|\bmodules?\b|breakout|dev(?:elopment)? (?:board|tools?|kit)|\bdev ?bd\b|\beval|"
    r"driver board|controller board|stepper motor|\bmotor with\b",
    re.I,
)
_BOARD_FEATURE = re.compile(r"mounting[ _-]?hole|test[ _-]?point|fiducial|testpad|安装孔|测试点|定位孔|mark点", re.I)


def _board_feature(line: BomLine) -> bool:
    """Mounting holes, test points and fiducials are copper on the board, not parts to buy."""
    return bool(_BOARD_FEATURE.search(f"{line.value} {line.package} {line.description} {line.mpn}"))


def _value_codes_only(text: str) -> bool:
    """'10k', '100nF', '0603': values and packages, not part numbers."""
    return not any(looks_like_part_number(c) for c in code_candidates(text))


def _is_code(text: str) -> bool:
    """A cell that can be a part number: no Chinese, at most two spaces ('NU 205 ECP'), letters and digits."""
    text = text.strip()
    if " " in text and any(len(w) >= 4 and w.isalpha() for w in text.split()):
        return False  # 'Header 1x4', '2x30 header': words, not a part number ('NU 205 ECP' is one)
    if _PIN_COUNT.fullmatch(text):
        return False  # '2-PIN', '10 pins', '4P': a count of pins written where a part number goes
    return bool(text) and not _CJK.search(text) and text.count(" ") <= 2 and looks_like_part_number(text)


_CJK = re.compile(r"[\u3400-\u9fff]")
_PIN_COUNT = re.compile(r"\d{1,3}\s*-?\s*(?:pins?|p|pos|positions?|ways?)", re.IGNORECASE)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _cjk_said(mpn: str, line: BomLine) -> bool:
    """Whether every Chinese word of a listing's MPN is in the line's own cells."""
    said = f"{line.mpn} {line.value} {line.description} {line.package}"
    return all(word in said for word in _CJK_RUN.findall(mpn))


_VALUE_TOKEN = re.compile(
    r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?\s*(?:[pnuμµmkKMG]?(?:F|H|Hz|Ω|ohm|V|A|W|ppm|%)|[pnuμµkKMR]\d*)(?![A-Za-z])"
    r"|\d+(?:\.\d+)?\s*[xX*]\s*\d+(?:\.\d+)?(?:\s*mm)?",
    re.IGNORECASE,
)


def _unread_code(cell: str) -> bool:
    """Whether a cell holds a part number beyond the values it spells ('ABM8-25.000MHZ-B2-T', 'RT0603DRD071K8L'),
    not only values ('24MHz_8pF_2x1.6mm', '100nF,25V', '10K?')."""
    if not _is_code(cell) or _value_codes_only(cell):
        return False
    rest = DIELECTRIC_RE.sub(" ", _VALUE_TOKEN.sub(" ", cell))  # '10nF/50V/X7R' spells values only
    # and packages: Olimex's '100nF/50V/20%/Y5V/C0603'
    rest = " ".join(t for t in re.split(r"[/,;\s]+", rest) if not (extract_package(t) or _names_land(t)))
    return re.search(r"[A-Za-z]+\d|\d+[A-Za-z]{2,}", rest) is not None


def _names_land(token: str) -> bool:
    """Whether a token is a land pattern's name ('C0603', 'R0805'), not a part number."""
    fp = parse_footprint(token)
    return fp is not None and bool(fp.package)


# NXP's type and packing code: 'PCA9306D,118', 'BAT54C,215' (,115 ,118 ,125 ,135 ,165 ,215 ,235 ,315 ,518 ...)
_NXP_ORDERING = re.compile(r"(?=[A-Z0-9\-]*[A-Z])[A-Z0-9][A-Z0-9\-]{3,30},(?:1[1-6]5|118|2[1-3]5|315|335|518)", re.I)


def _value_codes(line: BomLine) -> list[str]:
    """Part numbers written in the value or description cells (KiCad and EasyEDA put MPNs there), or in an MPN cell
    among Chinese words ('XH-4A插座（2.54mm间距）'; a maker's name beside a number is _maker_and_number's)."""
    out = []
    for cell in (line.value, line.description):
        if _NXP_ORDERING.fullmatch(cell.strip()):
            out.append(cell.strip())  # NXP's 'PCA9306D,118': the type, then its packing code
        for code in code_candidates(cell):
            head, *ratings = code.split("/")
            if ratings and all(_VALUE_TOKEN.fullmatch(r.strip()) or extract_package(r.strip()) for r in ratings):
                code = head  # 'MMBTA42/300V/0.5mA', 'SS34/3A', 'SS34/SMA': the number, then its ratings or package
            if looks_like_part_number(code) and len(normalize_code(code)) >= 4 and " " not in code:
                out.append(code)
    out += _footprint_codes(line.package)
    if _CJK.search(line.mpn):  # the MPN column's cell: one code among Chinese words, else the words leave it open
        codes = [c for c in code_candidates(line.mpn) if looks_like_part_number(c) and " " not in c]
        if len(codes) == 1 and len(normalize_code(codes[0])) >= 4:
            out.append(codes[0])
    return list(dict.fromkeys(out))


# KiCad names a connector's footprint after the part: 'JST_EH_B4B-EH-A_1x04_P2.50mm_Vertical',
# 'Connector_JST:JST_PH_S2B-PH-SM4-TB_1x02-1MP_P2.00mm_Horizontal', 'Molex_PicoBlade_53047-0410_1x04_P1.25mm'.
_FOOTPRINT_PART = re.compile(
    r"(?:^|:)(?:JST|Molex|Hirose|JAE|TE|Phoenix|Wurth|Amphenol|Samtec)_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)?_"
    r"([A-Za-z0-9][A-Za-z0-9\-.()]{4,30})_(?:\d+x\d+|1MP|P\d)",
    re.IGNORECASE,
)
# ... and a jack's after its maker's number: 'BarrelJack_CUI_PJ-102AH_Horizontal', 'Barrel_Jack_CUI_PJ-102AH'.
_FOOTPRINT_JACK = re.compile(
    r"(?:^|:)(?:Barrel_?Jack|Jack_3\.5mm|USB_[A-Za-z0-9]+)_(?:CUI|Kycon|Switchcraft|Lumberg|Amphenol|Molex|Hirose)_"
    r"([A-Za-z0-9][A-Za-z0-9\-.]{4,30})(?:_|$)",
    re.IGNORECASE,
)


def _footprint_codes(package: str) -> list[str]:
    """The part number a KiCad connector footprint is named after, when it reads as one (KiCad 4 / 5 pad JST's
    circuit count: 'S02B-EH' is JST's S2B-EH)."""
    m = _FOOTPRINT_PART.search(package or "") or _FOOTPRINT_JACK.search(package or "")
    if m is None or not looks_like_part_number(m.group(1)) or not re.search(r"\d", m.group(1)):
        return []
    code = m.group(1)
    unpadded = re.sub(r"^([BS])0(\d)B-(?=EH|XH|PH|ZR)", r"\1\2B-", code) if m.re is _FOOTPRINT_PART else code
    return list(dict.fromkeys((code, unpadded)))  # as written first: JST's PA / XA numbers are padded ('B02B-PASK')


def _by_code(store: CatalogStore, code: str, line: BomLine | None = None) -> list[Product]:
    """Listings of a code, also when the BOM writes a voltage the RKM way ('AMS1117-3V3' is AMS1117-3.3). With the
    line, a listing whose MPN holds Chinese words the line does not say gives way to one without (codes compare
    without them: 'LM358' is not 'LM358国产')."""
    found = store.by_code(code)
    if not found and (decimal := _RKM_VOLTS.sub(r"\1.\2", code)) != code:
        found = store.by_code(decimal)
    if line is not None:  # (when every listing carries words the line lacks, the line's other words decide)
        return [p for p in found if _CJK_RUN.sub("", p.mpn) == p.mpn or _cjk_said(p.mpn, line)] or found
    return found


def _names_a_size(line: BomLine) -> bool:
    """An MPN cell that is a metric thread and its sizes ('M3', 'M2.5', 'M3*10', 'M3*5*0.5') on a line no electronic
    footprint, words or designator place (a 封装 cell may hold '304', the steel): a fastener's size, which the
    fastener reading takes; the catalog's 'M4' rectifier or Shuntian's stud listed as 'M3*10' are other parts
    ('M7' under 二极管 or on D1 stays a part number)."""
    return bool(_THREAD_SIZE.fullmatch(line.mpn.strip())) and not _placed_as_electronics(line)


_THREAD_SIZE = re.compile(r"M\d{1,2}(?:\.\d)?(?:\s*[xX*×]\s*\d+(?:\.\d+)?){0,3}")


_RKM_VOLTS = re.compile(r"(?<=-)(\d)V(\d)(?![0-9])", re.I)


def _one_part(products: list[Product]) -> list[Product]:
    return products[:1] + [p for p in products[1:] if _same_mpn(p, products[0])]


# Makers and the names BOMs give them (acquisitions and abbreviations): one group per maker.
_MAKER_GROUPS: tuple[tuple[str, ...], ...] = (
    ("onsemi", "on semiconductor", "on semi", "fairchild", "motorola"),
    ("nexperia", "nxp", "philips", "freescale"), ("texas instruments", "ti", "burr-brown", "burr brown", "national"),
    ("alpha & omega", "alpha and omega", "aos"), ("stmicroelectronics", "st", "stmicro", "sgs-thomson", "sgs thomson"),
    ("korean hroparts", "hro", "韩国韩荣", "韩荣"), ("wch", "沁恒", "南京沁恒"), ("alps", "alpsalpine", "alps alpine"),
    ("analog devices", "adi", "linear technology", "maxim"), ("microchip", "atmel"),
    ("infineon", "international rectifier", "irf", "cypress"), ("vishay",), ("diodes", "zetex"), ("rohm",),
    ("toshiba",), ("murata",), ("samsung",), ("yageo",), ("kemet",), ("tdk",), ("panasonic",),
    ("würth", "wurth", "we"), ("te connectivity", "te", "tyco"), ("molex",), ("jst",), ("littelfuse",),
    ("bourns",), ("everlight",), ("lite-on", "liteon"), ("kingbright",), ("nichicon",), ("rubycon",),
    ("uni-royal", "uniroyal", "uniohm", "厚声"), ("fh", "fenghua", "风华"), ("mdd", "microdiode"),
    ("cj", "changjiang", "长电", "jcet"), ("lrc", "leshan", "乐山"), ("ams", "advanced monolithic"),
    ("yxc", "yangxing", "扬兴"), ("macom", "m a com", "m/a-com"),
)  # fmt: skip
_WHOLE_NAME_ONLY = {"on": "onsemi", "ir": "infineon"}
# Industry-standard part numbers that many makers build to the same datasheet (JEDEC / EIA / second-sourced):
# any maker's listing is that part, whatever maker the BOM names.
_GENERIC_NUMBERS = re.compile(
    r"^(?:1N\d{3,4}|2N\d{3,4}|1\.5KE|P6KE|P4SMA|SMAJ|SMBJ|SMCJ|BZ[TVX]\d|MMBT\d|MMBD\d|MMSZ\d|BC\d{3}|BAT\d{2}|BAV\d{2}"
    r"|BAS\d{2}|LM78|L78|78L|79L|LM79|NE555|LM358|LM393|LM324|74[A-Z]{0,4}\d|CD40\d|ULN200|S80\d{2}|S85\d{2}"
    r"|SS\d{2}|US1|ES1|SK\d{2}|M7|B5819|SR\d{3})[0-9A-Z.]{0,6}(?:-\d+(?:\.\d+)?V?)?$",
    re.IGNORECASE,
)


_IDENTITY_KEYS = ("resistance", "capacitance", "inductance", "tolerance", "voltage_rating", "power", "dielectric",
                  "frequency", "current_rating")  # fmt: skip


def _one_part_completed(products: list[Product], code: str, maker: str) -> list[Product] | None:
    """The catalog listings a truncated ordering code extends to by a few packaging letters (at most 4), when they
    are one part: one maker (the one the BOM names, if any), the same stated values; else None."""
    base = normalize_code(code)
    packaging = [p for p in products if _PACKAGING_TAIL.fullmatch(_tail(p.mpn, code))]
    products = packaging or [
        p
        for p in products
        if len(normalize_code(p.mpn)) - len(base) <= 4 and normalize_code(p.mpn)[len(base) :].isalpha()
    ]  # packaging letters only: 'MMSZ52' + '26B' is another zener, not a reel
    if not products or len(products) > 3 or len({_maker_key(p.manufacturer) for p in products}) != 1:
        return None
    if _names_maker(maker) and not _maker_fits(maker, products[0].manufacturer):
        return None
    facts = {tuple((k, a.raw) for k in _IDENTITY_KEYS if (a := p.attribute(k)) is not None) for p in products}
    if len(facts) != 1 or not (next(iter(facts)) or packaging):
        return None  # the letters after the code change a value (or nothing says they do not)
    return sorted(products, key=lambda p: ((p.stock or 0) <= 0, p.sku))


# What makers append to an orderable code for the reel or the lead-free finish, never for another part: ADI's
# -REEL / -REEL7 / -RL7, Murata's =P2 / #, Maxim's + / +T / #, TI's /NOPB, -TR, PBF, C&K's LFS.
_PACKAGING_TAIL = re.compile(r"(?:[-/]?(?:REEL7?|RL7?|TR|T/R|PBF|NOPB|LFS?|G4))|=P\d{1,2}|#|\+T?", re.IGNORECASE)


def _tail(mpn: str, code: str) -> str:
    """What a listing's MPN adds to the BOM's code ('AD9361BBCZ-REEL' after 'AD9361BBCZ' -> '-REEL'); '' when
    it does not start with it."""
    mpn, code = mpn.strip().upper(), code.strip().upper()
    return mpn[len(code) :] if mpn.startswith(code) and len(mpn) > len(code) else ""


def _either_package(text: str, listings: Sequence[Product]) -> Footprint | None:
    """The footprint a package cell states; of two the buyer takes either of ('SC-70-5 or SOT-23-5'), the one a
    listing fits (else the first)."""
    parts = re.split(r"\s+or\s+|或", text)
    if len(parts) < 2:
        return parse_footprint(text)
    options = [fp for part in parts if (fp := parse_footprint(part.strip())) is not None]
    fitting = (o for o in options if any(not contradiction(o, parse_footprint(p.package)) for p in listings))
    return next(fitting, options[0] if options else None) if len(options) > 1 else parse_footprint(text)


def _large_reel_code(code: str) -> str:
    """TI (and National's) code for the same part on the other reel: an X after the package letters
    ('LMK00105SQ/NOPB' -> 'LMK00105SQX/NOPB', 'LM1117MP-3.3/NOPB' -> 'LM1117MPX-3.3/NOPB'), or R for T before an
    automotive Q1 ('LM74700QDBVTQ1' -> 'LM74700QDBVRQ1': 250 and 3,000 pieces); '' when the code has neither."""
    code = code.strip().upper()
    if m := re.fullmatch(r"([A-Z]{2,}[A-Z0-9]*\d[A-Z0-9]*[A-Z]{2,4})T(Q1)", code):
        return f"{m.group(1)}R{m.group(2)}"
    m = re.fullmatch(r"([A-Z]{2,}[A-Z0-9]*\d[A-Z0-9]*[A-Z])([-/].+)", code)
    return f"{m.group(1)}X{m.group(2)}" if m and not m.group(1).endswith("X") else ""


def _generic_number(mpn: str) -> bool:
    return bool(_GENERIC_NUMBERS.match(mpn.strip()))


# Words every maker's name may carry: they tell no maker apart.
_MAKER_NOISE = frozenset({"semiconductor", "semiconductors", "semicon", "semi", "electronics", "electronic", "elec",
                          "tech", "technology", "technologies", "co", "ltd", "inc", "corp", "corporation", "company",
                          "international", "intertech", "advanced", "group", "industries", "america", "sales",
                          "connectivity", "electric", "components", "devices", "systems", "microelectronics",
                          "optoelectronics", "power", "precision"})  # fmt: skip  # words many makers share
_NO_MAKER = {"", "-", "any", "generic", "various", "n/a", "na", "不限", "任意", "通用", "国产"}


def _maker_key(name: str) -> str:
    low = re.sub(r"[^a-z0-9&+\u4e00-\u9fff ]+", " ", name.lower()).strip()
    if low in _WHOLE_NAME_ONLY:  # 'ON', 'IR' alone; never the 'on' inside 'Lite-On'
        return _WHOLE_NAME_ONLY[low]
    for group in _MAKER_GROUPS:
        if any(re.search(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])", low) for alias in group):
            return group[0]
    return low


def _maker_words(key: str) -> set[str]:
    return {w for w in key.split() if len(w) >= 3 and w not in _MAKER_NOISE}


# Makers that list other makers' parts under the original numbers (pin-compatible copies): an unknown maker name
# in a BOM is never taken to be one of them.
_COPY_HOUSES = re.compile(
    r"tech ?public|(?<![a-z])umw|youtai|jsmsemi|jsmicro|hgsemi|huaguan|mskse?mi|slkor|xblw|hxy|(?<![a-z])kuu|"
    r"elecsuper|tdsemic|yongyutai|hongjiacheng|lingxing|(?<![a-z])lxc|shikues|tokmas|(?<![a-z])cbi|gokemicro|"
    r"twgmc|goodwork|(?<![a-z])ruilon|(?<![a-z])hottech",
    re.I,
)


def _another_name_for(stated: str, listed: str) -> bool:
    """Whether a BOM's maker name can be the listed maker's own under another spelling: written in Chinese (LCSC
    lists makers by their English names), or a misspelling of it ('Didoes' for Diodes Incorporated)."""
    if _CJK.search(stated) and not _CJK.search(listed):
        return True
    first = _maker_key(listed).split()[:1]
    return bool(first) and fuzz.ratio(_maker_key(stated).split()[0] if _maker_key(stated) else "", first[0]) >= 75


def _distinctive(code: str) -> bool:
    """A part number long and mixed enough to name one part ('TYPE-C-31-D-09', 'NCD0603R1'), not a generic
    number many makers list ('TP4056', 'LM358')."""
    norm = normalize_code(code)
    mixed = bool(re.search(r"[A-Z]", norm)) and bool(re.search(r"\d", norm))
    return len(norm) >= 8 and mixed and not _generic_number(code)


def _names_maker(maker: str) -> bool:
    name = maker.strip().lower()
    return name not in _NO_MAKER and not DISTRIBUTOR.match(name) and bool(re.search(r"[A-Za-z\u4e00-\u9fff]", name))


def _maker_fits(stated: str, listed: str) -> bool:
    """Whether a catalog listing's maker is the maker the BOM names ('On Semiconductor' = 'onsemi', 'NXP' =
    'Nexperia', LCSC's 'HF(宏发)' = 'HF(Xiamen Hongfa Electroacoustic)': the brand before the company name);
    unknown names by similarity."""
    brand_a, brand_b = (re.split(r"[(（]", name, maxsplit=1)[0].strip().lower() for name in (stated, listed))
    if brand_a and brand_a == brand_b:
        return True
    a, b = _maker_key(stated), _maker_key(listed)
    if a == b or _maker_words(a) & _maker_words(b):
        return True
    # a close spelling of the distinctive words; a short name only as a whole ('ECT' is no maker inside 'ALPS
    # Electric', and two 'X Connectivity' makers share no name)
    a, b = (" ".join(w for w in k.split() if w not in _MAKER_NOISE) for k in (a, b))
    return min(len(a), len(b)) >= 5 and fuzz.partial_ratio(a, b) >= 85


def _same_base(a: str, b: str) -> bool:
    """Two MPNs of one part: equal without packaging suffixes, or one the other's ordering variant."""
    x, y = _strip_packaging(a), _strip_packaging(b)
    return bool(x and y) and (x.startswith(y) or y.startswith(x))  # not STM32F103C6T6 vs STM32F103C8T6


def _text_conflict(line: BomLine, product: Product) -> str:
    """A value, colour, USB connector type or connector form the line states that the part contradicts ('' when
    none): a supplier code for a green LED on a line that says WHITE, or for a 15 pF part on a '10pF' line (a code
    copied from the row above), is a decision, not a match."""
    said = f"{line.value} {line.description}"
    for key, values, unit in _said_values(line):
        attr = product.attribute(key)
        if attr is None or attr.value is None or not _SAID_KINDS[key].search(product.category):
            continue  # an NE555's '1kHz' in the value column is its circuit's, not the chip's maximum
        if all(abs(attr.value - value) > 1e-6 * max(abs(value), 1e-12) for value in values):
            return f"the line says {format_quantity(values[0], unit)}, the part is {attr.raw}"
    colours, offered = extract_colours(said), stated_colours(product)  # the LED's colour, never its lens's
    if colours and offered and not colours & offered:
        return f"the line says {'/'.join(sorted(colours))}, the part is {'/'.join(sorted(offered))}"
    own = f"{product.name} {product.description} " + " ".join(a.raw for a in product.attributes if a.value is None)
    usb, theirs = extract_usb_kinds(said), extract_usb_kinds(own)
    if usb and theirs and not usb & theirs:
        return f"the line says {'/'.join(sorted(usb))}, the part is {'/'.join(sorted(theirs))}"
    if _PLUG_SAID.search(said) and _JST_BOARD_PART.search(product.mpn):
        return "the line says a plug (a cable housing), the part is a board header"  # 'XH-4A … 插头'
    stated = form_of_text(f"{said} {line.package}")
    if stated is not None and stated.kind in ("header", "socket") and stated.kind != _kind_said(said):
        stated = replace(stated, kind="connector")  # a PinHeader pad takes a socket of its grid: the MPN says which
    if stated is not None and stated.kind in ("header", "socket", "connector"):  # a 2x30 header is no 2x3 one
        clash = contradiction(stated, listing_form(product))
        if clash:
            return f"the line says {describe_form(stated)}, the part: {clash.split(',')[0]}"
    return ""


_VALUE_OF = {"resistor": "resistance", "capacitor": "capacitance"}


def _rating_conflict(line: BomLine, product: Product) -> str:
    """A rating the line states (power, voltage, current, tolerance) that the part does not serve ('' when none):
    the letters a BOM's code adds to a listed one may be what makes the rating ('...HP', high power)."""
    # a listing filed under no kind ('Global Sourcing Parts') is a resistor or capacitor by what it states
    kind = product.category + "".join(f" {k}" for k in ("resistor", "capacitor") if product.attribute(_VALUE_OF[k]))
    for key, value, unit in extract_quantities(f"{line.value} {line.description}"):
        attr = product.attribute(key)
        if key not in AT_LEAST_KEYS | AT_MOST_KEYS or attr is None or attr.value is None:
            continue
        if abs(attr.value - value) > 1e-6 * abs(value) and not better_rated(key, attr.value, value, kind):
            return f"the line says {format_quantity(value, unit)}, the part is {attr.raw}"
    return ""


def _kind_said(words: str) -> str:
    """'header' or 'socket' when a line's own words say male or female ('排母', 'female header'), else ''."""
    said = form_of_text(words)
    return said.kind if said is not None and said.kind in ("header", "socket") else ""


def _code_in_value(line: BomLine) -> BomLine:
    """A passive's ordering code written in the value column with no MPN (Altium's Comment 'CRCW120612K0FKEA'):
    the MPN, when its maker's numbering reads it."""
    if line.mpn.strip() or decode_mpn(line.value.strip()) is None:
        return line
    return replace(line, mpn=line.value.strip(), value="")


def _unknown_code_read(line: BomLine) -> DecodedPart | None:
    """What the line's MPN encodes, when it is a passive's ordering code (knowledge/mpn_codes.py)."""
    return decode_mpn(line.mpn) if _is_code(line.mpn) else None


def _differ_at_end(a: str, b: str) -> bool:
    """Two codes that differ only in their last two characters (a maker's packaging letters: Samsung's NNNC /
    NNNE, Murata's 0D / 0J, Vishay's EA / EAC), not in a grade or thickness letter before them."""
    x, y = normalize_code(a), normalize_code(b)
    common = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
    return common >= max(len(x), len(y)) - 2


def _decoded_words(decoded: DecodedPart, *, shown: bool = False) -> str:
    """'100nF ±10% 50V X7R 0603': what a code encodes, in the words the value grammar reads (`shown`: spaced for
    the buyer, '100 nF ±10 % 50 V X7R 0603')."""
    words = []
    for key, value, unit in decoded.values:
        word = f"±{value:g} %" if key == "tolerance" else format_quantity(value, unit)
        words.append(word if shown else word.replace(" ", ""))
    return " ".join(w for w in (*words, decoded.dielectric, decoded.kind_words, decoded.package) if w)


def _decoded_clash(line: BomLine, decoded: DecodedPart) -> str:
    """What the line states that its MPN's code contradicts: another value, chip size or kind ('' when none)."""
    for key, values, unit in _said_values(line):
        coded = decoded.value(key)
        if coded is not None and all(abs(coded - value) > 1e-6 * max(abs(value), 1e-12) for value in values):
            return format_quantity(values[0], unit)
    wanted = parse_footprint(line.package)
    if wanted is not None and wanted.chip and wanted.chip != decoded.package:
        return f"footprint {line.package.strip()}"
    if wanted is not None and wanted.package.startswith("CASE-") and wanted.package != decoded.package:
        return f"footprint {line.package.strip()}"  # a tantalum code's case letter against the pad's
    kind = line_kind(line)
    if kind and kind not in (decoded.kind, "polarized_capacitor" if decoded.kind == "capacitor" else decoded.kind):
        return kind
    return ""


# Values that say what a part is, and the parts they say it of: a line that states one names that part.
_SAID_KINDS = {
    "resistance": re.compile(r"resistor", re.I),
    "capacitance": re.compile(r"capacitor", re.I),
    "inductance": re.compile(r"inductor", re.I),
    "frequency": re.compile(r"^(?!.*(?:timer|integrated circuit)).*(?:crystal|oscillator|resonator)", re.I),
}


def _said_values(line: BomLine) -> list[tuple[str, tuple[float, ...], str]]:
    """The identity values a line's value and description cells state ('10pF', '4k7', '16MHz'), one per key (none
    for a key stated twice differently), each with the readings it may have: a bare '470' or '103' on an R
    designator is 470 Ω or 103 Ω as written, or 47 Ω / 10 kΩ as an EIA code ('4701': 4.7 kΩ)."""
    found: dict[str, set[tuple[float, str]]] = {}
    for key, value, unit in extract_quantities(f"{line.value} {line.description}"):
        if key in _SAID_KINDS:
            found.setdefault(key, set()).add((value, unit))
    out: list[tuple[str, tuple[float, ...], str]] = [
        (key, (value,), unit) for key, pairs in found.items() if len(pairs) == 1 for value, unit in pairs
    ]
    bare = line.value.strip()
    if not found and _designator_prefix(line) == "R" and _BARE_NUMBER.fullmatch(bare):
        readings = [float(bare)]
        if re.fullmatch(r"\d{3,4}", bare):
            readings.append(float(int(bare[:-1]) * 10 ** int(bare[-1])))
        out.append(("resistance", tuple(readings), "Ω"))
    if line_kind(line) == "inductor":  # a ferrite bead's '600R' is its impedance at 100 MHz, not a resistance
        out = [item for item in out if item[0] != "resistance"]
    return out


def _prefer_maker(products: list[Product], maker: str) -> list[Product]:
    """Listings of one MPN: the stated manufacturer's first, then in stock, then the richest listing."""
    if not products:
        return []
    want = maker.strip().lower()

    def fit(product: Product) -> float:
        return fuzz.partial_ratio(want, product.manufacturer.lower()) if want else 0.0

    return sorted(products, key=lambda p: (-fit(p), (p.stock or 0) <= 0, -len(p.attributes), p.sku))


def _same_mpn(a: Product, b: Product) -> bool:
    """One MPN, whatever LCSC's gain-range note says ('MMBT3904(RANGE:100-300)' is MMBT3904)."""
    return a.sku == b.sku or normalize_code(_RANGE_NOTE.sub("", a.mpn.upper())) == normalize_code(
        _RANGE_NOTE.sub("", b.mpn.upper())
    )


def _ambiguous(
    line: BomLine, products: Sequence[Product], note: str, *, via: str, scores: Sequence[Hit] = ()
) -> LineMatch:
    seen: dict[str, Hit] = {}
    by_sku = {h.product.sku: h for h in scores}
    for rank, product in enumerate(products):
        hit = by_sku.get(product.sku) or Hit(product, round(0.5 - 0.05 * rank, 3), (via,))
        seen.setdefault(product.sku, hit)
    candidates = tuple(list(seen.values())[:MAX_CANDIDATES])
    confidence = min(0.5, max((h.score for h in candidates), default=0.0) * 0.5)
    return LineMatch(line, "ambiguous", round(confidence, 2), None, candidates, via, note)


# Columns whose cells the line's words include: remarks, and a rating stated in a column of its own (EasyEDA's
# 'Tolerance' ±1 %, a 'Voltage' or 耐压 50V, a 'Power' 1/4W, a 'Dielectric' X7R) — stated, so filtered on.
_REMARK_HEADERS = re.compile(
    r"备注|说明|remark|note|comment|规格|spec|toleran|精度|误差|公差|voltage|耐压|额定电压|power|功率|dielectric|介质|温度系数",
    re.IGNORECASE,
)


def _line_text(line: BomLine) -> str:
    # The package as a plain code ('0805', not 'LEDC2012X110N') so search filters on it; remark columns
    # (备注 / Note / Comments) often carry the package or the size the other cells leave out.
    remarks = [
        _tolerance_letter(k, v)
        for k, v in line.raw.items()
        if _REMARK_HEADERS.search(k) and v not in (line.value, line.description)
    ]
    parts = [line.mpn, line.value, _footprint_words(line.package), line.description, *remarks]
    return " ".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


# What a designator prefix says the part is, and the category words of each kind.
_PREFIX_KINDS = {
    "R": "resistor", "RN": "resistor", "RA": "resistor", "C": "capacitor", "L": "inductor", "FB": "inductor",
    "D": "diode", "LED": "led", "Q": "transistor", "J": "connector", "P": "connector", "CN": "connector",
    "CON": "connector", "Y": "crystal", "XTAL": "crystal", "XO": "oscillator", "OSC": "oscillator", "SW": "switch",
    "F": "fuse",
}  # fmt: skip


_CHIP_KINDS = frozenset({"resistor", "capacitor", "inductor"})
_TOLERANCE_HEADER = re.compile(r"toleran|精度|误差|公差", re.IGNORECASE)


def _tolerance_letter(header: str, cell: str) -> str:
    """A tolerance column's EIA letter as the figure it stands for ('精度 F' = ±1 %); any other cell as written."""
    letter = cell.strip().upper()
    if _TOLERANCE_HEADER.search(header) and letter in TOLERANCE_LETTERS:
        return f"±{TOLERANCE_LETTERS[letter]:g}%"
    return cell


# words that state an SOIC body's width ('SOIC-8_3.9x4.9mm', '150mil', 'narrow', 窄体, 'SOIC-8-N', '7.5mm', wide)
_WIDTH_SAID = re.compile(
    r"\d\.\d\s*(?:mm|x)|\d{3}\s*mil|narrow|wide|窄|宽|soic-?\d+-?[nw](?![a-z])|\bso-?\d+l\b", re.IGNORECASE
)
_UNIT_KINDS = {"Ω": "resistor", "F": "capacitor", "H": "inductor"}


def _placed_as_electronics(line: BomLine) -> bool:
    """A line an electronic footprint, its words or its designator place ('M7' 二极管 on SMA(DO-214AC)_S1): its
    'M7' is a part number, never a thread."""
    fp = parse_footprint(line.package)
    said = kind_of_text(f"{line.value} {line.description}")  # '二极管', 'Diode': weak words count here too
    return (fp is not None and bool(fp.package or fp.kind)) or bool(line_kind(line) or said)


def line_kind(line: BomLine) -> str:
    """What kind of part a line is, from its own words, its footprint or its designator prefix ('' when none
    says)."""
    said = kind_of_text(f"{line.value} {line.description}", strong_only=True)  # a bead on "RES0805"
    if said:
        return said
    fp = parse_footprint(line.package)
    prefix = _PREFIX_KINDS.get(_designator_prefix(line), "")
    if fp is not None and fp.kind and not (fp.chip and prefix in _CHIP_KINDS and prefix != fp.kind):
        return fp.kind
    if fp is not None and fp.kind:  # a chip land named for another chip kind than the designator's
        units = {_UNIT_KINDS.get(u) for _, _, u in extract_quantities(line.value)}
        if fp.kind in units:
            return fp.kind  # 'L1 10R R0603': a 0 Ω / 10 Ω placeholder in an inductor's place, a resistor
    return prefix  # a 'C0402' land under R1 ... R25 valued '2k2', '4M7': one pad for both, the part is a resistor


def _fits_line(line: BomLine, product: Product) -> bool:
    """Whether `product` can be what the line asks for: a category of the line's kind, and no package or mounting
    its footprint rules out."""
    if not category_fits(line_kind(line), product.category) or _text_conflict(line, product):
        return False  # a red LED line is offered no infrared LED
    return not contradiction(parse_footprint(line.package), parse_footprint(product.package))


def _footprint_words(package: str) -> str:
    """The footprint as search words: its package ('0805', not 'LEDC2012X110N'), or what it says about the part
    ('pin header 1x04 2.54mm through hole'), so that 'HDR-M_2.54_1x4P' is never read as 4 pF."""
    fp = parse_footprint(package)
    if fp is None:
        return package
    if fp.chip or (specific(fp.package) and fp.kind not in ("header", "socket")):
        return fp.package
    words = [_KIND_SEARCH_WORDS.get(fp.kind, ""), fp.package if fp.package in ("Axial", "Radial") else ""]
    if fp.rows and fp.pins:
        words.append(f"{fp.rows}x{fp.pins // fp.rows:02d}")
    if fp.pitch_mm:
        words.append(f"pitch {fp.pitch_mm:g}mm")
    words.append({"THT": "through hole", "SMD": "SMD"}.get(fp.mounting, ""))
    return " ".join(w for w in words if w)


_KIND_SEARCH_WORDS = {
    "resistor": "resistor", "capacitor": "capacitor", "polarized_capacitor": "electrolytic capacitor",
    "inductor": "inductor", "led": "LED", "diode": "diode", "fuse": "fuse", "header": "pin header",
    "socket": "female header", "switch": "tactile switch", "crystal": "crystal", "connector": "connector",
}  # fmt: skip


def _price(product: Product) -> float:
    price = unit_price(product)
    return price if price is not None else float("inf")


def _raw(value: float, unit: str) -> str:
    return format_quantity(value, unit)


def _shown(attr: Attribute) -> str:
    if attr.value is None:
        return attr.raw
    return format_quantity(attr.value, attr.unit)
