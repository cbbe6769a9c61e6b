"""The buyer-facing words of stored data, in both languages (issue 18: the start of one message catalog).

Catalog rows keep the English their source or our seeding script wrote ('Brandstation standard range (ISO 15
dimensions)', 'JLCPCB list price, snapshot 2026-05-21'); a reply in Chinese shows them in Chinese. Keyed by id; every
entry has both languages (tests/unit/test_messages.py). `data_text(stored, language)` gives the reply's words for a
stored value, the value itself when the catalog has no entry for it (a maker's own name, a file name).
"""

from __future__ import annotations

import re

from knowledge.attributes import VOCABULARY

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
    # a catalog file a product was read from ('jlcpcb:jlc_parts.csv.gz'), said by who published it
    "source.file.jlcpcb": {"en": "JLCPCB parts library", "zh": "嘉立创元件库"},
    "source.file.skf": {"en": "SKF product tables", "zh": "SKF 产品数据表"},
    "source.file.digikey": {"en": "Digi-Key product data", "zh": "Digi-Key 产品数据"},
    "source.file.bd-warehouse": {"en": "bd-warehouse bearing tables", "zh": "bd-warehouse 轴承尺寸表"},
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
    # BOM matching notes (knowledge/bom_match.py writes them in English, one clause each between '; '): a Chinese
    # chat and a Chinese XLSX / PDF / CSV show them in Chinese (match_note_text)
    "match.closest": {"en": "closest items listed", "zh": "已列出最接近的料"},
    "match.not_listed": {"en": "not in the catalog", "zh": "目录中没有此料"},
    "match.code_not_listed": {"en": "{code} is not in the catalog", "zh": "目录中没有 {code}"},
    "match.code_not_compared": {
        "en": "{code} is not in the catalog: {what} not compared",
        "zh": "目录中没有 {code}:{what}未比较",
    },
    "match.code_highest_rated": {
        "en": "{code} is not in the catalog: the highest-rated part with these values",
        "zh": "目录中没有 {code}:按这些参数中额定值最高的料报价",
    },
    "match.not_stated_quoted": {"en": "not stated in the BOM, quoted as: {what}", "zh": "BOM 未写明,按此报价:{what}"},
    "match.pick": {
        "en": "no exact part number or full parameters: pick the right one",
        "zh": "没有确切型号或完整参数:请选择正确的料",
    },
    "match.similar": {"en": "similar part numbers: check which one is meant", "zh": "有相近的型号:请确认是哪一个"},
    "match.by_parameters": {"en": "matched by parameters ({what})", "zh": "按参数匹配({what})"},
    "match.by_code": {"en": "matched by what it encodes ({what})", "zh": "按型号编码匹配({what})"},
    "match.board_feature": {
        "en": "a board feature (hole / test point / fiducial): nothing to buy",
        "zh": "板上结构(孔 / 测试点 / 基准点):无需采购",
    },
    "match.which_package": {
        "en": "{value} with no package or footprint: which package ({options})?",
        "zh": "{value} 未注明封装:请问是哪种封装({options})?",
    },
    "match.listed_in": {
        "en": "{code} is listed in {options}: which package?",
        "zh": "{code} 有多种封装({options}):请问是哪种?",
    },
    "match.empty_line": {
        "en": "the line states no part number, value or description",
        "zh": "该行没有型号、值或描述",
    },
    "match.current_not_stated": {
        "en": "current not stated: quoted at the highest of this value and size, {what}",
        "zh": "未写明电流:按此值和尺寸中电流最大的报价,{what}",
    },
    "match.voltage_not_stated": {
        "en": "voltage not stated: quoted at the highest in this form, {what}: check",
        "zh": "未写明电压:按此规格中最高的 {what} 报价,请确认",
    },
    "match.material_not_stated": {"en": "material not stated, quoted as {what}", "zh": "未写明材料,按{what}报价"},
    "match.angle": {"en": "straight or right angle? The footprint does not say", "zh": "直针还是弯针?封装名没有写明"},
    "match.same_value_package": {"en": "same value and package: check", "zh": "值和封装相同:请确认"},
    "match.from_value_column": {
        "en": "part number {code} read from the value column",
        "zh": "型号 {code} 取自值(Value)列",
    },
    "match.listed_as_packaging": {
        "en": "listed as {mpn} (packaging suffix differs: check reel / tape)",
        "zh": "目录型号为 {mpn}(包装后缀不同:请确认卷盘 / 编带)",
    },
    "match.packaging": {
        "en": "{code} matched as {mpn} (packaging suffix differs: check reel / tape)",
        "zh": "{code} 匹配为 {mpn}(包装后缀不同:请确认卷盘 / 编带)",
    },
    "match.sizes_disagree": {
        "en": "{code} names the {size} size, the line says {package}: which one?",
        "zh": "{code} 的型号表示 {size} 尺寸,该行写的是 {package}:请确认用哪一个",
    },
    "match.footprint_conflict": {
        "en": "{code} does not fit the footprint {footprint} ({what}): which one?",
        "zh": "{code} 与封装 {footprint} 不符({what}):请确认用哪一个",
    },
    "match.says_otherwise": {
        "en": "{code} is not what the line says ({what}): which one?",
        "zh": "{code} 与该行所写不符({what}):请确认用哪一个",
    },
    "match.completed_by_footprint": {
        "en": "{code} on footprint {footprint} matched as {mpn}: check the variant",
        "zh": "{code} 按封装 {footprint} 匹配为 {mpn}:请确认型号后缀",
    },
    "match.bom_names_maker": {"en": "the BOM names {maker}", "zh": "BOM 写的厂家是 {maker}"},
    "match.catalog_lists_from": {
        "en": "the catalog lists {code} from {maker}: which one?",
        "zh": "目录中的 {code} 来自 {maker}:请确认用哪一个",
    },
    # reply sentences, buttons and card labels (bot/cards.py); never read as stored data (data_text)
    "reply.button.price": {"en": "Price", "zh": "价格"},
    "reply.button.stock": {"en": "Stock", "zh": "库存"},
    "reply.button.substitutes": {"en": "Substitutes", "zh": "替代料"},
    "reply.button.sales": {"en": "Talk to sales", "zh": "联系销售"},
    "reply.button.sales_order": {"en": "Talk to sales", "zh": "联系销售下单"},
    # the kinds of rows the BOM reader skips (knowledge/bom.py), in the quote card's reading summary (bot/cards.py)
    "skip.before_the_header_row": {"en": "before the header row", "zh": "表头前的标题/说明"},
    "skip.subtotal_row": {"en": "subtotal row", "zh": "合计行"},
    "skip.signature_or_footer_row": {"en": "signature or footer row", "zh": "签字/页脚行"},
    "skip.note_row": {"en": "note row", "zh": "备注行"},
    "skip.summary_row": {"en": "summary row", "zh": "汇总行"},
    "skip.section_title": {"en": "section title", "zh": "分组标题"},
    "skip.continues_the_designators": {"en": "continues the designators", "zh": "上一行位号的续行"},
    "skip.text_outside_a_table": {"en": "text outside a table", "zh": "表格外的文字"},
    "skip.power_symbol_or_flag": {"en": "power symbol or flag", "zh": "电源符号"},
    "skip.is_excluded_from_the_bom": {"en": "is excluded from the BOM", "zh": "原理图中标为不进 BOM"},
    "skip.no_part_information": {"en": "no part information", "zh": "无料件信息"},
    "skip.has_no_bom_header_row": {"en": "has no BOM header row", "zh": "没有表头的工作表(未读)"},
    "skip.skipped_at_the_buyer_s_request": {"en": "skipped at the buyer's request", "zh": "按您的要求跳过的工作表"},
    # IM cards (WeCom / DingTalk / Feishu): a quote's heading and a datasheet link (bot/channels/_im.py)
    "im.quote_title": {"en": "Quote {quote_id} r{revision}", "zh": "报价 {quote_id} r{revision}"},
    "im.datasheet": {"en": "Datasheet", "zh": "数据手册"},
    "reply.substitutes.which_part": {
        "en": "Several parts match; which one do you want to replace?",
        "zh": "有几个型号都符合,您要替代的是哪一个?",
    },
    "reply.substitutes.intro": {
        "en": "Substitutes for {mpn} · {maker}, best first:",
        "zh": "{mpn} · {maker} 的替代料,按匹配度排序:",
    },
    # a quote's warnings (knowledge/quote.py), stored in both languages for the chat and the exports
    "quote.warning.decide": {
        "en": "{count} line(s) need a decision: {lines}",
        "zh": "{count} 行需要确认:第 {lines} 行",
    },
    "quote.warning.and_more": {"en": "{lines} and {more} more", "zh": "{lines} 等(另有 {more} 行)"},
    "quote.warning.note": {"en": "line {lines}: {note}", "zh": "第 {lines} 行:{note}"},
    "quote.warning.notes": {"en": "lines {lines}: {note}", "zh": "第 {lines} 行:{note}"},
    "quote.warning.not_priced": {"en": "line {line}: not priced ({note})", "zh": "第 {line} 行:未报价({note})"},
    "quote.warning.short": {"en": "line {line}: {short} short of stock", "zh": "第 {line} 行:库存缺 {short}"},
    "quote.warning.lifecycle": {
        "en": "line {line}: {mpn} is {lifecycle}: consider the substitute in its note",
        "zh": "第 {line} 行:{mpn} 的状态为 {lifecycle},请考虑备注中的替代料",
    },
    "quote.warning.problems": {
        "en": "{count} row(s) could not be read as items (see problems)",
        "zh": "{count} 行无法读成物料行(见未报价的行)",
    },
    "quote.warning.dnp": {"en": "{count} DNP line(s) not quoted", "zh": "{count} 行不贴件(DNP),未报价"},
    # the lead form (actions/leads.py): one question per answer, the field names, why an answer is refused
    "reply.lead.ask.lead_company": {
        "en": "Sure, I will pass you to sales. What is your company's name? (Say “cancel” any time to stop.)",
        "zh": "好的,我来帮您转给销售。请问您的公司名称是?(随时回复“取消”可退出)",
    },
    "reply.lead.ask.lead_name": {
        "en": "And your name?",
        "zh": "请问怎么称呼您?",
    },
    "reply.lead.ask.lead_contact": {
        "en": "How can sales reach you: a phone number (with country code if outside China) or an e-mail?",
        "zh": "请留一个联系方式:手机号(如 138 1234 5678)或邮箱。",
    },
    "reply.lead.ask.lead_region": {
        "en": "Where are you located (city / province, or country)? We route you to the local distributor or to the brand.",
        "zh": "您在哪个省市?(例如 广东深圳)我们会安排当地的经销商或品牌销售。",
    },
    "reply.lead.ask.lead_volume": {
        "en": "What volume or budget do you expect (e.g. 5,000 pcs a month, or USD 20,000)? “Not sure” is fine.",
        "zh": "预计采购量或预算大概是多少?(例如 每月5000片,或 预算5万元;不确定也可以说“不确定”)",
    },
    "reply.lead.ask.lead_timing": {
        "en": "When do you need the parts (e.g. next month, samples first)?",
        "zh": "大概什么时候需要?(例如 下个月、样品阶段)",
    },
    "reply.lead.ask.lead_consent": {
        "en": "Last step: do you agree that the brand and its authorised distributors contact you about this enquiry? Reply “yes” or “no”.",
        "zh": "最后确认:您是否同意品牌方及其授权经销商就本次询价与您联系?请回复“同意”或“不同意”。",
    },
    "reply.lead.field.lead_company": {"en": "company name", "zh": "公司名称"},
    "reply.lead.field.lead_name": {"en": "name", "zh": "称呼"},
    "reply.lead.field.lead_contact": {"en": "phone or e-mail", "zh": "联系方式"},
    "reply.lead.field.lead_region": {"en": "location", "zh": "所在地区"},
    "reply.lead.field.lead_volume": {"en": "volume or budget", "zh": "采购量或预算"},
    "reply.lead.field.lead_timing": {"en": "timing", "zh": "需要时间"},
    "reply.lead.refused.phone": {
        "en": "phone number not recognised",
        "zh": "没认出手机号:请发 11 位手机号(如 138 1234 5678)、带区号的座机,或邮箱",
    },
    "reply.lead.refused.no_contact": {"en": "no phone number or e-mail found", "zh": "没有找到手机号或邮箱,请再发一次"},
    "reply.lead.refused.region": {"en": "region not recognised", "zh": "没认出地区:请发省市(如 广东深圳、苏州)或国家"},
    "reply.substitutes.unknown_part": {
        "en": "I could not find the part you want to replace. Send its full part number, e.g. “alternatives to "
        "6205-2RS”. I have noted the request; you can also reply “talk to sales”.",
        "zh": "没有找到您要替代的型号。请发完整型号,例如“6205-2RS 有替代吗?”。我已记录这个需求,也可以回复“转人工”让销售帮您找。",
    },
    "reply.substitutes.none": {
        "en": "Nothing in the catalog qualifies as a substitute for {mpn} · {maker}: the key parameters (dimensions, "
        "package, value ...) must match. I have noted the request; reply “talk to sales” and a sales engineer will "
        "look for one.",
        "zh": "目录里没有能替代 {mpn} · {maker} 的型号:关键参数(尺寸、封装、阻值等)必须一致,宁缺毋滥。我已记录这个需求,"
        "回复“转人工”让销售帮您找。",
    },
    "reply.substitute.same": {"en": "same: {what}", "zh": "相同:{what}"},
    "reply.quote.cannot": {
        "en": "I cannot quote that: {reason}. Upload an {types} file, or paste the table with its header row.",
        "zh": "这份 BOM 无法报价:{reason}。请上传 {types} 文件,或直接粘贴带表头的表格。",
    },
    "reply.quote.boards": {"en": "{boards} board(s)", "zh": "{boards} 套"},
    "reply.quote.more_to_decide": {
        "en": "…{more} more in the card and the downloads",
        "zh": "…另有 {more} 行待处理,见报价卡片或下载的报价单",
    },
    "reply.quote.to_decide": {"en": "To decide:", "zh": "待处理:"},
    "reply.quote.hint_pick": {
        "en": "Reply “{example} use the second one” to pick a candidate, or “quote for 500 boards”.",
        "zh": "回复“{example}用第二个”选择候选,或“报价 500 套”改数量。",
    },
    "reply.quote.hint_boards": {
        "en": "Reply “quote for 500 boards” to change the quantity.",
        "zh": "回复“报价 500 套”可按套数重新报价。",
    },
    "reply.quote.hint_columns": {
        "en": " Columns read wrong? Reply “quantity is column E”.",
        "zh": " 列读错了?回复“数量在第5列”或“跳过第一个表”。",
    },
    "reply.reading.more_blocks": {"en": "…{more} more header blocks", "zh": "…另有 {more} 个表头块"},
    "reply.quote.not_priced": {"en": " (not priced)", "zh": "(未报价)"},
    "reply.quote.priced_only": {
        "en": "priced lines only: {priced} of {lines}",
        "zh": "仅含已报价的 {priced}/{lines} 行",
    },
    "reply.stock.count": {"en": "{stock} in stock", "zh": "库存 {stock}"},
    "reply.stock.none": {"en": "no stock", "zh": "缺货"},
    # list separators: a reply's lists are joined the way its language writes them
    "reply.sep.list": {"en": ", ", "zh": "、"},
    "reply.sep.clause": {"en": "; ", "zh": ";"},
    # the quote's headline (quote_headline)
    "reply.headline.priced": {
        "en": "Priced {priced} of {lines} lines · subtotal {currency} {subtotal}",
        "zh": "已报价 {priced}/{lines} 行 · 小计 {currency} {subtotal}",
    },
    "reply.headline.priced_only": {"en": " (priced lines only)", "zh": "(仅已报价行)"},
    "reply.headline.to_decide": {"en": " · {count} to decide", "zh": " · {count} 行待处理"},
    "reply.headline.dnp": {"en": "; {count} DNP", "zh": ";不贴 {count} 行"},
    "reply.headline.unreadable": {"en": "; {count} unreadable rows", "zh": ";{count} 行无法识别"},
    "reply.headline.total": {
        "en": "Total {currency} {total} incl. {tax} VAT, valid until {until}",
        "zh": "合计 {currency} {total}(含税 {tax}),有效期至 {until}",
    },
    "reply.headline.total_priced": {
        "en": "Total of the priced lines {currency} {total} incl. {tax} VAT, valid until {until}",
        "zh": "已报价部分合计 {currency} {total}(含税 {tax}),有效期至 {until}",
    },
    "reply.headline.lead_time": {"en": "; longest lead time {days} days", "zh": ",最长交期 {days} 天"},
    "reply.headline.nothing_priced": {
        "en": "Priced 0 of {lines} lines: nothing priced yet",
        "zh": "已报价 0/{lines} 行:还没有能报价的行",
    },
    "reply.headline.valid_until": {"en": "Valid until {until}", "zh": "有效期至 {until}"},
    # what a revision changed (quote_change)
    "reply.change.boards": {"en": "boards {before} → {after}", "zh": "套数 {before} → {after}"},
    "reply.change.pick": {"en": "line {line}: {was} → {after}", "zh": "第{line}行 {was} → {after}"},
    "reply.change.pick_lost": {
        "en": "your pick {mpn} for {where}line {line} no longer fits a line: choose again",
        "zh": "{where}第{line}行之前选的 {mpn} 已不在该行,请重新选择",
    },
    "reply.change.subtotal": {
        "en": "Subtotal {currency} {before} → {after}",
        "zh": "小计 {currency} {before} → {after}",
    },
    "reply.change.changed": {"en": "Changed: {changes}. {subtotal}", "zh": "已修改:{changes}。{subtotal}"},
    "reply.change.column": {"en": "{field} ← column {letter}", "zh": "{field} ← 第 {letter} 列"},
    "reply.change.sheet_skipped": {"en": "sheet {sheet} skipped", "zh": "跳过表 {sheet}"},
    "reply.change.read_again": {"en": "read again: {changes}", "zh": "重新读取:{changes}"},
    # how a BOM was read (reading_preview) and what its lines came to (_counts)
    "reply.reading.column": {"en": "{letter} “{header}” → {field}", "zh": "{letter}「{header}」→ {field}"},
    "reply.reading.sheet": {"en": "sheet {sheet}, ", "zh": "表 {sheet} "},
    "reply.reading.header_row": {"en": "header on row {line}", "zh": "第 {line} 行表头"},
    "reply.reading.no_header": {"en": "no header", "zh": "无表头"},
    "reply.reading.by_content": {"en": "read by content", "zh": "按内容识别"},
    "reply.reading.layout": {"en": "{where}: {columns} · {lines} lines", "zh": "{where}:{columns} · {lines} 行"},
    "reply.reading.skipped_group": {"en": "{kind} ×{count} ({rows})", "zh": "{kind} {count}({rows})"},
    "reply.reading.skipped": {"en": "{total} rows skipped: {groups}", "zh": "跳过 {total} 行:{groups}"},
    "reply.rows.sheet": {"en": "sheet {sheet} ", "zh": "表 {sheet} "},
    "reply.rows.one": {"en": "row {rows}", "zh": "第 {rows} 行"},
    "reply.rows.many": {"en": "rows {rows}", "zh": "第 {rows} 行"},
    "reply.counts": {"en": "{lines} lines read: {counts}", "zh": "读取 {lines} 行:{counts}"},
    "reply.counts.item": {"en": "{count} {status}", "zh": "{status} {count}"},
    "reply.sep.groups": {"en": "; ", "zh": "、"},
    "reply.sep.counts": {"en": ", ", "zh": ","},
    "reply.status.exact": {"en": "exact", "zh": "型号匹配"},
    "reply.status.parametric": {"en": "by parameters", "zh": "参数匹配"},
    "reply.status.chosen": {"en": "your choice", "zh": "已选定"},
    "reply.status.ambiguous": {"en": "to decide", "zh": "待确认"},
    "reply.status.not_found": {"en": "not found", "zh": "未找到"},
    "reply.search.none": {
        "en": "No product matches that. I have noted the request; try other words, or reply “talk to sales”.",
        "zh": "没有找到符合的产品。我已记录这个需求,可以换个说法,或回复“转人工”让销售帮您找。",
    },
    "reply.search.intro": {"en": "Here is what matches best:", "zh": "为您找到这些产品:"},
    # the chat's own notices (bot/message_guard.py, bot/channels/_im.py, actions/selection.py)
    "reply.too_long": {
        "en": "That message is too long ({length} characters; the limit is {limit}), so I did not read it. Please send "
        "a shorter question; attach a BOM as a file (📎) or paste it as a table with its header row (up to {paste} "
        "characters).",
        "zh": "这条消息太长了({length} 字,上限 {limit} 字),我没有处理。请把问题缩短后再发;BOM 请点 📎 作为文件上传,"
        "或粘贴带表头的表格(不超过 {paste} 字)。",
    },
    "reply.failure": {
        "en": "Sorry, something went wrong and I could not answer. Please try again, rephrase, or reply “talk to sales”.",
        "zh": "抱歉,刚才出了点问题,没能回答您。请稍后再试,或换个说法;也可以回复“转人工”。",
    },
    "reply.pick_number": {"en": "Reply with a number:", "zh": "回复数字选择:"},
    "reply.spec_stem": {  # a stem no part number is, answered by the parts that begin with it ("ATmega328")
        "en": "{name}{label} of the catalog parts whose number begins with {stem}: {value}{also}.\n{covers} of the "
        "{listed} state it, all the same ({names}).\nSource: {source}",
        "zh": "目录中型号以 {stem} 开头的型号,{name}{label}:{value}{also}。\n{listed} 个列表里有 {covers} 个标注了此值,"
        "且相同({names})。\n来源:{source}",
    },
    "reply.attachment.refused": {
        "en": "I cannot read the attachment {name}{why}. Send a BOM file ({types}, up to {mb} MB) or paste the table "
        "with its header row.",
        "zh": "无法读取附件 {name}{why}。请发送 BOM 文件({types},不超过 {mb} MB),或直接粘贴带表头的 BOM 表格。",
    },
    "reply.paren": {"en": " ({text})", "zh": "({text})"},
    "reply.select.again": {
        "en": "Tell me again which part you need and its values, e.g. '10k resistor 0402 1%'.",
        "zh": "请重新告诉我需要的零件和参数,例如“10k 0402 1% 电阻”。",
    },
    # why a product was found (knowledge/search.py and knowledge/bom_match.py write them in English: why_text)
    "why.parameters": {"en": "parameters match", "zh": "参数相符"},
    "why.words": {"en": "words match", "zh": "描述相符"},
    "why.semantic": {"en": "semantic match", "zh": "语义相近"},
    "why.exact": {"en": "exact part number match: {code}", "zh": "型号完全一致:{code}"},
    "why.similar": {"en": "part number similar to {code} ({pct} alike)", "zh": "型号与 {code} 相似({pct})"},
    "why.alike": {"en": "part number {pct} alike", "zh": "型号相似度 {pct}"},
    "why.other_listing": {"en": "same part number, other listing", "zh": "同一型号的其他条目"},
    "why.same_part": {"en": "same part, other listing", "zh": "同一料的其他条目"},
    "why.previous": {"en": "product from the previous question", "zh": "上一个问题中的产品"},
    "why.closest": {"en": "closest without {what}", "zh": "不限{what}时最接近"},
    "why.colour": {"en": "colour {what}", "zh": "颜色 {what}"},
    "why.dielectric": {"en": "dielectric {what}", "zh": "介质 {what}"},
    "why.thread": {"en": "thread {what}", "zh": "螺纹 {what}"},
    "why.same": {"en": "same {what}", "zh": "{what}相同"},
    # parametric selection (knowledge/selection.py)
    "reply.select.unclear": {
        "en": "Which kind of part do you need (resistor, capacitor, bearing, screw ...) and which values, e.g. '10k "
        "resistor 0402 1%'?",
        "zh": "请告诉我需要哪类零件(电阻、电容、轴承、螺丝……)和关键参数,例如“10k 0402 1% 电阻”。",
    },
    "reply.select.part": {"en": "part", "zh": "零件"},
    "reply.select.kind_of_part": {"en": "kind of part", "zh": "零件类型"},
    "reply.select.in_stock": {"en": "in stock", "zh": "有货"},
    "reply.select.stock": {"en": "stock {stock}", "zh": "库存 {stock}"},
    "reply.select.none": {
        "en": "No {noun} matches {given}. Try dropping or changing one of these.",
        "zh": "没有符合 {given} 的{noun}。可以放宽或修改其中一个条件再试。",
    },
    "reply.select.none_all": {
        "en": "No {noun} matches all of {given}. {ways}.",
        "zh": "没有同时符合 {given} 的{noun}。{ways}。",
    },
    "reply.select.without": {"en": "without {dropped}: {count}", "zh": "不限{dropped}有 {count} 个"},
    "reply.select.closest": {"en": "Closest without {dropped}:", "zh": "不限{dropped}时最接近的:"},
    "reply.select.remaining": {"en": "{count} {nouns} match {given}.", "zh": "符合 {given} 的{nouns}有 {count} 个。"},
    "reply.select.remaining_all": {"en": "{count} {nouns}.", "zh": "{nouns}共有 {count} 个。"},
    "reply.select.ask": {
        "en": "{head} Which {what}: {options}? Or any.",
        "zh": "{head}请选择{what}:{options},或告诉我其他值;不限也可以。",
    },
    "reply.select.or": {"en": " or ", "zh": "、"},
    "reply.select.and": {"en": " and ", "zh": "和"},
    "reply.select.matching": {"en": "{nouns} matching {given}:", "zh": "符合 {given} 的{nouns}:"},
    "reply.search.relaxed": {
        "en": "Nothing meets every value you gave; the closest without {dropped}:",
        "zh": "没有完全符合的产品;不限“{dropped}”时最接近的是:",
    },
    "reply.price.from": {"en": "from", "zh": "起"},
    "reply.stock.out": {"en": "out of stock, lead time ~{days} days", "zh": "缺货,交期约 {days} 天"},
    "reply.substitute.cross-reference": {"en": "cross-reference", "zh": "交叉参考"},
    "reply.substitute.drop-in": {"en": "drop-in", "zh": "直接替换"},
    "reply.substitute.functional": {"en": "functional", "zh": "功能替代"},
    "reply.verdict.better": {"en": "better", "zh": "更好"},
    "reply.verdict.worse": {"en": "worse", "zh": "更差"},
    "reply.verdict.unknown": {"en": "unknown", "zh": "未知"},
    "reply.button.any": {"en": "Any", "zh": "不限"},
    "reply.quote.line": {"en": "Line {line}", "zh": "第{line}行"},
    "reply.quote.sheet_line": {"en": "{sheet} line {line}", "zh": "{sheet} 第{line}行"},
    "reply.quote.line_not_priced": {"en": " not priced: ", "zh": "未报价,"},
    # the BOM quote actions (actions/bom.py)
    "reply.bom.not_revised": {"en": "I could not change the quote: {error}", "zh": "无法修改报价:{error}"},
    "reply.bom.what_to_change": {
        "en": "What should change? For example “quote for 500 boards”, “line 7 use the second one” or “quantity is"
        " column E”.",
        "zh": "要改什么?例如“报价 500 套”、“第7行用第二个”或“数量在第5列”。",
    },
    "reply.bom.ask_for_file": {
        "en": "Attach your BOM file (📎: {types}) or paste the table with its header row, and I will quote it{count}.",
        "zh": "请点 📎 上传 BOM 文件({types}),或直接粘贴带表头的 BOM 表格,我{count}给您报价。",
    },
    "reply.bom.for_boards": {"en": " for {boards} boards", "zh": "按 {boards} 套"},
    # the lead form (actions/leads.py)
    "reply.lead.consent_again": {
        "en": "Please answer yes or no; to correct an answer say e.g. “change phone”.",
        "zh": "请回复“同意”或“不同意”;要更正某项,可以说“改电话”等。",
    },
    "reply.lead.cancelled": {"en": "Cancelled. ", "zh": "好的,已取消。"},
    "reply.lead.declined": {
        "en": "Understood: nothing goes to sales and nobody will contact you. ",
        "zh": "好的,不转给销售,我们不会用这些信息联系您。",
    },
    "reply.lead.cleared": {
        "en": "What you typed in the form is cleared and not passed on; the chat itself is kept as usual. Say “talk to"
        " sales” any time.",
        "zh": "表单里填写的信息已清除,不会交给任何人;聊天记录照常保存。需要时回复“转人工”。",
    },
    "reply.lead.not_passed": {
        "en": "Sorry, I could not pass this to sales just now and nothing was stored. Say “talk to sales” again in a"
        " moment.",
        "zh": "抱歉,暂时无法转给销售,您的信息没有保存。请稍后回复“转人工”再试。",
    },
    "reply.lead.passed": {
        "en": "Passed to {name} (lead {lead}); they will contact you shortly.",
        "zh": "已转给 {name}(线索号 {lead}),对方会尽快联系您。",
    },
    "reply.lead.queued": {
        "en": " It is outside their working hours; they pick it up from {when}.",
        "zh": "现在是非工作时间,会在 {when} 后处理。",
    },
    "reply.lead.length": {
        "en": "That answer is too short or too long; please try again.",
        "zh": "这个回答太短或太长了,请再说一次。",
    },
    "reply.lead.check": {
        "en": "Please check (to correct one, say e.g. “change phone”):",
        "zh": "请确认(要更正可说“改电话”等):",
    },
    "reply.lead.correct": {"en": "Sure, let's correct your {field}.", "zh": "好的,重新填写{field}。"},
    # the quote's exports (bot/quote_export.py: XLSX, CSV and PDF labels, headers and notes)
    "export.title": {"en": "Quotation", "zh": "报价单"},
    "export.sheet_quote": {"en": "Quote", "zh": "报价单"},
    "export.sheet_candidates": {"en": "Candidates", "zh": "候选型号"},
    "export.quote_id": {"en": "Quote", "zh": "报价单号"},
    "export.revision": {"en": "Revision", "zh": "版本"},
    "export.created": {"en": "Date", "zh": "报价日期"},
    "export.valid_until": {"en": "Valid until", "zh": "有效期至"},
    "export.buyer": {"en": "Buyer", "zh": "客户"},
    "export.boards": {"en": "Boards", "zh": "板数"},
    "export.file": {"en": "BOM file", "zh": "BOM 文件"},
    "export.currency": {"en": "Currency", "zh": "币种"},
    "export.subtotal": {"en": "Subtotal", "zh": "小计"},
    "export.tax": {"en": "Tax", "zh": "税额"},
    "export.total": {"en": "Total", "zh": "合计"},
    "export.subtotal_priced": {"en": "Subtotal of priced lines", "zh": "小计(已报价部分)"},
    "export.total_priced": {"en": "Total of the priced lines", "zh": "已报价部分合计"},
    "export.priced_of": {"en": "Priced {priced} of {lines} lines", "zh": "已报价 {priced}/{lines} 行"},
    "export.to_decide_n": {"en": "{n} lines to decide", "zh": "{n} 行待处理"},
    "export.to_decide_1": {"en": "{n} line to decide", "zh": "{n} 行待处理"},
    "export.priced": {"en": "Priced", "zh": "已报价"},
    "export.to_decide": {"en": "To decide", "zh": "待处理"},
    "export.longest_lead": {"en": "Longest lead time", "zh": "最长交期"},
    "export.decisions": {"en": "Lines to decide", "zh": "待处理的行"},
    "export.decisions_hint": {
        "en": 'To pick a candidate, reply in the chat "line {line}: use the 2nd one"; for lines not found or not priced, send the part number, parameters or quantity.',
        "zh": "在对话中回复「第 {line} 行用第 2 个」即可选定候选型号；未找到或未报价的行请补充型号、参数或数量。",
    },
    "export.decisions_hint_plain": {
        "en": "For lines not found or not priced, send the part number, parameters or quantity in the chat.",
        "zh": "未找到或未报价的行请在对话中补充型号、参数或数量。",
    },
    "export.all_lines": {"en": "All lines ({n})", "zh": "报价明细 ({n} 行)"},
    "export.option": {"en": "Option {n}", "zh": "候选 {n}"},
    "export.no_price": {"en": "no price", "zh": "无价格"},
    "export.stock_n": {"en": "stock {n}", "zh": "库存 {n}"},
    "export.more_candidates": {"en": "{n} more candidates in the Excel file", "zh": "另有 {n} 个候选见 Excel"},
    "export.dnp": {"en": "Do not populate (DNP)", "zh": "不贴件 (DNP)"},
    "export.problems": {"en": "Lines not quoted", "zh": "未报价的行"},
    "export.warnings": {"en": "Warnings", "zh": "提示"},
    "export.reason": {"en": "Reason", "zh": "原因"},
    "export.value": {"en": "Value", "zh": "值"},
    "export.rank": {"en": "#", "zh": "序号"},
    "export.score": {"en": "Score", "zh": "得分"},
    "export.why": {"en": "Why", "zh": "匹配依据"},
    "export.page": {"en": "Page {page} of {pages}", "zh": "第 {page} / {pages} 页"},
    "export.rev_short": {"en": "rev {rev}", "zh": "第 {rev} 版"},
    "export.per_board": {"en": "{n}/board", "zh": "每板 {n}"},
    "export.days": {"en": "{n} days", "zh": "{n} 天"},
    "export.break_from": {"en": "≥{n}", "zh": "≥{n}"},
    "export.none": {"en": "—", "zh": "—"},
    "export.price_source": {"en": "Price source", "zh": "价格来源"},
    "export.line": {"en": "Line", "zh": "行号"},
    "export.sheet": {"en": "Sheet", "zh": "工作表"},
    "export.designators": {"en": "Designators", "zh": "位号"},
    "export.qty_per_board": {"en": "Qty/board", "zh": "单板用量"},
    "export.qty": {"en": "Qty", "zh": "需求数量"},
    "export.input": {"en": "Buyer input", "zh": "客户输入"},
    "export.status": {"en": "Status", "zh": "状态"},
    "export.confidence": {"en": "Confidence", "zh": "置信度"},
    "export.sku": {"en": "SKU", "zh": "SKU"},
    "export.mpn": {"en": "MPN", "zh": "型号"},
    "export.manufacturer": {"en": "Manufacturer", "zh": "制造商"},
    "export.description": {"en": "Description", "zh": "描述"},
    "export.package": {"en": "Package", "zh": "封装"},
    "export.unit_price": {"en": "Unit price", "zh": "单价"},
    "export.price_break": {"en": "Price break", "zh": "价格阶梯"},
    "export.order_qty": {"en": "Order qty", "zh": "订购数量"},
    "export.ext_price": {"en": "Ext. price", "zh": "金额"},
    "export.stock": {"en": "Stock", "zh": "库存"},
    "export.lead_time_days": {"en": "Lead time (days)", "zh": "交期(天)"},
    "export.note": {"en": "Note", "zh": "备注"},
    "export.part": {"en": "Part", "zh": "料号"},
    "export.stock_lead": {"en": "Stock / lead", "zh": "库存 / 交期"},
    "export.exact": {"en": "Exact", "zh": "精确匹配"},
    "export.chosen": {"en": "Chosen by you", "zh": "已选定"},
    "export.parametric": {"en": "Parametric", "zh": "参数匹配"},
    "export.ambiguous": {"en": "Ambiguous", "zh": "待确认"},
    "export.not_found": {"en": "Not found", "zh": "未找到"},
}
# Stored values made from a pattern: the entry, and the regex that reads its fields back.
_PATTERNS = ((re.compile(r"generated from the (?P<scheme>.+) part-number scheme"), "source.generated"),)


def _templates(prefix: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The entries under `prefix` as regexes that read their fields back, the longest English first."""
    return tuple(
        (re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(MESSAGES[key]["en"]))), key)
        for key in sorted((k for k in MESSAGES if k.startswith(prefix)), key=lambda k: -len(MESSAGES[k]["en"]))
    )


_NOTES = _templates("note.")
_MATCH_NOTES = _templates("match.")
# The words inside a matching note's parentheses and lists ('4.7 kΩ, package 0603', 'pin header 1x6, 2.54 mm,
# straight', 'tolerance ±5%, power 100mW'): part numbers, values and units stay as they are.
_MATCH_TERMS = tuple(
    # whole words only, never inside a package or footprint name ('Power-DI-5', 'SMD3225-4P', 'USB-C_Female')
    (re.compile(rf"(?<![\w\-]){re.escape(en)}(?![\w\-])", re.I), zh)
    for en, zh in sorted(
        {
            "PCB screw terminal block": "PCB 螺钉式接线端子", "pin header": "排针", "female header": "排母",
            "right angle": "弯针", "straight": "直针", "no right-angle mark": "封装名无弯针标记", "through hole": "插件", "leaded": "直插", "SMD": "贴片",
            "package": "封装", "footprint": "PCB 封装", "pitch": "间距", "body": "本体", "poles": "位", "pins": "针",
            "rows": "排", "zener diode": "稳压二极管", "inductor": "电感", "voltage rating": "耐压",
            "temperature coefficient": "温度系数", "tolerance": "精度", "power": "功率", "dielectric": "介质",
            "type": "类型", "current": "电流", "voltage": "电压", "Thick Film Resistor": "厚膜电阻",
            "Thin Film Resistor": "薄膜电阻", "Current Sense Resistor": "采样电阻", "LED": "LED", "red": "红色",
            "green": "绿色", "blue": "蓝色", "yellow": "黄色", "white": "白色", "orange": "橙色", "amber": "琥珀色",
            "hex nuts": "六角螺母", "button head screws": "圆头内六角螺钉", "socket head cap screws": "内六角圆柱头螺钉",
            "countersunk screws": "沉头螺钉", "set screws": "紧定螺钉", "washers": "垫圈", "steel": "钢",
            "stainless steel": "不锈钢", "zinc plated": "镀锌", "black oxide": "发黑", "plain": "本色",
            "the line says": "该行写的是", "the part is": "该料为", "the part": "该料", "male": "公", "female": "母",
            "part": "料", "IC socket": "IC 座", "DIP switch": "拨码开关", "position": "位", "and": "和",
            "wire size": "线径", "colour": "颜色", "color": "颜色", "rating": "额定值", "pin length": "针长",
            "plating": "镀层", "contact kind": "触点类型", "round / square holes": "圆孔 / 方孔", "actuator": "拨杆",
            "slide / piano": "平拨 / 琴键",
        }.items(),
        key=lambda item: -len(item[0]),
    )
)  # fmt: skip


def match_note_text(note: str, language: str) -> str:
    """A matching note ('matched by parameters (4.7 kΩ, package 0603); 811-100 is not in the catalog') in the
    reply's language, clause by clause; a clause no entry reads stays as written (knowledge/language.py
    `foreign_runs` tells a caller whether English is left)."""
    if language != "zh":
        return note
    return "; ".join(_match_clause(clause) for clause in note.split("; ")) if note else note


def _match_clause(clause: str) -> str:
    for pattern, key in _MATCH_NOTES:
        if (m := pattern.fullmatch(clause)) is not None:
            fields = {k: (_match_terms(v) if k in ("what", "options") else v) for k, v in m.groupdict().items()}
            return message(key, "zh", **fields)
    translated = note_text(clause, "zh")  # a price, stock or lead-time clause (knowledge/pricing.py)
    return translated if translated != clause else _match_terms(clause) if _only_terms(clause) else clause


def _match_terms(text: str) -> str:
    for pattern, zh in _MATCH_TERMS:
        text = pattern.sub(zh, text)
    return text.replace(", ", "、")


def _only_terms(clause: str) -> bool:
    """Whether every English word of `clause` is a term _MATCH_TERMS holds (then it reads in Chinese)."""
    rest = clause
    for pattern, _ in _MATCH_TERMS:
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"\b[A-Z0-9][\w\-/.,]*\d[\w\-/.,]*", " ", rest)
    return re.search(r"[A-Za-z]{3,}|\b(?:no|of|or|in|is|to|at|by|on|as|an|it)\b", rest, re.I) is None


_WHY = _templates("why.")
_ATTRIBUTE_NAMES = tuple(
    sorted(((spec.key.replace("_", " "), spec.zh) for spec in VOCABULARY), key=lambda pair: -len(pair[0]))
)
# the words of 'same value, mounting and power' (knowledge/bom_match.py), beyond the matching notes' terms
_SAME_WORDS = {
    "value": "值", "kind": "类型", "count": "数量", "mounting": "安装方式", "form": "形态", "size": "尺寸",
    "impedance": "阻抗", "length": "长度", "zener voltage": "稳压值", "colour": "颜色", "part number": "型号",
    "rows": "排数", "pins": "针数", "poles": "位数", "pitch": "间距", "thread": "螺纹", "type": "类型",
}  # fmt: skip


def why_text(why: str, language: str) -> str:
    """Why a product was found ('parameters match; inductance 33 µH', 'same rows, pins and pitch') in the reply's
    language, clause by clause; attribute names by the vocabulary's own Chinese names; a clause nothing reads stays."""
    if language != "zh" or not why:
        return why
    return "; ".join(_why_clause(clause) for clause in why.split("; "))


def _why_clause(clause: str) -> str:
    for pattern, key in _WHY:
        if (m := pattern.fullmatch(clause)) is not None:
            what = m.groupdict().get("what")
            if key == "why.same" and what is not None:
                words = re.split(r", | and ", what)
                said = [_SAME_WORDS.get(w, _match_terms(w)) for w in words]
                return message(key, "zh", what="、".join(said))
            fields = {k: (_match_terms(v) if k == "what" else v) for k, v in m.groupdict().items()}
            return message(key, "zh", **fields)
    for name, zh in _ATTRIBUTE_NAMES:  # 'inductance 33 µH' (knowledge/search.py names a value by its key)
        if clause.startswith(name + " "):
            return f"{zh} {clause[len(name) + 1 :]}"
    return _match_terms(clause) if _only_terms(clause) else clause


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
_BY_ENGLISH = {
    entry["en"]: entry
    for key, entry in MESSAGES.items()
    if not key.startswith(("reply.", "export.", "quote.", "skip.", "im."))
}


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
    files = [_SOURCE_FILE.fullmatch(part.strip()) for part in stored.split(" + ")]
    if all(m is not None and f"source.file.{m.group(1)}" in MESSAGES for m in files):
        # 'skf:skf_precision_catalog_zh.csv + skf:…': each publisher once, never the file's own name
        keys = dict.fromkeys(f"source.file.{m.group(1)}" for m in files if m is not None)
        return " + ".join(message(k, language) for k in keys)
    return stored


_SOURCE_FILE = re.compile(r"([a-z][a-z-]*):[\w.+-]+")
