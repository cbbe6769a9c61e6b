"""Lead form answers: contacts, regions and volumes are read or refused with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.leads import Contact, LeadFieldError, Region, parse_contact, parse_region, parse_volume


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", Contact("+8613812345678")),
        ("手机 138-1234-5678", Contact("+8613812345678")),
        ("+86 138 1234 5678", Contact("+8613812345678")),
        ("0755-86001234", Contact("+86-755-86001234")),
        ("wang@example.com", Contact("", "wang@example.com")),
        ("电话13912345678 邮箱 Li.Wei@Factory.cn", Contact("+8613912345678", "li.wei@factory.cn")),
        ("+49 30 1234567", Contact("+49301234567")),
    ],
)
def test_contacts_are_normalized(text: str, expected: Contact) -> None:
    assert parse_contact(text) == expected


@pytest.mark.parametrize("text", ["12345", "1381234567", "call me", "10086", "abc@", "23812345678"])
def test_bad_contacts_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(LeadFieldError) as info:
        parse_contact(text)
    assert info.value.reason


@pytest.mark.parametrize(
    ("text", "province", "city", "country"),
    [
        ("广东深圳", "广东", "深圳", "CN"),
        ("深圳", "广东", "深圳", "CN"),
        ("广东省", "广东", "", "CN"),
        ("上海浦东", "上海", "上海", "CN"),
        ("Suzhou, Jiangsu", "江苏", "苏州", "CN"),
        ("香港", "香港", "", "HK"),
        ("Germany", "", "", "DE"),
    ],
)
def test_regions(text: str, province: str, city: str, country: str) -> None:
    region = parse_region(text)
    assert (region.province, region.city, region.country) == (province, city, country)
    assert isinstance(region, Region) and region.text == text


def test_unknown_region_is_refused() -> None:
    with pytest.raises(LeadFieldError, match="region"):
        parse_region("somewhere nice")


@pytest.mark.parametrize(
    ("text", "quantity", "value"),
    [
        ("每月5000片", 5000, None),
        ("10k pcs per year", 10000, None),
        ("预算 5 万元", None, Decimal("50000.00")),
        ("about USD 2,000", None, Decimal("14200.00")),
        ("样品阶段,先要 20 套", 20, None),
        ("not sure yet", None, None),
    ],
)
def test_volumes(text: str, quantity: int | None, value: Decimal | None) -> None:
    volume = parse_volume(text)
    assert (volume.quantity, volume.value_cny, volume.text) == (quantity, value, text)
