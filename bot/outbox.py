"""Transactional outbox: a delivery job is written in the same transaction as the lead it delivers (SQLite, or
PostgreSQL when BRANDSTATION_DATABASE_URL says so: knowledge/db.py).

Write side (bot/leads.py, bot/followups.py): on ONE connection, begin, insert the lead, `enqueue` its job,
commit. Both rows commit or neither does: a stored lead always has its delivery, and a rolled-back lead is
never sent. `enqueue` never commits; a job_key is unique, so enqueueing the same key again is a no-op that
returns the first job's id.

    with outbox.transaction() as db:                 # BEGIN ... COMMIT, ROLLBACK on an exception
        lead_store.save(db, lead, target=target, rule=rule)
        outbox.enqueue(db, job_key=make_job_key("lead", lead["lead_id"], target), target=target,
                       kind="lead", payload=lead)

Send side: a `Worker` (in the action server, or `brandstation outbox work`) claims due jobs, POSTs each payload
as JSON signed per Standard Webhooks (bot/webhooks.py; webhook-id = job_key, the receiver's idempotency key)
and records the outcome:

    pending ──claim──▶ in_flight ──2xx──▶ delivered
       ▲                   │
       ├──── failure ──────┤   non-2xx, timeout, connection error: attempts < max_attempts, so
       │                   │   next_attempt_at = now + random(0, min(max_delay, base_delay * 2^(attempts-1)))
       ├── lease expired ──┤   the worker died mid-attempt: due again once lease_until has passed
       │                   └── failure at max_attempts, or 410 Gone ──▶ dead
       └──────────── retry(id) (`brandstation outbox retry ID`) ◀─────────── dead

Delivery is at least once: a worker killed after the receiver stored a lead but before the 2xx was recorded
sends it again, with the same webhook-id. Times in the table are unix seconds (REAL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from random import Random
from typing import Any

import aiohttp

from bot import webhooks
from knowledge.db import Connection, Database
from knowledge.errors import KnowledgeError

PENDING, IN_FLIGHT, DELIVERED, DEAD = "pending", "in_flight", "delivered", "dead"
STATES = (PENDING, IN_FLIGHT, DELIVERED, DEAD)
USER_AGENT = "Brandstation-Outbox/1"
# Defaults follow the spec's advice: a 15 s request timeout and retries spread over about a day (19 backoffs
# capped at 6 h: ~24 h on average from the first attempt to dead, 47 h at most).
TIMEOUT_S, MAX_ATTEMPTS, BASE_DELAY_S, MAX_DELAY_S, CONCURRENCY = 15.0, 20, 5.0, 6 * 3600.0, 8

Clock = Callable[[], float]
ResolveTarget = Callable[[str], tuple[str, Sequence[str]]]

log = logging.getLogger(__name__)


class OutboxError(KnowledgeError):
    """A job that cannot be enqueued, found or retried, or a target that cannot be addressed."""


@dataclass(frozen=True)
class Job:
    """One row of the outbox; `body` is exactly what is sent (and signed)."""

    id: int
    job_key: str
    target: str
    kind: str
    body: bytes
    state: str
    attempts: int
    next_attempt_at: float
    lease_until: float | None
    last_error: str
    last_status: int | None
    created_at: float
    delivered_at: float | None

    @property
    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data

    def to_json(self) -> dict[str, Any]:
        """The row for `outbox list --json` and the console: times as ISO 8601 UTC."""
        return {
            "id": self.id,
            "job_key": self.job_key,
            "target": self.target,
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "last_error": self.last_error,
            "last_status": self.last_status,
            "created_at": _iso(self.created_at),
            "delivered_at": _iso(self.delivered_at),
            "payload": self.payload,
        }


@dataclass(frozen=True)
class Claim:
    """A job taken by one worker; `token` proves it still holds the lease when it records the outcome."""

    job: Job
    token: str


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    in_flight: int
    delivered: int
    dead: int
    oldest_undelivered_s: float | None  # age of the oldest pending or in-flight job
    max_delivery_delay_s: float | None  # longest enqueue → 2xx among delivered jobs


@dataclass(frozen=True)
class RunReport:
    """What one `Worker.run_once` did."""

    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    lost: int = 0  # outcome not recorded: the lease had passed to another worker


def make_job_key(*parts: str) -> str:
    """A job key from ids ("lead", lead_id, target → "lead:L-20261126-0001:dist-sz"); other characters become _."""
    return ":".join(re.sub(r"[^A-Za-z0-9_\-]", "_", part) for part in parts)[:200]


class Outbox:
    """The `outbox` table, in the same database as the leads (a path: SQLite; a postgresql:// URL)."""

    def __init__(self, where: Database | Path | str, *, clock: Clock = time.time) -> None:
        self.db = Database.of(where)
        self.path = self.db.path  # None on PostgreSQL
        self.clock = clock
        self.db.create(_SCHEMA)

    def connect(self) -> AbstractContextManager[Connection]:
        """An autocommit connection for one block."""
        return self.db.connect()

    def transaction(self) -> AbstractContextManager[Connection]:
        """One write transaction: committed when the block ends, rolled back when it raises. Leads and follow-ups
        take their own turn-taking lock on it (the outbox's claims skip locked rows instead)."""
        return self.db.transaction("leads")

    def enqueue(
        self,
        conn: Connection,
        *,
        job_key: str,
        target: str,
        kind: str,
        payload: dict[str, Any],
        not_before: float | None = None,
    ) -> int:
        """Add a job on the CALLER's connection and transaction (not committed here); returns its id.

        The same job_key again returns the existing job's id and changes nothing. `not_before` (unix seconds)
        delays the first attempt.
        """
        if not webhooks.MSG_ID_PATTERN.fullmatch(job_key):
            raise OutboxError(
                f"job key {job_key!r} must be 1-200 characters of A-Z a-z 0-9 _ : - (it becomes the webhook-id;"
                " make_job_key builds one)"
            )
        if not target or not kind:
            raise OutboxError(f"job {job_key}: target and kind are required")
        try:
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise OutboxError(f"job {job_key}: payload is not JSON ({exc}); money and dates go in as strings") from exc
        now = self.clock()
        conn.execute(
            "INSERT INTO outbox (job_key, target, kind, payload, state, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (job_key) DO NOTHING",
            (job_key, target, kind, body, max(now, not_before or now), now),
        )
        row = conn.execute("SELECT id FROM outbox WHERE job_key = ?", (job_key,)).fetchone()
        return int(row[0])

    def add(
        self, *, job_key: str, target: str, kind: str, payload: dict[str, Any], not_before: float | None = None
    ) -> int:
        """`enqueue` in a transaction of its own (when there is no other row to commit with it)."""
        with self.transaction() as db:
            return self.enqueue(db, job_key=job_key, target=target, kind=kind, payload=payload, not_before=not_before)

    def get(self, job_id: int) -> Job:
        with self.connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise OutboxError(f"no outbox job {job_id}: `brandstation outbox list` shows the jobs")
        return _job(row)

    def list_jobs(self, state: str | None = None, *, limit: int = 100) -> list[Job]:
        """Jobs in `state` (all when None), newest first."""
        if state is not None and state not in STATES:
            raise OutboxError(f"unknown job state {state!r}: one of {', '.join(STATES)}")
        where, params = ("WHERE state = ?", (state,)) if state else ("", ())
        with self.connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM outbox {where} ORDER BY id DESC LIMIT ?", (*params, limit)
            ).fetchall()
        return [_job(row) for row in rows]

    def retry(self, job_id: int) -> Job:
        """A dead job becomes pending again, due now, with a fresh attempt count."""
        with self.db.transaction() as db:
            changed = db.execute(
                "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL,"
                " claim_token = NULL WHERE id = ? AND state = 'dead'",
                (self.clock(), job_id),
            ).rowcount
        job = self.get(job_id)
        if not changed:
            raise OutboxError(f"job {job_id} ({job.job_key}) is {job.state}; only dead jobs can be retried")
        return job

    def stats(self, now: float | None = None) -> OutboxStats:
        current = self.clock() if now is None else now
        with self.connect() as db:
            counts = dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
            oldest, slowest = db.execute(
                "SELECT (SELECT MIN(created_at) FROM outbox WHERE state IN ('pending', 'in_flight')),"
                " (SELECT MAX(delivered_at - created_at) FROM outbox WHERE state = 'delivered')"
            ).fetchone()
        return OutboxStats(
            pending=int(counts.get(PENDING, 0)),
            in_flight=int(counts.get(IN_FLIGHT, 0)),
            delivered=int(counts.get(DELIVERED, 0)),
            dead=int(counts.get(DEAD, 0)),
            oldest_undelivered_s=None if oldest is None else current - oldest,
            max_delivery_delay_s=slowest,
        )

    def next_due_at(self) -> float | None:
        """When the next job becomes due (a pending job's next attempt or an in-flight job's lease end)."""
        with self.connect() as db:
            row = db.execute(
                "SELECT MIN(CASE state WHEN 'pending' THEN next_attempt_at ELSE lease_until END) FROM outbox"
                " WHERE state IN ('pending', 'in_flight')"
            ).fetchone()
        return None if row[0] is None else float(row[0])

    # -- worker side ------------------------------------------------------------------------------------------

    def claim(self, *, limit: int, lease_s: float, max_attempts: int, now: float) -> list[Claim]:
        """Take up to `limit` due jobs: pending ones whose time has come, and in-flight ones whose lease ended
        (their worker died). An expired lease on the last allowed attempt makes the job dead instead."""
        claims: list[Claim] = []
        with self.db.transaction() as db:
            while len(claims) < limit:
                row = db.execute(
                    "SELECT id, state, attempts FROM outbox WHERE (state = 'pending' AND next_attempt_at <= ?)"
                    " OR (state = 'in_flight' AND lease_until <= ?) ORDER BY next_attempt_at, id LIMIT 1"
                    + db.skip_locked,
                    (now, now),
                ).fetchone()
                if row is None:
                    break
                job_id, state, attempts = int(row[0]), str(row[1]), int(row[2])
                interrupted = f"attempt {attempts} was interrupted (the worker stopped before recording it)"
                if state == IN_FLIGHT and attempts >= max_attempts:
                    db.execute(
                        "UPDATE outbox SET state = 'dead', lease_until = NULL, claim_token = NULL, last_error = ?"
                        " WHERE id = ?",
                        (interrupted, job_id),
                    )
                    log.error("job %d dead: %s", job_id, interrupted)
                    continue
                token = uuid.uuid4().hex
                db.execute(
                    "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, lease_until = ?,"
                    " claim_token = ?, last_error = CASE WHEN state = 'in_flight' THEN ? ELSE last_error END"
                    " WHERE id = ?",
                    (now + lease_s, token, interrupted, job_id),
                )
                job = _job(db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (job_id,)).fetchone())
                claims.append(Claim(job, token))
        return claims

    def mark_delivered(self, claim: Claim, *, status: int, now: float) -> bool:
        """Record a 2xx. It counts even when the lease has passed to another worker (the receiver has it);
        False when the job was already delivered."""
        with self.db.transaction() as db:
            changed = db.execute(
                "UPDATE outbox SET state = 'delivered', delivered_at = ?, last_status = ?, last_error = '',"
                " lease_until = NULL, claim_token = NULL WHERE id = ? AND state != 'delivered'",
                (now, status, claim.job.id),
            ).rowcount
        return bool(changed)

    def mark_failed(self, claim: Claim, *, error: str, status: int | None, retry_at: float | None, now: float) -> bool:
        """Record a failed attempt: pending again at `retry_at`, or dead when None. False (nothing changed)
        when this claim no longer holds the job."""
        state = PENDING if retry_at is not None else DEAD
        with self.db.transaction() as db:
            changed = db.execute(
                "UPDATE outbox SET state = ?, next_attempt_at = ?, last_error = ?, last_status = ?,"
                " lease_until = NULL, claim_token = NULL WHERE id = ? AND state = 'in_flight' AND claim_token = ?",
                (state, retry_at if retry_at is not None else now, error, status, claim.job.id, claim.token),
            ).rowcount
        return bool(changed)


class Worker:
    """Sends due outbox jobs as signed webhooks, `concurrency` at a time.

    `resolve_target(target_id) -> (url, secrets)` is asked on every attempt, so a changed URL or a rotated
    secret applies to queued jobs too. `clock` (unix seconds) and `rng` are injectable for tests; `session`
    is an aiohttp ClientSession to reuse (one is made, and closed by `close()`, otherwise).
    """

    def __init__(
        self,
        outbox: Outbox,
        resolve_target: ResolveTarget,
        *,
        timeout_s: float = TIMEOUT_S,
        max_attempts: int = MAX_ATTEMPTS,
        base_delay_s: float = BASE_DELAY_S,
        max_delay_s: float = MAX_DELAY_S,
        concurrency: int = CONCURRENCY,
        lease_s: float | None = None,
        clock: Clock = time.time,
        session: aiohttp.ClientSession | None = None,
        rng: Random | None = None,
    ) -> None:
        if max_attempts < 1 or concurrency < 1 or timeout_s <= 0:
            raise OutboxError("max_attempts and concurrency must be at least 1, timeout_s above 0")
        self.outbox = outbox
        self.resolve_target = resolve_target
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.concurrency = concurrency
        # A lease must outlast one attempt (the request plus recording it), or a live job would be sent twice.
        self.lease_s = lease_s if lease_s is not None else max(30.0, 3 * timeout_s)
        self.clock = clock
        self.rng = rng or Random()
        self._session = session
        self._own_session = session is None
        self._wake = asyncio.Event()

    async def __aenter__(self) -> Worker:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session this worker made (not one it was given)."""
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def backoff(self, attempts: int) -> float:
        """Seconds before the next attempt after `attempts` failures: exponential with full jitter."""
        cap = min(self.max_delay_s, self.base_delay_s * 2 ** min(attempts - 1, 60))
        return self.rng.uniform(0, cap)

    def wake(self) -> None:
        """Look for due jobs now (call after enqueueing, from the worker's event loop)."""
        self._wake.set()

    async def run_once(self, limit: int = 100) -> RunReport:
        """Send up to `limit` jobs that are due now, `concurrency` at a time; returns what happened."""
        tally: Counter[str] = Counter()
        budget = [limit]

        async def slot() -> None:
            while budget[0] > 0:
                budget[0] -= 1
                claims = await self._claim()
                if not claims:
                    return
                tally["claimed"] += 1
                tally[await self._attempt(claims[0])] += 1

        await asyncio.gather(*(slot() for _ in range(max(1, min(self.concurrency, limit)))))
        return RunReport(**tally)

    async def run_forever(self, stop: asyncio.Event, poll_s: float = 1.0) -> None:
        """Deliver jobs as they become due until `stop` is set; an attempt in progress is finished first."""

        async def slot() -> None:
            while not stop.is_set():
                try:
                    claims = await self._claim()
                    if claims:
                        await self._attempt(claims[0])
                        continue
                    await self._idle(stop, poll_s)
                except Exception as exc:  # e.g. the database stayed locked: keep the worker alive, poll again
                    log.warning("outbox worker: %s; trying again in %g s", exc, poll_s)
                    await self._idle(stop, poll_s, until_due=False)

        await asyncio.gather(*(slot() for _ in range(self.concurrency)))

    async def _claim(self) -> list[Claim]:
        return await asyncio.to_thread(
            self.outbox.claim, limit=1, lease_s=self.lease_s, max_attempts=self.max_attempts, now=self.clock()
        )

    async def _idle(self, stop: asyncio.Event, poll_s: float, *, until_due: bool = True) -> None:
        """Wait for `stop`, `wake()`, `poll_s`, or (`until_due`) the moment the next job becomes due."""
        wait = poll_s
        if until_due and (due := await asyncio.to_thread(self.outbox.next_due_at)) is not None:
            wait = min(poll_s, max(0.005, due - self.clock()))
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
        self._wake.clear()

    async def _attempt(self, claim: Claim) -> str:
        """One delivery attempt, recorded; returns delivered | retried | dead | lost. Never raises."""
        job = claim.job
        status: int | None = None
        retry_after: float | None = None
        try:
            status, detail, retry_after = await self._post(job)
            error = "" if 200 <= status < 300 else f"HTTP {status}" + (f": {detail}" if detail else "")
        except asyncio.TimeoutError:
            error = f"no response within {self.timeout_s:g} s"
        except aiohttp.ClientError as exc:
            error = f"connection error: {exc or type(exc).__name__}"
        except Exception as exc:  # a bad target, a bad secret, a bug: keep the job, say what happened
            error = f"{type(exc).__name__}: {exc}"
        now = self.clock()
        try:
            if not error and status is not None:
                await asyncio.to_thread(self.outbox.mark_delivered, claim, status=status, now=now)
                log.info("job %d %s delivered (attempt %d, HTTP %d)", job.id, job.job_key, job.attempts, status)
                return "delivered"
            retry_at = self._next_attempt(job, status, retry_after, now)
            recorded = await asyncio.to_thread(
                self.outbox.mark_failed, claim, error=error[:500], status=status, retry_at=retry_at, now=now
            )
        except Exception:  # the database failed us: the lease expires and another attempt follows
            log.exception("job %d: could not record the outcome of attempt %d", job.id, job.attempts)
            return "lost"
        if not recorded:
            return "lost"
        if retry_at is None:
            log.error("job %d %s dead after %d attempt(s): %s", job.id, job.job_key, job.attempts, error)
            return "dead"
        log.warning(
            "job %d %s attempt %d/%d failed: %s; next in %.2f s",
            job.id,
            job.job_key,
            job.attempts,
            self.max_attempts,
            error,
            retry_at - now,
        )
        return "retried"

    async def _post(self, job: Job) -> tuple[int, str, float | None]:
        url, secrets = self.resolve_target(job.target)
        signed = webhooks.headers(secrets, job.job_key, job.body, now=self.clock())
        session = self._session
        if session is None:
            session = self._session = aiohttp.ClientSession()
        async with session.post(
            url,
            data=job.body,
            headers={**signed, "content-type": "application/json", "user-agent": USER_AGENT},
            timeout=aiohttp.ClientTimeout(total=self.timeout_s),
            allow_redirects=False,  # the spec treats 3xx as a failure: fix the URL instead
        ) as response:
            detail = (await response.content.read(200)).decode("utf-8", "replace").strip()
            return response.status, detail, _retry_after(response.headers.get("Retry-After"), self.clock())

    def _next_attempt(self, job: Job, status: int | None, retry_after: float | None, now: float) -> float | None:
        if status == 410 or job.attempts >= self.max_attempts:  # 410 Gone: the receiver asks us to stop
            return None
        delay = self.backoff(job.attempts)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_delay_s))
        return now + delay


# -- target resolution -------------------------------------------------------------------------------------


def routing_resolver(path: Path) -> ResolveTarget:
    """Targets from the routing config (`bot.routing.load_routing`), re-read when the file changes."""
    try:
        from bot.routing import load_routing
    except ImportError:  # routing not installed in this checkout: read the targets from the same YAML
        return _Reloading(path, targets_file_lookup)

    def lookup(config_path: Path) -> Callable[[str], tuple[str, list[str]]]:
        config = load_routing(config_path)

        def resolve(target_id: str) -> tuple[str, list[str]]:
            target = config.target(target_id)
            return target.webhook_url, list(target.secrets)

        return resolve

    return _Reloading(path, lookup)


def targets_file_resolver(path: Path) -> ResolveTarget:
    """Targets from a plain targets file (`targets_file_lookup`), re-read when it changes."""
    return _Reloading(path, targets_file_lookup)


def targets_file_lookup(path: Path) -> Callable[[str], tuple[str, list[str]]]:
    """Every mapping with `id` and `webhook_url` in a YAML or JSON file (at any depth), with its `secrets`
    ("${VAR}" and "${VAR:-default}" in URLs and secrets are expanded). For `outbox work --targets` and for tests."""
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OutboxError(f"cannot read targets from {path}: {exc}") from exc
    found: dict[str, tuple[str, list[str]]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "id" in node and "webhook_url" in node:
                secrets = node.get("secrets") or []
                secrets = [secrets] if isinstance(secrets, str) else list(secrets)
                found[str(node["id"])] = (
                    _expand(str(node["webhook_url"]), path),
                    [_expand(str(s), path) for s in secrets],
                )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)

    def resolve(target_id: str) -> tuple[str, list[str]]:
        if target_id not in found:
            raise OutboxError(f"no target {target_id!r} in {path} (known: {', '.join(sorted(found)) or 'none'})")
        return found[target_id]

    return resolve


class _Reloading:
    """A lookup built from a file, rebuilt when the file's modification time changes."""

    def __init__(self, path: Path, build: Callable[[Path], Callable[[str], tuple[str, list[str]]]]) -> None:
        self.path = path
        self.build = build
        self._stamp: int | None = None
        self._lookup: Callable[[str], tuple[str, list[str]]] | None = None

    def __call__(self, target_id: str) -> tuple[str, list[str]]:
        try:
            stamp = self.path.stat().st_mtime_ns
        except OSError as exc:
            raise OutboxError(f"cannot read the routing file {self.path}: {exc.strerror or exc}") from exc
        if self._lookup is None or stamp != self._stamp:
            self._lookup, self._stamp = self.build(self.path), stamp
        return self._lookup(target_id)


def _expand(value: str, path: Path) -> str:
    """ "${VAR}" and "${VAR:-default}" from the environment, as in the routing file."""

    def env(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise OutboxError(f"{path}: environment variable {name} (used for a webhook target) is not set")
        return default

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}", env, value)


# -- command line ------------------------------------------------------------------------------------------


def register_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add `outbox work | list | retry` to a `brandstation` argparse subparsers object; dispatch to run_cli."""
    parser: argparse.ArgumentParser = subparsers.add_parser("outbox", help="lead delivery queue: work, list, retry")
    _add_commands(parser)
    parser.set_defaults(handler=run_cli)
    return parser


def main(argv: list[str] | None = None) -> int:
    """`python -m bot.outbox work|list|retry` (the same as `brandstation outbox ...`)."""
    parser = argparse.ArgumentParser(prog="brandstation outbox", description="lead delivery queue")
    _add_commands(parser)
    args = parser.parse_args(argv)
    try:
        return run_cli(args)
    except KnowledgeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run_cli(args: argparse.Namespace) -> int:
    """Run a parsed `outbox` command."""
    from bot.settings import get_settings

    settings = get_settings()
    outbox = Outbox(args.db or settings.db())
    if args.outbox_command == "list":
        return _list(outbox, args)
    if args.outbox_command == "retry":
        job = outbox.retry(args.id)
        print(f"job {job.id} ({job.job_key} → {job.target}) is pending again; `outbox work` sends it")
        return 0
    resolve = targets_file_resolver(args.targets) if args.targets else routing_resolver(settings.routing_file)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    return asyncio.run(_work(outbox, resolve, args))


def _add_commands(parser: argparse.ArgumentParser) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database path or URL (default: BRANDSTATION_DATABASE_URL, else _DATABASE)")
    sub = parser.add_subparsers(dest="outbox_command", required=True)
    p = sub.add_parser("work", parents=[common], help="deliver due jobs until Ctrl-C / SIGTERM (--once: one pass)")
    p.add_argument("--once", action="store_true", help="send what is due now, then exit (for a scheduler)")
    p.add_argument("--limit", type=int, default=1000, help="most jobs sent by --once (default 1000)")
    p.add_argument("--targets", type=Path, help="YAML/JSON with {id, webhook_url, secrets} instead of routing")
    p.add_argument("--concurrency", type=int, default=CONCURRENCY, help=f"parallel requests (default {CONCURRENCY})")
    p.add_argument("--timeout", type=float, default=TIMEOUT_S, help=f"request timeout, s (default {TIMEOUT_S:g})")
    p.add_argument("--max-attempts", type=int, default=MAX_ATTEMPTS, help=f"then dead (default {MAX_ATTEMPTS})")
    p.add_argument("--base-delay", type=float, default=BASE_DELAY_S, help=f"first backoff, s ({BASE_DELAY_S:g})")
    p.add_argument("--max-delay", type=float, default=MAX_DELAY_S, help=f"longest backoff, s ({MAX_DELAY_S:g})")
    p.add_argument("--lease", type=float, help="seconds before a job claimed by a dead worker is sent again")
    p.add_argument("--poll", type=float, default=1.0, help="idle poll interval, s (default 1)")
    p.add_argument("--quiet", action="store_true", help="log failures only")
    p = sub.add_parser("list", parents=[common], help="jobs, newest first, with state, attempts and last error")
    p.add_argument("--dead", action="store_true", help="only dead jobs (failed every attempt)")
    p.add_argument("--state", choices=STATES, help="only jobs in this state")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true", help="JSON lines with the payloads")
    p = sub.add_parser("retry", parents=[common], help="make a dead job pending again")
    p.add_argument("id", type=int)


async def _work(outbox: Outbox, resolve: ResolveTarget, args: argparse.Namespace) -> int:
    worker = Worker(
        outbox,
        resolve,
        timeout_s=args.timeout,
        max_attempts=args.max_attempts,
        base_delay_s=args.base_delay,
        max_delay_s=args.max_delay,
        concurrency=args.concurrency,
        lease_s=args.lease,
    )
    async with worker:
        if args.once:
            report = await worker.run_once(args.limit)
            print(
                f"claimed {report.claimed}: {report.delivered} delivered, {report.retried} to retry, "
                f"{report.dead} dead, {report.lost} lost to another worker"
            )
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("outbox worker on %s: %d parallel, timeout %g s", outbox.path, worker.concurrency, worker.timeout_s)
        await worker.run_forever(stop, args.poll)
    return 0


def _list(outbox: Outbox, args: argparse.Namespace) -> int:
    jobs = outbox.list_jobs(DEAD if args.dead else args.state, limit=args.limit)
    if args.json:
        for job in jobs:
            print(json.dumps(job.to_json(), ensure_ascii=False))
        return 0
    s = outbox.stats()
    print(f"{s.pending} pending, {s.in_flight} in flight, {s.delivered} delivered, {s.dead} dead")
    for job in jobs:
        when = f"delivered {_iso(job.delivered_at)}" if job.delivered_at else f"next {_iso(job.next_attempt_at)}"
        print(f"{job.id:>6}  {job.state:<9} {job.attempts:>2} tries  {job.kind}→{job.target}  {job.job_key}  {when}")
        if job.last_error and job.state != DELIVERED:
            print(f"        last error: {job.last_error[:200]}")
    return 0


_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, job_key TEXT NOT NULL UNIQUE,
    target TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, lease_until REAL,
    claim_token TEXT, last_error TEXT NOT NULL DEFAULT '', last_status INTEGER,
    created_at REAL NOT NULL, delivered_at REAL);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_lease ON outbox (state, lease_until)
"""
_COLUMNS = (
    "id, job_key, target, kind, payload, state, attempts, next_attempt_at, lease_until, last_error, last_status,"
    " created_at, delivered_at"
)


def _job(row: Sequence[Any]) -> Job:
    return Job(
        id=int(row[0]),
        job_key=row[1],
        target=row[2],
        kind=row[3],
        body=str(row[4]).encode("utf-8"),
        state=row[5],
        attempts=int(row[6]),
        next_attempt_at=float(row[7]),
        lease_until=row[8],
        last_error=row[9],
        last_status=row[10],
        created_at=float(row[11]),
        delivered_at=row[12],
    )


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


if __name__ == "__main__":
    sys.exit(main())
