"""The canonical attribute vocabulary: keys, units, display names and zh/en synonyms.

Catalog adapters map source columns onto these keys; spec answers map buyers' words onto them.
Keys not listed here are allowed (an adapter keeps a slug of the source name) but have no synonyms.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AttributeSpec:
    key: str
    unit: str
    en: str
    zh: str
    synonyms: tuple[str, ...]


# Order matters for question mapping: longer, more specific phrases are tried first by specs.py.
VOCABULARY: tuple[AttributeSpec, ...] = (
    AttributeSpec(
        "bore_diameter",
        "mm",
        "bore diameter d",
        "内径 d",
        (
            "内径",
            "孔径",
            "轴径",
            "bore",
            "inner diameter",
            "inside diameter",
            "inner dia",
            "shaft size",
            "shaft diameter",
            "id",
            "d",
        ),
    ),
    AttributeSpec(
        "outer_diameter",
        "mm",
        "outer diameter D",
        "外径 D",
        ("外径", "外圈直径", "outer diameter", "outside diameter", "outer dia", "od", "D"),
    ),
    AttributeSpec(
        "width", "mm", "width B", "宽度 B", ("宽度", "宽", "多宽", "厚度", "width", "wide", "thickness", "thick", "B")
    ),
    AttributeSpec(
        "dynamic_load_rating",
        "kN",
        "basic dynamic load rating C",
        "额定动载荷 C",
        (
            "额定动载荷",
            "基本额定动载荷",
            "基本额定动负荷",
            "额定动负荷",
            "动载荷",
            "动负荷",
            "dynamic load rating",
            "dynamic load",
            "C",
        ),
    ),
    AttributeSpec(
        "static_load_rating",
        "kN",
        "basic static load rating C0",
        "额定静载荷 C0",
        (
            "额定静载荷",
            "基本额定静载荷",
            "基本额定静负荷",
            "额定静负荷",
            "静载荷",
            "静负荷",
            "static load rating",
            "static load",
            "C0",
        ),
    ),
    AttributeSpec(
        "fatigue_load_limit",
        "kN",
        "fatigue load limit Pu",
        "疲劳极限载荷 Pu",
        ("疲劳极限载荷", "疲劳载荷", "fatigue load limit", "Pu"),
    ),
    AttributeSpec(
        "reference_speed", "r/min", "reference speed", "参考转速", ("参考转速", "基准转速", "reference speed")
    ),
    AttributeSpec(
        "limiting_speed",
        "r/min",
        "limiting speed",
        "极限转速",
        (
            "极限转速",
            "最高转速",
            "最大转速",
            "转速",
            "limiting speed",
            "max speed",
            "maximum speed",
            "speed limit",
            "speed",
            "rpm",
        ),
    ),
    AttributeSpec(
        "grease_speed",
        "r/min",
        "limiting speed, grease lubrication",
        "油脂润滑极限转速",
        ("油脂转速", "油脂润滑转速", "油脂润滑极限转速", "脂润滑转速", "grease speed", "grease lubrication speed"),
    ),
    AttributeSpec(
        "oil_speed",
        "r/min",
        "limiting speed, oil-air lubrication",
        "油气润滑极限转速",
        (
            "油气转速",
            "油气润滑转速",
            "油润滑极限转速",
            "油润滑转速",
            "oil speed",
            "oil-air speed",
            "oil lubrication speed",
        ),
    ),
    AttributeSpec("mass", "kg", "mass", "重量", ("重量", "质量", "多重", "mass", "weight")),
    AttributeSpec(
        "precision_class",
        "",
        "precision class",
        "精度等级",
        ("精度等级", "精度", "公差等级", "precision class", "precision", "accuracy", "tolerance class"),
    ),
    AttributeSpec("contact_angle", "°", "contact angle", "接触角", ("接触角", "角度", "contact angle", "angle")),
    AttributeSpec(
        "seal", "", "seal / shield", "密封形式", ("密封形式", "密封", "防尘盖", "seal", "shield", "sealing", "sealed")
    ),
    AttributeSpec("preload", "", "preload class", "预紧等级", ("预紧等级", "预紧", "预载", "preload")),
    AttributeSpec(
        "bearing_type",
        "",
        "bearing type",
        "轴承类型",
        ("轴承类型", "类型", "bearing type", "type", "angular contact", "deep groove", "角接触", "深沟球", "圆柱滚子"),
    ),
    AttributeSpec("resistance", "Ω", "resistance", "阻值", ("阻值", "电阻值", "电阻", "resistance", "ohms")),
    AttributeSpec("capacitance", "F", "capacitance", "容值", ("容值", "电容值", "电容量", "容量", "capacitance")),
    AttributeSpec("inductance", "H", "inductance", "电感值", ("电感值", "电感量", "感值", "inductance")),
    AttributeSpec("tolerance", "%", "tolerance", "精度 / 公差", ("公差", "误差", "精度", "tolerance")),
    AttributeSpec(
        "power", "W", "power rating", "额定功率", ("额定功率", "耗散功率", "功率", "power rating", "power", "wattage")
    ),
    AttributeSpec(
        "voltage_rating",
        "V",
        "voltage rating",
        "额定电压 / 耐压",
        ("耐压", "额定电压", "耐压值", "voltage rating", "rated voltage", "voltage", "max voltage"),
    ),
    AttributeSpec(
        "current_rating",
        "A",
        "current rating",
        "额定电流",
        ("额定电流", "电流", "current rating", "rated current", "current"),
    ),
    AttributeSpec("frequency", "Hz", "frequency", "频率", ("频率", "frequency", "freq", "clock")),
    AttributeSpec("load_capacitance", "F", "load capacitance", "负载电容", ("负载电容", "load capacitance")),
    AttributeSpec(
        "frequency_tolerance", "ppm", "frequency tolerance", "频率公差", ("频率公差", "频差", "frequency tolerance")
    ),
    AttributeSpec(
        "frequency_stability",
        "ppm",
        "frequency stability",
        "频率稳定度",
        ("频率稳定度", "稳定度", "frequency stability", "stability"),
    ),
    AttributeSpec(
        "temperature_coefficient",
        "ppm/°C",
        "temperature coefficient",
        "温度系数",
        ("温度系数", "温漂", "temperature coefficient", "tempco", "tcr"),
    ),
    AttributeSpec(
        "temperature_range",
        "°C",
        "operating temperature",
        "工作温度",
        (
            "工作温度",
            "工作温度范围",
            "温度范围",
            "使用温度",
            "温度",
            "operating temperature",
            "temperature range",
            "temperature",
            "temp range",
        ),
    ),
    AttributeSpec(
        "dielectric",
        "",
        "dielectric",
        "介质材料",
        ("介质材料", "介质", "材质", "温度特性", "dielectric", "temperature characteristic"),
    ),
    AttributeSpec(
        "package", "", "package", "封装", ("封装", "封裝", "尺寸规格", "package", "footprint", "case", "size code")
    ),
    AttributeSpec("thread", "", "thread size", "螺纹规格", ("螺纹规格", "螺纹", "规格", "thread size", "thread")),
    AttributeSpec("pitch", "mm", "thread pitch", "螺距", ("螺距", "牙距", "pitch", "thread pitch")),
    AttributeSpec("length", "mm", "nominal length", "长度", ("长度", "多长", "长多少", "length", "long", "how long")),
    AttributeSpec(
        "head_diameter", "mm", "head diameter dk", "头部直径 dk", ("头部直径", "头径", "头直径", "head diameter", "dk")
    ),
    AttributeSpec(
        "head_height",
        "mm",
        "head height k",
        "头部高度 k",
        ("头部高度", "头高", "头多高", "头部多高", "头厚", "head height", "k"),
    ),
    AttributeSpec(
        "drive_size",
        "mm",
        "drive size s (hex key / wrench)",
        "对边 / 扳手尺寸 s",
        ("内六角对边", "对边", "扳手尺寸", "drive size", "hex key", "wrench size", "key size"),
    ),
    AttributeSpec("material", "", "material", "材料", ("材料", "材质", "material", "made of")),
    AttributeSpec("standard", "", "standard", "标准", ("标准", "执行标准", "standard", "norm")),
    AttributeSpec(
        "manufacturer",
        "",
        "manufacturer",
        "品牌 / 厂家",
        (
            "品牌",
            "厂家",
            "厂商",
            "制造商",
            "生产厂家",
            "哪家",
            "manufacturer",
            "brand",
            "maker",
            "who makes",
            "which company",
            "company",
            "made by",
            "牌子",
            "原厂",
            "mfr",
            "mfg",
        ),
    ),
    AttributeSpec("price", "", "price", "价格", ("价格", "多少钱", "单价", "报价", "price", "cost", "how much")),
    AttributeSpec(
        "stock",
        "",
        "stock",
        "库存",
        ("库存", "现货", "有货", "有没有货", "库存量", "stock", "inventory", "on hand", "available", "availability"),
    ),
    AttributeSpec("lead_time", "days", "lead time", "交期", ("交期", "货期", "交货期", "lead time", "delivery time")),
    AttributeSpec("datasheet", "", "datasheet", "规格书", ("规格书", "数据手册", "datasheet", "data sheet")),
)

BY_KEY: dict[str, AttributeSpec] = {spec.key: spec for spec in VOCABULARY}


def display_name(key: str, language: str = "en") -> str:
    """The buyer-facing name of an attribute key in `language` ("en" or "zh")."""
    spec = BY_KEY.get(key)
    if spec is None:
        en, zh = _SHOWN_ONLY.get(key, (key.replace("_", " "), ""))
        return zh if language == "zh" and zh else en
    return spec.zh if language == "zh" else spec.en


# Keys that substitutes and cards show but spec questions do not ask by (not in VOCABULARY): their names only.
_SHOWN_ONLY = {
    "clearance": ("internal clearance", "游隙"),
    "type": ("type", "类型"),
    "pin_pitch": ("pitch", "间距"),  # the VOCABULARY key pitch of a part without a thread (a header, a connector)
}
