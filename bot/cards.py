"""Turn domain answers into channel payloads: a product card and quick-reply buttons, same for every channel."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from knowledge.attributes import display_name
from knowledge.bom import FILE_TYPES_TEXT
from knowledge.models import Hit, Product
from knowledge.specs import Option, SpecAnswer, key_facts, source_of
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
        "title": product.name,
        "mpn": product.mpn,
        "manufacturer": product.manufacturer,
        "sku": product.sku,
        "answer": answer,
        "facts": facts,
        "datasheet": product.datasheet,
        "source": source or source_of(product),
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
        line = f"{display_name(answer.attribute, answer.language)}: {answer.value_text}"
    card = product_card(
        answer.product, answer.language, answer=line, source=source_of(answer.product, first) if first else ""
    )
    return {"data": {"card": card}}


def search_message(hits: list[Hit], language: str) -> dict[str, Any]:
    """The reply to a product search: ranked lines with reasons, a button per product, a card for the best."""
    if not hits:
        if language == "zh":
            return {"text": "没有找到符合的产品。我已记录这个需求,可以换个说法,或回复“转人工”让销售帮您找。"}
        return {"text": "No product matches that. I have noted the request; try other words, or reply “talk to sales”."}
    intro = "为您找到这些产品:" if language == "zh" else "Here is what matches best:"
    lines = [
        f"{i}. {h.product.mpn} · {h.product.manufacturer} — {h.product.name} ({'; '.join(h.why)})"
        for i, h in enumerate(hits, 1)
    ]
    return {
        "text": "\n".join([intro, *lines]),
        "buttons": candidate_buttons(hits, None),
        "json_message": {"data": {"card": product_card(hits[0].product, language)}},
    }


def candidate_buttons(hits: tuple[Hit, ...] | list[Hit], attribute: str | None, limit: int = 5) -> list[dict[str, str]]:
    """One button per candidate product; the payload names the part (and the attribute still wanted)."""
    buttons = []
    for hit in list(hits)[:limit]:
        entities = {"part_number": hit.product.sku}
        if attribute:
            entities["attribute"] = attribute
        title = f"{hit.product.mpn} · {hit.product.manufacturer}"
        buttons.append({"title": title[:80], "payload": f"/ask_spec{json.dumps(entities, ensure_ascii=False)}"})
    return buttons


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
    label = "起" if language == "zh" else "from"
    return f"{product.currency} {first.unit_price:g} @ {first.min_qty}+ ({label}; {product.price_source})"


def _stock(product: Product, language: str) -> str:
    if product.stock is None:
        return ""
    if language == "zh":
        return f"库存 {product.stock:,}" if product.stock > 0 else f"缺货,交期约 {product.lead_time_days or '?'} 天"
    if product.stock > 0:
        return f"{product.stock:,} in stock"
    return f"out of stock, lead time ~{product.lead_time_days or '?'} days"


# --- substitutes ---------------------------------------------------------------------------------------

_KIND_LABELS = {
    "cross-reference": {"zh": "交叉参考", "en": "cross-reference"},
    "drop-in": {"zh": "直接替换", "en": "drop-in"},
    "functional": {"zh": "功能替代", "en": "functional"},
}
_VERDICT_LABELS = {
    "better": {"zh": "更好", "en": "better"},
    "worse": {"zh": "更差", "en": "worse"},
    "unknown": {"zh": "未知", "en": "unknown"},
}
SUBSTITUTES_SHOWN = 3


def substitutes_message(result: SubstituteResult, language: str) -> dict[str, Any]:
    """utter_message kwargs for a substitute request: the top 3 with why and differences, buttons, a card."""
    zh = language == "zh"
    if result.status == "ambiguous" and result.candidates:
        text = (
            "有几个型号都符合,您要替代的是哪一个?" if zh else "Several parts match; which one do you want to replace?"
        )
        return {"text": text, "buttons": _substitute_request_buttons(result.candidates)}
    if result.status != "found" or result.part is None or not result.substitutes:
        return _no_substitute_message(result, language)
    part = result.part
    intro = (
        f"{part.mpn} · {part.manufacturer} 的替代料,按匹配度排序:"
        if zh
        else f"Substitutes for {part.mpn} · {part.manufacturer}, best first:"
    )
    shown = result.substitutes[:SUBSTITUTES_SHOWN]
    lines = [f"{i}. {substitute_line(s, language)}" for i, s in enumerate(shown, 1)]
    buttons = [
        {
            "title": f"{_kind_label(s.kind, language)} · {s.product.mpn} · {s.product.manufacturer}"[:80],
            "payload": f"/ask_spec{json.dumps({'part_number': s.product.sku}, ensure_ascii=False)}",
        }
        for s in shown
    ]
    best = shown[0]
    card = product_card(best.product, language, answer=f"{_kind_label(best.kind, language)}: {best.why}")
    return {"text": "\n".join([intro, *lines]), "buttons": buttons, "json_message": {"data": {"card": card}}}


def substitute_line(substitute: Substitute, language: str) -> str:
    """One line: kind, MPN · manufacturer, why, and every difference that is not "same" (密封形式: 2RS → 2Z)."""
    product = substitute.product
    # `why` ends with an English "; differs: ..." that the localized differences below spell out again.
    why = substitute.why.split("; differs: ")[0]
    notes = [why] if why and why != substitute.kind else []
    notes += [_difference(d, language) for d in substitute.differences if d.verdict != "same"]
    head = f"{_kind_label(substitute.kind, language)} · {product.mpn} · {product.manufacturer}"
    return f"{head} — {'; '.join(notes)}" if notes else head


def _difference(difference: Difference, language: str) -> str:
    verdict = _VERDICT_LABELS.get(difference.verdict, {}).get(language if language == "zh" else "en", "")
    change = f"{difference.original or '?'} → {difference.substitute or '?'}"
    suffix = (f"({verdict})" if language == "zh" else f" ({verdict})") if verdict else ""
    return f"{display_name(difference.attribute, language)}: {change}{suffix}"


def _kind_label(kind: str, language: str) -> str:
    return _KIND_LABELS.get(kind, {}).get("zh" if language == "zh" else "en", kind)


def _no_substitute_message(result: SubstituteResult, language: str) -> dict[str, Any]:
    """Nothing qualifies, or the part is unknown: say so, say it was noted, and offer sales."""
    part = result.part
    if part is None:
        if language == "zh":
            text = "没有找到您要替代的型号。请发完整型号,例如“6205-2RS 有替代吗?”。我已记录这个需求,也可以回复“转人工”让销售帮您找。"
        else:
            text = (
                "I could not find the part you want to replace. Send its full part number, e.g. “alternatives to "
                "6205-2RS”. I have noted the request; you can also reply “talk to sales”."
            )
        return {"text": text}
    if language == "zh":
        text = (
            f"目录里没有能替代 {part.mpn} · {part.manufacturer} 的型号:关键参数(尺寸、封装、阻值等)必须一致,"
            "宁缺毋滥。我已记录这个需求,回复“转人工”让销售帮您找。"
        )
    else:
        text = (
            f"Nothing in the catalog qualifies as a substitute for {part.mpn} · {part.manufacturer}: the key "
            "parameters (dimensions, package, value ...) must match. I have noted the request; reply “talk to sales” "
            "and a sales engineer will look for one."
        )
    return {"text": text, "json_message": {"data": {"card": product_card(part, language)}}}


def _substitute_request_buttons(hits: tuple[Hit, ...], limit: int = 5) -> list[dict[str, str]]:
    """One button per candidate part; clicking asks for that part's substitutes."""
    return [
        {
            "title": f"{h.product.mpn} · {h.product.manufacturer}"[:80],
            "payload": f"/ask_substitute{json.dumps({'part_number': h.product.sku}, ensure_ascii=False)}",
        }
        for h in hits[:limit]
    ]


# ---------------------------------------------------------------------------------------------------------
# BOM quotes

DECISIONS_SHOWN = 8
_STATUS_LABELS = {
    "exact": {"zh": "型号匹配", "en": "exact"},
    "parametric": {"zh": "参数匹配", "en": "by parameters"},
    "ambiguous": {"zh": "待确认", "en": "to decide"},
    "not_found": {"zh": "未找到", "en": "not found"},
}


def quote_message(quote: dict[str, Any], language: str) -> dict[str, Any]:
    """utter_message kwargs for a BOM quote: summary text, the lines to decide with their candidates first,
    buttons to pick the first candidate of each, and a `quote` payload (table + download links)."""
    zh = language == "zh"
    s = quote["summary"]
    head = (
        f"{quote['quote_id']} r{quote['revision']} · {quote['file']} · {quote['boards']:,} {'套' if zh else 'board(s)'}"
    )
    lead = s["longest_lead_time_days"]
    if zh:
        counts = (
            f"读取 {s['lines']} 行:型号匹配 {s['exact']},参数匹配 {s['parametric']},"
            f"待确认 {s['ambiguous']},未找到 {s['not_found']}"
            + (f";不贴 {s['dnp']} 行" if s["dnp"] else "")
            + (f";{s['problems']} 行无法识别" if s["problems"] else "")
        )
        money = f"合计 {quote['currency']} {quote['total']}(含税 {_percent(quote['tax_rate'])}),有效期至 {quote['valid_until']}"
        if lead is not None:
            money += f",最长交期 {lead} 天"
    else:
        counts = (
            f"{s['lines']} lines read: {s['exact']} exact, {s['parametric']} by parameters, "
            f"{s['ambiguous']} to decide, {s['not_found']} not found"
            + (f"; {s['dnp']} DNP" if s["dnp"] else "")
            + (f"; {s['problems']} unreadable rows" if s["problems"] else "")
        )
        money = (
            f"Total {quote['currency']} {quote['total']} incl. {_percent(quote['tax_rate'])} VAT, "
            f"valid until {quote['valid_until']}"
        )
        if lead is not None:
            money += f"; longest lead time {lead} days"
    decide = [line for line in quote["lines"] if line["status"] in ("ambiguous", "not_found")]
    lines = [_decision_line(line, language) for line in decide[:DECISIONS_SHOWN]]
    if len(decide) > DECISIONS_SHOWN:
        more = len(decide) - DECISIONS_SHOWN
        lines.append(f"…另有 {more} 行待处理,见下载的报价单" if zh else f"…{more} more in the downloaded quote")
    if decide:
        first = next((line for line in decide if line["candidates"]), None)
        example = first["line"] if first else decide[0]["line"]
        hint = (
            f"回复“第{example}行用第二个”选择候选,或“报价 500 套”改数量。"
            if zh
            else f"Reply “line {example} use the second one” to pick a candidate, or “quote for 500 boards”."
        )
    else:
        hint = "回复“报价 500 套”可按套数重新报价。" if zh else "Reply “quote for 500 boards” to change the quantity."
    text = "\n".join([head, counts, money, *lines, hint])
    buttons = [
        {
            "title": (
                f"第{line['line']}行 → {line['candidates'][0]['mpn']}"
                if zh
                else f"Line {line['line']} → {line['candidates'][0]['mpn']}"
            )[:80],
            "payload": f"/revise_quote{json.dumps({'quote_line': line['line'], 'candidate': 1})}",
        }
        for line in decide
        if line["candidates"] and line["status"] == "ambiguous"
    ][:4]
    # The hand-off a buyer with a priced BOM most likely wants next (the lead form, 转人工).
    buttons.append({"title": "联系销售下单" if zh else "Talk to sales", "payload": "/request_sales"})
    payload = {"data": {"quote": quote_card(quote, language)}}
    return {"text": text, "buttons": buttons, "json_message": payload}


def quote_card(quote: dict[str, Any], language: str) -> dict[str, Any]:
    """What the web chat draws: header, status counts, the decision lines with candidates, totals, downloads."""
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
        "downloads": quote.get("downloads", {}),
        "lines": [
            {
                "line": line["line"],
                "status": line["status"],
                "status_label": _STATUS_LABELS[line["status"]]["zh" if language == "zh" else "en"],
                "input": line["input"]["mpn"] or line["input"]["value"] or line["input"]["description"],
                "mpn": line["mpn"],
                "qty": line["qty"],
                "ext_price": line["ext_price"],
                "candidates": [c["mpn"] for c in line["candidates"][:5]],
            }
            for line in quote["lines"][:200]
        ],
    }


def quote_error_message(reason: str, language: str) -> dict[str, Any]:
    """A BOM that cannot be read or a revision that cannot apply: the reason and what to do."""
    if language == "zh":
        return {"text": f"这份 BOM 无法报价:{reason}。请上传 {FILE_TYPES_TEXT} 文件,或直接粘贴带表头的表格。"}
    return {
        "text": f"I cannot quote that: {reason}. Upload an {FILE_TYPES_TEXT} file, or paste the table with its header row."
    }


def _decision_line(line: dict[str, Any], language: str) -> str:
    zh = language == "zh"
    shown = line["input"]["mpn"] or line["input"]["value"] or line["input"]["description"] or "?"
    label = _STATUS_LABELS[line["status"]]["zh" if zh else "en"]
    candidates = " / ".join(f"{i}. {c['mpn']}" for i, c in enumerate(line["candidates"][:3], 1))
    head = f"{'第' + str(line['line']) + '行' if zh else 'Line ' + str(line['line'])} [{label}] {shown[:40]}"
    if line["status"] == "ambiguous" and candidates:
        return f"{head} → {candidates}"
    if zh:  # the matcher's notes are English; the chat says the same in Chinese
        why = "目录中没有此料,已记录需求" if line["status"] == "not_found" else "需要确认"
        return f"{head}:{why}" + (f"(近似:{candidates})" if candidates else "")
    return f"{head}: {line.get('match_note', '')[:80]}" + (f" (closest: {candidates})" if candidates else "")


def _percent(rate: str) -> str:
    return f"{float(rate) * 100:g}%"


# ---------------------------------------------------------------------------------------------------------
# Parametric selection (选型)


def selection_message(sel: Selection, language: str) -> dict[str, Any]:
    """utter_message kwargs for one selection step: a question with an option button each, or the parts with a
    button per part (its specs) and a card for the best one."""
    from knowledge.selection import selection_reply

    text = selection_reply(sel, language)
    if sel.status == "ask":
        buttons = [
            {
                "title": f"{shown} ({count:,})"[:80],
                "payload": f"/choose_option{json.dumps({'option_value': key}, ensure_ascii=False)}",
            }
            for shown, key, count in sel.options
        ]
        return {"text": text, "buttons": buttons}
    if sel.status == "done" and sel.products:
        buttons = [
            {
                "title": f"{p.mpn} · {p.manufacturer}"[:80],
                "payload": f"/ask_spec{json.dumps({'part_number': p.sku}, ensure_ascii=False)}",
            }
            for p in sel.products
        ]
        card = product_card(sel.products[0], language)
        return {"text": text, "buttons": buttons, "json_message": {"data": {"card": card}}}
    return {"text": text}
