"""Bilingual product glossary: Chinese trade terms -> English catalog words, for lexical and dense retrieval.

Catalog text is mostly English (and LCSC descriptions partly Chinese); buyers write either. Appending the
English terms to a Chinese query lets the trigram lexical index and the embedder meet the catalog halfway.
"""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "贴片电阻": "chip resistor SMD resistor thick film",
    "电阻": "resistor",
    "排阻": "resistor network array",
    "贴片电容": "chip capacitor MLCC",
    "陶瓷电容": "ceramic capacitor MLCC",
    "电解电容": "electrolytic capacitor",
    "钽电容": "tantalum capacitor",
    "电容": "capacitor",
    "电感": "inductor",
    "磁珠": "ferrite bead",
    "晶振": "crystal oscillator",
    "无源晶振": "crystal",
    "有源晶振": "oscillator",
    "二极管": "diode",
    "稳压管": "zener diode",
    "肖特基": "schottky diode",
    "三极管": "transistor BJT",
    "场效应管": "MOSFET",
    "稳压": "voltage regulator LDO",
    "单片机": "microcontroller MCU",
    "芯片": "IC chip",
    "连接器": "connector",
    "排针": "pin header",
    "排母": "female header",
    "发光二极管": "LED",
    "贴片": "SMD surface mount",
    "插件": "through hole THT",
    "深沟球轴承": "deep groove ball bearing",
    "角接触球轴承": "angular contact ball bearing",
    "圆柱滚子轴承": "cylindrical roller bearing",
    "推力轴承": "thrust bearing",
    "轴承": "bearing",
    "密封": "sealed 2RS",
    "防尘盖": "shielded 2Z ZZ",
    "内六角圆柱头螺钉": "socket head cap screw ISO 4762",
    "内六角螺丝": "socket head cap screw",
    "内六角": "socket head",
    "外六角螺栓": "hex head bolt",
    "六角螺栓": "hex head bolt",
    "沉头螺丝": "countersunk screw",
    "半圆头": "button head",
    "紧定螺丝": "set screw",
    "机米": "set screw",
    "螺丝": "screw",
    "螺钉": "screw",
    "螺栓": "bolt",
    "螺母": "nut",
    "垫片": "washer",
    "平垫": "plain washer",
    "不锈钢": "stainless steel A2-70",
    "镀锌": "zinc plated",
    "发黑": "black oxide",
    "碳钢": "carbon steel",
    "高强度": "high strength 12.9",
}

# Longest keys first so 贴片电阻 wins over 电阻.
_ORDERED = sorted(GLOSSARY.items(), key=lambda item: -len(item[0]))


def expand_query(text: str) -> str:
    """`text` plus the English terms of every glossary entry it contains (each entry once)."""
    extra: list[str] = []
    remaining = text
    for zh, en in _ORDERED:
        if zh in remaining:
            extra.append(en)
            remaining = remaining.replace(zh, " ")
    return f"{text} {' '.join(extra)}" if extra else text
