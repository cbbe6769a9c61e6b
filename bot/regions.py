"""Chinese provinces and cities under every name a buyer or a config file uses: 广东省 = 广东 = Guangdong.

`province_of(text)` and `city_of(text)` return the canonical short Chinese name ("广东", "深圳") or "" when
the text names no known province / city. Cities carry their province, so a lead that only says "Shenzhen"
still reaches the distributor for 广东.
"""

from __future__ import annotations

import re

# Canonical short name → English names (pinyin and common exonyms).
PROVINCES: dict[str, tuple[str, ...]] = {
    "北京": ("beijing", "peking"), "天津": ("tianjin",), "上海": ("shanghai",), "重庆": ("chongqing",),
    "河北": ("hebei",), "山西": ("shanxi",), "辽宁": ("liaoning",), "吉林": ("jilin",),
    "黑龙江": ("heilongjiang",), "江苏": ("jiangsu",), "浙江": ("zhejiang",), "安徽": ("anhui",),
    "福建": ("fujian",), "江西": ("jiangxi",), "山东": ("shandong",), "河南": ("henan",), "湖北": ("hubei",),
    "湖南": ("hunan",), "广东": ("guangdong", "canton province"), "海南": ("hainan",), "四川": ("sichuan",),
    "贵州": ("guizhou",), "云南": ("yunnan",), "陕西": ("shaanxi",), "甘肃": ("gansu",), "青海": ("qinghai",),
    "台湾": ("taiwan",), "内蒙古": ("inner mongolia", "nei mongol", "neimenggu"), "广西": ("guangxi",),
    "西藏": ("tibet", "xizang"), "宁夏": ("ningxia",), "新疆": ("xinjiang",), "香港": ("hong kong", "hongkong"),
    "澳门": ("macau", "macao"),
}  # fmt: skip

# Province → its main cities (prefecture level), "中文 pinyin" each.
_CITY_TABLE = """
广东: 广州 guangzhou, 深圳 shenzhen, 东莞 dongguan, 佛山 foshan, 珠海 zhuhai, 中山 zhongshan, 惠州 huizhou,
 江门 jiangmen, 汕头 shantou, 湛江 zhanjiang, 肇庆 zhaoqing, 茂名 maoming, 揭阳 jieyang, 梅州 meizhou,
 清远 qingyuan, 韶关 shaoguan, 阳江 yangjiang, 河源 heyuan, 潮州 chaozhou, 汕尾 shanwei, 云浮 yunfu
广西: 南宁 nanning, 柳州 liuzhou, 桂林 guilin, 梧州 wuzhou, 北海 beihai, 玉林 yulin, 钦州 qinzhou, 防城港 fangchenggang
海南: 海口 haikou, 三亚 sanya, 儋州 danzhou
江苏: 南京 nanjing, 苏州 suzhou, 无锡 wuxi, 常州 changzhou, 南通 nantong, 扬州 yangzhou, 镇江 zhenjiang,
 泰州 taizhou, 徐州 xuzhou, 盐城 yancheng, 淮安 huai'an, 连云港 lianyungang, 宿迁 suqian, 昆山 kunshan
浙江: 杭州 hangzhou, 宁波 ningbo, 温州 wenzhou, 嘉兴 jiaxing, 湖州 huzhou, 绍兴 shaoxing, 金华 jinhua,
 台州 taizhou, 丽水 lishui, 衢州 quzhou, 舟山 zhoushan, 义乌 yiwu
安徽: 合肥 hefei, 芜湖 wuhu, 蚌埠 bengbu, 马鞍山 ma'anshan, 安庆 anqing, 滁州 chuzhou, 阜阳 fuyang
福建: 福州 fuzhou, 厦门 xiamen, 泉州 quanzhou, 漳州 zhangzhou, 莆田 putian, 龙岩 longyan, 宁德 ningde
江西: 南昌 nanchang, 赣州 ganzhou, 九江 jiujiang, 上饶 shangrao, 景德镇 jingdezhen
山东: 济南 jinan, 青岛 qingdao, 烟台 yantai, 潍坊 weifang, 淄博 zibo, 威海 weihai, 临沂 linyi, 济宁 jining,
 泰安 tai'an, 日照 rizhao, 东营 dongying, 德州 dezhou, 聊城 liaocheng
河北: 石家庄 shijiazhuang, 唐山 tangshan, 保定 baoding, 廊坊 langfang, 邯郸 handan, 沧州 cangzhou, 秦皇岛 qinhuangdao
山西: 太原 taiyuan, 大同 datong, 长治 changzhi
辽宁: 沈阳 shenyang, 大连 dalian, 鞍山 anshan, 营口 yingkou
吉林: 长春 changchun, 吉林 jilin city
黑龙江: 哈尔滨 harbin, 大庆 daqing, 齐齐哈尔 qiqihar
河南: 郑州 zhengzhou, 洛阳 luoyang, 新乡 xinxiang, 许昌 xuchang, 南阳 nanyang
湖北: 武汉 wuhan, 宜昌 yichang, 襄阳 xiangyang, 十堰 shiyan, 荆州 jingzhou
湖南: 长沙 changsha, 株洲 zhuzhou, 湘潭 xiangtan, 岳阳 yueyang, 衡阳 hengyang, 常德 changde
四川: 成都 chengdu, 绵阳 mianyang, 宜宾 yibin, 德阳 deyang
贵州: 贵阳 guiyang, 遵义 zunyi
云南: 昆明 kunming, 曲靖 qujing
陕西: 西安 xi'an, 宝鸡 baoji, 咸阳 xianyang
甘肃: 兰州 lanzhou
青海: 西宁 xining
内蒙古: 呼和浩特 hohhot, 包头 baotou, 鄂尔多斯 ordos
宁夏: 银川 yinchuan
新疆: 乌鲁木齐 urumqi
西藏: 拉萨 lhasa
台湾: 台北 taipei, 新竹 hsinchu, 台中 taichung, 高雄 kaohsiung
"""

# Suffixes of official names, longest first: 广西壮族自治区 → 广西, 深圳市 → 深圳.
_ZH_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "地区")
_EN_SUFFIXES = (" special administrative region", " autonomous region", " province", " sar", " city", " shi", " sheng")


def _build_cities() -> tuple[dict[str, str], dict[str, str]]:
    city_province: dict[str, str] = {}
    english: dict[str, str] = {}
    ambiguous: set[str] = set()
    for block in _CITY_TABLE.replace("\n ", " ").strip().splitlines():
        province, _, rest = block.partition(":")
        for item in rest.split(","):
            zh, _, en = item.strip().partition(" ")
            city_province[zh] = province
            key = _ascii_key(en)
            if key in english and english[key] != zh:
                ambiguous.add(key)  # 泰州 / 台州 are both "taizhou": only the Chinese name tells them apart
            english[key] = zh
    for key in ambiguous:
        del english[key]
    for municipality in ("北京", "天津", "上海", "重庆"):
        city_province[municipality] = municipality
    return city_province, english


def _ascii_key(text: str) -> str:
    return re.sub(r"[\s\-'’.]+", "", text.lower())


CITY_PROVINCE, _CITY_EN = _build_cities()
_PROVINCE_EN = {_ascii_key(name): zh for zh, names in PROVINCES.items() for name in names}


_NAME_KEYS = frozenset(_CITY_EN) | frozenset(_PROVINCE_EN)
_KEY_LENGTHS = range(min(map(len, _NAME_KEYS)), max(map(len, _NAME_KEYS)) + 1)


def may_name_a_place(key: str) -> bool:
    """False when no English phrase whose letters, lower-cased, are `key` can be a name `province_of` or
    `city_of` knows (none of their names starts it): a cheap test before reading every phrase of a long text."""
    return any(key[:n] in _NAME_KEYS for n in _KEY_LENGTHS if n <= len(key))


def province_of(text: str) -> str:
    """The canonical province for '广东省', '广东', 'Guangdong Province', 'guangdong'; '' when unknown."""
    zh = _strip_zh(text)
    if zh in PROVINCES:
        return zh
    return _PROVINCE_EN.get(_ascii_key(_strip_en(text)), "")


def city_of(text: str) -> str:
    """The canonical city for '深圳市', '深圳', 'Shenzhen'; '' when not in the table."""
    zh = _strip_zh(text)
    if zh in CITY_PROVINCE:
        return zh
    return _CITY_EN.get(_ascii_key(_strip_en(text)), "")


def _strip_zh(text: str) -> str:
    text = text.strip()
    for suffix in _ZH_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def _strip_en(text: str) -> str:
    text = text.strip().lower()
    for suffix in _EN_SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text
