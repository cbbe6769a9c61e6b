"""Turn domain answers into channel payloads: a product card and quick-reply buttons, same for every channel."""

from __future__ import annotations

import json
from typing import Any

from knowledge.attributes import display_name
from knowledge.models import Hit, Product
from knowledge.specs import SpecAnswer, key_facts, source_of
from knowledge.units import format_quantity


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
