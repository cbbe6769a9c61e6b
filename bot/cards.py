"""Turn domain answers into channel payloads: a product card and quick-reply buttons, same for every channel."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from knowledge.attributes import display_name
from knowledge.bom import FILE_TYPES_TEXT, column_letter, field_label
from knowledge.language import foreign_runs
from knowledge.messages import MESSAGES, data_text, match_note_text, message, why_text
from knowledge.models import Hit, Product
from knowledge.quote import decision_lines
from knowledge.search import RELAXED
from knowledge.specs import Option, SpecAnswer, key_facts, source_of
from knowledge.titles import product_title
from knowledge.units import format_quantity

if TYPE_CHECKING:  # annotations only: cards render what knowledge/substitutes.py returns
    from knowledge.models import Difference, Substitute
    from knowledge.selection import Selection
    from knowledge.substitutes import SubstituteResult


def product_card(product: Product, language: str, *, answer: str = "", source: str = "") -> dict[str, Any]:
    """The card the web chat renders: title, codes, key facts, datasheet, source, price and stock."""
    facts = [[display_name(a.name, language), _value(a.value, a.unit, a.raw, a.value_max)] for a in key_facts(product)]
    if product.package:
        facts.insert(0, [display_name("package", language), product.package])
    return {
        "title": product_title(product, language),
        "mpn": product.mpn,
        "manufacturer": data_text(product.manufacturer, language),
        "sku": product.sku,
        "answer": answer,
        "facts": facts,
        "datasheet": product.datasheet,
        "source": source or source_of(product, lang=language),
        "price": _price(product, language),
        "stock": _stock(product, language),
    }


def spec_payload(answer: SpecAnswer) -> dict[str, Any] | None:
    """Custom JSON for Rasa (`{"data": {"card": ...}}`) when the answer is about one product."""
    if answer.product is None:
        return None
    first = answer.facts[0] if answer.facts and answer.status == "answered" else None
    line = ""
    if first is not None and answer.attribute:
        # the name the answer itself used (the catalog's own attributes too: 'drain to source voltage' = 漏源电压)
        name = answer.attribute_name or display_name(answer.attribute, answer.language)
        line = f"{name}: {answer.value_text}"
    card = product_card(
        answer.product,
        answer.language,
        answer=line,
        source=source_of(answer.product, first, answer.language) if first else "",
    )
    return {"data": {"card": card}}


def search_message(hits: list[Hit], language: str) -> dict[str, Any]:
    """The reply to a product search: ranked lines with reasons, a button per product, a card for the best."""
    if not hits:
        return {"text": message("reply.search.none", language)}
    intro = message("reply.search.intro", language)
    relaxed = hits[0].why[0] if hits[0].why and hits[0].why[0].startswith(RELAXED) else ""
    if relaxed:  # nothing met every stated parameter: say which one the closest parts do not meet
        dropped = relaxed.removeprefix(RELAXED).strip()
        intro = message("reply.search.relaxed", language, dropped=dropped)
    lines = [
        f"{i}. {h.product.mpn} · {data_text(h.product.manufacturer, language)} — {product_title(h.product, language)} ({why_text('; '.join(h.why), language)})"
        for i, h in enumerate(hits, 1)
    ]
    return {
        "text": "\n".join([intro, *lines]),
        "buttons": candidate_buttons(hits, None, language=language),
        "json_message": {"data": {"card": product_card(hits[0].product, language)}},
    }


def candidate_buttons(
    hits: tuple[Hit, ...] | list[Hit], attribute: str | None, limit: int = 5, language: str = "en"
) -> list[dict[str, str]]:
    """One button per candidate product; the payload names the part (and the attribute still wanted)."""
    buttons = []
    for hit in list(hits)[:limit]:
        entities = {"part_number": hit.product.sku}
        if attribute:
            entities["attribute"] = attribute
        title = f"{hit.product.mpn} · {data_text(hit.product.manufacturer, language)}"
        buttons.append({"title": title[:80], "payload": f"/ask_spec{json.dumps(entities, ensure_ascii=False)}"})
    return buttons


def next_step_buttons(product: Product, attribute: str | None, language: str) -> list[dict[str, str]]:
    """After a spec answer: substitutes, the price (or stock, after a price answer) and sales, for that product."""
    part = {"part_number": product.sku}
    commerce = "stock" if attribute == "price" else "price"
    return [
        {"title": message("reply.button.substitutes", language), "payload": f"/ask_substitute{json.dumps(part)}"},
        {
            "title": message(f"reply.button.{commerce}", language),
            "payload": f"/ask_spec{json.dumps({**part, 'attribute': commerce})}",
        },
        {"title": message("reply.button.sales", language), "payload": "/request_sales"},
    ]


def option_buttons(product: Product | None, options: tuple[Option, ...], limit: int = 6) -> list[dict[str, str]]:
    """One button per attribute the buyer may have meant; the payload names the part and the attribute."""
    if product is None:
        return []
    buttons = []
    for option in options[:limit]:
        entities = {"part_number": product.sku, "attribute": option.key}
        buttons.append({"title": option.name[:80], "payload": f"/ask_spec{json.dumps(entities, ensure_ascii=False)}"})
    return buttons


def _value(value: float | None, unit: str, raw: str, value_max: float | None) -> str:
    if value is None:
        return raw
    if value_max is not None:
        return f"{format_quantity(value, unit)} … {format_quantity(value_max, unit)}"
    return format_quantity(value, unit)


def _price(product: Product, language: str) -> str:
    if not product.price_breaks:
        return ""
    first = product.price_breaks[0]
    label = message("reply.price.from", language)
    return f"{product.currency} {first.unit_price:g} @ {first.min_qty}+ ({label}; {data_text(product.price_source, language)})"


def _stock(product: Product, language: str) -> str:
    if product.stock is None:
        return ""
    if product.stock > 0:
        return message("reply.stock.count", language, stock=f"{product.stock:,}")
    return message("reply.stock.out", language, days=product.lead_time_days or "?")


# --- substitutes ---------------------------------------------------------------------------------------

_KIND_LABELS = {k: MESSAGES[f"reply.substitute.{k}"] for k in ("cross-reference", "drop-in", "functional")}
_VERDICT_LABELS = {k: MESSAGES[f"reply.verdict.{k}"] for k in ("better", "worse", "unknown")}
SUBSTITUTES_SHOWN = 3


def substitutes_message(result: SubstituteResult, language: str) -> dict[str, Any]:
    """utter_message kwargs for a substitute request: the top 3 with why and differences, buttons, a card."""
    if result.status == "ambiguous" and result.candidates:
        text = message("reply.substitutes.which_part", language)
        return {"text": text, "buttons": _substitute_request_buttons(result.candidates, language)}
    if result.status != "found" or result.part is None or not result.substitutes:
        return _no_substitute_message(result, language)
    part = result.part
    intro = message("reply.substitutes.intro", language, mpn=part.mpn, maker=data_text(part.manufacturer, language))
    shown = result.substitutes[:SUBSTITUTES_SHOWN]
    lines = [f"{i}. {substitute_line(s, language)}" for i, s in enumerate(shown, 1)]
    buttons = [
        {
            "title": f"{_kind_label(s.kind, language)} · {s.product.mpn} · {data_text(s.product.manufacturer, language)}"[
                :80
            ],
            "payload": f"/ask_spec{json.dumps({'part_number': s.product.sku}, ensure_ascii=False)}",
        }
        for s in shown
    ]
    best = shown[0]
    answer = _kind_label(best.kind, language)
    if why := _substitute_why(best, language):
        answer += f": {why}"
    card = product_card(best.product, language, answer=answer)
    return {"text": "\n".join([intro, *lines]), "buttons": buttons, "json_message": {"data": {"card": card}}}


def substitute_line(substitute: Substitute, language: str) -> str:
    """One line: kind, MPN · manufacturer, why, and every difference that is not "same" (密封形式: 2RS → 2Z)."""
    product = substitute.product
    why = _substitute_why(substitute, language)
    notes = [why] if why and why != substitute.kind else []
    notes += [_difference(d, language) for d in substitute.differences if d.verdict != "same"]
    head = f"{_kind_label(substitute.kind, language)} · {product.mpn} · {data_text(product.manufacturer, language)}"
    return f"{head} — {'; '.join(notes)}" if notes else head


def _substitute_why(substitute: Substitute, language: str) -> str:
    """What the substitute shares with the part, in the reply's language (the card's answer and the list's line)."""
    # `why` ends with an English "; differs: ..." that the localized differences spell out again.
    why = substitute.why.split("; differs: ")[0]
    if language == "zh":  # the English summary, said in Chinese from the same comparison
        same = [display_name(d.attribute, language) for d in substitute.differences if d.verdict == "same"]
        why = message("reply.substitute.same", language, what="、".join(same)) if same else ""
    return why


def _difference(difference: Difference, language: str) -> str:
    verdict = _VERDICT_LABELS.get(difference.verdict, {}).get(language if language == "zh" else "en", "")
    original, offered = (data_text(v, language) if v else "?" for v in (difference.original, difference.substitute))
    change = f"{original} → {offered}"
    suffix = (f"({verdict})" if language == "zh" else f" ({verdict})") if verdict else ""
    return f"{display_name(difference.attribute, language)}: {change}{suffix}"


def _kind_label(kind: str, language: str) -> str:
    return _KIND_LABELS.get(kind, {}).get("zh" if language == "zh" else "en", kind)


def _no_substitute_message(result: SubstituteResult, language: str) -> dict[str, Any]:
    """Nothing qualifies, or the part is unknown: say so, say it was noted, and offer sales."""
    part = result.part
    if part is None:
        return {"text": message("reply.substitutes.unknown_part", language)}
    text = message("reply.substitutes.none", language, mpn=part.mpn, maker=data_text(part.manufacturer, language))
    return {"text": text, "json_message": {"data": {"card": product_card(part, language)}}}


def _substitute_request_buttons(hits: tuple[Hit, ...], language: str, limit: int = 5) -> list[dict[str, str]]:
    """One button per candidate part; clicking asks for that part's substitutes."""
    return [
        {
            "title": f"{h.product.mpn} · {data_text(h.product.manufacturer, language)}"[:80],
            "payload": f"/ask_substitute{json.dumps({'part_number': h.product.sku}, ensure_ascii=False)}",
        }
        for h in hits[:limit]
    ]


# ---------------------------------------------------------------------------------------------------------
# BOM quotes

DECISIONS_SHOWN = 8
PICK_BUTTONS = 4  # quick replies; the web card has a picker on every line to decide
TABLE_OPEN_LINES = 30  # the web card opens the full table only for short BOMs, and never on a revision
# each line's status as the quote shows it, in the order the counts are told
_STATUS_LABELS = {k: MESSAGES[f"reply.status.{k}"] for k in ("exact", "parametric", "chosen", "ambiguous", "not_found")}


def quote_message(quote: dict[str, Any], language: str) -> dict[str, Any]:
    """utter_message kwargs for a BOM quote or a revision of it: what changed (revisions), a headline that says
    what is priced and what is not, the lines to decide with their numbered candidates (package, stock, price),
    buttons, and a `quote` payload the web chat draws (headline, pickers, table, downloads)."""
    zh = language == "zh"
    boards = message("reply.quote.boards", language, boards=f"{quote['boards']:,}")
    head = f"{quote['quote_id']} r{quote['revision']} · {quote['file']} · {boards}"
    decide = decision_lines(quote)
    sheets = _line_sheets(quote)
    lines = [_decision_line(line, language, sheets) for line in decide[:DECISIONS_SHOWN]]
    if len(decide) > DECISIONS_SHOWN:
        more = len(decide) - DECISIONS_SHOWN
        lines.append(message("reply.quote.more_to_decide", language, more=more))
    if lines:
        lines.insert(0, message("reply.quote.to_decide", language))
    pickable = [line for line in decide if line["candidates"]]
    if pickable:
        example = _line_name(pickable[0], zh, sheets)
        example = example if zh else f"{example[0].lower()}{example[1:]}"
        hint = message("reply.quote.hint_pick", language, example=example)
    else:
        hint = message("reply.quote.hint_boards", language)
    change = quote_change(quote, language)
    hint += message("reply.quote.hint_columns", language)
    text = "\n".join(
        [
            *([change] if change else []),
            head,
            *reading_preview(quote, language),
            _counts(quote, zh),
            *quote_headline(quote, language),
            *lines,
            hint,
        ]
    )
    buttons = [
        {
            "title": f"{_line_name(line, zh, sheets)} → {line['candidates'][0]['mpn']}"[:80],
            "payload": pick_payload(quote, line, 1, sheets),
        }
        for line in pickable
        if line["status"] == "ambiguous"
    ][:PICK_BUTTONS]
    # The hand-off a buyer with a priced BOM most likely wants next (the lead form, 转人工).
    buttons.append({"title": message("reply.button.sales_order", language), "payload": "/request_sales"})
    payload = {"data": {"quote": quote_card(quote, language)}}
    return {"text": text, "buttons": buttons, "json_message": payload}


LAYOUTS_SHOWN = 3
# The kinds of rows the reader skips (knowledge/bom.py), as the message catalog says them ('skip.*')
_SKIP_KINDS = {entry["en"]: key for key, entry in MESSAGES.items() if key.startswith("skip.")}


def reading_preview(quote: Mapping[str, Any], language: str) -> list[str]:
    """What was read before what it costs: per header, its sheet and row and which column went to which field
    ("表 main_board 第 3 行表头:A「位号」→ 位号、E「数量」→ 数量 · 103 行"), then the rows skipped and why."""
    zh = language == "zh"
    reading = quote.get("reading") or {}
    out = []
    layouts = reading.get("layouts") or []
    for layout in layouts[:LAYOUTS_SHOWN]:
        columns = message("reply.sep.list", language).join(
            message("reply.reading.column", language, letter=c["letter"], header=c["header"],
                    field=field_label(c["field"], zh))
            for c in layout["columns"]
        )  # fmt: skip
        sheet, line = layout["sheet"], layout["header_line"]
        where = (message("reply.reading.sheet", language, sheet=sheet) if sheet else "") + (
            message("reply.reading.header_row", language, line=line)
            if line
            else message("reply.reading.no_header", language)
        )
        columns = columns or message("reply.reading.by_content", language)
        where = where[0].upper() + where[1:]  # 'Sheet main, header on row 3'
        out.append(message("reply.reading.layout", language, where=where, columns=columns, lines=layout["lines"]))
    if len(layouts) > LAYOUTS_SHOWN:
        more = len(layouts) - LAYOUTS_SHOWN
        out.append(message("reply.reading.more_blocks", language, more=more))
    skipped = reading.get("skipped") or []
    if skipped:
        total = sum(int(g["count"]) for g in skipped)
        parts = []
        for group in skipped:
            rows = _rows_text(group["rows"], group["count"], zh)
            key = _SKIP_KINDS.get(group["kind"])
            kind = message(key, language) if key else (group["reason"] if zh else group["kind"])
            parts.append(message("reply.reading.skipped_group", language, kind=kind, count=group["count"], rows=rows))
        groups = message("reply.sep.groups", language).join(parts)
        out.append(message("reply.reading.skipped", language, total=total, groups=groups))
    return out


def _rows_text(rows: list[Mapping[str, Any]], count: int, zh: bool) -> str:
    """ "表 old_rev 第 1, 2 行" / "sheet old_rev rows 1, 2": row numbers by sheet, "…" when more were skipped."""
    by_sheet: dict[str, list[str]] = {}
    for row in rows:
        by_sheet.setdefault(str(row.get("sheet") or ""), []).append(str(row["line"]))
    more = "…" if count > len(rows) else ""
    lang = "zh" if zh else "en"
    return message("reply.sep.clause", lang).join(
        (message("reply.rows.sheet", lang, sheet=s) if s else "")
        + message("reply.rows.many" if len(n) > 1 or more else "reply.rows.one", lang, rows=", ".join(n) + more)
        for s, n in by_sheet.items()
    )


def _counts(quote: Mapping[str, Any], zh: bool) -> str:
    """How the lines read matched: "读取 103 行:型号匹配 40,参数匹配 9,待确认 20,未找到 34"."""
    s = quote["summary"]
    shown = [status for status in _STATUS_LABELS if s.get(status) or status != "chosen"]
    lang = "zh" if zh else "en"
    counts = message("reply.sep.counts", lang).join(
        message("reply.counts.item", lang, count=s.get(k, 0), status=message(f"reply.status.{k}", lang)) for k in shown
    )
    return message("reply.counts", lang, lines=s["lines"], counts=counts)


def quote_headline(quote: Mapping[str, Any], language: str) -> list[str]:
    """Two lines: what is priced and what is not ("已报价 49/103 行 · 小计 CNY 17.15 · 54 行待处理"), then tax,
    total, validity and lead time. A total never silently leaves lines out: with unpriced lines it is named
    the total of the priced lines."""
    zh = language == "zh"
    s = quote["summary"]
    priced, lines = _priced_of(s)
    to_decide = s.get("to_decide", s["ambiguous"] + s["not_found"])
    whole = priced == lines
    cur, lead, until = quote["currency"], s["longest_lead_time_days"], quote["valid_until"]
    lang = "zh" if zh else "en"
    decide = message("reply.headline.to_decide", lang, count=to_decide) if to_decide else ""
    extra = (message("reply.headline.dnp", lang, count=s["dnp"]) if s["dnp"] else "") + (
        message("reply.headline.unreadable", lang, count=s["problems"]) if s["problems"] else ""
    )
    if priced == 0:  # nothing to total: say so rather than "total CNY 0.00"
        first = message("reply.headline.nothing_priced", lang, lines=lines) + decide
        return [first, message("reply.headline.valid_until", lang, until=until) + extra]
    first = message("reply.headline.priced", lang, priced=priced, lines=lines, currency=cur, subtotal=quote["subtotal"])
    first += ("" if whole else message("reply.headline.priced_only", lang)) + decide
    total = "reply.headline.total" if whole else "reply.headline.total_priced"
    second = message(total, lang, currency=cur, total=quote["total"], tax=_percent(quote["tax_rate"]), until=until)
    second += (message("reply.headline.lead_time", lang, days=lead) if lead is not None else "") + extra
    return [first, second]


def quote_change(quote: Mapping[str, Any], language: str) -> str:
    """What a revision changed and what it did to the subtotal ("" for a new quote)."""
    zh = language == "zh"
    parts = []
    for change in quote.get("changes") or ():
        if change["kind"] == "boards":
            boards = {"before": f"{change['before']:,}", "after": f"{change['after']:,}"}
            parts.append(message("reply.change.boards", language, **boards))
        elif change["kind"] == "pick":
            was = change.get("before") or _STATUS_LABELS.get(change.get("before_status", ""), {}).get(
                "zh" if zh else "en", "?"
            )
            package = f" {change['package']}" if change.get("package") else ""
            price = f" = {quote['currency']} {change['ext_price']}" if change.get("ext_price") else ""
            if not price:
                price = message("reply.quote.not_priced", language)
            after = f"{change['after']}{package}{price}"
            parts.append(message("reply.change.pick", language, line=change["line"], was=was, after=after))
        elif change["kind"] == "reading":
            parts.append(_reading_change(change, zh))
            for lost in change.get("dropped_picks") or ():
                where = f"{lost['sheet']} " if lost.get("sheet") else ""
                parts.append(
                    message("reply.change.pick_lost", language, where=where, line=lost["line"], mpn=lost["mpn"])
                )
    if not parts:
        return ""
    before = quote.get("before") or {}
    sub = ""
    if before.get("subtotal") is not None:
        sub = message(
            "reply.change.subtotal",
            language,
            currency=quote["currency"],
            before=before["subtotal"],
            after=quote["subtotal"],
        )
    changes = message("reply.sep.clause", language).join(parts)
    return message("reply.change.changed", language, changes=changes, subtotal=sub)


def _reading_change(change: Mapping[str, Any], zh: bool) -> str:
    """ "数量 ← 第 E 列" / "quantity ← column E"; "跳过表 Sheet1" / "sheet Sheet1 skipped"."""
    lang = "zh" if zh else "en"
    bits = [
        message("reply.change.column", lang, field=field_label(fld, zh), letter=column_letter(col))
        for fld, col in change.get("columns") or ()
    ]
    bits += [message("reply.change.sheet_skipped", lang, sheet=s) for s in change.get("skip_sheets") or ()]
    return message("reply.change.read_again", lang, changes=message("reply.sep.list", lang).join(bits))


def quote_card(quote: dict[str, Any], language: str) -> dict[str, Any]:
    """What the web chat draws: header, headline, the change, every line to decide with a picker over its
    numbered candidates, the full table (collapsed on revisions and long BOMs), totals, downloads."""
    zh = language == "zh"
    decide = decision_lines(quote)
    sheets = _line_sheets(quote)
    return {
        "quote_id": quote["quote_id"],
        "revision": quote["revision"],
        "file": quote["file"],
        "boards": quote["boards"],
        "currency": quote["currency"],
        "subtotal": quote["subtotal"],
        "tax": quote["tax"],
        "total": quote["total"],
        "valid_until": quote["valid_until"],
        "summary": quote["summary"],
        "headline": quote_headline(quote, language),
        "reading": reading_preview(quote, language),
        "change": quote_change(quote, language),
        "totals_label": _totals_label(quote, zh),
        "downloads": quote.get("downloads", {}),
        "decide": [_card_line(quote, line, zh, sheets) for line in decide[:200]],
        "table_open": int(quote["revision"]) == 1 and len(quote["lines"]) <= TABLE_OPEN_LINES,
        "lines": [_card_line(quote, line, zh, sheets) for line in quote["lines"][:200]],
    }


def _card_line(quote: Mapping[str, Any], line: Mapping[str, Any], zh: bool, sheets: bool) -> dict[str, Any]:
    return {
        "line": line["line"],
        "name": _line_name(line, zh, sheets),
        "status": line["status"],
        "status_label": _STATUS_LABELS.get(line["status"], {}).get("zh" if zh else "en", line["status"]),
        "input": line["input"]["mpn"] or line["input"]["value"] or line["input"]["description"],
        "designators": " ".join(line.get("designators") or ())[:60],
        "mpn": line["mpn"],
        "package": line.get("package"),
        "qty": line["qty"],
        "ext_price": line["ext_price"],
        "pickable": line["status"] != "exact" and bool(line["candidates"]),
        "candidates": [
            {
                "n": n,
                "mpn": c["mpn"],
                "manufacturer": c.get("manufacturer"),
                "package": c.get("package"),
                "stock": c.get("stock"),
                "price": c.get("unit_price"),
                "current": c["sku"] == line.get("sku"),
                "label": _candidate_text(n, c, zh),
                "payload": pick_payload(quote, line, n, sheets),
            }
            for n, c in enumerate(line["candidates"], 1)
        ],
    }


def _totals_label(quote: Mapping[str, Any], zh: bool) -> str:
    priced, lines = _priced_of(quote["summary"])
    if priced == lines:
        return ""
    return message("reply.quote.priced_only", "zh" if zh else "en", priced=priced, lines=lines)


def _priced_of(summary: Mapping[str, Any]) -> tuple[int, int]:
    """(priced lines, lines); quotes stored before `priced` was counted have `unpriced`."""
    lines = int(summary["lines"])
    return int(summary.get("priced", lines - summary.get("unpriced", 0))), lines


def quote_error_message(reason: str, language: str) -> dict[str, Any]:
    """A BOM that cannot be read or a revision that cannot apply: the reason and what to do."""
    return {"text": message("reply.quote.cannot", language, reason=reason, types=FILE_TYPES_TEXT)}


def _candidate_text(n: int, c: Mapping[str, Any], zh: bool) -> str:
    """ "2. RC0603FR-0710KL · 0603 · 库存 5,000 · 0.0012 CNY": what the buyer needs to choose."""
    bits = [f"{n}. {c['mpn']}"]
    if c.get("package"):
        bits.append(str(c["package"]))
    stock = c.get("stock")
    if stock is not None:
        bits.append(
            message("reply.stock.count", "zh" if zh else "en", stock=f"{stock:,}")
            if stock > 0
            else message("reply.stock.none", "zh" if zh else "en")
        )
    if c.get("unit_price"):
        bits.append(str(c["unit_price"]))
    return " · ".join(bits)


def _line_sheets(quote: Mapping[str, Any]) -> bool:
    """Whether the quote's lines come from several sheets (then a row number alone does not say which line)."""
    return len({line.get("sheet") or "" for line in quote["lines"]}) > 1


def pick_payload(quote: Mapping[str, Any], line: Mapping[str, Any], n: int, sheets: bool) -> str:
    """The button payload that picks candidate `n` of `line`: the row, its sheet where several sheets share row
    numbers, and the revision shown, so a click on an older quote is refused rather than applied to the newest."""
    entities: dict[str, Any] = {"quote_line": line["line"], "candidate": n, "quote_revision": int(quote["revision"])}
    if sheets:
        entities["quote_sheet"] = line.get("sheet") or ""
    return f"/revise_quote{json.dumps(entities, ensure_ascii=False)}"


def _line_name(line: Mapping[str, Any], zh: bool, sheets: bool) -> str:
    """ "第3行" / "Line 3", with the sheet when the quote has several ("main_board 第3行")."""
    lang = "zh" if zh else "en"
    if sheets and line.get("sheet"):
        return message("reply.quote.sheet_line", lang, sheet=line["sheet"], line=line["line"])
    return message("reply.quote.line", lang, line=line["line"])


def _decision_line(line: dict[str, Any], language: str, sheets: bool = False) -> str:
    zh = language == "zh"
    shown = line["input"]["mpn"] or line["input"]["value"] or line["input"]["description"] or "?"
    label = _STATUS_LABELS[line["status"]]["zh" if zh else "en"]
    candidates = " / ".join(_candidate_text(i, c, zh) for i, c in enumerate(line["candidates"], 1))
    head = f"{_line_name(line, zh, sheets)} [{label}] {shown[:40]}"
    if line["status"] == "ambiguous" and candidates:
        return f"{head} → {candidates}"
    if line["status"] in ("exact", "parametric", "chosen"):  # a part, but no price
        note = match_note_text(str(line.get("note", "")), language)
        return f"{head} {line['mpn']}:" + message("reply.quote.line_not_priced", language) + note[:80]
    if zh:  # the matcher's note in Chinese where the message catalog reads all of it, else what it comes to
        said = match_note_text(str(line.get("match_note", "")), "zh")
        if not said or foreign_runs(said, "zh", [str(line.get("manufacturer") or "")]):
            said = "目录中没有此料,已记录需求" if line["status"] == "not_found" else "需要确认"
        return f"{head}:{said[:80]}" + (f"(近似:{candidates})" if candidates else "")
    return f"{head}: {line.get('match_note', '')[:80]}" + (f" (closest: {candidates})" if candidates else "")


def _percent(rate: str) -> str:
    return f"{float(rate) * 100:g}%"


# ---------------------------------------------------------------------------------------------------------
# Parametric selection (选型)


def selection_message(sel: Selection, language: str) -> dict[str, Any]:
    """utter_message kwargs for one selection step: a question with an option button each, or the parts with a
    button per part (its specs) and a card for the best one."""
    from knowledge.selection import ANY, selection_reply

    text = selection_reply(sel, language)
    if sel.status == "ask":
        buttons = [
            {
                "title": f"{shown} ({count:,})"[:80],
                "payload": f"/choose_option{json.dumps({'option_value': key}, ensure_ascii=False)}",
            }
            for shown, key, count in sel.options
        ]
        buttons.append(
            {
                "title": message("reply.button.any", language),
                "payload": f"/choose_option{json.dumps({'option_value': ANY}, ensure_ascii=False)}",
            }
        )
        return {"text": text, "buttons": buttons}
    if sel.status in ("done", "none") and sel.products:  # none: the closest parts with one filter relaxed
        buttons = [
            {
                "title": f"{p.mpn} · {data_text(p.manufacturer, language)}"[:80],
                "payload": f"/ask_spec{json.dumps({'part_number': p.sku}, ensure_ascii=False)}",
            }
            for p in sel.products
        ]
        card = product_card(sel.products[0], language)
        return {"text": text, "buttons": buttons, "json_message": {"data": {"card": card}}}
    return {"text": text}
