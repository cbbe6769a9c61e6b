"""Lead routing: every rule of the 1 + N table, working hours, region and category synonyms, config errors."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import routing
from bot.routing import (
    RR_SCHEMA,
    RoutingConfig,
    RoutingConfigError,
    UnknownTarget,
    crm_payload,
    lead_region,
    load_routing,
    load_rr_state,
    load_today,
    route,
    save_rr_state,
    split_name,
)
from bot.settings import ROOT, get_settings
from knowledge.db import Database

DEMO = ROOT / "config" / "routing.yml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 2026-11-24 10:00 in Shanghai: every demo target is open.
OPEN = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def config() -> RoutingConfig:
    return load_routing(DEMO, environ={})


def lead(
    province: str = "", city: str = "", categories: tuple[str, ...] = (), value: str | None = None
) -> dict[str, Any]:
    return {
        "lead_id": "L-20261124-0001",
        "region": {"province": province, "city": city, "country": "CN"},
        "interest": {"categories": list(categories)},
        "volume": {"text": "", "quantity": None, "value_cny": value},
    }


def decide(config: RoutingConfig, the_lead: dict[str, Any], load: dict[str, int] | None = None, **kw: Any) -> Any:
    return route(the_lead, config, load_today=load or {}, now=kw.get("now", OPEN), rr_state=kw.get("rr", {}))


# -- the demo file ------------------------------------------------------------------------------------------


def test_demo_config_loads_with_the_brand_and_three_distributors(config: RoutingConfig) -> None:
    assert config.brand.id == "brand" and config.brand.key_account_threshold_cny == 200000
    assert [t.id for t in config.distributors] == ["huanan-electronics", "huadong-mechanical", "national-fasteners"]
    huanan = config.target("huanan-electronics")
    assert huanan.provinces == {"广东", "广西", "海南"} and huanan.capacity_per_day == 40
    assert config.target("huadong-mechanical").provinces == {"上海", "江苏", "浙江"}
    assert config.target("national-fasteners").all_regions
    for target in config.targets:
        assert target.webhook_url.startswith("http://127.0.0.1:9/")
        assert target.secrets and all(s.startswith("whsec_") for s in target.secrets)
    assert len(config.target("huadong-mechanical").secrets) == 2  # a rotation in progress
    assert [f.id for f in config.followups] == ["quote-no-lead", "lead-unacknowledged"]
    with pytest.raises(UnknownTarget, match="nobody"):
        config.target("nobody")


# -- rule: region + product line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "city"),
    [("广东", ""), ("广东省", ""), ("Guangdong", ""), ("guangdong province", ""), ("", "深圳"), ("", "深圳市"),
     ("", "Shenzhen"), ("广西壮族自治区", "南宁"), ("Hainan", "Sanya")],
)  # fmt: skip
def test_region_synonyms_reach_the_south_china_distributor(config: RoutingConfig, province: str, city: str) -> None:
    decision = decide(config, lead(province, city, ("Resistors",)))
    assert (decision.target_id, decision.rule) == ("huanan-electronics", "match")
    assert any("matches: region" in line for line in decision.explanation)


@pytest.mark.parametrize(
    "category",
    ["Resistors", "电阻", "Chip Resistor - Surface Mount", "贴片电容", "Multilayer Ceramic Capacitors MLCC - SMD/SMT",
     "Power Management ICs / LDO", "晶振", "MOS管", "mos管"],
)  # fmt: skip
def test_electronics_words_in_chinese_and_english(config: RoutingConfig, category: str) -> None:
    assert decide(config, lead("广东", "", (category,))).target_id == "huanan-electronics"


@pytest.mark.parametrize("category", ["Bearings", "Bearings / Deep groove ball bearings", "深沟球轴承", "轴承"])
def test_bearing_words_reach_east_china(config: RoutingConfig, category: str) -> None:
    decision = decide(config, lead("江苏", "苏州", (category,)))
    assert (decision.target_id, decision.rule) == ("huadong-mechanical", "match")


def test_latin_words_match_whole_words_only(config: RoutingConfig) -> None:
    # "ic" must not hit "ceramic", "nut" neither "peanut" nor "nutrition", "screw" not "screwdrivers".
    for province, category in [("广东", "Ceramic tiles"), ("上海", "peanut butter"), ("上海", "Nutrition"),
                               ("上海", "Screwdrivers")]:  # fmt: skip
        assert decide(config, lead(province, "", (category,))).rule == "no_match", category


def test_region_without_the_product_line_is_not_a_match(config: RoutingConfig) -> None:
    decision = decide(config, lead("广东", "", ("Bearings",)))  # 华南 sells electronics only
    assert (decision.target_id, decision.rule) == ("brand", "no_match")
    assert any("huanan-electronics covers the region but none of its lines" in x for x in decision.explanation)


@pytest.mark.parametrize(
    "the_lead",
    [
        lead("四川", "成都", ("Resistors",)),
        lead("", "", ("Resistors",)),
        lead("广东", "深圳", ()),
        lead("火星", "", ("x",)),
    ],
)
def test_no_match_goes_to_the_brand(config: RoutingConfig, the_lead: dict[str, Any]) -> None:
    decision = decide(config, the_lead)
    assert (decision.target_id, decision.rule, decision.candidates) == ("brand", "no_match", ())


def test_a_wildcard_region_matches_anywhere(config: RoutingConfig) -> None:
    decision = decide(config, lead("四川", "成都", ("螺栓",)))
    assert (decision.target_id, decision.rule) == ("national-fasteners", "match")


# -- rule: several matches → least loaded → round robin -----------------------------------------------------


def test_several_matches_go_to_the_least_loaded_by_share_of_capacity(config: RoutingConfig) -> None:
    fasteners_in_shanghai = lead("上海", "", ("Fasteners / Hex nuts",))
    # 3/30 = 10 % against 1/5 = 20 %: the bigger distributor, though it has more leads in absolute terms.
    first = decide(config, fasteners_in_shanghai, {"huadong-mechanical": 3, "national-fasteners": 1})
    assert (first.target_id, first.rule) == ("huadong-mechanical", "least_loaded")
    assert set(first.candidates) == {"huadong-mechanical", "national-fasteners"}
    second = decide(config, fasteners_in_shanghai, {"huadong-mechanical": 12, "national-fasteners": 1})
    assert (second.target_id, second.rule) == ("national-fasteners", "least_loaded")


def test_equal_load_is_broken_by_round_robin(config: RoutingConfig) -> None:
    fasteners_in_shanghai = lead("上海", "", ("螺丝",))
    rr: dict[str, str] = {}
    load = {"huadong-mechanical": 6, "national-fasteners": 1}  # 20 % each
    picks = [decide(config, fasteners_in_shanghai, load, rr=rr) for _ in range(4)]
    assert [p.rule for p in picks] == ["round_robin"] * 4
    assert [p.target_id for p in picks] == ["huadong-mechanical", "national-fasteners"] * 2
    assert rr == {"huadong-mechanical|national-fasteners": "national-fasteners"}
    # The memory is per tie group, so another caller's state resumes where it left off.
    assert decide(config, fasteners_in_shanghai, load, rr=dict(rr)).target_id == "huadong-mechanical"


def test_round_robin_state_round_trips_through_the_database(app_db: Database) -> None:
    app_db.create(RR_SCHEMA)
    with app_db.connect() as conn:
        assert load_rr_state(conn) == {}
        save_rr_state(conn, {"a|b": "a"})
        save_rr_state(conn, {"a|b": "b", "a|c": "c"})
        assert load_rr_state(conn) == {"a|b": "b", "a|c": "c"}


# -- rule: capacity -------------------------------------------------------------------------------------------


def test_a_full_distributor_is_skipped(config: RoutingConfig) -> None:
    decision = decide(config, lead("上海", "", ("Fasteners",)), {"national-fasteners": 5})
    assert (decision.target_id, decision.rule) == ("huadong-mechanical", "match")
    assert any("national-fasteners is full today (5/5)" in x for x in decision.explanation)


def test_every_match_full_goes_to_the_brand(config: RoutingConfig) -> None:
    decision = decide(config, lead("上海", "", ("Fasteners",)), {"national-fasteners": 5, "huadong-mechanical": 30})
    assert (decision.target_id, decision.rule) == ("brand", "capacity_full")
    assert set(decision.candidates) == {"national-fasteners", "huadong-mechanical"}


# -- rule: key account ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "rule"),
    [("200000.00", "brand", "key_account"), ("1250000", "brand", "key_account"),
     ("199999.99", "huanan-electronics", "match"), (None, "huanan-electronics", "match"),
     ("not a number", "huanan-electronics", "match")],
)  # fmt: skip
def test_key_accounts_go_to_the_brand_even_when_a_distributor_matches(
    config: RoutingConfig, value: str | None, target: str, rule: str
) -> None:
    decision = decide(config, lead("广东", "深圳", ("Capacitors",), value))
    assert (decision.target_id, decision.rule) == (target, rule)


# -- working hours ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "queued_until"),
    [
        (datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI), None),  # Tuesday, open
        (datetime(2026, 11, 24, 7, 0, tzinfo=SHANGHAI), datetime(2026, 11, 24, 8, 30, tzinfo=SHANGHAI)),  # early
        (datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI), datetime(2026, 11, 28, 8, 30, tzinfo=SHANGHAI)),  # Fri close
        (datetime(2026, 11, 28, 19, 0, tzinfo=SHANGHAI), datetime(2026, 11, 30, 8, 30, tzinfo=SHANGHAI)),  # Sat night
        (datetime(2026, 11, 29, 3, 0, tzinfo=timezone.utc), datetime(2026, 11, 30, 8, 30, tzinfo=SHANGHAI)),  # Sun UTC
    ],
)
def test_outside_working_hours_the_lead_is_queued_until_the_next_opening(
    config: RoutingConfig, now: datetime, queued_until: datetime | None
) -> None:
    decision = decide(config, lead("广东", "深圳", ("Resistors",)), now=now)
    assert decision.target_id == "huanan-electronics"  # still routed, never dropped
    assert decision.queued_until == queued_until
    assert ("queued until" in decision.explanation[-2]) == (queued_until is not None)


def test_closed_dates_skip_holidays(config: RoutingConfig) -> None:
    # 2026-10-01..07: holidays and a weekend; the brand opens again on Thursday 8 October.
    decision = decide(config, lead("四川", "", ("x",)), now=datetime(2026, 9, 30, 20, 0, tzinfo=SHANGHAI))
    assert decision.target_id == "brand"
    assert decision.queued_until == datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI)


def test_fixed_offset_when_the_system_has_no_tz_database(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise routing.ZoneInfoNotFoundError(name)

    monkeypatch.setattr(routing, "ZoneInfo", missing)
    zone = routing._zone("Asia/Shanghai")
    assert zone.utcoffset(None) == timedelta(hours=8)
    with pytest.raises(routing.ZoneInfoNotFoundError):
        routing._zone("Europe/Berlin")


# -- config errors name the file and the field ----------------------------------------------------------------

GOOD = """
region_groups: {华南: [广东, 广西, 海南]}
product_lines: {electronics: [resistor, 电阻]}
brand:
  id: brand
  name: Brand
  webhook_url: http://127.0.0.1:9/b
  secrets: [whsec_REVNTyBPTkxZIC0gYnJhbmQgd2ViaG9vayBzZWNyZXQ=]
distributors:
  - id: south
    name: South
    regions: [华南]
    product_lines: [electronics]
    capacity_per_day: 10
    working_hours: {days: mon-fri, from: "09:00", to: "18:00"}
    webhook_url: http://127.0.0.1:9/s
    secrets: ["${SOUTH_SECRET:-whsec_REVNTyBPTkxZIC0gaHVhbmFuIHdlYmhvb2sga2V5ISE=}"]
followups:
  - {id: nudge, when: quote_sent_no_lead, after_days: 3, to: owner}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "routing.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_minimal_good_config_loads(tmp_path: Path) -> None:
    config = load_routing(write(tmp_path, GOOD), environ={})
    assert config.target("south").working_hours.describe() == "mon-fri 09:00-18:00 Asia/Shanghai"


@pytest.mark.parametrize(
    ("old", "new", "field", "reason"),
    [
        ("regions: [华南]", "regions: [华北]", "distributors[0].regions[0]", "unknown region"),
        ("product_lines: [electronics]", "product_lines: [electronic]", "distributors[0].product_lines[0]",
         "did you mean 'electronics'"),
        ("capacity_per_day: 10", "capacity_per_day: 0", "distributors[0].capacity_per_day", "1 or more"),
        ("capacity_per_day: 10", "capcity_per_day: 10", "distributors[0].capcity_per_day", "did you mean"),
        ('from: "09:00"', 'from: "9h"', "distributors[0].working_hours.from", "time of day"),
        ('to: "18:00"', 'to: "08:00"', "distributors[0].working_hours.to", "not after it opens"),
        ("days: mon-fri", "days: monday", "distributors[0].working_hours.days", "mon..sun"),
        ("secrets: [whsec_REVNTyBPTkxZIC0gYnJhbmQgd2ViaG9vayBzZWNyZXQ=]", "secrets: [hunter2]",
         "brand.secrets[0]", "whsec_"),
        ("secrets: [whsec_REVNTyBPTkxZIC0gYnJhbmQgd2ViaG9vayBzZWNyZXQ=]", "secrets: [whsec_c2hvcnQ=]",
         "brand.secrets[0]", "at least 24"),
        ("secrets: [whsec_REVNTyBPTkxZIC0gYnJhbmQgd2ViaG9vayBzZWNyZXQ=]", 'secrets: ["${NO_SUCH_VAR}"]',
         "brand.secrets[0]", "NO_SUCH_VAR is not set"),
        ("webhook_url: http://127.0.0.1:9/b", "webhook_url: ftp://x", "brand.webhook_url", "http(s) URL"),
        ("id: south", "id: brand", "distributors[0].id", "duplicate id"),
        ("id: south", "id: South Co", "distributors[0].id", "lowercase"),
        ("to: owner}", "to: nobody}", "followups[0].to", "unknown target"),
        ("after_days: 3", "after_weeks: 3", "followups[0].after_weeks", "unknown field"),
        ("when: quote_sent_no_lead", "when: quote_opened", "followups[0].when", "quote_sent_no_lead"),
        ("region_groups: {华南: [广东, 广西, 海南]}", "region_groups: {华南: [广东, 火星]}", "region_groups.华南[1]",
         "unknown province"),
        ("brand:\n", "timezone: Mars/Olympus\nbrand:\n", "timezone", "unknown time zone"),
        ("  name: Brand\n", "", "brand.name", "required"),
        ("regions: [华南]", "regions: [华南", "line ", "not valid YAML"),
    ],
)  # fmt: skip
def test_a_bad_config_is_a_typed_error_naming_file_and_field(
    tmp_path: Path, old: str, new: str, field: str, reason: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(RoutingConfigError) as info:
        load_routing(path, environ={})
    error = info.value
    assert error.file == str(path)
    assert error.field.startswith(field), error
    assert reason in error.reason, error
    assert str(path) in str(error)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(RoutingConfigError, match="cannot read"):
        load_routing(tmp_path / "nope.yml")


def test_env_references_resolve_or_stay_for_dry_runs(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    secret = "whsec_" + "QUJD" * 8
    assert load_routing(path, environ={"SOUTH_SECRET": secret}).target("south").secrets == [secret]
    demo = load_routing(path, environ={}).target("south").secrets[0]
    assert demo == "whsec_REVNTyBPTkxZIC0gaHVhbmFuIHdlYmhvb2sga2V5ISE="  # the ":-" fallback
    text = GOOD.replace("SOUTH_SECRET:-whsec_REVNTyBPTkxZIC0gaHVhbmFuIHdlYmhvb2sga2V5ISE=", "SOUTH_SECRET")
    raw = load_routing(write(tmp_path, text), resolve_secrets=False, environ={})
    assert raw.target("south").secrets == ["${SOUTH_SECRET}"]
    with pytest.raises(RoutingConfigError, match="SOUTH_SECRET is not set"):
        load_routing(write(tmp_path, text), environ={})


# -- regions, load, CRM ---------------------------------------------------------------------------------------


def test_lead_region_fills_the_province_from_the_city() -> None:
    assert lead_region(lead("", "苏州市")) == ("江苏", "苏州")
    assert lead_region(lead("Zhejiang", "")) == ("浙江", "")
    assert lead_region(lead("", "Taizhou")) == ("", "")  # 台州 or 泰州: English alone cannot tell


def test_load_today_counts_leads_since_local_midnight(app_db: Database) -> None:
    app_db.create("CREATE TABLE leads (lead_id TEXT, created_at TEXT, target TEXT)")
    with app_db.connect() as conn:
        assert load_today(conn, OPEN) == {}
        rows = [
            ("1", "2026-11-23T15:59:00+00:00", "a"),  # 23:59 Monday in Shanghai: yesterday
            ("2", "2026-11-23T16:00:00+00:00", "a"),  # 00:00 Tuesday
            ("3", "2026-11-24T01:30:00+00:00", "a"),
            ("4", "2026-11-24T01:45:00+00:00", "b"),
            ("5", "2026-11-24T03:00:00+00:00", "b"),  # 11:00, after `now`
        ]
        conn.executemany("INSERT INTO leads VALUES (?, ?, ?)", rows)
        assert load_today(conn, OPEN) == {"a": 2, "b": 1}


def test_crm_payloads_use_each_crms_field_names() -> None:
    the_lead = {
        **lead("广东", "深圳", ("Resistors",), "12000.00"),
        "contact": {"name": "张三", "company": "深圳某某科技", "phone": "+8613812345678", "email": "a@b.com"},
        "consent": {"given": True, "text": "I agree"},
        "summary": "needs 10k resistors",
        "score": 73,
    }
    sf = crm_payload(the_lead, "salesforce")
    assert (sf["last_name"], sf["first_name"], sf["company"], sf["state"]) == ("张", "三", "深圳某某科技", "广东")
    assert "Score: 73" in sf["description"] and sf["external_id"] == "L-20261124-0001"
    hs = crm_payload(the_lead, "hubspot")
    fields = {f["name"]: f["value"] for f in hs["fields"]}
    assert fields["lastname"] == "张" and fields["email"] == "a@b.com" and "needs 10k" in fields["message"]
    assert hs["legalConsentOptions"]["consent"]["consentToProcess"] is True
    with pytest.raises(routing.RoutingError):
        crm_payload(the_lead, "pipedrive")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", ("三", "张")),
        ("欧阳娜娜", ("娜娜", "欧阳")),
        ("Li Wei", ("Li", "Wei")),
        ("", ("", "")),
        ("Bob", ("", "Bob")),
    ],
)
def test_split_name(name: str, expected: tuple[str, str]) -> None:
    assert split_name(name) == expected


# -- the CLI ----------------------------------------------------------------------------------------------------


def test_dry_run_cli_explains_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRANDSTATION_DATABASE", str(tmp_path / "empty.sqlite"))
    get_settings.cache_clear()
    try:
        parser = argparse.ArgumentParser()
        routing.register_cli(parser.add_subparsers(dest="command"))
        lead_file = tmp_path / "lead.json"
        lead_file.write_text(json.dumps(lead("上海", "", ("螺母",)), ensure_ascii=False), encoding="utf-8")
        base = ["leads", "route", "--dry-run", str(lead_file), "--config", str(DEMO)]
        args = parser.parse_args([*base, "--now", OPEN.isoformat(), "--load", "huadong-mechanical=12"])
        assert args.handler(args) == 0
        out = capsys.readouterr().out
        assert "→ national-fasteners" in out and "rule: least_loaded" in out
        assert "huadong-mechanical 12/30 (40%)" in out
        args = parser.parse_args([*base, "--json", "--now", "2026-11-28T20:00:00+08:00"])
        assert args.handler(args) == 0
        decided = json.loads(capsys.readouterr().out)
        assert decided["rule"] == "round_robin" and decided["queued_until"] == "2026-11-30T09:00:00+08:00"
        args = parser.parse_args(["leads", "route", str(lead_file)])
        assert args.handler(args) == 2  # only --dry-run is offered
    finally:
        get_settings.cache_clear()
