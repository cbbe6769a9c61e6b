"""The sales console: server-rendered pages (jinja2, autoescaped) on aiohttp.

`mount_console(app, settings)` adds it under /console of the web server (`create_console_app` serves it on its
own). Every route needs a session except the login form, the language toggle and the stylesheet; every route
names the roles that may use it (`_ROLES`; a route missing there is refused), and every read is scoped: a
distributor rep gets only what was routed to its target, and anything else answers 404 exactly like a missing
id. POSTs carry the session's CSRF token; security headers are set when the response is prepared, after any
middleware of the host app.

The client address (login throttle, sessions, audit) is the connection's peer, `request.remote`, unless that
peer is one of the configured trusted proxies (`Settings.console_trusted_proxies`: IPs or CIDRs): then it is the
right-most X-Forwarded-For entry that is not itself a trusted proxy (each proxy appends the address it saw, so
entries further left were written by the client and are never believed). Conversation ids in queries and forms
are checked where they come in (`valid_conversation_id`): a malformed one is answered 400.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import yaml
from aiohttp import web

from bot.console.analytics import CHARTS, Report, build_report, chart_svg
from bot.console.data import SETTABLE_STATUSES, STAGES, ConsoleData, demand_csv
from bot.console.event_tables import EventTables
from bot.console.i18n import LANGUAGES, pick_language, translate
from bot.console.passwords import DEFAULT_KDF, MIN_PASSWORD_LENGTH, KdfParams
from bot.console.store import (
    BRAND_ADMIN,
    DISTRIBUTOR_REP,
    ROLES,
    SESSION_MAX_S,
    VIEWER,
    ConsoleError,
    ConsoleStore,
    LoginFailed,
    LoginThrottled,
    User,
    valid_conversation_id,
)
from bot.console.transcripts import OUTCOMES, Conversation, Facts, TrackerReader, story_yaml, turns
from bot.outbox import STATES, OutboxError
from bot.quote_export import EXPORT_FORMATS
from bot.settings import ROOT, Settings
from knowledge.db import Database

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SESSION_COOKIE, LOGIN_COOKIE, LANG_COOKIE = "bs_console_session", "bs_console_login", "bs_console_lang"
CSRF_FIELD = "csrf_token"
PAGE_SIZE = 50
ANALYTICS_SOURCES = ("tracker", "events")  # BRANDSTATION_ANALYTICS_SOURCE
_ALL = (BRAND_ADMIN, DISTRIBUTOR_REP, VIEWER)
_WRITERS = (BRAND_ADMIN, DISTRIBUTOR_REP)
_BRAND = (BRAND_ADMIN, VIEWER)
# Who may use each route. A route not listed here is refused to everyone (fail closed).
_ROLES: dict[str, tuple[str, ...]] = {
    "home": _ALL,
    "logout": _ALL,
    "leads": _ALL,
    "lead": _ALL,
    "lead_status": _WRITERS,
    "outbox": _ALL,
    "retry": _WRITERS,
    "transcripts": _ALL,
    "transcript": _ALL,
    "mark_wrong": _WRITERS,
    "story": _ALL,
    "quotes": _ALL,
    "quote": _ALL,
    "quote_file": _ALL,
    "demand": _BRAND,
    "demand_csv": _BRAND,
    "analytics": _BRAND,
    "chart": _BRAND,
    "users": (BRAND_ADMIN,),
    "user_create": (BRAND_ADMIN,),
    "user_active": (BRAND_ADMIN,),
    "audit": (BRAND_ADMIN,),
}
_PUBLIC = frozenset({"login", "login_post", "lang", "static"})
_NOT_AUDITED = frozenset({"static", "chart", "lang"})
_NAV = (
    ("home", _ALL),
    ("leads", _ALL),
    ("outbox", _ALL),
    ("transcripts", _ALL),
    ("quotes", _ALL),
    ("demand", _BRAND),
    ("analytics", _BRAND),
    ("users", (BRAND_ADMIN,)),
    ("audit", (BRAND_ADMIN,)),
)
_INTENT = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # matplotlib writes one <style>; no script can run

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class ConsoleConfig:
    """Where the console reads and stores, and how strict its cookies are."""

    database: Database | Path
    tracker_url: str
    routing_file: Path
    admin_password: str | None = None
    kdf: KdfParams = DEFAULT_KDF
    secure_cookies: bool = False  # always mark cookies Secure (else: when the request came over https)
    domain_file: Path | None = field(default_factory=lambda: ROOT / "domain.yml")
    page_size: int = PAGE_SIZE
    public_url: str = ""  # where people reach the server (a form's Origin may name this host behind a proxy)
    # "tracker": summarize the tracker store's events on each view; "events": read the analytics tables the
    # event consumer keeps (bot/analytics_consumer.py; one row per conversation, in `database`).
    analytics_source: str = "tracker"
    # The reverse proxies in front of the console (comma-separated IPs or CIDRs): only a request from one of these
    # has its client address taken from X-Forwarded-For. Empty: the header is ignored.
    trusted_proxies: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> ConsoleConfig:
        """From the settings object; the console_* fields are optional (defaults below when absent)."""
        tracker_url = str(getattr(settings, "console_tracker_url", "") or "")
        return cls(
            database=settings.db(),
            tracker_url=tracker_url or f"sqlite:///{(settings.var_dir / 'tracker.db').resolve()}",
            routing_file=settings.routing_file,
            admin_password=str(getattr(settings, "console_admin_password", "") or "") or None,
            secure_cookies=bool(getattr(settings, "console_secure_cookies", False)),
            public_url=settings.public_url,
            analytics_source=settings.analytics_source,
            trusted_proxies=str(getattr(settings, "console_trusted_proxies", "") or ""),
        )


def create_console_app(settings: Settings, *, config: ConsoleConfig | None = None) -> web.Application:
    """The console as an aiohttp application of its own, serving at its root (e.g. on a separate port). Creates
    the first admin account when there is none (the generated password is printed once). To serve it inside
    another app use `mount_console`: `add_subapp` cannot work with the pinned aiohttp 3.9.5 + yarl 1.25
    (a prefixed sub-app resolves through `request.url`, which raises for any Host header with a port)."""
    app = web.Application()
    _Console(config or ConsoleConfig.from_settings(settings)).install(app, "")
    return app


def mount_console(
    parent: web.Application, settings: Settings, *, prefix: str = "/console", config: ConsoleConfig | None = None
) -> web.Application:
    """Register the console's routes on `parent` under `prefix` (the bare prefix redirects to its home page).
    Its guard wraps each console handler, and its headers apply to console paths only, so the rest of
    `parent` is untouched. Returns `parent`."""
    if not prefix.startswith("/") or prefix.endswith("/"):
        raise ValueError(f"prefix must start and not end with '/', got {prefix!r}")
    _Console(config or ConsoleConfig.from_settings(settings)).install(parent, prefix)
    return parent


class _Console:
    """Services, templates and handlers of one console."""

    def __init__(self, config: ConsoleConfig) -> None:
        self.config = config
        self.proxies = parse_trusted_proxies(config.trusted_proxies)  # ValueError for a bad entry: no start
        self.store = ConsoleStore(config.database, kdf=config.kdf)
        self.data = ConsoleData(config.database)
        self.tracker = TrackerReader(config.tracker_url)
        self.events = _event_tables(config)  # None: the tracker store is the source
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,  # every {{ }} is HTML-escaped; nothing in the templates is marked safe
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["dump"] = _dump
        self.env.filters["when"] = _when
        self.prefix = ""
        self.router: web.UrlDispatcher | None = None
        self._report: tuple[float, str | None, Report] | None = None
        generated = self.store.ensure_first_admin(config.admin_password)
        if generated is not None:
            message = (
                f"console: created the first admin account 'admin' with password {generated}"
                " (shown once; change it with `brandstation console passwd admin`)"
            )
            print(message, flush=True)
            log.warning("console: created the first admin account 'admin' (password printed on stdout)")

    def install(self, app: web.Application, prefix: str) -> None:
        """Add every console route to `app` under `prefix` ("" = at the root), named "console.<name>"."""
        self.prefix, self.router = prefix, app.router
        app.on_response_prepare.append(self._security_headers)  # type: ignore[arg-type]  # aiohttp's Signal typing
        app.router.add_static(prefix + "/static", HERE / "static", name="console.static")
        if prefix:

            async def redirect(request: web.Request) -> web.StreamResponse:
                raise web.HTTPFound(prefix + "/")

            app.router.add_get(prefix, redirect)
        routes: list[tuple[str, str, Handler, str]] = [
            ("GET", "/login", self.login_form, "login"),
            ("POST", "/login", self.login, "login_post"),
            ("GET", r"/lang/{lang:zh|en}", self.set_language, "lang"),
            ("POST", "/logout", self.logout, "logout"),
            ("GET", "/", self.home, "home"),
            ("GET", "/leads", self.leads, "leads"),
            ("GET", r"/leads/{lead_id:[A-Za-z0-9_\-]{1,64}}", self.lead, "lead"),
            ("POST", r"/leads/{lead_id:[A-Za-z0-9_\-]{1,64}}/status", self.lead_status, "lead_status"),
            ("GET", "/outbox", self.outbox, "outbox"),
            ("POST", r"/outbox/{job_id:\d{1,12}}/retry", self.retry, "retry"),
            ("GET", "/transcripts", self.transcripts, "transcripts"),
            ("GET", "/transcript", self.transcript, "transcript"),
            ("POST", "/transcript/wrong", self.mark_wrong, "mark_wrong"),
            ("GET", "/transcript/story.yml", self.story, "story"),
            ("GET", "/quotes", self.quotes, "quotes"),
            ("GET", r"/quotes/{quote_id:[A-Za-z0-9_\-]{1,64}}", self.quote, "quote"),
            (
                "GET",
                r"/quotes/{quote_id:[A-Za-z0-9_\-]{1,64}}/r{revision:\d{1,6}}.{fmt:xlsx|csv|pdf}",
                self.quote_file,
                "quote_file",
            ),
            ("GET", "/demand", self.demand, "demand"),
            ("GET", "/demand.csv", self.demand_csv, "demand_csv"),
            ("GET", "/analytics", self.analytics, "analytics"),
            ("GET", r"/analytics/{chart:[a-z]+}.svg", self.chart, "chart"),
            ("GET", "/users", self.users, "users"),
            ("POST", "/users", self.user_create, "user_create"),
            ("POST", r"/users/{user_id:\d{1,12}}/active", self.user_active, "user_active"),
            ("GET", "/audit", self.audit, "audit"),
        ]
        for method, path, handler, name in routes:
            app.router.add_route(method, prefix + path, self._guarded(name, handler), name="console." + name)

    def _guarded(self, route: str, handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            return await self._guard(request, handler, route)

        return guarded

    # -- the guard: session, CSRF, roles, audit -----------------------------------------------------------------

    async def _guard(self, request: web.Request, handler: Handler, route: str) -> web.StreamResponse:
        """Session → CSRF (unsafe methods) → role → handler → audit row. Public routes skip all but the first."""
        request["lang"] = pick_language(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))
        request["route"] = route
        token = request.cookies.get(SESSION_COOKIE, "")
        session = await asyncio.to_thread(self.store.session, token) if token else None
        if session is not None:
            request["user"], request["csrf"], request["session_token"] = session.user, session.csrf, token
        if route in _PUBLIC:
            return await handler(request)
        if session is None:
            if request.method in ("GET", "HEAD"):
                raise web.HTTPFound(self.url("login", query={"next": request.path_qs}))
            raise web.HTTPUnauthorized(text="log in first")
        user = session.user
        request["audit"] = {"action": f"view:{route or 'unknown'}"}
        status = 500
        try:
            if request.method not in ("GET", "HEAD") and not await self._csrf_ok(request, session.csrf):
                request["audit"] = {"action": "csrf_rejected"}
                response: web.StreamResponse = self.render(request, "error.html", status=403, message="csrf_failed")
            elif user.role not in _ROLES.get(route, ()):
                request["audit"] = {"action": "forbidden"}
                response = self.render(request, "error.html", status=403, message="forbidden")
            else:
                response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            if route not in _NOT_AUDITED:
                await self._audit(request, user, status)

    async def _csrf_ok(self, request: web.Request, expected: str) -> bool:
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc not in self._own_hosts(request):
            return False  # a cross-site form post (SameSite=Strict already keeps the cookie away)
        sent = request.headers.get("X-CSRF-Token", "")
        if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = str((await request.post()).get(CSRF_FIELD) or "")
        return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())

    def _own_hosts(self, request: web.Request) -> set[str]:
        """The host names this console answers as: the Host header, a proxy's X-Forwarded-Host, the public URL."""
        hosts = {request.host, request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()}
        if self.config.public_url:
            hosts.add(urlsplit(self.config.public_url).netloc)
        return hosts - {""}

    async def _audit(self, request: web.Request, user: User, status: int) -> None:
        info: Mapping[str, str] = request.get("audit") or {}
        await asyncio.to_thread(
            self.store.audit,
            user=user,
            ip=self._ip(request),
            method=request.method,
            path=request.path_qs,
            action=info.get("action", ""),
            object_type=info.get("object_type", ""),
            object_id=info.get("object_id", ""),
            status=status,
            detail=info.get("detail", ""),
        )

    # -- login ----------------------------------------------------------------------------------------------------

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        if request.get("user") is not None:
            raise web.HTTPFound(self._next(request.query.get("next")))
        return self._login_page(request, "", 200)

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        expected = request.cookies.get(LOGIN_COOKIE, "")
        sent = str(form.get(CSRF_FIELD) or "")
        if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
            return self._login_page(request, translate("login_expired", request["lang"]), 403)
        username, password = str(form.get("username") or "")[:64], str(form.get("password") or "")[:1024]
        ip = self._ip(request)
        try:
            user = await asyncio.to_thread(self.store.login, username, password, ip)
        except LoginThrottled as exc:
            await self._audit_login(request, username, "login_throttled", 429)
            minutes = int(exc.retry_after_s // 60) + 1
            response = self._login_page(request, translate("login_throttled", request["lang"], minutes=minutes), 429)
            response.headers["Retry-After"] = str(int(exc.retry_after_s))
            return response
        except LoginFailed:
            await self._audit_login(request, username, "login_failed", 401)
            return self._login_page(request, translate("login_failed", request["lang"]), 401)
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            await asyncio.to_thread(self.store.end_session, old)
        token, _ = await asyncio.to_thread(self.store.start_session, user, ip, request.headers.get("User-Agent", ""))
        await asyncio.to_thread(
            self.store.audit,
            user=user,
            ip=ip,
            method="POST",
            path=request.path,
            action="login",
            status=303,
        )
        response = web.HTTPSeeOther(self._next(str(form.get("next") or "")))
        self._cookie(request, response, SESSION_COOKIE, token, SESSION_MAX_S)
        response.del_cookie(LOGIN_COOKIE, path=self._cookie_path())
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await asyncio.to_thread(self.store.end_session, request["session_token"])
        request["audit"] = {"action": "logout"}
        response = web.HTTPSeeOther(self.url("login"))
        response.del_cookie(SESSION_COOKIE, path=self._cookie_path())
        raise response

    async def set_language(self, request: web.Request) -> web.StreamResponse:
        response = web.HTTPSeeOther(self._next(request.query.get("next")))
        self._cookie(request, response, LANG_COOKIE, request.match_info["lang"], 365 * 86400)
        raise response

    def _login_page(self, request: web.Request, error: str, status: int) -> web.Response:
        token = secrets.token_urlsafe(32)
        response = self.render(
            request,
            "login.html",
            status=status,
            login_csrf=token,
            error=error,
            next=self._next(request.query.get("next")),
        )
        self._cookie(request, response, LOGIN_COOKIE, token, 3600)
        return response

    async def _audit_login(self, request: web.Request, username: str, action: str, status: int) -> None:
        await asyncio.to_thread(
            self.store.audit,
            user=None,
            username=username,
            ip=self._ip(request),
            method="POST",
            path=request.path,
            action=action,
            status=status,
        )

    # -- overview -------------------------------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        scope = _user(request).scope
        leads = await asyncio.to_thread(self.data.leads, scope, limit=5000)
        stages = {stage: sum(1 for lead in leads if lead.stage == stage) for stage in STAGES}
        jobs = await asyncio.to_thread(self.data.job_counts, scope)
        conversations = await asyncio.to_thread(self._conversations, request)
        return self.render(
            request,
            "home.html",
            stages=stages,
            jobs=jobs,
            conversations=len(conversations),
            recent=leads[:10],
        )

    # -- leads ----------------------------------------------------------------------------------------------------

    async def leads(self, request: web.Request) -> web.StreamResponse:
        user = _user(request)
        stage = request.query.get("stage", "")
        stage = stage if stage in STAGES else ""
        q = request.query.get("q", "")[:200]
        target = request.query.get("target", "") if user.scope is None else ""
        leads = await asyncio.to_thread(self.data.leads, user.scope, stage=stage, q=q)
        if target:
            leads = [lead for lead in leads if lead.target == target]
        columns = {s: [lead for lead in leads if lead.stage == s] for s in (STAGES if not stage else (stage,))}
        return self.render(
            request,
            "leads.html",
            columns=columns,
            stage=stage,
            stages=STAGES,
            q=q,
            target=target,
            targets=self._targets(),
        )

    async def lead(self, request: web.Request) -> web.StreamResponse:
        user = _user(request)
        lead_id = request.match_info["lead_id"]
        request["audit"] = {"action": "view:lead", "object_type": "lead", "object_id": lead_id}
        lead = await asyncio.to_thread(self.data.lead, lead_id, user.scope)
        if lead is None:
            return self._not_found(request)
        jobs = await asyncio.to_thread(self.data.lead_jobs, lead, user.scope)
        has_transcript = bool(lead.sender_id) and await asyncio.to_thread(self.tracker.has, lead.sender_id)
        return self.render(
            request,
            "lead.html",
            lead=lead,
            jobs=jobs,
            statuses=SETTABLE_STATUSES,
            has_transcript=has_transcript,
            target_name=self._targets().get(lead.target, lead.target),
        )

    async def lead_status(self, request: web.Request) -> web.StreamResponse:
        user = _user(request)
        lead_id = request.match_info["lead_id"]
        status = str((await request.post()).get("status") or "")
        request["audit"] = {"action": "lead_status", "object_type": "lead", "object_id": lead_id, "detail": status}
        if status not in SETTABLE_STATUSES:
            raise web.HTTPBadRequest(text="status must be acknowledged, won or lost")
        if not await asyncio.to_thread(self.data.set_lead_status, lead_id, status, user.scope):
            return self._not_found(request)
        raise web.HTTPSeeOther(self.url("lead", lead_id=lead_id))

    # -- outbox ---------------------------------------------------------------------------------------------------

    async def outbox(self, request: web.Request) -> web.StreamResponse:
        user = _user(request)
        state = request.query.get("state", "")
        state = state if state in STATES else ""
        jobs = await asyncio.to_thread(self.data.jobs, user.scope, state=state)
        counts = await asyncio.to_thread(self.data.job_counts, user.scope)
        return self.render(
            request, "outbox.html", jobs=jobs, state=state, states=STATES, counts=counts, notice=request.query.get("ok")
        )

    async def retry(self, request: web.Request) -> web.StreamResponse:
        user = _user(request)
        job_id = int(request.match_info["job_id"])
        request["audit"] = {"action": "retry", "object_type": "job", "object_id": str(job_id)}
        try:
            job = await asyncio.to_thread(self.data.retry, job_id, user.scope)
        except OutboxError as exc:
            request["audit"]["detail"] = str(exc)
            return self.render(request, "error.html", status=409, message="error", detail=str(exc))
        if job is None:
            return self._not_found(request)
        back = str((await request.post()).get("next") or "")
        raise web.HTTPSeeOther(self._next(back) if back else self.url("outbox", query={"ok": "1"}))

    # -- transcripts ----------------------------------------------------------------------------------------------

    async def transcripts(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        q = query.get("q", "").strip()[:200]
        channel, language, outcome = query.get("channel", ""), query.get("language", ""), query.get("outcome", "")
        date_from, date_to = _date(query.get("from", "")), _date(query.get("to", ""))
        page = max(1, _int(query.get("page"), 1))
        facts = await asyncio.to_thread(self._facts)
        found = await asyncio.to_thread(self._conversations, request, q)
        channels = sorted({c.channel for c in found})
        rows = [
            c
            for c in found
            if (not channel or c.channel == channel)
            and (not language or c.language == language)
            and (not outcome or outcome in c.outcomes(facts))
            and (not date_from or _day(c.last) >= date_from)
            and (not date_to or _day(c.started) <= date_to)
        ]
        rows.sort(key=lambda c: c.last, reverse=True)
        size = self.config.page_size
        pages = max(1, (len(rows) + size - 1) // size)
        page = min(page, pages)
        request["audit"]["detail"] = f"q={q}"[:200] if q else ""
        return self.render(
            request,
            "transcripts.html",
            rows=rows[(page - 1) * size : page * size],
            total=len(rows),
            facts=facts,
            q=q,
            channel=channel,
            language=language,
            outcome=outcome,
            date_from=date_from,
            date_to=date_to,
            page=page,
            pages=pages,
            channels=channels,
            outcomes=OUTCOMES,
            languages=LANGUAGES,
            query=dict(query),
        )

    async def transcript(self, request: web.Request) -> web.StreamResponse:
        sender = _conversation_id(request, request.query.get("sender", ""), "view:transcript")
        request["audit"] = {"action": "view:transcript", "object_type": "conversation", "object_id": sender}
        events = await self._scoped_events(request, sender)
        if not events:
            return self._not_found(request)
        facts = await asyncio.to_thread(self._facts)
        summary = (await asyncio.to_thread(self.tracker.conversations, [(sender, events[-1]["_id"])]))[0]
        corrections = await asyncio.to_thread(self.store.corrections, sender)
        leads = await asyncio.to_thread(self.data.leads, _user(request).scope, sender=sender)
        return self.render(
            request,
            "transcript.html",
            sender=sender,
            summary=summary,
            outcomes=summary.outcomes(facts),
            turns=turns(events),
            corrections=corrections,
            intents=self._intents(),
            leads=leads,
        )

    async def mark_wrong(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        sender = _conversation_id(request, str(form.get("sender") or ""), "mark_wrong")
        event_id = _int(str(form.get("event_id") or ""), 0)
        intent = str(form.get("correct_intent") or "").strip()
        note = str(form.get("note") or "").strip()[:1000]
        request["audit"] = {
            "action": "mark_wrong",
            "object_type": "conversation",
            "object_id": sender,
            "detail": f"event {event_id} → {intent}",
        }
        events = await self._scoped_events(request, sender)
        if not events:
            return self._not_found(request)
        if not any(e["_id"] == event_id and e.get("event") == "user" for e in events):
            raise web.HTTPBadRequest(text="no such user message in this conversation")
        if not _INTENT.fullmatch(intent):
            raise web.HTTPBadRequest(text="the correct intent is a name like ask_spec")
        await asyncio.to_thread(self.store.add_correction, sender, event_id, intent, note, _user(request))
        raise web.HTTPSeeOther(self.url("transcript", query={"sender": sender}) + f"#turn-{event_id}")

    async def story(self, request: web.Request) -> web.StreamResponse:
        sender = _conversation_id(request, request.query.get("sender", ""), "export_story")
        request["audit"] = {"action": "export_story", "object_type": "conversation", "object_id": sender}
        events = await self._scoped_events(request, sender)
        if not events:
            return self._not_found(request)
        corrections = await asyncio.to_thread(self.store.corrections, sender)
        text = story_yaml(sender, turns(events), corrections)
        name = "test_console_" + (re.sub(r"[^A-Za-z0-9_\-]", "_", sender)[:60] or "conversation") + ".yml"
        return web.Response(
            text=text,
            content_type="application/x-yaml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def _scoped_events(self, request: web.Request, sender: str) -> list[dict[str, Any]]:
        """The buyer's events, or [] when the buyer is unknown or not in the user's scope."""
        scope = _user(request).scope
        if not sender:
            return []
        if scope is not None and sender not in await asyncio.to_thread(self.data.lead_senders, scope):
            return []
        return await asyncio.to_thread(self.tracker.events, sender)

    def _conversations(self, request: web.Request, q: str = "") -> list[Conversation]:
        scope = _user(request).scope
        if self.events is not None:  # the consumer's tables: a row per conversation, no event is read
            found = self.events.conversations(None if scope is None else self.data.lead_senders(scope))
            if q:
                matches = self.events.search(q)
                found = [c for c in found if c.sender_id in matches]
            return found
        index = self.tracker.index()
        if scope is not None:
            allowed = self.data.lead_senders(scope)
            index = [row for row in index if row[0] in allowed]
        if q:
            matches = self.tracker.search(q)
            index = [row for row in index if row[0] in matches]
        return self.tracker.conversations((row[0], row[1]) for row in index)

    def _facts(self) -> Facts:
        return Facts(
            lead_senders=frozenset(self.data.lead_senders(None)),
            quote_senders=frozenset(self.data.quote_senders()),
            demand_senders=frozenset(self.data.demand_senders()),
            delivered_senders=frozenset(self.data.delivered_senders()),
        )

    # -- quotes ---------------------------------------------------------------------------------------------------

    async def quotes(self, request: web.Request) -> web.StreamResponse:
        q = request.query.get("q", "")[:200]
        rows = await asyncio.to_thread(self.data.quotes, _user(request).scope, q=q)
        return self.render(request, "quotes.html", rows=rows, q=q)

    async def quote(self, request: web.Request) -> web.StreamResponse:
        quote_id = request.match_info["quote_id"]
        revision = _int(request.query.get("rev"), 0) or None
        request["audit"] = {"action": "view:quote", "object_type": "quote", "object_id": quote_id}
        found = await asyncio.to_thread(self.data.quote, quote_id, revision, _user(request).scope)
        if found is None:
            return self._not_found(request)
        body, revisions = found
        return self.render(request, "quote.html", quote=body, revisions=revisions, formats=list(EXPORT_FORMATS))

    async def quote_file(self, request: web.Request) -> web.StreamResponse:
        info = request.match_info
        quote_id, revision, fmt = info["quote_id"], int(info["revision"]), info["fmt"]
        request["audit"] = {
            "action": "download:quote",
            "object_type": "quote",
            "object_id": f"{quote_id}-r{revision}",
            "detail": fmt,
        }
        found = await asyncio.to_thread(self.data.quote, quote_id, revision, _user(request).scope)
        if found is None:
            return self._not_found(request)
        lang = request.query.get("lang") or request["lang"]
        render, content_type = EXPORT_FORMATS[fmt]
        body = await asyncio.to_thread(render, found[0], "en" if lang == "en" else "zh")
        headers = {"Content-Disposition": f'attachment; filename="{quote_id}-r{revision}.{fmt}"'}
        return web.Response(body=body, headers=headers, content_type=content_type.split(";")[0])

    # -- demand ---------------------------------------------------------------------------------------------------

    async def demand(self, request: web.Request) -> web.StreamResponse:
        kind, q, by = self._demand_filters(request)
        groups = await asyncio.to_thread(self.data.demand, kind=kind, q=q, by=by)
        kinds = await asyncio.to_thread(self.data.demand_kinds)
        return self.render(
            request, "demand.html", groups=groups, kind=kind, kinds=kinds, q=q, by=by, query=dict(request.query)
        )

    async def demand_csv(self, request: web.Request) -> web.StreamResponse:
        kind, q, by = self._demand_filters(request)
        request["audit"] = {"action": "export:demand", "detail": f"kind={kind} q={q} by={by}"[:200]}
        groups = await asyncio.to_thread(self.data.demand, kind=kind, q=q, by=by, examples=5)
        body = demand_csv(groups, request["lang"])
        headers = {"Content-Disposition": 'attachment; filename="unmet-demand.csv"'}
        return web.Response(body=body, headers=headers, content_type="text/csv", charset="utf-8")

    def _demand_filters(self, request: web.Request) -> tuple[str, str, str]:
        by = request.query.get("by", "part")
        return request.query.get("kind", "")[:64], request.query.get("q", "")[:200], by if by == "category" else "part"

    # -- analytics ------------------------------------------------------------------------------------------------

    async def analytics(self, request: web.Request) -> web.StreamResponse:
        report = await asyncio.to_thread(self._analytics_report, request)
        return self.render(request, "analytics.html", report=report, charts=CHARTS, stamp=int(time.time()))

    async def chart(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["chart"]
        if name not in CHARTS:
            return self._not_found(request)
        report = await asyncio.to_thread(self._analytics_report, request)
        lang = request["lang"]
        labels = {
            key: translate(key, lang)
            for key in ("conversations", "answered", "quoted", "lead", "delivered", "no_data", "fallback_pct")
        }
        svg = await asyncio.to_thread(chart_svg, report, name, labels)
        response = web.Response(body=svg, content_type="image/svg+xml")
        response.headers["Content-Security-Policy"] = _SVG_CSP
        return response

    def _analytics_report(self, request: web.Request) -> Report:
        now, scope = time.monotonic(), _user(request).scope
        if self._report is not None and now - self._report[0] < 30 and self._report[1] == scope:
            return self._report[2]  # the page and its five charts share one computation
        report = build_report(self._conversations(request), self._facts())
        self._report = (now, scope, report)
        return report

    # -- users and audit ------------------------------------------------------------------------------------------

    async def users(self, request: web.Request) -> web.StreamResponse:
        return self._users_page(request, "", 200)

    async def user_create(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        username = str(form.get("username") or "").strip()
        role = str(form.get("role") or "")
        target = str(form.get("target") or "").strip() or None
        request["audit"] = {"action": "user_create", "object_type": "user", "object_id": username, "detail": role}
        try:
            if role == DISTRIBUTOR_REP and target not in self._targets():
                raise ConsoleError(f"unknown routing target {target!r}")
            await asyncio.to_thread(
                self.store.create_user,
                username,
                str(form.get("password") or ""),
                role,
                target=target if role == DISTRIBUTOR_REP else None,
                display_name=str(form.get("display_name") or ""),
            )
        except ConsoleError as exc:
            return self._users_page(request, str(exc), 400)
        raise web.HTTPSeeOther(self.url("users"))

    async def user_active(self, request: web.Request) -> web.StreamResponse:
        user_id = int(request.match_info["user_id"])
        active = str((await request.post()).get("active") or "") == "1"
        request["audit"] = {
            "action": "user_active",
            "object_type": "user",
            "object_id": str(user_id),
            "detail": str(active),
        }
        if user_id == _user(request).id and not active:
            return self._users_page(request, "you cannot disable your own account", 400)
        try:
            await asyncio.to_thread(self.store.set_active, user_id, active)
        except ConsoleError:
            return self._not_found(request)
        raise web.HTTPSeeOther(self.url("users"))

    def _users_page(self, request: web.Request, error: str, status: int) -> web.Response:
        return self.render(
            request,
            "users.html",
            status=status,
            users=self.store.users(),
            roles=ROLES,
            targets=self._targets(),
            error=error,
            min_length=MIN_PASSWORD_LENGTH,
        )

    async def audit(self, request: web.Request) -> web.StreamResponse:
        username, action = request.query.get("user", "")[:64], request.query.get("action", "")[:64]
        rows = await asyncio.to_thread(self.store.audit_rows, limit=500, username=username, action=action)
        return self.render(request, "audit.html", rows=rows, username=username, action=action)

    # -- rendering and helpers ------------------------------------------------------------------------------------

    def render(self, request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
        lang = request.get("lang", "zh")
        user: User | None = request.get("user")
        nav = [name for name, roles in _NAV if user is not None and user.role in roles]
        html = self.env.get_template(template).render(
            t=lambda key, **values: translate(key, lang, **values),
            lang=lang,
            user=user,
            csrf=request.get("csrf", ""),
            csrf_field=CSRF_FIELD,
            url=self.url,
            nav=nav,
            here=request.path_qs,
            current=request.get("route", ""),
            **context,
        )
        return web.Response(text=html, status=status, content_type="text/html")

    def url(self, name: str, query: Mapping[str, str] | None = None, **parts: str) -> str:
        """The path of a named route (with the mount prefix), plus a query."""
        assert self.router is not None, "install() first"
        url = self.router["console." + name].url_for(**parts)
        return str(url.with_query(dict(query)) if query else url)

    def _ip(self, request: web.Request) -> str:
        """The client's address (module docstring), computed once per request."""
        found = request.get("client_ip")
        if found is None:
            found = client_address(request.remote, request.headers.getall("X-Forwarded-For", []), self.proxies)
            request["client_ip"] = found
        return str(found)

    def _not_found(self, request: web.Request) -> web.Response:
        return self.render(request, "error.html", status=404, message="missing")

    def _next(self, value: str | None) -> str:
        """A redirect target inside the console only (no open redirect)."""
        home = self.url("home")
        prefix = home.rstrip("/")
        if value and value.startswith(prefix + "/") and not value.startswith("//") and "\\" not in value:
            return value
        return home

    def _cookie_path(self) -> str:
        return self.url("home").rstrip("/") or "/"

    def _cookie(self, request: web.Request, response: web.StreamResponse, name: str, value: str, age: int) -> None:
        secure = self.config.secure_cookies or request.secure or request.headers.get("X-Forwarded-Proto") == "https"
        response.set_cookie(
            name, value, max_age=age, path=self._cookie_path(), httponly=True, samesite="Strict", secure=secure
        )

    async def _security_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """Set as the response is sent, after every middleware (a parent app's too), so these headers win; only
        on the console's own paths."""
        path = request.path
        if self.prefix and path != self.prefix and not path.startswith(self.prefix + "/"):
            return
        svg = response.content_type == "image/svg+xml"
        response.headers["Content-Security-Policy"] = _SVG_CSP if svg else _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        is_static = path.startswith(self.prefix + "/static/")
        response.headers["Cache-Control"] = "no-cache" if is_static else "no-store"

    def _targets(self) -> dict[str, str]:
        """Routing target id → name (brand first), from the routing file as it is now."""
        try:
            from bot.routing import load_routing

            return {t.id: t.name for t in load_routing(self.config.routing_file).targets}
        except Exception as exc:  # a broken routing file must not take the console down
            log.warning("console: cannot read routing targets: %s", exc)
            return {}

    def _intents(self) -> list[str]:
        path = self.config.domain_file
        if path is None or not path.is_file():
            return []
        try:
            domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            return []
        intents = [next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents") or ()]
        return sorted({*intents, "nlu_fallback"})


def _event_tables(config: ConsoleConfig) -> EventTables | None:
    if config.analytics_source not in ANALYTICS_SOURCES:
        raise ValueError(
            f"analytics source must be one of {', '.join(ANALYTICS_SOURCES)}, not {config.analytics_source!r}"
        )
    if config.analytics_source == "tracker":
        return None
    return EventTables(Database.of(config.database))


def _dump(value: Any, limit: int = 300) -> str:
    """A slot value or an entity as short JSON text (escaped by the template like any text)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(value: Any) -> str:
    """An ISO time or unix seconds as 'YYYY-MM-DD HH:MM' UTC."""
    if isinstance(value, (int, float)):
        return time.strftime("%Y-%m-%d %H:%M", time.gmtime(value)) if value else ""
    text = str(value or "")
    return text[:16].replace("T", " ")


def _user(request: web.Request) -> User:
    user: User = request["user"]
    return user


def parse_trusted_proxies(value: str | Iterable[str]) -> tuple[Network, ...]:
    """Networks from "10.0.0.1, 172.30.0.0/24, ::1" (a single address is a /32 or /128). ValueError for an entry
    that is neither an address nor a network."""
    entries = value.split(",") if isinstance(value, str) else list(value)
    networks: list[Network] = []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"console trusted proxies: {entry!r} is not an IP address or network") from None
    return tuple(networks)


def client_address(remote: str | None, forwarded: Sequence[str], proxies: Sequence[Network]) -> str:
    """The client's address: `remote` (the connection's peer) unless it is a trusted proxy; then the right-most
    X-Forwarded-For entry (over every such header, in order) that is not a trusted proxy. Walking from the right,
    an entry that is not an address stops the walk at the last trusted hop (a proxy of ours never writes one)."""
    peer = (remote or "").strip()
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for header in forwarded for hop in header.split(",")]
    client = peer
    for hop in reversed(hops):
        address = _hop_address(hop)
        if address is None:
            break
        client = address
        if not _trusted(address, proxies):
            break
    return client


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in proxies)


def _hop_address(hop: str) -> str | None:
    """An X-Forwarded-For entry as an address ("1.2.3.4", "1.2.3.4:5678", "2001:db8::1", "[2001:db8::1]:443"),
    or None."""
    text = hop.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def _conversation_id(request: web.Request, value: str, action: str) -> str:
    """A conversation id from a query or a form: "" (none: the caller answers 404) or a valid id; anything else
    is refused with 400 (never cut to length: that could name another conversation)."""
    if value and not valid_conversation_id(value):
        request["audit"] = {
            "action": action,
            "object_type": "conversation",
            "object_id": ascii(value)[1:-1][:200],
            "detail": "bad conversation id",
        }
        raise web.HTTPBadRequest(text="bad conversation id: 1-255 characters, no control characters")
    return value


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def _date(value: str) -> str:
    """A YYYY-MM-DD filter value, or "" for anything else."""
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or "") else ""


def _day(stamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(stamp))
