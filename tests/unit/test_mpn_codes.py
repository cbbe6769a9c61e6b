"""Passive ordering codes read by their makers' numbering systems (knowledge/mpn_codes.py).

The examples' expected facts come from the makers' ordering guides (written down before the decoder ran); the
catalog check compares every decoded listing of the shipped catalog with what that listing states."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from knowledge.catalog import CatalogStore
from knowledge.footprints import parse_footprint
from knowledge.mpn_codes import decode_mpn
from knowledge.units import canonical_dielectric

CATALOG = Path(__file__).resolve().parents[2] / "var" / "catalog.sqlite"

# code -> (package, {key: value}, dielectric)
EXAMPLES = {
    "CL10A106KP8NNNC": ("0603", {"capacitance": 10e-6, "tolerance": 10, "voltage_rating": 10}, "X5R"),
    "CL05C1R5BB5NNNC": ("0402", {"capacitance": 1.5e-12, "voltage_rating": 50}, "C0G"),  # ±0.1 pF: no % figure
    "GRM188R61A106KE69D": ("0603", {"capacitance": 10e-6, "tolerance": 10, "voltage_rating": 10}, "X5R"),
    "GRM1555C1H100JA01D": ("0402", {"capacitance": 10e-12, "tolerance": 5, "voltage_rating": 50}, "C0G"),
    "CC0603KRX7R9BB104": ("0603", {"capacitance": 100e-9, "tolerance": 10, "voltage_rating": 50}, "X7R"),
    "C0805C225K4RACTU": ("0805", {"capacitance": 2.2e-6, "tolerance": 10, "voltage_rating": 16}, "X7R"),
    "C0805X104K5RAC7800": (
        "0805",
        {"capacitance": 1e-7, "tolerance": 10, "voltage_rating": 50},
        "X7R",
    ),  # flexible termination
    "C0603C479C3GACAUTO": ("0603", {"capacitance": 4.7e-12, "voltage_rating": 25}, "C0G"),  # 9 = x0.1
    "C1608X5R1A106K080AC": ("0603", {"capacitance": 10e-6, "tolerance": 10, "voltage_rating": 10}, "X5R"),
    "CGA3E1X7R1V105K080AE": ("0603", {"capacitance": 1e-6, "tolerance": 10, "voltage_rating": 35}, "X7R"),
    "CGA5L2C0G1H104J160AA": ("1206", {"capacitance": 100e-9, "tolerance": 5, "voltage_rating": 50}, "C0G"),
    "LMK107BJ475KA-T": ("0603", {"capacitance": 4.7e-6, "tolerance": 10, "voltage_rating": 10}, "X5R"),
    "0603B104K500NT": ("0603", {"capacitance": 100e-9, "tolerance": 10, "voltage_rating": 50}, "X7R"),
    "RC0603FR-0710KL": ("0603", {"resistance": 10e3, "tolerance": 1}, ""),
    "RC0805JR-074K7L": ("0805", {"resistance": 4.7e3, "tolerance": 5}, ""),
    "0603WAF1002T5E": ("0603", {"resistance": 10e3, "tolerance": 1}, ""),
    "1206W4J0473T5E": ("1206", {"resistance": 47e3, "tolerance": 5}, ""),
    "FRC0805F10R0TS": ("0805", {"resistance": 10.0, "tolerance": 1}, ""),
    "ERJ-3EKF1002V": ("0603", {"resistance": 10e3, "tolerance": 1}, ""),
    "ERJ-3GEYJ103V": ("0603", {"resistance": 10e3, "tolerance": 5}, ""),
    "ERJ-12ZYJ221U": ("2010", {"resistance": 220, "tolerance": 5}, ""),  # 12Z is 2010; U: embossed tape
    "ERJ-12SF1000U": ("1812", {"resistance": 100, "tolerance": 1}, ""),
    "ERJ-2RKF1001X": ("0402", {"resistance": 1e3, "tolerance": 1}, ""),  # X: punched tape
    "CRCW060310K0FKEA": ("0603", {"resistance": 10e3, "tolerance": 1}, ""),
    "WSL2512R0010FEA": ("2512", {"resistance": 0.001, "tolerance": 1}, ""),
    "RS-05K6802FT": ("0805", {"resistance": 68e3, "tolerance": 1}, ""),
    "AR03BTDX1002": ("0603", {"resistance": 10e3, "tolerance": 0.1}, ""),
    "CR1206-JW-120ELF": ("1206", {"resistance": 12.0, "tolerance": 5}, ""),
    "CR0603-FX-1002ELF": ("0603", {"resistance": 10e3, "tolerance": 1}, ""),
    "RMCF0805FT10K0": ("0805", {"resistance": 10e3, "tolerance": 1}, ""),
    "RNCP0603FTD1K00": ("0603", {"resistance": 1e3, "tolerance": 1}, ""),
    "RK73B2ATTD101J": ("0805", {"resistance": 100.0, "tolerance": 5}, ""),
    "RK73H1JTTD1002F": ("0603", {"resistance": 10e3, "tolerance": 1}, ""),
    "RN73R2ATD1004D25": ("0805", {"resistance": 1e6, "tolerance": 0.5}, ""),
    "RR1220P-302-D": ("0805", {"resistance": 3e3, "tolerance": 0.5}, ""),
    "ERA-3AEB103V": ("0603", {"resistance": 10e3, "tolerance": 0.1}, ""),
    "CRG0805J470R": ("0805", {"resistance": 470, "tolerance": 5}, ""),
    "WCR0805-1K8FI": ("0805", {"resistance": 1.8e3, "tolerance": 1}, ""),
    "CR0402-FX-4703GLF": ("0402", {"resistance": 470e3, "tolerance": 1}, ""),  # G: 0402 packaging
    "T491D227M010AT": ("CASE-D", {"capacitance": 220e-6, "tolerance": 20, "voltage_rating": 10}, ""),
    "T491X476K035AT": ("CASE-X", {"capacitance": 47e-6, "tolerance": 10, "voltage_rating": 35}, ""),
    "ESR03EZPD1002": ("0603", {"resistance": 10e3, "tolerance": 0.5}, ""),  # ROHM anti-surge, D = ±0.5 %
    "MCR01MZPJ103": ("0402", {"resistance": 10e3, "tolerance": 5}, ""),
    "ZRB18AR61E106KE01L": ("0603", {"capacitance": 10e-6, "tolerance": 10, "voltage_rating": 25}, "X5R"),
    "TAJB106K016RNJ": ("CASE-B", {"capacitance": 10e-6, "tolerance": 10, "voltage_rating": 16}, ""),
}


# Some listings give a tantalum case by the chip size it shares (case A = 3216 metric = 1206).
_CASE_SIZE = {"CASE-A": "1206", "CASE-B": "1210", "CASE-C": "2312", "CASE-D": "2917", "CASE-X": "2917"}


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_a_code_reads_as_its_maker_s_ordering_guide_says(code: str) -> None:
    package, values, dielectric = EXAMPLES[code]
    decoded = decode_mpn(code)
    assert decoded is not None, code
    assert decoded.package == package and decoded.dielectric == dielectric
    assert {k: pytest.approx(v) for k, v in values.items()} == {k: v for k, v, _ in decoded.values}


@pytest.mark.parametrize(
    "code",
    [
        "STM32F103C8T6",
        "AMS1117-3.3",
        "1N4148W",
        "RC0603",
        "GRM",
        "AR0130CSSC00SPBA0",
        "X" * 60,
        "",
        "RN7302(V3)",
        "ERA-3SM+",
        "T491E227M010AT",  # KEMET's E (7360-38) is not the catalog's CASE-E (AVX, 7343-43)
        "T495D227M010ATE100",  # low ESR: no general tantalum's equal
        "TPSD227M010R0100",
    ],
)
def test_codes_no_family_reads_are_not_guessed(code: str) -> None:
    assert decode_mpn(code) is None


# Listings whose stated value contradicts their own ordering code (the source's typo, not the decoder's): checked by
# hand against the maker's numbering guide.
_SOURCE_TYPOS = {
    "MCR01MRTJ683": "ROHM: J with three digits, 683 = 68 kΩ; the listing states 683 Ω",
    "MCR01MZPF4531": "ROHM: F with four digits, 4531 = 4.53 kΩ; the listing states 4.63 kΩ",
}


def test_every_decoded_listing_of_the_catalog_states_the_same() -> None:
    """Over the shipped catalog (~52,000 listings of these families): the decoded size, value, tolerance, voltage
    and dielectric agree with what each listing states in ≥ 99.5 % of the facts compared, per family."""
    if not CATALOG.is_file():
        pytest.skip("var/catalog.sqlite is not built")
    agree: dict[str, collections.Counter[bool]] = collections.defaultdict(collections.Counter)
    with CatalogStore.open_existing(CATALOG) as store:
        for product in store.iter_products():
            decoded = decode_mpn(product.mpn)
            if decoded is None or product.mpn in _SOURCE_TYPOS:
                continue
            fp = parse_footprint(product.package)
            if fp is not None and decoded.package.startswith("CASE-"):  # a tantalum chip's case letter
                agree[decoded.family][fp.package in (decoded.package, _CASE_SIZE.get(decoded.package))] += 1
            elif fp is not None and fp.chip:
                agree[decoded.family][fp.chip == decoded.package] += 1
            for key, value, _unit in decoded.values:
                attr = product.attribute(key)
                if attr is not None and attr.value is not None:
                    agree[decoded.family][abs(abs(attr.value) - value) <= 1e-6 * value + 1e-13] += 1
            stated = product.attribute("dielectric")
            if decoded.dielectric and stated is not None and stated.raw.strip():
                agree[decoded.family][
                    decoded.dielectric in {canonical_dielectric(x) for x in stated.raw.split(",")}
                ] += 1
    assert sum(sum(c.values()) for c in agree.values()) > 100_000
    for family, counts in agree.items():
        assert counts[True] >= 0.995 * sum(counts.values()), (family, dict(counts))
