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
}
# Stored values made from a pattern: the entry, and the regex that reads its fields back.
_PATTERNS = ((re.compile(r"generated from the (?P<scheme>.+) part-number scheme"), "source.generated"),)
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
