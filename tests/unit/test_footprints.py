"""The footprint / package grammar (knowledge/footprints.py) on real names from KiCad's and EasyEDA's libraries,
IPC-7351, Altium, JLCPCB's catalog and Chinese BOMs (each name below is written as those sources write it)."""

from __future__ import annotations

import pytest

from knowledge.footprints import (
    angled,
    canonical,
    contradiction,
    find_package,
    kind_of_text,
    parse_footprint,
    same_package,
)

# name → (package, mounting, kind, pins, pitch); None = not checked. Sources: KiCad 7 footprint library
# (Resistor_SMD, Capacitor_THT, LED_THT, Connector_PinHeader_2.54mm, Package_SO, Package_TO_SOT_THT,
# Package_DFN_QFN, Crystal), EasyEDA / LCEDA standard library names, IPC-7351B land-pattern names, Altium's
# Miscellaneous Devices library, JLCPCB parts-table packages; the examples.
NAMES = {
    "RES-TH_BD2.3-L6.5-P10.50-D0.5": ("Axial", "THT", "resistor", None, 10.5),
    "CAP-TH_BD6.3-P2.50-D1.0-FD": ("Radial", "THT", "capacitor", None, 2.5),
    "LED-TH_BD3.0-P2.54-FD": ("LED-3mm", "THT", "led", None, 2.54),
    "SOP-8_L4.9-W3.9-P1.27-LS6.0-BL": ("SOIC-8", "SMD", None, 8, 1.27),
    "TO-92-3_L5.1-W4.1-P1.27-L": ("TO-92", "THT", None, None, None),
    "HDR-M_2.54_1x4P": ("Header-1x04-P2.54", "THT", "header", 4, 2.54),
    "SMC_B": ("CASE-B", "SMD", "polarized_capacitor", None, None),  # Eagle rcl.lbr tantalum case B
    "SMC": ("SMC", "SMD", None, None, None),  # alone: the diode package DO-214AB
    "KEY-TH_4P-L6.0-W6.0-P3.90-LS6.5": ("", "THT", "switch", 4, None),
    "Key_TH_6x6x4.5": ("", "THT", "switch", None, None),
    "R_0402_1005Metric": ("0402", "SMD", "resistor", None, None),
    "Resistor_SMD:R_0603_1608Metric_Pad0.98x0.95mm_HandSolder": ("0603", "SMD", "resistor", None, None),
    "C_0805_2012Metric": ("0805", "SMD", "capacitor", None, None),
    "LED_D3.0mm": ("LED-3mm", "THT", "led", None, None),
    "PinHeader_1x04_P2.54mm_Vertical": ("Header-1x04-P2.54", "THT", "header", 4, 2.54),
    "PinSocket_2x05_P2.54mm_Vertical": ("Header-2x05-P2.54", "THT", "socket", 10, 2.54),
    "SOIC-8_3.9x4.9mm_P1.27mm": ("SOIC-8", "SMD", None, 8, 1.27),
    "R_Axial_DIN0207_L6.3mm_D2.5mm_P10.16mm_Horizontal": ("Axial", "THT", "resistor", None, 10.16),
    "CP_Radial_D6.3mm_P2.50mm": ("Radial", "THT", "polarized_capacitor", None, 2.5),
    "TO-92_Inline": ("TO-92", "THT", None, None, None),
    "DIP-8_W7.62mm": ("DIP-8", "THT", None, 8, None),
    "Crystal_SMD_3225-4Pin_3.2x2.5mm": ("SMD3225-4P", "SMD", "crystal", 4, None),
    "QFN-32-1EP_5x5mm_P0.5mm_EP3.45x3.45mm": ("QFN-32", "SMD", None, 32, 0.5),
    "RESC1608X55N": ("0603", "SMD", "resistor", None, None),
    "LEDC2012X110N_FLAT-B": ("0805", "SMD", "led", None, None),
    "SOIC127P600X175-8N": ("SOIC-8", "SMD", None, 8, 1.27),
    "SOT95P280X145-5N": ("SOT-23-5", "SMD", None, 5, 0.95),
    "SOIC127P1030X265-16N": ("SOIC-16-W", "SMD", None, 16, 1.27),  # 10.3 mm span: the 300 mil body
    "SOT65P210X110-6N": ("SOT-363", "SMD", None, 6, 0.65),
    "QFN50P500X500X80-33N": ("QFN-32", "SMD", None, 32, 0.5),
    "SOD3715X135": ("SOD-123", "SMD", "diode", None, None),
    "AXIAL-0.4": ("Axial", "THT", None, None, 10.16),
    "RAD-0.1": ("Radial", "THT", "capacitor", None, 2.54),
    "SO-8": ("SOIC-8", "SMD", None, 8, None),
    "TO92": ("TO-92", "THT", None, None, None),
    "HDR1X4": ("Header-1x04-P2.54", "THT", "header", 4, 2.54),
    "PINHD-1X2": ("Header-1x02-P2.54", "THT", "header", 2, 2.54),  # Eagle's pinhead library: 0.1" only
    "HDR-TH_4P-P2.54-V-F": ("Header-1x04-P2.54", "THT", "socket", 4, 2.54),  # LCEDA: -F after the orientation
    "HDR-TH_10P-P2.54-V-M-R2-C5-S2.54": ("Header-2x05-P2.54", "THT", "header", 10, 2.54),  # 2 rows of 5
    "RESC2013X60X30NL20T20": ("0805", "SMD", "resistor", None, None),  # KOA rounds 2.0 x 1.25 to 2013
    "RESC1608L": ("0603", "SMD", "resistor", None, None),  # IPC name with only the density level (Altium)
    "CAPC2012N": ("0805", "SMD", "capacitor", None, None),
    "R0603": ("0603", "SMD", "resistor", None, None),
    # Eagle (SparkFun library) device names, read from an Eagle BOM's Device column
    "_0603": ("0603", "SMD", None, None, None),
    "HSOP-20-1EP_11.0x15.9mm_Pitch1.27mm_SlugUp": ("HSOP-20", "SMD", None, None, None),  # ST PowerSO-20 (L298P)
    "ZIP-15": ("ZIP-15", "THT", None, None, None),  # Multiwatt-15 (L298N)
    # an old KiCad module name (cvra/motor-control-board)
    "CAP_CERAMIC_0805MP": ("0805", "SMD", "capacitor", None, None),
    "RESISTOR_0805MP": ("0805", "SMD", "resistor", None, None),
    "C-POL_TANTALUM-2412(6032-METRIC)": ("CASE-C", "SMD", "polarized_capacitor", None, None),
    "0603-RES": ("0603", "SMD", "resistor", None, None),
    "CHIPLED_0603": ("0603", "SMD", "led", None, None),
    "SOT-23-3L": ("SOT-23", "SMD", None, None, None),
    "SOT23-5": ("SOT-23-5", "SMD", None, None, None),
    "SC-70-5": ("SOT-353", "SMD", None, None, None),
    "SMA(DO-214AC)": ("SMA", "SMD", None, None, None),
    "DO-214AC(SMA)": ("SMA", "SMD", None, None, None),
    "LQFP-64(10x10)": ("LQFP-64", "SMD", None, 64, None),
    "ZMM75/LL-34": ("MiniMELF", "SMD", None, None, None),
    "CASE-A_3216": ("CASE-A", "SMD", "polarized_capacitor", None, None),
    "0603x4": ("0603x4", "SMD", None, None, None),
    "HC-49US_L11.5-W4.5-P4.88": ("HC-49", "THT", "crystal", None, None),
    "插件,P=2.54mm": ("", "THT", None, None, 2.54),
    "弯插,P=2mm": ("", "THT", None, None, 2.0),
    "SMD,D6.3xL7.7mm": ("", "SMD", None, None, None),
    "贴片": ("", "SMD", None, None, None),
    "直插": ("", "THT", None, None, None),
    "USB_C_Receptacle_HRO_TYPE-C-31-M-12": ("USB-C", None, "connector", None, None),
}


@pytest.mark.parametrize("name", NAMES)
def test_footprint_names_from_the_libraries_buyers_use(name: str) -> None:
    package, mounting, kind, pins, pitch = NAMES[name]
    fp = parse_footprint(name)
    assert fp is not None, name
    assert fp.package == package, fp
    if mounting is not None:
        assert fp.mounting == mounting, fp
    if kind is not None:
        assert fp.kind == kind, fp
    if pins is not None:
        assert fp.pins == pins, fp
    if pitch is not None:
        assert fp.pitch_mm == pytest.approx(pitch), fp


@pytest.mark.parametrize(
    ("name", "right_angle"),
    [("HDR1X4", None), ("HDR1X4H", True), ("HDR2X14", None), ("Header 4H", True), ("PINHD-1X2", None),
     ("PINHD-1X2/90", True), ("1X03", None), ("HDR-TH_6P-P2.54-V-M-1", False), ("HDR-TH_8P-P2.54-H-F-R2-C4", True)],
)  # fmt: skip
def test_a_header_names_right_angle_by_its_librarys_mark_and_straight_only_when_said(
    name: str, right_angle: bool | None
) -> None:
    """Altium's Miscellaneous Connectors name the right-angle header 'HDR1X4H', Eagle's pinhead library
    'PINHD-1X2/90', LCEDA '-H-' / '-V-': those say it; a plain 'HDR1X4' does not (a question for the buyer)."""
    assert angled(name) is right_angle


def test_package_names_that_start_like_a_kind_are_no_such_kind() -> None:
    assert parse_footprint("D2PAK").kind == "" and parse_footprint("SMD2835-2P").kind != "crystal"


def test_a_header_is_never_a_capacitor_nor_a_switch_a_value() -> None:
    assert parse_footprint("HDR-M_2.54_1x4P").kind == "header"  # "4P" is four pins, not 4 pF
    assert parse_footprint("CONN-TH_B3B").package == ""  # a connector family, no package to compare


@pytest.mark.parametrize(
    ("wanted", "offered", "clash"),
    [
        ("TO-92-3_L5.1-W4.1-P1.27-L", "SOT-23", True),  # the S8050: a TO-92 footprint, an SOT-23 part
        ("TO-92-3_L5.1-W4.1-P1.27-L", "TO-92", False),
        ("SOP-8_L4.9-W3.9-P1.27-LS6.0-BL", "SOIC-8", False),
        ("SOT-23-3_L2.9-W1.3-P1.90-LS2.4-BR", "SOT-23-3L", False),
        ("R0603", "0805", True),
        ("R0603", "0603x4", True),
        ("RES-TH_BD2.3-L6.5-P10.50-D0.5", "0603", True),  # axial footprint, chip part
        ("CAP-TH_BD6.3-P2.50-D1.0-FD", "插件,P=2.5mm", False),
        ("0603", "插件", True),
        ("0603", "SMD,D6.3xL7.7mm", True),  # a 6.3 mm can on a 1.6 mm chip pad
        ("0603", "CASE-B-3528-19(mm)", True),
        ("0603", "SMD", False),  # nothing known disagrees
        ("HDR-M_2.54_1x4P", "PinHeader_1x04_P2.54mm_Vertical", False),
        ("PinHeader_2x30_P2.54mm_Vertical", "PinHeader_2x03_P2.54mm_Vertical", True),
        ("PinHeader_1x04_P2.54mm_Vertical", "PinHeader_1x04_P2.00mm_Vertical", True),
        ("SOIC-8", "SOIC", False),  # a family alone says too little to disagree
        # a stranger's review: spellings of one package must agree, a wide body or another pin count must not
        ("SOIC-16_3.9x9.9mm", "SOP-16", False),
        ("TO-252-2L", "TO-252", False),
        ("SOT-89-3L", "SOT-89", False),
        ("TSOT-23-5", "SOT-23-5", False),
        ("SOD-123F", "SOD-123FL", False),
        ("TSOT-23-5", "SOT-23-6", True),
        ("SOIC-16-300mil", "SOIC-16_3.9x9.9mm", True),
        ("SMD2835-2P", "0603", True),
        # the held-out BOMs: a SOT number fixes its pins, thin QFN / SON spellings are one land, KiCad states a
        # SOIC's body width
        ("SOT-666", "SOT-666-6", False),
        ("Package_DFN_QFN:QFN-28-1EP_5x5mm_P0.5mm_EP3.35x3.35mm", "WQFN-28", False),
        ("Glasgow:DFN-6-1EP_2x2mm_P0.65mm_EP1x1.6mm_ThermalVias", "WSON-6", False),
        ("4ms_Package_SOIC:SOIC-8_5.28x4.9mm_Pitch1.27mm", "SOIC-8-208mil", False),
        ("SOIC-8_3.9x4.9mm_P1.27mm", "SOIC-8-208mil", True),
        ("QFN-32", "QFN-28", True),
        ("DO-214BA_L4.8-W2.9-LS5.3-RD", "SMA(DO-214AC)", True),
        ("SW-SMD_4P-L6.1-W6.1-P4.50-LS8.5", "SMD,4.2x3.2mm", True),
        ("SW-TH_SS12D10G5", "插件,13x6.6mm", False),  # 'D10' in a part number is no body
        # session 11 (outside set): a family name alone says too little; NXP's SOT143B is the usual SOT-143
        ("Diodes:DO214", "SMB", False),
        ("Diodes:DO214", "TO-252", True),
        ("SOT143B", "SOT-143", False),
        ("SOT143R", "SOT-143", True),  # the reversed pinout is another land
        ("LTC4412_TSOT23", "SOT-23-6", False),
        ("RES-ARRAY-SMD_0603-8P-L3.2-W1.6-BL", "0603x4", False),
        ("R_Array_Convex_4x0402", "0603x4", True),
        ("IND-SMD_L3.0-W3.0_FNR30XXS", "SMD,4x4mm", True),
        ("IND-SMD_L3.0-W3.0_FNR30XXS", "SMD,3x3mm", False),
        ("QFN-48-1EP_7x7mm_P0.5mm_EP5.6x5.6mm", "UFQFPN-48", False),  # ST's name for a thin QFN
    ],
)
def test_contradiction(wanted: str, offered: str, clash: bool) -> None:
    assert bool(contradiction(parse_footprint(wanted), parse_footprint(offered))) is clash


def test_aliases_and_free_text() -> None:
    assert canonical("SOP-8") == canonical("SO-8") == "SOIC-8"
    assert canonical("DO-214AC") == "SMA" and canonical("SOT-23-3") == "SOT-23"
    assert find_package("贴片电阻 10K 0603") == "0603" and find_package("SOT23 封装的 LDO") == "SOT-23"
    assert parse_footprint("") is None and parse_footprint("x" * 500) is None


def test_pitch_conventions_of_two_libraries_do_not_clash() -> None:
    """IPC's SOT95P280X145-3N (0.95 mm lead pitch) and LCEDA's SOT-23-3_…-P1.90 (1.9 mm outer leads) are one land."""
    assert (
        contradiction(parse_footprint("SOT95P280X145-3N"), parse_footprint("SOT-23-3_L2.9-W1.3-P1.90-LS2.4-BR")) == ""
    )


def test_crystal_lands_from_their_body_and_pins() -> None:
    """KiCad's 'Crystal_2.0x1.6mm_4pin' names the SMD2016-4P land; a body without pins names only the body."""
    from knowledge.footprints import angled, crystal_form, crystal_package

    assert parse_footprint("4ms_Crystal:Crystal_2.0x1.6mm_4pin").package == "SMD2016-4P"  # type: ignore[union-attr]
    assert crystal_package((3.2, 2.5), 4) == "SMD3225-4P"
    assert crystal_package((2.5, 3.2), None) == "SMD3225"
    assert crystal_package((4.0, 3.0), 4) == ""  # no crystal size
    assert crystal_form("3.2x2.5x0.8").body_mm == (3.2, 2.5)
    assert crystal_form("3225 12MHz 20pF").body_mm == (3.2, 2.5)
    header = parse_footprint("4ms_Connector:Pins_2x05_1.27mm_SMD")
    assert header is not None and (header.kind, header.rows, header.pins, header.pitch_mm, header.mounting) == (
        "header",
        2,
        10,
        1.27,
        "SMD",
    )
    assert angled("Pins_2x04_P2.54mm_Horizontal") is True and angled("PinHeader_1x03_P2.54mm_Vertical") is False
    assert angled("HDR-F-2.54_1X10") is None


def test_trimmers_and_potentiometers_are_their_own_kind() -> None:
    """'TRIMMER 10K OHM 0.5W TH' states ohms like a resistor; it is offered no fixed resistor (Digi-Key cart line)."""
    assert kind_of_text("TRIMMER 10K OHM 0.5W TH") == "potentiometer"
    assert kind_of_text("10K 电位器") == "potentiometer"
    assert kind_of_text("trimmer capacitor 10pF") != "potentiometer"
    assert kind_of_text("10k resistor") == "resistor"


def test_kicad_terminal_blocks_state_their_poles_and_flat_lead_sod323_sits_on_sod323_pads() -> None:
    bornier = parse_footprint("TerminalBlock:TerminalBlock_bornier-3_P5.08mm")
    assert bornier is not None and (bornier.pins, bornier.rows, bornier.pitch_mm, bornier.mounting) == (
        3,
        1,
        5.08,
        "THT",
    )
    mkds = parse_footprint("TerminalBlock_Phoenix_MKDS-1,5-2_1x02_P5.00mm_Horizontal")
    assert mkds is not None and (mkds.pins, mkds.pitch_mm, mkds.orientation) == (2, 5.0, "horizontal")
    flat = parse_footprint("SOD323F")
    assert same_package("SOD-323F", "SOD-323") and flat is not None and flat.package == "SOD-323"
    assert not same_package("SOD-323HE", "SOD-323") and not same_package("SOD-123F", "SOD-123")


def test_names_seen_in_the_tenth_bom_set() -> None:
    """KiCad 4's 'SM0603' chip pad and 'pin_array_13x2', a KiCad header name without its library word and with a
    decimal comma, ST's 'LGA-14L' (14 leads), TI's VSSOP-10 (DGS) on an MSOP-10 pad."""
    sm = parse_footprint("SM0603")
    assert sm is not None and (sm.package, sm.mounting) == ("0603", "SMD")
    array = parse_footprint("pin_array_13x2")
    assert array is not None and (array.rows, array.pins, array.pitch_mm) == (2, 26, 2.54)
    bare = parse_footprint("1x03_P2,54mm_Vertical")
    assert bare is not None and (bare.kind, bare.pins, bare.pitch_mm, bare.orientation) == (
        "connector",
        3,
        2.54,
        "vertical",
    )  # male or female is not said
    lga = parse_footprint("LGA-14L")
    assert lga is not None and lga.package == "LGA-14" and not contradiction(lga, parse_footprint("LGA-14"))
    assert same_package("VSSOP-10", "MSOP-10") and not same_package("VSSOP-8", "SOIC-8")
