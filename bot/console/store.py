"""Console accounts, sessions, login throttling, the audit log and reps' turn corrections, in SQLite.

Tables (in `Settings.database`, next to the leads): `console_users`, `console_sessions` (only a SHA-256 of each
session token is stored, so a copy of the database opens no session), `console_login_failures` (the rate
limit), `console_audit` (who looked at or changed what) and `console_corrections` ("this turn was wrong").

Login throttling. Every failed login (wrong password or unknown name) is counted for 15 minutes
(LOGIN_WINDOW_S) under three keys, and a login is refused before any password is checked when:

1. this address has LOGIN_MAX_FAILURES (5) failures for this account ("pair:<address>|<name>"): it may not try
   that account again, not even with the right password (or it could simply go on guessing);
2. this address has ADDRESS_MAX_FAILURES (20) failures for any accounts ("ip:<address>"): a password spray,
   one or two guesses per name, is stopped after 20 guesses; an office behind one NAT address still has room
   for a few people's typos;
3. the account has ACCOUNT_GUARD_FAILURES (50) failures from all addresses together ("user:<name>"): a
   distributed attack. The account is then guarded: an address that has failed for it in the window may not
   try it again, so each attacking address gets one guess instead of five, while an address that has not
   failed for it (the real user, wherever they are) still logs in with the right password.

So nobody can lock a named user out: wrong passwords from one address only block that address (rules 1, 2),
and no number of them blocks the right password from an address that has not failed (rule 3). A success
clears only its own "pair" count; the address and account counts are left to expire, or a known account
(the attacker's own) could be used to reset them. "<address>" is the client address (the console computes it
from X-Forwarded-For only when the request comes from a configured trusted proxy; see app.py), with an IPv6
address counted as its /64 (one host has a whole /64 to choose from) and an IPv4-mapped one as IPv4.

Conversation ids (Rasa's sender ids) come in from the console's forms and links: `valid_conversation_id`
refuses control and format characters (newlines included) and anything over the tracker store's 255.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.console.passwords import (
    DEFAULT_KDF,
    MIN_PASSWORD_LENGTH,
    KdfParams,
    burn_time,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from knowledge.db import Connection, Database, integrity_errors
from knowledge.errors import KnowledgeError

BRAND_ADMIN, DISTRIBUTOR_REP, VIEWER = "brand_admin", "distributor_rep", "viewer"
ROLES = (BRAND_ADMIN, DISTRIBUTOR_REP, VIEWER)
FIRST_ADMIN = "admin"
# Login rate limit (module docstring): failures within the window per (account, address), per address, and per
# account from all addresses (past which an address that failed for the account may not try it again).
LOGIN_MAX_FAILURES, LOGIN_WINDOW_S = 5, 15 * 60
ADDRESS_MAX_FAILURES = 20
ACCOUNT_GUARD_FAILURES = 50
# Rasa's SQL tracker store keeps sender_id in a VARCHAR(255).
MAX_CONVERSATION_ID = 255
# Unicode categories never allowed in a conversation id: controls (\n, \r, NUL, ESC, U+0085), format characters
# (bidi overrides, zero-width), surrogates, private use, line and paragraph separators.
_BAD_ID_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
# A session ends after this much inactivity, and in any case this long after login.
SESSION_IDLE_S, SESSION_MAX_S, SESSION_TOUCH_S = 2 * 3600, 12 * 3600, 60

_USERNAME = re.compile(r"^[A-Za-z0-9_.@\-]{1,64}$")

Clock = Callable[[], float]


class ConsoleError(KnowledgeError):
    """A console account request that cannot be done (bad name, role, target or password)."""


class LoginFailed(ConsoleError):
    """Wrong user name or password (the message never says which)."""


class LoginThrottled(ConsoleError):
    """Too many failed logins from this address (for this user, or for any); `retry_after_s` says when to try
    again."""

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = max(1.0, retry_after_s)
        super().__init__(f"too many failed logins; try again in {int(self.retry_after_s // 60) + 1} min")


@dataclass(frozen=True)
class User:
    """A console account. A distributor rep is bound to one routing target (`target`) and sees only its data."""

    id: int
    username: str
    role: str
    target: str | None
    display_name: str
    active: bool

    @property
    def scope(self) -> str | None:
        """The routing target whose data this user may see; None = everything (brand admin, viewer)."""
        return self.target if self.role == DISTRIBUTOR_REP else None


@dataclass(frozen=True)
class SessionInfo:
    user: User
    csrf: str
    expires_at: float


@dataclass(frozen=True)
class Correction:
    """A rep's "this turn was wrong": the user message's event id, the intent it should have been, a note."""

    sender_id: str
    event_id: int
    correct_intent: str
    note: str
    username: str
    created_at: float


class ConsoleStore:
    """The console's tables, in the app database (SQLite path or postgresql:// URL) next to the leads."""

    def __init__(self, where: Database | Path | str, *, kdf: KdfParams = DEFAULT_KDF, clock: Clock = time.time) -> None:
        self.db = Database.of(where)
        self.path = self.db.path  # None on PostgreSQL
        self.kdf = kdf
        self.clock = clock
        self.db.create(_SCHEMA)

    # -- accounts -----------------------------------------------------------------------------------------

    def create_user(
        self, username: str, password: str, role: str, *, target: str | None = None, display_name: str = ""
    ) -> User:
        """Add an account (ConsoleError for a taken or bad name, an unknown role, a short password, a rep
        without a target or a target on another role). Target ids are checked against routing by the caller."""
        _check_username(username)
        _check_password(password)
        if role not in ROLES:
            raise ConsoleError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        if role == DISTRIBUTOR_REP and not target:
            raise ConsoleError("a distributor_rep needs --target: the routing target id of its distributor")
        if role != DISTRIBUTOR_REP and target:
            raise ConsoleError(f"only a distributor_rep is bound to a target; {role} sees every target")
        hashed = hash_password(password, self.kdf)
        now = self.clock()
        try:
            with self._write() as db:
                row = db.execute(
                    "INSERT INTO console_users (username, password_hash, role, target, display_name, active,"
                    " created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
                    (username, hashed, role, target or None, display_name[:100], now, now),
                ).fetchone()
                user_id = int(row[0])
        except integrity_errors():
            raise ConsoleError(f"a console user {username!r} exists already") from None
        return User(user_id, username, role, target or None, display_name[:100], True)

    def ensure_first_admin(self, password: str | None = None) -> str | None:
        """On first start (no accounts at all) create `admin` as brand admin. Returns the password when it was
        generated here (the caller prints it once); None when `password` was given or accounts exist."""
        generated = None if password else generate_password()
        chosen = password or generated or ""
        _check_password(chosen)
        hashed = hash_password(chosen, self.kdf)
        now = self.clock()
        with self._write() as db:
            if db.execute("SELECT COUNT(*) FROM console_users").fetchone()[0]:
                return None
            db.execute(
                "INSERT INTO console_users (username, password_hash, role, target, display_name, active,"
                " created_at, password_changed_at) VALUES (?, ?, ?, NULL, 'first admin', 1, ?, ?)",
                (FIRST_ADMIN, hashed, BRAND_ADMIN, now, now),
            )
        return generated

    def users(self) -> list[User]:
        with self.db.connect() as db:
            rows = db.execute(f"SELECT {_USER_COLUMNS} FROM console_users ORDER BY username").fetchall()
        return [_user(row) for row in rows]

    def user(self, user_id: int) -> User | None:
        with self.db.connect() as db:
            row = db.execute(f"SELECT {_USER_COLUMNS} FROM console_users WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else _user(row)

    def user_named(self, username: str) -> User | None:
        with self.db.connect() as db:
            row = db.execute(
                f"SELECT {_USER_COLUMNS} FROM console_users WHERE LOWER(username) = LOWER(?)", (username,)
            ).fetchone()
        return None if row is None else _user(row)

    def set_password(self, username: str, password: str) -> None:
        """A new password; every session of the user ends."""
        _check_password(password)
        hashed = hash_password(password, self.kdf)
        with self._write() as db:
            row = db.execute("SELECT id FROM console_users WHERE LOWER(username) = LOWER(?)", (username,)).fetchone()
            if row is None:
                raise ConsoleError(f"no console user {username!r}")
            db.execute(
                "UPDATE console_users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                (hashed, self.clock(), row[0]),
            )
            db.execute("DELETE FROM console_sessions WHERE user_id = ?", (row[0],))

    def set_active(self, user_id: int, active: bool) -> User:
        """Enable or disable an account; disabling ends its sessions."""
        with self._write() as db:
            changed = db.execute(
                "UPDATE console_users SET active = ? WHERE id = ?", (1 if active else 0, user_id)
            ).rowcount
            if not active:
                db.execute("DELETE FROM console_sessions WHERE user_id = ?", (user_id,))
        user = self.user(user_id)
        if not changed or user is None:
            raise ConsoleError(f"no console user with id {user_id}")
        return user

    # -- login and sessions -------------------------------------------------------------------------------

    def login(self, username: str, password: str, ip: str) -> User:
        """The user when name and password match an active account. LoginThrottled by the rules of the module
        docstring (checked first: no hash is computed); LoginFailed otherwise. `ip` is the client address. Slow
        on purpose (one scrypt hash): call it from a thread."""
        name, address = username.lower(), throttle_address(ip)
        keys = (f"pair:{address}|{name}", f"ip:{address}", f"user:{name}")
        now = self.clock()
        wait = self._throttled(keys, now)
        if wait is not None:
            raise LoginThrottled(wait)
        with self.db.connect() as db:
            row = db.execute(
                f"SELECT {_USER_COLUMNS}, password_hash FROM console_users WHERE LOWER(username) = LOWER(?) AND active = 1",
                (username,),
            ).fetchone()
        if row is None:
            burn_time(password, self.kdf)  # same time as a wrong password: no telling which names exist
            self._fail(keys, now)
            raise LoginFailed("wrong user name or password")
        stored = str(row[-1])
        if not verify_password(password, stored):
            self._fail(keys, now)
            raise LoginFailed("wrong user name or password")
        user = _user(row[:-1])
        with self._write() as db:
            db.execute("DELETE FROM console_login_failures WHERE key = ?", (keys[0],))  # only this address's
            db.execute("UPDATE console_users SET last_login_at = ? WHERE id = ?", (now, user.id))
            if needs_rehash(stored, self.kdf):
                db.execute(
                    "UPDATE console_users SET password_hash = ? WHERE id = ?",
                    (hash_password(password, self.kdf), user.id),
                )
        return user

    def failures(self, key: str) -> int:
        """Failed logins for a throttle key ("pair:1.2.3.4|alice", "ip:1.2.3.4", "user:alice") within the window."""
        with self.db.connect() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM console_login_failures WHERE key = ? AND at > ?",
                (key, self.clock() - LOGIN_WINDOW_S),
            ).fetchone()
        return int(row[0])

    def start_session(self, user: User, ip: str, user_agent: str) -> tuple[str, str]:
        """A new session for `user`: (cookie token, CSRF token). Only the token's hash is stored."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock()
        with self._write() as db:
            db.execute("DELETE FROM console_sessions WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT INTO console_sessions (token_hash, user_id, csrf, created_at, last_seen_at, expires_at, ip,"
                " user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_digest(token), user.id, csrf, now, now, now + SESSION_IDLE_S, ip[:64], user_agent[:200]),
            )
        return token, csrf

    def session(self, token: str) -> SessionInfo | None:
        """The live session of a cookie token (its idle deadline moves on), or None."""
        if not token or len(token) > 100:
            return None
        now = self.clock()
        with self.db.connect() as db:
            row = db.execute(
                f"SELECT s.csrf, s.created_at, s.last_seen_at, s.expires_at, {_prefixed('u.')} FROM console_sessions s"
                " JOIN console_users u ON u.id = s.user_id WHERE s.token_hash = ?",
                (_digest(token),),
            ).fetchone()
        if row is None:
            return None
        csrf, created, last_seen, expires = str(row[0]), float(row[1]), float(row[2]), float(row[3])
        user = _user(row[4:])
        if expires <= now or not user.active:
            self.end_session(token)
            return None
        if now - last_seen >= SESSION_TOUCH_S:  # move the idle deadline, at most once a minute (one write)
            expires = min(now + SESSION_IDLE_S, created + SESSION_MAX_S)
            with self._write() as db:
                db.execute(
                    "UPDATE console_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
                    (now, expires, _digest(token)),
                )
        return SessionInfo(user, csrf, expires)

    def end_session(self, token: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM console_sessions WHERE token_hash = ?", (_digest(token),))

    # -- audit ----------------------------------------------------------------------------------------------

    def audit(
        self,
        *,
        user: User | None,
        username: str = "",
        ip: str,
        method: str,
        path: str,
        action: str,
        object_type: str = "",
        object_id: str = "",
        status: int,
        detail: str = "",
    ) -> None:
        """One audit row: who (or which attempted user name), from where, did what to which object."""
        with self._write() as db:
            db.execute(
                "INSERT INTO console_audit (at, user_id, username, role, ip, method, path, action, object_type,"
                " object_id, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.clock(),
                    user.id if user else None,
                    (user.username if user else username)[:64],
                    user.role if user else "",
                    ip[:64],
                    method[:10],
                    path[:500],
                    action[:64],
                    object_type[:32],
                    object_id[:200],
                    status,
                    detail[:500],
                ),
            )

    def audit_rows(self, *, limit: int = 200, username: str = "", action: str = "") -> list[dict[str, Any]]:
        """The newest audit rows first, optionally for one user name and / or one action."""
        sql = f"SELECT {', '.join(_AUDIT_COLUMNS)}"
        sql += " FROM console_audit WHERE (? = '' OR username = ?) AND (? = '' OR action = ?) ORDER BY id DESC LIMIT ?"
        with self.db.connect() as db:
            rows = db.execute(sql, (username, username, action, action, limit)).fetchall()
        return [dict(zip(_AUDIT_COLUMNS, row, strict=True)) for row in rows]

    # -- corrections ------------------------------------------------------------------------------------------

    def add_correction(self, sender_id: str, event_id: int, correct_intent: str, note: str, user: User) -> None:
        """Mark a user turn as wrong (the latest mark of a turn counts). ConsoleError for a malformed
        conversation id."""
        if not valid_conversation_id(sender_id):
            raise ConsoleError("bad conversation id: 1-255 characters, no control characters")
        with self._write() as db:
            db.execute(
                "INSERT INTO console_corrections (sender_id, event_id, correct_intent, note, user_id, username,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (sender_id, event_id, correct_intent, note[:1000], user.id, user.username, self.clock()),
            )

    def corrections(self, sender_id: str) -> dict[int, Correction]:
        """The marks of one conversation, by the user event's id."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT sender_id, event_id, correct_intent, note, username, created_at FROM console_corrections"
                " WHERE sender_id = ? ORDER BY id",
                (sender_id,),
            ).fetchall()
        return {int(r[1]): Correction(r[0], int(r[1]), r[2], r[3], r[4], float(r[5])) for r in rows}

    def corrected_senders(self) -> set[str]:
        with self.db.connect() as db:
            return {str(r[0]) for r in db.execute("SELECT DISTINCT sender_id FROM console_corrections")}

    # -- helpers ------------------------------------------------------------------------------------------------

    def _throttled(self, keys: tuple[str, str, str], now: float) -> float | None:
        """Seconds until a login with these (pair, address, account) keys may be tried, or None: it may now."""
        counts: list[tuple[int, float, float]] = []
        with self.db.connect() as db:
            for key in keys:
                count, oldest, newest = db.execute(
                    "SELECT COUNT(*), MIN(at), MAX(at) FROM console_login_failures WHERE key = ? AND at > ?",
                    (key, now - LOGIN_WINDOW_S),
                ).fetchone()
                counts.append((int(count), float(oldest or now), float(newest or now)))
        (pair, pair_oldest, pair_newest), (address, address_oldest, _), (account, _, _) = counts
        waits = []
        if pair >= LOGIN_MAX_FAILURES:
            waits.append(pair_oldest + LOGIN_WINDOW_S - now)
        if address >= ADDRESS_MAX_FAILURES:
            waits.append(address_oldest + LOGIN_WINDOW_S - now)
        if account >= ACCOUNT_GUARD_FAILURES and pair:  # guarded, and this address has failed for it
            waits.append(pair_newest + LOGIN_WINDOW_S - now)
        return max(waits) if waits else None

    def _fail(self, keys: tuple[str, ...], now: float) -> None:
        with self._write() as db:
            db.execute("DELETE FROM console_login_failures WHERE at <= ?", (now - LOGIN_WINDOW_S,))
            db.executemany("INSERT INTO console_login_failures (key, at) VALUES (?, ?)", [(k, now) for k in keys])

    def _write(self) -> AbstractContextManager[Connection]:
        return self.db.transaction("console")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS console_users (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL, password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('brand_admin', 'distributor_rep', 'viewer')), target TEXT,
    display_name TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1, created_at REAL NOT NULL,
    password_changed_at REAL NOT NULL, last_login_at REAL);
CREATE UNIQUE INDEX IF NOT EXISTS console_users_name ON console_users (LOWER(username));
CREATE TABLE IF NOT EXISTS console_sessions (
    token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES console_users (id), csrf TEXT NOT NULL,
    created_at REAL NOT NULL, last_seen_at REAL NOT NULL, expires_at REAL NOT NULL, ip TEXT, user_agent TEXT);
CREATE TABLE IF NOT EXISTS console_login_failures (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS console_login_failures_key ON console_login_failures (key, at);
CREATE TABLE IF NOT EXISTS console_audit (
    id INTEGER PRIMARY KEY, at REAL NOT NULL, user_id INTEGER, username TEXT NOT NULL, role TEXT NOT NULL,
    ip TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, action TEXT NOT NULL, object_type TEXT NOT NULL,
    object_id TEXT NOT NULL, status INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS console_corrections (
    id INTEGER PRIMARY KEY, sender_id TEXT NOT NULL, event_id INTEGER NOT NULL, correct_intent TEXT NOT NULL,
    note TEXT NOT NULL, user_id INTEGER NOT NULL, username TEXT NOT NULL, created_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS console_corrections_sender ON console_corrections (sender_id);
"""

_AUDIT_COLUMNS = (
    "id",
    "at",
    "username",
    "role",
    "ip",
    "method",
    "path",
    "action",
    "object_type",
    "object_id",
    "status",
    "detail",
)
_USER_COLUMNS = "id, username, role, target, display_name, active"


def throttle_address(ip: str) -> str:
    """The address a login is counted under: IPv4 as is, an IPv4-mapped IPv6 address as IPv4, other IPv6 as
    its /64; anything else (no address, a unix socket) as its text."""
    text = (ip or "").strip()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text[:64].replace("|", "_") or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)


def valid_conversation_id(value: str) -> bool:
    """A conversation (sender) id the console accepts: 1-255 characters, none a control or format character, a
    line or paragraph separator (they would end a line in a file, a log or a header)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_CONVERSATION_ID
        and not any(unicodedata.category(ch) in _BAD_ID_CATEGORIES for ch in value)
    )


def _prefixed(prefix: str) -> str:
    return ", ".join(prefix + c.strip() for c in _USER_COLUMNS.split(","))


def _user(row: Any) -> User:
    return User(int(row[0]), str(row[1]), str(row[2]), row[3] or None, str(row[4] or ""), bool(row[5]))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_username(username: str) -> None:
    if not _USERNAME.fullmatch(username):
        raise ConsoleError(f"user name {username!r}: 1-64 characters of A-Z a-z 0-9 _ . @ -")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConsoleError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
