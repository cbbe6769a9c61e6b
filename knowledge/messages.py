"""The buyer-facing words of stored data, in both languages (issue 18: the start of one message catalog).

Catalog rows keep the English their source or our seeding script wrote ('Brandstation standard range (ISO 15
dimensions)', 'JLCPCB list price, snapshot 2026-05-21'); a reply in Chinese shows them in Chinese. Keyed by id; every
entry has both languages (tests/unit/test_messages.py). `data_text(stored, language)` gives the reply's words for a
stored value, the value itself when the catalog has no entry for it (a maker's own name, a file name).
"""

from __future__ import annotations

import re

MESSAGES: dict[str, dict[str, str]] = {
    "maker.iso15_range": {
        "en": "Brandstation standard range (ISO 15 dimensions)",
        "zh": "Brandstation 标准系列(ISO 15 尺寸)",
    },
    "maker.standard_range": {"en": "Brandstation standard range", "zh": "Brandstation 标准系列"},
    "source.iso15": {"en": "ISO 15 boundary dimensions", "zh": "ISO 15 外形尺寸"},
    "price.synthetic": {
        "en": "synthetic demo price (seeded script, not a real offer)",
        "zh": "演示价格(脚本生成,并非真实报价)",
    },
    "price.jlc_snapshot": {"en": "JLCPCB list price, snapshot 2026-05-21", "zh": "嘉立创标价,2026-05-21 快照"},
    "source.of": {"en": "'{label}' of {sku}", "zh": "{sku} 的“{label}”"},
    "source.generated": {
        "en": "generated from the {scheme} part-number scheme",
        "zh": "按 {scheme} 型号编码规则生成",
    },
    "source.fastener_tables": {
        "en": "bd-warehouse 0.4.0 fastener tables (ISO / DIN dimensions), expanded by material",
        "zh": "bd-warehouse 0.4.0 紧固件尺寸表(ISO / DIN),按材料展开",
    },
    "seal.contact_2": {"en": "contact seals both sides", "zh": "两面接触式密封"},
    "seal.non_contact_2": {"en": "non-contact seals both sides", "zh": "两面非接触式密封"},
    "seal.capped_2": {"en": "capped both sides (seal type not stated)", "zh": "两面带盖(密封形式未标注)"},
    "seal.shields_2": {"en": "shields both sides", "zh": "两面防尘盖"},
    "seal.contact_1": {"en": "contact seal one side", "zh": "单面接触式密封"},
    "seal.non_contact_1": {"en": "non-contact seal one side", "zh": "单面非接触式密封"},
    "seal.shield_1": {"en": "shield one side", "zh": "单面防尘盖"},
    "seal.open": {"en": "open", "zh": "开式"},
    "seal.2rs": {"en": "2RS contact seals", "zh": "2RS 接触式密封"},
    "seal.2z": {"en": "2Z shields", "zh": "2Z 防尘盖"},
    "resistor.thick_film": {"en": "Thick Film Resistor", "zh": "厚膜电阻"},
    "resistor.thin_film": {"en": "Thin Film Resistor", "zh": "薄膜电阻"},
    # price-line notes (knowledge/pricing.py writes them in English; a reply shows them in its language)
    "note.price": {"en": "price: {source}", "zh": "价格来源:{source}"},
    "note.converted": {
        "en": "price: {source}, converted at {rate} {pair}",
        "zh": "价格来源:{source},按 {rate} {pair} 换算",
    },
    "note.moq": {"en": "MOQ {moq}", "zh": "最小起订量 {moq}"},
    "note.multiple": {"en": "rounded up to multiple of {multiple}", "zh": "按 {multiple} 的整数倍向上取整"},
    "note.cheaper": {
        "en": "ordering {better} instead of {asked} is cheaper (break at {brk}): saves {saving}",
        "zh": "订购 {better} 个比 {asked} 个更便宜(价格档 {brk}+):节省 {saving}",
    },
    "note.no_stock_stated": {"en": "stock not stated: ask sales", "zh": "库存未标注:请咨询销售"},
    "note.none_in_stock": {"en": "none in stock: {short} in ~{days} days", "zh": "无现货:{short} 个约 {days} 天到货"},
    "note.none_in_stock_ask": {
        "en": "none in stock: {short} (lead time: ask sales)",
        "zh": "无现货:{short} 个(交期请咨询销售)",
    },
    "note.short": {
        "en": "only {stock} in stock: {short} more in ~{days} days",
        "zh": "现货仅 {stock} 个:其余 {short} 个约 {days} 天到货",
    },
    "note.short_ask": {
        "en": "only {stock} in stock: {short} more (lead time: ask sales)",
        "zh": "现货仅 {stock} 个:其余 {short} 个(交期请咨询销售)",
    },
}
# Stored values made from a pattern: the entry, and the regex that reads its fields back.
_PATTERNS = ((re.compile(r"generated from the (?P<scheme>.+) part-number scheme"), "source.generated"),)
_NOTES = tuple(
    (re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(MESSAGES[key]["en"]))), key)
    for key in sorted((k for k in MESSAGES if k.startswith("note.")), key=lambda k: -len(MESSAGES[k]["en"]))
)


def note_text(note: str, language: str) -> str:
    """A price line's note ('only 2 in stock: 8 more in ~14 days') in the reply's language; the note itself when
    no entry reads it."""
    if language != "zh":
        return note
    for pattern, key in _NOTES:
        if (m := pattern.fullmatch(note)) is not None:
            fields = {k: data_text(v, language) for k, v in m.groupdict().items()}
            return message(key, language, **fields)
    return note


LANGUAGES = ("zh", "en")
_BY_ENGLISH = {entry["en"]: entry for entry in MESSAGES.values()}


def message(key: str, language: str, **values: object) -> str:
    """The entry `key` in `language` ('zh' or 'en'; anything else is English), with `values` filled in."""
    entry = MESSAGES[key]
    return entry.get(language, entry["en"]).format(**values)


def data_text(stored: str, language: str) -> str:
    """A stored English value as the reply's language shows it; the value itself when no entry holds it."""
    entry = _BY_ENGLISH.get(stored)
    if entry is not None:
        return entry.get(language, stored)
    for pattern, key in _PATTERNS:
        if (m := pattern.fullmatch(stored)) is not None:
            return message(key, language, **m.groupdict())
    return stored
