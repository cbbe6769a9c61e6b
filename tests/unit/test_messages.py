"""The message catalog (knowledge/messages.py) and the language check (knowledge/language.py), issue 18."""

from __future__ import annotations

import re
import string

from knowledge.language import foreign_runs
from knowledge.messages import LANGUAGES, MESSAGES, data_text, message


def test_every_entry_has_both_languages_with_the_same_fields() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == set(LANGUAGES), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in LANGUAGES]
        assert fields[0] == fields[1], key
        assert not foreign_runs(entry["zh"], "zh") and not foreign_runs(entry["en"], "en"), key
        # every Chinese entry holds Chinese, but for a pattern of stored values and entries that are only fields and
        # punctuation (separators '、', '{letter}「{header}」→ {field}', an order '{status} {count}')
        words = re.sub(r"\{\w+\}", "", entry["zh"])
        wordless = not re.search(r"[^\W\d_]", words) or re.fullmatch(r"[A-Z]{2,5}", words)  # or 'SKU', kept as is
        assert re.search(r"[\u4e00-\u9fff]", words) or key.startswith("source.of") or wordless, key


def test_stored_values_are_shown_in_the_reply_language() -> None:
    assert (
        data_text("synthetic demo price (seeded script, not a real offer)", "zh") == "演示价格(脚本生成,并非真实报价)"
    )
    assert data_text("Murata Electronics", "zh") == "Murata Electronics"  # a maker's own name stays
    assert message("source.of", "zh", label="d", sku="ISO15-6205-2RS") == "ISO15-6205-2RS 的“d”"


def test_foreign_runs() -> None:
    zh = "6205-2RS (SKF, SKU ISO15-6205-2RS) 的内径 d 是 25 mm。来源:ISO 15 外形尺寸"
    assert foreign_runs(zh, "zh") == []
    said = "6205-2RS 库存 28 pcs (synthetic demo price, not a real offer)"
    assert foreign_runs(said, "zh") == ["synthetic demo price not a real offer"]
    assert foreign_runs("The bore of 6205-2RS is 25 mm.", "en") == []
    assert foreign_runs("Stock 28 (开式)", "en") == ["开式"]
    assert foreign_runs("您问的是 “nah I'm good” 吗?", "zh") == []  # the buyer's words quoted back


def test_price_notes_and_substitute_values_in_chinese() -> None:
    from knowledge.messages import note_text

    assert note_text("only 2 in stock: 8 more in ~14 days", "zh") == "现货仅 2 个:其余 8 个约 14 天到货"
    assert note_text("only 2 in stock: 8 more in ~14 days", "en") == "only 2 in stock: 8 more in ~14 days"
    converted = "price: JLCPCB list price, snapshot 2026-05-21, converted at 7.2 CNY/USD"
    assert note_text(converted, "zh") == "价格来源:嘉立创标价,2026-05-21 快照,按 7.2 CNY/USD 换算"
    assert note_text("a note nobody wrote an entry for", "zh") == "a note nobody wrote an entry for"
    assert data_text("contact seals both sides", "zh") == "两面接触式密封"


def test_matching_notes_read_in_chinese_clause_by_clause() -> None:
    """The matcher's notes most often seen on the labelled BOMs, in a Chinese chat or file: values, units, part
    numbers and footprints stay; a clause no entry reads stays as written (and is found as English)."""
    from knowledge.messages import match_note_text

    cases = {
        "matched by parameters (4.7 kΩ, package 0603)": "按参数匹配(4.7 kΩ、封装 0603)",
        "20100701 is not in the catalog; closest items listed": "目录中没有 20100701; 已列出最接近的料",
        "not stated in the BOM, quoted as: tolerance ±5%, power 100mW": "BOM 未写明,按此报价:精度 ±5%、功率 100mW",
        "3.3 kΩ with no package or footprint: which package (0603, 0402)?": "3.3 kΩ 未注明封装:请问是哪种封装(0603、0402)?",
        "straight or right angle? The footprint does not say": "直针还是弯针?封装名没有写明",
        "matched by parameters (pin header 1x4, 2.54 mm, straight, no right-angle mark)": (
            "按参数匹配(排针 1x4、2.54 mm、直针、封装名无弯针标记)"
        ),
        "only 2 in stock: 8 more in ~14 days": "现货仅 2 个:其余 8 个约 14 天到货",
    }
    for english, chinese in cases.items():
        assert match_note_text(english, "zh") == chinese
        assert not foreign_runs(chinese, "zh")
        assert match_note_text(english, "en") == english
    unread = "the reel label says something else entirely"
    assert match_note_text(unread, "zh") == unread and foreign_runs(unread, "zh")


def test_matching_notes_never_translate_inside_names_and_say_which_package_is_which() -> None:
    from knowledge.messages import match_note_text

    options = match_note_text(
        "10 µF with no package or footprint: which package (Power-DI-5, SMD3225-4P, Type-C)?", "zh"
    )
    assert "Power-DI-5" in options and "SMD3225-4P" in options and "Type-C" in options, options
    clash = match_note_text("X1 does not fit the footprint F1 (package SOIC-8, footprint SSOP-8): which one?", "zh")
    assert "封装 SOIC-8、PCB 封装 SSOP-8" in clash, clash
    # Chinese punctuation separates words: English left between 、 is found
    assert foreign_runs("按参数匹配(10 µF、Aluminum Electrolytic Capacitors - 直插)", "zh") == [
        "Aluminum Electrolytic Capacitors"
    ]
