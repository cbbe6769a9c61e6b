"""Assemble a BOM quote (the QUOTE JSON persisted and exported) from read lines and their matches, and revise it.

The quote is a plain JSON-able dict so it can be stored, sent to the chat, exported (bot/quote_export.py) and
revised later without the original file: every line keeps the buyer's input, its status, the chosen product
and up to five candidates. Money is a string of a Decimal ("12.35"), rounded once per line (knowledge/pricing.py).

A revision re-prices every line from the catalog (board count changed, or the buyer picked a candidate:
"line 7 use the second one" / "第7行用第二个"), keeps the quote id and bumps `revision`.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from knowledge.bom import BomReadResult, ReadOverrides
from knowledge.bom_match import LineMatch
from knowledge.catalog import CatalogStore
from knowledge.errors import KnowledgeError, ProductNotFound
from knowledge.messages import data_text, match_note_text, message
from knowledge.models import BomLine, Hit, Product
from knowledge.pricing import (
    LinePrice,
    PricingError,
    PricingSettings,
    needed_quantity,
    price_line,
    quote_totals,
    terms_for,
)
from knowledge.substitutes import substitutes_for
from knowledge.titles import product_title

NEEDS_DECISION = ("ambiguous", "not_found")
STATUSES = ("exact", "parametric", "chosen", "ambiguous", "not_found")
# Candidates kept per line: the same numbered few in the chat, the web card and the downloads, so "第3行用第二个"
# can only pick a part the buyer was shown.
CANDIDATES_SHOWN = 3
# In-stock substitutes are looked up for this many short lines per quote (≈ 13 ms each); the buyer can ask
# "有替代吗?" about any other.
SUBSTITUTE_LOOKUPS = 25
MAX_BOARDS = 10_000_000


class QuoteError(KnowledgeError):
    """A revision the quote cannot take (unknown line, no such candidate, bad board count); says which."""


@dataclass(frozen=True)
class Revision:
    """What a buyer's message asks to change: the board count and/or one line's candidate (1-based, as numbered
    to the buyer). `sheet` names the line's sheet where rows of several sheets share a number; `seen` is the
    revision whose card the buyer answered (a button), so a pick from an older card is refused, not misapplied."""

    boards: int | None = None
    line: int | None = None
    choice: int | None = None
    sheet: str | None = None
    seen: int | None = None

    def __bool__(self) -> bool:
        return self.boards is not None or self.line is not None


def build_quote(
    read: BomReadResult,
    matches: Sequence[LineMatch],
    store: CatalogStore,
    *,
    boards: int,
    settings: PricingSettings,
    today: date,
    quote_id: str,
    buyer: str = "",
) -> dict[str, Any]:
    """Revision 1 of a quote for `boards` boards of the BOM `read`, one priced line per match."""
    _check_boards(boards)
    quote: dict[str, Any] = {
        "quote_id": quote_id,
        "revision": 1,
        "currency": settings.currency,
        "created": today.isoformat(),
        "valid_until": "",
        "boards": boards,
        "buyer": buyer,
        "file": read.file,
        "tax_rate": str(settings.tax_rate),
        "lines": [_line_json(m) for m in matches],
        "dnp": [
            {"line": d.line, "sheet": d.sheet, "designators": list(d.designators), "mpn": d.mpn, "value": d.value}
            for d in read.dnp
        ],
        "problems": [{"line": p.line, "sheet": p.sheet, "reason": p.reason} for p in read.problems],
        "reading": reading_of(read),
    }
    return _priced(quote, store, settings, today)


# Skipped rows the buyer need not hear about: every table has them.
_ROUTINE_SKIPS = ("blank row", "header row", "markdown table separator")
SKIP_ROWS_SHOWN = 5


def reading_of(read: BomReadResult) -> dict[str, Any]:
    """What the reader made of the file, for the preview the buyer sees before the quote: the format, every sheet,
    each header found (sheet, row, column letter → header text → field, lines read under it) and the rows skipped,
    grouped by kind with their row numbers (blank and header rows left out)."""
    groups: dict[str, dict[str, Any]] = {}
    for skip in read.skipped:
        if skip.reason.startswith(_ROUTINE_SKIPS):
            continue
        kind = skip_kind(skip.reason)
        group = groups.setdefault(kind, {"kind": kind, "reason": skip.reason, "count": 0, "rows": []})
        group["count"] += 1
        if len(group["rows"]) < SKIP_ROWS_SHOWN:
            group["rows"].append({"line": skip.line, "sheet": skip.sheet})
    return {
        "format": read.format,
        "sheets": list(read.sheets),
        "layouts": [
            {
                "sheet": layout.sheet,
                "header_line": layout.header_line,
                "lines": layout.lines,
                "dnp": layout.dnp,
                "columns": [{"letter": c.letter, "header": c.header, "field": c.field} for c in layout.columns],
            }
            for layout in read.layouts
        ],
        "skipped": list(groups.values()),
    }


def overrides_to_json(overrides: ReadOverrides) -> dict[str, Any]:
    return {"columns": [[fld, col] for fld, col in overrides.columns], "skip_sheets": list(overrides.skip_sheets)}


def overrides_from_json(data: Mapping[str, Any] | None) -> ReadOverrides:
    data = data or {}
    columns = tuple((str(fld), int(col)) for fld, col in data.get("columns") or ())
    return ReadOverrides(columns=columns, skip_sheets=tuple(str(s) for s in data.get("skip_sheets") or ()))


def merge_overrides(earlier: ReadOverrides, later: ReadOverrides) -> ReadOverrides:
    """The buyer's corrections so far, then the new one: a field named again moves to its new column, a column
    named again holds only its new field; skipped sheets add up."""
    later_fields = {fld for fld, _ in later.columns}
    later_cols = {col for _, col in later.columns}
    kept = tuple((fld, col) for fld, col in earlier.columns if fld not in later_fields and col not in later_cols)
    sheets = tuple(dict.fromkeys((*earlier.skip_sheets, *later.skip_sheets)))
    return ReadOverrides(columns=kept + later.columns, skip_sheets=sheets)


def skip_kind(reason: str) -> str:
    """The kind of a skipped row, from the reader's reason: "subtotal row ('合计')" → "subtotal row"."""
    for kind in _SKIP_KINDS:
        if reason.startswith(kind) or (kind.startswith(" ") and kind in reason):
            return kind.strip()
    return reason.split(" (")[0].split(" '")[0][:60]


_SKIP_KINDS = (
    "before the header row",
    "subtotal row",
    "signature or footer row",
    "note row",
    "summary row",
    "section title",
    "continues the designators",
    "text outside a table",
    "power symbol or flag",
    " is excluded from the BOM",
    "no part information",
    " has no BOM header row",
    " skipped at the buyer's request",
)


def revise_quote(
    quote: Mapping[str, Any],
    store: CatalogStore,
    revision: Revision,
    *,
    settings: PricingSettings,
    today: date,
) -> dict[str, Any]:
    """The next revision: new board count and/or the buyer's pick for one line, every line re-priced."""
    if revision.seen is not None and revision.seen != int(quote["revision"]):
        raise QuoteError(
            f"that choice was made on revision {revision.seen}, and the quote is at revision {quote['revision']} now:"
            " choose on the newest quote"
        )
    new = copy.deepcopy(dict(quote))
    if revision.boards is not None:
        _check_boards(revision.boards)
        new["boards"] = revision.boards
    changes: list[dict[str, Any]] = []
    if revision.boards is not None:
        changes.append({"kind": "boards", "before": int(quote["boards"]), "after": revision.boards})
    if revision.line is not None:
        changes.append(_pick(new, _find_line(new, revision.line, revision.sheet), revision.choice or 1))
    return next_revision(quote, new, changes, store, settings=settings, today=today)


def next_revision(
    quote: Mapping[str, Any],
    new: dict[str, Any],
    changes: list[dict[str, Any]],
    store: CatalogStore,
    *,
    settings: PricingSettings,
    today: date,
) -> dict[str, Any]:
    """`new`, re-priced, as the revision after `quote`: what changed, and the subtotal and counts before it."""
    new["revision"] = int(quote["revision"]) + 1
    new["created"] = today.isoformat()
    new["before"] = {key: quote.get("summary", {}).get(key) for key in ("priced", "to_decide", "lines")}
    new["before"]["subtotal"] = quote.get("subtotal")
    priced = _priced(new, store, settings, today)
    for change in changes:
        if change["kind"] == "pick":
            line = _find_line(priced, change["line"], change.get("sheet"))
            change["ext_price"], change["unit_price"] = line.get("ext_price"), line.get("unit_price")
    priced["changes"] = changes
    return priced


def carry_choices(earlier: Mapping[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """The buyer's picks of `earlier` applied to the same lines of `new` (same sheet, row and part text: the file
    read again with a correction); returns the picks that found no such line, so the reply can name them."""
    chosen = {_line_key(line): line for line in earlier["lines"] if _is_chosen(line)}
    for line in new["lines"]:
        old = chosen.pop(_line_key(line), None)
        if old is None:
            continue
        pick = _candidate_of(old)
        if pick is not None and all(c["sku"] != pick["sku"] for c in line["candidates"]):
            line["candidates"].append(pick)
        line.update(status="chosen", confidence=old.get("confidence"), sku=old["sku"], via="chosen by the buyer")
        line["match_note"] = old.get("match_note", "chosen by the buyer")
    return [{"line": line["line"], "sheet": line.get("sheet", ""), "mpn": line.get("mpn")} for line in chosen.values()]


def _line_key(line: Mapping[str, Any]) -> tuple[str, int, str]:
    given = line["input"]
    return (
        str(line.get("sheet") or ""),
        int(line["line"]),
        str(given["mpn"] or given["value"] or given["description"]),
    )


def _is_chosen(line: Mapping[str, Any]) -> bool:
    """Picked by the buyer (quotes stored before the `chosen` status say so in `via`)."""
    return bool(line.get("sku")) and (line["status"] == "chosen" or line.get("via") == "chosen by the buyer")


def _pick(quote: dict[str, Any], line: dict[str, Any], choice: int) -> dict[str, Any]:
    """Use candidate `choice` (1-based, as numbered to the buyer) for `line`. The list keeps its order, so the
    numbers the buyer saw keep meaning the same parts; a part the line had before that is not in the list is
    added at its end (shown with the next number), so it can be chosen back."""
    number = line["line"]
    if line["status"] == "exact" and not _is_chosen(line):
        raise QuoteError(
            f"line {number} is matched exactly by its part number ({line.get('mpn')}); there is no candidate to choose"
        )
    candidates = line["candidates"]
    if not candidates:
        raise QuoteError(f"line {number} has no candidates to choose from")
    if not 1 <= choice <= len(candidates):
        raise QuoteError(f"line {number} has {len(candidates)} candidate(s); there is no number {choice}")
    picked = candidates[choice - 1]
    if picked["sku"] == line.get("sku"):
        raise QuoteError(f"line {number} already uses candidate {choice} ({picked['mpn']}): nothing to change")
    previous = _candidate_of(line)
    if previous and all(c["sku"] != previous["sku"] for c in candidates):
        candidates.append(previous)
    change = {"kind": "pick", "line": number, "sheet": line.get("sheet", ""), "choice": choice}
    change.update(before=line.get("mpn"), before_status=line["status"], after=picked["mpn"])
    change.update(manufacturer=picked.get("manufacturer"), package=picked.get("package"))
    line.update(status="chosen", confidence=picked.get("score"), sku=picked["sku"], via="chosen by the buyer")
    line["match_note"] = f"chosen by the buyer (candidate {choice} of line {number})"
    return change


def parse_revision(text: str, sheets: Sequence[str] = ()) -> Revision:
    """Read "quote for 500 boards" / "报价 500 套" / "line 7 use the second one" / "第7行用第二个" / "L7 #2";
    with the quote's `sheets`, a sheet named in the text ("main_board 第2行用第二个") says whose line."""
    boards = None
    if (m := _BOARDS.search(text)) is not None:
        boards = _whole((m.group(1) or m.group(2)).replace(",", ""))
    line = choice = None
    if (m := _LINE.search(text)) is not None and (line := _whole(m.group(1) or m.group(2))) is not None:
        rest = text[m.end() :]
        if (c := _CHOICE.search(rest)) is not None:
            choice = _ordinal(c.group(1) or c.group(2) or c.group(3) or "")
    lowered = text.lower()
    sheet = next((s for s in sorted(sheets, key=len, reverse=True) if s and s.lower() in lowered), None)
    return Revision(boards, line, choice, sheet if line is not None else None)


def summary(quote: Mapping[str, Any]) -> dict[str, Any]:
    """Counts by status, DNP and problem rows, unpriced lines and the longest lead time of what is ordered."""
    counts = Counter(line["status"] for line in quote["lines"])
    leads = [line["lead_time_days"] for line in quote["lines"] if line.get("lead_time_days") is not None]
    return {
        "lines": len(quote["lines"]),
        **{status: counts.get(status, 0) for status in STATUSES},
        "dnp": len(quote["dnp"]),
        "problems": len(quote["problems"]),
        "priced": sum(1 for line in quote["lines"] if line.get("ext_price") is not None),
        "unpriced": sum(1 for line in quote["lines"] if line.get("ext_price") is None),
        "to_decide": len(decision_lines(quote)),
        "longest_lead_time_days": max(leads, default=None),
    }


def decision_lines(quote: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Lines the buyer must decide on (ambiguous / not found / unpriced), in BOM order."""
    return [line for line in quote["lines"] if needs_decision(line)]


def needs_decision(line: Mapping[str, Any]) -> bool:
    """Ambiguous or not found, or a product without a price (a stored line read as it is, keys may be missing)."""
    return line.get("status") in NEEDS_DECISION or (bool(line.get("sku")) and line.get("ext_price") in (None, ""))


# ---------------------------------------------------------------------------------------------------------


def _line_json(match: LineMatch) -> dict[str, Any]:
    line = match.line
    return {
        "line": line.line,
        "sheet": line.sheet,
        "designators": list(line.designators),
        "qty_per_board": _number(line.quantity),
        "qty": None,
        "attrition_pct": line.attrition_pct,
        "input": _input(line),
        "status": match.status,
        "confidence": match.confidence,
        "via": match.via,
        "match_note": match.note,
        "bom_notes": list(line.notes),
        "sku": match.product.sku if match.product else None,
        "candidates": [_candidate(h) for h in match.candidates[:CANDIDATES_SHOWN]],
    }


def _input(line: BomLine) -> dict[str, Any]:
    return {
        "mpn": line.mpn,
        "manufacturer": line.manufacturer,
        "value": line.value,
        "package": line.package,
        "description": line.description,
        "supplier_code": line.supplier_code,
        "alternates": list(line.alternates),
        "quantity_text": line.quantity_text,
    }


def _candidate(hit: Hit) -> dict[str, Any]:
    p = hit.product
    price = p.price_breaks[0].unit_price if p.price_breaks else None
    return {
        "sku": p.sku,
        "mpn": p.mpn,
        "manufacturer": p.manufacturer,
        "package": p.package,
        "description": product_title(p, "en"),
        "description_zh": product_title(p, "zh"),
        "score": round(hit.score, 3),
        "why": "; ".join(hit.why),
        "unit_price": None if price is None else f"{price} {p.currency}",
        "stock": p.stock,
    }


def _candidate_of(line: Mapping[str, Any]) -> dict[str, Any] | None:
    if not line.get("sku"):
        return None
    return {
        "sku": line["sku"],
        "mpn": line.get("mpn"),
        "manufacturer": line.get("manufacturer"),
        "package": line.get("package"),
        "description": line.get("description"),
        "description_zh": line.get("description_zh"),
        "score": line.get("confidence"),
        "why": "the earlier match",
        "unit_price": line.get("unit_price"),
        "stock": line.get("stock"),
    }


def _priced(quote: dict[str, Any], store: CatalogStore, settings: PricingSettings, today: date) -> dict[str, Any]:
    """Fill every line's product, price and note, then the totals, validity and warnings."""
    boards = int(quote["boards"])
    skus = [line["sku"] for line in quote["lines"] if line.get("sku")]
    products = _products(store, skus)
    priced: list[LinePrice] = []
    budget = [SUBSTITUTE_LOOKUPS]
    for line in quote["lines"]:
        product = products.get(line["sku"] or "")
        result = _price(line, product, boards, settings, store, budget)
        if result is not None:
            priced.append(result)
    totals = quote_totals(priced, settings, today)
    quote.update(
        currency=settings.currency,
        tax_rate=str(settings.tax_rate),
        subtotal=str(totals.subtotal),
        tax=str(totals.tax),
        total=str(totals.total),
        valid_until=totals.valid_until.isoformat(),
    )
    quote["summary"] = summary(quote)
    quote["warnings"] = _warnings(quote, "en")
    quote["warnings_zh"] = _warnings(quote, "zh")
    return quote


def _price(
    line: dict[str, Any],
    product: Product | None,
    boards: int,
    settings: PricingSettings,
    store: CatalogStore,
    budget: list[int],
) -> LinePrice | None:
    notes = [n for n in (line.get("match_note"), *line.get("bom_notes", ())) if n]
    _product_fields(line, product)
    per_board = line.get("qty_per_board")
    attrition = line.get("attrition_pct")
    attrition_pct = None if attrition is None else Decimal(str(attrition))
    try:
        line["qty"] = (
            needed_quantity(per_board, boards, settings.attrition_pct if attrition_pct is None else attrition_pct)
            if per_board
            else None
        )
    except PricingError as exc:
        line["qty"] = None
        notes.append(f"quantity: {exc.reason}")
    if product is None or line["qty"] is None or per_board is None:
        if product is not None:
            stated = line["input"]["quantity_text"]
            if stated and any(str(note).startswith(f"quantity {stated!r}") for note in line.get("bom_notes", ())):
                notes.append("not priced until the quantity is confirmed")  # the reader's note says why
            else:
                notes.append(f"quantity {stated or 'missing'!r} is not a number: not priced")
        line["note"] = "; ".join(notes)
        return None
    try:
        price = price_line(terms_for(product), per_board, boards, settings, attrition_pct)
    except PricingError as exc:
        line["note"] = "; ".join([*notes, f"not priced: {exc.reason}"])
        return None
    line.update(
        unit_price=str(price.unit_price) if price.priced else None,
        price_break=price.price_break or None,
        order_qty=price.order_qty,
        ext_price=str(price.ext_price) if price.priced else None,
        lead_time_days=price.lead_time_days,
        short_qty=price.short_qty,
    )
    notes.extend(price.notes)
    lifecycle = _end_of_life(product)
    line["lifecycle"] = lifecycle
    if lifecycle:
        notes.append(f"lifecycle: {lifecycle}")
    if (price.short_qty or lifecycle) and line["status"] in ("exact", "parametric", "chosen") and budget[0] > 0:
        budget[0] -= 1
        notes.extend(_in_stock_alternative(product, store, price.order_qty))
    line["note"] = "; ".join(notes)
    return price


_END_OF_LIFE = ("obsolete", "not for new designs", "last time buy", "discontinued", "nrnd", "eol", "停产")


def _end_of_life(product: Product) -> str:
    """The product's lifecycle status when it is obsolete or not recommended ("" when active or unknown)."""
    attr = product.attribute("lifecycle_status")
    raw = attr.raw.strip() if attr is not None else ""
    return raw if any(word in raw.lower() for word in _END_OF_LIFE) else ""


def _product_fields(line: dict[str, Any], product: Product | None) -> None:
    line.update(
        mpn=product.mpn if product else None,
        manufacturer=product.manufacturer if product else None,
        description=product_title(product, "en") if product else None,
        description_zh=product_title(product, "zh") if product else None,
        package=product.package if product else None,
        stock=product.stock if product else None,
        lead_time_days=product.lead_time_days if product else None,
        price_source=product.price_source if product else None,
        unit_price=None,
        price_break=None,
        order_qty=None,
        ext_price=None,
        short_qty=None,
    )


def _in_stock_alternative(product: Product, store: CatalogStore, qty: int) -> list[str]:
    """An in-stock substitute for a short line, from the substitutes rules (drop-in first)."""
    try:
        found = substitutes_for(product, store, k=3, in_stock_only=True)
    except KnowledgeError:
        return []
    for sub in found:
        if (sub.product.stock or 0) >= qty:
            return [f"in stock instead: {sub.product.mpn} ({sub.kind}, {sub.product.stock:,} in stock): {sub.why}"]
    return []


def _products(store: CatalogStore, skus: Sequence[str]) -> dict[str, Product]:
    try:
        return {p.sku: p for p in store.products(list(dict.fromkeys(skus)))}
    except ProductNotFound:  # a product left the catalog since the quote was made: price what is still there
        found: dict[str, Product] = {}
        for sku in dict.fromkeys(skus):
            try:
                found[sku] = store.get(sku)
            except ProductNotFound:
                continue
        return found


def _warnings(quote: Mapping[str, Any], language: str) -> list[str]:
    """What the buyer must look at before ordering, in `language` (the message catalog's quote.warning.*)."""
    out: list[str] = []

    def say(key: str, **values: object) -> None:
        out.append(message(f"quote.warning.{key}", language, **values))

    decide = decision_lines(quote)
    if decide:
        say("decide", count=len(decide), lines=", ".join(str(line["line"]) for line in decide[:20]))
    by_note: dict[str, list[str]] = {}
    for line in quote["lines"]:
        for note in line.get("bom_notes", ()):
            by_note.setdefault(note, []).append(str(line["line"]))
    for note, numbers in by_note.items():
        shown = ", ".join(numbers[:8])
        if len(numbers) > 8:
            shown = message("quote.warning.and_more", language, lines=shown, more=len(numbers) - 8)
        say("notes" if len(numbers) > 1 else "note", lines=shown, note=match_note_text(note, language))
    for line in quote["lines"]:
        if line.get("sku") and line.get("ext_price") is None:
            say("not_priced", line=line["line"], note=match_note_text(line.get("note", "")[:80], language))
        if line.get("short_qty"):
            say("short", line=line["line"], short=f"{line['short_qty']:,}")
        if line.get("lifecycle"):
            say("lifecycle", line=line["line"], mpn=line["mpn"], lifecycle=data_text(line["lifecycle"], language))
    if quote["problems"]:
        say("problems", count=len(quote["problems"]))
    if quote["dnp"]:
        say("dnp", count=len(quote["dnp"]))
    return out


def _find_line(quote: Mapping[str, Any], number: int, sheet: str | None = None) -> dict[str, Any]:
    """The line at row `number` (of `sheet`); refuses to guess where rows of several sheets share the number."""
    found = [line for line in quote["lines"] if line["line"] == number and (not sheet or line.get("sheet") == sheet)]
    if not found:
        raise QuoteError(f"the quote has no line {number}" + (f" on sheet {sheet!r}" if sheet else ""))
    if len(found) > 1:
        names = ", ".join(str(line.get("sheet")) for line in found)
        raise QuoteError(
            f"line {number} is on several sheets ({names}): name the sheet, e.g. “{found[-1].get('sheet')} line {number} use the second one”"
        )
    return found[0]


def _check_boards(boards: int) -> None:
    if isinstance(boards, bool) or not isinstance(boards, int) or not 1 <= boards <= MAX_BOARDS:
        raise QuoteError(f"number of boards must be a whole number from 1 to {MAX_BOARDS:,}, got {boards!r}")


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


# A count starts where its run of digits and commas starts (the lookbehind): tried from every digit of a long
# run, the pattern read the rest of the run each time (quadratic). Leading commas are not part of the count.
_BOARDS = re.compile(
    r"(?<![\d,]),*(\d[\d,]*)\s*(?:套|块板|块|片板|台|pcs? of boards?|boards?|sets?|units?|pcbas?|kits?)"
    r"|(?:quote|报价|改成|改为|做|要|for|x|×)\s*(\d[\d,]*)\s*(?:套|块|台|boards?|sets?|units?)?\s*$",
    re.IGNORECASE,
)
_LINE = re.compile(r"第\s*(\d+)\s*行|\b(?:line|row|l|#)\s*(\d+)\b", re.IGNORECASE)
_CHOICE = re.compile(
    r"第\s*([一二三四五12345])\s*个|(?:#|no\.?|number|option|candidate)\s*(\d)|\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
}  # fmt: skip


_MAX_DIGITS = 18  # a longer number is no count nor line of a quote (and int() refuses 4,300 digits and more)


def _whole(digits: str) -> int | None:
    return int(digits) if len(digits) <= _MAX_DIGITS else None


def _ordinal(text: str) -> int | None:
    text = text.lower()
    if text.isdigit():
        return int(text)
    return _ORDINALS.get(text)
