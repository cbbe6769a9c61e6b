"""Lead routing, 1 + N: the brand or one of its distributors gets each lead, by rules from one YAML file.

`load_routing(path)` reads and checks config/routing.yml (README: Lead routing); `route(lead, config, ...)`
decides. The rules, in this order:

1. key account: the lead's volume value (`volume.value_cny`) is at or above the brand's
   `key_account_threshold_cny` → the brand.
2. match: distributors whose regions contain the lead's province or city AND whose product lines name one
   of the lead's categories of interest.
3. capacity: matching distributors that already took `capacity_per_day` leads today are skipped.
4. one left → it; several → the least loaded today (leads / capacity); equal load → round robin.
5. nobody matched, or every match is full → the brand.
6. working hours: the chosen target gets the lead even when it is closed; `queued_until` then says when it
   next opens. A lead is never dropped.

`route` is pure apart from `rr_state`, the round-robin memory the caller keeps (`load_rr_state` /
`save_rr_state` store it in the caller's SQLite transaction, next to the lead); `load_today` counts the
load from the `leads` table.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import difflib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.regions import CITY_PROVINCE, city_of, province_of
from knowledge.db import Connection
from knowledge.errors import KnowledgeError

BRAND_KIND = "brand"
DISTRIBUTOR_KIND = "distributor"
CRM_MAPPINGS = ("salesforce", "hubspot")
FOLLOWUP_EVENTS = ("quote_sent_no_lead", "lead_not_acknowledged")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIMEZONE = "Asia/Shanghai"
# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact where the system has no
# tz database (slim containers without /usr/share/zoneinfo and no `tzdata` package).
_FIXED_ZONES: dict[str, tzinfo] = {
    "Asia/Shanghai": timezone(timedelta(hours=8), "CST"),
    "PRC": timezone(timedelta(hours=8), "CST"),
}
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,62}$")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class RoutingError(KnowledgeError):
    """Base of the routing errors."""


class RoutingConfigError(RoutingError):
    """routing.yml cannot be used; `file` and `field` (a path like `distributors[1].working_hours.from`) say where."""

    def __init__(self, reason: str, *, file: str = "", field: str = "") -> None:
        self.reason = reason
        self.file = file
        self.field = field
        where = ": ".join(x for x in (file, field) if x)
        super().__init__(f"{where}: {reason}" if where else reason)


class UnknownTarget(RoutingError):
    """A target id (in an outbox job or a CLI argument) that the routing file does not define."""

    def __init__(self, target_id: str, file: str = "") -> None:
        self.target_id = target_id
        super().__init__(f"no routing target {target_id!r}" + (f" in {file}" if file else ""))


@dataclass(frozen=True)
class WorkingHours:
    """Open on `days` (0 = Monday) from `start` to `end` minutes after local midnight, except `closed_dates`."""

    tz_name: str = DEFAULT_TIMEZONE
    tz: tzinfo = field(default=_FIXED_ZONES["Asia/Shanghai"], compare=False)
    days: frozenset[int] = frozenset(range(7))
    start: int = 0
    end: int = 24 * 60
    closed_dates: frozenset[date] = frozenset()

    @property
    def always_open(self) -> bool:
        return self.days == frozenset(range(7)) and self.start == 0 and self.end == 24 * 60 and not self.closed_dates

    def is_open(self, when: datetime) -> bool:
        return self.next_opening(when) == when

    def next_opening(self, when: datetime) -> datetime:
        """`when` itself while open, else the next moment the target opens (in its own time zone)."""
        if self.always_open:
            return when
        local = when.astimezone(self.tz)
        for offset in range(370):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in self.days or day in self.closed_dates:
                continue
            opens = _at(day, self.start, self.tz)
            closes = _at(day, self.end, self.tz)
            if offset == 0 and local >= closes:
                continue
            if local >= opens:
                return when
            return opens
        raise RoutingError(f"working hours {self.describe()} never open within a year")  # all dates closed

    def describe(self) -> str:
        if self.always_open:
            return "always open"
        return f"{_days_text(self.days)} {_hhmm(self.start)}-{_hhmm(self.end)} {self.tz_name}"


@dataclass(frozen=True)
class Target:
    """The brand or a distributor: who receives leads, where, and which leads it takes."""

    id: str
    name: str
    webhook_url: str
    secrets: list[str]
    kind: str = DISTRIBUTOR_KIND
    name_en: str = ""  # the name English replies show ('South China Electronics'); `name` when empty
    regions: tuple[str, ...] = ()  # as written in the file (group names expanded below)
    provinces: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    all_regions: bool = False
    product_lines: tuple[str, ...] = ()  # line names, or ("*",) for every line
    capacity_per_day: int | None = None
    working_hours: WorkingHours = WorkingHours()
    crm_mapping: str | None = None
    key_account_threshold_cny: Decimal | None = None

    def covers(self, province: str, city: str) -> bool:
        return (
            self.all_regions or (bool(province) and province in self.provinces) or (bool(city) and city in self.cities)
        )


@dataclass(frozen=True)
class FollowupTrigger:
    """One follow-up rule from the `followups` section (bot/followups.py runs them)."""

    id: str
    event: str  # quote_sent_no_lead | lead_not_acknowledged
    after: timedelta
    to: str  # "owner", "brand" or a target id
    window: timedelta = timedelta(days=30)  # subjects due longer ago than this are ignored (first deployment)


@dataclass(frozen=True)
class RoutingConfig:
    """The whole routing file, checked."""

    file: str
    brand: Target
    distributors: tuple[Target, ...]
    product_lines: Mapping[str, tuple[str, ...]]
    region_groups: Mapping[str, tuple[str, ...]]
    followups: tuple[FollowupTrigger, ...] = ()
    timezone: str = DEFAULT_TIMEZONE

    @property
    def targets(self) -> tuple[Target, ...]:
        return (self.brand, *self.distributors)

    def target(self, target_id: str) -> Target:
        """The target with that id (UnknownTarget when the file does not define it)."""
        for target in self.targets:
            if target.id == target_id:
                return target
        raise UnknownTarget(target_id, self.file)


@dataclass(frozen=True)
class Decision:
    """Who gets the lead, by which rule, why (one line per step), and when it can be worked on."""

    target_id: str
    rule: str  # key_account | match | least_loaded | round_robin | capacity_full | no_match
    explanation: tuple[str, ...]
    queued_until: datetime | None = None
    candidates: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target_id,
            "rule": self.rule,
            "explanation": list(self.explanation),
            "queued_until": self.queued_until.isoformat() if self.queued_until else None,
            "candidates": list(self.candidates),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        """The decision `to_json` wrote (a stored lead's `route`)."""
        return cls(
            target_id=str(data["target"]),
            rule=str(data["rule"]),
            explanation=tuple(data.get("explanation") or ()),
            queued_until=parse_time(data["queued_until"]) if data.get("queued_until") else None,
            candidates=tuple(data.get("candidates") or ()),
        )


# ---------------------------------------------------------------------------------------------------------
# Routing


def route(
    lead: Mapping[str, Any],
    config: RoutingConfig,
    *,
    load_today: Mapping[str, int],
    now: datetime,
    rr_state: MutableMapping[str, str],
) -> Decision:
    """Pick the target for `lead` (rules in the module docstring). `load_today`: leads each target took today;
    `rr_state` is read and updated when a tie is broken by round robin."""
    if now.tzinfo is None:
        raise ValueError("route() needs an aware datetime (now)")
    why: list[str] = []
    brand = config.brand
    value = _decimal((lead.get("volume") or {}).get("value_cny"))
    threshold = brand.key_account_threshold_cny
    if threshold is not None and value is not None and value >= threshold:
        why.append(f"key account: volume value {_cny(value)} is at or above the threshold {_cny(threshold)}")
        return _decide(brand, "key_account", why, now)
    if threshold is not None:
        shown = "not given" if value is None else _cny(value)
        why.append(f"not a key account: volume value {shown} (threshold {_cny(threshold)})")

    province, city = lead_region(lead)
    words = interest_words(lead)
    why.append(
        f"lead: region {'/'.join(x for x in (province, city) if x) or 'unknown'}; "
        f"interest {', '.join(words) if words else 'none stated'}"
    )
    matched: list[Target] = []
    for target in config.distributors:
        region_ok = target.covers(province, city)
        line = matching_line(target, words, config.product_lines)
        if region_ok and line is not None:
            matched.append(target)
            why.append(f"{target.id} matches: region {_region_reason(target, province, city)}; product line {line}")
        elif region_ok:
            why.append(f"{target.id} covers the region but none of its lines ({', '.join(target.product_lines)})")
        elif line is not None:
            why.append(f"{target.id} sells {line} but not in {province or city or 'an unknown region'}")
    if not matched:
        why.append(f"no distributor matches region and product line → the brand ({brand.id})")
        return _decide(brand, "no_match", why, now)

    available: list[Target] = []
    for target in matched:
        load, cap = load_today.get(target.id, 0), target.capacity_per_day
        if cap is not None and load >= cap:
            why.append(f"{target.id} is full today ({load}/{cap})")
        else:
            available.append(target)
    if not available:
        why.append(f"every matching distributor is full → the brand ({brand.id})")
        return _decide(brand, "capacity_full", why, now, matched)
    if len(available) == 1:
        return _decide(available[0], "match", why, now, matched)

    loads = {t.id: _utilization(t, load_today) for t in available}
    why.append("least loaded today: " + ", ".join(f"{t.id} {_load_text(t, load_today)}" for t in available))
    lowest = min(loads.values())
    tied = sorted(t.id for t in available if loads[t.id] == lowest)
    if len(tied) == 1:
        return _decide(config.target(tied[0]), "least_loaded", why, now, matched)
    key = "|".join(tied)
    last = rr_state.get(key)
    picked = tied[(tied.index(last) + 1) % len(tied)] if last in tied else tied[0]
    rr_state[key] = picked
    why.append(f"tie between {', '.join(tied)}: round robin, last was {last or 'nobody'} → {picked}")
    return _decide(config.target(picked), "round_robin", why, now, matched)


def lead_region(lead: Mapping[str, Any]) -> tuple[str, str]:
    """Canonical (province, city) of a lead; the city's province fills a missing province."""
    region = lead.get("region") or {}
    province = province_of(str(region.get("province") or ""))
    city = city_of(str(region.get("city") or ""))
    if not province and city:
        province = CITY_PROVINCE[city]
    return province, city


def interest_words(lead: Mapping[str, Any]) -> list[str]:
    """The category texts a lead shows interest in: interest.categories, product categories, tags.categories."""
    interest = lead.get("interest") or {}
    texts: list[str] = [str(c) for c in interest.get("categories") or ()]
    texts += [
        str(p.get("category")) for p in interest.get("products") or () if isinstance(p, Mapping) and p.get("category")
    ]
    texts += [str(c) for c in (lead.get("tags") or {}).get("categories") or ()]
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))


def matching_line(target: Target, words: Iterable[str], lines: Mapping[str, tuple[str, ...]]) -> str | None:
    """'<line> (<category> ~ <word>)' for the first product line of `target` one of `words` falls under."""
    words = list(words)
    for name in target.product_lines:
        if name == "*":
            return "* (every line)"
        for text in words:
            hit = next((w for w in lines[name] if _word_in(w, text)), None)
            if hit is not None:
                return f"{name} ({text} ~ {hit})"
    return None


def _word_in(word: str, text: str) -> bool:
    """Chinese words match inside a text (深沟球轴承 has 轴承); Latin words as whole words, plural allowed."""
    if not word.isascii():
        return word.lower() in text.lower()
    return re.search(rf"(?<![a-z0-9]){re.escape(word.lower())}(?:s|es)?(?![a-z0-9])", text.lower()) is not None


def _decide(target: Target, rule: str, why: list[str], now: datetime, candidates: Iterable[Target] = ()) -> Decision:
    hours = target.working_hours
    opening = hours.next_opening(now)
    queued = None
    if opening != now:
        queued = opening
        why.append(f"{target.id} is closed now ({hours.describe()}): queued until {opening.isoformat()}")
    why.append(f"→ {target.id} ({target.name}) by rule {rule}")
    return Decision(target.id, rule, tuple(why), queued, tuple(t.id for t in candidates))


def _utilization(target: Target, load_today: Mapping[str, int]) -> Fraction:
    cap = target.capacity_per_day
    load = load_today.get(target.id, 0)
    return Fraction(load, cap) if cap else Fraction(load)


def _load_text(target: Target, load_today: Mapping[str, int]) -> str:
    load, cap = load_today.get(target.id, 0), target.capacity_per_day
    return f"{load}/{cap} ({100 * load / cap:.0f}%)" if cap else f"{load} (no cap)"


def _region_reason(target: Target, province: str, city: str) -> str:
    if target.all_regions:
        return "* (everywhere)"
    if city and city in target.cities:
        return city
    return province


# ---------------------------------------------------------------------------------------------------------
# Load and round-robin state in the embedded database


RR_SCHEMA = "CREATE TABLE IF NOT EXISTS routing_rr (tie TEXT PRIMARY KEY, last_target TEXT NOT NULL)"


def load_today(conn: Connection, now: datetime, tz: tzinfo | str = DEFAULT_TIMEZONE) -> dict[str, int]:
    """Leads per target since local midnight in `tz`, from the `leads` table (bot/leads.py creates it)."""
    zone = _zone(tz) if isinstance(tz, str) else tz
    midnight = datetime.combine(now.astimezone(zone).date(), time(0), zone)
    rows = conn.execute(
        "SELECT target, created_at FROM leads WHERE created_at >= ?",
        ((midnight - timedelta(days=1)).astimezone(timezone.utc).date().isoformat(),),
    ).fetchall()
    counts: dict[str, int] = {}
    for target, created in rows:
        when = parse_time(created)
        if when is not None and midnight <= when <= now:
            counts[target] = counts.get(target, 0) + 1
    return counts


def load_rr_state(conn: Connection) -> dict[str, str]:
    """The round-robin memory (tie group → last picked target; RR_SCHEMA, created with the leads table)."""
    return {str(tie): str(last) for tie, last in conn.execute("SELECT tie, last_target FROM routing_rr").fetchall()}


def save_rr_state(conn: Connection, state: Mapping[str, str]) -> None:
    """Store the round-robin memory on the caller's connection (inside the lead's transaction)."""
    conn.executemany(
        "INSERT INTO routing_rr VALUES (?, ?) ON CONFLICT (tie) DO UPDATE SET last_target = excluded.last_target",
        list(state.items()),
    )


# ---------------------------------------------------------------------------------------------------------
# CRM field mappings


def crm_payload(lead: Mapping[str, Any], mapping: str) -> dict[str, Any]:
    """The lead under Salesforce Web-to-Lead field names (form fields, flat) or as a HubSpot Forms API v3
    submission (`fields` + consent). Add `oid` (Salesforce) / portal and form ids (HubSpot URL) on sending."""
    contact = lead.get("contact") or {}
    first, last = split_name(str(contact.get("name") or ""))
    region = lead.get("region") or {}
    interest = lead.get("interest") or {}
    volume = lead.get("volume") or {}
    description = "\n".join(
        x
        for x in (
            str(lead.get("summary") or ""),
            "Interest: " + ", ".join(interest.get("categories") or ()) if interest.get("categories") else "",
            f"Quote: {interest['quote_id']}" if interest.get("quote_id") else "",
            f"Volume: {volume.get('text')}" if volume.get("text") else "",
            f"Timing: {lead.get('timing')}" if lead.get("timing") else "",
            f"Score: {lead.get('score')}" if lead.get("score") is not None else "",
            f"Transcript: {lead.get('transcript_url')}" if lead.get("transcript_url") else "",
        )
        if x
    )
    common = {
        "first": first,
        "last": last or str(contact.get("company") or "") or "(unknown)",  # both CRMs require a last name
        "company": str(contact.get("company") or ""),
        "email": str(contact.get("email") or ""),
        "phone": str(contact.get("phone") or ""),
        "city": str(region.get("city") or ""),
        "state": str(region.get("province") or ""),
        "country": str(region.get("country") or ""),
    }
    if mapping == "salesforce":
        return {
            "first_name": common["first"],
            "last_name": common["last"],
            "company": common["company"],
            "email": common["email"],
            "phone": common["phone"],
            "city": common["city"],
            "state": common["state"],
            "country": common["country"],
            "lead_source": "Brandstation chat",
            "description": description,
            "external_id": str(lead.get("lead_id") or ""),
        }
    if mapping == "hubspot":
        names = {"first": "firstname", "last": "lastname", "company": "company", "email": "email", "phone": "phone"}
        names |= {"city": "city", "state": "state", "country": "country"}
        fields = [{"objectTypeId": "0-1", "name": names[k], "value": v} for k, v in common.items() if v]
        fields.append({"objectTypeId": "0-1", "name": "message", "value": description})
        consent = lead.get("consent") or {}
        return {
            "fields": fields,
            "context": {"pageUri": str(lead.get("transcript_url") or ""), "pageName": "Brandstation chat"},
            "legalConsentOptions": {
                "consent": {"consentToProcess": bool(consent.get("given")), "text": str(consent.get("text") or "")}
            },
        }
    raise RoutingError(f"unknown CRM mapping {mapping!r} (one of {', '.join(CRM_MAPPINGS)})")


def split_name(name: str) -> tuple[str, str]:
    """(first, last): '张三' → ('三', '张'), '欧阳娜娜' → ('娜娜', '欧阳'), 'Li Wei' → ('Li', 'Wei')."""
    name = name.strip()
    if not name:
        return "", ""
    if " " in name:
        first, _, last = name.rpartition(" ")
        return first.strip(), last
    if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name):
        surname = name[:2] if name[:2] in _COMPOUND_SURNAMES else name[0]
        return name[len(surname) :], surname
    return "", name


_COMPOUND_SURNAMES = frozenset(
    ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "司徒", "夏侯", "令狐", "宇文"]
)


# ---------------------------------------------------------------------------------------------------------
# Loading and checking routing.yml


def load_routing(
    path: Path | str, *, resolve_secrets: bool = True, environ: Mapping[str, str] | None = None
) -> RoutingConfig:
    """Read and check a routing file. `${VAR}` / `${VAR:-default}` in secrets and webhook URLs come from
    `environ` (default: the process environment); `resolve_secrets=False` leaves them as written (dry runs)."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RoutingConfigError(f"cannot read the routing file ({exc.strerror or exc})", file=file) from exc
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise RoutingConfigError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=file, field=where
        ) from exc
    return _Parser(file, os.environ if environ is None else environ, resolve_secrets).config(raw)


# libyaml's loader when PyYAML was built with it: the same documents and errors, ~10x faster than the pure-Python
# one (a lead reads the routing file as it is submitted).
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TOP_KEYS = ("version", "timezone", "region_groups", "product_lines", "brand", "distributors", "followups")
_TARGET_KEYS = ("id", "name", "name_en", "webhook_url", "secrets", "working_hours", "crm_mapping")
_BRAND_KEYS = (*_TARGET_KEYS, "key_account_threshold_cny")
_DISTRIBUTOR_KEYS = (*_TARGET_KEYS, "regions", "product_lines", "capacity_per_day")
_HOURS_KEYS = ("tz", "days", "from", "to", "closed_dates")
_FOLLOWUP_KEYS = ("id", "when", "after_days", "after_hours", "to", "window_days")


class _Parser:
    def __init__(self, file: str, environ: Mapping[str, str], resolve_secrets: bool) -> None:
        self.file = file
        self.environ = environ
        self.resolve = resolve_secrets
        self.timezone = DEFAULT_TIMEZONE
        self.groups: dict[str, tuple[str, ...]] = {}
        self.lines: dict[str, tuple[str, ...]] = {}

    def error(self, where: str, reason: str) -> RoutingConfigError:
        return RoutingConfigError(reason, file=self.file, field=where)

    def config(self, raw: object) -> RoutingConfig:
        top = self.mapping(raw, "(top level)", _TOP_KEYS, required=("brand",))
        if "version" in top and top["version"] != 1:
            raise self.error("version", f"unsupported version {top['version']!r} (this program reads version 1)")
        self.timezone = self.text(top.get("timezone", DEFAULT_TIMEZONE), "timezone")
        self.zone(self.timezone, "timezone")
        self.groups = self.region_groups(top.get("region_groups", {}))
        self.lines = self.product_lines(top.get("product_lines", {}))
        brand = self.target(top["brand"], "brand", BRAND_KIND)
        distributors = tuple(
            self.target(item, f"distributors[{i}]", DISTRIBUTOR_KIND)
            for i, item in enumerate(self.sequence(top.get("distributors", []), "distributors"))
        )
        seen: dict[str, str] = {}
        for where, target in [("brand", brand)] + [(f"distributors[{i}]", t) for i, t in enumerate(distributors)]:
            if target.id in seen:
                raise self.error(f"{where}.id", f"duplicate id {target.id!r} (also {seen[target.id]})")
            seen[target.id] = where
        followups = tuple(
            self.followup(item, f"followups[{i}]", set(seen))
            for i, item in enumerate(self.sequence(top.get("followups", []), "followups"))
        )
        for i, trigger in enumerate(followups):
            if any(f.id == trigger.id for f in followups[:i]):
                raise self.error(f"followups[{i}].id", f"duplicate follow-up id {trigger.id!r}")
        return RoutingConfig(self.file, brand, distributors, self.lines, self.groups, followups, self.timezone)

    # -- sections

    def region_groups(self, raw: object) -> dict[str, tuple[str, ...]]:
        groups: dict[str, tuple[str, ...]] = {}
        for name, members in self.mapping(raw, "region_groups").items():
            where = f"region_groups.{name}"
            items = [self.text(m, f"{where}[{i}]") for i, m in enumerate(self.sequence(members, where))]
            for i, item in enumerate(items):
                if not (province_of(item) or city_of(item)):
                    raise self.error(f"{where}[{i}]", f"unknown province or city {item!r}")
            groups[str(name)] = tuple(items)
        return groups

    def product_lines(self, raw: object) -> dict[str, tuple[str, ...]]:
        lines: dict[str, tuple[str, ...]] = {}
        for name, words in self.mapping(raw, "product_lines").items():
            where = f"product_lines.{name}"
            items = [self.text(w, f"{where}[{i}]") for i, w in enumerate(self.sequence(words, where))]
            if not items:
                raise self.error(where, "a product line needs at least one category word")
            lines[str(name)] = tuple(items)
        return lines

    def target(self, raw: object, where: str, kind: str) -> Target:
        keys = _BRAND_KEYS if kind == BRAND_KIND else _DISTRIBUTOR_KEYS
        required: tuple[str, ...] = ("id", "name", "webhook_url", "secrets")
        if kind == DISTRIBUTOR_KIND:
            required += ("regions", "product_lines", "capacity_per_day")
        item = self.mapping(raw, where, keys, required=required)
        target_id = self.text(item["id"], f"{where}.id")
        if not _ID.match(target_id):
            raise self.error(f"{where}.id", f"{target_id!r}: use lowercase letters, digits, '-' and '_'")
        secrets_raw = self.sequence(item["secrets"], f"{where}.secrets")
        if not secrets_raw:
            raise self.error(f"{where}.secrets", "at least one signing secret (whsec_...) is needed")
        secrets = [self.secret(s, f"{where}.secrets[{i}]") for i, s in enumerate(secrets_raw)]
        crm = item.get("crm_mapping")
        if crm is not None and crm not in CRM_MAPPINGS:
            raise self.error(f"{where}.crm_mapping", f"{crm!r} is not one of {', '.join(CRM_MAPPINGS)}")
        common: dict[str, Any] = {
            "id": target_id,
            "name": self.text(item["name"], f"{where}.name"),
            "name_en": self.text(item["name_en"], f"{where}.name_en") if item.get("name_en") is not None else "",
            "webhook_url": self.url(item["webhook_url"], f"{where}.webhook_url"),
            "secrets": secrets,
            "kind": kind,
            "working_hours": self.hours(item.get("working_hours"), f"{where}.working_hours"),
            "crm_mapping": crm,
        }
        if kind == BRAND_KIND:
            threshold = item.get("key_account_threshold_cny")
            return Target(
                **common,
                all_regions=True,
                product_lines=("*",),
                key_account_threshold_cny=None
                if threshold is None
                else self.amount(threshold, f"{where}.key_account_threshold_cny"),
            )
        regions = [
            self.text(r, f"{where}.regions[{i}]")
            for i, r in enumerate(self.sequence(item["regions"], f"{where}.regions"))
        ]
        provinces, cities, everywhere = self.expand_regions(regions, f"{where}.regions")
        lines = [
            self.text(x, f"{where}.product_lines[{i}]")
            for i, x in enumerate(self.sequence(item["product_lines"], f"{where}.product_lines"))
        ]
        if not lines:
            raise self.error(f"{where}.product_lines", "name at least one product line (or '*')")
        for i, name in enumerate(lines):
            if name != "*" and name not in self.lines:
                raise self.error(f"{where}.product_lines[{i}]", self.unknown("product line", name, self.lines))
        capacity = item["capacity_per_day"]
        if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
            raise self.error(f"{where}.capacity_per_day", f"{capacity!r}: a whole number of leads per day, 1 or more")
        return Target(
            **common,
            regions=tuple(regions),
            provinces=frozenset(provinces),
            cities=frozenset(cities),
            all_regions=everywhere,
            product_lines=tuple(lines),
            capacity_per_day=capacity,
        )

    def expand_regions(self, regions: list[str], where: str) -> tuple[set[str], set[str], bool]:
        if not regions:
            raise self.error(where, "name at least one region (a province, a city, a region group or '*')")
        provinces: set[str] = set()
        cities: set[str] = set()
        everywhere = False
        for i, region in enumerate(regions):
            members = self.groups.get(region, (region,))
            for member in members:
                if member == "*":
                    everywhere = True
                elif province_of(member):
                    provinces.add(province_of(member))
                elif city_of(member):
                    cities.add(city_of(member))
                else:
                    known = {**self.groups, "*": ()}
                    raise self.error(
                        f"{where}[{i}]", self.unknown("region (province, city, group or '*')", region, known)
                    )
        return provinces, cities, everywhere

    def hours(self, raw: object, where: str) -> WorkingHours:
        if raw is None:
            return WorkingHours(self.timezone, self.zone(self.timezone, "timezone"))
        item = self.mapping(raw, where, _HOURS_KEYS, required=("days", "from", "to"))
        tz_name = self.text(item.get("tz", self.timezone), f"{where}.tz")
        start = self.clock(item["from"], f"{where}.from")
        end = self.clock(item["to"], f"{where}.to")
        if end <= start:
            raise self.error(f"{where}.to", f"closes at {_hhmm(end)}, not after it opens ({_hhmm(start)})")
        closed: set[date] = set()
        for i, value in enumerate(self.sequence(item.get("closed_dates", []), f"{where}.closed_dates")):
            if isinstance(value, datetime) or not isinstance(value, date):
                try:
                    value = date.fromisoformat(str(value))
                except ValueError as exc:
                    raise self.error(f"{where}.closed_dates[{i}]", f"{value!r} is not a date (YYYY-MM-DD)") from exc
            closed.add(value)
        return WorkingHours(
            tz_name,
            self.zone(tz_name, f"{where}.tz"),
            self.days(item["days"], f"{where}.days"),
            start,
            end,
            frozenset(closed),
        )

    def days(self, raw: object, where: str) -> frozenset[int]:
        parts = raw if isinstance(raw, list) else [p for p in re.split(r"[,\s]+", str(raw)) if p]
        days: set[int] = set()
        for part in parts:
            first, _, last = str(part).strip().lower().partition("-")
            if first not in WEEKDAYS or (last and last not in WEEKDAYS):
                raise self.error(where, f"{part!r}: days are mon..sun, a range like mon-fri, or a list")
            a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
        if not days:
            raise self.error(where, "no working days")
        return frozenset(days)

    def clock(self, raw: object, where: str) -> int:
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 24 * 60:
            return raw  # YAML 1.1 reads an unquoted 18:00 as the base-60 number 1080: minutes after midnight
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", str(raw).strip())
        if match is None or int(match.group(2)) > 59 or int(match.group(1)) * 60 + int(match.group(2)) > 24 * 60:
            raise self.error(where, f'{raw!r} is not a time of day like "09:00"')
        return int(match.group(1)) * 60 + int(match.group(2))

    def followup(self, raw: object, where: str, target_ids: set[str]) -> FollowupTrigger:
        item = self.mapping(raw, where, _FOLLOWUP_KEYS, required=("id", "when", "to"))
        event = self.text(item["when"], f"{where}.when")
        if event not in FOLLOWUP_EVENTS:
            raise self.error(f"{where}.when", f"{event!r} is not one of {', '.join(FOLLOWUP_EVENTS)}")
        if ("after_days" in item) == ("after_hours" in item):
            raise self.error(where, "give exactly one of after_days or after_hours")
        key = "after_days" if "after_days" in item else "after_hours"
        amount = item[key]
        if not isinstance(amount, (int, float)) or isinstance(amount, bool) or amount <= 0:
            raise self.error(f"{where}.{key}", f"{amount!r}: a positive number")
        after = timedelta(days=amount) if key == "after_days" else timedelta(hours=amount)
        to = self.text(item["to"], f"{where}.to")
        if to not in ("owner", "brand") and to not in target_ids:
            raise self.error(f"{where}.to", self.unknown("target ('owner', 'brand' or an id)", to, target_ids))
        window = item.get("window_days", 30)
        if not isinstance(window, (int, float)) or isinstance(window, bool) or window <= 0:
            raise self.error(f"{where}.window_days", f"{window!r}: a positive number of days")
        trigger_id = self.text(item["id"], f"{where}.id")
        if not _ID.match(trigger_id):
            raise self.error(f"{where}.id", f"{trigger_id!r}: use lowercase letters, digits, '-' and '_'")
        return FollowupTrigger(trigger_id, event, after, to, timedelta(days=window))

    # -- values

    def mapping(
        self, raw: object, where: str, keys: tuple[str, ...] = (), *, required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.error(where, f"expected a mapping (key: value), found {type(raw).__name__}")
        if keys:
            for key in raw:
                if key not in keys:
                    raise self.error(
                        f"{where}.{key}" if where != "(top level)" else str(key), self.unknown("field", str(key), keys)
                    )
        for key in required:
            if key not in raw or raw[key] is None:
                raise self.error(f"{where}.{key}" if where != "(top level)" else key, "required field is missing")
        return raw

    def sequence(self, raw: object, where: str) -> list[Any]:
        if not isinstance(raw, list):
            raise self.error(where, f"expected a list, found {type(raw).__name__}")
        return raw

    def text(self, raw: object, where: str) -> str:
        if isinstance(raw, (str, int)) and not isinstance(raw, bool) and str(raw).strip():
            return str(raw).strip()
        raise self.error(where, f"expected a non-empty text, found {raw!r}")

    def amount(self, raw: object, where: str) -> Decimal:
        try:
            value = Decimal(str(raw))
        except InvalidOperation as exc:
            raise self.error(where, f"{raw!r} is not an amount") from exc
        if isinstance(raw, bool) or not value.is_finite() or value < 0:
            raise self.error(where, f"{raw!r} is not an amount of CNY")
        return value

    def url(self, raw: object, where: str) -> str:
        url = self.expand(self.text(raw, where), where)
        if self.resolve and not re.match(r"^https?://[^/\s]+", url):
            raise self.error(where, f"{url!r} is not an http(s) URL")
        return url

    def secret(self, raw: object, where: str) -> str:
        secret = self.expand(self.text(raw, where), where)
        if not self.resolve and _ENV_REF.search(secret):
            return secret
        if not secret.startswith("whsec_"):
            raise self.error(where, "a signing secret starts with 'whsec_' followed by base64 (Standard Webhooks)")
        try:
            key = base64.b64decode(secret[len("whsec_") :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise self.error(where, "the part after 'whsec_' is not valid base64") from exc
        if len(key) < 24:
            raise self.error(where, f"the secret has {len(key)} bytes; use at least 24 random bytes")
        return secret

    def expand(self, text: str, where: str) -> str:
        if not self.resolve:
            return text

        def one(m: re.Match[str]) -> str:
            value = self.environ.get(m.group(1))
            if value is None or value == "":
                if m.group(2) is not None:
                    return m.group(2)
                raise self.error(where, f"environment variable {m.group(1)} is not set")
            return value

        return _ENV_REF.sub(one, text)

    def zone(self, name: str, where: str) -> tzinfo:
        try:
            return _zone(name)
        except ZoneInfoNotFoundError as exc:
            raise self.error(where, f"unknown time zone {name!r} (an IANA name like Asia/Shanghai)") from exc

    def unknown(self, what: str, value: str, known: Iterable[str]) -> str:
        close = difflib.get_close_matches(value, [str(k) for k in known], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(map(str, known))})"
        return f"unknown {what} {value!r}{hint}"


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in _FIXED_ZONES:
            return _FIXED_ZONES[name]
        raise ZoneInfoNotFoundError(name) from None


# ---------------------------------------------------------------------------------------------------------
# Small helpers


def _at(day: date, minutes: int, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tz) + timedelta(minutes=minutes)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days_text(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{WEEKDAYS[ordered[0]]}-{WEEKDAYS[ordered[-1]]}"
    return ",".join(WEEKDAYS[d] for d in ordered)


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _cny(value: Decimal) -> str:
    return f"CNY {value:,.2f}"


def parse_time(text: object) -> datetime | None:
    """An ISO time; a naive one is taken as UTC (None when the text is not a time)."""
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------------------------------------------------
# CLI: brandstation leads route --dry-run LEAD.json


def register_cli(subparsers: Any) -> Any:
    """Add `leads route` to the `brandstation` parser; returns the `leads` sub-command group for more commands."""
    leads = subparsers.add_parser("leads", help="lead routing tools")
    group = leads.add_subparsers(dest="leads_command", required=True)
    p = group.add_parser("route", help="explain which target a lead would go to, and why (nothing is sent)")
    p.add_argument("lead", type=Path, help="the lead as JSON (the form the receiver gets)")
    p.add_argument("--dry-run", action="store_true", help="required: only explain (routing itself happens in the bot)")
    p.add_argument(
        "--config", type=Path, help="routing file (default: BRANDSTATION_ROUTING_FILE or config/routing.yml)"
    )
    p.add_argument("--now", help="pretend it is this ISO time (default: now)")
    p.add_argument("--load", action="append", default=[], metavar="ID=N", help="leads a target already took today")
    p.add_argument("--json", action="store_true", help="print the decision as JSON")
    p.set_defaults(handler=_cli_route)
    return group


def default_routing_file() -> Path:
    """The routing file named by the settings (BRANDSTATION_ROUTING_FILE, default config/routing.yml)."""
    from bot.settings import get_settings

    return Path(get_settings().routing_file)


def _cli_route(args: argparse.Namespace) -> int:
    if not args.dry_run:
        print("error: only --dry-run is supported here; the bot routes real leads itself", file=sys.stderr)
        return 2
    from bot.settings import get_settings

    config = load_routing(args.config or default_routing_file(), resolve_secrets=False)
    try:
        lead = json.loads(args.lead.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoutingError(f"{args.lead}: cannot read the lead JSON ({exc})") from exc
    now = parse_time(args.now) if args.now else datetime.now(timezone.utc)
    if now is None:
        raise RoutingError(f"--now {args.now!r} is not an ISO date-time")
    database = get_settings().db()
    load: dict[str, int] = {}
    rr: dict[str, str] = {}
    stored = database.path is None or database.path.exists()  # a dry run creates no database file
    if (
        stored and {"leads", "routing_rr"} <= database.tables()
    ):  # the bot has stored leads here: use its load and memory
        with database.connect() as conn:
            load, rr = load_today(conn, now, config.timezone), load_rr_state(conn)
    for item in args.load:
        target_id, _, count = item.partition("=")
        config.target(target_id)
        if not count.isdigit():
            raise RoutingError(f"--load {item!r}: write ID=N")
        load[target_id] = int(count)
    decision = route(lead, config, load_today=load, now=now, rr_state=rr)
    if args.json:
        print(json.dumps(decision.to_json(), ensure_ascii=False, indent=2))
        return 0
    target = config.target(decision.target_id)
    print(f"lead {lead.get('lead_id', '(no id)')} → {target.id} ({target.name}) · rule: {decision.rule}")
    for i, line in enumerate(decision.explanation, 1):
        print(f"  {i}. {line}")
    if decision.queued_until:
        print(f"queued until {decision.queued_until.isoformat()}: {target.id} is closed now")
    return 0
