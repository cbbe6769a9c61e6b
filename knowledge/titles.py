"""A product's title in the buyer's language (issue 18): "贴片电阻 10 kΩ ±1% 0603" / "10 kΩ ±1% 0603 chip resistor".

Catalog titles are English or bilingual as the sources write them: the JLCPCB reader composes "MPN — facts
package kind" (the kind is the source's category, 'Aluminum Electrolytic Capacitors - Leaded'), our own ranges write
"6205-2RS deep groove ball bearing 25×52×15 mm, 2RS / 深沟球轴承 双面接触密封". `product_title(product, "zh")` keeps
what reads the same in both languages (part numbers, values, units, packages) and says the kind in Chinese: the
bilingual title's Chinese half, else the kind's Chinese name from `KINDS_ZH` (the source's categories by frequency,
91 % of the shipped catalog's products); English words it cannot say in Chinese are left out, never shown in a
Chinese reply. English titles are the source's title (the English half of a bilingual one). Pure, no Rasa.
"""

from __future__ import annotations

import re

from knowledge.models import Product

# The kind as the catalog's titles end with it (the source's category leaf, or the reader's short name for it) ->
# its Chinese name, as LCSC / 立创商城 name the category. Sourcing statuses ('Global Sourcing Parts', 'Pre-ordered
# Chips', 'New Arrivals', 'Others') are no kind: such a title says none in Chinese.
KINDS_ZH: dict[str, str] = {
    "thick film chip resistor": "厚膜贴片电阻",
    "chip resistor": "贴片电阻",
    "MLCC": "贴片电容",
    "leaded MLCC": "直插独石电容",
    "crystal": "晶振",
    "Chip Resistor - Surface Mount": "贴片电阻",
    "Multilayer Ceramic Capacitors MLCC - SMD/SMT": "贴片电容",
    "Multilayer Ceramic Capacitors MLCC - Leaded": "直插独石电容",
    "MOSFETs": "场效应管(MOSFET)",
    "Power Inductors": "功率电感",
    "Zener Diodes": "稳压二极管",
    "Wire To Board Connector": "线对板连接器",
    "Wire To Board / Wire To Wire Connector": "线对板/线对线连接器",
    "Housings (Wire To Board / Wire To Wire )": "连接器胶壳",
    "TVS": "TVS二极管",
    "Tactile Switches": "轻触开关",
    "Linear Voltage Regulators (LDO)": "线性稳压器(LDO)",
    "ST Microelectronics": "单片机",
    "Inductors (SMD)": "贴片电感",
    "Crystals": "晶振",
    "Microcontroller Units (MCUs/MPUs/SOCs)": "单片机(MCU/MPU/SOC)",
    "Microcontrollers (MCU/MPU/SOC)": "单片机(MCU/MPU/SOC)",
    "Aluminum Electrolytic Capacitors - Leaded": "直插铝电解电容",
    "Aluminum Electrolytic Capacitors - SMD": "贴片铝电解电容",
    "DC-DC Converters": "DC-DC芯片",
    "Schottky Barrier Diodes (SBD)": "肖特基二极管",
    "Schottky Diodes": "肖特基二极管",
    "Through Hole Resistors": "直插电阻",
    "Pluggable System Terminal Block": "插拔式接线端子",
    "Rectangular Connectors Housings": "矩形连接器胶壳",
    "ESD And Surge Protection (TVS/ESD)": "ESD/浪涌保护器件",
    "Electrostatic And Surge Protection (TVS/ESD)": "ESD/浪涌保护器件",
    "ESD Protection Devices": "ESD保护器件",
    "Bipolar Transistors - BJT": "三极管(BJT)",
    "Bipolar (BJT)": "三极管(BJT)",
    "Transistors - Bipolar (BJT) - Single": "三极管(BJT)",
    "Pin Headers": "排针",
    "Female Headers": "排母",
    "Operational Amplifier": "运算放大器",
    "Light Emitting Diodes (LED)": "发光二极管(LED)",
    "Resettable Fuses": "自恢复保险丝",
    "FFC/FPC Connectors": "FFC/FPC连接器",
    "FFC, FPC (Flat Flexible) Connector Assemblies": "FFC/FPC连接器",
    "Power Modules": "电源模块",
    "Isolated Power Modules": "隔离电源模块",
    "DC-DC Power Modules": "DC-DC电源模块",
    "Current Sense Resistors/Shunt Resistors": "采样电阻/分流电阻",
    "Ferrite Beads": "磁珠",
    "USB Connectors": "USB连接器",
    "Common Mode Filters": "共模滤波器",
    "Monitors & Reset Circuits": "监控与复位芯片",
    "Varistors": "压敏电阻",
    "Polypropylene Film Capacitors (CBB)": "聚丙烯薄膜电容(CBB)",
    "Film Capacitors": "薄膜电容",
    "Oscillators": "有源晶振",
    "Crystal Oscillators": "有源晶振",
    "Pre-programmed Oscillators": "可编程晶振",
    "Temperature Compensated Crystal Oscillators (TCXOs)": "温补晶振(TCXO)",
    "Voltage-Controlled Crystal Oscillators (VCXOs)": "压控晶振(VCXO)",
    "Diodes - General Purpose": "通用二极管",
    "Tantalum Capacitors": "钽电容",
    "Bridge Rectifiers": "整流桥",
    "Voltage References": "电压基准",
    "Voltage Reference": "电压基准",
    "Diodes - Fast Recovery Rectifiers": "快恢复二极管",
    "Fast Recovery/High Efficiency Diode": "快恢复/高效二极管",
    "Fuses": "保险丝",
    "Disposable Fuses": "一次性保险丝",
    "IDC Connectors": "IDC牛角连接器",
    "Analog To Digital Converters (ADCs)": "模数转换芯片(ADC)",
    "Digital To Analog Converters (DACs)": "数模转换芯片(DAC)",
    "ADC/DAC - Specialized": "专用ADC/DAC",
    "Suppression Capacitors": "抑制电容",
    "Safety Capacitors": "安规电容",
    "LED Drivers": "LED驱动芯片",
    "Power Distribution Switches": "电源开关芯片",
    "Voltage Regulators - Linear, Low Drop Out (LDO) Regulators": "线性稳压器(LDO)",
    "Battery Management ICs": "电池管理芯片",
    "Gates": "逻辑门",
    "Logic Gates": "逻辑门",
    "Gate Drive ICs": "栅极驱动芯片",
    "Gate Drivers": "栅极驱动芯片",
    "DIP Switches": "拨码开关",
    "Line Pressing Terminals": "压线端子",
    "Cold-pressed?Terminals": "冷压端子",
    "Resistor Networks & Arrays": "排阻",
    "Mezzanine Connectors (Board to Board)": "板对板连接器",
    "Board-To-Board And Backplane Connector": "板对板及背板连接器",
    "AC-DC Controllers & Regulators": "AC-DC控制器",
    "AC-DC Controllers And Regulators": "AC-DC控制器",
    "Digital Transistors": "数字三极管",
    "Switching Diode": "开关二极管",
    "Switching Diodes": "开关二极管",
    "Circular Connectors & Cable Connectors": "圆形连接器",
    "Comparators": "比较器",
    "Digital Isolators": "数字隔离器",
    "Connector Accessories": "连接器配件",
    "LED Indication - Discrete": "LED指示灯",
    "RF Transceiver ICs": "射频收发芯片",
    "Slide Switches": "拨动开关",
    "EEPROM": "EEPROM存储器",
    "Polymer Aluminum Capacitors": "固态铝电容",
    "Solid Capacitors": "固态电容",
    "Solid Polymer Electrolytic Capacitor": "固态电解电容",
    "Power Relays": "功率继电器",
    "Signal Relays": "信号继电器",
    "RS-485/RS-422 ICs": "RS-485/RS-422芯片",
    "RS232 ICs": "RS232芯片",
    "Motor Driver ICs": "电机驱动芯片",
    "NTC Thermistors": "NTC热敏电阻",
    "Optocouplers - Phototransistor Output": "光耦(晶体管输出)",
    "Transistor Output Optocoupler": "光耦(晶体管输出)",
    "Optocouplers - Logic Output": "光耦(逻辑输出)",
    "Optocouplers - Thyristor Signal Output": "光耦(可控硅输出)",
    "Transistor, Photovoltaic Output Optoisolators": "光耦(光伏输出)",
    "Automobile Connectors": "汽车连接器",
    "Spring Clamp System Terminal Block": "弹簧式接线端子",
    "Barrier Terminal Blocks": "栅栏式接线端子",
    "Screw terminal": "螺钉式接线端子",
    "Screw Terminal Blocks": "螺钉式接线端子",
    "PCB Welding Terminal": "PCB焊接端子",
    "Precision OpAmps": "精密运放",
    "Audio Power OpAmps": "音频功放",
    "Differential OpAmps": "差分运放",
    "Instrumentation OpAmps": "仪表放大器",
    "FET InputAmplifiers": "FET输入运放",
    "Special Purpose Amplifiers": "专用放大器",
    "Isolation Amplifiers": "隔离放大器",
    "Current-Sensing Amplifiers": "电流检测放大器",
    "Buzzers": "蜂鸣器",
    "TRIACs": "双向可控硅",
    "Thyristors (SCR)/Modules": "可控硅(SCR)",
    "Ceramic Disc Capacitors": "瓷片电容",
    "Variable Resistors/Potentiometers": "电位器/可调电阻",
    "Potentiometers, Variable Resistors": "电位器/可调电阻",
    "Digital Potentiometers": "数字电位器",
    "Microphones": "麦克风",
    "MEMS Microphones": "MEMS麦克风",
    "Inverters": "反相器",
    "Interface - Specialized": "专用接口芯片",
    "Antennas": "天线",
    "Microswitches": "微动开关",
    "Push Switches": "按键开关",
    "Toggle Switches": "钮子开关",
    "Rocker Switches": "船型开关",
    "Power Management Specialized - PMIC": "专用电源管理芯片",
    "Ethernet Connectors/Modular Connectors (RJ45 RJ11)": "网口连接器(RJ45/RJ11)",
    "DC-DC Controllers": "DC-DC控制器",
    "Housing Contact": "连接器端子",
    "FFC/FPC Connect Cables": "FFC/FPC排线",
    "FFC Cable (Flexible Flat Cable)": "FFC排线",
    "MICROCHIP": "单片机",
    "ATMEL & AVR": "单片机",
    "NXP MCU": "单片机",
    "Rotary Encoders": "旋转编码器",
    "Connector Shells": "连接器外壳",
    "Flip Flops": "触发器",
    "Latches": "锁存器",
    "Horn-Type Electrolytic Capacitors": "牛角电解电容",
    "Buffer/Driver/Transceiver": "缓冲器/驱动器/收发器",
    "Buffers, Drivers, Receivers, Transceivers": "缓冲器/驱动器/收发器",
    "Signal Buffers, Repeaters, Splitters": "信号缓冲/中继/分配芯片",
    "IGBTs": "IGBT",
    "Temperature Sensors": "温度传感器",
    "Speakers": "扬声器",
    "Color Ring Inductors/Through Hole Inductors": "色环电感/直插电感",
    "I/O Expanders": "IO扩展芯片",
    "RF Filters": "射频滤波器",
    "SAW Filters": "声表滤波器",
    "Ceramic Filters": "陶瓷滤波器",
    "EMI Filters (LC, RC Networks)": "EMI滤波器",
    "Current Sensors": "电流传感器",
    "Current Transformers": "电流互感器",
    "Infrared (IR) LEDs": "红外发光二极管",
    "Ultra Violet LEDs": "紫外发光二极管",
    "NOR FLASH": "NOR FLASH存储器",
    "USB ICs": "USB芯片",
    "Card Edge Connectors": "金手指连接器",
    "Gas Discharge Tube (GDT)": "气体放电管(GDT)",
    "Audio Interface ICs": "音频接口芯片",
    "Programmable Logic Device (CPLDs/FPGAs)": "可编程逻辑器件(CPLD/FPGA)",
    "CPLD/FPGA": "可编程逻辑器件(CPLD/FPGA)",
    "Balun": "巴伦",
    "Coaxial Connectors (RF)": "射频同轴连接器",
    "RF Amplifiers": "射频放大器",
    "Low Noise Amplifiers (LNA) - RF": "射频低噪声放大器",
    "RF Switches": "射频开关",
    "RF Chips": "射频芯片",
    "RF Mixers": "射频混频器",
    "RF Transceiver Modules": "射频收发模块",
    "RF Cables": "射频线缆",
    "Radio Frequency Cable": "射频线缆",
    "CAN ICs": "CAN收发芯片",
    "LIN Transceivers": "LIN收发芯片",
    "Magnetic Sensors": "磁传感器",
    "Hall Sensor": "霍尔传感器",
    "LVDS ICs": "LVDS芯片",
    "Video Interface ICs": "视频接口芯片",
    "Darlington Transistor Arrays": "达林顿晶体管阵列",
    "Darlington Transistors": "达林顿管",
    "D-Sub/DVI/HDMI Connectors": "D-Sub/DVI/HDMI连接器",
    "Ceramic Resonators": "陶瓷谐振器",
    "WiFi Modules": "WiFi模块",
    "Ethernet ICs": "以太网芯片",
    "Clock Buffers, Drivers": "时钟缓冲/驱动芯片",
    "SIM Card Connectors": "SIM卡座",
    "LCD Drivers": "LCD驱动芯片",
    "Solid State Relays - MOS Output (PhotoMOS)": "固态继电器(MOS输出)",
    "RJ45 Transformer": "网络变压器",
    "Led Segment Display": "LED数码管",
    "LED Segment Displays": "LED数码管",
    "Phototransistors": "光敏三极管",
    "Photodiodes": "光电二极管",
    "Real-time Clocks (RTC)": "实时时钟(RTC)",
    "Surge Suppressors": "浪涌抑制器",
    "Thyristor Surge Suppressors (TSS)": "半导体放电管(TSS)",
    "AC/DC Power Connectors": "AC/DC电源连接器",
    "DC Power Connectors": "DC电源连接器",
    "Fuse Holders": "保险丝座",
    "Audio Connectors": "音频连接器",
    "Battery Connectors": "电池连接器",
    "Fiber Optical Transceivers": "光纤收发器",
    "SiC Diodes": "碳化硅二极管",
    "Photointerrupters - Slot Type - Transistor Output": "槽型光电开关",
    "Reflective Optical Interrupters": "反射式光电开关",
    "Motion Sensors - Accelerometers": "加速度传感器",
    "Pressure Sensors": "压力传感器",
    "Analog Front End (AFEs)": "模拟前端(AFE)",
}

_BY_LOWER = {k.lower(): v for k, v in KINDS_ZH.items()}
_KINDS_LONGEST_FIRST = tuple(
    sorted(KINDS_ZH, key=len, reverse=True)
)  # 'thick film chip resistor' before 'chip resistor'
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# An English word in a title: letters only, two or more (codes, acronyms with digits, units stay: 'SMD', 'X7R', 'mm').
# Words of capitals only ('SMD', 'LED', 'USB', 'MLCC') are the same in both languages.
_ENGLISH_WORD = re.compile(r"(?<![\w.=/-])(?=[A-Za-z]*[a-z])[A-Za-z]{2,}(?:-[A-Za-z]+)*(?![\w=/-])")
_UNITS = frozenset({"mm", "cm", "mil", "pcs", "ppm", "kg", "mW", "mA", "mAh", "uF", "nF", "pF", "uH", "nH", "mH"})
_LEFT_PUNCT = re.compile(r"\s*,(\s*,)+|\(\s*\)|\s+,|,\s*$|^\s*,")
_SPACES = re.compile(r"\s{2,}")


def product_title(product: Product, language: str) -> str:
    """The product's title as a reply in `language` shows it."""
    english, chinese = _halves(product.name)
    if language != "zh":
        return english
    kind = chinese
    base = english
    if not kind:
        base, kind = _kind_suffix(english, product.category)
    return _compose(base, kind)


def _halves(name: str) -> tuple[str, str]:
    """(English, Chinese) of a bilingual title "English / 中文", else (name, "")."""
    head, sep, tail = name.rpartition(" / ")
    if sep and _CJK.search(tail) and not _CJK.search(head):
        return head.strip(), tail.strip()
    return name, ""


def _kind_suffix(title: str, category: str) -> tuple[str, str]:
    """The title without the English kind it ends with, and the kind's Chinese name ("" when it has none)."""
    # the source's category as the title ends with it: its last segment, or its last two where the leaf itself holds
    # ' / ' ('Fast Recovery / High Efficiency Diode'); a sourcing status ('Pre-ordered Chips', 'Others') is no kind
    parts = [p.strip() for p in category.split(" / ")]
    candidates = [" / ".join(parts[-2:]), parts[-1], *_KINDS_LONGEST_FIRST]
    lowered = title.lower()
    for kind in candidates:
        if kind and lowered.endswith(kind.lower()) and (len(kind) == len(title) or not title[-len(kind) - 1].isalnum()):
            zh = _BY_LOWER.get(kind.lower(), "")
            return title[: len(title) - len(kind)], zh
    return title, ""


def _compose(base: str, kind: str) -> str:
    """The kind in Chinese after the part number and before the facts; English words left out."""
    code, dash, facts = base.partition(" — ")
    if not dash:  # our own titles: the part number is the leading code ("6205-2RS deep groove ...")
        code, facts = _leading_code(base)
    facts = _ENGLISH_WORD.sub(lambda m: m.group(0) if m.group(0) in _UNITS else "", facts)
    facts = _SPACES.sub(" ", _LEFT_PUNCT.sub(" ", facts)).strip(" ,;-")
    if kind:  # a bilingual title's Chinese half may say a grade or material the English half also holds
        facts = " ".join(word for word in facts.split(" ") if word not in kind.split(" "))
    parts = [p for p in (code.strip(), kind, facts) if p]
    return " ".join(parts)


def _leading_code(text: str) -> tuple[str, str]:
    """The title's words up to its first English word ('ISO 7380 M8×80', 'SKF 6205-2RS'), and the rest."""
    m = _ENGLISH_WORD.search(text)
    while m is not None and m.group(0) in _UNITS:
        m = _ENGLISH_WORD.search(text, m.end())
    if m is None:
        return text, ""
    return text[: m.start()], text[m.start() :]
