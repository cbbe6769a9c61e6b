"""Leads: what the lead form collects, checked field by field, and the lead record handed to sales.

The form (Rasa `lead_form`, actions/leads.py) asks for company, contact name, phone or e-mail, region,
expected volume, timing and explicit consent. Each answer is checked here (`parse_contact`, `parse_region`,
`parse_volume`); a wrong one is asked again with the reason. With consent, `LeadStore.save` writes the lead
and its delivery job in ONE transaction (transactional outbox: bot/outbox.py), so a lead is never stored
without its delivery, nor delivered without being stored. Without consent nothing personal is kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.outbox import Outbox, make_job_key
from bot.regions import CITY_PROVINCE, PROVINCES, city_of, may_name_a_place, province_of
from bot.routing import (
    RR_SCHEMA,
    Decision,
    RoutingConfig,
    crm_payload,
    load_routing,
    load_rr_state,
    load_today,
    route,
    save_rr_state,
)
from bot.tags import buyer_tags, lead_score, tracker_events
from knowledge.db import Connection, Database, operational_errors, programming_errors

log = logging.getLogger(__name__)

CONSENT_TEXT = {
    "zh": "我同意 {brand} 及其授权经销商就本次询价与我联系。",
    "en": "I agree to be contacted by {brand} and its authorised distributors about this enquiry.",
}


class LeadFieldError(ValueError):
    """An answer the form cannot accept; `reason` is what the buyer is told."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


# ---------------------------------------------------------------------------------------------------------
# Contact: a Chinese mobile, a landline with area code, an international number or an e-mail

# The local part starts where a run of its characters starts (the lookbehind), so a long run is read once, not
# once per character (quadratic: seconds for 10,000 characters). The first match is the same either way.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,24}")
_CN_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?(1[3-9]\d)[\s\-]?(\d{4})[\s\-]?(\d{4})(?!\d)")
_CN_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[\s\-]?(\d{7,8})(?!\d)")
_INTERNATIONAL = re.compile(r"(?<![\w+])\+(\d[\d\s\-]{6,18}\d)")


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""


def parse_contact(text: str) -> Contact:
    """The phone number(s) and e-mail in `text`, normalized (+8613812345678); LeadFieldError when neither."""
    email = _EMAIL.search(text)
    rest = text.replace(email.group(0), " ") if email else text
    phone = ""
    if (m := _CN_MOBILE.search(rest)) is not None:
        phone = "+86" + "".join(m.groups())
    elif (m := _CN_LANDLINE.search(rest)) is not None:
        phone = "+86-" + m.group(1)[1:] + "-" + m.group(2)
    elif (m := _INTERNATIONAL.search(rest)) is not None:
        digits = re.sub(r"\D", "", m.group(1))
        if 8 <= len(digits) <= 15:
            phone = "+" + digits
    if not phone and re.search(r"\d{5,}", rest) and not email:
        raise LeadFieldError("phone number not recognised: a mobile like 138 1234 5678, +86 …, or an e-mail")
    if not phone and not email:
        raise LeadFieldError("no phone number or e-mail found")
    return Contact(phone, email.group(0).lower() if email else "")


# ---------------------------------------------------------------------------------------------------------
# Region: province (and city) of mainland China, or a country

_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_COUNTRIES = {"美国": "US", "usa": "US", "united states": "US", "germany": "DE", "德国": "DE", "japan": "JP",
              "日本": "JP", "korea": "KR", "韩国": "KR", "singapore": "SG", "新加坡": "SG", "india": "IN",
              "印度": "IN", "vietnam": "VN", "越南": "VN", "malaysia": "MY", "马来西亚": "MY",
              "thailand": "TH", "泰国": "TH", "uk": "GB", "united kingdom": "GB", "英国": "GB"}  # fmt: skip


@dataclass(frozen=True)
class Region:
    province: str = ""
    city: str = ""
    country: str = "CN"
    text: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"province": self.province, "city": self.city, "country": self.country, "text": self.text}


def parse_region(text: str) -> Region:
    """Province and city ('广东深圳', '深圳', 'Suzhou, Jiangsu', '上海市浦东'), or a country; LeadFieldError if
    neither is recognised. Names and their variants come from bot/regions.py (shared with routing)."""
    words = re.findall(r"[A-Za-z']+", text)
    # Only the phrases that may be a name are looked up: a long answer has three phrases per word.
    keys = [word.lower().replace("'", "") for word in words]
    english = [
        " ".join(words[i : i + n])
        for n in (3, 2, 1)
        for i in range(len(words) - n + 1)
        if may_name_a_place("".join(keys[i : i + n]))
    ]
    city = next((c for c in _BY_LENGTH_CITIES if c in text), "") or next(
        (found for phrase in english if (found := city_of(phrase))), ""
    )
    province = CITY_PROVINCE[city] if city else ""
    if not province:
        province = next((p for p in _BY_LENGTH_PROVINCES if p in text), "") or next(
            (found for phrase in english if (found := province_of(phrase))), ""
        )
    if province in _MUNICIPALITIES and not city:
        city = province
    if province:
        country = {"香港": "HK", "澳门": "MO", "台湾": "TW"}.get(province, "CN")
        return Region(province, city, country, text.strip())
    lowered = text.lower()
    country = next((code for word, code in _COUNTRIES.items() if word in lowered), "")
    if country:
        return Region("", "", country, text.strip())
    raise LeadFieldError("region not recognised: a province or city such as 广东深圳 / Suzhou, or a country")


# Longest names first, so 内蒙古 is not read as a shorter name inside it.
_BY_LENGTH_CITIES = sorted(CITY_PROVINCE, key=len, reverse=True)
_BY_LENGTH_PROVINCES = sorted(PROVINCES, key=len, reverse=True)


# ---------------------------------------------------------------------------------------------------------
# Volume: "每月5000片", "10k pcs per year", "预算 5 万元", "about USD 20,000"

# A number starts where its run of digits and commas starts (the lookbehind; leading commas are skipped): tried
# from every digit of a long run, the pattern read the rest of the run each time (quadratic).
_QTY = re.compile(
    r"(?<![\d,]),*(\d[\d,]*(?:\.\d+)?)\s*(万|千|k|K|m|M)?\s*(?:pcs|pieces|片|个|只|套|件|颗|units?|sets?)", re.I
)
_MONEY = re.compile(
    r"(?:(¥|￥|rmb|cny|usd|\$)\s*)?(\d[\d,]*(?:\.\d+)?)\s*(万|千|k|K|m|M)?\s*(元|块|rmb|cny|usd|dollars?)?", re.I
)
_SCALE = {"万": 10_000, "千": 1_000, "k": 1_000, "m": 1_000_000}
# No volume or budget is this large; a larger number is kept as text only (Decimal's 28 digits stay exact).
_LARGEST = Decimal(10) ** 15


@dataclass(frozen=True)
class Volume:
    text: str
    quantity: int | None = None
    value_cny: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "quantity": self.quantity,
            "value_cny": None if self.value_cny is None else str(self.value_cny),
        }


def parse_volume(text: str, usd_rate: Decimal = Decimal("7.10")) -> Volume:
    """The quantity and/or money value a buyer expects; free text is kept as said ("样品阶段" is an answer)."""
    text = text.strip()
    if not text:
        raise LeadFieldError("please give an expected quantity or budget, or say 'not sure'")
    quantity = None
    if (m := _QTY.search(text)) is not None:
        count = _number(m.group(1)) * _SCALE.get((m.group(2) or "").lower(), 1)
        quantity = int(count) if count < _LARGEST else None
    value = None
    for m in _MONEY.finditer(text):
        currency = (m.group(1) or m.group(4) or "").lower()
        if not currency:
            continue
        amount = _number(m.group(2)) * _SCALE.get((m.group(3) or "").lower(), 1)
        rate = usd_rate if currency in ("usd", "$", "dollar", "dollars") else Decimal(1)
        value = (amount * rate).quantize(Decimal("0.01")) if amount < _LARGEST else None
        break
    return Volume(text, quantity, value)


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise LeadFieldError(f"{text!r} is not a number") from exc


# ---------------------------------------------------------------------------------------------------------
# The lead record and its store


REPEAT_WINDOW = timedelta(hours=1)


def answers_digest(answers: Mapping[str, Any]) -> str:
    """A fingerprint of the form's answers (the same buyer consenting twice with them makes one lead)."""
    text = json.dumps({k: str(v).strip() for k, v in sorted(answers.items())}, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_lead(
    *,
    lead_id: str,
    answers: Mapping[str, Any],
    language: str,
    channel: str,
    sender_id: str,
    interest: Mapping[str, Any],
    tags: Mapping[str, Any],
    score: int,
    signals: list[tuple[str, int]],
    brand: str,
    transcript_url: str,
    summary: str,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The lead as delivered to the receiver (README: Leads); `answers` are the form's checked slots."""
    now = now or datetime.now(timezone.utc)
    contact = parse_contact(str(answers["lead_contact"]))
    return {
        "lead_id": lead_id,
        "answers_digest": answers_digest(answers),
        "created_at": now.isoformat(timespec="seconds"),
        "consent": {
            "given": True,
            "at": now.isoformat(timespec="seconds"),
            "text": CONSENT_TEXT["zh" if language == "zh" else "en"].format(brand=brand),
        },
        "contact": {
            "name": str(answers["lead_name"]).strip(),
            "company": str(answers["lead_company"]).strip(),
            "phone": contact.phone,
            "email": contact.email,
        },
        "region": parse_region(str(answers["lead_region"])).as_dict(),
        "volume": parse_volume(str(answers["lead_volume"])).as_dict(),
        "timing": str(answers.get("lead_timing") or "").strip(),
        "interest": dict(interest),
        "language": language,
        "channel": channel,
        "sender_id": sender_id,
        "summary": summary,
        "transcript_url": transcript_url,
        "tags": dict(tags),
        "score": score,
        "score_signals": [list(s) for s in signals],
    }


class LeadStore:
    """The `leads` table (and the round-robin memory), in the outbox's database: a lead and its delivery job commit
    together. `where` is a SQLite path or a postgresql:// URL."""

    def __init__(self, where: Database | Path | str) -> None:
        self.db = Database.of(where)
        self.path = self.db.path  # None on PostgreSQL
        self.db.create(
            "CREATE TABLE IF NOT EXISTS leads (lead_id TEXT PRIMARY KEY, created_at TEXT NOT NULL,"
            " sender_id TEXT NOT NULL, target TEXT NOT NULL, rule TEXT NOT NULL, score INTEGER NOT NULL,"
            " status TEXT NOT NULL, body TEXT NOT NULL);"
            "CREATE INDEX IF NOT EXISTS leads_created ON leads (created_at);"
            "CREATE INDEX IF NOT EXISTS leads_sender ON leads (sender_id);" + RR_SCHEMA
        )

    def next_id(self, db: Connection, now: datetime) -> str:
        """The next L-YYYYMMDD-NNNN (inside the caller's lead transaction, which takes the "leads" lock)."""
        prefix = f"L-{now:%Y%m%d}-"
        count = db.execute("SELECT COUNT(*) FROM leads WHERE lead_id LIKE ?", (prefix + "%",)).fetchone()[0]
        return f"{prefix}{int(count) + 1:04d}"

    def repeated(
        self, db: Connection, sender_id: str, answers: Mapping[str, Any], *, since: datetime
    ) -> dict[str, Any] | None:
        """This buyer's lead with these very answers stored since `since`, if any: a consent turn that died after
        the lead was stored (a replica killed mid-turn) is answered again, and must not make a second lead."""
        rows = db.execute(
            "SELECT body FROM leads WHERE sender_id = ? AND created_at >= ? ORDER BY created_at DESC",
            (sender_id, since.isoformat(timespec="seconds")),
        ).fetchall()
        for (body,) in rows:
            lead: dict[str, Any] = json.loads(body)
            if lead.get("answers_digest") == answers_digest(answers):
                return lead
        return None

    def save(self, db: Connection, lead: Mapping[str, Any], *, target: str, rule: str) -> None:
        """Insert the lead on the caller's open transaction (the caller enqueues its delivery on the same one)."""
        db.execute(
            "INSERT INTO leads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                lead["lead_id"],
                lead["created_at"],
                lead["sender_id"],
                target,
                rule,
                int(lead["score"]),
                "new",
                json.dumps(lead, ensure_ascii=False),
            ),
        )

    def get(self, lead_id: str) -> dict[str, Any]:
        with self.db.connect() as db:
            row = db.execute("SELECT body, target, status FROM leads WHERE lead_id = ?", (lead_id,)).fetchone()
        if row is None:
            raise KeyError(lead_id)
        body: dict[str, Any] = json.loads(row[0])
        return {**body, "target": row[1], "status": row[2]}

    def for_sender(self, sender_id: str) -> list[dict[str, Any]]:
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT lead_id FROM leads WHERE sender_id = ? ORDER BY created_at", (sender_id,)
            ).fetchall()
        return [self.get(r[0]) for r in rows]


# ---------------------------------------------------------------------------------------------------------
# Hand-off: store, route and queue the delivery in one transaction


@dataclass
class LeadService:
    """Turns a completed lead form into a stored, routed lead with its signed delivery queued (bot/outbox.py)."""

    store: LeadStore
    outbox: Outbox
    routing_file: Path
    brand: str
    category_of: Callable[[str], str | None] | None = None
    public_url: str = ""  # the web server buyers and reps reach: the lead links to its transcript in the console
    _routing: tuple[tuple[int, int], RoutingConfig] | None = field(default=None, init=False, repr=False, compare=False)

    def routing(self) -> RoutingConfig:
        """The routing file as it is now (re-read when it changed: a brand edits it without restarting)."""
        try:
            stat = self.routing_file.stat()
        except OSError:
            return load_routing(self.routing_file)  # raises the RoutingConfigError that names the file
        version = (stat.st_mtime_ns, stat.st_size)
        cached = self._routing
        if cached is None or cached[0] != version:
            cached = self._routing = (version, load_routing(self.routing_file))
        return cached[1]

    def target_name(self, target_id: str, language: str = "zh") -> str:
        """The target's name as a reply in `language` shows it (`name_en` in English replies, when the file has it)."""
        target = self.routing().target(target_id)
        return target.name_en if language == "en" and target.name_en else target.name

    def submit(
        self,
        *,
        answers: Mapping[str, Any],
        language: str,
        channel: str,
        sender_id: str,
        events: list[dict[str, Any]],
        slots: Mapping[str, Any],
        now: datetime | None = None,
    ) -> tuple[dict[str, Any], Decision]:
        """Store the lead, route it and queue its delivery, all committed together; returns (lead, decision)."""
        now = now or datetime.now(timezone.utc)
        config = self.routing()
        tags = buyer_tags(events, category_of=self.category_of)
        score, signals = lead_score(tags)
        interest = _interest(tags, slots, self.category_of)
        with self.outbox.transaction() as db:
            repeated = self.store.repeated(db, sender_id, answers, since=now - REPEAT_WINDOW)
            if repeated is not None:  # the same consent again: its turn died after the lead was stored
                return repeated, Decision.from_json(repeated["route"])
            lead = build_lead(
                lead_id=self.store.next_id(db, now),
                answers=answers,
                language=language,
                channel=channel,
                sender_id=sender_id,
                interest=interest,
                tags=tags,
                score=score,
                signals=signals,
                brand=self.brand,
                transcript_url=f"{self.public_url}/console/transcript?sender={quote(sender_id, safe='')}"
                if self.public_url
                else "",
                summary=_summary(tags, interest, answers),
                now=now,
            )
            rr_state = load_rr_state(db)
            decision = route(lead, config, load_today=load_today(db, now, config.timezone), now=now, rr_state=rr_state)
            save_rr_state(db, rr_state)
            lead["route"] = decision.to_json()
            target = config.target(decision.target_id)
            payload = dict(lead)
            if target.crm_mapping:
                payload["crm"] = {"mapping": target.crm_mapping, "fields": crm_payload(lead, target.crm_mapping)}
            self.store.save(db, lead, target=decision.target_id, rule=decision.rule)
            self.outbox.enqueue(
                db,
                job_key=make_job_key("lead", lead["lead_id"], decision.target_id),
                target=decision.target_id,
                kind="lead",
                payload=payload,
            )
        return lead, decision


def conversation_events(tracker_db: Database, sender_id: str, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every session of this buyer (an action's tracker only holds the current one, so a returning buyer would
    not show): the stored events from the tracker store, then this turn's events not stored yet."""
    if tracker_db.path is not None and not tracker_db.path.is_file():
        return current
    try:
        stored = tracker_events(tracker_db, sender_id)
    except (*operational_errors(), *programming_errors()) as exc:  # no events table yet, or the store is down
        log.warning("tracker store %s not read (%s): tags from this session only", tracker_db.describe(), exc)
        return current
    last = max((float(e.get("timestamp") or 0) for e in stored), default=0.0)
    return stored + [e for e in current if float(e.get("timestamp") or 0) > last]


def _interest(
    tags: Mapping[str, Any], slots: Mapping[str, Any], category_of: Callable[[str], str | None] | None
) -> dict[str, Any]:
    skus = list(dict.fromkeys([*(tags.get("skus") or []), *([slots["last_sku"]] if slots.get("last_sku") else [])]))
    products = [{"sku": sku, "category": (category_of(sku) if category_of else None) or ""} for sku in skus[:20]]
    return {
        "categories": list(tags.get("categories") or []),
        "products": products,
        "parts_asked": list(tags.get("parts") or []),
        "quote_id": slots.get("quote_id") or tags.get("quote_id") or None,
        "substitutes_asked": list(tags.get("substitutes_asked") or []),
    }


def _summary(tags: Mapping[str, Any], interest: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    parts = []
    if interest.get("parts_asked"):
        parts.append("asked about " + ", ".join(interest["parts_asked"][:5]))
    if interest.get("quote_id"):
        value = tags.get("quote_value_cny")
        parts.append(
            f"BOM quote {interest['quote_id']} ({tags.get('bom_lines', 0)} lines"
            + (f", CNY {value})" if value else ")")
        )
    if interest.get("substitutes_asked"):
        parts.append("substitutes for " + ", ".join(interest["substitutes_asked"][:5]))
    parts.append(f"volume: {answers.get('lead_volume')}; timing: {answers.get('lead_timing')}")
    parts.append(f"intent: {tags.get('intent_strength', 'unknown')}")
    return "; ".join(parts)
