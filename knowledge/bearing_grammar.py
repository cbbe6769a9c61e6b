"""Rolling-bearing suffix grammar for substitution: closure class, clearance, precision rank, contact angle.

Interchangeability is decided by what the suffixes *mean*, never by string similarity: 2RS1 (SKF), 2RSH,
LLU (NTN) and DDU (NSK) are all contact seals on both sides; 2Z, ZZ and 2ZR are shields on both sides.
The basic designation (6205) is the size key. SNFA history designations (VEX67CE1UL) decode into the
facts a superseding SKF part can be checked against (bore, contact angle, preload, seals, ceramic balls).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.catalog import normalize_code
from knowledge.models import Product

OPEN = "open"
# Closure class -> (buyer-facing text, protection rank: more is better sealed).
CLOSURE_CLASSES: dict[str, tuple[str, int]] = {
    "contact-seals-2": ("contact seals both sides", 6),
    "non-contact-seals-2": ("non-contact seals both sides", 5),
    "capped-2": ("capped both sides (seal type not stated)", 4),
    "shields-2": ("shields both sides", 4),
    "contact-seal-1": ("contact seal one side", 3),
    "non-contact-seal-1": ("non-contact seal one side", 2),
    "shield-1": ("shield one side", 1),
    OPEN: ("open", 0),
}
_CLOSURE_CODES: dict[str, str] = {
    **dict.fromkeys(("2RS", "2RS1", "2RS2", "2RSH", "2RSR", "2RSL", "LLU", "LLH", "DDU", "2RSD"), "contact-seals-2"),
    **dict.fromkeys(("2RZ", "LLB", "VV", "2RU"), "non-contact-seals-2"),
    **dict.fromkeys(("2Z", "ZZ", "2ZR", "ZZR"), "shields-2"),
    **dict.fromkeys(("RS", "RS1", "RS2", "RSH", "RSR", "LU", "DU"), "contact-seal-1"),
    **dict.fromkeys(("RZ", "LB", "V"), "non-contact-seal-1"),
    **dict.fromkeys(("Z", "ZR"), "shield-1"),
}
CLEARANCES = ("C2", "CN", "C3", "C4", "C5")
# Lower rank = tighter tolerances. P4A/P4C/UP are SKF classes between P4 and P2; SP lies between P5 and P4.
PRECISION_RANKS: dict[str, float] = {
    "P2": 1.0,
    "P4A": 2.0,
    "UP": 2.0,
    "P4C": 2.5,
    "P4": 3.0,
    "SP": 3.5,
    "P5": 4.0,
    "P6": 5.0,
    "P0": 6.0,
    "PN": 6.0,
}
_CONTACT_ANGLES: dict[str, float] = {
    "CD": 15.0, "CE": 15.0, "CB": 15.0, "C": 15.0,
    "ACD": 25.0, "ACE": 25.0, "ACB": 25.0, "AC": 25.0,
    "BE": 40.0, "B": 40.0, "BEP": 40.0,
}  # fmt: skip
_PRELOADS = {"GA": "light", "GB": "medium", "GC": "heavy", "GD": "extra heavy"}
_PRELOAD_WORDS = {"轻": "light", "中": "medium", "重": "heavy", "light": "light", "medium": "medium", "heavy": "heavy"}
_TOKENS = sorted(
    [*_CLOSURE_CODES, *CLEARANCES, *PRECISION_RANKS, *_CONTACT_ANGLES, *_PRELOADS, "HC", "E", "J", "M", "TN9", "TN"],
    key=len,
    reverse=True,
)
_BASIC = re.compile(r"(?P<prefix>BSA|BSD|QJ|NNU|NN|NUP|NU|NJ|N)?(?P<digits>\d{3,5}|\d{2,3}/\d+(?:\.\d+)?)(?P<rest>.*)")
_SNFA = re.compile(
    r"(?:SNFA)?(?P<series>VEX|VEB|EX|SEA|SEB|HX|E2|E3|BS2|BS)(?P<bore>\d{1,3}?)(?P<sealed>/?S)?(?P<ns>/?NS)?"
    r"(?P<sealed2>/?S)?7(?P<angle>CE[13]|P6[0-9])(?P<preload>U[LMHX])?"
)


@dataclass(frozen=True)
class BearingCode:
    """What a bearing designation says, decoded: the size key and the suffix meanings."""

    basic: str
    closure: str | None = None  # a key of CLOSURE_CLASSES, or None when the designation does not say
    clearance: str | None = None
    precision: str | None = None
    contact_angle: float | None = None
    preload: str | None = None
    hybrid: bool = False
    sealed_prefix: bool = False  # SKF super-precision "S7205": sealed both sides


def parse_bearing_code(mpn: str) -> BearingCode | None:
    """'6205-2RS1/C3', 'E2.6205-2Z/C3', 'S7205 ACD/HCP4A', '706CEGA/P4A' -> BearingCode; None otherwise."""
    text = re.sub(r"\s+", "", mpn.upper())
    text = re.sub(r"^E2\.", "", text)
    sealed_prefix = bool(re.match(r"S\d", text))
    if sealed_prefix:
        text = text[1:]
    match = _BASIC.match(text)
    if match is None:
        return None
    basic = (match.group("prefix") or "") + match.group("digits")
    rest = match.group("rest")
    found: list[str] = []
    for chunk in re.split(r"[\-/.]+", rest):
        pos = 0
        while pos < len(chunk):
            token = next((t for t in _TOKENS if chunk.startswith(t, pos)), None)
            if token is None:
                pos += 1  # unknown letter (cage, lubricant ...): not a closure, clearance or class
                continue
            found.append(token)
            pos += len(token)
    closure = next((_CLOSURE_CODES[t] for t in found if t in _CLOSURE_CODES), None)
    if closure is None and sealed_prefix:
        closure = "capped-2"
    return BearingCode(
        basic=basic,
        closure=closure,
        clearance=next((t for t in found if t in CLEARANCES), None),
        precision=next((t for t in found if t in PRECISION_RANKS), None),
        contact_angle=next((_CONTACT_ANGLES[t] for t in found if t in _CONTACT_ANGLES), None),
        preload=next((_PRELOADS[t] for t in found if t in _PRELOADS), None),
        hybrid="HC" in found,
        sealed_prefix=sealed_prefix,
    )


def closure_class(product: Product) -> str | None:
    """The closure class from the designation, else from the stated seal text; None when neither says."""
    code = parse_bearing_code(product.mpn)
    if code is not None and code.closure is not None:
        return code.closure
    seal = product.attribute("seal")
    text = (seal.raw if seal else "").lower()
    if not text:
        # A plain ISO designation with no closure suffix is an open bearing.
        return OPEN if code is not None and _plain_designation(product.mpn, code) else None
    if text in ("open", "开式"):
        return OPEN
    for words, key in (
        ("2rs", "contact-seals-2"),
        ("2rz", "non-contact-seals-2"),
        ("non-contact", "non-contact-seals-2"),
        ("2z", "shields-2"),
        ("shield", "shields-2"),
        ("contact seal", "contact-seals-2"),
        ("密封", "capped-2"),
    ):
        if words in text:
            return key
    return None


def precision_rank(product: Product) -> tuple[float, str] | None:
    """(rank, class) from the stated precision class or the designation; 普通 / normal is P0."""
    attr = product.attribute("precision_class")
    raw = attr.raw.strip().upper() if attr else ""
    if raw in ("普通", "NORMAL", "P0", "PN"):
        return PRECISION_RANKS["P0"], "P0"
    if raw in PRECISION_RANKS:
        return PRECISION_RANKS[raw], raw
    code = parse_bearing_code(product.mpn)
    if code is not None and code.precision:
        return PRECISION_RANKS[code.precision], code.precision
    return None


def contact_angle(product: Product) -> float | None:
    """Contact angle in degrees: stated, else from the CD/CE (15°) / ACD/ACE (25°) suffix."""
    attr = product.attribute("contact_angle")
    if attr is not None and attr.value is not None:
        return attr.value
    code = parse_bearing_code(product.mpn)
    return code.contact_angle if code else None


def preload(product: Product) -> str | None:
    """Preload class light / medium / heavy, stated or from GA / GB / GC."""
    attr = product.attribute("preload")
    if attr is not None and attr.raw.strip().lower() in _PRELOAD_WORDS:
        return _PRELOAD_WORDS[attr.raw.strip().lower()]
    code = parse_bearing_code(product.mpn)
    return code.preload if code else None


def rolling_elements(product: Product) -> str | None:
    """'ceramic' (hybrid, HC) or 'steel' when stated or coded."""
    attr = product.attribute("rolling_element_material")
    if attr is not None:
        return "ceramic" if ("陶瓷" in attr.raw or "ceramic" in attr.raw.lower()) else "steel"
    code = parse_bearing_code(product.mpn)
    if code is not None and code.hybrid:
        return "ceramic"
    return None


def clearance(product: Product) -> str | None:
    """Radial clearance C2 / CN / C3 / C4 / C5; no suffix on a deep groove designation means CN (normal)."""
    code = parse_bearing_code(product.mpn)
    if code is None:
        return None
    return code.clearance or "CN"


def superseded_codes(product: Product) -> set[str]:
    """Normalized history designations this product supersedes ('SNFA VEX67CE1UL' -> {'VEX67CE1UL'})."""
    codes: set[str] = set()
    for attr in product.attributes:
        if attr.name == "superseded_designation" and attr.raw.strip():
            raw = re.sub(r"^\s*SNFA\s+", "", attr.raw.strip(), flags=re.IGNORECASE)
            codes.add(normalize_code(raw))
    return codes


def decode_snfa(designation: str) -> dict[str, object]:
    """Facts an SNFA designation states: 'VEX67CE1UL' -> bore 6 mm, 15°, light preload, open, steel balls."""
    text = re.sub(r"\s+", "", designation.upper())
    match = _SNFA.match(text)
    if match is None:
        return {}
    facts: dict[str, object] = {"bore_diameter": float(match.group("bore"))}
    angle = match.group("angle") or ""
    if angle.startswith("CE"):
        facts["contact_angle"] = 15.0 if angle == "CE1" else 25.0
    preload_code = match.group("preload") or ""
    if preload_code:
        facts["preload"] = {"UL": "light", "UM": "medium", "UH": "heavy"}.get(preload_code)
    facts["closure"] = "capped-2" if (match.group("sealed") or match.group("sealed2")) else OPEN
    facts["rolling_elements"] = "ceramic" if match.group("ns") else "steel"
    return facts


def _plain_designation(mpn: str, code: BearingCode) -> bool:
    return normalize_code(mpn) == normalize_code(code.basic)
